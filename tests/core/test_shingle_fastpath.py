"""The table-driven normalization inside the tokenizer gives exactly what
the full Unicode algorithm gives."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.core.normalize import normalize
from dedupe.core.shingle import among, normalized_code_points, shingle, sorted_unique


def _reference(texts):
    joined = "\x00".join(t.replace("\x00", " ") for t in texts)
    return np.frombuffer(normalize(joined).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def test_every_code_point():
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    texts = ["".join(chars[i : i + 64]) for i in range(0, len(chars), 64)]
    assert np.array_equal(normalized_code_points(texts), _reference(texts))


def test_composition_width_and_case():
    texts = ["ｶﾞｷﾞｸﾞ", "Ｔｏｋｙｏ２０２４", "e\u0301", "\u1100\u1161\u11a8", "Straße ẖ ﬁne", "㈱会社", "a\x00b", ""]
    assert np.array_equal(normalized_code_points(texts), _reference(texts))
    assert normalize("ｶﾞ") == "ガ"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=30), max_size=6))
def test_any_text(texts):
    assert np.array_equal(normalized_code_points(texts), _reference(texts))


def test_shingles_ignore_width_case_and_spacing():
    a = shingle(["ＡＢＣ　ｄｅｆ  ghi jkl"], 3)
    b = shingle(["abc def\nGHI jkl"], 3)
    assert np.array_equal(a.hashes, b.hashes) and a.keys[0] == b.keys[0]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 2**64 - 1), max_size=50))
def test_sorted_unique(values):
    x = np.array(values, dtype=np.uint64)
    assert np.array_equal(sorted_unique(x), np.array(sorted(set(values)), dtype=np.uint64))


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([np.int64, np.uint64, np.int32]), st.data())
def test_among_is_isin(dtype, data):
    """``among`` answers what ``np.isin`` does, for members drawn near the
    values and far from them, repeated or none at all."""
    info = np.iinfo(dtype)
    ints = st.integers(int(info.min), int(info.max)) | st.integers(-3, 3).map(lambda v: max(int(info.min), v))
    values = np.array(data.draw(st.lists(ints, max_size=40)), dtype=dtype)
    members = np.array(data.draw(st.lists(ints | st.sampled_from(values.tolist() or [0]), max_size=20)), dtype=dtype)
    assert np.array_equal(among(values, members), np.isin(values, members))
    assert among(values.reshape(-1, 1), members).shape == (values.size, 1)
