"""The kernels sum in int64: a table whose sums could leave it is refused, never wrapped."""

from __future__ import annotations

import datetime

import pytest

from billing_core.errors import ValidationError
from billing_core.frames import account_balances, check_entry_table, to_arrow
from billing_core.ledger import Bucket, ChargePosted
from billing_core.money import MAX_MINOR, Money

DAY = datetime.date(2024, 3, 1)


def _charges(n: int, minor: int) -> list[ChargePosted]:
    return [
        ChargePosted(
            id=f"c{i}",
            account_id="A1",
            line_id=f"L{i}",
            effective=DAY,
            amount=Money.from_minor(minor, "USD"),
            bucket=Bucket.PATIENT,
        )
        for i in range(n)
    ]


def test_sums_that_fit_in_int64_are_computed_exactly() -> None:
    # 9 x (10**18 - 1) = 8,999,999,999,999,999,991 < 2**63 - 1 = 9,223,372,036,854,775,807
    table = check_entry_table(to_arrow(_charges(9, MAX_MINOR)))
    rows = account_balances(table, DAY).filter(figure="charged")["amount_minor"].to_list()
    assert rows == [8_999_999_999_999_999_991]


def test_a_table_whose_sums_could_wrap_is_refused_naming_the_column() -> None:
    # 10 x (10**18 - 1) = 9,999,999,999,999,999,990 > 2**63 - 1: a wrapped sum would be negative
    with pytest.raises(ValidationError) as caught:
        check_entry_table(to_arrow(_charges(10, MAX_MINOR)))
    message = str(caught.value)
    assert "amount_minor" in message
    assert "9,223,372,036,854,775,807" in message
    with pytest.raises(ValidationError):
        account_balances(to_arrow(_charges(10, MAX_MINOR)), DAY)


def test_many_small_amounts_past_the_quick_bound_still_pass() -> None:
    # rows x largest = 20 x 5 * 10**17 = 10**19 > 2**63 - 1, so the amounts are added up
    # exactly: 5 * 10**17 + 19 x 1 = 500,000,000,000,000,019 fits, and is computed
    big = _charges(1, 5 * 10**17)[0]
    small = [
        ChargePosted(
            id=f"s{i}",
            account_id="A1",
            line_id=f"S{i}",
            effective=DAY,
            amount=Money.from_minor(1, "USD"),
            bucket=Bucket.PATIENT,
        )
        for i in range(19)
    ]
    table = check_entry_table(to_arrow([big, *small]))
    rows = account_balances(table, DAY).filter(figure="charged")["amount_minor"].to_list()
    assert rows == [500_000_000_000_000_019]
