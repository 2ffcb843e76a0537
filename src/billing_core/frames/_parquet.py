"""A ledger as a Parquet dataset, partitioned by a hash of the account id (private).

Every entry of an account lands in the same partition, so per-account results
(balances, credits, statements, aging by account) are partition-local and a
partition can be computed on its own; totals (aging by party, KPI inputs) add
up across partitions.

The partition of an account is ``crc32(account_id as UTF-8) mod partitions``
(CRC-32 as in zlib: stable across processes, machines and releases, unlike
Python's ``hash``). The layout is Hive-style, ``<root>/partition=<k>/*.parquet``,
with a ``billing_core.json`` at the root that records the partition count;
writing again into a dataset adds files and must use the same count.

Examples:
    >>> partition_of("A1", 16), partition_of("A1", 16) == partition_of("A1", 16)
    (1, True)
"""

from __future__ import annotations

import json
import uuid
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Final

from billing_core._checks import describe
from billing_core.errors import Finding, ValidationError
from billing_core.frames._check import arrow_table, check_entry_table
from billing_core.frames._deps import pa, pds, pl
from billing_core.frames._schema import ENTRY_SCHEMA

__all__ = ["dataset_partitions", "partition_of", "read_dataset", "write_dataset"]

META: Final = "billing_core.json"
"""The file at a dataset's root that records how it is partitioned."""

_PARTITIONING: Final = pds.partitioning(pa.schema([("partition", pa.int32())]), flavor="hive")


def partition_of(account_id: str, partitions: int) -> int:
    """The partition of an account: ``crc32(account_id) mod partitions``.

    Raises:
        TypeError: If ``account_id`` is not a ``str`` or ``partitions`` not an int.
        ValidationError: If ``partitions`` is less than 1.

    Examples:
        >>> [partition_of(a, 4) for a in ("A1", "A2", "A3")]
        [1, 3, 1]
    """
    if not isinstance(account_id, str):
        raise TypeError(f"account_id must be a str, got {describe(account_id)}")
    _check_count(partitions)
    return zlib.crc32(account_id.encode("utf-8")) % partitions


def _check_count(partitions: object) -> int:
    if type(partitions) is not int:
        raise TypeError(f"partitions must be an int, got {describe(partitions)}")
    if partitions < 1:
        raise ValidationError(
            [Finding(location="partitions", message=f"must be at least 1, got {partitions}",
                     rule="frames.partitions")]
        )  # fmt: skip
    return partitions


def _with_partition(table: Any, partitions: int) -> Any:
    """The checked table, sorted by account and date, with its ``partition`` column."""
    frame: Any = pl.from_arrow(table.select(["account_id"]))
    accounts = frame["account_id"].unique()
    mapping = {a: partition_of(a, partitions) for a in accounts.to_list()}
    part = frame["account_id"].replace_strict(mapping, return_dtype=pl.Int32).to_arrow()
    with_part = table.append_column("partition", part)
    return with_part.sort_by([("partition", "ascending"), ("account_id", "ascending"),
                              ("effective", "ascending")])  # fmt: skip


def _recorded(root: Path) -> int | None:
    meta = root / META
    if not meta.exists():
        return None
    count: int = json.loads(meta.read_text())["partitions"]
    return count


def write_dataset(entries: Any, root: str | Path, *, partitions: int = 16) -> Path:
    """Write a table of ledger entries as a Parquet dataset partitioned by account.

    The table is checked first (nothing is written if it is not valid). Writing
    into an existing dataset adds files; an account's new rows land in its
    partition.

    Args:
        entries: A table of entries (Arrow table or batches, polars frame).
        root: The dataset's directory (created if needed).
        partitions: How many partitions (the same for every write to a dataset).

    Returns:
        The root.

    Raises:
        ValidationError: If the table is not valid, or the dataset at ``root``
            has another partition count.

    Examples:
        >>> import tempfile
        >>> from billing_core.frames import to_arrow
        >>> root = write_dataset(to_arrow([]), tempfile.mkdtemp(), partitions=4)
        >>> read_dataset(root).num_rows
        0
    """
    count = _check_count(partitions)
    path = Path(root)
    found = _recorded(path)
    if found is not None and found != count:
        raise ValidationError(
            [Finding(location="partitions",
                     message=f"the dataset at {path} has {found} partitions, not {count}",
                     rule="frames.partitions")]
        )  # fmt: skip
    table = arrow_table(entries)
    check_entry_table(table)
    path.mkdir(parents=True, exist_ok=True)
    pds.write_dataset(
        _with_partition(table, count),
        path,
        format="parquet",
        partitioning=_PARTITIONING,
        basename_template=f"part-{uuid.uuid4().hex}-{{i}}.parquet",
        existing_data_behavior="overwrite_or_ignore",
    )
    (path / META).write_text(json.dumps({"partitions": count, "hash": "crc32"}))
    return path


def dataset_partitions(root: str | Path) -> list[Path]:
    """The partition directories of a dataset that hold data, in partition order.

    Raises:
        NotFoundError: If ``root`` is not a dataset written by ``write_dataset``.

    Examples:
        >>> import tempfile
        >>> from billing_core.frames import to_arrow
        >>> dataset_partitions(write_dataset(to_arrow([]), tempfile.mkdtemp()))
        []
    """
    from billing_core.errors import NotFoundError

    path = Path(root)
    if _recorded(path) is None:
        raise NotFoundError(f"no ledger dataset at {path} ({META} is missing)")
    found = [p for p in path.glob("partition=*") if p.is_dir() and any(p.glob("*.parquet"))]
    return sorted(found, key=lambda p: int(p.name.split("=", 1)[1]))


def read_dataset(root: str | Path, *, accounts: Iterable[str] | None = None) -> Any:
    """Read a ledger dataset (or one partition's directory) back as a ``pyarrow.Table``.

    Args:
        root: The dataset's root, or one of its partition directories.
        accounts: Only these accounts' rows; only their partitions are read.

    Returns:
        The entries in ``ENTRY_SCHEMA``, each account's rows by date.

    Examples:
        >>> import tempfile
        >>> from billing_core.frames import to_arrow
        >>> read_dataset(write_dataset(to_arrow([]), tempfile.mkdtemp())).schema == ENTRY_SCHEMA
        True
    """
    path = Path(root)
    files = sorted(str(p) for p in _files(path, accounts))
    if not files:
        return ENTRY_SCHEMA.empty_table()
    table = pds.dataset(files, format="parquet", schema=ENTRY_SCHEMA).to_table()
    if accounts is not None:
        wanted = pa.array(sorted(set(accounts)), pa.string())
        table = table.filter(pds.field("account_id").isin(wanted))
    return table


def _files(path: Path, accounts: Iterable[str] | None) -> Iterator[Path]:
    count = _recorded(path)
    if count is None:  # a partition directory
        yield from path.glob("*.parquet")
        return
    dirs = dataset_partitions(path)
    if accounts is not None:
        wanted = {partition_of(a, count) for a in set(accounts)}
        dirs = [d for d in dirs if int(d.name.split("=", 1)[1]) in wanted]
    for d in dirs:
        yield from d.glob("*.parquet")
