"""The dunning planner: what to send a patient next, and when.

[`next_action`][billing_core.statements.next_action] is a pure
function of a [`DunningHistory`][billing_core.statements.DunningHistory]
(the balance, what was sent, holds), ``as_of`` and a
[`StatementPolicy`][billing_core.statements.StatementPolicy]; dates
follow the schedule rule of [`statements`][billing_core.statements].

Examples:
    >>> from billing_core.money import Money
    >>> from billing_core.statements import StatementPolicy
    >>> h = DunningHistory(balance=Money("80.00", "USD"), balance_since=date(2025, 1, 10))
    >>> next_action(h, date(2025, 1, 20), StatementPolicy()).kind
    <ActionKind.SEND_STATEMENT: 'send_statement'>
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date

import attrs
from dateutil.relativedelta import relativedelta

from billing_core._checks import date_findings, describe
from billing_core.errors import ValidationError
from billing_core.ledger._effects import check_as_of
from billing_core.ledger._fields import optional_date
from billing_core.money import Money
from billing_core.statements._dates import later
from billing_core.statements._document import Statement
from billing_core.statements._policy import FinalAction, StatementPolicy

__all__ = ["ActionKind", "DunningAction", "DunningHistory", "next_action"]


class ActionKind(enum.Enum):
    """The next step for a patient balance.

    Examples:
        >>> ActionKind("send_final_notice")
        <ActionKind.SEND_FINAL_NOTICE: 'send_final_notice'>
    """

    NONE = "none"
    """Nothing is owed (or the credit covers it)."""
    HOLD = "hold"
    """Wait: insurance is pending, or a payment plan is current."""
    SEND_STATEMENT = "send_statement"
    SEND_FINAL_NOTICE = "send_final_notice"
    SEND_TO_COLLECTIONS = "send_to_collections"
    WRITE_OFF_BAD_DEBT = "write_off_bad_debt"
    PROPOSE_SMALL_BALANCE_WRITE_OFF = "propose_small_balance_write_off"


def _dates(value: Iterable[date]) -> tuple[date, ...]:
    items = list(value)
    bad = date_findings(items, "statements_sent", "dunning.dates")
    if bad:
        raise ValidationError(bad)
    # Sorted: callers keep sent dates in any order, and the planner reads the first and
    # the last of the cycle by position.
    return tuple(sorted(items))


@attrs.frozen(kw_only=True)
class DunningHistory:
    """What the planner needs to know about one account's patient balance.

    Attributes:
        balance: What the patient owes now (after credits, pending lines excluded).
        balance_since: When that balance first appeared (the first statement's
            date if none was sent yet).
        insurance_pending: Whether a payer still has money of the account open.
        statements_sent: Dates of the statements sent in this dunning cycle.
        final_notice_sent: When the final notice was sent, if it was.
        payment_plan_current: Whether a payment plan is in place and current.
        last_payment: When the patient last paid, if ever. A payment starts a
            new dunning cycle: statements and a final notice sent on or before
            it no longer count toward the final notice or collections.

    Examples:
        >>> DunningHistory(balance=Money("10.00", "USD"), statements_sent=["2025-01-01"])
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: statements_sent[0]: not a datetime.date: ...
    """

    balance: Money = attrs.field(validator=attrs.validators.instance_of(Money))
    balance_since: date | None = attrs.field(default=None, validator=optional_date)
    insurance_pending: bool = attrs.field(
        default=False, validator=attrs.validators.instance_of(bool)
    )
    statements_sent: tuple[date, ...] = attrs.field(default=(), converter=_dates)
    final_notice_sent: date | None = attrs.field(default=None, validator=optional_date)
    payment_plan_current: bool = attrs.field(
        default=False, validator=attrs.validators.instance_of(bool)
    )
    last_payment: date | None = attrs.field(default=None, validator=optional_date)

    @classmethod
    def from_statement(
        cls,
        statement: Statement,
        *,
        statements_sent: Iterable[date] = (),
        final_notice_sent: date | None = None,
        payment_plan_current: bool = False,
        last_payment: date | None = None,
    ) -> DunningHistory:
        """The history of a statement's account: its pay-now amount, pending insurance.

        Examples:
            >>> s = Statement(account_id="A1", statement_date=date(2025, 3, 31),
            ...               due_date=date(2025, 4, 25), currency="USD", lines=(),
            ...               credit_available=Money("0.00", "USD"), aging_edges=(30,), aging=())
            >>> DunningHistory.from_statement(s).balance
            Money('0.00', 'USD')
        """
        return cls(
            balance=statement.pay_now,
            balance_since=statement.oldest_due_since,
            insurance_pending=statement.insurance_pending.minor != 0,
            statements_sent=statements_sent,
            final_notice_sent=final_notice_sent,
            payment_plan_current=payment_plan_current,
            last_payment=last_payment,
        )


@attrs.frozen(kw_only=True)
class DunningAction:
    """The next dunning step.

    Attributes:
        kind: What to do.
        on: When: the scheduled date, or ``as_of`` if that has passed.
        scheduled: The date the policy gives for it.
        due: Whether it should be done now (scheduled on or before ``as_of``).
        reason: Why, in words.
        statement_number: For a statement, which one (1 for the first).

    Examples:
        >>> DunningAction(kind=ActionKind.NONE, on=date(2025, 1, 1), scheduled=date(2025, 1, 1),
        ...               due=True, reason="nothing owed").statement_number
    """

    kind: ActionKind
    on: date
    scheduled: date
    due: bool
    reason: str
    statement_number: int | None = None


def next_action(history: DunningHistory, as_of: date, policy: StatementPolicy) -> DunningAction:
    """The next dunning step for a patient balance (a pure planner).

    In order: nothing owed -> nothing to do; insurance pending (unless the
    policy says otherwise) or a current payment plan -> hold; no statement
    yet -> the first statement when the balance appears; a balance under
    ``small_balance_threshold`` after one statement -> propose a
    small-balance write-off one interval later; fewer
    than ``max_statements`` -> the next statement; then the final notice;
    then collections or a bad-debt write-off. Statements and notices dated
    after ``as_of`` count as not sent. A patient payment (``last_payment``)
    starts a new cycle: what was sent on or before it no longer counts, and
    the new cycle's first statement is due one interval after the last
    statement of the old one. Dates follow the module's schedule rule.

    Args:
        history: The balance and what was sent.
        as_of: Today.
        policy: The statement policy.

    Returns:
        The next action.

    Raises:
        TypeError: If ``history``, ``as_of`` or ``policy`` has the wrong type.
        ValidationError: If the scheduled date would be after 9999-12-31.

    Examples:
        >>> from billing_core.statements import FinalAction, PeriodUnit
        >>> policy = StatementPolicy(every=1, unit=PeriodUnit.MONTHS, max_statements=2,
        ...                          final_notice_after=2, final_action=FinalAction.WRITE_OFF,
        ...                          small_balance_threshold=Money("5.00", "USD"))
        >>> sent = (date(2025, 1, 31), date(2025, 2, 28))
        >>> h = DunningHistory(balance=Money("80.00", "USD"), statements_sent=sent)
        >>> a = next_action(h, date(2025, 3, 15), policy)
        >>> a.kind.value, a.on.isoformat()
        ('send_final_notice', '2025-03-31')
        >>> h = DunningHistory(balance=Money("80.00", "USD"), statements_sent=sent,
        ...                    final_notice_sent=date(2025, 3, 31))
        >>> next_action(h, date(2025, 5, 2), policy).kind.value
        'write_off_bad_debt'
        >>> small = DunningHistory(balance=Money("4.99", "USD"), statements_sent=sent[:1])
        >>> next_action(small, date(2025, 2, 1), policy).kind.value
        'propose_small_balance_write_off'
        >>> paid = DunningHistory(balance=Money("80.00", "USD"), statements_sent=sent,
        ...                       last_payment=date(2025, 3, 10))
        >>> a = next_action(paid, date(2025, 3, 15), policy)
        >>> a.kind.value, a.on.isoformat(), a.statement_number
        ('send_statement', '2025-03-28', 1)
    """
    _check_inputs(history, as_of, policy)
    # A credit balance (negative) is nothing owed either: dunning never chases a refund.
    if history.balance.minor <= 0:
        return _act(ActionKind.NONE, as_of, as_of, "nothing is owed")
    if history.insurance_pending and policy.hold_while_insurance_pending:
        reason = "insurance is pending; statements wait for the payer"
        return _act(ActionKind.HOLD, as_of, as_of, reason)
    # Checked before the cycle: a patient on a current plan must not get a final notice
    # for a cycle that started before the plan.
    if history.payment_plan_current:
        return _act(ActionKind.HOLD, as_of, as_of, "a payment plan is current")
    sent, notice, restart = _this_cycle(history, as_of, policy)
    if restart is not None:
        return restart
    if not sent:
        # No date known: the first statement is due today rather than never.
        appeared = history.balance_since or as_of
        return _act(ActionKind.SEND_STATEMENT, appeared, as_of, "a patient balance appeared", 1)
    return _after_statements(history, as_of, policy, sent, notice)


def _check_inputs(history: object, as_of: object, policy: object) -> None:
    if not isinstance(history, DunningHistory):
        raise TypeError(f"history must be a DunningHistory, got {describe(history)}")
    if not isinstance(policy, StatementPolicy):
        raise TypeError(f"policy must be a StatementPolicy, got {describe(policy)}")
    check_as_of(as_of)


def _act(
    kind: ActionKind, scheduled: date, as_of: date, reason: str, number: int | None = None
) -> DunningAction:
    """An action scheduled on ``scheduled``: done on it, or today if that has passed."""
    return DunningAction(
        kind=kind,
        # A step whose date has passed is done today, not back-dated: a letter cannot be
        # sent in the past, and its deadlines count from when it really goes.
        on=max(scheduled, as_of),
        scheduled=scheduled,
        due=scheduled <= as_of,
        reason=reason,
        statement_number=number,
    )


def _this_cycle(
    history: DunningHistory, as_of: date, policy: StatementPolicy
) -> tuple[list[date], date | None, DunningAction | None]:
    """The statements and final notice of the current cycle (sent by ``as_of``).

    A patient payment starts a new cycle: what was sent on or before it no
    longer counts. When the payment came after the last statement, the new
    cycle's first statement is due one interval after that statement (the
    third value).
    """
    # Sent dates after as_of are ignored, so the planner can be asked about any past day
    # and answers as it would have then.
    sent = [d for d in history.statements_sent if d <= as_of]
    notice = history.final_notice_sent
    paid_on = history.last_payment
    if paid_on is None or paid_on > as_of:
        return sent, notice, None
    before = [d for d in sent if d <= paid_on]
    sent = [d for d in sent if d > paid_on]
    if notice is not None and notice <= paid_on:
        notice = None
    # Paid after the last statement: the new cycle picks up the old rhythm instead of
    # sending a statement the day after the payment.
    if before and not sent:
        restart = _act(
            ActionKind.SEND_STATEMENT,
            policy.after_first(before[-1], policy.every),
            as_of,
            f"statement 1 of {policy.max_statements} after the payment of {paid_on}",
            1,
        )
        return sent, notice, restart
    return sent, notice, None


def _after_statements(
    history: DunningHistory,
    as_of: date,
    policy: StatementPolicy,
    sent: list[date],
    notice: date | None,
) -> DunningAction:
    """The step once a cycle's first statement went out: the module's schedule rule."""
    first = sent[0]
    threshold = policy.small_balance_threshold
    # A small balance gets one statement only; chasing it further costs more than it is
    # worth, so the next step is the write-off proposal.
    if threshold is not None and history.balance < threshold:
        return _act(
            ActionKind.PROPOSE_SMALL_BALANCE_WRITE_OFF,
            policy.after_first(first, policy.every),
            as_of,
            f"balance {history.balance} is under the small-balance threshold {threshold}",
        )
    if len(sent) < policy.max_statements:
        n = len(sent)
        return _act(
            ActionKind.SEND_STATEMENT,
            # Statement n+1 is dated from the first of the cycle (n intervals), not from the last
            # one sent: a late statement does not push back the rest of the schedule.
            policy.after_first(first, n * policy.every),
            as_of,
            f"statement {n + 1} of {policy.max_statements}",
            n + 1,
        )
    if notice is None or notice > as_of:
        return _act(
            ActionKind.SEND_FINAL_NOTICE,
            policy.after_first(first, policy.final_notice_after),
            as_of,
            f"{policy.max_statements} statements sent without payment",
        )
    kind = (
        ActionKind.SEND_TO_COLLECTIONS
        if policy.final_action is FinalAction.COLLECTIONS
        else ActionKind.WRITE_OFF_BAD_DEBT
    )
    days = policy.final_action_after_days
    return _act(
        kind,
        # The final action counts from the notice actually sent, not the scheduled one: the
        # patient gets the full notice period.
        later(notice, relativedelta(days=days), f"{days} days", "final action"),
        as_of,
        f"final notice of {notice.isoformat()} went unanswered",
    )
