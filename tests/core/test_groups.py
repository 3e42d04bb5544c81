"""Grouping without chaining: the leader rule that the scan's clusters and
its determinism rest on."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from dedupe.core.groups import leader_groups


def test_leader_groups_do_not_chain():
    # 0~1 and 1~2 verify, 0~2 does not: 2 must not join 0's group.
    sims = {(0, 1): 0.8, (1, 2): 0.8, (0, 2): 0.3}
    pairs = np.array([[0, 1], [1, 2], [0, 2]])
    g = leader_groups(3, pairs, np.array([sims[tuple(p)] for p in pairs.tolist()]), 0.7)
    assert g.canonical.tolist() == [0, 0, 2]
    assert g.similarity.tolist() == [1.0, 0.8, 1.0]


def test_a_member_joins_its_most_similar_canonical():
    sims = {(0, 2): 0.75, (1, 2): 0.9, (0, 1): 0.1}
    pairs = np.array([[0, 2], [1, 2], [0, 1]])
    g = leader_groups(3, pairs, np.array([sims[tuple(p)] for p in pairs.tolist()]), 0.7)
    assert g.canonical.tolist() == [0, 1, 1] and g.similarity[2] == 0.9


@st.composite
def graphs(draw):
    n = draw(st.integers(1, 12))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
                          .filter(lambda p: p[0] != p[1]), max_size=40))
    sims = {tuple(sorted(p)): draw(st.floats(0.0, 1.0)) for p in pairs}
    return n, np.array(sorted(sims), dtype=np.int64).reshape(-1, 2), sims


@given(graphs(), st.floats(0.1, 0.9))
def test_every_member_is_verified_against_an_earlier_canonical(graph, threshold):
    n, pairs, sims = graph
    g = leader_groups(n, pairs, np.array([sims[tuple(p)] for p in pairs.tolist()]), threshold)
    for i, c in enumerate(g.canonical.tolist()):
        assert g.canonical[c] == c  # canonicals are their own canonical: no chains
        if c != i:
            assert c < i and sims[(c, i)] >= threshold and g.similarity[i] == sims[(c, i)]
