"""One-permutation MinHash: a cheaper signature whose bin agreement
estimates Jaccard similarity, usable with the same LSH banding."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.core.candidates import lsh_pairs
from dedupe.core.shingle import shingle
from dedupe.core.signature import EMPTY, minhash_oph
from dedupe.core.verify import compare

from tests.strategies import paragraph

BASE = (
    "The committee approved the new budget for the city library on Monday evening after a long debate "
    "about opening hours, staff numbers and the cost of repairing the roof of the old reading room."
)


def test_shape_dtype_and_empty_rows():
    sets = shingle([BASE, "", "short text"], 3)
    sigs = minhash_oph(sets, 64, 1)
    assert sigs.shape == (3, 64) and sigs.dtype == np.uint32
    assert (sigs[1] == EMPTY).all()
    # Densification fills every bin of a non-empty segment, even a tiny one.
    assert not (sigs[2] == EMPTY).any()


def test_identical_sets_give_identical_signatures_and_seeds_differ():
    sets = shingle([BASE, BASE.upper(), BASE], 3)
    a = minhash_oph(sets, 128, 1)
    assert np.array_equal(a[0], a[1]) and np.array_equal(a[0], a[2])
    b = minhash_oph(sets, 128, 2)
    assert not np.array_equal(a[0], b[0])
    assert np.array_equal(minhash_oph(sets, 128, 1), a)  # deterministic


def test_agreement_estimates_jaccard():
    rng = np.random.RandomState(0)
    words = BASE.split() * 4
    errors = []
    for _ in range(60):
        edited = list(words)
        for i in rng.choice(len(edited), rng.randint(1, 25), replace=False):
            edited[i] = f"w{rng.randint(10**6)}"
        sets = shingle([" ".join(words), " ".join(edited)], 3)
        true = compare(sets.unique(0), sets.unique(1)).jaccard
        sig = minhash_oph(sets, 256, int(rng.randint(1000)))
        errors.append(float((sig[0] == sig[1]).mean()) - true)
    errors = np.array(errors)
    # Unbiased within sampling noise; each estimate within a few standard errors.
    assert abs(errors.mean()) < 0.03
    assert np.abs(errors).max() < 0.2


def test_lsh_on_oph_finds_near_duplicates_and_not_strangers():
    texts = [BASE, BASE.replace("Monday", "Tuesday"), "完全に別の文章で、図書館とは何の関係もない話題について長く書かれている。"]
    pairs = lsh_pairs(minhash_oph(shingle(texts, 3), 128, 1), 0.5)
    assert [0, 1] in pairs.tolist()
    assert all(2 not in p for p in pairs.tolist())


@settings(max_examples=40, deadline=None)
@given(st.lists(paragraph(), min_size=1, max_size=6))
def test_signature_of_a_segment_does_not_depend_on_its_batch(paras):
    together = minhash_oph(shingle(paras, 3), 64, 3)
    for i, p in enumerate(paras):
        assert np.array_equal(together[i], minhash_oph(shingle([p], 3), 64, 3)[0])
