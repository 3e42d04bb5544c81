"""Boilerplate templates with slots on Spark, as
:func:`dedupe.corpus.templates.learn` finds them on one machine: the same
rule, each step a DataFrame step, the core's pure functions called inside
``mapInArrow`` on the rows each step gathers.

1. short blocks: the digit-masked token hashes of every short paragraph
   that is not a heading (:func:`short_blocks`);
2. document frequency of each token: ``explode``, ``distinct``, ``count``;
3. proposals of each block (its tokens' frequencies joined in), and the
   candidates: frames proposed in ``need`` documents at least;
4. a candidate *stands* when the blocks holding its anchor (its rarest
   token) that fill it are in ``need`` documents and it is specific to
   them;
5. each block takes the first standing template it fills, in
   :func:`dedupe.corpus.templates.rank_key` order, among those anchored at
   one of its tokens (each block sees only those, as on one machine);
6. a template taken in too few documents, or not specific to them, is
   dropped, and its blocks are no template's.

Counts of documents are ``distinct`` then ``count`` aggregations and the
frames travel with ``min`` aggregates, both combined before the shuffle;
nothing is gathered on the driver. Token hashes are unsigned 64-bit
numbers kept in signed columns (the same bits)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Iterator

import numpy as np

from dedupe.corpus import boilerplate as bp
from dedupe.corpus import templates as tp
from dedupe.corpus.batches import HEADING
from dedupe.corpus.blocks import TEMPLATE_TOKENS

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame

#: A short block: its paragraph (``uid``, ``id``, ``k``), its masked text
#: and the token hashes of that text.
BLOCK_SCHEMA = "uid string, id string, k long, masked string, toks array<long>"
#: A frame a block proposes: ``fdf`` is the document frequency of each
#: frame token (0 at a slot), ``anchor`` its rarest token, ``first`` its
#: first token.
PROPOSAL_SCHEMA = "key long, id string, frame array<long>, fdf array<long>, anchor long, first long"
PROPOSAL_NAMES = tuple(f.split()[0] for f in PROPOSAL_SCHEMA.split(", "))
FILLED_SCHEMA = "key long, id string"
ASSIGNED_SCHEMA = "uid string, id string, k long, masked string, key long, positions array<int>"
FORM_SCHEMA = "key long, tcanon string, template string"
#: Each paragraph that fills a template, the most canonical paragraph
#: filling it, and the template's text form.
TEMPLATE_COLUMNS = ("uid", "tcanon", "template")


def _unsigned(values: Any) -> list[int]:
    """Token hashes as the core holds them (unsigned Python ints)."""
    return np.asarray(values, dtype=np.int64).view(np.uint64).tolist()


def _signed(values: Iterable[int]) -> np.ndarray:
    return np.fromiter(values, dtype=np.uint64).view(np.int64)


def _column(rb: pa.RecordBatch, name: str) -> list[Any]:
    return rb.column(name).to_pylist()


def _frames(rb: pa.RecordBatch, name: str = "frame") -> list[tp.Frame]:
    return [tuple(_unsigned(f)) for f in _column(rb, name)]


def _frequencies(frame: tp.Frame, fdf: Iterable[int]) -> dict[int, int]:
    """The document frequency of each frame token (``fdf`` is parallel to
    the frame, 0 at a slot)."""
    return {t: int(d) for t, d in zip(frame, fdf) if t != tp.SLOT}


# ---------------------------------------------------------------- per-partition bodies


def _block_partition(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Short paragraphs' texts in, the eligible ones as blocks out."""
    import pyarrow as pa

    for rb in batches:
        texts = _column(rb, "block")
        keep = pa.array([i for i, t in enumerate(texts) if tp.eligible(t)], pa.int64())
        masked = bp.mask_all([texts[i] for i in keep.to_pylist()])
        toks = [t.view(np.int64) for t in tp.block_tokens(masked)]
        yield pa.RecordBatch.from_arrays(
            [rb.column("uid").take(keep), rb.column("id").take(keep), rb.column("k").take(keep),
             pa.array(masked, pa.string()), pa.array(toks, pa.list_(pa.int64()))],
            names=["uid", "id", "k", "masked", "toks"])


def _proposal_partition(batches: Iterable[pa.RecordBatch], need: int) -> Iterator[pa.RecordBatch]:
    """Every frame each block proposes (``seq``: its tokens in order, each
    with its document frequency), with the frame tokens' frequencies, the
    anchor and the first token."""
    import pyarrow as pa

    for rb in batches:
        out: dict[str, list[Any]] = {name: [] for name in PROPOSAL_NAMES}
        seqs = _column(rb, "seq")
        blocks = [_unsigned([x["token"] for x in seq]) for seq in seqs]
        dfs = [dict(zip(toks, (int(x["df"]) for x in seq))) for toks, seq in zip(blocks, seqs)]
        # Every block of the batch at once, as the local scan proposes them.
        frequency = np.fromiter((df[t] for toks, df in zip(blocks, dfs) for t in toks), dtype=np.int64,
                                count=sum(map(len, blocks)))
        proposed = tp.block_proposals(tp.TokenBlocks.of_lists(blocks), frequency, need)
        for doc, df, found in zip(_column(rb, "id"), dfs, proposed):
            for p in found:
                row = (p.key, doc, _signed(p.frame), [df.get(t, 0) for t in p.frame], tp.anchor(p.frame, df),
                       next(t for t in p.frame if t != tp.SLOT))
                for name, value in zip(PROPOSAL_NAMES, row):
                    out[name].append(value)
        yield pa.RecordBatch.from_arrays(
            [pa.array(out["key"], pa.int64()), pa.array(out["id"], pa.string()),
             pa.array(out["frame"], pa.list_(pa.int64())), pa.array(out["fdf"], pa.list_(pa.int64())),
             pa.array(_signed(out["anchor"]), pa.int64()), pa.array(_signed(out["first"]), pa.int64())],
            names=list(PROPOSAL_NAMES))


def _filled_partition(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """The (candidate, document) pairs of blocks that fill the candidate."""
    import pyarrow as pa

    for rb in batches:
        hit = pa.array([i for i, (f, t) in enumerate(zip(_frames(rb), _column(rb, "toks")))
                        if tp.match(_unsigned(t), f)], pa.int64())
        yield pa.RecordBatch.from_arrays([rb.column("key").take(hit), rb.column("id").take(hit)],
                                         names=["key", "id"])


def _held_partition(batches: Iterable[pa.RecordBatch], need: int) -> Iterator[pa.RecordBatch]:
    """The templates that hold in their ``documents``
    (:func:`dedupe.corpus.templates.holds`), without that column."""
    import pyarrow as pa

    for rb in batches:
        rows = zip(_frames(rb), _column(rb, "fdf"), _column(rb, "documents"))
        hit = pa.array([tp.holds(f, int(n), need, _frequencies(f, d)) for f, d, n in rows], pa.bool_())
        yield rb.drop_columns(["documents"]).filter(hit)


def _assign_partition(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Each block's first standing template that it fills, among those
    anchored at its tokens (gathered beside it in ``tried``)."""
    import pyarrow as pa

    for rb in batches:
        out: dict[str, list[Any]] = {"uid": [], "id": [], "k": [], "masked": [], "key": [], "positions": []}
        rows = zip(_column(rb, "uid"), _column(rb, "id"), _column(rb, "k"), _column(rb, "masked"),
                   _column(rb, "toks"), _column(rb, "tried"))
        for uid, doc, k, masked, raw, tried in rows:
            found = sorted((tp.Template(tuple(_unsigned(c["frame"])), c["key"], c["support"]) for c in tried),
                           key=tp.rank_key)
            j, pos = tp.assign(_unsigned(raw), found, tp.anchors(found))
            if j >= 0:
                for name, value in zip(out, (uid, doc, k, masked, found[j].key, list(pos))):
                    out[name].append(value)
        yield pa.RecordBatch.from_pydict(out, schema=pa.schema([
            ("uid", pa.string()), ("id", pa.string()), ("k", pa.int64()), ("masked", pa.string()),
            ("key", pa.int64()), ("positions", pa.list_(pa.int32()))]))


def _form_partition(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """The text form of each template, from its most canonical block."""
    import pyarrow as pa

    for rb in batches:
        forms = [tp.template_text(m, p) for m, p in zip(_column(rb, "masked"), _column(rb, "positions"))]
        yield pa.RecordBatch.from_arrays([rb.column("key"), rb.column("tcanon"), pa.array(forms, pa.string())],
                                         names=["key", "tcanon", "template"])


# ---------------------------------------------------------------- steps


def short_blocks(paras: DataFrame, texts: DataFrame) -> DataFrame:
    """:data:`BLOCK_SCHEMA` of every short paragraph of ``paras``
    (:func:`dedupe.spark.units.paragraphs`) that is no heading and is
    :func:`templates.eligible`; its text is cut from ``texts``."""
    from pyspark.sql import functions as F

    short = paras.where((F.col("kind") != HEADING) & (F.col("tokens") > 0) & (F.col("tokens") <= TEMPLATE_TOKENS))
    cut = short.select("uid", "id", "k", "start", "end").join(texts, "id").select(
        "uid", "id", "k", F.expr("substring(text, start + 1, end - start)").alias("block"))
    return cut.mapInArrow(_block_partition, BLOCK_SCHEMA)


def block_token_rows(blocks: DataFrame) -> DataFrame:
    """``(uid, id, token)``: each distinct token of each block."""
    from pyspark.sql import functions as F

    return blocks.select("uid", "id", F.explode(F.array_distinct("toks")).alias("token"))


def document_frequency(held: DataFrame) -> DataFrame:
    """``(token, df)``: the documents with a block holding each token."""
    from pyspark.sql import functions as F

    return held.select("token", "id").distinct().groupBy("token").agg(F.count(F.lit(1)).alias("df"))


def candidates(blocks: DataFrame, df: DataFrame, need: int) -> DataFrame:
    """Every frame proposed by blocks of ``need`` documents at least, with
    ``support`` (those documents) and the columns of
    :data:`PROPOSAL_SCHEMA` but ``id``."""
    from pyspark.sql import functions as F

    at = blocks.select("uid", "id", F.posexplode("toks").alias("at", "token")).join(df, "token")
    seq = at.groupBy("uid", "id").agg(F.sort_array(F.collect_list(F.struct("at", "token", "df"))).alias("seq"))
    props = seq.mapInArrow(lambda it: _proposal_partition(it, need), PROPOSAL_SCHEMA)
    # All proposals of one key share its frame (the key is the frame's
    # hash) and the frequencies (global counts): ``min`` picks them once.
    per_doc = props.groupBy("key", "id").agg(F.min(F.struct("frame", "fdf", "anchor", "first")).alias("f"))
    found = per_doc.groupBy("key").agg(F.count(F.lit(1)).alias("support"), F.min("f").alias("f"))
    return found.where(F.col("support") >= need).select("key", "support", "f.*")


def _holding(templates: DataFrame, pairs: DataFrame, need: int) -> DataFrame:
    """The rows of ``templates`` whose ``(key, id)`` pairs hold."""
    from pyspark.sql import functions as F

    counts = pairs.distinct().groupBy("key").agg(F.count(F.lit(1)).alias("documents"))
    return templates.join(counts, "key").mapInArrow(lambda it: _held_partition(it, need), templates.schema)


def standing(cands: DataFrame, blocks: DataFrame, held: DataFrame, need: int) -> DataFrame:
    """The candidates that stand: filled by blocks holding their anchor in
    enough documents, and specific to them."""
    from pyspark.sql import functions as F

    anchored = cands.select("key", "frame", F.col("anchor").alias("token")).join(held, "token")
    with_toks = anchored.join(blocks.select("uid", "toks"), "uid").select("key", "id", "frame", "toks")
    return _holding(cands, with_toks.mapInArrow(_filled_partition, FILLED_SCHEMA), need)


def assigned(stand: DataFrame, blocks: DataFrame, held: DataFrame) -> DataFrame:
    """:data:`ASSIGNED_SCHEMA`: each block that fills a standing template,
    the first one it fills and the positions of its frame."""
    from pyspark.sql import functions as F

    tried = stand.select("key", "support", "frame", F.col("first").alias("token")).join(held, "token")
    per_block = tried.groupBy("uid").agg(F.collect_list(F.struct("key", "support", "frame")).alias("tried"))
    rows = blocks.join(per_block, "uid").select("uid", "id", "k", "masked", "toks", "tried")
    return rows.mapInArrow(_assign_partition, ASSIGNED_SCHEMA)


def template_groups(paras: DataFrame, texts: DataFrame, need: int) -> DataFrame:
    """:data:`TEMPLATE_COLUMNS` of every paragraph that fills a template
    kept by the rule of :func:`dedupe.corpus.templates.learn`; ``tcanon``
    is the most canonical (``k``, ``uid``) paragraph filling it, as
    :func:`dedupe.corpus.blocks.template_groups` chooses."""
    from pyspark.sql import functions as F

    blocks = short_blocks(paras, texts).localCheckpoint()  # read by every later step
    held = block_token_rows(blocks)
    df = document_frequency(held)
    # Each of these is read by two later steps: computed once, not twice.
    cands = candidates(blocks, df, need).localCheckpoint()
    stand = standing(cands, blocks, held, need).localCheckpoint()
    taken = assigned(stand, blocks, held).localCheckpoint()
    kept = _holding(stand, taken.select("key", "id"), need).select("key")
    mine = taken.join(kept, "key")
    canon = mine.groupBy("key").agg(F.min(F.struct("k", "uid", "masked", "positions")).alias("c")).select(
        "key", F.col("c.uid").alias("tcanon"), "c.masked", "c.positions")
    forms = canon.mapInArrow(_form_partition, FORM_SCHEMA)
    return mine.select("uid", "key").join(forms, "key").select(*TEMPLATE_COLUMNS)
