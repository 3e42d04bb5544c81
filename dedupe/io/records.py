"""One way to turn result records into JSON-ready dicts."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

#: Similarities and shares are reported to four places: more digits are
#: noise from floating point, not information.
DIGITS = 4


def plain(value: Any) -> Any:
    """``value`` with tuples as lists and floats rounded, recursively."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, float):
        return round(value, DIGITS)
    return value


class Record:
    """A frozen dataclass whose dict is its fields (nested records
    included), floats rounded; a subclass lists in ``_private`` the
    fields that are not part of its report."""

    _private: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        d = asdict(self)  # type: ignore[call-overload]
        for name in self._private:
            d.pop(name, None)
        return plain(d)


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
