"""Edges of the balance values and folds that a subtly wrong implementation gets wrong.

Each test pins a documented behaviour (found missing by ``make mutate``); every
expected figure and text is worked out by hand.
"""

from __future__ import annotations

import datetime

from billing_core.balances import Amounts, explain
from billing_core.codes import GroupCode
from billing_core.ledger import (
    Adjustment,
    Bucket,
    ChargePosted,
    Entry,
    Party,
    PaymentApplied,
    PaymentReceived,
    Transfer,
    WriteOff,
    WriteOffReason,
)
from billing_core.money import Money

D1 = datetime.date(2024, 1, 5)
AETNA = Party.payer("AETNA")


def usd(text: str) -> Money:
    return Money(text, "USD")


# --- Amounts: equal only with the same currency and the same amounts -------------------


def test_amounts_with_different_figures_are_not_equal() -> None:
    one = Amounts({Bucket.PATIENT: usd("1.00")}, currency="USD")
    two = Amounts({Bucket.PATIENT: usd("2.00")}, currency="USD")
    assert one != two


def test_empty_amounts_of_two_currencies_are_not_equal() -> None:
    assert Amounts(currency="USD") != Amounts(currency="EUR")
    assert Amounts(currency="USD") == Amounts(currency="USD")


# --- explain: steps in waterfall order whatever the order and dates of the entries ---


def _one_line_history() -> list[Entry]:
    """One line: $100 to primary, CO-45 $10 off, $30 paid, $20 moved, $5 written off.

    All on one day, given latest step first.
    """
    common = {"account_id": "A1", "line_id": "L1"}
    return [
        WriteOff(
            id="w1",
            effective=D1,
            amount=usd("5"),
            bucket=Bucket.PRIMARY,
            reason=WriteOffReason.SMALL_BALANCE,
            **common,
        ),
        Transfer(
            id="t1",
            effective=D1,
            amount=usd("20"),
            from_bucket=Bucket.PRIMARY,
            to_bucket=Bucket.PATIENT,
            **common,
        ),
        PaymentApplied(
            id="a1", effective=D1, amount=usd("30"), party=AETNA, bucket=Bucket.PRIMARY, **common
        ),
        PaymentReceived(id="p1", account_id="A1", effective=D1, amount=usd("30"), party=AETNA),
        Adjustment(
            id="j1",
            effective=D1,
            amount=usd("10"),
            bucket=Bucket.PRIMARY,
            group=GroupCode.CO,
            reason="45",
            **common,
        ),
        ChargePosted(id="c1", effective=D1, amount=usd("100"), bucket=Bucket.PRIMARY, **common),
    ]


def test_explain_lists_steps_in_waterfall_order_not_entry_order() -> None:
    # The documented order: charge -> adjustments -> payments -> transfers -> write-offs,
    # each group in date order; on one day, the order the entries were given never matters.
    explanation = explain(_one_line_history(), "L1", as_of=D1)
    assert [r.entry_id for r in explanation.rows] == ["c1", "j1", "a1", "t1", "w1"]
    assert [r.step for r in explanation.rows] == [
        "charge",
        "adjustment",
        "payment",
        "transfer",
        "write-off",
    ]
    # Open after each step, by hand: 100, 90, 60, 60 (a move), 55.
    assert [r.open for r in explanation.rows] == [
        usd("100"),
        usd("90"),
        usd("60"),
        usd("60"),
        usd("55"),
    ]


def test_explanation_html_right_aligns_the_money_columns_only() -> None:
    # Amounts read down a column by their last digit: amount, change and open are
    # right-aligned; the text columns are not.
    page = explain(_one_line_history(), "L1", as_of=D1)._repr_html_()
    for heading in ("amount", "change", "open"):
        assert f'<th style="text-align:right">{heading}</th>' in page
    for heading in ("date", "entry", "step", "description"):
        assert f'<th style="text-align:left">{heading}</th>' in page


def test_a_one_cent_step_is_shown_with_its_sign() -> None:
    # A step that raises the open balance is shown with "+", even by one minor unit.
    common = {"account_id": "A1", "line_id": "L1", "effective": D1}
    history = [
        ChargePosted(id="c1", amount=usd("0.01"), bucket=Bucket.PRIMARY, **common),
        Adjustment(
            id="j1",
            amount=usd("0.01"),
            bucket=Bucket.PRIMARY,
            group=GroupCode.CO,
            reason="45",
            **common,
        ),
    ]
    text = explain(history, "L1", as_of=D1).text.splitlines()
    assert text[1].split() == [
        "2024-01-05",
        "c1",
        "charge",
        "to",
        "primary",
        "+0.01",
        "open",
        "0.01",
    ]
    assert text[2].split()[-3:] == ["-0.01", "open", "0.00"]
