"""Receipts: proof of payment, from the history alone.

A [`Receipt`][] follows one payment through the ledger: the lines it was
applied to (directly or later as credit), what remains open on them, what
was refunded and what is still unapplied. [`receipt`][] builds it as of a
date; `Receipt.text` is the patient's copy.

Examples:
    >>> import datetime
    >>> from billing_core.ledger import Party, PaymentReceived
    >>> pay = PaymentReceived(id="PAY-1", account_id="A1", effective=datetime.date(2024, 5, 1),
    ...                       amount=Money("30.00", "USD"), party=Party.patient("P1"))
    >>> r = receipt("PAY-1", [pay], as_of=datetime.date(2024, 5, 1))
    >>> r.applied, r.unapplied
    (Money('0.00', 'USD'), Money('30.00', 'USD'))
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import NamedTuple

import attrs

from billing_core._checks import check_date
from billing_core.allocation._fields import check_text
from billing_core.allocation._inputs import Payment
from billing_core.balances import line_balances
from billing_core.errors import NotFoundError
from billing_core.ledger import (
    Bucket,
    Entry,
    Party,
    PaymentApplied,
    PaymentReceived,
    Refund,
    Reversal,
)
from billing_core.money import Money, format_money
from billing_core.views import Protected, protected

__all__ = ["Receipt", "ReceiptLine", "receipt"]


@attrs.frozen(kw_only=True)
class ReceiptLine:
    """One line a payment was applied to, on a receipt.

    Attributes:
        line_id: The line.
        bucket: The bucket the payment reduced.
        applied: How much of the payment went to it.
        remaining: What is still open in that bucket (as of the receipt date).

    Examples:
        >>> usd = lambda s: Money(s, "USD")
        >>> ReceiptLine(line_id="L1", bucket=Bucket.PATIENT, applied=usd("25"),
        ...             remaining=usd("0")).settled
        True
    """

    line_id: str
    bucket: Bucket
    applied: Money
    remaining: Money

    @property
    def settled(self) -> bool:
        """Whether nothing remains open in the bucket.

        Examples:
            >>> usd = lambda s: Money(s, "USD")
            >>> ReceiptLine(line_id="L1", bucket=Bucket.PATIENT, applied=usd("5"),
            ...             remaining=usd("1")).settled
            False
        """
        return not self.remaining


@attrs.frozen(kw_only=True)
class Receipt:
    """Proof of payment: what a payment settled and what remains.

    Attributes:
        payment_id: The payment.
        account_id: The account.
        party: Who paid.
        received: When the payment was received.
        amount: How much was received.
        reversed: Whether the payment itself was reversed (e.g. a returned check).
        lines: The lines it was applied to.
        refunded: How much of it was refunded.
        unapplied: What of it is still unapplied credit.
        as_of: The date the receipt describes.

    Examples:
        >>> import datetime
        >>> usd = lambda s: Money(s, "USD")
        >>> r = Receipt(payment_id="PAY-1", account_id="A1", party=Party.patient("P1"),
        ...             received=datetime.date(2024, 5, 1), amount=usd("30"), reversed=False,
        ...             lines=(), refunded=usd("0"), unapplied=usd("30"),
        ...             as_of=datetime.date(2024, 5, 1))
        >>> r.applied
        Money('0.00', 'USD')
    """

    payment_id: str
    account_id: str = attrs.field(**protected(Protected.ID))
    party: Party
    received: datetime.date
    amount: Money
    reversed: bool
    lines: tuple[ReceiptLine, ...] = attrs.field(converter=tuple[ReceiptLine, ...])
    refunded: Money
    unapplied: Money
    as_of: datetime.date

    @property
    def applied(self) -> Money:
        """Total applied to lines.

        Examples:
            >>> import datetime
            >>> usd = lambda s: Money(s, "USD")
            >>> line = ReceiptLine(line_id="L1", bucket=Bucket.PATIENT, applied=usd("5"),
            ...                    remaining=usd("1"))
            >>> Receipt(payment_id="P", account_id="A1", party=Party.patient("P1"),
            ...         received=datetime.date(2024, 5, 1), amount=usd("5"), reversed=False,
            ...         lines=[line], refunded=usd("0"), unapplied=usd("0"),
            ...         as_of=datetime.date(2024, 5, 1)).applied
            Money('5.00', 'USD')
        """
        return Money.from_minor(sum(x.applied.minor for x in self.lines), self.amount.currency)

    @property
    def text(self) -> str:
        """The receipt as plain text, for the patient's records.

        Examples:
            >>> import datetime
            >>> usd = lambda s: Money(s, "USD")
            >>> r = Receipt(payment_id="PAY-1", account_id="A1", party=Party.patient("P1"),
            ...             received=datetime.date(2024, 5, 1), amount=usd("30"),
            ...             reversed=False, lines=(), refunded=usd("0"), unapplied=usd("30"),
            ...             as_of=datetime.date(2024, 5, 1))
            >>> print(r.text)
            Receipt for payment PAY-1 on account A1
            Received 2024-05-01 from patient:****: $30.00
            Unapplied credit: $30.00
            As of 2024-05-01
        """
        fmt = format_money
        out = [
            f"Receipt for payment {self.payment_id} on account {self.account_id}",
            f"Received {self.received} from {self.party}: {fmt(self.amount)}"
            + (" (REVERSED)" if self.reversed else ""),
        ]
        for line in self.lines:
            state = "paid in full" if line.settled else f"{fmt(line.remaining)} remaining"
            out.append(f"  line {line.line_id}: {fmt(line.applied)} applied, {state}")
        if self.refunded:
            out.append(f"Refunded: {fmt(self.refunded)}")
        if self.unapplied:
            out.append(f"Unapplied credit: {fmt(self.unapplied)}")
        out.append(f"As of {self.as_of}")
        return "\n".join(out)


def receipt(payment: Payment | str, entries: Iterable[Entry], *, as_of: datetime.date) -> Receipt:
    """Proof of a payment: the lines it was applied to and what remains open.

    Applications and refunds are linked to the payment by their source's
    ``payment_id`` (set by [`apply_allocation`][billing_core.allocation.apply_allocation],
    and by [`plan_credit_use`][billing_core.allocation.plan_credit_use] and
    [`refund`][billing_core.allocation.refund] when given one); reversed ones
    are netted out.

    Args:
        payment: The payment, or its id.
        entries: The account's history, including the payment.
        as_of: Only entries effective on or before it count.

    Returns:
        The receipt.

    Raises:
        NotFoundError: If the payment is not recorded by ``as_of``.
        TypeError: If ``as_of`` is not a plain date or the payment id not a str.

    Examples:
        >>> import datetime
        >>> from billing_core.allocation import (
        ...     OldestFirst, apply_allocation, open_items, plan_allocation)
        >>> from billing_core.ledger import ChargePosted
        >>> usd = lambda s: Money(s, "USD")
        >>> day = datetime.date(2024, 5, 1)
        >>> charges = [ChargePosted(id=f"c{n}", account_id="A1", line_id=f"L{n}",
        ...                         effective=datetime.date(2024, 2, n), amount=usd("25.00"),
        ...                         bucket=Bucket.PATIENT) for n in (1, 2)]
        >>> pay = Payment(id="PAY-1", account_id="A1", party=Party.patient("P1"),
        ...               amount=usd("40.00"), received=day)
        >>> items = open_items(line_balances(charges, day), Bucket.PATIENT,
        ...                    service_dates={"L1": charges[0].effective,
        ...                                   "L2": charges[1].effective})
        >>> plan = plan_allocation(pay, items, OldestFirst())
        >>> history = [*charges, *apply_allocation(plan, charges)]
        >>> print(receipt(pay, history, as_of=day).text)
        Receipt for payment PAY-1 on account A1
        Received 2024-05-01 from patient:****: $40.00
          line L1: $25.00 applied, paid in full
          line L2: $15.00 applied, $10.00 remaining
        As of 2024-05-01
    """
    payment_id = payment.id if isinstance(payment, Payment) else payment
    check_text(payment_id, "payment")
    check_date(as_of, "as_of")
    counted = [e for e in entries if e.effective <= as_of]
    trail = _trail(payment_id, counted)
    found = trail.received
    if found is None:
        raise NotFoundError(f"payment {payment_id} is not recorded by {as_of}")
    currency = found.amount.currency
    net_received = 0 if trail.reversed else found.amount.minor
    return Receipt(
        payment_id=payment_id,
        account_id=found.account_id,
        party=found.party,
        received=found.effective,
        amount=found.amount,
        reversed=trail.reversed,
        lines=_lines(trail.applied, counted, as_of, currency),
        refunded=Money.from_minor(trail.refunded, currency),
        unapplied=Money.from_minor(
            net_received - sum(trail.applied.values()) - trail.refunded, currency
        ),
        as_of=as_of,
    )


class _Trail(NamedTuple):
    """What the history says about one payment."""

    received: PaymentReceived | None
    reversed: bool
    applied: dict[tuple[str, Bucket], int]  # minor units net of reversals, by (line, bucket)
    refunded: int


def _trail(payment_id: str, counted: Iterable[Entry]) -> _Trail:
    received: PaymentReceived | None = None
    reversed_ = False
    applied: dict[tuple[str, Bucket], int] = {}
    refunded = 0
    for entry in counted:
        # A reversal counts against what it reverses: its amount is the negation.
        original = entry.original if isinstance(entry, Reversal) else entry
        if isinstance(original, PaymentReceived) and original.id == payment_id:
            if isinstance(entry, Reversal):
                reversed_ = True
            else:
                received = original
        elif original.source.payment_id == payment_id:
            m = entry.amount.minor
            if isinstance(original, PaymentApplied):
                key = (original.line_id or "", original.bucket)
                applied[key] = applied.get(key, 0) + m
            elif isinstance(original, Refund):
                refunded += m
    return _Trail(received, reversed_, applied, refunded)


def _lines(
    applied: dict[tuple[str, Bucket], int],
    counted: list[Entry],
    as_of: datetime.date,
    currency: str,
) -> list[ReceiptLine]:
    """A receipt line per (line, bucket) the payment still pays, with what remains open there."""
    if not applied:
        return []
    line_ids = {line_id for line_id, _bucket in applied}
    balances = line_balances([e for e in counted if e.line_id in line_ids], as_of)
    return [
        ReceiptLine(
            line_id=line_id,
            bucket=bucket,
            applied=Money.from_minor(m, currency),
            remaining=balances[line_id].open.of(bucket),
        )
        for (line_id, bucket), m in applied.items()
        if m  # an application reversed in full is not on the receipt
    ]
