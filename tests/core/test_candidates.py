import numpy as np
from datasketch.lsh import _optimal_param

from dedupe.core.candidates import lsh_pairs, lsh_params, overlap_pairs, pairs_from_buckets
from dedupe.core.shingle import shingle
from dedupe.core.signature import minhash


def test_lsh_params_match_datasketch_choice():
    for threshold, num_perm in [(0.5, 128), (0.8, 128), (0.7, 64)]:
        assert lsh_params(threshold, num_perm) == _optimal_param(threshold, num_perm, 0.5, 0.5)


def test_pairs_from_buckets_unique_and_ordered():
    labels = np.array([5, 5, 5, 9, 9, 1], dtype=np.uint64)
    members = np.array([3, 1, 2, 4, 1, 0])
    assert pairs_from_buckets(labels, members).tolist() == [[1, 2], [1, 3], [1, 4], [2, 3]]


def test_huge_buckets_link_to_their_first_member_only():
    labels = np.zeros(10, dtype=np.uint64)
    pairs = pairs_from_buckets(labels, np.arange(10), max_bucket=3)
    assert pairs.tolist() == [[0, j] for j in range(1, 10)]


def test_lsh_finds_near_duplicates_and_not_strangers():
    base = "the quick brown fox jumps over the lazy dog near the old river bank today"
    texts = [base, base.replace("today", "again"), "completely different words about cooking pasta at home tonight", base]
    sets = shingle(texts, 2)
    pairs = {tuple(p) for p in lsh_pairs(minhash(sets, 128, 1), 0.5).tolist()}
    assert {(0, 1), (0, 3), (1, 3)} <= pairs
    assert not any(2 in p for p in pairs)


def test_overlap_pairs_are_exactly_the_pairs_sharing_a_shingle():
    texts = ["a b c d", "c d e f", "x y z w", "a b q r"]
    sets = shingle(texts, 2)
    got = {tuple(p) for p in overlap_pairs(sets, np.arange(4)).tolist()}
    assert got == {(0, 1), (0, 3)}
