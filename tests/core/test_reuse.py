"""When two sentences count as copied, and the array pre-filter that spares
the scan most of its candidate pairs."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from dedupe.core import reuse


@st.composite
def set_sizes(draw):
    a, b = draw(st.integers(0, 60)), draw(st.integers(0, 60))
    return draw(st.integers(0, min(a, b))), a, b


@given(st.lists(set_sizes(), min_size=1, max_size=30), st.floats(0.05, 1.0), st.floats(0.05, 1.0))
def test_the_pre_filter_keeps_every_pair_strength_would_accept(sizes, threshold, containment):
    inter, a, b = (np.array(x, dtype=np.int64) for x in zip(*sizes))
    maybe = reuse.may_match(inter, a, b, threshold, containment)
    for k, (i, x, y) in enumerate(sizes):
        found, _ = reuse.strength(i, x, y, threshold, containment)
        if found != reuse.NONE:
            assert maybe[k]


def test_a_light_edit_is_weak_and_a_fragment_is_strong():
    # One changed token in 15 (3-grams): 10 of 13 shingles shared each way.
    assert reuse.strength(10, 13, 13, 0.7, 0.85)[0] == reuse.WEAK
    # A fragment: all 8 of its shingles inside a sentence of 30.
    assert reuse.strength(8, 8, 30, 0.7, 0.85) == (reuse.STRONG, 1.0)
    assert reuse.strength(2, 30, 30, 0.7, 0.85)[0] == reuse.NONE
