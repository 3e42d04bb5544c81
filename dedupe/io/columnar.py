"""Columnar inputs and outputs: documents streamed from Parquet files and
Arrow IPC (file or stream format) one record batch at a time, so that a
table is never held in memory whole; scan results written as Parquet.

Needs ``pyarrow`` (``pip install 'dedupe-text[parquet]'``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from dedupe.errors import InputError, MissingExtraError
from dedupe.io.records import Document, Record, Skipped

if TYPE_CHECKING:
    import pyarrow as pa


class Results(Protocol):
    """What :func:`write_results` writes: a scan's result (a
    :class:`dedupe.corpus.scan.ScanResult`), seen from this layer."""

    @property
    def clusters(self) -> Sequence[Record]: ...
    @property
    def passages(self) -> Sequence[Record]: ...
    @property
    def boilerplate(self) -> Sequence[Record]: ...

PARQUET_SUFFIXES = (".parquet", ".pq")
ARROW_SUFFIXES = (".arrow", ".feather", ".ipc", ".arrows")
#: Rows per record batch read from a Parquet file: small enough to keep
#: memory flat, large enough for Arrow's per-batch cost not to show.
BATCH_ROWS = 8192


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError as exc:
        raise MissingExtraError("reading and writing Parquet or Arrow files", "parquet", "pyarrow") from exc
    return pyarrow


def is_columnar(path: str | Path) -> bool:
    """Whether ``path`` names a Parquet or Arrow IPC file by its suffix."""
    return Path(path).suffix.lower() in PARQUET_SUFFIXES + ARROW_SUFFIXES


def iter_record_batches(path: str | Path, columns: list[str] | None = None,
                        batch_rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
    """Record batches of a Parquet or Arrow IPC file, read one at a time."""
    pa = _pyarrow()
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    try:
        if p.suffix.lower() in PARQUET_SUFFIXES:
            import pyarrow.parquet as pq

            yield from pq.ParquetFile(p).iter_batches(batch_size=batch_rows, columns=columns)
            return
        yield from _ipc_batches(pa, p, columns)
    except pa.ArrowException as exc:
        raise InputError(f"{p}: not a readable Parquet or Arrow file ({exc})") from exc


def _ipc_batches(pa: Any, p: Path, columns: list[str] | None) -> Iterator[pa.RecordBatch]:
    # The file format allows random access; the stream format (what
    # `pa.ipc.new_stream` writes) only reading in order. Try both.
    with pa.memory_map(str(p)) as source:
        try:
            reader: Any = pa.ipc.open_file(source)
            batches: Iterable[Any] = (reader.get_batch(i) for i in range(reader.num_record_batches))
        except pa.ArrowInvalid:
            source.seek(0)
            batches = pa.ipc.open_stream(source)
        for rb in batches:
            yield rb.select(columns) if columns else rb


def documents_from_batches(batches: Iterable[pa.RecordBatch], id_field: str = "id", text_field: str = "text",
                           where: str = "batch", strict: bool = False) -> Iterator[Document | Skipped]:
    """Documents from record batches: ``text_field`` is the text, and
    ``id_field`` the id (``where:row`` when that column is missing or the
    value is null, as for a JSONL record without an id)."""
    row = 0
    for rb in batches:
        names = rb.schema.names
        if text_field not in names:
            raise InputError(f"{where}: no {text_field!r} column (columns: {', '.join(names)})")
        texts = rb.column(names.index(text_field)).to_pylist()
        ids = rb.column(names.index(id_field)).to_pylist() if id_field in names else [None] * len(texts)
        for ident, text in zip(ids, texts):
            row += 1
            here = f"{where}:{row}"
            if not isinstance(text, str):
                reason = f"field {text_field!r} is {type(text).__name__}, not a string"
                if strict:
                    raise InputError(f"{here}: {reason}")
                yield Skipped(here, reason)
                continue
            yield Document(here if ident is None else str(ident), text)


def iter_documents(path: str | Path, id_field: str = "id", text_field: str = "text",
                   strict: bool = False) -> Iterator[Document | Skipped]:
    """Documents of a Parquet or Arrow IPC file, streamed batch by batch
    (only the two columns are read)."""
    pa = _pyarrow()
    schema = _schema(pa, Path(path))
    columns = [c for c in (id_field, text_field) if c in schema.names]
    yield from documents_from_batches(iter_record_batches(path, columns), id_field, text_field, str(path), strict)


def _schema(pa: Any, p: Path) -> pa.Schema:
    if not p.is_file():
        raise InputError(f"{p}: no such file")
    try:
        if p.suffix.lower() in PARQUET_SUFFIXES:
            import pyarrow.parquet as pq

            return pq.read_schema(p)
        with pa.memory_map(str(p)) as source:
            try:
                return pa.ipc.open_file(source).schema
            except pa.ArrowInvalid:
                source.seek(0)
                return pa.ipc.open_stream(source).schema
    except pa.ArrowException as exc:
        raise InputError(f"{p}: not a readable Parquet or Arrow file ({exc})") from exc


def write_results(result: Results, folder: str | Path) -> list[Path]:
    """``clusters.parquet``, ``passages.parquet`` and
    ``boilerplate.parquet`` in ``folder`` (created), one row per item with
    the fields of its ``to_dict``; each file is written to a temporary
    name and renamed, so a failed write leaves no half file."""
    pa = _pyarrow()
    import pyarrow.parquet as pq

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "clusters": pa.Table.from_pylist([c.to_dict() for c in result.clusters], schema=CLUSTERS_SCHEMA(pa)),
        "passages": pa.Table.from_pylist([p.to_dict() for p in result.passages], schema=PASSAGES_SCHEMA(pa)),
        "boilerplate": pa.Table.from_pylist([b.to_dict() for b in result.boilerplate], schema=BOILERPLATE_SCHEMA(pa)),
    }
    written = []
    for name, table in tables.items():
        final = out / f"{name}.parquet"
        tmp = out / f".{name}.parquet.tmp"
        pq.write_table(table, tmp)
        tmp.replace(final)
        written.append(final)
    return written


def CLUSTERS_SCHEMA(pa: Any) -> pa.Schema:  # noqa: N802 - a schema, named like one
    return pa.schema([("members", pa.list_(pa.string())), ("similarity", pa.float64())])


def _occurrence(pa: Any) -> Any:
    return pa.struct([("id", pa.string()), ("start", pa.int64()), ("end", pa.int64())])


def PASSAGES_SCHEMA(pa: Any) -> pa.Schema:  # noqa: N802
    return pa.schema([("id", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
                      ("similarity", pa.float64()), ("duplicate_of", _occurrence(pa))])


def BOILERPLATE_SCHEMA(pa: Any) -> pa.Schema:  # noqa: N802
    return pa.schema([("text", pa.string()), ("documents", pa.int64()), ("level", pa.string()),
                      ("occurrences", pa.list_(_occurrence(pa))), ("template", pa.string())])
