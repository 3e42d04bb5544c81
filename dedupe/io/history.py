"""When each file first entered its git history: the seniority that makes
the older of two near-duplicate articles the original."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

#: Seconds the one ``git log`` over a repository may take before the check
#: goes on without it (path order).
GIT_TIMEOUT = 30


def _git(args: list[str], cwd: Path) -> str | None:
    # Imported here: most commands never ask git, and subprocess (with
    # signal, selectors and the rest) was 1.8 ms of every command's start.
    import subprocess  # noqa: PLC0415

    try:
        out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=GIT_TIMEOUT, check=True)
    except (OSError, subprocess.SubprocessError):
        return None  # no git, not a work tree, or too slow: path order it is
    return out.stdout.decode("utf-8", "surrogateescape")


def project_root(folder: Path) -> Path:
    """The git work tree ``folder`` is in, or ``folder`` itself."""
    top = _git(["rev-parse", "--show-toplevel"], folder)
    return Path(top.strip()) if top and top.strip() else folder


def first_commit_times(paths: Iterable[str]) -> dict[str, float]:
    """The commit time of the commit that added each of ``paths`` (as
    given), for those inside one git work tree and committed; the others
    are left out. One ``git log`` for the whole repository."""
    paths = list(paths)
    if not paths:
        return {}
    start = Path(os.path.abspath(paths[0])).parent
    top = _git(["rev-parse", "--show-toplevel"], start)
    if not top:
        return {}
    root = Path(top.strip())
    log = _git(["log", "--diff-filter=A", "--no-renames", "--format=@%ct", "--name-only", "-z"], root)
    if log is None:
        return {}
    added: dict[str, float] = {}
    when = 0.0
    for field in log.replace("\n", "\0").split("\0"):
        if field.startswith("@"):
            when = float(field[1:])
        elif field:
            added[field] = when  # newest first: the last one seen is the first add
    out = {}
    for p in paths:
        try:
            rel = Path(os.path.abspath(p)).relative_to(root).as_posix()
        except ValueError:
            continue
        if rel in added:
            out[p] = added[rel]
    return out
