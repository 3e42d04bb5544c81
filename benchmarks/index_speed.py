"""How long ``dedupe index add`` takes as an index of published pages
grows, how large the index is, and how long a query against it takes.

    python benchmarks/index_speed.py                      # 1,000 and 5,000 pages
    python benchmarks/index_speed.py --pages 500 2000 --json out.json
    python benchmarks/index_speed.py --pages 1000 --redis redis://127.0.0.1:6379/0

The pages are the generated docs site of ``check_speed.py`` (paragraphs of
``../shared/corpus/*.jsonl`` when present, made-up prose otherwise). For
each size, one ``dedupe index add --db FILE DIR`` into a new SQLite file
as a whole process (start-up included), the file's size, and then
``dedupe index query`` and ``dedupe check --index`` of ten of its pages.
Adding should cost about the same per page at every size: the index's
tables grow, and a write that lands all over them grows with them.

With ``--redis URL`` the same is done into that Redis server too, under a
key prefix of the run's own (``?prefix=``), whose keys are deleted after
(needs the ``redis`` extra).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from check_speed import _dedupe, _timed, make_site  # noqa: E402


def measure(pages: int, work: Path, redis_url: str | None = None) -> dict:
    """The figures of one size: a site of ``pages`` pages indexed anew, in
    a SQLite file, or under a prefix of its own at ``redis_url``."""
    site = work / f"site-{pages}"
    if not site.exists():
        make_site(site, pages)
    files = sorted(site.rglob("*.md"))
    joiner = "&" if redis_url and "?" in redis_url else "?"
    db = f"{redis_url}{joiner}prefix=dedupe-bench-{os.getpid()}-{pages}" if redis_url else str(work / f"index-{pages}.db")
    seconds, cpu, proc = _timed(_dedupe() + ["index", "add", "--db", db, str(site), "--no-config"])
    if proc.returncode != 0:
        raise SystemExit(f"index add failed: {proc.stderr.strip()}")
    sample = [str(f) for f in files[:: max(1, len(files) // 10)][:10]]
    q_seconds, q_cpu, proc = _timed(_dedupe() + ["index", "query", "--db", db, *sample, "--no-config"])
    if proc.returncode not in (0, 1):
        raise SystemExit(f"index query failed: {proc.stderr.strip()}")
    c_seconds, c_cpu, proc = _timed(_dedupe() + ["check", "--index", db, "--select", "DUP004",
                                                  "--no-config", *sample])
    if proc.returncode not in (0, 1):
        raise SystemExit(f"check --index failed: {proc.stderr.strip()}")
    mb = sum(f.stat().st_size for f in files) / 1e6
    size = _redis_drop(db) if redis_url else Path(db).stat().st_size
    return {"store": "redis" if redis_url else "sqlite", "pages": len(files), "mb": round(mb, 2),
            "add_seconds": round(seconds, 2), "add_cpu": round(cpu, 2),
            "ms_per_page": round(1000 * seconds / len(files), 2), "index_mb": round(size / 1e6, 1),
            "query_seconds": round(q_seconds, 2), "check_index_seconds": round(c_seconds, 2)}


def _redis_drop(url: str) -> int:
    """Delete the keys of the index at ``url`` (its prefix); the bytes
    Redis said they used."""
    import redis  # noqa: PLC0415  (the redis extra, only with --redis)

    base, _, prefix = url.rpartition("prefix=")
    client = redis.Redis.from_url(base.rstrip("?&"))
    used = 0
    for key in client.scan_iter(match=f"{prefix}*", count=1000):
        used += client.memory_usage(key) or 0
        client.delete(key)
    client.close()
    return used


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, nargs="+", default=[1000, 5000], help="site sizes in pages")
    ap.add_argument("--redis", metavar="URL", help="also index into this Redis server (redis://HOST:PORT/DB)")
    ap.add_argument("--json", metavar="OUT", help="also write the figures as JSON")
    args = ap.parse_args(argv)
    from _data import compile_sources  # noqa: PLC0415  (beside this script)

    compile_sources()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}", flush=True)
    print(f"{'store':<6} {'pages':>6} {'MB':>6} {'add s':>7} {'CPU s':>7} {'ms/page':>8} {'index MB':>9} "
          f"{'query 10 s':>10} {'check 10 s':>10}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="dedupe-index-") as tmp:
        for pages in args.pages:
            for url in [None, args.redis] if args.redis else [None]:
                r = measure(pages, Path(tmp), url)
                rows.append(r)
                print(f"{r['store']:<6} {r['pages']:>6,} {r['mb']:>6.1f} {r['add_seconds']:>7.2f} "
                      f"{r['add_cpu']:>7.2f} {r['ms_per_page']:>8.2f} {r['index_mb']:>9.1f} "
                      f"{r['query_seconds']:>10.2f} {r['check_index_seconds']:>10.2f}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
