"""Stage 1 on Spark: the single-machine batch analysis
(:func:`dedupe.corpus.batches._analyze`) run inside ``mapInArrow``, one
row out per document.

A document's band keys and shingle set depend on its own text only, so
any split of the corpus into partitions and batches gives the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Iterator

import numpy as np

from dedupe.core.shingle import sorted_unique
from dedupe.corpus.batches import BATCH_CHARS, BATCH_DOCS, BatchConfig, _analyze
from dedupe.options import Options, ScanOptions

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame

#: One row per document. ``k`` orders documents for the canonical choice
#: together with ``id``: 0 for ``keep="first"``, minus the length for
#: ``keep="longest"``. Band keys and shingle hashes are unsigned numbers
#: stored in signed 64-bit columns (the same bits).
ANALYSIS_SCHEMA = (
    "id string, k long, length long, nbytes long, paragraphs long, sentences long,"
    " empty boolean, bands array<long>, shingles array<long>"
)


@dataclass(frozen=True)
class AnalysisConfig:
    """What each Spark task needs to analyze its documents (picklable)."""

    batch: BatchConfig
    keep: str
    id_col: str
    text_col: str


def analysis_config(options: Options, scan_options: ScanOptions, id_col: str, text_col: str) -> AnalysisConfig:
    """The same banding as :func:`dedupe.scan` chooses for these options."""
    return AnalysisConfig(BatchConfig.for_options(options, scan_options), options.keep, id_col, text_col)


def _chunks(ids: list[str], texts: list[str]) -> Iterator[tuple[list[str], list[str]]]:
    """Batches of the single-machine size, so a task's memory stays flat."""
    start, chars = 0, 0
    for i, text in enumerate(texts):
        chars += len(text)
        if chars >= BATCH_CHARS or i + 1 - start >= BATCH_DOCS:
            yield ids[start : i + 1], texts[start : i + 1]
            start, chars = i + 1, 0
    if start < len(texts):
        yield ids[start:], texts[start:]


def _analyze_chunk(ids: list[str], texts: list[str], ac: AnalysisConfig) -> pa.RecordBatch:
    import pyarrow as pa

    b = _analyze(texts, ac.batch)
    para0 = np.concatenate([[0], np.cumsum(b.doc_paras)])
    sets = [
        sorted_unique(b.para_hash[b.para_off[para0[d]] : b.para_off[para0[d + 1]]]).view(np.int64)
        for d in range(len(texts))
    ]
    n_sent = np.bincount(b.para_doc[b.sent_para], minlength=len(texts)) if b.sent_para.size else np.zeros(len(texts))
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    k = -lengths if ac.keep == "longest" else np.zeros(len(texts), dtype=np.int64)
    return pa.RecordBatch.from_pydict({
        "id": ids,
        "k": k,
        "length": lengths,
        "nbytes": [len(t.encode("utf-8", "surrogatepass")) for t in texts],
        "paragraphs": b.doc_paras.astype(np.int64),
        "sentences": n_sent.astype(np.int64),
        "empty": b.doc_empty,
        "bands": list(b.doc_bands.astype(np.int64)),
        "shingles": sets,
    })


def analyze_partition(batches: Iterable[pa.RecordBatch], ac: AnalysisConfig) -> Iterator[pa.RecordBatch]:
    """The ``mapInArrow`` body: Arrow batches of ``(id, text)`` in, Arrow
    batches of :data:`ANALYSIS_SCHEMA` out."""
    for rb in batches:
        ids = [str(x) for x in rb.column(ac.id_col).to_pylist()]
        texts = [x or "" for x in rb.column(ac.text_col).to_pylist()]
        for cid, ctext in _chunks(ids, texts):
            yield _analyze_chunk(cid, ctext, ac)


def analyze(df: DataFrame, ac: AnalysisConfig) -> DataFrame:
    """One analysis row per document of ``df``."""
    from pyspark.sql import functions as F

    src = df.select(F.col(ac.id_col).cast("string").alias(ac.id_col), F.col(ac.text_col).cast("string").alias(ac.text_col))
    # A document without an id or a text is no document (dedupe.scan
    # skips such records too).
    src = src.where(F.col(ac.id_col).isNotNull() & F.col(ac.text_col).isNotNull())
    return src.mapInArrow(lambda it: analyze_partition(it, ac), ANALYSIS_SCHEMA)
