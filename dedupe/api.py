"""The public functions, taking options as keywords."""

from __future__ import annotations

from typing import Any

from dedupe.core import clean as _clean
from dedupe.core import detect
from dedupe.core.results import CleanResult, Removal
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


def _require_str(text: object) -> None:
    if not isinstance(text, str):
        from dedupe.errors import InputError

        raise InputError(f"text must be str, got {type(text).__name__} (decode bytes first)")
