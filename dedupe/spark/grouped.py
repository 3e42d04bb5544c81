"""One Python call per group of rows, without a pandas frame per group.

``applyInPandas`` builds a pandas frame for every group, a few
milliseconds each: for a step with one group per document that is most
of the step's time. Here the rows are shuffled by the group key, sorted
inside each partition and streamed through ``mapInArrow``, so a task
holds one Arrow batch and one group at a time and calls the function on
plain lists. DataFrame API only, so it also runs over Spark Connect.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame

#: A group's rows (or a function's output) as one list per column.
Rows = dict[str, list[Any]]

#: The column types a group function may return, by their Spark name.
ARROW_TYPES = {"string": "string", "long": "int64", "int": "int32", "double": "float64", "boolean": "bool_"}


def arrow_schema(schema: str) -> pa.Schema:
    """The Arrow schema of a flat Spark DDL schema (``"id string, k long"``)."""
    import pyarrow as pa

    fields = [field.split() for field in schema.split(",")]
    return pa.schema([(name, getattr(pa, ARROW_TYPES[kind])()) for name, kind in fields])


def _runs(keys: list[Any]) -> list[int]:
    """Where each run of equal keys starts, and the end (``[0]`` for no keys)."""
    return [i for i in range(len(keys)) if i == 0 or keys[i] != keys[i - 1]] + [len(keys)]


def _apply(fn: Callable[[Rows], Rows], groups: Iterable[Rows], schema: pa.Schema) -> pa.RecordBatch:
    import pyarrow as pa

    out: Rows = {name: [] for name in schema.names}
    for rows in groups:
        for name, values in fn(rows).items():
            out[name].extend(values)
    return pa.RecordBatch.from_pydict(out, schema=schema)


def stream_groups(batches: Iterable[pa.RecordBatch], key: str, fn: Callable[[Rows], Rows],
                  schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """The ``mapInArrow`` body: batches sorted by ``key`` in, ``fn`` of each
    group out. A group that runs past the end of a batch is extended in
    place by the next one (linear, however many batches it spans)."""
    pending: Rows | None = None
    for rb in batches:
        rows = rb.to_pydict()
        bounds = _runs(rows[key])
        if len(bounds) < 2:
            continue  # an empty batch
        runs = [{n: v[a:b] for n, v in rows.items()} for a, b in zip(bounds[:-1], bounds[1:])]
        done: list[Rows] = []
        if pending is not None and pending[key][0] == runs[0][key][0]:
            for name, values in runs.pop(0).items():
                pending[name].extend(values)
        if runs:
            done = ([pending] if pending is not None else []) + runs[:-1]
            pending = runs[-1]
        if done:
            yield _apply(fn, done, schema)
    if pending is not None:
        yield _apply(fn, [pending], schema)


def map_groups(df: DataFrame, key: str, fn: Callable[[Rows], Rows], schema: str) -> DataFrame:
    """``fn`` over the rows of each value of ``key`` (a column of plain
    values), its outputs as rows of ``schema`` (flat, of the types of
    :data:`ARROW_TYPES`)."""
    arrow = arrow_schema(schema)
    ordered = df.repartition(key).sortWithinPartitions(key)
    return ordered.mapInArrow(lambda it: stream_groups(it, key, fn, arrow), schema)
