"""The compiled kernel gives bit for bit what the numpy reference gives:
token hashes, shingle sets and both kinds of signatures, on generated
multilingual text and at several n-gram sizes, permutation counts and
seeds; and without the kernel the library says so once and gives the
same results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.core import shingle as sh
from dedupe.core import signature as sig
from tests.strategies import mixed_texts

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


_CHILD = """
import json, sys
from dedupe.core import shingle, signature
texts = json.loads(sys.stdin.read())
out = []
for _ in range(3):  # three calls, one notice
    sets = shingle.shingle(texts, 3)
    out = [sets.hashes.tolist(), sets.offsets.tolist(), signature.minhash(sets, 64, 3).tolist(),
           signature.minhash_oph(sets, 64, 3).tolist(), [shingle.script_counts(t) for t in texts]]
print(json.dumps([shingle.KERNEL is None, out]))
"""


@pytest.mark.parametrize("pure", ["1", "0"])
def test_the_numpy_fallback_gives_the_same_results_with_one_notice(pure):
    texts = ["The ferry leaves at nine. The ferry leaves at ten!", "日本語の文章です。東京２０２４", "", "Straße ﬁne e\u0301"]
    env = {**os.environ, sh.PURE_ENV: pure}
    run = subprocess.run([sys.executable, "-c", _CHILD], input=json.dumps(texts), cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    fallback, out = json.loads(run.stdout)
    sets = sh.shingle(texts, 3)
    assert out == [sets.hashes.tolist(), sets.offsets.tolist(), sig.minhash(sets, 64, 3).tolist(),
                   sig.minhash_oph(sets, 64, 3).tolist(), [list(sh.script_counts(t)) for t in texts]]
    notices = [line for line in run.stderr.splitlines() if "numpy implementation" in line]
    assert fallback is (pure == "1")
    assert notices == ([f"dedupe: {sh.PURE_ENV} is set; using the slower numpy implementation"] if pure == "1" else [])
