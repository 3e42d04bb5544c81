"""Stage 1 on Spark: the single-machine batch analysis
(:func:`dedupe.corpus.batches._analyze`) run inside ``mapInArrow``, one
row out per document, its paragraphs and sentences nested in it.

A document's band keys, shingle sets and units depend on its own text
only, so any split of the corpus into partitions and batches gives the
same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Iterator

import numpy as np

from dedupe.core.shingle import sorted_unique
from dedupe.corpus.batches import BATCH_CHARS, BATCH_DOCS, Batch, BatchConfig, _analyze
from dedupe.options import Options, ScanOptions

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame

#: A paragraph as :class:`dedupe.corpus.batches.Batch` describes it;
#: ``sent0``/``sent1`` are its first and last sentence, numbered inside
#: the document (-1: none), and ``shingles`` its sorted shingle set.
PARAGRAPH = (
    "struct<start: bigint, end: bigint, kind: int, tokens: int, key: bigint, sent0: int, sent1: int,"
    " bands: array<bigint>, mask: array<bigint>, shingles: array<bigint>>"
)
#: A sentence: ``para`` its paragraph in the document, ``bands`` the LSH
#: keys of its signature and ``text`` its text (a candidate pair is judged
#: on the two texts, as on one machine).
SENTENCE = (
    "struct<para: int, start: bigint, end: bigint, tokens: int, key: bigint, long: boolean,"
    " bands: array<bigint>, text: string>"
)
#: One row per document. ``k`` orders documents for the canonical choice
#: together with ``id``: 0 for ``keep="first"``, minus the length for
#: ``keep="longest"``. Band keys and shingle hashes are unsigned numbers
#: stored in signed 64-bit columns (the same bits); ``shingles`` is the
#: set of the whole document.
ANALYSIS_SCHEMA = (
    "id string, k long, length long, nbytes long, paragraphs long, sentences long,"
    f" empty boolean, bands array<long>, shingles array<long>, paras array<{PARAGRAPH}>,"
    f" sents array<{SENTENCE}>"
)


@dataclass(frozen=True)
class AnalysisConfig:
    """What each Spark task needs to analyze its documents (picklable)."""

    batch: BatchConfig
    keep: str


def analysis_config(options: Options, scan_options: ScanOptions) -> AnalysisConfig:
    """The same banding as :func:`dedupe.scan` chooses for these options."""
    return AnalysisConfig(BatchConfig.for_options(options, scan_options), options.keep)


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


def _nested(pa: Any, counts: np.ndarray, fields: dict[str, Any]) -> Any:
    """A list array per document (``counts[d]`` items) of structs of ``fields``."""
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    items = pa.StructArray.from_arrays(list(fields.values()), names=list(fields))
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), items)


def _lists(pa: Any, offsets: np.ndarray, values: np.ndarray) -> Any:
    return pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32), pa.int32()), pa.array(values, pa.int64()))


def _fixed(pa: Any, keys: np.ndarray) -> Any:
    rows, width = keys.shape
    return _lists(pa, np.arange(rows + 1) * width, keys.astype(np.int64).ravel())


def _paragraphs(pa: Any, b: Batch, para0: np.ndarray, sent_first: np.ndarray) -> Any:
    n_para = b.para_doc.size
    sets = [sorted_unique(b.para_hash[b.para_off[p] : b.para_off[p + 1]]).view(np.int64) for p in range(n_para)]
    set_off = np.concatenate([[0], np.cumsum([s.size for s in sets])])
    # First and last sentence of each paragraph, numbered inside its document.
    sent0 = np.full(n_para, -1, dtype=np.int32)
    sent1 = np.full(n_para, -1, dtype=np.int32)
    if b.sent_para.size:
        local = np.arange(b.sent_para.size) - sent_first[b.para_doc[b.sent_para]]
        sent0[b.sent_para[::-1]] = local[::-1]
        sent1[b.sent_para] = local
    return _nested(pa, b.doc_paras, {
        "start": pa.array(b.para_start, pa.int64()),
        "end": pa.array(b.para_end, pa.int64()),
        "kind": pa.array(b.para_kind.astype(np.int32), pa.int32()),
        "tokens": pa.array(b.para_tokens.astype(np.int32), pa.int32()),
        "key": pa.array(b.para_key.view(np.int64), pa.int64()),
        "sent0": pa.array(sent0, pa.int32()),
        "sent1": pa.array(sent1, pa.int32()),
        "bands": _fixed(pa, b.para_bands.reshape(n_para, -1)),
        "mask": _fixed(pa, b.mask_bands.reshape(n_para, -1)),
        "shingles": _lists(pa, set_off, np.concatenate(sets) if sets else np.zeros(0, np.int64)),
    })


def _sentences(pa: Any, b: Batch, texts: list[str], para0: np.ndarray, n_sent: np.ndarray) -> Any:
    doc = b.para_doc[b.sent_para]
    return _nested(pa, n_sent, {
        "para": pa.array((b.sent_para - para0[doc]).astype(np.int32), pa.int32()),
        "start": pa.array(b.sent_start, pa.int64()),
        "end": pa.array(b.sent_end, pa.int64()),
        "tokens": pa.array(b.sent_tokens.astype(np.int32), pa.int32()),
        "key": pa.array(b.sent_key.view(np.int64), pa.int64()),
        "long": pa.array(b.sent_long, pa.bool_()),
        "bands": _fixed(pa, b.sent_bands),
        "text": pa.array([texts[d][s:e] for d, s, e in zip(doc.tolist(), b.sent_start.tolist(), b.sent_end.tolist())],
                         pa.string()),
    })


def _analyze_chunk(ids: list[str], texts: list[str], ac: AnalysisConfig) -> pa.RecordBatch:
    import pyarrow as pa

    b = _analyze(texts, ac.batch)
    para0 = np.concatenate([[0], np.cumsum(b.doc_paras)])
    sets = [
        sorted_unique(b.para_hash[b.para_off[para0[d]] : b.para_off[para0[d + 1]]]).view(np.int64)
        for d in range(len(texts))
    ]
    n_sent = np.bincount(b.para_doc[b.sent_para], minlength=len(texts)) if b.sent_para.size else np.zeros(len(texts))
    sent_first = np.concatenate([[0], np.cumsum(n_sent)[:-1]]).astype(np.int64)
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
        "paras": _paragraphs(pa, b, para0, sent_first),
        "sents": _sentences(pa, b, texts, para0, n_sent.astype(np.int64)),
    })


def analyze_partition(batches: Iterable[pa.RecordBatch], ac: AnalysisConfig) -> Iterator[pa.RecordBatch]:
    """The ``mapInArrow`` body: Arrow batches of ``(id, text)`` in, Arrow
    batches of :data:`ANALYSIS_SCHEMA` out."""
    for rb in batches:
        ids = [str(x) for x in rb.column("id").to_pylist()]
        texts = [x or "" for x in rb.column("text").to_pylist()]
        for cid, ctext in _chunks(ids, texts):
            yield _analyze_chunk(cid, ctext, ac)


def documents(df: DataFrame, id_col: str, text_col: str) -> DataFrame:
    """``(id, text)`` of every document of ``df``: a record without an id
    or a text is no document (:func:`dedupe.scan` skips such records too)."""
    from pyspark.sql import functions as F

    src = df.select(F.col(id_col).cast("string").alias("id"), F.col(text_col).cast("string").alias("text"))
    return src.where(F.col("id").isNotNull() & F.col("text").isNotNull())


def analyze(texts: DataFrame, ac: AnalysisConfig) -> DataFrame:
    """One analysis row per document of ``texts`` (columns ``id``, ``text``,
    as :func:`documents` gives)."""
    return texts.mapInArrow(lambda it: analyze_partition(it, ac), ANALYSIS_SCHEMA)
