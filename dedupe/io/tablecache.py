"""Per-code-point tables kept on disk between processes.

The tokenizer, the normalizer and the prose and digit tests look every
character up in arrays of one entry per code point, computed from the
Unicode properties of ``regex`` and ``unicodedata``. Computing them takes
about 40 ms, and every process needs them: nearly all of what
``dedupe clean`` of a short file does after its imports, and serial time
before a scan's workers can start. Read back from files they take about
3 ms, the digest that names them included: the files are mapped
read-only, so the processes of one machine also share their pages.

An entry is a folder of ``.npy`` files named by a digest of everything
the tables are computed from: the source files of the modules that build
them, the versions of Python (and so of ``unicodedata``), ``regex``,
numpy and dedupe. A change to any of them names another folder, so an
entry is never stale; it is written under a temporary name and renamed
into place whole, so a reader never sees half of one. An entry that
cannot be read is computed again; a folder that cannot be written leaves
the tables computed in each process, as without a cache.

The folder is ``DEDUPE_CACHE_DIR`` when set (empty: no cache), else
``$XDG_CACHE_HOME/dedupe``, else ``~/.cache/dedupe`` (``%LOCALAPPDATA%``
on Windows). Entries are a few megabytes; deleting the folder is safe.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import regex
import xxhash

from dedupe._version import __version__

#: The environment variable that names the folder (empty: no cache).
CACHE_ENV = "DEDUPE_CACHE_DIR"

Build = Callable[[], dict[str, np.ndarray]]


def cache_dir() -> Path | None:
    """Where entries are kept, or ``None`` when the cache is off."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return Path(chosen) if chosen else None
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "dedupe" / "Cache"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return None if base.startswith("~") else Path(base) / "dedupe"


def entry_key(name: str, sources: Sequence[str]) -> str | None:
    """The digest that names the entry ``name`` computed by the code of
    ``sources`` (file names); ``None`` when a source cannot be read (then
    nothing can tell a stale entry from a good one)."""
    digest = xxhash.xxh3_128()
    for part in (name, __version__, sys.version, unicodedata.unidata_version, regex.__version__,
                 np.__version__, sys.byteorder):
        digest.update(part.encode() + b"\0")
    for source in sources:
        try:
            digest.update(Path(source).read_bytes() + b"\0")
        except OSError:
            return None
    return digest.hexdigest()


def cached_tables(name: str, names: Sequence[str], sources: Sequence[str], build: Build) -> dict[str, np.ndarray]:
    """``build()``, the arrays ``names``: read from the cache when an entry
    for ``name`` and ``sources`` (the files whose code ``build`` runs) is
    there, else computed and, where the folder allows, written for the
    next process. The arrays read back are read-only, as the tables are
    constants."""
    folder = cache_dir()
    key = entry_key(name, sources) if folder is not None else None
    if folder is None or key is None:
        return build()
    entry = folder / f"{name}-{key}"
    try:
        return _read(entry, names)
    except (OSError, ValueError, EOFError):
        # Not there yet, or damaged: what is there goes, and it is made anew.
        import shutil  # noqa: PLC0415  (building the tables only, as tempfile below)

        shutil.rmtree(entry, ignore_errors=True)
    arrays = build()
    if sorted(arrays) != sorted(names):
        raise ValueError(f"the tables {name!r} are {sorted(arrays)}, not {sorted(names)}")
    _write(entry, arrays)
    return arrays


def _read(entry: Path, names: Sequence[str]) -> dict[str, np.ndarray]:
    return {n: np.asarray(np.load(entry / f"{n}.npy", mmap_mode="r", allow_pickle=False)) for n in names}


def _write(entry: Path, arrays: dict[str, np.ndarray]) -> bool:
    """Store ``arrays`` as ``entry``, whole or not at all; whether it was.
    Another process that stores the same entry first wins: the two are
    equal."""
    import shutil  # noqa: PLC0415  (with tempfile, 1.6 ms of every start when at the top)
    import tempfile  # noqa: PLC0415

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{entry.name}-", dir=entry.parent))
    except OSError:
        return False
    try:
        for n, array in arrays.items():
            np.save(staging / f"{n}.npy", np.ascontiguousarray(array), allow_pickle=False)
        os.rename(staging, entry)
        return True
    except OSError:
        return False
    finally:
        shutil.rmtree(staging, ignore_errors=True)
