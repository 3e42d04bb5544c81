"""Corpus scan: near-duplicate documents, passages copied between
documents, and boilerplate blocks.

Stages (the same as for one text, over many documents):

1. **analyze**, per batch of documents, in worker processes with
   ``jobs > 1``: paragraphs and sentences with offsets, shingles of the
   digit-masked text (so that "2023" and "2024" are the same token), MinHash
   signatures and LSH band keys. A batch comes back as numpy arrays only;
   the texts go to a temporary spool file, so the corpus is never held in
   memory as Python strings.
2. **boilerplate**: paragraphs grouped at a lower Jaccard threshold
   (``boilerplate_threshold``, see :mod:`dedupe.boilerplate`); a group found
   in at least ``min_documents`` documents and at least ``min_share`` of all
   documents (near-duplicate documents counting once) is a boilerplate block. Masked sentences repeated that widely inside
   paragraphs are blocks too.
3. **documents**: MinHash LSH over document signatures (the element-wise
   minimum of the paragraph signatures), verified by exact Jaccard of the
   documents' shingle sets without their boilerplate.
4. **passages**: near-duplicate paragraphs (Jaccard) and repeated
   sentences (exact after normalization) across documents that are not in
   one cluster, runs of adjacent matches merged into one passage.

Every group is canonical-first in a stable order (the smallest document
id, or with ``keep="longest"`` the longest document, then the smallest id),
so results do not depend on the order of the input or on ``jobs``.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from typing import Any, Iterable, Iterator

import numpy as np

from . import boilerplate as bp
from .candidates import band_keys, pairs_from_buckets
from .errors import InputError, OptionsError
from .groups import leader_groups
from .options import Options
from .progress import Progress
from .segment import paragraphs, sentences
from .shingle import shingle
from .signature import EMPTY, minhash
from .sources import Document, Skipped, as_documents
from .verify import compare

#: LSH is tuned below the verification threshold so that pairs just above
#: it still collide in some band; only verified pairs count.
LSH_MARGIN = 0.2
#: A batch ends after this many characters (or documents): large enough to
#: amortize numpy calls, small enough to keep workers' memory flat.
BATCH_CHARS = 2_000_000
BATCH_DOCS = 5_000
_PROSE = 0
_HEADING = 1


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class Occurrence:
    """``[start, end)`` character offsets into the document ``id``."""

    id: str
    start: int
    end: int

    def to_dict(self) -> dict:
        return {"id": self.id, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Cluster:
    """Near-duplicate documents, canonical first. ``similarity`` is the
    lowest verified Jaccard similarity of a member to the canonical."""

    members: tuple[str, ...]
    similarity: float

    def to_dict(self) -> dict:
        return {"members": list(self.members), "similarity": round(self.similarity, 4)}


@dataclass(frozen=True)
class Passage:
    """Text of document ``id`` at ``[start, end)`` copied from
    ``duplicate_of``: one paragraph, several adjacent paragraphs, or a run
    of sentences. ``similarity`` is the lowest of its parts (Jaccard for
    paragraphs, 1.0 for sentences, which match exactly after
    normalization)."""

    id: str
    start: int
    end: int
    duplicate_of: Occurrence
    similarity: float

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "start": self.start,
            "end": self.end,
            "similarity": round(self.similarity, 4),
            "duplicate_of": self.duplicate_of.to_dict(),
        }


@dataclass(frozen=True)
class BoilerplateBlock:
    """A block found in ``documents`` documents; ``text`` is its canonical
    occurrence (the first of ``occurrences``)."""

    text: str
    documents: int
    occurrences: tuple[Occurrence, ...]
    level: str = "paragraph"

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "documents": self.documents,
            "level": self.level,
            "occurrences": [o.to_dict() for o in self.occurrences],
        }


@dataclass(frozen=True)
class ScanSummary:
    documents: int
    paragraphs: int
    sentences: int
    characters: int
    bytes: int
    seconds: float
    skipped: int

    @property
    def megabytes(self) -> float:
        return self.bytes / 1e6

    @property
    def mb_per_s(self) -> float:
        return self.megabytes / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["seconds"] = round(self.seconds, 3)
        d["mb_per_s"] = round(self.mb_per_s, 3)
        return d

    def line(self) -> str:
        return (
            f"scanned {self.documents:,} documents, {self.paragraphs:,} paragraphs,"
            f" {self.megabytes:,.1f} MB in {self.seconds:,.2f} s ({self.mb_per_s:,.2f} MB/s);"
            f" {self.skipped:,} skipped"
        )


@dataclass(frozen=True)
class ScanResult:
    """What :func:`scan` found. ``lengths`` maps each document id to its
    length in characters (for shares such as :func:`boilerplate_share`)."""

    clusters: tuple[Cluster, ...]
    passages: tuple[Passage, ...]
    boilerplate: tuple[BoilerplateBlock, ...]
    summary: ScanSummary
    skipped: tuple[Skipped, ...] = ()
    lengths: dict[str, int] = field(default_factory=dict, repr=False)
    #: The shingling the blocks were found with, for a boilerplate model.
    ngram: int = 3
    boilerplate_threshold: float = bp.THRESHOLD

    def boilerplate_model(self) -> bp.BoilerplateModel:
        """The boilerplate blocks as a model for :func:`dedupe.boilerplate.clean_with_model`."""
        return bp.model_from_blocks(self.boilerplate, self.ngram, self.boilerplate_threshold)

    def to_dict(self) -> dict:
        return {
            "version": 1,
            "clusters": [c.to_dict() for c in self.clusters],
            "passages": [p.to_dict() for p in self.passages],
            "boilerplate": [b.to_dict() for b in self.boilerplate],
            "summary": self.summary.to_dict(),
            "skipped": [s.to_dict() for s in self.skipped],
        }


def _covered(spans: list[tuple[int, int]]) -> int:
    covered, reach = 0, 0
    for s, e in sorted(spans):
        s = max(s, reach)
        if e > s:
            covered += e - s
            reach = e
    return covered


def boilerplate_share(result: ScanResult, doc_id: str) -> float:
    """Share of the characters of ``doc_id`` covered by boilerplate."""
    length = result.lengths.get(doc_id)
    if length is None:
        raise InputError(f"{doc_id!r} is not a document of this scan")
    if length == 0:
        return 0.0
    spans = [(o.start, o.end) for b in result.boilerplate for o in b.occurrences if o.id == doc_id]
    return _covered(spans) / length


def boilerplate_shares(result: ScanResult) -> dict[str, float]:
    """:func:`boilerplate_share` of every document with some boilerplate,
    in one pass over the blocks (for reports over a whole corpus)."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for b in result.boilerplate:
        for o in b.occurrences:
            spans.setdefault(o.id, []).append((o.start, o.end))
    return {
        doc: _covered(sp) / result.lengths[doc] if result.lengths.get(doc) else 0.0
        for doc, sp in sorted(spans.items())
    }


# ---------------------------------------------------------------- options


@dataclass(frozen=True)
class ScanOptions:
    """Corpus-level options (the detection options are :class:`Options`).

    min_documents, min_share:
        The boilerplate rule: a block is boilerplate when it occurs in at
        least ``min_documents`` documents *and* at least ``min_share`` of
        all documents (default: 3 documents and 1 %).
    boilerplate_threshold:
        Jaccard similarity of digit-masked shingles at or above
        which two paragraphs are one block (default 0.5).
    jobs:
        Worker processes for the analysis stage; results are identical
        for any value.
    """

    min_documents: int = 3
    min_share: float = 0.01
    boilerplate_threshold: float = bp.THRESHOLD
    jobs: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.min_documents, int) or self.min_documents < 2:
            raise OptionsError(f"min_documents must be an integer of at least 2, got {self.min_documents!r}")
        if not 0.0 <= self.min_share <= 1.0:
            raise OptionsError(f"min_share must be in [0, 1], got {self.min_share!r}")
        if not 0.0 < self.boilerplate_threshold <= 1.0:
            raise OptionsError(f"boilerplate_threshold must be in (0, 1], got {self.boilerplate_threshold!r}")
        if not isinstance(self.jobs, int) or self.jobs < 1:
            raise OptionsError(f"jobs must be a positive integer, got {self.jobs!r}")


def split_options(
    options: Options | None, scan_options: ScanOptions | None, kwargs: dict[str, Any]
) -> tuple[Options, ScanOptions]:
    """Keyword options split between :class:`Options` and :class:`ScanOptions`."""
    scan_names = {f.name for f in fields(ScanOptions)}
    mine = {k: v for k, v in kwargs.items() if k in scan_names}
    rest = {k: v for k, v in kwargs.items() if k not in scan_names}
    base = scan_options or ScanOptions()
    so = ScanOptions(**{**{f.name: getattr(base, f.name) for f in fields(ScanOptions)}, **mine})
    return Options.build(options, **rest), so


# ---------------------------------------------------------------- stage 1


@dataclass(frozen=True)
class _Config:
    ngram: int
    num_perm: int
    seed: int
    bands: int
    rows: int
    bp_bands: int
    bp_rows: int


@dataclass
class _Batch:
    """Arrays for one batch of documents; indices are local to the batch."""

    doc_paras: np.ndarray  # paragraphs per document
    doc_bands: np.ndarray  # (docs, bands) LSH keys of the document signature
    doc_empty: np.ndarray  # no shingles at all
    para_doc: np.ndarray
    para_start: np.ndarray
    para_end: np.ndarray
    para_kind: np.ndarray
    para_tokens: np.ndarray
    para_key: np.ndarray
    para_off: np.ndarray  # shingles of paragraph i: para_hash[para_off[i]:para_off[i+1]]
    para_hash: np.ndarray
    para_bands: np.ndarray
    mask_bands: np.ndarray  # LSH keys for the boilerplate threshold
    sent_para: np.ndarray
    sent_start: np.ndarray
    sent_end: np.ndarray
    sent_tokens: np.ndarray
    sent_key: np.ndarray


def banding(threshold: float, num_perm: int) -> tuple[int, int]:
    """``(bands, rows)`` with the most rows whose S-curve midpoint
    ``(1/bands) ** (1/rows)`` is still at or below ``threshold``: pairs at
    the threshold collide in some band with a probability of about 0.6 or
    more, and pairs ``LSH_MARGIN`` above it almost surely (e.g. 0.99+ for
    Jaccard 0.7 with the 32 x 4 banding chosen for 0.5)."""
    best = (num_perm, 1)
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if (1.0 / bands) ** (1.0 / rows) > threshold:
            break
        best = (bands, rows)
    return best


def _bands32(sig: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """LSH band keys cut to 32 bits: half the memory, and the rare extra
    collisions only add candidates, which verification then rejects."""
    return band_keys(sig, bands, rows).astype(np.uint32)


def _analyze(texts: list[str], cfg: _Config) -> _Batch:
    """Stage 1 for one batch (runs in a worker process with ``jobs > 1``)."""
    doc_paras = np.zeros(len(texts), dtype=np.int64)
    p_doc: list[int] = []
    p_start: list[int] = []
    p_end: list[int] = []
    p_kind: list[int] = []
    s_para: list[int] = []
    s_start: list[int] = []
    s_end: list[int] = []
    for d, text in enumerate(texts):
        before = len(p_start)
        for seg in paragraphs(text):
            if seg.kind not in bp.KINDS:
                continue
            p = len(p_start)
            p_doc.append(d)
            p_start.append(seg.start)
            p_end.append(seg.end)
            if seg.kind == "heading":
                p_kind.append(_HEADING)
                continue
            p_kind.append(_PROSE)
            for s, e in sentences(text, seg.start, seg.end):
                s_para.append(p)
                s_start.append(s)
                s_end.append(e)
        doc_paras[d] = len(p_start) - before
    para_doc = np.array(p_doc, dtype=np.int64)
    para_texts = bp.mask_all([texts[d][a:b] for d, a, b in zip(p_doc, p_start, p_end)])
    std = shingle(para_texts, cfg.ngram)
    sig = minhash(std, cfg.num_perm, cfg.seed)
    # Shingles stay in text order (repeats included): sets are made only
    # for the few candidate pairs that get verified.
    para_off, para_hash = std.offsets, std.hashes
    # A document's signature is the element-wise minimum of its
    # paragraphs' signatures: MinHash of a union is the min of MinHashes.
    n_docs = len(texts)
    doc_sig = np.full((n_docs, cfg.num_perm), EMPTY, dtype=np.uint32)
    has = np.flatnonzero(doc_paras > 0)
    if has.size:
        starts = np.concatenate([[0], np.cumsum(doc_paras)[:-1]])[has]
        doc_sig[has] = np.minimum.reduceat(sig, starts, axis=0)
    # A paragraph that is one sentence is its own sentence: only the
    # sentences of longer paragraphs need shingling again.
    s_para_a = np.array(s_para, dtype=np.int64)
    n_sent = np.bincount(s_para_a, minlength=len(p_start)) if s_para else np.zeros(len(p_start), np.int64)
    sent_key = np.zeros(len(s_para), dtype=np.uint64)
    sent_tokens = np.zeros(len(s_para), dtype=np.int64)
    if s_para:
        alone = n_sent[s_para_a] == 1
        sent_key[alone] = std.keys[s_para_a[alone]]
        sent_tokens[alone] = std.tokens[s_para_a[alone]]
        rest = np.flatnonzero(~alone).tolist()
        if rest:
            k, t = bp.sequence_keys([texts[p_doc[s_para[i]]][s_start[i] : s_end[i]] for i in rest])
            sent_key[rest] = k
            sent_tokens[rest] = t
    return _Batch(
        doc_paras=doc_paras,
        doc_bands=_bands32(doc_sig, cfg.bands, cfg.rows),
        doc_empty=(doc_sig == EMPTY).all(axis=1),
        para_doc=para_doc,
        para_start=np.array(p_start, dtype=np.int64),
        para_end=np.array(p_end, dtype=np.int64),
        para_kind=np.array(p_kind, dtype=np.int8),
        para_tokens=std.tokens.astype(np.int32),
        para_key=std.keys,
        para_off=para_off,
        para_hash=para_hash,
        para_bands=_bands32(sig, cfg.bands, cfg.rows),
        mask_bands=_bands32(sig, cfg.bp_bands, cfg.bp_rows),
        sent_para=np.array(s_para, dtype=np.int64),
        sent_start=np.array(s_start, dtype=np.int64),
        sent_end=np.array(s_end, dtype=np.int64),
        sent_tokens=sent_tokens.astype(np.int32),
        sent_key=sent_key,
    )


def _analyze_job(args: tuple[list[str], _Config]) -> _Batch:
    return _analyze(*args)


class _Spool:
    """Document texts in a temporary file, read back one at a time."""

    def __init__(self) -> None:
        self._fh = tempfile.TemporaryFile(prefix="dedupe-scan-")
        self._offsets: list[int] = [0]

    def add(self, data: bytes) -> None:
        self._fh.write(data)
        self._offsets.append(self._offsets[-1] + len(data))

    def text(self, i: int) -> str:
        self._fh.seek(self._offsets[i])
        data = self._fh.read(self._offsets[i + 1] - self._offsets[i])
        self._fh.seek(0, os.SEEK_END)
        return data.decode("utf-8", "surrogatepass")

    def close(self) -> None:
        self._fh.close()


@dataclass
class _Corpus:
    """Every batch's arrays concatenated, with global indices."""

    ids: list[str]
    lengths: np.ndarray
    doc_para0: np.ndarray  # first paragraph of each document
    doc_paras: np.ndarray
    doc_bands: np.ndarray
    doc_empty: np.ndarray
    para_doc: np.ndarray
    para_start: np.ndarray
    para_end: np.ndarray
    para_kind: np.ndarray
    para_tokens: np.ndarray
    para_key: np.ndarray
    para_off: np.ndarray
    para_hash: np.ndarray
    para_bands: np.ndarray
    mask_bands: np.ndarray  # LSH keys for the boilerplate threshold
    sent_para: np.ndarray
    sent_doc: np.ndarray
    sent_start: np.ndarray
    sent_end: np.ndarray
    sent_tokens: np.ndarray
    sent_key: np.ndarray
    para_sent0: np.ndarray  # first sentence of each paragraph (-1: none)
    para_sent1: np.ndarray  # last sentence of each paragraph


def _concat_offsets(parts: list[np.ndarray]) -> np.ndarray:
    out, base = [np.zeros(1, dtype=np.int64)], 0
    for off in parts:
        out.append(off[1:] + base)
        base += int(off[-1])
    return np.concatenate(out)


def _shifted(parts: list[np.ndarray], bases: list[int]) -> np.ndarray:
    if not parts:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate([p + b for p, b in zip(parts, bases)])


def _merge(batches: list[_Batch], ids: list[str], lengths: list[int], cfg: _Config) -> _Corpus:
    def cat(name: str, dtype: Any, width: int = 0) -> np.ndarray:
        parts = [getattr(b, name) for b in batches]
        for b in batches:  # each batch's copy goes as soon as it is merged
            setattr(b, name, None)
        if parts:
            return np.concatenate(parts)
        return np.zeros((0, width) if width else 0, dtype=dtype)

    doc_base, para_base = [], []
    nd = npara = 0
    for b in batches:
        doc_base.append(nd)
        para_base.append(npara)
        nd += b.doc_paras.size
        npara += b.para_doc.size
    doc_paras = cat("doc_paras", np.int64)
    doc_para0 = np.zeros(doc_paras.size, dtype=np.int64)
    if doc_paras.size:
        doc_para0[1:] = np.cumsum(doc_paras)[:-1]
    sent_para = _shifted([b.sent_para for b in batches], para_base)
    para_doc = _shifted([b.para_doc for b in batches], doc_base)
    n_para = para_doc.size
    sent_idx = np.arange(sent_para.size, dtype=np.int64)
    para_sent0 = np.full(n_para, -1, dtype=np.int64)
    para_sent1 = np.full(n_para, -1, dtype=np.int64)
    if sent_para.size:
        # Sentences come in paragraph order, so the first and last of each
        # paragraph are where its run starts and ends.
        para_sent0[sent_para[::-1]] = sent_idx[::-1]
        para_sent1[sent_para] = sent_idx
    return _Corpus(
        ids=ids,
        lengths=np.array(lengths, dtype=np.int64),
        doc_para0=doc_para0,
        doc_paras=doc_paras,
        doc_bands=cat("doc_bands", np.uint32, cfg.bands),
        doc_empty=cat("doc_empty", bool),
        para_doc=para_doc,
        para_start=cat("para_start", np.int64),
        para_end=cat("para_end", np.int64),
        para_kind=cat("para_kind", np.int8),
        para_tokens=cat("para_tokens", np.int32),
        para_key=cat("para_key", np.uint64),
        para_off=_concat_offsets([b.para_off for b in batches]),
        para_hash=cat("para_hash", np.uint64),
        para_bands=cat("para_bands", np.uint32, cfg.bands),
        mask_bands=cat("mask_bands", np.uint32, cfg.bp_bands),
        sent_para=sent_para,
        sent_doc=para_doc[sent_para] if sent_para.size else np.zeros(0, dtype=np.int64),
        sent_start=cat("sent_start", np.int64),
        sent_end=cat("sent_end", np.int64),
        sent_tokens=cat("sent_tokens", np.int32),
        sent_key=cat("sent_key", np.uint64),
        para_sent0=para_sent0,
        para_sent1=para_sent1,
    )


def _batches(stream: Iterator[Document], spool: _Spool, ids: list[str], lengths: list[int],
             sizes: list[int], progress: Progress | None) -> Iterator[list[str]]:
    """Batches of texts, in input order; ids, lengths and byte sizes are
    recorded as documents go by."""
    batch: list[str] = []
    chars = 0
    for doc in stream:
        data = doc.text.encode("utf-8", "surrogatepass")
        spool.add(data)
        ids.append(doc.id)
        lengths.append(len(doc.text))
        sizes.append(len(data))
        if progress is not None:
            progress.update(1, len(data))
        batch.append(doc.text)
        chars += len(doc.text)
        if chars >= BATCH_CHARS or len(batch) >= BATCH_DOCS:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def _run_batches(texts: Iterator[list[str]], cfg: _Config, jobs: int) -> list[_Batch]:
    """Stage 1 over all batches, in input order. With several jobs at most
    two batches per worker are in flight, so reading never runs far ahead
    of the workers."""
    if jobs <= 1:
        return [_analyze(t, cfg) for t in texts]
    out: list[_Batch] = []
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(jobs) as pool:
        pending: deque = deque()
        for t in texts:
            pending.append(pool.apply_async(_analyze, (t, cfg)))
            while len(pending) >= 2 * jobs:
                out.append(pending.popleft().get())
        while pending:
            out.append(pending.popleft().get())
    return out


# ---------------------------------------------------------------- grouping


@dataclass(frozen=True)
class _Grouped:
    items: np.ndarray  # global indices, in canonical order
    canonical: np.ndarray  # for each item, the global index of its canonical
    similarity: np.ndarray


def _jaccard(off: np.ndarray, hashes: np.ndarray, a: int, b: int) -> float:
    x = np.unique(hashes[off[a] : off[a + 1]])
    y = np.unique(hashes[off[b] : off[b + 1]])
    if x.size == 0 or y.size == 0:
        return 0.0
    return compare(x, y).jaccard


def _band_pairs(bands: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Candidate pairs ``(i, j)``, ``i < j``, of positions in ``rows`` whose
    band keys agree in some band. One band at a time: sorting all bands at
    once needs several times the memory of the keys themselves."""
    members = np.arange(rows.size, dtype=np.int64)
    found = []
    for b in range(bands.shape[1]):
        p = pairs_from_buckets(bands[rows, b], members)
        if p.size:
            found.append(p)
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(found)
    span = np.int64(rows.size)
    key = np.unique(pairs[:, 0] * span + pairs[:, 1])
    return np.stack([key // span, key % span], axis=1)


def _near_groups(
    items: np.ndarray, rank: np.ndarray, keys: np.ndarray, bands: np.ndarray,
    off: np.ndarray, hashes: np.ndarray, threshold: float,
) -> _Grouped:
    """Groups of near-duplicate items: exact copies (equal keys) first,
    then LSH candidates among one representative of each exact group,
    verified against the group canonical."""
    items = items[np.argsort(rank[items], kind="stable")]
    n = items.size
    if n == 0:
        return _Grouped(items, items.copy(), np.ones(0))
    k = keys[items]
    by_key = np.lexsort((np.arange(n), k))
    kk = k[by_key]
    first = np.ones(n, dtype=bool)
    first[1:] = kk[1:] != kk[:-1]
    run = np.cumsum(first) - 1
    rep_pos = by_key[first]  # the most canonical position of each key
    rep_of = np.empty(n, dtype=np.int64)
    rep_of[by_key] = rep_pos[run]
    reps = np.sort(rep_pos)
    r_index = np.full(n, -1, dtype=np.int64)
    r_index[reps] = np.arange(reps.size)
    pairs = _band_pairs(bands, items[reps])

    def sim(i: int, j: int) -> float:
        return _jaccard(off, hashes, int(items[reps[i]]), int(items[reps[j]]))

    g = leader_groups(reps.size, pairs, sim, threshold)
    rep_canon = reps[g.canonical]  # position of each representative's canonical
    my_rep = r_index[rep_of]
    canon_pos = rep_canon[my_rep]
    similarity = g.similarity[my_rep].copy()
    # Exact copies of a canonical are similar at 1.0 (already so), exact
    # copies of a member share the member's similarity.
    return _Grouped(items, items[canon_pos], similarity)


def _doc_rank(ids: list[str], lengths: np.ndarray, keep: str) -> np.ndarray:
    n = len(ids)
    if keep == "longest":
        order = sorted(range(n), key=lambda i: (-int(lengths[i]), ids[i]))
    else:
        order = sorted(range(n), key=ids.__getitem__)
    rank = np.empty(n, dtype=np.int64)
    rank[np.array(order, dtype=np.int64)] = np.arange(n, dtype=np.int64)
    return rank


def _unit_rank(doc_rank: np.ndarray, doc: np.ndarray, start: np.ndarray) -> np.ndarray:
    rank = np.empty(doc.size, dtype=np.int64)
    rank[np.lexsort((start, doc_rank[doc]))] = np.arange(doc.size, dtype=np.int64)
    return rank


def _runs(canonical: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions sorted by canonical (stable) and the bounds of each run."""
    order = np.argsort(canonical, kind="stable")
    cs = canonical[order]
    bounds = np.flatnonzero(np.r_[True, cs[1:] != cs[:-1], True]) if cs.size else np.zeros(1, np.int64)
    return order, bounds


def _min_docs(so: ScanOptions, n_docs: int) -> int:
    return max(so.min_documents, math.ceil(so.min_share * n_docs - 1e-9))


@dataclass
class _Match:
    copy_doc: int
    c_first: int  # sentence ordinals, for adjacency
    c_last: int
    c_start: int
    c_end: int
    src_doc: int
    s_first: int
    s_last: int
    s_start: int
    s_end: int
    similarity: float


def _analyze_corpus(c: _Corpus, options: Options, so: ScanOptions, spool: _Spool):
    n_docs = len(c.ids)
    doc_rank = _doc_rank(c.ids, c.lengths, options.keep)
    para_rank = _unit_rank(doc_rank, c.para_doc, c.para_start)
    need = _min_docs(so, n_docs)

    # --- near-duplicate documents: Jaccard of their whole shingle sets
    doc_items = np.flatnonzero(~c.doc_empty)

    @lru_cache(maxsize=4096)
    def doc_set(d: int) -> np.ndarray:
        p0, p1 = int(c.doc_para0[d]), int(c.doc_para0[d] + c.doc_paras[d])
        return np.unique(c.para_hash[c.para_off[p0] : c.para_off[p1]])

    def doc_sim(a: int, b: int) -> float:
        x, y = doc_set(a), doc_set(b)
        if x.size == 0 or y.size == 0:
            return 0.0
        return compare(x, y).jaccard

    order = doc_items[np.argsort(doc_rank[doc_items], kind="stable")]
    pairs = _band_pairs(c.doc_bands, order)
    dg = leader_groups(order.size, pairs, lambda i, j: doc_sim(int(order[i]), int(order[j])),
                       options.threshold)
    cluster_of = np.arange(n_docs, dtype=np.int64)
    cluster_of[order] = order[dg.canonical]
    clusters: list[tuple[int, list[int], float]] = []
    grouped = np.flatnonzero(dg.canonical != np.arange(order.size))
    by_canon: dict[int, list[int]] = {}
    for pos in grouped.tolist():
        by_canon.setdefault(int(dg.canonical[pos]), []).append(pos)
    for cpos, mpos in by_canon.items():
        sims = [float(dg.similarity[m]) for m in mpos]
        clusters.append((int(order[cpos]), [int(order[m]) for m in mpos], min(sims)))

    # --- boilerplate paragraphs. The rule counts documents that are not
    # near-duplicates of each other: three copies of one article do not
    # make its paragraphs boilerplate.
    bp_items = np.flatnonzero(c.para_tokens > 0)
    g = _near_groups(bp_items, para_rank, c.para_key, c.mask_bands, c.para_off, c.para_hash,
                     so.boilerplate_threshold)
    para_bp = np.zeros(c.para_doc.size, dtype=bool)
    blocks: list[tuple[str, int, list[tuple[int, int, int]], int]] = []  # level, canon unit, occs, docs
    if g.items.size:
        docs_of = c.para_doc[g.items]
        canon_docs = np.unique(np.stack([g.canonical, docs_of], axis=1), axis=0)
        cans, counts = np.unique(canon_docs[:, 0], return_counts=True)
        canon_clusters = np.unique(np.stack([g.canonical, cluster_of[docs_of]], axis=1), axis=0)
        cans2, distinct = np.unique(canon_clusters[:, 0], return_counts=True)
        bp_canon = cans2[distinct >= need]
        is_bp = np.isin(g.canonical, bp_canon)
        para_bp[g.items[is_bp]] = True
        sel = np.flatnonzero(is_bp)
        order, bounds = _runs(g.canonical[sel])
        for k in range(bounds.size - 1):
            members = g.items[sel[order[bounds[k] : bounds[k + 1]]]]
            canon = int(g.canonical[sel[order[bounds[k]]]])
            occ = [(int(c.para_doc[m]), int(c.para_start[m]), int(c.para_end[m])) for m in members.tolist()]
            blocks.append(("paragraph", canon, occ, int(counts[np.searchsorted(cans, canon)])))

    # --- copied paragraphs
    matches: list[_Match] = []
    covered = para_bp.copy()
    p_items = np.flatnonzero(
        (c.para_kind == _PROSE) & (c.para_tokens >= options.min_tokens) & ~para_bp
    )
    pg = _near_groups(p_items, para_rank, c.para_key, c.para_bands, c.para_off, c.para_hash,
                      options.threshold)
    in_group = np.isin(pg.canonical, pg.canonical[pg.canonical != pg.items])
    grp = np.flatnonzero(in_group)
    order, bounds = _runs(pg.canonical[grp])
    for k in range(bounds.size - 1):
        sel = grp[order[bounds[k] : bounds[k + 1]]]  # in canonical order
        src = int(pg.canonical[sel[0]])
        src_doc = int(c.para_doc[src])
        seen = {src_doc}
        for pos in sel.tolist():
            m = int(pg.items[pos])
            d = int(c.para_doc[m])
            if d in seen:
                continue  # repeats inside one document are not cross-document copies
            seen.add(d)
            covered[m] = True
            if cluster_of[d] == cluster_of[src_doc]:
                continue  # the document cluster already says so
            matches.append(_Match(
                d, int(c.para_sent0[m]), int(c.para_sent1[m]), int(c.para_start[m]), int(c.para_end[m]),
                src_doc, int(c.para_sent0[src]), int(c.para_sent1[src]),
                int(c.para_start[src]), int(c.para_end[src]), float(pg.similarity[pos]),
            ))

    # --- repeated sentences: passages, or boilerplate when widespread
    s_ok = (c.sent_tokens >= options.min_tokens) & ~para_bp[c.sent_para] if c.sent_para.size else np.zeros(0, bool)
    s_items = np.flatnonzero(s_ok)
    if s_items.size:
        s_rank = _unit_rank(doc_rank, c.sent_doc, c.sent_start)
        s_items = s_items[np.lexsort((s_rank[s_items], c.sent_key[s_items]))]
        keys = c.sent_key[s_items]
        docs_of = c.sent_doc[s_items]
        new_key = np.r_[True, keys[1:] != keys[:-1]]
        # Within a key, sentences are in document rank order, so each change
        # of document is one more distinct document.
        new_doc = new_key | np.r_[True, docs_of[1:] != docs_of[:-1]]
        starts = np.flatnonzero(new_key)
        ends = np.r_[starts[1:], keys.size]
        distinct = np.add.reduceat(new_doc.astype(np.int64), starts)
        for a, b, n_docs_here in zip(starts[distinct >= 2].tolist(), ends[distinct >= 2].tolist(),
                                     distinct[distinct >= 2].tolist()):
            run = s_items[a:b]
            if n_docs_here >= need and np.unique(cluster_of[docs_of[a:b]]).size >= need:
                occ = [(int(c.sent_doc[s]), int(c.sent_start[s]), int(c.sent_end[s])) for s in run]
                blocks.append(("sentence", -1 - int(run[0]), occ, int(n_docs_here)))
                continue
            src = int(run[0])
            src_doc = int(c.sent_doc[src])
            seen = {src_doc}
            for s in run[1:].tolist():
                d = int(c.sent_doc[s])
                if d in seen:
                    continue
                seen.add(d)
                if covered[c.sent_para[s]] or cluster_of[d] == cluster_of[src_doc]:
                    continue
                if not _same_numbers(spool, (d, int(c.sent_start[s]), int(c.sent_end[s])),
                                     (src_doc, int(c.sent_start[src]), int(c.sent_end[src]))):
                    continue
                matches.append(_Match(d, s, s, int(c.sent_start[s]), int(c.sent_end[s]),
                                      src_doc, src, src, int(c.sent_start[src]), int(c.sent_end[src]), 1.0))
    return doc_rank, clusters, blocks, matches


def _same_numbers(spool: _Spool, a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    """Sentences are matched on digit-masked text, so that dates do not
    split boilerplate; a copied sentence must also carry the same numbers,
    or every templated "ruled from 1124 to 1126" would copy the next one."""
    (da, sa, ea), (db, sb, eb) = a, b
    return bp.digits(spool.text(da)[sa:ea]) == bp.digits(spool.text(db)[sb:eb])


def _passages(matches: list[_Match], doc_rank: np.ndarray) -> list[_Match]:
    """Adjacent matches (next sentence in the copy, next sentence in the
    source, same source document) merged into one passage."""
    matches = sorted(matches, key=lambda m: (int(doc_rank[m.copy_doc]), m.c_start, int(doc_rank[m.src_doc]), m.s_start))
    out: list[_Match] = []
    for m in matches:
        last = out[-1] if out else None
        if (
            last is not None and last.copy_doc == m.copy_doc and last.src_doc == m.src_doc
            and m.c_first == last.c_last + 1 and m.s_first == last.s_last + 1
        ):
            last.c_last, last.c_end = m.c_last, m.c_end
            last.s_last, last.s_end = m.s_last, m.s_end
            last.similarity = min(last.similarity, m.similarity)
        elif last is not None and last.copy_doc == m.copy_doc and m.c_start < last.c_end:
            continue  # overlaps a passage already reported
        else:
            out.append(_Match(**vars(m)))
    return out


# ---------------------------------------------------------------- entry point


def scan(
    documents: Iterable[Any],
    options: Options | None = None,
    scan_options: ScanOptions | None = None,
    *,
    progress: Progress | None = None,
    **kwargs: Any,
) -> ScanResult:
    """Near-duplicate documents, copied passages and boilerplate in a corpus.

    ``documents`` is any iterable of strings (ids are their positions),
    ``(id, text)`` pairs, dicts with ``id`` and ``text``, or the documents
    of :func:`dedupe.sources.iter_documents`. It is read once, as a stream.
    Keyword arguments are :class:`Options` or :class:`ScanOptions` fields,
    e.g. ``scan(docs, threshold=0.8, min_documents=5, jobs=2)``; add
    ``strict=True`` to raise on a bad document instead of skipping it.
    """
    strict = bool(kwargs.pop("strict", False))
    opts, so = split_options(options, scan_options, kwargs)
    t0 = time.perf_counter()
    bands, rows = banding(opts.threshold - LSH_MARGIN, opts.num_perm)
    bp_bands, bp_rows = banding(so.boilerplate_threshold - LSH_MARGIN, opts.num_perm)
    cfg = _Config(opts.ngram, opts.num_perm, opts.seed, bands, rows, bp_bands, bp_rows)
    skipped: list[Skipped] = []
    seen_ids: set[str] = set()

    def docs() -> Iterator[Document]:
        for item in as_documents(documents, strict):
            if isinstance(item, Skipped):
                skipped.append(item)
                continue
            if item.id in seen_ids:
                reason = "duplicate document id; only the first is scanned"
                if strict:
                    raise InputError(f"{item.id}: {reason}")
                skipped.append(Skipped(item.id, reason))
                continue
            seen_ids.add(item.id)
            yield item

    spool = _Spool()
    try:
        ids: list[str] = []
        lengths: list[int] = []
        sizes: list[int] = []
        batches = _run_batches(_batches(docs(), spool, ids, lengths, sizes, progress), cfg, so.jobs)
        seen_ids.clear()
        if progress is not None:
            progress.stage("grouping")
        corpus = _merge(batches, ids, lengths, cfg)
        del batches
        doc_rank, raw_clusters, raw_blocks, matches = _analyze_corpus(corpus, opts, so, spool)
        result = _build_result(corpus, doc_rank, raw_clusters, raw_blocks, matches, spool,
                               skipped, sum(sizes), time.perf_counter() - t0)
        result = replace(result, ngram=opts.ngram, boilerplate_threshold=so.boilerplate_threshold)
    finally:
        spool.close()
        if progress is not None:
            progress.close()
    return result


def _build_result(c: _Corpus, doc_rank, raw_clusters, raw_blocks, matches, spool: _Spool,
                  skipped: list[Skipped], nbytes: int, seconds: float) -> ScanResult:
    ids = c.ids
    clusters = []
    for canon, members, sim in raw_clusters:
        members = sorted(members, key=lambda d: doc_rank[d])
        clusters.append((-(len(members) + 1), int(doc_rank[canon]),
                         Cluster(tuple(ids[d] for d in [canon, *members]), sim)))
    clusters.sort(key=lambda t: t[:2])
    passages = [
        Passage(ids[m.copy_doc], m.c_start, m.c_end, Occurrence(ids[m.src_doc], m.s_start, m.s_end), m.similarity)
        for m in _passages(matches, doc_rank)
    ]
    blocks = []
    for level, _, occ, ndocs in raw_blocks:
        occ = sorted(occ, key=lambda o: (int(doc_rank[o[0]]), o[1]))
        d0, s0, e0 = occ[0]
        text = spool.text(d0)[s0:e0]
        blocks.append((-ndocs, int(doc_rank[d0]), s0, BoilerplateBlock(
            text, ndocs, tuple(Occurrence(ids[d], s, e) for d, s, e in occ), level)))
    blocks.sort(key=lambda t: t[:3])
    summary = ScanSummary(
        documents=len(ids),
        paragraphs=int(c.para_doc.size),
        sentences=int(c.sent_para.size),
        characters=int(c.lengths.sum()),
        bytes=nbytes,
        seconds=seconds,
        skipped=len(skipped),
    )
    return ScanResult(
        clusters=tuple(t[2] for t in clusters),
        passages=tuple(passages),
        boilerplate=tuple(t[3] for t in blocks),
        summary=summary,
        skipped=tuple(skipped),
        lengths=dict(zip(ids, c.lengths.tolist())),
    )


def scan_paths(
    paths: Iterable[str],
    options: Options | None = None,
    scan_options: ScanOptions | None = None,
    source_options: Any = None,
    progress: Progress | None = None,
) -> ScanResult:
    """:func:`scan` over files, folders, JSONL files and ``-`` (JSONL on
    standard input); bad files and records are skipped and reported unless
    ``source_options.strict``."""
    from .sources import SourceOptions, iter_documents

    so = source_options or SourceOptions()
    return scan(iter_documents(paths, so), options, scan_options, progress=progress, strict=so.strict)


# ---------------------------------------------------------------- text report


def _snippet(text: str, width: int = 70) -> str:
    one = " ".join(text.split())
    return one if len(one) <= width else one[: width - 1] + "…"


def format_text(result: ScanResult, top: int = 10) -> str:
    """A readable summary: top clusters, top boilerplate blocks with their
    document counts, and copied passages."""
    lines: list[str] = []
    n = len(result.clusters)
    lines.append(f"Near-duplicate documents: {n} cluster(s)")
    for cl in result.clusters[:top]:
        lines.append(f"  {len(cl.members)} documents, similarity >= {cl.similarity:.2f}:")
        for k, m in enumerate(cl.members):
            lines.append(f"    {m}{'  (canonical)' if k == 0 else ''}")
    if n > top:
        lines.append(f"  … and {n - top} more")
    lines.append("")
    n = len(result.boilerplate)
    lines.append(f"Boilerplate: {n} block(s)")
    for b in result.boilerplate[:top]:
        lines.append(f"  {b.documents:>6,} documents  {_snippet(b.text)!r}")
    if n > top:
        lines.append(f"  … and {n - top} more")
    lines.append("")
    n = len(result.passages)
    lines.append(f"Copied passages: {n}")
    for p in result.passages[:top]:
        d = p.duplicate_of
        lines.append(
            f"  {p.id} [{p.start}:{p.end}] copies {d.id} [{d.start}:{d.end}]"
            f" (similarity {p.similarity:.2f})"
        )
    if n > top:
        lines.append(f"  … and {n - top} more")
    if result.skipped:
        lines.append("")
        lines.append(f"Skipped: {len(result.skipped)} input(s)")
        for s in result.skipped[:top]:
            lines.append(f"  {s}")
        if len(result.skipped) > top:
            lines.append(f"  … and {len(result.skipped) - top} more")
    return "\n".join(lines) + "\n"
