"""What every cross-document stage uses: canonical order (ranks), LSH
candidate pairs from band keys, exact verification of them, and
near-duplicate groups under the leader rule (no chaining)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from dedupe.core.candidates import BandTable, key_room, split_keys, table_keys
from dedupe.core.groups import leader_groups
from dedupe.core.shingle import ShingleSets, sorted_unique
from dedupe.core.verify import set_intersections
from dedupe.options import ScanOptions


@dataclass(frozen=True)
class Grouped:
    items: np.ndarray  # global indices, in canonical order
    canonical: np.ndarray  # for each item, the global index of its canonical
    similarity: np.ndarray


def pair_jaccard(off: np.ndarray, hashes: np.ndarray, units: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Exact Jaccard of the shingle sets of ``units[a]`` and ``units[b]``
    for every pair ``(a, b)``; 0.0 when either set is empty. Each unit's
    shingles are a sorted set (as stage 1 leaves them)."""
    if pairs.size == 0:
        return np.zeros(0)
    sets = ShingleSets(hashes, off, np.zeros(0, np.int64), np.zeros(0, np.uint64))
    both = units[pairs]
    inter = set_intersections(sets, both)
    size_a, size_b = off[both[:, 0] + 1] - off[both[:, 0]], off[both[:, 1] + 1] - off[both[:, 1]]
    union = size_a + size_b - inter
    out = np.zeros(len(pairs))
    ok = (size_a > 0) & (size_b > 0)
    out[ok] = inter[ok] / union[ok]
    return out


#: Band keys bucketed in one sort: enough to make the per-call cost
#: vanish, few enough that the sort's copies stay small next to the keys.
BAND_CHUNK = 500_000


def band_pairs(bands: BandTable, rows: np.ndarray) -> np.ndarray:
    """Candidate pairs ``(i, j)``, ``i < j``, of positions in ``rows`` whose
    band keys agree in some band."""
    return split_keys(band_keys(bands, rows, band_ranges(bands, rows.size)), rows.size)


def band_ranges(bands: BandTable, n_rows: int) -> list[tuple[int, int]]:
    """The bands bucketed in one sort each, as ``[b0, b1)`` ranges: several
    bands per sort, each key tagged with its band number above its 32
    bits; not all of them at once, which would need several times the
    memory of the keys."""
    per = max(1, BAND_CHUNK // max(n_rows, 1)) if bands.dtype.kind == "u" and bands.dtype.itemsize <= 4 else 1
    return [(b0, min(b0 + per, bands.width)) for b0 in range(0, bands.width, per)]


def band_keys(bands: BandTable, rows: np.ndarray, ranges: list[tuple[int, int]],
              members: np.ndarray | None = None) -> np.ndarray:
    """The pairs of :func:`band_pairs` found in the bands of ``ranges``
    (:func:`band_ranges`), each as one key ``i * len(rows) + j``, sorted
    and unique; ``rows[k]`` is member ``members[k]`` (:func:`table_keys`).
    Each range's pairs are keyed as soon as they are found, and the keys
    sorted in place: a corpus of a million paragraphs has tens of millions
    of candidate sentence pairs before de-duplication."""
    room = key_room(rows.size, max((b1 - b0 for b0, b1 in ranges), default=0))
    return merged_keys([table_keys(bands, rows, b0, b1, members=members, room=room) for b0, b1 in ranges])


def merged_keys(found: list[np.ndarray]) -> np.ndarray:
    """The sorted unique keys of all of ``found`` (which is emptied)."""
    if len(found) == 1:
        return sorted_unique(found.pop(), overwrite=True)
    key = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
    found.clear()
    return sorted_unique(key, overwrite=True)


def near_groups(
    items: np.ndarray, rank: np.ndarray, keys: np.ndarray, bands: BandTable,
    off: np.ndarray, hashes: np.ndarray, threshold: float,
) -> Grouped:
    """Groups of near-duplicate items: exact copies (equal keys) first,
    then LSH candidates among one representative of each exact group,
    verified against the group canonical."""
    items = by_rank(items, rank)
    n = items.size
    if n == 0:
        return Grouped(items, items.copy(), np.ones(0))
    k = keys[items]
    # Equal keys together in any order (a stable sort, which would keep
    # them in canonical order, took 0.06-0.08 s for a million keys, this
    # one 0.016 s): each key's most canonical position is its smallest.
    by_key = np.argsort(k)
    kk = k[by_key]
    first = np.ones(n, dtype=bool)
    first[1:] = kk[1:] != kk[:-1]
    run = np.cumsum(first) - 1
    rep_pos = np.minimum.reduceat(by_key, np.flatnonzero(first))  # the most canonical position of each key
    rep_of = np.empty(n, dtype=np.int64)
    rep_of[by_key] = rep_pos[run]
    reps = np.sort(rep_pos)
    r_index = np.full(n, -1, dtype=np.int64)
    r_index[reps] = np.arange(reps.size)
    pairs = band_pairs(bands, items[reps])
    # Every candidate pair verified exactly in a few numpy calls.
    g = leader_groups(reps.size, pairs, pair_jaccard(off, hashes, items[reps], pairs), threshold)
    rep_canon = reps[g.canonical]  # position of each representative's canonical
    my_rep = r_index[rep_of]
    # Exact copies of a canonical are similar at 1.0 (already so), exact
    # copies of a member share the member's similarity.
    return Grouped(items, items[rep_canon[my_rep]], g.similarity[my_rep].copy())


def doc_rank(ids: list[str], lengths: np.ndarray, keep: str,
             seniority: Mapping[str, float] | None = None) -> np.ndarray:
    """Each document's place in canonical order: by ``seniority`` (smaller
    first, such as the time a file was first committed; documents without
    one last), then by id; with ``keep="longest"`` the longest first."""
    n = len(ids)
    age = seniority or {}

    def key(i: int) -> tuple:
        first = (-int(lengths[i]),) if keep == "longest" else ()
        return (*first, age.get(ids[i], math.inf), ids[i])

    # Without seniority or lengths the key is the id: compared as strings,
    # not as tuples made per document (0.09 s for 200,000 documents, 0.01).
    order = sorted(range(n), key=ids.__getitem__ if not age and keep != "longest" else key)
    rank = np.empty(n, dtype=np.int64)
    rank[np.array(order, dtype=np.int64)] = np.arange(n, dtype=np.int64)
    return rank


def by_rank(items: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """``items`` in canonical order (:func:`rank_order`)."""
    return items[rank_order(items, rank)]


def rank_order(items: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """The order of ``items`` sorted by their ``rank``, which no two items
    share (:func:`doc_rank`, :func:`unit_rank`), so that any sort gives
    the one order, and the fastest is taken (for ranks in random order,
    0.13 s against a stable sort's 0.40 s for 3.75 million)."""
    return np.argsort(rank[items])


def unit_rank(doc_rank: np.ndarray, doc: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Paragraphs or sentences in canonical order: by their document's
    rank, then by position (ties in input order)."""
    if doc.size and _in_document_order(doc, start) and _distinct(doc_rank):
        return _rank_by_runs(doc_rank, doc)
    return unit_rank_by_sort(doc_rank, doc, start)


def unit_rank_by_sort(doc_rank: np.ndarray, doc: np.ndarray, start: np.ndarray) -> np.ndarray:
    """:func:`unit_rank` by sorting, for units in any order (the reference)."""
    rank = np.empty(doc.size, dtype=np.int64)
    rank[np.lexsort((start, doc_rank[doc]))] = np.arange(doc.size, dtype=np.int64)
    return rank


def _in_document_order(doc: np.ndarray, start: np.ndarray) -> bool:
    """Units grouped by document, documents ascending, positions ascending
    within each: how a corpus holds its paragraphs and sentences."""
    same = doc[1:] == doc[:-1]
    return bool(np.all(doc[1:] >= doc[:-1]) and np.all(~same | (start[1:] >= start[:-1])))


def _distinct(doc_rank: np.ndarray) -> bool:
    """No two documents share a rank (a permutation, as :func:`doc_rank` gives)."""
    n = doc_rank.size
    return bool(n == 0 or (doc_rank.min() >= 0 and doc_rank.max() < n and np.bincount(doc_rank).max() == 1))


def _rank_by_runs(doc_rank: np.ndarray, doc: np.ndarray) -> np.ndarray:
    """:func:`unit_rank` of units in document order: each document's run
    of units keeps its order and moves, whole, to where its rank puts it.
    At a million paragraphs, sorting the units took 0.12 s for the
    paragraphs and 0.55 s for the sentences, in the main process while
    the workers waited; ordering the runs takes 0.01 and 0.04 s."""
    n = doc.size
    bounds = run_bounds(doc)
    first, length = bounds[:-1], np.diff(bounds)
    order = np.argsort(doc_rank[doc[first]])
    canonical_first = np.empty(first.size, dtype=np.int64)
    canonical_first[order] = np.cumsum(length[order]) - length[order]
    return np.repeat(canonical_first - first, length) + np.arange(n, dtype=np.int64)


#: Slots the keys are first counted in by :func:`repeated`.
REPEAT_SLOTS = 1 << 16


def repeated(keys: np.ndarray, times: int) -> np.ndarray:
    """A mask of the ``keys`` (integers) that occur at least ``times`` times."""
    if times <= 1:
        return np.ones(keys.size, dtype=bool)
    if keys.size < times:
        return np.zeros(keys.size, dtype=bool)
    if keys.size >= times * REPEAT_SLOTS // 4:
        return _sorted_repeated(keys, times)
    # Keys are first counted by their low bits: a key that occurs ``times``
    # times fills its slot at least that much, and when ``times`` is well
    # above the slots' load hardly any slot is that full, so only the keys
    # of full slots are sorted. A million paragraphs' 3.8 million sentence
    # keys, none in 2,000 documents, took 0.13-0.21 s to sort (the sort's
    # fresh memory most of it) and 0.01-0.016 s to count.
    slot = np.bitwise_and(keys.astype(np.uint64, copy=False), np.uint64(REPEAT_SLOTS - 1),
                          out=np.empty(keys.size, dtype=np.intp), casting="unsafe")
    maybe = (np.bincount(slot, minlength=REPEAT_SLOTS) >= times)[slot]
    out = np.zeros(keys.size, dtype=bool)
    if maybe.any():
        out[maybe] = _sorted_repeated(keys[maybe], times)
    return out


def _sorted_repeated(keys: np.ndarray, times: int) -> np.ndarray:
    """:func:`repeated` by sorting every key."""
    if keys.size == 0:
        return np.zeros(0, dtype=bool)
    ordered = np.sort(keys)
    bounds = run_bounds(ordered)
    common = ordered[bounds[:-1][np.diff(bounds) >= times]]
    if common.size == 0:
        return np.zeros(keys.size, dtype=bool)
    at = np.minimum(np.searchsorted(common, keys), common.size - 1)
    return common[at] == keys


def distinct_counts(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ``keys``, sorted, and for each how many distinct
    ``values`` come with it (both integer arrays of one length).

    Non-negative pairs are one integer each, ``key * span + value``, and
    sorted as such: ``np.unique`` of the pairs as rows compares them as
    bytes and took 0.92 s for a million pairs, the integers 0.07 s. Other
    pairs (a negative value, or a product past 63 bits) take the rows."""
    if keys.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    span = int(values.max()) + 1
    if min(int(keys.min()), int(values.min())) < 0 or int(keys.max()) >= (2**63 - 1) // span - 1:
        rows = np.unique(np.stack([keys, values], axis=1), axis=0)
        return np.unique(rows[:, 0], return_counts=True)
    pairs = sorted_unique(keys.astype(np.int64) * span + values.astype(np.int64), overwrite=True)
    first = pairs // span
    bounds = run_bounds(first)
    return first[bounds[:-1]], np.diff(bounds)


def runs(canonical: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions sorted by canonical (stable) and the bounds of each run."""
    order = np.argsort(canonical, kind="stable")
    return order, run_bounds(canonical[order])


def run_bounds(ordered: np.ndarray) -> np.ndarray:
    """Where each run of equal values of ``ordered`` starts, then one past
    the last: run ``i`` is ``ordered[bounds[i]:bounds[i+1]]``."""
    if ordered.size == 0:
        return np.zeros(1, dtype=np.int64)
    return np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1], True])


def min_documents(so: ScanOptions, n_docs: int) -> int:
    """How many documents make a block boilerplate in a corpus of ``n_docs``."""
    return max(so.min_documents, math.ceil(so.min_share * n_docs - 1e-9))
