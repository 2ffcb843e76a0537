"""Date steps of statements and dunning that refuse to leave the calendar (private).

Examples:
    >>> from datetime import date, timedelta
    >>> later(date(2025, 1, 31), timedelta(days=1), "1 day", "due_date")
    datetime.date(2025, 2, 1)
    >>> later(date.max, timedelta(days=25), "25 days", "due_date")
    Traceback (most recent call last):
    ...
    billing_core.errors.ValidationError: due_date: 9999-12-31 + 25 days is after 9999-12-31, ...
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from billing_core.errors import Finding, ValidationError

__all__ = ["later"]


def later(day: date, step: timedelta | relativedelta, words: str, location: str) -> date:
    """``day + step``; a ``ValidationError`` if that is after 9999-12-31.

    Args:
        day: The start.
        step: What to add.
        words: The step in words, for the message (``"25 days"``).
        location: What the date is for (the finding's location).

    Raises:
        ValidationError: If the result is after the last date a
            ``datetime.date`` can hold.
    """
    try:
        result: date = day + step
    # A schedule far in the future (a policy of 9999 months, a date near date.max) must be
    # a finding naming the date, not an arithmetic error from deep inside a planner.
    except (OverflowError, ValueError):  # timedelta overflows; relativedelta's year 10000
        raise ValidationError(
            [
                Finding(
                    location=location,
                    message=f"{day} + {words} is after {date.max}, the last date a"
                    " datetime.date can hold",
                    rule="statement.date_range",
                )
            ]
        ) from None
    return result
