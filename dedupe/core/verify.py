"""Exact similarity of candidate pairs, on their shingle sets.

Jaccard ``|A∩B| / |A∪B|`` finds near-duplicates; containment
``|A∩B| / |A|`` finds a truncated copy or a fragment of ``B`` inside ``A``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from dedupe.core.shingle import KERNEL, ShingleSets, gather_runs, sorted_unique


@dataclass(frozen=True)
class Similarity:
    intersection: int
    size_a: int
    size_b: int

    @property
    def jaccard(self) -> float:
        union = self.size_a + self.size_b - self.intersection
        return self.intersection / union if union else 1.0

    @property
    def containment(self) -> float:
        """Share of A found in B."""
        return self.intersection / self.size_a if self.size_a else 0.0


def compare(a: np.ndarray, b: np.ndarray) -> Similarity:
    """Similarity of two sorted, duplicate-free shingle arrays."""
    # Binary search of the smaller set in the larger: no concatenation and
    # re-sort as in np.intersect1d, which dominated per-document detection.
    small, large = (a, b) if a.size <= b.size else (b, a)
    if small.size == 0:
        return Similarity(0, int(a.size), int(b.size))
    idx = np.minimum(np.searchsorted(large, small), large.size - 1)
    inter = int(np.count_nonzero(large[idx] == small))
    return Similarity(inter, int(a.size), int(b.size))


def contained_in(a: np.ndarray, pool: np.ndarray) -> float:
    """Share of the set ``a`` found in the sorted array ``pool``."""
    if a.size == 0 or pool.size == 0:
        return 0.0
    idx = np.searchsorted(pool, a)
    idx[idx == pool.size] = pool.size - 1
    return float(np.count_nonzero(pool[idx] == a)) / a.size


def jaccard_pairs(sets: ShingleSets, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(intersection, size_a, size_b)`` of the shingle sets of every
    candidate pair ``(a, b)``, as int64 arrays, in a few numpy calls.

    Only the segments that take part in a pair are de-duplicated: one sort
    of a ``(segment, shingle)`` key, the segment in the high bits and the
    shingle hash's high bits below it (at least 40 bits for up to 2**24
    segments, so two different shingles of one pair are confused with a
    chance of about ``|A| * |B| / 2**40``). Each pair then looks up the
    smaller set's shingles in the larger one with one binary search.
    """
    m = len(pairs)
    if m == 0:
        z = np.zeros(0, dtype=np.int64)
        return z, z.copy(), z.copy()
    pairs = np.asarray(pairs, dtype=np.int64).reshape(m, 2)
    rows = sorted_unique(pairs.ravel())
    local = np.searchsorted(rows, pairs)
    h, seg = gather_runs(sets.hashes, sets.offsets[rows], sets.offsets[rows + 1])
    seg_bits = max(1, int(rows.size - 1).bit_length())
    shift = np.uint64(64 - seg_bits)
    low = np.uint64((1 << (64 - seg_bits)) - 1)
    key = sorted_unique((seg.astype(np.uint64) << shift) | (h >> np.uint64(seg_bits)))
    size = np.bincount((key >> shift).astype(np.int64), minlength=rows.size).astype(np.int64)
    offsets = np.zeros(rows.size + 1, dtype=np.int64)
    np.cumsum(size, out=offsets[1:])
    a, b = local[:, 0], local[:, 1]
    a_small = size[a] <= size[b]
    small = np.where(a_small, a, b)
    large = np.where(a_small, b, a)
    q_key, q_pair = gather_runs(key, offsets[small], offsets[small + 1])
    q = (large[q_pair].astype(np.uint64) << shift) | (q_key & low)
    found = key[np.minimum(np.searchsorted(key, q), key.size - 1)] == q
    inter = np.bincount(q_pair[found], minlength=m).astype(np.int64)
    return inter, size[a], size[b]


#: Pairs per thread below which :func:`set_intersections` stays on one.
THREAD_PAIRS = 100_000


def set_intersections(sets: ShingleSets, pairs: np.ndarray, threads: int = 1) -> np.ndarray:
    """``|A∩B|`` of every pair ``(a, b)`` of segments whose shingles are
    already sets (sorted, no repeats: :func:`dedupe.core.shingle.unique_sets`),
    by merging the two sorted runs; :func:`jaccard_pairs` without its sort.

    With ``threads`` > 1 and enough pairs, slices of the pairs are merged
    in as many threads at once (the kernel releases the interpreter lock);
    the threads end before this returns, so a later fork stays safe
    (:func:`dedupe.io.workers.start_method`)."""
    pairs = np.ascontiguousarray(pairs, dtype=np.int64).reshape(-1, 2)
    if KERNEL is None:
        return jaccard_pairs(sets, pairs)[0]
    out = np.zeros(len(pairs), dtype=np.int64)
    threads = max(1, min(threads, len(pairs) // THREAD_PAIRS))
    if threads == 1:
        KERNEL.intersections(sets.hashes, sets.offsets, pairs, out)
        return out
    bounds = np.linspace(0, len(pairs), threads + 1).astype(np.int64).tolist()
    with ThreadPoolExecutor(threads) as run:
        done = [run.submit(KERNEL.intersections, sets.hashes, sets.offsets, pairs[a:b], out[a:b])
                for a, b in zip(bounds[:-1], bounds[1:])]
    for d in done:
        d.result()  # an error in a thread is raised here
    return out


def longest_new_run(raw: np.ndarray, pool: np.ndarray) -> int:
    """Longest run of consecutive shingles of ``raw`` (one unit's shingles
    in text order) that are missing from the sorted array ``pool``: how
    much new text, in a row, a near-copy carries."""
    if raw.size == 0:
        return 0
    if pool.size == 0:
        return int(raw.size)
    idx = np.minimum(np.searchsorted(pool, raw), pool.size - 1)
    new = pool[idx] != raw
    if not new.any():
        return 0
    # Run lengths of True from the positions where runs start and stop.
    edges = np.diff(np.concatenate(([0], new.view(np.int8), [0])))
    return int((np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)).max())
