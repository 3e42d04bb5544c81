"""Index storage backends on a real SQLite file and a real redis-server:
atomic replace, no orphaned postings, crashes and concurrent writers."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from dedupe.errors import IndexFormatError, InputError, MissingExtraError, OutputError
from dedupe.index.index import Index
from dedupe.index.storage import DOCUMENT_UNIT, RedisStorage, SQLiteStorage, open_storage

ROOT = Path(__file__).resolve().parents[2]
_WORDS = (
    "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november "
    "oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu"
).split()


def _texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        paras = [
            " ".join(
                " ".join(rng.choice(_WORDS) for _ in range(rng.randint(9, 14))).capitalize() + "."
                for _ in range(rng.randint(1, 3))
            )
            for _ in range(rng.randint(2, 5))
        ]
        out.append("\n\n".join(paras) + "\n")
    return out


@pytest.fixture(params=["sqlite", "redis", "redis-spilling"])
def location(request, tmp_path, monkeypatch):
    """Each store; ``redis-spilling`` moves every posting list of more
    than one posting to its sorted set, as a key on every page of a large
    site moves."""
    if request.param == "sqlite":
        return str(tmp_path / "i.db")
    if request.param == "redis-spilling":
        monkeypatch.setattr("dedupe.index.redis.SPILL_BYTES", 0)
    return request.getfixturevalue("redis_server")


def _postings_consistent(location: str) -> None:
    """Every posting belongs to a stored document and every stored
    document has all of its postings, no more."""
    storage = open_storage(location, create=False)
    try:
        records = storage.get_many(storage.ids())
        assert len(records) == storage.count()
        expected = {(int(k), doc, int(u)) for doc, r in records.items()
                    for k, u in zip(r.posting_array()["key"], r.posting_array()["unit"])}
        if isinstance(storage, SQLiteStorage):
            conn = sqlite3.connect(location)
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            rows = conn.execute(
                "SELECT p.key, d.id, p.unit FROM postings p LEFT JOIN documents d ON d.num = p.doc"
            ).fetchall()
            conn.close()
            got = {((k + (1 << 64)) % (1 << 64), d, u) for k, d, u in rows}
            assert len(rows) == len(got)
        else:
            import redis

            from dedupe.index.redis import parse_postings

            r = redis.Redis.from_url(location)
            id_of = {int(n): i.decode() for n, i in r.hgetall(b"dedupe:ids").items()}
            assert sorted(id_of.values()) == sorted(records)  # one number per stored document
            got = set()
            n_rows = 0
            spilled = set()
            for bucket in r.scan_iter(match=b"dedupe:bands:*"):
                high = bucket[len(b"dedupe:bands:"):]
                for field, value in r.hgetall(bucket).items():
                    key = high + field
                    if not value:  # moved to its sorted set
                        spilled.add(key)
                        value = b"".join(r.zrange(b"dedupe:spill:" + key, 0, -1))
                        assert value, "an emptied posting list must be deleted"
                    rows = [(int.from_bytes(key, "big"), id_of[n], u)
                            for u, n in parse_postings(int.from_bytes(key, "big"), value).tolist()]
                    n_rows += len(rows)
                    got.update(rows)
            assert {k[len(b"dedupe:spill:"):] for k in r.scan_iter(match=b"dedupe:spill:*")} == spilled
            r.close()
            assert n_rows == len(got)
        assert got == expected
    finally:
        storage.close()


def test_record_round_trip(location):
    text = _texts(1, 1)[0]
    with Index(location) as index:
        index.add("doc", text)
        want = index.query(text)
    storage = open_storage(location, create=False)
    rec = storage.get_many(["doc", "missing"])["doc"]
    storage.close()
    assert rec.length == len(text) and rec.lines == text.count("\n") + 1
    assert rec.units.size == rec.unit_bands.shape[0] == rec.unit_offsets.size - 1
    for i in range(rec.units.size):
        u = rec.unit_set(i)
        assert u.size and np.all(np.diff(u.astype(np.uint64)) > 0)  # sorted, no repeats
    assert np.array_equal(rec.shingles, np.unique(rec.shingles))
    assert want and want[0].duplicate_of.end == len(text)


def test_replacing_and_removing_leave_no_orphaned_postings(location):
    a, b, c = _texts(3, 2)
    with Index(location) as index:
        index.add("x", a)
        index.add("y", b)
        index.add("x", c)
        _postings_consistent(location)
        assert index.remove("y") is True
        _postings_consistent(location)
        assert index.remove("x") is True
        assert len(index) == 0
    _postings_consistent(location)


def test_an_id_twice_in_one_batch_keeps_the_last_and_no_orphaned_postings(location):
    """A batch's postings are written at its end, in key order: the
    postings of an entry the same batch replaced are never written."""
    a, b, c, d = _texts(4, 2)
    with Index(location) as index:
        assert index.add_many([("x", a), ("y", b), ("x", c), ("z", d), ("x", a)]) == 5
        assert sorted(index.ids()) == ["x", "y", "z"]
        _postings_consistent(location)
        assert [m.duplicate_of.id for m in index.query(a) if m.kind == "near-duplicate"] == ["x"]
        assert not [m for m in index.query(c) if m.duplicate_of.id == "x"]


@pytest.mark.parametrize("cap", [1, 3, 256])
def test_lookup_of_many_keys_is_each_keys_first_postings(location, cap):
    """More keys than one statement reads (several hundred) give, for
    each key, its ``cap`` postings of the oldest documents, as a lookup of
    that key alone does."""
    texts = _texts(30, 4)
    with Index(location) as index:
        index.add_many((f"d{i:02d}", texts[i % 12] + "\n\n" + texts[12 + i % 18]) for i in range(30))
    storage = open_storage(location, create=False)
    try:
        records = storage.get_many(storage.ids())
        keys = sorted({int(k) for r in records.values() for k in [*r.bands.tolist(), *r.unit_bands.ravel().tolist()]})
        assert len(keys) > 800
        alone = sorted(p for k in keys[::40] for p in storage.lookup([k], cap=cap).tuples())
        together = storage.lookup(keys, cap=cap).tuples()
        assert sorted(p for p in together if p[0] in set(keys[::40])) == alone
        per_key: dict[int, int] = {}
        for k, _, _ in together:
            per_key[k] = per_key.get(k, 0) + 1
        assert set(per_key) == set(keys) and max(per_key.values()) <= cap
        assert cap == 1 or max(per_key.values()) > 1
    finally:
        storage.close()


def test_lookup_finds_document_and_unit_postings(location):
    with Index(location) as index:
        index.add("d", _texts(1, 3)[0])
    storage = open_storage(location, create=False)
    rec = storage.get_many(["d"])["d"]
    hits = storage.lookup([int(rec.bands[0]), int(rec.unit_bands[0][0]), 12345]).tuples()
    storage.close()
    assert (int(rec.bands[0]), "d", DOCUMENT_UNIT) in hits
    assert (int(rec.unit_bands[0][0]), "d", 0) in hits
    assert all(k != 12345 for k, _, _ in hits)


def test_lookup_reads_at_most_cap_postings_per_key_oldest_first(location):
    """A document added again with another text is the newest; one added
    again unchanged is not written, and keeps its place."""
    shared, extra = _texts(2, 5)
    with Index(location) as index:
        for i in range(6):
            index.add(f"d{i}", shared)
        assert index.add_many([("d1", shared)]) == 0
        index.add("d0", shared + "\n" + extra)  # the first paragraph's band keys stay
    storage = open_storage(location, create=False)
    try:
        rec = storage.get_many(["d1"])["d1"]
        key = int(rec.unit_bands[0][0])
        assert sorted(d for _, d, _ in storage.lookup([key]).tuples()) == [f"d{i}" for i in range(6)]
        assert [d for _, d, _ in storage.lookup([key], cap=2).tuples()] == ["d1", "d2"]
    finally:
        storage.close()


def test_redis_keeps_a_long_posting_list_in_order_once_moved(redis_server):
    """A key on every page outgrows its bucket (at the real threshold) and
    moves to a sorted set: lookups still read the oldest postings first, a
    re-added page goes last, and removing every page leaves no key behind."""
    shared, extra = _texts(2, 6)
    names = [f"p{(i * 37) % 300:03d}" for i in range(300)]  # not in sorted order
    with Index(redis_server) as index:
        index.add_many((n, shared) for n in names)
        index.add(names[0], shared + "\n" + extra)  # changed: the first paragraph's keys stay
        storage = open_storage(redis_server, create=False)
        try:
            rec = storage.get_many([names[0]])[names[0]]
            key = int(rec.unit_bands[0][0])
            per_page = int((rec.unit_bands == rec.unit_bands[0][0]).sum())  # a one-sentence paragraph: 2

            def pages(cap):
                return [d for _, d, _ in storage.lookup([key], cap=cap * per_page).tuples()][::per_page]

            assert list(storage._r.scan_iter(match=b"dedupe:spill:*"))
            assert pages(3) == names[1:4]
            assert pages(300) == names[1:] + names[:1]
            _postings_consistent(redis_server)
            for n in names[:-1]:
                index.remove(n)
            assert pages(300) == names[-1:]
            index.remove(names[-1])
            assert not [*storage._r.scan_iter(match=b"dedupe:spill:*"), *storage._r.scan_iter(match=b"dedupe:bands:*")]
        finally:
            storage.close()


def test_first_metadata_wins(location):
    storage = open_storage(location)
    try:
        first = storage.init_meta({"format_version": "1", "ngram": "3"})
        second = storage.init_meta({"format_version": "1", "ngram": "5"})
    finally:
        storage.close()
    assert first == second == {"format_version": "1", "ngram": "3"}


def test_redis_prefixes_keep_indexes_apart(redis_server):
    text = _texts(1, 4)[0]
    with Index(redis_server + "?prefix=team-a") as a, Index(redis_server + "?prefix=team-b") as b:
        a.add("doc", text)
        assert len(a) == 1 and len(b) == 0
        assert b.query(text) == []
        assert a.query(text)


def test_unreachable_redis_is_a_clear_error():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(InputError, match="cannot reach Redis"):
        RedisStorage(f"redis://127.0.0.1:{port}/0")


def test_redis_index_must_exist_when_not_creating(redis_server):
    with pytest.raises(InputError, match="no dedupe index"):
        Index(redis_server, create=False)


def test_missing_redis_package_names_the_extra():
    code = (
        "import sys; sys.modules['redis'] = None\n"
        "from dedupe.index.storage import open_storage\n"
        "from dedupe.errors import MissingExtraError\n"
        "try:\n    open_storage('redis://127.0.0.1:1/0')\n"
        "except MissingExtraError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "Redis index needs the 'redis' package" in out.stdout
    assert "dedupe-text[redis]" in out.stdout
    assert issubclass(MissingExtraError, ImportError)


def test_locations(tmp_path):
    with pytest.raises(InputError, match="unknown index location"):
        open_storage("http://example/x")
    with pytest.raises(InputError, match="is a directory"):
        open_storage(tmp_path)
    with pytest.raises(OutputError, match="no such folder"):
        open_storage(tmp_path / "nope" / "i.db")
    s = open_storage(f"sqlite://{tmp_path / 'u.db'}")
    assert isinstance(s, SQLiteStorage)
    s.close()
    assert (tmp_path / "u.db").exists()


def test_damaged_metadata(tmp_path):
    db = tmp_path / "i.db"
    Index(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM meta WHERE key = 'bands'")
    with pytest.raises(IndexFormatError, match="metadata is damaged"):
        Index(db)


# -- crashes and concurrent writers, with real processes -----------------

_WRITER = """
import json, sys
from dedupe.index.index import Index
location, prefix, texts_file, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
texts = json.load(open(texts_file))
with Index(location) as index:
    for r in range(rounds):
        # Own ids, and one id that every writer keeps replacing; each round
        # changes the texts (an unchanged text is not written again).
        index.add_many([(f"{prefix}-{i}", f"{t}\\n\\nRound {r}.\\n") for i, t in enumerate(texts)], batch_size=4)
        index.add("shared", f"{texts[r % len(texts)]}\\n\\nRound {r} of {prefix}.\\n")
    print("done", flush=True)
"""


def _writer(location: str, prefix: str, texts_file: Path, rounds: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", _WRITER, location, prefix, str(texts_file), str(rounds)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_two_processes_adding_at_once(location, tmp_path):
    files = []
    for seed in (10, 11):
        f = tmp_path / f"texts-{seed}.json"
        f.write_text(json.dumps(_texts(8, seed)))
        files.append(f)
    Index(location).close()  # created once; the writers race on the data
    procs = [_writer(location, p, f, 3) for p, f in zip(("a", "b"), files)]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        assert out.strip() == "done"
    with Index(location) as index:
        assert len(index) == 17
        assert sorted(index.ids()) == sorted([f"a-{i}" for i in range(8)] + [f"b-{i}" for i in range(8)] + ["shared"])
        for i, t in enumerate(json.loads(files[1].read_text())):
            assert any(m.duplicate_of.id == f"b-{i}" for m in index.query(t))
    _postings_consistent(location)


def test_sqlite_killed_mid_write_leaves_a_consistent_index(tmp_path):
    db = str(tmp_path / "i.db")
    texts = _texts(12, 20)
    f = tmp_path / "texts.json"
    f.write_text(json.dumps(texts))
    with Index(db) as index:
        index.add("before", texts[0])
    for delay in (0.4, 0.8, 1.3):
        proc = _writer(db, "w", f, 1000)
        # Wait until the writer is writing, then kill it without warning.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with Index(db) as index:
                if len(index) > 1:
                    break
            time.sleep(0.05)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        assert proc.returncode == -signal.SIGKILL
        _postings_consistent(db)
        with Index(db) as index:
            assert "before" in index
            hits = index.query(texts[0])
            assert {"before"} <= {m.duplicate_of.id for m in hits}


def _published(tmp_path: Path) -> Path:
    db = tmp_path / "pub" / "published.db"
    db.parent.mkdir()
    with Index(db) as index:
        for k, text in enumerate(_texts(3, 7)):
            index.add(f"a{k}.md", text)
    return db


def _lock_folder(folder: Path) -> None:
    """Make ``folder`` and its files unwritable, also for root (whom
    permission bits do not stop)."""
    import os

    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
    else:
        for f in folder.iterdir():
            f.chmod(0o444)
        folder.chmod(0o555)


def _unlock_folder(folder: Path) -> None:
    import os

    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        folder.chmod(0o755)


def test_queries_never_change_the_index_file(tmp_path):
    db = _published(tmp_path)
    before = (db.read_bytes(), db.stat().st_mtime_ns)
    with Index(db, read_only=True) as index:
        assert len(index) == 3
        assert index.query(_texts(3, 7)[0])
        index.info()
    assert (db.read_bytes(), db.stat().st_mtime_ns) == before
    # A reader of a WAL database may leave SQLite's shared-memory file, but
    # never a journal holding changes.
    wal = db.with_name(db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_an_index_in_a_read_only_folder_can_be_queried(tmp_path):
    db = _published(tmp_path)
    _lock_folder(db.parent)
    try:
        with Index(db, read_only=True) as index:
            assert index.query(_texts(3, 7)[1])
        with pytest.raises(OutputError):
            with Index(db) as index:
                index.add("new.md", _texts(1, 9)[0])
    finally:
        _unlock_folder(db.parent)


def test_a_foreign_or_damaged_database_is_refused_not_converted(tmp_path):
    foreign = tmp_path / "app.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE users (name TEXT)")
    for read_only in (False, True):
        with pytest.raises(IndexFormatError, match="other tables: users"):
            Index(foreign, read_only=read_only)
    with sqlite3.connect(foreign) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["users"]
    damaged = _published(tmp_path)
    with sqlite3.connect(damaged) as conn:
        conn.execute("DROP TABLE postings")
    for read_only in (False, True):
        with pytest.raises(IndexFormatError, match="table postings is missing"):
            Index(damaged, read_only=read_only)
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(IndexFormatError, match="empty or unfinished"):
        Index(empty, read_only=True)
    assert empty.stat().st_size == 0


def test_a_unix_socket_url_reaches_redis(redis_server, tmp_path):
    url = f"unix://{tmp_path / 'redis.sock'}?db=0&prefix=sock"
    with Index(url) as index:
        index.add("a.md", _texts(1, 3)[0])
    with Index(url, read_only=True) as index:
        assert len(index) == 1 and index.query(_texts(1, 3)[0])
    with Index(redis_server + "?prefix=sock", read_only=True) as index:  # the same server over TCP
        assert len(index) == 1
