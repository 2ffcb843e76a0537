"""Recording money: the ledger entries of a plan, a refund and small-balance write-offs.

Nothing here changes a history: each function returns the entries to append.
[`apply_allocation`][] checks first that the balances a plan assumed are still
current; [`refund`][] never gives back more than the credit available;
[`small_balance_write_offs`][] proposes write-offs to review.

Examples:
    >>> import datetime
    >>> from billing_core.balances import Credit
    >>> from billing_core.ledger import Party
    >>> usd = lambda s: Money(s, "USD")
    >>> credit = Credit(account_id="A1", party=Party.patient("P1"), received=usd("30"),
    ...                 applied=usd("25"), refunded=usd("0"))
    >>> refund(credit, usd("5"), id="f1", effective=datetime.date(2024, 6, 1)).party
    Party(kind=<PartyKind.PATIENT: 'patient'>, id='****')
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from billing_core._checks import check_date, describe
from billing_core.allocation._fields import check_positive_money, line_balance_values
from billing_core.allocation._plans import AllocationPlan
from billing_core.balances import Credit, LineBalance, credits, line_balances
from billing_core.errors import (
    DuplicateError,
    InsufficientCreditError,
    NotFoundError,
    StalePlanError,
)
from billing_core.ledger import (
    Bucket,
    Entry,
    PaymentApplied,
    PaymentReceived,
    Refund,
    Source,
    WriteOff,
    WriteOffReason,
    check_history,
)
from billing_core.money import Money

__all__ = ["apply_allocation", "refund", "small_balance_write_offs"]


def apply_allocation(plan: AllocationPlan, current: Iterable[Entry]) -> tuple[Entry, ...]:
    """The ledger entries that record a plan, after checking it is still current.

    For a payment plan: a [`PaymentReceived`][billing_core.ledger.PaymentReceived] (id:
    the payment's id) and one [`PaymentApplied`][billing_core.ledger.PaymentApplied] per
    line (id: ``"<plan id>:<line id>"``). For a credit-use plan: only the
    applications.

    Args:
        plan: The plan.
        current: The current history of the account (at least every entry
            of the plan's lines and of the party's credit).

    Returns:
        The new entries; nothing is recorded here, append them to the history.

    Raises:
        StalePlanError: If a line's open balance, or the credit a credit-use
            plan assumed, is no longer what the plan was built on.
        DuplicateError: If the payment is already recorded.
        NotFoundError: If a line of the plan is not in the history, or is on
            another account.
        ValidationError: If the history with the new entries would not be
            valid (see [`check_history`][billing_core.ledger.check_history]).

    Examples:
        >>> import datetime
        >>> from billing_core.allocation import OldestFirst, OpenItem, Payment, plan_allocation
        >>> from billing_core.ledger import ChargePosted, Party
        >>> usd = lambda s: Money(s, "USD")
        >>> charge = ChargePosted(id="c1", account_id="A1", line_id="L1",
        ...                       effective=datetime.date(2024, 2, 1), amount=usd("25.00"),
        ...                       bucket=Bucket.PATIENT)
        >>> pay = Payment(id="PAY-1", account_id="A1", party=Party.patient("P1"),
        ...               amount=usd("30.00"), received=datetime.date(2024, 5, 1))
        >>> item = OpenItem(line_id="L1", service_date=datetime.date(2024, 2, 1),
        ...                 open=usd("25.00"))
        >>> plan = plan_allocation(pay, [item], OldestFirst())
        >>> [type(e).__name__ for e in apply_allocation(plan, [charge])]
        ['PaymentReceived', 'PaymentApplied']
        >>> apply_allocation(plan, [charge, *apply_allocation(plan, [charge])])
        Traceback (most recent call last):
        ...
        billing_core.errors.DuplicateError: payment PAY-1 is already recorded
    """
    if not isinstance(plan, AllocationPlan):
        raise TypeError(f"plan must be an AllocationPlan, got {describe(plan)}")
    history = tuple(current)
    if plan.payment is not None and any(e.id == plan.payment.id for e in history):
        raise DuplicateError(f"payment {plan.payment.id} is already recorded")
    stale = _changed_lines(plan, history)
    if plan.payment is None:
        stale += _changed_credit(plan, history)
    if stale:
        raise StalePlanError("the plan is stale; re-plan it: " + "; ".join(stale))
    new = _entries(plan)
    # The plan was checked against the balances; the whole history is checked too, so
    # that no entry dated before later activity can make a later day invalid.
    check_history((*history, *new))
    return new


def _changed_lines(plan: AllocationPlan, history: tuple[Entry, ...]) -> list[str]:
    """How each line's open balance differs from what the plan assumed (empty: none does)."""
    wanted = {item.line_id for item in plan.assumed}
    lines = line_balances([e for e in history if e.line_id in wanted], plan.effective)
    stale = []
    for item in plan.assumed:
        balance = lines.get(item.line_id)
        if balance is None or balance.account_id != plan.account_id:
            raise NotFoundError(
                f"line {item.line_id} has no charge on account {plan.account_id}"
                f" by {plan.effective}"
            )
        now = balance.open.of(item.bucket)
        if now != item.open:
            stale.append(f"line {item.line_id} {item.bucket}: planned on {item.open}, now {now}")
    return stale


def _changed_credit(plan: AllocationPlan, history: tuple[Entry, ...]) -> list[str]:
    """A credit-use plan spends credit, so the credit must still be what it assumed."""
    mine = [e for e in history if e.account_id == plan.account_id]
    credit = credits(mine, plan.effective).get(plan.party)
    now = credit.available if credit is not None else Money.zero(plan.funds.currency)
    if now != plan.funds:
        return [f"credit of {plan.party}: planned on {plan.funds}, now {now}"]
    return []


def _entries(plan: AllocationPlan) -> tuple[Entry, ...]:
    new: list[Entry] = []
    if plan.payment is not None:
        new.append(
            PaymentReceived(
                id=plan.payment.id,
                account_id=plan.account_id,
                effective=plan.effective,
                amount=plan.payment.amount,
                source=Source(payment_id=plan.payment.id, reason=plan.payment.reference),
                party=plan.party,
            )
        )
    source = Source(payment_id=plan.payment_id)
    new.extend(
        PaymentApplied(
            id=f"{plan.id}:{app.line_id}",
            account_id=plan.account_id,
            line_id=app.line_id,
            effective=plan.effective,
            amount=app.amount,
            source=source,
            party=plan.party,
            bucket=app.bucket,
        )
        for app in plan.applications
    )
    return tuple(new)


def refund(
    credit: Credit,
    amount: Money,
    *,
    id: str,
    effective: datetime.date,
    reason: str | None = None,
    payment_id: str | None = None,
) -> Refund:
    """The entry that returns part of a party's credit to it.

    Args:
        credit: The party's credit (from [`credits`][billing_core.balances.credits]).
        amount: How much to return; positive, at most ``credit.available``.
        id: The refund entry's id.
        effective: Its date.
        reason: Why (kept in its source).
        payment_id: The payment being refunded, if any (shown on its receipt).

    Returns:
        The [`Refund`][billing_core.ledger.Refund] entry.

    Raises:
        InsufficientCreditError: If ``amount`` is more than the credit available.
        InvalidAmountError: If ``amount`` is not positive.
        CurrencyMismatchError: If ``amount`` is in another currency.
        TypeError: If ``credit`` is not a [`Credit`][billing_core.balances.Credit] or
            ``amount`` not a `Money` (the entry itself checks ``id`` and ``effective``).

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import Party
        >>> usd = lambda s: Money(s, "USD")
        >>> credit = Credit(account_id="A1", party=Party.patient("P1"), received=usd("30"),
        ...                 applied=usd("25"), refunded=usd("0"))
        >>> refund(credit, usd("5"), id="f1", effective=datetime.date(2024, 6, 1)).amount
        Money('5.00', 'USD')
        >>> refund(credit, usd("6"), id="f1", effective=datetime.date(2024, 6, 1))
        Traceback (most recent call last):
        ...
        billing_core.errors.InsufficientCreditError: cannot refund 6.00 USD to patient:****: only 5.00 USD of credit is available
    """  # noqa: E501
    if not isinstance(credit, Credit):
        raise TypeError(f"credit must be a Credit, got {describe(credit)}")
    check_positive_money(amount, "refund amount")
    available = credit.available
    if amount > available:
        raise InsufficientCreditError(
            f"cannot refund {amount} to {credit.party}: only {available} of credit is available"
        )
    return Refund(
        id=id,
        account_id=credit.account_id,
        effective=effective,
        amount=amount,
        source=Source(payment_id=payment_id, reason=reason),
        party=credit.party,
    )


def small_balance_write_offs(
    balances: Mapping[str, LineBalance] | Iterable[LineBalance],
    threshold: Money,
    as_of: datetime.date,
) -> tuple[WriteOff, ...]:
    """Propose write-offs of patient balances under a threshold, line by line.

    A line whose patient bucket holds more than zero and less than
    ``threshold`` gets a [`WriteOff`][billing_core.ledger.WriteOff] of exactly
    that amount, reason ``SMALL_BALANCE``, effective ``as_of``, with the id
    ``"<line id>:small-balance:<as_of>"``. Nothing is recorded: review the
    proposals, then append them to the history.

    Args:
        balances: Line balances as of ``as_of``.
        threshold: Write off patient balances strictly below this.
        as_of: The write-offs' date.

    Returns:
        The proposed write-offs, in the order of ``balances``.

    Raises:
        InvalidAmountError: If ``threshold`` is not positive.
        CurrencyMismatchError: If a line is in another currency.
        TypeError: If ``as_of`` is not a plain date or a balance is not a
            [`LineBalance`][billing_core.balances.LineBalance].

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import ChargePosted
        >>> day = datetime.date(2024, 6, 1)
        >>> history = [ChargePosted(id=f"c{n}", account_id="A1", line_id=f"L{n}",
        ...                         effective=day, amount=Money(a, "USD"), bucket=Bucket.PATIENT)
        ...            for n, a in enumerate(["2.50", "5.00", "80.00"])]
        >>> [(w.line_id, w.amount) for w in small_balance_write_offs(
        ...     line_balances(history, day), Money("5.00", "USD"), day)]
        [('L0', Money('2.50', 'USD'))]
    """
    check_positive_money(threshold, "threshold")
    check_date(as_of, "as_of")
    proposals = []
    for balance in line_balance_values(balances):
        owed = balance.open.of(Bucket.PATIENT)
        if owed.minor > 0 and owed < threshold:
            proposals.append(
                WriteOff(
                    id=f"{balance.line_id}:small-balance:{as_of.isoformat()}",
                    account_id=balance.account_id,
                    line_id=balance.line_id,
                    effective=as_of,
                    amount=owed,
                    source=Source(reason=f"patient balance under {threshold}"),
                    bucket=Bucket.PATIENT,
                    reason=WriteOffReason.SMALL_BALANCE,
                )
            )
    return tuple(proposals)
