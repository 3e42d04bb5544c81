"""What the library returns: removals with offsets, and the clean result."""

from __future__ import annotations

from dataclasses import dataclass, field

from dedupe.io.records import Record

#: Kinds of removal, from the most to the least certain.
KINDS = ("exact", "near-duplicate", "contained", "repeated-sentence", "boilerplate")


@dataclass(frozen=True)
class Span:
    """``[start, end)`` character offsets into the input text."""

    start: int
    end: int


@dataclass(frozen=True)
class Removal(Record):
    """One duplicated span and the kept span it duplicates.

    kind:
        ``exact`` (same text after normalization), ``near-duplicate``
        (Jaccard at or above the threshold), ``contained`` (a truncated copy
        or a fragment of the kept span), ``repeated-sentence`` (a sentence
        that already appears in a kept paragraph), or ``boilerplate``
        (a block the user asked to strip; its ``duplicate_of`` is the
        boilerplate model's representative, not a span of this text).
    similarity:
        Jaccard similarity for near-duplicates, containment for
        contained spans and repeated sentences, 1.0 for exact copies.
    """

    start: int
    end: int
    kind: str
    duplicate_of: Span
    similarity: float



@dataclass(frozen=True)
class CleanResult:
    """The canonical text and every removal that produced it."""

    text: str
    removed: list[Removal] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.removed)

    def to_dict(self) -> dict:
        return {"version": 1, "removed": [r.to_dict() for r in self.removed]}
