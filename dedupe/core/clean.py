"""Turn found duplicates into the canonical text (see ``tidy`` for how
white space around a removal is handled)."""

from __future__ import annotations

from dedupe.core.detect import find_duplicates
from dedupe.core.results import CleanResult
from dedupe.core.tidy import delete_spans
from dedupe.options import Options


def clean(text: str, options: Options) -> CleanResult:
    """The canonical text of ``text``: every removal ``find_duplicates`` gives, deleted."""
    removed = find_duplicates(text, options)
    return CleanResult(delete_spans(text, [(r.start, r.end) for r in removed]), removed)
