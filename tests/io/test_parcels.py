"""Results sent back from workers: the arrays of a large result through a
file in shared memory, mapped rather than copied, and everything else (or
everything, where there is no such folder) in the pipe, always arriving
equal to what was sent."""

from __future__ import annotations

import errno
import mmap
import os
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dedupe.io import parcels
from dedupe.io.workers import _Executor, ordered_map

@pytest.fixture(scope="module")
def folder():
    made = parcels.make_folder()
    if made is None:
        pytest.skip("no shared memory folder on this machine")
    yield made
    parcels.remove_folder(made)


def _mapped(a: np.ndarray) -> bool:
    base = a
    while base is not None and not isinstance(base, mmap.mmap):
        base = base.obj if isinstance(base, memoryview) else getattr(base, "base", None)
    return base is not None


def _big(n: int = 300_000, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    return {
        "hashes": rng.integers(0, 2**63, n, dtype=np.uint64),
        "kinds": rng.integers(0, 9, n, dtype=np.int8),  # odd sizes: the next array must still be aligned
        "bands": rng.integers(0, 2**32, (n // 10, 7), dtype=np.uint32),
        "flags": rng.random(n) < 0.5,
        "empty": np.zeros(0, dtype=np.int64),
        "name": "batch 3",
    }


def _equal(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key, value in a.items():
        if isinstance(value, np.ndarray):
            assert b[key].dtype == value.dtype and b[key].shape == value.shape
            assert np.array_equal(b[key], value)
        else:
            assert b[key] == value


def test_a_large_result_arrives_mapped_from_a_file_that_is_removed_at_once(folder):
    sent = _big()
    parcel = parcels.pack(sent, folder)
    assert parcel.path is not None and os.path.dirname(parcel.path) == folder
    got = parcel.open()
    assert not os.path.exists(parcel.path)
    _equal(sent, got)
    assert all(_mapped(got[k]) for k in ("hashes", "kinds", "bands", "flags"))
    # Aligned as numpy's own arrays are, whatever the size of the one before.
    assert all(got[k].ctypes.data % parcels.ALIGN == 0 for k in ("hashes", "kinds", "bands", "flags"))


def test_received_arrays_are_writable_and_a_write_does_not_reach_the_file_or_the_sender(folder):
    sent = _big()
    got = parcels.pack(sent, folder).open()
    got["hashes"][:10] = 7
    got["hashes"].sort()
    assert sent["hashes"][0] != 7 or sent["hashes"][1] != 7


def test_small_results_and_results_without_arrays_travel_in_the_pipe(folder):
    small = {"a": np.arange(10), "b": "text"}
    for result in (small, ["x", 1, (2.5, None)]):
        parcel = parcels.pack(result, folder)
        assert parcel.path is None
        got = parcel.open()
        assert pickle.dumps(got) == pickle.dumps(result)
    assert os.listdir(folder) == []


def test_without_a_folder_or_when_it_cannot_be_written_results_travel_in_the_pipe(tmp_path):
    sent = _big()
    for where in (None, str(tmp_path / "missing")):
        parcel = parcels.pack(sent, where)
        assert parcel.path is None
        _equal(sent, parcel.open())


class _FullFile:
    """A file of a full tmpfs: it is created, but a write fails."""

    def __init__(self, f):
        self.f = f

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.f.close()

    def seek(self, offset):
        self.f.seek(offset)

    def write(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_folder_sends_the_result_in_the_pipe_and_leaves_no_partial_file(folder, monkeypatch):
    sent = _big()
    real = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda fd, mode: _FullFile(real(fd, mode)))
    parcel = parcels.pack(sent, folder)
    monkeypatch.undo()
    assert parcel.path is None
    assert os.listdir(folder) == []
    _equal(sent, parcel.open())


arrays = hnp.arrays(
    dtype=st.sampled_from([np.uint64, np.int64, np.uint32, np.int32, np.int8, np.bool_, np.float64]),
    shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=40),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(arrays, max_size=6), st.booleans(), st.integers(0, 1 << 16))
def test_any_arrays_arrive_equal_however_they_travel(folder, items, fortran, threshold):
    # Views that are not contiguous, Fortran order, empty arrays: all
    # arrive with their values, dtype and shape.
    result = [np.asfortranarray(a) if fortran else a for a in items] + [a[::2] for a in items if a.ndim == 1]
    old = parcels.MIN_SHELVED_BYTES
    parcels.MIN_SHELVED_BYTES = threshold
    try:
        got = parcels.pack(result, folder).open()
    finally:
        parcels.MIN_SHELVED_BYTES = old
    assert len(got) == len(result)
    for a, b in zip(result, got):
        assert a.dtype == b.dtype and a.shape == b.shape
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
    assert os.listdir(folder) == []


def _arrays_of(seed: int) -> dict:
    return _big(200_000, seed)


def test_workers_results_come_back_through_shared_memory_in_order(folder):
    got = list(ordered_map(_arrays_of, range(5), 2))
    for seed, result in enumerate(got):
        _equal(_arrays_of(seed), result)
    assert _mapped(got[0]["hashes"])


def _fail_on(seed: int) -> dict:
    if seed == 3:
        raise ValueError("bad batch")
    return _big(200_000, seed)


def test_the_executor_removes_its_folder_after_its_work_and_after_an_error():
    import multiprocessing

    for fn, items in ((_arrays_of, range(4)), (_fail_on, range(6))):
        pool = _Executor(2, multiprocessing.get_context("fork"))
        folder = pool._folder
        if folder is None:
            pytest.skip("no shared memory folder on this machine")
        try:
            with pool:
                list(pool.in_order(fn, items))
        except ValueError:
            pass
        assert not os.path.exists(folder)


def test_a_folder_left_by_a_killed_run_is_removed_by_the_next_once_stale(tmp_path, monkeypatch):
    import subprocess
    import sys

    monkeypatch.setattr(parcels, "SHARED_MEMORY", str(tmp_path))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    old = parcels.STALE_SECONDS + 60
    folders = {
        "killed": f"dedupe-{dead.pid}-k1",  # process gone, unchanged for long: removed
        "recent": f"dedupe-{dead.pid}-r2",  # process gone, but changed lately: kept
        "running": f"dedupe-{os.getpid()}-a3",  # process alive: kept
        "other": "dedupe-cache",  # not a run's folder: kept
    }
    for key, name in folders.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "parcel").write_bytes(b"x" * 100)
        if key != "recent":
            os.utime(tmp_path / name, (0, 0))
    now = parcels.time.time()
    os.utime(tmp_path / folders["recent"], (now - old + 120, now - old + 120))
    made = parcels.make_folder()
    assert made is not None and os.path.basename(made).startswith(f"dedupe-{os.getpid()}-")
    left = {p.name for p in tmp_path.iterdir()}
    assert left == {folders["recent"], folders["running"], folders["other"], os.path.basename(made)}
