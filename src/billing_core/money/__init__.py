"""Exact money: amounts, currencies, totals, pricing and formatting.

[`Money`][] stores an **integer count of minor units** (cents for USD, yen
for JPY, fils for BHD) and an ISO 4217 currency code, so every amount is exact
by construction. Arithmetic that could produce a fraction of a minor unit
(multiplying by a rate, dividing) needs an explicit
[`RoundingMode`][billing_core.money.RoundingMode]; splitting an amount into
parts goes through [`allocate`][billing_core.money.allocate], which never
creates or loses a minor unit.

Examples:
    >>> from decimal import Decimal
    >>> from billing_core.money import Money, RoundingMode, allocate
    >>> visit = Money("125.00", "USD") + Money("35.50", "USD")
    >>> visit
    Money('160.50', 'USD')
    >>> visit.multiply(Decimal("0.2"), rounding=RoundingMode.HALF_UP)
    Money('32.10', 'USD')
    >>> allocate(Money("100.00", "USD"), [1, 1, 1])
    (Money('33.34', 'USD'), Money('33.33', 'USD'), Money('33.33', 'USD'))

The module never reads or changes the global `decimal` context: every
rounding is done in integer arithmetic at one place,
[`round_ratio`][billing_core.money.round_ratio]. Amounts are bounded:
``|minor| <=`` [`MAX_MINOR`][] (18 digits), and text or ``Decimal`` input is
bounded before any arithmetic (see [`Money`][]).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, ROUND_HALF_EVEN, Context, Decimal, localcontext
from fractions import Fraction
from typing import Final, Literal

from babel.numbers import format_currency

from billing_core._checks import describe
from billing_core.errors import CurrencyMismatchError, InvalidAmountError
from billing_core.money._cldr import currency as _currency
from billing_core.money._cldr import locale as _cldr_locale
from billing_core.money._cldr import override as _override
from billing_core.money._core import MAX_MINOR, Money, check_minor, make
from billing_core.money._core import _unpickle as _unpickle  # pickles name money._unpickle
from billing_core.money._numbers import as_fraction
from billing_core.money._rounding import DEFAULT_ROUNDING, RoundingMode, round_ratio
from billing_core.money._splitting import (
    AllocationMode,
    allocate,
    allocate_minor,
    allocate_up_to,
    split,
)

__all__ = [
    "DEFAULT_ROUNDING",
    "MAX_MINOR",
    "AllocationMode",
    "Money",
    "RoundingMode",
    "allocate",
    "allocate_minor",
    "allocate_up_to",
    "currency_exponent",
    "format_money",
    "override_currency_exponent",
    "price_line",
    "round_ratio",
    "split",
    "total",
]

# --------------------------------------------------------------------------- currencies


def currency_exponent(currency: str) -> int:
    """Number of decimal places of ``currency``'s minor unit.

    Comes from the CLDR data shipped with babel (cached), unless overridden with
    [`override_currency_exponent`][]. CLDR and ISO 4217 disagree for a few
    currencies (CLDR gives 0 places for IQD, HUF, COP, IDR and some others
    where ISO 4217 gives 2 or 3), because CLDR follows the amounts used in
    practice. ISO 4217 codes that are not money one can bill in (``XXX``,
    ``XTS``, the metals ``XAU``/``XAG``/``XPT``/``XPD``, units of account) are
    refused unless declared with [`override_currency_exponent`][].

    Args:
        currency: An ISO 4217 code such as ``"USD"``.

    Returns:
        The exponent: 2 for USD, 0 for JPY, 3 for BHD.

    Raises:
        UnknownCurrencyError: If the code is not a known currency of money.

    Examples:
        >>> currency_exponent("USD"), currency_exponent("JPY"), currency_exponent("BHD")
        (2, 0, 3)
        >>> currency_exponent("XAU")
        Traceback (most recent call last):
        ...
        billing_core.errors.UnknownCurrencyError: XAU is not a currency one can bill in ...
    """
    return _currency(currency)[1]


def override_currency_exponent(currency: str, exponent: int) -> None:
    """Set the number of decimal places used for ``currency``.

    Use it once at start-up, for example to follow ISO 4217 instead of CLDR for
    a currency, or to add a currency babel does not know (or one it does not
    treat as money, such as the testing code ``XTS``). It may not change a
    currency once any [`Money`][] has used it (amounts already created would
    silently change value); setting the same exponent again is allowed.

    Args:
        currency: Three upper-case letters.
        exponent: Decimal places of the minor unit, 0 to 6.

    Raises:
        UnknownCurrencyError: If ``currency`` is not three upper-case letters.
        InvalidAmountError: If ``exponent`` is not an int from 0 to 6 (a bool
            is not an int here), or the currency is already in use with another
            exponent.

    Examples:
        >>> override_currency_exponent("CLF", 4)
        >>> Money("1.2345", "CLF").minor
        12345
    """
    _override(currency, exponent)


# --------------------------------------------------------------------------- totals


def total(moneys: Iterable[Money], currency: str | None = None) -> Money:
    """Add up amounts of one currency exactly.

    Reduces the raw minor units and builds one [`Money`][] at the end; the
    bound ([`MAX_MINOR`][]) is checked once, on the result.

    Args:
        moneys: The amounts. May be empty when ``currency`` is given.
        currency: The expected currency. Required for an empty input; when
            given, every amount must be in it.

    Returns:
        The total.

    Raises:
        CurrencyMismatchError: If the amounts are in more than one currency, or
            not in ``currency``.
        InvalidAmountError: If ``moneys`` is empty and no currency is given, or
            the total is out of range.
        TypeError: If an element is not a [`Money`][].

    Examples:
        >>> total([Money("0.10", "USD"), Money("0.20", "USD")])
        Money('0.30', 'USD')
        >>> total([], "USD")
        Money('0.00', 'USD')
    """
    items: Sequence[Money] = moneys if isinstance(moneys, list | tuple) else list(moneys)
    if currency is not None:
        code = _currency(currency)[0]
    elif items and items[0].__class__ is Money:
        code = items[0].currency
    elif not items:
        raise InvalidAmountError("total() of no amounts needs a currency: total([], 'USD')")
    else:
        _not_money(items)
    # Every Money holds the canonical code object, so an identity test is a
    # complete currency check; anything filtered out is reported below.
    try:
        minors = [m.minor for m in items if m.currency is code]
    except AttributeError:
        _not_money(items)
    if len(minors) != len(items):
        _not_money(items)
        others = sorted({m.currency for m in items} - {code})
        raise CurrencyMismatchError(
            f"total() in {code} got amounts in {', '.join(others)}"
            if currency is not None
            else f"total() got amounts in several currencies: {', '.join([code, *others])}"
        )
    return make(check_minor(sum(minors), code), code)


def _not_money(items: Sequence[object]) -> None:
    """Raise TypeError naming the first element that is not a Money, if any."""
    for index, item in enumerate(items):
        if item.__class__ is not Money:
            raise TypeError(f"total() takes Money amounts; item {index} is {describe(item)}")


# --------------------------------------------------------------------------- pricing


def price_line(
    units: Decimal | Fraction | int,
    unit_price: Decimal | Fraction | int,
    currency: str,
    *,
    rounding: RoundingMode = DEFAULT_ROUNDING,
) -> Money:
    """Price a line: ``units x unit_price``, rounded once to the currency.

    Unit prices may carry more precision than the currency (a drug priced per
    millilitre); the product is exact until this single rounding.

    Args:
        units: Quantity (units, minutes, days, miles, millilitres, ...).
        unit_price: Price per unit in major units, any precision.
        currency: The ISO 4217 code of the result.
        rounding: Rounding mode; [`DEFAULT_ROUNDING`][billing_core.money.DEFAULT_ROUNDING]
            (``HALF_UP``) by default.

    Returns:
        The line charge.

    Examples:
        >>> price_line(Decimal("2.5"), Decimal("0.4567"), "USD")
        Money('1.14', 'USD')
        >>> price_line(3, Decimal("19.995"), "USD", rounding=RoundingMode.DOWN)
        Money('59.98', 'USD')
    """
    exact = as_fraction(units, "units") * as_fraction(unit_price, "unit_price")
    return Money.rounded(exact, currency, rounding=rounding)


# --------------------------------------------------------------------------- formatting


_FORMAT_CONTEXT: Final = Context(
    prec=MAX_PREC, rounding=ROUND_HALF_EVEN, Emax=MAX_EMAX, Emin=MIN_EMIN
)


def format_money(
    money: Money,
    locale: str = "en_US",
    format_type: Literal["standard", "accounting"] = "standard",
) -> str:
    r"""Format an amount for people, with babel's CLDR data.

    The amount is already exact at the currency's minor unit, so babel never
    rounds it (babel would round half-even on its own).

    Args:
        money: The amount.
        locale: A babel locale name such as ``"en_US"`` or ``"de_DE"``.
        format_type: ``"standard"`` or ``"accounting"`` (negatives in parentheses
            where the locale does that).

    Returns:
        The formatted text.

    Examples:
        >>> format_money(Money("-1234.5", "USD"))
        '-$1,234.50'
        >>> format_money(Money("-1234.5", "USD"), format_type="accounting")
        '($1,234.50)'
        >>> format_money(Money("1234.5", "EUR"), locale="de_DE")
        '1.234,50\xa0€'
    """
    if format_type not in ("standard", "accounting"):
        raise ValueError(
            f"format_type must be 'standard' or 'accounting', got {describe(format_type)}"
        )
    # babel computes with the current decimal context; give it a local, exact one
    # so a caller's context (a low precision, a trap) never changes the text.
    with localcontext(_FORMAT_CONTEXT):
        return str(
            format_currency(
                money.amount,
                money.currency,
                locale=_cldr_locale(locale),
                format_type=format_type,
                decimal_quantization=False,
            )
        )
