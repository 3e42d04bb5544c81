"""The JSON report (a documented, versioned contract): ``{"version": 1, "findings": [...], "summary": {...}}``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dedupe.check.findings import CheckReport


def render_json(report: "CheckReport") -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)
