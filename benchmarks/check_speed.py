"""How long ``dedupe check`` takes on a docs folder of 5,000 Markdown files,
side by side with a plain ``dedupe clean`` loop over the same files.

    python benchmarks/check_speed.py                 # 5,000 files
    python benchmarks/check_speed.py --files 500 --json result.json

The site is generated from the paragraphs in ``../shared/corpus/*.jsonl``
(Japanese and Chinese Wikipedia, CC BY-SA 4.0; English news) when present,
from synthetic sentences otherwise. Each page has front matter, a heading,
four to eight paragraphs (each corpus paragraph is used once; the rest are
made-up prose) and a templated footer with a date; a few pages
repeat a paragraph, copy a passage of another page, are near-copies of
another page, or are mostly footer, so every rule has something to find.

Measured, in one run:

- ``dedupe check DIR`` as a user runs it (a subprocess: start-up included),
  with all rules, and with ``--select DUP001`` only;
- ``dedupe clean DIR --diff``, the same clean of every file as a user
  runs it over a folder (``--in-place`` writes what ``--diff`` prints);
- a plain loop: ``dedupe.clean(text)`` in one process over every file
  (the per-file work alone, no start-up), and ``dedupe clean FILE`` as a
  subprocess per file, on a sample of files, scaled to the whole folder
  (a shell loop over 5,000 files pays the interpreter start-up 5,000 times).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[0].parent / "shared" / "corpus"

FOOTER = ("---\n\nThis page is part of the Example Docs. Last updated on {date}. "
          "Content is available under the Creative Commons licence unless noted otherwise; "
          "report a problem with this page on the issue tracker.\n")


def _corpus_paragraphs() -> list[str]:
    out: list[str] = []
    for name in ("en-news-articles.jsonl", "ja-wikipedia-paragraphs.jsonl", "zh-wikipedia-paragraphs.jsonl"):
        f = SHARED / name
        if not f.is_file():
            continue
        for line in f.read_text(encoding="utf-8").splitlines():
            text = json.loads(line)["text"]
            out.extend(p.strip() for p in text.split("\n") if len(p.strip()) > 60)
    return out


class _Prose:
    """Made-up English-like paragraphs: Zipf-distributed words from a fixed
    vocabulary, so that unrelated paragraphs share common words but not
    whole phrases, as real articles do."""

    def __init__(self, rng: random.Random, words: int = 20000) -> None:
        self.rng = rng
        self.vocab = ["".join(rng.choice("bcdfghklmnprstvwz") + rng.choice("aeiou")
                              for _ in range(rng.randint(1, 4))) for _ in range(words)]
        self.cum = list(itertools.accumulate(1.0 / (i + 1) for i in range(words)))

    def paragraph(self) -> str:
        sents = []
        for _ in range(self.rng.randint(2, 6)):
            w = self.rng.choices(self.vocab, cum_weights=self.cum, k=self.rng.randint(8, 24))
            sents.append(" ".join(w).capitalize() + ".")
        return " ".join(sents)


def make_site(root: Path, n_files: int, seed: int = 1) -> dict[str, int]:
    """Write ``n_files`` Markdown pages under ``root``; returns what was planted."""
    rng = random.Random(seed)
    corpus = _corpus_paragraphs()
    rng.shuffle(corpus)
    prose = _Prose(rng)
    planted = {"repeats": 0, "copied_pages": 0, "copied_passages": 0, "boilerplate_pages": 0}
    pages: list[list[str]] = []
    pos = 0

    def fresh() -> str:
        # Each corpus paragraph once (real text in three languages), then made-up prose.
        nonlocal pos
        pos += 1
        return corpus[pos - 1] if pos <= len(corpus) else prose.paragraph()

    for i in range(n_files):
        body = [fresh() for _ in range(rng.randint(4, 8))]
        roll = rng.random()
        if roll < 0.02 and pages:
            body = list(rng.choice(pages))
            body[0] = body[0] + " (updated)"
            planted["copied_pages"] += 1
        elif roll < 0.05:
            body.append(body[0])
            planted["repeats"] += 1
        elif roll < 0.08 and pages:
            body.insert(1, rng.choice(rng.choice(pages)))
            planted["copied_passages"] += 1
        elif roll < 0.09:
            body = ["This page is coming soon."]
            planted["boilerplate_pages"] += 1
        pages.append(body)
        date = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        text = (f"---\ntitle: Page {i}\n---\n\n# Page {i}\n\n" + "\n\n".join(body) + "\n\n"
                + FOOTER.format(date=date))
        sub = root / f"section-{i % 50:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"page-{i:05d}.md").write_text(text, encoding="utf-8")
    return planted


def _dedupe() -> list[str]:
    return [sys.executable, "-m", "dedupe"]


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _timed(cmd: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall-clock and CPU seconds (the CPU time of the command and its
    worker processes: on a busy machine it moves much less than wall time)."""
    c, t = _children_cpu(), time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    return time.perf_counter() - t, _children_cpu() - c, proc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=5000, help="Markdown files to generate (default 5000)")
    ap.add_argument("--sample", type=int, default=50,
                    help="files for the subprocess-per-file clean loop (default 50)")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(HERE.parent))
    sys.path.insert(0, str(HERE))  # also when imported as a module, not run as a script
    from _data import compile_sources  # noqa: PLC0415  (beside this script)

    import dedupe

    compile_sources()

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "docs"
        planted = make_site(site, args.files)
        files = sorted(site.rglob("*.md"))
        mb = sum(f.stat().st_size for f in files) / 1e6

        t_all, c_all, proc = _timed(_dedupe() + ["check", str(site), "--format", "json", "--no-config"])
        if proc.returncode not in (0, 1):
            print(proc.stderr, file=sys.stderr)
            return 2
        summary = json.loads(proc.stdout)["summary"]
        t_dup001, c_dup001, _ = _timed(_dedupe() + ["check", str(site), "--select", "DUP001", "--no-config"])
        t_clean_dir, c_clean_dir, proc = _timed(_dedupe() + ["clean", str(site), "--diff", "--no-config"])
        if proc.returncode not in (0, 1):
            print(proc.stderr, file=sys.stderr)
            return 2
        t_start, c_start, _ = _timed(_dedupe() + ["--version"])

        c, t = time.process_time(), time.perf_counter()
        for f in files:
            dedupe.clean(f.read_text(encoding="utf-8"))
        t_loop, c_loop = time.perf_counter() - t, time.process_time() - c

        sample = files[: args.sample]
        c, t = _children_cpu(), time.perf_counter()
        for f in sample:
            subprocess.run(_dedupe() + ["clean", str(f)], capture_output=True, check=True)
        scale = len(files) / max(len(sample), 1)
        t_cli_loop, c_cli_loop = (time.perf_counter() - t) * scale, (_children_cpu() - c) * scale

    rows = [
        ("dedupe check DIR (all rules)", t_all, c_all),
        ("dedupe check DIR --select DUP001", t_dup001, c_dup001),
        ("dedupe clean DIR --diff", t_clean_dir, c_clean_dir),
        ("dedupe.clean(text) loop, one process", t_loop, c_loop),
        (f"dedupe clean FILE loop (scaled from {len(sample)} files)", t_cli_loop, c_cli_loop),
        ("start-up alone (dedupe --version)", t_start, c_start),
    ]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{len(files):,} Markdown files, {mb:.1f} MB; planted: "
          + ", ".join(f"{k} {v}" for k, v in planted.items()))
    print(f"findings: {summary['findings']} {summary['by_rule']}")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, load average {load:.1f} at the end")
    print()
    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'wall s':>8}  {'CPU s':>8}  {'files/s':>8}")
    for name, secs, cpu in rows:
        print(f"{name:<{width}}  {secs:8.2f}  {cpu:8.2f}  {len(files) / secs:8.0f}")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "files": len(files), "mb": round(mb, 2), "planted": planted, "summary": summary,
            "load_average": round(load, 2),
            "seconds": {name: {"wall": round(secs, 3), "cpu": round(cpu, 3)} for name, secs, cpu in rows},
        }, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
