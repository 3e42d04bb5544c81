"""SARIF 2.1.0, the format code-scanning services read.

One run; ``tool.driver.rules`` lists every rule with its descriptions and
help. Each result has a physical location with a 1-based region (columns
counted in Unicode code points, which is what Python offsets are, and
said so in ``columnKind``), a related location for the kept copy, and a
``partialFingerprints`` entry built from the content fingerprint plus the
occurrence number, so it is stable across line moves and unique per
result. Findings accepted by the baseline, or switched off by inline
markers, are emitted with ``suppressions`` rather than dropped.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from dedupe._version import __version__
from dedupe.check.rules import RULES
from dedupe.io.records import to_json

if TYPE_CHECKING:
    from dedupe.check.findings import CheckReport, Finding

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "dedupeContent/v1"


def _uri(path: str) -> str:
    """A relative URI reference for a relative path (what code scanning maps
    onto the repository), a file URI for an absolute one."""
    p = Path(path)
    if p.is_absolute():
        return p.as_uri()
    return quote(p.as_posix(), safe="/-._~")


def _literal(text: str) -> str:
    """Text shown as itself in a SARIF message, whose ``[text](id)`` is a
    link: brackets and backslashes in a file name are escaped, so a name
    such as ``x](javascript:…) [y.md`` cannot make a link of its own."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _region(f: "Finding") -> dict[str, int]:
    return {
        "startLine": f.line,
        "startColumn": f.column,
        "endLine": f.end_line,
        "endColumn": max(f.end_column, 1),
        "charOffset": f.start,
        "charLength": f.end - f.start,
    }


def _result(f: "Finding", index: dict[str, int], occurrence: int, report: "CheckReport") -> dict[str, Any]:
    d = f.duplicate_of
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": index[f.rule],
        "level": LEVEL[f.severity],
        "message": {"text": f"{_literal(f.message)}. Kept copy: [{_literal(d.path)}:{d.line}](1)."},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": _uri(f.path)},
                "region": _region(f),
            }
        }],
        "relatedLocations": [{
            "id": 1,
            "message": {"text": "kept copy"},
            "physicalLocation": {
                "artifactLocation": {"uri": _uri(d.path)},
                "region": {"startLine": max(d.line, 1), "charOffset": d.start,
                           "charLength": max(d.end - d.start, 0)},
            },
        }],
        "partialFingerprints": {FINGERPRINT_KEY: f"{f.fingerprint}:{occurrence}"},
        "properties": {"kind": f.kind, "similarity": round(f.similarity, 4)},
    }
    if f.suppressed == "baseline":
        where = os.path.basename(report.baseline_file) if report.baseline_file else "the baseline"
        result["suppressions"] = [{"kind": "external", "status": "accepted",
                                   "justification": f"accepted in {where}"}]
    elif f.suppressed == "inline":
        result["suppressions"] = [{"kind": "inSource", "status": "accepted",
                                   "justification": "<!-- dedupe: off --> or ignore-next marker"}]
    return result


def to_sarif(report: "CheckReport") -> dict[str, Any]:
    rules = list(RULES.values())
    index = {r.id: i for i, r in enumerate(rules)}
    driver = {
        "name": "dedupe",
        "version": __version__,
        "semanticVersion": __version__,
        "rules": [{
            "id": r.id,
            "name": r.name,
            "shortDescription": {"text": r.short},
            "fullDescription": {"text": r.full},
            "help": {"text": r.help, "markdown": r.help},
            "defaultConfiguration": {"level": LEVEL[r.severity], "enabled": r.id in report.rules},
        } for r in rules],
    }
    seen: Counter[tuple[str, str, str]] = Counter()
    results = []
    everything = sorted(report.findings + report.suppressed,
                        key=lambda f: (f.path, f.start, f.rule, f.end))
    for f in everything:
        key = (f.path, f.rule, f.fingerprint)
        seen[key] += 1
        results.append(_result(f, index, seen[key], report))
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "invocations": [{"executionSuccessful": True}],
        }],
    }


def render_sarif(report: "CheckReport") -> str:
    return to_json(to_sarif(report))
