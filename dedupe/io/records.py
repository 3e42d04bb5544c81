"""One way to turn result records into JSON-ready dicts."""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from typing import Any

#: Similarities and shares are reported to four places: more digits are
#: noise from floating point, not information.
DIGITS = 4


def plain(value: Any) -> Any:
    """``value`` with dataclasses as dicts of their fields, tuples as lists
    and floats rounded, recursively, in one pass (``dataclasses.asdict``
    deep-copies everything first: a third of the time a scan of 20,000
    documents took to report). Strings and integers, most of the values,
    are asked about first."""
    if value is None or isinstance(value, (str, int)):
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
        return {f.name: plain(getattr(self, f.name)) for f in fields(self)}  # type: ignore[arg-type]


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
