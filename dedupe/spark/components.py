"""Connected components of the verified-pair graph by alternating
large-star and small-star rounds (Kiveris et al., "Connected Components in
MapReduce and Beyond", 2014), until the edges are stars.

Only the fixed point is trusted: a fixed number of rounds can leave a
component split on an unlucky graph. The rounds' fixed point is a forest
of stars, each centred on its component's smallest node, and a forest of
stars is a fixed point; so the rounds stop as soon as the edges, each
``(larger, smaller)``, are stars: no centre is a leaf and no leaf has two
centres. Near-duplicate graphs mostly are stars from the start (copies
of one canonical), and then no round runs at all. The numpy functions
state each round exactly as the DataFrame version runs it, so the rounds
can be tested without a JVM.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

# ---------------------------------------------------------------- numpy


def _both_ways(edges: np.ndarray) -> np.ndarray:
    e = np.concatenate([edges, edges[:, ::-1]])
    return np.unique(e[e[:, 0] != e[:, 1]], axis=0)


def _min_neighbour(e: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """For each node, the smallest of itself and its neighbours in ``e``
    (rows ``(u, v)``: v is a neighbour of u)."""
    m = nodes.copy()
    pos = np.searchsorted(nodes, e[:, 0])
    np.minimum.at(m, pos, e[:, 1])
    return m


def large_star(edges: np.ndarray) -> np.ndarray:
    """Each node's larger neighbours are linked to its smallest neighbour
    (itself included)."""
    e = _both_ways(edges)
    if e.size == 0:
        return e.reshape(0, 2)
    nodes = np.unique(e[:, 0])
    m = _min_neighbour(e, nodes)
    mu = m[np.searchsorted(nodes, e[:, 0])]
    big = e[:, 1] > e[:, 0]
    out = np.stack([e[big, 1], mu[big]], axis=1)
    return np.unique(out[out[:, 0] != out[:, 1]], axis=0)


def small_star(edges: np.ndarray) -> np.ndarray:
    """Each node and its smaller neighbours are linked to the smallest of
    them."""
    e = np.unique(np.sort(edges, axis=1)[:, ::-1], axis=0)  # (larger, smaller)
    e = e[e[:, 0] != e[:, 1]]
    if e.size == 0:
        return e.reshape(0, 2)
    nodes = np.unique(e[:, 0])
    m = _min_neighbour(e, nodes)
    mu = m[np.searchsorted(nodes, e[:, 0])]
    out = np.concatenate([np.stack([e[:, 1], mu], axis=1), np.stack([e[:, 0], mu], axis=1)])
    return np.unique(out[out[:, 0] != out[:, 1]], axis=0)


def is_star_forest(e: np.ndarray) -> bool:
    """Edges ``(larger, smaller)`` whose smaller ends are never larger
    ends, and whose larger ends have one edge each."""
    leaves = e[:, 0]
    return not np.isin(e[:, 1], leaves).any() and np.unique(leaves).size == leaves.size


def star_components(edges: np.ndarray) -> dict[int, int]:
    """``{node: smallest node of its component}`` for every node with an
    edge, from large-star/small-star rounds run to their fixed point."""
    e = np.unique(np.sort(np.asarray(edges, dtype=np.int64).reshape(-1, 2), axis=1)[:, ::-1], axis=0)
    e = e[e[:, 0] != e[:, 1]]
    while not is_star_forest(e):
        e = small_star(large_star(e))
    return {int(u): int(m) for u, m in e.tolist()} | {int(m): int(m) for m in np.unique(e[:, 1]).tolist()}


# ---------------------------------------------------------------- Spark


def _spark_large_star(e: DataFrame) -> DataFrame:
    from pyspark.sql import functions as F

    both = e.select("u", "v").union(e.select(F.col("v").alias("u"), F.col("u").alias("v")))
    mins = both.groupBy("u").agg(F.least(F.min("v"), F.first("u")).alias("m"))
    out = both.join(mins, "u").where(F.col("v") > F.col("u")).select(F.col("v").alias("u"), F.col("m").alias("v"))
    return out.where(F.col("u") != F.col("v")).distinct()


def _spark_small_star(e: DataFrame) -> DataFrame:
    from pyspark.sql import functions as F

    # Rows (u, v) are already (larger, smaller) after a large-star round.
    mins = e.groupBy("u").agg(F.min("v").alias("m"))
    joined = e.join(mins, "u")
    out = joined.select(F.col("v").alias("u"), F.col("m").alias("v")).union(
        joined.select("u", F.col("m").alias("v"))
    )
    return out.where(F.col("u") != F.col("v")).distinct()


def _spark_is_star_forest(e: DataFrame) -> bool:
    from pyspark.sql import functions as F

    centre_is_leaf = e.select(F.col("v").alias("u")).join(e.select("u"), "u").select("u")
    two_centres = e.groupBy("u").count().where(F.col("count") > 1).select("u")
    return centre_is_leaf.union(two_centres).isEmpty()


def spark_components(edges: DataFrame, max_rounds: int = 100) -> DataFrame:
    """``(node, component)`` for every node of ``edges`` (columns ``a``,
    ``b`` of one orderable type), ``component`` the smallest node.

    Rounds go on until the edges are stars (see the module docstring);
    each round's result is checkpointed so that the plan does not grow
    with the rounds.
    """
    from pyspark.sql import functions as F

    e = edges.select(F.greatest("a", "b").alias("u"), F.least("a", "b").alias("v"))
    e = e.where(F.col("u") != F.col("v")).distinct().localCheckpoint()
    for _ in range(max_rounds):
        if _spark_is_star_forest(e):
            break
        e = _spark_small_star(_spark_large_star(e)).localCheckpoint()
    else:
        raise RuntimeError(f"connected components did not converge in {max_rounds} rounds")
    roots = e.select(F.col("v").alias("node"), F.col("v").alias("component")).distinct()
    return e.select(F.col("u").alias("node"), F.col("v").alias("component")).union(roots)
