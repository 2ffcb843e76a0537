"""Tables of documents: open lines, claims and their lines, remittance claims and service lines."""

from __future__ import annotations

import datetime
import json

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core import aging
from billing_core._examples import example_claim
from billing_core.errors import ValidationError
from billing_core.frames import (
    CLAIM_LINE_SCHEMA,
    CLAIM_SCHEMA,
    OPEN_LINE_SCHEMA,
    REMITTANCE_CLAIM_SCHEMA,
    SERVICE_LINE_SCHEMA,
    claims_from_arrow,
    claims_to_arrow,
    from_arrow,
    open_lines,
    open_lines_from_arrow,
    open_lines_to_arrow,
    remittances_from_arrow,
    remittances_to_arrow,
    to_arrow,
)
from billing_core.ledger import Entry
from billing_core.testing.conformance import every_entry_type
from billing_core.testing.strategies import balanced_remittances, claims
from tests.frames_kit import as_of_dates, books


def test_the_document_schemas_by_hand() -> None:
    assert OPEN_LINE_SCHEMA.names == [
        "account_id", "line_id", "bucket", "open_minor", "currency", "service_date", "party",
        "billed_on", "due_on", "last_activity", "responsible_since",
    ]  # fmt: skip
    assert CLAIM_LINE_SCHEMA.names[:2] == ["claim_id", "line_number"]
    assert "lines" not in CLAIM_SCHEMA.names
    assert CLAIM_SCHEMA.field("total_charge_minor").type == pa.int64()
    assert REMITTANCE_CLAIM_SCHEMA.names[:2] == ["remittance_id", "claim_number"]
    assert SERVICE_LINE_SCHEMA.names[:3] == ["remittance_id", "claim_number", "line_number"]
    schemas = (OPEN_LINE_SCHEMA, CLAIM_SCHEMA, CLAIM_LINE_SCHEMA, REMITTANCE_CLAIM_SCHEMA,
               SERVICE_LINE_SCHEMA)  # fmt: skip
    assert not any(pa.types.is_floating(f.type) for s in schemas for f in s)


def test_a_claim_as_two_tables_by_hand() -> None:
    claim = example_claim()  # one 99213 line of 125.00 USD, diagnosis E11.9
    table, lines = claims_to_arrow([claim])
    row = table.to_pylist()[0]
    assert (row["id"], row["total_charge_minor"], row["currency"]) == ("CLM1", 12500, "USD")
    assert json.loads(row["diagnoses"]) == ["E119"]  # the stable form: ICD-10-CM without its dot
    line = lines.to_pylist()[0]
    assert (line["claim_id"], line["line_number"], line["charge_minor"]) == ("CLM1", 0, 12500)
    assert json.loads(line["procedure"]) == {"code": "99213", "modifiers": [], "system": "CPT"}
    assert claims_from_arrow(table, lines) == [claim]


@settings(max_examples=25, deadline=None)
@given(st.lists(claims(), max_size=3, unique_by=lambda c: c.id))
def test_claims_round_trip(documents: list[object]) -> None:
    table, lines = claims_to_arrow(documents)  # type: ignore[arg-type]
    assert table.schema == CLAIM_SCHEMA
    assert lines.schema == CLAIM_LINE_SCHEMA
    assert claims_from_arrow(table, lines) == documents


@settings(max_examples=25, deadline=None)
@given(st.lists(balanced_remittances(), max_size=3, unique_by=lambda r: r.id))
def test_remittance_claims_round_trip(remittances: list[object]) -> None:
    table, lines = remittances_to_arrow(remittances)  # type: ignore[arg-type]
    assert table.schema == REMITTANCE_CLAIM_SCHEMA
    assert lines.schema == SERVICE_LINE_SCHEMA
    expected = {r.id: r.claims for r in remittances if r.claims}  # type: ignore[attr-defined]
    assert remittances_from_arrow(table, lines) == expected
    assert table.num_rows == sum(len(c) for c in expected.values())


@settings(max_examples=25, deadline=None)
@given(st.data(), books())
def test_open_lines_round_trip_and_equal_the_object_rows(
    data: st.DataObject, history: list[Entry]
) -> None:
    as_of = data.draw(as_of_dates(history))
    expected = list(aging.open_lines(history, as_of))
    table = open_lines_to_arrow(expected)
    assert table.schema == OPEN_LINE_SCHEMA
    assert open_lines_from_arrow(table) == expected
    if expected:  # an empty list is a table of entries to to_arrow
        assert from_arrow(to_arrow(expected)) == expected
    kernel = open_lines(to_arrow(history), as_of)
    assert sorted(open_lines_from_arrow(kernel), key=repr) == sorted(expected, key=repr)


def test_a_table_missing_a_column_is_named() -> None:
    table, lines = claims_to_arrow([example_claim()])
    with pytest.raises(ValidationError, match="column 'claim_id': missing from the claim lines"):
        claims_from_arrow(table, lines.drop_columns(["claim_id"]))


def test_mixed_objects_are_refused() -> None:
    line = aging.open_lines(every_entry_type("A1"), datetime.date(2024, 3, 1))[0]
    with pytest.raises(TypeError, match="item 1 is not an OpenLine"):
        to_arrow([line, "x"])
