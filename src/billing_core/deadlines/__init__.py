"""Timely-filing deadlines: payer rules as data, business-day rolling, US holidays.

A payer's timely-filing rule is a [`FilingRule`][billing_core.deadlines.rules.FilingRule]:
a period (days, months, or "until the end of the calendar year after the anchor")
counted from an anchor date (the service dates, the primary payer's adjudication,
a denial). The deadline is the anchor plus the period, rolled forward past
weekends and holidays; the [`rules`][billing_core.deadlines.rules] page states
the rule step by step.

Every name below is importable from `billing_core.deadlines`; each lives in
one of its modules:

| module | holds |
|---|---|
| [`calendars`][billing_core.deadlines.calendars] | `HolidayCalendar`, `us_federal_holidays`, `is_business_day`, `roll_forward` |
| [`rules`][billing_core.deadlines.rules] | `FilingAnchor`, `FilingRule`, `filing_deadline`, `deadline_for` |
| [`risk`][billing_core.deadlines.risk] | `ClaimDeadlineInput`, `DeadlineRisk`, `DeadlineStatus`, `at_risk` |

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
"""  # noqa: E501

from __future__ import annotations

from billing_core.deadlines.calendars import (
    HolidayCalendar,
    is_business_day,
    roll_forward,
    us_federal_holidays,
)
from billing_core.deadlines.risk import ClaimDeadlineInput, DeadlineRisk, DeadlineStatus, at_risk
from billing_core.deadlines.rules import FilingAnchor, FilingRule, deadline_for, filing_deadline

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
