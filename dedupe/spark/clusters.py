"""Near-duplicate documents on Spark, as :mod:`dedupe.corpus.clusters`
finds them: LSH over the document signatures, verified by exact Jaccard
of the documents' shingle sets without their boilerplate candidates,
grouped under the leader rule."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Iterator

import numpy as np

from dedupe.core.shingle import sorted_unique
from dedupe.spark import bands, verify
from dedupe.spark.groups import leader_groups

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame

SETS_SCHEMA = "id string, k long, shingles array<long>, whole array<long>"


def _reduced_sets(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Each document's shingle set without its ``drop`` paragraphs."""
    import pyarrow as pa

    for rb in batches:
        paras, drops = rb.column("sets"), rb.column("drop").to_pylist()
        out = []
        for i in range(rb.num_rows):
            own = paras[i].values
            skip = set(drops[i] or ())
            kept = [own[j].values.to_numpy() for j in range(len(own)) if j not in skip]
            hashes = np.concatenate(kept).view(np.uint64) if kept else np.zeros(0, np.uint64)
            out.append(sorted_unique(hashes).view(np.int64))
        yield pa.RecordBatch.from_arrays(
            [rb.column("id"), rb.column("k"), pa.array(out, pa.list_(pa.int64())), rb.column("whole")],
            names=["id", "k", "shingles", "whole"])


def document_sets(docs: DataFrame, candidates: DataFrame) -> DataFrame:
    """``id``, ``k``, ``shingles`` (without the candidate paragraphs) and
    ``whole`` of every document that has shingles."""
    from pyspark.sql import functions as F

    drop = candidates.groupBy("id").agg(F.collect_list("pos").alias("drop"))
    rows = docs.where(~F.col("empty")).select("id", "k", F.col("paras.shingles").alias("sets"),
                                              F.col("shingles").alias("whole"))
    return rows.join(drop, "id", "left").mapInArrow(_reduced_sets, SETS_SCHEMA)


def document_groups(docs: DataFrame, candidates: DataFrame, threshold: float) -> DataFrame:
    """``(node, canonical, similarity)`` of every document in some
    verified pair."""
    edges = verify.verified_edges(bands.candidate_pairs(docs), document_sets(docs, candidates), threshold)
    return leader_groups(edges, threshold)


def cluster_of(docs: DataFrame, groups: DataFrame) -> DataFrame:
    """``(id, cluster)``: each document's canonical, itself when it is in
    no cluster."""
    from pyspark.sql import functions as F

    led = groups.select(F.col("node").alias("id"), "canonical")
    return docs.select("id").join(led, "id", "left").select("id", F.coalesce("canonical", "id").alias("cluster"))


def cluster_rows(docs: DataFrame, groups: DataFrame) -> DataFrame:
    """``members`` (canonical first, then canonical order) and
    ``similarity`` (the lowest of the members'), in the order of
    :func:`dedupe.scan`: largest first, then the canonicals' order."""
    from pyspark.sql import functions as F

    keys = docs.select("id", "k")
    members = groups.where(F.col("node") != F.col("canonical")).join(keys.withColumnRenamed("id", "node"), "node")
    per = members.groupBy("canonical").agg(F.sort_array(F.collect_list(F.struct("k", "node"))).alias("m"),
                                           F.min("similarity").alias("similarity"))
    per = per.join(keys.withColumnRenamed("id", "canonical"), "canonical")
    ordered = per.orderBy(F.desc(F.size("m")), "k", "canonical")
    return ordered.select(F.concat(F.array("canonical"), F.transform("m", lambda x: x["node"])).alias("members"),
                          "similarity")
