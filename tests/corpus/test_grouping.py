"""Canonical order of a corpus's units: ordering documents' runs of units
gives what sorting every unit gives, and units in any other order are
sorted."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.core.candidates import BandTable
from dedupe.corpus import grouping
from dedupe.corpus.grouping import unit_rank, unit_rank_by_sort


@st.composite
def corpus_units(draw, order: str = "corpus"):
    """(doc_rank, doc, start): units of documents as a corpus holds them
    (by document, by position), ``"within"`` their documents shuffled, or
    ``"shuffled"`` all; positions may repeat within a document."""
    n_docs = draw(st.integers(1, 12))
    counts = draw(st.lists(st.integers(0, 6), min_size=n_docs, max_size=n_docs))
    doc = np.repeat(np.arange(n_docs, dtype=np.int64), counts)
    steps = draw(st.lists(st.integers(0, 40), min_size=doc.size, max_size=doc.size))
    start = np.zeros(doc.size, dtype=np.int64)
    for i in range(doc.size):
        start[i] = steps[i] + (start[i - 1] if i and doc[i - 1] == doc[i] else 0)
    rank = np.array(draw(st.permutations(list(range(n_docs)))), dtype=np.int64)
    if order != "corpus" and doc.size > 1:
        perm = np.array(draw(st.permutations(list(range(doc.size)))), dtype=np.int64)
        if order == "within":
            perm = perm[np.argsort(doc[perm], kind="stable")]
        doc, start = doc[perm], start[perm]
    return rank, doc, start


@settings(max_examples=200, deadline=None)
@given(corpus_units())
def test_ordering_documents_runs_equals_sorting_every_unit(units):
    rank, doc, start = units
    assert np.array_equal(unit_rank(rank, doc, start), unit_rank_by_sort(rank, doc, start))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["corpus", "within", "shuffled"]).flatmap(corpus_units), st.booleans())
def test_units_out_of_order_or_shared_ranks_are_sorted(units, share):
    rank, doc, start = units
    if share and rank.size > 1:
        rank = rank.copy()
        rank[rank == rank.max()] = 0  # two documents of one rank: their units interleave by position
    expected = unit_rank_by_sort(rank, doc, start)
    got = unit_rank(rank, doc, start)
    assert np.array_equal(got, expected)
    # A rank is a place: each unit has its own.
    assert sorted(got.tolist()) == list(range(doc.size))


def test_a_corpus_in_document_order_takes_the_runs(monkeypatch):
    rank = np.array([2, 0, 1], dtype=np.int64)
    doc = np.array([0, 0, 1, 2, 2, 2], dtype=np.int64)
    start = np.array([0, 10, 0, 0, 5, 9], dtype=np.int64)

    def no_sort(*args):
        raise AssertionError("sorted the units of a corpus in document order")

    monkeypatch.setattr(grouping, "unit_rank_by_sort", no_sort)
    # Document 1 (rank 0) first, then document 2, then document 0.
    assert unit_rank(rank, doc, start).tolist() == [4, 5, 0, 1, 2, 3]


def _distinct_counts_by_rows(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rows = np.unique(np.stack([keys, values], axis=1), axis=0)
    return np.unique(rows[:, 0], return_counts=True)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(-3, 40), st.integers(-3, 40)), max_size=60), st.booleans())
def test_distinct_counts_are_those_of_the_unique_rows(pairs, huge):
    keys = np.array([k for k, _ in pairs], dtype=np.int64)
    values = np.array([v for _, v in pairs], dtype=np.int64)
    if huge and keys.size:
        keys = keys + (1 << 60)  # past what one integer per pair can hold: the rows are used
    got = grouping.distinct_counts(keys, values)
    expected = _distinct_counts_by_rows(keys, values) if keys.size else (np.zeros(0), np.zeros(0))
    assert got[0].tolist() == expected[0].tolist()
    assert got[1].tolist() == expected[1].tolist()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(-2, 3), st.integers(0, 3)), max_size=50), st.integers(0, 5),
       st.sampled_from([np.uint64, np.int64]))
def test_repeated_marks_the_keys_that_occur_often_enough(parts, times, dtype):
    from collections import Counter

    # Keys that share their low bits (a slot of the first count) without
    # being equal, negative ones among the signed.
    keys = [hi * grouping.REPEAT_SLOTS + lo for hi, lo in parts]
    if dtype is np.uint64:
        keys = [k % 2**64 for k in keys]
    counts = Counter(keys)
    got = grouping.repeated(np.array(keys, dtype=dtype), times)
    assert got.tolist() == [counts[k] >= times for k in keys]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text("abcé", max_size=3), max_size=20), st.sampled_from(["first", "longest"]),
       st.sampled_from(["none", "empty", "some"]), st.data())
def test_doc_rank_orders_by_length_seniority_then_id(ids, keep, ages, data):
    import math

    lengths = np.array(data.draw(st.lists(st.integers(0, 5), min_size=len(ids), max_size=len(ids))), dtype=np.int64)
    seniority = None if ages == "none" else {} if ages == "empty" else {
        i: float(data.draw(st.integers(0, 3))) for i in ids[::2]}
    age = seniority or {}
    order = sorted(range(len(ids)), key=lambda i: ((-int(lengths[i]),) if keep == "longest" else ())
                   + (age.get(ids[i], math.inf), ids[i]))
    expected = np.empty(len(ids), dtype=np.int64)
    expected[np.array(order, dtype=np.int64)] = np.arange(len(ids))
    assert grouping.doc_rank(ids, lengths, keep, seniority).tolist() == expected.tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=0, max_size=40), st.randoms(use_true_random=False), st.data())
def test_exact_copies_join_their_most_canonical_copy(keys, rnd, data):
    # Keys with repeats, ranks in any order, any subset of items in any
    # order; band keys that never collide, so only exact copies group.
    n = len(keys)
    rank = np.array(rnd.sample(range(n), n), dtype=np.int64)
    items = np.array(data.draw(st.permutations(range(n))), dtype=np.int64)[: data.draw(st.integers(0, n))]
    bands = BandTable.of_rows(np.arange(n, dtype=np.uint32).reshape(n, 1) * np.uint32(2) + np.uint32(1))
    empty = np.zeros(n + 1, dtype=np.int64)
    g = grouping.near_groups(items, rank, np.array(keys, dtype=np.uint64), bands, empty, np.zeros(0, np.uint64), 0.5)
    assert g.items.tolist() == sorted(items.tolist(), key=lambda i: rank[i])
    for i, canon, sim in zip(g.items.tolist(), g.canonical.tolist(), g.similarity.tolist()):
        same = [j for j in items.tolist() if keys[j] == keys[i]]
        assert canon == min(same, key=lambda j: rank[j]) and sim == 1.0


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 50), st.lists(st.integers(0, 40), min_size=1, max_size=8), st.integers(1, 60), st.data())
def test_band_keys_bucketed_range_by_range_are_those_of_every_band_at_once(n, alphabets, chunk, data):
    # Each band with keys of its own few (one band all one key, another
    # all different), so that ranges find very different numbers of pairs
    # in the room they share; any rows in any order, members numbered in
    # any order.
    width = len(alphabets)
    keys = np.array([[data.draw(st.integers(0, a)) for a in alphabets] for _ in range(n)],
                    dtype=np.uint32).reshape(n, width)
    table = BandTable.of_rows(keys)
    rows = np.array(data.draw(st.permutations(range(n))), dtype=np.int64)
    members = np.array(data.draw(st.permutations(range(n))), dtype=np.uint32)
    whole = grouping.band_keys(table, rows, [(0, width)], members)
    old = grouping.BAND_CHUNK
    grouping.BAND_CHUNK = chunk
    try:
        ranges = grouping.band_ranges(table, rows.size)
        got = grouping.band_keys(table, rows, ranges, members)
    finally:
        grouping.BAND_CHUNK = old
    assert [b0 for b0, _ in ranges] == sorted({b0 for b0, _ in ranges}) and ranges[-1][1] == width
    assert got.tolist() == whole.tolist()
    assert got.tolist() == sorted(set(got.tolist()))
