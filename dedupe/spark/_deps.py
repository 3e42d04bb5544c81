"""The optional dependency check, so that ``import dedupe.spark`` without
pyspark fails with one clear line instead of a deep ImportError."""

from __future__ import annotations

from dedupe.errors import MissingExtraError


def require_pyspark() -> None:
    """Raise :class:`MissingExtraError` when pyspark (or pyarrow, which
    ``mapInArrow`` needs) cannot be imported."""
    try:
        import pyarrow  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as exc:
        package = "pyarrow" if getattr(exc, "name", "") == "pyarrow" else "pyspark"
        raise MissingExtraError("the Spark engine", "spark", package) from exc
