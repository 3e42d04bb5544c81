"""One way to run work in worker processes: an ordered map.

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
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from dedupe.errors import WorkerError

T = TypeVar("T")
R = TypeVar("R")


def ordered_map(fn: Callable[..., R], items: Iterable[T], jobs: int, *args: Any,
                in_process: int = 1) -> Iterator[R]:
    """``fn(item, *args)`` for each item, in input order. With ``jobs > 1``
    at most two items per worker are in flight, so reading a stream of
    items never runs far ahead of the workers (memory stays flat).

    ``jobs=0`` decides from the work: up to ``in_process`` items run in
    this process (a spawned worker costs about half a second of imports),
    and as soon as one more follows, every item goes to workers, one per
    CPU, so that this process only reads while they work."""
    if jobs == 0:
        it = iter(items)
        head = list(itertools.islice(it, in_process + 1))
        if len(head) <= in_process:
            for item in head:
                yield fn(item, *args)
            return
        items, jobs = itertools.chain(head, it), os.cpu_count() or 1
    if jobs <= 1:
        for item in items:
            yield fn(item, *args)
        return
    # An executor, not multiprocessing.Pool: a Pool replaces a worker that
    # dies (the kernel's OOM killer) and waits forever for its task, while
    # an executor fails every pending task and every later submission.
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(start_method()))
    finished = False
    try:
        pending: deque[Future] = deque()
        for item in items:
            pending.append(pool.submit(fn, item, *args))
            while len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
        finished = True
    except BrokenProcessPool as exc:
        raise WorkerError("a worker process ended without finishing its work (killed, most often for lack of "
                          "memory); run with --jobs 1 or with more memory") from exc
    finally:
        # After an error a worker may never finish (out of memory itself):
        # waiting for it could hang, so the error goes on at once.
        pool.shutdown(wait=finished, cancel_futures=True)


def start_method() -> str:
    """``fork`` where it is safe (POSIX, this process's only thread), else ``spawn``."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return "spawn"
