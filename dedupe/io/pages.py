"""How this process asks the kernel for memory pages.

numpy advises the kernel to back every array of 4 MB or more with 2 MB
pages (``madvise(MADV_HUGEPAGE)``). Where the kernel then compacts memory
synchronously on the first touch of such an array (transparent huge
pages with ``defrag`` set to ``madvise``, a common default), a scan's
first touches stall: on the development machine one call that builds the
documents' shingle sets spent 0.87 s in the kernel instead of 0.04 s, and
over five runs of the 20 MB benchmark corpus the mean wall time of
``dedupe scan`` fell from 5.24 to 4.31 s (``--jobs 1``) and from 3.56 to
3.09 s (``--jobs 2``) with the advice off. The arrays are read a few
times each, so large pages buy little here.

The command line turns the advice off for its own process (and so for
its forked workers); a program that imports the library keeps numpy's
setting unless it calls :func:`small_pages` itself. An explicit
``NUMPY_MADVISE_HUGEPAGE`` in the environment always wins.

The command line also keeps freed memory for reuse
(:func:`reuse_freed_memory`), where the C library is glibc, and lets the
garbage collector walk fewer objects less often (:func:`few_collections`).
"""

from __future__ import annotations

import gc
import os

import numpy as np


def small_pages() -> bool:
    """Stop numpy from advising huge pages in this process, unless
    ``NUMPY_MADVISE_HUGEPAGE`` says what to do; whether it was changed."""
    if "NUMPY_MADVISE_HUGEPAGE" in os.environ:
        return False
    core = getattr(np, "_core", None) or getattr(np, "core", None)
    setter = getattr(getattr(core, "multiarray", None), "_set_madvise_hugepage", None)
    if setter is None:  # a numpy without the switch advises nothing
        return False
    setter(False)
    return True


#: glibc's ``mallopt`` parameters (``malloc.h``).
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
#: Blocks up to this size come from the heap, and are reused once freed.
HEAP_BLOCK = 32 << 20
#: Free memory at the top of the heap goes back to the system past this.
HEAP_SLACK = 32 << 20


def reuse_freed_memory() -> bool:
    """Keep this process's freed blocks (and its forked workers') for
    reuse, unless ``MALLOC_MMAP_THRESHOLD_``, ``MALLOC_TRIM_THRESHOLD_``
    or ``GLIBC_TUNABLES`` say what to do; whether it was changed.

    By default glibc maps each block past a threshold of its own and
    unmaps it when freed, and moves that threshold as blocks come and go,
    so a scan's arrays kept meeting the kernel's page faults afresh, in
    each worker too. Measured on the 20 MB benchmark corpus with two
    workers (four interleaved runs each): 213,000 faults and 0.49 s of
    system time before, 134,000 and 0.37 s with blocks up to
    :data:`HEAP_BLOCK` taken from the heap and :data:`HEAP_SLACK` of free
    memory kept there; the wall time fell from 1.52 to 1.46 s (one worker,
    and a check of 5,000 pages: unchanged). The peak memory of a scan or
    check grows by 1-10 % (the heaps of the main process and of each
    worker keep what they freed). A long-lived program that imports the
    library keeps glibc's defaults, which give memory back sooner."""
    if "MALLOC_MMAP_THRESHOLD_" in os.environ or "MALLOC_TRIM_THRESHOLD_" in os.environ \
            or "malloc" in os.environ.get("GLIBC_TUNABLES", ""):
        return False
    import ctypes  # noqa: PLC0415  (only the command line pays for it)

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):  # not glibc (Windows has no process handle): no such switch
        return False
    # musl has the function but no such switch: it returns 0.
    return bool(mallopt(_M_MMAP_THRESHOLD, HEAP_BLOCK)) and bool(mallopt(_M_TRIM_THRESHOLD, HEAP_SLACK))


#: Allocations of container objects between two collections of the
#: youngest generation (Python's default is 700).
GC_YOUNG = 10_000


def few_collections() -> None:
    """Leave what is in memory now (the modules imported) out of every
    later garbage collection, and collect the youngest generation after
    :data:`GC_YOUNG` allocations instead of 700.

    A scan makes millions of short-lived containers (parsed records,
    lists of tuples) and almost no reference cycles. On the 20 MB
    benchmark corpus the main process spent 0.037 s in 276 young and 2
    full collections, 3 % of its CPU time; frozen and with the larger
    threshold, 0.014 s. Forked workers inherit both, and their
    collections no longer walk, and write to, the pages of the objects
    they share with the main process. A program that imports the library
    keeps its own settings."""
    gc.freeze()
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])
