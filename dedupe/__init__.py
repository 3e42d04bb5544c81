"""dedupe: find duplicated and boilerplate text and collapse it into one
canonical text.

    >>> import dedupe
    >>> result = dedupe.clean(text)
    >>> result.text, result.removed
"""

from __future__ import annotations

from dedupe._version import __version__ as __version__
from dedupe.api import clean, find_duplicates
from dedupe.core.results import CleanResult, Removal, Span
from dedupe.corpus.scan import ScanResult, boilerplate_share, scan
from dedupe.errors import (
    ConfigError,
    DedupeError,
    IndexFormatError,
    InputError,
    MissingExtraError,
    OptionsError,
    OutputError,
)
from dedupe.index.index import Index, IndexMatch
from dedupe.options import Options, ScanOptions, SourceOptions

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
