"""The progress line: drawn on a terminal, silent otherwise, erased at the end."""

from __future__ import annotations

import io

import dedupe
from dedupe.io.progress import Progress



class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


class _Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_silent_when_not_a_terminal():
    out = io.StringIO()
    p = Progress(out)
    p.update(10, 5_000_000)
    p.close()
    assert out.getvalue() == ""
    assert (p.documents, p.bytes) == (10, 5_000_000)


def test_draws_on_a_terminal_at_a_limited_rate_and_erases():
    out, clock = _Tty(), _Clock()
    p = Progress(out, clock=clock, rate=2.0)
    clock.t = 1.0
    p.update(1, 2_000_000)
    p.update(1, 2_000_000)  # same instant: not redrawn
    assert out.getvalue().count("\r") == 1
    assert "1 documents, 2.0 MB, 2.0 MB/s" in out.getvalue()
    clock.t = 2.0
    p.update(1, 2_000_000)
    assert "3 documents, 6.0 MB, 3.0 MB/s" in out.getvalue()
    p.close()
    assert out.getvalue().endswith("\r")


def test_scan_reports_progress_to_a_terminal():
    out = _Tty()
    docs = [(str(i), "Some words here, not many of them at all.") for i in range(5)]
    dedupe.scan(docs, progress=Progress(out, rate=1e9))
    text = out.getvalue()
    assert "5 documents" in text
    assert text.endswith("\r")  # erased when done


def test_index_add_reports_the_files_it_reads_to_a_terminal(tmp_path):
    from dedupe.index.index import Index, add_paths

    texts = [f"Page {i}: some words here, not many of them at all.\n" for i in range(4)]
    for i, text in enumerate(texts):
        (tmp_path / f"p{i}.md").write_text(text, encoding="utf-8")
    (tmp_path / "binary.md").write_bytes(b"\x00\x01")  # skipped, not counted
    out = _Tty()
    with Index(tmp_path / "i.db") as index, Progress(out, rate=1e9, label="index add") as p:
        res = add_paths(index, [str(tmp_path)], progress=p)
    assert len(res.added) == 4 and len(res.skipped) == 1
    assert (p.documents, p.bytes) == (4, sum(map(len, texts)))
    assert "index add: 4 documents" in out.getvalue() and out.getvalue().endswith("\r")


def test_check_reports_the_files_it_reads_then_that_it_compares(tmp_path):
    from dedupe.check.run import CheckSettings, run_check

    for i in range(3):
        (tmp_path / f"p{i}.md").write_text(f"Page {i}: some words here, not many of them at all.\n", encoding="utf-8")
    out = _Tty()
    with Progress(out, rate=1e9, label="check") as p:
        report = run_check([str(tmp_path)], CheckSettings(), progress=p)
    assert report.files == 3 and p.documents == 3
    text = out.getvalue()
    assert "check: 3 documents" in text and "check: comparing: 3 documents" in text and text.endswith("\r")
