"""The check's data model: findings, the locations they point at, and the
report of one check. Rules (:mod:`dedupe.check.rules`) make findings; the
formats (:mod:`dedupe.check.formats`) render a :class:`CheckReport`."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

from dedupe.errors import OptionsError
from dedupe.io.textio import LineIndex, LineSpan

#: Severities from the least to the most serious.
SEVERITIES = ("info", "warning", "error")


def severity_rank(severity: str) -> int:
    try:
        return SEVERITIES.index(severity)
    except ValueError:
        raise OptionsError(
            f"unknown severity {severity!r} (expected one of: {', '.join(SEVERITIES)})"
        ) from None


@dataclass(frozen=True)
class Location:
    """``[start, end)`` of ``path``, starting on 1-based ``line``."""

    path: str
    start: int
    end: int
    line: int

    @classmethod
    def of(cls, path: str, start: int, end: int, lines: LineIndex) -> "Location":
        return cls(path, start, end, lines.line(start))


@dataclass(frozen=True)
class Finding:
    """A duplicated span in ``path`` and the kept copy it repeats.

    rule, message:
        Rule id and what the rule says of this finding; ``severity`` is the
        rule's severity after configuration.
    fingerprint:
        Content fingerprint: the same for the same copied text, whatever
        line it moves to or how it is re-wrapped.
    suppressed:
        ``""`` for a reported finding, ``"inline"`` when an inline marker
        switches it off, ``"baseline"`` when the baseline accepts it.
    share:
        For a finding about a whole article's boilerplate, the share of the
        article that is boilerplate.
    """

    path: str
    rule: str
    kind: str
    start: int
    end: int
    span: LineSpan
    similarity: float
    duplicate_of: Location
    message: str
    severity: str = "warning"
    fingerprint: str = ""
    suppressed: str = ""
    share: float = 0.0

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def end_line(self) -> int:
        return self.span.end_line

    @property
    def column(self) -> int:
        return self.span.column

    @property
    def end_column(self) -> int:
        return self.span.end_column

    def to_dict(self) -> dict:
        # The JSON report's field order and rounding are part of its contract.
        return {
            "path": self.path, "rule": self.rule, "severity": self.severity, "kind": self.kind,
            "start": self.start, "end": self.end, "line": self.line, "end_line": self.end_line,
            "column": self.column, "similarity": round(self.similarity, 4), "message": self.message,
            "fingerprint": self.fingerprint, "duplicate_of": asdict(self.duplicate_of),
        }


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
    rules: frozenset[str] = frozenset()
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


_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` with every control character and line separator escaped
    (``\\n``, ``\\x1b``), so that a file name can never start a new
    output line (a forged annotation) or drive the terminal."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


_WS = re.compile(r"\s+")


def normalized(text: str) -> str:
    """Text as a fingerprint sees it: white space carries no meaning for
    "is this the same copied text", so re-wrapping, indentation and
    blank-line edits keep the fingerprint."""
    return _WS.sub("", unicodedata.normalize("NFKC", text).casefold())


def relative(path: str, root: str | os.PathLike) -> str:
    """``path`` relative to ``root`` in POSIX form (as given when it lies
    elsewhere or is not a file path, such as an indexed document id)."""
    try:
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    except ValueError:
        return Path(path).as_posix()
    return Path(path).as_posix() if rel.startswith("..") else Path(rel).as_posix()
