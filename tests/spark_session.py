"""A local Spark session for the tests: two cores, bound to the loopback
address, few shuffle partitions and the cheaper JVM flags, so that it
starts in seconds and the small test jobs are not dominated by
scheduling."""

from __future__ import annotations

import os
import sys
from typing import Any

JVM_FLAGS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:ReservedCodeCacheSize=256m"


def local_session(app: str = "dedupe-tests", cores: int = 2) -> Any:
    """A new (or the running) local Spark session."""
    from pyspark.sql import SparkSession

    # Workers must run this interpreter (with this environment's numpy
    # and dedupe), not whichever python3 is first on the PATH.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.extraJavaOptions", JVM_FLAGS)
        .config("spark.executor.extraJavaOptions", JVM_FLAGS)
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.python.worker.reuse", "true")
        .getOrCreate()
    )
