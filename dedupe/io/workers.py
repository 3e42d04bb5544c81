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
from typing import Any, TypeVar

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
    ctx = multiprocessing.get_context(start_method())
    with ctx.Pool(jobs) as pool:
        pending: deque = deque()
        for item in items:
            pending.append(pool.apply_async(fn, (item, *args)))
            while len(pending) >= 2 * jobs:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def start_method() -> str:
    """``fork`` where it is safe (POSIX, this process's only thread), else ``spawn``."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return "spawn"
