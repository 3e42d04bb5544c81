"""Exact similarity of candidate pairs, on their shingle sets.

Jaccard ``|A∩B| / |A∪B|`` finds near-duplicates; containment
``|A∩B| / |A|`` finds a truncated copy or a fragment of ``B`` inside ``A``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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
    inter = int(np.intersect1d(a, b, assume_unique=True).size)
    return Similarity(inter, int(a.size), int(b.size))


def contained_in(a: np.ndarray, pool: np.ndarray) -> float:
    """Share of the set ``a`` found in the sorted array ``pool``."""
    if a.size == 0 or pool.size == 0:
        return 0.0
    idx = np.searchsorted(pool, a)
    idx[idx == pool.size] = pool.size - 1
    return float(np.count_nonzero(pool[idx] == a)) / a.size
