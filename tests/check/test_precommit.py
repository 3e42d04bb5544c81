"""The pre-commit hooks, run the way a user tries them: ``pre-commit try-repo``
on a temporary git repository holding a small site.

The hook repository is a temporary git repository too, made from this
working tree (the package, pyproject.toml, README.md and
.pre-commit-hooks.yaml), so the test runs what is on disk whether or not
it is committed. pre-commit installs the package into its own virtual
environment with pip, which fetches the run-time dependencies: the test
needs the package index (or a pip cache/mirror), and takes a minute or two.
"""

from __future__ import annotations

import pytest

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from dedupe.cli import main
from tests.sites import make_site, page, prose

ROOT = Path(__file__).resolve().parents[2]


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=test@example.invalid", "-c", "user.name=test", *args],
        cwd=cwd, check=True, capture_output=True,
    )


def _hook_repo(dest: Path) -> Path:
    dest.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, dest / name)
    shutil.copytree(ROOT / "dedupe", dest / "dedupe", ignore=shutil.ignore_patterns("__pycache__"))
    _git(dest, "init", "-q")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", "hooks")
    return dest


def test_hook_manifest_choices():
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    whole = hooks["dedupe-check"]
    # Cross-file rules need the whole set, every time.
    assert whole["pass_filenames"] is False and whole["always_run"] is True
    assert whole["entry"] == "dedupe check" and whole["language"] == "python"
    per_file = hooks["dedupe-check-files"]
    assert per_file.get("pass_filenames", True) and "DUP001" in per_file["entry"]
    # The same files "dedupe check" takes from folders, not every text file.
    assert set(per_file["types_or"]) == {"markdown", "mdx", "html", "rst", "plain-text"}


@pytest.mark.slow
def test_pre_commit_try_repo(tmp_path):
    hook_repo = _hook_repo(tmp_path / "hooks")
    make_site(tmp_path / "work")
    site = tmp_path / "work" / "docs"
    _git(site, "init", "-q")
    _git(site, "add", "-A")
    _git(site, "commit", "-q", "-m", "site")
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "cache"), PRE_COMMIT_COLOR="never")
    env.pop("VIRTUAL_ENV", None)
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "--all-files"],
        cwd=site, env=env, capture_output=True, text=True, timeout=900,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out  # both hooks fail on the planted problems
    assert "dedupe check (repeated text, copied articles, boilerplate)" in out
    assert "- hook id: dedupe-check\n- exit code: 1" in out
    # The whole-set hook sees the copies between articles ...
    assert "guide.md:1:1: DUP002" in out and "news.md:9:1: DUP003 passage copied from intro.md:9" in out
    assert "stub.md:1:1: DUP005" in out and "intro.md:13:1: DUP001" in out
    # ... the per-file hook only repeats inside a file.
    assert "- hook id: dedupe-check-files\n- exit code: 1" in out
    per_file = out.split("- hook id: dedupe-check-files", 1)[1]
    assert "intro.md:13:1: DUP001" in per_file and "DUP003" not in per_file

    # Fix the planted problems: the hook passes.
    (site / "guide-copy.md").unlink()
    (site / "stub.md").unlink()
    (site / "intro.md").write_text(page("Intro", [prose(1), prose(2), prose(3)]))
    (site / "news.md").write_text(page("News", [prose(20), prose(22), prose(21)]))
    _git(site, "add", "-A")
    _git(site, "commit", "-q", "-m", "fix")
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "dedupe-check", "--all-files"],
        cwd=site, env=env, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout


def _dedupe_commands(recipe: Path) -> list[list[str]]:
    doc = yaml.safe_load(recipe.read_text())
    lines: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("run", "script") or isinstance(v, (dict, list)):
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, str):
            lines.extend(line for line in node.splitlines() if line.startswith("dedupe "))

    walk(doc)
    return [shlex.split(line.split(">")[0]) for line in lines]


def test_ci_recipes_run_real_commands(tmp_path, capsys, monkeypatch):
    """Every dedupe command in examples/ parses, and runs on a site with the
    exit status the recipe relies on."""
    make_site(tmp_path)
    monkeypatch.chdir(tmp_path)
    for name in ("github-actions.yml", "gitlab-ci.yml"):
        commands = _dedupe_commands(ROOT / "examples" / name)
        assert commands, name
        for argv in commands:
            assert argv[:2] == ["dedupe", "check"]
            code = main(argv[1:] + ["--no-config"])
            capsys.readouterr()
            assert code == (0 if "--exit-zero" in argv else 1), (name, argv)
