"""Stage: near-duplicate documents, by exact Jaccard of their shingle sets
without their boilerplate, grouped under the leader rule."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dedupe.core.groups import leader_groups
from dedupe.core.shingle import sorted_unique
from dedupe.core.verify import compare
from dedupe.corpus.batches import Corpus
from dedupe.corpus.grouping import band_pairs


@dataclass(frozen=True)
class Clusters:
    """``of[d]``: the canonical document of document ``d`` (itself when it
    is in no cluster); ``groups``: (canonical, members, lowest similarity)."""

    of: np.ndarray
    groups: list[tuple[int, list[int], float]]


class DocumentSets:
    """Each document's shingle set without its boilerplate paragraphs.

    Shared boilerplate makes unrelated short pages look alike (two stubs
    with one sentence each and the same two footers), so it is left out;
    a document that is nothing but boilerplate-like paragraphs (three
    copies of one article, whose paragraphs recur in three documents) is
    compared whole."""

    def __init__(self, c: Corpus, boilerplate: np.ndarray) -> None:
        self.c = c
        self.keep_hash = np.repeat(~boilerplate, np.diff(c.para_off))
        self._sets: dict[int, np.ndarray] = {}

    def get(self, d: int, whole: bool) -> np.ndarray:
        key = d if not whole else -1 - d
        if key not in self._sets:
            c = self.c
            p0, p1 = int(c.doc_para0[d]), int(c.doc_para0[d] + c.doc_paras[d])
            lo, hi = int(c.para_off[p0]), int(c.para_off[p1])
            hashes = c.para_hash[lo:hi] if whole else c.para_hash[lo:hi][self.keep_hash[lo:hi]]
            self._sets[key] = sorted_unique(hashes)
        return self._sets[key]

    def similarity(self, a: int, b: int) -> float:
        x, y = self.get(a, False), self.get(b, False)
        if x.size == 0 and y.size == 0:
            x, y = self.get(a, True), self.get(b, True)
        if x.size == 0 or y.size == 0:
            return 0.0
        return compare(x, y).jaccard


def find_clusters(c: Corpus, rank: np.ndarray, boilerplate: np.ndarray, threshold: float) -> Clusters:
    """Clusters of near-duplicate documents, canonical first by ``rank``;
    ``boilerplate`` marks the paragraphs left out of the comparison."""
    n_docs = len(c.ids)
    items = np.flatnonzero(~c.doc_empty)
    order = items[np.argsort(rank[items], kind="stable")]
    sets = DocumentSets(c, boilerplate)
    g = leader_groups(order.size, band_pairs(c.doc_bands, order),
                      lambda i, j: sets.similarity(int(order[i]), int(order[j])), threshold)
    of = np.arange(n_docs, dtype=np.int64)
    of[order] = order[g.canonical]
    by_canon: dict[int, list[int]] = {}
    for pos in np.flatnonzero(g.canonical != np.arange(order.size)).tolist():
        by_canon.setdefault(int(g.canonical[pos]), []).append(pos)
    groups = [(int(order[cpos]), [int(order[m]) for m in mpos], min(float(g.similarity[m]) for m in mpos))
              for cpos, mpos in by_canon.items()]
    return Clusters(of, groups)
