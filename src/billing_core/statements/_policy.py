"""How often statements go out and what follows them: the statement policy.

Examples:
    >>> policy = StatementPolicy(every=1, unit=PeriodUnit.MONTHS, max_statements=3,
    ...                          final_notice_after=3)
    >>> policy.after_first(date(2025, 1, 31), 1)
    datetime.date(2025, 2, 28)
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date

import attrs
from dateutil.relativedelta import relativedelta

from billing_core._checks import describe
from billing_core.aging import DEFAULT_EDGES, AgingAnchor, validate_edges
from billing_core.errors import Finding, ValidationError
from billing_core.money import Money
from billing_core.statements._dates import later

__all__ = ["FinalAction", "PeriodUnit", "StatementPolicy"]


class PeriodUnit(enum.Enum):
    """The unit of a statement interval.

    Examples:
        >>> PeriodUnit("months")
        <PeriodUnit.MONTHS: 'months'>
    """

    DAYS = "days"
    MONTHS = "months"


class FinalAction(enum.Enum):
    """What happens after the final notice.

    Examples:
        >>> FinalAction("write_off")
        <FinalAction.WRITE_OFF: 'write_off'>
    """

    COLLECTIONS = "collections"
    """Send the balance to a collection agency."""
    WRITE_OFF = "write_off"
    """Write the balance off as bad debt."""


def _policy_findings(p: StatementPolicy) -> list[Finding]:
    findings: list[Finding] = []

    def bad(field: str, message: str) -> None:
        findings.append(
            Finding(location=f"StatementPolicy.{field}", message=message, rule="statement_policy")
        )

    def whole(field: str, value: object, minimum: int) -> bool:
        if type(value) is not int:
            bad(field, f"must be an int, got {describe(value)}")
            return False
        if value < minimum:
            bad(field, f"must be at least {minimum}, got {value}")
            return False
        return True

    # The cross-field check below runs only on fields that passed: comparing a str
    # interval would raise a TypeError instead of listing every problem at once.
    every_ok = whole("every", p.every, 1)
    max_ok = whole("max_statements", p.max_statements, 1)
    if not isinstance(p.unit, PeriodUnit):
        bad("unit", f"must be a PeriodUnit, got {describe(p.unit)}")
        every_ok = False
    if type(p.final_notice_after) is not int:
        bad("final_notice_after", f"must be an int, got {describe(p.final_notice_after)}")
    elif p.final_notice_after <= 0:
        bad(
            "final_notice_after",
            f"{p.final_notice_after} puts the final notice before or on the first statement;"
            " it counts from the first statement and must be positive",
        )
    elif every_ok and max_ok:
        # The final notice must come after the last regular statement, or the planner would
        # send it while statements are still due and the schedule would run backwards.
        last = (p.max_statements - 1) * p.every
        if p.final_notice_after <= last:
            unit = p.unit.value
            bad(
                "final_notice_after",
                f"{p.final_notice_after} {unit} is not after the last statement"
                f" ({p.max_statements} statements every {p.every} {unit}: the last at {last})",
            )
    whole("final_action_after_days", p.final_action_after_days, 0)
    whole("due_days", p.due_days, 0)
    if type(p.hold_while_insurance_pending) is not bool:
        bad(
            "hold_while_insurance_pending",
            f"must be a bool, got {describe(p.hold_while_insurance_pending)}",
        )
    if not isinstance(p.aging_anchor, AgingAnchor):
        bad("aging_anchor", f"must be an AgingAnchor, got {describe(p.aging_anchor)}")
    if not isinstance(p.final_action, FinalAction):
        bad("final_action", f"must be a FinalAction, got {describe(p.final_action)}")
    threshold = p.small_balance_threshold
    if threshold is not None:
        if not isinstance(threshold, Money):
            bad("small_balance_threshold", f"must be a Money or None, got {describe(threshold)}")
        elif threshold.minor < 0:
            bad("small_balance_threshold", f"must not be negative, got {threshold}")
    edge_findings = validate_edges(p.aging_edges)
    findings.extend(
        # validate_edges names its argument "buckets" (age()'s parameter): renamed to this
        # field, keeping any "[index]" that follows.
        attrs.evolve(f, location=f"StatementPolicy.aging_edges{f.location[7:]}")
        for f in edge_findings
    )
    return findings


def _edges(value: Iterable[int]) -> tuple[int, ...]:
    # A str is left as it is so validate_edges reports it, rather than tuple("30") quietly
    # becoming ("3", "0").
    return tuple(value) if not isinstance(value, str | bytes) else value  # type: ignore[return-value]


@attrs.frozen(kw_only=True)
class StatementPolicy:
    """How often to send statements, and what comes after them.

    Attributes:
        every: The interval between statements, in ``unit``.
        unit: Days or months.
        max_statements: How many regular statements at most.
        final_notice_after: When the final notice is due, in ``unit`` after the
            first statement; must come after the last regular statement.
        final_action: Collections or a bad-debt write-off, after the final notice.
        final_action_after_days: Days from the final notice to the final action.
        small_balance_threshold: Balances under it get one statement, then a
            small-balance write-off proposal; ``None`` for no such rule.
        due_days: Days from a statement's date to its due date.
        hold_while_insurance_pending: Hold dunning while any of the account's
            money is open with a payer (the default); with ``False`` only the
            pending lines wait (they are never due anyway).
        aging_edges: The band edges for the aging of the amount due.
        aging_anchor: What the statement's aging counts days from: by default
            the day the patient became responsible for each amount (the
            re-aged view: a patient is not late for a bill they only just
            received); ``AgingAnchor.SERVICE_DATE`` gives the view of an A/R
            aging report by date of service (see
            [`statement`][billing_core.statements.statement]). The statement
            names its anchor.

    Raises:
        ValidationError: Listing every problem, each naming the field and value.

    Examples:
        >>> StatementPolicy(every=1, unit=PeriodUnit.MONTHS, max_statements=3,
        ...                 final_notice_after=3).final_action
        <FinalAction.COLLECTIONS: 'collections'>
        >>> StatementPolicy(every=30, max_statements=3, final_notice_after=-10)
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: StatementPolicy.final_notice_after: -10 puts the ...
    """

    every: int = 30
    unit: PeriodUnit = PeriodUnit.DAYS
    max_statements: int = 3
    final_notice_after: int = 90
    final_action: FinalAction = FinalAction.COLLECTIONS
    final_action_after_days: int = 30
    small_balance_threshold: Money | None = None
    due_days: int = 25
    hold_while_insurance_pending: bool = True
    aging_edges: tuple[int, ...] = attrs.field(default=DEFAULT_EDGES, converter=_edges)
    aging_anchor: AgingAnchor = AgingAnchor.RESPONSIBILITY

    def __attrs_post_init__(self) -> None:
        findings = _policy_findings(self)
        if findings:
            raise ValidationError(findings)

    def after_first(self, first: date, units: int) -> date:
        """The date ``units`` intervals after ``first``, in one relativedelta step.

        Raises:
            ValidationError: If that date is after the last date a
                ``datetime.date`` can hold (9999-12-31).

        Examples:
            >>> monthly = StatementPolicy(every=1, unit=PeriodUnit.MONTHS, final_notice_after=3)
            >>> [monthly.after_first(date(2025, 1, 31), k).isoformat() for k in range(3)]
            ['2025-01-31', '2025-02-28', '2025-03-31']
            >>> monthly.after_first(date(9999, 12, 31), 1)
            Traceback (most recent call last):
            ...
            billing_core.errors.ValidationError: schedule: 9999-12-31 + 1 months is after ...
        """
        # Always from the first date, in one step: adding one month three times drifts at month
        # ends (Jan 31 -> Feb 28 -> Mar 28), while first + 2 months is Mar 31.
        if self.unit is PeriodUnit.MONTHS:
            return later(first, relativedelta(months=units), f"{units} months", "schedule")
        return later(first, relativedelta(days=units), f"{units} days", "schedule")
