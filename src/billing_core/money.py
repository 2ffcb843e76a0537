"""Exact money: amounts, rounding, allocation and formatting.

[`Money`][] stores an **integer count of minor units** (cents for USD, yen
for JPY, fils for BHD) and an ISO 4217 currency code, so every amount is exact
by construction. Arithmetic that could produce a fraction of a minor unit
(multiplying by a rate, dividing) needs an explicit [`RoundingMode`][];
splitting an amount into parts goes through [`allocate`][], which never
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
rounding is done in integer arithmetic at one place, [`round_ratio`][].
"""

from __future__ import annotations

import enum
import functools
import math
import re
from collections.abc import Iterable, Sequence
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, ROUND_HALF_EVEN, Context, Decimal, localcontext
from fractions import Fraction
from typing import Any, Final, Literal, NoReturn, final

from babel import Locale
from babel.numbers import format_currency, get_currency_precision, list_currencies

from billing_core.errors import (
    CurrencyMismatchError,
    InvalidAmountError,
    UnknownCurrencyError,
)

__all__ = [
    "DEFAULT_ROUNDING",
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

# --------------------------------------------------------------------------- rounding


class RoundingMode(enum.Enum):
    """How an exact value is rounded to a whole number of minor units.

    The values are the names used by the `decimal` module, so a mode can be
    given to ``Decimal.quantize`` too. ``HALF_UP`` is the documented default for
    billing ([`DEFAULT_ROUNDING`][]).

    Examples:
        >>> [round_ratio(-5, 2, m) for m in (RoundingMode.HALF_UP, RoundingMode.HALF_EVEN)]
        [-3, -2]
    """

    HALF_UP = "ROUND_HALF_UP"
    """Nearest; ties away from zero (2.5 -> 3, -2.5 -> -3)."""
    HALF_EVEN = "ROUND_HALF_EVEN"
    """Nearest; ties to the even neighbour (2.5 -> 2, 3.5 -> 4). Banker's rounding."""
    HALF_DOWN = "ROUND_HALF_DOWN"
    """Nearest; ties toward zero (2.5 -> 2, -2.5 -> -2)."""
    UP = "ROUND_UP"
    """Away from zero (2.1 -> 3, -2.1 -> -3)."""
    DOWN = "ROUND_DOWN"
    """Toward zero, i.e. truncate (2.9 -> 2, -2.9 -> -2)."""
    CEILING = "ROUND_CEILING"
    """Toward positive infinity (2.1 -> 3, -2.9 -> -2)."""
    FLOOR = "ROUND_FLOOR"
    """Toward negative infinity (2.9 -> 2, -2.1 -> -3)."""


DEFAULT_ROUNDING: Final = RoundingMode.HALF_UP
"""The rounding mode billing uses unless a payer contract says otherwise."""


def round_ratio(numerator: int, denominator: int, mode: RoundingMode) -> int:
    """Round the exact fraction ``numerator / denominator`` to an integer.

    This is the one place where the library rounds: every other function that
    rounds calls it. It works in integer arithmetic, so no `decimal`
    context is involved.

    Args:
        numerator: Any integer.
        denominator: A non-zero integer.
        mode: The rounding mode.

    Returns:
        The rounded integer.

    Raises:
        ZeroDivisionError: If ``denominator`` is zero.

    Examples:
        >>> round_ratio(7, 2, RoundingMode.HALF_UP), round_ratio(7, 2, RoundingMode.DOWN)
        (4, 3)
        >>> round_ratio(-7, 2, RoundingMode.FLOOR), round_ratio(-7, 2, RoundingMode.CEILING)
        (-4, -3)
    """
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    q, r = divmod(numerator, denominator)  # floor division; 0 <= r < denominator
    if r == 0:
        return q
    negative = numerator < 0
    if mode is RoundingMode.FLOOR:
        return q
    if mode is RoundingMode.CEILING:
        return q + 1
    if mode is RoundingMode.DOWN:
        return q + 1 if negative else q
    if mode is RoundingMode.UP:
        return q if negative else q + 1
    twice = 2 * r
    if twice < denominator:
        return q
    if twice > denominator:
        return q + 1
    # exactly half-way between q and q + 1
    if mode is RoundingMode.HALF_UP:
        return q if negative else q + 1
    if mode is RoundingMode.HALF_DOWN:
        return q + 1 if negative else q
    if mode is RoundingMode.HALF_EVEN:
        return q if q % 2 == 0 else q + 1
    raise TypeError(f"rounding must be a RoundingMode, got {mode!r}")


# --------------------------------------------------------------------------- currencies

_CURRENCY_SHAPE = re.compile(r"^[A-Z]{3}$")
# code -> (canonical code object, exponent). Canonical objects make the currency
# check in hot loops an identity comparison most of the time.
_CURRENCIES: dict[str, tuple[str, int]] = {}
_OVERRIDES: dict[str, int] = {}
_USED: set[str] = set()


@functools.cache
def _known_codes() -> frozenset[str]:
    return frozenset(list_currencies())


def _currency(code: object) -> tuple[str, int]:
    """Return the canonical code and exponent for ``code``, validating it once."""
    try:
        return _CURRENCIES[code]  # type: ignore[index]
    except (KeyError, TypeError):
        pass
    if not isinstance(code, str):
        raise TypeError(f"currency must be an ISO 4217 code as str, got {code!r}")
    if code in _OVERRIDES:
        exponent = _OVERRIDES[code]
    elif _CURRENCY_SHAPE.match(code) and code in _known_codes():
        exponent = get_currency_precision(code)
    else:
        hint = f" (did you mean {code.strip().upper()!r}?)" if code.strip().upper() != code else ""
        raise UnknownCurrencyError(f"unknown currency code {code!r}{hint}")
    _CURRENCIES[code] = (code, exponent)
    _USED.add(code)
    return code, exponent


def currency_exponent(currency: str) -> int:
    """Number of decimal places of ``currency``'s minor unit.

    Comes from the CLDR data shipped with babel (cached), unless overridden with
    [`override_currency_exponent`][]. CLDR and ISO 4217 disagree for a few
    currencies (CLDR gives 0 places for IQD, HUF, COP, IDR and some others
    where ISO 4217 gives 2 or 3), because CLDR follows the amounts used in
    practice.

    Args:
        currency: An ISO 4217 code such as ``"USD"``.

    Returns:
        The exponent: 2 for USD, 0 for JPY, 3 for BHD.

    Raises:
        UnknownCurrencyError: If the code is not a known currency.

    Examples:
        >>> currency_exponent("USD"), currency_exponent("JPY"), currency_exponent("BHD")
        (2, 0, 3)
    """
    return _currency(currency)[1]


def override_currency_exponent(currency: str, exponent: int) -> None:
    """Set the number of decimal places used for ``currency``.

    Use it once at start-up, for example to follow ISO 4217 instead of CLDR for
    a currency, or to add a currency babel does not know. It may not change a
    currency once any [`Money`][] has used it (amounts already created would
    silently change value); setting the same exponent again is allowed.

    Args:
        currency: Three upper-case letters.
        exponent: Decimal places of the minor unit, 0 to 6.

    Raises:
        UnknownCurrencyError: If ``currency`` is not three upper-case letters.
        InvalidAmountError: If ``exponent`` is out of range, or the currency is
            already in use with another exponent.

    Examples:
        >>> override_currency_exponent("CLF", 4)
        >>> Money("1.2345", "CLF").minor
        12345
    """
    if not isinstance(currency, str) or not _CURRENCY_SHAPE.match(currency):
        raise UnknownCurrencyError(f"currency must be three upper-case letters, got {currency!r}")
    if type(exponent) is not int or not 0 <= exponent <= 6:
        raise InvalidAmountError(
            f"exponent for {currency} must be an int from 0 to 6, got {exponent!r}"
        )
    if currency in _USED and _CURRENCIES[currency][1] != exponent:
        raise InvalidAmountError(
            f"{currency} is already in use with {_CURRENCIES[currency][1]} decimal places;"
            " override its exponent before creating any amount in it"
        )
    # Keep the canonical code object every Money already shares: the identity
    # test in total() and the hot loops relies on there being only one.
    canonical = _CURRENCIES[currency][0] if currency in _CURRENCIES else currency
    _OVERRIDES[currency] = exponent
    _CURRENCIES[currency] = (canonical, exponent)
    _USED.add(currency)


# --------------------------------------------------------------------------- Money

_POW10: Final = tuple(10**i for i in range(19))


def _ten(power: int) -> int:
    return int(10**power)


def _reject_float(value: object, what: str) -> NoReturn:
    raise TypeError(
        f"{what} must not be a float ({value!r}): floats cannot hold amounts exactly;"
        f" pass a str or Decimal such as {str(value)!r}"
    )


def _as_fraction(value: object, what: str) -> Fraction:
    """Exact rational value of an int, Decimal or Fraction (never a float)."""
    if isinstance(value, bool):
        raise TypeError(f"{what} must be an int, Decimal or Fraction, got a bool ({value!r})")
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidAmountError(f"{what} must be a finite number, got {value!r}")
        return Fraction(value)
    if isinstance(value, float):
        _reject_float(value, what)
    raise TypeError(
        f"{what} must be an int, Decimal or Fraction, got {type(value).__name__} ({value!r})"
    )


def _minor_from_decimal(value: Decimal, currency: str, exponent: int) -> int:
    if not value.is_finite():
        raise InvalidAmountError(f"amount must be a finite number, got {value!r} for {currency}")
    sign, digits, exp = value.as_tuple()
    coefficient = int("".join(map(str, digits))) if digits else 0
    shift = int(exp) + exponent  # finite decimals have an int exponent
    if shift >= 0:
        minor = coefficient * _ten(shift)
    else:
        unit = _ten(-shift)
        if coefficient % unit:
            raise InvalidAmountError(
                f"amount {value} is finer than the minor unit of {currency}"
                f" ({exponent} decimal place{'s' if exponent != 1 else ''});"
                " round it explicitly with Money.rounded(..., rounding=RoundingMode...)"
            )
        minor = coefficient // unit
    return -minor if sign else minor


@final
class Money:
    """An exact amount of one currency, held as an integer count of minor units.

    Construct from a ``str``, ``Decimal`` or ``int`` in major units
    (``Money("12.50", "USD")``), or from minor units with [`from_minor`][].
    Floats are refused (``TypeError``); so are NaN, infinities, unknown
    currencies and amounts finer than the currency's minor unit.

    Money is immutable and hashable; amounts of one currency are ordered.
    ``+``, ``-``, unary ``-``, ``abs`` and ``Money * int`` are exact.
    Combining two currencies raises
    [`CurrencyMismatchError`][billing_core.errors.CurrencyMismatchError].

    Args:
        amount: The amount in major units.
        currency: The ISO 4217 code.

    Raises:
        TypeError: If ``amount`` is a float or another non-numeric type.
        InvalidAmountError: If ``amount`` is not finite or is finer than the
            currency's minor unit.
        UnknownCurrencyError: If ``currency`` is not a known code.

    Examples:
        >>> Money("12.50", "USD").minor
        1250
        >>> Money(1, "JPY")
        Money('1', 'JPY')
        >>> Money("12.345", "USD")
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidAmountError: amount 12.345 is finer than ... of USD ...
    """

    __slots__ = ("currency", "minor")

    minor: int
    """The amount as an integer count of minor units (read-only)."""
    currency: str
    """The ISO 4217 currency code (read-only)."""

    def __init__(self, amount: Decimal | int | str, currency: str) -> None:
        code, exponent = _currency(currency)
        if type(amount) is int:
            minor = amount * _POW10[exponent]
        elif isinstance(amount, Decimal):
            minor = _minor_from_decimal(amount, code, exponent)
        elif isinstance(amount, str):
            try:
                parsed = Decimal(amount)
            except ArithmeticError:
                raise InvalidAmountError(f"amount {amount!r} for {code} is not a number") from None
            minor = _minor_from_decimal(parsed, code, exponent)
        elif isinstance(amount, float):
            _reject_float(amount, "amount")
        elif isinstance(amount, bool) or not isinstance(amount, int):
            raise TypeError(
                f"amount must be a str, Decimal or int, got {type(amount).__name__} ({amount!r})"
            )
        else:  # int subclass other than bool
            minor = int(amount) * _POW10[exponent]
        object.__setattr__(self, "minor", minor)
        object.__setattr__(self, "currency", code)

    # -- alternative constructors -------------------------------------------------

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        """Build an amount from an integer count of minor units.

        Args:
            minor: Minor units (cents for USD).
            currency: The ISO 4217 code.

        Returns:
            The amount.

        Raises:
            TypeError: If ``minor`` is not an int.

        Examples:
            >>> Money.from_minor(1250, "USD")
            Money('12.50', 'USD')
        """
        if type(minor) is not int:
            if isinstance(minor, float):
                _reject_float(minor, "minor")
            if isinstance(minor, bool) or not isinstance(minor, int):
                raise TypeError(f"minor must be an int, got {type(minor).__name__} ({minor!r})")
            minor = int(minor)
        code = _currency(currency)[0]
        return _make(minor, code)

    @classmethod
    def zero(cls, currency: str) -> Money:
        """The zero amount of ``currency``.

        Examples:
            >>> Money.zero("EUR")
            Money('0.00', 'EUR')
        """
        return _make(0, _currency(currency)[0])

    @classmethod
    def rounded(
        cls, value: Decimal | Fraction | int, currency: str, *, rounding: RoundingMode
    ) -> Money:
        """Round an exact number to the currency's minor unit, once.

        This is how a computed value (a percentage, a unit price times a
        quantity) becomes money.

        Args:
            value: The exact value in major units.
            currency: The ISO 4217 code.
            rounding: The rounding mode; there is no default on purpose.

        Returns:
            The rounded amount.

        Examples:
            >>> Money.rounded(Decimal("10.005"), "USD", rounding=RoundingMode.HALF_UP)
            Money('10.01', 'USD')
            >>> Money.rounded(Decimal("10.005"), "USD", rounding=RoundingMode.HALF_EVEN)
            Money('10.00', 'USD')
        """
        code, exponent = _currency(currency)
        exact = _as_fraction(value, "value") * _POW10[exponent]
        return _make(round_ratio(exact.numerator, exact.denominator, rounding), code)

    @classmethod
    def sum(cls, moneys: Iterable[Money], currency: str | None = None) -> Money:
        """Total of ``moneys``; the same as [`total`][].

        Examples:
            >>> Money.sum([Money("1.10", "USD"), Money("2.20", "USD")])
            Money('3.30', 'USD')
        """
        return total(moneys, currency)

    # -- accessors ----------------------------------------------------------------

    @property
    def exponent(self) -> int:
        """Decimal places of the currency's minor unit."""
        return _CURRENCIES[self.currency][1]

    @property
    def amount(self) -> Decimal:
        """The amount in major units as an exact ``Decimal`` with the currency's places.

        Examples:
            >>> Money("7.5", "USD").amount
            Decimal('7.50')
        """
        exponent = _CURRENCIES[self.currency][1]
        minor = self.minor
        digits = tuple(int(c) for c in str(abs(minor)))
        return Decimal((1 if minor < 0 else 0, digits, -exponent))

    # -- arithmetic ---------------------------------------------------------------

    def _mismatch(self, other: Money, op: str) -> NoReturn:
        raise CurrencyMismatchError(
            f"cannot {op} {other.currency} {other.amount} and {self.currency} {self.amount}:"
            " currencies differ"
        )

    def __add__(self, other: Money) -> Money:
        if other.__class__ is not Money:
            return NotImplemented
        if other.currency is not self.currency and other.currency != self.currency:
            self._mismatch(other, "add")
        new = _new(Money)
        _set(new, "minor", self.minor + other.minor)
        _set(new, "currency", self.currency)
        return new

    def __sub__(self, other: Money) -> Money:
        if other.__class__ is not Money:
            return NotImplemented
        if other.currency is not self.currency and other.currency != self.currency:
            self._mismatch(other, "subtract")
        new = _new(Money)
        _set(new, "minor", self.minor - other.minor)
        _set(new, "currency", self.currency)
        return new

    def __neg__(self) -> Money:
        return _make(-self.minor, self.currency)

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return self if self.minor >= 0 else _make(-self.minor, self.currency)

    def __mul__(self, factor: int) -> Money:
        if type(factor) is int:
            return _make(self.minor * factor, self.currency)
        if isinstance(factor, Decimal | Fraction | float):
            raise TypeError(
                f"Money * {type(factor).__name__} may need rounding: use"
                " .multiply(rate, rounding=RoundingMode...) instead"
            )
        return NotImplemented

    __rmul__ = __mul__

    def __truediv__(self, divisor: object) -> NoReturn:
        raise TypeError(
            "dividing money may need rounding: use .divide(n, rounding=RoundingMode...),"
            " or allocate()/split() to split it without losing a cent"
        )

    __floordiv__ = __truediv__

    def multiply(self, rate: Decimal | Fraction | int, *, rounding: RoundingMode) -> Money:
        """Multiply by an exact rate and round once.

        Args:
            rate: An ``int``, ``Decimal`` or ``Fraction`` (never a float).
            rounding: The rounding mode (required).

        Returns:
            The rounded product.

        Examples:
            >>> Money("99.99", "USD").multiply(Decimal("0.2"), rounding=RoundingMode.HALF_UP)
            Money('20.00', 'USD')
            >>> Money("99.99", "USD").multiply(Decimal("0.2"), rounding=RoundingMode.FLOOR)
            Money('19.99', 'USD')
        """
        exact = self.minor * _as_fraction(rate, "rate")
        return _make(round_ratio(exact.numerator, exact.denominator, rounding), self.currency)

    def divide(self, divisor: Decimal | Fraction | int, *, rounding: RoundingMode) -> Money:
        """Divide by an exact number and round once.

        To split an amount into parts that add back up exactly, use
        [`split`][] or [`allocate`][] instead.

        Args:
            divisor: A non-zero ``int``, ``Decimal`` or ``Fraction``.
            rounding: The rounding mode (required).

        Returns:
            The rounded quotient.

        Raises:
            ZeroDivisionError: If ``divisor`` is zero.

        Examples:
            >>> Money("10.00", "USD").divide(3, rounding=RoundingMode.HALF_UP)
            Money('3.33', 'USD')
        """
        d = _as_fraction(divisor, "divisor")
        if d == 0:
            raise ZeroDivisionError(f"cannot divide {self} by zero")
        exact = Fraction(self.minor) / d
        return _make(round_ratio(exact.numerator, exact.denominator, rounding), self.currency)

    # -- comparison ---------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.minor == other.minor and self.currency == other.currency

    def __ne__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.minor != other.minor or self.currency != other.currency

    def __hash__(self) -> int:
        return hash((self.minor, self.currency))

    def _key(self, other: object, op: str) -> int:
        if not isinstance(other, Money):
            raise TypeError(f"cannot compare Money with {type(other).__name__} using {op}")
        if other.currency != self.currency:
            self._mismatch(other, "compare")
        return other.minor

    def __lt__(self, other: Money) -> bool:
        return self.minor < self._key(other, "<")

    def __le__(self, other: Money) -> bool:
        return self.minor <= self._key(other, "<=")

    def __gt__(self, other: Money) -> bool:
        return self.minor > self._key(other, ">")

    def __ge__(self, other: Money) -> bool:
        return self.minor >= self._key(other, ">=")

    def __bool__(self) -> bool:
        return self.minor != 0

    # -- immutability, copying, pickling, display ---------------------------------

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"Money is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"Money is immutable; cannot delete {name!r}")

    def __copy__(self) -> Money:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Money:
        return self

    def __reduce__(self) -> tuple[Any, tuple[int, str]]:
        # Stable, compact pickle form: (minor units, currency code).
        return (_unpickle, (self.minor, self.currency))

    def __repr__(self) -> str:
        return f"Money('{self.amount}', '{self.currency}')"

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


_new = object.__new__
_set = object.__setattr__


def _make(minor: int, code: str) -> Money:
    """Build a Money from trusted parts (already-validated canonical code)."""
    new = _new(Money)
    _set(new, "minor", minor)
    _set(new, "currency", code)
    return new


def _unpickle(minor: int, currency: str) -> Money:
    return _make(minor, _currency(currency)[0])


# --------------------------------------------------------------------------- totals


def total(moneys: Iterable[Money], currency: str | None = None) -> Money:
    """Add up amounts of one currency exactly.

    Reduces the raw minor units and builds one [`Money`][] at the end.

    Args:
        moneys: The amounts. May be empty when ``currency`` is given.
        currency: The expected currency. Required for an empty input; when
            given, every amount must be in it.

    Returns:
        The total.

    Raises:
        CurrencyMismatchError: If the amounts are in more than one currency, or
            not in ``currency``.
        InvalidAmountError: If ``moneys`` is empty and no currency is given.
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
    return _make(sum(minors), code)


def _not_money(items: Sequence[object]) -> None:
    """Raise TypeError naming the first element that is not a Money, if any."""
    for index, item in enumerate(items):
        if item.__class__ is not Money:
            raise TypeError(
                f"total() takes Money amounts; item {index} is {type(item).__name__} ({item!r})"
            )


# --------------------------------------------------------------------------- allocation


class AllocationMode(enum.Enum):
    """How [`allocate`][] hands out the minor units left after flooring each share.

    Every mode gives each part its exact share rounded down, then adds one
    minor unit to some parts until the total is reached. They differ only in
    which parts get the extra units.
    """

    LARGEST_REMAINDER = "largest_remainder"
    """Largest fractional remainder first; ties by position (Hamilton's method)."""
    FIRST = "first"
    """First parts first, in order (Fowler's method)."""
    LARGEST_RATIO = "largest_ratio"
    """Largest ratio first; ties by position."""


def _ratios(ratios: Sequence[int | Decimal | Fraction]) -> list[Fraction]:
    if isinstance(ratios, str | bytes) or not isinstance(ratios, Sequence):
        raise TypeError(f"ratios must be a sequence of numbers, got {type(ratios).__name__}")
    if not ratios:
        raise InvalidAmountError("ratios must not be empty")
    exact = [_as_fraction(r, f"ratio {i}") for i, r in enumerate(ratios)]
    negative = [i for i, r in enumerate(exact) if r < 0]
    if negative:
        raise InvalidAmountError(
            f"ratios must not be negative; ratio {negative[0]} is {ratios[negative[0]]}"
        )
    if not any(exact):
        raise InvalidAmountError("ratios must not all be zero")
    return exact


def allocate(
    amount: Money,
    ratios: Sequence[int | Decimal | Fraction],
    mode: AllocationMode = AllocationMode.LARGEST_REMAINDER,
) -> tuple[Money, ...]:
    """Split ``amount`` in proportion to ``ratios`` without losing a minor unit.

    The parts always add up exactly to ``amount``; each part is within one
    minor unit of its exact share; a zero ratio gets zero; a negative amount is
    split as the mirror image of the positive one.

    Args:
        amount: The amount to split.
        ratios: Non-negative ``int``, ``Decimal`` or ``Fraction`` weights (not
            floats), not all zero.
        mode: Which parts receive the minor units left after flooring.

    Returns:
        One part per ratio, in order.

    Raises:
        InvalidAmountError: If ``ratios`` is empty, negative or all zero.
        TypeError: If a ratio is a float.

    Examples:
        >>> usd = Money("1.00", "USD")
        >>> [p.minor for p in allocate(usd, [2, 3, 1])]
        [33, 50, 17]
        >>> [p.minor for p in allocate(usd, [2, 3, 1], AllocationMode.FIRST)]
        [34, 50, 16]
        >>> [p.minor for p in allocate(usd, [2, 3, 1], AllocationMode.LARGEST_RATIO)]
        [33, 51, 16]
    """
    code = amount.currency
    return tuple(_make(p, code) for p in allocate_minor(amount.minor, ratios, mode))


def allocate_minor(
    units: int,
    ratios: Sequence[int | Decimal | Fraction],
    mode: AllocationMode = AllocationMode.LARGEST_REMAINDER,
) -> tuple[int, ...]:
    """[`allocate`][] on a bare count of minor units: the integer core, for hot loops.

    Code that already works in integer minor units (posting, balances) splits
    them with this instead of wrapping them in a [`Money`][] and back. The
    rules are those of [`allocate`][]: the parts sum to ``units``, each is
    within one unit of its exact share, a zero ratio gets zero, and a negative
    count is split as the mirror image of the positive one.

    Args:
        units: The minor units to split (any sign).
        ratios: Non-negative ``int``, ``Decimal`` or ``Fraction`` weights, not all zero.
        mode: Which parts receive the units left after flooring.

    Returns:
        One part per ratio, in order.

    Raises:
        InvalidAmountError: If ``ratios`` is empty, negative or all zero.
        TypeError: If ``units`` is not an int, or a ratio is a float.

    Examples:
        >>> allocate_minor(100, [2, 3, 1]), allocate_minor(-100, [2, 3, 1])
        ((33, 50, 17), (-33, -50, -17))
    """
    if type(units) is not int:
        raise TypeError(f"units must be an int count of minor units, got {units!r}")
    parts = _allocate_minor(abs(units), _ratios(ratios), mode)
    if units < 0:
        return tuple(-p for p in parts)
    return tuple(parts)


def _allocate_minor(units: int, ratios: list[Fraction], mode: AllocationMode) -> list[int]:
    # Scale ratios to integers sharing one denominator.
    common = math.lcm(*(r.denominator for r in ratios))
    weights = [int(r * common) for r in ratios]
    weight_sum = sum(weights)
    parts: list[int] = []
    remainders: list[int] = []
    for w in weights:
        share, rest = divmod(units * w, weight_sum)
        parts.append(share)
        remainders.append(rest)
    left = units - sum(parts)
    if left:
        candidates = [i for i, w in enumerate(weights) if w > 0]
        if mode is AllocationMode.LARGEST_REMAINDER:
            candidates.sort(key=lambda i: -remainders[i])
        elif mode is AllocationMode.LARGEST_RATIO:
            candidates.sort(key=lambda i: -weights[i])
        elif mode is not AllocationMode.FIRST:
            raise TypeError(f"mode must be an AllocationMode, got {mode!r}")
        # left < number of non-zero weights, so each gets at most one unit.
        for i in candidates[:left]:
            parts[i] += 1
    return parts


def split(amount: Money, parts: int) -> tuple[Money, ...]:
    """Split ``amount`` into ``parts`` near-equal parts that add up exactly.

    Earlier parts receive the leftover minor units.

    Args:
        amount: The amount to split.
        parts: How many parts, at least 1.

    Returns:
        The parts, largest first.

    Raises:
        InvalidAmountError: If ``parts`` is less than 1.

    Examples:
        >>> split(Money("10.00", "USD"), 3)
        (Money('3.34', 'USD'), Money('3.33', 'USD'), Money('3.33', 'USD'))
    """
    if type(parts) is not int or parts < 1:
        raise InvalidAmountError(f"parts must be a positive int, got {parts!r}")
    return allocate(amount, [1] * parts)


def allocate_up_to(amount: Money, caps: Sequence[Money]) -> tuple[tuple[Money, ...], Money]:
    """Fill ``caps`` in order from ``amount``; return the parts and the leftover.

    This is how a payment is applied to open balances oldest first: each part
    gets as much as its cap allows until the money runs out.

    Args:
        amount: A non-negative amount to hand out.
        caps: Non-negative maximum per part, in the order to fill them.

    Returns:
        ``(parts, leftover)`` with ``sum(parts) + leftover == amount``.

    Raises:
        InvalidAmountError: If ``amount`` or a cap is negative.
        CurrencyMismatchError: If a cap is in another currency.

    Examples:
        >>> parts, left = allocate_up_to(
        ...     Money("50.00", "USD"), [Money("30.00", "USD"), Money("40.00", "USD")]
        ... )
        >>> parts, left
        ((Money('30.00', 'USD'), Money('20.00', 'USD')), Money('0.00', 'USD'))
    """
    code = amount.currency
    if amount.minor < 0:
        raise InvalidAmountError(f"allocate_up_to() needs a non-negative amount, got {amount}")
    remaining = amount.minor
    parts: list[Money] = []
    for index, cap in enumerate(caps):
        if cap.currency != code:
            raise CurrencyMismatchError(
                f"cap {index} is in {cap.currency}, the amount is in {code}"
            )
        if cap.minor < 0:
            raise InvalidAmountError(f"cap {index} must not be negative, got {cap}")
        take = cap.minor if cap.minor < remaining else remaining
        remaining -= take
        parts.append(_make(take, code))
    return tuple(parts), _make(remaining, code)


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
        rounding: Rounding mode; [`DEFAULT_ROUNDING`][] (``HALF_UP``) by default.

    Returns:
        The line charge.

    Examples:
        >>> price_line(Decimal("2.5"), Decimal("0.4567"), "USD")
        Money('1.14', 'USD')
        >>> price_line(3, Decimal("19.995"), "USD", rounding=RoundingMode.DOWN)
        Money('59.98', 'USD')
    """
    exact = _as_fraction(units, "units") * _as_fraction(unit_price, "unit_price")
    return Money.rounded(exact, currency, rounding=rounding)


# --------------------------------------------------------------------------- formatting


_FORMAT_CONTEXT: Final = Context(
    prec=MAX_PREC, rounding=ROUND_HALF_EVEN, Emax=MAX_EMAX, Emin=MIN_EMIN
)


@functools.lru_cache(maxsize=64)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


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
        raise ValueError(f"format_type must be 'standard' or 'accounting', got {format_type!r}")
    # babel computes with the current decimal context; give it a local, exact one
    # so a caller's context (a low precision, a trap) never changes the text.
    with localcontext(_FORMAT_CONTEXT):
        return str(
            format_currency(
                money.amount,
                money.currency,
                locale=_locale(locale),
                format_type=format_type,
                decimal_quantization=False,
            )
        )
