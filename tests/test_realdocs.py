"""The real-documents benchmark: its planting tells the truth, and on docs
pages intentional repetition survives while planted loops go.

Generated docs-shaped pages are used always; the Rust book translations in
``../shared/corpus/docs/`` only when they are beside the checkout."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))

import realdocs  # noqa: E402

import dedupe  # noqa: E402
from dedupe.options import Options  # noqa: E402


@pytest.fixture(scope="module", params=["en", "zh", "ja"])
def site(request):
    return realdocs.synthetic_site(request.param, pages=10, seed=2)


def test_generated_pages_carry_the_markup_docs_repeat(site):
    text = "\n".join(site.values())
    assert text.count('<span class="filename">') >= 3
    assert "{{#rustdoc_include" in text


def test_planted_loops_are_labelled_where_they_were_inserted(site):
    rng = random.Random(1)
    for k, (path, text) in enumerate(site.items()):
        p = realdocs.plant(path, text, realdocs.PLANTS[k % 3], rng, donor=None)
        if p is None:
            continue
        assert p.labels.shape == (len(p.text),)
        a, b = p.loop
        assert (p.labels[a:b] != realdocs.KEEP).all()
        # Everything outside the loop is the page itself, unchanged.
        assert p.text[:a].rstrip() + p.text[b:].lstrip() != ""
        keep = p.labels == realdocs.KEEP
        assert "".join(np.array(list(p.text))[keep]).replace("\n", "") == text.replace("\n", "")


def test_untouched_generated_pages_lose_nothing_and_loops_are_found(site):
    r = realdocs.evaluate("site", site, Options(), seed=0, with_check=False)
    assert r["dedupe"]["untouched"]["real_removed_pct"] == 0
    # A loop inserted right before a page's own repeated lead-in makes that
    # lead-in look like part of the loop: a few characters may go.
    assert r["dedupe"]["planted"]["real_removed_pct"] < 0.5
    assert r["dedupe"]["planted"]["planted_recall_pct"] >= 95
    # The naive baseline drops every repeated caption and include line.
    assert r["naive"]["untouched"]["real_removed_pct"] > 0


def test_check_is_quiet_on_generated_pages_and_reports_a_loop(site):
    pages = dict(list(site.items())[:4])
    assert realdocs.dedupe_check(pages) == []
    path, text = next(iter(pages.items()))
    p = realdocs.plant(path, text, "loop-exact", random.Random(3))
    assert p is not None
    found = realdocs.dedupe_check({**pages, path: p.text})
    assert any(f[0] == path and f[1] < p.loop[1] and f[2] > p.loop[0] for f in found)


@pytest.mark.skipif(not realdocs.default_folders(), reason="../shared/corpus/docs is not beside this checkout")
@pytest.mark.parametrize("lang", ["en", "zh", "ja"])
def test_rust_book_pages_are_left_alone(lang):
    folder = realdocs.DOCS / f"rust-book-{lang}"
    pages = realdocs.load_pages(folder)
    total = lost = changed = 0
    for text in pages.values():
        removed = dedupe.find_duplicates(text)
        total += len(text)
        lost += sum(r.end - r.start for r in removed)
        changed += bool(removed)
    assert lost / total <= 0.001
    assert changed / len(pages) <= 0.02


def test_one_file_follows_the_summary_or_else_the_paths():
    pages = {"SUMMARY.md": "- [B](b.md)\n- [A](a.md#part)\n- [B again](b.md)\n- [Gone](x.md)\n",
             "a.md": "A\n", "b.md": "B\n", "c.md": "C\n"}
    assert realdocs.one_file(pages) == "B\n\nA\n"
    del pages["SUMMARY.md"]
    assert realdocs.one_file(pages) == "A\n\nB\n\nC\n"


@pytest.mark.skipif(not realdocs.default_folders(), reason="../shared/corpus/docs is not beside this checkout")
@pytest.mark.parametrize("lang", ["en", "zh", "ja"])
def test_the_rust_book_as_one_file_is_left_alone(lang):
    """Repeats that the chapters keep apart meet in one text: a formula
    ("note that this code does not compile yet") chapters apart, a line
    that starts with inline code, listings that grow from one to the next."""
    text = realdocs.one_file(realdocs.load_pages(realdocs.DOCS / f"rust-book-{lang}"))
    removed = dedupe.find_duplicates(text)
    assert sum(r.end - r.start for r in removed) / len(text) <= 0.0001
    assert len(removed) <= 1
