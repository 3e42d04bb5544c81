"""The JSON report (a documented, versioned contract): ``{"version": 1, "findings": [...], "summary": {...}}``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dedupe.io.records import to_json

if TYPE_CHECKING:
    from dedupe.check.findings import CheckReport


def render_json(report: "CheckReport") -> str:
    return to_json(report.to_dict())
