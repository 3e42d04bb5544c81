"""Findings for files: what ``dedupe check`` reports, with line numbers."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Iterable

from .detect import find_duplicates
from .options import Options
from .report import Removal
from .textio import read_text
from .walk import DEFAULT_INCLUDE, iter_files


_WHAT = {
    "exact": "exact copy of the text at",
    "near-duplicate": "near-duplicate of the text at",
    "contained": "truncated copy or fragment of the text at",
    "repeated-sentence": "repeats a sentence kept at",
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
    """A duplicated span in ``path`` and the kept copy it repeats."""

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

    @property
    def message(self) -> str:
        where = (
            f"line {self.duplicate_of.line}"
            if self.duplicate_of.path == self.path
            else f"{self.duplicate_of.path}:{self.duplicate_of.line}"
        )
        what = _WHAT.get(self.kind, self.kind)
        return f"{what} {where} (similarity {self.similarity:.2f})"

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "rule": self.rule,
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "end_line": self.end_line,
            "column": self.column,
            "similarity": round(self.similarity, 4),
            "message": self.message,
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
        self._starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)

    def column(self, offset: int) -> int:
        return offset - self._starts[self.line(offset) - 1] + 1


def findings_for_text(path: str, text: str, removals: Iterable[Removal]) -> list[Finding]:
    idx = LineIndex(text)
    out = []
    for r in removals:
        d = r.duplicate_of
        out.append(
            Finding(
                path=path,
                kind=r.kind,
                start=r.start,
                end=r.end,
                line=idx.line(r.start),
                end_line=idx.line(max(r.start, r.end - 1)),
                column=idx.column(r.start),
                similarity=r.similarity,
                duplicate_of=Location(path, d.start, d.end, idx.line(d.start)),
            )
        )
    return out


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0

    @property
    def summary(self) -> dict:
        by_kind: dict[str, int] = {}
        for f in self.findings:
            by_kind[f.kind] = by_kind.get(f.kind, 0) + 1
        return {
            "files": self.files,
            "findings": len(self.findings),
            "files_with_findings": len({f.path for f in self.findings}),
            "by_kind": dict(sorted(by_kind.items())),
        }

    def to_dict(self) -> dict:
        return {"version": 1, "findings": [f.to_dict() for f in self.findings], "summary": self.summary}


def check_paths(
    paths: Iterable[str],
    options: Options,
    include: Iterable[str] = DEFAULT_INCLUDE,
    exclude: Iterable[str] = (),
    encoding: str = "utf-8",
    errors: str = "strict",
    max_line: int | None = None,
) -> CheckReport:
    """Findings for every file under ``paths`` (repeated text inside each)."""
    report = CheckReport()
    kwargs = {} if max_line is None else {"max_line": max_line}
    for p in iter_files(paths, include, exclude):
        text = read_text(p, encoding, errors, allow_empty=True, **kwargs)
        report.files += 1
        report.findings.extend(findings_for_text(str(p), text, find_duplicates(text, options)))
    return report
