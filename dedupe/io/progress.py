"""A one-line progress display on standard error, only for a terminal.

When standard error is a file or a pipe (CI logs, ``2> log``), nothing is
written: a log full of carriage-return redraws helps nobody.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Counts documents and bytes and redraws one line at most ``rate``
    times a second. Use as a context manager, or call :meth:`close`."""

    def __init__(
        self,
        stream: TextIO | None = None,
        enabled: bool | None = None,
        label: str = "scan",
        rate: float = 8.0,
        clock=time.monotonic,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self.label = label
        self.documents = 0
        self.bytes = 0
        self._clock = clock
        self._start = clock()
        self._interval = 1.0 / rate
        self._last = float("-inf")
        self._width = 0

    def update(self, documents: int = 0, nbytes: int = 0) -> None:
        self.documents += documents
        self.bytes += nbytes
        if not self.enabled:
            return
        now = self._clock()
        if now - self._last >= self._interval:
            self._last = now
            self._draw(now)

    def line(self, now: float | None = None) -> str:
        """The text of the progress line."""
        elapsed = max((self._clock() if now is None else now) - self._start, 1e-9)
        mb = self.bytes / 1e6
        return (
            f"{self.label}: {self.documents:,} documents, {mb:,.1f} MB,"
            f" {mb / elapsed:,.1f} MB/s, {elapsed:,.0f} s"
        )

    def _draw(self, now: float) -> None:
        text = self.line(now)
        pad = max(0, self._width - len(text))
        self._width = len(text)
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()

    def stage(self, name: str) -> None:
        """Show what the scan is doing after reading (grouping, reporting)."""
        if self.enabled:
            self.label = name
            self._draw(self._clock())

    def close(self) -> None:
        """Erase the line, leaving the terminal as it was."""
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
