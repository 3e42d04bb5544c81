"""Near-duplicate groups of units (documents or paragraphs) on Spark, as
:func:`dedupe.corpus.grouping.near_groups` forms them on one machine:
exact copies (equal keys) first, then LSH candidates among one
representative of each exact copy, verified exactly, then the leader rule
inside each connected component of the verified pairs.

Units are ordered by ``(k, uid)``, a total order that the caller makes
equal to the single-machine canonical order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dedupe.spark import bands, components, leader, verify

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

#: Every unit, its canonical unit and its verified similarity to it.
GROUP_COLUMNS = ("uid", "canonical", "similarity")


def leader_groups(edges: DataFrame, threshold: float) -> DataFrame:
    """``(node, canonical, similarity)`` of every node of the verified
    ``edges`` (nodes in no edge are their own canonical)."""
    # Edges are used twice (components, then the leader rule): computing
    # them once keeps the verification from running again.
    edges = edges.localCheckpoint()
    if edges.isEmpty():  # no rounds to run
        return edges.sparkSession.createDataFrame([], leader.LEADER_SCHEMA)
    return leader.leaders(edges, components.spark_components(edges), threshold)


def near_groups(units: DataFrame, threshold: float) -> DataFrame:
    """:data:`GROUP_COLUMNS` of every row of ``units`` (columns ``uid``,
    ``k``, ``key``, ``bands``, ``shingles``; ``uid`` unique)."""
    from pyspark.sql import functions as F

    # The most canonical unit of each exact key represents it: a min is
    # combined before the shuffle, so a key shared by millions of units
    # moves one row per partition, not one per unit. (Structs compare
    # field by field, and ``uid`` is unique: the arrays are never compared.)
    best = F.min(F.struct("k", "uid", "bands", "shingles")).alias("r")
    reps = units.groupBy("key").agg(best).select("key", "r.*").localCheckpoint()
    rep_units = reps.select(F.col("uid").alias("id"), "k", "bands", "shingles", F.lit(False).alias("empty"))
    edges = verify.verified_edges(bands.candidate_pairs(rep_units), rep_units, threshold)
    led = leader_groups(edges, threshold)
    # Every unit shares its representative's canonical and similarity
    # (an exact copy of a member is as similar as the member).
    rep_of = units.select("uid", "key").join(reps.select("key", F.col("uid").alias("rep")), "key")
    grouped = rep_of.join(led.withColumnRenamed("node", "rep"), "rep", "left").select(
        "uid", F.coalesce("canonical", "rep").alias("canonical"),
        F.coalesce("similarity", F.lit(1.0)).alias("similarity"))
    # Read by several later steps: grouped once.
    return grouped.localCheckpoint()
