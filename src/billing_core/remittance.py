"""Remittances: what a payer answered to our claims (the X12 835 shape).

A [`Remittance`][] is one payment (or notification) from one payer to one
payee: the total paid, how and when, and per claim a [`ClaimPayment`][]
with the payer's decision, its [`ServicePayment`][] lines and the reasons
for every amount not paid ([`CasAdjustment`][]). Adjustments that belong to no
claim (interest, recoupments, balances forwarded) are
[`ProviderAdjustment`][] values.

Signs follow the 835: a **positive adjustment reduces payment**, a negative one
increases it; a provider-level adjustment with a positive amount reduces the
total payment. A reversal of an earlier payment (status
[`ClaimStatus.REVERSAL`][]) carries every amount negated.

Every amount of a remittance is in one currency; the constructors refuse a
mix ([`CurrencyMismatchError`][billing_core.errors.CurrencyMismatchError] naming the field).
Whether the amounts add up is a separate question, answered with an
explanation by [`balancing`][billing_core.balancing].

Examples:
    >>> import datetime
    >>> from billing_core.money import Money
    >>> usd = lambda s: Money(s, "USD")
    >>> line = ServicePayment(
    ...     line_control_number="1-1",
    ...     charge=usd("800.00"),
    ...     paid=usd("500.00"),
    ...     adjustments=CasAdjustment.from_cas("PR", ("1", usd("300.00"))),
    ... )
    >>> claim = ClaimPayment(
    ...     patient_control_number="5554555444",
    ...     status="1",
    ...     charge=usd("800.00"),
    ...     paid=usd("450.00"),
    ...     patient_responsibility=usd("300.00"),
    ...     adjustments=CasAdjustment.from_cas("CO", ("A2", usd("50.00"))),
    ...     lines=[line],
    ... )
    >>> remit = Remittance(
    ...     payer="1935665544",
    ...     payee="5544667733",
    ...     total_payment=usd("450.00"),
    ...     payment_method="ACH",
    ...     trace_number="71700666555",
    ...     paid_date=datetime.date(2002, 3, 16),
    ...     claims=[claim],
    ... )
    >>> remit.claims[0].status
    <ClaimStatus.PROCESSED_PRIMARY: '1'>
    >>> remit.currency
    'USD'
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from billing_core.codes import CARC, RARC, GroupCode, ProcedureCode
from billing_core.errors import CurrencyMismatchError, InvalidAmountError, InvalidCodeError
from billing_core.money import Money

__all__ = [
    "CasAdjustment",
    "ClaimPayment",
    "ClaimStatus",
    "PaymentMethod",
    "ProviderAdjustment",
    "ProviderAdjustmentReason",
    "Remittance",
    "ServicePayment",
]


def _at(location: str) -> str:
    return f" at {location}" if location else ""


# --------------------------------------------------------------------------- enums


class ClaimStatus(enum.Enum):
    """The payer's decision on a claim (835 CLP02).

    Examples:
        >>> ClaimStatus.parse("19")
        <ClaimStatus.PROCESSED_PRIMARY_FORWARDED: '19'>
        >>> ClaimStatus.PROCESSED_SECONDARY_FORWARDED.sequence
        2
        >>> ClaimStatus.parse("7", location="claim 3 (A-17)")
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidCodeError: unknown claim status '7' at claim 3 (A-17): expected one of 1, 2, 3, 4, 19, 20, 21, 22, 23, 25
    """  # noqa: E501

    PROCESSED_PRIMARY = "1"
    """Processed as primary."""
    PROCESSED_SECONDARY = "2"
    """Processed as secondary."""
    PROCESSED_TERTIARY = "3"
    """Processed as tertiary."""
    DENIED = "4"
    """Denied."""
    PROCESSED_PRIMARY_FORWARDED = "19"
    """Processed as primary, forwarded to additional payer(s) (crossover)."""
    PROCESSED_SECONDARY_FORWARDED = "20"
    """Processed as secondary, forwarded to additional payer(s) (crossover)."""
    PROCESSED_TERTIARY_FORWARDED = "21"
    """Processed as tertiary, forwarded to additional payer(s) (crossover)."""
    REVERSAL = "22"
    """Reversal of a previous payment; every amount is negated."""
    NOT_OUR_CLAIM = "23"
    """Not our claim, forwarded to additional payer(s)."""
    PREDETERMINATION = "25"
    """Predetermination pricing only; no payment."""

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, value: str, *, location: str = "") -> ClaimStatus:
        """Parse a CLP02 value.

        Args:
            value: The code, surrounding whitespace ignored.
            location: Where the value was found, for the error message.

        Returns:
            The status.

        Raises:
            InvalidCodeError: If the code is not one of the 5010 statuses.
            TypeError: If ``value`` is not a str.

        Examples:
            >>> ClaimStatus.parse(" 22 ")
            <ClaimStatus.REVERSAL: '22'>
        """
        if not isinstance(value, str):
            raise TypeError(f"claim status must be a str, not {type(value).__name__} ({value!r})")
        try:
            return cls(value.strip())
        except ValueError:
            expected = ", ".join(s.value for s in cls)
            raise InvalidCodeError(
                f"unknown claim status {value!r}{_at(location)}: expected one of {expected}"
            ) from None

    @property
    def sequence(self) -> int | None:
        """1, 2 or 3 when the payer processed the claim as that payer in sequence, else None.

        Examples:
            >>> ClaimStatus.PROCESSED_TERTIARY.sequence, ClaimStatus.DENIED.sequence
            (3, None)
        """
        return _SEQUENCE.get(self)

    @property
    def forwarded(self) -> bool:
        """Whether the payer forwarded the claim to another payer (crossover, 19/20/21/23).

        Examples:
            >>> ClaimStatus.PROCESSED_PRIMARY_FORWARDED.forwarded
            True
        """
        return self in _FORWARDED


_SEQUENCE = {
    ClaimStatus.PROCESSED_PRIMARY: 1,
    ClaimStatus.PROCESSED_SECONDARY: 2,
    ClaimStatus.PROCESSED_TERTIARY: 3,
    ClaimStatus.PROCESSED_PRIMARY_FORWARDED: 1,
    ClaimStatus.PROCESSED_SECONDARY_FORWARDED: 2,
    ClaimStatus.PROCESSED_TERTIARY_FORWARDED: 3,
}
_FORWARDED = frozenset(
    {
        ClaimStatus.PROCESSED_PRIMARY_FORWARDED,
        ClaimStatus.PROCESSED_SECONDARY_FORWARDED,
        ClaimStatus.PROCESSED_TERTIARY_FORWARDED,
        ClaimStatus.NOT_OUR_CLAIM,
    }
)


def _to_status(value: ClaimStatus | str) -> ClaimStatus:
    return value if isinstance(value, ClaimStatus) else ClaimStatus.parse(value)


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
        if not isinstance(value, str):
            raise TypeError(f"payment method must be a str, not {type(value).__name__} ({value!r})")
        try:
            return cls(value.strip().upper())
        except ValueError:
            expected = ", ".join(m.value for m in cls)
            raise InvalidCodeError(
                f"unknown payment method {value!r}{_at(location)}: expected one of {expected}"
            ) from None


def _to_method(value: PaymentMethod | str) -> PaymentMethod:
    return value if isinstance(value, PaymentMethod) else PaymentMethod.parse(value)


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
        if not isinstance(value, str):
            raise TypeError(
                f"provider adjustment reason must be a str, not {type(value).__name__} ({value!r})"
            )
        try:
            return cls(value.strip().upper())
        except ValueError:
            raise InvalidCodeError(
                f"unknown provider adjustment reason {value!r}{_at(location)}: "
                "expected a PLB03-1 code such as L6 (interest), WO (overpayment recovery), "
                "FB (forwarding balance) or 72 (authorized return)"
            ) from None


def _to_plb_reason(value: ProviderAdjustmentReason | str) -> ProviderAdjustmentReason:
    if isinstance(value, ProviderAdjustmentReason):
        return value
    return ProviderAdjustmentReason.parse(value)


# --------------------------------------------------------------------------- converters


def _to_group(value: GroupCode | str) -> GroupCode:
    return value if isinstance(value, GroupCode) else GroupCode.parse(value)


def _to_carc(value: CARC | str) -> CARC:
    return value if isinstance(value, CARC) else CARC(value)


def _to_rarcs(value: Iterable[RARC | str]) -> tuple[RARC, ...]:
    if isinstance(value, str):
        raise TypeError(f"remarks must be a sequence of codes, not a single str ({value!r})")
    return tuple(r if isinstance(r, RARC) else RARC(r) for r in value)


def _to_quantity(value: Decimal | int | str | None) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool | float):
        raise TypeError(f"a quantity must be a Decimal, int or str, not {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        try:
            result = Decimal(value)
        except InvalidOperation:
            raise InvalidAmountError(f"quantity {value!r} is not a number") from None
    else:
        raise TypeError(
            f"a quantity must be a Decimal, int or str, not {type(value).__name__} ({value!r})"
        )
    if not result.is_finite():
        raise InvalidAmountError(f"quantity must be finite, got {value!r}")
    return result


def _to_adjustments(value: Iterable[CasAdjustment]) -> tuple[CasAdjustment, ...]:
    return tuple(value)


def _to_lines(value: Iterable[ServicePayment]) -> tuple[ServicePayment, ...]:
    return tuple(value)


def _to_claims(value: Iterable[ClaimPayment]) -> tuple[ClaimPayment, ...]:
    return tuple(value)


def _to_plbs(value: Iterable[ProviderAdjustment]) -> tuple[ProviderAdjustment, ...]:
    return tuple(value)


def _is_money(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value.__class__ is not Money:
        raise TypeError(
            f"{type(instance).__name__}.{attribute.name} must be a Money, "
            f"got {type(value).__name__} ({value!r})"
        )


def _is_optional_money(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _is_money(instance, attribute, value)


def _mismatch(owner: str, field: str, money: Money, currency: str) -> CurrencyMismatchError:
    return CurrencyMismatchError(
        f"{owner}.{field} is {money}, but the other amounts are in {currency}: "
        "every amount of a remittance must be in one currency"
    )


# --------------------------------------------------------------------------- values


@attrs.frozen(kw_only=True)
class CasAdjustment:
    """One reason why an amount was not paid (one CAS triplet).

    A positive amount reduces payment; a negative amount increases it (e.g.
    ``OA-94`` on a secondary paying above the primary's fee schedule). One
    835 CAS segment may carry up to six reasons of the same group: build them
    together with [`from_cas`][].

    Attributes:
        group: Who bears it: ``CO``/``PI`` (written off), ``PR`` (patient),
            ``OA`` (other); a ``str`` is parsed with
            [`parse`][billing_core.codes.GroupCode.parse] (``CR`` only as a
            [`GroupCode`][billing_core.codes.GroupCode] member).
        reason: The claim adjustment reason code (a ``str`` is converted).
        amount: The signed amount.
        quantity: Units adjusted, if the payer reported any (informational).

    Examples:
        >>> a = CasAdjustment(group="co", reason="45", amount=Money("12.00", "USD"))
        >>> str(a)
        'CO-45 12.00 USD'
    """

    group: GroupCode = attrs.field(converter=_to_group)
    reason: CARC = attrs.field(converter=_to_carc)
    amount: Money = attrs.field(validator=_is_money)
    quantity: Decimal | None = attrs.field(default=None, converter=_to_quantity)

    def __str__(self) -> str:
        return f"{self.group}-{self.reason} {self.amount}"

    @property
    def key(self) -> str:
        """``group-reason``, e.g. ``"PR-1"``.

        Examples:
            >>> CasAdjustment(group="PR", reason="2", amount=Money("5.13", "USD")).key
            'PR-2'
        """
        return f"{self.group.value}-{self.reason.code}"

    @classmethod
    def from_cas(
        cls,
        group: GroupCode | str,
        *triplets: tuple[CARC | str, Money] | tuple[CARC | str, Money, Decimal | int | str | None],
    ) -> tuple[CasAdjustment, ...]:
        """Build the adjustments of one CAS segment: one group, up to six reasons.

        Args:
            group: The group code shared by every reason of the segment.
            *triplets: ``(reason, amount)`` or ``(reason, amount, quantity)``.

        Returns:
            One adjustment per triplet, in order.

        Raises:
            InvalidCodeError: If the group or a reason is malformed, or no
                triplet or more than six are given.

        Examples:
            >>> usd = lambda s: Money(s, "USD")
            >>> [a.key for a in CasAdjustment.from_cas("PR", ("2", usd("5.13")), ("1", usd("110")))]
            ['PR-2', 'PR-1']
        """
        if not 1 <= len(triplets) <= 6:
            raise InvalidCodeError(
                f"a CAS segment carries 1 to 6 reasons, got {len(triplets)} for group {group!r}"
            )
        parsed = _to_group(group)
        out = []
        for triplet in triplets:
            quantity = triplet[2] if len(triplet) > 2 else None
            out.append(cls(group=parsed, reason=triplet[0], amount=triplet[1], quantity=quantity))
        return tuple(out)


def _check_adjustments(owner: str, adjustments: tuple[CasAdjustment, ...], currency: str) -> None:
    for index, adj in enumerate(adjustments):
        if adj.__class__ is not CasAdjustment:
            raise TypeError(
                f"{owner}.adjustments[{index}] must be an CasAdjustment, got {type(adj).__name__}"
            )
        if adj.amount.currency != currency:
            raise _mismatch(owner, f"adjustments[{index}].amount", adj.amount, currency)


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
        adjustments: The line's adjustments (CAS).
        remarks: Remark codes (LQ*HE).

    Raises:
        CurrencyMismatchError: If an amount is in another currency than ``charge``.

    Examples:
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

    line_control_number: str | None = None
    procedure: ProcedureCode | None = None
    submitted_procedure: ProcedureCode | None = None
    charge: Money = attrs.field(validator=_is_money)
    paid: Money = attrs.field(validator=_is_money)
    allowed: Money | None = attrs.field(default=None, validator=_is_optional_money)
    units: Decimal | None = attrs.field(default=None, converter=_to_quantity)
    service_date: datetime.date | None = None
    adjustments: tuple[CasAdjustment, ...] = attrs.field(default=(), converter=_to_adjustments)
    remarks: tuple[RARC, ...] = attrs.field(default=(), converter=_to_rarcs)

    def __attrs_post_init__(self) -> None:
        code = self.charge.currency
        if self.paid.currency != code:
            raise _mismatch("ServicePayment", "paid", self.paid, code)
        if self.allowed is not None and self.allowed.currency != code:
            raise _mismatch("ServicePayment", "allowed", self.allowed, code)
        _check_adjustments("ServicePayment", self.adjustments, code)

    @property
    def adjustment_total(self) -> Money:
        """The signed sum of the line's adjustments.

        Examples:
            >>> ServicePayment(charge=Money(5, "USD"), paid=Money(5, "USD")).adjustment_total
            Money('0.00', 'USD')
        """
        return Money.from_minor(sum(a.amount.minor for a in self.adjustments), self.charge.currency)


def _negated(adjustments: tuple[CasAdjustment, ...]) -> tuple[CasAdjustment, ...]:
    return tuple(attrs.evolve(a, amount=-a.amount) for a in adjustments)


@attrs.frozen(kw_only=True)
class ClaimPayment:
    """The payer's answer for one claim (835 loop 2100, CLP).

    Attributes:
        patient_control_number: Our claim id as echoed back (CLP01).
        status: The payer's decision (CLP02); a ``str`` is parsed with
            [`ClaimStatus.parse`][].
        charge: The claim charge (CLP03).
        paid: The amount paid for the claim (CLP04).
        patient_responsibility: What the payer says the patient owes
            (CLP05); informational, never balanced.
        payer_claim_control_number: The payer's own number for the claim
            (CLP07), needed to correct or void it later.
        adjustments: Claim-level adjustments (CAS in loop 2100).
        remarks: Claim-level remark codes (MIA/MOA).
        lines: The service lines.

    Raises:
        CurrencyMismatchError: If an amount or a line is in another currency than ``charge``.

    Examples:
        >>> c = ClaimPayment(
        ...     patient_control_number="A-17",
        ...     status="4",
        ...     charge=Money("100", "USD"),
        ...     paid=Money("0", "USD"),
        ...     adjustments=[CasAdjustment(group="CO", reason="29", amount=Money("100", "USD"))],
        ... )
        >>> c.status, c.currency
        (<ClaimStatus.DENIED: '4'>, 'USD')
    """

    patient_control_number: str
    status: ClaimStatus = attrs.field(converter=_to_status)
    charge: Money = attrs.field(validator=_is_money)
    paid: Money = attrs.field(validator=_is_money)
    patient_responsibility: Money | None = attrs.field(default=None, validator=_is_optional_money)
    payer_claim_control_number: str = ""
    adjustments: tuple[CasAdjustment, ...] = attrs.field(default=(), converter=_to_adjustments)
    remarks: tuple[RARC, ...] = attrs.field(default=(), converter=_to_rarcs)
    lines: tuple[ServicePayment, ...] = attrs.field(default=(), converter=_to_lines)

    def __attrs_post_init__(self) -> None:
        code = self.charge.currency
        if self.paid.currency != code:
            raise _mismatch("ClaimPayment", "paid", self.paid, code)
        pr = self.patient_responsibility
        if pr is not None and pr.currency != code:
            raise _mismatch("ClaimPayment", "patient_responsibility", pr, code)
        _check_adjustments("ClaimPayment", self.adjustments, code)
        for index, line in enumerate(self.lines):
            if line.__class__ is not ServicePayment:
                raise TypeError(
                    f"ClaimPayment.lines[{index}] must be a ServicePayment, "
                    f"got {type(line).__name__}"
                )
            if line.charge.currency != code:
                raise _mismatch("ClaimPayment", f"lines[{index}].charge", line.charge, code)

    @property
    def currency(self) -> str:
        """The currency of every amount of the claim payment."""
        return self.charge.currency

    def adjusted_by_group(self) -> dict[GroupCode, Money]:
        """Every adjustment of the claim, claim- and line-level, summed per group code.

        Only the groups present appear. For a balanced claim payment,
        ``paid + sum(adjusted_by_group().values()) == charge``.

        Returns:
            The total per group code, in the order the groups first appear.

        Examples:
            >>> usd = lambda s: Money(s, "USD")
            >>> line = ServicePayment(line_control_number="L1", charge=usd("100"), paid=usd("60"),
            ...     adjustments=CasAdjustment.from_cas("CO", ("45", usd("30")))
            ...     + CasAdjustment.from_cas("PR", ("1", usd("4")), ("2", usd("6"))))
            >>> c = ClaimPayment(patient_control_number="A", status="1", charge=usd("100"),
            ...                  paid=usd("60"), lines=[line])
            >>> {str(group): str(amount) for group, amount in c.adjusted_by_group().items()}
            {'CO': '30.00 USD', 'PR': '10.00 USD'}
        """
        minor: dict[GroupCode, int] = {}
        for adjustment in (
            *self.adjustments,
            *(a for line in self.lines for a in line.adjustments),
        ):
            minor[adjustment.group] = minor.get(adjustment.group, 0) + adjustment.amount.minor
        return {group: Money.from_minor(units, self.currency) for group, units in minor.items()}

    @property
    def is_reversal(self) -> bool:
        """Whether this reverses an earlier payment (status 22).

        Examples:
            >>> ClaimPayment(patient_control_number="A", status="22",
            ...              charge=Money("-5", "USD"), paid=Money("-5", "USD")).is_reversal
            True
        """
        return self.status is ClaimStatus.REVERSAL

    def as_reversal(self) -> ClaimPayment:
        """The reversal of this claim payment, as a payer sends it (status 22).

        Every amount (charge, paid, patient responsibility, each adjustment,
        each line's charge, paid, allowed amount and units) is negated; group
        and reason codes, control numbers and remarks stay as they were.

        Returns:
            The reversal.

        Examples:
            >>> c = ClaimPayment(patient_control_number="A", status="1",
            ...     charge=Money("100", "USD"), paid=Money("80", "USD"),
            ...     adjustments=[CasAdjustment(group="CO", reason="45", amount=Money("20", "USD"))])
            >>> r = c.as_reversal()
            >>> r.status, r.paid, str(r.adjustments[0])
            (<ClaimStatus.REVERSAL: '22'>, Money('-80.00', 'USD'), 'CO-45 -20.00 USD')
        """
        pr = self.patient_responsibility
        return attrs.evolve(
            self,
            status=ClaimStatus.REVERSAL,
            charge=-self.charge,
            paid=-self.paid,
            patient_responsibility=None if pr is None else -pr,
            adjustments=_negated(self.adjustments),
            lines=[
                attrs.evolve(
                    line,
                    charge=-line.charge,
                    paid=-line.paid,
                    allowed=None if line.allowed is None else -line.allowed,
                    units=None if line.units is None else -line.units,
                    adjustments=_negated(line.adjustments),
                )
                for line in self.lines
            ],
        )

    @property
    def is_denied(self) -> bool:
        """Whether the payer denied the claim: status 4, or processed with nothing paid.

        Examples:
            >>> ClaimPayment(patient_control_number="A", status="1",
            ...              charge=Money("5", "USD"), paid=Money("0", "USD")).is_denied
            True
        """
        if self.status is ClaimStatus.DENIED:
            return True
        return self.status.sequence is not None and self.paid.minor == 0 and self.charge.minor != 0


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
        >>> interest = ProviderAdjustment(reason="L6", reference="CLM-9", amount=Money("-1.27", "USD"))
        >>> interest.reason.name, interest.amount
        ('INTEREST_OWED', Money('-1.27', 'USD'))
    """  # noqa: E501

    reason: ProviderAdjustmentReason = attrs.field(converter=_to_plb_reason)
    reference: str = ""
    amount: Money = attrs.field(validator=_is_money)
    provider_id: str = ""
    fiscal_period_end: datetime.date | None = None


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
        >>> r = Remittance(payer="P1", payee="1234567893", total_payment=Money("0", "USD"),
        ...                payment_method="NON", trace_number="T-1",
        ...                paid_date=datetime.date(2024, 5, 1))
        >>> r.id, r.claims
        ('T-1', ())
    """

    payer: str
    payee: str
    total_payment: Money = attrs.field(validator=_is_money)
    payment_method: PaymentMethod = attrs.field(converter=_to_method)
    trace_number: str
    paid_date: datetime.date
    claims: tuple[ClaimPayment, ...] = attrs.field(default=(), converter=_to_claims)
    provider_adjustments: tuple[ProviderAdjustment, ...] = attrs.field(
        default=(), converter=_to_plbs
    )
    id: str = attrs.field(default=attrs.Factory(_default_id, takes_self=True))

    def __attrs_post_init__(self) -> None:
        code = self.total_payment.currency
        for index, claim in enumerate(self.claims):
            if claim.__class__ is not ClaimPayment:
                raise TypeError(
                    f"Remittance.claims[{index}] must be a ClaimPayment, got {type(claim).__name__}"
                )
            if claim.charge.currency != code:
                raise _mismatch("Remittance", f"claims[{index}].charge", claim.charge, code)
        for index, plb in enumerate(self.provider_adjustments):
            if plb.amount.currency != code:
                raise _mismatch(
                    "Remittance", f"provider_adjustments[{index}].amount", plb.amount, code
                )

    @property
    def currency(self) -> str:
        """The currency of every amount of the remittance."""
        return self.total_payment.currency
