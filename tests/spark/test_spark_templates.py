"""Boilerplate templates with slots on Spark against :func:`dedupe.scan`:
bylines whose author, date and reading time change, Japanese and Chinese
bylines with 年/月/日, an editor line "責任編輯：{name}", and short
paragraphs of common words that are no template, at 1, 3 and 8
partitions (skipped when pyspark or a Java runtime is missing)."""

from __future__ import annotations

import json
import random
import shutil

import pytest

import dedupe

FIRST = ["Anna", "Ben", "Clara", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas"]
LAST = ["Abbott", "Brennan", "Castillo", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad"]
MONTHS = ["January", "March", "May", "July", "September", "November"]
WORDS = ("harbour ferry council budget library orchestra village winter station bridge river museum garden "
         "teacher market festival railway hospital school tower island mountain valley forest meadow").split()
SURNAMES = "王李张刘陈杨黄赵吴周"
GIVEN = "伟芳娜敏静丽强磊军洋"
REPORTERS = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村"]
KANJI = "日本語文章業界技術開発市場競争信頼性速度向上企業導入課題情報社会実装専門知識"
HANZI = "中国文化历史城市经济发展人民政府学校大学研究科学技术国家世界音乐电影"

#: The templates the corpus plants, as ``dedupe.scan`` writes them.
PLANTED = {
    "by {} 0 0 0 min read",
    "責 任 編 輯 {}",
    "{} 記 者 0 年 0 月 0 日 配 信",
    "发 布 时 间 0 年 0 月 0 日 来 源 新 华 网 作 者 {}",
}


def _body(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(30)).capitalize() + "."


def _han(rng: random.Random, pool: str) -> str:
    return "".join(rng.choice(pool) for _ in range(60)) + "。"


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def _byline(rng: random.Random) -> str:
    return (f"By {rng.choice(FIRST)} {rng.choice(LAST)} · {rng.choice(MONTHS)} {rng.randint(1, 28)}, 2025"
            f" · {rng.randint(2, 25)} min read")


def _date(rng: random.Random) -> str:
    return f"{rng.randint(2001, 2025)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"


def _pages(rng: random.Random, i: int) -> dict[str, list[str]]:
    """One page of each site: English news, Japanese, Chinese, and a page
    whose short paragraph is common words in another order (no template)."""
    words = ["he", "said", "the", "would", *rng.sample(WORDS, 4)]
    rng.shuffle(words)
    return {
        f"en{i:02d}": [_byline(rng), _body(rng), _body(rng), "責任編輯：" + _name(rng)],
        f"ja{i:02d}": [f"{rng.choice(REPORTERS)}記者　{_date(rng)} 配信", _han(rng, KANJI), _han(rng, KANJI)],
        f"zh{i:02d}": [f"发布时间：{_date(rng)}　来源：新华网　作者：{_name(rng)}", _han(rng, HANZI),
                       _han(rng, HANZI), "責任編輯：" + _name(rng)],
        f"ng{i:02d}": [_body(rng), " ".join(words).capitalize() + "."]
        + ([f"He said the {rng.choice(WORDS)} would {rng.choice(WORDS)} the {rng.choice(WORDS)}."]
           if i % 3 == 0 else []),
    }


def templated_corpus(seed: int = 11, per_site: int = 10) -> dict[str, str]:
    """Pages of the four sites, near-duplicate copies of some pages with a
    byline of their own (a cluster whose two bylines fill one template),
    an exact copy, and a page whose byline is a heading (never a template
    block itself, but a copy of one that is)."""
    rng = random.Random(seed)
    pages: dict[str, list[str]] = {}
    for i in range(per_site):
        pages |= _pages(rng, i)
    for i in (0, 3, 6):
        pages[f"en{i:02d}-copy"] = [_byline(rng), *pages[f"en{i:02d}"][1:]]
    pages["zh03-copy"] = pages["zh03"]
    pages["en05-heading"] = ["## " + pages["en05"][0], _body(rng), pages["en05"][-1]]
    return {k: "\n\n".join(v) + "\n" for k, v in pages.items()}


@pytest.fixture(scope="module")
def corpus():
    return templated_corpus()


@pytest.fixture(scope="module")
def single(corpus):
    return dedupe.scan(sorted(corpus.items()), jobs=1)


def test_the_corpus_plants_templates_clusters_and_negatives(single, corpus):
    # What the parity tests compare is not empty: every planted template
    # is a block, the copies are clusters, and no short paragraph of
    # common words is a template.
    by_template = {b.template: b for b in single.boilerplate if b.template}
    assert set(by_template) == PLANTED
    assert by_template["by {} 0 0 0 min read"].documents == 14  # ten pages, three copies, the heading
    assert by_template["責 任 編 輯 {}"].documents == 25
    assert not [o for b in single.boilerplate for o in b.occurrences if o.id.startswith("ng")]
    assert ("en00", "en00-copy") in [c.members for c in single.clusters]
    assert len(single.clusters) == 4


pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("no Java runtime for Spark", allow_module_level=True)

from dedupe import spark as dspark  # noqa: E402


def _frame(spark, corpus, partitions):
    rows = sorted(corpus.items(), key=lambda kv: hash(kv[0]) % 97)  # an input order unlike the ids'
    return spark.createDataFrame(rows, "id string, text string").repartition(partitions)


@pytest.mark.parametrize("partitions", [1, 3, 8])
def test_blocks_templates_and_clusters_are_the_single_machines(spark, corpus, single, partitions, tmp_path):
    result = dspark.scan(_frame(spark, corpus, partitions))
    got = dspark.collect(result, lengths=False)
    assert got.boilerplate == single.boilerplate
    assert got.clusters == single.clusters
    assert got.passages == single.passages
    # The written blocks carry their template too.
    dspark.write_results(result, str(tmp_path), "json")
    lines = [json.loads(x) for f in sorted((tmp_path / "boilerplate").glob("part-*.json"))
             for x in f.read_text("utf-8").splitlines()]
    assert lines == [b.to_dict() for b in single.boilerplate]
    assert {x["template"] for x in lines} >= PLANTED
