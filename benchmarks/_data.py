"""Corpus loading and labelled-document generation for the benchmarks.

Real paragraphs come from ``../shared/corpus/*.jsonl`` when that folder is
present (Japanese and Chinese Wikipedia paragraphs, CC BY-SA 4.0; English
news articles), from any JSONL file a user names, or from a synthetic
generator otherwise. A *source* is a run of paragraphs about one topic: the
paragraphs sharing a ``title``, or one long text split into paragraphs of a
few sentences.

A labelled document is a run of paragraphs from one source with copies
planted into it. The generator records, for every character, whether a
good tool must remove it (a planted copy), must keep it (original text,
structure, new text) or may do either (text that is both a copy and part of
something new). Scores are computed from those labels alone, so any tool
that reports removed ``[start, end)`` spans can be scored the same way.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np
import regex

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS_DIR = SHARED / "corpus"
#: The corpus files, by language code. The ja/zh files are Wikipedia text
#: under CC BY-SA 4.0; see ``../shared/corpus/README.md``.
CORPUS_FILES = {
    "ja": "ja-wikipedia-paragraphs.jsonl",
    "zh": "zh-wikipedia-paragraphs.jsonl",
    "en": "en-news-articles.jsonl",
}

KEEP, REMOVE, EITHER = 0, 1, 2


def compile_sources() -> None:
    """Write the bytecode of the library and of these scripts before whole
    processes are timed. Python writes it on first import, unless
    ``PYTHONDONTWRITEBYTECODE`` is set: then every timed process compiled
    the modules it imports again (about 50 ms a process, a tenth of a
    one-file ``dedupe check``)."""
    import compileall  # noqa: PLC0415  (only the scripts that time processes need it)

    import dedupe  # noqa: PLC0415

    for folder in (Path(dedupe.__file__).parent, Path(__file__).parent):
        compileall.compile_dir(str(folder), quiet=1)

#: Copies a tool should remove.
POSITIVE_KINDS = (
    "exact",
    "reformatted",
    "edited",
    "truncated",
    "merged",
    "repeated-block",
    "sentence-paragraph",
    "sentence-inside",
)
#: Repeats a tool must leave alone.
NEGATIVE_KINDS = ("structure", "code", "front-matter", "extended")
KINDS = POSITIVE_KINDS + NEGATIVE_KINDS

_CJK = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}"
_TOKEN = regex.compile(rf"[{_CJK}]|[\p{{L}}\p{{N}}]+")
_SENTENCE_END = regex.compile(
    r"[。！？]+[」』）\)\]\"'”’]*|[.!?]+[\"'”’\)\]]*(?=\s|$)"
)


def count_tokens(text: str) -> int:
    """Tokens as the library counts them: one per CJK character, one per word."""
    return len(_TOKEN.findall(text))


def is_cjk(text: str) -> bool:
    cjk = len(regex.findall(rf"[{_CJK}]", text))
    return cjk > 0.3 * max(1, len(regex.findall(r"\S", text)))


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` (a trailing piece without an end mark too)."""
    out, pos = [], 0
    for m in _SENTENCE_END.finditer(text):
        piece = text[pos : m.end()].strip()
        if piece:
            out.append(piece)
        pos = m.end()
    rest = text[pos:].strip()
    if rest:
        out.append(rest)
    return out


@dataclass(frozen=True)
class Source:
    """Paragraphs about one topic, in their original order."""

    id: str
    lang: str
    title: str
    paragraphs: tuple[str, ...]


def _chunk(text: str, rng: random.Random) -> list[str]:
    """Split a long text into paragraphs of two to four sentences."""
    sents = split_sentences(" ".join(text.split()) if not is_cjk(text) else "".join(text.split()))
    out, i = [], 0
    while i < len(sents):
        k = rng.randint(2, 4)
        joiner = "" if is_cjk(text) else " "
        out.append(joiner.join(sents[i : i + k]))
        i += k
    return out


def load_jsonl(path: Path | str, lang: str | None = None, seed: int = 0) -> list[Source]:
    """Sources from a JSONL file with ``text`` (and optional ``id``,
    ``title``) fields. Rows sharing a title form one source, in file order;
    a row without a title is one source, split into short paragraphs when
    it is one long paragraph."""
    path = Path(path)
    lang = lang or path.stem.split("-")[0]
    rng = random.Random(seed)
    by_title: dict[str, list[str]] = {}
    sources: list[Source] = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            line = line.strip()
            if not line:
                continue
            row = json.loads(line)
            text = str(row.get("text", "")).strip()
            if not text:
                continue
            title = row.get("title")
            if title:
                by_title.setdefault(str(title), []).append(text)
            else:
                paras = [p.strip() for p in regex.split(r"\n\s*\n", text) if p.strip()]
                if len(paras) < 3:
                    paras = _chunk(text, rng)
                sources.append(Source(str(row.get("id", n)), lang, "", tuple(paras)))
    for title, texts in by_title.items():
        paras: list[str] = []
        for t in texts:
            # A long single paragraph (one row per article) becomes several.
            paras.extend(_chunk(t, rng) if len(texts) == 1 else [" ".join(t.split("\n"))])
        sources.append(Source(title, lang, title, tuple(paras)))
    return sources


# --- synthetic fallback -------------------------------------------------------

_SYLLABLES = [c + v for c in "bdfghklmnprstvz" for v in "aeiou"]
_KANA = [chr(c) for c in range(0x3041, 0x3094)]
_HAN = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]


def synthetic_sources(lang: str, n: int = 120, seed: int = 0) -> list[Source]:
    """Topic-shaped synthetic paragraphs: each topic draws most of its words
    from a small topic vocabulary, so paragraphs of one source overlap the
    way same-topic prose does, without being copies."""
    rng = random.Random(f"{lang}-{seed}")
    common = [_word(rng, lang) for _ in range(200)]
    out = []
    for t in range(n):
        topic = [_word(rng, lang) for _ in range(40)]
        paras = []
        for _ in range(rng.randint(6, 10)):
            sents = []
            for _ in range(rng.randint(2, 4)):
                words = [rng.choice(topic) if rng.random() < 0.4 else rng.choice(common) for _ in range(rng.randint(10, 22))]
                if lang in ("ja", "zh"):
                    sents.append("".join(words) + "。")
                else:
                    sents.append(" ".join(words).capitalize() + ".")
            paras.append(("" if lang in ("ja", "zh") else " ").join(sents))
        out.append(Source(f"{lang}-syn-{t}", lang, f"topic {t}", tuple(paras)))
    return out


def _word(rng: random.Random, lang: str) -> str:
    if lang == "ja":
        return "".join(rng.choice(_HAN if i == 0 else _KANA) for i in range(rng.randint(1, 3)))
    if lang == "zh":
        return "".join(rng.choice(_HAN) for _ in range(rng.randint(1, 3)))
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 3)))


def default_sources(langs: Iterable[str] = ("ja", "zh", "en"), seed: int = 0) -> dict[str, list[Source]]:
    """The shared corpus by language when present, synthetic text otherwise."""
    out = {}
    for lang in langs:
        path = CORPUS_DIR / CORPUS_FILES.get(lang, "")
        if lang in CORPUS_FILES and path.is_file():
            out[lang] = load_jsonl(path, lang, seed)
        else:
            out[f"{lang}-synthetic" if lang in CORPUS_FILES else lang] = synthetic_sources(lang, seed=seed)
    return out


def corpus_texts(langs: Iterable[str] = ("ja", "zh", "en")) -> dict[str, list[str]]:
    """Plain paragraphs by language (for the speed benchmark and the scan)."""
    return {lang: [p for s in srcs for p in s.paragraphs] for lang, srcs in default_sources(langs).items()}


# --- labelled documents -------------------------------------------------------


@dataclass(frozen=True)
class LabelledDoc:
    """A document and the truth about each of its characters.

    ``labels[i]`` is ``KEEP``, ``REMOVE`` or ``EITHER`` for ``text[i]``;
    ``copies`` lists ``(start, end, source_start, source_end)`` of every
    planted copy: the span in ``text`` and the span it copies.
    """

    id: str
    lang: str
    kind: str
    text: str
    labels: np.ndarray = field(repr=False)
    copies: tuple[tuple[int, int, int, int], ...]


class _Builder:
    """Paragraphs joined by blank lines. Each paragraph has a stable name
    and is a list of pieces ``(text, label, name of the paragraph it
    copies or None)``."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, list[tuple[str, int, str | None]]]] = []

    def append(self, name: str, *pieces: tuple[str, int, str | None]) -> None:
        self.parts.append((name, list(pieces)))

    def index(self, name: str) -> int:
        return next(k for k, (n, _) in enumerate(self.parts) if n == name)

    def insert(self, at: int, name: str, *pieces: tuple[str, int, str | None]) -> None:
        self.parts.insert(at, (name, list(pieces)))

    def build(self, doc_id: str, lang: str, kind: str, prefix: str = "") -> LabelledDoc:
        chunks: list[str] = [prefix]
        labels: list[np.ndarray] = [np.full(len(prefix), KEEP, np.int8)]
        spans: dict[str, tuple[int, int]] = {}
        pos = len(prefix)
        refs: list[tuple[int, int, str]] = []
        for k, (name, pieces) in enumerate(self.parts):
            if k:
                chunks.append("\n\n")
                labels.append(np.full(2, KEEP, np.int8))
                pos += 2
            start = pos
            for text, label, ref in pieces:
                chunks.append(text)
                labels.append(np.full(len(text), label, np.int8))
                if ref is not None:
                    refs.append((pos, pos + len(text), ref))
                pos += len(text)
            spans[name] = (start, pos)
        text = "".join(chunks) + "\n"
        lab = np.concatenate(labels + [np.full(1, KEEP, np.int8)])
        copies = tuple((s, e, *spans[ref]) for s, e, ref in refs)
        return LabelledDoc(doc_id, lang, kind, text, lab, copies)


def _reformat(text: str, rng: random.Random, cjk: bool) -> str:
    """White space, character width and line wrapping changed; the same
    words in the same order."""
    ops = rng.sample(["space", "width", "wrap"], 2)
    if "width" in ops:
        if cjk:
            # Full-width punctuation to ASCII and ASCII letters/digits to full width.
            table = {"，": ",", "（": "(", "）": ")", "：": ":", "；": ";", "！": "!", "？": "?"}
            text = "".join(table.get(c, chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c) for c in text)
        else:
            text = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() and c.isascii() and rng.random() < 0.5 else c for c in text)
    if "space" in ops:
        if cjk:
            # Spaces after CJK characters only: inside a Latin word or a
            # number a space would split a token, which is an edit.
            text = "".join(c + (" " if rng.random() < 0.08 and regex.match(rf"[{_CJK}]", c) else "") for c in text).strip()
        else:
            text = regex.sub(r" ", lambda m: "  " if rng.random() < 0.3 else " ", text)
    if "wrap" in ops:
        width = rng.randint(24, 40) if cjk else rng.randint(50, 80)
        out, line = [], 0
        for i, c in enumerate(text):
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if line >= width and (regex.match(rf"[{_CJK}]", nxt) if cjk else c == " " and nxt.isalpha()):
                out.append(c if cjk else "")
                out.append("\n")
                line = 0
                continue
            out.append(c)
            line += 1
        text = "".join(out)
    return text


def _edit(text: str, rng: random.Random, cjk: bool, pool: Sequence[str]) -> str:
    """0.5-3 % of the characters (CJK) or words (elsewhere) substituted,
    deleted or inserted."""
    rate = rng.uniform(0.005, 0.03)
    if cjk:
        chars = list(text)
        idx = [i for i, c in enumerate(chars) if regex.match(rf"[{_CJK}]", c)]
        for i in sorted(rng.sample(idx, max(1, round(rate * len(idx)))), reverse=True):
            op = rng.choice("sdi")
            if op == "s":
                chars[i] = rng.choice(pool)
            elif op == "d":
                del chars[i]
            else:
                chars.insert(i, rng.choice(pool))
        return "".join(chars)
    words = text.split(" ")
    for i in sorted(rng.sample(range(len(words)), max(1, round(rate * len(words)))), reverse=True):
        op = rng.choice("sdi")
        if op == "s":
            words[i] = rng.choice(pool)
        elif op == "d" and len(words) > 1:
            del words[i]
        else:
            words.insert(i, rng.choice(pool))
    return " ".join(words)


def _truncate(text: str, rng: random.Random, cjk: bool) -> str:
    """The start or the end cut off (50-90 % kept), mid-sentence."""
    keep = rng.uniform(0.5, 0.9)
    cut = int(len(text) * (1 - keep))
    if rng.random() < 0.5:
        piece = text[cut:]
        if not cjk:
            piece = piece[piece.find(" ") + 1 :] if " " in piece else piece
    else:
        piece = text[: len(text) - cut]
        if not cjk:
            piece = piece[: piece.rfind(" ")] if " " in piece else piece
    return piece.strip()


def _long_sentences(paragraph: str, min_tokens: int = 12) -> list[str]:
    return [s for s in split_sentences(paragraph) if count_tokens(s) >= min_tokens]


_STRUCTURE = {
    "ja": ("## 概要", "- 注釈", "| 項目 | 内容 |"),
    "zh": ("## 概述", "- 注释", "| 项目 | 内容 |"),
}
_CODE = '```python\nfor item in load_items(path):\n    print(item.name, item.value, item.size)\n```'


def generate(
    sources: Sequence[Source],
    kinds: Sequence[str] = KINDS,
    docs_per_kind: int = 20,
    seed: int = 0,
    min_paragraph_tokens: int = 20,
) -> list[LabelledDoc]:
    """``docs_per_kind`` labelled documents for each kind, from ``sources``."""
    rng = random.Random(seed)
    usable = []
    for s in sources:
        paras = [p for p in s.paragraphs if count_tokens(p) >= min_paragraph_tokens]
        if paras:
            usable.append((s, paras))
    if not usable:
        raise ValueError("no source has a paragraph long enough to plant copies")
    lang = sources[0].lang
    docs = []
    for kind in kinds:
        for d in range(docs_per_kind):
            docs.append(_document(kind, f"{lang}-{kind}-{d}", lang, usable, rng))
    return docs


def _take(usable, rng: random.Random, n: int) -> tuple[Source, list[str], list[str]]:
    """Up to ``n`` paragraphs from one source (at least three), in their
    order, and the paragraphs of the next source as spare new text."""
    choices = [k for k, (_, paras) in enumerate(usable) if len(paras) >= 3]
    if not choices:
        raise ValueError("no source has three paragraphs long enough to plant copies")
    k = rng.choice(choices)
    src, paras = usable[k]
    spare = list(usable[(k + 1) % len(usable)][1])
    return src, list(paras[:n]), spare


def _mark_natural_repeats(b: "_Builder", paras: Sequence[str]) -> None:
    """Sentences the source itself repeats are real repeats that no
    generator planted: a tool may remove them or not."""
    seen: set[str] = set()
    for k, p in enumerate(paras):
        name, pieces = b.parts[b.index(f"p{k}")]
        text = pieces[0][0]
        new_pieces, pos = [], 0
        for s in split_sentences(text):
            key = "".join(_TOKEN.findall(s.casefold()))
            at = text.find(s, pos)
            if key in seen and count_tokens(s) >= 8 and at >= 0:
                new_pieces.append((text[pos:at], KEEP, None))
                new_pieces.append((s, EITHER, None))
                pos = at + len(s)
            seen.add(key)
        if new_pieces:
            new_pieces.append((text[pos:], KEEP, None))
            b.parts[b.index(name)] = (name, [x for x in new_pieces if x[0]])


def _document(kind: str, doc_id: str, lang: str, usable, rng: random.Random) -> LabelledDoc:
    src, paras, spare = _take(usable, rng, rng.randint(6, 9))
    cjk = is_cjk(" ".join(paras))
    joiner = "" if cjk else " "
    b = _Builder()
    pool = [c for c in "".join(paras) if regex.match(rf"[{_CJK}]", c)] if cjk else " ".join(paras).split()
    names = [f"p{k}" for k in range(len(paras))]
    for name, p in zip(names, paras):
        b.append(name, (p, KEEP, None))
    _mark_natural_repeats(b, paras)
    prefix = ""
    copies = 0

    def later(name: str) -> int:
        """A position after paragraph ``name`` to insert a copy at."""
        return rng.randint(b.index(name) + 1, len(b.parts))

    def new_name() -> str:
        nonlocal copies
        copies += 1
        return f"c{copies}"

    plants = rng.randint(1, 2)
    if kind in POSITIVE_KINDS:
        # Some tries plant nothing (no long sentence, a one-sentence
        # target); try again until the document carries its copies.
        for _ in range(30):
            if _planted(b) >= plants:
                break
            i = rng.randrange(len(paras) - 1)
            p, name = paras[i], names[i]
            if kind == "exact":
                b.insert(later(name), new_name(), (p, REMOVE, name))
            elif kind == "reformatted":
                b.insert(later(name), new_name(), (_reformat(p, rng, cjk), REMOVE, name))
            elif kind == "edited":
                b.insert(later(name), new_name(), (_edit(p, rng, cjk, pool), REMOVE, name))
            elif kind == "truncated":
                b.insert(later(name), new_name(), (_truncate(p, rng, cjk), REMOVE, name))
            elif kind == "merged":
                run = list(range(i, min(i + rng.randint(2, 3), len(paras))))
                pieces = [((joiner if m else "") + paras[r], REMOVE, names[r]) for m, r in enumerate(run)]
                b.insert(later(names[run[-1]]), new_name(), *pieces)
            elif kind == "repeated-block":
                k = min(rng.randint(2, 4), len(paras) - i)
                at = later(names[i + k - 1])
                for m in range(k - 1, -1, -1):
                    b.insert(at, new_name(), (paras[i + m], REMOVE, names[i + m]))
            elif kind == "sentence-paragraph":
                sents = _long_sentences(p)
                if sents:
                    b.insert(later(name), new_name(), (rng.choice(sents), REMOVE, name))
            elif kind == "sentence-inside":
                sents = _long_sentences(p)
                j = rng.randrange(i + 1, len(paras))
                at = b.index(names[j])
                pieces = b.parts[at][1]
                if len(pieces) != 1:
                    continue  # already carries a planted or repeated sentence
                tsents = split_sentences(paras[j])
                if sents and len(tsents) >= 2:
                    cut = rng.randint(1, len(tsents) - 1)
                    b.parts[at] = (names[j], [
                        (joiner.join(tsents[:cut]) + joiner, KEEP, None),
                        (rng.choice(sents), REMOVE, name),
                        (joiner + joiner.join(tsents[cut:]), KEEP, None),
                    ])
    elif kind == "structure":
        heads = _STRUCTURE.get(lang, ("## Overview", "- Notes", "| Item | Value |"))
        for k in sorted(rng.sample(range(1, len(b.parts)), min(3, len(b.parts) - 1)), reverse=True):
            b.insert(k, new_name(), (heads[0], KEEP, None))
        b.insert(len(b.parts) // 2, new_name(), ("---", KEEP, None))
        b.append(new_name(), ("---", KEEP, None))
        b.append(new_name(), (f"{heads[1]}\n{heads[1]}\n{heads[1]}", KEEP, None))
        b.insert(2, new_name(), (f"{heads[2]}\n|---|---|\n| a | 1 |\n| a | 1 |", KEEP, None))
        b.append(new_name(), (f"{heads[2]}\n|---|---|\n| a | 1 |", KEEP, None))
    elif kind == "code":
        b.insert(1, new_name(), (_CODE, KEEP, None))
        b.insert(rng.randint(3, len(b.parts)), new_name(), (_CODE, KEEP, None))
    elif kind == "front-matter":
        first = split_sentences(paras[0])[0]
        title = src.title or first[:20]
        prefix = f"---\ntitle: {title}\ndescription: {first}\n---\n\n# {title}\n\n"
    elif kind == "extended":
        for _ in range(plants):
            i = rng.randrange(len(paras) - 1)
            sents = split_sentences(paras[i])
            new = split_sentences(spare.pop()) if spare else []
            if len(sents) < 2 or not new:
                continue
            head = joiner.join(sents[: max(1, len(sents) // 2)])
            tail = joiner + joiner.join(new)
            b.insert(later(names[i]), new_name(), (head, EITHER, None), (tail, KEEP, None))
    else:
        raise ValueError(f"unknown kind {kind!r}")
    return b.build(doc_id, lang, kind, prefix)


def _planted(b: _Builder) -> int:
    return sum(1 for _, pieces in b.parts if any(ref is not None for _, _, ref in pieces))


def iter_documents(
    sources_by_lang: dict[str, list[Source]],
    kinds: Sequence[str] = KINDS,
    docs_per_kind: int = 20,
    seed: int = 0,
) -> Iterator[LabelledDoc]:
    for lang, sources in sources_by_lang.items():
        for doc in generate(sources, kinds, docs_per_kind, seed):
            yield LabelledDoc(doc.id, lang, doc.kind, doc.text, doc.labels, doc.copies)


_PARAGRAPH = regex.compile(r"(?:[^\n]|\n(?![ \t]*\n))+")


def paragraph_minhashes(text: str, ngram: int = 5, num_perm: int = 128):
    """``(start, end, MinHash)`` of every blank-line paragraph of ``text``,
    lower-cased word n-grams: what a user of datasketch alone would write,
    the baseline of quality.py and crossdoc.py."""
    from datasketch import MinHash

    for m in _PARAGRAPH.finditer(text):
        para = m.group().strip()
        if not para:
            continue
        words = para.lower().split()
        grams = {" ".join(words[i : i + ngram]) for i in range(len(words) - ngram + 1)} or {" ".join(words)}
        mh = MinHash(num_perm=num_perm)
        mh.update_batch([g.encode("utf-8") for g in grams])
        start = m.start() + (len(m.group()) - len(m.group().lstrip()))
        yield start, start + len(para), mh
