"""The corpus scan on Apache Spark (``pip install 'dedupe-text[spark]'``).

    >>> from dedupe import spark as dspark
    >>> result = dspark.scan(df, id_col="id", text_col="text")
    >>> result.clusters.write.parquet("clusters.parquet")

Same clusters, copied passages and boilerplate blocks as
:func:`dedupe.scan`, whatever the partitioning; the
stages use the DataFrame API only (``mapInArrow``, ``applyInPandas``,
joins, windows), so they also run over Spark Connect.
"""

from __future__ import annotations

from dedupe.spark._deps import require_pyspark
from dedupe.spark.paths import read_documents, scan_paths, session, write_results
from dedupe.spark.scan import SparkScan, collect, scan

__all__ = ["SparkScan", "collect", "read_documents", "require_pyspark", "scan", "scan_paths", "session",
           "write_results"]
