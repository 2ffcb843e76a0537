"""Service payments: the payer's answer for one service line (835 loop 2110).

Examples:
    >>> from billing_core.money import Money
    >>> line = ServicePayment(line_control_number="L1", charge=Money("100", "USD"),
    ...                       paid=Money("80", "USD"))
    >>> line.adjustment_total
    Money('0.00', 'USD')
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Final

import attrs

from billing_core._fields import date_field, invalid, of_type, text, to_tuple
from billing_core.codes import RARC, ProcedureCode
from billing_core.money import Money
from billing_core.remittance._adjustments import CasAdjustment
from billing_core.remittance._common import (
    check_adjustments,
    is_money,
    is_optional_money,
    items,
    mismatch,
    restore,
    state_of,
    to_quantity,
    to_rarcs,
)
from billing_core.remittance._supplemental import (
    Reference,
    SupplementalAmount,
    SupplementalQuantity,
    check_supplements,
)

__all__ = ["ServicePayment"]

_OPTIONAL_TEXT: Final = text("ServicePayment", optional=True, show_id=False)
_PROCEDURE: Final = of_type("ServicePayment", ProcedureCode, optional=True, show_id=False)
_DATE: Final = date_field("ServicePayment", optional=True, show_id=False)


@attrs.frozen(kw_only=True)
class ServicePayment:
    """The payer's answer for one service line (835 loop 2110, SVC).

    Attributes:
        line_control_number: Our line item id as echoed back (REF*6R), or
            ``None`` when the payer dropped it.
        procedure: The procedure the payer adjudicated (SVC01), or ``None``
            when it is not a procedure code (revenue code, NDC, unparsable).
        submitted_procedure: The procedure as submitted (SVC06), when the
            payer changed it (bundling, different modifiers).
        charge: The line charge (SVC02).
        paid: The amount paid for the line (SVC03).
        allowed: The allowed amount (AMT*B6); informational, never balanced.
        units: Units paid (SVC05), informational.
        service_date: The date of service (DTM*472, or the start of DTM*150).
        service_end: The last day of a service period (DTM*151), if the payer gave one.
        adjustments: The line's adjustments (CAS).
        remarks: Remark codes (LQ*HE).
        references: The payer's line-level reference numbers (REF in loop
            2110 but ``6R``: e.g. ``G1`` prior authorization, ``APC``, a
            rendering provider's ids, ``0K`` policy).
        amounts: Informational amounts (AMT but ``B6``: ``KH`` late filing
            reduction, ``T`` tax...); they never enter balancing.
        quantities: Informational quantities (QTY: ``ZK`` to ``ZO``).

    Raises:
        CurrencyMismatchError: If an amount is in another currency than ``charge``.
        InvalidCodeError: If a reference, amount or quantity has a qualifier
            the 835 guide does not allow at line level (loop 2110).
        ValidationError: If ``service_end`` is before ``service_date``.

    Examples:
        >>> from billing_core.codes import ProcedureCode
        >>> from billing_core.money import Money
        >>> line = ServicePayment(
        ...     line_control_number="0001",
        ...     procedure=ProcedureCode("CDT", "D0120"),
        ...     charge=Money("46", "USD"),
        ...     paid=Money("25", "USD"),
        ...     adjustments=[CasAdjustment(group="CO", reason="131", amount=Money("21", "USD"))],
        ... )
        >>> line.adjustment_total
        Money('21.00', 'USD')
    """

    line_control_number: str | None = attrs.field(default=None, validator=_OPTIONAL_TEXT)
    procedure: ProcedureCode | None = attrs.field(default=None, validator=_PROCEDURE)
    submitted_procedure: ProcedureCode | None = attrs.field(default=None, validator=_PROCEDURE)
    charge: Money = attrs.field(validator=is_money)
    paid: Money = attrs.field(validator=is_money)
    allowed: Money | None = attrs.field(default=None, validator=is_optional_money)
    units: Decimal | None = attrs.field(default=None, converter=to_quantity)
    service_date: datetime.date | None = attrs.field(default=None, validator=_DATE)
    service_end: datetime.date | None = attrs.field(default=None, validator=_DATE)
    adjustments: tuple[CasAdjustment, ...] = attrs.field(
        default=(), converter=to_tuple, validator=items(CasAdjustment)
    )
    remarks: tuple[RARC, ...] = attrs.field(default=(), converter=to_rarcs)
    references: tuple[Reference, ...] = attrs.field(
        default=(), converter=to_tuple, validator=items(Reference)
    )
    amounts: tuple[SupplementalAmount, ...] = attrs.field(
        default=(), converter=to_tuple, validator=items(SupplementalAmount)
    )
    quantities: tuple[SupplementalQuantity, ...] = attrs.field(
        default=(), converter=to_tuple, validator=items(SupplementalQuantity)
    )

    def __getstate__(self) -> dict[str, Any]:
        return state_of(self)

    def __setstate__(self, state: dict[str, Any]) -> None:
        # A pickle written before a field was added (release 0.1) loads with its default.
        restore(self, state)

    def __attrs_post_init__(self) -> None:
        code = self.charge.currency
        if self.paid.currency != code:
            raise mismatch("ServicePayment", "paid", self.paid, code)
        if self.allowed is not None and self.allowed.currency != code:
            raise mismatch("ServicePayment", "allowed", self.allowed, code)
        check_adjustments("ServicePayment", self.adjustments, code)
        check_supplements("ServicePayment", self, code, line=True)
        start, end = self.service_date, self.service_end
        if start is not None and end is not None and end < start:
            raise invalid(
                "ServicePayment.service_end",
                f"{end.isoformat()} is before service_date {start.isoformat()}",
                "ServicePayment.service_period",
            )

    @property
    def adjustment_total(self) -> Money:
        """The signed sum of the line's adjustments.

        Examples:
            >>> from billing_core.money import Money
            >>> ServicePayment(charge=Money(5, "USD"), paid=Money(5, "USD")).adjustment_total
            Money('0.00', 'USD')
        """
        return Money.from_minor(sum(a.amount.minor for a in self.adjustments), self.charge.currency)
