"""Lags: average days between two events (service, charge entry, claim, payment).

Each lag is an [`average_lag`][] over ``(start, end)`` pairs of dates: the
total of ``(end - start).days`` over the number of pairs, as a
[`Ratio`][billing_core.kpis.Ratio] in days. Every bad pair is reported
at once, with its position.

Examples:
    >>> from datetime import date
    >>> print(payment_lag([(date(2025, 3, 1), date(2025, 3, 15))]))
    14.00 days
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from billing_core._checks import describe, is_plain_date
from billing_core.errors import Finding, ValidationError
from billing_core.kpis._ratios import Ratio, RatioUnit

__all__ = ["average_lag", "charge_lag", "claim_lag", "payment_lag"]


def average_lag(
    intervals: Iterable[tuple[date, date]],
    *,
    name: str = "average lag",
    definition: str = "days from start to end / intervals",
) -> Ratio:
    """Average days between pairs of dates (start, end).

    Each interval counts ``(end - start).days`` calendar days; a same-day
    interval counts 0.

    Args:
        intervals: ``(start, end)`` pairs of `datetime.date`.
        name: The KPI name shown in the result.
        definition: The definition shown in the result.

    Returns:
        The average in days: total days / number of intervals; undefined when
        there are no intervals.

    Raises:
        ValidationError: Listing every interval that ends before it starts or
            holds something other than two dates.
        TypeError: If ``intervals`` is not iterable.

    Examples:
        >>> d = date(2025, 1, 1)
        >>> r = average_lag([(d, date(2025, 1, 3)), (d, date(2025, 1, 4))])
        >>> print(r)
        2.50 days
        >>> r.numerator, r.denominator
        (5, 2)
    """
    if not isinstance(intervals, Iterable):
        raise TypeError(
            f"intervals must be an iterable of (start, end) pairs, got {describe(intervals)}"
        )
    total = 0
    count = 0
    findings: list[Finding] = []
    for index, pair in enumerate(intervals):
        days = _days(index, pair)
        if isinstance(days, Finding):
            findings.append(days)
        else:
            total += days
            count += 1
    if findings:
        raise ValidationError(findings)
    return Ratio.of(
        name,
        total,
        count,
        scale=1,
        unit=RatioUnit.DAYS,
        definition=definition,
        undefined="no intervals",
    )


def _days(index: int, pair: object) -> int | Finding:
    """The calendar days of one interval, or the finding that says why it is not one."""
    try:
        # Any iterable of two works (a tuple, a list, a row): unpacking is the test, and a bad
        # pair becomes a finding with its index rather than an exception mid-way.
        start, end = pair  # type: ignore[misc]
    except (TypeError, ValueError):
        start, end = None, None
    if not is_plain_date(start) or not is_plain_date(end):
        return Finding(
            location=f"intervals[{index}]",
            message=f"must be a (start, end) pair of dates, got {describe(pair)}",
            rule="kpi.interval",
        )
    days = (end - start).days
    # A negative interval is a data error (dates swapped), not a fast payment: averaging
    # it in would hide slow claims.
    if days < 0:
        return Finding(
            location=f"intervals[{index}]",
            message=f"ends {end} before it starts {start}",
            rule="kpi.interval",
        )
    return days


def charge_lag(intervals: Iterable[tuple[date, date]]) -> Ratio:
    """Charge lag: average days from the date of service to the charge being entered.

    Args:
        intervals: ``(service date, charge posted date)`` pairs.

    Returns:
        The average in days.

    Examples:
        >>> print(charge_lag([(date(2025, 1, 31), date(2025, 2, 3))]))
        3.00 days
    """
    return average_lag(
        intervals,
        name="charge lag",
        definition="days from service to charge entry / charges",
    )


def claim_lag(intervals: Iterable[tuple[date, date]]) -> Ratio:
    """Claim (submission) lag: average days from the date of service to claim submission.

    Args:
        intervals: ``(service date, claim submitted date)`` pairs.

    Returns:
        The average in days.

    Examples:
        >>> print(claim_lag([(date(2024, 2, 28), date(2024, 3, 1))]))  # leap year
        2.00 days
    """
    return average_lag(
        intervals,
        name="claim lag",
        definition="days from service to claim submission / claims",
    )


def payment_lag(intervals: Iterable[tuple[date, date]]) -> Ratio:
    """Payment lag: average days from claim submission to payment.

    Args:
        intervals: ``(claim submitted date, payment received date)`` pairs.

    Returns:
        The average in days.

    Examples:
        >>> print(payment_lag([(date(2025, 3, 1), date(2025, 3, 15)),
        ...                    (date(2025, 3, 1), date(2025, 3, 30))]))
        21.50 days
    """
    return average_lag(
        intervals,
        name="payment lag",
        definition="days from claim submission to payment / claims paid",
    )
