"""The third-party packages of the frames edge, imported here and only here (private).

``import billing_core`` never imports pyarrow, polars or numpy: they are the
optional extra ``frames`` (numpy for the line kernels' integer scatter-adds).
Every module of [`frames`][billing_core.frames] takes them from this one, so a
missing package gives one clear error naming the extra.

Examples:
    >>> pa.int64(), pl.Int64
    (DataType(int64), Int64)
"""

from __future__ import annotations

__all__ = ["missing_extra", "np", "pa", "pc", "pds", "pl", "pq"]


def missing_extra(extra: str, packages: str, error: ImportError) -> ImportError:
    """The ImportError for an optional edge whose packages are not installed.

    Examples:
        >>> str(missing_extra("frames", "pyarrow and polars", ImportError("no pyarrow")))
        "billing_core.frames needs pyarrow and polars: pip install 'billing_core[frames]' (no pyarrow)"
    """  # noqa: E501
    edge = "billing_core.frames" if extra == "frames" else f"billing_core.frames.{extra}"
    return ImportError(f"{edge} needs {packages}: pip install 'billing_core[{extra}]' ({error})")


try:
    import numpy as np
    import polars as pl
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.dataset as pds
    import pyarrow.parquet as pq
except ImportError as exc:  # pragma: no cover - the dev venv installs every extra
    raise missing_extra("frames", "pyarrow, polars and numpy", exc) from exc
