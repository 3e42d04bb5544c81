"""Reading inputs with clear errors, and writing outputs atomically."""

from __future__ import annotations

import bisect
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from dedupe.errors import InputError, OutputError
from dedupe.options import MAX_LINE_CHARS


def _is_wide(encoding: str) -> bool:
    """UTF-16 and UTF-32 text holds NUL bytes; other encodings' never does."""
    return encoding.lower().replace("-", "").replace("_", "").startswith(("utf16", "utf32"))


def decode(data: bytes, name: str, encoding: str = "utf-8", errors: str = "strict") -> str:
    """Bytes to text, refusing binary data with a message naming ``name``."""
    # The encoding's name is looked at only when the bytes raise the
    # question: a JSONL file is decoded a record at a time.
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") and not _is_wide(encoding):
        raise InputError(f"{name}: starts with a UTF-16 byte-order mark; pass --encoding utf-16")
    # The whole file, not a prefix: a NUL after the first few kilobytes is
    # still binary data, and find() runs at memory speed.
    nul = data.find(b"\x00")
    if nul >= 0 and not _is_wide(encoding):
        raise InputError(f"{name}: binary file (NUL byte at offset {nul}); not text")
    try:
        return data.decode(encoding, errors)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: not valid {exc.encoding} at byte offset {exc.start}"
            " (pass --encoding, or --errors replace to substitute U+FFFD)"
        ) from None
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}") from None
    except (UnicodeError, ValueError) as exc:  # codecs such as punycode raise their own
        raise InputError(f"{name}: cannot decode as {encoding} ({exc})") from None


def text_name(path: str | os.PathLike) -> str:
    """A path as text that every UTF-8 output and database takes: the bytes
    of a file name that is not UTF-8 become ``\\xff`` escapes, so a name
    read from the disk can be stored and printed, always the same way."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def parse_json(text: str, name: str) -> Any:
    """``text`` as JSON, or an :class:`InputError` naming ``name``: for
    malformed JSON, and for what the parser refuses on its own, a number
    of more than 4,300 digits or nesting too deep to follow."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}: malformed JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    except ValueError:
        raise InputError(f"{name}: JSON holds a number too long to read (over 4,300 digits)") from None
    except RecursionError:
        raise InputError(f"{name}: JSON nested too deeply to read") from None


#: Standard input is read in pieces of this many bytes.
STREAM_CHUNK = 1 << 20


def read_stream(stream: BinaryIO, name: str, encoding: str = "utf-8") -> bytes:
    """All of ``stream``, refusing binary data as soon as a NUL byte
    arrives: ``cat /dev/zero | dedupe clean -`` would otherwise fill memory
    before the check on the whole text could run."""
    wide = _is_wide(encoding)
    pieces: list[bytes] = []
    size = 0
    while chunk := stream.read(STREAM_CHUNK):
        nul = -1 if wide else chunk.find(b"\x00")
        if nul >= 0:
            raise InputError(f"{name}: binary input (NUL byte at offset {size + nul}); not text")
        pieces.append(chunk)
        size += len(chunk)
    return b"".join(pieces)


def check_text(text: str, name: str, max_line: int = MAX_LINE_CHARS, allow_empty: bool = False) -> str:
    if not allow_empty and not text.strip():
        raise InputError(f"{name}: empty file, nothing to deduplicate")
    if max_line and len(text) > max_line:
        pos = 0
        lineno = 1
        while pos < len(text):
            nl = text.find("\n", pos)
            stop = len(text) if nl < 0 else nl
            if stop - pos > max_line:
                raise InputError(
                    f"{name}: line {lineno} is {stop - pos:,} characters long"
                    f" (limit {max_line:,}; raise it with --max-line-length)"
                )
            if nl < 0:
                break
            pos = nl + 1
            lineno += 1
    return text


def read_text(
    path: str | os.PathLike,
    encoding: str = "utf-8",
    errors: str = "strict",
    max_line: int = MAX_LINE_CHARS,
    allow_empty: bool = False,
) -> str:
    """The text of ``path`` (``-`` for standard input), line endings and a
    byte-order mark kept as they are."""
    name = str(path)
    if name == "-":
        name = "<stdin>"
        data = read_stream(sys.stdin.buffer, name, encoding)
    else:
        p = Path(path)
        if not p.exists():
            raise InputError(f"{name}: no such file")
        if p.is_dir():
            raise InputError(f"{name}: is a directory, not a file")
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise InputError(f"{name}: cannot read ({exc.strerror})") from None
    return check_text(decode(data, name, encoding, errors), name, max_line, allow_empty)


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Whether two paths name one file (through links and ``..``)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def check_writable(path: str | os.PathLike) -> None:
    """Fail before any work when ``path`` could not be replaced."""
    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    if p.exists() and not _writable(p):
        raise OutputError(f"{p}: file is not writable")
    if not _writable(folder):
        raise OutputError(f"{folder}: folder is not writable")


def _writable(path: Path) -> bool:
    # The effective user is the one that will write, under sudo or setuid too.
    if os.access in os.supports_effective_ids:
        return os.access(path, os.W_OK, effective_ids=True)
    return os.access(path, os.W_OK)


def write_atomic(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it
    over ``path``: readers see the old file or the new one, never half. A
    symbolic link is written through: its target is replaced and the link
    stays a link; a file with several hard links is rewritten in place."""
    p = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    if p.exists() and not p.is_file():
        return _write_stream(p, text, encoding)  # a device or a pipe: never replace it
    check_writable(p)
    folder = p.parent if str(p.parent) else Path(".")
    st = p.stat() if p.exists() else None
    if st is not None and st.st_nlink > 1:
        return _write_linked(p, text, encoding)
    import tempfile  # noqa: PLC0415  (writes only: with shutil behind it, 1.6 ms of every start)

    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        _same_mode_and_owner(tmp, st)
        os.replace(tmp, p)
    except OSError as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise OutputError(f"{p}: cannot write ({exc.strerror})") from None
    except UnicodeEncodeError as exc:
        os.unlink(tmp)
        raise OutputError(
            f"{p}: cannot encode character {text[exc.start]!r} in {exc.encoding}; nothing written"
        ) from None
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _write_linked(p: Path, text: str, encoding: str) -> None:
    """A file with several hard links is rewritten in place, so that every
    link sees the new text (a rename would leave the others on the old
    one). The text is encoded first, so nothing is written when it cannot
    be; the write itself is not atomic."""
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError as exc:
        raise OutputError(
            f"{p}: cannot encode character {text[exc.start]!r} in {exc.encoding}; nothing written"
        ) from None
    try:
        with open(p, "r+b") as fh:
            fh.write(data)
            fh.truncate()
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise OutputError(f"{p}: cannot write ({exc.strerror})") from None


def _same_mode_and_owner(tmp: str, st: os.stat_result | None) -> None:
    """The replacement keeps the replaced file's mode and owner; a new file
    gets the mode the umask gives, as ``open`` would (mkstemp makes 0600)."""
    if st is None:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        return
    os.chmod(tmp, st.st_mode & 0o7777)
    if hasattr(os, "chown") and (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
        try:
            os.chown(tmp, st.st_uid, st.st_gid)
        except PermissionError:
            pass  # only root may give a file away; the mode is still kept


def _write_stream(p: Path, text: str, encoding: str) -> None:
    try:
        with open(p, "w", encoding=encoding, newline="") as fh:
            fh.write(text)
    except OSError as exc:
        raise OutputError(f"{p}: cannot write ({exc.strerror})") from None
    except UnicodeEncodeError as exc:
        raise OutputError(f"{p}: cannot encode character {text[exc.start]!r} in {exc.encoding}") from None


@dataclass(frozen=True)
class LineSpan:
    """Where ``[start, end)`` lies: 1-based first and last line, and the
    columns of its first character and one past its last."""

    line: int
    end_line: int
    column: int
    end_column: int


class LineIndex:
    """Character offset -> 1-based line and column, by binary search over
    the offsets where lines start (one list per text, built once)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def __len__(self) -> int:
        return len(self.starts)

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def column(self, offset: int) -> int:
        return offset - self.starts[self.line(offset) - 1] + 1

    def span(self, start: int, end: int) -> LineSpan:
        last = max(start, end - 1)
        end_column = self.column(last) + 1 if end > start else self.column(start)
        return LineSpan(self.line(start), self.line(last), self.column(start), end_column)
