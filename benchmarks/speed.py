"""Speed benchmark: throughput of signatures alone and of a full
near-duplicate scan, for dedupe and for what a user would otherwise write,
on the same paragraphs, in one run.

    python benchmarks/speed.py                 # the shared corpus, copies planted
    python benchmarks/speed.py --repeat 4      # four times the text (new copies each time)
    python benchmarks/speed.py --json out.json

Pipelines (all with 128 permutations, Jaccard threshold 0.7 on token
3-grams, the same tokens: one per CJK character, one per word elsewhere):

- ``dedupe``: ``shingle`` -> ``minhash`` (datasketch-exact) or
  ``minhash_oph`` (one-permutation hashing) -> ``lsh_pairs`` -> exact
  Jaccard of candidate pairs (``verify.jaccard_pairs``) -> groups; with the
  compiled kernel and with the numpy reference (``*_numpy``) side by side;
- ``dedupe.scan``: the library's corpus scan with each paragraph as a
  document (it also finds copied sentences and boilerplate);
- ``datasketch``: Python shingling, ``MinHash.update_batch`` per paragraph,
  ``MinHashLSH`` insert and query, exact Jaccard of Python sets;
- ``datasketch-bulk``: the same with ``MinHash.bulk``;
- ``rensa``: Python shingling, ``RMinHash.update`` per paragraph,
  ``RMinHashLSH``, exact Jaccard of Python sets (needs the ``bench`` extra).

A second table times whole ``dedupe scan --format json`` processes on a
generated JSONL corpus (``--scan-mb``, 20 MB by default): every article of
the shared corpus, re-enciphered per round so that rounds share no text,
and each article once more with light edits; with ``--jobs 1`` and
``--jobs 2``, and with the numpy reference (``DEDUPE_PURE_PYTHON=1``);
beside them the rensa and datasketch pipelines over the same corpus's
paragraphs, each as a whole process as well (``baselines.py``, which
imports only what a user's pipeline would: not numpy, not dedupe).

Every pipeline keeps the first paragraph of each group; F1 is over the
paragraphs flagged as copies, against the copies the benchmark planted.
The floor is reading the text from a file and ``str.lower()``-ing it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _data  # noqa: E402
from baselines import (  # noqa: E402
    BASELINES,
    NGRAM,
    NUM_PERM,
    THRESHOLD,
    datasketch_scan,
    datasketch_signatures,
    keep_first,
    rensa_scan,
    rensa_signatures,
)

from dedupe.core import signature, verify  # noqa: E402
from dedupe.core.candidates import lsh_pairs  # noqa: E402
from dedupe.core.shingle import shingle, shingle_numpy  # noqa: E402

# --- data ---------------------------------------------------------------------


@dataclass(frozen=True)
class Data:
    texts: list[str]
    copies: frozenset[int]  # indices of planted copies (each after its original)

    @property
    def megabytes(self) -> float:
        return sum(len(t.encode("utf-8")) for t in self.texts) / 1e6


def make_data(repeat: int = 1, copy_rate: float = 0.2, seed: int = 0, limit: int | None = None) -> Data:
    """Corpus paragraphs with planted copies (exact, re-formatted, edited
    0.5-3 %), shuffled; ``repeat`` > 1 adds rounds whose paragraphs are
    re-joined from shuffled sentences so that no round repeats another."""
    rng = random.Random(seed)
    base: list[str] = []
    for paras in _data.corpus_texts().values():
        base.extend(p for p in paras if _data.count_tokens(p) >= 8)
    if limit:
        base = base[:limit]
    originals: list[str] = list(base)
    for _r in range(1, repeat):
        sents = [s for p in base for s in _data.split_sentences(p)]
        rng.shuffle(sents)
        k = 0
        while k < len(sents):
            n = rng.randint(2, 4)
            joiner = "" if _data.is_cjk(sents[k]) else " "
            originals.append(joiner.join(sents[k : k + n]))
            k += n
    planted = []
    for i in rng.sample(range(len(originals)), int(copy_rate * len(originals))):
        p = originals[i]
        cjk = _data.is_cjk(p)
        how = rng.choice(("exact", "reformatted", "edited"))
        if how == "reformatted":
            p = _data._reformat(p, rng, cjk)
        elif how == "edited":
            pool = [c for c in p if _data.is_cjk(c)] if cjk else p.split()
            p = _data._edit(p, rng, cjk, pool or ["x"])
        planted.append((p, i))
    # Each copy goes somewhere after its original.
    order = list(range(len(originals)))
    rng.shuffle(order)
    position = {orig: k for k, orig in enumerate(order)}
    slots: list[list[str]] = [[originals[o]] for o in order]
    for p, i in planted:
        at = rng.randint(position[i], len(order) - 1)
        slots[at].append(p)
    texts, copies = [], set()
    for slot in slots:
        for m, t in enumerate(slot):
            if m:
                copies.add(len(texts))
            texts.append(t)
    return Data(texts, frozenset(copies))


# --- shared stages ------------------------------------------------------------


# --- pipelines ----------------------------------------------------------------


#: (shingle, one-permutation signatures, datasketch-exact signatures)
IMPLEMENTATIONS = {
    "kernel": (shingle, signature.minhash_oph, signature.minhash),
    "numpy": (shingle_numpy, signature.minhash_oph_numpy, signature.minhash_numpy),
}


def ours_signatures(texts: list[str], oph: bool = False, impl: str = "kernel") -> np.ndarray:
    shingle_fn, oph_fn, exact_fn = IMPLEMENTATIONS[impl]
    return (oph_fn if oph else exact_fn)(shingle_fn(texts, NGRAM), NUM_PERM, 1)


def ours_scan(texts: list[str], oph: bool = False, impl: str = "kernel") -> set[int]:
    shingle_fn, oph_fn, exact_fn = IMPLEMENTATIONS[impl]
    sets = shingle_fn(texts, NGRAM)
    sigs = (oph_fn if oph else exact_fn)(sets, NUM_PERM, 1)
    pairs = lsh_pairs(sigs, THRESHOLD)
    inter, size_a, size_b = verify.jaccard_pairs(sets, pairs)
    union = size_a + size_b - inter
    ok = inter >= THRESHOLD * np.maximum(union, 1)
    return keep_first(len(texts), pairs[ok].tolist())


def library_scan(texts: list[str]) -> set[int]:
    """``dedupe.scan`` with every paragraph a document: it also looks for
    copied sentences and boilerplate, so it does more than the others. One
    process (``jobs=1``), as every pipeline here: the CPU clock counts this
    process only, and would miss the work of worker processes."""
    import dedupe

    result = dedupe.scan([(f"{i:09d}", t) for i, t in enumerate(texts)], threshold=THRESHOLD, ngram=NGRAM, jobs=1)
    return {int(m) for c in result.clusters for m in c.members[1:]}


def floor(path: Path) -> int:
    with open(path, encoding="utf-8") as fh:
        return len(fh.read().lower())


# --- measurement --------------------------------------------------------------


def best_of(fn: Callable[[], object], runs: int, clock: Callable[[], float] = time.process_time) -> tuple[float, object]:
    """The fastest of ``runs`` calls, by ``clock``: CPU time of this
    process by default, which other work on a shared machine disturbs far
    less than wall time (every pipeline here runs on one thread)."""
    best, result = float("inf"), None
    for _ in range(runs):
        t0 = clock()
        result = fn()
        best = min(best, clock() - t0)
    return best, result


def f1(flagged: set[int], truth: frozenset[int]) -> float:
    tp = len(flagged & truth)
    p = tp / len(flagged) if flagged else 1.0
    r = tp / len(truth) if truth else 1.0
    return 2 * p * r / (p + r) if p + r else 0.0


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}"


# --- whole processes ----------------------------------------------------------


def _cipher(rng: random.Random) -> dict[int, str]:
    """A letter-for-letter substitution of Latin, Han and Kana: text of the
    same shape (word lengths, scripts, punctuation) that shares no
    shingle with the original."""
    table: dict[int, str] = {}
    for lo, hi in ((0x61, 0x7B), (0x4E00, 0x9FA6), (0x3041, 0x3097), (0x30A1, 0x30F7)):
        dst = list(range(lo, hi))
        rng.shuffle(dst)
        table.update(zip(range(lo, hi), map(chr, dst)))
    table.update({c - 0x20: table[c].upper() for c in range(0x61, 0x7B)})
    return table


def write_corpus(path: Path, megabytes: float, seed: int = 0, limit: int | None = None) -> dict:
    """A JSONL corpus of about ``megabytes``: articles of one to four corpus
    paragraphs, every round of them under a fresh cipher, each article
    followed by a copy with 0.5-3 % of its words or characters edited."""
    rng = random.Random(seed)
    paras = [p for ps in _data.corpus_texts().values() for p in ps if _data.count_tokens(p) >= 8][:limit]
    target, size, n, rounds = int(megabytes * 1e6), 0, 0, 0
    with open(path, "w", encoding="utf-8") as fh:
        while size < target:
            table = _cipher(rng) if rounds else {}
            order = list(range(len(paras)))
            rng.shuffle(order)
            i, rounds = 0, rounds + 1
            while i < len(order) and size < target:
                k = rng.randint(1, 4)
                text = "\n\n".join(paras[j].translate(table) for j in order[i : i + k])
                i += k
                cjk = _data.is_cjk(text[:200])
                edited = _data._edit(text, rng, cjk, list(text.replace("\n", "")) if cjk else text.split())
                for doc_id, t in ((f"a{n}", text), (f"a{n}-edited", edited)):
                    line = json.dumps({"id": doc_id, "text": t}, ensure_ascii=False) + "\n"
                    fh.write(line)
                    size += len(line.encode("utf-8"))
                n += 1
    return {"articles": n, "documents": 2 * n, "megabytes": size / 1e6, "rounds": rounds}


def _timed_process(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system of the process and its
    workers) and standard output of one child process."""
    before = os.times()
    t0 = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu, out.stdout


def whole_scans(megabytes: float, runs: int, seed: int, limit: int | None, have_rensa: bool) -> list[dict]:
    """``dedupe scan`` as a whole process, kernel and numpy, one and two
    workers; beside it the rensa and datasketch pipelines over the
    corpus's paragraphs, each a whole process too; every row the best of
    ``runs`` by wall time (and, apart, by CPU time)."""
    rows = []
    _data.compile_sources()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        info = write_corpus(path, megabytes, seed, limit)
        mb = info["megabytes"]
        floor_s, _ = best_of(lambda: floor(path), runs, time.perf_counter)
        print(f"\nwhole processes: {info['documents']:,} documents ({info['articles']:,} articles and an edited"
              f" copy of each), {mb:.1f} MB of JSONL; best of {runs} runs; load average before:"
              f" {os.getloadavg()[0]:.2f}")
        results = {}
        for name, jobs, pure in (("kernel, --jobs 1", 1, "0"), ("kernel, --jobs 2", 2, "0"),
                                 ("numpy reference, --jobs 1", 1, "1")):
            env = {**os.environ, "DEDUPE_PURE_PYTHON": pure}
            cmd = [sys.executable, "-m", "dedupe", "scan", str(path), "--format", "json", "--jobs", str(jobs)]
            times = [_timed_process(cmd, env) for _ in range(runs)]
            results[name] = {k: v for k, v in json.loads(times[0][2]).items() if k != "summary"}
            rows.append({"process": f"dedupe scan, {name}", "wall_s": min(t[0] for t in times),
                         "cpu_s": min(t[1] for t in times)})
        same = all(r == results["kernel, --jobs 1"] for r in results.values())
        for name in BASELINES:
            if name == "rensa" and not have_rensa:
                continue
            cmd = [sys.executable, str(Path(__file__).resolve().parent / "baselines.py"), name, str(path)]
            # Best of as many runs as the scans get: one run of rensa's
            # pipeline once took 5.2 s where it takes 3.7-3.9.
            times = [_timed_process(cmd, dict(os.environ)) for _ in range(runs)]
            rows.append({"process": f"{name} pipeline over the paragraphs", "wall_s": min(t[0] for t in times),
                         "cpu_s": min(t[1] for t in times)})
        rows.append({"process": "floor: read + str.lower()", "wall_s": floor_s, "cpu_s": floor_s})
    base = rows[0]
    print()
    print("| process | wall s | wall MB/s | CPU s | speed-up over kernel --jobs 1 (wall) |")
    print("|---|---:|---:|---:|---:|")
    for r in rows:
        r["megabytes"] = mb
        r["wall_mb_s"] = mb / r["wall_s"]
        r["speedup_wall"] = base["wall_s"] / r["wall_s"]
        print(f"| {r['process']} | {r['wall_s']:.2f} | {r['wall_mb_s']:.1f} | {r['cpu_s']:.2f} | {r['speedup_wall']:.2f}× |")
    print(f"\nresults identical across the three scans: {same}; load average after: {os.getloadavg()[0]:.2f}")
    for r in rows:
        if r["process"].endswith("over the paragraphs"):
            print(f"dedupe scan --jobs 1 against the {r['process'].split()[0]} pipeline: "
                  f"{r['wall_s'] / base['wall_s']:.2f}× (wall), {r['cpu_s'] / base['cpu_s']:.2f}× (CPU); "
                  f"--jobs 2: {r['wall_s'] / rows[1]['wall_s']:.2f}× (wall)")
    return rows


def _cell(x: float, fmt: str, unit: str = "") -> str:
    return "–" if x != x else f"{x:{fmt}}{unit}"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=1, help="rounds of corpus text (default 1)")
    ap.add_argument("--limit", type=int, help="use only the first N corpus paragraphs (smoke runs)")
    ap.add_argument("--runs", type=int, default=3,
                    help="timed runs of the fast pipelines and of every whole process; the best counts")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                    help="time by this process's CPU time (default) or by wall-clock time")
    ap.add_argument("--scan-mb", type=float, default=20.0,
                    help="size of the JSONL corpus for whole-process scans (default 20; 0 skips them)")
    ap.add_argument("--json", metavar="PATH", help="write the results as JSON")
    args = ap.parse_args(argv)

    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    data = make_data(args.repeat, seed=args.seed, limit=args.limit)
    mb = data.megabytes
    print(f"{len(data.texts):,} paragraphs, {mb:.2f} MB UTF-8, {len(data.copies):,} planted copies")
    print(f"machine: {machine()}; clock: {args.clock} time, best of {args.runs} runs for dedupe, one for the others")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "text.txt"
        path.write_text("\n\n".join(data.texts), encoding="utf-8")
        floor_s, _ = best_of(lambda: floor(path), args.runs, clock)

    try:
        import rensa  # noqa: F401

        have_rensa = True
    except ImportError:
        have_rensa = False

    texts = data.texts
    rows: list[dict] = []

    def measure(name: str, sig: Callable[[], object] | None, scan: Callable[[], set[int]] | None, runs: int) -> None:
        sig_s = best_of(sig, runs, clock)[0] if sig else float("nan")
        if scan:
            scan_s, flagged = best_of(scan, runs, clock)
            score = f1(flagged, data.copies)
        else:
            scan_s, score = float("nan"), float("nan")
        rows.append({"pipeline": name, "signatures_s": sig_s, "scan_s": scan_s, "f1": score})
        print(f"  {name}: signatures {sig_s:.2f} s, scan {scan_s:.2f} s, F1 {score:.3f}", flush=True)

    print("measuring ...")
    measure("dedupe (OPH)", lambda: ours_signatures(texts, True), lambda: ours_scan(texts, True), args.runs)
    measure("dedupe (datasketch-exact)", lambda: ours_signatures(texts), lambda: ours_scan(texts), args.runs)
    measure("dedupe (OPH), numpy reference", lambda: ours_signatures(texts, True, "numpy"),
            lambda: ours_scan(texts, True, "numpy"), args.runs)
    measure("dedupe (datasketch-exact), numpy reference", lambda: ours_signatures(texts, False, "numpy"),
            lambda: ours_scan(texts, False, "numpy"), args.runs)
    import dedupe

    if hasattr(dedupe, "scan"):
        measure("dedupe.scan (documents, passages, boilerplate)", None, lambda: library_scan(texts), 1)
    if have_rensa:
        measure("rensa", lambda: rensa_signatures(texts), lambda: rensa_scan(texts), 1)
    measure("datasketch bulk", lambda: datasketch_signatures(texts, True), lambda: datasketch_scan(texts, True), 1)
    measure("datasketch", lambda: datasketch_signatures(texts), lambda: datasketch_scan(texts), 1)
    rows.append({"pipeline": "floor: read + str.lower()", "signatures_s": floor_s, "scan_s": floor_s, "f1": float("nan")})

    ours = rows[0]
    print()
    print(f"{mb:.2f} MB, {len(texts):,} paragraphs; ratios are dedupe (OPH) / that pipeline, in speed")
    print()
    print("| pipeline | signatures MB/s | scan MB/s | scan F1 | dedupe speed-up, signatures | dedupe speed-up, scan |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        r["signatures_mb_s"] = mb / r["signatures_s"]
        r["scan_mb_s"] = mb / r["scan_s"]
        r["ratio_signatures"] = r["signatures_s"] / ours["signatures_s"]
        r["ratio_scan"] = r["scan_s"] / ours["scan_s"]
        print(f"| {r['pipeline']} | {_cell(r['signatures_mb_s'], '.1f')} | {_cell(r['scan_mb_s'], '.1f')} | "
              f"{_cell(r['f1'], '.3f')} | {_cell(r['ratio_signatures'], '.1f', '×')} | {_cell(r['ratio_scan'], '.1f', '×')} |")
    if not have_rensa:
        print("\nrensa is not installed (pip install 'dedupe-text[bench]'): its row is skipped.")
    processes = whole_scans(args.scan_mb, args.runs, args.seed, args.limit, have_rensa) if args.scan_mb > 0 else []
    if args.json:
        out = {"machine": machine(), "clock": args.clock, "paragraphs": len(texts), "megabytes": mb, "copies": len(data.copies),
               "rows": [{k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()} for r in rows],
               "processes": processes}
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
