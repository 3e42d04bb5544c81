import numpy as np
import pytest
from datasketch.lsh import _optimal_param
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.core import candidates
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


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 60), st.integers(1, 6), st.integers(1, 4), st.integers(2, 6), st.booleans(), st.data())
def test_band_table_pairs_equal_those_of_its_rows(n, width, alphabet, max_bucket, kernel, data):
    # Few distinct keys, so that buckets are shared and some pass
    # max_bucket; any rows of the table, in any order, any range of bands.
    rows_of = np.array(data.draw(st.lists(st.lists(st.integers(0, alphabet), min_size=width, max_size=width),
                                          min_size=n, max_size=n)), dtype=np.uint32).reshape(n, width)
    table = candidates.BandTable.of_rows(rows_of)
    rows = np.array(data.draw(st.permutations(range(n)).map(lambda p: p[: len(p) // 2 + 1] if p else p)),
                    dtype=np.int64)
    b0 = data.draw(st.integers(0, width - 1))
    b1 = data.draw(st.integers(b0 + 1, width))
    # Each row a member of its own number, or of any number (rows read in
    # one order, members numbered in another).
    given = data.draw(st.none() | st.permutations(range(rows.size)))
    unsigned = data.draw(st.sampled_from([np.uint32, np.uint64]))
    members = np.arange(rows.size) if given is None else np.array(given, dtype=np.int64)
    assert table.shape == (n, width) and np.array_equal(np.stack(table.columns, axis=1)[rows], rows_of[rows])
    # The reference: every key of the rows' bands tagged with its band.
    labels = (rows_of[rows, b0:b1].astype(np.uint64)
              | (np.arange(b1 - b0, dtype=np.uint64) << np.uint64(32))).ravel()
    ref = candidates.pairs_from_buckets_numpy(labels, np.repeat(members, b1 - b0), max_bucket)
    with pytest.MonkeyPatch.context() as mp:
        if not kernel:
            mp.setattr(candidates, "KERNEL", None)
        got = candidates.table_keys(table, rows, b0, b1, max_bucket,
                                    members=None if given is None else members.astype(unsigned))
        # Room another call left full of its keys gives the same pairs.
        room = candidates.key_room(rows.size, b1 - b0 + 1)
        room[:] = np.uint64(2**64 - 1)
        again = candidates.table_keys(table, rows, b0, b1, max_bucket, room=room,
                                      members=None if given is None else members.astype(unsigned))
    # In no order, a pair once per band it agrees in.
    span = max(rows.size, 1)
    assert got.dtype == np.int64 and got.size <= len(ref) * (b1 - b0)
    assert np.array_equal(candidates.split_keys(np.unique(got), span), ref.reshape(-1, 2))
    assert np.array_equal(np.unique(again), np.unique(got))


@settings(max_examples=300, deadline=None)
@given(st.integers(2, 40), st.integers(1, 4), st.integers(1, 6), st.data())
def test_later_pairs_equal_the_reference(span, groups, piece, data):
    # Any set of pairs i < j as ascending keys, members in few groups so
    # that some pairs share one, some later members not allowed.
    keys = np.array(sorted(data.draw(st.sets(st.tuples(st.integers(0, span - 1), st.integers(0, span - 1))
                                             .filter(lambda p: p[0] < p[1]).map(lambda p: p[0] * span + p[1])))),
                    dtype=np.int64)
    group = np.array(data.draw(st.lists(st.integers(0, groups - 1), min_size=span, max_size=span)), dtype=np.int64)
    allowed = np.array(data.draw(st.lists(st.booleans(), min_size=span, max_size=span)), dtype=bool)
    names = np.array(data.draw(st.permutations(range(100, 100 + span))), dtype=np.int64)
    expected = [(names[k % span], names[k // span]) for k in keys.tolist()
                if group[k // span] != group[k % span] and allowed[k % span]]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(candidates, "PAIR_SLICE", piece)  # the reference's slices may not change what it finds
        reference = candidates.later_pairs_numpy(keys, span, group, allowed, names)
    got = candidates.later_pairs(keys, span, group, allowed, names)
    over = candidates.later_pairs(keys.copy(), span, group, allowed, names, overwrite=True)  # rows over the keys
    for rows in (got, reference, over):
        assert rows.dtype == np.int32 and rows.shape == (len(expected), 2)
        assert [tuple(r) for r in rows.tolist()] == expected


def test_later_pairs_refuse_keys_out_of_order():
    group, allowed, names = np.arange(4), np.ones(4, dtype=bool), np.arange(4)
    for keys in ([2 * 4 + 3, 0 * 4 + 1], [1 * 4 + 1], [4 * 4 + 1]):  # descending, i == j, past the last pair
        with pytest.raises(ValueError, match="ascending"):
            candidates.later_pairs(np.array(keys, dtype=np.int64), 4, group, allowed, names)


def test_later_pairs_of_names_past_int32_are_int64():
    names = np.array([0, 2**40, 5])
    rows = candidates.later_pairs(np.array([0 * 3 + 1, 1 * 3 + 2]), 3, np.arange(3), np.ones(3, dtype=bool), names)
    assert rows.dtype == np.int64 and rows.tolist() == [[2**40, 0], [5, 2**40]]
