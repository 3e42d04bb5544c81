"""A damaged index, case by case: every command that needs the damaged
part stops with one line naming the index and a named error
(:mod:`dedupe.errors`), exit 2; the others answer as usual. Never a
traceback, never an answer read from a damaged entry.

SQLite cases damage a real file (its pages, its rows, its schema); Redis
cases damage the keys of a real redis-server (started by the fixture)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from dedupe.cli import main
from dedupe.errors import IndexFormatError
from dedupe.index.index import Index
from tests.index.test_storage import _texts

#: The commands of the table: what each runs, given the index location.
COMMANDS: dict[str, Callable[[str], list[str]]] = {  # in this order: the readers see the damage first
    "info": lambda db: ["index", "info", "--db", db],
    "query": lambda db: ["index", "query", "--db", db, "copy.md"],
    "check": lambda db: ["check", "--no-config", "--index", db, "copy.md"],
    "add": lambda db: ["index", "add", "--db", db, "new.md"],
    "add again": lambda db: ["index", "add", "--db", db, "a0.md"],
}
ALL = frozenset(COMMANDS)
READS = frozenset({"query", "check"})
#: Commands that open the index and read its metadata: all of them.
OPENS = ALL
#: A damaged Redis entry cannot be replaced (its postings cannot be found
#: to remove them): adding it again fails as reading it does.
REPLACES = READS | {"add again"}


def _published(folder: Path, db: str) -> None:
    """a0.md, a1.md, a2.md indexed; copy.md repeats a0.md, new.md is new."""
    texts = _texts(4, 31)
    for i, text in enumerate(texts[:3]):
        (folder / f"a{i}.md").write_text(text, encoding="utf-8")
    (folder / "copy.md").write_text(texts[0], encoding="utf-8")
    (folder / "new.md").write_text(texts[3], encoding="utf-8")
    assert main(["index", "add", "--db", db, "--no-config", "a0.md", "a1.md", "a2.md"]) == 0


# -- SQLite: damage done to the file ----------------------------------------


def _sql(*statements: str) -> Callable[[Path], None]:
    def damage(db: Path) -> None:
        with sqlite3.connect(db) as conn:
            for s in statements:
                conn.execute(s)
        conn.close()

    return damage


def _checkpointed(db: Path) -> bytearray:
    """The file's bytes with every change in it (no WAL beside it)."""
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return bytearray(db.read_bytes())


def _truncated(db: Path) -> None:
    data = _checkpointed(db)
    db.write_bytes(data[: len(data) // 2])


def _page_overwritten(db: Path) -> None:
    """Every page but the first (the schema) filled with noise."""
    data = _checkpointed(db)
    noise = np.random.default_rng(5).integers(0, 256, len(data) - 4096, dtype=np.uint8).tobytes()
    db.write_bytes(bytes(data[:4096]) + noise)


def _garbage_header(db: Path) -> None:
    data = _checkpointed(db)
    data[:100] = b"\x17" * 100
    db.write_bytes(bytes(data))


def _blob(column: str, value: str) -> Callable[[Path], None]:
    return _sql(f"UPDATE documents SET {column} = {value} WHERE id = 'a0.md'")


_OFFSETS_PAST_THE_END = np.array([0, 10**9], "<i8").tobytes().hex()

SQLITE_CASES: dict[str, tuple[Callable[[Path], None], frozenset[str], str]] = {
    # case: (damage, commands that must fail, what the line says)
    "file truncated": (_truncated, ALL, "damaged index|not a dedupe index"),
    "pages overwritten": (_page_overwritten, ALL, "damaged index|not a dedupe index"),
    "garbage header": (_garbage_header, ALL, "not a dedupe index"),
    "shingles of odd length": (_blob("shingles", "X'0102'"), READS, "index entry 'a0.md' is damaged"),
    "units stored as text": (_blob("units", "'units'"), READS, "index entry 'a0.md' is damaged"),
    "unit offsets past the shingles": (_blob("unit_offsets", f"X'{_OFFSETS_PAST_THE_END}'"), READS,
                                       "index entry 'a0.md' is damaged"),
    "unsorted shingles": (_blob("shingles", "X'0200000000000000' || X'0100000000000000'"), READS,
                          "index entry 'a0.md' is damaged"),
    "band keys of odd length": (_blob("bands", "X'01'"), READS, "index entry 'a0.md' is damaged"),
    "length not a number": (_blob("length", "'long'"), READS, "index entry 'a0.md' is damaged"),
    "posting unit as text": (_sql("UPDATE postings SET unit = 'u' || unit"), READS, "damaged index"),
    "no version": (_sql("DELETE FROM meta WHERE key = 'format_version'"), OPENS, "format version None"),
    "another version": (_sql("UPDATE meta SET value = '2' WHERE key = 'format_version'"), OPENS,
                        "format version 2"),
    "ngram not a number": (_sql("UPDATE meta SET value = 'three' WHERE key = 'ngram'"), OPENS,
                           "metadata is damaged"),
    "ngram out of range": (_sql("UPDATE meta SET value = '0' WHERE key = 'ngram'"), OPENS, "metadata is damaged"),
    "num_perm too small for the banding": (_sql("UPDATE meta SET value = '64' WHERE key = 'num_perm'"), OPENS,
                                           "metadata is damaged"),
    "bands not a number": (_sql("UPDATE meta SET value = '' WHERE key = 'bands'"), OPENS, "metadata is damaged"),
    "meta value a blob": (_sql("UPDATE meta SET value = X'00' WHERE key = 'seed'"), OPENS, "metadata is damaged"),
    "no metadata, documents kept": (_sql("DELETE FROM meta"), OPENS, "metadata|empty or unfinished"),
    "documents lost a column": (_sql("ALTER TABLE documents DROP COLUMN unit_bands"), READS | {"add", "add again"},
                                "damaged index"),
    "postings lost": (_sql("DROP TABLE postings"), ALL, "table postings is missing"),
    "meta lost": (_sql("DROP TABLE meta"), ALL, "not a dedupe index"),
}


def _one_error(capsys, argv: list[str]) -> tuple[int, str]:
    code = main(argv)
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("dedupe: error:")]
    assert "Traceback" not in err and len(lines) <= 1, err
    return code, lines[0] if lines else ""


def _run_table(db: str, must_fail: frozenset[str], says: str, capsys) -> None:
    for name, argv in COMMANDS.items():
        code, line = _one_error(capsys, argv(db))
        if name in must_fail:
            assert code == 2 and re.search(says, line) and db in line, (name, code, line)
        else:
            assert code in (0, 1) and not line, (name, code, line)


@pytest.mark.parametrize("case", list(SQLITE_CASES))
def test_a_damaged_sqlite_index(case, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _published(tmp_path, "i.db")
    capsys.readouterr()
    damage, must_fail, says = SQLITE_CASES[case]
    damage(tmp_path / "i.db")
    _run_table("i.db", must_fail, says, capsys)


def test_a_damaged_entry_is_refused_by_the_python_api_and_mended_by_adding_it_again(tmp_path):
    db = tmp_path / "i.db"
    texts = _texts(2, 8)
    with Index(db) as index:
        index.add_many([("a", texts[0]), ("b", texts[1])])
    _sql("UPDATE documents SET bands = X'01' WHERE id = 'a'")(db)
    with Index(db, read_only=True) as index, pytest.raises(IndexFormatError, match="'a' is damaged"):
        index.query(texts[0])
    with Index(db) as index:
        index.add("a", texts[0])
        assert {m.duplicate_of.id for m in index.query(texts[0])} == {"a"}


# -- Redis: damage done to the keys -----------------------------------------


def _redis(*commands: tuple) -> Callable[[str], None]:
    def damage(url: str) -> None:
        import redis

        r = redis.Redis.from_url(url)
        for c in commands:
            r.execute_command(*c)
        r.close()

    return damage


def _bucket_garbled(url: str) -> None:
    """Every posting list cut short by one byte."""
    import redis

    r = redis.Redis.from_url(url)
    for bucket in r.scan_iter(match=b"dedupe:bands:*"):
        for field, value in r.hgetall(bucket).items():
            r.hset(bucket, field, value[:-1])
    r.close()


def _buckets_replaced(url: str) -> None:
    """Every bucket of postings a string instead of a hash."""
    import redis

    r = redis.Redis.from_url(url)
    for bucket in list(r.scan_iter(match=b"dedupe:bands:*")):
        r.delete(bucket)
        r.set(bucket, "x")
    r.close()


def _lists_moved_to_strings(url: str) -> None:
    """Every posting list marked as moved to its sorted set, which is a
    string instead."""
    import redis

    r = redis.Redis.from_url(url)
    for bucket in list(r.scan_iter(match=b"dedupe:bands:*")):
        for field in r.hkeys(bucket):
            r.hset(bucket, field, b"")
            r.set(b"dedupe:spill:" + bucket[len(b"dedupe:bands:"):] + field, "x")
    r.close()


REDIS_CASES: dict[str, tuple[Callable[[str], None], frozenset[str], str]] = {
    "meta of the wrong type": (_redis(("DEL", "dedupe:meta"), ("SET", "dedupe:meta", "x")), ALL,
                               "damaged index"),
    "meta lost, documents kept": (_redis(("DEL", "dedupe:meta")), ALL, "metadata|no dedupe index"),
    "no version": (_redis(("HDEL", "dedupe:meta", "format_version")), OPENS, "format version None"),
    "ngram not a number": (_redis(("HSET", "dedupe:meta", "ngram", "three")), OPENS, "metadata is damaged"),
    "num_perm too small for the banding": (_redis(("HSET", "dedupe:meta", "num_perm", "64")), OPENS,
                                           "metadata is damaged"),
    "document of the wrong type": (_redis(("DEL", "dedupe:doc:a0.md"), ("SET", "dedupe:doc:a0.md", "x")),
                                   REPLACES, "damaged index"),
    "shingles of odd length": (_redis(("HSET", "dedupe:doc:a0.md", "shingles", b"\x01\x02")),
                               REPLACES, "index entry 'a0.md' is damaged"),
    "a field lost": (_redis(("HDEL", "dedupe:doc:a0.md", "units")), REPLACES, "index entry 'a0.md' is damaged"),
    "length not a number": (_redis(("HSET", "dedupe:doc:a0.md", "length", "long")), REPLACES,
                            "index entry 'a0.md' is damaged"),
    # Queries never read the set of ids; what counts or adds ids does.
    "id set of the wrong type": (_redis(("DEL", "dedupe:docs"), ("SET", "dedupe:docs", "x")), ALL - READS,
                                 "damaged index"),
    "posting lists garbled": (_bucket_garbled, READS, "damaged index"),
    # Adding a page again whose entry reads well and whose text did not
    # change writes nothing, so it does not meet damage elsewhere.
    "posting buckets of the wrong type": (_buckets_replaced, ALL - {"info", "add again"}, "damaged index"),
    "moved posting lists of the wrong type": (_lists_moved_to_strings, READS, "damaged index"),
    "document numbers of the wrong type": (_redis(("DEL", "dedupe:ids"), ("SET", "dedupe:ids", "x")),
                                           READS | {"add"}, "damaged index"),
    "a document without its number": (_redis(("HDEL", "dedupe:doc:a0.md", "num")), REPLACES,
                                      "index entry 'a0.md' is damaged"),
    # Version 1 kept every posting list in its bucket.
    "the earlier layout": (_redis(("HSET", "dedupe:meta", "format_version", "1")), OPENS,
                           "format version 1, this dedupe reads version 2"),
}


@pytest.mark.parametrize("case", list(REDIS_CASES))
def test_a_damaged_redis_index(case, redis_server, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _published(tmp_path, redis_server)
    capsys.readouterr()
    damage, must_fail, says = REDIS_CASES[case]
    damage(redis_server)
    _run_table(redis_server, must_fail, says, capsys)

