"""The pre-publish check: findings, configuration, markers, baseline, rules and formats."""

from dedupe.check.run import CheckReport, CheckSettings, Finding, Location, run_check

__all__ = ["CheckReport", "CheckSettings", "Finding", "Location", "run_check"]
