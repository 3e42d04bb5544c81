"""The compiled kernel gives bit for bit what the numpy reference gives:
token hashes, shingle sets and both kinds of signatures, on generated
multilingual text and at several n-gram sizes, permutation counts and
seeds, with the generator of their permutation parameters; the prose
share of a block exactly what the regular expressions
give, on generated Markdown; sorted sets and the intersections of pairs
of them what numpy gives; and without the kernel the library says so once
and gives the same results."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xxhash
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.core import candidates, structure, verify
from dedupe.core import shingle as sh
from dedupe.core import signature as sig
from dedupe.corpus import boilerplate as bp
from tests.strategies import _MIXED, document, mixed_text, mixed_texts, span_arrays, spans_of

ROOT = Path(__file__).resolve().parents[2]


def test_the_kernel_is_built():
    # CI installs with a compiler: a missing kernel there is a broken build.
    assert sh.KERNEL is not None


def _same_sets(a: sh.ShingleSets, b: sh.ShingleSets) -> None:
    for name in ("hashes", "offsets", "tokens", "keys"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype, name
        assert np.array_equal(x, y), name


@settings(max_examples=300, deadline=None)
@given(mixed_texts)
def test_token_hashes_equal_the_reference(texts):
    th, seg = sh.token_hashes(texts)
    ref_th, ref_seg = sh.token_hashes_numpy(texts)
    assert th.dtype == ref_th.dtype and seg.dtype == ref_seg.dtype
    assert np.array_equal(th, ref_th)
    assert np.array_equal(seg, ref_seg)


@settings(max_examples=200, deadline=None)
@given(mixed_texts, st.sampled_from([1, 2, 3, 5, 16]))
def test_shingles_equal_the_reference(texts, ngram):
    _same_sets(sh.shingle(texts, ngram), sh.shingle_numpy(texts, ngram))


@settings(max_examples=150, deadline=None)
@given(mixed_texts, st.sampled_from([1, 3, 5]), st.data())
def test_ngrams_of_any_run_of_a_stream_equal_the_reference(texts, ngram, data):
    # Stage 1 shingles paragraphs and sentences from one token stream,
    # by offsets that need not start at its first token.
    th, off = sh.token_stream(texts)
    a = data.draw(st.integers(0, len(texts)))
    b = data.draw(st.integers(a, len(texts)))
    run = off[a : b + 1]
    _same_sets(sh.ngrams(th, run, ngram), sh.ngrams_numpy(th, run, ngram))
    _same_sets(sh.ngrams(th, run, ngram), sh.shingle(texts[a:b], ngram))


@settings(max_examples=150, deadline=None)
@given(mixed_texts, st.sampled_from([2, 3, 4]), st.sampled_from([1, 16, 128, 200]), st.integers(0, 2**32 - 1))
def test_signatures_equal_the_reference(texts, ngram, num_perm, seed):
    sets = sh.shingle(texts, ngram)
    got, ref = sig.minhash(sets, num_perm, seed), sig.minhash_numpy(sets, num_perm, seed)
    assert got.dtype == ref.dtype and got.shape == ref.shape == (len(texts), num_perm)
    assert np.array_equal(got, ref)
    got, ref = sig.minhash_oph(sets, num_perm, seed), sig.minhash_oph_numpy(sets, num_perm, seed)
    assert got.dtype == ref.dtype and got.shape == ref.shape
    assert np.array_equal(got, ref)


def test_signatures_of_many_segments_equal_the_reference():
    # Enough shingles for the numpy reference to work in several blocks,
    # and sparse segments whose one-permutation rows need densifying.
    rng = np.random.default_rng(7)
    sizes = rng.integers(0, 400, 3000)
    offsets = np.zeros(sizes.size + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    hashes = rng.integers(0, 2**64, int(offsets[-1]), dtype=np.uint64)
    sets = sh.ShingleSets(hashes, offsets, sizes, np.zeros(sizes.size, np.uint64))
    assert np.array_equal(sig.minhash(sets, 128, 1), sig.minhash_numpy(sets, 128, 1))
    assert np.array_equal(sig.minhash_oph(sets, 256, 5), sig.minhash_oph_numpy(sets, 256, 5))


def test_script_counts_equal_the_regular_expressions_on_every_code_point():
    chars = [chr(c) for c in range(0x110000) if c % 7 == 0 or 0x2E80 <= c < 0xAC00 or 0x0E00 <= c < 0x1100]
    for i in range(0, len(chars), 3):
        text = "".join(chars[i : i + 3])
        assert sh.script_counts(text) == sh.script_counts_regex(text), [hex(ord(c)) for c in text]


@settings(max_examples=300, deadline=None)
@given(mixed_texts)
def test_script_counts_equal_the_regular_expressions(texts):
    for text in texts:
        assert sh.script_counts(text) == sh.script_counts_regex(text)


def test_prose_share_equals_the_regular_expressions_on_every_code_point():
    # Each code point alone, after a word character and a dot (the "x.y"
    # markup hint), and inside a code span and a path (the slow path).
    chars = [chr(c) for c in range(0x110000) if c % 5 == 0 or c < 0x3100]
    for i in range(0, len(chars), 4):
        part = "".join(chars[i : i + 4])
        for text in (part, "a." + part, f"`{part}` x/{part}", part + " b"):
            assert structure.prose_share(text) == structure.prose_share_regex(text), [hex(ord(c)) for c in part]


# Markdown and HTML pieces that the non-prose expression removes, mixed
# with multilingual prose and the awkward characters of the tokenizer tests.
_MARKUP_PIECES = [
    "<div>", "</p>", "<img src='a.png'/>", "`code_span()`", "`", "[link](https://example.com/a_b)",
    "](x)", "www.example.org", "mailto:someone@example.com", "src/main.rs", "./x", "/usr/bin",
    "file.md", "a::b", "snake_case_name", "&amp;", "&", "e.g.", "3.5", "v1.2", "：", " ", "\n", "_",
    "日本語`コード`", "<!-- note -->", "{{#include a.rs}}", "| a | b |", "## Heading", "x-.md", "-.md",
    "http:", "https://a", "xftp:y", "file:", "mailto:", "Note: ", "::", "www.", "www. ", "U.S.", "a.B",
    "ａ.ｍｄ", "é.md", "3.x", ".md", "http", "s:",
    # URLs and link targets run on through characters no path or name holds
    "www.例（え）かな", "http://x（y）z", "](（a）b)", "a::b（c）",
    # Tags and code spans at their limits: the longest code span, one too
    # long, a line break or CJK inside one, a "<" before the ">".
    "`" + "y" * 80 + "`", "`" + "y" * 81 + "`", "`" + "y " * 40 + "`", "`" + "y " * 40 + "y`", "`a\nb`", "`日本`", "`a. b`", "`a`b`", "<a <b>", "< open",
    "<span class='x'>text</span>", "``", "` `", "`" + "y.y" * 26 + "`", "`a。b`", "`a! b`", "`a!b`", "`中`",
    # Link targets: closed before white space or not at all, in CJK text.
    "[x](a b)", "[x](" + "y" * 40 + ")中文", "](a", "文字](ab)文字", "[文](ab", "](" + "y-" * 30 + ")",
]
_MARKUP = st.sampled_from(_MARKUP_PIECES)
markdownish = st.lists(st.one_of(_MARKUP, st.text(st.sampled_from(_MIXED), max_size=12), document()),
                       max_size=8).map("".join)


def test_prose_share_equals_the_regular_expressions_on_every_markup_piece():
    # Each piece alone, and beside a colon or a dot that fire the markup
    # hint by themselves (the kernel looks for a non-prose span too).
    for piece in _MARKUP_PIECES:
        for text in (piece, f"{piece} Note: it", f"a.b {piece}", f"prose {piece}prose", f"{piece}{piece}"):
            assert structure.prose_share(text) == structure.prose_share_regex(text), text


def test_markup_decision_equals_the_regular_expressions_near_the_line():
    # mostly_markup skips the non-prose expression when the letters it
    # could remove cannot bring the share under the line: every piece,
    # with as much prose around it as puts the share on either side, in
    # text with spaces and in Chinese and Japanese without.
    for piece in _MARKUP_PIECES:
        for words in range(0, 14):
            for text in (" ".join(["prose"] * words + [piece]), " ".join([piece, *["日本語"] * words, piece]),
                         " ".join(["word"] * words) + piece + "tail", f"a.b {piece} " + "x " * words,
                         "日本語" * words + piece + "。", piece + "中文" * words + piece, f"「{piece}」中文" * words):
                want = structure.prose_share_regex(text) < structure.PROSE_SHARE
                assert structure.mostly_markup(text) == want, text


_enclosing = st.lists(st.one_of(st.sampled_from(["`", "<", ">", "\n", " ", "a_b", "x/y", "日本", "prose ", ".", "](",
                                                 ")", "。", "! ", "!", "y.y", "中文字"]),
                                st.integers(0, 90).map(lambda n: "y" * n), st.integers(0, 45).map(lambda n: "y " * n)),
                      max_size=24).map("".join)


@settings(max_examples=400, deadline=None)
@given(_enclosing)
def test_markup_decision_with_tags_and_code_spans_of_any_length(text):
    """What a tag or a code span could remove is bounded by what lies up
    to the character that would close it: the decision is still the
    expression's, whatever the spans' lengths and what they hold."""
    assert structure.mostly_markup(text) == (structure.prose_share_regex(text) < structure.PROSE_SHARE)


@settings(max_examples=400, deadline=None)
@given(markdownish)
def test_prose_share_equals_the_regular_expressions(text):
    assert structure.prose_share(text) == structure.prose_share_regex(text)
    assert structure.mostly_markup(text) == (structure.prose_share_regex(text) < structure.PROSE_SHARE)


@settings(max_examples=200, deadline=None)
@given(mixed_texts, st.sampled_from([1, 2, 3]))
def test_unique_sets_equal_the_reference(texts, ngram):
    sets = sh.shingle(texts, ngram)
    got, ref = sh.unique_sets(sets), sh.unique_sets_numpy(sets)
    _same_sets(got, ref)
    for i in range(len(sets)):
        assert np.array_equal(got.raw(i), sets.unique(i))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.lists(st.integers(0, 50), max_size=30), max_size=20), max_size=8))
def test_unions_of_sorted_sets_equal_the_reference(docs):
    # A document's set is its paragraphs' sorted sets one after another:
    # up to 16 runs are merged, more are sorted; runs share values.
    rows = [np.concatenate([np.unique(np.array(p, dtype=np.uint64)) for p in d] or [np.zeros(0, np.uint64)])
            for d in docs]
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([r.size for r in rows], out=offsets[1:])
    hashes = np.concatenate(rows or [np.zeros(0, np.uint64)]).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    empty = np.zeros(len(rows), dtype=np.int64)
    sets = sh.ShingleSets(hashes, offsets, empty, empty.astype(np.uint64))
    _same_sets(sh.unique_sets(sets), sh.unique_sets_numpy(sets))
    # Made in the hashes' own array, as the corpus's document sets are.
    in_place = sh.ShingleSets(hashes.copy(), offsets, empty, empty.astype(np.uint64))
    _same_sets(sh.unique_sets(in_place, overwrite=True), sh.unique_sets_numpy(sets))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0, 1, 2, 3, 31, 32, 33, 34, 64, 65, 200, 1000, 70_000, 140_000]),
                          st.sampled_from(["spread", "top bits shared", "repeats", "one value", "sorted down"])),
                min_size=1, max_size=4),
       st.integers(0, 2**32))
def test_unique_sets_of_long_segments_equal_the_reference(segments, seed):
    # Past 32 values a segment is spread into buckets by its top bits:
    # hashes spread evenly, values that share their top bits (one bucket),
    # many repeats, one value, a descending run; sizes around each edge,
    # and past the 2^16 buckets.
    rng = np.random.default_rng(seed)
    make = {
        "spread": lambda n: rng.integers(0, 2**64, n, dtype=np.uint64),
        "top bits shared": lambda n: rng.integers(0, 2**20, n, dtype=np.uint64),
        "repeats": lambda n: rng.integers(0, 2**64, max(n // 8, 1), dtype=np.uint64)[rng.integers(0, max(n // 8, 1), n)],
        "one value": lambda n: np.full(n, 2**63 + 5, dtype=np.uint64),
        "sorted down": lambda n: np.sort(rng.integers(0, 2**64, n, dtype=np.uint64))[::-1].copy(),
    }
    rows = [make[kind](n) for n, kind in segments]
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([r.size for r in rows], out=offsets[1:])
    empty = np.zeros(len(rows), dtype=np.int64)
    sets = sh.ShingleSets(np.concatenate(rows), offsets, empty, empty.astype(np.uint64))
    _same_sets(sh.unique_sets(sets), sh.unique_sets_numpy(sets))
    in_place = sh.ShingleSets(np.concatenate(rows), offsets, empty, empty.astype(np.uint64))
    _same_sets(sh.unique_sets(in_place, overwrite=True), sh.unique_sets_numpy(sets))


def _random_sets(rng: np.random.Generator, n: int) -> sh.ShingleSets:
    # Small alphabets so that sets overlap, some empty, some repeats.
    sizes = rng.integers(0, 60, n)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    alphabet = rng.integers(0, 2**64, 200, dtype=np.uint64)
    hashes = alphabet[rng.integers(0, 200, int(offsets[-1]))]
    return sh.ShingleSets(hashes, offsets, sizes, np.zeros(n, np.uint64))


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 300), st.integers(0, 500))
def test_set_intersections_equal_the_reference(seed, n, m):
    rng = np.random.default_rng(seed)
    raw = _random_sets(rng, n)
    sets = sh.unique_sets(raw)
    pairs = rng.integers(0, n, (m, 2))
    inter, size_a, size_b = verify.jaccard_pairs(raw, pairs)
    got = verify.set_intersections(sets, pairs)
    assert got.dtype == inter.dtype and np.array_equal(got, inter)
    sizes = np.diff(sets.offsets)
    assert np.array_equal(sizes[pairs[:, 0]], size_a) and np.array_equal(sizes[pairs[:, 1]], size_b)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 200), st.integers(0, 400), st.integers(2, 5),
       st.integers(1, 40))
def test_set_intersections_in_threads_equal_those_in_one(seed, n, m, threads, per_thread):
    """Slices of the pairs merged in threads, each written to its slice of
    the result, give what one merge gives (and a thread's error is raised)."""
    import threading

    rng = np.random.default_rng(seed)
    sets = sh.unique_sets(_random_sets(rng, n))
    pairs = rng.integers(0, n, (m, 2))
    before = threading.active_count()
    old = verify.THREAD_PAIRS
    verify.THREAD_PAIRS = per_thread
    try:
        threaded = verify.set_intersections(sets, pairs, threads)
        if m >= 2 * per_thread:
            with pytest.raises(ValueError):  # a pair past the sets fails in its thread
                verify.set_intersections(sets, np.vstack([pairs, [[n, 0]]]), threads)
    finally:
        verify.THREAD_PAIRS = old
    assert np.array_equal(threaded, verify.set_intersections(sets, pairs))
    assert threading.active_count() == before  # none left behind to make a later fork unsafe


def _crowded_sets(rng: np.random.Generator, n: int, crowd: int) -> sh.ShingleSets:
    """Sets as :func:`_random_sets` makes them, their values shifted right
    ``crowd`` bits: from five on, all in the first bucket of a sketch, so
    that larger sets have more in one bucket than its four bits hold."""
    raw = _random_sets(rng, n)
    return sh.unique_sets(sh.ShingleSets(raw.hashes >> np.uint64(crowd), raw.offsets, raw.tokens, raw.keys))


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 300), st.integers(0, 7))
def test_set_sketches_equal_the_reference(seed, n, crowd):
    sets = _crowded_sets(np.random.default_rng(seed), n, crowd)
    got = verify.set_sketches(sets)
    assert got.dtype == np.uint64 and got.shape == (n, verify.SKETCH_WORDS)
    assert np.array_equal(got, verify.set_sketches_numpy(sets))


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 300), st.integers(0, 500), st.integers(0, 7),
       st.floats(0.01, 1.0), st.floats(0.01, 1.0), st.integers(1, 3))
def test_reaching_intersections_equal_the_reference(seed, n, m, crowd, jaccard, containment, threads):
    """The kernel merges only the pairs whose sketches' bound reaches a
    threshold: were a bound ever below the intersection, a pair that
    reaches would get 0 here and its intersection from the reference."""
    rng = np.random.default_rng(seed)
    sets = _crowded_sets(rng, n, crowd)
    # Pairs of a set with itself (its bound is exact) beside random pairs.
    pairs = np.vstack([rng.integers(0, n, (m, 2)), np.repeat(rng.integers(0, n, (m // 4, 1)), 2, axis=1)])
    old = verify.THREAD_PAIRS
    verify.THREAD_PAIRS = 50
    try:
        got = verify.reaching_intersections(sets, verify.set_sketches(sets), pairs, jaccard, containment, threads)
    finally:
        verify.THREAD_PAIRS = old
    expected = verify.reaching_intersections_numpy(sets, pairs, jaccard, containment)
    assert got.dtype == expected.dtype and np.array_equal(got, expected)
    inter = verify.set_intersections(sets, pairs)
    assert np.all((got == inter) | (got == 0))


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32 - 1), st.lists(st.tuples(st.integers(1, 60), st.integers(0, 400), st.integers(0, 60)),
                                           min_size=1, max_size=40), st.floats(0.3, 1.0))
def test_reaching_intersections_of_small_sets_inside_large_ones(seed, shapes, containment):
    """A small set sharing all, most or a few of its values with a large
    one (the pairs the bitmaps bound, and the counts cannot), near every
    containment: the kernel's bounds never drop a pair that reaches."""
    rng = np.random.default_rng(seed)
    parts, sizes = [], []
    for shared, extra, own in shapes:
        common = rng.integers(1, 2**64, shared, dtype=np.uint64)
        parts += [np.concatenate([common, rng.integers(1, 2**64, own, dtype=np.uint64)]),
                  np.concatenate([common, rng.integers(1, 2**64, extra, dtype=np.uint64)])]
    sizes = [p.size for p in parts]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    sets = sh.unique_sets(sh.ShingleSets(np.concatenate(parts), offsets, np.zeros(len(parts), np.int64),
                                         np.zeros(len(parts), np.uint64)))
    pairs = np.array([[2 * k, 2 * k + 1] for k in range(len(shapes))] + [[2 * k + 1, 2 * k] for k in range(len(shapes))])
    sketches = verify.set_sketches(sets)
    got = verify.reaching_intersections(sets, sketches, pairs, math.inf, containment)
    assert np.array_equal(got, verify.reaching_intersections_numpy(sets, pairs, math.inf, containment))
    # Each pair at the containment it has exactly, where a bound one too
    # low would drop it.
    inter = verify.set_intersections(sets, pairs)
    sizes = np.diff(sets.offsets)
    for (a, b), i in zip(pairs.tolist(), inter.tolist()):
        exact = i / max(1, min(sizes[a], sizes[b]))
        if i:
            assert verify.reaching_intersections(sets, sketches, np.array([[a, b]]), math.inf, exact).tolist() == [i]


def test_sets_too_crowded_for_their_sketches_are_still_merged():
    # 600 values in one bucket of a sketch, whose counts stop at 15.
    values = np.arange(1, 601, dtype=np.uint64)
    sets = sh.ShingleSets(np.concatenate([values, values, values[:400]]), np.array([0, 600, 1200, 1600]),
                          np.zeros(3, np.int64), np.zeros(3, np.uint64))
    pairs = np.array([[0, 1], [0, 2], [2, 1]])
    got = verify.reaching_intersections(sets, verify.set_sketches(sets), pairs, 0.9, 0.9)
    assert got.tolist() == verify.set_intersections(sets, pairs).tolist() == [600, 400, 400]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000), st.lists(st.integers(0, 3000), max_size=8))
def test_xxh3_of_slices_equals_the_xxhash_package(data, cuts):
    # Every length from empty to several 1 KB blocks: each of the
    # algorithm's size classes (0, 1-3, 4-8, 9-16, 17-128, 129-240, more).
    bounds = np.array(sorted({0, len(data), *(min(c, len(data)) for c in cuts)}), dtype=np.int64)
    out = np.zeros(bounds.size - 1, dtype=np.uint64)
    assert sh.KERNEL.xxh3_slices(np.frombuffer(data, dtype=np.uint8), bounds, out) == bounds.size - 1
    assert out.tolist() == [xxhash.xxh3_64_intdigest(data[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2**32 - 1) | st.sampled_from([0, 1, 5489, 2**32 - 1]), st.integers(0, 1900))
def test_twister_equals_the_reference(seed, count):
    """The generator of the permutation parameters, past several of its
    624-word refills."""
    out = np.empty(count, dtype=np.uint32)
    sh.KERNEL.twister(seed, out)
    assert np.array_equal(out, np.array(sig._twister(seed, count), dtype=np.uint32))


def test_twister_refuses_a_seed_out_of_range_and_a_wrong_buffer():
    with pytest.raises(ValueError, match="seed"):
        sh.KERNEL.twister(2**32, np.empty(4, dtype=np.uint32))
    with pytest.raises(TypeError, match="out"):
        sh.KERNEL.twister(1, np.empty(4, dtype=np.uint64))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 400), max_size=12), st.integers(0, 2**32 - 1))
def test_sequence_keys_equal_the_reference(counts, seed):
    off = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=off[1:])
    th = np.random.default_rng(seed).integers(0, 2**64, int(off[-1]), dtype=np.uint64, endpoint=False)
    keys = sh.sequence_keys(th, off)
    assert keys.dtype == np.uint64
    assert np.array_equal(keys, sh.sequence_keys_xxhash(th, off))


def test_the_kernel_refuses_inconsistent_arrays():
    sets = sh.unique_sets(_random_sets(np.random.default_rng(1), 5))
    with pytest.raises(ValueError):
        sh.KERNEL.intersections(sets.hashes, sets.offsets, np.array([0, 5], dtype=np.int64), np.zeros(1, np.int64))
    with pytest.raises(ValueError):
        sh.KERNEL.unique_sets(sets.hashes, np.array([0, 3, 1], dtype=np.int64), np.zeros(9, np.uint64),
                              np.zeros(3, np.int64))
    data = np.zeros(8, dtype=np.uint8)
    for bounds in ([0, 9], [4, 2], [-1, 3]):  # past the end, backwards, before the start
        with pytest.raises(ValueError):
            sh.KERNEL.xxh3_slices(data, np.array(bounds, dtype=np.int64), np.zeros(1, np.uint64))
    tokens, one = np.arange(1, 5, dtype=np.uint64), np.ones(4, dtype=np.int64)
    offsets = np.array([0, 4], dtype=np.int64)

    def frames(df, room):
        return sh.KERNEL.level_frames(tokens, offsets, df, 1, 7, 0, 0.25, 3, 12, np.zeros(8, np.int64),
                                      np.zeros(8, np.int64), np.zeros(room, np.uint64), np.zeros(9, np.int64))

    assert frames(one, 32) >= 0
    with pytest.raises(ValueError):  # a frequency short
        frames(one[:3], 32)
    with pytest.raises(ValueError):  # less room than a block's levels may take
        frames(one, 31)
    for rows in ([1], [-1]):  # past the blocks, before them
        with pytest.raises(ValueError):
            sh.KERNEL.frame_fills(tokens, offsets, np.array(rows, dtype=np.int64), tokens, 0, 0.25, 12,
                                  np.zeros(1, np.uint8))


_CHILD = """
import json, sys
from dedupe.core import shingle, signature, structure
texts = json.loads(sys.stdin.read())
out = []
for _ in range(3):  # three calls, one notice
    sets = shingle.shingle(texts, 3)
    out = [sets.hashes.tolist(), sets.offsets.tolist(), signature.minhash(sets, 64, 3).tolist(),
           signature.minhash_oph(sets, 64, 3).tolist(), [shingle.script_counts(t) for t in texts],
           [structure.prose_share(t) for t in texts], shingle.unique_sets(sets).hashes.tolist(),
           sets.keys.tolist()]
print(json.dumps([shingle.KERNEL is None, out]))
"""


@pytest.mark.parametrize("pure", ["1", "0"])
def test_the_numpy_fallback_gives_the_same_results_with_one_notice(pure):
    texts = ["The ferry leaves at nine. The ferry leaves at ten!", "日本語の文章です。東京２０２４", "", "Straße ﬁne e\u0301",
             "See `src/main.rs` and <b>a_b</b>: e.g. www.example.com"]
    env = {**os.environ, sh.PURE_ENV: pure}
    run = subprocess.run([sys.executable, "-c", _CHILD], input=json.dumps(texts), cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    fallback, out = json.loads(run.stdout)
    sets = sh.shingle(texts, 3)
    assert out == [sets.hashes.tolist(), sets.offsets.tolist(), sig.minhash(sets, 64, 3).tolist(),
                   sig.minhash_oph(sets, 64, 3).tolist(), [list(sh.script_counts(t)) for t in texts],
                   [structure.prose_share(t) for t in texts], sh.unique_sets(sets).hashes.tolist(),
                   sets.keys.tolist()]
    notices = [line for line in run.stderr.splitlines() if "numpy implementation" in line]
    assert fallback is (pure == "1")
    assert notices == ([f"dedupe: {sh.PURE_ENV} is set; using the slower numpy implementation"] if pure == "1" else [])


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 40), st.sampled_from([(9, 13), (21, 3), (1, 1), (32, 4), (5, 20)]), st.integers(0, 2**32 - 1))
def test_band_keys_equal_the_reference(rows, banding, seed):
    bands, per_band = banding
    signatures = np.random.default_rng(seed).integers(0, 2**32, (rows, 128), dtype=np.uint32)
    got = candidates.band_keys(signatures, bands, per_band)
    ref = candidates.band_keys_numpy(signatures, bands, per_band)
    assert got.dtype == ref.dtype and got.shape == ref.shape == (rows, bands)
    assert np.array_equal(got, ref)
    # A strided slice of the permutations.
    if bands * per_band < 128:
        assert np.array_equal(candidates.band_keys(signatures[:, 1:], bands, per_band),
                              candidates.band_keys_numpy(signatures[:, 1:], bands, per_band))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3), st.integers(0, 40)), max_size=300),
       st.sampled_from([1, 2, 1000]), st.sampled_from([1, 16]), st.booleans())
def test_pairs_from_buckets_of_word_wide_labels_in_member_order(items, max_bucket, reach, signed):
    """Labels as wide as a word, members in order (a page's shingles):
    grouped by the labels' low bits, and sorted when two labels share
    them, the same pairs as the reference."""
    items = sorted(items, key=lambda t: t[2])
    labels = np.array([(high << 40) | low for high, low, _ in items], dtype=np.uint64)
    if signed:
        labels = labels.view(np.int64)
    members = np.array([m for _, _, m in items], dtype=np.int64)
    got = candidates.pairs_from_buckets(labels, members, max_bucket, reach)
    assert np.array_equal(got, candidates.pairs_from_buckets_numpy(labels, members, max_bucket, reach))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 40)), max_size=300),
       st.sampled_from([1, 2, 3, 5, 1000]), st.sampled_from([1, 2, 16]), st.sampled_from([0, 32, 50, 60]),
       st.booleans())
def test_pairs_from_buckets_equal_the_reference(items, max_bucket, reach, label_bits, signed):
    # Repeated members, buckets past max_bucket (linked, not paired all
    # with all), labels as wide as the scan's band keys (they share a word
    # with their members) and as wide as a whole word (shingle hashes,
    # signed or not: sorted apart).
    labels = np.array([(lab << label_bits) | lab for lab, _ in items], dtype=np.uint64)
    if signed:
        labels = labels.view(np.int64)
    members = np.array([m for _, m in items], dtype=np.int64)
    got = candidates.pairs_from_buckets(labels, members, max_bucket, reach)
    ref = candidates.pairs_from_buckets_numpy(labels, members, max_bucket, reach)
    assert got.dtype == ref.dtype and got.shape == ref.shape
    assert np.array_equal(got, ref)
    # As keys over a wider span (a band of a larger set of rows), the same
    # pairs, sorted.
    if members.size:
        span = int(members.max()) + 1 + label_bits
        keys = candidates.bucket_keys(labels, members, span, max_bucket, reach)
        assert np.array_equal(candidates.split_keys(keys, span), ref)


@settings(max_examples=200, deadline=None)
@given(st.lists(mixed_text, min_size=1, max_size=5), st.data())
def test_span_counts_equal_the_reference(texts, data):
    spans = data.draw(spans_of(texts))
    doc, starts, ends = span_arrays(spans)
    got, ref = sh.span_counts(texts, doc, starts, ends), sh.span_counts_regex(texts, doc, starts, ends)
    for g, r in zip(got, ref):
        assert g.dtype == r.dtype and np.array_equal(g, r)


def test_span_counts_refuse_a_span_outside_its_text():
    with pytest.raises(ValueError):
        sh.span_counts(["abc"], np.array([0]), np.array([1]), np.array([4]))
    with pytest.raises(IndexError):
        sh.span_counts(["abc"], np.array([1]), np.array([0]), np.array([1]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(mixed_text, st.text(st.sampled_from("0123456789٠١２³ aé\u0301\x00ﬁ."), max_size=30)),
                min_size=1, max_size=5), st.data())
def test_masked_span_tokens_equal_masking_and_tokenizing_each_span(texts, data):
    spans = data.draw(spans_of(texts))
    doc, starts, ends = span_arrays(spans)
    th, off = bp.masked_stream(texts, doc, starts, ends)
    ref_th, ref_off = sh.token_stream_numpy(bp.mask_all([texts[d][a:b] for d, a, b in spans]))
    assert th.dtype == ref_th.dtype and np.array_equal(th, ref_th)
    assert np.array_equal(off, ref_off)


@st.composite
def _sorted_candidates(draw):
    """Candidate pairs ``lo < hi`` sorted by ``(hi, lo)``, with similarities
    that tie, sit on the threshold, or are not numbers."""
    n = draw(st.integers(1, 30))
    pairs = sorted({(lo, hi) for lo, hi in draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)),
                                                         max_size=80)) if lo < hi}, key=lambda p: (p[1], p[0]))
    sims = draw(st.lists(st.sampled_from([0.0, 0.5, 0.7, 0.7, 0.9, 1.0, float("nan")]) | st.floats(0, 1),
                         min_size=len(pairs), max_size=len(pairs)))
    lo = np.array([p[0] for p in pairs], dtype=np.int64)
    hi = np.array([p[1] for p in pairs], dtype=np.int64)
    return n, lo, hi, np.array(sims, dtype=np.float64)


@settings(max_examples=300, deadline=None)
@given(_sorted_candidates(), st.sampled_from([0.0, 0.5, 0.7, 0.95]))
def test_leader_groups_equal_the_reference(candidates_, threshold):
    from dedupe.core import groups

    n, lo, hi, sims = candidates_
    want = (np.arange(n, dtype=np.int64), np.ones(n))
    groups._leader_loop(lo, hi, sims, threshold, *want)
    got = (np.arange(n, dtype=np.int64), np.ones(n))
    joined = sh.KERNEL.leader_groups(lo, hi, sims, threshold, *got)
    assert got[0].tolist() == want[0].tolist() and got[1].tolist() == want[1].tolist()
    assert joined == int(np.count_nonzero(want[0] != np.arange(n)))


def test_leader_groups_refuse_pairs_out_of_order_or_range():
    canonical, sim = np.arange(3, dtype=np.int64), np.ones(3)
    for lo, hi in (([0, 0], [2, 1]), ([1], [1]), ([0], [3]), ([-1], [2]), ([0, 1], [1])):
        with pytest.raises(ValueError):
            sh.KERNEL.leader_groups(np.array(lo, dtype=np.int64), np.array(hi, dtype=np.int64),
                                    np.ones(len(lo)), 0.5, canonical, sim)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 5), max_size=30), st.sampled_from([1, 16, 64, 128, 200]), st.integers(0, 2**32 - 1))
def test_union_signatures_equal_the_reference(counts, k, seed):
    rows = np.random.default_rng(seed).integers(0, 2**32, (sum(counts), k), dtype=np.uint64).astype(np.uint32)
    counts_ = np.array(counts, dtype=np.int64)
    got = sig.union_signatures(rows, counts_)
    assert got.shape == (len(counts), k)
    assert got.tolist() == sig.union_signatures_numpy(rows, counts_).tolist()


def test_union_signatures_refuse_counts_that_do_not_sum_to_the_rows():
    rows = np.zeros((4, 8), dtype=np.uint32)
    for counts in ([1, 2], [5], [2, -1, 3]):
        with pytest.raises(ValueError):
            sh.KERNEL.union_signatures(rows, np.array(counts, dtype=np.int64), np.zeros((len(counts), 8), np.uint32))
