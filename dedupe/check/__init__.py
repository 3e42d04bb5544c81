"""The pre-publish check: findings, configuration, markers, baseline, rules and formats."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dedupe._lazy import lazy_names

#: Names imported on first use: the command line reads the check's
#: configuration and options for every command, and only ``dedupe check``
#: needs the run, its rules and the corpus scan behind them.
_LAZY = {
    "CheckReport": "dedupe.check.findings", "Finding": "dedupe.check.findings", "Location": "dedupe.check.findings",
    "CheckOptions": "dedupe.check.options", "run_check": "dedupe.check.run", "CheckSettings": "dedupe.check.settings",
}

__getattr__ = lazy_names(globals(), _LAZY)


if TYPE_CHECKING:
    from dedupe.check.findings import CheckReport, Finding, Location
    from dedupe.check.options import CheckOptions
    from dedupe.check.run import run_check
    from dedupe.check.settings import CheckSettings

__all__ = ["CheckOptions", "CheckReport", "CheckSettings", "Finding", "Location", "run_check"]
