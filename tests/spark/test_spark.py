"""The Spark engine against the single-machine scan, on a local[2]
session (skipped when pyspark or a Java runtime is missing), and its
connected-components step in numpy alone."""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

import dedupe
from dedupe.core.candidates import pairs_from_buckets
from dedupe.core.groups import DisjointSet
from dedupe.errors import MissingExtraError
from dedupe.spark.components import large_star, small_star, star_components

ROOT = Path(__file__).resolve().parents[2]

# ---------------------------------------------------------------- corpora


def _words(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9))) for _ in range(n)]


def chain_corpus(seed: int = 3, n_plain: int = 60, n_chains: int = 6) -> tuple[dict[str, str], list[list[str]]]:
    """Unrelated documents, exact and edited copies, and planted chains
    A~B~C (sliding windows over one word sequence: J(A,B) and J(B,C)
    about 0.74, J(A,C) about 0.54), each in a shuffled id order so that
    the canonical is not always the chain's first link. Returns the
    documents and each chain's ids, in link order."""
    rng = random.Random(seed)
    docs: dict[str, str] = {}
    chains: list[list[str]] = []
    for i in range(n_plain):
        paras = [" ".join(_words(rng, rng.randint(40, 90))) for _ in range(rng.randint(1, 3))]
        docs[f"p{i:03d}"] = "\n\n".join(paras)
    for i in range(0, n_plain, 7):
        docs[f"p{i:03d}-copy"] = docs[f"p{i:03d}"]
        w = docs[f"p{i:03d}"].split(" ")
        w[len(w) // 2] = "edited"
        docs[f"p{i:03d}-edit"] = " ".join(w)
    for c in range(n_chains):
        seq = _words(rng, 140)
        names = [f"c{c}-{x}" for x in rng.sample("xyzw", 3)]
        chains.append(names)
        for name, start in zip(names, (0, 15, 30)):
            docs[name] = " ".join(seq[start : start + 100])
    docs["empty"] = ""
    docs["short"] = "Hi."
    return docs, chains


# ---------------------------------------------------------------- numpy only


def _union_find_components(edges: np.ndarray) -> dict[int, int]:
    n = int(edges.max()) + 1
    ds = DisjointSet(n)
    for a, b in edges.tolist():
        ds.union(a, b)
    roots = ds.roots()
    return {int(u): int(roots[u]) for u in np.unique(edges).tolist() if (edges == u).any()}


@pytest.mark.parametrize("seed", range(40))
def test_star_rounds_find_the_components_of_random_graphs(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 300))
    edges = rng.integers(0, n, (int(rng.integers(1, 2 * n)), 2))
    edges = edges[edges[:, 0] != edges[:, 1]]
    if edges.size == 0:
        edges = np.array([[0, 1]])
    assert star_components(edges) == _union_find_components(edges)


def test_star_rounds_on_a_long_path_need_many_rounds():
    # A path numbered against the stars' grain: one round is not enough,
    # so only iteration to the fixed point gives one component.
    order = np.random.default_rng(1).permutation(200)
    edges = np.stack([order[:-1], order[1:]], axis=1)
    once = small_star(large_star(edges))
    assert np.unique(once[:, 1]).size > 1
    assert set(star_components(edges).values()) == {0}


def test_large_star_links_larger_neighbours_to_the_smallest():
    assert large_star(np.array([[2, 5], [2, 7], [1, 2]])).tolist() == [[2, 1], [5, 1], [7, 1]]
    assert small_star(np.array([[5, 2], [5, 3]])).tolist() == [[3, 2], [5, 2]]


def test_missing_pyspark_is_a_named_error(monkeypatch):
    from dedupe.spark import _deps

    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(MissingExtraError, match=r"pyspark.*dedupe-text\[spark\]"):
        _deps.require_pyspark()


# ---------------------------------------------------------------- Spark

pyspark = pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("no Java runtime for Spark", allow_module_level=True)

from dedupe import spark as dspark  # noqa: E402
from dedupe.spark.bands import candidate_pairs  # noqa: E402
from dedupe.spark.components import spark_components  # noqa: E402
from tests.spark_session import local_session  # noqa: E402


@pytest.fixture(scope="session")
def spark():
    session = local_session()
    yield session
    session.stop()


@pytest.fixture(scope="module")
def chained():
    return chain_corpus()


@pytest.fixture(scope="module")
def corpus(chained):
    return chained[0]


@pytest.fixture(scope="module")
def single(corpus):
    return dedupe.scan(sorted(corpus.items()), jobs=1)


def _frame(spark, corpus, partitions):
    rows = sorted(corpus.items(), key=lambda kv: hash(kv[0]) % 97)  # an input order unlike the ids'
    return spark.createDataFrame(rows, "id string, text string").repartition(partitions)


def test_the_corpus_has_chains_the_single_scan_does_not_follow(single, chained):
    # The two ends of a chain share a cluster only under the middle link
    # as its canonical; and some chains start at an end, where plain
    # connected components would chain them.
    cut = 0
    for a, b, c in chained[1]:
        held = [cl.members for cl in single.clusters if {a, b, c} & set(cl.members)]
        assert len(held) == 1
        if {a, c} <= set(held[0]):
            assert held[0][0] == b
        else:
            cut += 1
    assert cut >= 2


@pytest.mark.parametrize("partitions", [1, 3, 8])
def test_clusters_are_the_single_machine_clusters(spark, corpus, single, partitions):
    got = dspark.collect(dspark.scan(_frame(spark, corpus, partitions)))
    assert got.clusters == single.clusters
    assert got.summary.documents == single.summary.documents
    assert got.summary.paragraphs == single.summary.paragraphs
    assert got.lengths == single.lengths


def test_keep_longest_and_another_threshold_match_too(spark, corpus):
    want = dedupe.scan(sorted(corpus.items()), jobs=1, keep="longest", threshold=0.5)
    got = dspark.collect(dspark.scan(_frame(spark, corpus, 2), keep="longest", threshold=0.5))
    assert got.clusters == want.clusters
    assert any(len(c.members) == 3 and c.members[0].startswith("c") for c in got.clusters)


def test_other_column_names(spark, corpus, single):
    df = _frame(spark, corpus, 2).withColumnRenamed("id", "url").withColumnRenamed("text", "body")
    assert dspark.collect(dspark.scan(df, id_col="url", text_col="body")).clusters == single.clusters


def test_big_buckets_fan_out_as_on_one_machine(spark):
    rng = np.random.default_rng(5)
    labels = rng.integers(0, 4, 60)
    ids = [f"d{i:02d}" for i in range(60)]
    rows = [(ids[i], 0, False, [int(labels[i])]) for i in range(60)]
    docs = spark.createDataFrame(rows, "id string, k long, empty boolean, bands array<long>")
    got = sorted(tuple(r) for r in candidate_pairs(docs, max_bucket=10).collect())
    want = pairs_from_buckets(labels, np.arange(60), max_bucket=10)
    assert got == sorted((ids[a], ids[b]) for a, b in want.tolist())


def test_spark_components_match_the_numpy_rounds(spark):
    rng = np.random.default_rng(11)
    edges = rng.integers(0, 80, (90, 2))
    edges = edges[edges[:, 0] != edges[:, 1]]
    df = spark.createDataFrame([(int(a), int(b)) for a, b in edges.tolist()], "a long, b long")
    got = {r["node"]: r["component"] for r in spark_components(df).collect()}
    assert got == star_components(edges)


def test_jsonl_and_parquet_paths_scan_and_write_like_the_single_machine(spark, corpus, single, tmp_path):
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    items = sorted(corpus.items())
    jsonl = tmp_path / "docs.jsonl"
    jsonl.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in items[:40]))
    parquet = tmp_path / "docs.parquet"
    pq.write_table(pa.table({"id": [i for i, _ in items[40:]], "text": [t for _, t in items[40:]]}), parquet)
    result = dspark.scan_paths([str(jsonl), str(parquet)], master="local[2]", output=str(tmp_path / "out"))
    assert dspark.collect(result, lengths=False).clusters == single.clusters
    written = pq.read_table(tmp_path / "out" / "clusters").to_pylist()
    assert written == [c.to_dict() for c in single.clusters]
    with pytest.raises(dedupe.InputError, match="no such file"):
        dspark.scan_paths([str(tmp_path / "missing.jsonl")])


def test_clean_example_cleans_each_partition(spark, tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("spark_clean", ROOT / "examples" / "spark_clean.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    p = "The library budget was approved on Monday after a long debate about staffing and costs."
    df = spark.createDataFrame([(1, f"{p}\n\n{p}\n"), (2, "Just one paragraph here."), (3, None)], "id long, text string")
    schema = df.schema.add("removed", "long")
    rows = sorted(df.repartition(2).mapInArrow(lambda it: mod.clean_batches(it, "text"), schema).collect())
    assert [(r.id, r.text, r.removed) for r in rows] == [
        (1, p + "\n", 1), (2, "Just one paragraph here.", 0), (3, None, 0)]


def test_benchmark_corpus_plants_copies_and_chains():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_spark", ROOT / "benchmarks" / "spark.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    docs = mod.corpus(200)
    assert len(docs) == 200 and len({d for d, _ in docs}) == 200
    clusters = dedupe.scan(docs, jobs=1).clusters
    assert any(len(c.members) == 2 and c.members[0].endswith("-c0") for c in clusters)


def test_the_cli_gives_the_same_clusters_on_spark_and_locally(spark, corpus, tmp_path, capsys):
    """dedupe scan --engine spark on JSONL and Parquet gives the clusters of
    dedupe scan on the same files (which reads Parquet through pyarrow)."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    from dedupe.cli import main

    items = sorted(corpus.items())
    jsonl = tmp_path / "docs.jsonl"
    jsonl.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in items[:50]))
    parquet = tmp_path / "docs.parquet"
    pq.write_table(pa.table({"id": [i for i, _ in items[50:]], "text": [t for _, t in items[50:]]}), parquet)
    argv = ["scan", "--no-config", "--format", "json", str(jsonl), str(parquet)]
    assert main(argv + ["--output", str(tmp_path / "local")]) == 0
    local = json.loads(capsys.readouterr().out)
    assert main(argv + ["--engine", "spark", "--output", str(tmp_path / "spark")]) == 0
    on_spark = json.loads(capsys.readouterr().out)
    assert local["clusters"] and on_spark["clusters"] == local["clusters"]
    assert pq.read_table(tmp_path / "local" / "clusters.parquet").to_pylist() == local["clusters"]
