"""Clean every document's text in a Spark DataFrame with ``dedupe.clean``,
one partition at a time (``pip install 'dedupe-text[spark]'``).

    python examples/spark_clean.py docs.parquet cleaned.parquet --field text
"""

from __future__ import annotations

import argparse
from typing import Iterable, Iterator

import pyarrow as pa

import dedupe


def clean_batches(batches: Iterable[pa.RecordBatch], field: str) -> Iterator[pa.RecordBatch]:
    """Each batch with its ``field`` column replaced by the cleaned text
    and a ``removed`` count beside it; a null text stays null."""
    for rb in batches:
        texts = rb.column(field).to_pylist()
        results = [dedupe.clean(t) if isinstance(t, str) else None for t in texts]
        cleaned = pa.array([r.text if r else None for r in results], type=pa.string())
        removed = pa.array([len(r.removed) if r else 0 for r in results], type=pa.int64())
        rb = rb.set_column(rb.schema.get_field_index(field), field, cleaned)
        yield rb.append_column("removed", removed)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--field", default="text")
    ap.add_argument("--master", default="local[2]")
    args = ap.parse_args()
    from pyspark.sql.types import LongType, StructField

    from dedupe.spark import session

    spark = session(args.master, app="dedupe-clean")
    df = spark.read.parquet(args.input)
    schema = df.schema.add(StructField("removed", LongType()))
    df.mapInArrow(lambda it: clean_batches(it, args.field), schema).write.mode("overwrite").parquet(args.output)
    spark.stop()


if __name__ == "__main__":
    main()
