import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.core.signature import _twister, hash32, minhash, permutations, to_lean_minhash
from dedupe.core.shingle import shingle

TEXTS = [
    "The committee approved the new budget for the city library on Monday evening.",
    "The committee approved the new budget for the city library on Tuesday evening.",
    "新しい図書館の予算が月曜日の夜に委員会で承認されました。",
    "",
]


def _datasketch(sets, i, num_perm, seed):
    m = MinHash(num_perm=num_perm, seed=seed, hashfunc=int)
    m.update_batch(hash32(sets.raw(i)).tolist())
    return m


def test_signatures_equal_datasketch_bit_for_bit():
    sets = shingle(TEXTS, 3)
    for num_perm, seed in [(128, 1), (64, 7)]:
        sigs = minhash(sets, num_perm, seed)
        for i in range(len(TEXTS)):
            assert np.array_equal(sigs[i], _datasketch(sets, i, num_perm, seed).hashvalues)


def test_lean_minhash_works_in_datasketch_lsh():
    sets = shingle(TEXTS, 3)
    sigs = minhash(sets, 128, 1)
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    for i in range(3):
        lsh.insert(f"d{i}", to_lean_minhash(sigs[i]))
    assert set(lsh.query(to_lean_minhash(sigs[0]))) >= {"d0", "d1"}
    assert "d2" not in lsh.query(to_lean_minhash(sigs[0]))
    est = to_lean_minhash(sigs[0]).jaccard(to_lean_minhash(sigs[1]))
    assert 0.5 < est < 1.0


def test_signatures_of_many_segments_span_blocks():
    texts = [f"segment number {i} with some words {i % 7}" for i in range(5000)]
    sets = shingle(texts, 2)
    sigs = minhash(sets, 32, 3)
    for i in (0, 2500, 4999):
        assert np.array_equal(sigs[i], _datasketch(sets, i, 32, 3).hashvalues)


def test_permutations_drawn_once_sign_as_those_drawn_per_call():
    sets = shingle(["The ferry leaves at nine.", "東京の天気は晴れです。", ""], 3)
    assert (minhash(sets, 64, 7, permutations(64, 7)) == minhash(sets, 64, 7)).all()
    with pytest.raises(ValueError, match="num_perm=128"):
        minhash(sets, 128, 7, permutations(64, 7))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1) | st.sampled_from([0, 1, 2**32 - 1]), st.integers(1, 700))
def test_permutations_are_what_datasketch_draws(seed, num_perm):
    """The parameters are drawn without numpy.random (its import was 8 ms
    of every command), yet equal those datasketch draws from it, also past
    the generator's first 624 outputs."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    x, y = permutations(num_perm, np.int64(seed) if seed % 2 else seed)
    assert x.dtype == y.dtype == np.uint32
    assert np.array_equal(x, a) and np.array_equal(y, b)
    words = np.array(_twister(seed, 2 * num_perm), dtype=np.uint32)  # without the kernel
    assert np.array_equal(words[num_perm:], b) and np.array_equal((words[:num_perm] & 0x7FFFFFFF) * 2 + 1, a)
    assert np.array_equal(MinHash(num_perm=num_perm, seed=seed).permutations, np.stack([x, y]).astype(np.uint64))


@pytest.mark.parametrize("seed", [-1, 2**32])
def test_a_seed_out_of_range_is_refused(seed):
    with pytest.raises(ValueError, match="Seed must be between 0 and 2\\*\\*32 - 1"):
        permutations(8, seed)
