"""The leader rule inside each connected component: the single-machine
:func:`dedupe.core.groups.leader_groups` over the component's verified
edges, so that A~B~C with A and C unrelated is never one group.

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

#: Every node of a component: its canonical node and its verified
#: similarity to it (1.0 for a canonical).
LEADER_SCHEMA = "node string, canonical string, similarity double"


def component_leaders(edges: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """:data:`LEADER_SCHEMA` rows of one component, from its edges
    ``(a, ka, b, kb, similarity)``; nodes are in canonical order (``k``,
    then id)."""
    import pandas as pd

    nodes = sorted(set(zip(edges["ka"], edges["a"])) | set(zip(edges["kb"], edges["b"])))
    pos = {node_id: i for i, (_, node_id) in enumerate(nodes)}
    pa_ = np.array([pos[x] for x in edges["a"]], dtype=np.int64)
    pb_ = np.array([pos[x] for x in edges["b"]], dtype=np.int64)
    g = leader_groups(len(nodes), np.stack([pa_, pb_], axis=1), edges["similarity"].to_numpy(dtype=np.float64),
                      threshold)
    names = [n for _, n in nodes]
    return pd.DataFrame({"node": names, "canonical": [names[c] for c in g.canonical.tolist()],
                         "similarity": g.similarity.astype(float)})


def leaders(edges: DataFrame, components: DataFrame, threshold: float) -> DataFrame:
    """:data:`LEADER_SCHEMA` rows of every node of ``edges``."""
    from pyspark.sql import functions as F

    labelled = edges.join(components.select(F.col("node").alias("a"), "component"), "a")
    return labelled.groupBy("component").applyInPandas(
        lambda pdf: component_leaders(pdf, threshold), LEADER_SCHEMA
    )
