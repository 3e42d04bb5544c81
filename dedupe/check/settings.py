"""Everything one check needs, built from flags and configuration in one
place (:func:`dedupe.check.config.build_settings`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from dedupe.check.options import CheckOptions
from dedupe.check.rules import RULES
from dedupe.options import Options, ScanOptions, SourceOptions


@dataclass(frozen=True)
class CheckSettings:
    """The options of every group, plus what they resolve to: the rules
    selected and each rule's severity."""

    options: Options = field(default_factory=Options)
    scan: ScanOptions = field(default_factory=ScanOptions)
    sources: SourceOptions = field(default_factory=SourceOptions)
    check: CheckOptions = field(default_factory=CheckOptions)
    rules: frozenset[str] = frozenset(RULES)
    severity: Mapping[str, str] = field(default_factory=lambda: {r: v.severity for r, v in RULES.items()})
    update_baseline: bool = False


__all__ = ["CheckOptions", "CheckSettings"]
