"""billing_core.frames: the entry schema, lossless conversion, and bad tables."""

from __future__ import annotations

import datetime
import subprocess
import sys

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.errors import ValidationError
from billing_core.frames import (
    ENTRY_SCHEMA,
    check_entry_table,
    from_arrow,
    line_balances,
    to_arrow,
    validate_entry_table,
)
from billing_core.ledger import Bucket, ChargePosted, Party, PaymentReceived
from billing_core.money import Money
from billing_core.testing.conformance import every_entry_type
from billing_core.testing.strategies import ledger_entries
from tests.frames_kit import books

DAY = datetime.date(2024, 3, 1)


def _charge(**kw: object) -> ChargePosted:
    fields: dict[str, object] = {
        "id": "c1",
        "account_id": "A1",
        "line_id": "L1",
        "effective": DAY,
        "amount": Money("80.00", "USD"),
        "bucket": Bucket.PATIENT,
    }
    fields.update(kw)
    return ChargePosted(**fields)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- schema


def test_the_schema_has_the_columns_of_every_entry_field() -> None:
    # Worked out from the entry classes by hand: the base fields, Source flattened, the
    # type-specific fields (Party flattened), and what a reversal adds.
    assert ENTRY_SCHEMA.names == [
        "entry_type", "id", "account_id", "line_id", "effective", "amount_minor",
        "source_payment_id", "source_remittance_id", "source_reason", "bucket", "currency",
        "party_kind", "party_id", "group", "reason", "to_bucket", "from_bucket",
        # CashHeld, CreditTransfer, ProviderPayment / ProviderWithholding, AppealHold
        "claim_reference", "service_line", "to_account", "held", "reference", "claim_id",
        "reverses",
        "original_type", "original_effective", "original_source_payment_id",
        "original_source_remittance_id", "original_source_reason",
    ]  # fmt: skip
    assert ENTRY_SCHEMA.field("amount_minor").type == pa.int64()
    assert ENTRY_SCHEMA.field("effective").type == pa.date32()
    assert pa.types.is_dictionary(ENTRY_SCHEMA.field("bucket").type)
    required = [f.name for f in ENTRY_SCHEMA if not f.nullable]
    assert required == ["entry_type", "id", "account_id", "effective", "amount_minor", "currency"]


def test_money_is_int64_minor_units_never_a_float() -> None:
    table = to_arrow([_charge(amount=Money("0.07", "USD")), _charge(id="c2", line_id="L2")])
    assert table.column("amount_minor").to_pylist() == [7, 8000]
    assert not any(pa.types.is_floating(f.type) for f in table.schema)


def test_every_entry_type_round_trips_with_its_row_by_hand() -> None:
    history = every_entry_type("A1")
    table = to_arrow(history)
    assert from_arrow(table) == history
    rows = table.to_pylist()
    assert rows[3]["entry_type"] == "adjustment"
    assert (rows[3]["group"], rows[3]["reason"], rows[3]["to_bucket"]) == ("CO", "45", None)
    reversal = rows[10]  # the reversal of the $5.00 small-balance write-off
    assert reversal["entry_type"] == "reversal"
    assert reversal["original_type"] == "write_off"
    assert reversal["reverses"] == "e-w"
    assert reversal["amount_minor"] == -500
    assert (reversal["bucket"], reversal["reason"]) == ("patient", "small_balance")
    assert reversal["source_reason"] == "paid after all"
    # Money of no line (the kit's _money_of_no_line): held cash, a credit moved on, PLB money.
    held, moved, interest, withheld, appeal = rows[11:16]
    assert (held["entry_type"], held["claim_reference"], held["service_line"]) == (
        "cash_held", "X9", None,
    )  # fmt: skip
    assert (held["party_kind"], held["party_id"], held["amount_minor"]) == ("payer", "AETNA", 800)
    assert (moved["to_account"], moved["held"], moved["line_id"]) == ("A1-2", "e-h", None)
    assert (interest["reason"], interest["reference"], interest["amount_minor"]) == ("L6", "X", 127)
    assert (withheld["reason"], withheld["claim_id"]) == ("WO", "CLM-7")
    assert (appeal["bucket"], appeal["claim_id"], appeal["party_id"]) == ("primary", "CLM-7", None)


@settings(max_examples=150, deadline=None)
@given(st.lists(ledger_entries(), max_size=12))
def test_round_trip_of_single_entries_of_every_type(entries: list[object]) -> None:
    table = to_arrow(entries)
    assert table.schema == ENTRY_SCHEMA
    back = from_arrow(table)
    assert back == entries
    assert [type(e) for e in back] == [type(e) for e in entries]


@settings(max_examples=40, deadline=None)
@given(books())
def test_round_trip_through_polars_and_record_batches(history: list[object]) -> None:
    import polars as pl

    table = to_arrow(history)
    assert from_arrow(pl.from_arrow(table)) == history
    assert from_arrow(table.to_batches(max_chunksize=3)) == history


def test_an_unknown_object_is_refused() -> None:
    with pytest.raises(TypeError, match="item 1 is not a ledger entry"):
        to_arrow([_charge(), "not an entry"])


def test_import_billing_core_never_imports_pyarrow_or_polars() -> None:
    code = (
        "import sys, billing_core, billing_core.balances, billing_core.aging;"
        "print(sorted(m for m in ('pyarrow', 'polars', 'numpy', 'dask') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("module", "blocked", "extra"),
    [
        ("billing_core.frames", "polars", "frames"),
        ("billing_core.frames", "numpy", "frames"),
        ("billing_core.frames.dask", "distributed", "dask"),
    ],
)
def test_a_missing_extra_names_it(module: str, blocked: str, extra: str) -> None:
    code = (
        f"import sys; sys.modules[{blocked!r}] = None\n"
        f"try:\n    import {module}\n"
        "except ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert f"pip install 'billing_core[{extra}]'" in out.stdout


# --------------------------------------------------------------------------- bad tables


def _good() -> pa.Table:
    payer = Party.payer("AETNA")
    return to_arrow(
        [
            _charge(),
            _charge(id="c2", line_id="L2", bucket=Bucket.PRIMARY),
            PaymentReceived(id="p1", account_id="A1", effective=DAY, amount=Money("5", "USD"),
                            party=payer),
        ]
    )  # fmt: skip


def _set(table: pa.Table, name: str, values: list[object], type_: object = None) -> pa.Table:
    index = table.schema.get_field_index(name)
    return table.set_column(index, name, pa.array(values, type_))


def _messages(table: object) -> list[str]:
    return [str(f) for f in validate_entry_table(table)]


def test_a_good_table_has_no_findings() -> None:
    assert validate_entry_table(_good()) == ()
    check_entry_table(_good())


def test_a_missing_required_column_is_named() -> None:
    table = _good().drop_columns(["currency"])
    assert _messages(table) == ["column 'currency': missing (every entry has it)"]
    with pytest.raises(ValidationError, match="currency"):
        line_balances(table, DAY)


def test_a_missing_nullable_column_reads_as_nulls_until_a_row_needs_it() -> None:
    no_reversals = _good().drop_columns(["reverses", "original_type", "original_effective"])
    assert validate_entry_table(no_reversals) == ()
    no_bucket = _good().drop_columns(["bucket"])
    assert _messages(no_bucket) == [
        "column 'bucket', row 0: ChargePosted.bucket must be a Bucket, got None (NoneType)"
    ]


def test_a_wrong_type_is_named() -> None:
    table = _set(_good(), "amount_minor", [80.0, 1.0, 5.0], pa.float64())
    assert _messages(table) == ["column 'amount_minor': must be int64, got double"]
    table = _set(_good(), "effective", ["2024-03-01"] * 3, pa.string())
    assert _messages(table) == ["column 'effective': must be date32[day], got string"]


def test_a_negative_amount_where_the_type_forbids_it() -> None:
    table = _set(_good(), "amount_minor", [8000, 100, -500])
    (message,) = _messages(table)
    assert message.startswith(
        "column 'amount_minor', row 2: PaymentReceived.amount must be positive"
    )


def test_mixed_currencies_in_one_account() -> None:
    table = _set(_good(), "currency", ["USD", "EUR", "USD"])
    assert _messages(table) == [
        "column 'currency', row 1: this account already has rows with another currency"
    ]


def test_unknown_enum_values_and_entry_types() -> None:
    table = _set(_good(), "bucket", ["patient", "gold", None])
    assert _messages(table) == [
        "column 'bucket', row 1: unknown Bucket 'gold';"
        " known: primary, secondary, tertiary, patient"
    ]
    table = _set(_good(), "entry_type", ["charge_posted", "gift", "payment_received"])
    (message,) = _messages(table)
    assert message.startswith("column 'entry_type', row 1: unknown entry type 'gift'; known:")


def test_a_null_where_every_entry_has_a_value_and_an_empty_id() -> None:
    table = _set(_good(), "id", ["c1", None, "p1"])
    assert _messages(table) == ["column 'id', row 1: is null (every entry has it)"]
    table = _set(_good(), "account_id", ["A1", "A1", ""])
    assert _messages(table) == ["column 'account_id', row 2: is empty (ids are non-empty text)"]


def test_a_payer_cannot_pay_the_patient_bucket() -> None:
    table = _set(_good(), "entry_type", ["charge_posted", "charge_posted", "payment_applied"])
    table = _set(table, "line_id", ["L1", "L2", "L1"])
    table = _set(table, "bucket", ["patient", "primary", "patient"])
    (message,) = _messages(table)
    assert message.startswith(
        "column 'bucket', row 2: PaymentApplied.bucket: payer:AETNA cannot pay"
    )


def test_a_patient_id_is_never_shown() -> None:
    table = _set(_good(), "party_kind", [None, None, "patient"])
    table = _set(table, "party_id", [None, None, ""])
    assert _messages(table) == ["column 'party_id', row 2: is empty (ids are non-empty text)"]
    table = _set(table, "party_id", [None, None, "MRN-12345"])
    table = _set(table, "amount_minor", [8000, 100, -1])
    assert all("MRN-12345" not in m for m in _messages(table))


def test_an_amount_beyond_max_minor_and_an_unknown_currency() -> None:
    table = _set(_good(), "amount_minor", [10**18, 1, 1])
    assert _messages(table) == [
        "column 'amount_minor', row 0: beyond MAX_MINOR (|minor| <= 999,999,999,999,999,999)"
    ]
    table = _set(_good(), "currency", ["ZZZ", "ZZZ", "ZZZ"])
    (message,) = _messages(table)
    assert message.startswith("column 'currency', row 0:")


def test_not_a_table() -> None:
    with pytest.raises(TypeError, match="expected a pyarrow Table"):
        validate_entry_table(42)


def test_the_reference_page_documents_every_column() -> None:
    from pathlib import Path

    from billing_core import frames

    page = (Path(__file__).resolve().parents[1] / "docs" / "reference" / "frames.md").read_text()
    documented = [line.split("`")[1] for line in page.splitlines() if line.startswith("| `")]
    assert documented[: len(ENTRY_SCHEMA.names)] == ENTRY_SCHEMA.names
    # Each document table is listed column by column under its name ("`CLAIM_SCHEMA`:").
    tables: dict[str, list[str]] = {}
    current = None
    for line in page.splitlines():
        if line.startswith("`") and line.endswith("_SCHEMA`:"):
            current = tables.setdefault(line.strip("`:"), [])
        elif current is not None and line.startswith("| `"):
            current.append(line.split("`")[1])
        elif current is not None and not line.startswith("|") and current:
            current = None
    names = ["OPEN_LINE_SCHEMA", "CLAIM_SCHEMA", "CLAIM_LINE_SCHEMA", "REMITTANCE_CLAIM_SCHEMA",
             "SERVICE_LINE_SCHEMA"]  # fmt: skip
    assert sorted(tables) == sorted(names)
    for name in names:
        assert tables[name] == getattr(frames, name).names, name


def test_check_once_then_run_many_kernels() -> None:
    table = to_arrow(every_entry_type("A1"))
    checked = check_entry_table(table)
    assert {"_kind", "_bucket", "_detail"} <= set(checked.columns)
    assert sorted(line_balances(checked, DAY).rows(), key=str) == sorted(
        line_balances(table, DAY).rows(), key=str
    )
    assert from_arrow(checked.drop("_kind", "_bucket", "_detail")) == every_entry_type("A1")
