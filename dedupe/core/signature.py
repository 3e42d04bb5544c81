"""Batched MinHash signatures, bit-for-bit those of ``datasketch``.

The scheme is datasketch's default ``affine32``: the low 32 bits of each
shingle hash are pre-mixed with the MurmurHash3 32-bit finalizer, then each
permutation is ``a * h + b`` modulo 2**32 with the ``(a, b)`` that
``datasketch.MinHash(num_perm, seed)`` draws. Signatures of thousands of
segments come out of one numpy pass (or one call of the compiled kernel,
see :mod:`dedupe.core.shingle`), and any row can be handed to
``datasketch`` as a :class:`~datasketch.LeanMinHash`.
"""

from __future__ import annotations

import operator

import numpy as np

from dedupe.core.shingle import KERNEL, ShingleSets

SCHEME = "affine32"
EMPTY = np.uint32(0xFFFFFFFF)
# Elements of the (shingles x permutations) block computed at once: large
# enough to amortize numpy's per-call cost, small enough for the L2 cache.
_BLOCK = 1 << 20


def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``(a, b)`` parameters datasketch uses for ``affine32``: what
    ``numpy.random.RandomState(seed)`` draws with ``randint(0, 2**31)`` and
    then ``randint(0, 2**32)``, ``num_perm`` of each, as uint32. Both ranges
    are powers of two, so each value is one output of the generator (the
    first masked to 31 bits); drawn by the kernel, or :func:`_twister`
    without it, because importing ``numpy.random`` took 8.4 ms of every
    command's start."""
    seed = operator.index(seed)
    if not 0 <= seed < 2**32:
        raise ValueError("Seed must be between 0 and 2**32 - 1")
    if KERNEL is None:
        words = np.array(_twister(seed, 2 * num_perm), dtype=np.uint32)
    else:
        # A clean draws them for every signature call: 5 µs here, 0.24 ms
        # in Python, 0.1 ms with numpy.random.
        words = np.empty(2 * num_perm, dtype=np.uint32)
        KERNEL.twister(seed, words)
    a = (words[:num_perm] & np.uint32(0x7FFFFFFF)) * np.uint32(2) + np.uint32(1)
    return a, words[num_perm:]


#: MT19937's state length, shift, and twist and tempering constants.
_N, _M = 624, 397
_MATRIX, _UPPER, _LOWER = 0x9908B0DF, 0x80000000, 0x7FFFFFFF


def _twister(seed: int, count: int) -> list[int]:
    """The first ``count`` 32-bit outputs of the Mersenne Twister (MT19937)
    seeded with ``init_genrand(seed)``, as ``RandomState(seed)`` seeds it:
    the reference of the kernel's ``twister``."""
    mt = [seed]
    for i in range(1, _N):
        mt.append((1812433253 * (mt[-1] ^ (mt[-1] >> 30)) + i) & 0xFFFFFFFF)
    out: list[int] = []
    while len(out) < count:
        for i in range(_N):
            y = (mt[i] & _UPPER) | (mt[(i + 1) % _N] & _LOWER)
            mt[i] = mt[(i + _M) % _N] ^ (y >> 1) ^ (_MATRIX if y & 1 else 0)
        for y in mt[: count - len(out)]:
            y ^= y >> 11
            y ^= (y << 7) & 0x9D2C5680
            y ^= (y << 15) & 0xEFC60000
            out.append(y ^ (y >> 18))
    return out


def fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def hash32(hashes: np.ndarray) -> np.ndarray:
    """The 32-bit values fed to the permutations (datasketch's hashfunc)."""
    return (hashes & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def minhash(sets: ShingleSets, num_perm: int = 128, seed: int = 1,
            drawn: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """A ``(len(sets), num_perm)`` uint32 array of MinHash signatures; a
    segment with no shingles gets the all-``0xFFFFFFFF`` signature, as an
    empty datasketch MinHash does. ``drawn``: :func:`permutations` of
    ``num_perm`` and ``seed``, from a caller that signs many batches (a
    draw takes about 0.07 ms)."""
    if drawn is not None and drawn[0].size != num_perm:
        raise ValueError(f"minhash: {drawn[0].size} permutations drawn for num_perm={num_perm}")
    if KERNEL is None:
        return minhash_numpy(sets, num_perm, seed)
    a, b = drawn if drawn is not None else permutations(num_perm, seed)
    out = np.empty((len(sets), num_perm), dtype=np.uint32)
    KERNEL.minhash(sets.hashes, sets.offsets, a, b, out)
    return out


def minhash_numpy(sets: ShingleSets, num_perm: int = 128, seed: int = 1) -> np.ndarray:
    """:func:`minhash` in numpy (the reference of the kernel)."""
    a, b = permutations(num_perm, seed)
    n = len(sets)
    out = np.full((n, num_perm), EMPTY, dtype=np.uint32)
    if sets.hashes.size == 0:
        return out
    hv = fmix32(hash32(sets.hashes))
    offsets = sets.offsets
    sizes = np.diff(offsets)
    rows_per_block = max(1, _BLOCK // num_perm)
    i = 0
    while i < n:
        # Whole segments per block, so that each min is taken in one go.
        j = int(np.searchsorted(offsets, offsets[i] + rows_per_block, side="right")) - 1
        j = min(max(j, i + 1), n)
        lo, hi = offsets[i], offsets[j]
        if hi > lo:
            phv = hv[lo:hi, None] * a[None, :] + b[None, :]
            nonempty = np.flatnonzero(sizes[i:j] > 0)
            starts = offsets[i:j][nonempty] - lo
            out[i + nonempty] = np.minimum.reduceat(phv, starts, axis=0)
        i = j
    return out


def union_signatures(sig: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The MinHash signature of each union of ``counts[g]`` consecutive
    sets, from their rows of ``sig`` (the counts sum to its rows): the
    element-wise minimum, since the MinHash of a union is the minimum of
    the MinHashes; all ``0xFFFFFFFF`` for a union of no set."""
    counts = np.ascontiguousarray(counts, dtype=np.int64)
    if KERNEL is None or sig.dtype != np.uint32:
        return union_signatures_numpy(sig, counts)
    out = np.empty((counts.size, sig.shape[1]), dtype=np.uint32)
    KERNEL.union_signatures(np.ascontiguousarray(sig), counts, out)
    return out


def union_signatures_numpy(sig: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """:func:`union_signatures` in numpy (the reference of the kernel)."""
    out = np.full((counts.size, sig.shape[1]), EMPTY, dtype=np.uint32)
    has = np.flatnonzero(counts > 0)
    if has.size:
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])[has]
        out[has] = np.minimum.reduceat(sig, starts, axis=0)
    return out


def to_lean_minhash(signature: np.ndarray, seed: int = 1):
    """One signature row as a ``datasketch.LeanMinHash``."""
    from datasketch import LeanMinHash

    return LeanMinHash(seed=seed, hashvalues=signature, scheme=SCHEME)


# One-permutation hashing: each shingle is hashed once (the shingle hash is
# already a well-mixed 64-bit value), its high 32 bits pick one of
# ``num_perm`` bins and its low 32 bits are the value; a bin keeps its
# minimum. Empty bins borrow from the next non-empty bin to the right
# (circularly), mixed with the distance, so that two sets agree on a bin
# with probability close to their Jaccard similarity (Shrivastava and Li,
# "Densifying one permutation hashing", 2014). One pass over the shingles
# instead of ``num_perm``: the signature for scans, where exact
# datasketch compatibility is not needed.
_OPH_DIST = np.uint32(0x9E3779B9)


def _seed_multiplier(seed: int) -> np.uint64:
    """An odd 64-bit multiplier derived from ``seed``: a bijection of the
    shingle hashes, so that different seeds give independent-looking
    signatures."""
    x = (int(seed) * 0x9E3779B97F4A7C15 + 0xD1B54A32D192ED03) & (2**64 - 1)
    x ^= x >> 31
    x = (x * 0xBF58476D1CE4E5B9) & (2**64 - 1)
    x ^= x >> 29
    return np.uint64(x | 1)


def minhash_oph(sets: ShingleSets, num_perm: int = 128, seed: int = 1) -> np.ndarray:
    """A ``(len(sets), num_perm)`` uint32 array of densified one-permutation
    MinHash signatures, usable with :func:`dedupe.candidates.lsh_pairs`
    like those of :func:`minhash` (but not equal to them, and not
    interoperable with ``datasketch``). An empty segment gets the
    all-``0xFFFFFFFF`` signature."""
    if KERNEL is None:
        return minhash_oph_numpy(sets, num_perm, seed)
    out = np.empty((len(sets), num_perm), dtype=np.uint32)
    KERNEL.minhash_oph(sets.hashes, sets.offsets, int(_seed_multiplier(seed)), num_perm, out)
    return out


def minhash_oph_numpy(sets: ShingleSets, num_perm: int = 128, seed: int = 1) -> np.ndarray:
    """:func:`minhash_oph` in numpy (the reference of the kernel)."""
    n = len(sets)
    out = np.full(n * num_perm, EMPTY, dtype=np.uint32)
    if sets.hashes.size == 0:
        return out.reshape(n, num_perm)
    h = sets.hashes * _seed_multiplier(seed)
    # Multiply-shift maps the high half uniformly onto 0..num_perm-1.
    bins = ((h >> np.uint64(32)) * np.uint64(num_perm)) >> np.uint64(32)
    sizes = np.diff(sets.offsets)
    rows = np.repeat(np.arange(n, dtype=np.uint64), sizes)
    np.minimum.at(out, rows * np.uint64(num_perm) + bins, (h & np.uint64(0xFFFFFFFF)).astype(np.uint32))
    table = out.reshape(n, num_perm)
    # A real minimum of 0xFFFFFFFF is as rare as any other value; it only
    # costs that bin being densified like an empty one.
    empty = table == EMPTY
    need = np.flatnonzero(empty.any(axis=1) & (sizes > 0))
    if need.size:
        table[need] = _densify(table[need], empty[need])
    return table


def _densify(block: np.ndarray, empty: np.ndarray) -> np.ndarray:
    """Fill each row's empty bins from the next non-empty bin to the right,
    wrapping around; the value is mixed with the distance to it.

    Worked on the transpose, bins by segments, so that the running
    minimum runs down contiguous columns: one vectorized step per bin."""
    m, k = block.shape
    cols = np.arange(k, dtype=np.int32)[:, None]
    none = np.int32(2 * k)
    # Nearest non-empty bin at or after each bin, ``none`` past the last.
    idx = np.where(empty.T, none, cols)
    after = np.minimum.accumulate(idx[::-1], axis=0)[::-1]
    # Past the last non-empty bin, wrap to the row's first one.
    wrap = after == none
    first = after[0]
    donor_bin = np.where(wrap, first, after)
    dist = (np.where(wrap, first + np.int32(k), after) - cols).astype(np.uint32)
    donor = np.take_along_axis(block.T, donor_bin, axis=0)
    borrowed = fmix32(donor + dist * _OPH_DIST)
    return np.where(empty, borrowed.T, block)
