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


def test_oversized_buckets_reach_their_first_members_and_predecessor():
    labels = np.zeros(10, dtype=np.uint64)
    pairs = {tuple(p) for p in pairs_from_buckets(labels, np.arange(10), max_bucket=3, reach=2).tolist()}
    expected = {(0, j) for j in range(1, 10)} | {(1, j) for j in range(2, 10)} | {(j, j + 1) for j in range(9)}
    assert pairs == expected


def test_pairs_of_a_huge_bucket_grow_linearly_with_its_size():
    # The cost that made 20,000 near-identical paragraphs take minutes:
    # an all-pairs bucket. An oversized one costs size x reach pairs.
    for size in (1_000, 10_000):
        pairs = pairs_from_buckets(np.zeros(size, dtype=np.uint64), np.arange(size), max_bucket=64, reach=16)
        assert len(pairs) <= 17 * size
