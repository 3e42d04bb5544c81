"""Exact verification of candidate pairs on the units' shingle sets,
before any grouping: only pairs at or above the threshold become edges."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Iterator

import numpy as np

from dedupe.core.verify import compare

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame

EDGE_SCHEMA = "a string, ka long, b string, kb long, similarity double"


def _jaccard(x: np.ndarray, y: np.ndarray) -> float:
    # The single-machine similarity: 0.0 when either set is empty.
    if x.size == 0 or y.size == 0:
        return 0.0
    return compare(x.view(np.uint64), y.view(np.uint64)).jaccard


def _similarity(x: np.ndarray, y: np.ndarray, wx: np.ndarray | None, wy: np.ndarray | None) -> float:
    # Documents are compared without their boilerplate, or whole when
    # neither has anything else (dedupe.corpus.clusters.document_similarities).
    if wx is not None and wy is not None and x.size == 0 and y.size == 0:
        return _jaccard(wx, wy)
    return _jaccard(x, y)


def verify_partition(batches: Iterable[pa.RecordBatch], threshold: float) -> Iterator[pa.RecordBatch]:
    """The ``mapInArrow`` body: pairs with both shingle sets in (and, for
    documents, both whole sets ``wa``, ``wb``), verified edges out. The
    sets arrive sorted as unsigned numbers (the analysis sorted them
    before the signed view), as :func:`compare` needs."""
    import pyarrow as pa

    for rb in batches:
        sa = rb.column("sa").to_numpy(zero_copy_only=False)
        sb = rb.column("sb").to_numpy(zero_copy_only=False)
        whole = "wa" in rb.schema.names
        wa = rb.column("wa").to_numpy(zero_copy_only=False) if whole else [None] * len(sa)
        wb = rb.column("wb").to_numpy(zero_copy_only=False) if whole else [None] * len(sa)
        sims = np.array([_similarity(*four) for four in zip(sa, sb, wa, wb)], dtype=np.float64)
        keep = np.flatnonzero(sims >= threshold)
        out = rb.select(["a", "ka", "b", "kb"]).take(pa.array(keep, type=pa.int64()))
        yield out.append_column("similarity", pa.array(sims[keep], type=pa.float64()))


def verified_edges(pairs: DataFrame, units: DataFrame, threshold: float) -> DataFrame:
    """``(a, ka, b, kb, similarity)`` for every candidate pair whose exact
    Jaccard similarity is at least ``threshold``. ``units`` has ``id``,
    ``k``, ``shingles`` and optionally ``whole`` (the fallback sets)."""
    from pyspark.sql import functions as F

    extra = ["whole"] if "whole" in units.columns else []
    left = units.select(F.col("id").alias("a"), F.col("k").alias("ka"), F.col("shingles").alias("sa"),
                        *[F.col(c).alias("wa") for c in extra])
    right = units.select(F.col("id").alias("b"), F.col("k").alias("kb"), F.col("shingles").alias("sb"),
                         *[F.col(c).alias("wb") for c in extra])
    cols = ["a", "ka", "b", "kb", "sa", "sb"] + (["wa", "wb"] if extra else [])
    joined = pairs.join(left, "a").join(right, "b").select(*cols)
    return joined.mapInArrow(lambda it: verify_partition(it, threshold), EDGE_SCHEMA)
