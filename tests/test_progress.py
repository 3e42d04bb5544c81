"""The progress line: drawn on a terminal, silent otherwise, erased at the end."""

from __future__ import annotations

import io

import dedupe
from dedupe.core.groups import DisjointSet, leader_groups
from dedupe.io.progress import Progress

import numpy as np


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


# The grouping helpers that the scan's determinism rests on.


def test_disjoint_set_root_is_smallest_member():
    ds = DisjointSet(6)
    ds.union(4, 5)
    ds.union(5, 2)
    ds.union(3, 1)
    assert [ds.find(i) for i in range(6)] == [0, 1, 2, 1, 2, 2]


def test_leader_groups_do_not_chain():
    # 0~1 and 1~2 verify, 0~2 does not: 2 must not join 0's group.
    sims = {(0, 1): 0.8, (1, 2): 0.8, (0, 2): 0.3}
    g = leader_groups(3, np.array([[0, 1], [1, 2], [0, 2]]), lambda i, j: sims[(i, j)], 0.7)
    assert g.canonical.tolist() == [0, 0, 2]
    assert g.similarity.tolist() == [1.0, 0.8, 1.0]
