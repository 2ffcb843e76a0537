"""Timely-filing deadlines: payer rules as data, business-day rolling, US holidays.

A payer's timely-filing rule is a [`FilingRule`][]: a period (days, months,
or "until the end of the calendar year after the anchor") counted from an
anchor date ([`FilingAnchor`][]): the service from date, the through date of
an institutional span, the primary payer's adjudication date for a secondary
claim, or the denial date for an appeal.

The rule used, in order:

1. **Anchor.** The date named by ``rule.anchor``. ``SERVICE_THROUGH`` falls back
   to the service from date when no through date is given (a one-day service).
2. **Period.** ``period_days``: anchor + that many calendar days.
   ``period_months``: anchor + that many calendar months with
   `dateutil.relativedelta.relativedelta`, which clamps to the last day
   of a shorter month (31 January + 3 months = 30 April; 29 February 2024 + 12
   months = 28 February 2025). The months are added in one step from the
   anchor, never month by month. ``end_of_following_year``: 31 December of the
   year after the anchor's year.
3. **Roll forward.** If that day is a Saturday, a Sunday or a day in the
   holiday calendar, the deadline moves to the next day that is none of these
   (``roll_to_business_day=False`` turns this off).

The deadline day itself is still in time: a claim filed on the deadline is
timely.

Examples:
    >>> from datetime import date
    >>> from billing_core.deadlines import FilingRule, filing_deadline, us_federal_holidays
    >>> rule = FilingRule(period_months=3)
    >>> filing_deadline(rule, service_from=date(2025, 1, 31))
    datetime.date(2025, 4, 30)
    >>> christmas_rule = FilingRule(period_days=330)
    >>> filing_deadline(christmas_rule, service_from=date(2025, 1, 29),
    ...                 holidays=us_federal_holidays(2025))
    datetime.date(2025, 12, 26)
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from typing import Final

import attrs
from dateutil.relativedelta import MO, TH, relativedelta
from dateutil.rrule import YEARLY, rrule

from billing_core._checks import date_findings, describe, is_plain_date
from billing_core.errors import Finding, ValidationError

__all__ = [
    "ClaimDeadlineInput",
    "DeadlineRisk",
    "DeadlineStatus",
    "FilingAnchor",
    "FilingRule",
    "HolidayCalendar",
    "at_risk",
    "deadline_for",
    "filing_deadline",
    "is_business_day",
    "roll_forward",
    "us_federal_holidays",
]

_ONE_DAY: Final = timedelta(days=1)


# --------------------------------------------------------------------------- holidays


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
        years: A year or an iterable of years (ints from 1 to 9998).
        observed: Whether to shift weekend holidays to the observed weekday.

    Returns:
        The calendar.

    Raises:
        ValidationError: If a year is not an int in range.

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
    wanted = [years] if isinstance(years, int) else list(years)
    bad = [
        Finding(
            location=f"years[{index}]",
            message=f"must be an int from 1 to 9998, got {describe(year)}",
            rule="holidays.year",
        )
        for index, year in enumerate(wanted)
        if type(year) is not int or not 1 <= year <= 9998
    ]
    if bad:
        raise ValidationError(bad)
    if not wanted:
        return HolidayCalendar(dates=(), name="US federal")
    year_set = set(wanted)
    # One year either side, so observed days that cross a year boundary are seen.
    first, last = max(1, min(wanted) - 1), max(wanted) + 1
    actual: list[date] = []
    for month, day in ((1, 1), (7, 4), (11, 11), (12, 25)):
        actual += _yearly(first, last, bymonth=month, bymonthday=day)
    actual += [d for d in _yearly(first, last, bymonth=6, bymonthday=19) if d.year >= 2021]
    actual += [d for d in _yearly(first, last, bymonth=1, byweekday=MO(+3)) if d.year >= 1986]
    actual += _yearly(first, last, bymonth=2, byweekday=MO(+3))
    actual += _yearly(first, last, bymonth=5, byweekday=MO(-1))
    actual += _yearly(first, last, bymonth=9, byweekday=MO(+1))
    actual += _yearly(first, last, bymonth=10, byweekday=MO(+2))
    actual += _yearly(first, last, bymonth=11, byweekday=TH(+4))
    days = (_observed(d) for d in actual) if observed else iter(actual)
    return HolidayCalendar(dates=[d for d in days if d.year in year_set], name="US federal")


def is_business_day(day: date, holidays: HolidayCalendar | Iterable[date] | None = None) -> bool:
    """Whether ``day`` is a weekday that is not in ``holidays``.

    Args:
        day: The day.
        holidays: Days that are not business days besides weekends.

    Returns:
        ``True`` for a business day.

    Examples:
        >>> july4 = date(2025, 7, 4)
        >>> is_business_day(july4), is_business_day(july4, us_federal_holidays(2025))
        (True, False)
        >>> is_business_day(date(2025, 7, 5))
        False
    """
    calendar = HolidayCalendar.of(holidays)
    return day.weekday() < 5 and day not in calendar.dates


def roll_forward(day: date, holidays: HolidayCalendar | Iterable[date] | None = None) -> date:
    """The first business day on or after ``day`` (skipping weekends and ``holidays``).

    Args:
        day: The day.
        holidays: Days that are not business days besides weekends.

    Returns:
        ``day`` itself if it is a business day, else the next one.

    Examples:
        >>> roll_forward(date(2025, 5, 24), us_federal_holidays(2025))  # Sat, then Memorial Day
        datetime.date(2025, 5, 27)
    """
    closed = HolidayCalendar.of(holidays).dates
    return _roll(day, closed)


def _roll(day: date, closed: frozenset[date]) -> date:
    while day.weekday() >= 5 or day in closed:
        day += _ONE_DAY
    return day


# --------------------------------------------------------------------------- rules


class FilingAnchor(enum.Enum):
    """The date a timely-filing period is counted from.

    Examples:
        >>> FilingAnchor.DENIED.value  # the keyword argument of filing_deadline() it reads
        'denied_on'
    """

    SERVICE_FROM = "service_from"
    """The (first) date of service."""
    SERVICE_THROUGH = "service_through"
    """The last date of an institutional span (falls back to the service from date)."""
    PRIMARY_ADJUDICATED = "primary_adjudicated"
    """The primary payer's adjudication (remittance) date, for a secondary claim."""
    DENIED = "denied_on"
    """The denial date, for an appeal."""


def _check_rule(rule: FilingRule) -> list[Finding]:
    findings: list[Finding] = []
    kinds = 0
    for name in ("period_days", "period_months"):
        value = getattr(rule, name)
        if value is None:
            continue
        kinds += 1
        if type(value) is not int:
            findings.append(
                Finding(
                    location=f"FilingRule.{name}",
                    message=f"must be an int, got {describe(value)}",
                    rule="filing_rule.period",
                )
            )
        elif value < 0:
            findings.append(
                Finding(
                    location=f"FilingRule.{name}",
                    message=f"must not be negative, got {value}",
                    rule="filing_rule.period",
                )
            )
    if type(rule.end_of_following_year) is not bool:
        findings.append(
            Finding(
                location="FilingRule.end_of_following_year",
                message=f"must be a bool, got {describe(rule.end_of_following_year)}",
                rule="filing_rule.period",
            )
        )
    elif rule.end_of_following_year:
        kinds += 1
    if kinds != 1:
        findings.append(
            Finding(
                location="FilingRule",
                message="needs exactly one of period_days, period_months,"
                f" end_of_following_year; got {kinds}",
                rule="filing_rule.period",
            )
        )
    if not isinstance(rule.anchor, FilingAnchor):
        findings.append(
            Finding(
                location="FilingRule.anchor",
                message=f"must be a FilingAnchor, got {describe(rule.anchor)}",
                rule="filing_rule.anchor",
            )
        )
    return findings


@attrs.frozen(kw_only=True)
class FilingRule:
    """A payer's timely-filing rule, as data.

    Exactly one of ``period_days``, ``period_months`` and
    ``end_of_following_year`` is set. See the module documentation for how a
    deadline is computed from it.

    Attributes:
        period_days: Calendar days from the anchor.
        period_months: Calendar months from the anchor (end-of-month clamped).
        end_of_following_year: Deadline is 31 December of the year after the anchor.
        anchor: Which date the period counts from.
        roll_to_business_day: Move a deadline on a weekend or holiday to the next
            business day.
        name: A label, e.g. ``"Medicare 12 months"``.

    Raises:
        ValidationError: Listing every problem: a negative or non-int period, no
            period or more than one, an anchor that is not a [`FilingAnchor`][].

    Examples:
        >>> str(FilingRule(period_days=90, anchor=FilingAnchor.DENIED))
        '90 days from the denial date'
        >>> FilingRule(period_days=-30)
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: FilingRule.period_days: must not be negative, got -30
    """

    period_days: int | None = None
    period_months: int | None = None
    end_of_following_year: bool = False
    anchor: FilingAnchor = FilingAnchor.SERVICE_FROM
    roll_to_business_day: bool = True
    name: str = ""

    def __attrs_post_init__(self) -> None:
        findings = _check_rule(self)
        if findings:
            raise ValidationError(findings)

    def __str__(self) -> str:
        anchor = _ANCHOR_WORDS[self.anchor]
        if self.period_days is not None:
            return f"{self.period_days} days from {anchor}"
        if self.period_months is not None:
            return f"{self.period_months} months from {anchor}"
        return f"end of the calendar year after {anchor}"


_ANCHOR_WORDS: Final = {
    FilingAnchor.SERVICE_FROM: "the service from date",
    FilingAnchor.SERVICE_THROUGH: "the service through date",
    FilingAnchor.PRIMARY_ADJUDICATED: "the primary payer's adjudication date",
    FilingAnchor.DENIED: "the denial date",
}


def _check_date(name: str, value: object) -> None:
    if value is not None and not is_plain_date(value):
        raise TypeError(f"{name} must be a datetime.date or None, got {describe(value)}")


def _anchor_date(
    rule: FilingRule,
    service_from: date | None,
    service_through: date | None,
    primary_adjudicated: date | None,
    denied_on: date | None,
) -> date | None:
    anchor = rule.anchor
    if anchor is FilingAnchor.SERVICE_FROM:
        return service_from
    if anchor is FilingAnchor.SERVICE_THROUGH:
        return service_through if service_through is not None else service_from
    if anchor is FilingAnchor.PRIMARY_ADJUDICATED:
        return primary_adjudicated
    return denied_on


def _deadline(rule: FilingRule, start: date, closed: frozenset[date]) -> date:
    if rule.period_days is not None:
        due = start + timedelta(days=rule.period_days)
    elif rule.period_months is not None:
        due = start + relativedelta(months=rule.period_months)
    else:
        due = date(start.year + 1, 12, 31)
    return _roll(due, closed) if rule.roll_to_business_day else due


def filing_deadline(
    rule: FilingRule,
    *,
    service_from: date | None = None,
    service_through: date | None = None,
    primary_adjudicated: date | None = None,
    denied_on: date | None = None,
    holidays: HolidayCalendar | Iterable[date] | None = None,
) -> date:
    """The last day to file under ``rule`` (see the module documentation for the rule).

    Only the date the rule anchors on is needed; the others may be omitted.

    Args:
        rule: The payer's rule.
        service_from: First date of service.
        service_through: Last date of service of an institutional span.
        primary_adjudicated: The primary payer's adjudication date.
        denied_on: The denial date.
        holidays: Days (besides weekends) a deadline rolls past.

    Returns:
        The deadline.

    Raises:
        ValidationError: If the anchor date is missing, the through date is
            before the from date, or ``holidays`` holds a non-date.
        TypeError: If a date argument is not a ``datetime.date``.

    Examples:
        >>> leap = FilingRule(period_months=12)
        >>> filing_deadline(leap, service_from=date(2024, 2, 29))  # Fri 28 Feb 2025
        datetime.date(2025, 2, 28)
        >>> medicare_old = FilingRule(
        ...     end_of_following_year=True, anchor=FilingAnchor.SERVICE_THROUGH
        ... )
        >>> filing_deadline(medicare_old, service_from=date(2019, 12, 20),
        ...                 service_through=date(2020, 1, 3))
        datetime.date(2021, 12, 31)
        >>> filing_deadline(medicare_old, service_from=date(2019, 12, 20),
        ...                 service_through=date(2020, 1, 3), holidays=us_federal_holidays(2021))
        datetime.date(2022, 1, 3)
        >>> # (31 Dec 2021 is the observed New Year's Day 2022; then a weekend)
        >>> filing_deadline(FilingRule(period_days=60, anchor=FilingAnchor.DENIED),
        ...                 service_from=date(2025, 1, 2))
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: denied_on: the rule counts from the denial date, ...
    """
    if not isinstance(rule, FilingRule):
        raise TypeError(f"rule must be a FilingRule, got {describe(rule)}")
    for name, value in (
        ("service_from", service_from),
        ("service_through", service_through),
        ("primary_adjudicated", primary_adjudicated),
        ("denied_on", denied_on),
    ):
        _check_date(name, value)
    if service_from is not None and service_through is not None and service_through < service_from:
        raise ValidationError(
            [
                Finding(
                    location="service_through",
                    message=f"{service_through} is before service_from {service_from}",
                    rule="filing.span",
                )
            ]
        )
    start = _anchor_date(rule, service_from, service_through, primary_adjudicated, denied_on)
    if start is None:
        raise ValidationError(
            [
                Finding(
                    location=rule.anchor.value,
                    message=f"the rule counts from {_ANCHOR_WORDS[rule.anchor]}, which is missing",
                    rule="filing.anchor_missing",
                )
            ]
        )
    return _deadline(rule, start, HolidayCalendar.of(holidays).dates)


def deadline_for(
    item: object,
    rule: FilingRule,
    *,
    holidays: HolidayCalendar | Iterable[date] | None = None,
) -> date:
    """[`filing_deadline`][] for any object with the dates as attributes.

    Reads ``service_from`` (or else ``service_date``, as on
    [`LineItem`][billing_core.charges.LineItem]), ``service_through``,
    ``primary_adjudicated`` and ``denied_on`` from ``item`` (a line, a
    [`ClaimDeadlineInput`][], a row); a missing attribute counts as ``None``.

    Args:
        item: The claim or line.
        rule: The payer's rule.
        holidays: Days (besides weekends) a deadline rolls past.

    Returns:
        The deadline.

    Examples:
        >>> from types import SimpleNamespace
        >>> line = SimpleNamespace(service_from=date(2025, 1, 31))
        >>> deadline_for(line, FilingRule(period_days=90))  # 1 May 2025, a Thursday
        datetime.date(2025, 5, 1)
    """
    service_from = getattr(item, "service_from", None)
    if service_from is None:
        service_from = getattr(item, "service_date", None)
    return filing_deadline(
        rule,
        service_from=service_from,
        service_through=getattr(item, "service_through", None),
        primary_adjudicated=getattr(item, "primary_adjudicated", None),
        denied_on=getattr(item, "denied_on", None),
        holidays=holidays,
    )


# --------------------------------------------------------------------------- at risk


@attrs.frozen(kw_only=True)
class ClaimDeadlineInput:
    """One claim (or line) to check for timely filing: its dates and its status.

    Attributes:
        claim_id: The claim's id.
        rule: The payer's filing rule.
        service_from: First date of service.
        service_through: Last date of service of an institutional span.
        primary_adjudicated: The primary payer's adjudication date (secondary claims).
        denied_on: The denial date (appeals).
        submitted_on: When the claim was submitted, if it was.
        paid_on: When the claim was paid (or otherwise finally resolved), if it was.

    Examples:
        >>> row = ClaimDeadlineInput(claim_id="C1", rule=FilingRule(period_days=90),
        ...                          service_from=date(2025, 1, 6))
        >>> deadline_for(row, row.rule)
        datetime.date(2025, 4, 7)
    """

    claim_id: str
    rule: FilingRule
    service_from: date | None = None
    service_through: date | None = None
    primary_adjudicated: date | None = None
    denied_on: date | None = None
    submitted_on: date | None = None
    paid_on: date | None = None


class DeadlineStatus(enum.Enum):
    """Why a claim is still exposed to its filing deadline.

    Examples:
        >>> DeadlineStatus("unpaid")
        <DeadlineStatus.UNPAID: 'unpaid'>
    """

    UNSUBMITTED = "unsubmitted"
    """Not submitted yet (as of the report date)."""
    UNPAID = "unpaid"
    """Submitted but not paid: a rejected or lost claim must be resubmitted in time."""


@attrs.frozen(kw_only=True)
class DeadlineRisk:
    """A claim approaching (or past) its filing deadline.

    Attributes:
        claim_id: The claim's id.
        deadline: The last day to file.
        days_left: Calendar days from the report date to the deadline; 0 means
            the deadline is today, negative means it was missed.
        status: Unsubmitted or submitted-but-unpaid.
        rule: The rule that gave the deadline.

    Examples:
        >>> risk = DeadlineRisk(claim_id="C1", deadline=date(2025, 4, 7), days_left=-2,
        ...                     status=DeadlineStatus.UNSUBMITTED, rule=FilingRule(period_days=90))
        >>> risk.missed
        True
    """

    claim_id: str
    deadline: date
    days_left: int
    status: DeadlineStatus
    rule: FilingRule

    @property
    def missed(self) -> bool:
        """Whether the deadline has passed.

        Examples:
            >>> DeadlineRisk(claim_id="C1", deadline=date(2025, 4, 7), days_left=0,
            ...              status=DeadlineStatus.UNPAID, rule=FilingRule(period_days=90)).missed
            False
        """
        return self.days_left < 0


def at_risk(
    items: Iterable[ClaimDeadlineInput],
    as_of: date,
    within_days: int,
    *,
    holidays: HolidayCalendar | Iterable[date] | None = None,
    include_missed: bool = True,
) -> tuple[DeadlineRisk, ...]:
    """Claims not submitted or not paid whose filing deadline is within ``within_days``.

    Uses only what is known on ``as_of``: a claim submitted (or paid) after
    ``as_of`` counts as not submitted (not paid); a claim whose anchor date is
    missing or after ``as_of`` (service not rendered yet, primary not yet
    adjudicated, no denial yet) has no running clock and is left out. Paid
    claims are left out.

    Args:
        items: The claims to check.
        as_of: The report date.
        within_days: Report deadlines at most this many days after ``as_of``.
        holidays: Days (besides weekends) deadlines roll past.
        include_missed: Also report deadlines already passed (``days_left < 0``).

    Returns:
        The claims at risk, soonest deadline first (ties by claim id).

    Raises:
        ValidationError: If ``within_days`` is not a non-negative int.

    Examples:
        >>> rule = FilingRule(period_days=90)
        >>> rows = [
        ...     ClaimDeadlineInput(claim_id="A", rule=rule, service_from=date(2025, 1, 6)),
        ...     ClaimDeadlineInput(claim_id="B", rule=rule, service_from=date(2025, 1, 6),
        ...                        submitted_on=date(2025, 1, 10)),
        ...     ClaimDeadlineInput(claim_id="C", rule=rule, service_from=date(2025, 1, 6),
        ...                        submitted_on=date(2025, 1, 10), paid_on=date(2025, 2, 1)),
        ...     ClaimDeadlineInput(claim_id="D", rule=rule, service_from=date(2025, 3, 1)),
        ... ]
        >>> [(r.claim_id, r.deadline.isoformat(), r.days_left, r.status.value)
        ...  for r in at_risk(rows, date(2025, 3, 31), within_days=14)]
        [('A', '2025-04-07', 7, 'unsubmitted'), ('B', '2025-04-07', 7, 'unpaid')]
    """
    if type(within_days) is not int or within_days < 0:
        raise ValidationError(
            [
                Finding(
                    location="within_days",
                    message=f"must be a non-negative int, got {describe(within_days)}",
                    rule="at_risk.within_days",
                )
            ]
        )
    _check_date("as_of", as_of)
    closed = HolidayCalendar.of(holidays).dates
    risks: list[DeadlineRisk] = []
    for item in items:
        if item.paid_on is not None and item.paid_on <= as_of:
            continue
        start = _anchor_date(
            item.rule, item.service_from, item.service_through, item.primary_adjudicated,
            item.denied_on,
        )  # fmt: skip
        if start is None or start > as_of:
            continue
        deadline = _deadline(item.rule, start, closed)
        days_left = (deadline - as_of).days
        if days_left > within_days or (days_left < 0 and not include_missed):
            continue
        submitted = item.submitted_on is not None and item.submitted_on <= as_of
        risks.append(
            DeadlineRisk(
                claim_id=item.claim_id,
                deadline=deadline,
                days_left=days_left,
                status=DeadlineStatus.UNPAID if submitted else DeadlineStatus.UNSUBMITTED,
                rule=item.rule,
            )
        )
    risks.sort(key=lambda r: (r.deadline, r.claim_id))
    return tuple(risks)
