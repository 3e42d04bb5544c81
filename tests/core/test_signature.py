import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH

from dedupe.core.signature import hash32, minhash, permutations, to_lean_minhash
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
