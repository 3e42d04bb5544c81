"""The Spark engine against the single-machine scan, on a local[2]
session (skipped when pyspark or a Java runtime is missing), and its
connected-components step in numpy alone.

The multilingual corpus takes its paragraphs from the shared Japanese and
Chinese Wikipedia and English news corpora when they are present (their
licences are in the shared corpus README) and generates them otherwise."""

from __future__ import annotations

import json
import random
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dedupe
from dedupe.core.candidates import pairs_from_buckets
from dedupe.errors import MissingExtraError
from dedupe.spark.components import large_star, small_star, star_components
from tests.strategies import CORPUS

ROOT = Path(__file__).resolve().parents[2]

# ---------------------------------------------------------------- corpora


def _words(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9))) for _ in range(n)]


def chain_corpus(seed: int = 3, n_plain: int = 60, n_chains: int = 6) -> tuple[dict[str, str], list[list[str]]]:
    """Unrelated documents, exact and edited copies, and planted chains
    A~B~C (sliding windows over one word sequence: J(A,B) and J(B,C)
    about 0.74, J(A,C) about 0.54), each in a shuffled id order so that
    the canonical is not always the chain's first link. Returns the
    documents and each chain's ids, in link order."""
    rng = random.Random(seed)
    docs: dict[str, str] = {}
    chains: list[list[str]] = []
    for i in range(n_plain):
        paras = [" ".join(_words(rng, rng.randint(40, 90))) for _ in range(rng.randint(1, 3))]
        docs[f"p{i:03d}"] = "\n\n".join(paras)
    for i in range(0, n_plain, 7):
        docs[f"p{i:03d}-copy"] = docs[f"p{i:03d}"]
        w = docs[f"p{i:03d}"].split(" ")
        w[len(w) // 2] = "edited"
        docs[f"p{i:03d}-edit"] = " ".join(w)
    for c in range(n_chains):
        seq = _words(rng, 140)
        names = [f"c{c}-{x}" for x in rng.sample("xyzw", 3)]
        chains.append(names)
        for name, start in zip(names, (0, 15, 30)):
            docs[name] = " ".join(seq[start : start + 100])
    docs["empty"] = ""
    docs["short"] = "Hi."
    return docs, chains


SHARED_FILES = {"en": "en-news-articles.jsonl", "ja": "ja-wikipedia-paragraphs.jsonl",
                "zh": "zh-wikipedia-paragraphs.jsonl"}
POOLS = {"ja": "日本語文章業界技術開発市場競争信頼性速度向上企業導入課題情報社会実装専門知識あいうえおかきくけこさしすせそ",
         "zh": "中国文化历史城市经济发展人民政府学校大学研究科学技术国家世界音乐电影"}
FOOTERS = {
    "en": "© {y} Example Media. All rights reserved. Last updated {d} March {y}, page {p} of the print edition.",
    "ja": "© {y} 例示メディア。無断転載を禁じます。最終更新は{y}年{m}月{d}日、紙面の{p}ページです。",
    "zh": "© {y} 示例媒体。版权所有，未经许可不得转载。最后更新于{y}年{m}月{d}日，印刷版第{p}页。",
}
#: A sentence that recurs inside the paragraphs of many documents.
SLOGANS = {
    "en": "Subscribe to our weekly newsletter for the latest updates on every story that we cover here.",
    "ja": "最新の記事の更新情報は、毎週お届けするニュースレターでいつでもご確認いただけます。",
    "zh": "订阅我们的新闻通讯，即可随时获取我们报道的每一个故事的最新进展和深度分析内容。",
}
STOP = {"en": ". ", "ja": "。", "zh": "。"}


def _generated(lang: str, n: int, rng: random.Random) -> list[str]:
    if lang == "en":
        return [" ".join(". ".join(" ".join(_words(rng, 12)).capitalize() for _ in range(4)).split()) + "."
                for _ in range(n)]
    return ["".join("".join(rng.choice(POOLS[lang]) for _ in range(rng.randint(20, 40))) + "。" for _ in range(4))
            for _ in range(n)]


def _paragraphs(lang: str, n: int, rng: random.Random) -> list[str]:
    path = CORPUS / SHARED_FILES[lang]
    if path.exists():
        seen, out = set(), []
        for line in path.read_text("utf-8").splitlines():
            text = json.loads(line)["text"][:600] if line.strip() else ""
            if len(text) > 150 and text[:40] not in seen:
                seen.add(text[:40])
                out.append(text)
        rng.shuffle(out)
        if len(out) >= n:
            return out[:n]
    return _generated(lang, n, rng)


def _complete_sentences(lang: str, paragraph: str) -> list[str]:
    stop = STOP[lang].strip()
    return [x.strip() + stop for x in paragraph.split(stop)[:-1] if x.strip()]


def _edited(lang: str, sentence: str) -> str:
    """One word (one character in Japanese and Chinese) changed, halfway."""
    if lang == "en":
        words = sentence.split(" ")
        i = next(i for i in range(len(words) // 2, len(words)) if words[i].isalpha())
        return " ".join(words[:i] + ["edited"] + words[i + 1 :])
    i = len(sentence) // 2
    return sentence[:i] + ("变" if lang == "zh" else "変") + sentence[i + 1 :]


def _merged(lang: str, a: str, b: str) -> str:
    return a[:-1] + (", and " + b[0].lower() + b[1:] if lang == "en" else "，" + b)


def reworked(lang: str, paragraph: str) -> list[str]:
    """Sentences of ``paragraph`` as a writer reuses them: the first with
    one word changed, the fourth moved up, the second and third merged
    into one, the fifth dropped."""
    s = _complete_sentences(lang, paragraph)
    return [_edited(lang, s[0]), s[3], _merged(lang, s[1], s[2])]


def planted_corpus(seed: int = 5, per_lang: int = 16) -> dict[str, str]:
    """Japanese, Chinese and English documents of three paragraphs: most
    with a templated footer whose numbers change (a paragraph block), a
    third with a recurring sentence inside a paragraph (a sentence block);
    a near-duplicate pair of one document (whose footers must not count
    against it); a document that copies a paragraph, one that copies a
    paragraph into the end of its own, one that copies a run of two
    sentences, one that reworks five sentences of a paragraph
    (:func:`reworked`)."""
    rng = random.Random(seed)
    docs: dict[str, str] = {}
    for lang in ("en", "ja", "zh"):
        sep = " " if lang == "en" else ""
        paras = _paragraphs(lang, 3 * per_lang + 8, rng)
        for i in range(per_lang):
            parts = paras[3 * i : 3 * i + 3]
            if i % 3 == 1:
                parts[1] = parts[1] + sep + SLOGANS[lang]
            if i % 4 != 3:
                parts.append(FOOTERS[lang].format(y=rng.randint(2001, 2025), m=rng.randint(1, 12),
                                                  d=rng.randint(1, 28), p=rng.randint(1, 500)))
            docs[f"{lang}{i:02d}"] = "\n\n".join(parts)
        base = docs[f"{lang}03"]
        docs[f"{lang}03-copy"] = base
        docs[f"{lang}03-edit"] = base.replace(paras[9][:20], paras[9][:20][::-1], 1)
        docs[f"{lang}-thief"] = "\n\n".join([paras[-1], paras[10], paras[-2]])
        docs[f"{lang}-borrow"] = paras[-3] + "\n\n" + paras[20] + sep + paras[-4]
        sents = [x for x in paras[30].split(STOP[lang]) if x][:3]
        run = "".join(x + STOP[lang] for x in sents[1:3]).strip()
        docs[f"{lang}-run"] = paras[-5] + "\n\n" + paras[-6][:80] + STOP[lang] + run
        source = next(p for p in paras[33 : 3 * per_lang] if len(_complete_sentences(lang, p)) >= 5)
        docs[f"{lang}-rework"] = paras[-7] + "\n\n" + sep.join(reworked(lang, source)) + sep + paras[-8][:200]
    return docs


# ---------------------------------------------------------------- numpy only


def _union_find_components(edges: np.ndarray) -> dict[int, int]:
    """Each node of ``edges`` and the smallest node of its component, by
    plain union-find (the smaller root always wins)."""
    parent = list(range(int(edges.max()) + 1))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for a, b in edges.tolist():
        ra, rb = find(a), find(b)
        parent[max(ra, rb)] = min(ra, rb)
    return {u: find(u) for u in np.unique(edges).tolist()}


@pytest.mark.parametrize("seed", range(40))
def test_star_rounds_find_the_components_of_random_graphs(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 300))
    edges = rng.integers(0, n, (int(rng.integers(1, 2 * n)), 2))
    edges = edges[edges[:, 0] != edges[:, 1]]
    if edges.size == 0:
        edges = np.array([[0, 1]])
    assert star_components(edges) == _union_find_components(edges)


def test_star_rounds_on_a_long_path_need_many_rounds():
    # A path numbered against the stars' grain: one round is not enough,
    # so only iteration to the fixed point gives one component.
    order = np.random.default_rng(1).permutation(200)
    edges = np.stack([order[:-1], order[1:]], axis=1)
    once = small_star(large_star(edges))
    assert np.unique(once[:, 1]).size > 1
    assert set(star_components(edges).values()) == {0}


def test_large_star_links_larger_neighbours_to_the_smallest():
    assert large_star(np.array([[2, 5], [2, 7], [1, 2]])).tolist() == [[2, 1], [5, 1], [7, 1]]
    assert small_star(np.array([[5, 2], [5, 3]])).tolist() == [[3, 2], [5, 2]]


@settings(deadline=None)  # the first example imports pyarrow
@given(st.lists(st.sampled_from("abcdef"), max_size=60).map(sorted), st.lists(st.integers(0, 60), max_size=20))
def test_groups_streamed_across_batches_are_each_seen_once_whole(keys, cuts):
    # However the sorted rows are cut into Arrow batches (empty ones
    # included), each key's rows reach the function once, together.
    import pyarrow as pa

    from dedupe.spark.grouped import arrow_schema, stream_groups

    bounds = sorted({0, len(keys), *[min(c, len(keys)) for c in cuts]})
    batches = [pa.RecordBatch.from_pydict({"k": keys[a:b], "v": list(range(a, b))},
                                          schema=pa.schema([("k", pa.string()), ("v", pa.int64())]))
               for a, b in zip(bounds[:-1], bounds[1:])] + [pa.RecordBatch.from_pydict(
                   {"k": [], "v": []}, schema=pa.schema([("k", pa.string()), ("v", pa.int64())]))]
    out = stream_groups(batches, "k", lambda rows: {"k": rows["k"][:1], "v": [sum(rows["v"])],
                                                    "n": [len(rows["v"])]}, arrow_schema("k string, v long, n int"))
    got = [r for b in out for r in b.to_pylist()]
    want = [{"k": k, "v": sum(i for i, x in enumerate(keys) if x == k), "n": keys.count(k)} for k in sorted(set(keys))]
    assert got == want


def test_missing_pyspark_is_a_named_error(monkeypatch):
    from dedupe.spark import _deps

    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(MissingExtraError, match=r"pyspark.*dedupe-text\[spark\]"):
        _deps.require_pyspark()


# ---------------------------------------------------------------- Spark

pyspark = pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("no Java runtime for Spark", allow_module_level=True)

from dedupe import spark as dspark  # noqa: E402
from dedupe.spark.bands import candidate_pairs  # noqa: E402
from dedupe.spark.components import spark_components  # noqa: E402


@pytest.fixture(scope="module")
def chained():
    return chain_corpus()


@pytest.fixture(scope="module")
def corpus(chained):
    return chained[0] | planted_corpus()


@pytest.fixture(scope="module")
def single(corpus):
    return dedupe.scan(sorted(corpus.items()), jobs=1)


def _frame(spark, corpus, partitions, id_col="id", text_col="text"):
    rows = sorted(corpus.items(), key=lambda kv: hash(kv[0]) % 97)  # an input order unlike the ids'
    return spark.createDataFrame(rows, f"{id_col} string, {text_col} string").repartition(partitions)


def _same_results(got, want):
    assert got.clusters == want.clusters
    assert got.boilerplate == want.boilerplate
    assert got.passages == want.passages


def test_the_corpus_has_chains_the_single_scan_does_not_follow(single, chained):
    # The two ends of a chain share a cluster only under the middle link
    # as its canonical; and some chains start at an end, where plain
    # connected components would chain them.
    cut = 0
    for a, b, c in chained[1]:
        held = [cl.members for cl in single.clusters if {a, b, c} & set(cl.members)]
        assert len(held) == 1
        if {a, c} <= set(held[0]):
            assert held[0][0] == b
        else:
            cut += 1
    assert cut >= 2


def test_the_corpus_plants_passages_and_blocks_in_each_language(single):
    # What the parity tests below compare is not empty: copied paragraphs
    # and sentence runs in every language, footers as paragraph blocks, a
    # recurring sentence as a sentence block, and near-duplicate
    # documents found despite their different footers.
    for lang in ("en", "ja", "zh"):
        sources = {p.duplicate_of.id for p in single.passages if p.id.startswith(lang)}
        assert {f"{lang}-thief", f"{lang}-run"} <= sources | {p.id for p in single.passages}
        # The reworked sentences make one passage, less than a copy.
        (rework,) = [p for p in single.passages if f"{lang}-rework" in (p.id, p.duplicate_of.id)]
        assert 0.45 <= rework.similarity < 1.0
        assert (f"{lang}03", f"{lang}03-copy", f"{lang}03-edit") in [c.members for c in single.clusters]
    levels = {(b.level, b.text[:2]) for b in single.boilerplate}
    assert {("paragraph", "© ")} <= levels and any(level == "sentence" for level, _ in levels)


@pytest.mark.parametrize("partitions", [1, 8])
def test_clusters_passages_and_blocks_are_the_single_machines(spark, corpus, single, partitions):
    got = dspark.collect(dspark.scan(_frame(spark, corpus, partitions)))
    _same_results(got, single)
    assert got.summary.documents == single.summary.documents
    assert got.summary.paragraphs == single.summary.paragraphs
    assert got.summary.sentences == single.summary.sentences
    assert got.lengths == single.lengths


def test_other_columns_and_partitions_written_as_json_lines(spark, corpus, single, tmp_path):
    df = _frame(spark, corpus, 3, "url", "body")
    result = dspark.scan(df, id_col="url", text_col="body")
    _same_results(dspark.collect(result, lengths=False), single)
    dspark.write_results(result, str(tmp_path), "json")
    for name in ("clusters", "passages", "boilerplate"):
        lines = [json.loads(x) for f in sorted((tmp_path / name).glob("part-*.json"))
                 for x in f.read_text("utf-8").splitlines()]
        assert lines == [item.to_dict() for item in getattr(single, name)]


def test_keep_longest_and_other_thresholds_match_too(spark, corpus):
    options = dict(keep="longest", threshold=0.5, boilerplate_threshold=0.6, min_documents=4)
    want = dedupe.scan(sorted(corpus.items()), jobs=1, **options)
    got = dspark.collect(dspark.scan(_frame(spark, corpus, 2), **options))
    _same_results(got, want)
    assert any(len(c.members) == 3 and c.members[0].startswith("c") for c in got.clusters)
    assert want.passages and want.boilerplate


def test_duplicate_ids_are_a_named_error(spark, tmp_path, capsys):
    from dedupe.cli import main

    df = spark.createDataFrame([("a", "one text"), ("b", "another"), ("a", "a third")], "id string, text string")
    with pytest.raises(dedupe.InputError, match=r"^a: duplicate document id \(2 documents\)"):
        dspark.scan(df)
    jsonl = tmp_path / "docs.jsonl"
    jsonl.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in df.collect()))
    assert main(["scan", "--no-config", "--engine", "spark", str(jsonl)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["dedupe: error: a: duplicate document id (2 documents); the Spark engine needs unique ids"
                   " (dedupe.scan keeps the first, a distributed input has no first)"]


def test_big_buckets_fan_out_as_on_one_machine(spark):
    rng = np.random.default_rng(5)
    labels = rng.integers(0, 4, 60)
    ids = [f"d{i:02d}" for i in range(60)]
    rows = [(ids[i], 0, False, [int(labels[i])]) for i in range(60)]
    docs = spark.createDataFrame(rows, "id string, k long, empty boolean, bands array<long>")
    got = sorted(tuple(r) for r in candidate_pairs(docs, max_bucket=10).collect())
    want = pairs_from_buckets(labels, np.arange(60), max_bucket=10)
    assert got == sorted((ids[a], ids[b]) for a, b in want.tolist())


def test_spark_components_match_the_numpy_rounds(spark):
    rng = np.random.default_rng(11)
    edges = rng.integers(0, 80, (90, 2))
    edges = edges[edges[:, 0] != edges[:, 1]]
    df = spark.createDataFrame([(int(a), int(b)) for a, b in edges.tolist()], "a long, b long")
    got = {r["node"]: r["component"] for r in spark_components(df).collect()}
    assert got == star_components(edges)


def test_unit_keys_sort_as_id_then_position(spark):
    # Ids that are prefixes of each other, or hold NUL, still order their
    # paragraphs as (id, position) does.
    from dedupe.spark.units import unit_uid

    rows = [(i, p) for i in ["a", "a\x00", "a\x00b", "a\x01", "ab", "", "b"] for p in (0, 7, 123)]
    df = spark.createDataFrame(rows, "id string, pos int").select("id", "pos", unit_uid().alias("uid"))
    got = [(r["id"], r["pos"]) for r in df.orderBy("uid").collect()]
    assert got == sorted(rows)


def _inputs(corpus, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    items = sorted(corpus.items())
    jsonl = tmp_path / "docs.jsonl"
    jsonl.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in items[::2]))
    parquet = tmp_path / "docs.parquet"
    rest = items[1::2]
    pq.write_table(pa.table({"id": [i for i, _ in rest], "text": [t for _, t in rest]}), parquet)
    return jsonl, parquet


def _report(out: str) -> dict:
    report = json.loads(out)
    for key in ("seconds", "mb_per_s"):
        report["summary"].pop(key)
    return report


def _written(folder: Path, name: str) -> list[dict]:
    import pyarrow.parquet as pq

    path = folder / name if (folder / name).is_dir() else folder / f"{name}.parquet"
    return pq.read_table(path).to_pylist()


def test_the_cli_gives_the_local_report_and_files_from_jsonl_and_parquet(spark, corpus, tmp_path, capsys):
    """dedupe scan --engine spark on a JSONL and a Parquet file prints the
    report of dedupe scan on the same files (which reads Parquet through
    pyarrow), in JSON and as text, and writes the same three results."""
    from dedupe.cli import main

    jsonl, parquet = _inputs(corpus, tmp_path)
    argv = ["scan", "--no-config", str(jsonl), str(parquet)]
    assert main(argv + ["--format", "json", "--output", str(tmp_path / "local")]) == 0
    local = capsys.readouterr().out
    assert main(argv + ["--format", "json", "--engine", "spark", "--output", str(tmp_path / "spark")]) == 0
    on_spark = capsys.readouterr().out
    assert _report(on_spark) == _report(local)
    assert all(_report(local)[name] for name in ("clusters", "passages", "boilerplate"))
    for name in ("clusters", "passages", "boilerplate"):
        assert _written(tmp_path / "spark", name) == _written(tmp_path / "local", name)
    with pytest.raises(dedupe.InputError, match="no such file"):
        dspark.scan_paths([str(tmp_path / "missing.jsonl")])


def test_clean_example_cleans_each_partition(spark, tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("spark_clean", ROOT / "examples" / "spark_clean.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    p = "The library budget was approved on Monday after a long debate about staffing and costs."
    df = spark.createDataFrame([(1, f"{p}\n\n{p}\n"), (2, "Just one paragraph here."), (3, None)], "id long, text string")
    schema = df.schema.add("removed", "long")
    rows = sorted(df.repartition(2).mapInArrow(lambda it: mod.clean_batches(it, "text"), schema).collect())
    assert [(r.id, r.text, r.removed) for r in rows] == [
        (1, p + "\n", 1), (2, "Just one paragraph here.", 0), (3, None, 0)]


def test_benchmark_corpus_plants_copies_chains_passages_and_boilerplate():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_spark", ROOT / "benchmarks" / "spark.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    docs = mod.corpus(200)
    assert len(docs) == 200 and len({d for d, _ in docs}) == 200
    result = dedupe.scan(docs, jobs=1)
    assert any(len(c.members) == 2 and c.members[0].endswith("-c0") for c in result.clusters)
    assert len(result.passages) >= 10
    assert result.boilerplate[0].text.startswith("Copyright") and result.boilerplate[0].documents > 100


def test_a_sentence_bucket_over_the_cap_links_copies_as_on_one_machine(spark):
    # Over 1,000 documents share one sentence (not boilerplate at this
    # min_documents): its buckets are over the fan-out cap, and each copy
    # links to the most canonical sentence, on Spark as on one machine.
    # With keep="longest" that is the longest document's, not the
    # smallest id's: the cap must follow the canonical order, not the ids.
    from tests.corpus.test_passages import giant_bucket_corpus

    docs = [(i, t) for i, t in giant_bucket_corpus()]
    options = dict(keep="longest", min_documents=100_000)
    want = dedupe.scan(docs, jobs=1, **options)
    first = min(docs, key=lambda d: (-len(d[1]), d[0]))[0]
    assert first != "doc0000" and {p.duplicate_of.id for p in want.passages} == {first}
    assert len(want.passages) == len(docs) - 1
    rows = sorted(docs, key=lambda d: d[0][::-1])  # an input order unlike the ids'
    df = spark.createDataFrame(rows, "id string, text string").repartition(3)
    got = dspark.collect(dspark.scan(df, **options), lengths=False)
    assert got.passages == want.passages and got.clusters == want.clusters == ()
