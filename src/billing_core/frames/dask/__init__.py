"""The frames kernels on a Dask cluster, per partition of a Parquet ledger dataset.

Optional: ``pip install 'billing_core[dask]'`` (dask and distributed, with the
``frames`` extra).

A dataset written by [`write_dataset`][billing_core.frames.write_dataset] keeps
each account's entries in one partition. Each function here runs its kernel of
[`frames`][billing_core.frames] once per partition as a Dask task, then
combines: per-account results (balances, credits, open lines, statement
candidates, aging by account) are concatenated; totals (aging by party and
overall, KPI inputs) are added. The results equal the single-process kernels'
(tested on a ``LocalCluster``).

Every function takes the same options:

- ``client``: a ``distributed.Client`` (of a ``LocalCluster`` or a real
  cluster), a scheduler address such as ``"tcp://10.0.0.5:8786"``, or
  ``None`` for Dask's local threaded scheduler;
- ``progress``: ``True`` for Dask's own progress display (a widget in a
  notebook), or a ``progress(done, total)`` callback;
- ``persist_to``: a directory where each worker also writes its partition's
  result as Parquet.

Memory per worker is about one partition's table and its result: choose the
partition count so that a partition fits a worker comfortably (the
benchmark reports peak memory per worker).

Examples:
    >>> import datetime, tempfile
    >>> from billing_core.frames import to_arrow, write_dataset
    >>> from billing_core.frames.dask import line_balances
    >>> root = write_dataset(to_arrow([]), tempfile.mkdtemp(), partitions=4)
    >>> line_balances(root, datetime.date(2025, 1, 1)).height
    0
"""

from __future__ import annotations

from billing_core.frames.dask._combine import (
    account_balances,
    age,
    credits,
    kpi_inputs,
    line_balances,
    open_lines,
    statement_candidates,
)
from billing_core.frames.dask._run import KERNELS, Progress, map_partitions

__all__ = [
    "KERNELS",
    "Progress",
    "account_balances",
    "age",
    "credits",
    "kpi_inputs",
    "line_balances",
    "map_partitions",
    "open_lines",
    "statement_candidates",
]
