import numpy as np

from dedupe.core.verify import compare, contained_in


def test_jaccard_and_containment():
    a = np.array([1, 2, 3, 4], dtype=np.uint64)
    b = np.array([3, 4, 5, 6, 7, 8], dtype=np.uint64)
    sim = compare(a, b)
    assert sim.intersection == 2
    assert sim.jaccard == 2 / 8
    assert sim.containment == 0.5


def test_empty_sets():
    e = np.zeros(0, dtype=np.uint64)
    assert compare(e, e).jaccard == 1.0
    assert compare(e, np.array([1], dtype=np.uint64)).containment == 0.0
    assert contained_in(e, np.array([1], dtype=np.uint64)) == 0.0


def test_contained_in_pool():
    pool = np.array([1, 5, 9, 12], dtype=np.uint64)
    assert contained_in(np.array([5, 12], dtype=np.uint64), pool) == 1.0
    assert contained_in(np.array([5, 13], dtype=np.uint64), pool) == 0.5
