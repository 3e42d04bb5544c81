"""Exact verification of candidate pairs on the documents' shingle sets,
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
    # The single-machine document similarity: 0.0 when either set is empty.
    if x.size == 0 or y.size == 0:
        return 0.0
    return compare(x, y).jaccard


def verify_partition(batches: Iterable[pa.RecordBatch], threshold: float) -> Iterator[pa.RecordBatch]:
    """The ``mapInArrow`` body: pairs with both shingle sets in, verified
    edges out. The sets arrive sorted as unsigned numbers (the analysis
    sorted them before the signed view), as :func:`compare` needs."""
    import pyarrow as pa

    for rb in batches:
        sa = rb.column("sa").to_numpy(zero_copy_only=False)
        sb = rb.column("sb").to_numpy(zero_copy_only=False)
        sims = np.array([_jaccard(x.view(np.uint64), y.view(np.uint64))
                         for x, y in zip(sa, sb)], dtype=np.float64)
        keep = np.flatnonzero(sims >= threshold)
        out = rb.select(["a", "ka", "b", "kb"]).take(pa.array(keep, type=pa.int64()))
        yield out.append_column("similarity", pa.array(sims[keep], type=pa.float64()))


def verified_edges(pairs: DataFrame, docs: DataFrame, threshold: float) -> DataFrame:
    """``(a, ka, b, kb, similarity)`` for every candidate pair whose exact
    Jaccard similarity is at least ``threshold``."""
    from pyspark.sql import functions as F

    left = docs.select(F.col("id").alias("a"), F.col("k").alias("ka"), F.col("shingles").alias("sa"))
    right = docs.select(F.col("id").alias("b"), F.col("k").alias("kb"), F.col("shingles").alias("sb"))
    joined = pairs.join(left, "a").join(right, "b").select("a", "ka", "b", "kb", "sa", "sb")
    return joined.mapInArrow(lambda it: verify_partition(it, threshold), EDGE_SCHEMA)
