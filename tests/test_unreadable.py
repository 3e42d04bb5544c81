"""Folders and files that the user running dedupe cannot read, met while
walking a folder: never passed over in silence. ``check`` and ``clean``
fail (exit 2, one line naming the path); ``scan`` and ``index add`` skip
them with one warning line each, and ``--strict`` makes them fail.

Root reads anything, so each command runs as an unprivileged user on a
tree it owns, with real permission bits."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from dedupe.io.records import Skipped
from dedupe.io.walk import walk
from tests.processes import NOBODY, give_away, one_line, run_dedupe, shared_tree

_KEPT = "The ferry timetable changes on Monday, when the winter service starts and the late boat stops running."
_HIDDEN = "A bakery opened downtown with sourdough loaves and cinnamon buns every morning for the neighbourhood."


def _unreadable_folder(site: Path) -> str:
    os.chmod(site / "private", 0o000)
    return "site/private"


def _unreadable_file(site: Path) -> str:
    os.chmod(site / "private" / "b.md", 0o000)
    return "site/private/b.md"


def _unsearchable_folder(site: Path) -> str:
    # Its names can be listed but nothing in it looked at.
    os.chmod(site / "private", 0o644)
    return "site/private/b.md"


CASES: dict[str, tuple[Callable[[Path], str], str]] = {
    "unreadable folder": (_unreadable_folder, "cannot read folder (Permission denied)"),
    "unreadable file": (_unreadable_file, "cannot read (Permission denied)"),
    "unsearchable folder": (_unsearchable_folder, "cannot read (Permission denied)"),
}


@pytest.fixture(params=list(CASES))
def tree(request):
    """``site/ok/a.md`` readable, ``site/private/b.md`` behind one of the
    cases; yields the tree, the path that cannot be read and the reason."""
    make, reason = CASES[request.param]
    with shared_tree() as root:
        site = root / "site"
        (site / "ok").mkdir(parents=True)
        (site / "private").mkdir()
        (site / "ok" / "a.md").write_text(f"# A\n\n{_KEPT}\n", encoding="utf-8")
        (site / "private" / "b.md").write_text(f"# B\n\n{_HIDDEN}\n", encoding="utf-8")
        give_away(root)
        yield root, make(site), reason


def _run(root: Path, *args: str):
    return run_dedupe([*args, "--no-config"], cwd=root, unprivileged=True)


@pytest.mark.parametrize("command", [["check", "site"], ["clean", "--diff", "site"]])
def test_check_and_clean_fail_on_what_they_cannot_read(tree, command):
    root, bad, reason = tree
    proc = _run(root, *command)
    assert proc.returncode == 2
    assert one_line(proc.stderr) == f"dedupe: error: {bad}: {reason}"


def test_scan_skips_it_with_a_warning_and_strict_fails(tree):
    root, bad, reason = tree
    proc = _run(root, "scan", "site", "--format", "json", "-q")
    assert proc.returncode == 0, proc.stderr
    assert one_line(proc.stderr, "warning") == f"dedupe: warning: skipped {bad}: {reason}"
    report = json.loads(proc.stdout)
    assert report["skipped"] == [{"where": bad, "reason": reason}]
    assert report["summary"]["documents"] == 1 and report["summary"]["skipped"] == 1
    proc = _run(root, "scan", "site", "--strict")
    assert proc.returncode == 2 and proc.stdout == ""
    assert one_line(proc.stderr) == f"dedupe: error: {bad}: {reason}"


def test_index_add_skips_it_with_a_warning_and_strict_writes_nothing(tree):
    root, bad, reason = tree
    proc = _run(root, "index", "add", "--db", "strict.db", "site", "--strict")
    assert proc.returncode == 2
    assert one_line(proc.stderr) == f"dedupe: error: {bad}: {reason}"
    with sqlite3.connect(root / "strict.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM documents").fetchone() == (0,)
    proc = _run(root, "index", "add", "--db", "i.db", "site", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert one_line(proc.stderr, "warning") == f"dedupe: warning: skipped {bad}: {reason}"
    out = json.loads(proc.stdout)
    assert out["added"] == ["site/ok/a.md"] and out["documents"] == 1
    assert out["skipped"] == [{"path": bad, "error": f"{bad}: {reason}"}]


def test_the_walk_hands_on_an_unreadable_folder_in_its_place():
    with shared_tree() as root:
        for name in ("a", "b", "c"):
            (root / name).mkdir()
            (root / name / "x.md").write_text("x")
        give_away(root)
        os.chmod(root / "b", 0o000)
        as_root = os.geteuid() == 0
        if as_root:
            os.seteuid(NOBODY)
        try:
            got = list(walk([str(root)]))
        finally:
            if as_root:
                os.seteuid(0)
    assert got == [root / "a" / "x.md", Skipped(str(root / "b"), "cannot read folder (Permission denied)"),
                   root / "c" / "x.md"]
