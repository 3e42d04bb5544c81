"""Baseline: accept the findings a site already has, fail only on new ones.

The file is JSON, sorted, so that it diffs well in review::

    {
      "version": 1,
      "findings": [
        {"path": "docs/a.md", "rule": "DUP001", "fingerprint": "9f…", "count": 2},
        …
      ]
    }

``path`` is relative to the baseline file's folder, so the check can run
from any working directory. ``fingerprint`` is ``check.fingerprint``: the
copied text with white space removed, so a copy that moves to another line
or is re-wrapped is still accepted. ``count`` is how many findings with
that fingerprint the file had when the baseline was written: a further
copy of an accepted duplicate is a new finding.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from dedupe.check.findings import Finding, relative
from dedupe.errors import InputError
from dedupe.io.textio import parse_json, write_atomic

VERSION = 1

Key = tuple[str, str, str]  # (path relative to the baseline's folder, rule, fingerprint)


def _key(f: Finding, root: str | os.PathLike) -> Key:
    return (relative(f.path, root), f.rule, f.fingerprint)


def load(path: str | os.PathLike) -> Counter[Key]:
    """The accepted findings of baseline ``path``, with their counts."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: baseline file does not exist (create it with --update-baseline)")
    try:
        raw = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: not a dedupe baseline ({exc})") from None
    data = parse_json(raw, f"{p}: not a dedupe baseline:")
    if not isinstance(data, dict) or "findings" not in data:
        raise InputError(f"{p}: not a dedupe baseline (no 'findings' list)")
    if data.get("version") != VERSION:
        raise InputError(
            f"{p}: baseline version {data.get('version')!r} is not supported (expected {VERSION}); "
            "write it again with --update-baseline"
        )
    accepted: Counter[Key] = Counter()
    for i, e in enumerate(data["findings"]):
        try:
            key = (str(e["path"]), str(e["rule"]), str(e["fingerprint"]))
            count = int(e.get("count", 1))
        except (TypeError, KeyError, ValueError):
            raise InputError(f"{p}: baseline entry {i} needs path, rule, fingerprint and count") from None
        accepted[key] += count
    return accepted


def apply(findings: Iterable[Finding], accepted: Counter[Key], root: str | os.PathLike) -> list[Finding]:
    """``findings`` with those the baseline accepts marked ``suppressed="baseline"``.

    Findings are taken in file order, so when a file has more copies of
    an accepted duplicate than the baseline counted, the later ones are new.
    """
    left = Counter(accepted)
    out = []
    for f in findings:
        if not f.suppressed:
            k = _key(f, root)
            if left[k] > 0:
                left[k] -= 1
                f = replace(f, suppressed="baseline")
        out.append(f)
    return out


def entries(findings: Iterable[Finding], root: str | os.PathLike) -> list[dict]:
    """Sorted baseline entries for ``findings`` (inline-suppressed ones left out)."""
    counts = Counter(_key(f, root) for f in findings if f.suppressed != "inline")
    return [
        {"path": p, "rule": r, "fingerprint": fp, "count": n}
        for (p, r, fp), n in sorted(counts.items())
    ]


def write(path: str | os.PathLike, findings: Iterable[Finding]) -> int:
    """Write the baseline for ``findings`` to ``path`` atomically; returns
    the number of findings it accepts."""
    root = os.path.dirname(os.path.abspath(path))
    rows = entries(findings, root)
    doc = {"version": VERSION, "findings": rows}
    write_atomic(path, json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    return sum(r["count"] for r in rows)
