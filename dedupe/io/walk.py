"""Which files a command looks at when it is given folders."""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from dedupe.errors import InputError
from dedupe.io.records import Skipped

#: Files taken from folders by default; a file named on the command line
#: is always taken, whatever its name.
from dedupe.options import DEFAULT_INCLUDE, SourceOptions


def _matches(rel: str, patterns: Iterable[str], full: Path | None = None) -> bool:
    """Whether a file matches: a pattern is matched against the path
    relative to the folder walked and against the file name, and an
    absolute pattern (a configuration file's, made relative to that file's
    folder) against the absolute path."""
    name = rel.rsplit("/", 1)[-1]
    absolute = Path(os.path.abspath(full)).as_posix() if full is not None else None
    for p in patterns:
        if os.path.isabs(p):
            if absolute is not None and fnmatch.fnmatch(absolute, p):
                return True
        elif fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p):
            return True
    return False


def _glob_regex(glob: str) -> str:
    """A gitignore glob as a regular expression over a ``/``-separated path."""
    out, i, n = [], 0, len(glob)
    while i < n:
        c = glob[i]
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[" and "]" in glob[i + 1 :]:
            j = glob.index("]", i + 1)
            body = glob[i + 1 : j].replace("\\", "\\\\")
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            i = j + 1
        elif c == "\\" and i + 1 < n:
            out.append(re.escape(glob[i + 1]))
            i += 2
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


class GitIgnore:
    """The rules of one ``.gitignore`` file, for paths relative to its folder.

    Supported: comments, ``!`` negation, a trailing ``/`` for folders only,
    patterns with a ``/`` anchored to the file's folder, ``*``, ``?``,
    ``[...]`` and ``**``; the last matching rule wins, as in git.
    """

    def __init__(self, lines: Iterable[str]) -> None:
        self.rules: list[tuple[re.Pattern[str], bool, bool]] = []
        for line in lines:
            line = line.rstrip("\n\r")
            if not line.strip() or line.startswith("#"):
                continue
            line = line.rstrip(" ")
            negate = line.startswith("!")
            if negate:
                line = line[1:]
            dir_only = line.endswith("/")
            line = line.rstrip("/")
            if not line:
                continue
            anchored = "/" in line
            body = _glob_regex(line.lstrip("/"))
            rx = re.compile(("" if anchored else "(?:.*/)?") + body + r"\Z", re.DOTALL)
            self.rules.append((rx, negate, dir_only))

    @classmethod
    def read(cls, folder: Path) -> "GitIgnore | None":
        f = folder / ".gitignore"
        try:
            return cls(f.read_text("utf-8", "replace").splitlines()) if f.is_file() else None
        except OSError:
            return None

    def ignored(self, rel: str, is_dir: bool) -> bool | None:
        """True or False when a rule decides, None when none matches."""
        verdict = None
        for rx, negate, dir_only in self.rules:
            if dir_only and not is_dir:
                continue
            if rx.match(rel):
                verdict = not negate
        return verdict


# (folder the rules are read from, the rules, and the path of the walked
# folder relative to that folder when the rules come from above it)
_Rules = tuple[Path, GitIgnore, str]


def _ignored(stack: list[_Rules], full: Path, is_dir: bool) -> bool:
    verdict = False
    for folder, rules, prefix in stack:  # deeper files override shallower ones
        v = rules.ignored(prefix + full.relative_to(folder).as_posix(), is_dir)
        if v is not None:
            verdict = v
    return verdict


def _rules_above(folder: Path) -> list[_Rules]:
    """The ``.gitignore`` files between ``folder`` and the root of the git
    work tree it is in, outermost first; none outside a work tree."""
    here = folder.resolve()
    found: list[_Rules] = []
    for parent in here.parents:
        rules = GitIgnore.read(parent)
        if rules is not None:
            found.append((folder, rules, here.relative_to(parent).as_posix() + "/"))
        if (parent / ".git").exists():
            return found[::-1]
    return []


def walk(
    paths: Iterable[str],
    include: Iterable[str] = DEFAULT_INCLUDE,
    exclude: Iterable[str] = (),
    respect_gitignore: bool = True,
    force_exclude: bool = False,
) -> Iterator[Path | Skipped]:
    """Files named in ``paths`` and, for folders, the files below them that
    match ``include`` and not ``exclude``, hidden files and folders
    skipped, in a stable sorted order. With ``respect_gitignore``, files
    and folders ignored by ``.gitignore`` files inside a folder being
    walked, or above it up to the root of its git work tree, are skipped
    too. A file named in ``paths`` is taken whatever ``include`` and
    ``exclude`` say, unless ``force_exclude`` (for hooks that pass every
    changed file by name).

    A folder that cannot be listed, or a file in a walked folder that
    cannot even be looked at, comes out as a :class:`Skipped` item in its
    place: the caller decides whether that is fatal, but it is never
    passed over in silence."""
    include, exclude = tuple(include), tuple(exclude)
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise InputError(f"{raw}: no such file or folder")
        if not p.is_file() and not p.is_dir():
            # A device, a FIFO or a process substitution: reading it could
            # block for ever or yield nothing, and a check of nothing must not pass.
            raise InputError(f"{raw}: not a regular file or folder (use - for standard input)")
        if p.is_file():
            if not (force_exclude and _matches(p.as_posix(), exclude, p)):
                yield p
            continue
        yield from _walk_folder(p, include, exclude, respect_gitignore)


def _walk_folder(p: Path, include: tuple[str, ...], exclude: tuple[str, ...],
                 respect_gitignore: bool) -> Iterator[Path | Skipped]:
    stacks: dict[str, list[_Rules]] = {str(p): _rules_above(p) if respect_gitignore else []}
    unreadable: list[OSError] = []
    # os.walk reports a folder it cannot list to ``onerror`` and goes on
    # without it; each one is handed on in the walk's order.
    for root, dirs, files in os.walk(p, onerror=unreadable.append):
        yield from _unreadable_folders(unreadable)
        here = Path(root)
        stack = list(stacks.pop(root, []))
        if respect_gitignore:
            rules = GitIgnore.read(here)
            if rules is not None:
                stack.append((here, rules, ""))
        dirs[:] = sorted(
            d for d in dirs
            if not d.startswith(".") and not (stack and _ignored(stack, here / d, True))
        )
        for d in dirs:
            stacks[os.path.join(root, d)] = stack
        for f in sorted(files):
            if f.startswith("."):
                continue
            full = here / f
            try:
                if full.exists() and not full.is_file():
                    continue  # a FIFO or socket in the tree would block the read
            except OSError as exc:  # in a folder that may be listed but not searched
                yield Skipped(str(full), f"cannot read ({exc.strerror})")
                continue
            if stack and _ignored(stack, full, False):
                continue
            rel = full.relative_to(p).as_posix()
            if _matches(rel, include) and not _matches(rel, exclude, full):
                yield full
    yield from _unreadable_folders(unreadable)


def _unreadable_folders(errors: list[OSError]) -> Iterator[Skipped]:
    """The folders ``os.walk`` could not list since last asked (emptied)."""
    for exc in errors:
        yield Skipped(str(exc.filename), f"cannot read folder ({exc.strerror})")
    errors.clear()


def iter_files(
    paths: Iterable[str],
    include: Iterable[str] = DEFAULT_INCLUDE,
    exclude: Iterable[str] = (),
    respect_gitignore: bool = True,
    force_exclude: bool = False,
) -> Iterator[Path]:
    """The files of :func:`walk`; a folder or file that cannot be read
    raises :class:`~dedupe.errors.InputError`, for commands (``check``,
    ``clean``) that must not pass over part of their input."""
    for item in walk(paths, include, exclude, respect_gitignore, force_exclude):
        if isinstance(item, Skipped):
            raise InputError(str(item))
        yield item


def source_files(paths: Iterable[str], options: SourceOptions) -> Iterator[Path]:
    """:func:`iter_files` with the file options every command shares."""
    o = options
    return iter_files(paths, o.include, o.exclude, o.respect_gitignore, o.force_exclude)


def source_entries(paths: Iterable[str], options: SourceOptions) -> Iterator[Path | Skipped]:
    """:func:`walk` with the file options every command shares, for
    commands that skip what they cannot read (``scan``, ``index add``)."""
    o = options
    return walk(paths, o.include, o.exclude, o.respect_gitignore, o.force_exclude)
