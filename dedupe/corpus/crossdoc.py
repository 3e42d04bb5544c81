"""Stages 2-4 of a corpus scan, over the arrays of every batch:
boilerplate blocks, near-duplicate document clusters and passages copied
between documents, each canonical-first in a stable order."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from dedupe.core.candidates import pairs_from_buckets
from dedupe.core.groups import leader_groups
from dedupe.core.shingle import ShingleSets, sorted_unique
from dedupe.core.verify import compare, jaccard_pairs
from dedupe.corpus import boilerplate as bp
from dedupe.corpus.batches import PROSE, Corpus, Spool
from dedupe.options import Options, ScanOptions


@dataclass(frozen=True)
class _Grouped:
    items: np.ndarray  # global indices, in canonical order
    canonical: np.ndarray  # for each item, the global index of its canonical
    similarity: np.ndarray


def _pair_jaccard(off: np.ndarray, hashes: np.ndarray, units: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Exact Jaccard of the shingle sets of ``units[a]`` and ``units[b]``
    for every pair ``(a, b)``; 0.0 when either set is empty."""
    if pairs.size == 0:
        return np.zeros(0)
    sets = ShingleSets(hashes, off, np.zeros(0, np.int64), np.zeros(0, np.uint64))
    inter, size_a, size_b = jaccard_pairs(sets, units[pairs])
    union = size_a + size_b - inter
    out = np.zeros(len(pairs))
    ok = (size_a > 0) & (size_b > 0)
    out[ok] = inter[ok] / union[ok]
    return out


def _band_pairs(bands: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Candidate pairs ``(i, j)``, ``i < j``, of positions in ``rows`` whose
    band keys agree in some band. One band at a time: sorting all bands at
    once needs several times the memory of the keys themselves."""
    members = np.arange(rows.size, dtype=np.int64)
    found = []
    for b in range(bands.shape[1]):
        p = pairs_from_buckets(bands[rows, b], members)
        if p.size:
            found.append(p)
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(found)
    span = np.int64(rows.size)
    key = np.unique(pairs[:, 0] * span + pairs[:, 1])
    return np.stack([key // span, key % span], axis=1)


def _near_groups(
    items: np.ndarray, rank: np.ndarray, keys: np.ndarray, bands: np.ndarray,
    off: np.ndarray, hashes: np.ndarray, threshold: float,
) -> _Grouped:
    """Groups of near-duplicate items: exact copies (equal keys) first,
    then LSH candidates among one representative of each exact group,
    verified against the group canonical."""
    items = items[np.argsort(rank[items], kind="stable")]
    n = items.size
    if n == 0:
        return _Grouped(items, items.copy(), np.ones(0))
    k = keys[items]
    by_key = np.lexsort((np.arange(n), k))
    kk = k[by_key]
    first = np.ones(n, dtype=bool)
    first[1:] = kk[1:] != kk[:-1]
    run = np.cumsum(first) - 1
    rep_pos = by_key[first]  # the most canonical position of each key
    rep_of = np.empty(n, dtype=np.int64)
    rep_of[by_key] = rep_pos[run]
    reps = np.sort(rep_pos)
    r_index = np.full(n, -1, dtype=np.int64)
    r_index[reps] = np.arange(reps.size)
    pairs = _band_pairs(bands, items[reps])
    # Every candidate pair verified exactly in a few numpy calls, then
    # looked up while grouping.
    known = dict(zip(map(tuple, np.sort(pairs, axis=1).tolist()),
                     _pair_jaccard(off, hashes, items[reps], pairs).tolist()))

    def sim(i: int, j: int) -> float:
        return known[(i, j) if i < j else (j, i)]

    g = leader_groups(reps.size, pairs, sim, threshold)
    rep_canon = reps[g.canonical]  # position of each representative's canonical
    my_rep = r_index[rep_of]
    canon_pos = rep_canon[my_rep]
    similarity = g.similarity[my_rep].copy()
    # Exact copies of a canonical are similar at 1.0 (already so), exact
    # copies of a member share the member's similarity.
    return _Grouped(items, items[canon_pos], similarity)


def _doc_rank(ids: list[str], lengths: np.ndarray, keep: str) -> np.ndarray:
    n = len(ids)
    if keep == "longest":
        order = sorted(range(n), key=lambda i: (-int(lengths[i]), ids[i]))
    else:
        order = sorted(range(n), key=ids.__getitem__)
    rank = np.empty(n, dtype=np.int64)
    rank[np.array(order, dtype=np.int64)] = np.arange(n, dtype=np.int64)
    return rank


def _unit_rank(doc_rank: np.ndarray, doc: np.ndarray, start: np.ndarray) -> np.ndarray:
    rank = np.empty(doc.size, dtype=np.int64)
    rank[np.lexsort((start, doc_rank[doc]))] = np.arange(doc.size, dtype=np.int64)
    return rank


def _runs(canonical: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions sorted by canonical (stable) and the bounds of each run."""
    order = np.argsort(canonical, kind="stable")
    cs = canonical[order]
    bounds = np.flatnonzero(np.r_[True, cs[1:] != cs[:-1], True]) if cs.size else np.zeros(1, np.int64)
    return order, bounds


def _min_docs(so: ScanOptions, n_docs: int) -> int:
    return max(so.min_documents, math.ceil(so.min_share * n_docs - 1e-9))


@dataclass
class _Match:
    copy_doc: int
    c_first: int  # sentence ordinals, for adjacency
    c_last: int
    c_start: int
    c_end: int
    src_doc: int
    s_first: int
    s_last: int
    s_start: int
    s_end: int
    similarity: float


def analyze_corpus(c: Corpus, options: Options, so: ScanOptions, spool: Spool):
    n_docs = len(c.ids)
    doc_rank = _doc_rank(c.ids, c.lengths, options.keep)
    para_rank = _unit_rank(doc_rank, c.para_doc, c.para_start)
    need = _min_docs(so, n_docs)

    # --- near-duplicate documents: Jaccard of their whole shingle sets
    doc_items = np.flatnonzero(~c.doc_empty)

    @lru_cache(maxsize=4096)
    def doc_set(d: int) -> np.ndarray:
        p0, p1 = int(c.doc_para0[d]), int(c.doc_para0[d] + c.doc_paras[d])
        return sorted_unique(c.para_hash[c.para_off[p0] : c.para_off[p1]])

    def doc_sim(a: int, b: int) -> float:
        x, y = doc_set(a), doc_set(b)
        if x.size == 0 or y.size == 0:
            return 0.0
        return compare(x, y).jaccard

    order = doc_items[np.argsort(doc_rank[doc_items], kind="stable")]
    pairs = _band_pairs(c.doc_bands, order)
    dg = leader_groups(order.size, pairs, lambda i, j: doc_sim(int(order[i]), int(order[j])),
                       options.threshold)
    cluster_of = np.arange(n_docs, dtype=np.int64)
    cluster_of[order] = order[dg.canonical]
    clusters: list[tuple[int, list[int], float]] = []
    grouped = np.flatnonzero(dg.canonical != np.arange(order.size))
    by_canon: dict[int, list[int]] = {}
    for pos in grouped.tolist():
        by_canon.setdefault(int(dg.canonical[pos]), []).append(pos)
    for cpos, mpos in by_canon.items():
        sims = [float(dg.similarity[m]) for m in mpos]
        clusters.append((int(order[cpos]), [int(order[m]) for m in mpos], min(sims)))

    # --- boilerplate paragraphs. The rule counts documents that are not
    # near-duplicates of each other: three copies of one article do not
    # make its paragraphs boilerplate.
    bp_items = np.flatnonzero(c.para_tokens > 0)
    g = _near_groups(bp_items, para_rank, c.para_key, c.mask_bands, c.para_off, c.para_hash,
                     so.boilerplate_threshold)
    para_bp = np.zeros(c.para_doc.size, dtype=bool)
    blocks: list[tuple[str, int, list[tuple[int, int, int]], int]] = []  # level, canon unit, occs, docs
    if g.items.size:
        docs_of = c.para_doc[g.items]
        canon_docs = np.unique(np.stack([g.canonical, docs_of], axis=1), axis=0)
        cans, counts = np.unique(canon_docs[:, 0], return_counts=True)
        canon_clusters = np.unique(np.stack([g.canonical, cluster_of[docs_of]], axis=1), axis=0)
        cans2, distinct = np.unique(canon_clusters[:, 0], return_counts=True)
        bp_canon = cans2[distinct >= need]
        is_bp = np.isin(g.canonical, bp_canon)
        para_bp[g.items[is_bp]] = True
        sel = np.flatnonzero(is_bp)
        order, bounds = _runs(g.canonical[sel])
        for k in range(bounds.size - 1):
            members = g.items[sel[order[bounds[k] : bounds[k + 1]]]]
            canon = int(g.canonical[sel[order[bounds[k]]]])
            occ = [(int(c.para_doc[m]), int(c.para_start[m]), int(c.para_end[m])) for m in members.tolist()]
            blocks.append(("paragraph", canon, occ, int(counts[np.searchsorted(cans, canon)])))

    # --- copied paragraphs
    matches: list[_Match] = []
    covered = para_bp.copy()
    p_items = np.flatnonzero(
        (c.para_kind == PROSE) & (c.para_tokens >= options.min_tokens) & ~para_bp
    )
    pg = _near_groups(p_items, para_rank, c.para_key, c.para_bands, c.para_off, c.para_hash,
                      options.threshold)
    in_group = np.isin(pg.canonical, pg.canonical[pg.canonical != pg.items])
    grp = np.flatnonzero(in_group)
    order, bounds = _runs(pg.canonical[grp])
    for k in range(bounds.size - 1):
        sel = grp[order[bounds[k] : bounds[k + 1]]]  # in canonical order
        src = int(pg.canonical[sel[0]])
        src_doc = int(c.para_doc[src])
        seen = {src_doc}
        for pos in sel.tolist():
            m = int(pg.items[pos])
            d = int(c.para_doc[m])
            if d in seen:
                continue  # repeats inside one document are not cross-document copies
            seen.add(d)
            covered[m] = True
            if cluster_of[d] == cluster_of[src_doc]:
                continue  # the document cluster already says so
            matches.append(_Match(
                d, int(c.para_sent0[m]), int(c.para_sent1[m]), int(c.para_start[m]), int(c.para_end[m]),
                src_doc, int(c.para_sent0[src]), int(c.para_sent1[src]),
                int(c.para_start[src]), int(c.para_end[src]), float(pg.similarity[pos]),
            ))

    # --- repeated sentences: passages, or boilerplate when widespread
    s_ok = (c.sent_tokens >= options.min_tokens) & ~para_bp[c.sent_para] if c.sent_para.size else np.zeros(0, bool)
    s_items = np.flatnonzero(s_ok)
    if s_items.size:
        s_rank = _unit_rank(doc_rank, c.sent_doc, c.sent_start)
        s_items = s_items[np.lexsort((s_rank[s_items], c.sent_key[s_items]))]
        keys = c.sent_key[s_items]
        docs_of = c.sent_doc[s_items]
        new_key = np.r_[True, keys[1:] != keys[:-1]]
        # Within a key, sentences are in document rank order, so each change
        # of document is one more distinct document.
        new_doc = new_key | np.r_[True, docs_of[1:] != docs_of[:-1]]
        starts = np.flatnonzero(new_key)
        ends = np.r_[starts[1:], keys.size]
        distinct = np.add.reduceat(new_doc.astype(np.int64), starts)
        for a, b, n_docs_here in zip(starts[distinct >= 2].tolist(), ends[distinct >= 2].tolist(),
                                     distinct[distinct >= 2].tolist()):
            run = s_items[a:b]
            if n_docs_here >= need and np.unique(cluster_of[docs_of[a:b]]).size >= need:
                occ = [(int(c.sent_doc[s]), int(c.sent_start[s]), int(c.sent_end[s])) for s in run]
                blocks.append(("sentence", -1 - int(run[0]), occ, int(n_docs_here)))
                continue
            src = int(run[0])
            src_doc = int(c.sent_doc[src])
            seen = {src_doc}
            for s in run[1:].tolist():
                d = int(c.sent_doc[s])
                if d in seen:
                    continue
                seen.add(d)
                if covered[c.sent_para[s]] or cluster_of[d] == cluster_of[src_doc]:
                    continue
                if not _same_numbers(spool, (d, int(c.sent_start[s]), int(c.sent_end[s])),
                                     (src_doc, int(c.sent_start[src]), int(c.sent_end[src]))):
                    continue
                matches.append(_Match(d, s, s, int(c.sent_start[s]), int(c.sent_end[s]),
                                      src_doc, src, src, int(c.sent_start[src]), int(c.sent_end[src]), 1.0))
    return doc_rank, clusters, blocks, matches


def _same_numbers(spool: Spool, a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    """Sentences are matched on digit-masked text, so that dates do not
    split boilerplate; a copied sentence must also carry the same numbers,
    or every templated "ruled from 1124 to 1126" would copy the next one."""
    (da, sa, ea), (db, sb, eb) = a, b
    return bp.digits(spool.text(da)[sa:ea]) == bp.digits(spool.text(db)[sb:eb])


def merge_passages(matches: list[_Match], doc_rank: np.ndarray) -> list[_Match]:
    """Adjacent matches (next sentence in the copy, next sentence in the
    source, same source document) merged into one passage."""
    matches = sorted(matches, key=lambda m: (int(doc_rank[m.copy_doc]), m.c_start, int(doc_rank[m.src_doc]), m.s_start))
    out: list[_Match] = []
    for m in matches:
        last = out[-1] if out else None
        if (
            last is not None and last.copy_doc == m.copy_doc and last.src_doc == m.src_doc
            and m.c_first == last.c_last + 1 and m.s_first == last.s_last + 1
        ):
            last.c_last, last.c_end = m.c_last, m.c_end
            last.s_last, last.s_end = m.s_last, m.s_end
            last.similarity = min(last.similarity, m.similarity)
        elif last is not None and last.copy_doc == m.copy_doc and m.c_start < last.c_end:
            continue  # overlaps a passage already reported
        else:
            out.append(_Match(**vars(m)))
    return out
