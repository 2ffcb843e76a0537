"""Columns for scale: Arrow tables of the ledger and polars kernels that match the object folds.

Optional: ``pip install 'billing_core[frames]'`` (pyarrow, polars and numpy).
``import billing_core`` never imports this edge.

Objects are the exact reference path; columns are the fast one. Converting
objects to columns costs more than computing on them, so the fast path starts
from columns (record batches from a store, a Parquet dataset) and stays there.

- **Schemas.** [`ENTRY_SCHEMA`][]: one row per ledger entry, derived from the
  entry classes' fields (see the reference page for every column). Money is
  ``int64`` minor units and a ``currency`` column, never a float; dates are
  ``date32``; enums are dictionary-encoded strings. [`to_arrow`][] and
  [`from_arrow`][] convert losslessly. The documents have tables derived the
  same way: [`OPEN_LINE_SCHEMA`][] (aging's open lines), [`CLAIM_SCHEMA`][]
  and [`CLAIM_LINE_SCHEMA`][] ([`claims_to_arrow`][]),
  [`REMITTANCE_CLAIM_SCHEMA`][] and [`SERVICE_LINE_SCHEMA`][]
  ([`remittances_to_arrow`][]).
- **Checks.** [`validate_entry_table`][] / [`check_entry_table`][]: a bad table
  gets one error naming the column and the first offending row, before any
  computation. Every kernel runs them first, unless it is given the frame
  ``check_entry_table`` returns (check once, run many kernels).
- **Kernels.** Each is the columnar twin of a pure function, tested equal to
  it to the cent on the same generated histories: [`line_balances`][],
  [`account_balances`][], [`credits`][] (balances); [`open_lines`][] and
  [`age`][] (aging, every anchor and edge set, credits apart);
  [`period_kpis`][] and [`kpi_trend`][] (the KPI sets; [`kpi_inputs`][]
  and [`kpis`][] are their two steps, for partitions that add up);
  [`statement_candidates`][]
  (what each patient owes now, with the dunning inputs). Each reads what an
  entry does from the ledger's one effects table, so a new kind of entry
  flows through. Results are polars frames of int64 minor units;
  [`decimal_records`][] renders them as ``Decimal`` at the edge.
- **Parquet.** [`write_dataset`][] writes a ledger partitioned by a hash of
  the account id ([`partition_of`][]), so each account's entries sit in one
  partition; [`read_dataset`][] and [`dataset_partitions`][] read it back.
  [`frames.dask`][billing_core.frames.dask] runs the kernels per partition on
  a Dask cluster.
- **Stores.** [`records_to_arrow`][] builds the columns straight from the
  stable dict form of [`serialization`][billing_core.serialization], for a
  store's ``scan_entries`` (see
  [`ColumnarLedgerStore`][billing_core.storage.ColumnarLedgerStore]).

Examples:
    >>> import datetime
    >>> from billing_core.ledger import Bucket, ChargePosted
    >>> from billing_core.money import Money
    >>> from billing_core.frames import account_balances, to_arrow
    >>> day = datetime.date(2024, 3, 1)
    >>> table = to_arrow([ChargePosted(id="c1", account_id="A1", line_id="L1", effective=day,
    ...                                amount=Money("80.00", "USD"), bucket=Bucket.PRIMARY)])
    >>> account_balances(table, day).filter(figure="open").rows()
    [('A1', 'USD', 'open', 'primary', 8000)]
"""

from __future__ import annotations

from billing_core.frames._aging import AgingFrames, age, open_lines
from billing_core.frames._balances import account_balances, credits, line_balances
from billing_core.frames._check import check_entry_table, validate_entry_table
from billing_core.frames._convert import from_arrow, records_to_arrow, to_arrow
from billing_core.frames._decimal import decimal_records
from billing_core.frames._documents import (
    CLAIM_LINE_SCHEMA,
    CLAIM_SCHEMA,
    OPEN_LINE_SCHEMA,
    REMITTANCE_CLAIM_SCHEMA,
    SERVICE_LINE_SCHEMA,
    claims_from_arrow,
    claims_to_arrow,
    open_lines_from_arrow,
    open_lines_to_arrow,
    remittances_from_arrow,
    remittances_to_arrow,
)
from billing_core.frames._kpis import INPUTS, kpi_inputs, kpi_trend, kpis, period_kpis
from billing_core.frames._parquet import (
    dataset_partitions,
    partition_of,
    read_dataset,
    write_dataset,
)
from billing_core.frames._schema import ENTRY_SCHEMA
from billing_core.frames._statements import statement_candidates

__all__ = [
    "CLAIM_LINE_SCHEMA",
    "CLAIM_SCHEMA",
    "ENTRY_SCHEMA",
    "INPUTS",
    "OPEN_LINE_SCHEMA",
    "REMITTANCE_CLAIM_SCHEMA",
    "SERVICE_LINE_SCHEMA",
    "AgingFrames",
    "age",
    "open_lines",
    "open_lines_from_arrow",
    "open_lines_to_arrow",
    "partition_of",
    "period_kpis",
    "read_dataset",
    "records_to_arrow",
    "remittances_from_arrow",
    "remittances_to_arrow",
    "statement_candidates",
    "account_balances",
    "check_entry_table",
    "claims_from_arrow",
    "claims_to_arrow",
    "credits",
    "dataset_partitions",
    "decimal_records",
    "from_arrow",
    "kpi_inputs",
    "kpi_trend",
    "kpis",
    "line_balances",
    "to_arrow",
    "validate_entry_table",
    "write_dataset",
]
