"""Where a persistent index keeps its documents: SQLite (:mod:`dedupe.index.sqlite`)
or Redis (:mod:`dedupe.index.redis`), chosen by :func:`open_storage`.

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
    {p}doc:{id}         hash   the record's fields, and ``num``, the document's number
    {p}ids              hash   document number -> id
    {p}next             string the last document number given out
    {p}hash:{hex}       set    ids of documents with this content hash
    {p}bands:{k[:2]}    hash   postings: field ``k[2:]`` (``k`` the band key, 8
                               bytes big-endian), value the concatenated
                               ``unit + document number`` (4 bytes LE each),
                               or empty when they moved to ``{p}spill:{k}``
    {p}spill:{k}        zset   the postings of a band key whose list outgrew
                               64 bytes, scored in the order they were added

Each backend records the version of its layout in the metadata
(``format_version``: 1 for SQLite; 2 for Redis, whose version 1 kept
every list in its bucket, with ids instead of numbers) and refuses an
index of another.

A Redis write is one MULTI/EXEC transaction guarded by WATCH on the
document's key, retried when another client changed it in between; the
postings travel as one blob applied by a small server-side script.
"""

from __future__ import annotations

import os

from dedupe.errors import InputError
from dedupe.index.record import DOCUMENT_UNIT, UNIT_DTYPE, DocumentRecord, Storage
from dedupe.index.redis import RedisStorage
from dedupe.index.sqlite import SQLiteStorage

__all__ = ["DOCUMENT_UNIT", "UNIT_DTYPE", "DocumentRecord", "RedisStorage", "SQLiteStorage", "Storage", "open_storage"]


def open_storage(path_or_url: str | os.PathLike, create: bool = True,
                 read_only: bool = False) -> SQLiteStorage | RedisStorage:
    """The backend for a file path (SQLite) or a ``redis://``, ``rediss://``
    or ``unix://`` URL (Redis). ``read_only`` opens a SQLite file so that
    it is never changed (Redis reads never write)."""
    s = os.fspath(path_or_url)
    scheme = s.split("://", 1)[0].lower() if "://" in s else ""
    if scheme in ("redis", "rediss", "unix"):
        return RedisStorage(s, create=create)
    if scheme in ("sqlite", "file"):
        s = s.split("://", 1)[1]
    elif scheme:
        raise InputError(f"{s}: unknown index location (use a file path or a redis:// URL)")
    return SQLiteStorage(s, create=create, read_only=read_only)
