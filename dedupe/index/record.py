"""What an index keeps of one document, and what a store must do with it."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from dedupe.errors import IndexFormatError

#: ``unit`` of the postings that point at a whole document.
DOCUMENT_UNIT = -1

#: Fields of one unit (a paragraph or a sentence of a stored document).
UNIT_DTYPE = np.dtype(
    [
        ("start", "<i8"),
        ("end", "<i8"),
        ("line", "<i4"),
        ("end_line", "<i4"),
        ("paragraph", "<i4"),
        ("is_sentence", "<i1"),
        ("tokens", "<i4"),
        ("key", "<u8"),
    ]
)


# One posting as Redis stores it: the band key (big-endian, so that it can
# be cut out of a blob and appended to a key name) and the unit.
_POSTING_DTYPE = np.dtype([("key", ">u8"), ("unit", "<i4")])

#: Postings read per band key, oldest first: a key that thousands of
#: documents share (boilerplate) costs a bounded read.
LOOKUP_CAP = 256


@dataclass(frozen=True)
class DocumentRecord:
    """What the index keeps of one document (never its text).

    ``units`` are its prose paragraphs and sentences with offsets and line
    numbers; ``unit_shingles[unit_offsets[i]:unit_offsets[i+1]]`` is unit
    *i*'s sorted shingle set and ``unit_bands[i]`` its LSH band keys;
    ``shingles`` and ``bands`` are the same for the whole document.
    """

    id: str
    content_hash: str
    length: int
    lines: int
    units: np.ndarray
    unit_offsets: np.ndarray
    unit_shingles: np.ndarray
    unit_bands: np.ndarray
    shingles: np.ndarray
    bands: np.ndarray

    def unit_set(self, i: int) -> np.ndarray:
        return self.unit_shingles[self.unit_offsets[i] : self.unit_offsets[i + 1]]

    def posting_array(self) -> np.ndarray:
        """``(band key, unit)`` pairs this document adds to the lookup
        table, as one array (big-endian key, little-endian unit)."""
        keys = np.concatenate([self.bands, self.unit_bands.ravel()]).astype(np.uint64)
        units = np.concatenate(
            [np.full(self.bands.size, DOCUMENT_UNIT), np.repeat(np.arange(self.units.size), self.unit_bands.shape[1])]
        )
        out = np.zeros(keys.size, dtype=_POSTING_DTYPE)
        out["key"], out["unit"] = keys, units
        # No duplicates: band keys differ by band, and units by index.
        return out

    def blobs(self) -> dict[str, bytes]:
        return {
            "units": self.units.astype(UNIT_DTYPE).tobytes(),
            "unit_offsets": self.unit_offsets.astype("<i8").tobytes(),
            "unit_shingles": self.unit_shingles.astype("<u8").tobytes(),
            "unit_bands": self.unit_bands.astype("<u8").tobytes(),
            "shingles": self.shingles.astype("<u8").tobytes(),
            "bands": self.bands.astype("<u8").tobytes(),
        }

    @classmethod
    def from_blobs(
        cls, id: str, content_hash: str, length: int, lines: int, blobs: dict[str, bytes], location: str = "index"
    ) -> "DocumentRecord":
        """The record a store kept, refused with an
        :class:`~dedupe.errors.IndexFormatError` naming ``location`` when
        its fields do not fit together (a damaged file or key), never
        half-read."""
        try:
            rec = cls._parse(id, content_hash, length, lines, blobs)
            problem = rec._inconsistency()
        except (KeyError, TypeError, ValueError, OverflowError) as exc:
            problem = f"no field {exc}" if isinstance(exc, KeyError) else str(exc)
        if problem:
            raise IndexFormatError(f"{location}: index entry {id!r} is damaged ({problem}); rebuild the index")
        return rec

    @classmethod
    def _parse(cls, id: str, content_hash: str, length: int, lines: int,
               blobs: dict[str, bytes]) -> "DocumentRecord":
        if not isinstance(id, str) or not isinstance(content_hash, str):
            raise TypeError(f"id and hash must be text, not {type(id).__name__} and {type(content_hash).__name__}")
        if type(length) is not int or type(lines) is not int:
            raise TypeError(f"length and lines must be integers, not {length!r} and {lines!r}")
        units = np.frombuffer(blobs["units"], dtype=UNIT_DTYPE)
        bands = np.frombuffer(blobs["bands"], dtype="<u8")
        unit_bands = np.frombuffer(blobs["unit_bands"], dtype="<u8")
        return cls(
            id=id,
            content_hash=content_hash,
            length=length,
            lines=lines,
            units=units,
            unit_offsets=np.frombuffer(blobs["unit_offsets"], dtype="<i8"),
            unit_shingles=np.frombuffer(blobs["unit_shingles"], dtype="<u8"),
            unit_bands=unit_bands.reshape(units.size, -1) if units.size else unit_bands.reshape(0, bands.size),
            shingles=np.frombuffer(blobs["shingles"], dtype="<u8"),
            bands=bands,
        )

    def _inconsistency(self) -> str:
        """What does not fit together, or ``""``: a reader must not index
        past an array or report a span outside the document."""
        off, u = self.unit_offsets, self.units
        if off.size != u.size + 1 or off[0] != 0 or off[-1] != self.unit_shingles.size or np.any(np.diff(off) < 0):
            return "unit offsets do not match the shingles"
        if self.unit_bands.shape[1] != self.bands.size and self.bands.size:
            return f"{self.unit_bands.shape[1]} band keys per unit, {self.bands.size} for the document"
        if self.length < 0 or self.lines < 1:
            return f"length {self.length} and {self.lines} lines"
        if u.size and (np.any(u["start"] < 0) or np.any(u["end"] < u["start"]) or np.any(u["end"] > self.length)
                       or np.any(u["line"] < 1) or np.any(u["end_line"] > self.lines)):
            return "a unit lies outside the document"
        if np.any(self.shingles[1:] <= self.shingles[:-1]):
            return "the document's shingles are not a sorted set"
        return ""


@dataclass(frozen=True)
class Postings:
    """What a lookup found, as arrays: posting *i* is band key ``keys[i]``
    in unit ``units[i]`` of the document ``ids[docs[i]]``, each key's
    postings in the order the store keeps them. Arrays, because a query of
    a page with a site's footer reads some 18,000 postings."""

    keys: np.ndarray
    docs: np.ndarray
    units: np.ndarray
    ids: tuple[str, ...]

    @classmethod
    def numbered(cls, keys: np.ndarray, nums: np.ndarray, units: np.ndarray,
                 id_of: dict[int, str]) -> "Postings":
        """Postings naming documents by number, with ``id_of`` the ids of
        the numbers still stored: a posting of another number belongs to a
        document removed since it was read, and is left out."""
        known = np.array(sorted(id_of), dtype=np.int64)
        keep = np.isin(nums, known)
        return cls(keys[keep].astype(np.uint64), np.searchsorted(known, nums[keep]),
                   units[keep].astype(np.int64), tuple(id_of[n] for n in known.tolist()))

    def tuples(self) -> list[tuple[int, str, int]]:
        """``(key, id, unit)`` of each posting, in order."""
        return [(k, self.ids[d], u) for k, d, u in zip(self.keys.tolist(), self.docs.tolist(), self.units.tolist())]


class Storage(Protocol):
    """What :class:`dedupe.Index` needs from a backend."""

    location: str
    #: The version of the backend's layout, recorded in the metadata: an
    #: index in another layout is refused, not misread.
    format_version: int

    def read_meta(self) -> dict[str, str]: ...
    def init_meta(self, meta: dict[str, str]) -> dict[str, str]: ...
    def put_many(self, records: Iterable[DocumentRecord]) -> int: ...
    def remove(self, doc_id: str) -> bool: ...
    def get_many(self, ids: Iterable[str]) -> dict[str, DocumentRecord]: ...
    def lookup(self, keys: Iterable[int], cap: int = ...) -> Postings: ...
    def snapshot(self) -> AbstractContextManager[bool]: ...
    def hashes(self, ids: Iterable[str]) -> dict[str, str]: ...
    def ids_with_hash(self, content_hash: str) -> list[str]: ...
    def ids(self) -> list[str]: ...
    def count(self) -> int: ...
    def contains(self, doc_id: str) -> bool: ...
    def close(self) -> None: ...
