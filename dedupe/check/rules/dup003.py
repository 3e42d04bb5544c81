"""DUP003: passage copied from another article in the checked set."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dedupe.check.findings import Finding, Location
from dedupe.check.rules.base import WHAT, Rule, where

if TYPE_CHECKING:
    from dedupe.check.context import CheckContext


class CopiedPassage(Rule):
    id = "DUP003"
    name = "copied-passage"
    severity = "warning"
    short = "Passage copied from another article in the checked set"
    full = ("A paragraph or a run of sentences in this article repeats a passage of another article "
            "among the checked files.")
    help = "Rewrite the passage or link to the other article instead of copying it."

    def find(self, ctx: "CheckContext") -> list[Finding]:
        if len(ctx.texts) < 2:
            return []
        out = []
        for p in ctx.scan.passages:
            d = p.duplicate_of
            if (p.id, d.id) in ctx.article_pairs:
                continue  # already reported as a near-duplicate article
            dup = Location.of(d.id, d.start, d.end, ctx.lines(d.id))
            message = f"{WHAT['copied-passage']} {where(p.id, dup)} (similarity {p.similarity:.2f})"
            out.append(Finding(p.id, self.id, "copied-passage", p.start, p.end,
                               ctx.lines(p.id).span(p.start, p.end), p.similarity, dup, message))
        return out
