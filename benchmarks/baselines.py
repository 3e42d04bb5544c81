"""The pipelines a user would otherwise write for near-duplicate
paragraphs, with rensa or datasketch: Python shingling, MinHash per
paragraph, an LSH index queried then filled, exact Jaccard of Python sets,
the first of each group kept. ``speed.py`` times them beside dedupe.

This module imports only what those pipelines need (``regex`` for the
tokens, and rensa or datasketch when called), so that one run as a whole
process does not pay for numpy or dedupe:

    python benchmarks/baselines.py rensa corpus.jsonl   # prints the copies found
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Callable, Sequence

import regex

NUM_PERM = 128
THRESHOLD = 0.7
NGRAM = 3
# rensa wants bands that divide num_perm: 32 bands of 4 rows collide from a
# Jaccard of about 0.42, generous enough that its recall matches the others.
RENSA_BANDS = 32
_PY_TOKEN = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Thai}]|[\p{L}\p{N}\p{M}]+")


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


def paragraph_texts(path: Path) -> list[str]:
    """The JSONL's documents split at blank lines: the units the baseline
    pipelines compare."""
    out: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            out.extend(p for p in regex.split(r"\n\s*\n", json.loads(line)["text"]) if p.strip())
    return out


#: Baselines that run as whole processes beside ``dedupe scan``.
BASELINES: dict[str, Callable[[list[str]], set[int]]] = {"rensa": rensa_scan, "datasketch": datasketch_scan}


def main(argv: Sequence[str] | None = None) -> int:
    name, path = argv if argv is not None else sys.argv[1:]
    print(len(BASELINES[name](paragraph_texts(Path(path)))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
