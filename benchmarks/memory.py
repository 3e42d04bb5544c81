"""Peak memory of ``dedupe scan`` and ``dedupe check`` as the input grows,
of ``dedupe check`` on a long changelog of short, similar items, and of
``dedupe clean`` of one long document in each language.

Inputs are generated: for ``scan``, the JSONL corpus of ``scale.py``; for
``check``, the Markdown site of ``check_speed.py`` (pages of real and
made-up paragraphs with a footer); and a changelog of about 700 KB whose
items differ in a file name, a number or a verb, under version headings;
the long documents are each translation of the Rust book in
``../shared/corpus/docs/`` (MIT or Apache-2.0) as one Markdown file, its
pages in name order, when it is there, and generated pages of the same
size otherwise.
Each run is ``python -m dedupe ...`` in a child process; the peak is the
largest memory of the process tree (the sum of its processes'
proportional set sizes, so that pages forked workers share count once),
polled every 50 ms, and the largest single process (``ru_maxrss``).

    python benchmarks/memory.py                       # 5, 20 and 50 MB
    python benchmarks/memory.py --mb 5 20 --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _data import SHARED, synthetic_sources  # noqa: E402
from check_speed import make_site  # noqa: E402
from scale import generate, watch  # noqa: E402

#: Paragraphs of the scale corpus per MB, and site pages per MB (measured).
_PARAGRAPHS_PER_MB = 3_100
_PAGES_PER_MB = 360


def changelog(path: Path, target_bytes: int = 700_000, seed: int = 1) -> int:
    """A CHANGELOG.md of short items that differ in one or two words,
    grouped under version headings, as real ones are."""
    rng = random.Random(seed)
    verbs = ["Fix", "Add", "Remove", "Update", "Improve", "Deprecate"]
    things = ["crash when", "warning when", "support for", "error message when", "docs for", "test for"]
    what = ["parsing an empty file", "the path has spaces", "reading a symbolic link", "the config is missing",
            "a line is longer than the limit", "the index is locked", "stdin is closed"]
    lines = ["# Changelog", ""]
    size, version = 0, 0
    while size < target_bytes:
        version += 1
        lines += [f"## 1.{version // 10}.{version % 10} ({2020 + version % 6}-0{1 + version % 9}-1{version % 10})", ""]
        for _ in range(rng.randint(5, 25)):
            module = f"src/{rng.choice(['io', 'core', 'cli', 'index'])}/{rng.choice(['read', 'walk', 'scan'])}.py"
            item = (f"- {rng.choice(verbs)} {rng.choice(things)} {rng.choice(what)} in `{module}` "
                    f"(#{rng.randint(100, 9999)})")
            lines.append(item)
            size += len(item) + 1
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path.stat().st_size


def long_documents(work: Path) -> list[tuple[str, Path]]:
    """One Markdown file per translation of the shared Rust book, its pages
    joined in name order; without the book, one file of about 2 MB of
    generated paragraphs per language."""
    books = sorted(p for p in (SHARED / "corpus" / "docs").glob("rust-book-*") if p.is_dir())
    out = []
    for book in books:
        path = work / f"{book.name}.md"
        path.write_text("\n\n".join(p.read_text(encoding="utf-8") for p in sorted(book.glob("*.md"))),
                        encoding="utf-8")
        out.append((book.name.removeprefix("rust-book-"), path))
    for lang in ("ja", "zh", "en") if not books else ():
        path = work / f"long-{lang}.md"
        paragraphs = [p for s in synthetic_sources(lang, n=900) for p in s.paragraphs]
        path.write_text("\n\n".join(paragraphs), encoding="utf-8")
        out.append((lang, path))
    return out


def measure(cmd: list[str]) -> dict:
    """Run ``cmd``; its wall time, CPU time and peak memory (exit 0 or 1)."""
    w = watch(cmd, keep_output=False)
    if w.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({w.returncode}): {w.stderr}")
    return {"seconds": round(w.seconds, 1), "cpu_seconds": round(w.usage.ru_utime + w.usage.ru_stime, 1),
            "peak_tree_rss_mb": round(w.peak_tree / 1e6),
            "max_process_rss_mb": round(w.usage.ru_maxrss * 1024 / 1e6)}


def _folder_bytes(root: Path) -> int:
    return sum(f.stat().st_size for f in root.rglob("*.md"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=int, nargs="+", default=[5, 20, 50], help="input sizes in MB")
    ap.add_argument("--workdir", default=None, help="where to keep generated inputs (default: a temporary folder)")
    ap.add_argument("--json", metavar="OUT", help="also write the figures as JSON")
    args = ap.parse_args(argv)
    from _data import compile_sources  # noqa: PLC0415  (beside this script)

    compile_sources()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="dedupe-memory-"))
    work.mkdir(parents=True, exist_ok=True)
    dedupe = [sys.executable, "-m", "dedupe"]
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}", flush=True)
    print(f"{'command':<10} {'input MB':>8} {'seconds':>8} {'CPU s':>7} {'peak MB':>8} {'x input':>8}", flush=True)
    rows = []

    def report(command: str, nbytes: int, r: dict) -> None:
        r.update(command=command, input_mb=round(nbytes / 1e6, 2),
                 times_input=round(r["peak_tree_rss_mb"] / (nbytes / 1e6), 1))
        rows.append(r)
        print(f"{command:<10} {r['input_mb']:>8.1f} {r['seconds']:>8.1f} {r['cpu_seconds']:>7.1f} "
              f"{r['peak_tree_rss_mb']:>8,} {r['times_input']:>8.1f}", flush=True)

    for mb in args.mb:
        corpus = work / f"corpus-{mb}mb.jsonl"
        if not corpus.exists():
            generate(corpus, mb * _PARAGRAPHS_PER_MB)
        report("scan", corpus.stat().st_size, measure([*dedupe, "scan", str(corpus), "--format", "json"]))
        site = work / f"site-{mb}mb"
        if not site.exists():
            make_site(site, mb * _PAGES_PER_MB)
        report("check", _folder_bytes(site), measure([*dedupe, "check", "--no-config", "-q", str(site)]))
    log = work / "CHANGELOG.md"
    size = changelog(log)
    report("changelog", size, measure([*dedupe, "check", "--no-config", "-q", str(log)]))
    for lang, path in long_documents(work):
        report(f"clean {lang}", path.stat().st_size,
               measure([*dedupe, "clean", "--no-config", str(path), "-o", str(path.with_suffix(".clean.md"))]))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
