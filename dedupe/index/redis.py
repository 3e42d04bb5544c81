"""The Redis store: MULTI/EXEC transactions guarded by WATCH, postings applied
by a server-side script (layout in :mod:`dedupe.index.storage`)."""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np

from dedupe.errors import IndexFormatError, InputError, MissingExtraError, OutputError
from dedupe.index.record import LOOKUP_CAP, DocumentRecord, Postings

_RETRIES = 50

# Postings live in hashes, not in a Redis key per band key (whose fixed
# cost made the index about 60 times the size of the text): the first two
# bytes of a band key name the bucket, the other six are the field, and
# the value is the concatenation of its postings, each 8 bytes: the unit
# and the document's number (4 bytes each, little-endian). A number, not
# the id: ids of a docs site run to 30-40 bytes, and a posting that held
# one made the postings of 5,000 pages 250 MB of Redis memory.
#
# A list grows with every document that shares the key (a footer on every
# page), and a Lua string is rewritten whole to change it: 5,000 such pages
# cost 102 s, 11.6 times 1,000 pages. So a list longer than SPILL_BYTES
# moves to a sorted set of its own, scored in the order the postings came,
# whose adds and removals cost log n; its field in the bucket is then
# empty (an inline list never is). 64 bytes is the longest value Redis
# keeps a hash compact for (hash-max-listpack-value): buckets holding
# longer lists took 1.7 times the memory.
#
# Thousands of postings per document travel as one blob of 12-byte records
# (8-byte band key, 4-byte unit) and are applied by one server-side script
# inside the MULTI/EXEC of a write.
SPILL_BYTES = 64
_APPLY_POSTINGS = """
local prefix, spill, member, cmd, blob = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local limit = tonumber(ARGV[6])
local function find(cur, rec)
  -- The plain search runs at C speed; a hit must start a posting.
  local j = string.find(cur, rec, 1, true)
  while j and (j - 1) % 8 ~= 0 do j = string.find(cur, rec, j + 1, true) end
  return j
end
local function spill_to(key, cur)
  for j = 1, #cur, 8 do redis.call('ZADD', key, (j + 7) / 8, string.sub(cur, j, j + 7)) end
  return #cur / 8
end
for i = 1, #blob, 12 do
  local bucket = prefix .. string.sub(blob, i, i + 1)
  local field = string.sub(blob, i + 2, i + 7)
  local rec = string.sub(blob, i + 8, i + 11) .. member
  local cur = redis.call('HGET', bucket, field)
  if cur == '' then
    local key = spill .. string.sub(blob, i, i + 7)
    if cmd == 'add' then
      local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
      redis.call('ZADD', key, 'NX', (tonumber(last[2]) or 0) + 1, rec)
    else
      redis.call('ZREM', key, rec)
      if redis.call('EXISTS', key) == 0 then redis.call('HDEL', bucket, field) end
    end
  elseif cmd == 'add' then
    if not cur then
      redis.call('HSET', bucket, field, rec)
    elseif not find(cur, rec) then
      if #cur + #rec > limit then
        local key = spill .. string.sub(blob, i, i + 7)
        redis.call('ZADD', key, spill_to(key, cur) + 1, rec)
        redis.call('HSET', bucket, field, '')
      else
        redis.call('HSET', bucket, field, cur .. rec)
      end
    end
  elseif cur then
    local j = find(cur, rec)
    if j then
      local rest = string.sub(cur, 1, j - 1) .. string.sub(cur, j + 8)
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
# flat list of (key, postings) pairs out, each cut to its first ARGV[4]
# postings (a key shared by thousands of documents costs a bounded read).
_LOOKUP = """
local prefix, spill, blob, cap, out = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), {}
for i = 1, #blob, 8 do
  local v = redis.call('HGET', prefix .. string.sub(blob, i, i + 1), string.sub(blob, i + 2, i + 7))
  if v == '' then
    v = table.concat(redis.call('ZRANGE', spill .. string.sub(blob, i, i + 7), 0, cap - 1))
  elseif v then
    v = string.sub(v, 1, 8 * cap)
  end
  if v then
    out[#out + 1] = string.sub(blob, i, i + 7)
    out[#out + 1] = v
  end
end
return out
"""
#: One posting as stored: the unit, and the number of its document.
_POSTING = np.dtype([("unit", "<i4"), ("num", "<u4")])
_NUM = struct.Struct("<I")
#: Words of Redis errors that mean a key holds something other than what
#: this layout put there (a Lua error is the scripts meeting such a value).
_DAMAGE = ("WRONGTYPE", "attempt to perform arithmetic", "attempt to compare", "attempt to concatenate")


def parse_postings(key: int, value: bytes, location: str = "index") -> np.ndarray:
    """The postings of one band key (:data:`_POSTING` records), refused
    whole when the list does not parse (cut short)."""
    if len(value) % _POSTING.itemsize:
        raise IndexFormatError(f"{location}: damaged index (postings of band key {key:016x}: "
                               f"{len(value)} bytes, not whole postings); rebuild the index")
    return np.frombuffer(value, dtype=_POSTING)


def _from_hash(doc_id: str, raw: dict[bytes, bytes], location: str) -> tuple[DocumentRecord, int]:
    """The record kept under ``doc_id``, and its document number."""
    try:
        f = {k.decode(): v for k, v in raw.items()}
        fields = (f["hash"].decode(), int(f["length"]), int(f["lines"]))
        num = int(f["num"])
        if not 0 < num <= 0xFFFFFFFF:
            raise ValueError(f"document number {num}")
    except (KeyError, ValueError) as exc:
        # A missing or unreadable field is refused as from_blobs refuses the rest.
        reason = f"no field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise IndexFormatError(f"{location}: index entry {doc_id!r} is damaged ({reason}); rebuild the index") from None
    return DocumentRecord.from_blobs(doc_id, *fields, f, location), num


class RedisStorage:
    """An index in a Redis database that a team shares."""

    #: 2 since postings name documents by number and long posting lists
    #: moved to sorted sets (version 1 kept ids, and every list in its
    #: bucket: its reader would misread both).
    format_version = 2

    def __init__(self, url: str, create: bool = True) -> None:
        try:
            import redis
        except ImportError:
            raise MissingExtraError("Redis index", "redis", "redis") from None
        self._redis_errors = (redis.RedisError,)
        self._watch_error = redis.WatchError
        try:
            parts = urlsplit(url)
        except ValueError as exc:  # an unclosed [IPv6 address
            raise InputError(f"{url}: not a Redis URL ({exc})") from None
        query = parse_qsl(parts.query, keep_blank_values=True)
        prefix = "dedupe:"
        rest = []
        for k, v in query:
            if k == "prefix":
                prefix = v if v.endswith(":") else v + ":"
            else:
                rest.append((k, v))
        client_url = urlunsplit(parts._replace(query=urlencode(rest)))
        if not parts.netloc and client_url.startswith(f"{parts.scheme}:") and "://" not in client_url:
            # urlunsplit drops the // of unix:///path/to.sock, which the
            # client then refuses.
            client_url = f"{parts.scheme}://{client_url[len(parts.scheme) + 1:]}"
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

    def _spill_prefix(self) -> bytes:
        return self._k("spill", b"")

    def _apply(self, pipe, cmd: str, rec: DocumentRecord, num: int) -> None:
        pipe.eval(_APPLY_POSTINGS, 0, self._band_prefix(), self._spill_prefix(), _NUM.pack(num), cmd,
                  rec.posting_array().tobytes(), SPILL_BYTES)

    def _call(self, fn, *args):
        try:
            return fn(*args)
        except self._redis_errors as exc:
            msg = str(exc)
            if any(w in msg for w in _DAMAGE):
                raise IndexFormatError(f"{self.location}: damaged index ({msg}); rebuild the index") from None
            raise OutputError(f"{self.location}: Redis error ({msg})") from None

    def _text(self, raw: bytes, what: str) -> str:
        try:
            return raw.decode()
        except UnicodeDecodeError:
            raise IndexFormatError(f"{self.location}: damaged index ({what} {raw[:40]!r} is not UTF-8); "
                                   "rebuild the index") from None

    def read_meta(self) -> dict[str, str]:
        raw = self._call(self._r.hgetall, self._k("meta"))
        return {self._text(k, "a metadata key"): self._text(v, "a metadata value") for k, v in raw.items()}

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

    def _fetch(self, pipe_or_client, doc_id: str) -> tuple[DocumentRecord, int] | None:
        raw = pipe_or_client.hgetall(self._k("doc", doc_id))
        return _from_hash(doc_id, raw, self.location) if raw else None

    def _queue_delete(self, pipe, old: DocumentRecord, num: int) -> None:
        member_id = old.id.encode()
        self._apply(pipe, "del", old, num)
        pipe.srem(self._k("hash", old.content_hash), member_id)
        pipe.delete(self._k("doc", old.id))
        pipe.srem(self._k("docs"), member_id)
        pipe.hdel(self._k("ids"), num)

    def _put(self, rec: DocumentRecord) -> None:
        doc_key = self._k("doc", rec.id)
        member_id = rec.id.encode()
        for _ in range(_RETRIES):
            with self._r.pipeline(transaction=True) as pipe:
                try:
                    pipe.watch(doc_key)
                    old = self._fetch(pipe, rec.id)
                    # A replaced document keeps its number; a new one takes
                    # the next (one lost if the transaction is retried).
                    num = old[1] if old is not None else int(pipe.incr(self._k("next")))
                    if num > 0xFFFFFFFF:
                        raise InputError(f"{self.location}: the index has numbered 2**32 documents; rebuild it")
                    pipe.multi()
                    if old is not None:
                        self._queue_delete(pipe, *old)
                    fields: dict[str, bytes | str | int] = dict(rec.blobs())
                    fields.update(hash=rec.content_hash, length=rec.length, lines=rec.lines, num=num)
                    pipe.hset(doc_key, mapping=fields)  # type: ignore[arg-type]
                    pipe.sadd(self._k("docs"), member_id)
                    pipe.sadd(self._k("hash", rec.content_hash), member_id)
                    pipe.hset(self._k("ids"), num, member_id)
                    self._apply(pipe, "add", rec, num)
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
                        self._queue_delete(pipe, *old)
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
            out[doc_id] = _from_hash(doc_id, raw, self.location)[0]
        return out

    @contextmanager
    def snapshot(self) -> Iterator[bool]:
        """Redis reads see each write as it lands: nothing is shared."""
        yield False

    def lookup(self, keys: Iterable[int], cap: int = LOOKUP_CAP) -> Postings:
        blob = np.array(sorted(set(keys)), dtype=">u8").tobytes()
        flat = self._call(self._r.eval, _LOOKUP, 0, self._band_prefix(), self._spill_prefix(), blob, cap)
        lists = [parse_postings(int.from_bytes(key, "big"), value, self.location) for key, value in
                 zip(flat[0::2], flat[1::2])]
        found = np.concatenate(lists) if lists else np.zeros(0, dtype=_POSTING)
        key_of = np.repeat(np.frombuffer(b"".join(flat[0::2]), dtype=">u8"), [p.size for p in lists])
        nums = np.unique(found["num"]).tolist()
        names = self._call(self._r.hmget, self._k("ids"), nums) if nums else []
        id_of = {n: self._text(i, "an id") for n, i in zip(nums, names) if i is not None}
        return Postings.numbered(key_of, found["num"].astype(np.int64), found["unit"], id_of)

    def hashes(self, ids: Iterable[str]) -> dict[str, str]:
        """The content hash of each of ``ids`` that is stored."""
        ids = sorted(set(ids))
        pipe = self._r.pipeline(transaction=False)
        for i in ids:
            pipe.hget(self._k("doc", i), "hash")
        found = self._call(pipe.execute)
        return {i: self._text(h, "a content hash") for i, h in zip(ids, found) if h is not None}

    def ids_with_hash(self, content_hash: str) -> list[str]:
        return sorted(self._text(m, "an id") for m in self._call(self._r.smembers, self._k("hash", content_hash)))

    def ids(self) -> list[str]:
        return sorted(self._text(m, "an id") for m in self._call(self._r.smembers, self._k("docs")))

    def count(self) -> int:
        return int(self._call(self._r.scard, self._k("docs")))

    def contains(self, doc_id: str) -> bool:
        return bool(self._call(self._r.sismember, self._k("docs"), doc_id.encode()))

    def close(self) -> None:
        self._r.close()
