"""Boilerplate: blocks that recur across the documents of a corpus.

A scan (:func:`dedupe.scan`) finds them; this module turns what it found
into a model file and strips those blocks from other texts.

Footers and bylines carry variable parts (dates, counts, times, issue
numbers), so text is compared on a *masked* form where every run of digits
becomes ``0``: "© 2023 Example Media, updated 3 March" and "© 2024 Example
Media, updated 12 March" are the same block. Variable *words* (a month
name, an author) only lower the similarity; blocks are grouped at a lower
Jaccard threshold than near-duplicates (0.5 by default), so a long footer
whose month changes still matches. A short block in which several words
change (a byline's author, month and reading time) is found by its
*template* (:mod:`dedupe.corpus.templates`): a paragraph that fills the
template's frame is the block, whatever its slots hold.

Model files are version 2 (a block may carry its template); version 1
files, without templates, are still read.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dedupe.core.detect import find_duplicates
from dedupe.core.results import CleanResult, Removal, Span
from dedupe.core.segment import paragraphs, sentences
from dedupe.core.shingle import ShingleSets, property_runs, shingle, span_stream, table_sources
from dedupe.core.tidy import delete_spans
from dedupe.corpus import templates as tp
from dedupe.errors import InputError
from dedupe.io.records import to_json
from dedupe.io.tablecache import cached_tables
from dedupe.io.textio import parse_json, write_atomic
from dedupe.options import BOILERPLATE_THRESHOLD, Options

MODEL_VERSION = 2
#: Model versions this module reads.
READS = (1, 2)
#: Tokens per shingle (the detection default).
NGRAM = 3
#: Jaccard similarity of masked shingle sets that makes two blocks one.
THRESHOLD = BOILERPLATE_THRESHOLD
#: Paragraph kinds that can be boilerplate ("Further reading" headings
#: included); front matter, code, tables and rules never are.
KINDS = frozenset({"paragraph", "list_item", "heading"})

_DIGITS = re.compile(r"\d+")


@functools.cache
def digit_table() -> np.ndarray:
    """Which code points are decimal digits (``\\d``), built on first use
    and then the same array for the life of the process (a constant, like
    a compiled regular expression; built at import it cost every command
    30 ms; kept on disk as :func:`dedupe.core.shingle.tables` are)."""
    return cached_tables("digits", ["digits"], table_sources(__name__), _digit_table)["digits"]


def _digit_table() -> dict[str, np.ndarray]:
    table = np.zeros(0x110000, dtype=bool)
    for a, b in property_runs([_DIGITS])[0]:
        table[a:b] = True
    return {"digits": table}


def mask(text: str) -> str:
    """``text`` with every run of digits replaced by ``0``."""
    return _DIGITS.sub("0", text)


def digits(text: str) -> list[str]:
    """The runs of digits of ``text``, in order (what :func:`mask` hides)."""
    return _DIGITS.findall(text)


def mask_all(texts: list[str]) -> list[str]:
    """:func:`mask` of each text, computed on code points in numpy for the
    whole list at once (the regular expression runs at a few MB/s)."""
    if not texts:
        return []
    joined = "\x00".join(texts)
    if joined.count("\x00") != len(texts) - 1:
        return [mask(t) for t in texts]  # a text holds NUL itself
    cp = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    digit = digit_table()[cp]
    if not digit.any():
        return list(texts)
    keep = ~digit
    keep[0] |= digit[0]
    keep[1:] |= digit[1:] & ~digit[:-1]  # the first digit of each run stays, as 0
    out = np.where(digit, np.uint32(0x30), cp)[keep]
    return out.tobytes().decode("utf-32-le", "surrogatepass").split("\x00")


def masked_stream(texts: list[str], doc: np.ndarray, starts: np.ndarray,
                  ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The token stream (:func:`dedupe.core.shingle.token_stream`) of the
    masked form of every span ``texts[doc[i]][starts[i]:ends[i]]``,
    computed from the texts in place (:func:`dedupe.core.shingle.span_stream`)."""
    return span_stream(texts, doc, starts, ends, digit_table(), mask)


def masked_sets(texts: list[str], ngram: int = NGRAM) -> ShingleSets:
    """Shingles of the masked form of each text."""
    return shingle(mask_all(texts), ngram)


def sequence_keys(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Exact-content keys of the masked texts and their token counts."""
    sets = shingle(mask_all(texts), 1)
    return sets.keys, sets.tokens


@dataclass(frozen=True)
class ModelBlock:
    """One learned block: ``level`` is ``paragraph`` (compared by masked
    Jaccard, or filling ``template`` when it has one) or ``sentence`` (a
    sentence inside paragraphs, compared exactly after masking)."""

    text: str
    documents: int
    level: str = "paragraph"
    template: str = ""


@dataclass(frozen=True)
class BoilerplateModel:
    """What a scan learned, with the shingling it was learned with."""

    blocks: tuple[ModelBlock, ...]
    ngram: int = NGRAM
    threshold: float = THRESHOLD
    _index: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        # The lookup structures are derived data, built once per model.
        paras = [b for b in self.blocks if b.level == "paragraph"]
        sets = masked_sets([b.text for b in paras], self.ngram)
        uniq = [sets.unique(i) for i in range(len(paras))]
        hashes = np.concatenate(uniq) if uniq else np.zeros(0, np.uint64)
        owner = np.repeat(np.arange(len(paras)), [u.size for u in uniq]) if uniq else np.zeros(0, np.int64)
        order = np.argsort(hashes, kind="stable")
        sent = [b for b in self.blocks if b.level == "sentence"]
        keys, _ = sequence_keys([b.text for b in sent])
        tmpl = sorted((b for b in paras if b.template), key=lambda b: -b.documents)
        templates = [tp.Template(tp.parse_frame(b.template), k, b.documents) for k, b in enumerate(tmpl)]
        self._index.update(
            templates=templates,
            template_blocks=tmpl,
            anchors=tp.anchors(templates),
            paras=paras,
            sizes=np.array([u.size for u in uniq], dtype=np.int64),
            hashes=hashes[order],
            owner=owner[order],
            sentences={int(k): b for k, b in zip(keys, sent)},
        )

    def to_dict(self) -> dict:
        return {
            "version": MODEL_VERSION,
            "shingling": {"ngram": self.ngram, "mask_digits": True, "tokens": "script-aware"},
            "threshold": self.threshold,
            "blocks": [{"level": b.level, "documents": b.documents, "text": b.text,
                        **({"template": b.template} if b.template else {})} for b in self.blocks],
        }

    @classmethod
    def from_dict(cls, data: Any, name: str = "model") -> "BoilerplateModel":
        if not isinstance(data, dict):
            raise InputError(f"{name}: not a boilerplate model (expected a JSON object)")
        if data.get("version") not in READS:
            raise InputError(f"{name}: boilerplate model version {data.get('version')!r}, expected one of "
                             f"{', '.join(map(str, READS))}")
        try:
            sh = data["shingling"]
            if sh.get("mask_digits") is not True:
                raise ValueError("only digit-masked models are supported")
            blocks = tuple(
                ModelBlock(str(b["text"]), int(b["documents"]), str(b.get("level", "paragraph")),
                           str(b.get("template", "")))
                for b in data["blocks"]
            )
            if any(b.level not in ("paragraph", "sentence") for b in blocks):
                raise ValueError("block level must be 'paragraph' or 'sentence'")
            return cls(blocks, int(sh["ngram"]), float(data["threshold"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{name}: malformed boilerplate model ({exc})") from None


def model_from_blocks(blocks: Iterable[Any], ngram: int = NGRAM, threshold: float = THRESHOLD) -> BoilerplateModel:
    """A model from a scan's boilerplate blocks (anything with ``text``,
    ``documents``, ``level`` and optionally ``template``), with the
    shingling the scan used."""
    return BoilerplateModel(tuple(ModelBlock(b.text, b.documents, b.level, getattr(b, "template", ""))
                                  for b in blocks), ngram, threshold)


def save_model(model: BoilerplateModel, path: str | Path) -> None:
    write_atomic(path, to_json(model.to_dict()) + "\n")


def load_model(path: str | Path) -> BoilerplateModel:
    name = str(path)
    try:
        raw = Path(path).read_text("utf-8")
    except FileNotFoundError:
        raise InputError(f"{name}: no such boilerplate model") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{name}: cannot read boilerplate model ({exc})") from None
    return BoilerplateModel.from_dict(parse_json(raw, name), name)


def find_boilerplate(text: str, model: BoilerplateModel) -> list[Removal]:
    """Spans of ``text`` that are blocks of ``model``, as removals of kind
    ``boilerplate`` (``duplicate_of`` spans the block's representative
    text in the model)."""
    idx = model._index
    segs = [s for s in paragraphs(text) if s.kind in KINDS]
    out: list[Removal] = []
    if not segs:
        return out
    sets = masked_sets([text[s.start : s.end] for s in segs], model.ngram)
    hashes, owner, sizes = idx["hashes"], idx["owner"], idx["sizes"]
    rest = []
    for i, seg in enumerate(segs):
        u = sets.unique(i)
        best, best_sim = -1, 0.0
        if u.size and hashes.size:
            pos = np.searchsorted(hashes, u)
            lo = np.searchsorted(hashes, u, side="right")
            hit = np.concatenate([owner[a:b] for a, b in zip(pos, lo)]) if u.size else owner[:0]
            if hit.size:
                inter = np.bincount(hit, minlength=sizes.size)
                jac = inter / (u.size + sizes - inter)
                best = int(np.argmax(jac))
                best_sim = float(jac[best])
        filled = _filled(text[seg.start : seg.end], idx) if seg.kind != "heading" else None
        if best >= 0 and best_sim >= model.threshold:
            rep = idx["paras"][best]
            out.append(Removal(seg.start, seg.end, "boilerplate", Span(0, len(rep.text)), best_sim))
        elif filled is not None:
            out.append(Removal(seg.start, seg.end, "boilerplate", Span(0, len(filled[0].text)), filled[1]))
        elif seg.kind != "heading":
            rest.append(seg)
    by_key = idx["sentences"]
    if by_key and rest:
        spans = [sp for seg in rest for sp in sentences(text, seg.start, seg.end)]
        keys, tokens = sequence_keys([text[a:b] for a, b in spans])
        for (a, b), k, t in zip(spans, keys.tolist(), tokens.tolist()):
            block = by_key.get(k)
            if t and block is not None:
                out.append(Removal(a, b, "boilerplate", Span(0, len(block.text)), 1.0))
    out.sort(key=lambda r: r.start)
    return out


def _filled(block: str, idx: dict) -> tuple[ModelBlock, float] | None:
    """The template block of the model that ``block`` fills, and the share
    of its tokens that are frame (its similarity); ``None`` when it fills
    none."""
    if not idx["templates"] or not tp.eligible(block):
        return None
    (toks,) = tp.block_tokens(mask_all([block]))
    j, pos = tp.assign(toks.tolist(), idx["templates"], idx["anchors"])
    if j < 0:
        return None
    return idx["template_blocks"][j], len(pos) / toks.size


def clean_with_model(text: str, options: Options, model: BoilerplateModel) -> CleanResult:
    """The canonical text of ``text`` with the model's blocks stripped too.

    Repeats whose kept copy is itself boilerplate stay, so that every
    non-boilerplate removal still points at text that survives.
    """
    strip = find_boilerplate(text, model)

    def overlaps(a: int, b: int) -> bool:
        return any(r.start < b and a < r.end for r in strip)

    kept = [
        r for r in find_duplicates(text, options)
        if not overlaps(r.start, r.end) and not overlaps(r.duplicate_of.start, r.duplicate_of.end)
    ]
    removed = sorted(strip + kept, key=lambda r: r.start)
    return CleanResult(delete_spans(text, [(r.start, r.end) for r in removed]), removed)
