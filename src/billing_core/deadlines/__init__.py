"""Timely-filing deadlines: payer rules as data, business-day rolling, US holidays.

A payer's timely-filing rule is a [`FilingRule`][billing_core.deadlines.FilingRule]:
a period (days, months, or "until the end of the calendar year after the anchor")
counted from an anchor date (the service dates, the primary payer's adjudication,
a denial). The deadline is the anchor plus the period, rolled forward past
weekends and holidays; the [`deadlines`][billing_core.deadlines] page states
the rule step by step. The US federal holidays are built in; a state's or another
country's calendar comes from the optional ``holidays`` package in one call,
[`HolidayCalendar.from_holidays`][billing_core.deadlines.HolidayCalendar.from_holidays]
(``pip install 'billing_core[holidays]'``).

What it holds:

| concept | names |
|---|---|
| calendars | `HolidayCalendar`, `us_federal_holidays`, `is_business_day`, `roll_forward` |
| filing rules | `FilingAnchor`, `FilingRule`, `filing_deadline`, `deadline_for` |
| risk | `ClaimDeadlineInput`, `DeadlineRisk`, `DeadlineStatus`, `at_risk` |

Examples:
    >>> from datetime import date
    >>> from billing_core.deadlines import ClaimDeadlineInput, FilingRule, at_risk
    >>> rows = [ClaimDeadlineInput(claim_id="C1", rule=FilingRule(period_months=12),
    ...                            service_from=date(2024, 4, 30))]
    >>> [(r.claim_id, str(r.deadline), r.status.value)
    ...  for r in at_risk(rows, date(2025, 4, 1), within_days=30)]
    [('C1', '2025-04-30', 'unsubmitted')]
"""

from __future__ import annotations

from billing_core._lazy import lazy_exports

_EXPORTS = {
    "billing_core.deadlines._calendars": ("HolidayCalendar", "is_business_day", "roll_forward"),
    "billing_core.deadlines._federal": ("us_federal_holidays",),
    "billing_core.deadlines._risk": (
        "ClaimDeadlineInput",
        "DeadlineRisk",
        "DeadlineStatus",
        "at_risk",
    ),
    "billing_core.deadlines._rules": (
        "FilingAnchor",
        "FilingRule",
        "deadline_for",
        "filing_deadline",
    ),
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
