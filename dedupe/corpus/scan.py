"""Corpus scan: near-duplicate documents, passages copied between
documents, and boilerplate blocks.

Stages (the same as for one text, over many documents):

1. **analyze** (:mod:`dedupe.corpus.batches`), per batch of documents, in
   worker processes with ``jobs > 1``: paragraphs and sentences with
   offsets, shingles of the digit-masked text (so that "2023" and "2024"
   are the same token), MinHash signatures and LSH band keys. The workers
   also parse JSONL inputs, a piece at a time. A batch comes back as numpy
   arrays and its texts in UTF-8 (through memory shared with the workers),
   and the texts go to a temporary spool file, so the corpus is never
   held in memory as Python strings.
2. **boilerplate candidates** (:mod:`dedupe.corpus.blocks`): paragraphs
   grouped at a lower Jaccard threshold (``boilerplate_threshold``) and
   found in at least ``min_documents`` documents and ``min_share`` of all.
3. **documents** (:mod:`dedupe.corpus.clusters`): MinHash LSH over
   document signatures, verified by exact Jaccard of the documents' shingle
   sets *without* the candidates, so that shared footers do not make short
   pages near-duplicates of each other.
4. **boilerplate blocks** (:mod:`dedupe.corpus.blocks`): the candidates
   found in that many documents that are not near-duplicates of each other
   (three copies of one article do not make its paragraphs boilerplate).
5. **passages** (:mod:`dedupe.corpus.passages`): near-duplicate paragraphs
   (Jaccard) and repeated sentences (exact after normalization) across
   documents that are not in one cluster, runs of adjacent matches merged
   into one passage; masked sentences repeated as widely as boilerplate
   are blocks too.

Every group is canonical-first in a stable order (the smallest document
id, or with ``keep="longest"`` the longest document, then the smallest id),
so results do not depend on the order of the input or on ``jobs``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np

from dedupe.corpus import boilerplate as bp
from dedupe.corpus.batches import (
    Analyzed,
    BatchConfig,
    Corpus,
    Intake,
    Spool,
    batch_stream,
    pool_jobs,
    run_batches,
)
from dedupe.corpus.blocks import RawBlock, TemplateGroups, blocks, candidate_blocks, paragraph_groups, template_groups
from dedupe.corpus.clusters import Clusters, document_pairs, find_clusters, without
from dedupe.corpus.grouping import Grouped, doc_rank, min_documents, unit_rank
from dedupe.corpus.passages import (
    Match,
    Shared,
    copied_paragraphs,
    copied_sentences,
    merge_passages,
    sentence_blocks,
    sentence_candidates,
)
from dedupe.errors import InputError
from dedupe.io.progress import Progress
from dedupe.io.records import Record, Skipped
from dedupe.io.sources import as_documents
from dedupe.io.workers import ForkedPool
from dedupe.options import Options, ScanOptions, SourceOptions, build, split

# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class Occurrence(Record):
    """``[start, end)`` character offsets into the document ``id``."""

    id: str
    start: int
    end: int


@dataclass(frozen=True)
class Cluster(Record):
    """Near-duplicate documents, canonical first. ``similarity`` is the
    lowest verified Jaccard similarity of a member to the canonical."""

    members: tuple[str, ...]
    similarity: float


@dataclass(frozen=True)
class Passage(Record):
    """Text of document ``id`` at ``[start, end)`` copied from
    ``duplicate_of``: one paragraph, several adjacent paragraphs, or a run
    of sentences. ``similarity`` is the lowest of its parts: the Jaccard
    of two paragraphs; for two sentences the Jaccard, or the containment
    of the shorter in the longer when that is what decides
    (:func:`dedupe.core.reuse.strength`)."""

    id: str
    start: int
    end: int
    duplicate_of: Occurrence
    similarity: float


@dataclass(frozen=True)
class BoilerplateBlock(Record):
    """A block found in ``documents`` documents; ``text`` is its canonical
    occurrence (the first of ``occurrences``). ``template`` is, for a
    block whose occurrences fill one template, its frame with ``{}`` for
    each slot (:mod:`dedupe.corpus.templates`), and empty otherwise."""

    text: str
    documents: int
    occurrences: tuple[Occurrence, ...]
    level: str = "paragraph"
    template: str = ""


@dataclass(frozen=True)
class ScanSummary:
    documents: int
    paragraphs: int
    sentences: int
    characters: int
    bytes: int
    seconds: float
    skipped: int

    @property
    def megabytes(self) -> float:
        return self.bytes / 1e6

    @property
    def mb_per_s(self) -> float:
        return self.megabytes / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["seconds"] = round(self.seconds, 3)
        d["mb_per_s"] = round(self.mb_per_s, 3)
        return d

    def line(self) -> str:
        return (
            f"scanned {self.documents:,} documents, {self.paragraphs:,} paragraphs,"
            f" {self.megabytes:,.1f} MB in {self.seconds:,.2f} s ({self.mb_per_s:,.2f} MB/s);"
            f" {self.skipped:,} skipped"
        )


@dataclass(frozen=True)
class ScanResult:
    """What :func:`scan` found. ``lengths`` maps each document id to its
    length in characters (for shares such as :func:`boilerplate_share`)."""

    clusters: tuple[Cluster, ...]
    passages: tuple[Passage, ...]
    boilerplate: tuple[BoilerplateBlock, ...]
    summary: ScanSummary
    skipped: tuple[Skipped, ...] = ()
    lengths: dict[str, int] = field(default_factory=dict, repr=False)
    #: The shingling the blocks were found with, for a boilerplate model.
    ngram: int = 3
    boilerplate_threshold: float = bp.THRESHOLD

    def boilerplate_model(self) -> bp.BoilerplateModel:
        """The boilerplate blocks as a model for :func:`dedupe.boilerplate.clean_with_model`."""
        return bp.model_from_blocks(self.boilerplate, self.ngram, self.boilerplate_threshold)

    def to_dict(self) -> dict:
        return {
            "version": 1,
            "clusters": [c.to_dict() for c in self.clusters],
            "passages": [p.to_dict() for p in self.passages],
            "boilerplate": [b.to_dict() for b in self.boilerplate],
            "summary": self.summary.to_dict(),
            "skipped": [s.to_dict() for s in self.skipped],
        }


def _covered(spans: list[tuple[int, int]]) -> int:
    covered, reach = 0, 0
    for s, e in sorted(spans):
        s = max(s, reach)
        if e > s:
            covered += e - s
            reach = e
    return covered


def boilerplate_share(result: ScanResult, doc_id: str) -> float:
    """Share of the characters of ``doc_id`` covered by boilerplate."""
    length = result.lengths.get(doc_id)
    if length is None:
        raise InputError(f"{doc_id!r} is not a document of this scan")
    if length == 0:
        return 0.0
    spans = [(o.start, o.end) for b in result.boilerplate for o in b.occurrences if o.id == doc_id]
    return _covered(spans) / length


def boilerplate_shares(result: ScanResult) -> dict[str, float]:
    """:func:`boilerplate_share` of every document with some boilerplate,
    in one pass over the blocks (for reports over a whole corpus)."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for b in result.boilerplate:
        for o in b.occurrences:
            spans.setdefault(o.id, []).append((o.start, o.end))
    return {
        doc: _covered(sp) / result.lengths[doc] if result.lengths.get(doc) else 0.0
        for doc, sp in sorted(spans.items())
    }


# ---------------------------------------------------------------- entry point


def scan(
    documents: Iterable[Any],
    options: Options | None = None,
    scan_options: ScanOptions | None = None,
    *,
    progress: Progress | None = None,
    seniority: Mapping[str, float] | None = None,
    **kwargs: Any,
) -> ScanResult:
    """Near-duplicate documents, copied passages and boilerplate in a corpus.

    ``documents`` is any iterable of strings (ids are their positions),
    ``(id, text)`` pairs, dicts with ``id`` and ``text``, or the documents
    of :func:`dedupe.sources.iter_documents`. It is read once, as a stream.
    Keyword arguments are :class:`Options` or :class:`ScanOptions` fields,
    e.g. ``scan(docs, threshold=0.8, min_documents=5, jobs=2)``; add
    ``strict=True`` to raise on a bad document instead of skipping it.
    ``seniority`` maps ids to a number (such as when a file was first
    committed): of near-duplicates, the smallest is the canonical copy;
    ids without one come after, in id order.
    """
    strict = bool(kwargs.pop("strict", False))
    mine, theirs = split(kwargs, ScanOptions, Options)
    opts, so = Options.build(options, **theirs), build(ScanOptions, scan_options, **mine)
    t0 = time.perf_counter()
    cfg = BatchConfig.for_options(opts, so)
    spool = Spool()
    try:
        # What cannot be read is skipped where its batch is taken, in
        # input order, so that with ``strict`` the first is the one raised.
        intake = Intake(spool, strict, progress)
        merged = run_batches(batch_stream(as_documents(documents)), cfg, so.jobs, intake)
        if progress is not None:
            progress.stage("grouping")
        corpus = merged.corpus(intake.ids, intake.lengths)
        skipped, nbytes = intake.skipped, intake.bytes
        del intake, merged  # the set of ids seen goes before the cross-document stages
        found = cross_document(corpus, opts, so, spool, seniority)
        result = _build_result(corpus, found, spool, skipped, nbytes, time.perf_counter() - t0)
        result = replace(result, ngram=opts.ngram, boilerplate_threshold=so.boilerplate_threshold)
    finally:
        spool.close()
        if progress is not None:
            progress.close()
    return result


@dataclass(frozen=True)
class Found:
    """What the cross-document stages found, in global indices."""

    doc_rank: np.ndarray
    clusters: Clusters
    blocks: list[RawBlock]
    matches: list[Match]
    templates: dict[int, str] = field(default_factory=dict)  # canonical paragraph -> template


def cross_document(c: Corpus, options: Options, so: ScanOptions, spool: Spool,
                   seniority: Mapping[str, float] | None = None) -> Found:
    """Stages 2-5 of the scan, in the order the module docstring gives.

    With workers (``so.jobs``, :func:`pool_jobs`), the stages that need
    none of each other's results overlap: the workers learn the templates
    and group the paragraphs while this process compares whole documents
    (corrected for the boilerplate once it is known,
    :func:`dedupe.corpus.clusters.without`); then they find the candidate
    copied sentences while this process groups the copied paragraphs, and
    verify the candidates in chunks. Results do not depend on the number
    of workers."""
    rank = doc_rank(c.ids, c.lengths, options.keep, seniority)
    para_rank = unit_rank(rank, c.para_doc, c.para_start)
    need = min_documents(so, len(c.ids))
    spool.seal()
    with ForkedPool(pool_jobs(so.jobs, int(c.lengths.sum())), Analyzed(c, spool)) as pool:
        templates = pool.submit(_templates, (para_rank, need))
        groups = pool.submit(_paragraph_groups, (para_rank, so.boilerplate_threshold))
        # Whole documents are compared before the boilerplate is known only
        # while the workers learn and group: in one process, that would
        # compare the documents with boilerplate twice.
        whole = document_pairs(c, rank, np.zeros(c.para_doc.size, dtype=bool)) if pool.parallel else None
        cand = candidate_blocks(c, groups(), need, templates())
        in_cand = cand.paragraphs(c.para_doc.size)
        pairs = without(c, whole, in_cand) if whole is not None else document_pairs(c, rank, in_cand)
        clusters = find_clusters(c, pairs, options.threshold)
        para_bp, raw_blocks = blocks(c, cand, clusters.of, need)
        shared = Shared(rank, para_rank, para_bp, clusters.of, need, unit_rank(rank, c.sent_doc, c.sent_start))
        sent_blocks, sent_bp = sentence_blocks(c, options, shared)
        candidates = sentence_candidates(pool, options, shared, sent_bp)
        para_matches, covered = copied_paragraphs(c, options, shared)
        sent_matches = copied_sentences(pool, options, candidates(covered))
    return Found(rank, clusters, raw_blocks + sent_blocks, para_matches + sent_matches, cand.templates)


def _templates(a: Analyzed, args: tuple[np.ndarray, int]) -> TemplateGroups:
    return template_groups(a.corpus, args[0], a.spool, args[1])


def _paragraph_groups(a: Analyzed, args: tuple[np.ndarray, float]) -> Grouped:
    return paragraph_groups(a.corpus, *args)


def _build_result(c: Corpus, found: Found, spool: Spool, skipped: list[Skipped], nbytes: int,
                  seconds: float) -> ScanResult:
    ids, rank = c.ids, found.doc_rank
    clusters = []
    for canon, members, sim in found.clusters.groups:
        members = sorted(members, key=lambda d: rank[d])
        clusters.append((-(len(members) + 1), int(rank[canon]),
                         Cluster(tuple(ids[d] for d in [canon, *members]), sim)))
    clusters.sort(key=lambda t: t[:2])
    passages = [
        Passage(ids[m.copy_doc], m.c_start, m.c_end, Occurrence(ids[m.src_doc], m.s_start, m.s_end), m.similarity)
        for m in merge_passages(found.matches, rank)
    ]
    blocks = []
    for level, canon, occ, ndocs in found.blocks:
        occ = sorted(occ, key=lambda o: (int(rank[o[0]]), o[1]))
        d0, s0, e0 = occ[0]
        text = spool.text(d0)[s0:e0]
        template = found.templates.get(canon, "") if level == "paragraph" else ""
        blocks.append((-ndocs, int(rank[d0]), s0, BoilerplateBlock(
            text, ndocs, tuple(Occurrence(ids[d], s, e) for d, s, e in occ), level, template)))
    blocks.sort(key=lambda t: t[:3])
    summary = ScanSummary(
        documents=len(ids),
        paragraphs=int(c.para_doc.size),
        sentences=int(c.sent_para.size),
        characters=int(c.lengths.sum()),
        bytes=nbytes,
        seconds=seconds,
        skipped=len(skipped),
    )
    return ScanResult(
        clusters=tuple(t[2] for t in clusters),
        passages=tuple(passages),
        boilerplate=tuple(t[3] for t in blocks),
        summary=summary,
        skipped=tuple(skipped),
        lengths=dict(zip(ids, c.lengths.tolist())),
    )


def scan_paths(
    paths: Iterable[str],
    options: Options | None = None,
    scan_options: ScanOptions | None = None,
    source_options: SourceOptions | None = None,
    progress: Progress | None = None,
) -> ScanResult:
    """:func:`scan` over files, folders, JSONL files and ``-`` (JSONL on
    standard input); bad files and records are skipped and reported unless
    ``source_options.strict``."""
    from dedupe.io.sources import iter_documents  # noqa: PLC0415

    so = source_options or SourceOptions()
    # JSONL is read in the workers, a piece at a time; what cannot be read
    # is raised by the scan, in input order, when ``strict``.
    items = iter_documents(paths, replace(so, strict=False), jsonl_chunks=True)
    return scan(items, options, scan_options, progress=progress, strict=so.strict)


# ---------------------------------------------------------------- text report


def _snippet(text: str, width: int = 70) -> str:
    one = " ".join(text.split())
    return one if len(one) <= width else one[: width - 1] + "…"


def _listing(items: Sequence[Any], top: int, show: Callable[[Any], list[str]]) -> list[str]:
    """The lines of the first ``top`` items, and how many more there are."""
    lines = [line for item in items[:top] for line in show(item)]
    if len(items) > top:
        lines.append(f"  … and {len(items) - top} more")
    return lines


def _cluster_lines(cl: Cluster) -> list[str]:
    head = f"  {len(cl.members)} documents, similarity >= {cl.similarity:.2f}:"
    return [head] + [f"    {m}{'  (canonical)' if k == 0 else ''}" for k, m in enumerate(cl.members)]


def _passage_lines(p: Passage) -> list[str]:
    d = p.duplicate_of
    return [f"  {p.id} [{p.start}:{p.end}] copies {d.id} [{d.start}:{d.end}] (similarity {p.similarity:.2f})"]


def format_text(result: ScanResult, top: int = 10) -> str:
    """A readable summary: top clusters, top boilerplate blocks with their
    document counts, and copied passages."""
    lines = [f"Near-duplicate documents: {len(result.clusters)} cluster(s)"]
    lines += _listing(result.clusters, top, _cluster_lines)
    lines += ["", f"Boilerplate: {len(result.boilerplate)} block(s)"]
    lines += _listing(result.boilerplate, top, lambda b: [f"  {b.documents:>6,} documents  {_snippet(b.text)!r}"])
    lines += ["", f"Copied passages: {len(result.passages)}"]
    lines += _listing(result.passages, top, _passage_lines)
    if result.skipped:
        lines += ["", f"Skipped: {len(result.skipped)} input(s)"]
        lines += _listing(result.skipped, top, lambda sk: [f"  {sk}"])
    return "\n".join(lines) + "\n"
