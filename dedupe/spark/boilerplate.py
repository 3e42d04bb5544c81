"""Boilerplate blocks on Spark, as :mod:`dedupe.corpus.blocks` finds them:
paragraph groups (digit-masked, at the boilerplate threshold) found in at
least ``need`` documents are candidates; those found in at least ``need``
document clusters are blocks.

Document counts are ``distinct`` then ``count`` aggregations, combined
before each shuffle: a block in millions of documents moves one row per
partition and document cluster, never its documents to one task."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dedupe.spark.groups import near_groups

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

#: A block before its text is looked up: ``occ`` sorted in canonical
#: order (``k``, ``id``, ``start``).
RAW_BLOCK = ("documents", "occ", "level")


def candidates(paras: DataFrame, threshold: float, need: int) -> DataFrame:
    """The paragraphs of groups found in at least ``need`` documents:
    ``uid``, ``canonical``, ``id``, ``k``, ``pos``, ``start``, ``end`` and
    ``documents`` (of the group)."""
    from pyspark.sql import functions as F

    units = paras.where(F.col("tokens") > 0).select("uid", "k", "key", F.col("mask").alias("bands"), "shingles")
    grouped = near_groups(units, threshold).join(paras.select("uid", "id", "k", "pos", "start", "end"), "uid")
    counts = grouped.select("canonical", "id").distinct().groupBy("canonical").agg(F.count(F.lit(1)).alias("documents"))
    return grouped.join(counts.where(F.col("documents") >= need), "canonical")


def blocks(cand: DataFrame, cluster_of: DataFrame, need: int) -> tuple[DataFrame, DataFrame]:
    """The candidates found in at least ``need`` document clusters: their
    paragraphs (the columns of :func:`candidates`) and one
    :data:`RAW_BLOCK` each."""
    from pyspark.sql import functions as F

    pairs = cand.join(cluster_of, "id").select("canonical", "cluster").distinct()
    confirmed = pairs.groupBy("canonical").agg(F.count(F.lit(1)).alias("clusters")).where(F.col("clusters") >= need)
    paras = cand.join(confirmed.select("canonical"), "canonical")
    raw = paras.groupBy("canonical").agg(
        F.first("documents").alias("documents"),
        F.sort_array(F.collect_list(F.struct("k", "id", "start", "end"))).alias("occ"),
    ).select(*RAW_BLOCK[:2], F.lit("paragraph").alias("level"))
    return paras, raw


def block_rows(raw: DataFrame, texts: DataFrame) -> DataFrame:
    """``text``, ``documents``, ``occurrences`` and ``level`` of every
    block, in the order of :func:`dedupe.scan` (most documents first, then
    the canonical order of the first occurrence); ``text`` is the first
    occurrence's."""
    from pyspark.sql import functions as F

    first = raw.select("*", F.col("occ")[0].alias("o"))
    with_text = first.join(texts.withColumnRenamed("id", "tid"), F.col("o.id") == F.col("tid"))
    ordered = with_text.orderBy(F.desc("documents"), "o.k", "o.id", "o.start")
    return ordered.select(
        F.expr("substring(text, o.start + 1, o.end - o.start)").alias("text"),
        "documents",
        F.transform("occ", lambda x: F.struct(x["id"].alias("id"), x["start"].alias("start"),
                                              x["end"].alias("end"))).alias("occurrences"),
        "level",
    )
