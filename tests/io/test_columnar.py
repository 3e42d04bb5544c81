"""Parquet and Arrow IPC documents, streamed by record batch, and scan
results written as Parquet."""

from __future__ import annotations

import pytest

import dedupe
from dedupe.errors import InputError
from dedupe.io.sources import Document, Skipped

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from dedupe.io import columnar  # noqa: E402
from tests.corpus.test_scan import planted_corpus  # noqa: E402


@pytest.fixture(scope="module")
def docs():
    return sorted(planted_corpus()[0].items())


def _table(docs):
    return pa.table({"url": [d for d, _ in docs], "body": [t for _, t in docs], "n": list(range(len(docs)))})


def test_parquet_documents_stream_in_batches_and_scan_like_the_originals(tmp_path, docs):
    path = tmp_path / "docs.parquet"
    pq.write_table(_table(docs), path, row_group_size=10)
    batches = list(columnar.iter_record_batches(path, ["url", "body"], batch_rows=7))
    assert len(batches) > 5 and max(b.num_rows for b in batches) <= 7
    read = list(columnar.iter_documents(path, "url", "body"))
    assert read == [Document(d, t) for d, t in docs]
    assert dedupe.scan(read, jobs=1).to_dict()["clusters"] == dedupe.scan(docs, jobs=1).to_dict()["clusters"]


@pytest.mark.parametrize("kind", ["file", "stream"])
def test_arrow_ipc_file_and_stream_formats(tmp_path, docs, kind):
    path = tmp_path / "docs.arrow"
    table = _table(docs[:10])
    opener = pa.ipc.new_file if kind == "file" else pa.ipc.new_stream
    with pa.OSFile(str(path), "wb") as sink, opener(sink, table.schema) as writer:
        for rb in table.to_batches(max_chunksize=3):
            writer.write_batch(rb)
    assert [d.id for d in columnar.iter_documents(path, "url", "body")] == [d for d, _ in docs[:10]]


def test_documents_from_record_batches_without_an_id_column_and_with_nulls():
    rb = pa.record_batch({"text": ["one text", None, "two"]})
    got = list(columnar.documents_from_batches([rb], where="mem"))
    assert got[0] == Document("mem:1", "one text")
    assert isinstance(got[1], Skipped) and got[1].where == "mem:2"
    assert got[2] == Document("mem:3", "two")
    with pytest.raises(InputError, match="mem:2"):
        list(columnar.documents_from_batches([rb], where="mem", strict=True))


def test_bad_inputs_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        list(columnar.iter_documents(tmp_path / "missing.parquet"))
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet at all")
    with pytest.raises(InputError, match="not a readable"):
        list(columnar.iter_documents(bad))
    good = tmp_path / "good.parquet"
    pq.write_table(pa.table({"body": ["x"]}), good)
    with pytest.raises(InputError, match="no 'text' column"):
        list(columnar.iter_documents(good))


def test_results_written_as_parquet_read_back_equal(tmp_path, docs):
    result = dedupe.scan(docs, jobs=1)
    written = columnar.write_results(result, tmp_path / "out")
    assert sorted(p.name for p in written) == ["boilerplate.parquet", "clusters.parquet", "passages.parquet"]
    d = result.to_dict()
    for name in ("clusters", "passages", "boilerplate"):
        assert pq.read_table(tmp_path / "out" / f"{name}.parquet").to_pylist() == d[name]
    assert not list((tmp_path / "out").glob(".*tmp"))


def test_is_columnar():
    assert columnar.is_columnar("a/b.parquet") and columnar.is_columnar("x.ARROW")
    assert not columnar.is_columnar("x.jsonl")
