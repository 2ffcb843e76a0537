"""The Money type and the exact numbers it is built from (private; values layer).

[`Money`][billing_core.money.Money] is documented, and imported, from
[`money`][billing_core.money]; it lives here so that modules computing with
money can build amounts through the trusted constructor [`make`][] without
importing a private name from a public module.

Numbers from outside pass one bounded parser (``money._numbers``). Amounts
are bounded too: ``|minor| <=`` [`MAX_MINOR`][billing_core.money._core.MAX_MINOR]
(18 digits: the minor units of any amount fit a signed 64-bit integer).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final, NoReturn, final

from billing_core._checks import describe
from billing_core.errors import CurrencyMismatchError, InvalidAmountError
from billing_core.money._cldr import _CURRENCIES, exponent_of
from billing_core.money._cldr import currency as _currency
from billing_core.money._numbers import (
    _POW10,
    decimal_parts,
    exact_ratio,
    parse_number,
    reject_float,
)
from billing_core.money._rounding import RoundingMode, round_ratio

MAX_MINOR: Final = 10**18 - 1
"""The largest magnitude of an amount in minor units: 18 digits.

``999,999,999,999,999.99`` USD is far beyond any bill, and every amount fits a
signed 64-bit integer, so columnar code can hold minor units as ``int64``."""

_LIMIT: Final = MAX_MINOR + 1


def check_minor(minor: int, code: str) -> int:
    """Return ``minor`` if within [`MAX_MINOR`][billing_core.money._core.MAX_MINOR], else raise."""
    if -_LIMIT < minor < _LIMIT:
        return minor
    # Count digits from the bit length: str() of a huge int is slow, then refused.
    digits = int(minor.bit_length() * 0.30103) + 1
    raise InvalidAmountError(
        f"amount out of range for {code}: an amount holds at most 18 digits of minor units"
        f" (|minor| <= {MAX_MINOR:,}), this one has about {digits}"
    )


def _minor_from_parts(coefficient: int, exponent: int, code: str, places: int) -> int:
    shift = exponent + places
    if shift >= 0:
        return check_minor(coefficient * _POW10[shift], code)
    q, r = divmod(-coefficient if coefficient < 0 else coefficient, _POW10[-shift])
    if r:
        value = f"{coefficient}E{exponent}" if exponent else str(coefficient)
        raise InvalidAmountError(
            f"amount {Decimal(value)} is finer than the minor unit of {code}"
            f" ({places} decimal place{'s' if places != 1 else ''});"
            " round it explicitly with Money.rounded(..., rounding=RoundingMode...)"
        )
    return check_minor(-q if coefficient < 0 else q, code)


def _minor_of(amount: object, code: str, places: int) -> int:
    """Minor units of a constructor's ``amount`` (anything but a plain int)."""
    if isinstance(amount, str):
        return _minor_from_parts(*parse_number(amount, f"amount for {code}"), code, places)
    if isinstance(amount, Decimal):
        return _minor_from_parts(*decimal_parts(amount, f"amount for {code}"), code, places)
    if isinstance(amount, float):
        reject_float(amount, "amount")
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"amount must be a str, Decimal or int, got {describe(amount)}")
    # An int subclass counts as its plain value: never let it override arithmetic.
    return check_minor(int.__int__(amount) * _POW10[places], code)


def amount_text(minor: int, places: int) -> str:
    """Major units as text with exactly ``places`` decimals: ``amount_text(-5, 2) == '-0.05'``."""
    if places == 0:
        return str(minor)
    sign = "-" if minor < 0 else ""
    q, r = divmod(-minor if minor < 0 else minor, _POW10[places])
    return f"{sign}{q}.{r:0{places}d}"


# --------------------------------------------------------------------------- Money


@final
class Money:
    """An exact amount of one currency, held as an integer count of minor units.

    Construct from a ``str``, ``Decimal`` or ``int`` in major units
    (``Money("12.50", "USD")``), or from minor units with
    [`from_minor`][billing_core.money.Money.from_minor]. Floats are refused
    (``TypeError``); so are ``bool``, NaN, infinities, unknown currencies,
    currencies that are not money (``XXX``, ``XTS``, ``XAU``...), amounts finer
    than the currency's minor unit and amounts beyond 18 digits of minor units
    ([`MAX_MINOR`][billing_core.money.MAX_MINOR]). A string must be plain ASCII:
    an optional ``-``, digits, an optional decimal point (``"-1234.50"``);
    spaces, ``+``, ``_``, grouping and non-ASCII digits are refused.

    Money is immutable and hashable; amounts of one currency are ordered.
    ``+``, ``-``, unary ``-``, ``abs`` and ``Money * int`` are exact (and
    raise [`InvalidAmountError`][billing_core.errors.InvalidAmountError] if
    the result would leave the bound). Combining two currencies raises
    [`CurrencyMismatchError`][billing_core.errors.CurrencyMismatchError].

    Args:
        amount: The amount in major units.
        currency: The ISO 4217 code.

    Raises:
        TypeError: If ``amount`` is a float, a bool or another non-numeric type.
        InvalidAmountError: If ``amount`` is not a plain finite number, is finer
            than the currency's minor unit, or is out of range.
        UnknownCurrencyError: If ``currency`` is not a known code of money.

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
        # The registry's dict read inline: a call to _cldr.currency costs as much again.
        try:
            code, places = _CURRENCIES[currency]
        except (KeyError, TypeError):
            code, places = _currency(currency)
        kind = amount.__class__
        if kind is int:
            minor = amount * _POW10[places]
            if not -_LIMIT < minor < _LIMIT:
                check_minor(minor, code)
        elif kind is str or kind is Decimal:
            # Fast path for the common form, ASCII digits with exactly the currency's
            # places ("1234.50" in USD): fewer than 20 characters, so at most 18 digits
            # and in range. Everything else (a sign, fewer places, an exponent, junk)
            # takes the reference parser below, which gives the same value or the error.
            # str() rather than .__str__(): the type slot, without a method lookup.
            text: str = amount if kind is str else str(amount)  # type: ignore[assignment]
            if places and places + 1 < len(text) < 20 and text[-1 - places] == ".":
                digits = text.replace(".", "", 1)
                if digits.isdigit() and digits.isascii():
                    minor = int(digits)
                else:
                    minor = _minor_of(amount, code, places)
            elif not places and len(text) < 19 and text.isdigit() and text.isascii():
                minor = int(text)
            else:
                minor = _minor_of(amount, code, places)
        else:
            minor = _minor_of(amount, code, places)
        _set_minor(self, minor)
        _set_currency(self, code)

    # -- alternative constructors -------------------------------------------------

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        """Build an amount from an integer count of minor units.

        Args:
            minor: Minor units (cents for USD); an int, at most 18 digits.
            currency: The ISO 4217 code.

        Returns:
            The amount.

        Raises:
            TypeError: If ``minor`` is not an int (a bool is not).
            InvalidAmountError: If ``minor`` is out of range.

        Examples:
            >>> Money.from_minor(1250, "USD")
            Money('12.50', 'USD')
        """
        code = _currency(currency)[0]
        if type(minor) is not int:
            if isinstance(minor, float):
                reject_float(minor, "minor")
            if isinstance(minor, bool) or not isinstance(minor, int):
                raise TypeError(f"minor must be an int, got {describe(minor)}")
            minor = int.__int__(minor)
        return make(check_minor(minor, code), code)

    @classmethod
    def zero(cls, currency: str) -> Money:
        """The zero amount of ``currency``.

        Examples:
            >>> Money.zero("EUR")
            Money('0.00', 'EUR')
        """
        return make(0, _currency(currency)[0])

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
        code, places = _currency(currency)
        numerator, denominator = exact_ratio(value, "value")
        minor = round_ratio(numerator * _POW10[places], denominator, rounding)
        return make(check_minor(minor, code), code)

    @classmethod
    def sum(cls, moneys: Iterable[Money], currency: str | None = None) -> Money:
        """Total of ``moneys``; the same as [`total`][billing_core.money.total].

        Examples:
            >>> Money.sum([Money("1.10", "USD"), Money("2.20", "USD")])
            Money('3.30', 'USD')
        """
        # Imported here: total lives in the public module, which imports this one.
        from billing_core.money import total

        return total(moneys, currency)

    # -- accessors ----------------------------------------------------------------

    @property
    def exponent(self) -> int:
        """Decimal places of the currency's minor unit."""
        return exponent_of(self.currency)

    @property
    def amount(self) -> Decimal:
        """The amount in major units as an exact ``Decimal`` with the currency's places.

        Examples:
            >>> Money("7.5", "USD").amount
            Decimal('7.50')
        """
        # A Decimal built from text is exact whatever the caller's decimal context.
        return Decimal(amount_text(self.minor, exponent_of(self.currency)))

    # -- arithmetic ---------------------------------------------------------------

    def _mismatch(self, other: Money, op: str) -> NoReturn:
        # The operands in the order written: ``a - b`` is "subtract b from a".
        mine, theirs = f"{self.currency} {self.amount}", f"{other.currency} {other.amount}"
        if op == "subtract":
            what = f"subtract {theirs} from {mine}"
        elif op == "compare":
            what = f"compare {mine} with {theirs}"
        else:
            what = f"{op} {mine} and {theirs}"
        raise CurrencyMismatchError(f"cannot {what}: currencies differ")

    # __add__, __sub__, __mul__ and __neg__ build their result inline rather than
    # through make(): they are the per-element cost of every fold over amounts.

    def __add__(self, other: Money) -> Money:
        if other.__class__ is not Money:
            return NotImplemented
        if other.currency is not self.currency and other.currency != self.currency:
            self._mismatch(other, "add")
        minor = self.minor + other.minor
        if not -_LIMIT < minor < _LIMIT:
            check_minor(minor, self.currency)
        new = _new(Money)
        _set_minor(new, minor)
        _set_currency(new, self.currency)
        return new

    def __sub__(self, other: Money) -> Money:
        if other.__class__ is not Money:
            return NotImplemented
        if other.currency is not self.currency and other.currency != self.currency:
            self._mismatch(other, "subtract")
        minor = self.minor - other.minor
        if not -_LIMIT < minor < _LIMIT:
            check_minor(minor, self.currency)
        new = _new(Money)
        _set_minor(new, minor)
        _set_currency(new, self.currency)
        return new

    def __neg__(self) -> Money:
        # The bound is symmetric, so negation and abs never leave it.
        new = _new(Money)
        _set_minor(new, -self.minor)
        _set_currency(new, self.currency)
        return new

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return self if self.minor >= 0 else make(-self.minor, self.currency)

    def __mul__(self, factor: int) -> Money:
        if type(factor) is int:
            minor = self.minor * factor
            if not -_LIMIT < minor < _LIMIT:
                check_minor(minor, self.currency)
            new = _new(Money)
            _set_minor(new, minor)
            _set_currency(new, self.currency)
            return new
        if isinstance(factor, Decimal | Fraction | float):
            raise TypeError(
                f"Money * {type(factor).__name__} may need rounding: use"
                " .multiply(rate, rounding=RoundingMode...) instead"
            )
        return NotImplemented

    __rmul__ = __mul__

    if not TYPE_CHECKING:
        # Hidden from type checkers, so ``Money / 3`` is reported where it is written
        # ("unsupported operand types for /") instead of typing the result as
        # NoReturn and silently marking the code after it unreachable. At run time
        # it says what to use instead.

        def __truediv__(self, divisor: object) -> NoReturn:
            raise TypeError(
                "dividing money may need rounding: use .divide(n, rounding=RoundingMode...),"
                " or allocate()/split() to split it without losing a cent"
            )

        __floordiv__ = __truediv__

    def multiply(self, rate: Decimal | Fraction | int, *, rounding: RoundingMode) -> Money:
        """Multiply by an exact rate and round once.

        Args:
            rate: An ``int``, ``Decimal`` or ``Fraction`` (never a float); a
                ``Decimal`` is bounded like any number (at most 64 characters,
                exponent within +-64).
            rounding: The rounding mode (required).

        Returns:
            The rounded product.

        Raises:
            InvalidAmountError: If the rate is not a bounded finite number, or
                the product is out of range.

        Examples:
            >>> Money("99.99", "USD").multiply(Decimal("0.2"), rounding=RoundingMode.HALF_UP)
            Money('20.00', 'USD')
            >>> Money("99.99", "USD").multiply(Decimal("0.2"), rounding=RoundingMode.FLOOR)
            Money('19.99', 'USD')
        """
        if rate.__class__ is Decimal:  # exact_ratio, inlined for the common case
            numerator, exponent = decimal_parts(rate, "rate")
            if exponent < 0:
                denominator = _POW10[-exponent]
            else:
                numerator, denominator = numerator * _POW10[exponent], 1
        else:
            numerator, denominator = exact_ratio(rate, "rate")
        minor = round_ratio(self.minor * numerator, denominator, rounding)
        if not -_LIMIT < minor < _LIMIT:
            check_minor(minor, self.currency)
        new = _new(Money)
        _set_minor(new, minor)
        _set_currency(new, self.currency)
        return new

    def divide(self, divisor: Decimal | Fraction | int, *, rounding: RoundingMode) -> Money:
        """Divide by an exact number and round once.

        To split an amount into parts that add back up exactly, use
        [`split`][billing_core.money.split] or
        [`allocate`][billing_core.money.allocate] instead.

        Args:
            divisor: A non-zero ``int``, ``Decimal`` or ``Fraction``.
            rounding: The rounding mode (required).

        Returns:
            The rounded quotient.

        Raises:
            ZeroDivisionError: If ``divisor`` is zero.
            InvalidAmountError: If the quotient is out of range.

        Examples:
            >>> Money("10.00", "USD").divide(3, rounding=RoundingMode.HALF_UP)
            Money('3.33', 'USD')
        """
        numerator, denominator = exact_ratio(divisor, "divisor")
        if numerator == 0:
            raise ZeroDivisionError(f"cannot divide {self} by zero")
        minor = round_ratio(self.minor * denominator, numerator, rounding)
        return make(check_minor(minor, self.currency), self.currency)

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
        return f"Money('{amount_text(self.minor, exponent_of(self.currency))}', '{self.currency}')"

    def __str__(self) -> str:
        return f"{amount_text(self.minor, exponent_of(self.currency))} {self.currency}"


# Slot setters: they bypass Money.__setattr__ (which refuses every change) and
# are faster than object.__setattr__, which looks the slot up by name each time.
_new = object.__new__
_set_minor = Money.__dict__["minor"].__set__
_set_currency = Money.__dict__["currency"].__set__


def make(minor: int, code: str) -> Money:
    """Build a Money from trusted parts: an int already in range, a canonical code.

    The fast path for computations that already validated their inputs (hot
    folds build one amount at the end with it). Anything else goes through
    ``Money(...)`` or ``Money.from_minor``.
    """
    new = _new(Money)
    _set_minor(new, minor)
    _set_currency(new, code)
    return new


def make_all(minors: Iterable[int], code: str) -> tuple[Money, ...]:
    """``make`` for many amounts of one currency (the parts of a split), in order."""
    new, set_minor, set_currency = _new, _set_minor, _set_currency
    out = []
    for minor in minors:
        m = new(Money)
        set_minor(m, minor)
        set_currency(m, code)
        out.append(m)
    return tuple(out)


def _unpickle(minor: int, currency: str) -> Money:
    return make(minor, _currency(currency)[0])


# Pickles name billing_core.money._unpickle (the form since release 0.1).
_unpickle.__module__ = "billing_core.money"
