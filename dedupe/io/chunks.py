"""Independent files cut into chunks and mapped over them in order, in
worker processes when there are enough files to pay for them. The worker
machinery is imported only then: multiprocessing behind it was 10 ms of a
pre-commit run on one page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from dedupe.options import resolve_jobs

T = TypeVar("T")
R = TypeVar("R")

#: Up to this many files a worker pool costs more than it saves (starting
#: a worker imports numpy and the Unicode tables: about half a second).
POOL_ABOVE_FILES = 64
#: A worker is worth starting for at least this many files.
FILES_PER_WORKER = 16


def file_chunks(items: list[T], jobs: int) -> tuple[list[list[T]], int]:
    """Independent files (``items``) cut into chunks for workers, and how
    many workers take them (1: none, the chunks run in this process):
    ``jobs`` (0: one per CPU), at most one per :data:`FILES_PER_WORKER`
    files, none for :data:`POOL_ABOVE_FILES` files or fewer. Eight chunks
    per worker, so that a chunk of slow files holds the others up little."""
    workers = min(resolve_jobs(jobs), max(1, len(items) // FILES_PER_WORKER))
    if len(items) <= POOL_ABOVE_FILES:
        workers = 1
    size = max(1, len(items) // (workers * 8))
    return [items[i:i + size] for i in range(0, len(items), size)], workers


def map_chunks(fn: Callable[..., R], chunks: list[list[T]], workers: int, *args: Any) -> Iterator[R]:
    """``fn(chunk, *args)`` for each of ``chunks`` (:func:`file_chunks`), in
    order: here with one worker, else in ``workers`` worker processes."""
    if workers == 1:
        for chunk in chunks:
            yield fn(chunk, *args)
        return
    from dedupe.io.workers import ordered_map  # noqa: PLC0415  (see the module docstring)

    yield from ordered_map(fn, chunks, workers, *args)
