"""Two ways to run work in worker processes: an ordered map over a stream
(:func:`ordered_map`), and a pool forked once a process's data are built
(:class:`ForkedPool`), whose workers read those data without pickling.

Workers are forked when the calling process has no other thread: a forked
worker starts in milliseconds and needs nothing re-imported, so a plain
script that calls the library without an ``if __name__ == "__main__":``
guard works (a spawned worker re-runs such a script). With other threads
alive, forked children could inherit a lock one of them holds and hang, so
workers are spawned instead, as on platforms without fork. Results come
back in input order, so nothing downstream depends on the number of
workers.
"""

from __future__ import annotations

import itertools
import mmap
import multiprocessing
import os
import pickle
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from dedupe.errors import WorkerError

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")


def ordered_map(fn: Callable[..., R], items: Iterable[T], jobs: int, *args: Any,
                in_process: int = 1, slot_bytes: int = 0) -> Iterator[R]:
    """``fn(item, *args)`` for each item, in input order. With ``jobs > 1``
    at most two items per worker are in flight, so reading a stream of
    items never runs far ahead of the workers (memory stays flat).

    ``jobs=0`` decides from the work: up to ``in_process`` items run in
    this process (a spawned worker costs about half a second of imports),
    and as soon as one more follows, every item goes to workers, one per
    CPU, so that this process only reads while they work. In a process
    that may not start workers (:func:`may_start_workers`) every item runs
    here.

    With ``slot_bytes``, forked workers send the arrays of a result of up
    to that many bytes through memory shared with this process
    (:class:`ResultSlots`): such a result holds views of that memory, valid
    until the next result is asked for, so copy what is kept."""
    if jobs == 0:
        it = iter(items)
        head = list(itertools.islice(it, in_process + 1))
        if len(head) <= in_process:
            for item in head:
                yield fn(item, *args)
            return
        items, jobs = itertools.chain(head, it), os.cpu_count() or 1
    if jobs <= 1 or not may_start_workers():
        for item in items:
            yield fn(item, *args)
        return
    method = start_method()
    slots = None
    # Only a forked worker has the shared memory: a spawned one would get a copy.
    if slot_bytes and method == "fork":
        try:
            slots = ResultSlots(2 * jobs, slot_bytes)
        except OSError:
            pass  # the system grants no more shared memory: results come through the pipe
    pool = _Executor(jobs, multiprocessing.get_context(method), _adopt, (slots,))
    with pool:
        yield from pool.in_order(fn, items, *args, slots=slots)


class _Executor:
    """A process pool that turns a dead worker into :class:`WorkerError`.

    An executor, not ``multiprocessing.Pool``: a Pool replaces a worker
    that dies (the kernel's OOM killer) and waits forever for its task,
    while an executor fails every pending task and every later submission."""

    def __init__(self, jobs: int, context: Any, initializer: Callable[..., None] | None = None,
                 initargs: tuple = ()) -> None:
        self.jobs = jobs
        self._pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=initializer, initargs=initargs)
        # Items and results pass through two pipes. A batch's result is
        # about 2 MB: through Linux's default 64 KB pipe, that is some 35
        # wake-ups of each side per result. With 1 MB, the 20 MB speed
        # benchmark's two-worker scan switched context 1,300-1,900 times
        # instead of 4,600-5,600, and took 1.27 s instead of 1.30 s
        # (medians of six interleaved runs). The executor keeps the
        # pipes private: if it ever stops, the default stays.
        for queue, end in ((getattr(self._pool, "_call_queue", None), "_writer"),
                           (getattr(self._pool, "_result_queue", None), "_reader")):
            conn = getattr(queue, end, None)
            if conn is not None:
                widen_pipe(conn.fileno())

    def submit(self, fn: Callable[..., R], *args: Any) -> Future[R]:
        return self._pool.submit(fn, *args)

    def in_order(self, fn: Callable[..., R], items: Iterable[T], *args: Any,
                 slots: ResultSlots | None = None) -> Iterator[R]:
        """``fn(item, *args)`` in input order, at most two items per worker
        in flight; with ``slots`` (one per item in flight, made before the
        workers were forked), each item's result comes through its slot,
        which the next item may take once the result has been used (the
        next is asked for)."""
        free = list(range(slots.count if slots is not None else 2 * self.jobs))
        pending: deque[tuple[int, Future[Any]]] = deque()

        def result(future: Future[Any]) -> R:
            return slots.taken(future.result()) if slots is not None else future.result()

        for item in items:
            slot = free.pop()
            pending.append((slot, self.submit(_in_slot, slot, item, fn, *args) if slots is not None
                            else self.submit(fn, item, *args)))
            if not free:
                slot, future = pending.popleft()
                yield result(future)
                free.append(slot)
        for _, future in pending:
            yield result(future)

    def __enter__(self) -> _Executor:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        if kind is not None:
            self.abandon()
        else:
            self._pool.shutdown(wait=True, cancel_futures=True)
        if isinstance(exc, BrokenProcessPool):
            raise WorkerError() from exc

    def abandon(self) -> None:
        """Stop the workers now, their tasks unfinished."""
        # After an error a worker may never finish (out of memory itself),
        # and one left waiting for work would keep the process from
        # exiting (multiprocessing joins its children at exit). The
        # executor stops them when a worker dies, unless its management
        # thread fails first (CPython 3.11 can, when a task cannot be
        # pickled for lack of memory while a worker dies), so they are
        # stopped here. The executor's own list of them is private; the
        # public way (terminate_workers) is Python 3.14+.
        processes = getattr(self._pool, "_processes", None) or {}
        for process in list(processes.values()):
            process.terminate()
        # Waiting after an error could hang: the error goes on at once.
        self._pool.shutdown(wait=False, cancel_futures=True)


class Started(Generic[R]):
    """``fn(item, *args)`` for every item, started at once in ``workers``
    forked worker processes, so that this process can do other work
    meanwhile (:meth:`results` gives them in input order and stops the
    workers). One worker is worth starting: this process is the other,
    and once it asks for the results it takes its share of what is left.

    With no workers, or where workers may not be forked (another thread
    alive, no fork, a daemonic process), nothing starts: the items run in
    this process when their results are asked for. Use it as a context
    manager: leaving it before the results are asked for (an error
    elsewhere) stops the workers."""

    def __init__(self, fn: Callable[..., R], items: Iterable[T], workers: int, *args: Any) -> None:
        self._work = (fn, list(items), args)
        self._pool: _Executor | None = None
        self._futures: list[Future[R]] = []
        if workers >= 1 and start_method() == "fork" and may_start_workers():
            self._pool = _Executor(workers, multiprocessing.get_context("fork"))
            try:
                self._futures = [self._pool.submit(fn, item, *args) for item in self._work[1]]
            except BaseException:
                self._pool.abandon()
                raise

    @property
    def running(self) -> bool:
        """Whether workers started (their results not yet asked for)."""
        return self._pool is not None

    def results(self) -> list[R]:
        """Every item's result, in input order (a worker's error is raised
        here); ask once. The items no worker has begun by then run here
        too, taken from the last back while the workers go on from the
        front (an item a worker has begun cannot be cancelled), so that
        with nothing else to do this process is one more worker."""
        fn, items, args = self._work
        if self._pool is None:
            return [fn(item, *args) for item in items]
        pool, self._pool = self._pool, None
        here: dict[int, R] = {}
        try:
            for i in range(len(items) - 1, -1, -1):
                if not self._futures[i].cancel():
                    break
                here[i] = fn(items[i], *args)
        except BaseException:
            # An item's error here: the workers are sound, and finish the
            # items they began before it goes on.
            pool.__exit__(None, None, None)
            raise
        with pool:
            return [here[i] if i in here else future.result() for i, future in enumerate(self._futures)]

    def __enter__(self) -> Started[R]:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        if self._pool is not None:
            self._pool.abandon()
            self._pool = None


class ForkedPool(Generic[S]):
    """Workers forked from this process once the data every task reads
    (``shared``: arrays, a spool file) are built. A task is
    ``fn(shared, item)``; ``shared`` reaches each worker through the fork
    (made at the first submission), as it was then, and is never pickled:
    only items and results travel. Tasks must only read it (a worker's
    changes stay in that worker).

    With ``jobs <= 1``, where forking is not safe (see
    :func:`start_method`) or no worker may be started
    (:func:`may_start_workers`), tasks run in this process when their result is
    asked for, one at a time, in the same order: results never depend on
    ``jobs``. Use it as a context manager; leaving it stops the workers."""

    def __init__(self, jobs: int, shared: S) -> None:
        self.shared = shared
        self.parallel = jobs > 1 and start_method() == "fork" and may_start_workers()
        self.jobs = jobs if self.parallel else 1
        self._pool = (_Executor(jobs, multiprocessing.get_context("fork"), _adopt, (shared,))
                      if self.parallel else None)

    def submit(self, fn: Callable[[S, T], R], item: T) -> Callable[[], R]:
        """Start ``fn(shared, item)``; call what this returns for its result."""
        if self._pool is None:
            return lambda: fn(self.shared, item)
        future = self._pool.submit(_call, item, fn)
        return future.result

    def map(self, fn: Callable[[S, T], R], items: Iterable[T]) -> Iterator[R]:
        """``fn(shared, item)`` for each item, in input order, at most two
        items per worker in flight."""
        if self._pool is None:
            return (fn(self.shared, item) for item in items)
        return self._pool.in_order(_call, items, fn)

    def __enter__(self) -> ForkedPool[S]:
        if self._pool is not None:
            self._pool.__enter__()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        if self._pool is not None:
            self._pool.__exit__(kind, exc, tb)


class _Adopted:
    """What a forked worker was given: the shared data of its
    :class:`ForkedPool`, or the :class:`ResultSlots` of its
    :func:`ordered_map`; one per worker process, set once when it starts."""

    shared: Any = None


def _adopt(shared: Any) -> None:
    _Adopted.shared = shared


def _call(item: Any, fn: Callable[[Any, Any], R]) -> R:
    return fn(_Adopted.shared, item)


class ResultSlots:
    """Memory shared with forked workers, cut into ``count`` slots of
    ``size`` bytes, through which results' arrays come back.

    Through the executor's pipe, a result is pickled into fresh memory in
    the worker, copied through the pipe into fresh memory here and
    unpickled: each array is copied three times, and the pages of each
    copy are faulted in anew. A worker instead pickles its result with the
    arrays out of band (protocol 5) and copies those into its slot, whose
    pages stay mapped from one result to the next; only the rest, a few
    kilobytes, goes through the pipe, and the arrays are unpickled here as
    views of the slot. A result whose arrays do not fit comes through the
    pipe whole."""

    ALIGN = 64  # every array starts on a cache line, so views of them are aligned

    def __init__(self, count: int, size: int) -> None:
        self.count, self.size = count, size
        self._map = mmap.mmap(-1, count * size)  # anonymous and shared: what a forked worker writes, this process reads
        self._view = memoryview(self._map)

    def put(self, slot: int, result: Any) -> Any:
        """What a worker sends for ``result``: its arrays copied into
        ``slot`` and the rest pickled, or ``result`` itself when the arrays
        do not fit."""
        buffers: list[pickle.PickleBuffer] = []
        body = pickle.dumps(result, protocol=5, buffer_callback=buffers.append)
        raws = [buffer.raw() for buffer in buffers]
        at, end = slot * self.size, (slot + 1) * self.size
        spans = []
        for raw in raws:
            if at + raw.nbytes > end:
                return result
            spans.append((at, raw.nbytes))
            at += raw.nbytes + -raw.nbytes % self.ALIGN
        for (start, size), raw in zip(spans, raws):
            self._view[start:start + size] = raw
        return _Slotted(body, spans)

    def taken(self, sent: Any) -> Any:
        """The result a worker sent with :meth:`put`."""
        if not isinstance(sent, _Slotted):
            return sent
        return pickle.loads(sent.body, buffers=[self._view[start:start + size] for start, size in sent.spans])


@dataclass(frozen=True)
class _Slotted:
    """A result whose arrays are in the shared memory of :class:`ResultSlots`."""

    body: bytes  # the result pickled without its arrays
    spans: list[tuple[int, int]]  # where each array is: (offset, bytes)


def _in_slot(slot: int, item: Any, fn: Callable[..., R], *args: Any) -> Any:
    return _Adopted.shared.put(slot, fn(item, *args))


#: What :func:`widen_pipe` asks for: the most an unprivileged process
#: may have on Linux unless the system was configured otherwise.
PIPE_BYTES = 1 << 20


def widen_pipe(fd: int, size: int = PIPE_BYTES) -> bool:
    """Ask the system to let the pipe ``fd`` hold ``size`` bytes, where it
    can (Linux); whether it does now. A refusal (another system, a user
    past the system's limit on pipe memory, not a pipe) changes nothing."""
    try:
        import fcntl  # noqa: PLC0415 - POSIX only
    except ImportError:
        return False
    setter = getattr(fcntl, "F_SETPIPE_SZ", None)
    if setter is None:
        return False
    try:
        return fcntl.fcntl(fd, setter, size) >= size
    except OSError:
        return False


def may_start_workers() -> bool:
    """Whether this process may start worker processes: a daemonic one
    (a worker of the caller's own ``multiprocessing.Pool``) may not, so
    there the work runs in the process itself."""
    return not multiprocessing.current_process().daemon


def start_method() -> str:
    """``fork`` where it is safe (POSIX, this process's only thread), else ``spawn``."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return "spawn"
