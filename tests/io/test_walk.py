import subprocess
from pathlib import Path

import pytest

from dedupe.errors import InputError
from dedupe.io.walk import iter_files

TREE = {
    ".gitignore": "docs/_build/\n*.draft.md\n!keep.draft.md\n/top-only.md\n**/private/**\n",
    "top-only.md": "x",
    "docs/.gitignore": "local-*.md\nnested/*.txt\n",
    "docs/a.md": "x",
    "docs/top-only.md": "x",
    "docs/b.draft.md": "x",
    "docs/keep.draft.md": "x",
    "docs/local-notes.md": "x",
    "docs/_build/out.md": "x",
    "docs/nested/c.txt": "x",
    "docs/nested/d.md": "x",
    "docs/nested/private/e.md": "x",
    "docs/.hidden/f.md": "x",
    "docs/image.png": "x",
}


@pytest.fixture
def repo(tmp_path, monkeypatch):
    for rel, content in TREE.items():
        f = tmp_path / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(content)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_gitignore_rules_inside_and_above_the_walked_folder_match_git(repo):
    ours = {p.as_posix() for p in iter_files(["docs"])}
    listed = subprocess.run(
        ["git", "ls-files", "--others", "--exclude-standard", "docs"], capture_output=True, text=True, check=True
    ).stdout.split()
    # git lists every file; dedupe also skips hidden ones and non-text names.
    expected = {p for p in listed if "/." not in p and not p.endswith(".png")}
    assert ours == expected
    assert ours == {"docs/a.md", "docs/top-only.md", "docs/keep.draft.md", "docs/nested/d.md"}


def test_gitignore_can_be_turned_off_and_explicit_files_are_always_taken(repo):
    everything = {p.as_posix() for p in iter_files(["docs"], respect_gitignore=False)}
    assert "docs/_build/out.md" in everything and "docs/b.draft.md" in everything
    assert [p.as_posix() for p in iter_files(["docs/b.draft.md"])] == ["docs/b.draft.md"]


def test_outside_a_work_tree_only_the_walked_folders_rules_count(tmp_path, monkeypatch):
    (tmp_path / ".gitignore").write_text("*.md\n")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "a.md").write_text("x")
    monkeypatch.chdir(tmp_path)
    assert [p.as_posix() for p in iter_files(["site"])] == ["site/a.md"]


def test_include_exclude_and_missing_paths(repo):
    got = {p.as_posix() for p in iter_files(["docs"], include=["*.md"], exclude=["nested/*"])}
    assert got == {"docs/a.md", "docs/top-only.md", "docs/keep.draft.md"}
    with pytest.raises(InputError, match="no such file or folder"):
        list(iter_files(["nope"]))


def test_named_files_bypass_exclude_unless_forced(tmp_path):
    draft = tmp_path / "drafts" / "wip.md"
    draft.parent.mkdir()
    draft.write_text("x\n")
    pattern = f"{tmp_path.as_posix()}/drafts/*"  # as a configuration file's glob is resolved
    assert list(iter_files([str(tmp_path)], exclude=[pattern])) == []
    assert list(iter_files([str(draft)], exclude=[pattern])) == [draft]
    assert list(iter_files([str(draft)], exclude=[pattern], force_exclude=True)) == []


def test_a_fifo_in_a_folder_is_passed_over_and_a_named_one_refused(tmp_path):
    import os

    import pytest

    from dedupe.errors import InputError

    (tmp_path / "a.md").write_text("x\n")
    os.mkfifo(tmp_path / "pipe.md")
    assert [p.name for p in iter_files([str(tmp_path)])] == ["a.md"]
    with pytest.raises(InputError, match="not a regular file"):
        list(iter_files([str(tmp_path / "pipe.md")]))
