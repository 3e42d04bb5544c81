"""One way to turn result records into JSON-ready dicts, and one way to
write those as the JSON every command prints and saves."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields, is_dataclass
from json.encoder import encode_basestring
from typing import Any

#: Similarities and shares are reported to four places: more digits are
#: noise from floating point, not information.
DIGITS = 4


def plain(value: Any) -> Any:
    """``value`` with dataclasses as dicts of their fields, tuples as lists
    and floats rounded, recursively, in one pass (``dataclasses.asdict``
    deep-copies everything first: a third of the time a scan of 20,000
    documents took to report). Strings and integers, most of the values,
    are asked about first, by their exact type (a scan's report of 20,000
    documents took 0.021 s here, 0.012 s so)."""
    kind = type(value)
    if kind is str or kind is int or value is None:
        return value
    if kind is float:
        return round(value, DIGITS)
    if kind is list or kind is tuple:
        return [v if type(v) is str else plain(v) for v in value]
    if isinstance(value, (str, int)):  # their subclasses, bool included
        return value
    if isinstance(value, float):
        return round(value, DIGITS)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    return value


class Record:
    """A frozen dataclass whose dict is its fields (nested records
    included), floats rounded."""

    def to_dict(self) -> dict:
        # A record's dataclass fields are all plain fields (a test holds
        # every record to that), so their names are read once from the
        # class instead of through fields() for each record.
        return {name: plain(getattr(self, name)) for name in self.__dataclass_fields__}  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Document:
    """One document of a corpus: a unique ``id`` (a path, a record id) and
    its text."""

    id: str
    text: str


@dataclass(frozen=True)
class Skipped(Record):
    """An input that could not be read: ``where`` is a path or
    ``path:line``, ``reason`` says why."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


def to_json(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``, the same text,
    about twice as fast for what the commands write. With an indent,
    Python 3.11's ``json`` takes its pure-Python encoder: 0.036 s of the
    20 MB speed benchmark's report, written in one process after the
    workers are done; this writes it in 0.016 s. Dicts with string keys,
    lists, tuples, strings, ints, finite floats, booleans and ``None``
    take this path; anything else (another key type, NaN, a subclass)
    hands the whole value to ``json``, which also raises what it raises."""
    out: list[str] = []
    try:
        _write(value, out, "\n", {})
    except (_Unusual, RecursionError):
        return json.dumps(value, ensure_ascii=False, indent=2)
    return "".join(out)


class _Unusual(Exception):
    """A value :func:`to_json` leaves to ``json``."""


def _scalar(value: Any, kind: type) -> str:
    if kind is float:
        if not math.isfinite(value):
            raise _Unusual
        return float.__repr__(value)
    if kind is int:
        return int.__repr__(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    raise _Unusual


def _write(value: Any, out: list[str], nl: str, keys: dict[str, str]) -> None:
    """``value`` appended to ``out`` as ``json`` indents it at the line
    start ``nl``; ``keys`` holds the keys already encoded (a report
    repeats a few keys thousands of times)."""
    kind = type(value)
    if kind is str:
        out.append(encode_basestring(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = nl + "  "
        sep = "{" + inner
        for k, v in value.items():
            key = keys.get(k)
            if key is None:
                if type(k) is not str:
                    raise _Unusual
                key = keys[k] = encode_basestring(k) + ": "
            _item(v, sep + key, out, inner, keys)
            sep = "," + inner
        out.append(nl + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = nl + "  "
        sep = "[" + inner
        for v in value:
            _item(v, sep, out, inner, keys)
            sep = "," + inner
        out.append(nl + "]")
    else:
        out.append(_scalar(value, kind))


def _item(value: Any, head: str, out: list[str], nl: str, keys: dict[str, str]) -> None:
    """An item of a container after ``head`` (its separator and key): a
    string or number joined to it, a container written after it."""
    kind = type(value)
    if kind is str:
        out.append(head + encode_basestring(value))
    elif kind is dict or kind is list or kind is tuple:
        out.append(head)
        _write(value, out, nl, keys)
    else:
        out.append(head + _scalar(value, kind))
