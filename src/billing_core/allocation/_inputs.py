"""What a payment plan starts from: the money and the lines it can pay.

A [`Payment`][] is money received from a party; an [`OpenItem`][] is a line's
open balance in the bucket that party pays.

[`open_items`][] builds the open items of one bucket from line balances; build
them yourself when the lines come from elsewhere.

`Payment` lives here, with allocation, rather than among the documents: it
names the paying [`Party`][billing_core.ledger.Party], which the ledger layer
defines, and a document may not import from the ledger.

Examples:
    >>> import datetime
    >>> from billing_core.ledger import Party
    >>> from billing_core.money import Money
    >>> pay = Payment(id="PAY-1", account_id="A1", party=Party.patient("P1"),
    ...               amount=Money("50.00", "USD"), received=datetime.date(2024, 5, 1))
    >>> item = OpenItem(line_id="L1", service_date=datetime.date(2024, 2, 1),
    ...                 open=Money("25.00", "USD"))
    >>> pay.amount > item.open
    True
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

import attrs

from billing_core._checks import check_date, describe
from billing_core.allocation._fields import (
    check_positive_money,
    check_text,
    line_balance_values,
)
from billing_core.balances import LineBalance
from billing_core.errors import InvalidAmountError, NotFoundError
from billing_core.ledger import Bucket, Party
from billing_core.money import Money
from billing_core.views import Protected, protected

__all__ = ["OpenItem", "Payment", "open_items"]


@attrs.frozen(kw_only=True)
class Payment:
    """Money received from a party, to be applied to its open lines.

    Attributes:
        id: The payment's id (becomes the id of its [`PaymentReceived`][billing_core.ledger.PaymentReceived]).
        account_id: The account paid.
        party: Who paid (a patient/guarantor, or a payer).
        amount: How much; must be positive.
        received: The date it was received (the entries' effective date).
        reference: The check number, card authorization, EFT trace, ...

    Raises:
        InvalidAmountError: If ``amount`` is not positive.
        TypeError: If a field has the wrong type (``received`` must be a
            plain date, not a ``datetime``).

    Examples:
        >>> import datetime
        >>> Payment(id="PAY-1", account_id="A1", party=Party.patient("P1"),
        ...         amount=Money("-5.00", "USD"), received=datetime.date(2024, 5, 1))
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidAmountError: Payment.amount must be positive, got -5.00 USD
    """  # noqa: E501

    id: str
    account_id: str = attrs.field(**protected(Protected.ID))
    party: Party
    amount: Money
    received: datetime.date
    reference: str | None = None

    def __attrs_post_init__(self) -> None:
        check_text(self.id, "Payment.id")
        check_text(self.account_id, "Payment.account_id")
        check_positive_money(self.amount, "Payment.amount")
        if not isinstance(self.party, Party):
            raise TypeError(f"Payment.party must be a Party, got {describe(self.party)}")
        check_date(self.received, "Payment.received")
        check_text(self.reference, "Payment.reference", optional=True)


@attrs.frozen(kw_only=True)
class OpenItem:
    """A line's open balance in one bucket, as a payment plan sees it.

    Build them yourself or with [`open_items`][].

    Attributes:
        line_id: The line item.
        service_date: Its date of service (for oldest-first).
        open: What is open in ``bucket``; zero or positive.
        bucket: The bucket the paying party pays (the patient's by default).
        category: The line's class for [`PriorityClasses`][billing_core.allocation.PriorityClasses],
            e.g. ``"copay"``, ``"visit"``, ``"fee"``.

    Raises:
        InvalidAmountError: If ``open`` is negative.
        TypeError: If a field has the wrong type.

    Examples:
        >>> import datetime
        >>> OpenItem(line_id="L1", service_date=datetime.date(2024, 2, 1),
        ...          open=Money("25.00", "USD")).bucket
        <Bucket.PATIENT: 'patient'>
    """

    line_id: str
    service_date: datetime.date
    open: Money
    bucket: Bucket = Bucket.PATIENT
    category: str = ""

    def __attrs_post_init__(self) -> None:
        check_text(self.line_id, "OpenItem.line_id")
        if not isinstance(self.open, Money):
            raise TypeError(f"OpenItem.open must be a Money, got {describe(self.open)}")
        if self.open.minor < 0:
            raise InvalidAmountError(
                f"OpenItem.open of line {self.line_id} must not be negative, got {self.open}"
            )
        if not isinstance(self.bucket, Bucket):
            raise TypeError(f"OpenItem.bucket must be a Bucket, got {describe(self.bucket)}")
        check_date(self.service_date, f"OpenItem.service_date of line {self.line_id}")
        check_text(self.category, "OpenItem.category")


def open_items(
    balances: Mapping[str, LineBalance] | Iterable[LineBalance],
    bucket: Bucket,
    *,
    service_dates: Mapping[str, datetime.date],
    categories: Mapping[str, str] | None = None,
) -> tuple[OpenItem, ...]:
    """The open items of one bucket, from line balances and the lines' facts.

    A line is an open item when anything at all is open in ``bucket``: one
    minor unit (0.01) is enough; a line with nothing open (or a credit) is
    left out.

    Args:
        balances: Line balances (from [`line_balances`][billing_core.balances.line_balances]).
        bucket: The bucket the paying party pays.
        service_dates: Each line's date of service.
        categories: Each line's class for
            [`PriorityClasses`][billing_core.allocation.PriorityClasses] (optional).

    Returns:
        One item per line with something open in ``bucket``, in the given order.

    Raises:
        NotFoundError: If a line with an open balance has no service date.
        TypeError: If ``bucket`` is not a `Bucket` or a balance is not a
            [`LineBalance`][billing_core.balances.LineBalance].

    Examples:
        >>> import datetime
        >>> from billing_core.balances import line_balances
        >>> from billing_core.ledger import ChargePosted
        >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
        ...                  effective=datetime.date(2024, 2, 1), amount=Money("25", "USD"),
        ...                  bucket=Bucket.PATIENT)
        >>> lbs = line_balances([c], datetime.date(2024, 2, 1))
        >>> open_items(lbs, Bucket.PATIENT, service_dates={"L1": datetime.date(2024, 1, 30)})
        (OpenItem(line_id='L1', service_date=datetime.date(2024, 1, 30), open=Money('25.00', 'USD'), bucket=<Bucket.PATIENT: 'patient'>, category=''),)
    """  # noqa: E501
    if not isinstance(bucket, Bucket):
        raise TypeError(f"bucket must be a Bucket, got {describe(bucket)}")
    cats = categories or {}
    items = []
    for balance in line_balance_values(balances):
        amount = balance.open.of(bucket)
        if amount.minor <= 0:  # nothing owed in this bucket: not an open item
            continue
        service_date = service_dates.get(balance.line_id)
        if service_date is None:
            raise NotFoundError(f"no service date given for line {balance.line_id}")
        items.append(
            OpenItem(
                line_id=balance.line_id,
                service_date=service_date,
                open=amount,
                bucket=bucket,
                category=cats.get(balance.line_id, ""),
            )
        )
    return tuple(items)
