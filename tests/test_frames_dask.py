"""The kernels on Dask: a LocalCluster with 2 workers over a few partitions, small and quick."""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Iterator
from pathlib import Path

import distributed
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing_core import balances, frames
from billing_core.aging import AgingAnchor
from billing_core.errors import NotFoundError
from billing_core.frames import dask as on_dask
from billing_core.frames import (
    dataset_partitions,
    partition_of,
    read_dataset,
    to_arrow,
    write_dataset,
)
from billing_core.ledger import Entry
from billing_core.testing.conformance import every_entry_type
from tests.frames_kit import as_of_dates, balance_rows, books


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def _book(count: int) -> list[Entry]:
    out: list[Entry] = []
    for n in range(count):
        out.extend(every_entry_type(f"ACC-{n}", prefix=f"a{n}"))
    return out


def test_partition_of_is_crc32_by_the_standard_check_value() -> None:
    # CRC-32 (ISO-HDLC, as zlib) of "123456789" is 0xCBF43926, the standard check value.
    assert partition_of("123456789", 2**32) == 0xCBF43926
    assert partition_of("123456789", 7) == 0xCBF43926 % 7


def test_write_and_read_keep_each_account_in_one_partition(tmp_path: Path) -> None:
    history = _book(12)
    root = write_dataset(to_arrow(history), tmp_path / "ledger", partitions=4)
    parts = dataset_partitions(root)
    assert 1 < len(parts) <= 4
    seen: dict[str, str] = {}
    for part in parts:
        for account in set(read_dataset(part).column("account_id").to_pylist()):
            assert account not in seen
            seen[account] = part.name
            assert part.name == f"partition={partition_of(account, 4)}"
    assert len(seen) == 12
    back = frames.from_arrow(read_dataset(root))
    assert sorted(back, key=lambda e: e.id) == sorted(history, key=lambda e: e.id)
    only = frames.from_arrow(read_dataset(root, accounts=["ACC-3"]))
    assert only == every_entry_type("ACC-3", prefix="a3")


def test_another_partition_count_and_a_bad_table_are_refused(tmp_path: Path) -> None:
    root = write_dataset(to_arrow(_book(2)), tmp_path, partitions=4)
    with pytest.raises(ValueError, match="has 4 partitions, not 8"):
        write_dataset(to_arrow(_book(1)), root, partitions=8)
    bad = to_arrow(_book(1)).drop_columns(["currency"])
    with pytest.raises(ValueError, match="currency"):
        write_dataset(bad, root, partitions=4)
    with pytest.raises(NotFoundError, match="no ledger dataset"):
        dataset_partitions(tmp_path / "nowhere")


def _same(a: pl.DataFrame, b: pl.DataFrame) -> None:
    assert a.columns == b.columns
    assert sorted(a.rows(), key=str) == sorted(b.rows(), key=str)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), books(max_accounts=8, max_steps=10))
def test_a_local_cluster_gives_the_single_process_results(
    client: object, data: st.DataObject, history: list[Entry]
) -> None:
    as_of = data.draw(as_of_dates(history))
    table = to_arrow(history)
    with tempfile.TemporaryDirectory() as tmp:
        root = write_dataset(table, tmp, partitions=3)
        for name in ("line_balances", "account_balances", "credits", "open_lines",
                     "statement_candidates"):  # fmt: skip
            _same(getattr(on_dask, name)(root, as_of, client=client),
                  getattr(frames, name)(table, as_of))  # fmt: skip
        start = as_of - datetime.timedelta(days=60)
        _same(on_dask.kpi_inputs(root, start, as_of, client=client),
              frames.kpi_inputs(table, start, as_of))  # fmt: skip
        for anchor in (AgingAnchor.SERVICE_DATE, AgingAnchor.RESPONSIBILITY):
            spread = on_dask.age(root, as_of, anchor, (30, 90), client=client)
            single = frames.age(table, as_of, anchor, (30, 90))
            for part in ("detail", "accounts", "parties", "total", "credits"):
                _same(getattr(spread, part), getattr(single, part))
        # And the object fold, to the cent.
        got = on_dask.account_balances(root, as_of, client=client)
        expected = balances.account_balances(history, as_of)
        rows: dict[str, dict[tuple[str, str | None], int]] = {}
        for r in got.iter_rows(named=True):
            rows.setdefault(r["account_id"], {})[(r["figure"], r["key"])] = r["amount_minor"]
        assert rows == {a: balance_rows(b) for a, b in expected.items()}


def test_a_scheduler_address_progress_and_persisted_results(client: object, tmp_path: Path) -> None:
    table = to_arrow(_book(9))
    root = write_dataset(table, tmp_path / "ledger", partitions=3)
    count = len(dataset_partitions(root))
    calls: list[tuple[int, int]] = []
    address = client.scheduler.address  # type: ignore[attr-defined]
    day = datetime.date(2024, 3, 1)
    got = on_dask.line_balances(
        root, day, client=address, progress=lambda done, total: calls.append((done, total)),
        persist_to=tmp_path / "out",
    )  # fmt: skip
    _same(got, frames.line_balances(table, day))
    assert calls == [(n, count) for n in range(1, count + 1)]
    written = pl.concat(pl.read_parquet(p) for p in sorted((tmp_path / "out").rglob("*.parquet")))
    assert sorted(written.rows()) == sorted(got.rows())


def test_the_local_threaded_scheduler_needs_no_cluster(tmp_path: Path) -> None:
    table = to_arrow(_book(5))
    root = write_dataset(table, tmp_path, partitions=2)
    calls: list[int] = []
    day = datetime.date(2024, 3, 1)
    got = on_dask.credits(root, day, progress=lambda done, total: calls.append(done))
    _same(got, frames.credits(table, day))
    assert calls == list(range(1, len(dataset_partitions(root)) + 1))
    with pytest.raises(NotFoundError, match="no kernel 'nap'"):
        on_dask.map_partitions(root, "nap", day)
    with pytest.raises(TypeError, match="client must be a distributed.Client"):
        on_dask.map_partitions(root, "credits", day, client=42)
