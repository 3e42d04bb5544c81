"""Findings for files: what ``dedupe check`` reports, with line numbers.

``run_check(paths, settings)`` is the whole pre-publish check as a library
function: it reads the files, runs the selected rules (see ``rules.py``),
applies inline markers and the baseline, and returns a ``CheckReport``
that the formats in ``dedupe.formats`` render. The command line only
builds ``CheckSettings`` (``config.build_settings``) and prints.
"""

from __future__ import annotations

import bisect
import os
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Mapping

import xxhash

from dedupe.core.detect import find_duplicates
from dedupe.errors import OptionsError
from dedupe.check.markers import Region, article_start, is_suppressed, suppressed_regions
from dedupe.options import Options
from dedupe.core.results import Removal
from dedupe.check.rules import RULES, SEVERITIES, severity_rank
from dedupe.io.textio import MAX_LINE_CHARS, read_text
from dedupe.io.walk import DEFAULT_INCLUDE, iter_files


_WHAT = {
    "exact": "exact copy of the text at",
    "near-duplicate": "near-duplicate of the text at",
    "contained": "truncated copy or fragment of the text at",
    "repeated-sentence": "repeats a sentence kept at",
    "copied-passage": "passage copied from",
    "boilerplate": "boilerplate block, as at",
}


@dataclass(frozen=True)
class Location:
    path: str
    start: int
    end: int
    line: int


@dataclass(frozen=True)
class Finding:
    """A duplicated span in ``path`` and the kept copy it repeats.

    rule:
        Rule id (``rules.RULES``); ``severity`` is the rule's severity after
        configuration.
    fingerprint:
        Content fingerprint (``fingerprint``): the same for the same copied
        text, whatever line it moves to or how it is re-wrapped.
    suppressed:
        ``None`` for a reported finding, ``"inline"`` when an inline marker
        switches it off, ``"baseline"`` when the baseline accepts it.
    share:
        For ``DUP005``, the share of the article that is boilerplate.
    """

    path: str
    kind: str
    start: int
    end: int
    line: int
    end_line: int
    column: int
    similarity: float
    duplicate_of: Location
    rule: str = "DUP001"
    severity: str = "warning"
    end_column: int = 0
    fingerprint: str = ""
    suppressed: str | None = None
    share: float = 0.0

    @property
    def message(self) -> str:
        d = self.duplicate_of
        where = f"line {d.line}" if d.path == self.path else f"{d.path}:{d.line}"
        if self.rule == "DUP005":
            return (f"{self.share:.0%} of the article is boilerplate that recurs across the checked "
                    f"articles, as at {where}")
        if self.kind == "near-duplicate" and self.rule in ("DUP002", "DUP004"):
            what = "published article" if self.rule == "DUP004" else "article"
            return f"near-duplicate of the {what} {d.path} (similarity {self.similarity:.2f})"
        what = _WHAT.get(self.kind, self.kind)
        if self.rule == "DUP004":
            what = "passage copied from the published article at"
        return f"{what} {where} (similarity {self.similarity:.2f})"

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "rule": self.rule,
            "severity": self.severity,
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "end_line": self.end_line,
            "column": self.column,
            "similarity": round(self.similarity, 4),
            "message": self.message,
            "fingerprint": self.fingerprint,
            "duplicate_of": {
                "path": self.duplicate_of.path,
                "start": self.duplicate_of.start,
                "end": self.duplicate_of.end,
                "line": self.duplicate_of.line,
            },
        }


class LineIndex:
    """Offset → 1-based line and column."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)

    def column(self, offset: int) -> int:
        return offset - self._starts[self.line(offset) - 1] + 1


def _span(idx: LineIndex, start: int, end: int) -> dict[str, int]:
    last = max(start, end - 1)
    return {
        "line": idx.line(start),
        "end_line": idx.line(last),
        "column": idx.column(start),
        "end_column": idx.column(last) + 1 if end > start else idx.column(start),
    }


def findings_for_text(path: str, text: str, removals: Iterable[Removal]) -> list[Finding]:
    """``DUP001`` findings for the removals ``detect.find_duplicates`` gives."""
    idx = LineIndex(text)
    out = []
    for r in removals:
        d = r.duplicate_of
        out.append(
            Finding(
                path=path, kind=r.kind, start=r.start, end=r.end, similarity=r.similarity,
                duplicate_of=Location(path, d.start, d.end, idx.line(d.start)),
                **_span(idx, r.start, r.end),
            )
        )
    return out


# -- settings ---------------------------------------------------------------


@dataclass(frozen=True)
class CheckSettings:
    """Everything a check needs; built from flags and configuration in one
    place (``config.build_settings``)."""

    options: Options = field(default_factory=Options)
    rules: frozenset[str] = frozenset(RULES)
    severity: Mapping[str, str] = field(default_factory=lambda: {r: v.severity for r, v in RULES.items()})
    fail_on: str = "warning"
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    boilerplate_limit: float = 0.5
    index: str | None = None
    baseline: str | None = None
    update_baseline: bool = False
    encoding: str = "utf-8"
    errors: str = "strict"
    max_line_length: int = MAX_LINE_CHARS
    format: str = "text"
    exit_zero: bool = False
    jobs: int = 1
    config_file: str | None = None

    def __post_init__(self) -> None:
        severity_rank(self.fail_on)
        if not isinstance(self.jobs, int) or self.jobs < 1:
            raise OptionsError(f"jobs must be a positive integer, got {self.jobs!r}")
        if not 0.0 <= self.boilerplate_limit <= 1.0:
            raise OptionsError(f"boilerplate-limit must be in [0, 1], got {self.boilerplate_limit!r}")


# -- report ----------------------------------------------------------------


@dataclass
class CheckReport:
    """Findings of one check.

    ``findings`` are the reported ones; ``suppressed`` those switched off by
    inline markers or accepted by the baseline (SARIF shows them as
    suppressed results). ``texts`` maps each checked path to its text.
    """

    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    suppressed: list[Finding] = field(default_factory=list)
    regions: int = 0
    region_lines: int = 0
    fail_on: str = "warning"
    rules: frozenset[str] = frozenset(RULES)
    texts: dict[str, str] = field(default_factory=dict, repr=False)
    baseline_file: str | None = None

    @property
    def failing(self) -> list[Finding]:
        """Findings at or above the failing severity."""
        floor = severity_rank(self.fail_on)
        return [f for f in self.findings if severity_rank(f.severity) >= floor]

    @property
    def summary(self) -> dict:
        by_kind: dict[str, int] = {}
        by_rule: dict[str, int] = {}
        by_severity: dict[str, int] = {s: 0 for s in SEVERITIES}
        for f in self.findings:
            by_kind[f.kind] = by_kind.get(f.kind, 0) + 1
            by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
            by_severity[f.severity] += 1
        return {
            "files": self.files,
            "findings": len(self.findings),
            "failing": len(self.failing),
            "fail_on": self.fail_on,
            "files_with_findings": len({f.path for f in self.findings}),
            "by_kind": dict(sorted(by_kind.items())),
            "by_rule": dict(sorted(by_rule.items())),
            "by_severity": by_severity,
            "suppressed": {
                "inline": sum(1 for f in self.suppressed if f.suppressed == "inline"),
                "baseline": sum(1 for f in self.suppressed if f.suppressed == "baseline"),
                "inline_regions": self.regions,
                "inline_lines": self.region_lines,
            },
        }

    def to_dict(self) -> dict:
        return {"version": 1, "findings": [f.to_dict() for f in self.findings], "summary": self.summary}


# -- fingerprints -------------------------------------------------------------

_WS = re.compile(r"\s+")


def _norm(text: str) -> str:
    # Whitespace carries no meaning for "is this the same copied text":
    # re-wrapping, indentation and blank-line edits keep the fingerprint.
    return _WS.sub("", unicodedata.normalize("NFKC", text).casefold())


def relative(path: str, root: str | os.PathLike) -> str:
    """``path`` relative to ``root`` in POSIX form (as given when it lies
    elsewhere or is not a file path, such as an indexed document id)."""
    try:
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    except ValueError:
        return Path(path).as_posix()
    return Path(path).as_posix() if rel.startswith("..") else Path(rel).as_posix()


def fingerprint(f: Finding, text: str, root: str | os.PathLike = ".") -> str:
    """A content fingerprint of finding ``f`` in ``text``: the rule, the
    copied text with white space removed and case folded, and what it
    copies (the other article's path). Line numbers are not part of it,
    so moving or re-wrapping the copy keeps it; the finding's own path is
    not part of it either (the baseline stores it beside)."""
    dup = relative(f.duplicate_of.path, root) if f.duplicate_of.path != f.path else ""
    if f.rule == "DUP005":
        content = ""
    elif f.rule == "DUP002" or (f.rule == "DUP004" and f.kind == "near-duplicate"):
        content = ""  # the whole article: any edit would change it
    else:
        content = _norm(text[f.start:f.end])
    return xxhash.xxh64_hexdigest(f"{f.rule}\x00{dup}\x00{content}".encode("utf-8"))


# -- the check -----------------------------------------------------------------


def _iter_paths(paths: Iterable[str], settings: CheckSettings) -> list[Path]:
    return list(iter_files(paths, settings.include, settings.exclude,
                           respect_gitignore=settings.respect_gitignore))


#: Below this many files a worker pool costs more than it saves.
POOL_ABOVE_FILES = 64


def _repeats_of(items: list[tuple[str, str]], options: Options) -> list[Finding]:
    out: list[Finding] = []
    for path, text in items:
        out.extend(findings_for_text(path, text, find_duplicates(text, options)))
    return out


def _repeats(texts: dict[str, str], settings: CheckSettings) -> list[Finding]:
    """DUP001 for every file; in ``settings.jobs`` worker processes when
    there are many files (each file is independent, and the merge keeps
    file order, so the result does not depend on ``jobs``)."""
    items = list(texts.items())
    jobs = min(settings.jobs, max(1, len(items) // 16))
    if jobs <= 1 or len(items) <= POOL_ABOVE_FILES:
        return _repeats_of(items, settings.options)
    from concurrent.futures import ProcessPoolExecutor

    size = max(1, len(items) // (jobs * 8))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    out: list[Finding] = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for part in pool.map(_repeats_of, chunks, [settings.options] * len(chunks)):
            out.extend(part)
    return out


def _cross_file(texts: dict[str, str], settings: CheckSettings) -> list[Finding]:
    """DUP002, DUP003 and DUP005 from a corpus scan of the checked files."""
    from dedupe.corpus.scan import boilerplate_shares, scan

    # strict: every checked file is a document; none may be skipped quietly.
    result = scan(list(texts.items()), **_scan_options(settings.options), jobs=settings.jobs, strict=True)
    idx = {p: LineIndex(t) for p, t in texts.items()}
    out: list[Finding] = []
    pairs: set[tuple[str, str]] = set()
    for c in result.clusters:
        members = list(c.members)
        canon = members[0]
        for m in members[1:]:
            pairs.add((m, canon))
            if "DUP002" not in settings.rules:
                continue
            text = texts[m]
            out.append(Finding(
                path=m, kind="near-duplicate", start=0, end=len(text),
                similarity=float(getattr(c, "similarity", 1.0)),
                duplicate_of=Location(canon, 0, len(texts[canon]), 1),
                rule="DUP002", **_span(idx[m], 0, len(text)),
            ))
    if "DUP003" in settings.rules:
        for p in result.passages:
            d = p.duplicate_of
            if (p.id, d.id) in pairs or (d.id, p.id) in pairs:
                continue  # already reported as a near-duplicate article
            out.append(Finding(
                path=p.id, kind="copied-passage", start=p.start, end=p.end,
                similarity=float(getattr(p, "similarity", 1.0)),
                duplicate_of=Location(d.id, d.start, d.end, idx[d.id].line(d.start)),
                rule="DUP003", **_span(idx[p.id], p.start, p.end),
            ))
    if "DUP005" in settings.rules and result.boilerplate:
        for path, share in boilerplate_shares(result).items():
            if share <= settings.boilerplate_limit:
                continue
            text = texts[path]
            other = _other_occurrence(result.boilerplate, path)
            dup = (Location(other.id, other.start, other.end, idx[other.id].line(other.start))
                   if other is not None else Location(path, 0, 0, 1))
            out.append(Finding(
                path=path, kind="boilerplate", start=0, end=len(text), similarity=share,
                duplicate_of=dup, rule="DUP005", share=share, **_span(idx[path], 0, len(text)),
            ))
    return out


def _other_occurrence(blocks: Iterable[Any], path: str) -> Any:
    """An occurrence, in another article, of the largest boilerplate block
    found in ``path``: where the reader can see the shared text."""
    best = None
    for b in blocks:
        occ = list(b.occurrences)
        if not any(o.id == path for o in occ):
            continue
        others = sorted((o for o in occ if o.id != path), key=lambda o: (o.id, o.start))
        if not others:
            continue
        size = len(getattr(b, "text", ""))
        if best is None or size > best[0]:
            best = (size, others[0])
    return None if best is None else best[1]


def _scan_options(options: Options) -> dict[str, Any]:
    return {
        "threshold": options.threshold, "containment": options.containment, "ngram": options.ngram,
        "min_tokens": options.min_tokens, "num_perm": options.num_perm, "seed": options.seed,
    }


def _against_index(texts: dict[str, str], settings: CheckSettings) -> list[Finding]:
    """DUP004: findings against the published articles in ``settings.index``.

    Shingles must be made as the index made them, so the index's own
    ``ngram``/``num_perm``/``seed`` are used; the thresholds are the check's."""
    from dedupe.index.index import Index, findings_against_index

    out: list[Finding] = []
    o = settings.options
    with Index(settings.index, None, create=False) as index:
        opts = Options.build(index.options, threshold=o.threshold, containment=o.containment,
                             min_tokens=o.min_tokens, keep=o.keep, sentences=o.sentences)
        for path, text in texts.items():
            idx = LineIndex(text)
            for f in findings_against_index(index, path, text, opts):
                out.append(replace(f, **_span(idx, f.start, f.end)))
    return out


def run_check(paths: Iterable[str], settings: CheckSettings | None = None) -> CheckReport:
    """Check every file under ``paths`` with ``settings``.

    Raises ``InputError`` for missing paths and unreadable files (and, with
    a baseline that does not exist, unless ``update_baseline``)."""
    from dedupe.check import baseline as baseline_mod

    settings = settings or CheckSettings()
    report = CheckReport(fail_on=settings.fail_on, rules=settings.rules)
    accepted = None
    if settings.baseline and not settings.update_baseline:
        accepted = baseline_mod.load(settings.baseline)  # before any work: a missing file is an error
    root = os.path.dirname(os.path.abspath(settings.baseline)) if settings.baseline else "."
    texts: dict[str, str] = {}
    for p in _iter_paths(paths, settings):
        texts[str(p)] = read_text(p, settings.encoding, settings.errors, settings.max_line_length,
                                  allow_empty=True)
    report.texts = texts
    report.files = len(texts)

    found: list[Finding] = []
    if "DUP001" in settings.rules:
        found.extend(_repeats(texts, settings))
    if settings.rules & {"DUP002", "DUP003", "DUP005"} and len(texts) > 1:
        found.extend(_cross_file(texts, settings))
    if settings.index and "DUP004" in settings.rules:
        found.extend(_against_index(texts, settings))

    regions: dict[str, list[Region]] = {}
    for path, text in texts.items():
        if "dedupe" in text:  # cheap test before parsing markers
            regions[path] = suppressed_regions(text, path)
            report.regions += len(regions[path])
            report.region_lines += sum(r.end_line - r.line + 1 for r in regions[path])

    order = {p: i for i, p in enumerate(texts)}
    found.sort(key=lambda f: (order.get(f.path, len(order)), f.start, f.rule, f.end))
    findings = []
    for f in found:
        where = f.start
        if f.path in regions and f.start == 0 and f.end == len(texts[f.path]):
            where = article_start(texts[f.path])  # a finding about the whole article
        sup = "inline" if is_suppressed(where, regions.get(f.path, [])) else None
        findings.append(replace(
            f, severity=settings.severity[f.rule], suppressed=sup,
            fingerprint=fingerprint(f, texts.get(f.path, ""), root),
        ))
    if accepted is not None:
        findings = baseline_mod.apply(findings, accepted, root)
    report.findings = [f for f in findings if f.suppressed is None]
    report.suppressed = [f for f in findings if f.suppressed is not None]
    report.baseline_file = settings.baseline
    return report

