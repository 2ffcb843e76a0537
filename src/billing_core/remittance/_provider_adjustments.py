"""Provider-level adjustments: money that belongs to no claim (835 PLB).

Interest, recoupments of earlier overpayments and balances forwarded between
remittances adjust the total payment without touching a claim. A positive
amount reduces the payment.

Examples:
    >>> from billing_core.money import Money
    >>> ProviderAdjustment(reason="WO", reference="CLM-9", amount=Money("40", "USD")).reason.name
    'OVERPAYMENT_RECOVERY'
"""

from __future__ import annotations

import datetime
import enum
from typing import Final

import attrs

from billing_core._fields import date_field, text
from billing_core.money import Money
from billing_core.remittance._common import is_money, parse_member

__all__ = ["ProviderAdjustment", "ProviderAdjustmentReason"]

_TEXT: Final = text("ProviderAdjustment", show_id=False)
_PLB_EXPECTED: Final = (
    "expected a PLB03-1 code such as L6 (interest), WO (overpayment recovery), "
    "FB (forwarding balance) or 72 (authorized return)"
)


class ProviderAdjustmentReason(enum.Enum):
    """Why a provider-level adjustment was made (835 PLB03-1, 5010 code list).

    Examples:
        >>> ProviderAdjustmentReason.parse("L6")
        <ProviderAdjustmentReason.INTEREST_OWED: 'L6'>
        >>> ProviderAdjustmentReason.parse("ZZ")
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidCodeError: unknown provider adjustment reason 'ZZ': ...
    """

    LATE_CHARGE = "50"
    INTEREST_PENALTY_CHARGE = "51"
    AUTHORIZED_RETURN = "72"
    EARLY_PAYMENT_ALLOWANCE = "90"
    ORIGINATION_FEE = "AH"
    APPLIED_TO_BORROWERS_ACCOUNT = "AM"
    ACCELERATION_OF_BENEFITS = "AP"
    REBATE = "B2"
    RECOVERY_ALLOWANCE = "B3"
    BAD_DEBT_ADJUSTMENT = "BD"
    BONUS = "BN"
    TEMPORARY_ALLOWANCE = "C5"
    CAPITATION_INTEREST = "CR"
    ADJUSTMENT = "CS"
    CAPITATION_PAYMENT = "CT"
    CAPITAL_PASSTHRU = "CV"
    CRNA_PASSTHRU = "CW"
    DIRECT_MEDICAL_EDUCATION_PASSTHRU = "DM"
    WITHHOLDING = "E3"
    FORWARDING_BALANCE = "FB"
    FUND_ALLOCATION = "FC"
    GRADUATE_MEDICAL_EDUCATION_PASSTHRU = "GO"
    HEMOPHILIA_CLOTTING_FACTOR_SUPPLEMENT = "HM"
    INCENTIVE_PREMIUM_PAYMENT = "IP"
    IRS_WITHHOLDING = "IR"
    INTERIM_SETTLEMENT = "IS"
    NONREIMBURSABLE = "J1"
    PENALTY = "L3"
    INTEREST_OWED = "L6"
    LEVY = "LE"
    LUMP_SUM = "LS"
    ORGAN_ACQUISITION_PASSTHRU = "OA"
    OFFSET_FOR_AFFILIATED_PROVIDERS = "OB"
    PERIODIC_INTERIM_PAYMENT = "PI"
    PAYMENT_FINAL = "PL"
    RETRO_ACTIVITY_ADJUSTMENT = "RA"
    RETURN_ON_EQUITY = "RE"
    STUDENT_LOAN_REPAYMENT = "SL"
    THIRD_PARTY_LIABILITY = "TL"
    OVERPAYMENT_RECOVERY = "WO"
    UNSPECIFIED_RECOVERY = "WU"

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, value: str, *, location: str = "") -> ProviderAdjustmentReason:
        """Parse a PLB03-1 value (case-insensitive).

        Args:
            value: The code.
            location: Where the value was found, for the error message.

        Returns:
            The reason.

        Raises:
            InvalidCodeError: If the code is not in the 5010 list.

        Examples:
            >>> ProviderAdjustmentReason.parse("wo").name
            'OVERPAYMENT_RECOVERY'
        """
        return parse_member(
            cls,
            value,
            "provider adjustment reason",
            location,
            upper=True,
            expected=_PLB_EXPECTED,
        )


def _to_plb_reason(value: ProviderAdjustmentReason | str) -> ProviderAdjustmentReason:
    if isinstance(value, ProviderAdjustmentReason):
        return value
    return ProviderAdjustmentReason.parse(value)


@attrs.frozen(kw_only=True)
class ProviderAdjustment:
    """An adjustment to the payment that belongs to no claim (835 PLB).

    A positive amount reduces the total payment (a recoupment, a balance
    forwarded *from* an earlier remittance); a negative amount increases it
    (interest paid to the provider, a balance forwarded *to* a later one).

    Attributes:
        reason: Why (PLB03-1); a ``str`` is parsed.
        reference: The payer's reference (PLB03-2), e.g. the payer claim
            control number an overpayment is recovered for.
        amount: The signed amount (PLB04).
        provider_id: The provider identifier (PLB01).
        fiscal_period_end: The last day of the provider's fiscal period (PLB02).

    Examples:
        >>> from billing_core.money import Money
        >>> interest = ProviderAdjustment(reason="L6", reference="CLM-9", amount=Money("-1.27", "USD"))
        >>> interest.reason.name, interest.amount
        ('INTEREST_OWED', Money('-1.27', 'USD'))
    """  # noqa: E501

    reason: ProviderAdjustmentReason = attrs.field(converter=_to_plb_reason)
    reference: str = attrs.field(default="", validator=_TEXT)
    amount: Money = attrs.field(validator=is_money)
    provider_id: str = attrs.field(default="", validator=_TEXT)
    fiscal_period_end: datetime.date | None = attrs.field(
        default=None, validator=date_field("ProviderAdjustment", optional=True, show_id=False)
    )
