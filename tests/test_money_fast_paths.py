"""The money fast paths give exactly what the reference paths give, errors included.

``Money(str)``, ``Money(Decimal)``, ``decimal_parts`` and ``multiply`` by a
``Decimal`` skip the regular-expression parser for the common plain form, and
``allocate_minor`` skips ``Fraction`` for integer ratios. Each property below
compares the fast path with the general one it stands in for (the parser, the
``Fraction`` ratios), over inputs that reach both sides of every shortcut's test.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from billing_core.errors import InvalidAmountError
from billing_core.money import (
    AllocationMode,
    Money,
    RoundingMode,
    allocate,
    allocate_minor,
    round_ratio,
)
from billing_core.money._core import _minor_of
from billing_core.money._numbers import decimal_parts, parse_number

# Amount texts near the fast path's edges: the currency's places exactly, fewer or
# more, leading zeros, signs, exponents, 17 to 20 digits, non-ASCII digits, junk.
_DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=21)
_ODD = st.sampled_from(["", "-", "+", " ", "_", "\u0661", "e2", "E-1", ".", ","])
_TEXTS = st.one_of(
    st.builds(lambda w, f: f"{w}.{f}", _DIGITS, st.text(alphabet="0123456789", max_size=4)),
    st.builds(lambda a, w, b, f: f"{a}{w}{b}.{f}{a}", _ODD, _DIGITS, _ODD, _DIGITS),
    _DIGITS,
    st.text(max_size=22),
)
_CODES = st.sampled_from(["USD", "JPY", "BHD", "EUR"])
_PLACES = {"USD": 2, "JPY": 0, "BHD": 3, "EUR": 2}


def _outcome(call: object) -> tuple[str, object]:
    """What a call gives: ``("ok", value)`` or ``("error", (type, message))``."""
    try:
        return "ok", call()  # type: ignore[operator]
    except (InvalidAmountError, TypeError, ValueError) as error:
        return "error", (type(error), str(error))


@given(_TEXTS, _CODES)
@example("1234.50", "USD")
@example("9999999999999999.99", "USD")
@example("99999999999999999.99", "USD")
@example("999999999999999999", "JPY")
@example("1000000000000000000", "JPY")
@example("\u0661\u0662.50", "USD")
@example("12.5", "USD")
@example("-12.50", "USD")
def test_money_from_text_equals_the_parser(text: str, code: str) -> None:
    fast = _outcome(lambda: Money(text, code).minor)
    reference = _outcome(lambda: _minor_of(text, code, _PLACES[code]))
    assert fast == reference


@given(st.decimals(allow_nan=True, allow_infinity=True), _CODES)
@example(Decimal("1234.50"), "USD")
@example(Decimal("-0.00"), "USD")
@example(Decimal("1E+2"), "JPY")
@example(Decimal("9999999999999999.99"), "USD")
@example(Decimal("99999999999999999.99"), "USD")
def test_money_from_decimal_equals_the_parser(value: Decimal, code: str) -> None:
    fast = _outcome(lambda: Money(value, code).minor)
    reference = _outcome(lambda: _minor_of(str(value), code, _PLACES[code]))
    if value.is_finite():
        assert fast == reference
    else:
        assert fast[0] == "error"


@given(st.decimals(allow_nan=False, allow_infinity=False))
@example(Decimal("0.8735"))
@example(Decimal("-0.5"))
@example(Decimal("1E-7"))
@example(Decimal("12"))
def test_decimal_parts_equals_the_parser(value: Decimal) -> None:
    assert _outcome(lambda: decimal_parts(value, "rate")) == _outcome(
        lambda: parse_number(str(value), "rate")
    )


_MODES = st.sampled_from(list(RoundingMode))


@given(
    st.integers(-(10**12), 10**12),
    st.decimals(allow_nan=False, allow_infinity=False, places=6, min_value=-1000, max_value=1000),
    _MODES,
)
@example(1999, Decimal("0.8735"), RoundingMode.HALF_UP)
@example(-1999, Decimal("1E+2"), RoundingMode.HALF_EVEN)
def test_multiply_by_a_decimal_equals_the_fraction_reference(
    minor: int, rate: Decimal, mode: RoundingMode
) -> None:
    exact = Fraction(rate)  # the standard library's exact value of the Decimal
    expected = round_ratio(minor * exact.numerator, exact.denominator, mode)
    assert Money.from_minor(minor, "USD").multiply(rate, rounding=mode).minor == expected


def test_multiply_by_a_rate_of_the_known_answer() -> None:
    # 19.99 * 0.8735 = 17.461265: half-up 17.46, ceiling 17.47 (worked by hand).
    price = Money("19.99", "USD")
    assert price.multiply(Decimal("0.8735"), rounding=RoundingMode.HALF_UP) == Money("17.46", "USD")
    assert price.multiply(Decimal("0.8735"), rounding=RoundingMode.CEILING) == Money("17.47", "USD")


_WEIGHTS = st.lists(st.integers(0, 10**6), min_size=1, max_size=12).filter(any)


@given(st.integers(-(10**15), 10**15), _WEIGHTS, st.sampled_from(list(AllocationMode)))
@example(100, [1, 1, 1], AllocationMode.LARGEST_REMAINDER)
@example(5, [0, 3, 0, 3, 3], AllocationMode.LARGEST_RATIO)
@example(-7, [2, 0, 2], AllocationMode.FIRST)
def test_integer_ratios_split_as_their_fractions_do(
    units: int, weights: list[int], mode: AllocationMode
) -> None:
    fast = allocate_minor(units, weights, mode)
    reference = allocate_minor(units, [Fraction(w) for w in weights], mode)
    assert fast == reference
    assert allocate_minor(units, tuple(weights), mode) == reference
    assert sum(fast) == units


def test_integer_ratios_keep_the_known_split_and_the_errors() -> None:
    # 100 across 1:1:1 is 33.33 each; the first by position gets the leftover cent.
    assert allocate_minor(100, [1, 1, 1]) == (34, 33, 33)
    # 10 across 0:1:2 is 0, 3.33, 6.67: the largest remainder (the third) gets the unit.
    assert allocate_minor(10, [0, 1, 2]) == (0, 3, 7)
    with pytest.raises(InvalidAmountError, match="ratio 2 of 3 is -1"):
        allocate_minor(10, [1, -1, 2])
    with pytest.raises(InvalidAmountError, match="all be zero"):
        allocate_minor(10, [0, 0])
    with pytest.raises(InvalidAmountError, match="empty"):
        allocate_minor(10, [])
    with pytest.raises(TypeError, match="mode"):
        allocate_minor(10, [1, 2], "largest")  # type: ignore[arg-type]


_AMOUNTS = st.integers(-(10**15), 10**15)


@given(_AMOUNTS, _WEIGHTS, st.booleans())
@example(100, [1, 1, 1], False)
@example(-100, [2, 3, 1], True)
@example(10, [0, 1, 2], False)
@example(5, [0, 3, 0, 3, 3], False)
@example(0, [4, 0], True)
@example(7, [10**6, 10**6, 1], False)
def test_allocate_money_equals_the_fraction_reference(
    units: int, weights: list[int], as_tuple: bool
) -> None:
    # allocate() builds Money parts in one pass for int ratios (largest remainder); the
    # reference is the integer core fed the same ratios as Fractions.
    amount = Money.from_minor(units, "USD")
    ratios = tuple(weights) if as_tuple else weights
    fast = allocate(amount, ratios)
    reference = allocate_minor(units, [Fraction(w) for w in weights])
    assert tuple(p.minor for p in fast) == reference
    assert all(type(p) is Money and p.currency == "USD" for p in fast)
    assert sum(p.minor for p in fast) == units


def test_allocate_money_known_answers_and_errors() -> None:
    # 9999 by 75:25 is 7499.25 and 2499.75: the larger remainder (the second) gets the unit.
    usd = Money.from_minor(9999, "USD")
    assert [p.minor for p in allocate(usd, [75, 25])] == [7499, 2500]
    # 100 by 2:3:1 (the design's vector) and its mirror image.
    assert [p.minor for p in allocate(Money("1.00", "USD"), (2, 3, 1))] == [33, 50, 17]
    assert [p.minor for p in allocate(Money("-1.00", "USD"), [2, 3, 1])] == [-33, -50, -17]
    # Three equal remainders of 1/3 with two units left: the first two by position.
    assert [p.minor for p in allocate(Money.from_minor(5, "JPY"), [1, 1, 1])] == [2, 2, 1]
    # Ratios the fast path does not take reach the reference path and its errors.
    with pytest.raises(InvalidAmountError, match="ratio 2 of 3 is -1"):
        allocate(usd, [1, -1, 2])
    with pytest.raises(InvalidAmountError, match="all be zero"):
        allocate(usd, (0, 0))
    with pytest.raises(InvalidAmountError, match="empty"):
        allocate(usd, [])
    with pytest.raises(TypeError, match="float"):
        allocate(usd, [1, 0.5])  # type: ignore[list-item]
    # A bool is not taken for an int ratio by the fast path; the reference refuses it.
    with pytest.raises(TypeError, match="ratio 1 of 2 must be an int, Decimal or Fraction"):
        allocate(usd, [True, 1])  # type: ignore[list-item]
    # 9999 by 0.5:1 is 3333 and 6666 exactly (Decimal ratios take the reference path).
    assert [p.minor for p in allocate(usd, [Decimal("0.5"), 1])] == [3333, 6666]
