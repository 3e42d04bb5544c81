"""Inline ignore markers: <!-- dedupe: off/on/ignore-next --> in Markdown and HTML."""

from __future__ import annotations

import json

import pytest

from dedupe.cli import main
from dedupe.errors import InputError
from dedupe.core.markers import article_start, is_suppressed, suppressed_regions
from tests.sites import prose


def test_off_on_region():
    text = "AA\n\n<!-- dedupe: off -->\nBB\n\nCC\n<!-- dedupe: on -->\n\nDD\n"
    (r,) = suppressed_regions(text)
    assert (r.line, r.end_line) == (3, 7)
    assert is_suppressed(text.index("BB"), [r]) and is_suppressed(text.index("CC"), [r])
    assert not is_suppressed(text.index("AA"), [r]) and not is_suppressed(text.index("DD"), [r])


def test_off_without_on_runs_to_the_end():
    text = "AA\n<!-- dedupe: off -->\nBB\n"
    (r,) = suppressed_regions(text)
    assert r.end == len(text) and is_suppressed(text.index("BB"), [r])


def test_off_at_the_top_covers_the_whole_file():
    text = "<!-- dedupe: off -->\nb\n"
    (r,) = suppressed_regions(text)
    assert is_suppressed(0, [r])


def test_ignore_next_covers_the_next_block_only():
    text = "AA\n\n<!-- dedupe: ignore-next -->\n\nB1\nB2\n\nCC\n"
    (r,) = suppressed_regions(text)
    assert text[r.start:r.end] == "B1\nB2"
    assert not is_suppressed(text.index("CC"), [r])


def test_markers_in_fenced_code_are_examples():
    text = "```html\n<!-- dedupe: off -->\n<!-- dedupe: bogus -->\n```\n\ntext\n"
    assert suppressed_regions(text) == []


def test_inline_code_at_a_line_start_is_no_fence_for_markers():
    text = "```a` b``` is printed.\n\n<!-- dedupe: off -->\nBB\n"
    (r,) = suppressed_regions(text)
    assert is_suppressed(text.index("BB"), [r])


@pytest.mark.parametrize("line", [
    "An unknown marker (`<!-- dedupe: of -->`) is an error.",
    "Write ``<!-- dedupe: off -->`` above the block, and `<!-- dedupe: on -->` after it.",
])
def test_markers_in_code_spans_are_examples(line):
    assert suppressed_regions(f"AA\n\n{line}\n\nBB\n") == []


def test_a_marker_after_a_code_span_on_its_line_counts():
    text = "Use `x` here. <!-- dedupe: off -->\nBB\n"
    (r,) = suppressed_regions(text)
    assert is_suppressed(text.index("BB"), [r]) and not is_suppressed(text.index("Use"), [r])


def test_unknown_marker_is_an_error_naming_the_line():
    with pytest.raises(InputError, match=r"post\.md:3: unknown dedupe marker"):
        suppressed_regions("a\n\n<!-- dedupe: of -->\n", "post.md")


def _article(tmp_path, name, body):
    p = tmp_path / name
    p.write_text(body, encoding="utf-8")
    return str(p)


def test_suppressed_findings_are_counted(tmp_path, capsys):
    para = prose(7)
    md = _article(tmp_path, "post.md",
                  f"{para}\n\n{prose(8)}\n\n<!-- dedupe: ignore-next -->\n{para}\n\n"
                  f"<!-- dedupe: off -->\n\n{para}\n\n<!-- dedupe: on -->\n\n{prose(9)}\n")
    assert main(["check", "--no-config", md]) == 0
    err = capsys.readouterr().err
    assert "0 findings" in err and "suppressed: 2 by inline markers (2 region(s)" in err
    main(["check", "--no-config", "--format", "json", md])
    data = json.loads(capsys.readouterr().out)
    assert data["findings"] == [] and data["summary"]["suppressed"]["inline"] == 2


def test_a_copy_outside_the_region_is_still_reported(tmp_path, capsys):
    para = prose(7)
    md = _article(tmp_path, "post.md",
                  f"<!-- dedupe: off -->\n\n{para}\n\n<!-- dedupe: on -->\n\n{prose(8)}\n\n{para}\n")
    assert main(["check", "--no-config", md]) == 1
    assert "DUP001" in capsys.readouterr().out


def test_markers_work_in_html(tmp_path, capsys):
    para = prose(7)
    html = _article(tmp_path, "page.html",
                    f"<html><body>\n<p>{para}</p>\n\n<p>{prose(8)}</p>\n\n"
                    f"<!-- dedupe: ignore-next -->\n<p>{para}</p>\n</body></html>\n")
    assert main(["check", "--no-config", html]) == 0
    assert "1 by inline markers" in capsys.readouterr().err


def test_bad_marker_exits_2(tmp_path, capsys):
    md = _article(tmp_path, "post.md", f"{prose(1)}\n\n<!-- dedupe: of -->\n\n{prose(2)}\n")
    assert main(["check", "--no-config", md]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dedupe: error:") and "post.md:3" in err


def test_article_start_skips_front_matter_and_markers():
    text = "---\ntitle: x\n---\n\n<!-- dedupe: off -->\n\nBody starts here.\n"
    assert text[article_start(text):].startswith("Body")
    assert article_start("Body\n") == 0


def test_off_after_front_matter_switches_off_article_findings(tmp_path, capsys):
    from tests.sites import make_site

    site = make_site(tmp_path)
    stub = site["stub"]
    text = stub.read_text()
    end = text.index("---", 3) + 4
    stub.write_text(text[:end] + "\n<!-- dedupe: off -->\n" + text[end:])
    assert main(["check", "--no-config", "--select", "DUP005", str(tmp_path / "docs")]) == 0
    assert "1 by inline markers" in capsys.readouterr().err
