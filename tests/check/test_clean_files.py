"""``dedupe clean`` over files and folders, and ``dedupe check --fix``: the
same discovery, configuration and inline markers as ``dedupe check``, so
that cleaning fixes exactly what the check reports."""

from __future__ import annotations

import json

import pytest

from dedupe.cli import main
from tests.sites import prose


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A small site: a looping page, a page whose repeat is switched off by
    markers, a clean page, an excluded draft and a symlink to the loop."""
    monkeypatch.chdir(tmp_path)
    content = tmp_path / "content"
    (content / "drafts").mkdir(parents=True)
    (tmp_path / ".dedupe.toml").write_text('exclude = ["content/drafts/*"]\n', encoding="utf-8")
    a, b, c = prose(1), prose(2), prose(3)
    (content / "loop.md").write_text(f"# Loop\n\n{a}\n\n{b}\n\n{c}\n\n{a}\n\n{b}\n", encoding="utf-8")
    (content / "kept.md").write_text(f"# Kept\n\n{prose(4)}\n\n<!-- dedupe: off -->\n\n{prose(4)}\n\n"
                                     "<!-- dedupe: on -->\n", encoding="utf-8")
    (content / "fine.md").write_text(f"# Fine\n\n{prose(5)}\n\n{prose(6)}\n", encoding="utf-8")
    (content / "drafts" / "wip.md").write_text(f"{prose(7)}\n\n{prose(7)}\n", encoding="utf-8")
    (tmp_path / "loop-link.md").symlink_to(content / "loop.md")
    return content


def _texts(root):
    return {p: p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.md"))}


def _check(capsys, *extra):
    code = main(["check", "content", "--select", "DUP001", "--format", "json", *extra])
    return code, json.loads(capsys.readouterr().out)["findings"]


def test_diff_shows_the_change_and_writes_nothing(site, capsys):
    before = _texts(site)
    assert main(["clean", "content", "--diff"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("--- content/loop.md\n+++ content/loop.md\n") and out.count("+++") == 1
    assert "would change 1 of 3 file(s)" in err  # the draft is excluded, the markers respected
    assert _texts(site) == before


def test_in_place_fixes_exactly_what_check_reports(site, capsys):
    code, findings = _check(capsys)
    assert code == 1 and {f["path"] for f in findings} == {"content/loop.md"}
    expected = site.joinpath("loop.md").read_text(encoding="utf-8")
    for f in sorted(findings, key=lambda f: -f["start"]):
        expected = expected[:f["start"]] + expected[f["end"]:]
    assert main(["clean", "content", "--in-place"]) == 0
    capsys.readouterr()
    assert " ".join(site.joinpath("loop.md").read_text(encoding="utf-8").split()) == " ".join(expected.split())
    assert _check(capsys)[0] == 0
    assert "dedupe: off" in site.joinpath("kept.md").read_text(encoding="utf-8")
    assert site.joinpath("drafts", "wip.md").read_text(encoding="utf-8").count(prose(7)) == 2


def test_check_fix_does_what_clean_in_place_does(site, tmp_path, capsys):
    assert main(["clean", "content", "--diff"]) == 1
    diff = capsys.readouterr().out
    code, findings = _check(capsys, "--fix")
    assert code == 0 and findings == []
    assert _check(capsys)[0] == 0
    assert main(["clean", "content", "--diff"]) == 0 and diff  # nothing left for clean either


def test_a_symlinked_page_is_written_through(site, capsys):
    assert main(["clean", "loop-link.md", "--in-place"]) == 0
    link = site.parent / "loop-link.md"
    assert link.is_symlink() and link.resolve() == site / "loop.md"
    assert site.joinpath("loop.md").read_text(encoding="utf-8").count(prose(1)) == 1


def test_several_inputs_need_in_place_or_diff(site, capsys):
    assert main(["clean", "content"]) == 2
    assert "need --in-place or --diff" in capsys.readouterr().err
    assert main(["clean", "content/loop.md", "content/fine.md", "-o", "out.md"]) == 2


def test_force_exclude_applies_exclude_to_named_files(site, capsys):
    draft = "content/drafts/wip.md"
    assert main(["check", "--select", "DUP001", draft]) == 1  # named: checked, as ruff does
    capsys.readouterr()
    assert main(["check", "--select", "DUP001", "--force-exclude", draft, "content/fine.md"]) == 0


def test_verbose_names_each_changed_file_and_quiet_says_nothing(site, capsys):
    assert main(["clean", "content", "--diff", "-v"]) == 1
    err = capsys.readouterr().err
    assert "dedupe: content/loop.md: 2 removal(s)" in err and "fine.md" not in err
    assert main(["clean", "content", "--diff", "-q"]) == 1
    assert capsys.readouterr().err == ""
