"""What ``dedupe check`` can report: one rule id per kind of problem.

Each rule has a default severity. A check fails (exit status 1) when a
finding's severity is at or above the failing severity (``fail-on``,
default ``warning``), so ``info`` findings are reported without failing
unless ``--fail-on info`` is given.

Rule selection works like ruff's: ``select`` and ``ignore`` take rule ids
or prefixes of them (``DUP`` is every rule, ``DUP00`` too); ``ignore``
wins over ``select``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from dedupe.check.findings import SEVERITIES, severity_rank
from dedupe.check.rules.base import Rule
from dedupe.check.rules.dup001 import RepeatedText
from dedupe.check.rules.dup002 import NearDuplicateArticle
from dedupe.check.rules.dup003 import CopiedPassage
from dedupe.check.rules.dup004 import CopyOfPublished
from dedupe.check.rules.dup005 import MostlyBoilerplate
from dedupe.errors import OptionsError

#: Every rule by id, in id order: the one place rules are registered.
RULES: Mapping[str, Rule] = {
    r.id: r for r in (RepeatedText(), NearDuplicateArticle(), CopiedPassage(), CopyOfPublished(),
                      MostlyBoilerplate())
}

__all__ = ["RULES", "SEVERITIES", "Rule", "select_rules", "severities", "severity_rank"]


def _expand(codes: Iterable[str], what: str) -> set[str]:
    out: set[str] = set()
    for raw in codes:
        code = raw.strip().upper()
        if not code:
            continue
        if code == "ALL":
            out.update(RULES)
            continue
        hit = {rid for rid in RULES if rid.startswith(code)}
        if not hit:
            raise OptionsError(
                f"unknown rule {raw!r} in {what} (rules: {', '.join(RULES)})"
            )
        out |= hit
    return out


def select_rules(select: Iterable[str] | None = None, ignore: Iterable[str] = ()) -> frozenset[str]:
    """Rule ids chosen by ``select`` (all rules when None) minus ``ignore``.
    Unknown ids or prefixes are an error that names them."""
    chosen = set(RULES) if select is None else _expand(select, "select")
    return frozenset(chosen - _expand(ignore, "ignore"))


def severities(overrides: Mapping[str, str] | None = None) -> Mapping[str, str]:
    """Each rule's severity: its default, or the override given for its id."""
    out = {rid: r.severity for rid, r in RULES.items()}
    for rid, sev in (overrides or {}).items():
        key = rid.strip().upper()
        if key not in RULES:
            raise OptionsError(f"unknown rule {rid!r} in severity (rules: {', '.join(RULES)})")
        severity_rank(sev)
        out[key] = sev
    return out
