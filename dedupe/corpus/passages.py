"""Stage: passages copied between documents that are not near-duplicates
of each other: near-duplicate paragraphs (Jaccard), and sentences copied
with light edits, merged, dropped or reordered (LSH over sentence
signatures, exact verification by Jaccard and containment, the rules of
:mod:`dedupe.core.reuse`), runs of adjacent matches merged into one
passage. A sentence repeated in enough documents is boilerplate instead."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import cast

import numpy as np

from dedupe.core import evidence, reuse
from dedupe.core.candidates import later_pairs
from dedupe.core.shingle import ShingleSets, among, ngrams, sorted_unique, unique_sets
from dedupe.core.verify import reaching_intersections, set_sketches
from dedupe.corpus import boilerplate as bp
from dedupe.corpus.batches import PROSE, Analyzed, Corpus
from dedupe.corpus.blocks import RawBlock
from dedupe.corpus.grouping import band_keys, band_ranges, merged_keys, near_groups, rank_order, repeated, runs
from dedupe.io.workers import ForkedPool
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
    sent_rank: np.ndarray  # the sentences' canonical order (:func:`dedupe.corpus.grouping.unit_rank`)


def copied_paragraphs(c: Corpus, options: Options, s: Shared) -> tuple[list[Match], np.ndarray]:
    """Near-duplicate paragraphs in documents of different clusters, and a
    mask of every paragraph that copies one elsewhere (its sentences are
    not matched again)."""
    covered = s.boilerplate.copy()
    items = np.flatnonzero((c.para_kind == PROSE) & (c.para_tokens >= options.min_tokens) & ~s.boilerplate)
    pg = near_groups(items, s.para_rank, c.para_key, c.para_bands, c.para_off, c.para_hash, options.threshold)
    grp = np.flatnonzero(among(pg.canonical, pg.canonical[pg.canonical != pg.items]))
    order, _ = runs(pg.canonical[grp])
    sel = grp[order]  # group by group, each in canonical order
    mine, src = pg.items[sel], pg.canonical[sel]
    doc, src_doc = c.para_doc[mine], c.para_doc[src]
    # A paragraph copies its group's canonical when it is the first of the
    # group in its document, and that is not the canonical's document
    # (repeats inside one document are not cross-document copies).
    by_doc = np.lexsort((np.arange(sel.size), doc, src))
    first = np.zeros(sel.size, dtype=bool)
    if sel.size:
        s_src, s_doc = src[by_doc], doc[by_doc]
        first[by_doc[np.r_[True, (s_src[1:] != s_src[:-1]) | (s_doc[1:] != s_doc[:-1])]]] = True
    copies = first & (doc != src_doc)
    covered[mine[copies]] = True
    # Copies inside one document cluster: the cluster already says so.
    found = np.flatnonzero(copies & (s.cluster_of[doc] != s.cluster_of[src_doc]))
    out = [
        Match(d, int(c.para_sent0[m]), int(c.para_sent1[m]), int(c.para_start[m]), int(c.para_end[m]),
              sd, int(c.para_sent0[x]), int(c.para_sent1[x]), int(c.para_start[x]), int(c.para_end[x]), sim)
        for m, d, x, sd, sim in zip(mine[found].tolist(), doc[found].tolist(), src[found].tolist(),
                                    src_doc[found].tolist(), pg.similarity[sel[found]].tolist())
    ]
    return out, covered


def sentence_blocks(c: Corpus, options: Options, s: Shared) -> tuple[list[RawBlock], np.ndarray]:
    """Sentences repeated (after normalization and digit masking) in enough
    documents of different clusters: one block each, and a mask of their
    sentences (which :func:`sentence_candidates` leaves out)."""
    found: list[RawBlock] = []
    is_bp = np.zeros(c.sent_para.size, dtype=bool)
    items = np.flatnonzero((c.sent_tokens >= options.min_tokens) & ~s.boilerplate[c.sent_para])
    # A block needs its key in ``need`` documents, so in as many sentences;
    # most keys are one sentence's, and they go before the sort by key and
    # rank (at a million paragraphs that sort took 0.6 s of the main
    # process while the workers waited).
    items = items[repeated(c.sent_key[items], s.need)]
    if items.size == 0:
        return found, is_bp
    items = items[np.lexsort((s.sent_rank[items], c.sent_key[items]))]
    keys, docs_of = c.sent_key[items], c.sent_doc[items]
    new_key = np.r_[True, keys[1:] != keys[:-1]]
    # Within a key, sentences are in document rank order, so each change
    # of document is one more distinct document.
    new_doc = new_key | np.r_[True, docs_of[1:] != docs_of[:-1]]
    starts = np.flatnonzero(new_key)
    ends = np.r_[starts[1:], keys.size]
    distinct = np.add.reduceat(new_doc.astype(np.int64), starts) if starts.size else np.zeros(0, np.int64)
    wide = distinct >= s.need
    for a, b, n_docs in zip(starts[wide].tolist(), ends[wide].tolist(), distinct[wide].tolist()):
        run = items[a:b]
        if sorted_unique(s.cluster_of[docs_of[a:b]]).size >= s.need:
            occ = [(int(c.sent_doc[x]), int(c.sent_start[x]), int(c.sent_end[x])) for x in run]
            found.append(("sentence", -1 - int(run[0]), occ, int(n_docs)))
            is_bp[run] = True
    return found, is_bp


def sentence_candidates(pool: ForkedPool[Analyzed], options: Options, s: Shared,
                        exclude: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """Starts the search for candidate copied sentences in ``pool``'s
    workers (its bands split between them) and returns what gives the
    pairs ``(copy, source)`` once they are found: LSH candidates over
    sentence signatures in documents of different clusters, the copy
    being the sentence of the later document in canonical order. ``exclude``
    (boilerplate) is neither copy nor source; a sentence of a paragraph
    that copies a whole paragraph (``covered``, given to what this
    returns) is no copy again."""
    c = pool.shared.corpus
    ascending = np.flatnonzero((c.sent_tokens >= options.min_tokens) & ~s.boilerplate[c.sent_para] & ~exclude)
    # Members in canonical order, so that a bucket over the fan-out cap
    # links its members to its most canonical sentence, whatever the input
    # order; their band keys read in ascending order (table_keys).
    order = rank_order(ascending, s.sent_rank)
    items = ascending[order]
    # As uint32, half the fresh memory: at a million paragraphs the 3.8
    # million places took 0.16 s to fill as uint64 (their pages' first
    # touch, most of it), 0.01 s as uint32.
    place = np.empty(order.size, dtype=np.uint32 if order.size < 2**32 else np.uint64)
    place[order] = np.arange(order.size, dtype=place.dtype)
    ranges = band_ranges(c.sent_bands, items.size) if items.size > 1 else []
    shares = [[ranges[i] for i in part.tolist()] for part in np.array_split(np.arange(len(ranges)), pool.jobs)]
    parts = [pool.submit(_sentence_keys, (ascending, place, share)) for share in shares if share]

    def pairs(covered: np.ndarray) -> np.ndarray:
        # Pairs of positions i < j in ``items``, which is in canonical
        # order: j's document comes later (documents of different clusters
        # are different documents), so j's sentence is the copy. They are
        # filtered against arrays the size of ``items``: a lookup in the
        # sentence-sized arrays cost a million paragraphs a second.
        return later_pairs(merged_keys([part() for part in parts]), items.size, s.cluster_of[c.sent_doc[items]],
                           ~covered[c.sent_para[items]], items, overwrite=True)

    return pairs


def _sentence_keys(a: Analyzed, task: tuple[np.ndarray, np.ndarray, list[tuple[int, int]]]) -> np.ndarray:
    ascending, place, ranges = task
    return band_keys(a.corpus.sent_bands, ascending, ranges, place)


def copied_sentences(pool: ForkedPool[Analyzed], options: Options, pairs: np.ndarray) -> list[Match]:
    """Runs of sentences copied from another document, with light edits,
    merges, drops and reorderings (:mod:`dedupe.core.reuse`): the
    candidate ``pairs`` (:func:`sentence_candidates`) verified on exact
    shingle sets and merged into passages.

    Each sentence of a candidate is shingled once, in ``pool``'s workers,
    in document order, so that each document is read once; the pairs are
    then judged a chunk at a time: on their sets here, and those the sets
    call copies on the evidence rule in the workers. Judging each chunk's
    pairs from their texts cost a million-paragraph scan 10 of its 14
    seconds in this stage: hub sentences are in many chunks, so their
    documents were read and their sentences shingled again and again."""
    c = pool.shared.corpus
    if pairs.size == 0:
        return []
    found = _verified(pool, options, pairs)
    del pairs
    parts_of: dict[int, list[tuple[reuse.Part, float]]] = {}
    for part, sim in strongest(found):
        parts_of.setdefault(int(c.sent_doc[part.copy]), []).append((part, sim))

    def span(u: int) -> tuple[int, int]:
        return int(c.sent_start[u]), int(c.sent_end[u])

    out: list[Match] = []
    for d, found in sorted(parts_of.items()):
        out += sentence_passages(d, found, span, lambda _, y: span(y), options.evidence_tokens)
    return out


def _verified(pool: ForkedPool[Analyzed], options: Options, pairs: np.ndarray) -> list[tuple[reuse.Part, float]]:
    """Every pair ``(copy, source)`` of sentences that their sets
    (:func:`by_sets`) and the evidence rule (:func:`evidence_of`) find
    copied, as a part of a passage with its similarity."""
    c = pool.shared.corpus
    # The sentences of the pairs, sorted: marked rather than sorted (ten
    # million pairs at a million paragraphs, a second to sort).
    marked = np.zeros(c.sent_para.size, dtype=bool)
    marked[pairs.ravel()] = True
    units = np.flatnonzero(marked)
    del marked
    sets = _unit_sets(pool, units, options.ngram)
    sketches = set_sketches(sets)
    at = np.zeros(c.sent_para.size, dtype=np.int64)  # each unit's place in ``units``
    at[units] = np.arange(units.size, dtype=np.int64)

    found: list[tuple[reuse.Part, float]] = []
    for lo in range(0, len(pairs), VERIFY_CHUNK):
        chunk = pairs[lo : lo + VERIFY_CHUNK]
        strong = by_sets(sets, sketches, at[chunk], options, pool.jobs)
        # The evidence rule reads and weighs texts in Python: the workers
        # share it (in the main process it was a third of the stage on the
        # speed benchmark's 20 MB corpus).
        held = chunk[strong.at]
        shares = np.array_split(np.arange(len(held)), pool.jobs)
        judged = list(pool.map(_evidence_task, ((held[k], strong.shorter[k]) for k in shares)))
        stands = np.concatenate([j[0] for j in judged])
        weights = np.concatenate([j[1] for j in judged])[stands]
        # Python objects only for the few pairs that are copies.
        found += [
            (reuse.Part(x, int(c.sent_doc[y]), y, strength, bool(c.sent_long[x] and c.sent_long[y]), weight,
                        bool(c.sent_key[x] == c.sent_key[y])), sim)
            for (x, y), strength, sim, weight in zip(held[stands].tolist(), strong.strength[stands].tolist(),
                                                     strong.similarity[stands].tolist(), weights.tolist())
        ]
    return found


#: Candidate sentence pairs judged at a time: their intersections and
#: verdicts are freed before the next chunk, so the stage's memory stays
#: bounded however many candidates the LSH finds (a corpus of a million
#: paragraphs has millions of them, almost all not copies).
VERIFY_CHUNK = 500_000
#: Characters of documents a worker holds at a time while it shingles
#: their candidate sentences.
SHINGLE_CHARS = 32_000_000


def _unit_sets(pool: ForkedPool[Analyzed], units: np.ndarray, ngram: int) -> ShingleSets:
    """The exact shingle sets :func:`judge` compares, of the sentences
    ``units`` (sorted, so in document order), in that order: computed in
    ``pool``'s workers, each on a run of units whose documents hold at
    most :data:`SHINGLE_CHARS` characters (two runs per worker at least).
    They are all held at once, 8 bytes per shingle: at most about the
    size of the candidates' text, and at a million paragraphs less than
    the chunks of texts and sets they replace (the scan's peak fell)."""
    c = pool.shared.corpus
    docs = c.sent_doc[units]
    new_doc = np.r_[True, docs[1:] != docs[:-1]]
    held = np.cumsum(np.where(new_doc, c.lengths[docs], 0))
    pieces = max(2 * pool.jobs if pool.parallel else 1, -(-int(held[-1]) // SHINGLE_CHARS))
    cuts = np.searchsorted(held, np.arange(1, pieces) * (held[-1] / pieces), side="right")
    bounds = [0, *sorted_unique(cuts[(cuts > 0) & (cuts < units.size)]).tolist(), units.size]
    parts = list(pool.map(_shingled, ((units[a:b], ngram) for a, b in zip(bounds[:-1], bounds[1:]))))
    offsets = [np.zeros(1, dtype=np.int64)]
    base = 0
    for part in parts:
        offsets.append(part.offsets[1:] + base)
        base += int(part.offsets[-1])
    return ShingleSets(np.concatenate([p.hashes for p in parts]), np.concatenate(offsets),
                       np.concatenate([p.tokens for p in parts]), np.concatenate([p.keys for p in parts]))


def _shingled(shared: Analyzed, task: tuple[np.ndarray, int]) -> ShingleSets:
    (units, ngram), c = task, shared.corpus
    texts, which = shared.spool.documents_of(c.sent_doc[units])
    stream = bp.masked_stream(texts, which, c.sent_start[units], c.sent_end[units])
    return unique_sets(ngrams(*stream, ngram))


def _evidence_task(shared: Analyzed, task: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`evidence_of` of pairs of sentences, read here (in a worker)."""
    pairs, shorter = task
    units = sorted_unique(pairs.ravel())
    return evidence_of(_sentence_texts(shared, units), np.searchsorted(units, pairs), shorter)


def _sentence_texts(shared: Analyzed, units: np.ndarray) -> list[str]:
    """The texts of the sentences ``units`` (sorted, so in document
    order), each document read once."""
    c = shared.corpus
    texts, which = shared.spool.documents_of(c.sent_doc[units])
    return [texts[d][a:b] for d, a, b in zip(which.tolist(), c.sent_start[units].tolist(),
                                             c.sent_end[units].tolist())]


@dataclass(frozen=True)
class Verdicts:
    """What :func:`judge` says of each pair: its :func:`reuse.strength`
    (``reuse.NONE`` for no copy), similarity, and the weighted tokens of
    the shorter sentence."""

    strength: np.ndarray
    similarity: np.ndarray
    weight: np.ndarray


def judge(texts: Sequence[str], pairs: np.ndarray, options: Options) -> Verdicts:
    """Each pair ``(copy, source)`` of positions in ``texts`` judged on the
    exact shingle sets of the digit-masked sentences (:func:`reuse.strength`),
    then on the evidence rule's differences that matter (numbers, paths,
    negations). The one check of copied sentences, on one machine and on
    Spark."""
    sets = unique_sets(bp.masked_sets(list(texts), options.ngram))
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    strong = by_sets(sets, set_sketches(sets), pairs, options)
    # The evidence rule reads only the texts of pairs the sets call copies.
    stands, weight = evidence_of(texts, pairs[strong.at], strong.shorter)
    return strong.verdicts(len(pairs), stands, weight)


@dataclass(frozen=True)
class BySets:
    """The pairs (``at``, their places among those judged) whose shingle
    sets make them copies, and how (:func:`reuse.strength`), before the
    evidence rule; ``shorter`` says whether the copy's set is the smaller."""

    at: np.ndarray
    strength: np.ndarray
    similarity: np.ndarray
    shorter: np.ndarray

    def verdicts(self, n: int, stands: np.ndarray, weight: np.ndarray) -> Verdicts:
        """The :class:`Verdicts` of all ``n`` pairs judged, given which of
        these the evidence rule lets stand and their weights."""
        out = Verdicts(np.zeros(n, np.int8), np.zeros(n), np.zeros(n))
        kept = self.at[stands]
        out.strength[kept], out.similarity[kept], out.weight[kept] = \
            self.strength[stands], self.similarity[stands], weight[stands]
        return out


def by_sets(sets: ShingleSets, sketches: np.ndarray, pairs: np.ndarray, options: Options,
            threads: int = 1) -> BySets:
    """What the sorted shingle ``sets`` (and their :func:`set_sketches`,
    ``sketches``) say of each pair of ``pairs``. A pair's intersection is
    a merge of two sorted runs, tried first on a bound
    (:func:`reaching_intersections`): a search of every shingle of one
    set in the other cost a million-paragraph scan 5 of its 16 seconds
    here. The merges run in ``threads`` threads: in the main process,
    while the workers wait, they took 0.94 s of a million-paragraph scan
    on one."""
    # reuse.strength decides; pairs that reach neither of its weakest
    # rule's thresholds get 0 (almost all of an LSH's candidates), and
    # neither it nor Python objects see them.
    inter = reaching_intersections(sets, sketches, pairs, *reuse.weakest(options.threshold, options.containment),
                                   threads)
    maybe = np.flatnonzero(inter)
    off, a, b = sets.offsets, pairs[maybe, 0], pairs[maybe, 1]
    size_a, size_b = off[a + 1] - off[a], off[b + 1] - off[b]
    local, strength, similarity = [], [], []
    for k, (n, x, y) in enumerate(zip(inter[maybe].tolist(), size_a.tolist(), size_b.tolist())):
        found, sim = reuse.strength(n, x, y, options.threshold, options.containment)
        if found != reuse.NONE:
            local.append(k)
            strength.append(found)
            similarity.append(sim)
    kept = np.array(local, dtype=np.int64)
    return BySets(maybe[kept], np.array(strength, dtype=np.int8), np.array(similarity, dtype=np.float64),
                  size_a[kept] < size_b[kept])


def evidence_of(text: Sequence[str], pairs: np.ndarray,
                shorter: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each pair ``(copy, source)`` of places in ``text``: whether the
    evidence rule lets it stand (no number, path or negation differs,
    :func:`evidence.conflict`; ``shorter`` says the copy is the shorter),
    and the weighted tokens of the shorter text."""
    marks: dict[int, evidence.Marks] = {}

    def mark(u: int) -> evidence.Marks:
        if u not in marks:
            marks[u] = evidence.marks(text[u])
        return marks[u]

    stands = np.zeros(len(pairs), dtype=bool)
    weight = np.zeros(len(pairs))
    for i, ((x, y), small) in enumerate(zip(pairs.tolist(), shorter.tolist())):
        # Equal texts never conflict (every salient token of a text is in
        # its own compact form): a fifth of the pairs of the speed
        # benchmark's corpus, whose texts then need no marks.
        if text[x] == text[y] or not evidence.conflict(mark(x), mark(y), small):
            stands[i] = True
            weight[i] = min(evidence.weighted_tokens(text[x]), evidence.weighted_tokens(text[y]))
    return stands, weight


def strongest(found: Iterable[tuple[reuse.Part, float]]) -> list[tuple[reuse.Part, float]]:
    """For each copy sentence and source document, the strongest match
    (then the most similar, then the earliest source sentence), sorted by
    copy sentence and source: one order and one choice whatever order the
    matches come in."""
    best: dict[tuple[int, Hashable], tuple[reuse.Part, float]] = {}
    for part, sim in found:
        key = (part.copy, part.source)
        old = best.get(key)
        if old is None or (part.strength, sim, -part.at) > (old[0].strength, old[1], -old[0].at):
            best[key] = (part, sim)
    return [best[k] for k in sorted(best)]


def sentence_passages(copy_doc: int, found: Sequence[tuple[reuse.Part, float]],
                      copy_span: Callable[[int], tuple[int, int]],
                      source_span: Callable[[int, int], tuple[int, int]], evidence_tokens: float) -> list[Match]:
    """The passages of document ``copy_doc`` from its matched sentences
    (:func:`strongest`): runs of :func:`reuse.group_runs` that
    :func:`reuse.supported` lets stand. ``copy_span(x)`` and
    ``source_span(source, y)`` are the offsets of a copy and a source
    sentence; the parts' ``source`` is the number of their document."""
    parts = [p for p, _ in found]
    out: list[Match] = []
    for run in reuse.group_runs(parts):
        if not reuse.supported([parts[i] for i in run], evidence_tokens):
            continue
        xs = [parts[i].copy for i in run]
        ys = [parts[i].at for i in run]
        src = cast(int, parts[run[0]].source)
        first = min(ys, key=lambda y: source_span(src, y)[0])
        last = max(ys, key=lambda y: source_span(src, y)[1])
        out.append(Match(
            copy_doc, min(xs), max(xs), copy_span(min(xs))[0], copy_span(max(xs))[1],
            src, min(ys), max(ys), source_span(src, first)[0], source_span(src, last)[1],
            min(found[i][1] for i in run),
        ))
    return out


def merge_passages(matches: list[Match], doc_rank: np.ndarray) -> list[Match]:
    """Adjacent matches (next sentence in the copy, a sentence of the same
    source document at most :data:`reuse.WINDOW` sentences from the
    passage's) merged into one passage; of overlapping passages from
    different sources, the longest stays. The order is total, so the
    result does not depend on the order of ``matches``."""
    matches = sorted(matches, key=lambda m: (int(doc_rank[m.copy_doc]), m.c_start, m.c_start - m.c_end,
                                             int(doc_rank[m.src_doc]), m.s_start, m.s_start - m.s_end,
                                             -m.similarity))
    out: list[Match] = []
    for m in matches:
        last = out[-1] if out else None
        if (
            last is not None and last.copy_doc == m.copy_doc and last.src_doc == m.src_doc
            and last.c_first <= m.c_first <= last.c_last + 1
            and last.s_first - reuse.WINDOW <= m.s_first and m.s_last <= last.s_last + 1 + reuse.WINDOW
        ):
            s_start, s_end = min(last.s_start, m.s_start), max(last.s_end, m.s_end)
            out[-1] = replace(last, c_last=max(last.c_last, m.c_last), c_end=max(last.c_end, m.c_end),
                              s_first=min(last.s_first, m.s_first), s_last=max(last.s_last, m.s_last),
                              s_start=s_start, s_end=s_end, similarity=min(last.similarity, m.similarity))
        elif last is not None and last.copy_doc == m.copy_doc and m.c_start < last.c_end:
            continue  # overlaps a passage already reported
        else:
            out.append(m)
    return out
