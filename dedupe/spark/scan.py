"""The corpus scan on Spark: the same stages as :func:`dedupe.scan`,
each a DataFrame step, with results that do not depend on partitioning.

1. analysis (:mod:`dedupe.spark.analysis`): the single-machine batch
   analysis per partition, in ``mapInArrow``;
2. candidates (:mod:`dedupe.spark.bands`): documents grouped by LSH band
   key, with the single-machine bucket fan-out cap;
3. verification (:mod:`dedupe.spark.verify`): exact Jaccard on the shingle
   sets, before any grouping;
4. components (:mod:`dedupe.spark.components`): large-star/small-star
   rounds until nothing changes;
5. the leader rule inside each component (:mod:`dedupe.spark.leader`), so
   that a chain A~B~C with A and C unrelated is not one cluster.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from dedupe.corpus.scan import Cluster, ScanResult, ScanSummary
from dedupe.errors import OptionsError
from dedupe.options import Options, ScanOptions
from dedupe.spark import analysis, bands, components, leader

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


@dataclass(frozen=True)
class SparkScan:
    """DataFrames of one Spark scan; nothing is computed until an action.

    ``clusters`` has one row per cluster: ``canonical``, ``k`` (the
    canonical-order key beside the id), ``size``, ``members`` (canonical
    first, then canonical order) and ``similarity`` (the lowest verified
    Jaccard similarity of a member to the canonical), as
    :class:`dedupe.corpus.scan.Cluster`. ``documents`` is the analysis, one
    row per document."""

    documents: DataFrame
    clusters: DataFrame
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
    """Near-duplicate document clusters of the documents in ``df`` (unique
    ids in ``id_col``, texts in ``text_col``), as lazy DataFrames.

    Keyword arguments are :class:`Options` / :class:`ScanOptions` fields,
    as for :func:`dedupe.scan`."""
    from dedupe.spark._deps import require_pyspark

    require_pyspark()
    from dedupe.spark.verify import verified_edges

    opts, so = split_options(options, scan_options, kwargs)
    ac = analysis.analysis_config(opts, so, id_col, text_col)
    docs = analysis.analyze(df, ac)
    if id_col != "id":
        docs = docs.withColumnRenamed(id_col, "id")
    edges = verified_edges(bands.candidate_pairs(docs), docs, opts.threshold)
    return SparkScan(docs, _clusters(edges, opts.threshold), opts, so)


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


def _clusters(edges: DataFrame, threshold: float) -> DataFrame:
    # Edges are used twice (components, then the leader rule): computing
    # them once keeps the verification from running again.
    edges = edges.localCheckpoint()
    comp = components.spark_components(edges)
    return leader.clusters(edges, comp, threshold)


def _summary(docs: DataFrame, seconds: float) -> ScanSummary:
    from pyspark.sql import functions as F

    row = docs.agg(
        F.count(F.lit(1)).alias("documents"),
        F.coalesce(F.sum("paragraphs"), F.lit(0)).alias("paragraphs"),
        F.coalesce(F.sum("sentences"), F.lit(0)).alias("sentences"),
        F.coalesce(F.sum("length"), F.lit(0)).alias("characters"),
        F.coalesce(F.sum("nbytes"), F.lit(0)).alias("bytes"),
    ).collect()[0]
    return ScanSummary(int(row.documents), int(row.paragraphs), int(row.sentences),
                       int(row.characters), int(row.bytes), seconds, 0)


def collect(result: SparkScan, lengths: bool = True) -> ScanResult:
    """A small result gathered on the driver as a :class:`ScanResult`, in
    the order :func:`dedupe.scan` gives (largest cluster first, then the
    canonical order of the canonicals), for comparison and reports.
    Passages and boilerplate are empty: the Spark engine does not find
    them yet."""
    t0 = time.perf_counter()
    rows = result.clusters.select("canonical", "k", "size", "members", "similarity").collect()
    rows.sort(key=lambda r: (-int(r["size"]), int(r["k"]), r["canonical"]))
    clusters = tuple(Cluster(tuple(r["members"]), float(r["similarity"])) for r in rows)
    doc_lengths: dict[str, int] = {}
    if lengths:
        doc_lengths = {r["id"]: int(r["length"]) for r in result.documents.select("id", "length").collect()}
    summary = _summary(result.documents, time.perf_counter() - t0)
    return ScanResult(clusters=clusters, passages=(), boilerplate=(), summary=summary, lengths=doc_lengths,
                      ngram=result.options.ngram, boilerplate_threshold=result.scan_options.boilerplate_threshold)
