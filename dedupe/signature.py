"""Batched MinHash signatures, bit-for-bit those of ``datasketch``.

The scheme is datasketch's default ``affine32``: the low 32 bits of each
shingle hash are pre-mixed with the MurmurHash3 32-bit finalizer, then each
permutation is ``a * h + b`` modulo 2**32 with the ``(a, b)`` that
``datasketch.MinHash(num_perm, seed)`` draws. Signatures of thousands of
segments come out of one numpy pass, and any row can be handed to
``datasketch`` as a :class:`~datasketch.LeanMinHash`.
"""

from __future__ import annotations

import numpy as np

from .shingle import ShingleSets

SCHEME = "affine32"
EMPTY = np.uint32(0xFFFFFFFF)
# Elements of the (shingles x permutations) block computed at once: large
# enough to amortize numpy's per-call cost, small enough for the L2 cache.
_BLOCK = 1 << 20


def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``(a, b)`` parameters datasketch uses for ``affine32``."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def hash32(hashes: np.ndarray) -> np.ndarray:
    """The 32-bit values fed to the permutations (datasketch's hashfunc)."""
    return (hashes & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def minhash(sets: ShingleSets, num_perm: int = 128, seed: int = 1) -> np.ndarray:
    """A ``(len(sets), num_perm)`` uint32 array of MinHash signatures; a
    segment with no shingles gets the all-``0xFFFFFFFF`` signature, as an
    empty datasketch MinHash does."""
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


def to_lean_minhash(signature: np.ndarray, seed: int = 1):
    """One signature row as a ``datasketch.LeanMinHash``."""
    from datasketch import LeanMinHash

    return LeanMinHash(seed=seed, hashvalues=signature, scheme=SCHEME)
