import numpy as np

from dedupe.core.shingle import shingle, token_hashes, tokens


def test_cjk_characters_are_tokens_and_words_elsewhere():
    assert tokens("日本語のテキスト") == list("日本語のテキスト")
    assert tokens("Hello, wide World!") == ["hello", "wide", "world"]
    assert tokens("GPT-5.2を使う") == ["gpt", "5", "2", "を", "使", "う"]
    assert tokens("한국어 ภาษา") == ["한", "국", "어", "ภ", "า", "ษ", "า"]


def test_prolonged_sound_mark_is_a_token():
    assert tokens("コーヒー") == ["コ", "ー", "ヒ", "ー"]


def test_token_hashes_match_the_string_tokens():
    texts = ["Hello wide world", "日本語のテキスト", "mixed 日本 text"]
    th, seg = token_hashes(texts)
    assert seg.tolist() == [0] * 3 + [1] * 8 + [2] * 4
    # Equal tokens hash equal, different ones apart.
    hello = token_hashes(["hello"])[0][0]
    assert th[0] == hello
    assert len(set(th.tolist())) == len(set(tokens(" ".join(texts))))


def test_formatting_differences_give_identical_shingles():
    a = "The quick brown fox jumps over the lazy dog."
    b = "THE  quick\nbrown fox — jumps over the ｌａｚｙ dog!"
    s = shingle([a, b], 3)
    assert np.array_equal(s.unique(0), s.unique(1))
    assert s.keys[0] == s.keys[1]


def test_word_boundaries_matter():
    s = shingle(["ab cd ef", "abc d ef"], 1)
    assert not np.array_equal(s.unique(0), s.unique(1))


def test_ngram_counts_and_short_texts():
    s = shingle(["one two three four", "one two", "", "日本"], 3)
    assert s.tokens.tolist() == [4, 2, 0, 2]
    assert [len(s.raw(i)) for i in range(4)] == [2, 1, 0, 1]


def test_batch_equals_one_at_a_time():
    texts = ["alpha beta gamma delta", "日本語の文章です", "x", "beta gamma delta epsilon"]
    batch = shingle(texts, 2)
    for i, t in enumerate(texts):
        single = shingle([t], 2)
        assert np.array_equal(batch.raw(i), single.raw(0))
        assert batch.keys[i] == single.keys[0]


def test_nul_characters_do_not_split_a_text():
    s = shingle(["a\x00b c"], 1)
    assert len(s) == 1 and s.tokens[0] == 3
