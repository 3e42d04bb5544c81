"""An index that runs out of room: one clear line (``database or disk is
full``, exit 2), never SQLite's "cannot rollback" in a traceback, and the
index as it was before the batch that did not fit.

Two real limits: SQLite's ``max_page_count`` on the connection (the
statement that needs a new page fails), and a small tmpfs in a private
mount namespace (the commit cannot write the journal: ENOSPC)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from dedupe.errors import OutputError
from dedupe.index.index import Index
from tests.index.test_storage import _postings_consistent, _texts
from tests.processes import one_line

FULL = "database or disk is full"


def _filled_to_the_limit(db: Path) -> Index:
    """An index with two documents whose file may not grow by more than
    two pages."""
    index = Index(db)
    index.add_many([("a.md", _texts(1, 1)[0]), ("b.md", _texts(1, 2)[0])])
    conn = index._storage._conn  # type: ignore[attr-defined]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    return index


def test_a_full_index_is_a_named_error_and_keeps_what_it_held(tmp_path):
    db = tmp_path / "i.db"
    index = _filled_to_the_limit(db)
    many = [(f"new-{i}.md", t) for i, t in enumerate(_texts(60, 3))]
    with pytest.raises(OutputError, match=FULL) as err:
        index.add_many(many, batch_size=len(many))
    assert "cannot rollback" not in str(err.value)
    # The same connection still works, and the failed batch left nothing.
    assert index.ids() == ["a.md", "b.md"]
    assert index.query(_texts(1, 1)[0])[0].duplicate_of.id == "a.md"
    index.close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    _postings_consistent(str(db))
    with Index(db) as reopened:
        reopened.add("c.md", _texts(1, 4)[0])  # room again once the limit is gone
        assert reopened.ids() == ["a.md", "b.md", "c.md"]


def test_batches_written_before_the_full_one_stay(tmp_path):
    index = _filled_to_the_limit(tmp_path / "i.db")
    with pytest.raises(OutputError, match=FULL):
        index.add_many([(f"new-{i}.md", t) for i, t in enumerate(_texts(60, 3))], batch_size=1)
    ids = index.ids()
    index.close()
    # Each batch is one transaction: those that fitted are whole, the
    # first that did not is absent.
    assert ids[:2] == ["a.md", "b.md"] and all(i.startswith("new-") for i in ids[2:])
    _postings_consistent(str(tmp_path / "i.db"))


# -- a full file system, through the command line ----------------------

_IN_A_SMALL_TMPFS = r"""
set -eu
size=$1 mnt=$2 seed=$3 out=$4; shift 4
mount -t tmpfs -o "size=$size" tmpfs "$mnt"
cp "$seed" "$mnt/i.db"
set +e
"$@" --db "$mnt/i.db" >"$out/stdout" 2>"$out/stderr"
echo $? >"$out/rc"
cp "$mnt"/i.db* "$out/"
"""


def _in_a_small_tmpfs(tmp_path: Path, seed: Path, size: str, command: list[str]) -> tuple[int, str, Path]:
    """Run ``command --db DIR/i.db`` with DIR a tmpfs of ``size`` holding a
    copy of ``seed``, mounted in a mount namespace of its own (so nothing
    is left mounted); returns the exit status, standard error and a copy
    of the index files as the command left them."""
    mnt, out = tmp_path / "mnt", tmp_path / "out"
    mnt.mkdir()
    out.mkdir()
    unshare = shutil.which("unshare")
    assert unshare, "unshare (util-linux) is needed to mount a small file system"
    ns = [unshare, "--mount"] + (["--map-root-user"] if os.geteuid() != 0 else [])
    proc = subprocess.run([*ns, "sh", "-c", _IN_A_SMALL_TMPFS, "sh", size, str(mnt), str(seed), str(out), *command],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and (out / "rc").exists(), proc.stderr
    return int((out / "rc").read_text()), (out / "stderr").read_text(), out / "i.db"


def _seed_and_site(tmp_path: Path) -> tuple[Path, Path]:
    seed = tmp_path / "seed.db"
    with Index(seed) as index:
        index.add("a.md", _texts(1, 1)[0])
    site = tmp_path / "site"
    site.mkdir()
    for i, text in enumerate(_texts(60, 5)):
        (site / f"{i:02}.md").write_text(text * 4, encoding="utf-8")
    return seed, site


def test_index_add_on_a_full_file_system_is_one_line_and_leaves_the_index_as_it_was(tmp_path):
    seed, site = _seed_and_site(tmp_path)
    cli = [sys.executable, "-m", "dedupe", "index", "add", "--no-config", str(site)]
    code, err, db = _in_a_small_tmpfs(tmp_path, seed, f"{seed.stat().st_size + 80 * 1024}", cli)
    assert code == 2
    line = one_line(err)
    assert line.startswith(f"dedupe: error: {db.parent.parent / 'mnt' / 'i.db'}: cannot write to the index")
    assert FULL in line and "rollback" not in line
    with Index(db, read_only=True) as index:
        assert index.ids() == ["a.md"]
        assert index.query(_texts(1, 1)[0])[0].duplicate_of.id == "a.md"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
