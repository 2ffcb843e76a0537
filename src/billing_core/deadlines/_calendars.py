"""Holiday calendars and business days: the days a filing deadline does not fall on.

A [`HolidayCalendar`][] is a set of dates;
[`us_federal_holidays`][billing_core.deadlines.us_federal_holidays] computes the US
federal ones for any years, observed days included, with no dependency. State
and other countries' calendars come from the optional ``holidays`` package
(``pip install 'billing_core[holidays]'``) through one call,
[`HolidayCalendar.from_holidays`][]. A business day is a weekday not in the
calendar; [`roll_forward`][] moves a day to the next one.

Examples:
    >>> from datetime import date
    >>> from billing_core.deadlines import us_federal_holidays
    >>> cal = us_federal_holidays(2025)
    >>> roll_forward(date(2025, 7, 4), cal)  # a Friday holiday, then the weekend
    datetime.date(2025, 7, 7)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta
from typing import Final

import attrs

from billing_core._checks import check_date, date_findings, describe
from billing_core.errors import Finding, ValidationError

__all__ = ["HolidayCalendar", "is_business_day", "roll_forward"]

_ONE_DAY: Final = timedelta(days=1)


def _holiday_dates(value: object) -> frozenset[date]:
    if isinstance(value, HolidayCalendar):
        return value.dates
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError(
            [
                Finding(
                    location="holidays",
                    message=f"must be an iterable of dates, got {describe(value)}",
                    rule="holidays.type",
                )
            ]
        )
    items = list(value)
    findings = date_findings(items, "holidays", "holidays.date")
    if findings:
        raise ValidationError(findings)
    return frozenset(items)


@attrs.frozen(kw_only=True)
class HolidayCalendar:
    """A set of days on which deadlines do not fall (payer or office closed).

    Any iterable of `datetime.date` can be given; every element is
    checked, and all non-dates (including ``datetime`` objects) are reported
    in one [`ValidationError`][billing_core.errors.ValidationError]. Calendars combine
    with ``|``.

    Attributes:
        dates: The holidays.
        name: A label for display.

    Examples:
        >>> from datetime import date
        >>> from billing_core.deadlines import us_federal_holidays
        >>> office = HolidayCalendar(dates=[date(2025, 12, 24)], name="office")
        >>> date(2025, 12, 24) in office
        True
        >>> both = office | us_federal_holidays(2025)
        >>> date(2025, 12, 25) in both, len(both)
        (True, 12)
        >>> HolidayCalendar(dates=[date(2025, 1, 1), "2025-07-04"])
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: holidays[1]: not a datetime.date: '2025-07-04' (str)
    """

    dates: frozenset[date] = attrs.field(converter=_holiday_dates)
    name: str = ""

    def __contains__(self, day: object) -> bool:
        return day in self.dates

    def __iter__(self) -> Iterator[date]:
        return iter(sorted(self.dates))

    def __len__(self) -> int:
        return len(self.dates)

    def __or__(self, other: HolidayCalendar) -> HolidayCalendar:
        if not isinstance(other, HolidayCalendar):
            return NotImplemented
        name = " + ".join(n for n in (self.name, other.name) if n)
        return HolidayCalendar(dates=self.dates | other.dates, name=name)

    @classmethod
    def of(cls, holidays: HolidayCalendar | Iterable[date] | None) -> HolidayCalendar:
        """Return ``holidays`` as a calendar (validated); ``None`` is an empty one.

        Args:
            holidays: A calendar, an iterable of dates, or ``None``.

        Returns:
            The calendar.

        Examples:
            >>> len(HolidayCalendar.of(None)), len(HolidayCalendar.of({date(2025, 1, 1)}))
            (0, 1)
        """
        if isinstance(holidays, HolidayCalendar):
            return holidays
        return cls(dates=() if holidays is None else holidays)

    @classmethod
    def from_holidays(
        cls,
        source: Mapping[date, str],
        *,
        years: int | Iterable[int] | None = None,
        name: str | None = None,
    ) -> HolidayCalendar:
        """The calendar of a ``holidays`` package calendar: a state's, another country's.

        ``source`` is any mapping of dates to holiday names; a calendar of the
        optional [holidays](https://pypi.org/project/holidays/) package is one
        (``holidays.country_holidays("US", subdiv="CA")``, ``holidays.UK()``),
        and so is a plain dict. This method imports nothing: install the
        package with the ``holidays`` extra (``pip install
        'billing_core[holidays]'``). Observed days are kept as the package
        lists them; combine with ``|`` (``office | state``).

        Args:
            source: The holidays, by date.
            years: The years to take. A ``holidays`` calendar fills a year
                when it is asked about it, so each year is asked for first.
                Without ``years``, the dates the source holds now are taken.
            name: A label; by default the source's ``country`` and ``subdiv``
                (``"US-CA"``), if it has them.

        Returns:
            The calendar.

        Raises:
            ValidationError: If a year is not an int from 1 to 9999, a key of
                ``source`` is not a plain date, or ``years`` is not given and
                ``source`` holds no date (a ``holidays`` calendar made without
                years is empty until asked: give ``years``).
            TypeError: If ``source`` is not a mapping.

        Examples:
            >>> import holidays
            >>> california = HolidayCalendar.from_holidays(
            ...     holidays.country_holidays("US", subdiv="CA"), years=2025)
            >>> california.name, date(2025, 3, 31) in california  # Cesar Chavez Day
            ('US-CA', True)
            >>> roll_forward(date(2025, 11, 27), california)  # Thanksgiving, the day after
            datetime.date(2025, 12, 1)
            >>> HolidayCalendar.from_holidays(holidays.US())
            Traceback (most recent call last):
            ...
            billing_core.errors.ValidationError: holidays: the source holds no date; ...
        """
        if not isinstance(source, Mapping):
            raise TypeError(f"source must be a mapping of dates to names, got {describe(source)}")
        wanted = None if years is None else set(_checked_years(years, last=9999))
        for year in sorted(wanted or ()):
            _ = date(year, 1, 1) in source  # a `holidays` calendar fills the year it is asked
        days = list(source) if wanted is None else [d for d in source if _year(d) in wanted]
        if wanted is None and not days:
            raise ValidationError(
                [
                    Finding(
                        location="holidays",
                        message="the source holds no date; give the years to take"
                        " (a holidays calendar made without years is empty until asked)",
                        rule="holidays.empty_source",
                    )
                ]
            )
        if name is None:
            parts = (getattr(source, "country", None), getattr(source, "subdiv", None))
            name = "-".join(p for p in parts if isinstance(p, str) and p)
        return cls(dates=days, name=name)


def _year(day: object) -> int | None:
    """The year of a date, or ``None`` for a key that is not one (reported by the calendar)."""
    return day.year if isinstance(day, date) else None


def _checked_years(years: int | Iterable[int], *, last: int) -> list[int]:
    """``years`` as a list, every one an int from 1 to ``last`` (all bad ones in one error)."""
    wanted = [years] if isinstance(years, int) else list(years)
    bad = [
        Finding(
            location=f"years[{index}]",
            message=f"must be an int from 1 to {last}, got {describe(year)}",
            rule="holidays.year",
        )
        for index, year in enumerate(wanted)
        if type(year) is not int or not 1 <= year <= last
    ]
    if bad:
        raise ValidationError(bad)
    return wanted


def is_business_day(day: date, holidays: HolidayCalendar | Iterable[date] | None = None) -> bool:
    """Whether ``day`` is a weekday that is not in ``holidays``.

    Args:
        day: The day.
        holidays: Days that are not business days besides weekends.

    Returns:
        ``True`` for a business day.

    Raises:
        TypeError: If ``day`` is not a plain date.
        ValidationError: If ``holidays`` holds a non-date.

    Examples:
        >>> from billing_core.deadlines import us_federal_holidays
        >>> july4 = date(2025, 7, 4)
        >>> is_business_day(july4), is_business_day(july4, us_federal_holidays(2025))
        (True, False)
        >>> is_business_day(date(2025, 7, 5))
        False
    """
    check_date(day, "day")
    calendar = HolidayCalendar.of(holidays)
    return day.weekday() < 5 and day not in calendar.dates


def roll_forward(day: date, holidays: HolidayCalendar | Iterable[date] | None = None) -> date:
    """The first business day on or after ``day`` (skipping weekends and ``holidays``).

    Args:
        day: The day.
        holidays: Days that are not business days besides weekends.

    Returns:
        ``day`` itself if it is a business day, else the next one.

    Raises:
        TypeError: If ``day`` is not a plain date.
        ValidationError: If ``holidays`` holds a non-date, or no business day
            follows ``day`` before the end of the calendar (9999-12-31).

    Examples:
        >>> from billing_core.deadlines import us_federal_holidays
        >>> roll_forward(date(2025, 5, 24), us_federal_holidays(2025))  # Sat, then Memorial Day
        datetime.date(2025, 5, 27)
    """
    check_date(day, "day")
    closed = HolidayCalendar.of(holidays).dates
    start = day
    while day.weekday() >= 5 or day in closed:
        if day == date.max:
            raise ValidationError(
                [
                    Finding(
                        location="day",
                        message=f"no business day on or after {start} before the end of 9999",
                        rule="holidays.no_business_day",
                    )
                ]
            )
        day += _ONE_DAY
    return day
