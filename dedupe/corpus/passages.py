"""Stage: passages copied between documents that are not near-duplicates
of each other: near-duplicate paragraphs (Jaccard), and sentences repeated
exactly after normalization, runs of adjacent matches merged into one
passage. A sentence repeated in enough documents is boilerplate instead."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from dedupe.corpus import boilerplate as bp
from dedupe.corpus.batches import PROSE, Corpus, Spool
from dedupe.corpus.blocks import RawBlock
from dedupe.corpus.grouping import near_groups, runs, unit_rank
from dedupe.options import Options


@dataclass(frozen=True)
class Match:
    """Text of ``copy_doc`` at ``[c_start, c_end)`` (sentences ``c_first``
    to ``c_last``, for adjacency) copied from ``src_doc``."""

    copy_doc: int
    c_first: int
    c_last: int
    c_start: int
    c_end: int
    src_doc: int
    s_first: int
    s_last: int
    s_start: int
    s_end: int
    similarity: float


@dataclass(frozen=True)
class Shared:
    """What the passage stage reads of the earlier stages."""

    doc_rank: np.ndarray
    para_rank: np.ndarray
    boilerplate: np.ndarray  # paragraphs that are boilerplate
    cluster_of: np.ndarray
    need: int  # documents that make a sentence boilerplate


def copied_paragraphs(c: Corpus, options: Options, s: Shared) -> tuple[list[Match], np.ndarray]:
    """Near-duplicate paragraphs in documents of different clusters, and a
    mask of every paragraph that copies one elsewhere (its sentences are
    not matched again)."""
    covered = s.boilerplate.copy()
    items = np.flatnonzero((c.para_kind == PROSE) & (c.para_tokens >= options.min_tokens) & ~s.boilerplate)
    pg = near_groups(items, s.para_rank, c.para_key, c.para_bands, c.para_off, c.para_hash, options.threshold)
    grp = np.flatnonzero(np.isin(pg.canonical, pg.canonical[pg.canonical != pg.items]))
    order, bounds = runs(pg.canonical[grp])
    out: list[Match] = []
    for k in range(bounds.size - 1):
        sel = grp[order[bounds[k]:bounds[k + 1]]]  # in canonical order
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
            if s.cluster_of[d] == s.cluster_of[src_doc]:
                continue  # the document cluster already says so
            out.append(Match(
                d, int(c.para_sent0[m]), int(c.para_sent1[m]), int(c.para_start[m]), int(c.para_end[m]),
                src_doc, int(c.para_sent0[src]), int(c.para_sent1[src]),
                int(c.para_start[src]), int(c.para_end[src]), float(pg.similarity[pos]),
            ))
    return out, covered


def repeated_sentences(c: Corpus, options: Options, s: Shared, covered: np.ndarray,
                       spool: Spool) -> tuple[list[Match], list[RawBlock]]:
    """Sentences repeated (after normalization and digit masking) in other
    documents: boilerplate when found in enough documents of different
    clusters, otherwise copies of the first occurrence."""
    if c.sent_para.size == 0:
        return [], []
    items = np.flatnonzero((c.sent_tokens >= options.min_tokens) & ~s.boilerplate[c.sent_para])
    s_rank = unit_rank(s.doc_rank, c.sent_doc, c.sent_start)
    items = items[np.lexsort((s_rank[items], c.sent_key[items]))]
    keys, docs_of = c.sent_key[items], c.sent_doc[items]
    new_key = np.r_[True, keys[1:] != keys[:-1]]
    # Within a key, sentences are in document rank order, so each change
    # of document is one more distinct document.
    new_doc = new_key | np.r_[True, docs_of[1:] != docs_of[:-1]]
    starts = np.flatnonzero(new_key)
    ends = np.r_[starts[1:], keys.size]
    distinct = np.add.reduceat(new_doc.astype(np.int64), starts) if starts.size else np.zeros(0, np.int64)
    matches: list[Match] = []
    found: list[RawBlock] = []
    for a, b, n_docs in zip(starts[distinct >= 2].tolist(), ends[distinct >= 2].tolist(),
                            distinct[distinct >= 2].tolist()):
        run = items[a:b]
        if n_docs >= s.need and np.unique(s.cluster_of[docs_of[a:b]]).size >= s.need:
            occ = [(int(c.sent_doc[x]), int(c.sent_start[x]), int(c.sent_end[x])) for x in run]
            found.append(("sentence", -1 - int(run[0]), occ, int(n_docs)))
        else:
            matches.extend(_copies_of(c, run, s, covered, spool))
    return matches, found


def _copies_of(c: Corpus, run: np.ndarray, s: Shared, covered: np.ndarray, spool: Spool) -> list[Match]:
    """Each later document's first occurrence of the sentence ``run[0]``."""
    src = int(run[0])
    src_doc = int(c.sent_doc[src])
    seen = {src_doc}
    out = []
    for x in run[1:].tolist():
        d = int(c.sent_doc[x])
        if d in seen:
            continue
        seen.add(d)
        if covered[c.sent_para[x]] or s.cluster_of[d] == s.cluster_of[src_doc]:
            continue
        if not c.sent_long[x]:
            continue  # a short sentence is a copy only inside a longer run (the evidence rule)
        if not _same_numbers(spool, (d, int(c.sent_start[x]), int(c.sent_end[x])),
                             (src_doc, int(c.sent_start[src]), int(c.sent_end[src]))):
            continue
        out.append(Match(d, x, x, int(c.sent_start[x]), int(c.sent_end[x]),
                         src_doc, src, src, int(c.sent_start[src]), int(c.sent_end[src]), 1.0))
    return out


def _same_numbers(spool: Spool, a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    """Sentences are matched on digit-masked text, so that dates do not
    split boilerplate; a copied sentence must also carry the same numbers,
    or every templated "ruled from 1124 to 1126" would copy the next one."""
    (da, sa, ea), (db, sb, eb) = a, b
    return bp.digits(spool.text(da)[sa:ea]) == bp.digits(spool.text(db)[sb:eb])


def merge_passages(matches: list[Match], doc_rank: np.ndarray) -> list[Match]:
    """Adjacent matches (next sentence in the copy, next sentence in the
    source, same source document) merged into one passage."""
    matches = sorted(matches, key=lambda m: (int(doc_rank[m.copy_doc]), m.c_start, int(doc_rank[m.src_doc]), m.s_start))
    out: list[Match] = []
    for m in matches:
        last = out[-1] if out else None
        if (
            last is not None and last.copy_doc == m.copy_doc and last.src_doc == m.src_doc
            and m.c_first == last.c_last + 1 and m.s_first == last.s_last + 1
        ):
            out[-1] = replace(last, c_last=m.c_last, c_end=m.c_end, s_last=m.s_last, s_end=m.s_end,
                              similarity=min(last.similarity, m.similarity))
        elif last is not None and last.copy_doc == m.copy_doc and m.c_start < last.c_end:
            continue  # overlaps a passage already reported
        else:
            out.append(m)
    return out
