"""Stage 1 of a corpus scan: documents streamed into batches and analyzed
into numpy arrays (paragraph and sentence offsets, digit-masked shingles,
MinHash signatures, LSH band keys, exact-content keys), in worker
processes when ``jobs > 1``; JSONL inputs are parsed there too, a piece
at a time. The texts come back in UTF-8 and go to a temporary spool
file; the documents are taken in input order (:class:`Intake`)."""

from __future__ import annotations

import itertools
import mmap
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dedupe.core.candidates import LSH_MARGIN, BandTable, band_keys, scan_banding
from dedupe.core.evidence import long_spans, weighed_spans
from dedupe.core.segment import sentence_spans, span_table
from dedupe.core.shingle import ShingleSets, ngrams, tables, unique_sets
from dedupe.core.signature import EMPTY, minhash, permutations, union_signatures
from dedupe.core.structure import prose_table
from dedupe.corpus import boilerplate as bp
from dedupe.corpus import templates as tp
from dedupe.errors import InputError
from dedupe.io.progress import Progress
from dedupe.io.records import Document, Skipped
from dedupe.io.sources import JsonlChunk, Loaded
from dedupe.io.workers import ordered_map
from dedupe.options import Options, ScanOptions

#: A batch ends after this many characters (or documents): large enough to
#: amortize numpy calls, small enough to keep workers' memory flat and to
#: give every worker many batches, so that none waits for the last one.
BATCH_CHARS = 250_000
BATCH_DOCS = 1_000
#: With ``jobs=0`` a corpus of at most this many characters is analyzed in
#: the calling process: starting workers does not pay for less.
IN_PROCESS_CHARS = 2_000_000
#: With ``jobs=0`` stage 1 runs at most this many batches in the calling
#: process (about that many characters); one more, and workers take them all.
IN_PROCESS_BATCHES = IN_PROCESS_CHARS // BATCH_CHARS
#: A batch's arrays and texts come back from a worker through shared memory
#: of this size (:class:`dedupe.io.workers.ResultSlots`). They take 0.9-1.3 MB
#: for the English, Chinese and Japanese corpora of the benchmarks; a larger
#: batch (a document of megabytes) comes through the pipe.
SLOT_BYTES = 4 << 20
PROSE = 0
HEADING = 1
#: A prose paragraph too short to be evidence of a copy on its own (see
#: :mod:`dedupe.core.evidence`): it may be boilerplate, never a copied
#: passage, and its sentences are not matched across documents.
SHORT = 2
#: Sentences are signed with fewer permutations than paragraphs (there are
#: several times more of them) and banded for a low Jaccard, so that a
#: lightly edited sentence, or one merged into a longer one, still meets
#: its source; exact verification decides (:mod:`dedupe.core.reuse`).
SENT_PERM = 64
SENT_LSH_THRESHOLD = 0.4


@dataclass(frozen=True)
class BatchConfig:
    ngram: int
    num_perm: int
    seed: int
    bands: int
    rows: int
    bp_bands: int
    bp_rows: int
    evidence_tokens: float = Options.evidence_tokens
    sent_bands: int = 21
    sent_rows: int = 3
    # The signatures' permutations, drawn once for the config instead of
    # twice per batch (11 ms of a scan of the 20 MB speed benchmark
    # corpus); they travel with it to the workers.
    para_draw: tuple[np.ndarray, np.ndarray] = field(init=False, repr=False, compare=False)
    sent_draw: tuple[np.ndarray, np.ndarray] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "para_draw", permutations(self.num_perm, self.seed))
        object.__setattr__(self, "sent_draw", permutations(SENT_PERM, self.seed))

    @classmethod
    def for_options(cls, options: Options, scan_options: ScanOptions) -> "BatchConfig":
        """The analysis a scan with these options needs (on one machine or
        on Spark): LSH tuned ``LSH_MARGIN`` below each verification threshold."""
        bands, rows = scan_banding(options.threshold - LSH_MARGIN, options.num_perm)
        bp_bands, bp_rows = scan_banding(scan_options.boilerplate_threshold - LSH_MARGIN, options.num_perm)
        s_bands, s_rows = scan_banding(SENT_LSH_THRESHOLD, SENT_PERM)
        return cls(options.ngram, options.num_perm, options.seed, bands, rows, bp_bands, bp_rows,
                   options.evidence_tokens, s_bands, s_rows)


@dataclass
class Batch:
    """Arrays for one batch of documents; indices are local to the batch."""

    doc_paras: np.ndarray  # paragraphs per document
    doc_bands: np.ndarray  # (docs, bands) LSH keys of the document signature
    doc_empty: np.ndarray  # no shingles at all
    para_doc: np.ndarray
    para_start: np.ndarray
    para_end: np.ndarray
    para_kind: np.ndarray
    para_light: np.ndarray  # weighs little enough to be a template block (templates.eligible)
    para_tokens: np.ndarray
    para_key: np.ndarray
    para_off: np.ndarray  # shingle set of paragraph i, sorted: para_hash[para_off[i]:para_off[i+1]]
    para_hash: np.ndarray
    para_bands: np.ndarray
    mask_bands: np.ndarray  # LSH keys for the boilerplate threshold
    sent_para: np.ndarray
    sent_start: np.ndarray
    sent_end: np.ndarray
    sent_tokens: np.ndarray
    sent_key: np.ndarray
    sent_long: np.ndarray  # long enough to be evidence of a copy on its own
    sent_bands: np.ndarray  # (sentences, sent_bands) LSH keys of the sentence signatures


def _subsets(sets: ShingleSets, rows: np.ndarray) -> ShingleSets:
    """The shingle lists of ``sets`` at ``rows``, as sets of their own."""
    lengths = sets.offsets[rows + 1] - sets.offsets[rows]
    offsets = np.zeros(rows.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    idx = np.repeat(sets.offsets[rows] - offsets[:-1], lengths) + np.arange(int(offsets[-1]), dtype=np.int64)
    return ShingleSets(sets.hashes[idx], offsets, sets.tokens[rows], sets.keys[rows])


def _kept(batch: Batch, keep: np.ndarray) -> Batch:
    """``batch`` as if only its documents where ``keep`` (a mask) is true
    had been analyzed: the others' rows dropped, and the indices into
    documents, paragraphs and shingles renumbered. Nothing in a batch
    depends on another document of it."""
    keep_para = keep[batch.para_doc]
    keep_sent = keep_para[batch.sent_para]
    # A field's rows are documents, paragraphs or sentences, as its name
    # starts; the boilerplate band keys are the paragraphs'.
    masks = {"doc": keep, "para": keep_para, "mask": keep_para, "sent": keep_sent}
    parts = {name: value[masks[name.split("_")[0]]] for name, value in vars(batch).items()
             if name not in ("para_off", "para_hash")}
    sets = _subsets(ShingleSets(batch.para_hash, batch.para_off, batch.para_tokens, batch.para_key),
                    np.flatnonzero(keep_para))
    parts.update(para_doc=(np.cumsum(keep) - 1)[parts["para_doc"]],
                 sent_para=(np.cumsum(keep_para) - 1)[parts["sent_para"]],
                 para_off=sets.offsets, para_hash=sets.hashes)
    return Batch(**parts)


def _bands32(sig: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """LSH band keys cut to 32 bits: half the memory, and the rare extra
    collisions only add candidates, which verification then rejects.
    Stored band by band (Fortran order), as the merged corpus keeps them
    (:class:`BandTable`): cut and turned here, in the worker that made
    them, each band is one plain copy for the process that merges the
    batches."""
    return np.asfortranarray(band_keys(sig, bands, rows), dtype=np.uint32)


@dataclass
class _Layout:
    """Where a batch's paragraphs and sentences are (as the segmenter
    finds them), and the pieces its text is tokenized in: each prose
    paragraph's sentences, and every other paragraph whole. A paragraph is
    its sentences with white space between, so its tokens are theirs, one
    after the other: the text is normalized, masked and tokenized once,
    not once for paragraphs and again for sentences."""

    doc_paras: np.ndarray  # paragraphs per document
    para_doc: np.ndarray
    para_start: np.ndarray
    para_end: np.ndarray
    para_kind: np.ndarray
    para_light: np.ndarray
    sent_para: np.ndarray
    sent_start: np.ndarray
    sent_end: np.ndarray
    sent_long: np.ndarray
    piece_doc: np.ndarray  # document, start and end of each piece
    piece_start: np.ndarray
    piece_end: np.ndarray
    para_piece: np.ndarray  # first piece of each paragraph, then one past the last piece
    sent_piece: np.ndarray  # the piece that is each sentence


#: The kinds of segment a scan reads (:data:`dedupe.corpus.boilerplate.KINDS`),
#: in a fixed order for :func:`dedupe.core.segment.span_table`.
_KINDS = tuple(sorted(bp.KINDS))


def _layout(texts: list[str], cfg: BatchConfig) -> _Layout:
    # Structure (captions, includes, comments, admonitions ...) is never a
    # copied passage nor boilerplate: only headings, paragraphs and list
    # items are.
    table = span_table(texts, _KINDS)
    para_doc, para_start, para_end = table.text, table.start, table.end
    doc_paras = np.bincount(para_doc, minlength=len(texts)).astype(np.int64)
    # Whether each paragraph, and then each sentence of the long ones, is
    # long enough to stand as evidence: one count over all of them. The
    # paragraphs' weights also say which may be template blocks, so that
    # learning templates reads only the documents that hold those.
    long, weight = weighed_spans(texts, para_doc, para_start, para_end, cfg.evidence_tokens)
    kind = np.where(table.kind == _KINDS.index("heading"), HEADING, np.where(long, PROSE, SHORT)).astype(np.int8)
    prose = np.flatnonzero(kind == PROSE)
    which, sent_start, sent_end = sentence_spans(texts, para_doc[prose], para_start[prose], para_end[prose])
    sent_para = prose[which]
    # The pieces in text order: paragraph by paragraph, sentences in turn.
    whole = np.flatnonzero(kind != PROSE)
    piece_para = np.concatenate([whole, sent_para])
    piece_start = np.concatenate([para_start[whole], sent_start])
    order = np.lexsort((piece_start, piece_para))
    place = np.empty(order.size, dtype=np.int64)
    place[order] = np.arange(order.size, dtype=np.int64)
    piece_para = piece_para[order]
    return _Layout(
        doc_paras, para_doc, para_start, para_end, kind, weight <= tp.MAX_WEIGHT, sent_para, sent_start, sent_end,
        long_spans(texts, para_doc[sent_para], sent_start, sent_end, cfg.evidence_tokens),
        para_doc[piece_para], piece_start[order], np.concatenate([para_end[whole], sent_end])[order],
        np.searchsorted(piece_para, np.arange(kind.size + 1)), place[whole.size:],
    )


def _analyze(texts: list[str], cfg: BatchConfig) -> Batch:
    """Stage 1 for one batch (runs in a worker process with ``jobs > 1``)."""
    lay = _layout(texts, cfg)
    doc_paras = lay.doc_paras
    th, tok_off = bp.masked_stream(texts, lay.piece_doc, lay.piece_start, lay.piece_end)
    std = ngrams(th, tok_off[lay.para_piece], cfg.ngram)
    sig = minhash(std, cfg.num_perm, cfg.seed, cfg.para_draw)
    # Each paragraph's shingles as a sorted set, made here in the workers
    # so that verifying candidate pairs after merging is a merge of two
    # sorted runs, not a sort in the one main process.
    sets = unique_sets(std)
    para_off, para_hash = sets.offsets, sets.hashes
    # A document's signature is the element-wise minimum of its
    # paragraphs' signatures: MinHash of a union is the min of MinHashes.
    doc_sig = union_signatures(sig, doc_paras)
    sent = _subsets(ngrams(th, tok_off, cfg.ngram), lay.sent_piece)
    sent_key, sent_tokens = sent.keys, sent.tokens
    sent_sig = minhash(sent, SENT_PERM, cfg.seed, cfg.sent_draw)
    return Batch(
        doc_paras=doc_paras,
        doc_bands=_bands32(doc_sig, cfg.bands, cfg.rows),
        doc_empty=(doc_sig == EMPTY).all(axis=1),
        para_doc=lay.para_doc,
        para_start=lay.para_start,
        para_end=lay.para_end,
        para_kind=lay.para_kind,
        para_light=lay.para_light,
        para_tokens=std.tokens.astype(np.int32),
        para_key=std.keys,
        para_off=para_off,
        para_hash=para_hash,
        para_bands=_bands32(sig, cfg.bands, cfg.rows),
        mask_bands=_bands32(sig, cfg.bp_bands, cfg.bp_rows),
        sent_para=lay.sent_para,
        sent_start=lay.sent_start,
        sent_end=lay.sent_end,
        sent_tokens=sent_tokens.astype(np.int32),
        sent_key=sent_key,
        sent_long=lay.sent_long,
        sent_bands=_bands32(sent_sig, cfg.sent_bands, cfg.sent_rows),
    )


#: Spool.texts reads documents together while at most this many bytes
#: lie between them, and at most this many bytes at once.
_GAP = 64 << 10
_CHUNK = 4 << 20


class Spool:
    """Document texts in a temporary file, read back one at a time or many
    together.

    Reads are positioned (``pread``), so processes forked from the one
    that wrote the spool read it at the same time without moving each
    other's file position; :meth:`seal` it before such a fork."""

    def __init__(self) -> None:
        self._fh = tempfile.TemporaryFile(prefix="dedupe-scan-")
        self._offsets: list[int] = [0]
        self._unwritten = False

    def extend(self, data: bytes | memoryview, sizes: Iterable[int]) -> None:
        """Texts in UTF-8, one after the other, ``sizes`` bytes each."""
        self._fh.write(data)
        self._offsets.extend(itertools.islice(itertools.accumulate(sizes, initial=self._offsets[-1]), 1, None))
        self._unwritten = True

    def seal(self) -> None:
        """Write out what is buffered: every text is then in the file,
        where a forked reader finds it."""
        self._fh.flush()
        self._unwritten = False

    def text(self, i: int) -> str:
        return self._read(self._offsets[i], self._offsets[i + 1]).decode("utf-8", "surrogatepass")

    def texts(self, docs: Iterable[int]) -> list[str]:
        """The texts of ``docs``, in that order (ascending: the order they
        were spooled in). Documents that lie close together are read in
        one call: the templates' and sentences' stages read hundreds of
        thousands of documents of a large corpus, one ``pread`` each."""
        out: list[str] = []
        wanted = list(docs)
        at = 0
        while at < len(wanted):
            start = self._offsets[wanted[at]]
            end = at + 1
            # The next documents join this read while the bytes between
            # them are few and the read stays small.
            while (end < len(wanted) and self._offsets[wanted[end]] - self._offsets[wanted[end - 1] + 1] <= _GAP
                   and self._offsets[wanted[end] + 1] - start <= _CHUNK):
                end += 1
            data = memoryview(self._read(start, self._offsets[wanted[end - 1] + 1]))
            out.extend(str(data[self._offsets[d] - start:self._offsets[d + 1] - start], "utf-8", "surrogatepass")
                       for d in wanted[at:end])
            at = end
        return out

    def documents_of(self, docs: np.ndarray) -> tuple[list[str], np.ndarray]:
        """For units stored in document order whose documents are ``docs``:
        the texts of those documents, each read once (:meth:`texts`), and
        which of them holds each unit."""
        new_doc = np.ones(docs.size, dtype=bool)
        new_doc[1:] = docs[1:] != docs[:-1]
        return self.texts(docs[new_doc].tolist()), np.cumsum(new_doc) - 1

    def _read(self, start: int, end: int) -> bytes:
        if self._unwritten:
            self.seal()
        if hasattr(os, "pread"):
            return os.pread(self._fh.fileno(), end - start, start)
        # No fork there either, so no other reader.
        self._fh.seek(start)
        data = self._fh.read(end - start)
        self._fh.seek(0, os.SEEK_END)
        return data

    def close(self) -> None:
        self._fh.close()


@dataclass
class Corpus:
    """Every batch's arrays concatenated, with global indices."""

    ids: list[str]
    lengths: np.ndarray
    doc_para0: np.ndarray  # first paragraph of each document
    doc_paras: np.ndarray
    doc_bands: BandTable
    doc_empty: np.ndarray
    para_doc: np.ndarray
    para_start: np.ndarray
    para_end: np.ndarray
    para_kind: np.ndarray
    para_light: np.ndarray  # weighs little enough to be a template block (templates.eligible)
    para_tokens: np.ndarray
    para_key: np.ndarray
    para_off: np.ndarray
    para_hash: np.ndarray
    para_bands: BandTable
    mask_bands: BandTable  # LSH keys for the boilerplate threshold
    sent_para: np.ndarray
    sent_doc: np.ndarray
    sent_start: np.ndarray
    sent_end: np.ndarray
    sent_tokens: np.ndarray
    sent_key: np.ndarray
    sent_long: np.ndarray  # a copy of a shorter sentence is no finding on its own
    sent_bands: BandTable  # LSH keys of the sentence signatures
    para_sent0: np.ndarray  # first sentence of each paragraph (-1: none)
    para_sent1: np.ndarray  # last sentence of each paragraph


def _sentence_runs(sent_para: np.ndarray, n_para: int) -> tuple[np.ndarray, np.ndarray]:
    """The first and last sentence of each paragraph (-1: none)."""
    first = np.full(n_para, -1, dtype=np.int64)
    last = np.full(n_para, -1, dtype=np.int64)
    if sent_para.size:
        # Sentences come in paragraph order, so the first and last of each
        # paragraph are where its run starts and ends.
        idx = np.arange(sent_para.size, dtype=np.int64)
        first[sent_para[::-1]] = idx[::-1]
        last[sent_para] = idx
    return first, last


@dataclass(frozen=True)
class Analyzed:
    """What every cross-document task reads: the corpus's arrays and its
    texts, shared with forked workers (:class:`dedupe.io.workers.ForkedPool`)."""

    corpus: Corpus
    spool: Spool


def pool_jobs(jobs: int, characters: int) -> int:
    """Workers for the cross-document stages: ``jobs``, and for ``jobs=0``
    one per CPU once the corpus is past :data:`IN_PROCESS_CHARS`
    characters, else none (the work would not pay for the fork)."""
    if jobs == 0:
        return (os.cpu_count() or 1) if characters > IN_PROCESS_CHARS else 1
    return jobs


def in_process(jobs: int, documents: int, characters: int) -> bool:
    """Whether a scan of this many documents and characters with ``jobs``
    starts no worker, neither in stage 1 (at most :data:`IN_PROCESS_BATCHES`
    batches with ``jobs=0``; a batch is full at
    ``BATCH_CHARS`` characters or ``BATCH_DOCS`` documents) nor after it
    (:func:`pool_jobs`)."""
    if jobs == 1:
        return True
    batches = characters // BATCH_CHARS + documents // BATCH_DOCS + 1
    return jobs == 0 and batches <= IN_PROCESS_BATCHES and pool_jobs(jobs, characters) == 1


def _anonymous(size: int) -> mmap.mmap:
    """``size`` bytes of memory of this process's own, which the system
    zeroes on first touch: private, so that forked workers that write to
    it copy the page instead of changing it here."""
    if hasattr(mmap, "MAP_PRIVATE"):
        return mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE)
    return mmap.mmap(-1, size)  # Windows: no fork, so no one else sees it


class _Column:
    """One of the corpus's arrays, grown in place as batches arrive.

    Its rows live in a memory map of their own that doubles when full.
    Where the system can move a mapping (``mremap``, Linux) growing it
    neither copies the rows already in place nor touches the new pages:
    each page is touched once, when a row is written to it. Elsewhere a
    larger map is made and the rows copied. Concatenating every batch's
    arrays at the end instead kept all batches until then and wrote the
    corpus into fresh memory: at a million paragraphs that merge took
    2.5 s, all but 0.1 s of it the kernel handing out 1.1 GB of new
    pages; grown with ``ndarray.resize``, which zeroes the rows it adds,
    the columns still touched a quarter more than they kept and took
    0.055 s of the 20 MB corpus's stage 1 (0.029 s now)."""

    def __init__(self, dtype: Any) -> None:
        self._dtype = np.dtype(dtype)
        self._row_bytes = self._dtype.itemsize
        self._map = _anonymous(mmap.PAGESIZE)
        self._size = 0

    def add(self, part: np.ndarray, shift: int = 0) -> None:
        """``part``'s rows after the column's, each value plus ``shift``."""
        end = self._size + len(part)
        if end * self._row_bytes > len(self._map):
            self._grow(max(end * self._row_bytes, 2 * len(self._map)))
        target = self._rows(self._size, end)
        if shift:
            np.add(part, shift, out=target)
        else:
            target[...] = part
        del target  # the map cannot move while a view of it lives
        self._size = end

    def array(self) -> np.ndarray:
        """The column, trimmed to its rows; add nothing after this."""
        if self._size == 0:
            return np.zeros(0, dtype=self._dtype)
        self._grow(self._size * self._row_bytes)
        return self._rows(0, self._size)

    def _rows(self, start: int, end: int) -> np.ndarray:
        return np.frombuffer(self._map, self._dtype, end - start, start * self._row_bytes)

    def _grow(self, size: int) -> None:
        """Make the map ``size`` bytes long (or shorter), keeping the rows."""
        try:
            self._map.resize(size)
        except (AttributeError, OSError, SystemError, ValueError):  # no mremap: copied
            moved = _anonymous(size)
            kept = min(size, self._size * self._row_bytes)
            with memoryview(self._map) as rows:
                moved[:kept] = rows[:kept]
            self._map.close()
            self._map = moved


class _Bands:
    """A band table's columns (:class:`BandTable`), each grown as a
    :class:`_Column`: a batch's keys come as rows, the corpus's are read
    band by band."""

    def __init__(self, dtype: Any, width: int) -> None:
        self._columns = [_Column(dtype) for _ in range(width)]
        self._size = 0

    def add(self, part: np.ndarray, shift: int = 0) -> None:
        for b, column in enumerate(self._columns):
            column.add(part[:, b])
        self._size += len(part)

    def array(self) -> BandTable:
        """The table; add nothing after this."""
        return BandTable(tuple(column.array() for column in self._columns), self._size)


class Merged:
    """Stage 1's batches, added in input order as they arrive, as one
    corpus with global indices (:meth:`corpus`)."""

    def __init__(self, cfg: BatchConfig) -> None:
        # A batch of no documents has every array's type and width (and
        # the first offset), so they are not written down twice.
        empty = _analyze([], cfg)
        # The two-dimensional arrays are the band keys.
        self._columns: dict[str, _Column | _Bands] = {
            name: _Bands(part.dtype, part.shape[1]) if part.ndim == 2 else _Column(part.dtype)
            for name, part in vars(empty).items()}
        self._columns["para_off"].add(empty.para_off)
        self._docs = self._paras = self._hashes = 0

    def add(self, batch: Batch) -> None:
        # Indices into the corpus's documents, paragraphs and shingles
        # are shifted past those of the batches before.
        shifts = {"para_doc": self._docs, "sent_para": self._paras, "para_off": self._hashes}
        for name, column in self._columns.items():
            part = getattr(batch, name)
            column.add(part[1:] if name == "para_off" else part, shifts.get(name, 0))
        self._docs += batch.doc_paras.size
        self._paras += batch.para_doc.size
        self._hashes += batch.para_hash.size

    def corpus(self, ids: list[str], lengths: list[int]) -> Corpus:
        """The corpus of the batches added, whose documents have these ids
        and lengths; add nothing after this."""
        arrays: dict[str, Any] = {name: column.array() for name, column in self._columns.items()}
        self._columns = {}
        doc_para0 = np.zeros(arrays["doc_paras"].size, dtype=np.int64)
        np.cumsum(arrays["doc_paras"][:-1], out=doc_para0[1:])
        para_sent0, para_sent1 = _sentence_runs(arrays["sent_para"], arrays["para_doc"].size)
        return Corpus(ids=ids, lengths=np.array(lengths, dtype=np.int64), doc_para0=doc_para0,
                      sent_doc=arrays["para_doc"][arrays["sent_para"]], para_sent0=para_sent0,
                      para_sent1=para_sent1, **arrays)


def batch_stream(items: Iterable[Document | Skipped | JsonlChunk]) -> Iterator[Loaded | JsonlChunk]:
    """The work of stage 1, in input order: documents read here, gathered
    into batches, and pieces of JSONL for the workers to read."""
    loaded = Loaded()
    chars = 0
    for item in items:
        if isinstance(item, JsonlChunk):
            if loaded:
                yield loaded
                loaded, chars = Loaded(), 0
            yield item
            continue
        loaded.add(item)
        if isinstance(item, Document):
            chars += len(item.text)
            if chars >= BATCH_CHARS or len(loaded.ids) >= BATCH_DOCS:
                yield loaded
                loaded, chars = Loaded(), 0
    if loaded:
        yield loaded


@dataclass
class Analysis:
    """A batch read and analyzed, with what the scan keeps of its
    documents: their texts only in UTF-8, one after the other, for the spool."""

    batch: Batch
    ids: list[str]
    lengths: list[int]
    sizes: list[int]  # bytes of each text in UTF-8
    spooled: np.ndarray  # bytes, as an array: a worker sends it through shared memory
    skipped: list[tuple[int, Skipped]]  # with the number of documents before each

    def encoded(self, rows: Iterable[int]) -> list[memoryview]:
        """The texts of these rows, in UTF-8."""
        ends = list(itertools.accumulate(self.sizes, initial=0))
        return [self.spooled.data[ends[i]:ends[i + 1]] for i in rows]


def _read_and_analyze(work: Loaded | JsonlChunk, cfg: BatchConfig) -> Analysis:
    """Stage 1 for one batch (runs in a worker process with ``jobs > 1``):
    reading it too, when it is a piece of JSONL."""
    loaded = work.load() if isinstance(work, JsonlChunk) else work
    data = [text.encode("utf-8", "surrogatepass") for text in loaded.texts]
    return Analysis(_analyze(loaded.texts, cfg), loaded.ids, [len(text) for text in loaded.texts],
                    [len(d) for d in data], np.frombuffer(b"".join(data), dtype=np.uint8), loaded.skipped)


class Intake:
    """The scan's documents, taken in input order as their batches come
    back from stage 1: ids, lengths and bytes recorded, texts spooled,
    inputs that could not be read (and each document whose id came
    before) skipped, or with ``strict`` an :class:`InputError`."""

    DUPLICATE = "duplicate document id; only the first is scanned"

    def __init__(self, spool: Spool, strict: bool = False, progress: Progress | None = None) -> None:
        self.spool = spool
        self.strict = strict
        self.progress = progress
        self.ids: list[str] = []
        self.lengths: list[int] = []
        self.bytes = 0
        self.skipped: list[Skipped] = []
        self._seen: set[str] = set()

    def take(self, a: Analysis) -> Batch:
        """``a``'s batch, without its documents that are not scanned."""
        if not a.skipped and self._seen.isdisjoint(a.ids):
            before = len(self._seen)
            self._seen.update(a.ids)
            if len(self._seen) - before == len(a.ids):
                self._record(a.ids, a.lengths, a.sizes, a.spooled.data)
                return a.batch
            self._seen.difference_update(a.ids)  # an id twice in the batch; none seen before it
        # Rare: an input skipped, or an id seen before. Walked one by one,
        # in input order, so that the first of them is the one reported.
        kept = self._sift(a)
        self._record([a.ids[i] for i in kept], [a.lengths[i] for i in kept], [a.sizes[i] for i in kept],
                     b"".join(a.encoded(kept)))
        if len(kept) == len(a.ids):
            return a.batch
        keep = np.zeros(len(a.ids), dtype=bool)
        keep[kept] = True
        return _kept(a.batch, keep)

    def _sift(self, a: Analysis) -> list[int]:
        """The rows of ``a`` to scan; the inputs skipped among them, and
        the documents whose id came before, are skipped in input order."""
        kept: list[int] = []
        skipped = iter(a.skipped)
        pending = next(skipped, None)
        for row in range(len(a.ids) + 1):
            while pending is not None and pending[0] == row:
                self._skip(pending[1])
                pending = next(skipped, None)
            if row == len(a.ids):
                break
            if a.ids[row] in self._seen:
                self._skip(Skipped(a.ids[row], self.DUPLICATE))
                continue
            self._seen.add(a.ids[row])
            kept.append(row)
        return kept

    def _skip(self, skipped: Skipped) -> None:
        if self.strict:
            raise InputError(str(skipped))
        self.skipped.append(skipped)

    def _record(self, ids: list[str], lengths: list[int], sizes: list[int], spooled: bytes | memoryview) -> None:
        self.ids.extend(ids)
        self.lengths.extend(lengths)
        self.spool.extend(spooled, sizes)
        self.bytes += len(spooled)
        if self.progress is not None:
            self.progress.update(len(ids), len(spooled))


def run_batches(work: Iterable[Loaded | JsonlChunk], cfg: BatchConfig, jobs: int, intake: Intake) -> Merged:
    """Stage 1 over all batches, each merged in input order as it arrives
    and its documents given to ``intake``. With several jobs at most two
    batches per worker are in flight, so reading never runs far ahead of
    the workers."""
    # Every batch needs the Unicode tables: built here, before any worker
    # is forked, they are shared instead of built again in each worker.
    tables()
    prose_table()
    bp.digit_table()
    merged = Merged(cfg)
    for analysis in ordered_map(_read_and_analyze, work, jobs, cfg, in_process=IN_PROCESS_BATCHES,
                                slot_bytes=SLOT_BYTES):
        merged.add(intake.take(analysis))
    return merged
