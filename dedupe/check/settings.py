"""Everything one check needs, built from flags and configuration in one
place (:func:`dedupe.check.config.build_settings`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from dedupe.check.findings import SEVERITIES
from dedupe.check.formats import FORMATS
from dedupe.check.rules import RULES
from dedupe.options import Options, ScanOptions, SourceOptions, option, validate


@dataclass(frozen=True)
class CheckOptions:
    """The options only ``dedupe check`` has (the detection, corpus and
    source options are shared with every command)."""

    select: tuple[str, ...] = option(
        (), "rule ids or prefixes to run, comma-separated (default: all)", metavar="RULES")
    ignore: tuple[str, ...] = option(
        (), "rule ids or prefixes not to run, comma-separated", metavar="RULES")
    severity: tuple[str, ...] = option(
        (), "change a rule's severity: info, warning or error (repeatable; a table in the "
        "configuration)", metavar="RULE=LEVEL")
    fail_on: str = option("warning", "lowest severity that fails the check", choices=SEVERITIES)
    boilerplate_limit: float = option(
        0.5, "DUP005: report an article when more than this share is boilerplate",
        metavar="SHARE", low=0.0, high=1.0)
    index: str | None = option(
        None, "DUP004: also compare with the published articles in this index (a SQLite file "
        "or a redis:// URL)", metavar="PATH_OR_URL", path=True)
    baseline: str | None = option(
        None, "accept the findings recorded in FILE; fail only on new ones", metavar="FILE", path=True)
    format: str = option("text", "report format", choices=tuple(FORMATS))
    exit_zero: bool = option(False, "exit 0 even when findings are reported (still 2 on errors)")

    def __post_init__(self) -> None:
        validate(self)


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

    @property
    def fail_on(self) -> str:
        return self.check.fail_on

    @property
    def boilerplate_limit(self) -> float:
        return self.check.boilerplate_limit

    @property
    def index(self) -> str | None:
        return self.check.index

    @property
    def baseline(self) -> str | None:
        return self.check.baseline

    @property
    def format(self) -> str:
        return self.check.format
