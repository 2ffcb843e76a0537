# Generated from _EXPORTS in billing_core/deadlines/__init__.py by `make stubs`; do not edit.

from billing_core.deadlines._calendars import HolidayCalendar as HolidayCalendar
from billing_core.deadlines._calendars import is_business_day as is_business_day
from billing_core.deadlines._calendars import roll_forward as roll_forward
from billing_core.deadlines._federal import us_federal_holidays as us_federal_holidays
from billing_core.deadlines._risk import ClaimDeadlineInput as ClaimDeadlineInput
from billing_core.deadlines._risk import DeadlineRisk as DeadlineRisk
from billing_core.deadlines._risk import DeadlineStatus as DeadlineStatus
from billing_core.deadlines._risk import at_risk as at_risk
from billing_core.deadlines._rules import FilingAnchor as FilingAnchor
from billing_core.deadlines._rules import FilingRule as FilingRule
from billing_core.deadlines._rules import deadline_for as deadline_for
from billing_core.deadlines._rules import filing_deadline as filing_deadline

__all__ = [
    "HolidayCalendar",
    "is_business_day",
    "roll_forward",
    "us_federal_holidays",
    "ClaimDeadlineInput",
    "DeadlineRisk",
    "DeadlineStatus",
    "at_risk",
    "FilingAnchor",
    "FilingRule",
    "deadline_for",
    "filing_deadline",
]
