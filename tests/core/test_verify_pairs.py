"""Vectorized exact similarity of candidate pairs."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.core.shingle import shingle
from dedupe.core.verify import compare, jaccard_pairs

from tests.strategies import paragraph


def _expected(sets, pairs):
    out = [compare(sets.unique(a), sets.unique(b)) for a, b in pairs]
    return [(s.intersection, s.size_a, s.size_b) for s in out]


def test_matches_compare_on_known_pairs():
    texts = [
        "one two three four five six seven",
        "one two three four five six eight",
        "one two three one two three one two three",
        "",
        "nine ten eleven",
    ]
    sets = shingle(texts, 3)
    pairs = np.array([[0, 1], [1, 0], [0, 2], [2, 2], [3, 0], [4, 1], [0, 1]])
    inter, a, b = jaccard_pairs(sets, pairs)
    assert list(zip(inter.tolist(), a.tolist(), b.tolist())) == _expected(sets, pairs.tolist())
    # Repeated shingles count once: "one two three" x3 has 3 distinct 3-grams.
    assert a[2] == 5 and b[2] == 3 and inter[2] == 1


def test_no_pairs():
    inter, a, b = jaccard_pairs(shingle(["a b c d"], 3), np.zeros((0, 2), dtype=np.int64))
    assert inter.size == a.size == b.size == 0


@settings(max_examples=40, deadline=None)
@given(st.lists(paragraph(), min_size=2, max_size=8), st.data())
def test_equals_pairwise_compare(paras, data):
    # Reuse sentences across paragraphs so that pairs overlap partly.
    texts = paras + [paras[0] + " " + paras[-1]]
    sets = shingle(texts, 3)
    n = len(texts)
    pairs = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), min_size=1, max_size=20))
    inter, a, b = jaccard_pairs(sets, np.array(pairs))
    assert list(zip(inter.tolist(), a.tolist(), b.tolist())) == _expected(sets, pairs)
