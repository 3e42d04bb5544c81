"""Output formats for ``dedupe check`` reports.

Each format is a function ``(report) -> str`` over a ``check.CheckReport``;
``render(name, report)`` picks one by name. Modules are imported on use so
that a check in one format loads nothing it does not need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from dedupe.errors import OptionsError

if TYPE_CHECKING:
    from dedupe.check.findings import CheckReport

#: Format name → (module, function).
FORMATS = {
    "text": ("text", "render_text"),
    "json": ("json", "render_json"),
    "sarif": ("sarif", "render_sarif"),
    "github": ("github", "render_github"),
    "html": ("html", "render_html"),
}


def check_format(name: str) -> str:
    if name not in FORMATS:
        raise OptionsError(f"unknown format {name!r} (expected one of: {', '.join(FORMATS)})")
    return name


def render(name: str, report: "CheckReport", color: bool = False) -> str:
    """``report`` in format ``name``, ending with a newline when not empty;
    ``color`` styles the text format for a terminal."""
    module, func = FORMATS[check_format(name)]
    fn = getattr(importlib.import_module(f"{__name__}.{module}"), func)
    out = fn(report, color) if name == "text" else fn(report)
    return out if not out or out.endswith("\n") else out + "\n"
