"""Turn found duplicates into the canonical text (see ``tidy`` for how
white space around a removal is handled)."""

from __future__ import annotations

from dedupe.core.detect import find_duplicates
from dedupe.options import Options
from dedupe.core.results import CleanResult, Removal
from dedupe.core.tidy import delete_spans


def clean(text: str, options: Options) -> CleanResult:
    removed = find_duplicates(text, options)
    return CleanResult(delete_spans(text, [(r.start, r.end) for r in removed]), removed)


def apply(text: str, removed: list[Removal]) -> CleanResult:
    """The clean result of applying already-found removals to ``text``."""
    return CleanResult(delete_spans(text, [(r.start, r.end) for r in removed]), list(removed))
