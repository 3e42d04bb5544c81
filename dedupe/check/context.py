"""What the rules of one check share: the texts, the settings, and the
expensive results more than one rule reads (one corpus scan of the checked
files, their line indexes), each computed once and only when a selected
rule asks for it."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from functools import cached_property
from typing import TYPE_CHECKING, Any

from dedupe.check.findings import Finding
from dedupe.check.options import CheckOptions
from dedupe.io.chunks import file_chunks, map_chunks
from dedupe.io.history import first_commit_times
from dedupe.io.textio import LineIndex
from dedupe.options import Options, ScanOptions

if TYPE_CHECKING:
    from dedupe.corpus.scan import ScanResult


def _apply(chunk: list[tuple[str, str]], fn: Callable[..., list[Finding]], *args: Any) -> list[Finding]:
    return [f for path, text in chunk for f in fn(path, text, *args)]


class CheckContext:
    """Use it as a context manager: leaving it stops the workers of work
    started (:meth:`start_files`, :meth:`start_file_chunks`) and not
    collected."""

    def __init__(self, texts: dict[str, str], options: Options, scan_options: ScanOptions,
                 check: CheckOptions) -> None:
        self.texts = texts
        self.options = options
        self.scan_options = scan_options
        self.check = check
        self._lines: dict[str, LineIndex] = {}
        self._started = ExitStack()

    def __enter__(self) -> CheckContext:
        return self

    def __exit__(self, *exc: object) -> None:
        self._started.close()

    def lines(self, path: str) -> LineIndex:
        if path not in self._lines:
            self._lines[path] = LineIndex(self.texts[path])
        return self._lines[path]

    def map_files(self, fn: Callable[..., list[Finding]], *args: Any) -> list[Finding]:
        """``fn(path, text, *args)`` over every file, concatenated in file
        order; in worker processes when there are many files (each file is
        independent, so the result does not depend on the workers)."""
        return self.map_file_chunks(_apply, fn, *args)

    def map_file_chunks(self, fn: Callable[..., list[Finding]], *args: Any) -> list[Finding]:
        """``fn(chunk, *args)`` over the files cut into chunks (lists of
        ``(path, text)``), as :meth:`map_files`: for a rule that needs
        something for its files (an index to open) once per chunk."""
        chunks, jobs = self._chunks()
        return [f for part in map_chunks(fn, chunks, jobs, *args) for f in part]

    def start_files(self, fn: Callable[..., list[Finding]], *args: Any) -> Callable[[], list[Finding]]:
        """:meth:`map_files`, and what gives its findings once called.
        Where workers would take the files and the corpus scan runs in this
        process (a corpus too small to fork workers for), the workers start
        now, one fewer than the jobs, and the scan the cross-file rules ask
        for runs beside them on the last core: on the Rust book's 112 pages
        the two took 0.14 and 0.20 s one after the other, and the whole
        check 0.44 s; with two workers beside the scan on two cores it took
        0.38-0.39 s, with one 0.32 s. This process takes its share of the
        files no worker has begun once it asks for the findings (no rule
        asked for the scan, or the scan ended first). Elsewhere the files
        are mapped when asked for."""
        return self.start_file_chunks(_apply, fn, *args)

    def start_file_chunks(self, fn: Callable[..., list[Finding]], *args: Any) -> Callable[[], list[Finding]]:
        """:meth:`start_files` of a function of a chunk (:meth:`map_file_chunks`).
        Workers another rule started keep this one from forking its own
        (their threads are alive): its files are then mapped when asked
        for, in workers again once that rule's findings were collected."""
        chunks, jobs = self._chunks()
        if jobs > 1 and self._scan_in_process():
            from dedupe.io.workers import Started  # noqa: PLC0415

            started = self._started.enter_context(Started(fn, chunks, jobs - 1, *args))
            if started.running:
                return lambda: [f for part in started.results() for f in part]
        return lambda: self.map_file_chunks(fn, *args)

    def _chunks(self) -> tuple[list[list[tuple[str, str]]], int]:
        """The files in chunks for workers, and how many workers take them (1: none)."""
        return file_chunks(list(self.texts.items()), self.scan_options.jobs)

    def _scan_in_process(self) -> bool:
        """Whether the corpus scan of the checked files would start no
        workers (:func:`dedupe.corpus.batches.in_process`): then workers
        started before it (which keep threads alive here, so that later
        workers could not be forked) cost it nothing."""
        from dedupe.corpus.batches import in_process  # noqa: PLC0415

        return in_process(self.scan_options.jobs, len(self.texts), sum(map(len, self.texts.values())))

    @cached_property
    def scan(self) -> ScanResult:
        """The corpus scan of the checked files, with the check's own
        detection and corpus options. Strict: every checked file is a
        document; none may be skipped quietly."""
        # Imported when a rule asks for the scan: the cross-file rules do
        # not for one file, and the corpus scan's modules were 20 ms of a
        # pre-commit check of one page.
        from dedupe.corpus.scan import scan  # noqa: PLC0415

        # Of two near-duplicate articles the original is the one committed
        # first (then the first path), not whichever path sorts first.
        age = first_commit_times(self.texts)
        return scan(list(self.texts.items()), self.options, self.scan_options, strict=True, seniority=age)

    @cached_property
    def article_pairs(self) -> set[tuple[str, str]]:
        """(copy, original) of every near-duplicate article pair, both ways
        round, so that passage rules need not report them again."""
        pairs: set[tuple[str, str]] = set()
        for c in self.scan.clusters:
            for m in c.members[1:]:
                pairs |= {(m, c.members[0]), (c.members[0], m)}
        return pairs
