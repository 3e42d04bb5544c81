"""Candidate pairs from LSH band keys, with the single-machine bucket
fan-out cap: a bucket of more than ``max_bucket`` documents links each to
its most canonical member only (linear, not quadratic, pairs), exactly as
:func:`dedupe.core.candidates.pairs_from_buckets` does."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

#: The single-machine default of ``pairs_from_buckets``.
MAX_BUCKET = 1000


def candidate_pairs(docs: DataFrame, max_bucket: int = MAX_BUCKET) -> DataFrame:
    """Distinct ``(a, b)`` id pairs sharing a band key, ``a`` before ``b``
    in canonical order (``k``, then ``id``); empty documents take no part.

    ``docs`` has ``id``, ``k`` and ``bands`` columns (see
    :data:`dedupe.spark.analysis.ANALYSIS_SCHEMA`).
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    keyed = docs.where(~F.col("empty")).select("id", "k", F.posexplode("bands").alias("band", "key"))
    bucket = Window.partitionBy("band", "key")
    ranked = keyed.withColumn("size", F.count(F.lit(1)).over(bucket)).where(F.col("size") > 1)
    ranked = ranked.withColumn("pos", F.row_number().over(bucket.orderBy("k", "id")))
    a = ranked.select("band", "key", "size", F.col("pos").alias("pa"), F.col("id").alias("a"))
    b = ranked.select("band", "key", F.col("pos").alias("pb"), F.col("id").alias("b"))
    small = a.where(F.col("size") <= max_bucket).join(b, ["band", "key"]).where(F.col("pa") < F.col("pb"))
    big = a.where((F.col("size") > max_bucket) & (F.col("pa") == 1)).join(b, ["band", "key"]).where(F.col("pb") > 1)
    return small.select("a", "b").union(big.select("a", "b")).distinct()
