"""dedupe: find duplicated and boilerplate text and collapse it into one
canonical text.

    >>> import dedupe
    >>> result = dedupe.clean(text)
    >>> result.text, result.removed
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dedupe._lazy import lazy_names
from dedupe._version import __version__ as __version__
from dedupe.errors import (
    ConfigError,
    DedupeError,
    IndexFormatError,
    InputError,
    MissingExtraError,
    OptionsError,
    OutputError,
)
from dedupe.options import Options, ScanOptions, SourceOptions

#: Names imported on first use: a pre-commit run on one file should not pay
#: for the corpus scan and the index it does not use, and the command sets
#: up the process before numpy is imported (:mod:`dedupe.__main__`).
_LAZY = {
    "clean": "dedupe.api", "find_duplicates": "dedupe.api",
    "CleanResult": "dedupe.core.results", "Removal": "dedupe.core.results", "Span": "dedupe.core.results",
    "scan": "dedupe.corpus.scan", "ScanResult": "dedupe.corpus.scan",
    "boilerplate_share": "dedupe.corpus.scan",
    "Index": "dedupe.index.index", "IndexMatch": "dedupe.index.index",
}

__getattr__ = lazy_names(globals(), _LAZY)


if TYPE_CHECKING:
    from dedupe.api import clean, find_duplicates
    from dedupe.core.results import CleanResult, Removal, Span
    from dedupe.corpus.scan import ScanResult, boilerplate_share, scan
    from dedupe.index.index import Index, IndexMatch

__all__ = [
    "CleanResult",
    "ConfigError",
    "DedupeError",
    "Index",
    "IndexFormatError",
    "IndexMatch",
    "InputError",
    "MissingExtraError",
    "Options",
    "OptionsError",
    "OutputError",
    "Removal",
    "ScanOptions",
    "ScanResult",
    "SourceOptions",
    "Span",
    "clean",
    "boilerplate_share",
    "find_duplicates",
    "scan",
]
