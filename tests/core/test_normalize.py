from dedupe.core.normalize import normalize


def test_full_width_and_half_width_fold_together():
    assert normalize("ＡＢＣ１２３") == "abc123"
    assert normalize("ｶﾞｷﾞ") == "ガギ"


def test_dakuten_is_kept_not_stripped():
    # は and ば differ in meaning; folding must keep them apart.
    assert normalize("ば") != normalize("は")
    assert normalize("は\u3099") == "ば"  # combining mark composed, not dropped


def test_case_folding():
    assert normalize("Straße HELLO") == "strasse hello"
