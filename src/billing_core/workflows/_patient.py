"""Patient money: payments applied to open lines, refunds of credit, small-balance write-offs.

Private: the public names are re-exported by [`billing_core.workflows`][billing_core.workflows].
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from billing_core.allocation import (
    AllocationStrategy,
    Payment,
    apply_allocation,
    open_items,
    plan_allocation,
    receipt,
    refund,
    small_balance_write_offs,
)
from billing_core.balances import credits, line_balances
from billing_core.bills import Bill
from billing_core.claims import Claim
from billing_core.errors import InsufficientCreditError
from billing_core.ledger import (
    Bucket,
    ChargePosted,
    Entry,
    Party,
    PaymentReceived,
    Refund,
    Source,
)
from billing_core.money import Money
from billing_core.storage import DocumentStore, Store
from billing_core.workflows._results import PaymentResult, RefundResult, WriteOffResult
from billing_core.workflows._retry import DEFAULT_ATTEMPTS, DEFAULT_BACKOFF, Backoff
from billing_core.workflows._skeleton import Done, Outcome, Step, read, recorded, run


def _service_dates(
    store: DocumentStore, account_id: str, history: Iterable[Entry]
) -> dict[str, datetime.date]:
    """Each line's service date: from the account's claims and bills, else its charge date."""
    dates: dict[str, datetime.date] = {}
    for e in history:
        if isinstance(e, ChargePosted) and e.line_id is not None:
            # The first charge's date: a line recharged later (after a reversal) still dates from
            # its service, not from the correction.
            dates.setdefault(e.line_id, e.effective)
    documents: list[Claim | Bill] = [v.value for v in store.find(Claim, "account_id", account_id)]
    documents += [v.value for v in store.find(Bill, "account_id", account_id)]
    # Documents override the charge dates: a charge is often posted days after the visit,
    # and allocation strategies that pay the oldest service first need the real date.
    for document in documents:
        for line in document.lines:
            dates[line.id] = line.service_date
    return dates


def _received(payment: Payment) -> PaymentReceived:
    """The entry apply_allocation records a payment by (its id is the payment's)."""
    # The payment's own id: a retried post_payment finds this entry and is a duplicate,
    # whatever allocation the strategy would now choose.
    return PaymentReceived(
        id=payment.id,
        account_id=payment.account_id,
        effective=payment.received,
        amount=payment.amount,
        source=Source(payment_id=payment.id, reason=payment.reference),
        party=payment.party,
    )


def post_payment(
    store: Store,
    payment: Payment,
    strategy: AllocationStrategy,
    *,
    bucket: Bucket = Bucket.PATIENT,
    service_dates: Mapping[str, datetime.date] | None = None,
    categories: Mapping[str, str] | None = None,
    max_attempts: int = DEFAULT_ATTEMPTS,
    backoff: Backoff = DEFAULT_BACKOFF,
) -> PaymentResult:
    """Record a payment and apply it to the account's open lines with a strategy.

    Reads the account, builds its open items in ``bucket`` as of the payment
    date (service dates from the account's stored claims and bills, else the
    charge date; ``service_dates`` overrides), plans with
    [`plan_allocation`][billing_core.allocation.plan_allocation] and appends the
    [`apply_allocation`][billing_core.allocation.apply_allocation] entries under the key
    ``"payment:<payment id>"``. What cannot be applied stays the party's credit.
    The same payment already recorded (same id, same content) is a duplicate:
    nothing is written. Another payment reusing its id is refused.

    Args:
        store: The store.
        payment: The payment (its id becomes its entry's id).
        strategy: How to choose lines and amounts.
        bucket: The bucket the paying party pays (the patient's by default).
        service_dates: Service dates by line id, overriding the stored ones.
        categories: Line classes for [`PriorityClasses`][billing_core.allocation.PriorityClasses].
        max_attempts: How many times to re-read and retry on a concurrent write.
        backoff: How long to wait before each retry.

    Returns:
        The [`PaymentResult`][billing_core.workflows.PaymentResult], with the payment's receipt.

    Raises:
        NotFoundError, ValidationError, InsufficientCreditError: As
            [`plan_allocation`][billing_core.allocation.plan_allocation] (nothing is written).
        DuplicateError: The payment's id is taken by a different entry (naming both).
        IncompleteBatchError: The store kept part of the payment's batch.
        ConcurrencyError: Still losing to concurrent writers after ``max_attempts``.

    Examples:
        >>> import datetime
        >>> import attrs
        >>> from billing_core.allocation import OldestFirst, Payment
        >>> from billing_core.charges import Category, LineItem
        >>> from billing_core.charging import charge_entries
        >>> from billing_core.ledger import Bucket, Party
        >>> from billing_core.money import Money
        >>> from billing_core.testing.memory import InMemoryStore
        >>> store = InMemoryStore()
        >>> day = datetime.date(2024, 5, 1)
        >>> _ = store.append("A1", charge_entries(
        ...     [LineItem(id="L1", category=Category.PROCEDURE, service_date=day,
        ...               charge=Money("25.00", "USD"))],
        ...     account_id="A1", bucket=Bucket.PATIENT, effective=day), 0, "visit")
        >>> pay = Payment(id="PAY-1", account_id="A1", party=Party.patient("P1"),
        ...               amount=Money("30.00", "USD"), received=day)
        >>> r = post_payment(store, pay, OldestFirst())
        >>> r.entry_ids, r.receipt.unapplied
        (('PAY-1', 'PAY-1:L1'), Money('5.00', 'USD'))
        >>> post_payment(store, pay, OldestFirst()).duplicate
        True
        >>> post_payment(store, attrs.evolve(pay, amount=Money("99.00", "USD")), OldestFirst())
        Traceback (most recent call last):
        ...
        billing_core.errors.DuplicateError: entry id 'PAY-1' is already used on account A1 by a PaymentReceived of 30.00 USD on 2024-05-01 for patient:****; this PaymentReceived of 99.00 USD on 2024-05-01 for patient:**** is a different entry: give it its own id; nothing was written
    """  # noqa: E501
    account_id = payment.account_id
    key = f"payment:{payment.id}"
    entry = _received(payment)

    def plan() -> Step[PaymentResult]:
        snapshot = read(store, [account_id])
        history = snapshot.history(account_id)
        # The receipt of a duplicate is rebuilt from the ledger: it must show what the first
        # call applied, not a fresh plan on today's balances.
        if recorded(history, entry):
            earlier = receipt(payment, history, as_of=payment.received)
            return Step(
                action=Done(key=key),
                finish=lambda o: PaymentResult(**o.fields(), plan=None, receipt=earlier),
            )
        dates = _service_dates(store, account_id, history)
        dates.update(service_dates or {})
        balances = line_balances(history, payment.received)
        items = open_items(balances, bucket, service_dates=dates, categories=categories)
        allocation = plan_allocation(payment, items, strategy)
        new = apply_allocation(allocation, history)

        def finish(outcome: Outcome) -> PaymentResult:
            # On a duplicate the batch is another call's: its entries are read back, since this
            # attempt's plan may differ from what that call wrote.
            now = store.read(account_id)[0] if outcome.duplicate else (*history, *new)
            paid = receipt(payment, now, as_of=payment.received)
            return PaymentResult(**outcome.fields(), plan=allocation, receipt=paid)

        return Step(action=snapshot.append(new, key), finish=finish)

    return run(store, plan, max_attempts=max_attempts, backoff=backoff)


def refund_credit(
    store: Store,
    account_id: str,
    party: Party,
    amount: Money,
    *,
    id: str,
    effective: datetime.date,
    reason: str | None = None,
    payment_id: str | None = None,
    max_attempts: int = DEFAULT_ATTEMPTS,
    backoff: Backoff = DEFAULT_BACKOFF,
) -> RefundResult:
    """Give back part of a party's unapplied credit on an account.

    The credit is read as of ``effective``
    ([`credits`][billing_core.balances.credits]), the entry made by
    [`refund`][billing_core.allocation.refund] and appended under the key
    ``"refund:<id>"``. The same refund already recorded (same id, same
    content) is a duplicate; another entry under this id is refused.

    Args:
        store: The store.
        account_id: The account.
        party: Whose credit.
        amount: How much; positive, at most the credit available.
        id: The refund entry's id.
        effective: Its date.
        reason: Why (kept in its source).
        payment_id: The payment refunded, if any (shown on its receipt).
        max_attempts: How many times to re-read and retry on a concurrent write.
        backoff: How long to wait before each retry.

    Returns:
        The [`RefundResult`][billing_core.workflows.RefundResult].

    Raises:
        InsufficientCreditError: The party has less credit than ``amount`` (or none).
        DuplicateError: The id is taken by a different entry (naming both).
        IncompleteBatchError: The store kept part of the refund's batch.
        ConcurrencyError: Still losing to concurrent writers after ``max_attempts``.

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import Party, PaymentReceived
        >>> from billing_core.money import Money
        >>> from billing_core.testing.memory import InMemoryStore
        >>> store = InMemoryStore()
        >>> day = datetime.date(2024, 5, 1)
        >>> jane = Party.patient("P1")
        >>> _ = store.append("A1", [PaymentReceived(id="PAY-1", account_id="A1", effective=day,
        ...                  amount=Money("30.00", "USD"), party=jane)], 0, "pay")
        >>> r = refund_credit(store, "A1", jane, Money("10.00", "USD"), id="RF-1", effective=day)
        >>> r.entry_ids, r.versions
        (('RF-1',), {'A1': 2})
        >>> refund_credit(store, "A1", jane, Money("25.00", "USD"), id="RF-2", effective=day)
        Traceback (most recent call last):
        ...
        billing_core.errors.InsufficientCreditError: cannot refund 25.00 USD to patient:****: only 20.00 USD of credit is available
    """  # noqa: E501
    key = f"refund:{id}"
    # The entry refund() makes: an earlier one under this id must be this very refund.
    wanted = Refund(
        id=id,
        account_id=account_id,
        effective=effective,
        amount=amount,
        source=Source(payment_id=payment_id, reason=reason),
        party=party,
    )

    def plan() -> Step[RefundResult]:
        snapshot = read(store, [account_id])
        history = snapshot.history(account_id)
        if recorded(history, wanted):
            return Step(
                action=Done(key=key), finish=lambda o: RefundResult(**o.fields(), refund=wanted)
            )
        # As of the refund's own date: a back-dated refund must find the credit there was
        # then, and Snapshot.append checks that no later day goes negative.
        credit = credits(history, effective).get(party)
        if credit is None:
            raise InsufficientCreditError(f"{party} has no credit on account {account_id}")
        entry = refund(
            credit, amount, id=id, effective=effective, reason=reason, payment_id=payment_id
        )
        return Step(
            action=snapshot.append([entry], key),
            finish=lambda o: RefundResult(**o.fields(), refund=entry),
        )

    return run(store, plan, max_attempts=max_attempts, backoff=backoff)


def write_off_small_balances(
    store: Store,
    account_id: str,
    threshold: Money,
    *,
    as_of: datetime.date,
    max_attempts: int = DEFAULT_ATTEMPTS,
    backoff: Backoff = DEFAULT_BACKOFF,
) -> WriteOffResult:
    """Write off the account's patient balances under a threshold, line by line.

    The proposals of [`small_balance_write_offs`][billing_core.allocation.small_balance_write_offs]
    as of ``as_of`` (ids ``"<line>:small-balance:<as_of>"``) are appended
    under the key ``"small-balances:<account>:<as_of>"``: one run per account
    and day. Proposals already recorded are skipped; a run that finds
    nothing to write off writes nothing (and is not a duplicate).

    Args:
        store: The store.
        account_id: The account.
        threshold: Write off patient balances strictly below this.
        as_of: The balances' and the write-offs' date.
        max_attempts: How many times to re-read and retry on a concurrent write.
        backoff: How long to wait before each retry.

    Returns:
        The [`WriteOffResult`][billing_core.workflows.WriteOffResult].

    Raises:
        InvalidAmountError: ``threshold`` is not positive.
        ConcurrencyError: Still losing to concurrent writers after ``max_attempts``.

    Examples:
        >>> import datetime
        >>> from billing_core.charges import Category, LineItem
        >>> from billing_core.charging import charge_entries
        >>> from billing_core.ledger import Bucket
        >>> from billing_core.money import Money
        >>> from billing_core.testing.memory import InMemoryStore
        >>> store = InMemoryStore()
        >>> day = datetime.date(2024, 6, 1)
        >>> lines = [LineItem(id=f"L{n}", category=Category.SUPPLY, service_date=day,
        ...                   charge=Money(a, "USD")) for n, a in ((1, "2.50"), (2, "80.00"))]
        >>> _ = store.append("A1", charge_entries(lines, account_id="A1", bucket=Bucket.PATIENT,
        ...                                       effective=day), 0, "visit")
        >>> r = write_off_small_balances(store, "A1", Money("5.00", "USD"), as_of=day)
        >>> [(w.line_id, w.amount) for w in r.write_offs]
        [('L1', Money('2.50', 'USD'))]
        >>> write_off_small_balances(store, "A1", Money("5.00", "USD"), as_of=day).written
        ()
    """
    # One run per account and day: running it twice in a day must not write off twice.
    key = f"small-balances:{account_id}:{as_of.isoformat()}"

    def plan() -> Step[WriteOffResult]:
        snapshot = read(store, [account_id])
        history = snapshot.history(account_id)
        done = {e.id for e in history}
        balances = line_balances(history, as_of)
        # Skipped by id: the ids carry the line and the day, so a write-off made by an
        # earlier partial run is not proposed again.
        proposals = tuple(
            w for w in small_balance_write_offs(balances, threshold, as_of) if w.id not in done
        )
        if not proposals:  # nothing to write off is not a duplicate
            return Step(action=None, finish=lambda o: WriteOffResult(**o.fields(), write_offs=()))
        return Step(
            action=snapshot.append(proposals, key),
            finish=lambda o: WriteOffResult(
                **o.fields(), write_offs=() if o.duplicate else proposals
            ),
        )

    return run(store, plan, max_attempts=max_attempts, backoff=backoff)
