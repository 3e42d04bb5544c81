"""The public functions, taking options as keywords, and the whole-file
clean that the command line and ``check --fix`` share."""

from __future__ import annotations

from typing import Any

from dedupe.core import clean as _clean
from dedupe.core import detect
from dedupe.core.markers import is_suppressed, suppressed_regions
from dedupe.core.results import CleanResult, Removal
from dedupe.core.tidy import delete_spans
from dedupe.errors import InputError
from dedupe.options import Options


def clean(text: str, options: Options | None = None, **kwargs: Any) -> CleanResult:
    """Collapse repeated text in ``text`` into one canonical copy.

    Keyword arguments are :class:`Options` fields, for example
    ``dedupe.clean(text, threshold=0.8, keep="longest")``.
    """
    _require_str(text)
    return _clean.clean(text, Options.build(options, **kwargs))


def find_duplicates(text: str, options: Options | None = None, **kwargs: Any) -> list[Removal]:
    """What :func:`clean` would remove, without changing anything."""
    _require_str(text)
    return detect.find_duplicates(text, Options.build(options, **kwargs))


def honour_markers(text: str, result: CleanResult, name: str = "<text>") -> CleanResult:
    """``result`` without the removals that start inside a region switched
    off by inline markers (``<!-- dedupe: off -->`` … ``on``,
    ``ignore-next``), as ``dedupe check`` leaves them unreported; a bad
    marker is an :class:`InputError` naming ``name`` and its line."""
    if "dedupe" not in text:  # cheap test before parsing markers
        return result
    regions = suppressed_regions(text, name)
    kept = [r for r in result.removed if not is_suppressed(r.start, regions)]
    if len(kept) == len(result.removed):
        return result
    return CleanResult(delete_spans(text, [(r.start, r.end) for r in kept]), kept)


def _require_str(text: object) -> None:
    if not isinstance(text, str):
        raise InputError(f"text must be str, got {type(text).__name__} (decode bytes first)")
