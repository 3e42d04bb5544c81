"""Results of worker processes sent back through shared memory.

A result of stage 1 is mostly numpy arrays (about four times the size of
the text it describes). Sent back the usual way, through a pipe, its bytes
are copied four times (pickled, written, read, unpickled), and on two
cores that copying took about 0.2 CPU seconds of a 20 MB scan, half of it
in the main process, which also reads the input. Here the arrays are
written once, by the worker, to a file in a private folder in shared
memory (``/dev/shm``), and the main process maps that file: the arrays it
gets are views of the worker's bytes, with no copy at all.

Only the arrays take that way (pickle protocol 5 hands out their buffers);
the rest of the result, and any result whose arrays are small, travels in
the pipe as before. Where there is no shared memory folder (not Linux) or
it is full (a container's is 64 MB by default), results travel in the
pipe: the way changes the speed, never the result.
"""

from __future__ import annotations

import mmap
import os
import pickle
import shutil
import stat
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

R = TypeVar("R")

#: Where a machine keeps files in memory; the folder of a run is made in it.
SHARED_MEMORY = "/dev/shm"
#: Arrays smaller than this in all travel in the pipe: for them a file's
#: creation, mapping and removal cost more than the copies they save.
MIN_SHELVED_BYTES = 1 << 20
#: Each array starts at a multiple of this in its file, so that the views
#: are aligned as numpy's own allocations are (a cache line).
ALIGN = 64


def make_folder() -> str | None:
    """A new private folder in shared memory, or ``None`` where there is none.

    Its name carries this process's id: a folder left behind by a run
    that was killed (its files are memory, not disk) is removed by the
    next run, once its process is gone and the folder has not changed for
    :data:`STALE_SECONDS`."""
    if not os.path.isdir(SHARED_MEMORY) or not os.access(SHARED_MEMORY, os.W_OK | os.X_OK):
        return None
    sweep()
    try:
        return tempfile.mkdtemp(prefix=f"dedupe-{os.getpid()}-", dir=SHARED_MEMORY)
    except OSError:
        return None


#: A folder of a run whose process is gone is removed only once it has
#: not changed for this long: a run in another PID namespace sharing the
#: folder looks gone, but adds files as it works.
STALE_SECONDS = 3600


def sweep(now: float | None = None) -> None:
    """Remove the folders left by killed runs (see :func:`make_folder`)."""
    now = time.time() if now is None else now
    try:
        names = os.listdir(SHARED_MEMORY)
    except OSError:
        return
    for name in names:
        parts = name.split("-")
        if len(parts) != 3 or parts[0] != "dedupe" or not parts[1].isdigit() or _alive(int(parts[1])):
            continue
        path = os.path.join(SHARED_MEMORY, name)
        try:
            info = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and now - info.st_mtime > STALE_SECONDS:
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def remove_folder(folder: str | None) -> None:
    """Remove a folder of :func:`make_folder` and any parcel left in it (by
    an error, or a worker that died while writing)."""
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Parcel:
    """A result on its way from a worker: pickled, its large buffers left
    in a file of the run's folder, or carried inside when there is none."""

    data: bytes
    path: str | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)

    def open(self) -> Any:
        """The result, its arrays mapped from the file, which is removed at
        once: the mapping keeps the bytes for as long as an array needs them."""
        if self.path is None:
            return pickle.loads(self.data)
        with open(self.path, "rb") as f:
            os.unlink(self.path)
            # A private mapping: the arrays are writable, as received
            # arrays are, and a write copies only the page it touches.
            mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY)
        view = memoryview(mapped)
        return pickle.loads(self.data, buffers=[view[a:b] for a, b in self.spans])


def pack(result: Any, folder: str | None) -> Parcel:
    """``result`` as a :class:`Parcel`, its buffers in a file of ``folder``
    when they are large enough and the file can be written."""
    buffers: list[pickle.PickleBuffer] = []
    data = pickle.dumps(result, protocol=5, buffer_callback=buffers.append)
    if not buffers:
        return Parcel(data)
    raws = [b.raw() for b in buffers]
    total = sum(r.nbytes for r in raws)
    if folder is None or total == 0 or total < MIN_SHELVED_BYTES:  # an empty file cannot be mapped
        return Parcel(pickle.dumps(result, protocol=5))
    spans, end = [], 0
    for raw in raws:
        start = -(-end // ALIGN) * ALIGN
        end = start + raw.nbytes
        spans.append((start, end))
    try:
        fd, path = tempfile.mkstemp(dir=folder)
    except OSError:
        return Parcel(pickle.dumps(result, protocol=5))
    try:
        with os.fdopen(fd, "wb") as f:
            for raw, (start, _) in zip(raws, spans):
                f.seek(start)
                f.write(raw)
    except OSError:  # the folder is full: the pipe has no such limit
        os.unlink(path)
        return Parcel(pickle.dumps(result, protocol=5))
    return Parcel(data, path, spans)


def packed_call(folder: str | None, fn: Callable[..., Any], *args: Any) -> Parcel:
    """``fn(*args)`` in a worker, packed for the way back."""
    return pack(fn(*args), folder)
