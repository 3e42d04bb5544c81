"""Which files a command looks at when it is given folders."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path
from typing import Iterable, Iterator

from .errors import InputError

#: Files taken from folders by default; a file named on the command line
#: is always taken, whatever its name.
DEFAULT_INCLUDE = ("*.md", "*.markdown", "*.mdx", "*.txt", "*.rst", "*.html", "*.htm")


def _matches(rel: str, patterns: Iterable[str]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p) for p in patterns)


def iter_files(
    paths: Iterable[str],
    include: Iterable[str] = DEFAULT_INCLUDE,
    exclude: Iterable[str] = (),
) -> Iterator[Path]:
    """Files named in ``paths`` and, for folders, the files below them that
    match ``include`` and not ``exclude``, hidden files and folders
    skipped, in a stable sorted order."""
    include, exclude = tuple(include), tuple(exclude)
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise InputError(f"{raw}: no such file or folder")
        if p.is_file():
            yield p
            continue
        for root, dirs, files in os.walk(p):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for f in sorted(files):
                if f.startswith("."):
                    continue
                full = Path(root) / f
                rel = full.relative_to(p).as_posix()
                if _matches(rel, include) and not _matches(rel, exclude):
                    yield full
