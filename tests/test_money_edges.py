"""Edges of money that a subtly wrong implementation would get wrong.

Each test pins a documented behaviour found missing by ``make mutate``: error
messages that say which case applies, and every refusal path. Expected values
are written by hand.
"""

from __future__ import annotations

import pytest

from billing_core.errors import CurrencyMismatchError
from billing_core.money import Money, format_money, total


def test_total_names_the_requested_currency_or_all_the_currencies_found() -> None:
    # Without a currency, the first amount's currency leads and the others follow;
    # with one, the message says which currency was asked for and what else came.
    with pytest.raises(CurrencyMismatchError) as mixed:
        total([Money("1", "USD"), Money("1", "EUR")])
    assert str(mixed.value) == "total() got amounts in several currencies: USD, EUR"
    with pytest.raises(CurrencyMismatchError) as other:
        total([Money("1", "GBP"), Money("2", "EUR")], "USD")
    assert str(other.value) == "total() in USD got amounts in EUR, GBP"


def test_format_money_refuses_an_unknown_format_type() -> None:
    with pytest.raises(ValueError, match="format_type must be 'standard' or 'accounting'"):
        format_money(Money("1", "USD"), format_type="plain")  # type: ignore[arg-type]
