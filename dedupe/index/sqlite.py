"""The SQLite store: one file, WAL journal, one transaction per write (layout in
:mod:`dedupe.index.storage`)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

import numpy as np

from dedupe.errors import DedupeError, IndexFormatError, InputError, OutputError
from dedupe.index.record import LOOKUP_CAP, DocumentRecord, Postings

# SQLite allows 999 bound parameters in old builds; stay below it.
_CHUNK = 900
# SQLite joins at most 500 SELECTs into one statement; two parameters each.
_COMPOUND = 400
# Seconds a writer waits for another process's transaction to finish.
_BUSY_TIMEOUT_MS = 60_000


def _signed(key: int) -> int:
    """A uint64 band key as SQLite's signed 64-bit INTEGER."""
    return key - (1 << 64) if key >= 1 << 63 else key


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    num INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL,
    length INTEGER NOT NULL,
    lines INTEGER NOT NULL,
    units BLOB NOT NULL,
    unit_offsets BLOB NOT NULL,
    unit_shingles BLOB NOT NULL,
    unit_bands BLOB NOT NULL,
    shingles BLOB NOT NULL,
    bands BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_hash ON documents (hash);
CREATE TABLE IF NOT EXISTS postings (
    key INTEGER NOT NULL,
    doc INTEGER NOT NULL,
    unit INTEGER NOT NULL,
    PRIMARY KEY (key, doc, unit)
) WITHOUT ROWID;
"""

_TABLES = ("meta", "documents", "postings")
_BLOB_COLUMNS = ("units", "unit_offsets", "unit_shingles", "unit_bands", "shingles", "bands")


class SQLiteStorage:
    """An index in one SQLite file.

    Every write is one ``BEGIN IMMEDIATE`` transaction, so a crash
    mid-write rolls back on the next open, and the WAL journal plus a busy
    timeout let several processes add at once (writers take turns, readers
    never wait).
    """

    format_version = 1

    def __init__(self, path: str | os.PathLike, create: bool = True, read_only: bool = False) -> None:
        p = Path(path)
        self.location = str(p)
        if p.is_dir():
            raise InputError(f"{p}: is a directory, not an index file")
        if not p.exists():
            if not create:
                raise InputError(f"{p}: no such index (create it with 'dedupe index add --db {p} FILES')")
            folder = p.parent if str(p.parent) else Path(".")
            if not folder.is_dir():
                raise OutputError(f"{folder}: no such folder for the index")
        if read_only:
            self._open_read_only(p)
            return
        try:
            self._conn = sqlite3.connect(
                str(p), timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
            )
            self._conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            self._check_tables(p, missing_ok=True)
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")
            # Postings arrive in random key order: a larger page cache keeps
            # their B-tree in memory while a batch is written.
            self._conn.execute("PRAGMA cache_size = -131072")
            with self._write():
                # One statement at a time: executescript() would commit
                # the transaction that makes creation race-free.
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self._conn.execute(statement)
        except sqlite3.OperationalError as exc:
            raise OutputError(f"{p}: cannot open the index for writing ({exc})") from None
        except sqlite3.DatabaseError as exc:
            raise IndexFormatError(f"{p}: not a dedupe index ({exc})") from None

    def _open_read_only(self, p: Path) -> None:
        """A query or ``info`` never changes the file: no schema, no
        journal mode, so a read-only file or folder works too."""
        if not p.exists():
            raise InputError(f"{p}: no such index (create it with 'dedupe index add --db {p} FILES')")
        try:
            try:
                self._connect_read_only(p, "mode=ro")
            except sqlite3.OperationalError:
                # A WAL index in a folder we cannot write has no shared-memory
                # file to open; read it as an unchanging file instead.
                self._connect_read_only(p, "mode=ro&immutable=1")
        except sqlite3.DatabaseError as exc:
            raise IndexFormatError(f"{p}: not a dedupe index ({exc})") from None

    def _connect_read_only(self, p: Path, query: str) -> None:
        self._conn = sqlite3.connect(f"{p.resolve().as_uri()}?{query}", uri=True,
                                     timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                     check_same_thread=False)
        self._conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        self._check_tables(p, missing_ok=False)

    def _check_tables(self, p: Path, missing_ok: bool) -> None:
        """Refuse another application's database, and an index that lost a
        table, rather than creating tables in it."""
        have = {name for (name,) in self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not have and missing_ok:
            return  # a new index
        if not have:
            raise IndexFormatError(f"{p}: empty or unfinished index")
        if "meta" not in have:
            raise IndexFormatError(f"{p}: not a dedupe index (it holds other tables: {', '.join(sorted(have))})")
        lost = [t for t in _TABLES if t not in have]
        if lost:
            raise IndexFormatError(f"{p}: damaged index (table {lost[0]} is missing)")

    # -- transactions -------------------------------------------------

    def _write(self) -> "_Transaction":
        return _Transaction(self._conn, self.location)

    @contextmanager
    def _reading(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise named_error(exc, self.location, writing=False) from None

    # -- metadata -----------------------------------------------------

    def read_meta(self) -> dict[str, str]:
        with self._reading():
            rows = self._conn.execute("SELECT key, value FROM meta").fetchall()
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in rows):
            raise IndexFormatError(f"{self.location}: index metadata is damaged (a key or value is not text)")
        return dict(rows)

    def init_meta(self, meta: dict[str, str]) -> dict[str, str]:
        """Write ``meta`` unless the index already has metadata, and return
        what the index holds (two processes creating one index agree)."""
        with self._write():
            current = self.read_meta()
            if not current:
                self._conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", sorted(meta.items()))
                current = dict(meta)
        return current

    # -- documents ----------------------------------------------------

    def put_many(self, records: Iterable[DocumentRecord]) -> int:
        """Store ``records`` in one transaction; each replaces its id."""
        n = 0
        # The postings of the whole batch go in at the end, in key order:
        # their keys are hashes, and inserted a document at a time they
        # landed all over the table's B-tree, a cost that grew with the
        # index (5,000 pages took 14.8 s, 3 ms a page, against 1.6 ms a
        # page for the first 500).
        pending: dict[int, np.ndarray] = {}
        with self._write():
            for rec in records:
                replaced = self._delete(rec.id)
                if replaced is not None:
                    pending.pop(replaced, None)  # an id twice in the batch: the first is gone
                blobs = rec.blobs()
                cur = self._conn.execute(
                    "INSERT INTO documents (id, hash, length, lines, "
                    + ", ".join(_BLOB_COLUMNS)
                    + ") VALUES (?, ?, ?, ?, "
                    + ", ".join("?" * len(_BLOB_COLUMNS))
                    + ")",
                    (rec.id, rec.content_hash, rec.length, rec.lines, *(blobs[c] for c in _BLOB_COLUMNS)),
                )
                pending[cast(int, cur.lastrowid)] = rec.posting_array()
                n += 1
            self._insert_postings(pending)
        return n

    def _insert_postings(self, pending: dict[int, np.ndarray]) -> None:
        """The postings of documents ``num -> posting_array()``, in key order."""
        if not pending:
            return
        key = np.concatenate([p["key"].astype("<u8").view("<i8") for p in pending.values()])
        doc = np.concatenate([np.full(p.size, num, dtype=np.int64) for num, p in pending.items()])
        unit = np.concatenate([p["unit"].astype(np.int64) for p in pending.values()])
        order = np.lexsort((unit, doc, key))
        self._conn.executemany("INSERT OR IGNORE INTO postings (key, doc, unit) VALUES (?, ?, ?)",
                               zip(key[order].tolist(), doc[order].tolist(), unit[order].tolist()))

    def _delete(self, doc_id: str) -> int | None:
        """Delete ``doc_id`` and its postings; the number it had, or None
        when it was not there."""
        row = self._conn.execute("SELECT num, bands, unit_bands FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            return None
        num, bands, unit_bands = row
        try:
            keys = {_signed(k) for k in np.frombuffer(bands, "<u8").tolist()}
            keys.update(_signed(k) for k in np.frombuffer(unit_bands, "<u8").tolist())
        except (TypeError, ValueError):
            # A damaged entry's band keys cannot be read: its postings are
            # found by a scan of the table, so that replacing or removing
            # the entry repairs the index.
            self._conn.execute("DELETE FROM postings WHERE doc = ?", (num,))
        else:
            # Deleting by (key, doc) uses the postings' primary key: no
            # second index on ``doc`` is needed.
            self._conn.executemany("DELETE FROM postings WHERE key = ? AND doc = ?",
                                   ((k, num) for k in sorted(keys)))
        self._conn.execute("DELETE FROM documents WHERE num = ?", (num,))
        return int(num)

    def remove(self, doc_id: str) -> bool:
        with self._write():
            return self._delete(doc_id) is not None

    def get_many(self, ids: Iterable[str]) -> dict[str, DocumentRecord]:
        out: dict[str, DocumentRecord] = {}
        with self._reading():
            rows = list(self._documents_where("id, hash, length, lines, " + ", ".join(_BLOB_COLUMNS), "id", ids))
        for row in rows:
            out[row[0]] = DocumentRecord.from_blobs(
                row[0], row[1], row[2], row[3], dict(zip(_BLOB_COLUMNS, row[4:])), self.location
            )
        return out

    def _documents_where(self, columns: str, column: str, values: Iterable[object]) -> Iterator[tuple]:
        """``columns`` of the documents whose ``column`` is one of
        ``values``, asked for in chunks of bound parameters."""
        values = list(dict.fromkeys(values))
        for i in range(0, len(values), _CHUNK):
            chunk = values[i : i + _CHUNK]
            yield from self._conn.execute(
                f"SELECT {columns} FROM documents WHERE {column} IN ({', '.join('?' * len(chunk))})", chunk)

    def lookup(self, keys: Iterable[int], cap: int = LOOKUP_CAP) -> Postings:
        """The postings under ``keys``, at most ``cap`` per key (the oldest
        documents')."""
        keys = sorted({_signed(k) for k in keys})
        # Each key reads its first ``cap`` postings in the primary key's
        # order and stops. Numbering every posting of the keys and keeping
        # the first ``cap`` of each read them all: a footer on every page
        # of a 5,000-page index has 5,000 under each of its keys, and a
        # query of one page took 0.19 s. The postings' own table answers
        # (its primary key covers the columns); the ids of their documents
        # are read once each, after: joining every posting to its document
        # made reading them twice as slow.
        one = "SELECT * FROM (SELECT key, doc, unit FROM postings WHERE key = ? ORDER BY doc, unit LIMIT ?)"
        rows: list[tuple] = []
        # One read transaction (or the snapshot's), so that every read sees
        # the same state.
        with self._reading():
            own = not self._conn.in_transaction
            if own:
                self._conn.execute("BEGIN")
            try:
                for i in range(0, len(keys), _COMPOUND):
                    chunk = keys[i : i + _COMPOUND]
                    rows += self._conn.execute(" UNION ALL ".join([one] * len(chunk)),
                                               [x for k in chunk for x in (k, cap)]).fetchall()
                found = np.array(rows, dtype=None if rows else np.int64).reshape(-1, 3)
                if found.dtype.kind != "i":
                    raise IndexFormatError(f"{self.location}: damaged index (a posting holds something other "
                                           "than whole numbers); rebuild it")
                id_of = self._ids_of(np.unique(found[:, 1]).tolist())
            finally:
                if own and self._conn.in_transaction:  # an error may have ended it
                    self._conn.execute("COMMIT")
        return Postings.numbered(found[:, 0], found[:, 1], found[:, 2], id_of)

    @contextmanager
    def snapshot(self) -> Iterator[bool]:
        """Reads inside see the index as it was when the snapshot began
        (one read transaction; writers go on): lookups may be shared."""
        with self._reading():
            self._conn.execute("BEGIN")
        try:
            yield True
        finally:
            with self._reading():
                if self._conn.in_transaction:
                    self._conn.execute("COMMIT")

    def _ids_of(self, nums: list[int]) -> dict[int, str]:
        """The id of each document number that is stored."""
        id_of: dict[int, str] = dict(self._documents_where("num, id", "num", nums))
        if not all(type(i) is str for i in id_of.values()):
            raise IndexFormatError(f"{self.location}: damaged index (a document id that is not text); rebuild it")
        return id_of

    def hashes(self, ids: Iterable[str]) -> dict[str, str]:
        """The content hash of each of ``ids`` that is stored."""
        with self._reading():
            return dict(self._documents_where("id, hash", "id", ids))

    def ids_with_hash(self, content_hash: str) -> list[str]:
        with self._reading():
            rows = self._conn.execute("SELECT id FROM documents WHERE hash = ? ORDER BY id", (content_hash,))
            return [r[0] for r in rows]

    def ids(self) -> list[str]:
        with self._reading():
            return [r[0] for r in self._conn.execute("SELECT id FROM documents ORDER BY id")]

    def count(self) -> int:
        with self._reading():
            return int(self._conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def contains(self, doc_id: str) -> bool:
        with self._reading():
            return self._conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None

    def close(self) -> None:
        self._conn.close()


#: Words of SQLite's messages for what the machine refuses (space, locks,
#: permissions, the disk) rather than what the file holds.
_ENVIRONMENT = ("full", "locked", "busy", "readonly", "read-only", "I/O error", "unable to open",
                "interrupted")


def named_error(exc: sqlite3.Error, location: str, writing: bool) -> DedupeError:
    """A SQLite error as the named error it is for the user: the machine
    refused (a full disk, a lock, permissions) or the file is damaged."""
    msg = str(exc)
    if isinstance(exc, sqlite3.OperationalError) and any(w in msg for w in _ENVIRONMENT):
        if writing:
            return OutputError(f"{location}: cannot write to the index ({msg}); this change was rolled back")
        return InputError(f"{location}: cannot read the index ({msg})")
    return IndexFormatError(f"{location}: damaged index ({msg}); rebuild it")


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, or ``ROLLBACK`` on any exception;
    a SQLite error comes out as a named one (:func:`named_error`).

    IMMEDIATE takes the write lock up front, so two writers queue on the
    busy timeout instead of failing with a deadlock when both upgrade.
    """

    def __init__(self, conn: sqlite3.Connection, location: str) -> None:
        self._conn = conn
        self._location = location

    def __enter__(self) -> None:
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise OutputError(f"{self._location}: cannot write to the index ({exc})") from None

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            try:
                self._conn.execute("COMMIT")
                return
            except sqlite3.Error as err:
                exc = err
        self._rollback()
        if isinstance(exc, sqlite3.Error):
            raise named_error(exc, self._location, writing=True) from None

    def _rollback(self) -> None:
        # A full disk or an I/O error may have rolled the transaction back
        # already: a second ROLLBACK would fail and hide the reason.
        if self._conn.in_transaction:
            try:
                self._conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # the journal is rolled back when the file is next opened
