"""What aging reads: open amounts with their dates, credits, and the anchor dates.

An [`OpenLine`][billing_core.aging.OpenLine] is a line item's money in
one ledger bucket, with the dates it can be aged from
([`AgingAnchor`][billing_core.aging.AgingAnchor]); a
[`CreditLine`][billing_core.aging.CreditLine] is money owed back, listed
apart from the bands.

Examples:
    >>> from datetime import date
    >>> line = OpenLine(account_id="A1", line_id="L1", bucket=Bucket.PRIMARY,
    ...                 open=Money("80.00", "USD"), service_date=date(2025, 1, 2),
    ...                 responsible_since=date(2025, 2, 1))
    >>> line.anchor_date(AgingAnchor.RESPONSIBILITY), line.party
    (datetime.date(2025, 2, 1), 'primary')
"""

from __future__ import annotations

import enum
from datetime import date

import attrs

from billing_core.ledger import Bucket
from billing_core.ledger._fields import optional_date
from billing_core.money import Money
from billing_core.views import Protected, protected

__all__ = ["AgingAnchor", "CreditLine", "OpenLine"]


class AgingAnchor(enum.Enum):
    """The date an open amount's age is counted from.

    Examples:
        >>> AgingAnchor.RESPONSIBILITY.value  # the OpenLine field it reads
        'responsible_since'
    """

    SERVICE_DATE = "service_date"
    """The date of service (the not re-aged view)."""
    FIRST_BILLED = "billed_on"
    """The first bill or claim date."""
    LAST_ACTIVITY = "last_activity"
    """The latest entry on the line (payment, adjustment, transfer, ...)."""
    DUE_DATE = "due_on"
    """The due date (e.g. of the patient statement)."""
    RESPONSIBILITY = "responsible_since"
    """When the amount moved to the party that owes it now (the re-aged view)."""


def _party_default(instance: OpenLine) -> str:
    return str(instance.bucket)


@attrs.frozen(kw_only=True)
class OpenLine:
    """One open amount: a line item's money in one ledger bucket, with its dates.

    Attributes:
        account_id: The account.
        line_id: The line item.
        bucket: The ledger bucket the money is in.
        open: The open amount (negative: a credit, reported apart).
        service_date: The date of service (the fallback anchor).
        party: Who owes it, for grouping: a payer's id, or ``"patient"``;
            defaults to the bucket's name (``"primary"``, ..., ``"patient"``).
        billed_on: The first bill or claim date, if billed.
        due_on: The due date, if any.
        last_activity: The date of the latest entry on the line.
        responsible_since: When the money moved to this bucket.

    Examples:
        >>> line = OpenLine(account_id="A1", line_id="L1", bucket=Bucket.PATIENT,
        ...                 open=Money("25.00", "USD"), service_date=date(2025, 1, 2))
        >>> line.party, line.anchor_date(AgingAnchor.DUE_DATE)
        ('patient', datetime.date(2025, 1, 2))
    """

    account_id: str = attrs.field(
        validator=attrs.validators.instance_of(str), **protected(Protected.ID)
    )
    line_id: str = attrs.field(validator=attrs.validators.instance_of(str))
    bucket: Bucket = attrs.field(validator=attrs.validators.instance_of(Bucket))
    open: Money = attrs.field(validator=attrs.validators.instance_of(Money))
    service_date: date = attrs.field(validator=optional_date)
    party: str = attrs.field(
        default=attrs.Factory(_party_default, takes_self=True),
        validator=attrs.validators.instance_of(str),
    )
    billed_on: date | None = attrs.field(default=None, validator=optional_date)
    due_on: date | None = attrs.field(default=None, validator=optional_date)
    last_activity: date | None = attrs.field(default=None, validator=optional_date)
    responsible_since: date | None = attrs.field(default=None, validator=optional_date)

    # service_date shares optional_date with the other dates (None passes it), but it is
    # the fallback of every anchor, so it alone must be present.
    def __attrs_post_init__(self) -> None:
        if self.service_date is None:
            raise TypeError("OpenLine.service_date must be a datetime.date, got None")

    def anchor_date(self, anchor: AgingAnchor) -> date:
        """The date this line is aged from under ``anchor`` (service date if missing).

        Examples:
            >>> OpenLine(account_id="A", line_id="L", bucket=Bucket.PRIMARY,
            ...          open=Money("1.00", "USD"), service_date=date(2025, 1, 2),
            ...          billed_on=date(2025, 1, 9)).anchor_date(AgingAnchor.FIRST_BILLED)
            datetime.date(2025, 1, 9)
        """
        # Anchor values are the field names: one getattr, no table to keep in step.
        found: date | None = getattr(self, anchor.value)
        return self.service_date if found is None else found


@attrs.frozen(kw_only=True)
class CreditLine:
    """A credit, reported apart from the bands: money owed back, not owed.

    Attributes:
        account_id: The account.
        party: Whose credit it is (a payer's id, or ``"patient"``).
        amount: The credit, as a positive amount.
        line_id: The line with a negative open amount, or ``None`` for unapplied money.

    Examples:
        >>> CreditLine(account_id="A1", party="patient", amount=Money("5.00", "USD")).line_id
    """

    account_id: str = attrs.field(**protected(Protected.ID))
    party: str
    amount: Money
    line_id: str | None = None
