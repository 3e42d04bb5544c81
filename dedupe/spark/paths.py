"""The Spark scan over files: a session for a master URL, JSONL and
Parquet inputs read by Spark itself (so a cluster reads them in
parallel), and results written as Parquet or JSON lines. The command
line's ``--engine spark`` is a call of :func:`scan_paths`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from dedupe.errors import InputError, OptionsError
from dedupe.io.records import DIGITS
from dedupe.options import Options, ScanOptions
from dedupe.spark._deps import require_pyspark
from dedupe.spark.scan import SparkScan, scan

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
PARQUET_SUFFIXES = (".parquet", ".pq")


def session(master: str = "local[2]", app: str = "dedupe-scan", conf: dict[str, str] | None = None) -> SparkSession:
    """A Spark session (the running one if there is one). For a local
    master the driver binds to the loopback address and the workers run
    this interpreter, so that they see the same dedupe and numpy."""
    require_pyspark()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master).appName(app)
    if master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        builder = builder.config("spark.ui.showConsoleProgress", "false")
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def read_documents(spark: SparkSession, paths: Iterable[str], id_field: str = "id",
                   text_field: str = "text") -> DataFrame:
    """One DataFrame ``(id, text)`` of every JSONL and Parquet path
    (files or folders of part files, as Spark writes them)."""
    frames = []
    for raw in paths:
        p = Path(raw)
        if not raw.startswith(("s3", "gs:", "hdfs:", "abfs", "dbfs:")) and not p.exists():
            raise InputError(f"{raw}: no such file or folder")
        suffix = p.suffix.lower()
        if suffix in PARQUET_SUFFIXES or (p.is_dir() and any(p.glob("*.parquet"))):
            df = spark.read.parquet(raw)
        elif suffix in JSONL_SUFFIXES or p.is_dir():
            df = spark.read.schema(f"`{id_field}` string, `{text_field}` string").json(raw)
        else:
            raise InputError(f"{raw}: the Spark engine reads JSONL and Parquet, not {suffix or 'this'} files")
        if text_field not in df.columns or id_field not in df.columns:
            raise InputError(f"{raw}: needs the columns {id_field!r} and {text_field!r}")
        frames.append(df.selectExpr(f"CAST(`{id_field}` AS STRING) AS id", f"CAST(`{text_field}` AS STRING) AS text"))
    if not frames:
        raise InputError("no input paths given")
    out = frames[0]
    for df in frames[1:]:
        out = out.unionByName(df)
    return out


#: The columns written for each result, in the order the single-machine
#: ``--output`` writes them (:mod:`dedupe.io.columnar`).
RESULT_COLUMNS = {
    "clusters": ("members", "similarity"),
    "passages": ("id", "start", "end", "similarity", "duplicate_of"),
    "boilerplate": ("text", "documents", "level", "occurrences", "template"),
}


def _round_partition(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    import pyarrow as pa

    for rb in batches:
        i = rb.schema.get_field_index("similarity")
        rounded = pa.array([round(x, DIGITS) for x in rb.column(i).to_pylist()], pa.float64())
        yield rb.set_column(i, "similarity", rounded)


def _rounded(df: DataFrame) -> DataFrame:
    """Similarities to four places, as the reports give them (Python's
    rounding of the exact binary value, which Spark's ``round`` of the
    decimal form differs from at some halves)."""
    if "similarity" not in df.columns:
        return df
    return df.mapInArrow(_round_partition, df.schema)


def write_results(result: SparkScan, output: str, fmt: str = "parquet") -> list[str]:
    """``clusters``, ``passages`` and ``boilerplate`` (the fields of
    ``dedupe scan --format json``, in its order) as folders under
    ``output``, as Parquet or JSON lines; Spark writes each through a
    temporary folder and commits it whole."""
    if fmt not in ("parquet", "json"):
        raise OptionsError(f"output format must be 'parquet' or 'json', got {fmt!r}")
    written = []
    for name, columns in RESULT_COLUMNS.items():
        frame = _rounded(getattr(result, name).select(*columns))
        target = str(Path(output) / name)
        getattr(frame.write.mode("overwrite"), fmt)(target)
        written.append(target)
    return written


def scan_paths(paths: Iterable[str], options: Options | None = None, scan_options: ScanOptions | None = None,
               *, id_field: str = "id", text_field: str = "text", master: str = "local[2]",
               output: str | None = None, fmt: str = "parquet", **kwargs: Any) -> SparkScan:
    """:func:`dedupe.spark.scan` over JSONL and Parquet paths on the
    session of ``master``, results written to ``output`` when given."""
    spark = session(master)
    result = scan(read_documents(spark, paths, id_field, text_field), "id", "text", options, scan_options, **kwargs)
    if output is not None:
        write_results(result, output, fmt)
    return result
