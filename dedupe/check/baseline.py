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
from dedupe.io.records import to_json
from dedupe.io.textio import parse_json, write_atomic

VERSION = 1

Key = tuple[str, str, str]  # (path relative to the baseline's folder, rule, fingerprint)


def _key(f: Finding, root: str | os.PathLike) -> Key:
    return (relative(f.path, root), f.rule, f.fingerprint)


#: The most findings one entry may accept: more is not a count a file had.
MAX_COUNT = 2**31 - 1


def load(path: str | os.PathLike) -> Counter[Key]:
    """The accepted findings of baseline ``path``, with their counts. A
    file that is not a baseline, or a field of the wrong type or out of
    range, is an :class:`InputError` naming the file and the field."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: baseline file does not exist (create it with --update-baseline)")
    try:
        raw = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{p}: not a dedupe baseline ({exc})") from None
    data = parse_json(raw, f"{p}: not a dedupe baseline:")
    if not isinstance(data, dict):
        raise InputError(f"{p}: not a dedupe baseline (a JSON {_kind(data)}, not an object)")
    if "findings" not in data:
        raise InputError(f"{p}: not a dedupe baseline (no 'findings' list)")
    version = data.get("version")
    if type(version) is not int or version != VERSION:
        raise InputError(
            f"{p}: baseline version {_shown(version)} is not supported (expected {VERSION}); "
            "write it again with --update-baseline"
        )
    if not isinstance(data["findings"], list):
        raise InputError(f"{p}: not a dedupe baseline ('findings' is {_shown(data['findings'])}, not a list)")
    accepted: Counter[Key] = Counter()
    for i, e in enumerate(data["findings"]):
        key, count = _entry(p, i, e)
        accepted[key] += count
    return accepted


def _entry(p: Path, i: int, e: object) -> tuple[Key, int]:
    """One entry of the ``findings`` list: its key and its count."""
    where = f"{p}: baseline entry {i}"
    if not isinstance(e, dict):
        raise InputError(f"{where} is {_shown(e)}, not an object with path, rule, fingerprint and count")
    key = []
    for name in ("path", "rule", "fingerprint"):
        value = e.get(name)
        if not isinstance(value, str) or not value:
            raise InputError(f"{where}: '{name}' is {_shown(value)}, not a non-empty string")
        key.append(value)
    count = e.get("count", 1)
    if type(count) is not int or not 1 <= count <= MAX_COUNT:
        raise InputError(f"{where}: 'count' is {_shown(count)}, not a whole number from 1 to {MAX_COUNT:,}")
    return (key[0], key[1], key[2]), count


def _kind(value: object) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(type(value), "number")


def _shown(value: object) -> str:
    """A JSON value for a one-line message, cut short when long."""
    text = json.dumps(value, ensure_ascii=False) if value is not None else "null"
    return text if len(text) <= 40 else text[:37] + "..."


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
    write_atomic(path, to_json(doc) + "\n")
    return sum(r["count"] for r in rows)
