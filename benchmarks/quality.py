"""Quality benchmark: how much duplicated text a tool removes, and how much
good text it eats, on labelled documents with planted copies.

    python benchmarks/quality.py                    # default corpus, default options
    python benchmarks/quality.py --corpus my.jsonl  # your own paragraphs as well
    python benchmarks/quality.py --sweep            # n-gram size x thresholds
    python benchmarks/quality.py --json out.json
    python benchmarks/quality.py --no-cross-document   # one document at a time only

After the per-document tables it runs the cross-document part
(``crossdoc.py``): passages copied with light edits into short answers, and
bylines with variable parts, each beside the datasketch paragraph baseline.

Scores are over non-space characters: precision is the share of removed
characters that were planted copies, recall the share of planted copies
removed. Text that is both a copy and part of a new paragraph may go or stay.
The baseline is what a user writes with datasketch alone: word 5-gram
MinHash per paragraph, ``MinHashLSH`` at 0.8, keep the first of each match.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _data  # noqa: E402
import crossdoc  # noqa: E402

import dedupe  # noqa: E402
from dedupe.options import Options  # noqa: E402

Spans = list[tuple[int, int]]
Tool = Callable[[str], Spans]


@dataclass(frozen=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        if r != r:
            return float("nan")
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        def clean(x: float) -> float | None:
            return None if x != x else round(x, 4)

        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": clean(self.precision),
                "recall": clean(self.recall), "f1": clean(self.f1)}


def score(doc: _data.LabelledDoc, removed: Spans) -> Counts:
    """Character counts of one document's removals against its labels."""
    pred = np.zeros(len(doc.text), dtype=bool)
    for s, e in removed:
        pred[s:e] = True
    visible = ~np.array([c.isspace() for c in doc.text], dtype=bool)
    lab = doc.labels
    tp = int(np.count_nonzero(pred & visible & (lab == _data.REMOVE)))
    fp = int(np.count_nonzero(pred & visible & (lab == _data.KEEP)))
    fn = int(np.count_nonzero(~pred & visible & (lab == _data.REMOVE)))
    return Counts(tp, fp, fn)


# --- tools --------------------------------------------------------------------


def dedupe_tool(options: Options) -> Tool:
    def run(text: str) -> Spans:
        return [(r.start, r.end) for r in dedupe.find_duplicates(text, options)]

    return run


def baseline_tool(threshold: float = 0.8, ngram: int = 5, num_perm: int = 128) -> Tool:
    """Paragraphs split on blank lines, word 5-grams, one MinHash each,
    ``MinHashLSH`` at ``threshold``; a paragraph whose query finds an
    earlier one is removed."""
    from datasketch import MinHashLSH

    params = MinHashLSH(threshold=threshold, num_perm=num_perm).b, MinHashLSH(threshold=threshold, num_perm=num_perm).r

    def run(text: str) -> Spans:
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, params=params)
        out = []
        for k, (start, end, mh) in enumerate(_data.paragraph_minhashes(text, ngram, num_perm)):
            if lsh.query(mh):
                out.append((start, end))
            else:
                lsh.insert(str(k), mh)
        return out

    return run


# --- evaluation ---------------------------------------------------------------


def evaluate(docs: Sequence[_data.LabelledDoc], tool: Tool) -> dict[tuple[str, str], Counts]:
    """Counts by (language, kind)."""
    out: dict[tuple[str, str], Counts] = {}
    for doc in docs:
        c = score(doc, tool(doc.text))
        out[(doc.lang, doc.kind)] = out.get((doc.lang, doc.kind), Counts()) + c
    return out


def by_language(counts: dict[tuple[str, str], Counts]) -> dict[str, Counts]:
    out: dict[str, Counts] = {}
    for (lang, _), c in counts.items():
        out[lang] = out.get(lang, Counts()) + c
    return out


def by_kind(counts: dict[tuple[str, str], Counts]) -> dict[str, Counts]:
    out: dict[str, Counts] = {}
    for (_, kind), c in counts.items():
        out[kind] = out.get(kind, Counts()) + c
    return out


def _fmt(x: float) -> str:
    return "   –  " if x != x else f"{x:6.3f}"


def table(title: str, rows: dict[str, dict[str, Counts]], tools: Sequence[str]) -> str:
    head = f"| {title} | " + " | ".join(f"{t} P | {t} R | {t} F1" for t in tools) + " |"
    sep = "|---|" + "---:|" * (3 * len(tools))
    lines = [head, sep]
    for name, per_tool in rows.items():
        cells = []
        for t in tools:
            c = per_tool[t]
            cells += [_fmt(c.precision), _fmt(c.recall), _fmt(c.f1)]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def sweep(docs: Sequence[_data.LabelledDoc], grid: Iterable[dict]) -> list[dict]:
    out = []
    for overrides in grid:
        opts = Options.build(None, **overrides)
        langs = by_language(evaluate(docs, dedupe_tool(opts)))
        worst_p = min(c.precision for c in langs.values())
        worst_r = min(c.recall for c in langs.values())
        total = sum(langs.values(), Counts())
        out.append({**overrides, "worst_precision": round(worst_p, 4), "worst_recall": round(worst_r, 4),
                    "f1": round(total.f1, 4), **{f"{k}_f1": round(v.f1, 4) for k, v in langs.items()}})
        print(" ".join(f"{k}={v}" for k, v in out[-1].items()), flush=True)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", action="append", default=[], metavar="FILE.jsonl",
                    help="also generate documents from this JSONL file (fields text, title?, id?)")
    ap.add_argument("--langs", default="ja,zh,en", help="built-in languages (default: ja,zh,en; '' for none)")
    ap.add_argument("--docs", type=int, default=25, help="documents per kind of copy and language (default 25)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-baseline", action="store_true", help="skip the datasketch baseline")
    ap.add_argument("--sweep", action="store_true", help="sweep ngram, threshold and containment")
    ap.add_argument("--no-cross-document", action="store_true",
                    help="skip the cross-document part (copied passages, bylines with variable parts)")
    ap.add_argument("--json", metavar="PATH", help="write the results as JSON")
    for name in ("ngram", "threshold", "containment", "min_tokens", "evidence_tokens"):
        ap.add_argument(f"--{name.replace('_', '-')}",
                        type=float if name in ("threshold", "containment", "evidence_tokens") else int)
    args = ap.parse_args(argv)

    sources = _data.default_sources([x for x in args.langs.split(",") if x], args.seed)
    for path in args.corpus:
        sources[Path(path).stem] = _data.load_jsonl(path, Path(path).stem, args.seed)
    docs = list(_data.iter_documents(sources, _data.KINDS, args.docs, args.seed))
    chars = sum(len(d.text) for d in docs)
    print(f"{len(docs)} documents, {chars:,} characters, languages: {', '.join(sources)}", flush=True)

    if args.sweep:
        # n-gram size x containment at the default Jaccard threshold, then
        # the threshold alone around the default point.
        grid = [dict(ngram=n, threshold=0.7, containment=c)
                for n, c in itertools.product((2, 3, 4, 5), (0.75, 0.8, 0.85, 0.9, 0.95))]
        grid += [dict(ngram=3, threshold=t, containment=0.85) for t in (0.5, 0.6, 0.8, 0.9)]
        results = sweep(docs, grid)
        if args.json:
            Path(args.json).write_text(json.dumps({"sweep": results}, indent=2) + "\n", encoding="utf-8")
        return 0

    names = ("ngram", "threshold", "containment", "min_tokens", "evidence_tokens")
    overrides = {k: getattr(args, k) for k in names if getattr(args, k) is not None}
    options = Options.build(None, **overrides)
    tools: dict[str, Tool] = {"dedupe": dedupe_tool(options)}
    if not args.no_baseline:
        tools["datasketch"] = baseline_tool()
    results: dict[str, dict[tuple[str, str], Counts]] = {}
    seconds = {}
    for name, tool in tools.items():
        t0 = time.perf_counter()
        results[name] = evaluate(docs, tool)
        seconds[name] = time.perf_counter() - t0
    names = list(tools)
    langs = {lang: {t: by_language(results[t])[lang] for t in names} for lang in sources}
    langs["all"] = {t: sum(by_language(results[t]).values(), Counts()) for t in names}
    kinds = {k: {t: by_kind(results[t])[k] for t in names} for k in _data.KINDS}
    print()
    print(f"options: ngram={options.ngram} threshold={options.threshold} containment={options.containment} "
          f"min_tokens={options.min_tokens} evidence_tokens={options.evidence_tokens}; baseline: word 5-gram MinHashLSH at 0.8, keep first")
    print()
    print(table("language", langs, names))
    print()
    print(table("kind", kinds, names))
    print()
    print("negative kinds (structure, code, front-matter, extended) have no copies to find: "
          "recall is '–' and precision counts good text removed.")
    print("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items()))
    across = None
    if not args.no_cross_document:
        across = crossdoc.run(sources, topics=40, pages=30, seed=args.seed)
        print()
        print("across documents (defaults of crossdoc.py):")
        print()
        print(crossdoc.report(across))
    if args.json:
        out = {
            "options": {"ngram": options.ngram, "threshold": options.threshold,
                        "containment": options.containment, "min_tokens": options.min_tokens,
                        "evidence_tokens": options.evidence_tokens},
            "documents": len(docs),
            "characters": chars,
            "by_language": {lang: {t: c.as_dict() for t, c in row.items()} for lang, row in langs.items()},
            "by_kind": {k: {t: c.as_dict() for t, c in row.items()} for k, row in kinds.items()},
            "by_language_and_kind": {f"{lang}/{kind}": {t: results[t][(lang, kind)].as_dict() for t in names}
                                     for (lang, kind) in results[names[0]]},
            "seconds": seconds,
            "across_documents": across,
        }
        Path(args.json).write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
