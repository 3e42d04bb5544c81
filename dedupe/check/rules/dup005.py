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

        shares = {path: share for path, share in boilerplate_shares(ctx.scan).items()
                  if share > ctx.check.boilerplate_limit}
        others = other_occurrences(ctx.scan.boilerplate, shares.keys())
        out = []
        for path, share in shares.items():
            end = len(ctx.texts[path])
            other = others.get(path)
            dup = (Location.of(other.id, other.start, other.end, ctx.lines(other.id))
                   if other is not None else Location(path, 0, 0, 1))
            message = (f"{share:.0%} of the article is boilerplate that recurs across the checked "
                       f"articles, as at {where(path, dup)}")
            out.append(Finding(path, self.id, "boilerplate", 0, end, ctx.lines(path).span(0, end),
                               share, dup, message, share=share))
        return out


def other_occurrences(blocks: Iterable[BoilerplateBlock], paths: Iterable[str]) -> dict[str, Occurrence]:
    """For each of ``paths`` with a boilerplate block shared with another
    article, an occurrence in another article of the largest such block
    (the first of them on ties): where the reader can see the shared text.
    The first other occurrence by id and offset, found with one sort per
    block: a site of 25,000 pages had 258 mostly boilerplate pages and
    blocks on thousands of pages, and sorting each block's occurrences for
    each page took 4.7 s."""
    wanted = set(paths)
    best: dict[str, tuple[int, Occurrence]] = {}
    for b in blocks:
        here = wanted.intersection(o.id for o in b.occurrences)
        if not here:
            continue
        size = len(b.text)
        ordered = sorted(b.occurrences, key=lambda o: (o.id, o.start))
        for path in here:
            if path in best and best[path][0] >= size:
                continue
            other = next((o for o in ordered if o.id != path), None)
            if other is not None:
                best[path] = (size, other)
    return {path: occ for path, (_, occ) in best.items()}
