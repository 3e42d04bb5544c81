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
"""

from __future__ import annotations

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
