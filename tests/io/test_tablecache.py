"""The per-code-point tables kept on disk: read back equal to the tables
computed, never stale, never half written, and never in the way when the
folder cannot be used."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dedupe.core import shingle, structure
from dedupe.corpus import boilerplate
from dedupe.io import tablecache
from dedupe.io.tablecache import CACHE_ENV, cache_dir, cached_tables, entry_key

ROOT = Path(__file__).resolve().parents[2]


class Counted:
    """A table builder that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> dict[str, np.ndarray]:
        self.calls += 1
        return {"a": np.arange(10, dtype=np.uint32), "b": np.array([True, False, True])}


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "builder.py"
    path.write_text("PATTERN = 'a'\n")
    return path


def _same(got: dict[str, np.ndarray], want: dict[str, np.ndarray]) -> None:
    assert sorted(got) == sorted(want)
    for name in want:
        assert got[name].dtype == want[name].dtype
        np.testing.assert_array_equal(got[name], want[name])


def test_a_second_use_reads_the_tables_instead_of_computing_them(folder, source):
    build = Counted()
    first = cached_tables("t", ["a", "b"], [str(source)], build)
    second = cached_tables("t", ["a", "b"], [str(source)], build)
    assert build.calls == 1
    _same(second, first)
    assert not second["a"].flags.writeable  # a constant, shared between processes


@pytest.mark.parametrize(("name", "names", "sources", "build"), [
    ("tokens", ["classes", "mapped", "unsafe", "counts"],
     shingle.table_sources("dedupe.core.normalize"), shingle._build_tables),
    ("prose", ["prose"], shingle.table_sources("dedupe.core.structure"), structure._prose_table),
    ("digits", ["digits"], shingle.table_sources("dedupe.corpus.boilerplate"), boilerplate._digit_table),
])
def test_the_library_tables_read_back_equal_to_the_computed_ones(folder, name, names, sources, build):
    computed = build()
    cached_tables(name, names, sources, build)
    _same(cached_tables(name, names, sources, lambda: pytest.fail("computed again")), computed)


def test_another_process_reads_what_one_wrote(folder):
    probe = ("from dedupe.core.shingle import tables; import numpy as np; t = tables(); "
             "print(int(np.asarray(t.mapped, dtype=np.int64).sum()), int(t.classes.sum()), t.mapped.flags.writeable)")
    env = {**os.environ, CACHE_ENV: str(folder)}
    runs = [subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=120) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr + runs[1].stderr
    computed = shingle._build_tables()
    want = f"{int(computed['mapped'].astype(np.int64).sum())} {int(computed['classes'].sum())}"
    # The first process computed and wrote the tables, the second read them.
    assert [r.stdout.split()[:2] for r in runs] == [want.split()] * 2
    assert [r.stdout.split()[2] for r in runs] == ["True", "False"]
    assert [p.name.split("-")[0] for p in folder.iterdir()] == ["tokens"]


def test_a_change_to_the_code_names_another_entry(folder, source):
    before = entry_key("t", [str(source)])
    source.write_text("PATTERN = 'b'\n")
    assert entry_key("t", [str(source)]) != before
    assert entry_key("u", [str(source)]) != entry_key("t", [str(source)])
    build = Counted()
    cached_tables("t", ["a", "b"], [str(source)], build)
    source.write_text("PATTERN = 'c'\n")
    cached_tables("t", ["a", "b"], [str(source)], build)
    assert build.calls == 2
    assert len(list(folder.iterdir())) == 2


def test_without_readable_sources_nothing_is_kept(folder, tmp_path):
    build = Counted()
    for _ in range(2):
        _same(cached_tables("t", ["a", "b"], [str(tmp_path / "gone.py")], build), Counted()())
    assert build.calls == 2
    assert not folder.exists()


@pytest.mark.parametrize("damage", ["truncate", "remove", "garbage"])
def test_a_damaged_entry_is_computed_and_written_again(folder, source, damage):
    build = Counted()
    cached_tables("t", ["a", "b"], [str(source)], build)
    (entry,) = folder.iterdir()
    target = entry / "a.npy"
    if damage == "truncate":
        target.write_bytes(target.read_bytes()[:70])
    elif damage == "remove":
        target.unlink()
    else:
        target.write_bytes(b"not a table at all")
    _same(cached_tables("t", ["a", "b"], [str(source)], build), Counted()())
    assert build.calls == 2
    _same(cached_tables("t", ["a", "b"], [str(source)], build), Counted()())
    assert build.calls == 2  # repaired: read from now on


def test_a_folder_that_cannot_be_made_leaves_the_tables_computed(tmp_path, monkeypatch, source):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder would go")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))
    build = Counted()
    for _ in range(2):
        _same(cached_tables("t", ["a", "b"], [str(source)], build), Counted()())
    assert build.calls == 2


def test_an_empty_setting_turns_the_cache_off(monkeypatch, tmp_path, source):
    monkeypatch.setenv(CACHE_ENV, "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() is None
    build = Counted()
    cached_tables("t", ["a", "b"], [str(source)], build)
    cached_tables("t", ["a", "b"], [str(source)], build)
    assert build.calls == 2
    assert not (tmp_path / "xdg").exists()


def test_the_folder_follows_the_usual_settings(monkeypatch, tmp_path):
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "dedupe"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "dedupe"
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"


def test_an_entry_another_process_stored_first_is_kept_and_nothing_is_left_over(folder, source):
    build = Counted()
    first = cached_tables("t", ["a", "b"], [str(source)], build)
    (entry,) = folder.iterdir()
    # This process lost the race: its copy is dropped, the other one stays.
    assert not tablecache._write(entry, {"a": np.zeros(3, dtype=np.uint32), "b": np.zeros(1, dtype=bool)})
    assert list(folder.iterdir()) == [entry]
    _same(cached_tables("t", ["a", "b"], [str(source)], build), first)
    assert build.calls == 1


def test_a_builder_that_gives_other_tables_is_an_error(folder, source):
    with pytest.raises(ValueError, match="not"):
        cached_tables("t", ["a"], [str(source)], Counted())
    assert not folder.exists()


def test_the_command_line_reads_the_tables_its_last_run_wrote(tmp_path):
    page = tmp_path / "page.md"
    # A run of long paragraphs pasted twice: the accident clean removes.
    run = ("The committee met on Tuesday to review the proposed budget for the coming year and, after a"
           " long discussion of the maintenance costs, agreed to wait for the auditors' report.\n\n"
           "Several members asked whether the library renovation could be split into two phases, so"
           " that the reading rooms would stay open in the summer months when students need them.\n\n")
    page.write_text("# Notes\n\n" + run + run)
    env = {**os.environ, CACHE_ENV: str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-m", "dedupe", "clean", str(page)], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr
    assert runs[0].stdout == runs[1].stdout
    assert runs[0].stdout.count("The committee met") == 1
    assert sorted(p.name.split("-")[0] for p in (tmp_path / "cache").iterdir()) == ["prose", "tokens"]
