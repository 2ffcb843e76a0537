"""Edges of money that a subtly wrong implementation would get wrong.

Each test pins a documented behaviour found missing by ``make mutate``: error
messages that say which case applies, and every refusal path. Expected values
are written by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from billing_core.errors import CurrencyMismatchError, InvalidAmountError, UnknownCurrencyError
from billing_core.money import (
    AllocationMode,
    Money,
    RoundingMode,
    allocate,
    format_money,
    price_line,
    round_ratio,
    split,
    total,
)


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


def test_a_float_is_refused_with_the_reason() -> None:
    # The message says why (floats are inexact) and what to pass instead, for the
    # constructor and for every exact-number argument.
    with pytest.raises(TypeError, match="amount must not be a float .*pass a str or Decimal"):
        Money(1.5, "USD")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="rate must not be a float .*cannot hold amounts exactly"):
        Money("1", "USD").multiply(0.5, rounding=RoundingMode.HALF_UP)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="minor must not be a float"):
        Money.from_minor(1.0, "USD")  # type: ignore[arg-type]


def test_a_bool_is_not_a_rate() -> None:
    # bool is an int subclass, but True is not the rate 1.
    with pytest.raises(TypeError, match="rate must be an int, Decimal or Fraction, got a bool"):
        Money("1.00", "USD").multiply(True, rounding=RoundingMode.HALF_UP)
    with pytest.raises(TypeError, match="divisor must be an int, Decimal or Fraction, got a bool"):
        Money("1.00", "USD").divide(True, rounding=RoundingMode.HALF_UP)


def test_a_currency_hint_is_offered_for_short_codes_only() -> None:
    # A code that is a known one once stripped and upper-cased gets a hint; a value of
    # 16 characters or more is not cleaned up (its text is not worth echoing twice).
    with pytest.raises(UnknownCurrencyError, match=r"\(did you mean 'USD'\?\)$"):
        Money("1", " usd")
    with pytest.raises(UnknownCurrencyError, match=r"\(did you mean 'USD'\?\)$"):
        Money("1", " usd" + " " * 11)  # 15 characters
    with pytest.raises(UnknownCurrencyError) as long:
        Money("1", " usd" + " " * 12)  # 16 characters
    assert "did you mean" not in str(long.value)


def test_a_number_may_have_exactly_max_number_chars_characters() -> None:
    # "at most 64 characters": 64 zeros are zero, 65 are refused as too long.
    assert Money("0" * 64, "USD") == Money.zero("USD")
    assert Money("0." + "5" + "0" * 61, "USD") == Money("0.50", "USD")  # 64 characters
    with pytest.raises(InvalidAmountError, match="too long: a number has at most 64 characters"):
        Money("0" * 65, "USD")


@pytest.mark.parametrize("value", ["NaN5", "-sNaN12", "-Infinity"])
def test_a_decimal_that_is_not_finite_is_named_so(value: str) -> None:
    # Even a NaN with a payload (its text is not the plain word "NaN") is reported as
    # not finite, not as a badly written number.
    with pytest.raises(InvalidAmountError, match="must be a finite number"):
        Money(Decimal(value), "USD")
    with pytest.raises(InvalidAmountError, match="rate must be a finite number"):
        Money("1", "USD").multiply(Decimal(value), rounding=RoundingMode.HALF_UP)


def test_money_is_immutable() -> None:
    m = Money("1.00", "USD")
    with pytest.raises(AttributeError, match="Money is immutable; cannot set 'minor'"):
        m.minor = 5
    with pytest.raises(AttributeError, match="Money is immutable; cannot set 'note'"):
        m.note = "x"
    with pytest.raises(AttributeError, match="Money is immutable; cannot delete 'currency'"):
        del m.currency
    assert (m.minor, m.currency) == (100, "USD")


def test_equal_amounts_are_neither_less_nor_greater() -> None:
    a, b = Money("2.50", "USD"), Money("2.50", "USD")
    assert not a < b and not a > b
    assert a <= b and a >= b
    smaller = Money("2.49", "USD")
    assert smaller < a and not a < smaller
    assert a > smaller and not smaller > a


def test_a_rate_of_another_type_is_named_in_the_error() -> None:
    with pytest.raises(
        TypeError, match=r"rate must be an int, Decimal or Fraction, got '0.5' \(str\)"
    ):
        Money("1", "USD").multiply("0.5", rounding=RoundingMode.HALF_UP)  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match=r"units must be an int, Decimal or Fraction, got '2' \(str\)"
    ):
        price_line("2", 1, "USD")  # type: ignore[arg-type]


def test_amounts_are_equal_only_in_the_same_currency_and_figures() -> None:
    assert Money("1.00", "USD") != Money("1.00", "EUR")
    assert not Money("1.00", "USD") == Money("1.00", "EUR")  # noqa: SIM201
    assert Money("1.00", "USD") != Money("2.00", "USD")
    assert Money("1.00", "USD") == Money("1.0", "USD")


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: Money(10**16, "USD"), id="int amount"),
        pytest.param(lambda: Money.from_minor(10**18 - 1, "USD") + Money("0.01", "USD"), id="add"),
        pytest.param(lambda: Money.from_minor(10**18 - 1, "USD") - Money("-0.01", "USD"), id="sub"),
        pytest.param(lambda: Money.from_minor(5 * 10**17, "USD") * 2, id="mul"),
        pytest.param(lambda: -Money.from_minor(10**18 - 1, "USD") - Money("0.01", "USD"), id="neg"),
    ],
)
def test_one_minor_unit_past_the_bound_is_refused(make: Callable[[], Money]) -> None:
    # MAX_MINOR is 10**18 - 1; each of these lands on exactly +-10**18 minor units.
    with pytest.raises(InvalidAmountError, match="amount out of range for USD"):
        make()


def test_split_and_allocate_refuse_bad_shapes() -> None:
    with pytest.raises(InvalidAmountError, match=r"parts must be a positive int, got 0 \(int\)"):
        split(Money("1.00", "USD"), 0)
    with pytest.raises(TypeError, match="ratios must be a sequence of numbers, got str"):
        allocate(Money("1.00", "USD"), "12")  # type: ignore[arg-type]


def test_an_out_of_range_amount_says_how_many_digits_it_has() -> None:
    # 10**18 minor units: 19 digits, one more than the bound allows.
    with pytest.raises(InvalidAmountError, match="this one has about 19$"):
        Money.from_minor(10**18, "USD")


@pytest.mark.parametrize("mode", list(RoundingMode))
def test_an_exact_ratio_is_never_rounded(mode: RoundingMode) -> None:
    # 10/5 and -10/5 are whole: every mode gives 2 and -2.
    assert (round_ratio(10, 5, mode), round_ratio(-10, 5, mode)) == (2, -2)


def test_first_mode_gives_the_leftover_cent_to_the_first_part() -> None:
    # 0.62 split 3:1:2 is 0.31, 0.10333..., 0.20666...: floors 31 + 10 + 20 = 61 cents,
    # one left over. FIRST gives it to the first part (even though its share is whole);
    # largest remainder gives it to the part with the largest remainder (0.20666...).
    amount = Money("0.62", "USD")
    assert [p.minor for p in allocate(amount, [3, 1, 2], AllocationMode.FIRST)] == [32, 10, 20]
    assert [p.minor for p in allocate(amount, [3, 1, 2], AllocationMode.LARGEST_REMAINDER)] == [
        31,
        10,
        21,
    ]
