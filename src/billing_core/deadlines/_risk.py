"""Claims at risk of missing their timely-filing deadline, as of a report date.

[`at_risk`][] lists the claims (or lines) not yet submitted, or submitted but
not paid, whose deadline is within a window, soonest first. Each row is a
[`ClaimDeadlineInput`][]: the claim's dates, what happened to it, and its
payer's [`FilingRule`][billing_core.deadlines.FilingRule].

Examples:
    >>> from datetime import date
    >>> from billing_core.deadlines import FilingRule
    >>> row = ClaimDeadlineInput(claim_id="C1", rule=FilingRule(period_days=90),
    ...                          service_from=date(2025, 1, 6))
    >>> [(r.claim_id, r.days_left) for r in at_risk([row], date(2025, 4, 1), within_days=7)]
    [('C1', 6)]
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date

import attrs

from billing_core._checks import check_date, describe, is_plain_date
from billing_core.deadlines._calendars import HolidayCalendar
from billing_core.deadlines._rules import FilingRule
from billing_core.errors import Finding, ValidationError

__all__ = ["ClaimDeadlineInput", "DeadlineRisk", "DeadlineStatus", "at_risk"]

_DATE_FIELDS = (
    "service_from",
    "service_through",
    "primary_adjudicated",
    "denied_on",
    "submitted_on",
    "paid_on",
)


def _row_findings(row: ClaimDeadlineInput) -> list[Finding]:
    """Every problem of a row, so that a report over many rows names them all at once."""
    findings = []
    if not isinstance(row.claim_id, str):
        findings.append(_finding("claim_id", f"must be a str, got {describe(row.claim_id)}"))
    if not isinstance(row.rule, FilingRule):
        findings.append(_finding("rule", f"must be a FilingRule, got {describe(row.rule)}"))
    for name in _DATE_FIELDS:
        value = getattr(row, name)
        if value is not None and not is_plain_date(value):
            findings.append(
                _finding(name, f"must be a datetime.date or None, got {describe(value)}")
            )
    start, end = row.service_from, row.service_through
    if is_plain_date(start) and is_plain_date(end) and end < start:
        findings.append(_finding("service_through", f"{end} is before service_from {start}"))
    return findings


def _finding(field: str, message: str) -> Finding:
    return Finding(
        location=f"ClaimDeadlineInput.{field}", message=message, rule="claim_deadline.field"
    )


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

    Raises:
        ValidationError: Listing every problem: an id that is not a str, a rule
            that is not a [`FilingRule`][billing_core.deadlines.FilingRule],
            a date that is not a plain date, a through date before the from date.

    Examples:
        >>> from billing_core.deadlines import deadline_for
        >>> row = ClaimDeadlineInput(claim_id="C1", rule=FilingRule(period_days=90),
        ...                          service_from=date(2025, 1, 6))
        >>> deadline_for(row, row.rule)
        datetime.date(2025, 4, 7)
        >>> ClaimDeadlineInput(claim_id="C2", rule=row.rule, service_from=date(2025, 1, 6),
        ...                    service_through=date(2025, 1, 5))
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: ClaimDeadlineInput.service_through: 2025-01-05 is before service_from 2025-01-06
    """  # noqa: E501

    claim_id: str
    rule: FilingRule
    service_from: date | None = None
    service_through: date | None = None
    primary_adjudicated: date | None = None
    denied_on: date | None = None
    submitted_on: date | None = None
    paid_on: date | None = None

    def __attrs_post_init__(self) -> None:
        findings = _row_findings(self)
        if findings:
            raise ValidationError(findings)


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
        ValidationError: If ``within_days`` is not a non-negative int, or
            ``holidays`` holds a non-date.
        TypeError: If ``as_of`` is not a plain date or an item is not a
            [`ClaimDeadlineInput`][].

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
    check_date(as_of, "as_of")
    calendar = HolidayCalendar.of(holidays)
    risks: list[DeadlineRisk] = []
    for index, item in enumerate(items):
        if not isinstance(item, ClaimDeadlineInput):
            raise TypeError(f"items[{index}] must be a ClaimDeadlineInput, got {describe(item)}")
        risk = _risk(item, as_of, calendar)
        if risk is None or risk.days_left > within_days:
            continue
        if risk.days_left < 0 and not include_missed:
            continue
        risks.append(risk)
    # Soonest deadline first; the claim id makes the order total, so equal deadlines
    # come out the same way whatever order the rows were given in.
    risks.sort(key=lambda r: (r.deadline, r.claim_id))
    return tuple(risks)


def _risk(item: ClaimDeadlineInput, as_of: date, calendar: HolidayCalendar) -> DeadlineRisk | None:
    """The claim's exposure on ``as_of``, or ``None`` when it has none (paid, or no clock yet)."""
    # Only what is known on as_of counts: a payment or a submission dated later has not
    # happened yet in the report.
    if item.paid_on is not None and item.paid_on <= as_of:
        return None
    rule = item.rule
    start = rule.anchor_date(
        service_from=item.service_from,
        service_through=item.service_through,
        primary_adjudicated=item.primary_adjudicated,
        denied_on=item.denied_on,
    )
    # No anchor yet (primary not adjudicated, no denial) or one in the future: the
    # filing clock has not started, so there is no deadline to miss.
    if start is None or start > as_of:
        return None
    deadline = rule.deadline_from(start, calendar)
    submitted = item.submitted_on is not None and item.submitted_on <= as_of
    return DeadlineRisk(
        claim_id=item.claim_id,
        deadline=deadline,
        days_left=(deadline - as_of).days,
        status=DeadlineStatus.UNPAID if submitted else DeadlineStatus.UNSUBMITTED,
        rule=rule,
    )
