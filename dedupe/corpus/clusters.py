"""Stage: near-duplicate documents, by exact Jaccard of their shingle sets
without their boilerplate, grouped under the leader rule."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dedupe.core.groups import leader_groups
from dedupe.core.shingle import ShingleSets, sorted_unique, unique_sets
from dedupe.core.verify import set_intersections
from dedupe.corpus.batches import Corpus
from dedupe.corpus.grouping import band_pairs, by_rank


@dataclass(frozen=True)
class Clusters:
    """``of[d]``: the canonical document of document ``d`` (itself when it
    is in no cluster); ``groups``: (canonical, members, lowest similarity)."""

    of: np.ndarray
    groups: list[tuple[int, list[int], float]]


def document_similarities(c: Corpus, boilerplate: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Jaccard similarity of the documents of each pair, on their shingle
    sets without their boilerplate paragraphs.

    Shared boilerplate makes unrelated short pages look alike (two stubs
    with one sentence each and the same two footers), so it is left out;
    two documents that are nothing but boilerplate-like paragraphs (three
    copies of one article, whose paragraphs recur in three documents) are
    compared whole. Every set is built and every pair verified in a few
    array calls."""
    if pairs.size == 0:
        return np.zeros(0)
    docs = sorted_unique(pairs.ravel())
    local = np.searchsorted(docs, pairs)
    sets = _document_sets(c, docs, ~boilerplate)
    size = np.diff(sets.offsets)
    inter = set_intersections(sets, local)
    a, b = size[local[:, 0]], size[local[:, 1]]
    whole = (a == 0) & (b == 0)
    if whole.any():
        again = local[whole]
        used = sorted_unique(again.ravel())
        all_sets = _document_sets(c, docs[used], np.ones(c.para_doc.size, dtype=bool))
        at = np.searchsorted(used, again)
        inter[whole] = set_intersections(all_sets, at)
        sizes = np.diff(all_sets.offsets)
        a[whole], b[whole] = sizes[at[:, 0]], sizes[at[:, 1]]
    out = np.zeros(len(pairs))
    ok = (a > 0) & (b > 0)
    out[ok] = inter[ok] / (a[ok] + b[ok] - inter[ok])
    return out


def _document_sets(c: Corpus, docs: np.ndarray, paragraphs: np.ndarray) -> ShingleSets:
    """The shingle set of each document of ``docs`` (sorted): the union of
    the sets of its paragraphs that ``paragraphs`` marks. Paragraphs are
    stored document by document, so one mask selects them all in order."""
    chosen = np.zeros(len(c.ids), dtype=bool)
    chosen[docs] = True
    use = paragraphs & chosen[c.para_doc]
    lengths = np.diff(c.para_off)
    per_doc = np.bincount(c.para_doc[use], weights=lengths[use], minlength=len(c.ids))[docs].astype(np.int64)
    offsets = np.zeros(docs.size + 1, dtype=np.int64)
    np.cumsum(per_doc, out=offsets[1:])
    empty = np.zeros(docs.size, dtype=np.int64)
    hashes = c.para_hash[np.repeat(use, lengths)]
    return unique_sets(ShingleSets(hashes, offsets, empty, empty.astype(np.uint64)), overwrite=True)


@dataclass(frozen=True)
class DocumentPairs:
    """The documents that have shingles, in canonical order (``order``),
    their LSH candidate pairs (positions in ``order``) and the pairs'
    Jaccard similarity."""

    order: np.ndarray
    pairs: np.ndarray
    similarity: np.ndarray


def document_pairs(c: Corpus, rank: np.ndarray, boilerplate: np.ndarray) -> DocumentPairs:
    """Candidate pairs of documents and their similarity without the
    paragraphs ``boilerplate`` marks (:func:`document_similarities`)."""
    items = np.flatnonzero(~c.doc_empty)
    order = by_rank(items, rank)
    pairs = band_pairs(c.doc_bands, order)
    return DocumentPairs(order, pairs, document_similarities(c, boilerplate, order[pairs]))


def without(c: Corpus, whole: DocumentPairs, boilerplate: np.ndarray) -> DocumentPairs:
    """``whole`` (:func:`document_pairs` with no boilerplate) as it is
    without the paragraphs ``boilerplate`` marks: only pairs with a
    document that has such a paragraph are compared again, since the set
    of a document without one is its whole set. This lets the whole
    comparison run before the boilerplate is known."""
    touched = np.zeros(len(c.ids), dtype=bool)
    touched[c.para_doc[boilerplate]] = True
    docs = whole.order[whole.pairs]
    again = np.flatnonzero(touched[docs].any(axis=1))
    similarity = whole.similarity.copy()
    similarity[again] = document_similarities(c, boilerplate, docs[again])
    return DocumentPairs(whole.order, whole.pairs, similarity)


def find_clusters(c: Corpus, d: DocumentPairs, threshold: float) -> Clusters:
    """Clusters of near-duplicate documents, canonical first (``d.order``
    is canonical order), from the candidate pairs ``d`` (:func:`document_pairs`)."""
    n_docs = len(c.ids)
    order = d.order
    g = leader_groups(order.size, d.pairs, d.similarity, threshold)
    of = np.arange(n_docs, dtype=np.int64)
    of[order] = order[g.canonical]
    by_canon: dict[int, list[int]] = {}
    for pos in np.flatnonzero(g.canonical != np.arange(order.size)).tolist():
        by_canon.setdefault(int(g.canonical[pos]), []).append(pos)
    groups = [(int(order[cpos]), [int(order[m]) for m in mpos], min(float(g.similarity[m]) for m in mpos))
              for cpos, mpos in by_canon.items()]
    return Clusters(of, groups)
