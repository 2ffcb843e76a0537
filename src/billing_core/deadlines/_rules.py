"""Timely-filing rules as data, and the deadline a rule gives.

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
    >>> from billing_core.deadlines import us_federal_holidays
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
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Final

import attrs
from dateutil.relativedelta import relativedelta

from billing_core._checks import check_date, describe
from billing_core.deadlines._calendars import HolidayCalendar, roll_forward
from billing_core.errors import Finding, ValidationError

__all__ = ["FilingAnchor", "FilingRule", "deadline_for", "filing_deadline"]


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


def _period_finding(name: str, value: object) -> Finding | None:
    if value is None:
        return None
    if type(value) is not int:
        return Finding(
            location=f"FilingRule.{name}",
            message=f"must be an int, got {describe(value)}",
            rule="filing_rule.period",
        )
    if value < 0:
        return Finding(
            location=f"FilingRule.{name}",
            message=f"must not be negative, got {value}",
            rule="filing_rule.period",
        )
    return None


def _periods_are_whole_and_not_negative(rule: FilingRule) -> Iterable[Finding]:
    for name in ("period_days", "period_months"):
        finding = _period_finding(name, getattr(rule, name))
        if finding is not None:
            yield finding


def _flags_are_bools(rule: FilingRule) -> Iterable[Finding]:
    for name in ("end_of_following_year", "roll_to_business_day"):
        value = getattr(rule, name)
        if type(value) is not bool:
            yield Finding(
                location=f"FilingRule.{name}",
                message=f"must be a bool, got {describe(value)}",
                rule="filing_rule.period",
            )


def _exactly_one_period(rule: FilingRule) -> Iterable[Finding]:
    # A flag that is not a bool is reported by _flags_are_bools; it counts as no period here.
    kinds = (
        (rule.period_days is not None)
        + (rule.period_months is not None)
        + (rule.end_of_following_year is True)
    )
    if kinds != 1:
        yield Finding(
            location="FilingRule",
            message="needs exactly one of period_days, period_months,"
            f" end_of_following_year; got {kinds}",
            rule="filing_rule.period",
        )


def _anchor_is_a_filing_anchor(rule: FilingRule) -> Iterable[Finding]:
    if not isinstance(rule.anchor, FilingAnchor):
        yield Finding(
            location="FilingRule.anchor",
            message=f"must be a FilingAnchor, got {describe(rule.anchor)}",
            rule="filing_rule.anchor",
        )


_FILING_RULE_RULES: Final[tuple[Callable[[FilingRule], Iterable[Finding]], ...]] = (
    _periods_are_whole_and_not_negative,
    _flags_are_bools,
    _exactly_one_period,
    _anchor_is_a_filing_anchor,
)
"""What a FilingRule requires of its fields; every finding is reported at once."""


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
            period or more than one, a flag that is not a bool, an anchor that is
            not a [`FilingAnchor`][].

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
        findings = [f for requirement in _FILING_RULE_RULES for f in requirement(self)]
        if findings:
            raise ValidationError(findings)

    def anchor_date(
        self,
        *,
        service_from: date | None = None,
        service_through: date | None = None,
        primary_adjudicated: date | None = None,
        denied_on: date | None = None,
    ) -> date | None:
        """The date this rule counts from, among those given; ``None`` when it is missing.

        A ``SERVICE_THROUGH`` rule falls back to ``service_from`` (a one-day service).

        Examples:
            >>> rule = FilingRule(period_days=90, anchor=FilingAnchor.SERVICE_THROUGH)
            >>> rule.anchor_date(service_from=date(2025, 1, 6))
            datetime.date(2025, 1, 6)
            >>> FilingRule(period_days=60, anchor=FilingAnchor.DENIED).anchor_date(
            ...     service_from=date(2025, 1, 6)) is None
            True
        """
        anchor = self.anchor
        if anchor is FilingAnchor.SERVICE_FROM:
            return service_from
        if anchor is FilingAnchor.SERVICE_THROUGH:
            # A professional or one-day claim has no through date: it ends the day it starts.
            return service_through if service_through is not None else service_from
        if anchor is FilingAnchor.PRIMARY_ADJUDICATED:
            return primary_adjudicated
        return denied_on

    def deadline_from(
        self, anchor: date, holidays: HolidayCalendar | Iterable[date] | None = None
    ) -> date:
        """The deadline counted from ``anchor``, the date this rule counts from.

        Steps 2 and 3 of the rule in the module documentation: the period,
        then the roll to a business day (unless ``roll_to_business_day`` is off).

        Raises:
            TypeError: If ``anchor`` is not a plain date.
            ValidationError: If ``holidays`` holds a non-date, or the deadline
                would fall after 9999-12-31.

        Examples:
            >>> FilingRule(period_days=90).deadline_from(date(2024, 1, 1))  # Sun 31 March
            datetime.date(2024, 4, 1)
        """
        check_date(anchor, "anchor")
        calendar = HolidayCalendar.of(holidays)
        try:
            if self.period_days is not None:
                due = anchor + timedelta(days=self.period_days)
            elif self.period_months is not None:
                # In one step from the anchor: stepping a month at a time would clamp early
                # and stay clamped (31 Jan -> 28 Feb -> 28 Mar -> 28 Apr instead of 30 Apr).
                due = anchor + relativedelta(months=self.period_months)
            else:
                due = date(anchor.year + 1, 12, 31)
        except (OverflowError, ValueError):  # past date.max: timedelta, relativedelta, date
            raise ValidationError(
                [
                    Finding(
                        location="FilingRule",
                        message=f"{self} counted from {anchor} falls after 9999-12-31",
                        rule="filing.date_range",
                    )
                ]
            ) from None
        # Rolled after the period is added, never before: the period counts calendar days.
        return roll_forward(due, calendar) if self.roll_to_business_day else due

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
            before the from date, ``holidays`` holds a non-date, or the deadline
            would fall after 9999-12-31.
        TypeError: If ``rule`` is not a [`FilingRule`][] or a date argument
            is not a plain ``datetime.date``.

    Examples:
        >>> from billing_core.deadlines import us_federal_holidays
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
    dates = {
        "service_from": service_from,
        "service_through": service_through,
        "primary_adjudicated": primary_adjudicated,
        "denied_on": denied_on,
    }
    for name, value in dates.items():
        check_date(value, name, optional=True)
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
    start = rule.anchor_date(**dates)
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
    return rule.deadline_from(start, holidays)


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
