"""X12 element values: amounts (R), quantities, dates (DT) and their text form (private).

An X12 amount is a decimal number with an optional leading minus and an
optional decimal point (``.28`` is valid; no exponent, no plus sign). It is
read straight into integer minor units, never through a float; writing gives
the shortest exact form (``100``, ``12.5``, ``-0.05``), never ``1E+2`` nor a
trailing ``.0``.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Final

from billing_core.money import Money
from billing_core.money._core import MAX_MINOR, make

__all__ = [
    "amount_minor",
    "date_text",
    "element",
    "minor_text",
    "money_text",
    "parse_date",
    "parse_quantity",
    "quantity_text",
]

_AMOUNT: Final = re.compile(r"(-?)([0-9]*)(?:\.([0-9]*))?")
_DATE: Final = re.compile(r"[0-9]{8}")
_CACHE_LIMIT: Final = 4096
_POW10: Final = tuple(10**i for i in range(8))  # currencies have 0-4 decimal places
_cache: dict[str, int] = {}


def element(segment: list[str], index: int) -> str:
    """The element at ``index`` (the segment id is 0), stripped; ``""`` when absent.

    Examples:
        >>> element(["CLP", "A", " 1 "], 2), element(["CLP"], 5)
        ('1', '')
    """
    return segment[index].strip() if index < len(segment) else ""


def amount_minor(text: str, places: int = 2) -> int | None:
    """The minor units of an X12 amount, or ``None`` when it is not one (or not exact).

    Examples:
        >>> amount_minor("12.5"), amount_minor(".28"), amount_minor("-42.58"), amount_minor("7")
        (1250, 28, -4258, 700)
        >>> amount_minor("1E+2"), amount_minor("1.234"), amount_minor(""), amount_minor("-")
        (None, None, None, None)
    """
    if places == 2:
        cached = _cache.get(text)
        if cached is not None:
            return cached
    match = _AMOUNT.fullmatch(text)
    if match is None:
        return None
    sign, whole, fraction = match.groups()
    if not whole and not fraction:  # "", "-", "." and "-." are no numbers
        return None
    fraction = fraction or ""
    if len(fraction) > places:
        fraction = fraction.rstrip("0")  # 1.230 is exact at cents; 1.234 is not
        if len(fraction) > places:
            return None
    if len(whole) > 18:
        return None
    minor: int = int(whole or "0") * _POW10[places]
    if places:
        minor += int(fraction.ljust(places, "0"))
    if sign:
        minor = -minor
    if not -MAX_MINOR <= minor <= MAX_MINOR:
        return None
    if places == 2 and len(_cache) < _CACHE_LIMIT:
        _cache[text] = minor
    return minor


def minor_text(minor: int, places: int = 2) -> str:
    """An amount in minor units as X12 writes it: exact and short.

    Examples:
        >>> minor_text(10000), minor_text(1250), minor_text(-5), minor_text(0), minor_text(7, 0)
        ('100', '12.5', '-0.05', '0', '7')
    """
    if places == 0:
        return str(minor)
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(-minor if minor < 0 else minor, _POW10[places])
    if not fraction:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{fraction:0{places}d}".rstrip("0")


def money_text(money: Money) -> str:
    """A `Money` as an X12 amount (see [`minor_text`][billing_core.x12._values.minor_text]).

    Examples:
        >>> money_text(Money("79.04", "USD")), money_text(Money("100.00", "USD"))
        ('79.04', '100')
    """
    return minor_text(money.minor, money.exponent)


def to_money(minor: int, currency: str) -> Money:
    """A `Money` from minor units already checked by `amount_minor`."""
    return make(minor, currency)


def parse_quantity(text: str) -> Decimal | None:
    """An X12 quantity (R): a plain decimal number, or ``None`` when it is not one.

    Examples:
        >>> parse_quantity("1.9"), parse_quantity("-2"), parse_quantity("x"), parse_quantity("")
        (Decimal('1.9'), Decimal('-2'), None, None)
    """
    if not text or len(text) > 30 or _AMOUNT.fullmatch(text) is None or text in ("-", ".", "-."):
        return None
    return Decimal(text)


def quantity_text(value: Decimal | int) -> str:
    """A quantity as X12 writes it: plain digits, no exponent, no trailing zeros.

    Examples:
        >>> quantity_text(Decimal("2.50")), quantity_text(3), quantity_text(Decimal("1E+1"))
        ('2.5', '3', '10')
    """
    if isinstance(value, int):
        return str(value)
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def parse_date(text: str) -> datetime.date | None:
    """A CCYYMMDD date, or ``None`` when the text is not a real date.

    Examples:
        >>> parse_date("20240229"), parse_date("20230229"), parse_date("2024-02-29")
        (datetime.date(2024, 2, 29), None, None)
    """
    if _DATE.fullmatch(text) is None:
        return None
    try:
        return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def date_text(value: datetime.date) -> str:
    """A date as CCYYMMDD.

    Examples:
        >>> date_text(datetime.date(2024, 3, 4))
        '20240304'
    """
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"
