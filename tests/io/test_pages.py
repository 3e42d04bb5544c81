"""The command line turns numpy's huge-page advice off for its process,
unless the environment says otherwise; importing the library changes
nothing."""

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
