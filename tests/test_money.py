from __future__ import annotations

import copy
import decimal
import json
import pickle
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from babel.numbers import get_currency_symbol, parse_decimal
from hypothesis import given
from hypothesis import strategies as st

from billing_core.errors import (
    BillingError,
    CurrencyMismatchError,
    InvalidAmountError,
    UnknownCurrencyError,
)
from billing_core.money import (
    AllocationMode,
    Money,
    RoundingMode,
    allocate,
    allocate_up_to,
    currency_exponent,
    format_money,
    override_currency_exponent,
    price_line,
    round_ratio,
    split,
    total,
)
from billing_core.testing.strategies import moneys, ratios

USD = "USD"


# --------------------------------------------------------------------------- construction


def test_known_answers_from_the_issue() -> None:
    with pytest.raises(InvalidAmountError, match=r"12\.345.*USD.*2 decimal places"):
        Money("12.345", "USD")
    assert Money("1", "JPY").minor == 1
    with pytest.raises(TypeError, match="float"):
        Money(0.1, "USD")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        ("12.50", "USD", 1250),
        ("12.5", "USD", 1250),
        ("12.500", "USD", 1250),  # trailing zeros are not finer than a cent
        (Decimal("-0.01"), "USD", -1),
        (7, "USD", 700),
        ("1", "JPY", 1),
        ("1.234", "BHD", 1234),
        ("1E+3", "USD", 100000),
        ("-0", "USD", 0),
    ],
)
def test_construction(amount: str | Decimal | int, currency: str, minor: int) -> None:
    m = Money(amount, currency)
    assert m.minor == minor
    assert m.currency == currency


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "-inf", Decimal("NaN"), Decimal("sNaN")])
def test_rejects_non_finite(bad: str | Decimal) -> None:
    with pytest.raises(InvalidAmountError, match="finite"):
        Money(bad, USD)


def test_rejects_garbage_strings_and_types() -> None:
    with pytest.raises(InvalidAmountError, match="'twelve'.*not a number"):
        Money("twelve", USD)
    with pytest.raises(TypeError, match="bool"):
        Money(True, USD)
    with pytest.raises(TypeError, match="list"):
        Money([1], USD)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="float"):
        Money.from_minor(1.0, USD)  # type: ignore[arg-type]


def test_rejects_finer_than_minor_unit_per_currency() -> None:
    with pytest.raises(InvalidAmountError, match=r"0\.5.*JPY.*0 decimal places"):
        Money("0.5", "JPY")
    with pytest.raises(InvalidAmountError, match=r"BHD.*3 decimal places"):
        Money("1.2345", "BHD")


def test_unknown_currency() -> None:
    with pytest.raises(UnknownCurrencyError, match="'ABC'"):
        Money("1", "ABC")
    with pytest.raises(UnknownCurrencyError, match="did you mean 'USD'"):
        Money("1", "usd")
    with pytest.raises(TypeError, match="currency"):
        Money("1", 840)  # type: ignore[arg-type]


def test_errors_subclass_builtins() -> None:
    assert issubclass(InvalidAmountError, ValueError)
    assert issubclass(CurrencyMismatchError, BillingError)
    assert issubclass(UnknownCurrencyError, ValueError)


def test_exponents_from_cldr() -> None:
    assert (currency_exponent("USD"), currency_exponent("JPY"), currency_exponent("KWD")) == (
        2,
        0,
        3,
    )


def test_override_exponent_rules() -> None:
    override_currency_exponent("XTS", 3)  # the ISO testing code, unused elsewhere
    assert Money("0.001", "XTS").minor == 1
    override_currency_exponent("XTS", 3)  # same value again is fine
    with pytest.raises(InvalidAmountError, match="already in use"):
        override_currency_exponent("XTS", 2)
    with pytest.raises(InvalidAmountError, match="0 to 6"):
        override_currency_exponent("XBT", 9)
    with pytest.raises(UnknownCurrencyError):
        override_currency_exponent("bitcoin", 2)


def test_immutable_hashable_copy_pickle() -> None:
    m = Money("3.10", USD)
    with pytest.raises(AttributeError):
        m.minor = 5  # type: ignore[misc]
    assert {m: 1}[Money("3.1", USD)] == 1
    assert copy.copy(m) is m
    assert copy.deepcopy(m) is m
    assert pickle.loads(pickle.dumps(m)) == m


def test_pickle_form_is_stable() -> None:
    # The pickled form names only (minor units, currency): pinned so stored
    # pickles keep loading across versions.
    reduced = Money("12.34", USD).__reduce__()
    assert reduced[1] == (1234, "USD")


def test_repr_and_str() -> None:
    assert repr(Money("-5", USD)) == "Money('-5.00', 'USD')"
    assert str(Money("5", "JPY")) == "5 JPY"
    assert Money("7.5", USD).amount == Decimal("7.50")
    assert str(Money("7.5", USD).amount) == "7.50"


# --------------------------------------------------------------------------- arithmetic


def test_arithmetic_and_comparison() -> None:
    a, b = Money("10.25", USD), Money("0.75", USD)
    assert a + b == Money("11.00", USD)
    assert a - b == Money("9.50", USD)
    assert -a == Money("-10.25", USD)
    assert abs(Money("-1", USD)) == Money("1", USD)
    assert a * 3 == Money("30.75", USD) == 3 * a
    assert b < a and a > b and a >= a and b <= b
    assert not Money.zero(USD)
    assert Money("0.01", USD)
    assert sorted([a, b]) == [b, a]


def test_mixed_currencies_raise() -> None:
    usd, eur = Money("1", USD), Money("1", "EUR")
    with pytest.raises(CurrencyMismatchError) as added:
        usd + eur
    assert str(added.value) == "cannot add USD 1.00 and EUR 1.00: currencies differ"
    with pytest.raises(CurrencyMismatchError) as reversed_:
        eur + usd
    assert str(reversed_.value) == "cannot add EUR 1.00 and USD 1.00: currencies differ"
    with pytest.raises(CurrencyMismatchError) as subtracted:
        Money("3", USD) - Money("2", "EUR")
    assert str(subtracted.value) == "cannot subtract EUR 2.00 from USD 3.00: currencies differ"
    with pytest.raises(CurrencyMismatchError) as compared:
        _ = usd < eur
    assert str(compared.value) == "cannot compare USD 1.00 with EUR 1.00: currencies differ"
    assert usd != eur  # equality never raises


def test_rates_and_division_need_rounding() -> None:
    m = Money("10.00", USD)
    with pytest.raises(TypeError, match="multiply"):
        m * Decimal("0.5")  # type: ignore[operator]
    with pytest.raises(TypeError, match="divide"):
        m / 3  # type: ignore[operator]
    with pytest.raises(TypeError, match="float"):
        m.multiply(0.5, rounding=RoundingMode.HALF_UP)  # type: ignore[arg-type]
    assert m.multiply(Fraction(1, 3), rounding=RoundingMode.UP) == Money("3.34", USD)
    assert m.divide(3, rounding=RoundingMode.DOWN) == Money("3.33", USD)
    with pytest.raises(ZeroDivisionError):
        m.divide(0, rounding=RoundingMode.HALF_UP)


def test_global_decimal_context_is_neither_read_nor_changed() -> None:
    before = decimal.getcontext().copy()
    with decimal.localcontext() as ctx:
        ctx.prec = 2
        ctx.rounding = decimal.ROUND_FLOOR
        ctx.traps[decimal.Inexact] = True
        m = Money("123456789.99", USD)
        # 12345678999 x 1.005 = 12407407393.995 cents -> 12407407394 (half-up)
        assert m.amount == Decimal("123456789.99")
        assert m.multiply(Decimal("1.005"), rounding=RoundingMode.HALF_UP).minor == 12407407394
    after = decimal.getcontext()
    assert after.prec == before.prec and after.rounding == before.rounding


# The rounding table of the docs, worked by hand: value -> expected per mode.
ROUNDING_TABLE = {
    RoundingMode.HALF_UP: {"2.5": 3, "-2.5": -3, "2.4": 2, "3.5": 4},
    RoundingMode.HALF_EVEN: {"2.5": 2, "-2.5": -2, "2.4": 2, "3.5": 4},
    RoundingMode.HALF_DOWN: {"2.5": 2, "-2.5": -2, "2.6": 3, "3.5": 3},
    RoundingMode.UP: {"2.1": 3, "-2.1": -3, "2.0": 2},
    RoundingMode.DOWN: {"2.9": 2, "-2.9": -2},
    RoundingMode.CEILING: {"2.1": 3, "-2.9": -2},
    RoundingMode.FLOOR: {"2.9": 2, "-2.1": -3},
}


@pytest.mark.parametrize("mode", list(RoundingMode))
def test_rounding_table(mode: RoundingMode) -> None:
    for text, expected in ROUNDING_TABLE[mode].items():
        frac = Fraction(Decimal(text))
        assert round_ratio(frac.numerator, frac.denominator, mode) == expected, (mode, text)


@given(
    st.integers(min_value=-(10**9), max_value=10**9),
    st.integers(min_value=1, max_value=10**6),
    st.sampled_from(list(RoundingMode)),
)
def test_round_ratio_agrees_with_decimal_quantize(num: int, den: int, mode: RoundingMode) -> None:
    ctx = decimal.Context(prec=60)
    exact = ctx.divide(Decimal(num), Decimal(den))
    expected = int(exact.quantize(Decimal(1), rounding=mode.value, context=ctx))
    assert round_ratio(num, den, mode) == expected


def test_price_line() -> None:
    # 2.5 mL at 0.4567/mL = 1.14175 -> 1.14 (half-up)
    assert price_line(Decimal("2.5"), Decimal("0.4567"), USD) == Money("1.14", USD)
    # 3 x 19.995 = 59.985 -> 59.99 half-up, 59.98 half-even
    assert price_line(3, Decimal("19.995"), USD) == Money("59.99", USD)
    assert price_line(3, Decimal("19.995"), USD, rounding=RoundingMode.HALF_EVEN) == Money(
        "59.98", USD
    )
    with pytest.raises(TypeError, match="float"):
        price_line(1.5, Decimal(1), USD)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- totals


def test_total_known_answers() -> None:
    assert total([Money("0.10", USD)] * 3) == Money("0.30", USD)
    assert total([], "EUR") == Money.zero("EUR")
    assert total(iter([Money("1", USD)])) == Money("1", USD)
    assert Money.sum([Money("1", USD), Money("2", USD)], USD) == Money("3", USD)
    with pytest.raises(InvalidAmountError, match="needs a currency"):
        total([])
    with pytest.raises(CurrencyMismatchError, match="EUR"):
        total([Money("1", USD), Money("1", "EUR")])
    with pytest.raises(CurrencyMismatchError, match="EUR"):
        total([Money("1", "EUR")], USD)
    with pytest.raises(TypeError, match="item 1 is Decimal"):
        total([Money("1", USD), Decimal(1)])  # type: ignore[list-item]


def test_override_keeps_the_canonical_currency_object() -> None:
    # A code parsed from text is equal to, but not the same object as, the
    # canonical code every Money shares; re-stating its exponent must not
    # replace the canonical object (total() relies on identity).
    before = Money("1", USD).currency
    parsed = json.loads('"USD"')
    assert parsed == before and parsed is not before
    override_currency_exponent(parsed, 2)
    assert Money("1", USD).currency is before
    assert Money("1", parsed).currency is before
    assert Money.zero(parsed).currency is before
    assert total([Money("1.00", USD), Money("0.05", parsed)]) == Money("1.05", USD)
    assert total([Money("0.05", parsed)], USD) == Money("0.05", USD)


@given(st.lists(moneys(currency="USD"), max_size=50))
def test_total_equals_decimal_sum(ms: list[Money]) -> None:
    expected = sum((m.amount for m in ms), Decimal(0))
    assert total(ms, USD).amount == expected


@given(moneys(), moneys())
def test_addition_is_exact_and_reversible(a: Money, b: Money) -> None:
    if a.currency != b.currency:
        with pytest.raises(CurrencyMismatchError):
            a + b
        return
    assert (a + b).amount == a.amount + b.amount
    assert (a + b) - b == a


# --------------------------------------------------------------------------- allocation


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (AllocationMode.FIRST, [34, 50, 16]),
        (AllocationMode.LARGEST_REMAINDER, [33, 50, 17]),
        (AllocationMode.LARGEST_RATIO, [33, 51, 16]),
    ],
)
def test_allocation_reference_vectors(mode: AllocationMode, expected: list[int]) -> None:
    parts = allocate(Money.from_minor(100, USD), [2, 3, 1], mode)
    assert [p.minor for p in parts] == expected


def test_allocation_reference_9999() -> None:
    parts = allocate(Money.from_minor(9999, USD), [75, 25])
    assert [p.minor for p in parts] == [7499, 2500]


def test_allocation_bad_ratios() -> None:
    m = Money("1", USD)
    with pytest.raises(InvalidAmountError, match="empty"):
        allocate(m, [])
    with pytest.raises(InvalidAmountError, match="all be zero"):
        allocate(m, [0, 0])
    with pytest.raises(InvalidAmountError) as negative:
        allocate(m, [1, -1])
    assert str(negative.value) == "ratios must not be negative; ratio 2 of 2 is -1 (int)"
    with pytest.raises(InvalidAmountError, match=r"ratio 1 of 3 is -2 \(int\)$"):
        allocate(m, [-2, 1, -1])  # the first negative one is named
    with pytest.raises(TypeError, match="^ratio 1 of 2 .*float"):
        allocate(m, [0.5, 1])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="^ratio 3 of 3 .*float"):
        allocate(m, [1, 2, 0.5])  # type: ignore[list-item]


def test_split_and_allocate_up_to() -> None:
    assert [p.minor for p in split(Money("0.05", USD), 3)] == [2, 2, 1]
    with pytest.raises(InvalidAmountError):
        split(Money("1", USD), 0)
    parts, left = allocate_up_to(Money("100", USD), [Money("30", USD), Money("50", USD)])
    assert [p.minor for p in parts] == [3000, 5000] and left == Money("20", USD)
    with pytest.raises(InvalidAmountError, match="^cap 2 must not be negative"):
        allocate_up_to(Money("1", USD), [Money("1", USD), Money("-1", USD)])
    with pytest.raises(CurrencyMismatchError, match="^cap 1 is in EUR"):
        allocate_up_to(Money("1", USD), [Money("1", "EUR")])


@given(moneys(), ratios(), st.sampled_from(list(AllocationMode)))
def test_allocation_invariants(
    amount: Money, rs: list[int | Decimal | Fraction], mode: AllocationMode
) -> None:
    parts = allocate(amount, rs, mode)
    assert len(parts) == len(rs)
    assert sum(p.minor for p in parts) == amount.minor  # nothing created or lost
    weight = sum(Fraction(r) for r in rs)
    for part, r in zip(parts, rs, strict=True):
        exact = Fraction(amount.minor) * Fraction(r) / weight
        # Within one minor unit of its exact share; strictly less with largest remainder.
        # FIRST and LARGEST_RATIO give a leftover unit by position or ratio, even to a
        # part whose share is whole: 0.62 split 3:1:2 FIRST is 0.32, 0.10, 0.20.
        if mode is AllocationMode.LARGEST_REMAINDER:
            assert abs(part.minor - exact) < 1
        else:
            assert abs(part.minor - exact) <= 1
        if Fraction(r) == 0:
            assert part.minor == 0
    # sign symmetry: a negative amount is the mirror image
    assert allocate(-amount, rs, mode) == tuple(-p for p in parts)


@given(
    moneys(currency="USD", min_minor=0),
    st.lists(moneys(currency="USD", min_minor=0, max_minor=10**6), max_size=10),
)
def test_allocate_up_to_conserves_and_respects_caps(amount: Money, caps: list[Money]) -> None:
    parts, left = allocate_up_to(amount, caps)
    assert sum(p.minor for p in parts) + left.minor == amount.minor
    assert all(p <= c for p, c in zip(parts, caps, strict=True))
    assert left.minor == 0 or all(p == c for p, c in zip(parts, caps, strict=True))


# --------------------------------------------------------------------------- formatting


def test_format_known_answers() -> None:
    assert format_money(Money("1234.5", USD)) == "$1,234.50"
    assert format_money(Money("-1234.5", USD), format_type="accounting") == "($1,234.50)"
    assert format_money(Money("1234.5", "EUR"), locale="de_DE") == "1.234,50\xa0€"
    assert format_money(Money("1234", "JPY"), locale="ja_JP") == "￥1,234"


def test_format_does_not_round_an_overridden_currency() -> None:
    override_currency_exponent("XBB", 3)
    assert "0.125" in format_money(Money("0.125", "XBB"))


@pytest.mark.parametrize("locale", ["en_US", "de_DE"])
@given(m=moneys(currency="EUR"))
def test_format_round_trips_through_babel_parser(locale: str, m: Money) -> None:
    text = format_money(m, locale=locale)
    symbol = get_currency_symbol("EUR", locale=locale)
    number = re.sub(r"[\s\xa0\u202f]", "", text.replace(symbol, ""))
    assert parse_decimal(number, locale=locale, strict=True) == m.amount


def test_format_ignores_the_callers_decimal_context() -> None:
    with decimal.localcontext() as ctx:
        ctx.prec = 4
        ctx.traps[decimal.Inexact] = True
        assert format_money(Money("123456.78", USD)) == "$123,456.78"


def test_allocate_minor_reference_vectors_and_errors() -> None:
    from billing_core.money import allocate_minor

    # the DESIGN reference vectors, on bare minor units
    assert allocate_minor(100, [2, 3, 1], AllocationMode.FIRST) == (34, 50, 16)
    assert allocate_minor(100, [2, 3, 1]) == (33, 50, 17)
    assert allocate_minor(9999, [75, 25]) == (7499, 2500)
    assert allocate_minor(-9999, [75, 25]) == (-7499, -2500)
    with pytest.raises(TypeError, match="int count"):
        allocate_minor(Decimal("1.5"), [1, 1])  # type: ignore[arg-type]
    with pytest.raises(InvalidAmountError, match="all be zero"):
        allocate_minor(10, [0, 0])


@given(st.integers(min_value=-(10**12), max_value=10**12), ratios())
def test_allocate_minor_sums_exactly_within_one_unit(
    units: int, rs: list[int | Decimal | Fraction]
) -> None:
    from billing_core.money import allocate_minor

    parts = allocate_minor(units, rs)
    assert sum(parts) == units
    weight = sum(Fraction(r) for r in rs)
    for part, r in zip(parts, rs, strict=True):
        assert abs(part - Fraction(units) * Fraction(r) / weight) < 1
