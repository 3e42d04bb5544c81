"""Copied passages on Spark, as :mod:`dedupe.corpus.passages` finds them:
near-duplicate prose paragraphs in documents of different clusters; then
sentences, which are boilerplate when repeated exactly (after
normalization and digit masking) in enough documents of different
clusters, and otherwise are matched with light edits, merges, drops and
reorderings (LSH band keys, each candidate pair judged by the
single-machine :func:`dedupe.corpus.passages.judge`, runs made passages
per copying document by :func:`dedupe.corpus.passages.sentence_passages`);
finally adjacent matches in one document are merged by
:func:`dedupe.corpus.passages.merge_passages`, per copying document.

A paragraph's "first occurrence in a document" is a ``min`` of a struct
led by the position, an aggregate combined before its shuffle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Iterator

import numpy as np

from dedupe.core import reuse
from dedupe.corpus.batches import PROSE
from dedupe.corpus.passages import Match, judge, merge_passages, sentence_passages, strongest
from dedupe.options import Options
from dedupe.spark import bands
from dedupe.spark.grouped import Rows, map_groups
from dedupe.spark.groups import near_groups

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame

#: A match before merging: the copy (``id``, ``k``, sentences ``c_first``
#: to ``c_last`` numbered in its document, offsets) and its source.
MATCH_SCHEMA = ("id string, k long, c_first int, c_last int, c_start long, c_end long, src string, src_k long,"
                " s_first int, s_last int, s_start long, s_end long, similarity double")
MERGED_SCHEMA = ("id string, k long, start long, end long, src string, src_k long, s_start long,"
                 " s_end long, similarity double")


def copied_paragraphs(paras: DataFrame, boilerplate: DataFrame, cluster_of: DataFrame,
                      options: Options) -> tuple[DataFrame, DataFrame]:
    """Matches (:data:`MATCH_SCHEMA`) of near-duplicate prose paragraphs
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


def sentence_items(sents: DataFrame, boilerplate: DataFrame, cluster_of: DataFrame, options: Options,
                   need: int) -> DataFrame:
    """The sentences that take part in matching (long enough, outside
    boilerplate paragraphs), with ``block``: whether their exact key
    (after normalization and digit masking) is found in at least ``need``
    documents of as many clusters, which makes them boilerplate."""
    from pyspark.sql import functions as F

    items = sents.where(F.col("tokens") >= options.min_tokens)
    items = items.join(boilerplate.select("id", F.col("pos").alias("para")), ["id", "para"], "left_anti")
    per_key = items.join(cluster_of, "id").groupBy("key").agg(
        F.countDistinct("id").alias("n_docs"), F.countDistinct("cluster").alias("n_clusters"))
    blocks = per_key.where((F.col("n_docs") >= need) & (F.col("n_clusters") >= need))
    return items.join(blocks.select("key", F.col("n_docs").alias("documents")), "key", "left").withColumn(
        "block", F.col("documents").isNotNull())


def sentence_blocks(items: DataFrame) -> DataFrame:
    """One :data:`dedupe.spark.boilerplate.RAW_BLOCK` per exact key of the
    block sentences of :func:`sentence_items`."""
    from pyspark.sql import functions as F

    return items.where(F.col("block")).groupBy("key").agg(
        F.first("documents").alias("documents"),
        F.sort_array(F.collect_list(F.struct("k", "id", "start", "end"))).alias("occ"),
    ).select("documents", "occ", F.lit("sentence").alias("level"))


#: A verified pair: the copy sentence (``id``, ``k``, ``spos``, offsets),
#: the source sentence (``src``, ``src_k``, ``at``, offsets) and the
#: verdict of :func:`dedupe.corpus.passages.judge`.
VERIFIED_SCHEMA = ("id string, k long, spos int, start long, end long, src string, src_k long, at int,"
                   " s_start long, s_end long, long boolean, exact boolean, strength int, similarity double,"
                   " weight double")
VERIFIED_NAMES = [f.split()[0] for f in VERIFIED_SCHEMA.split(", ")]


def judge_partition(batches: Iterable[pa.RecordBatch], options: Options) -> Iterator[pa.RecordBatch]:
    """The ``mapInArrow`` body: candidate pairs with both texts in (``a``,
    ``text_a`` the source, ``b``, ``text_b`` the copy), the verified ones
    out (:data:`VERIFIED_SCHEMA`)."""
    import pyarrow as pa

    for rb in batches:
        uids = rb.column("a").to_pylist() + rb.column("b").to_pylist()
        texts = rb.column("text_a").to_pylist() + rb.column("text_b").to_pylist()
        # Each sentence once per batch, as the single-machine stage has it once.
        pos: dict[str, int] = {}
        unique: list[str] = []
        for uid, text in zip(uids, texts):
            if uid not in pos:
                pos[uid] = len(unique)
                unique.append(text)
        n = rb.num_rows
        local = np.array([pos[u] for u in uids], dtype=np.int64).reshape(2, n).T[:, ::-1]
        v = judge(unique, np.ascontiguousarray(local), options)
        keep = pa.array(np.flatnonzero(v.strength != reuse.NONE), pa.int64())
        out = rb.select(VERIFIED_NAMES[:-3]).take(keep)
        for name, values, kind in (("strength", v.strength.astype(np.int32), pa.int32()),
                                   ("similarity", v.similarity, pa.float64()), ("weight", v.weight, pa.float64())):
            out = out.append_column(name, pa.array(values, kind).take(keep))
        yield out


def copied_sentences(items: DataFrame, covered: DataFrame, cluster_of: DataFrame, options: Options) -> DataFrame:
    """Matches (:data:`MATCH_SCHEMA`) of runs of sentences copied with light
    edits, merges, drops and reorderings, as
    :func:`dedupe.corpus.passages.copied_sentences` finds them: candidate
    pairs from the sentences' band keys (the fan-out cap in canonical
    order), in documents of different clusters, the copy in the later
    document and outside ``covered`` paragraphs; judged by
    :func:`dedupe.corpus.passages.judge`; made passages per copying
    document by :func:`document_matches`. ``items`` are the sentences of
    :func:`sentence_items` that are not blocks."""
    from pyspark.sql import functions as F

    keyed = items.select(F.col("uid").alias("id"), "k", F.lit(False).alias("empty"), "bands")
    pairs = bands.candidate_pairs(keyed)  # a (the source) before b (the copy) in canonical order
    src = items.select(F.col("uid").alias("a"), F.col("id").alias("src"), F.col("k").alias("src_k"),
                       F.col("spos").alias("at"), F.col("start").alias("s_start"), F.col("end").alias("s_end"),
                       F.col("long").alias("s_long"), F.col("key").alias("s_key"), F.col("text").alias("text_a"))
    copy = items.select(F.col("uid").alias("b"), "id", "k", "spos", "para", "start", "end", "long", "key",
                        F.col("text").alias("text_b"))
    joined = pairs.join(src, "a").join(copy, "b").where(F.col("id") != F.col("src"))
    joined = joined.join(cluster_of, "id").join(
        cluster_of.select(F.col("id").alias("src"), F.col("cluster").alias("src_cluster")), "src")
    joined = joined.where(F.col("cluster") != F.col("src_cluster")).join(covered, ["id", "para"], "left_anti")
    ready = joined.select("a", "b", "text_a", "text_b", "id", "k", "spos", "start", "end", "src", "src_k", "at",
                          "s_start", "s_end", (F.col("long") & F.col("s_long")).alias("long"),
                          (F.col("key") == F.col("s_key")).alias("exact"))
    verified = ready.mapInArrow(lambda it: judge_partition(it, options), VERIFIED_SCHEMA)
    return map_groups(verified, "id", lambda rows: document_matches(rows, options.evidence_tokens), MATCH_SCHEMA)


def document_matches(rows: Rows, evidence_tokens: float) -> Rows:
    """The sentence matches (:data:`MATCH_SCHEMA`) of one copying document
    from its verified pairs (:data:`VERIFIED_SCHEMA`), by
    :func:`dedupe.corpus.passages.strongest` and
    :func:`dedupe.corpus.passages.sentence_passages`; source documents are
    numbered in canonical order."""
    sources = sorted(set(zip(rows["src_k"], rows["src"])))
    num = {d: i for i, (_, d) in enumerate(sources)}
    copy_span: dict[int, tuple[int, int]] = {}
    source_span: dict[tuple[int, int], tuple[int, int]] = {}
    found = []
    for spos, start, end, src, at, s_start, s_end, long, exact, strength, sim, weight in zip(
            rows["spos"], rows["start"], rows["end"], rows["src"], rows["at"], rows["s_start"], rows["s_end"],
            rows["long"], rows["exact"], rows["strength"], rows["similarity"], rows["weight"]):
        s = num[src]
        copy_span[spos] = (start, end)
        source_span[(s, at)] = (s_start, s_end)
        found.append((reuse.Part(spos, s, at, strength, long, weight, exact), sim))
    matches = sentence_passages(0, strongest(found), copy_span.__getitem__,
                                lambda s, y: source_span[(s, y)], evidence_tokens)
    return {
        "id": [rows["id"][0]] * len(matches), "k": [rows["k"][0]] * len(matches),
        "c_first": [m.c_first for m in matches], "c_last": [m.c_last for m in matches],
        "c_start": [m.c_start for m in matches], "c_end": [m.c_end for m in matches],
        "src": [sources[m.src_doc][1] for m in matches], "src_k": [sources[m.src_doc][0] for m in matches],
        "s_first": [m.s_first for m in matches], "s_last": [m.s_last for m in matches],
        "s_start": [m.s_start for m in matches], "s_end": [m.s_end for m in matches],
        "similarity": [m.similarity for m in matches],
    }


def merge_document(rows: Rows) -> Rows:
    """:func:`merge_passages` over the matches (:data:`MATCH_SCHEMA`) of
    one copying document; documents are numbered in canonical order for
    its sort."""
    docs = sorted(set(zip(rows["k"], rows["id"])) | set(zip(rows["src_k"], rows["src"])))
    num = {d: i for i, (_, d) in enumerate(docs)}
    matches = [Match(num[d], c0, c1, cs, ce, num[src], s0, s1, ss, se, sim) for d, c0, c1, cs, ce, src, s0, s1, ss, se, sim
               in zip(*(rows[c] for c in MATCH_FIELDS))]
    merged = merge_passages(matches, np.arange(len(docs)))
    return {
        "id": [docs[m.copy_doc][1] for m in merged], "k": [docs[m.copy_doc][0] for m in merged],
        "start": [m.c_start for m in merged], "end": [m.c_end for m in merged],
        "src": [docs[m.src_doc][1] for m in merged], "src_k": [docs[m.src_doc][0] for m in merged],
        "s_start": [m.s_start for m in merged], "s_end": [m.s_end for m in merged],
        "similarity": [m.similarity for m in merged],
    }


#: The columns of :data:`MATCH_SCHEMA` in the order of :class:`Match`'s fields.
MATCH_FIELDS = ("id", "c_first", "c_last", "c_start", "c_end", "src", "s_first", "s_last", "s_start", "s_end",
                "similarity")


def passage_rows(matches: DataFrame) -> DataFrame:
    """The fields of :class:`dedupe.corpus.scan.Passage`, in the order of
    :func:`dedupe.scan`: by copying document, offset, source, offset."""
    from pyspark.sql import functions as F

    merged = map_groups(matches, "id", merge_document, MERGED_SCHEMA)
    ordered = merged.orderBy("k", "id", "start", "src_k", "src", "s_start")
    return ordered.select("id", "start", "end", F.struct(F.col("src").alias("id"), F.col("s_start").alias("start"),
                                                         F.col("s_end").alias("end")).alias("duplicate_of"),
                          "similarity")
