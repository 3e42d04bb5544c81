"""DUP002: near-duplicate of another article in the checked set."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dedupe.check.findings import Finding, Location
from dedupe.check.rules.base import Rule

if TYPE_CHECKING:
    from dedupe.check.context import CheckContext


class NearDuplicateArticle(Rule):
    id = "DUP002"
    name = "near-duplicate-article"
    severity = "warning"
    short = "Near-duplicate of another article in the checked set"
    full = ("The whole article is a near-duplicate (Jaccard similarity of its shingles at or above the "
            "threshold) of another article among the checked files; the other one is named as the "
            "kept copy.")
    help = "Merge the two articles, delete one, or redirect one to the other."
    whole_article = True

    def find(self, ctx: "CheckContext") -> list[Finding]:
        if len(ctx.texts) < 2:
            return []
        out = []
        for c in ctx.scan.clusters:
            canon = c.members[0]
            dup = Location(canon, 0, len(ctx.texts[canon]), 1)
            for m in c.members[1:]:
                end = len(ctx.texts[m])
                message = f"near-duplicate of the article {canon} (similarity {c.similarity:.2f})"
                out.append(Finding(m, self.id, "near-duplicate", 0, end, ctx.lines(m).span(0, end),
                                   c.similarity, dup, message))
        return out
