"""dedupe: find duplicated and boilerplate text and collapse it into one
canonical text.

    >>> import dedupe
    >>> result = dedupe.clean(text)
    >>> result.text, result.removed
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import clean, find_duplicates
from .errors import (
    ConfigError,
    DedupeError,
    IndexFormatError,
    InputError,
    MissingExtraError,
    OptionsError,
    OutputError,
)
from .index import Index, IndexMatch
from .options import Options
from .report import CleanResult, Removal, Span
from .scan import ScanOptions, ScanResult, boilerplate_share
from .scan import scan

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
    "Span",
    "clean",
    "boilerplate_share",
    "find_duplicates",
    "scan",
]
