"""The payment advice: one payer's payment and its claims (an 835 transaction).

Examples:
    >>> import datetime
    >>> from billing_core.money import Money
    >>> Remittance(payer="P1", payee="1234567893", total_payment=Money("0", "USD"),
    ...            payment_method="NON", trace_number="T-1",
    ...            paid_date=datetime.date(2024, 5, 1)).payment_method
    <PaymentMethod.NONE: 'NON'>
"""

from __future__ import annotations

import datetime
import enum
from typing import Final

import attrs

from billing_core._fields import date_field, text, to_tuple
from billing_core.money import Money
from billing_core.remittance._claim_payments import ClaimPayment
from billing_core.remittance._common import is_money, items, mismatch, parse_member
from billing_core.remittance._provider_adjustments import ProviderAdjustment
from billing_core.remittance._views import RemittanceLevel, remittance_html, remittance_records
from billing_core.views import MoneyForm, Record

__all__ = ["PaymentMethod", "Remittance"]

_TEXT: Final = text("Remittance", show_id=False)


class PaymentMethod(enum.Enum):
    """How the money was sent (835 BPR04).

    Examples:
        >>> PaymentMethod.parse("chk")
        <PaymentMethod.CHECK: 'CHK'>
    """

    ACH = "ACH"
    """Automated Clearing House transfer (EFT)."""
    BOP = "BOP"
    """Financial institution option."""
    CHECK = "CHK"
    """Paper check."""
    WIRE = "FWT"
    """Federal Reserve funds/wire transfer."""
    NONE = "NON"
    """Non-payment data (nothing paid, e.g. all claims denied)."""

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, value: str, *, location: str = "") -> PaymentMethod:
        """Parse a BPR04 value (case-insensitive).

        Args:
            value: The code.
            location: Where the value was found, for the error message.

        Returns:
            The method.

        Raises:
            InvalidCodeError: If the code is not a known method.

        Examples:
            >>> PaymentMethod.parse("NON")
            <PaymentMethod.NONE: 'NON'>
        """
        return parse_member(
            cls,
            value,
            "payment method",
            location,
            upper=True,
            expected=f"expected one of {', '.join(m.value for m in cls)}",
        )


def _to_method(value: PaymentMethod | str) -> PaymentMethod:
    return value if isinstance(value, PaymentMethod) else PaymentMethod.parse(value)


def _default_id(self: Remittance) -> str:
    return self.trace_number


@attrs.frozen(kw_only=True)
class Remittance:
    """One payment advice from one payer to one payee (an 835 transaction).

    Attributes:
        payer: The payer's identifier (TRN03, or the N1*PR id).
        payee: The payee's identifier (N1*PE, usually the NPI or TIN).
        total_payment: The total paid (BPR02).
        payment_method: How it was paid (BPR04); a ``str`` is parsed.
        trace_number: The check or EFT trace number (TRN02).
        paid_date: The check issue or EFT effective date (BPR16).
        claims: The claim payments, in the order of the file.
        provider_adjustments: The provider-level adjustments (PLB).
        id: The document id; the trace number unless given.

    Raises:
        CurrencyMismatchError: If a claim payment or provider adjustment is in
            another currency than ``total_payment``.

    Examples:
        >>> import datetime
        >>> from billing_core.money import Money
        >>> r = Remittance(payer="P1", payee="1234567893", total_payment=Money("0", "USD"),
        ...                payment_method="NON", trace_number="T-1",
        ...                paid_date=datetime.date(2024, 5, 1))
        >>> r.id, r.claims
        ('T-1', ())
    """

    payer: str = attrs.field(validator=_TEXT)
    payee: str = attrs.field(validator=_TEXT)
    total_payment: Money = attrs.field(validator=is_money)
    payment_method: PaymentMethod = attrs.field(converter=_to_method)
    trace_number: str = attrs.field(validator=_TEXT)
    paid_date: datetime.date = attrs.field(validator=date_field("Remittance", show_id=False))
    claims: tuple[ClaimPayment, ...] = attrs.field(
        default=(), converter=to_tuple, validator=items(ClaimPayment)
    )
    provider_adjustments: tuple[ProviderAdjustment, ...] = attrs.field(
        default=(), converter=to_tuple, validator=items(ProviderAdjustment)
    )
    id: str = attrs.field(default=attrs.Factory(_default_id, takes_self=True), validator=_TEXT)

    def __attrs_post_init__(self) -> None:
        code = self.total_payment.currency
        for index, claim in enumerate(self.claims):
            if claim.charge.currency != code:
                raise mismatch("Remittance", f"claims[{index}].charge", claim.charge, code)
        for index, plb in enumerate(self.provider_adjustments):
            if plb.amount.currency != code:
                raise mismatch(
                    "Remittance", f"provider_adjustments[{index}].amount", plb.amount, code
                )

    @property
    def currency(self) -> str:
        """The currency of every amount of the remittance."""
        return self.total_payment.currency

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_html(self) -> str:
        """The remittance as HTML (a notebook shows it): its claims with totals, then the PLB.

        A remittance holds no patient identifier, so nothing is masked.

        Examples:
            >>> import datetime
            >>> from billing_core.money import Money
            >>> r = Remittance(payer="P1", payee="1234567893", total_payment=Money("0", "USD"),
            ...                payment_method="NON", trace_number="T-1",
            ...                paid_date=datetime.date(2024, 5, 1))
            >>> "Remittance T-1 from payer P1" in r.to_html()
            True
        """
        return remittance_html(self)

    def to_records(
        self, level: RemittanceLevel = "claims", *, money: MoneyForm = "decimal"
    ) -> list[Record]:
        """The remittance as flat rows of plain values (``pandas.DataFrame(records)`` works).

        Args:
            level: ``"claims"`` (one row per claim payment: status, charge,
                paid, patient responsibility, the adjustments per group code
                ``adjusted_CO``, ``adjusted_PR``, ...), ``"lines"`` (one row per
                service line) or ``"provider"`` (one row per PLB adjustment).
            money: ``"decimal"`` (``Decimal`` amounts) or ``"minor"`` (``int``
                minor units, which pandas can plot).

        Returns:
            The records, with a ``currency`` column.

        Raises:
            ValueError: An unknown ``level`` or ``money``.

        Examples:
            >>> import datetime
            >>> from billing_core.money import Money
            >>> r = Remittance(payer="P1", payee="1234567893", total_payment=Money("0", "USD"),
            ...                payment_method="NON", trace_number="T-1",
            ...                paid_date=datetime.date(2024, 5, 1))
            >>> r.to_records(), r.to_records("provider")
            ([], [])
        """
        return remittance_records(self, level, money)
