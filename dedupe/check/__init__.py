"""The pre-publish check: findings, configuration, markers, baseline, rules and formats."""

from dedupe.check.findings import CheckReport, Finding, Location
from dedupe.check.options import CheckOptions
from dedupe.check.run import run_check
from dedupe.check.settings import CheckSettings

__all__ = ["CheckOptions", "CheckReport", "CheckSettings", "Finding", "Location", "run_check"]
