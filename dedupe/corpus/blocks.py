"""Stage: boilerplate blocks, paragraphs that recur across many documents.

The rule counts documents that are not near-duplicates of each other, so
that three copies of one article do not make its paragraphs boilerplate;
and near-duplicate documents are found without their boilerplate. Both at
once is done in two steps: paragraph groups found in enough documents are
*candidates* (:func:`candidate_blocks`); documents are clustered without
them; a candidate found in enough clusters is a block (:func:`blocks`).

Short paragraphs are grouped a second way, by the template they fill
(:mod:`dedupe.corpus.templates`): a byline whose author, date and
reading time all change is one block although its masked shingles share
little. A paragraph that fills a template joins the template's group;
so does a paragraph whose near-duplicate canonical fills one."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dedupe.core.shingle import among
from dedupe.corpus import boilerplate as bp
from dedupe.corpus import templates as tp
from dedupe.corpus.batches import HEADING, Corpus, Spool
from dedupe.corpus.grouping import Grouped, distinct_counts, near_groups, run_bounds, runs

#: (level, canonical unit, occurrences as (doc, start, end), documents)
RawBlock = tuple[str, int, list[tuple[int, int, int]], int]


@dataclass(frozen=True)
class Candidates:
    """Paragraph groups (``grouped``) and which of their canonicals occur
    in at least the required number of documents."""

    grouped: Grouped
    canonicals: np.ndarray  # canonicals of the candidate groups
    documents: dict[int, int]  # canonical -> documents it occurs in
    templates: dict[int, str] = field(default_factory=dict)  # canonical -> text form of its template

    def paragraphs(self, n_paragraphs: int) -> np.ndarray:
        """A mask of the paragraphs in candidate groups."""
        mask = np.zeros(n_paragraphs, dtype=bool)
        mask[self.grouped.items[among(self.grouped.canonical, self.canonicals)]] = True
        return mask


#: A paragraph with more (masked) tokens than this is never a template
#: block, whatever its script (a short block weighs at most
#: ``templates.MAX_WEIGHT`` words, a Han character half a word).
TEMPLATE_TOKENS = int(2 * tp.MAX_WEIGHT)


@dataclass(frozen=True)
class TemplateGroups:
    """For each paragraph, the canonical paragraph of the template it
    fills (``of``, -1: none), and the text form of each template by
    canonical (``forms``)."""

    of: np.ndarray
    forms: dict[int, str]


def template_groups(c: Corpus, para_rank: np.ndarray, spool: Spool, need: int) -> TemplateGroups:
    """The templates that short paragraphs fill (:mod:`dedupe.corpus.templates`)."""
    of = np.full(c.para_doc.size, -1, dtype=np.int64)
    short = np.flatnonzero((c.para_kind != HEADING) & (c.para_tokens > 0) & (c.para_tokens <= TEMPLATE_TOKENS))
    paras, texts = _eligible_blocks(c, short, spool)
    masked = bp.mask_all(texts)
    found = tp.learn(tp.TokenBlocks.of(masked), c.para_doc[paras].tolist() if paras else [], need)
    canon: dict[int, int] = {}  # template -> its most canonical paragraph
    forms: dict[int, str] = {}
    for k in sorted(range(len(paras)), key=lambda k: int(para_rank[paras[k]])):
        j = found.of[k]
        if j < 0:
            continue
        if j not in canon:
            canon[j] = paras[k]
            forms[paras[k]] = tp.template_text(masked[k], found.positions[k])
        of[paras[k]] = canon[j]
    return TemplateGroups(of, forms)


#: Documents read at once for their template blocks: their texts are
#: held only while their blocks are cut out.
BLOCK_DOCS = 4096


def _eligible_blocks(c: Corpus, short: np.ndarray, spool: Spool) -> tuple[list[int], list[str]]:
    """The paragraphs of ``short`` that may be template blocks
    (:func:`dedupe.corpus.templates.eligible`, weighed in stage 1:
    ``para_light``), and their texts. Paragraphs are stored document by
    document, so each document that holds one is read once, with its
    neighbours, a few thousand documents at a time. Weighed here, the
    short paragraphs (at a million paragraphs, most of them prose too
    long to be a template) had every document that holds one read: the
    templates took 0.67-0.75 s there, 0.40-0.45 s now."""
    kept = short[c.para_light[short]]
    docs = c.para_doc[kept]
    cuts = [*run_bounds(docs)[:-1:BLOCK_DOCS].tolist(), docs.size]
    texts: list[str] = []
    for lo, hi in zip(cuts[:-1], cuts[1:]):
        part = kept[lo:hi]
        read, which = spool.documents_of(docs[lo:hi])
        texts += [read[w][a:b] for w, a, b in zip(which.tolist(), c.para_start[part].tolist(),
                                                  c.para_end[part].tolist())]
    return kept.tolist(), texts


def _regroup(g: Grouped, template_of: np.ndarray) -> Grouped:
    """``g`` with each paragraph that fills a template, or whose canonical
    does, in the template's group."""
    mine = template_of[g.items]
    via = template_of[g.canonical]
    canonical = np.where(mine >= 0, mine, np.where(via >= 0, via, g.canonical))
    return Grouped(g.items, canonical, g.similarity)


def paragraph_groups(c: Corpus, para_rank: np.ndarray, threshold: float) -> Grouped:
    """Near-duplicate (digit-masked) paragraphs at the boilerplate
    ``threshold``, canonical first by ``para_rank``."""
    return near_groups(np.flatnonzero(c.para_tokens > 0), para_rank, c.para_key, c.mask_bands,
                       c.para_off, c.para_hash, threshold)


def candidate_blocks(c: Corpus, g: Grouped, need: int, templates: TemplateGroups | None = None) -> Candidates:
    """The paragraph groups ``g`` (:func:`paragraph_groups`), with each
    paragraph that fills a template (:func:`template_groups`) in its
    template's group, found in at least ``need`` documents."""
    forms: dict[int, str] = {}
    if templates is not None and g.items.size:
        g, forms = _regroup(g, templates.of), templates.forms
    if g.items.size == 0:
        return Candidates(g, np.zeros(0, np.int64), {})
    cans, counts = distinct_counts(g.canonical, c.para_doc[g.items])
    keep = counts >= need
    kept = dict(zip(cans[keep].tolist(), counts[keep].tolist()))
    return Candidates(g, cans[keep], kept, {k: v for k, v in forms.items() if k in kept})


def blocks(c: Corpus, cand: Candidates, cluster_of: np.ndarray, need: int) -> tuple[np.ndarray, list[RawBlock]]:
    """The candidates found in at least ``need`` document clusters: a mask
    of their paragraphs, and one block each."""
    g = cand.grouped
    para_bp = np.zeros(c.para_doc.size, dtype=bool)
    if cand.canonicals.size == 0:
        return para_bp, []
    sel = np.flatnonzero(among(g.canonical, cand.canonicals))
    cans, distinct = distinct_counts(g.canonical[sel], cluster_of[c.para_doc[g.items[sel]]])
    confirmed = cans[distinct >= need]
    sel = sel[among(g.canonical[sel], confirmed)]
    para_bp[g.items[sel]] = True
    out: list[RawBlock] = []
    order, bounds = runs(g.canonical[sel])
    for k in range(bounds.size - 1):
        members = g.items[sel[order[bounds[k]:bounds[k + 1]]]]
        canon = int(g.canonical[sel[order[bounds[k]]]])
        occ = [(int(c.para_doc[m]), int(c.para_start[m]), int(c.para_end[m])) for m in members.tolist()]
        out.append(("paragraph", canon, occ, cand.documents[canon]))
    return para_bp, out
