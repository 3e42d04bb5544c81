"""Scaling run for ``dedupe scan``: time and peak memory at 10k, 100k and
1M paragraphs, with ``--jobs 1`` and ``--jobs 2``.

The corpus is generated (deterministically, from ``--seed``) as JSONL:
documents of five paragraphs of about 300 characters of Zipf-distributed
pseudo-words, with planted structure so that every stage has work to do:
a templated footer with changing dates in 30 % of documents, near-duplicate
documents (1 %) and paragraphs copied between documents (1 %).

Each run is ``python -m dedupe scan CORPUS --format json --jobs N`` in a
child process, twice: once timed, alone, and once while its memory is
polled, because polling walks the processes' page tables and would slow
the timed run. Peak memory is measured two ways: the largest single
process (``ru_maxrss`` of the runs' ``os.wait4`` rusage) and the peak of
the whole process tree's memory, the sum of its processes' proportional
set sizes, so that pages forked workers share with their parent count
once (polled from ``/proc`` every 50 ms, so a very short peak can be
missed).

CPU time is split into user and system time, beside the run's page
faults: the system's price of a page a process touches for the first
time differs from machine to machine, and on a virtual machine from
hour to hour, and it lands in system time. On the development machine
two runs of a million paragraphs with one worker took the same 9.4 user
seconds for the same 546,000 page faults, and 2.5 and 3.4 system
seconds.

    python benchmarks/scale.py                      # 10k, 100k, 1M; jobs 1 and 2
    python benchmarks/scale.py --sizes 10000 100000 --jobs 2
    python benchmarks/scale.py --json results.json  # also write the figures
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

PARAS_PER_DOC = 5
_SYLLABLES = ["ka", "to", "mi", "ra", "ne", "so", "lu", "pe", "di", "ga", "vo", "shi", "an", "el", "or", "us"]


def _vocabulary(rng: np.random.Generator, size: int = 30_000) -> np.ndarray:
    words = set()
    while len(words) < size:
        n = int(rng.integers(1, 5))
        words.add("".join(_SYLLABLES[int(i)] for i in rng.integers(0, len(_SYLLABLES), n)))
    return rng.permutation(np.array(sorted(words), dtype=object))


class _Words:
    """Zipf-distributed pseudo-words, drawn in large numpy batches."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.vocab = _vocabulary(rng)
        p = 1.0 / np.arange(1, len(self.vocab) + 1) ** 1.05
        self.cdf = np.cumsum(p / p.sum())
        self._buf = np.zeros(0, dtype=np.int64)

    def take(self, n: int) -> np.ndarray:
        if self._buf.size < n:
            fresh = np.searchsorted(self.cdf, self.rng.random(max(n, 1_000_000)))
            self._buf = np.concatenate([self._buf, np.minimum(fresh, len(self.vocab) - 1)])
        out, self._buf = self._buf[:n], self._buf[n:]
        return out

    def paragraph(self) -> str:
        rng = self.rng
        sentences = []
        for _ in range(int(rng.integers(3, 6))):
            idx = self.take(int(rng.integers(8, 14)))
            sentences.append(" ".join(self.vocab[idx]).capitalize() + ".")
        return " ".join(sentences)


def generate(path: Path, paragraphs: int, seed: int = 1) -> dict:
    """Write the corpus; returns its size and the planted counts."""
    rng = np.random.default_rng(seed)
    words = _Words(rng)
    n_docs = max(1, paragraphs // PARAS_PER_DOC)
    recent: list[list[str]] = []
    planted = {"footer": 0, "near_duplicate": 0, "copied_paragraph": 0}
    with open(path, "w", encoding="utf-8") as fh:
        for d in range(n_docs):
            roll = rng.random()
            if recent and roll < 0.01:
                paras = list(recent[int(rng.integers(0, len(recent)))])
                ws = paras[0].split(" ")
                ws[int(rng.integers(0, len(ws)))] = "edited"
                paras[0] = " ".join(ws)
                planted["near_duplicate"] += 1
            else:
                paras = [words.paragraph() for _ in range(PARAS_PER_DOC - 1)]
                if recent and roll < 0.02:
                    donor = recent[int(rng.integers(0, len(recent)))]
                    paras[1] = donor[int(rng.integers(0, len(donor)))]
                    planted["copied_paragraph"] += 1
                if rng.random() < 0.3:
                    y, day = int(rng.integers(2000, 2026)), int(rng.integers(1, 29))
                    paras.append(f"© {y} Example Media. All rights reserved. Last updated {day} March {y}.")
                    planted["footer"] += 1
                else:
                    paras.append(words.paragraph())
            recent.append(paras)
            if len(recent) > 200:
                recent.pop(0)
            fh.write(json.dumps({"id": f"doc{d:07d}", "text": "\n\n".join(paras)}) + "\n")
    return {"documents": n_docs, "bytes": path.stat().st_size, **planted}


def _tree_rss(pid: int) -> int:
    """Memory of ``pid`` and all its descendants: the sum of their
    proportional set sizes (``Pss``), where a page shared by several
    processes counts once, split between them. Forked workers share the
    corpus their parent built; summing resident sets (``VmRSS``, the
    fallback where ``smaps_rollup`` is missing) would count it once per
    worker."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            total += _pss(p)
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return total


def _pss(pid: int) -> int:
    for name, field in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            with open(name) as fh:
                for line in fh:
                    if line.startswith(field):
                        return int(line.split()[1]) * 1024
        except (FileNotFoundError, ProcessLookupError):  # the process ended, before the open or during the read
            continue
    return 0


@dataclass(frozen=True)
class Watched:
    """A finished process: its exit status, output, wall seconds, rusage
    (its own and its workers' CPU time and peak) and the peak memory of
    its whole process tree (:func:`_tree_rss`), polled every 50 ms."""

    returncode: int
    stdout: bytes
    stderr: str
    seconds: float
    usage: Any
    peak_tree: int


def watch(cmd: list[str], keep_output: bool = True, poll: bool = True) -> Watched:
    """Run ``cmd`` to its end, polling its memory unless ``poll`` is false
    (then ``peak_tree`` is only the largest process's peak). A poll reads
    ``smaps_rollup``, which walks the page tables: 10-15 ms for each
    process of 2-3 GB, so that polling a scan with two workers every 50 ms
    took a third of a core from it."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE if keep_output else subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    out_chunks: list[bytes] = []
    errs: list[bytes] = []
    readers = [threading.Thread(target=lambda: errs.append(proc.stderr.read()))]
    if keep_output:
        readers.append(threading.Thread(target=lambda: out_chunks.append(proc.stdout.read())))
    for r in readers:
        r.start()
    peak = 0
    while True:
        # wait4 gives this child's own rusage: its peak and its workers'.
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG if poll else 0)
        if pid:
            break
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.05)
    for r in readers:
        r.join()
    return Watched(os.waitstatus_to_exitcode(status), b"".join(out_chunks), b"".join(errs).decode(),
                   time.perf_counter() - t0, usage, max(peak, usage.ru_maxrss * 1024))


def run(corpus: Path, jobs: int) -> dict:
    """Two scans of ``corpus``: one timed, alone; one whose memory is
    polled (the poll would slow the timed one down)."""
    cmd = [sys.executable, "-m", "dedupe", "scan", str(corpus), "--format", "json", "--jobs", str(jobs)]
    w = watch(cmd, poll=False)
    if w.returncode != 0:
        raise SystemExit(f"scan failed ({w.returncode}): {w.stderr}")
    polled = watch(cmd, keep_output=False)
    if polled.returncode != 0:
        raise SystemExit(f"scan failed ({polled.returncode}): {polled.stderr}")
    seconds, usage, peak = w.seconds, w.usage, polled.peak_tree
    report = json.loads(w.stdout)
    max_child = max(usage.ru_maxrss, polled.usage.ru_maxrss) * 1024
    s = report["summary"]
    return {
        "jobs": jobs,
        "documents": s["documents"],
        "paragraphs": s["paragraphs"],
        "mb": round(s["bytes"] / 1e6, 1),
        "seconds": round(seconds, 2),
        "scan_seconds": round(s["seconds"], 1),
        # CPU time of the run and its workers: unlike wall time, it does not
        # grow when other work shares the machine.
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "user_seconds": round(usage.ru_utime, 2),
        "system_seconds": round(usage.ru_stime, 2),
        # Pages first touched by the run and its workers.
        "page_faults": usage.ru_minflt + usage.ru_majflt,
        "mb_per_s": round(s["bytes"] / 1e6 / seconds, 2),
        "peak_tree_rss_mb": round(peak / 1e6),
        "max_process_rss_mb": round(max_child / 1e6),
        "clusters": len(report["clusters"]),
        "passages": len(report["passages"]),
        "boilerplate_blocks": len(report["boilerplate"]),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000], help="paragraph counts")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", default=None, help="where to keep generated corpora (default: a temporary folder)")
    ap.add_argument("--json", metavar="OUT", help="also write the figures as JSON")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # also when imported as a module
    from _data import compile_sources  # noqa: PLC0415  (beside this script)

    compile_sources()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="dedupe-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}", flush=True)
    print(f"{'paragraphs':>10} {'docs':>8} {'MB':>7} {'jobs':>4} {'seconds':>8} {'CPU s':>7} {'user s':>7} "
          f"{'sys s':>6} {'faults':>9} {'MB/s':>6} "
          f"{'tree RSS MB':>11} {'max proc MB':>11} {'clusters':>8} {'passages':>8} {'blocks':>6}", flush=True)
    for size in args.sizes:
        corpus = work / f"corpus-{size}-{args.seed}.jsonl"
        if not corpus.exists():
            generate(corpus, size, args.seed)
        for jobs in args.jobs:
            r = run(corpus, jobs)
            r["target_paragraphs"] = size
            rows.append(r)
            print(f"{r['paragraphs']:>10,} {r['documents']:>8,} {r['mb']:>7.1f} {jobs:>4} {r['seconds']:>8.2f} "
                  f"{r['cpu_seconds']:>7.2f} {r['user_seconds']:>7.2f} {r['system_seconds']:>6.2f} "
                  f"{r['page_faults']:>9,} "
                  f"{r['mb_per_s']:>6.2f} {r['peak_tree_rss_mb']:>11,} {r['max_process_rss_mb']:>11,} "
                  f"{r['clusters']:>8,} {r['passages']:>8,} {r['boilerplate_blocks']:>6}", flush=True)
    # "10x more data costs at most 12x the time", per jobs setting.
    for jobs in args.jobs:
        mine = sorted((r for r in rows if r["jobs"] == jobs), key=lambda r: r["paragraphs"])
        for a, b in zip(mine, mine[1:]):
            data = b["mb"] / a["mb"]
            wall, cpu = b["seconds"] / a["seconds"], b["cpu_seconds"] / a["cpu_seconds"]
            user = b["user_seconds"] / max(a["user_seconds"], 0.05)
            system = b["system_seconds"] / max(a["system_seconds"], 0.05)
            print(f"jobs {jobs}: {data:.1f}x the data took {wall:.1f}x the wall time, {cpu:.1f}x the CPU time "
                  f"({user:.1f}x user, {system:.1f}x system) ({a['paragraphs']:,} -> {b['paragraphs']:,} paragraphs)")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
