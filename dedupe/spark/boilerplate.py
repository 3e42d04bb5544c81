"""Boilerplate blocks on Spark, as :mod:`dedupe.corpus.blocks` finds them:
paragraph groups (digit-masked, at the boilerplate threshold) found in at
least ``need`` documents are candidates; those found in at least ``need``
document clusters are blocks. Short paragraphs that fill one template
(:mod:`dedupe.spark.templates`) are one group, whatever their slots hold.

Document counts are ``distinct`` then ``count`` aggregations, combined
before each shuffle: a block in millions of documents moves one row per
partition and document cluster, never its documents to one task."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dedupe.spark.groups import near_groups
from dedupe.spark.templates import template_groups

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

#: A block before its text is looked up: ``occ`` sorted in canonical
#: order (``k``, ``id``, ``start``); ``template`` is its text form (empty
#: for a block that fills none; missing from sentence blocks, and from
#: paragraph blocks whose candidates were found without the texts).
RAW_BLOCK = ("documents", "occ", "level", "template")


def candidates(paras: DataFrame, threshold: float, need: int, texts: DataFrame | None = None) -> DataFrame:
    """The paragraphs of groups found in at least ``need`` documents:
    ``uid``, ``canonical``, ``id``, ``k``, ``pos``, ``start``, ``end`` and
    ``documents`` (of the group). With the documents' texts (``texts``:
    ``id``, ``text``), a paragraph that fills a template, or whose
    canonical does, is in the template's group
    (:func:`dedupe.corpus.blocks.candidate_blocks`), and ``template`` is
    the text form of each row's template (or empty)."""
    from pyspark.sql import functions as F

    units = paras.where(F.col("tokens") > 0).select("uid", "k", "key", F.col("mask").alias("bands"), "shingles")
    grouped = near_groups(units, threshold).join(paras.select("uid", "id", "k", "pos", "start", "end"), "uid")
    if texts is not None:
        grouped = regroup(grouped, template_groups(paras, texts, need))
    counts = grouped.select("canonical", "id").distinct().groupBy("canonical").agg(F.count(F.lit(1)).alias("documents"))
    return grouped.join(counts.where(F.col("documents") >= need), "canonical")


def regroup(grouped: DataFrame, filled: DataFrame) -> DataFrame:
    """``grouped`` with each paragraph that fills a template (``filled``:
    :data:`dedupe.spark.templates.TEMPLATE_COLUMNS`), or whose canonical
    does, in the template's group, and the ``template`` of each row's
    group."""
    from pyspark.sql import functions as F

    own = filled.select("uid", F.col("tcanon").alias("own"), F.col("template").alias("own_form"))
    via = filled.select(F.col("uid").alias("canonical"), F.col("tcanon").alias("via"),
                        F.col("template").alias("via_form"))
    rows = grouped.join(own, "uid", "left").join(via, "canonical", "left")
    return rows.select(
        "uid", F.coalesce("own", "via", "canonical").alias("canonical"), "similarity", "id", "k", "pos", "start",
        "end", F.coalesce("own_form", "via_form", F.lit("")).alias("template"))


def blocks(cand: DataFrame, cluster_of: DataFrame, need: int) -> tuple[DataFrame, DataFrame]:
    """The candidates found in at least ``need`` document clusters: their
    paragraphs (the columns of :func:`candidates`) and one
    :data:`RAW_BLOCK` each."""
    from pyspark.sql import functions as F

    pairs = cand.join(cluster_of, "id").select("canonical", "cluster").distinct()
    confirmed = pairs.groupBy("canonical").agg(F.count(F.lit(1)).alias("clusters")).where(F.col("clusters") >= need)
    paras = cand.join(confirmed.select("canonical"), "canonical")
    form = ["template"] if "template" in cand.columns else []  # candidates found with the texts
    raw = paras.groupBy("canonical").agg(
        F.first("documents").alias("documents"),
        F.sort_array(F.collect_list(F.struct("k", "id", "start", "end"))).alias("occ"),
        *[F.max(c).alias(c) for c in form],  # one value per group
    ).select(*RAW_BLOCK[:2], F.lit("paragraph").alias("level"), *form)
    return paras, raw


def block_rows(raw: DataFrame, texts: DataFrame) -> DataFrame:
    """``text``, ``documents``, ``occurrences``, ``level`` and ``template``
    of every block, in the order of :func:`dedupe.scan` (most documents
    first, then the canonical order of the first occurrence); ``text`` is
    the first occurrence's."""
    from pyspark.sql import functions as F

    form = F.coalesce(F.col("template"), F.lit("")) if "template" in raw.columns else F.lit("")
    first = raw.select(*RAW_BLOCK[:3], form.alias("template"), F.col("occ")[0].alias("o"))
    with_text = first.join(texts.withColumnRenamed("id", "tid"), F.col("o.id") == F.col("tid"))
    ordered = with_text.orderBy(F.desc("documents"), "o.k", "o.id", "o.start")
    return ordered.select(
        F.expr("substring(text, o.start + 1, o.end - o.start)").alias("text"),
        "documents",
        F.transform("occ", lambda x: F.struct(x["id"].alias("id"), x["start"].alias("start"),
                                              x["end"].alias("end"))).alias("occurrences"),
        "level",
        "template",
    )
