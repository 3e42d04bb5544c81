"""The paragraphs and sentences nested in the analysis rows, one row
each, with the key that puts them in the single-machine canonical order."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

#: Paragraph and sentence positions are written with this many digits in ``uid``.
POS_DIGITS = 10


def unit_uid(id_col: str = "id", pos_col: str = "pos") -> Column:
    """A string key whose order, beside the document's ``k``, is the order
    of ``(id, position)``: the id with NUL escaped as NUL SOH, then NUL NUL
    (smaller than anything an escaped id can continue with), then the
    zero-padded position."""
    from pyspark.sql import functions as F

    escaped = F.replace(F.col(id_col), F.lit("\x00"), F.lit("\x00\x01"))
    return F.concat(escaped, F.lit("\x00\x00"), F.lpad(F.col(pos_col).cast("string"), POS_DIGITS, "0"))


def paragraphs(docs: DataFrame) -> DataFrame:
    """``id``, ``k``, ``pos`` (the paragraph's place in its document),
    ``uid`` and the fields of :data:`dedupe.spark.analysis.PARAGRAPH`."""
    from pyspark.sql import functions as F

    rows = docs.select("id", "k", F.posexplode("paras").alias("pos", "p"))
    return rows.select("id", "k", "pos", unit_uid().alias("uid"), "p.*")


def sentences(docs: DataFrame) -> DataFrame:
    """``id``, ``k``, ``spos`` (the sentence's place in its document),
    ``uid`` (ordered as ``(id, spos)``) and the fields of
    :data:`dedupe.spark.analysis.SENTENCE`."""
    from pyspark.sql import functions as F

    rows = docs.select("id", "k", F.posexplode("sents").alias("spos", "s"))
    return rows.select("id", "k", "spos", unit_uid("id", "spos").alias("uid"), "s.*")
