"""Exact similarity of candidate pairs, on their shingle sets.

Jaccard ``|A∩B| / |A∪B|`` finds near-duplicates; containment
``|A∩B| / |A|`` finds a truncated copy or a fragment of ``B`` inside ``A``.
"""

from __future__ import annotations

from collections.abc import Callable
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
    offsets = np.ascontiguousarray(sets.offsets, dtype=np.int64)
    return _in_threads(lambda part, out: KERNEL.intersections(sets.hashes, offsets, part, out), pairs, threads)


def _in_threads(kernel: Callable[[np.ndarray, np.ndarray], object], pairs: np.ndarray, threads: int) -> np.ndarray:
    """``kernel(pairs, out)`` filling one int64 per pair, on slices of the
    pairs in up to ``threads`` threads (the kernel releases the
    interpreter lock), each writing its slice of the result."""
    out = np.zeros(len(pairs), dtype=np.int64)
    threads = max(1, min(threads, len(pairs) // THREAD_PAIRS))
    if threads == 1:
        kernel(pairs, out)
        return out
    # Imported here: concurrent.futures (and logging behind it) was 2 ms of
    # the start of commands that never compare enough pairs to need threads.
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    bounds = np.linspace(0, len(pairs), threads + 1).astype(np.int64).tolist()
    with ThreadPoolExecutor(threads) as run:
        done = [run.submit(kernel, pairs[a:b], out[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
    for d in done:
        d.result()  # an error in a thread is raised here
    return out


#: Buckets of a set's sketch (:func:`set_sketches`): a hash's top five bits.
SKETCH_BITS = 5
#: The largest count a bucket of a sketch holds (four bits).
SKETCH_MAX = 15
#: Buckets of a sketch's bitmap: a hash's low eight bits.
BITMAP_BITS = 8
#: Words of a sketch: two of counts, four of the bitmap.
SKETCH_WORDS = 2 + (1 << BITMAP_BITS) // 64


def set_sketches(sets: ShingleSets) -> np.ndarray:
    """Each set's count of shingles in each of 32 buckets (a hash's top
    five bits), four bits a count, buckets 0-15 in the first word of its
    row and 16-31 in the second; then a bitmap of the 256 buckets of a
    hash's low eight bits that hold any of its shingles, bucket ``k`` at
    bit ``k % 64`` of word ``2 + k // 64``: ``(len(sets), SKETCH_WORDS)``
    uint64. A set with more than :data:`SKETCH_MAX` in one bucket has that
    many in every bucket (both count words all ones). What
    :func:`reaching_intersections` reads."""
    if KERNEL is None:
        return set_sketches_numpy(sets)
    out = np.empty((len(sets), SKETCH_WORDS), dtype=np.uint64)
    KERNEL.set_sketches(sets.hashes, np.ascontiguousarray(sets.offsets, dtype=np.int64), out)
    return out


def set_sketches_numpy(sets: ShingleSets) -> np.ndarray:
    """:func:`set_sketches` in numpy (the reference of the kernel)."""
    n, buckets = len(sets), 1 << SKETCH_BITS
    values = sets.hashes[sets.offsets[0] : sets.offsets[-1]]
    seg = np.repeat(np.arange(n, dtype=np.int64), np.diff(sets.offsets))
    counts = np.bincount(seg * buckets + (values >> np.uint64(64 - SKETCH_BITS)).astype(np.int64),
                         minlength=n * buckets).reshape(n, buckets)
    counts[(counts > SKETCH_MAX).any(axis=1)] = SKETCH_MAX
    words = counts.astype(np.uint64) << (np.uint64(4) * (np.arange(buckets, dtype=np.uint64) % np.uint64(16)))
    out = np.zeros((n, SKETCH_WORDS), dtype=np.uint64)
    out[:, 0] = np.bitwise_or.reduce(words[:, :16], axis=1)
    out[:, 1] = np.bitwise_or.reduce(words[:, 16:], axis=1)
    bucket = (values & np.uint64((1 << BITMAP_BITS) - 1)).astype(np.int64)
    np.bitwise_or.at(out, (seg, 2 + bucket // 64), np.uint64(1) << (bucket % 64).astype(np.uint64))
    return out


def reaches(inter: np.ndarray, size_a: np.ndarray, size_b: np.ndarray, jaccard: float,
            containment: float) -> np.ndarray:
    """Which pairs of sets of ``size_a`` and ``size_b`` shingles, ``inter``
    of them shared, have a Jaccard of at least ``jaccard`` or the smaller
    set a containment in the other of at least ``containment``; none with
    an empty set or nothing shared. In float64, as the kernel computes it.
    A pair that reaches with one intersection reaches with any larger."""
    union = np.maximum(size_a + size_b - inter, 1)
    smaller = np.maximum(np.minimum(size_a, size_b), 1)
    return (inter > 0) & (size_a > 0) & (size_b > 0) & ((inter / union >= jaccard) | (inter / smaller >= containment))


def reaching_intersections(sets: ShingleSets, sketches: np.ndarray, pairs: np.ndarray, jaccard: float,
                           containment: float, threads: int = 1) -> np.ndarray:
    """``|A∩B|`` of every pair ``(a, b)`` of ``sets`` that :func:`reaches`
    ``jaccard`` or ``containment`` with it, and 0 for the others;
    ``sketches`` are the sets' :func:`set_sketches`.

    An LSH's candidate sentences mostly share a shingle or two: of the 9.6
    million of a million paragraphs, 95 % fail on an upper bound of their
    intersection read from the sketches (the sum over the buckets of the
    smaller count: a shared shingle is in the same bucket of both), two
    loads of 16 bytes, and are not merged. Their merges took 0.5-0.6 s,
    the bounds 0.1 s. The bitmaps bound a small set against a large one,
    where the counts cannot: the shingles of either set in buckets the
    other leaves empty are not shared. In ``threads`` threads as
    :func:`set_intersections`."""
    pairs = np.ascontiguousarray(pairs, dtype=np.int64).reshape(-1, 2)
    if KERNEL is None:
        return reaching_intersections_numpy(sets, pairs, jaccard, containment)
    tables = (sets.hashes, np.ascontiguousarray(sets.offsets, dtype=np.int64),
              np.ascontiguousarray(sketches, dtype=np.uint64))
    return _in_threads(lambda part, out: KERNEL.reaching_intersections(*tables, part, jaccard, containment, out),
                       pairs, threads)


def reaching_intersections_numpy(sets: ShingleSets, pairs: np.ndarray, jaccard: float,
                                 containment: float) -> np.ndarray:
    """:func:`reaching_intersections` from every pair's intersection (the
    reference of the kernel)."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    inter = set_intersections(sets, pairs)
    sizes = np.diff(sets.offsets)
    return np.where(reaches(inter, sizes[pairs[:, 0]], sizes[pairs[:, 1]], jaccard, containment), inter, 0)


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
