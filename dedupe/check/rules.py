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

from dataclasses import dataclass
from typing import Iterable, Mapping

from dedupe.errors import OptionsError

#: Severities from the least to the most serious.
SEVERITIES = ("info", "warning", "error")


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: str
    short: str
    full: str
    help: str


_RULES = (
    Rule(
        "DUP001", "repeated-text", "warning",
        "Text repeated inside an article",
        "A paragraph or sentence repeats, exactly or nearly, text kept earlier in the same article: "
        "a copy, a re-wrapped or lightly edited copy, a truncated copy or fragment, or a sentence "
        "repeated as a paragraph of its own.",
        "Delete the repeated copy and keep the one the message names, or run "
        "'dedupe clean FILE --in-place' to keep the first copy of everything.",
    ),
    Rule(
        "DUP002", "near-duplicate-article", "warning",
        "Near-duplicate of another article in the checked set",
        "The whole article is a near-duplicate (Jaccard similarity of its shingles at or above the "
        "threshold) of another article among the checked files; the other one is named as the "
        "kept copy.",
        "Merge the two articles, delete one, or redirect one to the other.",
    ),
    Rule(
        "DUP003", "copied-passage", "warning",
        "Passage copied from another article in the checked set",
        "A paragraph or a run of sentences in this article repeats a passage of another article "
        "among the checked files.",
        "Rewrite the passage or link to the other article instead of copying it.",
    ),
    Rule(
        "DUP004", "copy-of-published", "error",
        "Near-duplicate of, or passage copied from, a published article",
        "The article, or a passage in it, repeats an article already published and recorded in "
        "the index given with --index.",
        "Rewrite the copied text or link to the published article; if the article replaces the "
        "published one, update the index.",
    ),
    Rule(
        "DUP005", "mostly-boilerplate", "warning",
        "Article is mostly boilerplate",
        "More than the configured share (boilerplate-limit) of the article's characters are blocks "
        "that recur across many of the checked articles (footers, notices, 'further reading').",
        "Add the article's own content, or exclude generated pages from the check.",
    ),
)

#: Every rule by id, in id order.
RULES: Mapping[str, Rule] = {r.id: r for r in _RULES}


def severity_rank(severity: str) -> int:
    try:
        return SEVERITIES.index(severity)
    except ValueError:
        raise OptionsError(
            f"unknown severity {severity!r} (expected one of: {', '.join(SEVERITIES)})"
        ) from None


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
