"""The US federal holidays of any years, computed with ``dateutil.rrule``.

Apart from the calendars, so that a filing deadline counted without them (the
posting engine's appeal deadlines) never loads ``dateutil.rrule``.

Private: the public name is re-exported by [`billing_core.deadlines`][billing_core.deadlines].

Examples:
    >>> from datetime import date
    >>> date(2025, 7, 4) in us_federal_holidays(2025).dates
    True
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from dateutil.relativedelta import MO, TH
from dateutil.rrule import YEARLY, rrule

from billing_core._checks import describe
from billing_core.deadlines._calendars import _ONE_DAY, HolidayCalendar, _checked_years

__all__ = ["us_federal_holidays"]


def _observed(day: date) -> date:
    """The weekday a federal holiday is observed on (5 U.S.C. 6103(b), E.O. 11582)."""
    weekday = day.weekday()
    if weekday == 5:  # Saturday -> Friday before
        return day - _ONE_DAY
    if weekday == 6:  # Sunday -> Monday after
        return day + _ONE_DAY
    return day


def _yearly(first: int, last: int, **rule: object) -> list[date]:
    starts = datetime(first, 1, 1)
    until = datetime(last, 12, 31)
    return [d.date() for d in rrule(YEARLY, dtstart=starts, until=until, **rule)]  # type: ignore[arg-type]


def us_federal_holidays(years: int | Iterable[int], *, observed: bool = True) -> HolidayCalendar:
    """The US federal holidays of ``years`` (5 U.S.C. 6103), computed with ``dateutil.rrule``.

    New Year's Day (1 January), Birthday of Martin Luther King, Jr. (third
    Monday of January, from 1986), Washington's Birthday (third Monday of
    February), Memorial Day (last Monday of May), Juneteenth (19 June, from
    2021), Independence Day (4 July), Labor Day (first Monday of September),
    Columbus Day (second Monday of October), Veterans Day (11 November),
    Thanksgiving Day (fourth Thursday of November) and Christmas Day
    (25 December). Earlier history (before the 1971 Monday-holiday rules) is
    not modelled: today's rules are applied to every year.

    With ``observed=True`` (the default) a holiday on a Saturday is observed
    on the Friday before and one on a Sunday on the Monday after, and the
    calendar holds the observed days that fall in ``years``. So New Year's Day
    2022 (a Saturday) is observed on Friday 31 December 2021, which belongs to
    the calendar of 2021, not 2022. With ``observed=False`` the calendar holds
    the actual dates.

    Args:
        years: A year or an iterable of years (ints from 1 to 9998: the year after
            the last one is computed too, and 9999 is the last year a date can have).
        observed: Whether to shift weekend holidays to the observed weekday.

    Returns:
        The calendar.

    Raises:
        ValidationError: If a year is not an int in range.
        TypeError: If ``observed`` is not a bool.

    Examples:
        >>> cal = us_federal_holidays(2021)
        >>> [d.isoformat() for d in cal][:3]
        ['2021-01-01', '2021-01-18', '2021-02-15']
        >>> date(2021, 6, 18) in cal, date(2021, 12, 31) in cal  # Juneteenth, New Year 2022
        (True, True)
        >>> date(2022, 1, 1) in us_federal_holidays(2022, observed=False)
        True
        >>> date(2022, 1, 1) in us_federal_holidays(2022)
        False
    """
    if type(observed) is not bool:
        raise TypeError(f"observed must be a bool, got {describe(observed)}")
    wanted = _checked_years(years, last=9998)
    if not wanted:
        return HolidayCalendar(dates=(), name="US federal")
    year_set = set(wanted)
    # One year more: New Year's Day on a Saturday is observed on 31 December of the year
    # before, so it must be seen from the year it lands in. No year less: no holiday is
    # observed in the following year (Christmas on a Sunday is observed on 26 December).
    actual = _actual_holidays(min(wanted), max(wanted) + 1)
    days = (_observed(d) for d in actual) if observed else iter(actual)
    return HolidayCalendar(dates=[d for d in days if d.year in year_set], name="US federal")


def _actual_holidays(first: int, last: int) -> list[date]:
    """The dates of the holidays of 5 U.S.C. 6103(a), from ``first`` to ``last`` (years)."""
    actual: list[date] = []
    # Fixed dates: New Year's Day, Independence Day, Veterans Day, Christmas Day.
    for month, day in ((1, 1), (7, 4), (11, 11), (12, 25)):
        actual += _yearly(first, last, bymonth=month, bymonthday=day)
    # Juneteenth National Independence Day was added in 2021 (Pub. L. 117-17).
    actual += [d for d in _yearly(first, last, bymonth=6, bymonthday=19) if d.year >= 2021]
    # Martin Luther King, Jr. Day: third Monday of January, first observed in 1986.
    actual += [d for d in _yearly(first, last, bymonth=1, byweekday=MO(+3)) if d.year >= 1986]
    # The Monday holidays of the Uniform Monday Holiday Act: Washington's Birthday (third
    # Monday of February), Memorial Day (last Monday of May), Labor Day (first Monday of
    # September), Columbus Day (second Monday of October).
    actual += _yearly(first, last, bymonth=2, byweekday=MO(+3))
    actual += _yearly(first, last, bymonth=5, byweekday=MO(-1))
    actual += _yearly(first, last, bymonth=9, byweekday=MO(+1))
    actual += _yearly(first, last, bymonth=10, byweekday=MO(+2))
    # Thanksgiving Day: fourth Thursday of November.
    actual += _yearly(first, last, bymonth=11, byweekday=TH(+4))
    return actual
