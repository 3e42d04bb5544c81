"""Where a persistent index keeps its documents: SQLite or Redis.

A backend stores three things and knows nothing about shingling:

- **metadata**: a small ``str -> str`` map written once when the index is
  created (format version, shingling options, LSH banding);
- **documents**: one :class:`DocumentRecord` per document id, its arrays
  kept as little-endian bytes;
- **postings**: LSH band key -> ``(document id, unit)``, the lookup table
  that turns a query's band keys into candidate documents and passages
  (``unit`` is :data:`DOCUMENT_UNIT` for the whole document's bands).

Writing a document replaces any document with the same id, atomically:
readers and other writers see the old document or the new one, never a
mixture, and a process killed half-way leaves the index as it was.

SQLite layout (one file, WAL journal)::

    meta(key TEXT PRIMARY KEY, value TEXT)
    documents(num INTEGER PRIMARY KEY, id TEXT UNIQUE, hash TEXT, length, lines,
              units BLOB, unit_offsets BLOB, unit_shingles BLOB, unit_bands BLOB,
              shingles BLOB, bands BLOB)
    postings(key INTEGER, doc INTEGER, unit INTEGER, PRIMARY KEY (key, doc, unit))

Redis layout, every key under a prefix (``dedupe:`` unless the URL says
``?prefix=NAME``)::

    {p}meta             hash   the metadata
    {p}docs             set    document ids
    {p}doc:{id}         hash   the record's fields
    {p}hash:{hex}       set    ids of documents with this content hash
    {p}bands:{k[:2]}    hash   postings: field ``k[2:]`` (``k`` the band key, 8
                               bytes big-endian), value the concatenated
                               ``unit (4 bytes LE) + id length (2 bytes BE) + id``

A Redis write is one MULTI/EXEC transaction guarded by WATCH on the
document's key, retried when another client changed it in between; the
postings travel as one blob applied by a small server-side script.
"""

from __future__ import annotations

import os
import sqlite3
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np

from dedupe.errors import IndexFormatError, InputError, MissingExtraError, OutputError

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

# SQLite allows 999 bound parameters in old builds; stay below it.
_CHUNK = 900
# Seconds a writer waits for another process's transaction to finish.
_BUSY_TIMEOUT_MS = 60_000


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
        cls, id: str, content_hash: str, length: int, lines: int, blobs: dict[str, bytes]
    ) -> "DocumentRecord":
        try:
            units = np.frombuffer(blobs["units"], dtype=UNIT_DTYPE)
            bands = np.frombuffer(blobs["bands"], dtype="<u8")
            unit_bands = np.frombuffer(blobs["unit_bands"], dtype="<u8")
            n_bands = bands.size
            return cls(
                id=id,
                content_hash=content_hash,
                length=int(length),
                lines=int(lines),
                units=units,
                unit_offsets=np.frombuffer(blobs["unit_offsets"], dtype="<i8"),
                unit_shingles=np.frombuffer(blobs["unit_shingles"], dtype="<u8"),
                unit_bands=unit_bands.reshape(units.size, n_bands) if n_bands else unit_bands.reshape(units.size, 0),
                shingles=np.frombuffer(blobs["shingles"], dtype="<u8"),
                bands=bands,
            )
        except (KeyError, ValueError) as exc:
            raise IndexFormatError(f"index entry {id!r} is damaged ({exc})") from None


class Storage(Protocol):
    """What :class:`dedupe.Index` needs from a backend."""

    location: str

    def read_meta(self) -> dict[str, str]: ...
    def init_meta(self, meta: dict[str, str]) -> dict[str, str]: ...
    def put_many(self, records: Iterable[DocumentRecord]) -> int: ...
    def remove(self, doc_id: str) -> bool: ...
    def get_many(self, ids: Iterable[str]) -> dict[str, DocumentRecord]: ...
    def lookup(self, keys: Iterable[int], cap: int = ...) -> list[tuple[int, str, int]]: ...
    def ids_with_hash(self, content_hash: str) -> list[str]: ...
    def ids(self) -> list[str]: ...
    def count(self) -> int: ...
    def contains(self, doc_id: str) -> bool: ...
    def close(self) -> None: ...


def _signed(key: int) -> int:
    """A uint64 band key as SQLite's signed 64-bit INTEGER."""
    return key - (1 << 64) if key >= 1 << 63 else key


def _unsigned(key: int) -> int:
    return key + (1 << 64) if key < 0 else key


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

_BLOB_COLUMNS = ("units", "unit_offsets", "unit_shingles", "unit_bands", "shingles", "bands")


class SQLiteStorage:
    """An index in one SQLite file.

    Every write is one ``BEGIN IMMEDIATE`` transaction, so a crash
    mid-write rolls back on the next open, and the WAL journal plus a busy
    timeout let several processes add at once (writers take turns, readers
    never wait).
    """

    def __init__(self, path: str | os.PathLike, create: bool = True) -> None:
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
        try:
            self._conn = sqlite3.connect(
                str(p), timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
            )
            self._conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
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
        except sqlite3.DatabaseError as exc:
            raise IndexFormatError(f"{p}: not a dedupe index ({exc})") from None

    # -- transactions -------------------------------------------------

    def _write(self) -> "_Transaction":
        return _Transaction(self._conn, self.location)

    # -- metadata -----------------------------------------------------

    def read_meta(self) -> dict[str, str]:
        return dict(self._conn.execute("SELECT key, value FROM meta").fetchall())

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
        with self._write():
            for rec in records:
                self._delete(rec.id)
                blobs = rec.blobs()
                cur = self._conn.execute(
                    "INSERT INTO documents (id, hash, length, lines, "
                    + ", ".join(_BLOB_COLUMNS)
                    + ") VALUES (?, ?, ?, ?, "
                    + ", ".join("?" * len(_BLOB_COLUMNS))
                    + ")",
                    (rec.id, rec.content_hash, rec.length, rec.lines, *(blobs[c] for c in _BLOB_COLUMNS)),
                )
                num = cur.lastrowid
                post = rec.posting_array()
                self._conn.executemany(
                    "INSERT OR IGNORE INTO postings (key, doc, unit) VALUES (?, ?, ?)",
                    zip(post["key"].astype("<u8").view("<i8").tolist(), repeat(num), post["unit"].tolist()),
                )
                n += 1
        return n

    def _delete(self, doc_id: str) -> bool:
        row = self._conn.execute("SELECT num, bands, unit_bands FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            return False
        num, bands, unit_bands = row
        keys = {_signed(k) for k in np.frombuffer(bands, "<u8").tolist()}
        keys.update(_signed(k) for k in np.frombuffer(unit_bands, "<u8").tolist())
        # Deleting by (key, doc) uses the postings' primary key: no second
        # index on ``doc`` is needed.
        self._conn.executemany("DELETE FROM postings WHERE key = ? AND doc = ?", ((k, num) for k in sorted(keys)))
        self._conn.execute("DELETE FROM documents WHERE num = ?", (num,))
        return True

    def remove(self, doc_id: str) -> bool:
        with self._write():
            return self._delete(doc_id)

    def get_many(self, ids: Iterable[str]) -> dict[str, DocumentRecord]:
        ids = sorted(set(ids))
        out: dict[str, DocumentRecord] = {}
        cols = "id, hash, length, lines, " + ", ".join(_BLOB_COLUMNS)
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            rows = self._conn.execute(
                f"SELECT {cols} FROM documents WHERE id IN ({', '.join('?' * len(chunk))})", chunk
            ).fetchall()
            for row in rows:
                out[row[0]] = DocumentRecord.from_blobs(
                    row[0], row[1], row[2], row[3], dict(zip(_BLOB_COLUMNS, row[4:]))
                )
        return out

    def lookup(self, keys: Iterable[int], cap: int = LOOKUP_CAP) -> list[tuple[int, str, int]]:
        """``(key, document id, unit)`` for the postings under ``keys``, at
        most ``cap`` per key (the oldest documents')."""
        keys = sorted({_signed(k) for k in keys})
        out: list[tuple[int, str, int]] = []
        # One read transaction, so that every chunk sees the same snapshot.
        self._conn.execute("BEGIN")
        try:
            for i in range(0, len(keys), _CHUNK):
                chunk = keys[i : i + _CHUNK]
                rows = self._conn.execute(
                    "SELECT p.key, d.id, p.unit FROM ("
                    "  SELECT key, doc, unit, row_number() OVER (PARTITION BY key ORDER BY doc, unit) AS n"
                    f"  FROM postings WHERE key IN ({', '.join('?' * len(chunk))})"
                    ") p JOIN documents d ON d.num = p.doc WHERE p.n <= ?",
                    (*chunk, cap),
                ).fetchall()
                out.extend((_unsigned(k), d, u) for k, d, u in rows)
        finally:
            self._conn.execute("COMMIT")
        return out

    def ids_with_hash(self, content_hash: str) -> list[str]:
        rows = self._conn.execute("SELECT id FROM documents WHERE hash = ? ORDER BY id", (content_hash,))
        return [r[0] for r in rows]

    def ids(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT id FROM documents ORDER BY id")]

    def count(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def contains(self, doc_id: str) -> bool:
        return self._conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None

    def close(self) -> None:
        self._conn.close()


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, or ``ROLLBACK`` on any exception.

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
            except sqlite3.OperationalError as err:
                self._conn.execute("ROLLBACK")
                raise OutputError(f"{self._location}: cannot write to the index ({err})") from None
        elif self._conn.in_transaction:
            self._conn.execute("ROLLBACK")


# -- Redis ---------------------------------------------------------------

_UNIT = struct.Struct("<i")
_RETRIES = 50

# Postings live in hashes, not in a Redis key per band key (whose fixed
# cost made the index about 60 times the size of the text): the first two
# bytes of a band key name the bucket, the other six are the field, and
# the value is the concatenation of its postings, each ``unit (4 bytes,
# little-endian) + id length (2 bytes, big-endian) + id``.
#
# Thousands of postings per document travel as one blob of 12-byte records
# (8-byte band key, 4-byte unit) and are applied by one server-side script
# inside the MULTI/EXEC of a write.
_APPLY_POSTINGS = """
local prefix, member, cmd, blob = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local function find(cur, rec)
  local j = 1
  while j <= #cur do
    local stop = j + 5 + string.byte(cur, j + 4) * 256 + string.byte(cur, j + 5)
    if string.sub(cur, j, stop) == rec then return j, stop end
    j = stop + 1
  end
  return nil
end
for i = 1, #blob, 12 do
  local bucket = prefix .. string.sub(blob, i, i + 1)
  local field = string.sub(blob, i + 2, i + 7)
  local rec = string.sub(blob, i + 8, i + 11) .. member
  local cur = redis.call('HGET', bucket, field)
  if cmd == 'add' then
    if not cur then
      redis.call('HSET', bucket, field, rec)
    elseif not find(cur, rec) then
      redis.call('HSET', bucket, field, cur .. rec)
    end
  elseif cur then
    local a, b = find(cur, rec)
    if a then
      local rest = string.sub(cur, 1, a - 1) .. string.sub(cur, b + 1)
      if #rest == 0 then
        redis.call('HDEL', bucket, field)
      else
        redis.call('HSET', bucket, field, rest)
      end
    end
  end
end
return 1
"""
# The postings under many band keys at once: a blob of 8-byte keys in, a
# flat list of (key, postings) pairs out, each cut to its first ARGV[3]
# postings (a key shared by thousands of documents costs a bounded read).
_LOOKUP = """
local prefix, blob, cap, out = ARGV[1], ARGV[2], tonumber(ARGV[3]), {}
for i = 1, #blob, 8 do
  local v = redis.call('HGET', prefix .. string.sub(blob, i, i + 1), string.sub(blob, i + 2, i + 7))
  if v then
    local j, n = 1, 0
    while j <= #v and n < cap do
      j = j + 6 + string.byte(v, j + 4) * 256 + string.byte(v, j + 5)
      n = n + 1
    end
    out[#out + 1] = string.sub(blob, i, i + 7)
    out[#out + 1] = string.sub(v, 1, j - 1)
  end
end
return out
"""
_ID_LEN = struct.Struct(">H")


def _member(doc_id: str) -> bytes:
    raw = doc_id.encode()
    if len(raw) > 0xFFFF:
        raise InputError(f"document id of {len(raw):,} bytes is too long for a Redis index (64 KiB at most)")
    return _ID_LEN.pack(len(raw)) + raw


def _parse_postings(key: int, value: bytes) -> Iterator[tuple[int, str, int]]:
    j = 0
    while j < len(value):
        (unit,) = _UNIT.unpack_from(value, j)
        (n,) = _ID_LEN.unpack_from(value, j + 4)
        yield key, value[j + 6 : j + 6 + n].decode(), unit
        j += 6 + n


def _from_hash(doc_id: str, raw: dict[bytes, bytes]) -> DocumentRecord:
    f = {k.decode(): v for k, v in raw.items()}
    try:
        return DocumentRecord.from_blobs(doc_id, f["hash"].decode(), int(f["length"]), int(f["lines"]), f)
    except (KeyError, ValueError) as exc:
        raise IndexFormatError(f"index entry {doc_id!r} is damaged ({exc})") from None


class RedisStorage:
    """An index in a Redis database that a team shares."""

    def __init__(self, url: str, create: bool = True) -> None:
        try:
            import redis
        except ImportError:
            raise MissingExtraError("Redis index", "redis", "redis") from None
        self._redis_errors = (redis.RedisError,)
        self._watch_error = redis.WatchError
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        prefix = "dedupe:"
        rest = []
        for k, v in query:
            if k == "prefix":
                prefix = v if v.endswith(":") else v + ":"
            else:
                rest.append((k, v))
        client_url = urlunsplit(parts._replace(query=urlencode(rest)))
        self.location = url
        self._p = prefix.encode()
        try:
            self._r = redis.Redis.from_url(client_url)
            self._r.ping()
        except ValueError as exc:
            raise InputError(f"{url}: not a Redis URL ({exc})") from None
        except redis.RedisError as exc:
            raise InputError(f"{url}: cannot reach Redis ({exc})") from None
        if not create and not self._r.exists(self._k("meta")):
            raise InputError(f"{url}: no dedupe index under prefix {prefix!r}")

    def _k(self, *parts: str | bytes) -> bytes:
        out = self._p
        for i, part in enumerate(parts):
            b = part.encode() if isinstance(part, str) else part
            out += (b":" if i else b"") + b
        return out

    def _band_prefix(self) -> bytes:
        return self._k("bands", b"")

    def _call(self, fn, *args):
        try:
            return fn(*args)
        except self._redis_errors as exc:
            raise OutputError(f"{self.location}: Redis error ({exc})") from None

    def read_meta(self) -> dict[str, str]:
        raw = self._call(self._r.hgetall, self._k("meta"))
        return {k.decode(): v.decode() for k, v in raw.items()}

    def init_meta(self, meta: dict[str, str]) -> dict[str, str]:
        """Write ``meta`` in one transaction unless it exists (WATCH makes
        two clients creating one index agree on the first one's)."""
        key = self._k("meta")

        def run() -> None:
            for _ in range(_RETRIES):
                with self._r.pipeline(transaction=True) as pipe:
                    try:
                        pipe.watch(key)
                        if pipe.exists(key):
                            return
                        pipe.multi()
                        pipe.hset(key, mapping=dict(meta))  # type: ignore[arg-type]
                        pipe.execute()
                        return
                    except self._watch_error:
                        continue

        self._call(run)
        return self.read_meta()

    def _fetch(self, pipe_or_client, doc_id: str) -> DocumentRecord | None:
        raw = pipe_or_client.hgetall(self._k("doc", doc_id))
        return _from_hash(doc_id, raw) if raw else None

    def _queue_delete(self, pipe, old: DocumentRecord) -> None:
        member_id = old.id.encode()
        pipe.eval(_APPLY_POSTINGS, 0, self._band_prefix(), _member(old.id), "del", old.posting_array().tobytes())
        pipe.srem(self._k("hash", old.content_hash), member_id)
        pipe.delete(self._k("doc", old.id))
        pipe.srem(self._k("docs"), member_id)

    def _put(self, rec: DocumentRecord) -> None:
        doc_key = self._k("doc", rec.id)
        member_id = rec.id.encode()
        for _ in range(_RETRIES):
            with self._r.pipeline(transaction=True) as pipe:
                try:
                    pipe.watch(doc_key)
                    old = self._fetch(pipe, rec.id)
                    pipe.multi()
                    if old is not None:
                        self._queue_delete(pipe, old)
                    fields: dict[str, bytes | str | int] = dict(rec.blobs())
                    fields.update(hash=rec.content_hash, length=rec.length, lines=rec.lines)
                    pipe.hset(doc_key, mapping=fields)  # type: ignore[arg-type]
                    pipe.sadd(self._k("docs"), member_id)
                    pipe.sadd(self._k("hash", rec.content_hash), member_id)
                    pipe.eval(_APPLY_POSTINGS, 0, self._band_prefix(), _member(rec.id), "add",
                              rec.posting_array().tobytes())
                    pipe.execute()
                    return
                except self._watch_error:
                    continue
        raise OutputError(f"{self.location}: document {rec.id!r} kept changing; gave up writing it")

    def put_many(self, records: Iterable[DocumentRecord]) -> int:
        n = 0
        for rec in records:
            self._call(self._put, rec)
            n += 1
        return n

    def remove(self, doc_id: str) -> bool:
        doc_key = self._k("doc", doc_id)

        def run() -> bool:
            for _ in range(_RETRIES):
                with self._r.pipeline(transaction=True) as pipe:
                    try:
                        pipe.watch(doc_key)
                        old = self._fetch(pipe, doc_id)
                        if old is None:
                            return False
                        pipe.multi()
                        self._queue_delete(pipe, old)
                        pipe.execute()
                        return True
                    except self._watch_error:
                        continue
            raise OutputError(f"{self.location}: document {doc_id!r} kept changing; gave up removing it")

        return self._call(run)

    def get_many(self, ids: Iterable[str]) -> dict[str, DocumentRecord]:
        ids = sorted(set(ids))
        pipe = self._r.pipeline(transaction=False)
        for i in ids:
            pipe.hgetall(self._k("doc", i))
        raws = self._call(pipe.execute)
        out = {}
        for doc_id, raw in zip(ids, raws):
            if not raw:
                continue  # removed since its postings were read
            out[doc_id] = _from_hash(doc_id, raw)
        return out

    def lookup(self, keys: Iterable[int], cap: int = LOOKUP_CAP) -> list[tuple[int, str, int]]:
        blob = np.array(sorted(set(keys)), dtype=">u8").tobytes()
        flat = self._call(self._r.eval, _LOOKUP, 0, self._band_prefix(), blob, cap)
        out: list[tuple[int, str, int]] = []
        for key, value in zip(flat[0::2], flat[1::2]):
            out.extend(_parse_postings(int.from_bytes(key, "big"), value))
        return out

    def ids_with_hash(self, content_hash: str) -> list[str]:
        return sorted(m.decode() for m in self._call(self._r.smembers, self._k("hash", content_hash)))

    def ids(self) -> list[str]:
        return sorted(m.decode() for m in self._call(self._r.smembers, self._k("docs")))

    def count(self) -> int:
        return int(self._call(self._r.scard, self._k("docs")))

    def contains(self, doc_id: str) -> bool:
        return bool(self._call(self._r.sismember, self._k("docs"), doc_id.encode()))

    def close(self) -> None:
        self._r.close()


def open_storage(path_or_url: str | os.PathLike, create: bool = True) -> SQLiteStorage | RedisStorage:
    """The backend for a file path (SQLite) or a ``redis://``, ``rediss://``
    or ``unix://`` URL (Redis)."""
    s = os.fspath(path_or_url)
    scheme = s.split("://", 1)[0].lower() if "://" in s else ""
    if scheme in ("redis", "rediss", "unix"):
        return RedisStorage(s, create=create)
    if scheme in ("sqlite", "file"):
        s = s.split("://", 1)[1]
    elif scheme:
        raise InputError(f"{s}: unknown index location (use a file path or a redis:// URL)")
    return SQLiteStorage(s, create=create)
