"""DUP004: near-duplicate of, or passage copied from, a published article
recorded in the index given with ``--index``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from dedupe.check.findings import Finding, Location
from dedupe.check.rules.base import Rule, where
from dedupe.io.textio import LineIndex
from dedupe.options import Options

if TYPE_CHECKING:
    from dedupe.check.context import CheckContext
    from dedupe.index.index import Index, IndexMatch


class CopyOfPublished(Rule):
    id = "DUP004"
    name = "copy-of-published"
    severity = "error"
    short = "Near-duplicate of, or passage copied from, a published article"
    full = ("The article, or a passage in it, repeats an article already published and recorded in "
            "the index given with --index.")
    help = ("Rewrite the copied text or link to the published article; if the article replaces the "
            "published one, update the index.")

    def find(self, ctx: "CheckContext") -> list[Finding]:
        return self.start(ctx)()

    def start(self, ctx: "CheckContext") -> Callable[[], list[Finding]]:
        if not ctx.check.index:
            return list
        # Imported here: every command reads the rules' registry, and only
        # a check with an index opens one.
        from dedupe.index.index import Index

        # Opened here first, so that a missing or mismatched index stops
        # the check before any worker starts; each chunk of files then
        # opens its own (a connection does not cross a fork).
        with Index(ctx.check.index, None, read_only=True) as index:
            options = index.with_shingling(ctx.options)
        return ctx.start_file_chunks(findings_in_chunk, ctx.check.index, options)

    def content(self, f: Finding, text: str) -> str:
        return "" if f.kind == "near-duplicate" else super().content(f, text)


def findings_in_chunk(chunk: list[tuple[str, str]], location: str, options: Options) -> list[Finding]:
    """DUP004 findings for a chunk of ``(path, text)``, against the index
    at ``location`` opened once for them all, in one snapshot of it."""
    from dedupe.index.index import Index

    with Index(location, None, read_only=True) as index, index.snapshot():
        return [f for path, text in chunk for f in findings_against_index(index, path, text, options)]


def findings_against_index(index: Index, path: str, text: str, options: Options | None = None) -> list[Finding]:
    """DUP004 findings for one file. A near-duplicate of an indexed
    document is one finding for the whole file; its passages copied from
    that same document are not repeated. The file's own entry (an id equal
    to ``path``) is never reported, so a published article can be checked
    again."""
    matches = index.query(text, exclude=path, options=options)
    near = {m.duplicate_of.id for m in matches if m.kind == "near-duplicate"}
    lines = LineIndex(text)
    return [_finding(path, m, lines) for m in matches
            if not (m.kind == "copied-passage" and m.duplicate_of.id in near)]


def _finding(path: str, m: IndexMatch, lines: LineIndex) -> Finding:
    d = m.duplicate_of
    dup = Location(d.id, d.start, d.end, d.line)
    if m.kind == "near-duplicate":
        message = f"near-duplicate of the published article {d.id} (similarity {m.similarity:.2f})"
    else:
        message = f"passage copied from the published article at {where(path, dup)} (similarity {m.similarity:.2f})"
    return Finding(path, "DUP004", m.kind, m.start, m.end, lines.span(m.start, m.end), m.similarity, dup, message)
