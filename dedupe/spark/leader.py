"""The leader rule inside each connected component: the single-machine
:func:`dedupe.core.groups.leader_groups` over the component's verified
edges, so that A~B~C with A and C unrelated is never one cluster.

Edges only run inside a component, and the rule only joins along edges
in canonical order, so applying it per component gives the groups it
gives over the whole corpus."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from dedupe.core.groups import leader_groups

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame

CLUSTER_SCHEMA = "canonical string, k long, size long, members array<string>, similarity double"


def component_clusters(edges: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Clusters (canonical first, members in canonical order) of one
    component, from its edges ``(a, ka, b, kb, similarity)``."""
    import pandas as pd

    nodes = sorted(set(zip(edges["ka"], edges["a"])) | set(zip(edges["kb"], edges["b"])))
    pos = {node_id: i for i, (_, node_id) in enumerate(nodes)}
    pa_ = np.array([pos[x] for x in edges["a"]], dtype=np.int64)
    pb_ = np.array([pos[x] for x in edges["b"]], dtype=np.int64)
    lo, hi = np.minimum(pa_, pb_), np.maximum(pa_, pb_)
    known = dict(zip(zip(lo.tolist(), hi.tolist()), edges["similarity"].astype(float).tolist()))
    g = leader_groups(len(nodes), np.stack([lo, hi], axis=1), lambda i, j: known[(i, j)], threshold)
    rows = []
    for c in np.unique(g.canonical).tolist():
        members = np.flatnonzero(g.canonical == c)
        if members.size < 2:
            continue
        others = members[members != c]
        rows.append({
            "canonical": nodes[c][1],
            "k": int(nodes[c][0]),
            "size": int(members.size),
            "members": [nodes[c][1]] + [nodes[m][1] for m in others.tolist()],
            "similarity": float(g.similarity[others].min()),
        })
    return pd.DataFrame(rows, columns=["canonical", "k", "size", "members", "similarity"])


def clusters(edges: DataFrame, components: DataFrame, threshold: float) -> DataFrame:
    """Clusters of every component, one row each (:data:`CLUSTER_SCHEMA`)."""
    from pyspark.sql import functions as F

    labelled = edges.join(components.select(F.col("node").alias("a"), "component"), "a")
    return labelled.groupBy("component").applyInPandas(
        lambda pdf: component_clusters(pdf, threshold), CLUSTER_SCHEMA
    )
