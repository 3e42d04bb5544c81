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
  Jaccard of candidate pairs (``verify.jaccard_pairs``) -> groups;
- ``dedupe.scan``: the library's corpus scan with each paragraph as a
  document (it also finds copied sentences and boilerplate);
- ``datasketch``: Python shingling, ``MinHash.update_batch`` per paragraph,
  ``MinHashLSH`` insert and query, exact Jaccard of Python sets;
- ``datasketch-bulk``: the same with ``MinHash.bulk``;
- ``rensa``: Python shingling, ``RMinHash.update`` per paragraph,
  ``RMinHashLSH``, exact Jaccard of Python sets (needs the ``bench`` extra).

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
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import regex

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _data  # noqa: E402

from dedupe.core import signature, verify  # noqa: E402
from dedupe.core.candidates import lsh_pairs  # noqa: E402
from dedupe.core.shingle import shingle  # noqa: E402

NUM_PERM = 128
THRESHOLD = 0.7
NGRAM = 3
# rensa wants bands that divide num_perm: 32 bands of 4 rows collide from a
# Jaccard of about 0.42, generous enough that its recall matches the others.
RENSA_BANDS = 32
_PY_TOKEN = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}]|[\p{L}\p{N}\p{M}]+")


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
    for r in range(1, repeat):
        sents = [s for p in base for s in _data.split_sentences(p)]
        rng.shuffle(sents)
        k = 0
        while k < len(sents):
            n = rng.randint(2, 4)
            joiner = "" if _data.is_cjk(sents[k]) else " "
            originals.append(joiner.join(sents[k : k + n]))
            k += n
    items: list[tuple[str, int | None]] = [(t, None) for t in originals]
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
    first_copy = {}
    for k, slot in enumerate(slots):
        for m, t in enumerate(slot):
            if m:
                copies.add(len(texts))
            texts.append(t)
    del first_copy
    return Data(texts, frozenset(copies))


# --- shared stages ------------------------------------------------------------


def py_shingles(text: str) -> set[str]:
    """Token 3-grams as a user writes them in Python."""
    toks = _PY_TOKEN.findall(text.lower())
    if len(toks) < NGRAM:
        return {" ".join(toks)} if toks else set()
    return {" ".join(toks[i : i + NGRAM]) for i in range(len(toks) - NGRAM + 1)}


def keep_first(n: int, pairs: Sequence[tuple[int, int]]) -> set[int]:
    """Items flagged as copies: each verified pair ``(i, j)``, ``i < j``,
    flags ``j`` when ``i`` is itself kept (no chaining)."""
    by_j: dict[int, list[int]] = {}
    for i, j in pairs:
        by_j.setdefault(j, []).append(i)
    flagged: set[int] = set()
    for j in sorted(by_j):
        if any(i not in flagged for i in by_j[j]):
            flagged.add(j)
    return flagged


def py_verify(sets: list[set[str]], pairs) -> list[tuple[int, int]]:
    out = []
    for i, j in pairs:
        a, b = sets[i], sets[j]
        inter = len(a & b)
        union = len(a) + len(b) - inter
        if union and inter / union >= THRESHOLD:
            out.append((min(i, j), max(i, j)))
    return out


# --- pipelines ----------------------------------------------------------------


def ours_signatures(texts: list[str], oph: bool = False) -> np.ndarray:
    sets = shingle(texts, NGRAM)
    if oph:
        return signature.minhash_oph(sets, NUM_PERM, 1)
    return signature.minhash(sets, NUM_PERM, 1)


def ours_scan(texts: list[str], oph: bool = False) -> set[int]:
    sets = shingle(texts, NGRAM)
    sigs = signature.minhash_oph(sets, NUM_PERM, 1) if oph else signature.minhash(sets, NUM_PERM, 1)
    pairs = lsh_pairs(sigs, THRESHOLD)
    inter, size_a, size_b = verify.jaccard_pairs(sets, pairs)
    union = size_a + size_b - inter
    ok = inter >= THRESHOLD * np.maximum(union, 1)
    return keep_first(len(texts), pairs[ok].tolist())


def library_scan(texts: list[str]) -> set[int]:
    """``dedupe.scan`` with every paragraph a document: it also looks for
    copied sentences and boilerplate, so it does more than the others."""
    import dedupe

    result = dedupe.scan([(f"{i:09d}", t) for i, t in enumerate(texts)], threshold=THRESHOLD, ngram=NGRAM)
    return {int(m) for c in result.clusters for m in c.members[1:]}


def datasketch_signatures(texts: list[str], bulk: bool = False):
    from datasketch import MinHash

    sets = [py_shingles(t) for t in texts]
    if bulk:
        return sets, MinHash.bulk([[s.encode("utf-8") for s in x] for x in sets], num_perm=NUM_PERM)
    out = []
    for x in sets:
        m = MinHash(num_perm=NUM_PERM)
        m.update_batch([s.encode("utf-8") for s in x])
        out.append(m)
    return sets, out


def datasketch_scan(texts: list[str], bulk: bool = False) -> set[int]:
    from datasketch import MinHashLSH

    sets, mhs = datasketch_signatures(texts, bulk)
    return _query_then_insert(sets, mhs, MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM))


def _query_then_insert(sets: list, mhs: list, lsh) -> set[int]:
    """The loop a user writes around any MinHash LSH index: each paragraph
    queries the earlier ones, then joins them; candidates are verified."""
    cands = []
    for i, m in enumerate(mhs):
        if not sets[i]:
            continue
        cands.extend((int(j), i) for j in lsh.query(m))
        lsh.insert(i, m)
    return keep_first(len(sets), py_verify(sets, cands))


def rensa_signatures(texts: list[str]):
    from rensa import RMinHash

    sets = [py_shingles(t) for t in texts]
    out = []
    for x in sets:
        m = RMinHash(num_perm=NUM_PERM, seed=1)
        m.update(list(x))
        out.append(m)
    return sets, out


def rensa_scan(texts: list[str]) -> set[int]:
    from rensa import RMinHashLSH

    sets, mhs = rensa_signatures(texts)
    return _query_then_insert(sets, mhs, RMinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, num_bands=RENSA_BANDS))


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


def _cell(x: float, fmt: str, unit: str = "") -> str:
    return "–" if x != x else f"{x:{fmt}}{unit}"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=1, help="rounds of corpus text (default 1)")
    ap.add_argument("--limit", type=int, help="use only the first N corpus paragraphs (smoke runs)")
    ap.add_argument("--runs", type=int, default=3, help="timed runs of the fast pipelines; the best counts")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                    help="time by this process's CPU time (default) or by wall-clock time")
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
    if args.json:
        out = {"machine": machine(), "clock": args.clock, "paragraphs": len(texts), "megabytes": mb, "copies": len(data.copies),
               "rows": [{k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()} for r in rows]}
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
