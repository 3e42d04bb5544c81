"""The motivating example: a Japanese post whose generator looped."""

from pathlib import Path

import pytest

import dedupe
from dedupe.cli import main
from tests.article_shapes import article
from tests.strategies import CORPUS

ARTICLE = CORPUS / "gpt-5.2-article.md"
EXPECTED = CORPUS / "gpt-5.2-article.expected.md"
needs_corpus = pytest.mark.skipif(not ARTICLE.exists(), reason="../shared/corpus is not beside this checkout")


def nonempty_lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_article_shapes_collapse_to_the_first_copies(seed):
    text, expected = article(seed)
    result = dedupe.clean(text)
    assert result.text == expected
    kinds = {r.kind for r in result.removed}
    assert "exact" in kinds and "repeated-sentence" in kinds


@needs_corpus
def test_motivating_article_gives_the_expected_canonical_text(capsys):
    assert main(["clean", str(ARTICLE)]) == 0
    out = capsys.readouterr().out
    assert nonempty_lines(out) == nonempty_lines(EXPECTED.read_text(encoding="utf-8"))
    assert out == EXPECTED.read_text(encoding="utf-8")


@needs_corpus
def test_check_fails_on_the_article_and_passes_the_expected_text(capsys):
    assert main(["check", str(ARTICLE)]) == 1
    assert main(["check", str(EXPECTED)]) == 0


@needs_corpus
def test_every_removal_in_the_article_points_at_kept_identical_text():
    text = ARTICLE.read_text(encoding="utf-8")
    result = dedupe.clean(text)
    for r in result.removed:
        kept = text[r.duplicate_of.start : r.duplicate_of.end]
        assert kept in result.text
        if r.kind == "exact":
            assert text[r.start : r.end] == kept
