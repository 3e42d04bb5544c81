"""DUP005: an article that is mostly boilerplate."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from dedupe.check.findings import Finding, Location
from dedupe.check.rules.base import Rule, where

if TYPE_CHECKING:
    from dedupe.check.context import CheckContext
    from dedupe.corpus.scan import BoilerplateBlock, Occurrence


class MostlyBoilerplate(Rule):
    id = "DUP005"
    name = "mostly-boilerplate"
    severity = "warning"
    short = "Article is mostly boilerplate"
    full = ("More than the configured share (boilerplate-limit) of the article's characters are blocks "
            "that recur across many of the checked articles (footers, notices, 'further reading').")
    help = "Add the article's own content, or exclude generated pages from the check."
    whole_article = True

    def find(self, ctx: "CheckContext") -> list[Finding]:
        if len(ctx.texts) < 2 or not ctx.scan.boilerplate:
            return []
        # Imported here, where the check's scan has loaded it: every command
        # reads the rules' registry.
        from dedupe.corpus.scan import boilerplate_shares

        out = []
        for path, share in boilerplate_shares(ctx.scan).items():
            if share <= ctx.check.boilerplate_limit:
                continue
            end = len(ctx.texts[path])
            other = other_occurrence(ctx.scan.boilerplate, path)
            dup = (Location.of(other.id, other.start, other.end, ctx.lines(other.id))
                   if other is not None else Location(path, 0, 0, 1))
            message = (f"{share:.0%} of the article is boilerplate that recurs across the checked "
                       f"articles, as at {where(path, dup)}")
            out.append(Finding(path, self.id, "boilerplate", 0, end, ctx.lines(path).span(0, end),
                               share, dup, message, share=share))
        return out


def other_occurrence(blocks: Iterable[BoilerplateBlock], path: str) -> Occurrence | None:
    """An occurrence, in another article, of the largest boilerplate block
    found in ``path``: where the reader can see the shared text."""
    best: tuple[int, Occurrence] | None = None
    for b in blocks:
        if not any(o.id == path for o in b.occurrences):
            continue
        others = sorted((o for o in b.occurrences if o.id != path), key=lambda o: (o.id, o.start))
        if others and (best is None or len(b.text) > best[0]):
            best = (len(b.text), others[0])
    return None if best is None else best[1]
