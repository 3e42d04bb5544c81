"""Turn found duplicates into the canonical text (see ``tidy`` for how
white space around a removal is handled)."""

from __future__ import annotations

from dedupe.core.detect import canonical
from dedupe.core.results import CleanResult
from dedupe.options import Options


def clean(text: str, options: Options) -> CleanResult:
    """The canonical text of ``text``: every removal ``find_duplicates`` gives, deleted."""
    removed, cleaned = canonical(text, options)
    return CleanResult(cleaned, removed)
