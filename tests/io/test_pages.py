"""The command line turns numpy's huge-page advice off for its process
and keeps freed memory for reuse, unless the environment says otherwise;
importing the library changes neither."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Prints whether numpy still advised huge pages after the given code ran.
_PROBE = """
import numpy as np
{code}
core = getattr(np, "_core", None) or np.core
print(core.multiarray._set_madvise_hugepage(False))
"""


def _advised_after(code: str, env_value: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    if env_value is not None:
        env["NUMPY_MADVISE_HUGEPAGE"] = env_value
    out = subprocess.run([sys.executable, "-c", _PROBE.format(code=code)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()[-1]


_RUN_CLI = "from dedupe.cli import main\nmain(['scan', 'README.md', '--no-config'])"


def test_the_command_line_turns_the_advice_off():
    assert _advised_after(_RUN_CLI, None) == "False"


def test_importing_the_library_leaves_numpy_as_it_was():
    assert _advised_after("import dedupe; dedupe.scan(['a text of some words here'])", None) == "True"


@pytest.mark.parametrize("value, advised", [("1", "True"), ("0", "False")])
def test_the_environment_variable_wins(value, advised):
    assert _advised_after(_RUN_CLI, value) == advised


# Prints whether a 20 MB array, made after the given code ran, was mapped
# on its own (glibc's default for blocks past its threshold) rather than
# taken from the heap, where a freed block is reused without new faults.
_HEAP_PROBE = """
import ctypes
import numpy as np
{code}

class Info(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
                 "fordblks", "keepcost")]

info = ctypes.CDLL(None).mallinfo2
info.restype = Info
before = info().hblks
a = np.ones(20 << 17)
print(info().hblks > before)
"""


def _mapped_on_its_own_after(code: str, env: dict[str, str]) -> str:
    import ctypes

    if not hasattr(ctypes.CDLL(None), "mallinfo2"):
        pytest.skip("the C library is not glibc 2.33 or later")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_") and k != "GLIBC_TUNABLES"}
    out = subprocess.run([sys.executable, "-c", _HEAP_PROBE.format(code=code)], cwd=ROOT, env={**clean, **env},
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()[-1]


def test_the_command_line_takes_large_blocks_from_the_heap_to_reuse_them():
    assert _mapped_on_its_own_after("import dedupe; dedupe.scan(['a text of some words here'])", {}) == "True"
    assert _mapped_on_its_own_after(_RUN_CLI, {}) == "False"


@pytest.mark.parametrize("name, value", [("MALLOC_MMAP_THRESHOLD_", "131072"),
                                         ("GLIBC_TUNABLES", "glibc.malloc.mmap_threshold=131072")])
def test_the_c_librarys_own_settings_win(name, value):
    assert _mapped_on_its_own_after(_RUN_CLI, {name: value}) == "True"


@pytest.mark.parametrize("library", [object(), None])
def test_without_glibcs_switch_the_command_goes_on_unchanged(monkeypatch, library):
    import ctypes

    from dedupe.io.pages import reuse_freed_memory

    def load(name):
        if library is None:  # as on Windows, which has no handle for the process itself
            raise TypeError("expected str, bytes or os.PathLike object, not NoneType")
        return library  # as on macOS: a C library without mallopt

    for name in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(ctypes, "CDLL", load)
    assert reuse_freed_memory() is False


# Prints the youngest generation's threshold and whether objects were frozen
# out of collections after the given code ran.
_GC_PROBE = """
import gc
{code}
print(gc.get_threshold()[0], gc.get_freeze_count() > 0)
"""


def _collections_after(code: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", _GC_PROBE.format(code=code)], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()[-2:]


def test_the_command_line_collects_garbage_less_often_and_skips_what_it_imported():
    from dedupe.io.pages import GC_YOUNG

    assert _collections_after(_RUN_CLI) == [str(GC_YOUNG), "True"]


def test_importing_the_library_leaves_the_garbage_collector_as_it_was():
    untouched = _collections_after("pass")
    assert _collections_after("import dedupe; dedupe.scan(['a text of some words here'])") == untouched
    assert untouched[1] == "False"
