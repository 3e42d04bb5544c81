"""The ordered worker map: results in input order, and with jobs=0 worker
processes only when there is more work than the caller runs in process."""

from __future__ import annotations

import multiprocessing
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dedupe.io.workers import PIPE_BYTES, ResultSlots, Started, _Executor, ordered_map, widen_pipe


def _pid_and_square(x: int, offset: int) -> tuple[int, int]:
    return os.getpid(), x * x + offset


def test_results_keep_input_order_in_workers():
    out = list(ordered_map(_pid_and_square, range(20), 2, 1))
    assert [v for _, v in out] == [x * x + 1 for x in range(20)]
    assert os.getpid() not in {pid for pid, _ in out}


def test_automatic_jobs_run_a_single_item_in_process():
    assert list(ordered_map(_pid_and_square, [3], 0, 0)) == [(os.getpid(), 9)]
    assert list(ordered_map(_pid_and_square, [], 0, 0)) == []


def test_automatic_jobs_start_workers_for_more_work():
    out = list(ordered_map(_pid_and_square, range(6), 0, 0))
    assert [v for _, v in out] == [x * x for x in range(6)]
    if (os.cpu_count() or 1) > 1:  # one CPU: one process is all there is
        assert os.getpid() not in {pid for pid, _ in out}


def test_automatic_jobs_run_up_to_in_process_items_here_and_more_in_workers():
    few = list(ordered_map(_pid_and_square, range(4), 0, 0, in_process=4))
    assert few == [(os.getpid(), x * x) for x in range(4)]
    more = list(ordered_map(_pid_and_square, range(5), 0, 0, in_process=4))
    assert [v for _, v in more] == [x * x for x in range(5)]
    if (os.cpu_count() or 1) > 1:
        assert os.getpid() not in {pid for pid, _ in more}


def test_the_library_runs_workers_from_a_script_without_a_main_guard(tmp_path):
    """A plain script (no ``if __name__ == "__main__":``) checking enough
    files to use worker processes finishes once, without re-running itself."""
    import subprocess
    import sys
    from pathlib import Path

    from tests.sites import prose

    site = tmp_path / "site"
    site.mkdir()
    for i in range(80):
        (site / f"p{i:02d}.md").write_text(f"{prose(i)}\n\n{prose(i)}\n", encoding="utf-8")
    script = tmp_path / "script.py"
    script.write_text(
        "from dedupe.check import CheckSettings, run_check\n"
        "from dedupe.options import ScanOptions\n"
        f"report = run_check([{str(site)!r}], CheckSettings(scan=ScanOptions(jobs=2)))\n"
        "print('findings', len(report.findings))\n", encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, str(script)], cwd=root, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["findings 80"]


def _die_on(x: int, fatal: int) -> int:
    if x == fatal:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer does
    return x


_KILLED = {
    "ordered_map": ("from dedupe.io.workers import ordered_map\n"
                    "from tests.io.test_workers import _die_on\n",
                    "list(ordered_map(_die_on, range(12), 2, 5))"),
    "ordered_map with result slots": ("from dedupe.io.workers import ordered_map\n"
                                      "from tests.io.test_workers import _die_on\n",
                                      "list(ordered_map(_die_on, range(12), 2, 5, slot_bytes=1 << 16))"),
    "ForkedPool": ("from dedupe.io.workers import ForkedPool\n"
                   "from tests.io.test_workers import _die_on_key, _unpicklable_shared\n",
                   "with ForkedPool(2, _unpicklable_shared()) as pool:\n"
                   "        list(pool.map(_die_on_key, [f'k{i}' for i in range(12)]))"),
}


@pytest.mark.parametrize("pool", sorted(_KILLED))
def test_a_worker_killed_mid_task_is_a_named_error_not_a_hang(pool):
    import subprocess
    import sys

    # In a child process with a deadline: before the fix the map waited forever.
    imports, run = _KILLED[pool]
    code = (f"from dedupe.errors import WorkerError\n{imports}"
            f"try:\n    {run}\nexcept WorkerError as exc:\n    print('WorkerError', exc)\n")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("WorkerError a worker process ended")


# ---------------------------------------------------------------- ForkedPool


def _pid_and_lookup(shared: dict, key: str) -> tuple[int, int]:
    return os.getpid(), shared["values"][key]


def _unpicklable_shared() -> dict:
    import threading

    # A lock cannot be pickled: the workers can only have it through the fork.
    return {"lock": threading.Lock(), "values": {f"k{i}": i * i for i in range(30)}}


def test_forked_pool_workers_read_shared_data_that_cannot_be_pickled():
    from dedupe.io.workers import ForkedPool

    with ForkedPool(2, _unpicklable_shared()) as pool:
        assert pool.parallel and pool.jobs == 2
        out = list(pool.map(_pid_and_lookup, [f"k{i}" for i in range(30)]))
        later = pool.submit(_pid_and_lookup, "k7")
        assert later()[1] == 49
    assert [v for _, v in out] == [i * i for i in range(30)]
    assert os.getpid() not in {pid for pid, _ in out}


def test_forked_pool_with_one_job_runs_each_task_here_when_its_result_is_asked_for():
    from dedupe.io.workers import ForkedPool

    shared = _unpicklable_shared()
    with ForkedPool(1, shared) as pool:
        assert not pool.parallel and pool.jobs == 1
        later = pool.submit(_pid_and_lookup, "k3")
        shared["values"]["k3"] = -1  # not run yet: it sees the change
        assert later() == (os.getpid(), -1)
        assert list(pool.map(_pid_and_lookup, ["k1", "k2"])) == [(os.getpid(), 1), (os.getpid(), 4)]


def _die_on_key(shared: dict, key: str) -> int:
    return _die_on(shared["values"][key], 25)


def _both_pools_inside(_: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]], int]:
    from dedupe.io.workers import ForkedPool

    with ForkedPool(2, _unpicklable_shared()) as pool:
        forked = list(pool.map(_pid_and_lookup, ["k2", "k3"]))
    return list(ordered_map(_pid_and_square, range(3), 2, 0)), forked, os.getpid()


def test_a_worker_of_the_callers_own_pool_runs_the_work_itself():
    """Python forbids a daemonic process (a multiprocessing.Pool worker)
    to start children; both maps then run in that process instead of
    failing."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as outer:
        mapped, forked, pid = outer.map(_both_pools_inside, [0])[0]
    assert mapped == [(pid, 0), (pid, 1), (pid, 4)]
    assert forked == [(pid, 4), (pid, 9)]


def _big(n: int, _: int) -> bytes:
    return bytes([n % 251]) * (3 << 20)


def test_results_larger_than_a_pipe_arrive_whole_and_in_order():
    out = list(ordered_map(_big, range(6), 2, 0))
    assert [len(b) for b in out] == [3 << 20] * 6
    assert [b[0] for b in out] == list(range(6)) and all(b == b[:1] * len(b) for b in out)


def _pipe_size(fd: int) -> int:
    fcntl = pytest.importorskip("fcntl")
    if not hasattr(fcntl, "F_GETPIPE_SZ"):
        pytest.skip("the size of a pipe is a Linux setting")
    return fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ)


def test_a_pipe_is_widened_and_other_files_are_left_alone(tmp_path):
    r, w = os.pipe()
    try:
        _pipe_size(r)
        assert widen_pipe(w)
        assert _pipe_size(r) >= PIPE_BYTES
    finally:
        os.close(r)
        os.close(w)
    with open(tmp_path / "plain", "wb") as fh:
        assert not widen_pipe(fh.fileno())


def test_the_pools_pipes_hold_a_whole_batch_result():
    with _Executor(2, multiprocessing.get_context("fork")) as pool:
        ends = [pool._pool._call_queue._writer, pool._pool._result_queue._reader]
        assert [_pipe_size(c.fileno()) >= PIPE_BYTES for c in ends] == [True, True]


# ---------------------------------------------------------------- ResultSlots

# Arrays as results hold them: of any type and shape, contiguous either
# way, strided (pickled in band), empty, or too large for a slot.
_array = hnp.arrays(st.sampled_from(["u1", "i4", "<u8", ">i8", "f8", "?", "U3"]),
                    hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=12))
_held = st.tuples(_array, st.sampled_from(["as is", "transposed", "strided"])).map(
    lambda a: {"as is": a[0], "transposed": a[0].T, "strided": a[0][::2]}[a[1]])
_results = st.lists(st.dictionaries(st.sampled_from("abcd"), _held, max_size=4), min_size=1, max_size=4)


def _assert_same(got: dict, want: dict) -> None:
    assert got.keys() == want.keys()
    for key, array in want.items():
        # numpy's pickles keep a type but not always its byte order
        assert got[key].dtype.newbyteorder("=") == array.dtype.newbyteorder("=")
        assert got[key].shape == array.shape
        np.testing.assert_array_equal(got[key], array)


@settings(max_examples=150, deadline=None)
@given(_results, st.sampled_from([1 << 10, 1 << 12]))
def test_a_result_through_its_slot_equals_the_result(results, size):
    slots = ResultSlots(len(results), size)
    sent = [slots.put(slot, result) for slot, result in enumerate(results)]
    for result, message in zip(results, sent):
        # Contiguous arrays go out of band, each from a 64-byte boundary:
        # what fits goes through the slot, the rest whole through the pipe.
        sizes = [a.nbytes for a in result.values() if a.flags.c_contiguous or a.flags.f_contiguous]
        if sum(-n % 64 + n for n in sizes) <= size:
            assert message is not result
        if sum(sizes) > size:
            assert message is result
        _assert_same(slots.taken(message), result)


def test_a_result_that_fits_leaves_only_its_frame_for_the_pipe():
    import pickle

    slots = ResultSlots(2, 1 << 20)
    result = {"hashes": np.arange(100_000, dtype=np.uint64), "ids": ["a", "b"]}
    sent = slots.put(1, result)
    assert sent is not result and len(pickle.dumps(sent)) < 1_000
    got = slots.taken(sent)
    assert got["ids"] == ["a", "b"]
    np.testing.assert_array_equal(got["hashes"], result["hashes"])
    too_big = {"hashes": np.arange(200_000, dtype=np.uint64)}
    assert slots.put(0, too_big) is too_big


def _arrays_of(spec: tuple[int, int], scale: int) -> dict:
    seed, n = spec
    rng = np.random.default_rng(seed)
    return {"n": n, "hashes": rng.integers(0, 2**63, size=n * scale, dtype=np.uint64),
            "text": np.frombuffer(rng.bytes(n), dtype=np.uint8), "pid": os.getpid()}


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2**32), st.integers(0, 3000)), max_size=14))
def test_results_through_slots_arrive_in_order_from_workers(specs):
    # 4 KB slots: some results fit, others come through the pipe. Each is
    # copied before the next is asked for, as ordered_map asks.
    got = [{k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in r.items()}
           for r in ordered_map(_arrays_of, specs, 2, 1, slot_bytes=4 << 10)]
    for spec, result in zip(specs, got, strict=True):
        want = _arrays_of(spec, 1)
        assert result["pid"] != os.getpid()
        _assert_same({k: result[k] for k in ("hashes", "text")}, {k: want[k] for k in ("hashes", "text")})


def test_without_shared_memory_for_the_slots_results_come_through_the_pipe(monkeypatch):
    import mmap

    from dedupe.io import workers

    def refused(*args, **kwargs):
        raise OSError(12, "Cannot allocate memory")

    monkeypatch.setattr(workers.mmap, "mmap", refused)
    specs = [(seed, 2000) for seed in range(6)]
    got = list(ordered_map(_arrays_of, specs, 2, 1, slot_bytes=1 << 20))
    for spec, result in zip(specs, got, strict=True):
        np.testing.assert_array_equal(result["hashes"], _arrays_of(spec, 1)["hashes"])
        assert result["hashes"].flags.owndata or isinstance(result["hashes"].base, bytes)  # not a view of a slot
    assert mmap.mmap is refused


# ---------------------------------------------------------------- Started


def test_started_work_runs_in_a_worker_while_this_process_goes_on():
    with Started(_pid_and_square, range(12), 1, 2) as started:
        here = sum(x * x for x in range(1000))  # this process's own work, meanwhile
        out = started.results()
    assert here == 332833500
    assert [v for _, v in out] == [x * x + 2 for x in range(12)]
    assert {pid for pid, _ in out} != {os.getpid()}


def _pid_after_a_while(x: int) -> tuple[int, int]:
    import time

    time.sleep(0.02)
    return os.getpid(), x


def test_asking_for_started_results_at_once_makes_this_process_one_more_worker():
    """Items no worker has begun run here, from the last back: with one
    worker and nothing else to do, both processes take items, each a run
    of them (the worker from the front), in input order."""
    with Started(_pid_after_a_while, range(40), 1) as started:
        out = started.results()
    assert [x for _, x in out] == list(range(40))
    pids = [pid for pid, _ in out]
    assert pids[0] != os.getpid() and pids[-1] == os.getpid()
    here = pids.index(os.getpid())
    assert set(pids[:here]) == {pids[0]} and set(pids[here:]) == {os.getpid()}


def test_started_work_with_no_worker_runs_here_when_its_results_are_asked_for():
    values = [1, 2]
    with Started(_pid_and_square, values, 0, 0) as started:
        values.append(3)  # taken at the start: the items are what they were then
        assert started.results() == [(os.getpid(), 1), (os.getpid(), 4)]


def _fail_on_three(x: int) -> int:
    if x == 3:
        raise ValueError("three")
    return x


def test_an_error_of_started_work_is_raised_when_its_results_are_asked_for():
    with Started(_fail_on_three, range(6), 2) as started, pytest.raises(ValueError, match="three"):
        started.results()


def _record_pid_and_wait(path: str) -> None:
    import time

    with open(path, "a") as fh:
        fh.write(f"{os.getpid()}\n")
    time.sleep(60)


_LEAVE = """
import os, sys, time
from dedupe.io.workers import Started
from tests.io.test_workers import _record_pid_and_wait
marks = sys.argv[1]
try:
    with Started(_record_pid_and_wait, [marks] * 2, 2):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if os.path.exists(marks) and len(open(marks).read().split()) == 2:
                break
            time.sleep(0.01)
        raise RuntimeError("an error elsewhere")
except RuntimeError:
    pass
pids = [int(p) for p in open(marks).read().split()]
deadline = time.monotonic() + 10
while time.monotonic() < deadline and not all(_ended(p) for p in pids):
    time.sleep(0.01)
print("ended" if all(_ended(p) for p in pids) else "running", len(pids))
"""


def _ended(pid: int) -> bool:
    # A process reaped between the open and the read makes the read fail
    # with ESRCH (ProcessLookupError): it has ended too.
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError):
        return True


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="reads process states from /proc (Linux)")
def test_leaving_started_work_before_its_results_stops_the_workers(tmp_path):
    import subprocess
    import sys

    # In a process of its own: with another thread alive (a pool of an
    # earlier test winding down) no worker may be forked.
    code = "from tests.io.test_workers import _ended\n" + _LEAVE
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "pids")], cwd=root, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["ended", "2"]
