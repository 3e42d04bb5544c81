"""The command's process (:mod:`dedupe.__main__`): set up before numpy loads."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# Runs the command's entry point (``--version``: every module of the
# command is imported, numpy with them) and prints how many threads the
# process then has.
_THREADS_AFTER_COMMAND = """
import os, sys
sys.argv = ["dedupe", "--version"]
from dedupe.__main__ import main
try:
    main()
except SystemExit:
    pass
assert "numpy" in sys.modules
print(len(os.listdir("/proc/self/task")), file=sys.stderr)
"""


def _threads(env_blas: str | None) -> int:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    if env_blas is not None:
        env["OPENBLAS_NUM_THREADS"] = env_blas
    proc = subprocess.run([sys.executable, "-c", _THREADS_AFTER_COMMAND], env=env, capture_output=True,
                          text=True, check=True)
    return int(proc.stderr.strip())


@pytest.mark.skipif(not os.path.isdir("/proc/self/task") or (os.cpu_count() or 1) < 2,
                    reason="counts threads in /proc; OpenBLAS starts helpers only with two or more CPUs")
def test_the_command_starts_no_blas_helper_threads_unless_the_environment_asks():
    # numpy's OpenBLAS would start one thread per CPU, each spinning for
    # about 0.1 s of CPU; the command does no linear algebra.
    assert _threads(None) == 1
    assert _threads("2") == 2


def test_import_dedupe_loads_no_numpy():
    """Importing the package leaves the process as it was, so the command
    can set it up before numpy loads; the API loads on first use."""
    code = "import sys, dedupe; print('numpy' in sys.modules); dedupe.clean; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]
