"""Currency and locale data read from babel's CLDR tables, cached (private; values layer).

The currency registry behind [`Money`][billing_core.money.Money]: each code is
validated once and mapped to its canonical code object and its exponent (the
decimal places of its minor unit), so the currency check in hot loops is an
identity comparison most of the time. Babel ``Locale`` objects are cached here
too: parsing one costs more than formatting an amount with it.
"""

from __future__ import annotations

import functools
import re
from typing import Final

from babel import Locale
from babel.numbers import get_currency_precision, list_currencies

from billing_core._checks import describe
from billing_core.errors import InvalidAmountError, UnknownCurrencyError

CURRENCY_SHAPE: Final = re.compile(r"[A-Z]{3}")

# ISO 4217 X-codes that are not money one can bill in: precious metals, bond
# market and accounting units, SDR, historic units, the testing code XTS and
# XXX ("no currency"). ISO gives them no minor unit; CLDR still lists most of
# them with 2 places. Only the five X-codes that circulate as cash pass.
_CASH_X_CODES: Final = frozenset({"XAF", "XCD", "XCG", "XOF", "XPF"})

MAX_EXPONENT: Final = 6
"""The most decimal places a currency's minor unit may have (an override's bound)."""

# code -> (canonical code object, exponent)
_CURRENCIES: dict[str, tuple[str, int]] = {}
_OVERRIDES: dict[str, int] = {}
_USED: set[str] = set()


@functools.cache
def _known_codes() -> frozenset[str]:
    return frozenset(list_currencies())


def currency(code: object) -> tuple[str, int]:
    """The canonical code object and the exponent of ``code``, validated once.

    Raises:
        TypeError: If ``code`` is not a str.
        UnknownCurrencyError: If it is not a known currency, or not money.
    """
    try:
        return _CURRENCIES[code]  # type: ignore[index]
    except (KeyError, TypeError):
        pass
    if not isinstance(code, str):
        raise TypeError(f"currency must be an ISO 4217 code as str, got {describe(code)}")
    if code in _OVERRIDES:
        exponent = _OVERRIDES[code]
    elif CURRENCY_SHAPE.fullmatch(code) and code in _known_codes():
        if code[0] == "X" and code not in _CASH_X_CODES:
            raise UnknownCurrencyError(
                f"{code} is not a currency one can bill in (ISO 4217 gives it no minor unit:"
                " a metal, a unit of account, the testing code XTS or XXX for no currency);"
                " declare it with override_currency_exponent() if you really mean it"
            )
        exponent = get_currency_precision(code)
    else:
        cleaned = code.strip().upper() if len(code) < 16 else code
        hint = f" (did you mean {cleaned!r}?)" if cleaned != code else ""
        raise UnknownCurrencyError(f"unknown currency code {describe(code)}{hint}")
    _CURRENCIES[code] = (code, exponent)
    _USED.add(code)
    return code, exponent


def exponent_of(code: str) -> int:
    """The exponent of a code already in the registry (every Money's code is)."""
    return _CURRENCIES[code][1]


def override(code: str, exponent: int) -> None:
    """Set the exponent of ``code`` (see ``money.override_currency_exponent``)."""
    if not isinstance(code, str) or not CURRENCY_SHAPE.fullmatch(code):
        raise UnknownCurrencyError(
            f"currency must be three upper-case letters, got {describe(code)}"
        )
    if type(exponent) is not int or not 0 <= exponent <= MAX_EXPONENT:
        raise InvalidAmountError(
            f"exponent for {code} must be an int from 0 to {MAX_EXPONENT}, got {describe(exponent)}"
        )
    if code in _USED and _CURRENCIES[code][1] != exponent:
        raise InvalidAmountError(
            f"{code} is already in use with {_CURRENCIES[code][1]} decimal places;"
            " override its exponent before creating any amount in it"
        )
    # Keep the canonical code object every Money already shares: the identity
    # test in total() and the hot loops relies on there being only one.
    canonical = _CURRENCIES[code][0] if code in _CURRENCIES else code
    _OVERRIDES[code] = exponent
    _CURRENCIES[code] = (canonical, exponent)
    _USED.add(code)


@functools.lru_cache(maxsize=64)
def locale(name: str) -> Locale:
    """The babel ``Locale`` for ``name``, parsed once."""
    return Locale.parse(name)
