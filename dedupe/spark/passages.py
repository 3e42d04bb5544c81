"""Copied passages on Spark, as :mod:`dedupe.corpus.passages` finds them:
near-duplicate prose paragraphs in documents of different clusters, then
sentences repeated exactly (after normalization and digit masking) in
other documents, which are boilerplate instead when found in enough
documents of different clusters; runs of adjacent matches in one
document are merged by the single-machine
:func:`dedupe.corpus.passages.merge_passages`, per copying document.

Every "first occurrence in a document" is a ``min`` of a struct led by
the position, an aggregate combined before its shuffle."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dedupe.corpus.batches import PROSE
from dedupe.corpus.passages import Match, merge_passages
from dedupe.options import Options
from dedupe.spark.groups import near_groups

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame

#: A match before merging: the copy (``id``, ``k``, sentences ``c_first``
#: to ``c_last`` numbered in its document, offsets) and its source.
MATCH_COLUMNS = ("id", "k", "c_first", "c_last", "c_start", "c_end",
                 "src", "src_k", "s_first", "s_last", "s_start", "s_end", "similarity")
MERGED_SCHEMA = ("id string, k long, start long, end long, src string, src_k long, s_start long,"
                 " s_end long, similarity double")


def copied_paragraphs(paras: DataFrame, boilerplate: DataFrame, cluster_of: DataFrame,
                      options: Options) -> tuple[DataFrame, DataFrame]:
    """Matches (:data:`MATCH_COLUMNS`) of near-duplicate prose paragraphs
    in documents of different clusters, and ``(id, para)`` of every
    paragraph that copies one elsewhere (its sentences are not matched
    again)."""
    from pyspark.sql import functions as F

    items = paras.where((F.col("kind") == PROSE) & (F.col("tokens") >= options.min_tokens))
    items = items.join(boilerplate.select("uid"), "uid", "left_anti")
    grouped = near_groups(items.select("uid", "k", "key", "bands", "shingles"), options.threshold)
    grouped = grouped.join(items.select("uid", "id", "k", "pos", "start", "end", "sent0", "sent1"), "uid")
    src = grouped.where(F.col("uid") == F.col("canonical")).select(
        "canonical", F.col("id").alias("src"), F.col("k").alias("src_k"), F.col("sent0").alias("s_first"),
        F.col("sent1").alias("s_last"), F.col("start").alias("s_start"), F.col("end").alias("s_end"))
    # Repeats inside one document are not cross-document copies: each
    # other document's first paragraph of the group is.
    firsts = grouped.groupBy("canonical", "id", "k").agg(
        F.min(F.struct("pos", "start", "end", "sent0", "sent1", "similarity")).alias("f"))
    other = firsts.join(src, "canonical").where(F.col("id") != F.col("src"))
    covered = other.select("id", F.col("f.pos").alias("para"))
    labelled = other.join(cluster_of, "id").join(
        cluster_of.select(F.col("id").alias("src"), F.col("cluster").alias("src_cluster")), "src")
    matches = labelled.where(F.col("cluster") != F.col("src_cluster")).select(
        "id", "k", F.col("f.sent0").alias("c_first"), F.col("f.sent1").alias("c_last"),
        F.col("f.start").alias("c_start"), F.col("f.end").alias("c_end"),
        "src", "src_k", "s_first", "s_last", "s_start", "s_end", F.col("f.similarity").alias("similarity"))
    return matches, covered


def repeated_sentences(sents: DataFrame, boilerplate: DataFrame, covered: DataFrame, cluster_of: DataFrame,
                       options: Options, need: int) -> tuple[DataFrame, DataFrame]:
    """Matches (:data:`MATCH_COLUMNS`) of sentences copied from their first
    occurrence, and sentence blocks (:data:`dedupe.spark.boilerplate.RAW_BLOCK`)."""
    from pyspark.sql import functions as F

    items = sents.where(F.col("tokens") >= options.min_tokens)
    items = items.join(boilerplate.select("id", F.col("pos").alias("para")), ["id", "para"], "left_anti")
    per_doc = items.join(cluster_of, "id").groupBy("key", "id", "k", "cluster").agg(
        F.min(F.struct("spos", "start", "end", "para", "long", "digits")).alias("f"))
    per_key = per_doc.groupBy("key").agg(
        F.count(F.lit(1)).alias("n_docs"), F.countDistinct("cluster").alias("n_clusters"),
        F.min(F.struct("k", "id", "cluster", "f")).alias("s"))
    per_key = per_key.where(F.col("n_docs") >= 2)
    is_block = (F.col("n_docs") >= need) & (F.col("n_clusters") >= need)
    block_keys = per_key.where(is_block).select("key", F.col("n_docs").alias("documents"))
    raw = items.join(block_keys, "key").groupBy("key").agg(
        F.first("documents").alias("documents"),
        F.sort_array(F.collect_list(F.struct("k", "id", "start", "end"))).alias("occ"),
    ).select("documents", "occ", F.lit("sentence").alias("level"))
    copies = per_doc.join(per_key.where(~is_block).select("key", "s"), "key").where(F.col("id") != F.col("s.id"))
    copies = copies.withColumn("para", F.col("f.para")).join(covered, ["id", "para"], "left_anti")
    # A short sentence is a copy only inside a longer run (the evidence
    # rule); a copy must carry the same numbers as its source.
    copies = copies.where((F.col("cluster") != F.col("s.cluster")) & F.col("f.long")
                          & (F.col("f.digits") == F.col("s.f.digits")))
    matches = copies.select(
        "id", "k", F.col("f.spos").alias("c_first"), F.col("f.spos").alias("c_last"),
        F.col("f.start").alias("c_start"), F.col("f.end").alias("c_end"),
        F.col("s.id").alias("src"), F.col("s.k").alias("src_k"), F.col("s.f.spos").alias("s_first"),
        F.col("s.f.spos").alias("s_last"), F.col("s.f.start").alias("s_start"), F.col("s.f.end").alias("s_end"),
        F.lit(1.0).alias("similarity"))
    return matches, raw


def merge_document(rows: pd.DataFrame) -> pd.DataFrame:
    """:func:`merge_passages` over the matches of one copying document;
    documents are numbered in canonical order for its sort."""
    import numpy as np
    import pandas as pd

    docs = sorted(set(zip(rows["k"], rows["id"])) | set(zip(rows["src_k"], rows["src"])))
    num = {d: i for i, (_, d) in enumerate(docs)}
    keys = {d: k for k, d in docs}
    matches = [Match(num[r.id], int(r.c_first), int(r.c_last), int(r.c_start), int(r.c_end), num[r.src],
                     int(r.s_first), int(r.s_last), int(r.s_start), int(r.s_end), float(r.similarity))
               for r in rows.itertuples(index=False)]
    merged = merge_passages(matches, np.arange(len(docs)))
    name = [d for _, d in docs]
    return pd.DataFrame({
        "id": [name[m.copy_doc] for m in merged], "k": [int(keys[name[m.copy_doc]]) for m in merged],
        "start": [m.c_start for m in merged], "end": [m.c_end for m in merged],
        "src": [name[m.src_doc] for m in merged], "src_k": [int(keys[name[m.src_doc]]) for m in merged],
        "s_start": [m.s_start for m in merged], "s_end": [m.s_end for m in merged],
        "similarity": [m.similarity for m in merged],
    }, columns=["id", "k", "start", "end", "src", "src_k", "s_start", "s_end", "similarity"])


def passage_rows(matches: DataFrame) -> DataFrame:
    """The fields of :class:`dedupe.corpus.scan.Passage`, in the order of
    :func:`dedupe.scan`: by copying document, offset, source, offset."""
    from pyspark.sql import functions as F

    merged = matches.groupBy("id").applyInPandas(merge_document, MERGED_SCHEMA)
    ordered = merged.orderBy("k", "id", "start", "src_k", "src", "s_start")
    return ordered.select("id", "start", "end", F.struct(F.col("src").alias("id"), F.col("s_start").alias("start"),
                                                         F.col("s_end").alias("end")).alias("duplicate_of"),
                          "similarity")
