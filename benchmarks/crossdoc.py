"""Cross-document benchmark: passages copied into short answers, and
boilerplate whose parts vary.

    python benchmarks/crossdoc.py                 # ja, zh, en from the shared corpus (generated text without it)
    python benchmarks/crossdoc.py --langs en --json out.json

**Copied passages.** Each topic is one source of ``_data`` (a Wikipedia
title, a news article). The first sentences of a topic make its *source
article*, which is in the scanned corpus; the last ones are held out. Short
answers (four to seven sentences) are then written for some topics:

- ``cut``: sentences of the source copied verbatim (cut-and-paste), with
  one sentence of the answer's own (held-out text of the topic);
- ``light``: sentences of the source lightly revised: a word (CJK: a
  character or two) changed in about half of them, one pair merged into
  one sentence, one dropped, two neighbours swapped, the paragraphs cut
  differently;
- ``independent``: held-out sentences of the same topic, never in the
  corpus: same subject, same names, nothing copied (the negatives).

An answer counts as *found* when a tool links it to its source article;
*flagged* (for independent answers) when a tool links it to anything.
Precision is the share of an answer's links that point at its true source.
Character recall is the share of the answer's copied characters covered by
reported spans; span precision the share of reported answer characters
that were copied. Tools: ``dedupe.scan`` over the whole corpus (what
``check`` reports as DUP003), an index of the source articles queried with
each answer (DUP004), and the datasketch paragraph baseline of
``quality.py`` (word 5-gram MinHash per blank-line paragraph,
``MinHashLSH`` at 0.8), which links two paragraphs of different documents.

**Boilerplate with variable parts.** Sites of pages whose bodies are
paragraphs (and one-sentence paragraphs) of the corpus, each page with a
byline and a footer from the site's templates, whose slots take names,
dates in the script's own formats, counts and titles:
"By {author} · {month} {day}, 2025 · {n} min read",
"{yyyy}年{m}月{d}日 {hh}:{mm} 来源：{source} 阅读 {n}", "責任編輯：{name}"
and others. Recall is the share of template occurrences that fall in a
reported boilerplate block, precision the share of characters in reported
blocks that are template text; *blocks per template* is how many blocks
one template's occurrences were split into. The baseline is datasketch on
paragraphs again: a paragraph found in at least ``min_documents``
documents is boilerplate.

Data: ``../shared/corpus/*.jsonl`` (Japanese and Chinese Wikipedia
paragraphs, CC BY-SA 4.0; English news articles), read in place and never
copied; synthetic topic text when absent.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3  # noqa: F401  (the index's default storage; fails early when missing)
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import regex

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _data  # noqa: E402

import dedupe  # noqa: E402
from dedupe.core.evidence import weighted_tokens  # noqa: E402
from dedupe.options import Options  # noqa: E402

CASES = ("cut", "light", "independent")
#: A sentence worth copying or holding out: long enough to be evidence.
MIN_WEIGHT = 14.0
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")

# --- answers ------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    id: str
    lang: str
    case: str
    text: str
    source: str  # the id of its source article
    copied: tuple[tuple[int, int], ...]  # spans of copied (or revised) text in the answer


@dataclass
class PassageCorpus:
    docs: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # source article id -> text
    answers: list[Answer] = field(default_factory=list)


def _sentences(src: _data.Source) -> list[str]:
    return [s for p in src.paragraphs for s in _data.split_sentences(p)]


def _join(sents: Sequence[str], cjk: bool) -> str:
    return ("" if cjk else " ").join(sents)


def _paragraphs(sents: Sequence[str], rng: random.Random, cjk: bool) -> str:
    out, i = [], 0
    while i < len(sents):
        k = rng.randint(2, 4)
        out.append(_join(sents[i : i + k], cjk))
        i += k
    return "\n\n".join(out)


def _substitute(sent: str, rng: random.Random, cjk: bool, pool: Sequence[str]) -> str:
    """A word (CJK: one or two characters) replaced by one of the topic's."""
    if cjk:
        idx = [i for i, c in enumerate(sent) if _CJK.match(c)]
        chars = list(sent)
        for i in rng.sample(idx, min(len(idx), rng.randint(1, 2))):
            chars[i] = rng.choice(pool)
        return "".join(chars)
    words = sent.split(" ")
    inner = [i for i in range(1, len(words) - 1) if words[i].isalpha()]
    if inner:
        words[rng.choice(inner)] = rng.choice(pool)
    return " ".join(words)


def _merge(a: str, b: str, cjk: bool) -> str:
    """Two sentences made one."""
    if cjk:
        return a.rstrip("。！？") + "，" + b
    b = b[0].lower() + b[1:] if b[:1].isupper() and not b[1:2].isupper() else b
    return a.rstrip(".!?") + ", and " + b


def _light(sents: list[str], rng: random.Random, cjk: bool, pool: Sequence[str]) -> list[str]:
    """Light revision: one sentence dropped, two neighbours swapped, one
    pair merged, and a word changed in most of them (one more in long ones)."""
    s = list(sents)
    del s[rng.randrange(1, len(s) - 1)]
    i = rng.randrange(len(s) - 1)
    s[i], s[i + 1] = s[i + 1], s[i]
    j = rng.randrange(len(s) - 1)
    s[j : j + 2] = [_merge(s[j], s[j + 1], cjk)]
    out = []
    for x in s:
        if rng.random() < 0.8:
            for _ in range(1 + int(weighted_tokens(x) >= 30)):
                x = _substitute(x, rng, cjk, pool)
        out.append(x)
    return out


def _answer_text(parts: list[tuple[str, bool]], rng: random.Random, cjk: bool) -> tuple[str, list[tuple[int, int]]]:
    """Sentences (text, copied) in one or two paragraphs, and the spans of
    the copied ones."""
    cut = rng.randint(2, max(2, len(parts) - 2)) if len(parts) > 4 else len(parts)
    text, spans = "", []
    for k, (s, copied) in enumerate(parts):
        if k:
            text += "\n\n" if k == cut else ("" if cjk else " ")
        if copied:
            spans.append((len(text), len(text) + len(s)))
        text += s
    return text + "\n", spans


def build_passages(sources: dict[str, list[_data.Source]], topics: int, seed: int) -> PassageCorpus:
    """Source articles and answers for up to ``topics`` topics per language."""
    rng = random.Random(seed)
    pc = PassageCorpus()
    for lang, srcs in sources.items():
        usable = []
        seen: set[str] = set()
        for src in srcs:
            long = [s for s in _sentences(src) if weighted_tokens(s) >= MIN_WEIGHT]
            keys = {"".join(s.casefold().split()) for s in long}
            # The corpus repeats a few articles: a topic sharing a sentence
            # with another would make its independent answer a copy.
            if len(long) >= 13 and not keys & seen:
                usable.append((src, long[:40]))
            seen |= keys
        rng.shuffle(usable)
        for k, (_src, long) in enumerate(usable[:topics]):
            cjk = _data.is_cjk(" ".join(long))
            held, body = long[-5:], long[:-5]
            sid = f"1-src/{lang}/{k:03d}"
            pc.sources[sid] = pc.docs[sid] = _paragraphs(body, rng, cjk) + "\n"
            pool = [c for c in "".join(body) if _CJK.match(c)] if cjk else [w for w in " ".join(body).split() if w.isalpha()]
            # Every topic gets an independent answer; positives alternate.
            for case in (("cut", "light")[k % 2], "independent"):
                if case == "independent":
                    parts = [(s, False) for s in held[1:]]
                else:
                    a = rng.randrange(0, max(1, len(body) - 7))
                    take = body[a : a + rng.randint(5, 7)]
                    copied = list(take) if case == "cut" else _light(take, rng, cjk, pool)
                    own = (held[0], False)
                    parts = [(s, True) for s in copied]
                    parts.insert(rng.choice([0, len(parts)]), own)
                text, spans = _answer_text(parts, rng, cjk)
                aid = f"2-ans/{lang}/{case}/{k:03d}"
                pc.docs[aid] = text
                pc.answers.append(Answer(aid, lang, case, text, sid, tuple(spans)))
    return pc


# --- tools: links from an answer to other documents ---------------------------

#: (answer id, start, end, other id, other start, other end)
Link = tuple[str, int, int, str, int, int]
PassageTool = Callable[[PassageCorpus, Options], list[Link]]


def scan_links(pc: PassageCorpus, options: Options) -> list[Link]:
    result = dedupe.scan(list(pc.docs.items()), options)
    out: list[Link] = []
    answers = {a.id for a in pc.answers}
    for p in result.passages:
        d = p.duplicate_of
        if p.id in answers:
            out.append((p.id, p.start, p.end, d.id, d.start, d.end))
        if d.id in answers:
            out.append((d.id, d.start, d.end, p.id, p.start, p.end))
    for c in result.clusters:
        for a in c.members:
            if a in answers:
                out += [(a, 0, len(pc.docs[a]), m, 0, len(pc.docs[m])) for m in c.members if m != a]
    return out


def index_links(pc: PassageCorpus, options: Options) -> list[Link]:
    out: list[Link] = []
    with tempfile.TemporaryDirectory() as tmp:
        with dedupe.Index(str(Path(tmp) / "sources.db"), options) as index:
            index.add_many(sorted(pc.sources.items()))
            for a in pc.answers:
                for m in index.query(a.text, options=options):
                    d = m.duplicate_of
                    out.append((a.id, m.start, m.end, d.id, d.start, d.end))
    return out


def _minhash_paragraphs(docs: dict[str, str], ngram: int = 5, num_perm: int = 128):
    """(id, start, end, MinHash) of every blank-line paragraph, word 5-grams."""
    return [(doc_id, start, end, mh) for doc_id, text in sorted(docs.items())
            for start, end, mh in _data.paragraph_minhashes(text, ngram, num_perm)]


def _baseline_lsh(paras, threshold: float = 0.8, num_perm: int = 128):
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    for k, (_, _, _, mh) in enumerate(paras):
        lsh.insert(k, mh)
    return lsh


def datasketch_links(pc: PassageCorpus, options: Options) -> list[Link]:
    paras = _minhash_paragraphs(pc.docs)
    lsh = _baseline_lsh(paras)
    answers = {a.id for a in pc.answers}
    out: list[Link] = []
    for doc_id, s, e, mh in paras:
        if doc_id not in answers:
            continue
        for k in sorted(lsh.query(mh)):
            other, os_, oe, _ = paras[k]
            if other != doc_id:
                out.append((doc_id, s, e, other, os_, oe))
    return out


PASSAGE_TOOLS: dict[str, PassageTool] = {"dedupe scan": scan_links, "dedupe index": index_links,
                                         "datasketch": datasketch_links}

# --- scoring ------------------------------------------------------------------


def _visible(text: str, spans) -> set[int]:
    return {i for s, e in spans for i in range(s, min(e, len(text))) if not text[i].isspace()}


def score_passages(pc: PassageCorpus, links: list[Link]) -> dict[str, dict]:
    by_answer: dict[str, list[Link]] = {}
    for link in links:
        by_answer.setdefault(link[0], []).append(link)
    out: dict[str, dict] = {}
    for case in CASES:
        mine = [a for a in pc.answers if a.case == case]
        n = len(mine)
        found = flagged = right = total = 0
        copied_chars = covered = reported = reported_copied = 0
        for a in mine:
            ls = by_answer.get(a.id, [])
            total += len(ls)
            good = [x for x in ls if x[3] == a.source]
            right += len(good)
            flagged += bool(ls)
            found += bool(good)
            truth = _visible(a.text, a.copied)
            got = _visible(a.text, [(x[1], x[2]) for x in good])
            every = _visible(a.text, [(x[1], x[2]) for x in ls])
            copied_chars += len(truth)
            covered += len(truth & got)
            reported += len(every)
            reported_copied += len(every & truth)
        row = {"answers": n, "flagged": flagged, "flagged_share": flagged / n if n else 0.0,
               "links": total, "precision": right / total if total else 1.0}
        if case != "independent":
            row.update(found=found, recall=found / n if n else 0.0,
                       char_recall=covered / copied_chars if copied_chars else 0.0,
                       span_precision=reported_copied / reported if reported else 1.0)
        out[case] = row
    return out


# --- boilerplate sites --------------------------------------------------------

_EN_FIRST = ["Anna", "Ben", "Clara", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "James", "Keiko", "Liam",
             "Maya", "Noah", "Olga", "Pavel", "Quinn", "Rosa", "Sam", "Tariq"]
_EN_LAST = ["Abbott", "Brennan", "Castillo", "Dubois", "Eriksen", "Fischer", "Garcia", "Hughes", "Ivanova",
            "Jensen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov", "Rossi", "Schmidt"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_SECTIONS = ["Politics", "Business", "Science", "Culture", "Sport", "Travel", "Health", "Technology"]
_ZH_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_ZH_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
_ZH_OUTLETS = ["新华社", "人民网", "中国新闻网", "央视新闻", "澎湃新闻", "光明日报", "经济日报", "环球时报"]
_JA_SURNAMES = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田"]
_JA_GIVEN = ["翔太", "陽菜", "大輔", "美咲", "健一", "由美", "拓也", "彩", "直樹", "恵子", "誠", "葵"]
_WEEKDAYS = "月火水木金土日"


def _en_name(rng: random.Random) -> str:
    return f"{rng.choice(_EN_FIRST)} {rng.choice(_EN_LAST)}"


def _zh_name(rng: random.Random) -> str:
    return rng.choice(_ZH_SURNAMES) + "".join(rng.choice(_ZH_GIVEN) for _ in range(rng.randint(1, 2)))


def _ja_name(rng: random.Random) -> str:
    return rng.choice(_JA_SURNAMES) + rng.choice(_JA_GIVEN)


def _templates(lang: str) -> list[list[Callable[[random.Random, str], str]]]:
    """Per site, its templates (byline first, then footer); each takes the
    page's title for the slots that name it."""
    def d(rng: random.Random) -> tuple[int, int, int]:
        return rng.randint(1, 12), rng.randint(1, 28), rng.randint(2019, 2025)

    if lang == "en":
        return [
            [lambda r, t: f"By {_en_name(r)} · {_MONTHS[d(r)[0] - 1]} {d(r)[1]}, 2025 · {r.randint(2, 25)} min read",
             lambda r, t: f"Filed under {r.choice(_SECTIONS)}. {r.randint(0, 400)} comments on “{t}”."],
            [lambda r, t: f"Posted on {d(r)[1]} {_MONTHS[d(r)[0] - 1]} {d(r)[2]} by {_en_name(r)} in {r.choice(_SECTIONS)}",
             lambda r, t: f"© {d(r)[2]} The Harbour Courier. Reporting by {_en_name(r)}; editing by {_en_name(r)}."],
        ]
    if lang == "zh":
        return [
            [lambda r, t: (lambda m, dd, y: f"{y}年{m}月{dd}日 {r.randint(0, 23):02d}:{r.randint(0, 59):02d} 来源：{r.choice(_ZH_OUTLETS)} 阅读 {r.randint(10, 99999)}")(*d(r)),
             lambda r, t: f"責任編輯：{_zh_name(r)}"],
            [lambda r, t: (lambda m, dd, y: f"发布时间：{y}-{m:02d}-{dd:02d} 作者：{_zh_name(r)} 浏览次数：{r.randint(10, 9999)}")(*d(r)),
             lambda r, t: f"本文标题：{t}（责任编辑：{_zh_name(r)}）"],
        ]
    return [
        [lambda r, t: (lambda m, dd, y: f"{y}年{m}月{dd}日（{r.choice(_WEEKDAYS)}）{r.randint(0, 23)}時{r.randint(0, 59)}分 配信 文：{_ja_name(r)}")(*d(r)),
         lambda r, t: f"記事の感想をお寄せください。「{t}」についてのご意見は{r.randint(100, 999)}件です。"],
        [lambda r, t: (lambda m, dd, y: f"公開日：{y}/{m:02d}/{dd:02d} 更新日：{y}/{m:02d}/{dd:02d} 著者：{_ja_name(r)}")(*d(r)),
         lambda r, t: f"写真＝{_ja_name(r)}、文＝{_ja_name(r)}"],
    ]


@dataclass
class Site:
    docs: dict[str, str] = field(default_factory=dict)
    #: template key -> occurrences (doc id, start, end)
    templates: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)


def build_sites(sources: dict[str, list[_data.Source]], pages: int, seed: int) -> Site:
    """Two sites per language, ``pages`` pages each, in one corpus."""
    rng = random.Random(seed + 1)
    site = Site()
    for lang, srcs in sources.items():
        base = lang.split("-")[0]
        paras = sorted({p for s in srcs for p in s.paragraphs if weighted_tokens(p) >= 20})
        rng.shuffle(paras)
        # One-sentence paragraphs from other paragraphs than the bodies, so
        # that no page repeats another's text.
        half = len(paras) // 3
        singles = [s for p in paras[:half] for s in _data.split_sentences(p) if 8 <= weighted_tokens(s) <= 30]
        paras = paras[half:]
        titles = sorted({(s.title or _data.split_sentences(s.paragraphs[0])[0][:40]).strip() for s in srcs})
        rng.shuffle(singles)
        rng.shuffle(titles)
        for n, tpl in enumerate(_templates(base)):
            for k in range(pages):
                title = titles.pop() if titles else f"Page {k}"
                body = [paras.pop() for _ in range(rng.randint(2, 4)) if paras]
                body.insert(rng.randrange(len(body) + 1), singles.pop() if singles else "")
                head, foot = tpl[0](rng, title), tpl[1](rng, title)
                blocks = [f"# {title}", head, *[b for b in body if b], foot]
                text, spans = "", []
                for j, b in enumerate(blocks):
                    if j:
                        text += "\n\n"
                    if b in (head, foot):
                        spans.append((f"{lang}/site{n}/{'byline' if b is head else 'footer'}", len(text), len(text) + len(b)))
                    text += b
                doc_id = f"{lang}/site{n}/page-{k:03d}.md"
                site.docs[doc_id] = text + "\n"
                for key, s, e in spans:
                    site.templates.setdefault(key, []).append((doc_id, s, e))
    return site


def score_boilerplate(site: Site, blocks: list[list[tuple[str, int, int]]]) -> dict:
    """``blocks`` are each block's occurrences."""
    truth = {(d, i) for occ in site.templates.values() for d, s, e in occ for i in range(s, e)
             if not site.docs[d][i].isspace()}
    reported: set[tuple[str, int]] = set()
    block_of: dict[tuple[str, int], int] = {}
    for b, occ in enumerate(blocks):
        for d, s, e in occ:
            for i in range(s, e):
                if not site.docs[d][i].isspace():
                    reported.add((d, i))
                    block_of.setdefault((d, i), b)
    found = 0
    total = 0
    per_template = {}
    for key, occ in site.templates.items():
        hit_blocks = set()
        for d, s, e in occ:
            total += 1
            mid = next(((d, i) for i in range(s, e) if not site.docs[d][i].isspace()), None)
            inside = all((d, i) in reported for i in range(s, e) if not site.docs[d][i].isspace())
            found += inside
            if inside and mid is not None:
                hit_blocks.add(block_of[mid])
        per_template[key] = len(hit_blocks)
    tp = len(truth & reported)
    return {
        "occurrences": total,
        "found": found,
        "recall": found / total if total else 0.0,
        "precision": tp / len(reported) if reported else 1.0,
        "blocks_per_template": sum(per_template.values()) / len(per_template) if per_template else 0.0,
        "per_template": per_template,
    }


def scan_blocks(site: Site, options: Options) -> list[list[tuple[str, int, int]]]:
    result = dedupe.scan(list(site.docs.items()), options)
    return [[(o.id, o.start, o.end) for o in b.occurrences] for b in result.boilerplate]


def datasketch_blocks(site: Site, options: Options, min_documents: int = 3) -> list[list[tuple[str, int, int]]]:
    paras = _minhash_paragraphs(site.docs)
    lsh = _baseline_lsh(paras)
    seen: set[int] = set()
    out = []
    for k, (_, _, _, mh) in enumerate(paras):
        if k in seen:
            continue
        group = sorted(lsh.query(mh))
        if len({paras[j][0] for j in group}) >= min_documents:
            seen.update(group)
            out.append([paras[j][:3] for j in group])
    return out


# --- report -------------------------------------------------------------------


def _f(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def passage_table(results: dict[str, dict[str, dict[str, dict]]]) -> str:
    lines = ["| language | case | answers | tool | found (recall) | precision | char recall | span precision | flagged |",
             "|---|---|---:|---|---:|---:|---:|---:|---:|"]
    for lang, per_tool in results.items():
        for case in CASES:
            for tool, rows in per_tool.items():
                r = rows[case]
                lines.append(f"| {lang} | {case} | {r['answers']} | {tool} | {_f(r.get('recall'))} | {_f(r['precision'])} "
                             f"| {_f(r.get('char_recall'))} | {_f(r.get('span_precision'))} | {r['flagged']}/{r['answers']} |")
    return "\n".join(lines)


def boilerplate_table(results: dict[str, dict[str, dict]]) -> str:
    lines = ["| language | tool | occurrences | recall | precision | blocks per template |",
             "|---|---|---:|---:|---:|---:|"]
    for lang, per_tool in results.items():
        for tool, r in per_tool.items():
            lines.append(f"| {lang} | {tool} | {r['occurrences']} | {r['recall']:.3f} | {r['precision']:.3f} "
                         f"| {r['blocks_per_template']:.2f} |")
    return "\n".join(lines)


def _sub(site: Site, prefix: str) -> Site:
    return Site({d: t for d, t in site.docs.items() if d.startswith(prefix)},
                {k: v for k, v in site.templates.items() if k.startswith(prefix)})


def run(sources: dict[str, list[_data.Source]], topics: int, pages: int, seed: int,
        tools: Sequence[str] = tuple(PASSAGE_TOOLS)) -> dict:
    """Both parts on ``sources``: passages copied into short answers, and
    bylines with variable parts; scores per language and tool."""
    options = Options()
    out: dict = {"passages": {}, "boilerplate": {}, "seconds": {}}
    pc = build_passages(sources, topics, seed)
    out["answers"], out["source_articles"] = len(pc.answers), len(pc.sources)
    langs = list(sources)
    for tool in tools:
        t0 = time.process_time()
        links = PASSAGE_TOOLS[tool](pc, options)
        out["seconds"][tool] = round(time.process_time() - t0, 2)
        for lang in langs:
            sub = PassageCorpus(pc.docs, pc.sources, [a for a in pc.answers if a.lang == lang])
            out["passages"].setdefault(lang, {})[tool] = score_passages(sub, links)
        out["passages"].setdefault("all", {})[tool] = score_passages(pc, links)
    site = build_sites(sources, pages, seed)
    out["pages"], out["templates"] = len(site.docs), len(site.templates)
    found = {"dedupe scan": scan_blocks(site, options), "datasketch": datasketch_blocks(site, options)}
    for lang in langs + ["all"]:
        sub = site if lang == "all" else _sub(site, f"{lang}/")
        for tool, blocks in found.items():
            mine = [[o for o in occ if o[0] in sub.docs] for occ in blocks]
            out["boilerplate"].setdefault(lang, {})[tool] = score_boilerplate(sub, [m for m in mine if m])
    return out


def report(out: dict) -> str:
    """The tables of :func:`run`'s results."""
    return "\n".join([
        f"passages: {out['source_articles']} source articles, {out['answers']} answers", "",
        passage_table(out["passages"]), "",
        f"boilerplate: {out['pages']} pages, {out['templates']} templates", "",
        boilerplate_table(out["boilerplate"]), "",
        "CPU seconds: " + ", ".join(f"{k} {v}" for k, v in out["seconds"].items()),
    ])


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--langs", default="ja,zh,en")
    ap.add_argument("--topics", type=int, default=40, help="topics per language (default 40)")
    ap.add_argument("--pages", type=int, default=30, help="pages per site (default 30; two sites per language)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--tools", default=",".join(PASSAGE_TOOLS), help="passage tools, comma-separated")
    ap.add_argument("--json", metavar="PATH")
    args = ap.parse_args(argv)
    sources = _data.default_sources([x for x in args.langs.split(",") if x], args.seed)
    out = run(sources, args.topics, args.pages, args.seed, [t for t in args.tools.split(",") if t])
    print(report(out))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
