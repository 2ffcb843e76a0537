"""X12 values: amounts, quantities, dates and names go out and come back unchanged."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from billing_core.money import MAX_MINOR
from billing_core.serialization import from_dict, to_dict
from billing_core.x12._names import join_name, split_name
from billing_core.x12._values import (
    amount_minor,
    minor_text,
    parse_date,
    parse_quantity,
    quantity_text,
)
from billing_core.x12._values import date_text as x12_date
from test_x12_837 import institutional_claim, professional_claim, secondary_claim


def test_amounts_by_hand() -> None:
    # X12 R: optional minus, digits, optional decimal point; no exponent, no plus sign.
    assert [minor_text(m) for m in (0, 5, 50, 100, 12345, -4258, 100000)] == [
        "0",
        "0.05",
        "0.5",
        "1",
        "123.45",
        "-42.58",
        "1000",
    ]
    assert [amount_minor(t) for t in ("0", ".05", "-.5", "1.", "007", "1.230")] == [
        0,
        5,
        -50,
        100,
        700,
        123,
    ]
    assert [amount_minor(t) for t in ("+1", "1e2", "1,000", " 1", "1.2.3", "--1")] == [None] * 6


@given(st.integers(-MAX_MINOR, MAX_MINOR))
def test_amount_text_round_trips_and_is_short(minor: int) -> None:
    text = minor_text(minor)
    assert amount_minor(text) == minor
    assert not re.search(r"[eE+]|\.$|\.\d*0$", text)


@given(st.integers(-(10**9), 10**9), st.integers(0, 6))
def test_quantity_text_round_trips(coefficient: int, places: int) -> None:
    value = Decimal(coefficient).scaleb(-places)
    text = quantity_text(value)
    assert parse_quantity(text) == value
    assert "E" not in text and not (("." in text) and text.endswith("0"))


@given(st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)))
def test_dates_round_trip(day: datetime.date) -> None:
    assert parse_date(x12_date(day)) == day


def test_impossible_dates_are_refused() -> None:
    assert [parse_date(t) for t in ("20240230", "20241301", "2024011", "2024-01-01")] == [None] * 4


_PART = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'-", min_size=1, max_size=12)


@given(_PART, st.one_of(st.just(""), _PART), st.one_of(st.just(""), _PART))
def test_person_names_split_and_join(last: str, first: str, middle: str) -> None:
    name = join_name(last, first, middle)
    if first:
        assert split_name(name) == (last, first, middle)
    else:
        assert split_name(name) == (last, "", "")


def test_the_837_fields_of_the_documents_serialize() -> None:
    for claim in (professional_claim(), secondary_claim(), institutional_claim()):
        assert from_dict(to_dict(claim)) == claim
