"""Each kernel on Dask: run per partition, then combine (private).

Per-account results are concatenated (an account sits in one partition, so
no row of one partition meets a row of another); totals are added.

Examples:
    >>> import datetime, tempfile
    >>> from billing_core.frames import to_arrow, write_dataset
    >>> root = write_dataset(to_arrow([]), tempfile.mkdtemp())
    >>> kpi_inputs(root, datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)).height
    0
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import billing_core.frames as frames
from billing_core.aging import DEFAULT_EDGES, AgingAnchor
from billing_core.frames import ENTRY_SCHEMA, INPUTS, AgingFrames
from billing_core.frames._deps import pl
from billing_core.frames.dask._run import map_partitions

__all__ = [
    "account_balances",
    "age",
    "credits",
    "kpi_inputs",
    "line_balances",
    "open_lines",
    "statement_candidates",
]

Root = str | Path


def _local(kernel: str, root: Root, args: tuple[Any, ...], options: dict[str, Any]) -> Any:
    """Run a partition-local kernel and concatenate, in the single-process order."""
    parts = map_partitions(root, kernel, *args, **options)
    if not parts:  # an empty dataset: the kernel's own empty result, with its columns
        kwargs = {k: v for k, v in options.items() if k not in _RUN_OPTIONS}
        return getattr(frames, kernel)(ENTRY_SCHEMA.empty_table(), *args, **kwargs)
    return pl.concat(parts)


_RUN_OPTIONS = ("client", "progress", "persist_to")


def line_balances(root: Root, as_of: datetime.date, **options: Any) -> Any:
    """[`frames.line_balances`][billing_core.frames.line_balances] over a dataset on Dask.

    Examples:
        >>> import tempfile
        >>> from billing_core.frames import to_arrow, write_dataset
        >>> line_balances(write_dataset(to_arrow([]), tempfile.mkdtemp()),
        ...               datetime.date(2025, 1, 1)).columns[:3]
        ['account_id', 'line_id', 'currency']
    """
    return _local("line_balances", root, (as_of,), options)


def account_balances(root: Root, as_of: datetime.date, **options: Any) -> Any:
    """[`frames.account_balances`][billing_core.frames.account_balances] over a dataset on Dask.

    Examples:
        >>> import tempfile
        >>> from billing_core.frames import to_arrow, write_dataset
        >>> account_balances(write_dataset(to_arrow([]), tempfile.mkdtemp()),
        ...                  datetime.date(2025, 1, 1)).height
        0
    """
    return _local("account_balances", root, (as_of,), options)


def credits(root: Root, as_of: datetime.date, **options: Any) -> Any:
    """[`frames.credits`][billing_core.frames.credits] over a dataset on Dask.

    Examples:
        >>> import tempfile
        >>> from billing_core.frames import to_arrow, write_dataset
        >>> credits(write_dataset(to_arrow([]), tempfile.mkdtemp()),
        ...         datetime.date(2025, 1, 1)).height
        0
    """
    return _local("credits", root, (as_of,), options)


def open_lines(root: Root, as_of: datetime.date, **options: Any) -> Any:
    """[`frames.open_lines`][billing_core.frames.open_lines] over a dataset on Dask.

    Examples:
        >>> import tempfile
        >>> from billing_core.frames import to_arrow, write_dataset
        >>> open_lines(write_dataset(to_arrow([]), tempfile.mkdtemp()),
        ...            datetime.date(2025, 1, 1)).height
        0
    """
    return _local("open_lines", root, (as_of,), options)


def statement_candidates(root: Root, as_of: datetime.date, **options: Any) -> Any:
    """[`frames.statement_candidates`][billing_core.frames.statement_candidates] on Dask.

    Examples:
        >>> import tempfile
        >>> from billing_core.frames import to_arrow, write_dataset
        >>> statement_candidates(write_dataset(to_arrow([]), tempfile.mkdtemp()),
        ...                      datetime.date(2025, 1, 1)).height
        0
    """
    return _local("statement_candidates", root, (as_of,), options)


def kpi_inputs(root: Root, start: datetime.date, as_of: datetime.date, **options: Any) -> Any:
    """[`frames.kpi_inputs`][billing_core.frames.kpi_inputs] on Dask: the partitions' sums added.

    Examples:
        >>> import tempfile
        >>> from billing_core.frames import to_arrow, write_dataset
        >>> kpi_inputs(write_dataset(to_arrow([]), tempfile.mkdtemp()),
        ...            datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)).columns[0]
        'currency'
    """
    parts = map_partitions(root, "kpi_inputs", start, as_of, **options)
    if not parts:
        return frames.kpi_inputs(ENTRY_SCHEMA.empty_table(), start, as_of)
    return pl.concat(parts).group_by("currency").agg(pl.col(INPUTS).sum()).sort("currency")


def _add(frames_: list[Any], by: list[str], labels: tuple[str, ...]) -> Any:
    summed = (
        pl.concat(frames_)
        .group_by(by, maintain_order=True)
        .agg(pl.col(*labels, "total", "lines").sum())
    )
    return summed


def age(
    root: Root,
    as_of: datetime.date,
    anchor: AgingAnchor = AgingAnchor.SERVICE_DATE,
    buckets: Sequence[int] = DEFAULT_EDGES,
    **options: Any,
) -> AgingFrames:
    """[`frames.age`][billing_core.frames.age] on Dask: accounts concatenated, totals added.

    Examples:
        >>> import tempfile
        >>> from billing_core.frames import to_arrow, write_dataset
        >>> age(write_dataset(to_arrow([]), tempfile.mkdtemp()), datetime.date(2025, 1, 1)).labels
        ('0-30', '31-60', '61-90', '91-120', 'over 120')
    """
    parts: list[AgingFrames] = map_partitions(root, "age", as_of, anchor, buckets, **options)
    empty = frames.age(ENTRY_SCHEMA.empty_table(), as_of, anchor, buckets)
    if not parts:
        return empty
    labels = empty.labels
    rank = {"primary": 0, "secondary": 1, "tertiary": 2, "patient": 9}
    parties = _add([p.parties for p in parts], ["currency", "party"], labels)
    parties = (
        parties.with_columns(
            _r=pl.col("party").replace_strict(rank, default=5, return_dtype=pl.Int8)
        )
        .sort("currency", "_r", "party")
        .drop("_r")
    )
    return AgingFrames(
        as_of=empty.as_of,
        anchor=empty.anchor,
        edges=empty.edges,
        labels=labels,
        detail=pl.concat([p.detail for p in parts]),
        accounts=pl.concat([p.accounts for p in parts]),
        parties=parties,
        total=_add([p.total for p in parts], ["currency"], labels).sort("currency"),
        credits=pl.concat([p.credits for p in parts]),
    )
