"""The same generated corpus through ``dedupe.scan`` and through the Spark
engine in local mode: per-stage times, the ratio, and whether the
clusters are equal.

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
from dedupe.spark import analysis, bands, components, leader  # noqa: E402
from dedupe.spark.scan import split_options  # noqa: E402
from dedupe.spark.verify import verified_edges  # noqa: E402


def corpus(n: int, seed: int = 1) -> list[tuple[str, str]]:
    """``n`` documents: one in ten a lightly edited copy, one in thirty a
    link of a chain A~B~C."""
    rng = random.Random(seed)
    vocab = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9))) for _ in range(20000)]
    docs: list[tuple[str, str]] = []
    while len(docs) < n:
        i = len(docs)
        words = [rng.choice(vocab) for _ in range(rng.randint(150, 400))]
        docs.append((f"d{i:07d}", " ".join(words)))
        if i % 10 == 0:
            edited = list(words)
            edited[rng.randrange(len(edited))] = "edited"
            docs.append((f"d{i:07d}-e", " ".join(edited)))
        if i % 30 == 0:
            seq = [rng.choice(vocab) for _ in range(140)]
            docs += [(f"d{i:07d}-c{k}", " ".join(seq[15 * k : 15 * k + 100])) for k in range(3)]
    return docs[:n]


def timed(label: str, times: dict[str, float], stage):
    t0 = time.perf_counter()
    # Built and materialized inside the clock (the component rounds run
    # while the plan is built), so that each stage's time is its own.
    df = stage().localCheckpoint()
    times[label] = time.perf_counter() - t0
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
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    an = timed("analysis", times, lambda: analysis.analyze(df, analysis.analysis_config(opts, so, "id", "text")))
    pairs = timed("candidates", times, lambda: bands.candidate_pairs(an))
    edges = timed("verify", times, lambda: verified_edges(pairs, an, opts.threshold))
    comp = timed("components", times, lambda: components.spark_components(edges))
    cl = timed("leader", times, lambda: leader.clusters(edges, comp, opts.threshold))
    t_spark = time.perf_counter() - t0
    got = dspark.collect(dspark.SparkScan(an, cl, opts, so), lengths=False)
    print(json.dumps({
        "documents": len(docs), "megabytes": round(single.summary.megabytes, 2), "partitions": args.partitions,
        "single_seconds": round(t_single, 2), "spark_seconds": round(t_spark, 2),
        "ratio": round(t_spark / t_single, 2) if t_single else None,
        "stages": {k: round(v, 2) for k, v in times.items()},
        "candidate_pairs": pairs.count(), "verified_edges": edges.count(),
        "clusters": len(single.clusters), "clusters_equal": got.clusters == single.clusters,
    }, indent=2))
    spark.stop()


if __name__ == "__main__":
    main()
