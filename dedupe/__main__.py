"""The ``dedupe`` command (``python -m dedupe`` too): the process set up
for it, then :func:`dedupe.cli.run`."""

from __future__ import annotations

import os
from typing import NoReturn


def main() -> NoReturn:
    # The command does no linear algebra, but numpy's OpenBLAS starts a
    # helper thread per CPU when numpy is imported, and each spins for
    # about 0.1 s of CPU waiting for work that never comes: 8-9 % of the
    # CPU time of a 20 MB scan, on cores its workers need. Set before
    # anything imports numpy; a value in the environment wins.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from dedupe.cli import run  # noqa: PLC0415 - after the setting above

    run()


if __name__ == "__main__":
    main()
