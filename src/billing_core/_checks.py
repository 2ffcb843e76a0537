"""Small input checks shared by the modules (private; values layer).

One definition of "a date" (a ``datetime.date`` that is not a ``datetime``:
a datetime does not compare with a date), of how a bad value is described in
an error (bounded, and never the value of a field that holds protected health
information), and of the findings for a list that should hold only dates.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Final, TypeGuard

from billing_core.errors import Finding


def is_plain_date(value: object) -> TypeGuard[date]:
    """Whether ``value`` is a ``datetime.date`` and not a ``datetime``.

    Examples:
        >>> is_plain_date(date(2024, 1, 2)), is_plain_date(datetime(2024, 1, 2))
        (True, False)
    """
    return isinstance(value, date) and not isinstance(value, datetime)


MAX_ECHO: Final = 80
"""The most characters of a bad value's repr an error message echoes."""


def describe(value: object) -> str:
    """A bad value as an error message shows it: its repr (cut short) and its type.

    A long value is cut to [`MAX_ECHO`][billing_core._checks.MAX_ECHO] characters
    and its full length said, so a megabyte of bad input never becomes a
    megabyte of error message. Never use it for a field that holds protected
    health information: use [`describe_protected`][billing_core._checks.describe_protected].

    Examples:
        >>> describe("2024-01-02")
        "'2024-01-02' (str)"
        >>> describe("9" * 1000)[-30:]
        '9... (str of 1002 characters)'
        >>> len(describe("9" * 10**6)) < 120
        True
    """
    text = repr(value)
    if len(text) > MAX_ECHO:
        return f"{text[: MAX_ECHO - 1]}... ({type(value).__name__} of {len(text)} characters)"
    return f"{text} ({type(value).__name__})"


def describe_protected(value: object) -> str:
    """A bad value of a protected field (name, birth date, member id...): its type only.

    Errors about protected health information name the field and the problem,
    never the value: messages end up in logs that are not cleared for it.

    Examples:
        >>> describe_protected("1980-05-17")
        'a str (value not shown: protected health information)'
    """
    return f"a {type(value).__name__} (value not shown: protected health information)"


def date_findings(items: Iterable[object], location: str, rule: str) -> list[Finding]:
    """One finding per item that is not a plain date, located ``location[i]``.

    Examples:
        >>> [str(f) for f in date_findings([date(2024, 1, 2), "x"], "holidays", "holidays.date")]
        ["holidays[1]: not a datetime.date: 'x' (str)"]
    """
    return [
        Finding(
            location=f"{location}[{index}]",
            message=f"not a datetime.date: {describe(item)}",
            rule=rule,
        )
        for index, item in enumerate(items)
        if not is_plain_date(item)
    ]


def check_date(value: object, name: str, *, optional: bool = False) -> None:
    """Refuse anything but a plain date (or ``None`` when ``optional``), naming the field.

    Raises:
        TypeError: If ``value`` is not a plain date: a ``datetime`` does not
            compare with a date, so it would fail later with a message that
            names no field.

    Examples:
        >>> check_date(date(2024, 1, 2), "as_of")
        >>> check_date(None, "paid_on", optional=True)
        >>> check_date(datetime(2024, 1, 2), "as_of")
        Traceback (most recent call last):
        ...
        TypeError: as_of must be a datetime.date, got datetime.datetime(2024, 1, 2, 0, 0) (datetime)
    """
    if is_plain_date(value) or (optional and value is None):
        return
    wanted = "a datetime.date or None" if optional else "a datetime.date"
    raise TypeError(f"{name} must be {wanted}, got {describe(value)}")
