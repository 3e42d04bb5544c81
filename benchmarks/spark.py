"""The same generated corpus through ``dedupe.scan`` and through the Spark
engine in local mode: per-stage times, the ratio, and whether the
clusters, copied passages and boilerplate blocks are equal.

    python benchmarks/spark.py --docs 2000 --partitions 4
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dedupe  # noqa: E402
from dedupe import spark as dspark  # noqa: E402
from dedupe.corpus.grouping import min_documents  # noqa: E402
from dedupe.spark import analysis  # noqa: E402
from dedupe.spark.scan import split_options, stages, unique_documents  # noqa: E402


def _sentences(rng: random.Random, vocab: list[str], n: int) -> list[str]:
    return [" ".join(rng.choice(vocab) for _ in range(rng.randint(9, 16))).capitalize() + "." for _ in range(n)]


def _reworked(sents: list[str]) -> list[str]:
    """Four sentences as a writer reuses them: the first with a word
    changed, the fourth moved up, the second and third merged into one."""
    words = sents[0].split(" ")
    words[len(words) // 2] = "edited"
    return [" ".join(words), sents[3], sents[1][:-1] + ", and " + sents[2][0].lower() + sents[2][1:]]


def corpus(n: int, seed: int = 1) -> list[tuple[str, str]]:
    """``n`` documents of three paragraphs: four in five end with a
    templated footer (boilerplate whose year and page change), one in ten
    has a lightly edited copy, one in thirty starts a chain A~B~C, one in
    fifteen copies a paragraph of an earlier document, one in twenty two
    adjacent sentences of one and one in twenty-five reworks four
    sentences of one (:func:`_reworked`: copied passages)."""
    rng = random.Random(seed)
    vocab = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9))) for _ in range(20000)]
    docs: list[tuple[str, str]] = []
    bodies: list[list[list[str]]] = []  # sentences of each paragraph of each main document
    while len(docs) < n:
        i = len(docs)
        paras = [_sentences(rng, vocab, rng.randint(3, 7)) for _ in range(3)]
        if i % 15 == 7 and len(bodies) > 5:
            paras[1] = bodies[-5][0]
        if i % 20 == 11 and len(bodies) > 3:
            paras[2] = paras[2][:1] + bodies[-3][1][1:3] + paras[2][1:]
        if i % 25 == 13 and len(bodies) > 8 and len(bodies[-8][2]) >= 4:
            paras[0] = paras[0][:1] + _reworked(bodies[-8][2]) + paras[0][1:]
        bodies.append(paras)
        text = "\n\n".join(" ".join(p) for p in paras)
        if i % 5 != 4:
            y = rng.randint(2001, 2025)
            text += (f"\n\nCopyright {y} Example Press. All rights reserved. Updated {rng.randint(1, 28)} May {y},"
                     f" edition {rng.randint(1, 900)}.")
        docs.append((f"d{i:07d}", text))
        if i % 10 == 0:
            words = text.split(" ")
            words[rng.randrange(len(words) // 2)] = "edited"
            docs.append((f"d{i:07d}-e", " ".join(words)))
        if i % 30 == 0:
            seq = [rng.choice(vocab) for _ in range(140)]
            docs += [(f"d{i:07d}-c{k}", " ".join(seq[15 * k : 15 * k + 100])) for k in range(3)]
    return docs[:n]


class Timer:
    """A :data:`dedupe.spark.scan.Mark` that computes each stage inside
    the clock (the grouping rounds run while the plan is built, so the
    time since the previous stage is this stage's own)."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self.last = time.perf_counter()

    def __call__(self, stage: str, df):
        df = df.localCheckpoint()
        now = time.perf_counter()
        self.times[stage] = now - self.last
        self.last = now
        return df


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--partitions", type=int, default=4)
    ap.add_argument("--master", default="local[2]")
    args = ap.parse_args()
    docs = corpus(args.docs)
    t0 = time.perf_counter()
    single = dedupe.scan(docs, jobs=1)
    t_single = time.perf_counter() - t0
    spark = dspark.session(args.master, conf={"spark.sql.shuffle.partitions": str(args.partitions)})
    df = spark.createDataFrame(docs, "id string, text string").repartition(args.partitions).localCheckpoint()
    opts, so = split_options(None, None, {})
    timer = Timer()
    texts = analysis.documents(df, "id", "text")
    an = timer("analysis", analysis.analyze(texts, analysis.analysis_config(opts, so)))
    need = min_documents(so, unique_documents(an))
    timer("unique ids", an)
    result = stages(an, texts, opts, so, need, mark=timer)
    got = dspark.collect(result, lengths=False)
    timer("passage, block and cluster rows", an)
    t_spark = sum(timer.times.values())  # the session's start-up left out
    same = (got.clusters == single.clusters, got.passages == single.passages, got.boilerplate == single.boilerplate)
    print(json.dumps({
        "documents": len(docs), "megabytes": round(single.summary.megabytes, 2), "partitions": args.partitions,
        "single_seconds": round(t_single, 2), "spark_seconds": round(t_spark, 2),
        "ratio": round(t_spark / t_single, 2) if t_single else None,
        "stages": {k: round(v, 2) for k, v in timer.times.items()},
        "clusters": len(single.clusters), "passages": len(single.passages), "boilerplate": len(single.boilerplate),
        "clusters_equal": same[0], "passages_equal": same[1], "boilerplate_equal": same[2],
    }, indent=2))
    spark.stop()


if __name__ == "__main__":
    main()
