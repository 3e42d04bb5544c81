"""The rule interface: what one rule finds, says and fingerprints.

A rule is a class with its id, names and default severity as class
attributes and three methods; :mod:`dedupe.check.rules` registers every
rule in one place. Rules share the expensive work (one corpus scan, one
index) through the :class:`~dedupe.check.context.CheckContext` they are
given, so selecting more rules does not repeat it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

import xxhash

from dedupe.check.findings import Finding, Location, normalized, relative

if TYPE_CHECKING:
    from dedupe.check.context import CheckContext

#: What a finding's kind says of the copy it points at.
WHAT = {
    "exact": "exact copy of the text at",
    "near-duplicate": "near-duplicate of the text at",
    "contained": "truncated copy or fragment of the text at",
    "repeated-sentence": "repeats a sentence kept at",
    "copied-passage": "passage copied from",
    "boilerplate": "boilerplate block, as at",
}


def where(path: str, dup: Location) -> str:
    """How a message names the kept copy: a line of the same article, or
    another article's path and line."""
    return f"line {dup.line}" if dup.path == path else f"{dup.path}:{dup.line}"


class Rule:
    """One kind of problem ``dedupe check`` reports."""

    id: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[str]
    short: ClassVar[str]
    full: ClassVar[str]
    help: ClassVar[str]
    #: A finding of this rule is about the whole article: its fingerprint
    #: leaves the text out (any edit would change it) and an inline marker
    #: at the article's start switches it off.
    whole_article: ClassVar[bool] = False
    #: ``dedupe check --fix`` (and ``dedupe clean``) can fix a finding of
    #: this rule by deleting its text.
    fixable: ClassVar[bool] = False

    def find(self, ctx: "CheckContext") -> list[Finding]:
        """This rule's findings in the checked files."""
        raise NotImplementedError

    def start(self, ctx: "CheckContext") -> Callable[[], list[Finding]]:
        """What gives this rule's findings once called. A rule whose work
        can run in workers while the other rules run starts it here; this
        one finds them at once."""
        found = self.find(ctx)
        return lambda: found

    def content(self, f: Finding, text: str) -> str:
        """What of the copied text goes into the fingerprint."""
        return "" if self.whole_article else normalized(text[f.start:f.end])

    def fingerprint(self, f: Finding, text: str, root: str) -> str:
        """A content fingerprint of ``f`` in ``text``: the rule, the copied
        text with white space removed and case folded, and what it copies
        (the other article's path). Line numbers are not part of it, so
        moving or re-wrapping the copy keeps it; the finding's own path is
        not part of it either (the baseline stores it beside)."""
        dup = relative(f.duplicate_of.path, root) if f.duplicate_of.path != f.path else ""
        return xxhash.xxh64_hexdigest(f"{self.id}\x00{dup}\x00{self.content(f, text)}".encode())
