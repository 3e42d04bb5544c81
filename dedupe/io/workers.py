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
_END: Any = object()


def ordered_map(fn: Callable[..., R], items: Iterable[T], jobs: int, *args: Any) -> Iterator[R]:
    """``fn(item, *args)`` for each item, in input order. With ``jobs > 1``
    at most two items per worker are in flight, so reading a stream of
    items never runs far ahead of the workers (memory stays flat).

    ``jobs=0`` decides from the work: a single item runs in this process
    (a spawned worker costs about half a second of imports), and as soon
    as a second one follows, every item goes to workers, one per CPU, so
    that this process only reads while they work."""
    if jobs == 0:
        it = iter(items)
        first, second = next(it, _END), next(it, _END)
        if first is _END:
            return
        if second is _END:
            yield fn(first, *args)
            return
        items, jobs = itertools.chain([first, second], it), os.cpu_count() or 1
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
