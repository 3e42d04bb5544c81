"""Stage: boilerplate blocks, paragraphs that recur across many documents.

The rule counts documents that are not near-duplicates of each other, so
that three copies of one article do not make its paragraphs boilerplate;
and near-duplicate documents are found without their boilerplate. Both at
once is done in two steps: paragraph groups found in enough documents are
*candidates* (:func:`candidate_blocks`); documents are clustered without
them; a candidate found in enough clusters is a block (:func:`blocks`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dedupe.corpus.batches import Corpus
from dedupe.corpus.grouping import Grouped, near_groups, runs

#: (level, canonical unit, occurrences as (doc, start, end), documents)
RawBlock = tuple[str, int, list[tuple[int, int, int]], int]


@dataclass(frozen=True)
class Candidates:
    """Paragraph groups (``grouped``) and which of their canonicals occur
    in at least the required number of documents."""

    grouped: Grouped
    canonicals: np.ndarray  # canonicals of the candidate groups
    documents: dict[int, int]  # canonical -> documents it occurs in

    def paragraphs(self, n_paragraphs: int) -> np.ndarray:
        """A mask of the paragraphs in candidate groups."""
        mask = np.zeros(n_paragraphs, dtype=bool)
        mask[self.grouped.items[np.isin(self.grouped.canonical, self.canonicals)]] = True
        return mask


def candidate_blocks(c: Corpus, para_rank: np.ndarray, threshold: float, need: int) -> Candidates:
    """Groups of near-duplicate (digit-masked) paragraphs found in at least
    ``need`` documents."""
    g = near_groups(np.flatnonzero(c.para_tokens > 0), para_rank, c.para_key, c.mask_bands,
                    c.para_off, c.para_hash, threshold)
    if g.items.size == 0:
        return Candidates(g, np.zeros(0, np.int64), {})
    canon_docs = np.unique(np.stack([g.canonical, c.para_doc[g.items]], axis=1), axis=0)
    cans, counts = np.unique(canon_docs[:, 0], return_counts=True)
    keep = counts >= need
    return Candidates(g, cans[keep], dict(zip(cans[keep].tolist(), counts[keep].tolist())))


def blocks(c: Corpus, cand: Candidates, cluster_of: np.ndarray, need: int) -> tuple[np.ndarray, list[RawBlock]]:
    """The candidates found in at least ``need`` document clusters: a mask
    of their paragraphs, and one block each."""
    g = cand.grouped
    para_bp = np.zeros(c.para_doc.size, dtype=bool)
    if cand.canonicals.size == 0:
        return para_bp, []
    sel = np.flatnonzero(np.isin(g.canonical, cand.canonicals))
    pairs = np.unique(np.stack([g.canonical[sel], cluster_of[c.para_doc[g.items[sel]]]], axis=1), axis=0)
    cans, distinct = np.unique(pairs[:, 0], return_counts=True)
    confirmed = cans[distinct >= need]
    sel = sel[np.isin(g.canonical[sel], confirmed)]
    para_bp[g.items[sel]] = True
    out: list[RawBlock] = []
    order, bounds = runs(g.canonical[sel])
    for k in range(bounds.size - 1):
        members = g.items[sel[order[bounds[k]:bounds[k + 1]]]]
        canon = int(g.canonical[sel[order[bounds[k]]]])
        occ = [(int(c.para_doc[m]), int(c.para_start[m]), int(c.para_end[m])) for m in members.tolist()]
        out.append(("paragraph", canon, occ, cand.documents[canon]))
    return para_bp, out
