"""Documents for a corpus scan, streamed one at a time.

Sources are files, folders (walked with :func:`dedupe.io.walk.walk`),
JSONL files (one JSON object per line; ``.jsonl`` or ``.ndjson``) and ``-``
for JSONL on standard input. Nothing is read ahead: a scan holds one
document, or one piece of a JSONL stream (:class:`JsonlChunk`), at a time
here, whatever the size of the corpus.

A bad file or record (unreadable, undecodable, binary, malformed JSON, no
text field) or a folder that cannot be listed does not stop a long scan:
it comes out of the stream as a :class:`Skipped` item naming the path or the line, and the scan counts and
reports it. With ``strict=True`` it raises :class:`~dedupe.errors.InputError`
instead.
"""

from __future__ import annotations

import codecs
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from dedupe.errors import InputError
from dedupe.io import columnar
from dedupe.io.records import Document, Skipped
from dedupe.io.textio import check_text, decode, parse_json, read_text
from dedupe.io.walk import source_entries
from dedupe.options import SourceOptions

JSONL_SUFFIXES = (".jsonl", ".ndjson")
#: A JSONL stream is read in pieces of about this many bytes, each cut
#: after the end of a line, so that a piece's records can be parsed
#: anywhere (a scan parses them in its worker processes) and every record
#: still knows its line.
JSONL_CHUNK = 1 << 18
#: What a blank line of a JSONL stream holds: ASCII white space, as
#: ``bytes.isspace`` has it (``str.isspace`` also takes U+3000 and others).
_BLANK = " \t\r\x0b\x0c"
#: The scanner ``json.loads`` runs, called without its two passes for white
#: space around the value (a record line has none): about 0.018 of the 0.068
#: CPU seconds of reading the 20 MB speed benchmark's records.
_SCAN_ONCE: Callable[[str, int], tuple[Any, int]] = getattr(json.JSONDecoder(), "scan_once")  # noqa: B009


def _skip(where: str, reason: str, strict: bool) -> Skipped:
    if strict:
        raise InputError(f"{where}: {reason}")
    return Skipped(where, reason)


def _reason(exc: InputError, name: str) -> str:
    """The message of an input error without the name it starts with."""
    msg = str(exc)
    return msg[len(name) + 2 :] if msg.startswith(name + ": ") else msg


def iter_documents(paths: Iterable[str], options: SourceOptions | None = None, *,
                   jsonl_chunks: bool = False) -> Iterator[Document | Skipped | JsonlChunk]:
    """Documents (and skipped inputs) from ``paths``, in a stable order.

    A path that does not exist is a usage error, raised before anything
    is read, since the scan would otherwise report on less than asked.
    With ``jsonl_chunks``, each JSONL input comes as :class:`JsonlChunk`
    pieces instead of its documents, for the caller to read where it
    chooses (:meth:`JsonlChunk.load`).
    """
    o = options or SourceOptions()
    paths = list(paths)
    if not paths:
        raise InputError("no input paths given")
    for raw in paths:
        if raw != "-" and not Path(raw).exists():
            raise InputError(f"{raw}: no such file or folder")
    if paths.count("-") > 1:
        raise InputError("'-' (standard input) can be given only once")
    for raw in paths:
        if raw == "-":
            yield from _jsonl(sys.stdin.buffer, "<stdin>", o, jsonl_chunks)
            continue
        for path in source_entries([raw], o):
            if isinstance(path, Skipped):  # a folder or file the walk could not read
                yield _skip(path.where, path.reason, o.strict)
                continue
            name = str(path)
            if columnar.is_columnar(path):
                yield from columnar.iter_documents(path, o.id_field, o.field, o.strict)
                continue
            if path.suffix.lower() in JSONL_SUFFIXES:
                try:
                    fh = open(path, "rb")
                except OSError as exc:
                    yield _skip(name, f"cannot read ({exc.strerror})", o.strict)
                    continue
                with fh:
                    yield from _jsonl(fh, name, o, jsonl_chunks)
                continue
            try:
                text = read_text(path, o.encoding, o.errors, o.max_line_length, allow_empty=True)
            except InputError as exc:
                yield _skip(name, _reason(exc, name), o.strict)
                continue
            yield Document(name, text)


def iter_jsonl(stream: BinaryIO, name: str, options: SourceOptions | None = None) -> Iterator[Document | Skipped]:
    """Documents from a JSONL byte stream, one line at a time; blank lines
    are not records."""
    for piece in jsonl_pieces(stream, name, options or SourceOptions()):
        yield from piece.records()


def _jsonl(stream: BinaryIO, name: str, options: SourceOptions, pieces: bool) -> Iterator[Document | Skipped | JsonlChunk]:
    return jsonl_pieces(stream, name, options) if pieces else iter_jsonl(stream, name, options)


def jsonl_pieces(stream: BinaryIO, name: str, options: SourceOptions,
                 size: int | None = None) -> Iterator[JsonlChunk]:
    """A JSONL byte stream as pieces of whole lines, about ``size`` bytes
    each (:data:`JSONL_CHUNK` by default; a longer line is one piece): only
    a line's end, a newline byte, cuts the stream, as when it is read line
    by line."""
    size = size or JSONL_CHUNK
    line = 1
    pending = bytearray()
    while block := stream.read(size):
        searched = len(pending)
        pending += block
        cut = pending.rfind(b"\n", searched) + 1
        if cut == 0:  # no line ends in this block: the line goes on
            continue
        data = bytes(pending[:cut])
        del pending[:cut]
        yield JsonlChunk(name, data, line, options)
        line += data.count(b"\n")
    if pending:
        yield JsonlChunk(name, bytes(pending), line, options)


def _loads(line: str) -> Any:
    """``json.loads(line)``, or None where it raises. A line that is one
    JSON value from its first character to its last is scanned at once;
    any other line is left to ``json.loads``."""
    try:
        value, end = _SCAN_ONCE(line, 0)
        if end == len(line):
            return value
    except (StopIteration, ValueError, RecursionError):
        pass
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        return None


@dataclass(frozen=True)
class JsonlChunk:
    """Whole lines of the JSONL stream ``name``, from line ``first_line``
    on, and the options to read their records with."""

    name: str
    data: bytes
    first_line: int
    options: SourceOptions

    def records(self) -> Iterator[Document | Skipped]:
        """The documents of these lines, in order; blank lines are not records."""
        lines = self._plain_lines()
        if lines is None:
            yield from self.records_line_by_line()
            return
        o = self.options
        limit = o.max_line_length
        for lineno, line in enumerate(lines, self.first_line):
            if not line.strip(_BLANK):
                continue
            # The common record, read at once; anything else is read as
            # records_line_by_line reads it, for the same document or the
            # same reason to skip it.
            if not limit or len(line) <= limit:
                record = _loads(line)
                if type(record) is dict:
                    text, ident = record.get(o.field), record.get(o.id_field)
                    if type(text) is str and type(ident) is str:
                        yield Document(ident, text)
                        continue
            item = self._record(line.encode("utf-8"), lineno)
            if item is not None:
                yield item

    def _plain_lines(self) -> list[str] | None:
        """The lines as text, when the options read UTF-8 and the whole
        piece is valid UTF-8 (then each line decodes as it would alone);
        else None. A NUL byte or a byte-order mark needs no check here: no
        JSON text holds either, so such a line goes line by line anyway."""
        try:
            utf8 = codecs.lookup(self.options.encoding).name == "utf-8"
        except LookupError:
            return None
        try:
            return self.data.decode("utf-8").split("\n") if utf8 else None
        except UnicodeDecodeError:
            return None

    def records_line_by_line(self) -> Iterator[Document | Skipped]:
        """:meth:`records`, each line decoded, checked and parsed on its
        own: the reference of the faster path."""
        for lineno, raw in enumerate(self.data.split(b"\n"), self.first_line):
            item = self._record(raw, lineno)
            if item is not None:
                yield item

    def _record(self, raw: bytes, lineno: int) -> Document | Skipped | None:
        """The document of one line, or why it is skipped; None for a blank line."""
        o = self.options
        where = f"{self.name}:{lineno}"
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]  # a UTF-8 byte-order mark is not part of the first record
        if not raw or raw.isspace():  # not strip(): that copies every record
            return None
        try:
            line = decode(raw, where, o.encoding, o.errors)
            check_text(line, where, o.max_line_length, allow_empty=True)
            record = parse_json(line, where)
        except InputError as exc:
            return _skip(where, _reason(exc, where), o.strict)
        return _from_record(record, where, o.field, o.id_field, o.strict)

    def load(self) -> Loaded:
        """:meth:`records`, as columns."""
        return Loaded.of(self.records())


@dataclass
class Loaded:
    """Documents read together, as columns, and the inputs skipped among
    them, each with the number of documents read before it."""

    ids: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    skipped: list[tuple[int, Skipped]] = field(default_factory=list)

    @classmethod
    def of(cls, items: Iterable[Document | Skipped]) -> Loaded:
        loaded = cls()
        for item in items:
            loaded.add(item)
        return loaded

    def add(self, item: Document | Skipped) -> None:
        if isinstance(item, Skipped):
            self.skipped.append((len(self.ids), item))
        else:
            self.ids.append(item.id)
            self.texts.append(item.text)

    def __bool__(self) -> bool:
        return bool(self.ids or self.skipped)


def _from_record(record: Any, where: str, field: str, id_field: str, strict: bool) -> Document | Skipped:
    if not isinstance(record, dict):
        return _skip(where, f"not a JSON object but {type(record).__name__}", strict)
    if field not in record:
        return _skip(where, f"no {field!r} field", strict)
    text = record[field]
    if not isinstance(text, str):
        return _skip(where, f"field {field!r} is {type(text).__name__}, not a string", strict)
    ident = record.get(id_field)
    if ident is None:
        ident = where
    elif isinstance(ident, (str, int)) and not isinstance(ident, bool):
        ident = str(ident)
    else:
        return _skip(where, f"id field {id_field!r} is {type(ident).__name__}, not a string or integer", strict)
    return Document(ident, text)


def as_documents(items: Iterable[Any], strict: bool = False) -> Iterator[Document | Skipped | JsonlChunk]:
    """What :func:`dedupe.scan` accepts, as documents: strings (id = their
    position), ``(id, text)`` pairs, dicts with ``id`` and ``text``,
    :class:`Document`, :class:`Skipped` and :class:`JsonlChunk` items
    (passed through)."""
    if isinstance(items, (str, bytes)):
        raise InputError("scan takes an iterable of documents, not one string")
    for n, item in enumerate(items):
        where = f"document {n}"
        if isinstance(item, (Document, Skipped, JsonlChunk)):
            if isinstance(item, Skipped) and strict:
                raise InputError(str(item))
            yield item
        elif isinstance(item, str):
            yield Document(str(n), item)
        elif type(item).__name__ == "RecordBatch":  # pyarrow's, streamed without importing it here
            yield from columnar.documents_from_batches([item], "id", "text", where, strict)
        elif isinstance(item, dict):
            rec = item if "id" in item else {**item, "id": str(n)}
            yield _from_record(rec, where, "text", "id", strict)
        elif isinstance(item, (tuple, list)) and len(item) == 2:
            yield _from_record({"id": item[0], "text": item[1]}, where, "text", "id", strict)
        else:
            yield _skip(where, f"{type(item).__name__} is not a document (str, (id, text) or dict)", strict)
