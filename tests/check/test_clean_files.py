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


def _many(root, n=None):
    """More files than one process cleans alone: every fifth page loops."""
    from dedupe.io.chunks import POOL_ABOVE_FILES

    root.mkdir()
    for i in range(n or POOL_ABOVE_FILES + 10):
        paras = [f"# Page {i}", prose(100 + i), prose(300 + i)]
        if i % 5 == 0:
            paras += paras[1:]
        (root / f"p{i:03d}.md").write_text("\n\n".join(paras) + "\n", encoding="utf-8")
    return root


def test_many_files_are_cleaned_by_workers_as_by_one_process(tmp_path, capsys):
    one, two = _many(tmp_path / "one"), _many(tmp_path / "two")
    assert main(["clean", "--no-config", str(one), "--diff", "--jobs", "1"]) == 1
    diff_one = capsys.readouterr().out
    assert main(["clean", "--no-config", str(one), "--diff", "--jobs", "2"]) == 1
    assert capsys.readouterr().out == diff_one and diff_one.count("+++") == 15
    for root, jobs in ((one, "1"), (two, "2")):
        code = main(["clean", "--no-config", str(root), "--in-place", "--jobs", jobs,
                     "--report", str(tmp_path / f"{root.name}.json")])
        assert code == 0
    capsys.readouterr()
    assert [p.read_text(encoding="utf-8") for p in sorted(one.iterdir())] == \
        [p.read_text(encoding="utf-8") for p in sorted(two.iterdir())]
    reports = [json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8")) for name in ("one", "two")]
    assert [f["removed"] for f in reports[0]["files"]] == [f["removed"] for f in reports[1]["files"]]
    assert sum(bool(f["removed"]) for f in reports[0]["files"]) == 15


def test_workers_that_cleaned_every_file_are_shut_down_not_abandoned(tmp_path, capsys, monkeypatch):
    """Every result is taken, so the pool ends as a finished one does.
    A pool abandoned with its last result untaken raced the interpreter's
    exit, which now and then printed an ignored EBADF traceback."""
    from dedupe.io.workers import _Executor

    abandoned = []
    abandon = _Executor.abandon
    monkeypatch.setattr(_Executor, "abandon", lambda self: abandoned.append(self) or abandon(self))
    root = _many(tmp_path / "site")
    assert main(["clean", "--no-config", str(root), "--diff", "--jobs", "2"]) == 1
    assert capsys.readouterr().out.count("+++") == 15
    assert not abandoned


def test_a_file_that_cannot_be_read_stops_the_clean_with_nothing_changed(tmp_path, capsys):
    root = _many(tmp_path / "site")
    (root / "p050.md").write_bytes(b"# Page\n\n\xff\xfe not text\n")
    before = {p: p.read_bytes() for p in root.iterdir()}
    assert main(["clean", "--no-config", str(root), "--in-place"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dedupe: error:") and "p050.md" in err and err.count("\n") == 1
    assert {p: p.read_bytes() for p in root.iterdir()} == before


def test_a_bad_marker_in_a_worker_is_one_line_naming_its_file(tmp_path, capsys):
    root = _many(tmp_path / "site")
    (root / "p060.md").write_text(f"{prose(1)}\n\n<!-- dedupe: offf -->\n\n{prose(1)}\n", encoding="utf-8")
    assert main(["clean", "--no-config", str(root), "--diff", "--jobs", "2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dedupe: error:") and "p060.md:3: unknown dedupe marker" in err and err.count("\n") == 1
