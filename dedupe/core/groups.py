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

from dataclasses import dataclass

import numpy as np

from dedupe.core.shingle import KERNEL


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
    similarity: np.ndarray,
    threshold: float,
) -> Groups:
    """Group ``n`` items in canonical order from candidate ``pairs``, whose
    verified similarities are ``similarity`` (one per pair).

    Items are visited in order; an item joins the best verified group
    canonical that comes before it among its candidates (highest similarity,
    then earliest canonical), or stays a canonical itself. Candidates that
    are members of some group are never followed (no chaining).
    """
    canonical = np.arange(n, dtype=np.int64)
    sim_out = np.ones(n, dtype=np.float64)
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    sims = np.asarray(similarity, dtype=np.float64).reshape(-1)
    mine = pairs[:, 0] != pairs[:, 1]  # an item is no evidence of itself
    pairs, sims = pairs[mine], sims[mine]
    if pairs.size:
        lo, hi = pairs.min(axis=1), pairs.max(axis=1)
        order = np.lexsort((lo, hi))
        lo, hi, sims = lo[order], hi[order], sims[order]
        if KERNEL is None:
            _leader_loop(lo, hi, sims, threshold, canonical, sim_out)
        else:
            KERNEL.leader_groups(lo, hi, sims, float(threshold), canonical, sim_out)
    return Groups(canonical, sim_out)


def _leader_loop(lo: np.ndarray, hi: np.ndarray, sims: np.ndarray, threshold: float,
                 canonical: np.ndarray, sim_out: np.ndarray) -> None:
    """The leader rule over pairs sorted by ``(hi, lo)``, into ``canonical``
    and ``sim_out`` (the reference of the kernel's ``leader_groups``)."""
    if lo.size == 0:
        return
    lo_l, hi_l, s_l = lo.tolist(), hi.tolist(), sims.tolist()
    bounds = np.flatnonzero(np.r_[True, hi[1:] != hi[:-1], True]).tolist()
    # An item joins a group only on its own turn, and every candidate
    # canonical comes before it, so a canonical never joins a group
    # later: one flag per item is the whole union-find.
    member = [False] * canonical.size
    for a, b in zip(bounds[:-1], bounds[1:]):
        j = hi_l[a]
        best, best_sim = -1, -1.0
        for i, s in zip(lo_l[a:b], s_l[a:b]):
            if member[i]:
                continue  # a member of another group: no chaining
            if s >= threshold and s > best_sim:
                best, best_sim = i, s
        if best >= 0:
            canonical[j] = best
            member[j] = True
            sim_out[j] = best_sim
