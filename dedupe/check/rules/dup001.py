"""DUP001: text repeated inside an article."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from dedupe.check.findings import Finding, Location
from dedupe.check.rules.base import WHAT, Rule, where
from dedupe.core.detect import find_duplicates
from dedupe.core.results import Removal
from dedupe.io.textio import LineIndex
from dedupe.options import Options

if TYPE_CHECKING:
    from dedupe.check.context import CheckContext


class RepeatedText(Rule):
    id = "DUP001"
    name = "repeated-text"
    severity = "warning"
    short = "Text repeated inside an article"
    full = ("A paragraph or sentence repeats, exactly or nearly, text kept earlier in the same article: "
            "a copy, a re-wrapped or lightly edited copy, a truncated copy or fragment, or a sentence "
            "repeated as a paragraph of its own.")
    help = ("Delete the repeated copy and keep the one the message names, or run "
            "'dedupe clean FILE --in-place' to keep the first copy of everything.")
    fixable = True

    def find(self, ctx: "CheckContext") -> list[Finding]:
        return ctx.map_files(findings_in_file, ctx.options)

    def start(self, ctx: "CheckContext") -> Callable[[], list[Finding]]:
        return ctx.start_files(findings_in_file, ctx.options)


def findings_in_file(path: str, text: str, options: Options) -> list[Finding]:
    """DUP001 findings for one file: what ``clean`` would remove from it."""
    return findings_for_removals(path, text, find_duplicates(text, options))


def findings_for_removals(path: str, text: str, removals: list[Removal]) -> list[Finding]:
    lines = LineIndex(text)
    out = []
    for r in removals:
        dup = Location.of(path, r.duplicate_of.start, r.duplicate_of.end, lines)
        message = f"{WHAT.get(r.kind, r.kind)} {where(path, dup)} (similarity {r.similarity:.2f})"
        out.append(Finding(path, "DUP001", r.kind, r.start, r.end, lines.span(r.start, r.end),
                           r.similarity, dup, message))
    return out
