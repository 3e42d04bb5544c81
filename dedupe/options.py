"""Every option, declared once.

Each option is a field of a frozen dataclass whose metadata (an
:class:`Spec`) says its help text, its command-line flag, its key in a
configuration file and its valid range. The command line
(:func:`add_arguments`), the configuration files (:func:`config_keys`),
validation (:func:`validate`) and the README's option tables
(:func:`markdown_table`) are all generated from it, so adding an option
means adding a field here and nothing else.

The groups:

- :class:`Options`: how duplicates are found and which copy is kept (every
  command and stage);
- :class:`ScanOptions`: the corpus rules (boilerplate, worker processes);
- :class:`SourceOptions`: how paths and records become texts.

Defaults of :class:`Options` were chosen with ``benchmarks/quality.py
--sweep`` over n-gram sizes 2-5, containment 0.75-0.95 and Jaccard
0.5-0.8 on Japanese, Chinese and English documents with planted copies:

- ``ngram=3`` has the widest plateau: F1 >= 0.9995 for every containment
  from 0.75 to 0.9. 2-token shingles start removing same-topic Chinese
  text (worst precision 0.990-0.996 below 0.9); 4 and 5 lose recall on
  lightly edited CJK copies as soon as containment rises (an edit breaks
  ``ngram`` shingles), so they only work in a narrow band.
- ``containment=0.85``: worst precision 0.9989 and worst recall 0.9992
  across the languages; lower values remove more templated same-topic
  sentences, 0.9 and above miss edited and truncated copies.
- ``threshold=0.7`` (Jaccard): a copy at least as long as its kept
  original must reach both the containment and this Jaccard threshold,
  while a shorter one (a truncated copy, a fragment) is judged by
  containment alone. Below about 0.74 the Jaccard test is implied by
  containment 0.85 for equal-length copies, so the sweep of 0.5-0.8 gave
  identical scores; raise it to keep lightly edited copies.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import MISSING, Field, dataclass, field, fields, replace
from typing import Any, Literal, TypeVar

from dedupe.errors import ConfigError, OptionsError

Keep = Literal["first", "longest"]

#: Jaccard similarity of digit-masked shingles at which two paragraphs are
#: one boilerplate block: templated footers differ in a few words, so this
#: is well below the near-duplicate threshold.
BOILERPLATE_THRESHOLD = 0.5
#: The longest line accepted by default; a longer one is a sign of a
#: minified or binary file, whose "paragraphs" would be meaningless.
MAX_LINE_CHARS = 1_000_000
#: Files taken from folders unless ``include`` says otherwise.
DEFAULT_INCLUDE = ("*.md", "*.markdown", "*.mdx", "*.txt", "*.rst", "*.html", "*.htm")


@dataclass(frozen=True)
class Spec:
    """What the command line, configuration files and validation need to
    know of one option."""

    help: str
    metavar: str | None = None
    choices: tuple[str, ...] | None = None
    #: Inclusive bounds; ``low_open``/``high_open`` make a bound exclusive.
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    #: A path in a configuration file is relative to the file's folder.
    path: bool = False
    #: Flag name when it is not the field name with dashes.
    flag: str | None = None
    #: Short flag, such as ``-j``.
    short: str | None = None
    #: What help and the README say the default is, where the value would
    #: mislead (an empty rule selection selects every rule).
    shown: str | None = None


def option(default: Any, help: str, **spec: Any) -> Any:
    """A dataclass field with its :class:`Spec`."""
    if isinstance(default, (list, dict, set)):
        raise TypeError("option defaults must be immutable")
    return field(default=default, metadata={"spec": Spec(help, **spec)})


def spec_of(f: Field) -> Spec:
    return f.metadata["spec"]


def flag_of(f: Field) -> str:
    return "--" + (spec_of(f).flag or f.name.replace("_", "-"))


def key_of(f: Field) -> str:
    return f.name.replace("_", "-")


# ---------------------------------------------------------------- validation


def _type_ok(value: Any, default: Any) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(default, tuple):
        return isinstance(value, tuple) and all(isinstance(x, str) for x in value)
    if isinstance(default, str):
        return isinstance(value, str)
    return True  # None default: the spec's choices or anything


def _expected(f: Field) -> str:
    s, d = spec_of(f), f.default
    if s.choices:
        return " or ".join(repr(c) for c in s.choices)
    if isinstance(d, bool):
        return "true or false"
    kind = ("an integer" if isinstance(d, int) else "a number" if isinstance(d, float)
            else "a list of strings" if isinstance(d, tuple) else "a string")
    if s.low is not None or s.high is not None:
        lo = "" if s.low is None else f"{'(' if s.low_open else '['}{s.low:g}"
        hi = "" if s.high is None else f"{s.high:g}{')' if s.high_open else ']'}"
        if s.low is not None and s.high is not None:
            return f"{kind} in {lo}, {hi}"
        return f"{kind} {'>' if s.low_open else '>='} {s.low:g}" if s.low is not None else f"{kind} <= {hi}"
    return kind


def check_value(f: Field, value: Any) -> str | None:
    """Why ``value`` is not valid for field ``f`` (None when it is)."""
    s = spec_of(f)
    if value is None and f.default is None:
        return None
    if not _type_ok(value, f.default) or (s.choices and value not in s.choices):
        return f"must be {_expected(f)}, got {value!r}"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        too_low = s.low is not None and (value <= s.low if s.low_open else value < s.low)
        too_high = s.high is not None and (value >= s.high if s.high_open else value > s.high)
        if too_low or too_high:
            return f"must be {_expected(f)}, got {value!r}"
    return None


def validate(obj: Any) -> None:
    """Raise :class:`OptionsError` for the first field of ``obj`` outside
    its declared type or range."""
    for f in fields(obj):
        why = check_value(f, getattr(obj, f.name))
        if why is not None:
            raise OptionsError(f"{f.name} {why}")


T = TypeVar("T")


def build(cls: type[T], base: T | None = None, **overrides: Any) -> T:
    """``cls`` from an optional base plus keyword overrides; unknown
    keywords are an error that names them."""
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise OptionsError(f"unknown option(s): {', '.join(unknown)}")
    start = base if base is not None else cls()
    return replace(start, **overrides) if overrides else start  # type: ignore[type-var]


def split(kwargs: Mapping[str, Any], *classes: type) -> list[dict[str, Any]]:
    """Keyword options split between option classes (in the order given);
    a name no class knows is an error."""
    parts: list[dict[str, Any]] = [{} for _ in classes]
    for name, value in kwargs.items():
        for part, cls in zip(parts, classes):
            if name in {f.name for f in fields(cls)}:
                part[name] = value
                break
        else:
            raise OptionsError(f"unknown option(s): {name}")
    return parts


def resolve_jobs(jobs: int) -> int:
    """Worker processes for ``jobs``: 0 means one per CPU."""
    return jobs or os.cpu_count() or 1


# ---------------------------------------------------------------- the options


@dataclass(frozen=True)
class Options:
    """How duplicates are found and which copy is kept."""

    threshold: float = option(
        0.7, "Jaccard similarity of shingle sets that makes two units near-duplicates",
        metavar="J", low=0.0, high=1.0, low_open=True)
    containment: float = option(
        0.85, "share of a unit found in a kept one that makes it a truncated copy or a fragment",
        metavar="C", low=0.0, high=1.0, low_open=True)
    ngram: int = option(
        3, "tokens per shingle; one Han/Kana/Hangul/Thai character or one word is one token",
        metavar="N", low=1, high=16)
    min_tokens: int = option(
        8, "never remove a paragraph or sentence with fewer tokens on its own",
        metavar="N", low=1)
    keep: Keep = option(
        "first", "which copy survives: the first occurrence or the longest",
        choices=("first", "longest"))
    sentences: bool = option(
        True, "also look for repeated sentences inside kept paragraphs")
    num_perm: int = option(
        128, "MinHash permutations of a signature (LSH candidates)", metavar="N", low=8, high=1024)
    seed: int = option(
        1, "seed of the MinHash permutations", metavar="N", low=0, high=2**40 - 1)
    evidence_tokens: float = option(
        12.0, "a paragraph or sentence shorter than this (in words; a Han/Kana/Hangul character "
        "counts half) is removed or reported only inside a longer repeated run",
        metavar="N", low=0.0)

    def __post_init__(self) -> None:
        validate(self)

    @classmethod
    def build(cls, options: "Options | None" = None, **overrides: Any) -> "Options":
        """Options from an optional base plus keyword overrides."""
        return build(cls, options, **overrides)


@dataclass(frozen=True)
class ScanOptions:
    """The corpus rules (the detection options are :class:`Options`).

    A block is boilerplate when it occurs in at least ``min_documents``
    documents *and* at least ``min_share`` of all documents."""

    min_documents: int = option(
        3, "boilerplate occurs in at least this many documents", metavar="N", low=2)
    min_share: float = option(
        0.01, "... and in at least this share of all documents", metavar="S", low=0.0, high=1.0)
    boilerplate_threshold: float = option(
        BOILERPLATE_THRESHOLD, "Jaccard similarity of digit-masked shingles that makes two "
        "paragraphs one boilerplate block", metavar="J", low=0.0, high=1.0, low_open=True)
    jobs: int = option(
        0, "worker processes (0: one per CPU once the work pays for them: a scan of more than "
        "2 million characters or 2 MB of JSONL, a check or a clean of more than 64 files, an index add of "
        "more than 500); results do not depend on it",
        metavar="N", low=0, short="-j")

    def __post_init__(self) -> None:
        validate(self)


@dataclass(frozen=True)
class SourceOptions:
    """How paths and records become texts."""

    include: tuple[str, ...] = option(
        DEFAULT_INCLUDE, "file pattern to take from folders (repeatable)", metavar="GLOB")
    exclude: tuple[str, ...] = option(
        (), "file pattern to skip (repeatable); in a configuration file a pattern with a / is "
        "relative to the file's folder", metavar="GLOB", path=True)
    force_exclude: bool = option(
        False, "apply exclude to files named on the command line too (for hooks that name "
        "every changed file)")
    respect_gitignore: bool = option(
        True, "skip files that .gitignore excludes", flag="gitignore")
    field: str = option("text", "JSONL key of the text")
    id_field: str = option("id", "JSONL key of the document id (a record without one gets path:line)")
    encoding: str = option("utf-8", "input encoding")
    errors: str = option(
        "strict", "on undecodable bytes: fail (strict) or substitute U+FFFD (replace)",
        choices=("strict", "replace"))
    max_line_length: int = option(
        MAX_LINE_CHARS, "refuse a file with a longer line (0: no limit)", metavar="CHARS", low=0)
    strict: bool = option(
        False, "make an unreadable file or folder, or a bad record, an error instead of skipping it")

    def __post_init__(self) -> None:
        validate(self)


# ---------------------------------------------------------------- command line


def add_arguments(parser: argparse.ArgumentParser | Any, cls: type, title: str,
                  names: Sequence[str] | None = None) -> None:
    """One flag per field of ``cls`` (or of ``names``) in a group called
    ``title``. Every default is None, so that :func:`from_flags` can tell a
    flag given from one left to the configuration or the default."""
    group = parser.add_argument_group(title)
    for f in fields(cls):
        if names is not None and f.name not in names:
            continue
        s = spec_of(f)
        flags = [flag_of(f)] + ([s.short] if s.short else [])
        help_ = f"{s.help} (default {s.shown or _shown(f.default)})"
        if isinstance(f.default, bool):
            group.add_argument(*flags, dest=f.name, action=argparse.BooleanOptionalAction,
                               default=None, help=help_)
        elif isinstance(f.default, tuple):
            group.add_argument(*flags, dest=f.name, action="append", default=None,
                               metavar=s.metavar or "VALUE", help=help_)
        else:
            kind = type(f.default) if f.default is not None else str
            group.add_argument(*flags, dest=f.name, type=kind, default=None, choices=s.choices,
                               metavar=s.metavar if not s.choices else None, help=help_)


def _shown(default: Any) -> str:
    if isinstance(default, bool):
        return "on" if default else "off"
    if isinstance(default, tuple):
        return ", ".join(default) if default else "none"
    if isinstance(default, int) and default >= 10_000:
        return f"{default:,}"
    return str(default)


def from_flags(cls: type[T], flags: Mapping[str, Any], config: Mapping[str, Any] | None = None,
               where: str = "configuration") -> T:
    """``cls`` from command-line ``flags`` (argparse dests, None where not
    given) over ``config`` values (keys as in :func:`config_keys`) over
    the defaults. A bad configuration value is reported as the file's."""
    values: dict[str, Any] = {}
    for f in fields(cls):  # type: ignore[arg-type]
        flag = flags.get(f.name)
        if flag is not None:
            values[f.name] = tuple(flag) if isinstance(f.default, tuple) else flag
        elif config is not None and key_of(f) in config:
            value = config[key_of(f)]
            value = tuple(value) if isinstance(f.default, tuple) and isinstance(value, list) else value
            why = check_value(f, value)
            if why is not None:
                raise ConfigError(f"{where}: '{key_of(f)}' {why}")
            values[f.name] = value
    return cls(**values)


def config_keys(*classes: type) -> dict[str, Field]:
    """Configuration keys of the fields of ``classes``."""
    return {key_of(f): f for cls in classes for f in fields(cls)}


def markdown_table(cls: type) -> str:
    """The README's table of the options of ``cls``."""
    rows = ["| flag | config key | default | meaning |", "|---|---|---|---|"]
    for f in fields(cls):
        s = spec_of(f)
        flag = flag_of(f)
        if isinstance(f.default, bool):
            flag = f"{flag} / --no-{flag[2:]}"
        if s.short:
            flag = f"{s.short}, {flag}"
        default = "" if f.default is MISSING else s.shown or _shown(f.default)
        rows.append(f"| `{flag}` | `{key_of(f)}` | {default} | {s.help} |")
    return "\n".join(rows) + "\n"
