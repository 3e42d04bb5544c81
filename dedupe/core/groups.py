"""Deterministic grouping of verified pairs, without chaining.

Items are numbered in canonical order (position 0 is the most canonical:
the smallest document id, or the longest text with ``keep="longest"``), so
that the same input gives the same groups in any order and with any number
of worker processes.

A member joins a group only when it is verified against the group's
canonical item itself: if A~B and B~C but A and C are unrelated, C does not
end up in A's group through B.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


class DisjointSet:
    """Union-find over ``0..n-1`` in which the smaller index is always the
    root, so the root of a set is its most canonical member whatever the
    order of the unions."""

    def __init__(self, n: int) -> None:
        self.parent = np.arange(n, dtype=np.int64)

    def __len__(self) -> int:
        return int(self.parent.size)

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = int(parent[root])
        while parent[i] != root:  # path compression
            parent[i], i = root, int(parent[i])
        return root

    def union(self, a: int, b: int) -> int:
        """Merge the sets of ``a`` and ``b``; returns the new root."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        root, child = (ra, rb) if ra < rb else (rb, ra)
        self.parent[child] = root
        return root

    def is_root(self, i: int) -> bool:
        return int(self.parent[i]) == i

    def roots(self) -> np.ndarray:
        """The root of every item, as an array (pointer jumping in numpy)."""
        p = self.parent.copy()
        while True:
            pp = p[p]
            if np.array_equal(pp, p):
                return p
            p = pp


@dataclass(frozen=True)
class Groups:
    """``canonical[i]`` is the position of item *i*'s canonical item (itself
    when it is canonical) and ``similarity[i]`` its verified similarity to
    that item (1.0 for canonicals)."""

    canonical: np.ndarray
    similarity: np.ndarray


def leader_groups(
    n: int,
    pairs: np.ndarray,
    similarity: Callable[[int, int], float],
    threshold: float,
) -> Groups:
    """Group ``n`` items in canonical order from candidate ``pairs``.

    Items are visited in order; an item joins the best verified group
    canonical that comes before it among its candidates (highest similarity,
    then earliest canonical), or stays a canonical itself. Candidates that
    are members of some group are never followed (no chaining).
    """
    ds = DisjointSet(n)
    sim_out = np.ones(n, dtype=np.float64)
    if pairs.size:
        lo = np.minimum(pairs[:, 0], pairs[:, 1]).astype(np.int64)
        hi = np.maximum(pairs[:, 0], pairs[:, 1]).astype(np.int64)
        order = np.lexsort((lo, hi))
        lo, hi = lo[order], hi[order]
        bounds = np.flatnonzero(np.r_[True, hi[1:] != hi[:-1], True])
        for k in range(bounds.size - 1):
            a, b = int(bounds[k]), int(bounds[k + 1])
            j = int(hi[a])
            best, best_sim = -1, -1.0
            for i in lo[a:b].tolist():
                if not ds.is_root(i):
                    continue  # a member of another group: no chaining
                s = similarity(i, j)
                if s >= threshold and s > best_sim:
                    best, best_sim = i, s
            if best >= 0:
                ds.union(best, j)
                sim_out[j] = best_sim
    return Groups(ds.roots(), sim_out)
