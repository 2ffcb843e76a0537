"""Small input checks shared by the modules (private; values layer).

One definition of "a date" (a ``datetime.date`` that is not a ``datetime``:
a datetime does not compare with a date), of how a bad value is described in
an error, and of the findings for a list that should hold only dates.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TypeGuard

from billing_core.errors import Finding


def is_plain_date(value: object) -> TypeGuard[date]:
    """Whether ``value`` is a ``datetime.date`` and not a ``datetime``.

    Examples:
        >>> is_plain_date(date(2024, 1, 2)), is_plain_date(datetime(2024, 1, 2))
        (True, False)
    """
    return isinstance(value, date) and not isinstance(value, datetime)


def describe(value: object) -> str:
    """A bad value as an error message shows it: its repr and its type.

    Examples:
        >>> describe("2024-01-02")
        "'2024-01-02' (str)"
    """
    return f"{value!r} ({type(value).__name__})"


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
