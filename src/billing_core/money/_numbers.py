"""The bounded number parser every amount and rate from outside passes (private; values layer).

Numbers from outside (amount strings, ``Decimal`` amounts and rates) pass one
bounded parser, [`parse_number`][]: at most
[`MAX_NUMBER_CHARS`][billing_core.money._numbers.MAX_NUMBER_CHARS] plain ASCII
characters and an exponent of at most
[`MAX_NUMBER_EXPONENT`][billing_core.money._numbers.MAX_NUMBER_EXPONENT], checked
before any arithmetic, so no input can make the library compute ``10 ** 10**9``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from typing import Final, NoReturn

from billing_core._checks import describe
from billing_core.errors import InvalidAmountError

MAX_NUMBER_CHARS: Final = 64
"""The most characters of an amount or rate given as text (or as a ``Decimal``'s text)."""

MAX_NUMBER_EXPONENT: Final = 64
"""The largest exponent magnitude of a number written with ``E`` (``1E+3``)."""

# Powers of ten for every shift a bounded number can need (exponent, fraction
# digits and currency places together stay well under this).
_POW10: Final = tuple(10**i for i in range(MAX_NUMBER_CHARS + MAX_NUMBER_EXPONENT + 8))
_NUMBER: Final = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?(?:[eE]([-+]?[0-9]+))?")
_NOT_FINITE: Final = frozenset({"nan", "snan", "inf", "infinity"})


def parse_number(text: str, what: str) -> tuple[int, int]:
    """``(coefficient, exponent)`` of a plain ASCII number, value ``coefficient * 10**exponent``.

    Accepted: an optional ``-``, digits, optionally ``.`` and digits, optionally
    ``E`` and a signed exponent. Refused: anything longer than
    ``MAX_NUMBER_CHARS``, surrounding spaces, ``+``, ``_``, grouping commas,
    non-ASCII digits, NaN and infinities.

    Examples:
        >>> parse_number("-12.50", "amount"), parse_number("1E+3", "amount")
        ((-1250, -2), (1, 3))
        >>> parse_number("0e999999999", "amount")
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidAmountError: amount '0e999999999' (str) has an exponent ...
    """
    if len(text) > MAX_NUMBER_CHARS:
        raise InvalidAmountError(
            f"{what} {describe(text)} is too long: a number has at most"
            f" {MAX_NUMBER_CHARS} characters"
        )
    match = _NUMBER.fullmatch(text)
    if match is None:
        if text.strip().lstrip("+-").lower() in _NOT_FINITE:
            raise InvalidAmountError(f"{what} must be a finite number, got {describe(text)}")
        raise InvalidAmountError(
            f"{what} {describe(text)} is not a number: write plain ASCII digits with an"
            " optional leading '-' and decimal point, such as '-12.50' (no spaces, '+', '_',"
            " grouping or other digits)"
        )
    sign, whole, fraction, exponent_text = match.groups()
    exponent = int(exponent_text) if exponent_text else 0
    if not -MAX_NUMBER_EXPONENT <= exponent <= MAX_NUMBER_EXPONENT:
        raise InvalidAmountError(
            f"{what} {describe(text)} has an exponent beyond +-{MAX_NUMBER_EXPONENT}:"
            " no amount or rate needs one"
        )
    if fraction:
        coefficient = int(whole + fraction)
        exponent -= len(fraction)
    else:
        coefficient = int(whole)
    return (-coefficient if sign else coefficient), exponent


def decimal_parts(value: Decimal, what: str) -> tuple[int, int]:
    """``parse_number`` for a ``Decimal`` (through its text)."""
    if not value.is_finite():
        raise InvalidAmountError(f"{what} must be a finite number, got {describe(value)}")
    text = str(value)
    # Fast path for the common form, digits and a point ("0.8735"): the same parts
    # parse_number gives it, without the regular expression.
    dot = text.find(".")
    if dot > 0 and len(text) <= MAX_NUMBER_CHARS:
        digits = text.replace(".", "", 1)
        if digits.isdigit():
            return int(digits), dot + 1 - len(text)
    return parse_number(text, what)


def reject_float(value: object, what: str) -> NoReturn:
    """Raise the TypeError for a float where an exact number is needed."""
    raise TypeError(
        f"{what} must not be a float ({describe(value)}): floats cannot hold amounts exactly;"
        " pass a str or Decimal instead"
    )


def exact_ratio(value: object, what: str) -> tuple[int, int]:
    """``(numerator, denominator > 0)`` of an int, Decimal or Fraction (never a float or bool)."""
    if type(value) is int:
        return value, 1
    if isinstance(value, Decimal):
        coefficient, exponent = decimal_parts(value, what)
        if exponent >= 0:
            return coefficient * _POW10[exponent], 1
        return coefficient, _POW10[-exponent]
    if isinstance(value, Fraction):
        return value.numerator, value.denominator
    if isinstance(value, bool):
        raise TypeError(f"{what} must be an int, Decimal or Fraction, got a bool ({value!r})")
    if isinstance(value, int):  # an int subclass counts as its plain int value
        return int.__int__(value), 1
    if isinstance(value, float):
        reject_float(value, what)
    raise TypeError(f"{what} must be an int, Decimal or Fraction, got {describe(value)}")


def as_fraction(value: object, what: str) -> Fraction:
    """The exact value of an int, Decimal or Fraction as a Fraction (bounded like every number)."""
    numerator, denominator = exact_ratio(value, what)
    return Fraction(numerator, denominator)
