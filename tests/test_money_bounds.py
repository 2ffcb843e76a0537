"""Hostile and careless amounts: bounded parsing, bounded amounts, refused forms and currencies.

Inputs that used to hang (``10 ** exponent`` computed as an int) run in a child
process with a timeout, so a regression fails the test instead of hanging the
suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing_core.errors import BillingError, InvalidAmountError, UnknownCurrencyError
from billing_core.money import (
    MAX_MINOR,
    Money,
    RoundingMode,
    allocate,
    allocate_minor,
    currency_exponent,
    override_currency_exponent,
    price_line,
    round_ratio,
    split,
    total,
)
from billing_core.serialization import converter, from_json, to_json

USD = "USD"
BIGGEST = "9999999999999999.99"  # MAX_MINOR cents, written by hand


# --------------------------------------------------------------------------- inputs that hung

_CHILD = textwrap.dedent(
    """
    import json, sys
    from decimal import Decimal
    from billing_core.money import Money, RoundingMode, allocate, price_line
    from billing_core.serialization import from_json

    HALF_UP = RoundingMode.HALF_UP
    one = Money("1.00", "USD")
    refund = (
        '{"type":"refund","id":"f1","account_id":"A1","effective":"2024-03-01",'
        '"party":{"kind":"patient","id":"P1"},"amount":{"amount":%s,"currency":"USD"}}'
    )
    cases = {
        "text 1e100000000": lambda: Money("1e100000000", "USD"),
        "text 0e999999999": lambda: Money("0e999999999", "USD"),
        "text 1e-999999999": lambda: Money("1e-999999999", "USD"),
        "text 1e10000000": lambda: Money("1e10000000", "USD"),
        "text of 20 MB": lambda: Money("1" * 20_000_000, "USD"),
        "text of 4400 digits": lambda: Money("1" * 4400, "USD"),
        "Decimal 1e100000000": lambda: Money(Decimal("1e100000000"), "USD"),
        "Decimal 1e-999999999": lambda: Money(Decimal("1e-999999999"), "USD"),
        "int 10**4400": lambda: Money(10**4400, "USD"),
        "from_minor 10**4400": lambda: Money.from_minor(10**4400, "USD"),
        "multiply 1e-100000000": lambda: one.multiply(Decimal("1e-100000000"), rounding=HALF_UP),
        "divide 1e-100000000": lambda: one.divide(Decimal("1e-100000000"), rounding=HALF_UP),
        "rounded 1e100000000": lambda: Money.rounded(
            Decimal("1e100000000"), "USD", rounding=HALF_UP
        ),
        "price_line 1e100000000": lambda: price_line(Decimal("1e100000000"), 1, "USD"),
        "allocate 1e-100000000": lambda: allocate(one, [Decimal("1e-100000000"), 1]),
        "json 1e100000000": lambda: from_json(refund % '"1e100000000"'),
        "json 1e10000000": lambda: from_json(refund % '"1e10000000"'),
        "json 20 MB amount": lambda: from_json(refund % json.dumps("1" * 20_000_000)),
        "currency XTS": lambda: Money("1", "XTS"),
    }
    out = {}
    for name, case in cases.items():
        try:
            case()
            out[name] = ["no error", ""]
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            out[name] = [type(exc).__name__, str(exc)[:300]]
    print(json.dumps(out))
    """
)


@pytest.fixture(scope="module")
def hostile_results() -> dict[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD], capture_output=True, text=True, timeout=120, check=True
    )
    results: dict[str, list[str]] = json.loads(done.stdout)
    return results


@pytest.mark.parametrize(
    ("case", "error", "says"),
    [
        ("text 1e100000000", "InvalidAmountError", "exponent"),
        ("text 0e999999999", "InvalidAmountError", "exponent"),
        ("text 1e-999999999", "InvalidAmountError", "exponent"),
        ("text 1e10000000", "InvalidAmountError", "exponent"),
        ("text of 20 MB", "InvalidAmountError", "too long"),
        ("text of 4400 digits", "InvalidAmountError", "too long"),
        ("Decimal 1e100000000", "InvalidAmountError", "exponent"),
        ("Decimal 1e-999999999", "InvalidAmountError", "exponent"),
        ("int 10**4400", "InvalidAmountError", "out of range"),
        ("from_minor 10**4400", "InvalidAmountError", "out of range"),
        ("multiply 1e-100000000", "InvalidAmountError", "exponent"),
        ("divide 1e-100000000", "InvalidAmountError", "exponent"),
        ("rounded 1e100000000", "InvalidAmountError", "exponent"),
        ("price_line 1e100000000", "InvalidAmountError", "exponent"),
        ("allocate 1e-100000000", "InvalidAmountError", "exponent"),
        ("json 1e100000000", "ValidationError", "$.amount.amount"),
        ("json 1e10000000", "ValidationError", "$.amount.amount"),
        ("json 20 MB amount", "ValidationError", "too long"),
        ("currency XTS", "UnknownCurrencyError", "not a currency one can bill in"),
    ],
)
def test_inputs_that_hung_are_refused_quickly(
    hostile_results: dict[str, list[str]], case: str, error: str, says: str
) -> None:
    name, message = hostile_results[case]
    assert name == error, (case, name, message)
    assert says in message
    assert len(message) < 300  # the bad value is never echoed whole


# --------------------------------------------------------------------------- the amount bound


def test_the_largest_amount_is_eighteen_digits_of_minor_units() -> None:
    assert MAX_MINOR == 999_999_999_999_999_999
    biggest = Money(BIGGEST, USD)
    assert biggest.minor == MAX_MINOR
    assert (-biggest).minor == -MAX_MINOR
    assert repr(biggest) == f"Money('{BIGGEST}', 'USD')"
    assert through_json(biggest) == biggest
    assert Money.from_minor(-MAX_MINOR, USD) == -biggest
    assert Money(MAX_MINOR, "JPY").minor == MAX_MINOR


def through_json(m: Money) -> Money:
    """``m`` written as the amount of a refund, and read back."""
    from datetime import date

    from billing_core.ledger import Party, Refund

    refund = Refund(
        id="f1", account_id="A1", effective=date(2024, 3, 1), amount=m, party=Party.payer("X")
    )
    loaded = from_json(to_json(refund))
    assert isinstance(loaded, Refund)
    return loaded.amount


@pytest.mark.parametrize(
    "build",
    [
        lambda: Money("10000000000000000.00", USD),
        lambda: Money(Decimal("-10000000000000000"), USD),
        lambda: Money(10**16, USD),
        lambda: Money(10**18, "JPY"),
        lambda: Money.from_minor(MAX_MINOR + 1, USD),
        lambda: Money.from_minor(-MAX_MINOR - 1, USD),
        lambda: Money(BIGGEST, USD) + Money("0.01", USD),
        lambda: Money("-" + BIGGEST, USD) - Money("0.01", USD),
        lambda: Money(BIGGEST, USD) * 2,
        lambda: 2 * Money(BIGGEST, USD),
        lambda: Money(BIGGEST, USD).multiply(Decimal("1.5"), rounding=RoundingMode.DOWN),
        lambda: Money(BIGGEST, USD).divide(Fraction(1, 2), rounding=RoundingMode.DOWN),
        lambda: Money.rounded(Decimal("1E+16"), USD, rounding=RoundingMode.DOWN),
        lambda: total([Money(BIGGEST, USD), Money("0.01", USD)]),
        lambda: price_line(2, Decimal(BIGGEST), USD),
    ],
)
def test_leaving_the_bound_raises_the_library_error(build: object) -> None:
    with pytest.raises(InvalidAmountError, match="out of range"):
        build()  # type: ignore[operator]


@given(st.integers(min_value=-MAX_MINOR, max_value=MAX_MINOR))
def test_every_amount_in_the_bound_prints_and_loads(minor: int) -> None:
    m = Money.from_minor(minor, USD)
    assert Money(str(m.amount), USD) == m
    assert Money(repr(m).split("'")[1], USD) == m
    text = json.dumps(converter.unstructure(m))
    assert converter.structure(json.loads(text), Money) == m


# --------------------------------------------------------------------------- the form of amounts


@pytest.mark.parametrize(
    "text",
    [
        "\u0661\u0662\u0663",  # Arabic-Indic digits
        "\uff11\uff12\uff13",  # full-width digits
        "1_000",
        " 1.00",
        "1.00 ",
        "1.00\n",
        "+1.00",
        "1,000.00",
        ".5",
        "5.",
        "1e",
        "--1",
        "0x10",
        "",
        "1.2.3",
        "½",
    ],
)
def test_only_plain_ascii_amount_text_is_accepted(text: str) -> None:
    with pytest.raises(InvalidAmountError, match="not a number"):
        Money(text, USD)


@pytest.mark.parametrize(
    ("text", "minor"),
    [("12.50", 1250), ("-0.01", -1), ("0012.5", 1250), ("1E+3", 100000), ("125e-1", 1250)],
)
def test_plain_amount_text_forms(text: str, minor: int) -> None:
    assert Money(text, USD).minor == minor


@pytest.mark.parametrize("bad", ["nan", "-Infinity", "+inf", "sNaN"])
def test_non_finite_text_says_finite(bad: str) -> None:
    with pytest.raises(InvalidAmountError, match="finite"):
        Money(bad, USD)


def test_a_bool_is_not_an_amount() -> None:
    with pytest.raises(TypeError, match="bool"):
        Money(True, USD)
    with pytest.raises(TypeError, match="bool"):
        Money.from_minor(False, USD)
    with pytest.raises(TypeError, match="bool"):
        Money("1", USD).multiply(True, rounding=RoundingMode.HALF_UP)


class _Sneaky(int):
    """An int subclass whose arithmetic and conversions lie."""

    def __mul__(self, other: object) -> int:
        return 0

    __rmul__ = __mul__

    def __int__(self) -> int:
        return 99

    def __index__(self) -> int:
        return 77


def test_an_int_subclass_counts_as_its_plain_value() -> None:
    m = Money(_Sneaky(5), USD)
    assert m.minor == 500 and type(m.minor) is int
    n = Money.from_minor(_Sneaky(5), USD)
    assert n.minor == 5 and type(n.minor) is int
    assert Money("1.00", USD).multiply(_Sneaky(3), rounding=RoundingMode.HALF_UP).minor == 300


def test_money_is_never_equal_to_a_number() -> None:
    five = Money("5", USD)
    assert (five != 5) is True
    assert (five == 5) is False
    assert (Money.zero(USD) != 0) is True
    assert (five != Decimal(5)) is True
    assert (five != Money("5", USD)) is False
    assert (five != Money("5", "EUR")) is True


# --------------------------------------------------------------------------- currencies


@pytest.mark.parametrize("code", ["XXX", "XAU", "XAG", "XPT", "XPD", "XDR", "XBA", "XSU", "XUA"])
def test_codes_that_are_not_money_are_refused(code: str) -> None:
    with pytest.raises(UnknownCurrencyError, match="not a currency one can bill in"):
        Money("1", code)
    with pytest.raises(UnknownCurrencyError, match="not a currency one can bill in"):
        currency_exponent(code)


@pytest.mark.parametrize(("code", "places"), [("XOF", 0), ("XAF", 0), ("XPF", 0), ("XCD", 2)])
def test_x_codes_that_circulate_as_cash_are_money(code: str, places: int) -> None:
    assert currency_exponent(code) == places


def test_a_long_unknown_currency_is_not_echoed_whole() -> None:
    with pytest.raises(UnknownCurrencyError) as info:
        Money("1", "u" * 100_000)
    assert len(str(info.value)) < 200


def test_override_exponent_bounds() -> None:
    override_currency_exponent("QQA", 0)  # the smallest exponent
    override_currency_exponent("QQB", 6)  # the largest
    assert Money("1", "QQA").minor == 1
    assert Money("0.000001", "QQB").minor == 1
    for bad in (7, -1, True, 2.0):
        with pytest.raises(InvalidAmountError, match="0 to 6"):
            override_currency_exponent("QQC", bad)  # type: ignore[arg-type]
    with pytest.raises(BillingError):
        Money("1", "QQC")  # nothing was registered by the refused overrides


# --------------------------------------------------------------------------- splitting and rounding


@pytest.mark.parametrize("parts", [1, 2, 3, 7])
def test_splitting_zero_gives_all_zeros(parts: int) -> None:
    zero = Money.zero(USD)
    assert split(zero, parts) == (zero,) * parts
    assert allocate(zero, [1, 2, 3]) == (zero, zero, zero)
    assert allocate_minor(0, [5, 0, 1]) == (0, 0, 0)


def test_round_ratio_refuses_a_mode_that_is_not_a_rounding_mode() -> None:
    with pytest.raises(TypeError, match="RoundingMode"):
        round_ratio(7, 3, "HALF_UP")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="RoundingMode"):
        Money("1.00", USD).multiply(Fraction(1, 3), rounding="UP")  # type: ignore[arg-type]
