"""The command line as a real process, under the limits a user meets:
an unprivileged user (root is not stopped by permission bits) and a cap on
the address space (a container, ``ulimit -v``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The user an unprivileged process runs as when the tests run as root.
NOBODY = 65534
#: One BLAS thread each: a capped address space must not go to thread stacks.
_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"}


def _memory_limit(memory: int | None) -> Callable[[], None] | None:
    if memory is None:
        return None

    def apply() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return apply


def _as_nobody() -> list[str]:
    """The prefix that runs a command as an ordinary user when the tests
    run as root. ``setpriv`` (util-linux) drops root's capabilities only
    at ``exec``, so the interpreter can be started from wherever root
    installed it; a ``setuid`` in ``preexec_fn`` could not."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) is needed to run a command as an ordinary user"
    return [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


def run_dedupe(args: Sequence[str], *, cwd: str | os.PathLike = ROOT, unprivileged: bool = False,
               memory: int | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """``python -m dedupe ARGS`` in ``cwd``; ``unprivileged`` runs it as an
    ordinary user when the tests run as root, ``memory`` caps its address
    space (bytes). Output is text."""
    prefix = _as_nobody() if unprivileged else []
    return subprocess.run(
        [*prefix, sys.executable, "-m", "dedupe", *args], cwd=cwd, capture_output=True, text=True,
        env={**os.environ, **_ENV}, preexec_fn=_memory_limit(memory), timeout=timeout,
    )


def one_line(stderr: str, kind: str = "error") -> str:
    """The one ``dedupe: error:`` (or ``warning:``) line of ``stderr``, the only line."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"dedupe: {kind}: "), stderr
    return lines[0]


@contextmanager
def shared_tree() -> Iterator[Path]:
    """A temporary folder that an unprivileged process may read and write
    (the tests' own ``tmp_path`` is private to their user), removed after
    the modes of the folders inside it are restored."""
    folder = Path(tempfile.mkdtemp(prefix="dedupe-shared-"))
    try:
        os.chmod(folder, 0o755)
        if os.geteuid() == 0:
            os.chown(folder, NOBODY, NOBODY)
        yield folder
    finally:
        for here, dirs, _ in os.walk(folder):  # top down: a folder opens before the walk enters it
            for d in dirs:
                os.chmod(os.path.join(here, d), 0o755)
        shutil.rmtree(folder)


def give_away(folder: Path) -> None:
    """Everything below ``folder`` owned by the unprivileged user when the
    tests run as root, so that its modes apply to that user as the owner."""
    if os.geteuid() != 0:
        return
    for here, dirs, files in os.walk(folder):
        for name in dirs + files:
            os.chown(os.path.join(here, name), NOBODY, NOBODY)
