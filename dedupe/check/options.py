"""The options only ``dedupe check`` has, declared like every other option
(:mod:`dedupe.options`), so that they become flags and configuration keys
the same way."""

from __future__ import annotations

from dataclasses import dataclass

from dedupe.check.findings import SEVERITIES
from dedupe.check.formats import FORMATS
from dedupe.options import option, validate


@dataclass(frozen=True)
class CheckOptions:
    """The options only ``dedupe check`` has (the detection, corpus and
    source options are shared with every command)."""

    select: tuple[str, ...] = option(
        (), "rule ids or prefixes to run, comma-separated", metavar="RULES", shown="all rules")
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
