"""Behaviour of the balance folds that only a subtly wrong implementation gets wrong.

Each test pins a documented behaviour that ``make mutate`` found untested after
the fold was rewritten (``balances._lines``: amounts built when first read); the
expected figures are worked out by hand.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.balances import Amounts, Balance, account_balance, line_balances
from billing_core.balances import _amounts as amounts_module
from billing_core.ledger import Bucket, ChargePosted
from billing_core.money import Money

D1 = datetime.date(2024, 1, 5)
# Every mapping field of a balance (all but its currency and the charged total).
AMOUNT_FIELDS = tuple(
    f.name for f in attrs.fields(Balance) if f.name not in ("currency", "charged")
)


def eur(text: str) -> Money:
    return Money(text, "EUR")


@contextlib.contextmanager
def _no_empty_amounts_yet() -> Iterator[None]:
    """As in a fresh process: no empty ``Amounts`` has been made in any currency yet.

    The folds keep one empty mapping per currency (they are immutable); the
    first empty field of a currency must still be an empty mapping, not missing.
    """
    saved = dict(amounts_module._EMPTY)
    amounts_module._EMPTY.clear()
    try:
        yield
    finally:
        amounts_module._EMPTY.clear()
        amounts_module._EMPTY.update(saved)


@pytest.fixture
def no_empty_amounts_yet() -> Iterator[None]:
    with _no_empty_amounts_yet():
        yield


def _charge_40_eur() -> ChargePosted:
    return ChargePosted(
        id="c1",
        account_id="A1",
        line_id="L1",
        effective=D1,
        amount=eur("40.00"),
        bucket=Bucket.PATIENT,
    )


# --- the first empty mapping of a currency -------------------------------------------------


@pytest.mark.usefixtures("no_empty_amounts_yet")
def test_the_first_empty_balance_of_a_currency_has_empty_mappings() -> None:
    b = Balance.empty("EUR")
    assert len(AMOUNT_FIELDS) == 7  # paid (by party, by bucket), adjusted, written off, moved, open
    for name in AMOUNT_FIELDS:
        value = getattr(b, name)
        assert isinstance(value, Amounts), name
        assert value == Amounts(currency="EUR"), name
        assert len(value) == 0, name
    assert b.balance == eur("0.00")
    assert b.paid == eur("0.00")


@pytest.mark.usefixtures("no_empty_amounts_yet")
def test_the_first_account_balance_of_a_currency_has_empty_mappings() -> None:
    b = account_balance([_charge_40_eur()], D1)
    assert b.open == Amounts({Bucket.PATIENT: eur("40.00")}, currency="EUR")
    # nothing was paid, adjusted, written off or moved: empty mappings, zero totals
    assert b.paid_by_party == Amounts(currency="EUR")
    assert b.adjusted == eur("0.00")
    assert b.written_off == eur("0.00")
    assert b.transferred == eur("0.00")


@pytest.mark.usefixtures("no_empty_amounts_yet")
def test_the_first_empty_field_read_from_a_line_is_an_empty_mapping() -> None:
    line = line_balances([_charge_40_eur()], D1)["L1"]
    # read an empty field first, before anything else of the line
    assert line.adjusted_by_group == Amounts(currency="EUR")
    assert line.adjusted == eur("0.00")
    assert line.paid_by_bucket == Amounts(currency="EUR")
    assert line.balance == eur("40.00")


@settings(max_examples=50)
@given(st.lists(st.sampled_from(["USD", "EUR", "JPY", "GBP", "CHF"]), min_size=1, max_size=6))
def test_empty_mappings_are_in_their_balances_currency_whatever_was_built_before(
    currencies: list[str],
) -> None:
    """Empty balances built in any order, from no cached empty mapping: each in its currency."""
    with _no_empty_amounts_yet():
        for currency in currencies:
            b = Balance.empty(currency)
            zero = Money("0", currency)
            for name in AMOUNT_FIELDS:
                value = getattr(b, name)
                assert isinstance(value, Amounts)
                assert value.currency == currency
                assert len(value) == 0
                assert value.total() == zero
