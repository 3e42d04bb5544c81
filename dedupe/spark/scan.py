"""The corpus scan on Spark: the same stages as :func:`dedupe.scan`,
each a DataFrame step, with results that do not depend on partitioning.

1. analysis (:mod:`dedupe.spark.analysis`): the single-machine batch
   analysis per partition, in ``mapInArrow``;
2. boilerplate candidates (:mod:`dedupe.spark.boilerplate`): paragraph
   groups at the boilerplate threshold found in enough documents;
3. documents (:mod:`dedupe.spark.clusters`): LSH band keys with the
   single-machine bucket fan-out cap (:mod:`dedupe.spark.bands`), exact
   Jaccard without the candidates before any grouping
   (:mod:`dedupe.spark.verify`), components by large-star/small-star
   rounds until nothing changes (:mod:`dedupe.spark.components`), and the
   leader rule inside each component (:mod:`dedupe.spark.leader`), so that
   a chain A~B~C with A and C unrelated is not one cluster;
4. boilerplate blocks: the candidates found in enough clusters;
5. passages (:mod:`dedupe.spark.passages`): copied paragraphs, then
   sentence blocks and sentences copied with light edits (sentence LSH
   band keys with the same fan-out cap, pairs judged by the
   single-machine rules), merged per copying document.

Paragraph groups (stages 2 and 5) are formed as documents are, by
:func:`dedupe.spark.groups.near_groups`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any, Callable

from dedupe.corpus.grouping import min_documents
from dedupe.corpus.scan import BoilerplateBlock, Cluster, Occurrence, Passage, ScanResult, ScanSummary
from dedupe.errors import InputError, OptionsError
from dedupe.options import Options, ScanOptions
from dedupe.spark import analysis, boilerplate, clusters, passages, units

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


@dataclass(frozen=True)
class SparkScan:
    """DataFrames of one Spark scan, each ordered as :func:`dedupe.scan`
    orders its results, with the fields of their records:

    - ``clusters``: ``members`` (canonical first, then canonical order)
      and ``similarity``, as :class:`dedupe.corpus.scan.Cluster`;
    - ``passages``: ``id``, ``start``, ``end``, ``duplicate_of`` (``id``,
      ``start``, ``end``) and ``similarity``, as
      :class:`dedupe.corpus.scan.Passage`;
    - ``boilerplate``: ``text``, ``documents``, ``occurrences``, ``level``
      and ``template``, as :class:`dedupe.corpus.scan.BoilerplateBlock`;
    - ``documents``: the analysis, one row per document
      (:data:`dedupe.spark.analysis.ANALYSIS_SCHEMA`).

    The grouping stages have run (their rounds need actions); the final
    rows are computed when they are collected or written."""

    documents: DataFrame
    clusters: DataFrame
    passages: DataFrame
    boilerplate: DataFrame
    options: Options
    scan_options: ScanOptions


def scan(
    df: DataFrame,
    id_col: str = "id",
    text_col: str = "text",
    options: Options | None = None,
    scan_options: ScanOptions | None = None,
    **kwargs: Any,
) -> SparkScan:
    """Near-duplicate document clusters, copied passages and boilerplate
    blocks of the documents in ``df`` (unique ids in ``id_col``, texts in
    ``text_col``), as DataFrames.

    Keyword arguments are :class:`Options` / :class:`ScanOptions` fields,
    as for :func:`dedupe.scan`. Raises :class:`InputError` when two
    documents share an id: :func:`dedupe.scan` keeps the first, and a
    distributed input has no first."""
    from dedupe.spark._deps import require_pyspark

    require_pyspark()
    opts, so = split_options(options, scan_options, kwargs)
    texts = analysis.documents(df, id_col, text_col)
    docs = checkpoint("analysis", analysis.analyze(texts, analysis.analysis_config(opts, so)))
    need = min_documents(so, unique_documents(docs))
    return stages(docs, texts, opts, so, need)


def unique_documents(docs: DataFrame) -> int:
    """The number of documents; :class:`InputError` naming an id that
    more than one document has."""
    from pyspark.sql import functions as F

    dup = docs.groupBy("id").count().where(F.col("count") > 1).orderBy("id").limit(1).collect()
    if dup:
        raise InputError(f"{dup[0]['id']}: duplicate document id ({dup[0]['count']} documents); the Spark engine "
                         "needs unique ids (dedupe.scan keeps the first, a distributed input has no first)")
    return docs.count()


#: Called with each stage's name and result; returns the frame the later
#: stages read (by default, the result computed once and kept).
Mark = Callable[[str, "DataFrame"], "DataFrame"]


def checkpoint(stage: str, df: DataFrame) -> DataFrame:
    """The default :data:`Mark`: a stage read by several later ones is
    computed once, and the plans do not grow stage after stage."""
    return df.localCheckpoint()


def stages(docs: DataFrame, texts: DataFrame, opts: Options, so: ScanOptions, need: int,
           mark: Mark = checkpoint) -> SparkScan:
    """Stages 2-5 over the analysis ``docs``, in the order of
    :func:`dedupe.corpus.scan.cross_document`."""
    paras = units.paragraphs(docs)
    cand = mark("boilerplate candidates", boilerplate.candidates(paras, so.boilerplate_threshold, need, texts))
    groups = mark("document clusters", clusters.document_groups(docs, cand, opts.threshold))
    of = mark("cluster of each document", clusters.cluster_of(docs, groups))
    bp_paras, para_blocks = boilerplate.blocks(cand, of, need)
    bp_paras = mark("boilerplate blocks", bp_paras)
    para_matches, covered = passages.copied_paragraphs(paras, bp_paras, of, opts)
    covered = mark("copied paragraphs", covered)
    sents = mark("sentence blocks", passages.sentence_items(units.sentences(docs), bp_paras, of, opts, need))
    sent_blocks = passages.sentence_blocks(sents)
    sent_matches = passages.copied_sentences(sents.where(~sents["block"]), covered, of, opts)
    sent_matches = mark("copied sentences", sent_matches)
    return SparkScan(
        documents=docs,
        clusters=clusters.cluster_rows(docs, groups),
        passages=passages.passage_rows(para_matches.unionByName(sent_matches)),
        boilerplate=boilerplate.block_rows(para_blocks.unionByName(sent_blocks, allowMissingColumns=True), texts),
        options=opts,
        scan_options=so,
    )


def split_options(options: Options | None, scan_options: ScanOptions | None,
                  kwargs: dict[str, Any]) -> tuple[Options, ScanOptions]:
    """Keyword options split between :class:`Options` and
    :class:`ScanOptions`; a name neither knows is an error."""
    scan_names = {f.name for f in fields(ScanOptions)}
    opt_names = {f.name for f in fields(Options)}
    unknown = sorted(set(kwargs) - scan_names - opt_names)
    if unknown:
        raise OptionsError(f"unknown option(s): {', '.join(unknown)}")
    opts = replace(options or Options(), **{k: v for k, v in kwargs.items() if k in opt_names})
    so = replace(scan_options or ScanOptions(), **{k: v for k, v in kwargs.items() if k in scan_names})
    return opts, so


def _summary(docs: DataFrame, seconds: float) -> ScanSummary:
    from pyspark.sql import functions as F

    row = docs.agg(*[F.coalesce(F.sum(c), F.lit(0)).alias(c) for c in SUMMED]).collect()[0]
    return _from_sums(docs.count(), [int(row[c]) for c in SUMMED], seconds)


def _from_sums(documents: int, sums: list[int], seconds: float) -> ScanSummary:
    paragraphs, sentences, characters, nbytes = sums
    return ScanSummary(documents, paragraphs, sentences, characters, nbytes, seconds, 0)


#: The analysis columns whose sums are in the summary, in its order.
SUMMED = ("paragraphs", "sentences", "length", "nbytes")


def _occurrence(row: Any) -> Occurrence:
    return Occurrence(row["id"], int(row["start"]), int(row["end"]))


def collect(result: SparkScan, lengths: bool = True) -> ScanResult:
    """A small result gathered on the driver as a :class:`ScanResult`, in
    the order :func:`dedupe.scan` gives, for comparison and reports."""
    t0 = time.perf_counter()
    found_clusters = tuple(Cluster(tuple(r["members"]), float(r["similarity"])) for r in result.clusters.collect())
    found_passages = tuple(
        Passage(r["id"], int(r["start"]), int(r["end"]), _occurrence(r["duplicate_of"]), float(r["similarity"]))
        for r in result.passages.collect()
    )
    blocks = tuple(
        BoilerplateBlock(r["text"], int(r["documents"]), tuple(_occurrence(o) for o in r["occurrences"]), r["level"],
                         r["template"])
        for r in result.boilerplate.collect()
    )
    if lengths:
        rows = result.documents.select("id", *SUMMED).collect()
        doc_lengths = {r["id"]: int(r["length"]) for r in rows}
        sums = [sum(int(r[c]) for r in rows) for c in SUMMED]
        summary = _from_sums(len(rows), sums, time.perf_counter() - t0)
    else:
        doc_lengths = {}
        summary = _summary(result.documents, time.perf_counter() - t0)
    return ScanResult(clusters=found_clusters, passages=found_passages, boilerplate=blocks, summary=summary,
                      lengths=doc_lengths, ngram=result.options.ngram,
                      boilerplate_threshold=result.scan_options.boilerplate_threshold)
