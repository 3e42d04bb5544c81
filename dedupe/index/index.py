"""A persistent index of published documents, for comparing one new
article with all of them without rescanning them.

Each document goes through the same stages as everything else: prose
paragraphs (and the sentences inside them) are shingled, MinHash-signed
and cut into LSH bands. The index keeps, per document, the shingle set
and band keys of every unit and of the whole document — never the text.
A query looks its own band keys up, then verifies every candidate
exactly on the stored shingle sets:

- **near-duplicate**: the whole article's Jaccard similarity with an
  indexed document is at or above ``threshold`` (or both have the same
  content hash);
- **copied passage**: at least ``containment`` of a paragraph's shingles
  are found in one indexed paragraph or sentence; or sentences copied
  with light edits, merges, drops and reorderings, judged and merged
  into passages by the rules of :mod:`dedupe.core.reuse` (as the corpus
  scan judges them). A
  passage found in many indexed documents (``BOILERPLATE_DOCS``) is site
  boilerplate, a footer or a licence notice, and is not a copy.

The index records its format version and the options that shape
shingles and signatures (``ngram``, ``num_perm``, ``seed``, the LSH
banding and a fingerprint of the tokenizer). Opening it with other
values is an :class:`~dedupe.errors.IndexFormatError` naming them; the
query-time options (``threshold``, ``containment``, ``min_tokens``) may
change freely.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import xxhash

from dedupe.core import evidence, reuse
from dedupe.core.candidates import band_keys, lsh_params
from dedupe.core.segment import units
from dedupe.core.shingle import ShingleSets, shingle
from dedupe.core.signature import SCHEME, minhash
from dedupe.core.verify import compare
from dedupe.errors import IndexFormatError, InputError
from dedupe.index.lookups import SharedLookups
from dedupe.index.record import DOCUMENT_UNIT, LOOKUP_CAP, UNIT_DTYPE, DocumentRecord, Storage
from dedupe.index.storage import open_storage
from dedupe.io.progress import Progress
from dedupe.io.records import Record, Skipped
from dedupe.io.textio import LineIndex, read_text, text_name
from dedupe.io.walk import source_entries
from dedupe.options import Options, SourceOptions

#: LSH is tuned below the Jaccard threshold so that truncated copies and
#: copies inside longer passages (low Jaccard, high containment) still
#: become candidates; exact verification decides.
LSH_THRESHOLD = 0.5
#: ``lsh_params(LSH_THRESHOLD, 128)``, known in advance for the default
#: signature size because choosing it takes half a second.
_DEFAULT_BANDING = {128: (25, 5)}
#: Text whose shingles fingerprint the tokenizer: an index built by a
#: version of dedupe that tokenizes differently cannot be queried.
_PROBE = "Index probe: naïve café, ＦＵＬＬ width, 日本語のテキスト、中文文本。Ünïcödé 123 — end."
#: Documents written per transaction by :meth:`Index.add_many`. A batch's
#: postings go in sorted by key (:meth:`SQLiteStorage.put_many`), so larger
#: batches write the table in fewer, more local passes: 5,000 generated
#: pages took 12.5 s in batches of 100 and 8.1 s in batches of 500, for
#: about 70 MB more at the peak.
BATCH_SIZE = 500
#: ... and at most this many characters, so that a batch of long pages
#: holds no more than one of short ones.
BATCH_CHARS = 2_000_000
#: Indexed units verified per query unit (those sharing the most LSH bands
#: first), and indexed documents per query: a block found in thousands of
#: indexed articles costs a bounded number of reads.
MAX_CANDIDATES = 32
MAX_DOCUMENTS = 64
#: A passage found in at least this many indexed documents is boilerplate
#: (a footer, a licence notice), not a copy, and is not reported.
BOILERPLATE_DOCS = 5

_SHINGLE_OPTIONS = ("ngram", "num_perm", "seed")


@dataclass(frozen=True)
class IndexedSpan(Record):
    """A span of an indexed document: its id, character offsets and
    1-based first and last lines."""

    id: str
    start: int
    end: int
    line: int
    end_line: int


@dataclass(frozen=True)
class IndexMatch(Record):
    """Where a queried text repeats an indexed document.

    kind:
        ``near-duplicate`` (the whole text; ``similarity`` is the Jaccard
        similarity of the two documents) or ``copied-passage`` (a
        paragraph or a run of sentences; ``similarity`` is the share of
        the passage's shingles found in ``duplicate_of``).
    start, end, line, end_line:
        The span of the queried text (character offsets, 1-based lines).
    """

    kind: str
    start: int
    end: int
    line: int
    end_line: int
    similarity: float
    duplicate_of: IndexedSpan

def content_hash(text: str) -> str:
    return xxhash.xxh3_64_hexdigest(text.encode("utf-8", "surrogatepass"))


def tokenizer_fingerprint(ngram: int) -> str:
    sets = shingle([_PROBE], ngram)
    return xxhash.xxh3_64_hexdigest(sets.hashes.astype("<u8").tobytes())


class Index:
    """A persistent index: a SQLite file (the default) or a Redis URL.

    >>> with dedupe.Index("published.db") as index:
    ...     index.add("posts/a.md", text_a)
    ...     matches = index.query(new_text)

    ``options`` fixes the shingling options of a new index; for an
    existing one they must agree with those it was built with (leave it
    ``None`` to take the index's own). With ``create=False`` a missing
    index is an :class:`~dedupe.errors.InputError` instead of a new,
    empty one; ``read_only=True`` (which implies it) opens a SQLite index
    so that the file is never changed, for queries.
    """

    def __init__(self, path_or_url: str | os.PathLike, options: Options | None = None, *, create: bool = True,
                 read_only: bool = False) -> None:
        create = create and not read_only
        self._storage = open_storage(path_or_url, create=create, read_only=read_only)
        self._shared: SharedLookups | None = None
        self._in_snapshot = False
        try:
            meta = self._storage.read_meta()
            if not meta:
                if not create:
                    raise InputError(f"{self._storage.location}: empty or unfinished index")
                if self._storage.count():
                    # New metadata would claim shingling these documents may not have.
                    raise IndexFormatError(f"{self._storage.location}: index metadata is missing but documents "
                                           "are there; rebuild the index")
                meta = self._storage.init_meta(_meta_for(options if options is not None else Options(),
                                                          self._storage.format_version))
            self._options, self._banding = _adopt(self._storage, meta, options)
        except BaseException:
            self._storage.close()
            raise

    # -- the container protocol ---------------------------------------

    @property
    def options(self) -> Options:
        """The options the index was built with (query-time ones at their
        defaults unless given when opening)."""
        return self._options

    @property
    def location(self) -> str:
        return self._storage.location

    def __len__(self) -> int:
        return self._storage.count()

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and self._storage.contains(doc_id)

    def ids(self) -> list[str]:
        """Every document id, sorted."""
        return self._storage.ids()

    def close(self) -> None:
        self._storage.close()

    def __enter__(self) -> "Index":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def info(self) -> dict:
        bands, rows = self._banding
        return {
            "location": self.location,
            "backend": type(self._storage).__name__.replace("Storage", "").lower(),
            "format_version": self._storage.format_version,
            "documents": len(self),
            "options": {k: getattr(self._options, k) for k in _SHINGLE_OPTIONS},
            "lsh": {"threshold": LSH_THRESHOLD, "bands": bands, "rows": rows},
        }

    @contextmanager
    def snapshot(self) -> Iterator["Index"]:
        """Queries inside see the index as it was when the snapshot began,
        and read the postings of a band key that many documents hold once
        for them all (:mod:`dedupe.index.lookups`): for checking many
        files. A SQLite index holds one read transaction (other processes
        may still write); Redis has no snapshot, and its queries run as
        outside one. Nothing may be written inside."""
        if self._in_snapshot:
            raise InputError(f"{self.location}: a snapshot is already open")
        with self._storage.snapshot() as shared:
            self._in_snapshot = True
            self._shared = SharedLookups(self._storage) if shared else None
            try:
                yield self
            finally:
                self._in_snapshot, self._shared = False, None

    # -- writing ------------------------------------------------------

    def add(self, doc_id: str, text: str) -> None:
        """Index ``text`` under ``doc_id``, replacing any document with that id
        (one with the same text is left as it is)."""
        self.add_many([(doc_id, text)])

    def add_many(self, documents: Iterable[tuple[str, str]], batch_size: int = BATCH_SIZE, jobs: int = 1) -> int:
        """Index ``(id, text)`` pairs; returns how many were written. A
        text equal to the one stored under its id is not written again:
        its entry stays as it is, and where it is among the oldest.

        With SQLite each batch of ``batch_size`` documents (fewer when
        they hold :data:`BATCH_CHARS` characters) is one transaction: if
        the process dies, or the iterable raises, the current batch is not
        written and earlier ones are. With ``jobs`` other than 1 (0: one
        per CPU) and more than one batch, worker processes analyze the
        batches while this process writes them, in order; what is written
        does not depend on it.
        """
        if batch_size < 1:
            raise InputError(f"batch_size must be positive, got {batch_size!r}")
        self._writable()
        given: dict[str, str] = {}
        batches = (changed for b in _batches(documents, batch_size) if (changed := self._changed(b, given)))
        if jobs == 1:
            analyzed: Iterable[list[DocumentRecord]] = (_analyze(b, self._options, self._banding) for b in batches)
        else:
            from dedupe.io.workers import ordered_map  # noqa: PLC0415  (only with workers)

            analyzed = ordered_map(_analyze, batches, jobs, self._options, self._banding, in_process=1)
        return sum(self._storage.put_many(records) for records in analyzed)

    def remove(self, doc_id: str) -> bool:
        """Remove ``doc_id``; False when it was not in the index."""
        self._writable()
        return self._storage.remove(doc_id)

    def _changed(self, batch: list[tuple[str, str]], given: dict[str, str]) -> list[tuple[str, str]]:
        """The documents of ``batch`` whose text differs from the one under
        their id: given earlier in this call (``given``, id -> hash, which
        this updates; batches may be read ahead of the writes), or else
        stored. Re-indexing a site whose pages did not change took 2.6
        times as long as indexing it anew, each entry written again."""
        digests = [content_hash(text) for _, text in batch]
        stored = self._storage.hashes(doc_id for doc_id, _ in batch if doc_id not in given)
        maybe = {d for (d, _), h in zip(batch, digests) if d not in given and stored.get(d) == h}
        try:
            # An unchanged entry is kept only if it can be read: adding a
            # damaged one again must mend it (or say it cannot, in Redis).
            readable = set(self._storage.get_many(maybe))
        except IndexFormatError:
            readable = set()
        out = []
        for (doc_id, text), digest in zip(batch, digests):
            current = given[doc_id] if doc_id in given else stored.get(doc_id) if doc_id in readable else None
            given[doc_id] = digest
            if current != digest:
                out.append((doc_id, text))
        return out

    def _writable(self) -> None:
        if self._in_snapshot:
            raise InputError(f"{self.location}: cannot write to the index inside a snapshot")

    # -- reading ------------------------------------------------------

    def query(
        self,
        text: str,
        *,
        exclude: str | None = None,
        options: Options | None = None,
        boilerplate_docs: int = BOILERPLATE_DOCS,
    ) -> list[IndexMatch]:
        """Indexed documents that ``text`` near-duplicates, and passages of
        ``text`` copied from indexed documents, in text order
        (near-duplicates first).

        ``exclude`` names a document id never to report (the text's own
        entry, when an already published article is checked again).
        ``options`` may change the query-time thresholds; its shingling
        options must be the index's. A passage found in
        ``boilerplate_docs`` or more indexed documents is boilerplate and
        not reported (0: report it anyway). ``options.sentences`` off
        reports whole copied paragraphs only; ``keep`` does not apply, since
        the indexed article is always the one kept.
        """
        if not isinstance(text, str):
            raise InputError(f"query text must be a string, got {type(text).__name__}")
        opts = self._query_options(options)
        q = _analyze([("", text)], opts, self._banding)[0]
        lines = LineIndex(text)
        eligible = np.flatnonzero(q.units["tokens"] >= opts.min_tokens)
        doc_cands, unit_cands = self._candidates(q, eligible, exclude)
        # An identical text is a near-duplicate even without prose to
        # shingle (only code, say); an empty one is a copy of nothing.
        same = [d for d in self._storage.ids_with_hash(q.content_hash) if d != exclude] if text.strip() else []
        wanted = doc_cands | set(same) | {d for c in unit_cands.values() for d, _ in c}
        records = self._storage.get_many(wanted)

        out: list[IndexMatch] = []
        whole = (0, len(text), 1, len(lines))
        for d, sim in _near_duplicates(q, doc_cands, same, records, opts.threshold):
            rec = records[d]
            out.append(IndexMatch("near-duplicate", *whole, sim, IndexedSpan(d, 0, rec.length, 1, rec.lines)))
        passages = _passages(q, eligible, unit_cands, records, opts, boilerplate_docs, text)
        for start, end, sim, span in passages:
            out.append(IndexMatch("copied-passage", start, end, lines.line(start), lines.line(max(start, end - 1)), sim, span))
        return out

    def _candidates(self, q: DocumentRecord, eligible: np.ndarray,
                    exclude: str | None) -> tuple[set[str], dict[int, list[tuple[str, int]]]]:
        """The indexed documents sharing LSH bands with the whole of ``q``,
        and for each of its ``eligible`` units the indexed units sharing
        bands with it: the likeliest first (most shared bands, then by
        id), at most :data:`MAX_DOCUMENTS` and :data:`MAX_CANDIDATES`."""
        unit_keys = q.unit_bands[eligible].ravel().astype(np.uint64)
        key_unit = np.repeat(eligible, q.unit_bands.shape[1])
        doc_keys = np.unique(q.bands.astype(np.uint64))
        keys = set(doc_keys.tolist()) | set(unit_keys.tolist())
        found = self._shared.lookup(keys) if self._shared is not None else self._storage.lookup(keys, LOOKUP_CAP)
        # Ties go to the smaller id: each document's rank among the ids of
        # those found (in a snapshot, found.ids holds every document seen).
        present = np.unique(found.docs)
        rank = np.zeros(len(found.ids), dtype=np.int64)
        rank[present[np.argsort(np.array([found.ids[d] for d in present.tolist()], dtype=object))]] = \
            np.arange(present.size)
        mine = found.docs == (found.ids.index(exclude) if exclude in found.ids else -1)
        whole = ~mine & (found.units == DOCUMENT_UNIT) & np.isin(found.keys, doc_keys)
        hits = np.bincount(found.docs[whole], minlength=len(found.ids))
        docs = np.flatnonzero(hits)
        docs = docs[np.lexsort((rank[docs], -hits[docs]))][:MAX_DOCUMENTS]
        part = ~mine & (found.units != DOCUMENT_UNIT)
        return {found.ids[d] for d in docs.tolist()}, _unit_candidates(
            found.keys[part], found.docs[part], found.units[part], unit_keys, key_unit, rank, found.ids)

    def with_shingling(self, asked: Options) -> Options:
        """``asked`` with this index's shingling (``ngram``, ``num_perm``,
        ``seed``): queries must shingle text as the index did, while the
        thresholds are the caller's."""
        return Options.build(asked, **{k: getattr(self._options, k) for k in _SHINGLE_OPTIONS})

    def _query_options(self, options: Options | None) -> Options:
        if options is None:
            return self._options
        wrong = [k for k in _SHINGLE_OPTIONS if getattr(options, k) != getattr(self._options, k)]
        if wrong:
            raise IndexFormatError(_mismatch(self.location, self._options, options, wrong))
        return options


def _mismatch(location: str, built: Options, asked: Options, keys: list[str]) -> str:
    have = ", ".join(f"{k}={getattr(built, k)}" for k in keys)
    want = ", ".join(f"{k}={getattr(asked, k)}" for k in keys)
    return f"{location}: index was built with {have}, not {want} (use the same options or rebuild the index)"


def _meta_for(options: Options, format_version: int) -> dict[str, str]:
    bands, rows = _banding_for(options.num_perm)
    return {
        "format_version": str(format_version),
        "ngram": str(options.ngram),
        "num_perm": str(options.num_perm),
        "seed": str(options.seed),
        "scheme": SCHEME,
        "lsh_threshold": repr(LSH_THRESHOLD),
        "bands": str(bands),
        "rows": str(rows),
        "tokenizer": tokenizer_fingerprint(options.ngram),
    }


def _banding_for(num_perm: int) -> tuple[int, int]:
    return _DEFAULT_BANDING.get(num_perm) or lsh_params(LSH_THRESHOLD, num_perm)


def _adopt(storage: Storage, meta: dict[str, str], options: Options | None) -> tuple[Options, tuple[int, int]]:
    """The index's options and banding, after checking that this version
    of dedupe can read the store's layout and that ``options`` agree with
    it."""
    location, version = storage.location, meta.get("format_version")
    if version != str(storage.format_version):
        raise IndexFormatError(f"{location}: index format version {version}, this dedupe reads version "
                               f"{storage.format_version}; rebuild the index")
    try:
        built = Options.build(None, **{k: int(meta[k]) for k in _SHINGLE_OPTIONS})
        banding = (int(meta["bands"]), int(meta["rows"]))
        scheme, fingerprint = meta["scheme"], meta["tokenizer"]
        if min(banding) < 1 or banding[0] * banding[1] > built.num_perm:
            raise ValueError(f"{banding[0]} bands of {banding[1]} rows do not fit num_perm={built.num_perm}")
    except (KeyError, ValueError) as exc:
        reason = f"no {exc}" if isinstance(exc, KeyError) else str(exc)
        raise IndexFormatError(f"{location}: index metadata is damaged ({reason}); rebuild the index") from None
    if scheme != SCHEME:
        raise IndexFormatError(f"{location}: index uses MinHash scheme {scheme!r}, not {SCHEME!r}; rebuild the index")
    if fingerprint != tokenizer_fingerprint(built.ngram):
        raise IndexFormatError(
            f"{location}: index was built by a version of dedupe that tokenizes text differently; rebuild the index"
        )
    if options is None:
        return built, banding
    wrong = [k for k in _SHINGLE_OPTIONS if getattr(options, k) != getattr(built, k)]
    if wrong:
        raise IndexFormatError(_mismatch(location, built, options, wrong))
    return options, banding


def _check_document(doc_id: object, text: object) -> None:
    if not isinstance(doc_id, str) or not doc_id:
        raise InputError(f"a document id must be a non-empty string, got {doc_id!r}")
    if not isinstance(text, str):
        raise InputError(f"{doc_id}: text must be a string, got {type(text).__name__}")


def _batches(documents: Iterable[tuple[str, str]], batch_size: int) -> Iterator[list[tuple[str, str]]]:
    """``documents`` checked and cut into batches of ``batch_size``, or
    fewer holding :data:`BATCH_CHARS` characters."""
    batch: list[tuple[str, str]] = []
    chars = 0
    for doc_id, text in documents:
        _check_document(doc_id, text)
        batch.append((doc_id, text))
        chars += len(text)
        if len(batch) >= batch_size or chars >= BATCH_CHARS:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def _units(text: str) -> list[tuple[int, int, int, int]]:
    """``(start, end, paragraph, is_sentence)`` of :func:`dedupe.core.segment.units`."""
    return [(u.start, u.end, u.block, int(u.is_sentence)) for u in units(text)]


def _analyze(docs: list[tuple[str, str]], options: Options, banding: tuple[int, int]) -> list[DocumentRecord]:
    """Everything the index keeps of each ``(id, text)``, built on the
    shared stages: one shingling call and one MinHash call for the whole
    batch (every unit of every document, plus each document's set)."""
    bands = banding[0]
    spans = [_units(text) for _, text in docs]
    sets = shingle([text[s:e] for (_, text), sp in zip(docs, spans) for s, e, _, _ in sp], options.ngram)
    uniques: list[list[np.ndarray]] = []
    doc_sets: list[np.ndarray] = []
    flat_index = 0
    for sp in spans:
        mine = [sets.unique(flat_index + i) for i in range(len(sp))]
        flat_index += len(sp)
        uniques.append(mine)
        paras = [u for u, (_, _, _, is_sentence) in zip(mine, sp) if not is_sentence and u.size]
        doc_sets.append(np.unique(np.concatenate(paras)) if paras else np.zeros(0, np.uint64))
    # Signatures of all units, then of all documents, in one pass.
    keys = _band_keys([u for mine in uniques for u in mine] + doc_sets, options, banding)
    n_units = flat_index
    out = []
    flat_index = 0
    for d, ((doc_id, text), sp, mine) in enumerate(zip(docs, spans, uniques)):
        lines = LineIndex(text)
        keep = [i for i in range(len(sp)) if sets.tokens[flat_index + i] > 0]
        units = _unit_table(sp, keep, lines, sets, flat_index)
        unit_offsets = np.zeros(len(keep) + 1, dtype=np.int64)
        np.cumsum([mine[i].size for i in keep], out=unit_offsets[1:])
        doc_set = doc_sets[d]
        out.append(
            DocumentRecord(
                id=doc_id,
                content_hash=content_hash(text),
                length=len(text),
                lines=len(lines),
                units=units,
                unit_offsets=unit_offsets,
                unit_shingles=np.concatenate([mine[i] for i in keep]) if keep else np.zeros(0, np.uint64),
                unit_bands=keys[[flat_index + i for i in keep]].reshape(len(keep), bands),
                shingles=doc_set,
                bands=keys[n_units + d] if doc_set.size else np.zeros(0, dtype=np.uint64),
            )
        )
        flat_index += len(sp)
    return out


def _band_keys(sets: list[np.ndarray], options: Options, banding: tuple[int, int]) -> np.ndarray:
    """The LSH band keys of each of ``sets`` (sorted unique shingles)."""
    sizes = np.array([u.size for u in sets], dtype=np.int64)
    offsets = np.zeros(sizes.size + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    hashes = np.concatenate(sets) if sets else np.zeros(0, np.uint64)
    batch = ShingleSets(hashes, offsets, sizes, np.zeros(sizes.size, np.uint64))
    return band_keys(minhash(batch, options.num_perm, options.seed), *banding)


def _unit_table(spans: list[tuple[int, int, int, int]], keep: list[int], lines: LineIndex, sets: ShingleSets,
                first: int) -> np.ndarray:
    """The rows of :data:`UNIT_DTYPE` of one document's units ``keep``
    (positions in its ``spans``; theirs in ``sets`` start at ``first``)."""
    units = np.zeros(len(keep), dtype=UNIT_DTYPE)
    for row, i in enumerate(keep):
        s, e, para, is_sentence = spans[i]
        g = first + i
        units[row] = (s, e, lines.line(s), lines.line(max(s, e - 1)), para, is_sentence, int(sets.tokens[g]), int(sets.keys[g]))
    return units


def _unit_candidates(keys: np.ndarray, docs: np.ndarray, units: np.ndarray, unit_keys: np.ndarray,
                     key_unit: np.ndarray, rank: np.ndarray, ids: tuple[str, ...]) -> dict[int, list[tuple[str, int]]]:
    """For each query unit (``key_unit[i]`` has band key ``unit_keys[i]``),
    the indexed ``(id, unit)`` pairs sharing the most of its band keys,
    then by id and unit, at most :data:`MAX_CANDIDATES`: each posting
    counts once for every query unit with its key."""
    order = np.argsort(unit_keys, kind="stable")
    sorted_keys, sorted_units = unit_keys[order], key_unit[order]
    lo = np.searchsorted(sorted_keys, keys, "left")
    n = np.searchsorted(sorted_keys, keys, "right") - lo
    posting = np.repeat(np.arange(keys.size), n)
    at = np.repeat(lo - (np.cumsum(n) - n), n) + np.arange(posting.size)
    query_unit, doc, unit = sorted_units[at], docs[posting], units[posting]
    # One number per (query unit, document, unit): counted, then ranked.
    dims = (int(key_unit.max(initial=0)) + 1, len(ids), int(unit.max(initial=0)) + 1)
    codes, counts = np.unique(np.ravel_multi_index((query_unit, doc, unit), dims), return_counts=True)
    query_unit, doc, unit = np.unravel_index(codes, dims)
    ranked = np.lexsort((unit, rank[doc], -counts, query_unit))
    query_unit, doc, unit = query_unit[ranked], doc[ranked], unit[ranked]
    if not query_unit.size:
        return {}
    starts = np.flatnonzero(np.r_[True, query_unit[1:] != query_unit[:-1]])
    ends = np.r_[starts[1:], query_unit.size]
    return {int(query_unit[a]): [(ids[d], u) for d, u in zip(doc[a:min(b, a + MAX_CANDIDATES)].tolist(),
                                                           unit[a:min(b, a + MAX_CANDIDATES)].tolist())]
            for a, b in zip(starts.tolist(), ends.tolist())}


def _near_duplicates(q: DocumentRecord, cands: set[str], same: list[str], records: dict[str, DocumentRecord],
                     threshold: float) -> list[tuple[str, float]]:
    """The indexed documents ``q`` near-duplicates, most similar first:
    those with its content hash (``same``), and the candidates whose
    exact Jaccard similarity with it is at least ``threshold``."""
    near: dict[str, float] = {d: 1.0 for d in same if d in records}
    if q.shingles.size:
        for d in sorted(cands - set(near)):
            rec = records.get(d)
            if rec is None or rec.shingles.size == 0:
                continue
            jac = compare(q.shingles, rec.shingles).jaccard
            if jac >= threshold:
                near[d] = jac
    return sorted(near.items(), key=lambda kv: (-kv[1], kv[0]))


def _best(
    q: DocumentRecord,
    u: int,
    cands: list[tuple[str, int]],
    records: dict[str, DocumentRecord],
    opts: Options,
    boilerplate_docs: int,
) -> tuple[float, IndexedSpan] | None:
    """The indexed unit that holds the largest share of query unit ``u``
    (ties: higher Jaccard, then the smaller unit, then id and position);
    none when the unit is boilerplate, found in many indexed documents."""
    mine = q.unit_set(u)
    best_key = None
    best = None
    found_in: set[str] = set()
    for doc, unit in cands:
        rec = records.get(doc)
        if rec is None or unit >= rec.units.size:
            continue  # changed since its postings were read
        theirs = rec.unit_set(unit)
        sim = compare(mine, theirs)
        contain, jac = sim.containment, sim.jaccard
        if contain < opts.containment:
            continue
        found_in.add(doc)
        key = (-contain, -jac, theirs.size, doc, unit)
        if best_key is None or key < best_key:
            r = rec.units[unit]
            best_key = key
            best = (contain, IndexedSpan(doc, int(r["start"]), int(r["end"]), int(r["line"]), int(r["end_line"])))
    if boilerplate_docs and len(found_in) >= boilerplate_docs:
        return None
    return best


def _passages(
    q: DocumentRecord,
    eligible: np.ndarray,
    cands: dict[int, list[tuple[str, int]]],
    records: dict[str, DocumentRecord],
    opts: Options,
    boilerplate_docs: int,
    text: str = "",
) -> list[tuple[int, int, float, IndexedSpan]]:
    """Copied paragraphs, and runs of sentences copied with light edits,
    merges, drops and reorderings (:mod:`dedupe.core.reuse`), which may
    run over paragraph edges."""
    ok = set(eligible.tolist())
    para_unit: dict[int, int] = {}
    sents_of: dict[int, list[int]] = {}
    for u in range(q.units.size):
        p = int(q.units[u]["paragraph"])
        if q.units[u]["is_sentence"]:
            sents_of.setdefault(p, []).append(u)
        else:
            para_unit[p] = u
    out: list[tuple[int, int, float, IndexedSpan]] = []
    found: list[_Found] = []
    ordinals: dict[str, np.ndarray] = {}
    position = 0
    for p in sorted(para_unit):
        u = para_unit[p]
        m = _best(q, u, cands.get(u, []), records, opts, boilerplate_docs) if u in ok else None
        sents = sents_of.get(p, [u])
        if m is not None:
            out.append((int(q.units[u]["start"]), int(q.units[u]["end"]), m[0], m[1]))
        elif opts.sentences:
            for k, s in enumerate(sents):
                if s in ok:
                    found.extend(_sentence_parts(q, s, position + k, cands.get(s, []), records, opts,
                                                 boilerplate_docs, text, ordinals))
        position += len(sents)
    out.extend(_runs(q, found, records, opts))
    return sorted(out, key=lambda x: (x[0], x[1]))


@dataclass(frozen=True)
class _Found:
    """A matched query sentence: the part the runs are made of, the query
    unit, the indexed unit and the similarity."""

    part: reuse.Part
    unit: int
    source_unit: int
    similarity: float


def _ordinals(rec: DocumentRecord) -> np.ndarray:
    """Each unit's sentence number in its document (a paragraph with
    sentences: its first one's), so that source sentences compare by
    distance."""
    out = np.zeros(rec.units.size, dtype=np.int64)
    n = 0
    for i in range(rec.units.size):
        out[i] = n
        has_sentences = i + 1 < rec.units.size and bool(rec.units[i + 1]["is_sentence"])
        if rec.units[i]["is_sentence"] or not has_sentences:
            n += 1
    return out


def _sentence_parts(q: DocumentRecord, s: int, position: int, cands: list[tuple[str, int]],
                    records: dict[str, DocumentRecord], opts: Options, boilerplate_docs: int,
                    text: str, ordinals: dict[str, np.ndarray]) -> list[_Found]:
    """The best match of query sentence ``s`` (sentence number
    ``position``) in each indexed document; none when it is found in
    ``boilerplate_docs`` documents or more. The index keeps no text, so
    the source sentence's weight is the query's scaled by their sizes."""
    mine = q.unit_set(s)
    r = q.units[s]
    piece = text[int(r["start"]) : int(r["end"])]
    weight = evidence.weighted_tokens(piece)
    long = evidence.is_long(piece, opts.evidence_tokens)
    best: dict[str, _Found] = {}
    for doc, unit in cands:
        rec = records.get(doc)
        if rec is None or unit >= rec.units.size:
            continue
        sim = compare(mine, rec.unit_set(unit))
        strength, value = reuse.strength(sim.intersection, sim.size_a, sim.size_b, opts.threshold, opts.containment)
        if strength == reuse.NONE:
            continue
        if doc not in ordinals:
            ordinals[doc] = _ordinals(rec)
        w = weight * min(1.0, sim.size_b / sim.size_a)
        exact = int(rec.units[unit]["key"]) == int(r["key"])
        part = reuse.Part(position, doc, int(ordinals[doc][unit]), strength, long and w >= opts.evidence_tokens,
                          w, exact)
        old = best.get(doc)
        if old is None or (strength, value, -unit) > (old.part.strength, old.similarity, -old.source_unit):
            best[doc] = _Found(part, s, unit, value)
    if boilerplate_docs and len(best) >= boilerplate_docs:
        return []
    return [best[d] for d in sorted(best)]


def _runs(q: DocumentRecord, found: list[_Found], records: dict[str, DocumentRecord],
          opts: Options) -> Iterator[tuple[int, int, float, IndexedSpan]]:
    """One passage per run of matched sentences that the evidence supports;
    its similarity is the lowest of theirs."""
    parts = [f.part for f in found]
    for run in reuse.group_runs(parts):
        if not reuse.supported([parts[i] for i in run], opts.evidence_tokens):
            continue
        mine = [found[i] for i in run]
        rec = records[str(mine[0].part.source)]
        rows = [rec.units[f.source_unit] for f in mine]
        lo = min(rows, key=lambda r: int(r["start"]))
        hi = max(rows, key=lambda r: int(r["end"]))
        span = IndexedSpan(rec.id, int(lo["start"]), int(hi["end"]), int(lo["line"]), int(hi["end_line"]))
        start = min(int(q.units[f.unit]["start"]) for f in mine)
        end = max(int(q.units[f.unit]["end"]) for f in mine)
        yield start, end, min(f.similarity for f in mine), span


@dataclass(frozen=True)
class AddResult:
    """What :func:`add_paths` did: ids added, files skipped with why, and
    how many of the added were unchanged (not written again)."""

    added: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]
    unchanged: int = 0

    def to_dict(self) -> dict:
        return {
            "added": list(self.added),
            "unchanged": self.unchanged,
            "skipped": [{"path": p, "error": e} for p, e in self.skipped],
        }


def _files_to_add(paths: Iterable[str], o: SourceOptions, skipped: list[tuple[str, str]]) -> list[str]:
    """The files under ``paths``; what cannot be listed or looked at goes
    to ``skipped`` (or raises, with ``o.strict``)."""
    files: list[str] = []
    for raw in paths:
        try:
            for item in source_entries([raw], o):
                if isinstance(item, Skipped):
                    if o.strict:
                        raise InputError(str(item))
                    skipped.append((item.where, str(item)))
                else:
                    files.append(item.as_posix())
        except InputError as exc:
            if o.strict:
                raise
            skipped.append((raw, str(exc)))
    return files


def add_paths(index: Index, paths: Iterable[str], sources: SourceOptions | None = None,
              progress: Progress | None = None, jobs: int = 1) -> AddResult:
    """Index every file under ``paths`` with its path (POSIX form, as
    ``dedupe check`` names it) as its id; ``progress`` counts the files
    as they are read (a batch is written after its last file is read),
    and ``jobs`` is :meth:`Index.add_many`'s.

    A missing, unreadable, binary or undecodable file, and a folder that
    cannot be listed, is skipped and listed in the result; with
    ``sources.strict`` the first one raises
    :class:`~dedupe.errors.InputError` before anything is written.
    """
    o = sources or SourceOptions()
    strict = o.strict
    skipped: list[tuple[str, str]] = []
    files = _files_to_add(paths, o, skipped)

    if strict:
        # Every file must be readable before the first one is written.
        for path in files:
            read_text(path, o.encoding, o.errors, o.max_line_length, allow_empty=True)
    added: list[str] = []

    def documents() -> Iterator[tuple[str, str]]:
        for path in files:
            try:
                text = read_text(path, o.encoding, o.errors, o.max_line_length, allow_empty=True)
            except InputError as exc:
                skipped.append((path, str(exc)))
                continue
            added.append(text_name(path))
            if progress is not None:
                progress.update(1, len(text))
            yield text_name(path), text

    written = index.add_many(documents(), jobs=jobs)
    return AddResult(tuple(added), tuple(skipped), len(added) - written)
