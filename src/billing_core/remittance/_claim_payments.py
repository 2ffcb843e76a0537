"""Claim payments: the payer's decision on one claim (835 loop 2100, CLP).

A claim payment carries the payer's status (CLP02), the amounts charged and
paid, the claim-level adjustments and the [`ServicePayment`][billing_core.remittance.ServicePayment]
lines. A reversal (status 22) carries every amount negated.

Examples:
    >>> from billing_core.money import Money
    >>> paid = ClaimPayment(patient_control_number="A-17", status="1",
    ...                     charge=Money("100", "USD"), paid=Money("80", "USD"))
    >>> paid.as_reversal().paid
    Money('-80.00', 'USD')
"""

from __future__ import annotations

import datetime
import enum
from typing import Any, Final

import attrs

from billing_core._fields import date_field, invalid, text, to_tuple
from billing_core.codes import RARC, GroupCode
from billing_core.money import Money
from billing_core.remittance._adjustments import CasAdjustment
from billing_core.remittance._common import (
    check_adjustments,
    is_money,
    is_optional_money,
    items,
    mismatch,
    parse_member,
    restore,
    state_of,
    to_rarcs,
)
from billing_core.remittance._service_payments import ServicePayment
from billing_core.remittance._supplemental import (
    ClaimParty,
    ClaimPartyRole,
    Reference,
    SupplementalAmount,
    SupplementalQuantity,
    check_supplements,
)

__all__ = ["ClaimPayment", "ClaimStatus"]

_TEXT: Final = text("ClaimPayment", show_id=False)
_DATE: Final = date_field("ClaimPayment", optional=True, show_id=False)


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
        return parse_member(
            cls,
            value,
            "claim status",
            location,
            upper=False,
            expected=f"expected one of {', '.join(s.value for s in cls)}",
        )

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


def _negated(adjustments: tuple[CasAdjustment, ...]) -> tuple[CasAdjustment, ...]:
    return tuple(attrs.evolve(a, amount=-a.amount) for a in adjustments)


def _negated_amounts(amounts: tuple[SupplementalAmount, ...]) -> tuple[SupplementalAmount, ...]:
    return tuple(attrs.evolve(a, amount=-a.amount) for a in amounts)


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
        references: The payer's claim-level reference numbers (REF in loop
            2100: e.g. ``F8`` original reference, ``G1`` prior authorization,
            ``EA`` medical record number; a rendering provider's other ids).
        statement_start: The first day of the claim's statement period (DTM*232).
        statement_end: The last day of the claim's statement period (DTM*233).
        coverage_expiration: The day the patient's coverage ended (DTM*036).
        received_date: The day the payer received the claim (DTM*050).
        parties: The names the payer gives (NM1 in loop 2100): the patient
            (``QC``), the insured (``IL``), a corrected patient or insured
            (``74``), the rendering provider (``82``), the crossover carrier
            (``TT``)...; names and identifiers are masked in every view.
        amounts: Informational amounts (AMT: ``AU`` coverage, ``I`` interest,
            ``F5`` patient amount paid...); they never enter balancing.
        quantities: Informational quantities (QTY: ``CA`` covered days,
            ``VS`` visits...).

    Raises:
        CurrencyMismatchError: If an amount or a line is in another currency than ``charge``.
        InvalidCodeError: If a reference, amount or quantity has a qualifier
            the 835 guide does not allow at claim level (loop 2100).
        ValidationError: If ``statement_end`` is before ``statement_start``.

    Examples:
        >>> from billing_core.money import Money
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

    patient_control_number: str = attrs.field(validator=_TEXT)
    status: ClaimStatus = attrs.field(converter=_to_status)
    charge: Money = attrs.field(validator=is_money)
    paid: Money = attrs.field(validator=is_money)
    patient_responsibility: Money | None = attrs.field(default=None, validator=is_optional_money)
    payer_claim_control_number: str = attrs.field(default="", validator=_TEXT)
    adjustments: tuple[CasAdjustment, ...] = attrs.field(
        default=(), converter=to_tuple, validator=items(CasAdjustment)
    )
    remarks: tuple[RARC, ...] = attrs.field(default=(), converter=to_rarcs)
    lines: tuple[ServicePayment, ...] = attrs.field(
        default=(), converter=to_tuple, validator=items(ServicePayment)
    )
    references: tuple[Reference, ...] = attrs.field(
        default=(), converter=to_tuple, validator=items(Reference)
    )
    statement_start: datetime.date | None = attrs.field(default=None, validator=_DATE)
    statement_end: datetime.date | None = attrs.field(default=None, validator=_DATE)
    coverage_expiration: datetime.date | None = attrs.field(default=None, validator=_DATE)
    received_date: datetime.date | None = attrs.field(default=None, validator=_DATE)
    parties: tuple[ClaimParty, ...] = attrs.field(
        default=(), converter=to_tuple, validator=items(ClaimParty)
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
            raise mismatch("ClaimPayment", "paid", self.paid, code)
        pr = self.patient_responsibility
        if pr is not None and pr.currency != code:
            raise mismatch("ClaimPayment", "patient_responsibility", pr, code)
        check_adjustments("ClaimPayment", self.adjustments, code)
        for index, line in enumerate(self.lines):
            if line.charge.currency != code:
                raise mismatch("ClaimPayment", f"lines[{index}].charge", line.charge, code)
        check_supplements("ClaimPayment", self, code, line=False)
        start, end = self.statement_start, self.statement_end
        if start is not None and end is not None and end < start:
            raise invalid(
                "ClaimPayment.statement_end",
                f"{end.isoformat()} is before statement_start {start.isoformat()}",
                "ClaimPayment.statement_period",
            )

    def party(self, role: ClaimPartyRole | str) -> ClaimParty | None:
        """The first name the payer gives in ``role`` (NM101), or ``None``.

        Examples:
            >>> from billing_core.money import Money
            >>> c = ClaimPayment(patient_control_number="A", status="1",
            ...     charge=Money("5", "USD"), paid=Money("5", "USD"),
            ...     parties=[ClaimParty(role="QC", last_name="Roe")])
            >>> c.party("QC").last_name, c.party(ClaimPartyRole.INSURED)
            ('Roe', None)
        """
        wanted = ClaimPartyRole(role) if isinstance(role, str) else role
        return next((p for p in self.parties if p.role is wanted), None)

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
            >>> from billing_core.money import Money
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
            >>> from billing_core.money import Money
            >>> ClaimPayment(patient_control_number="A", status="22",
            ...              charge=Money("-5", "USD"), paid=Money("-5", "USD")).is_reversal
            True
        """
        return self.status is ClaimStatus.REVERSAL

    def as_reversal(self) -> ClaimPayment:
        """The reversal of this claim payment, as a payer sends it (status 22).

        Every amount (charge, paid, patient responsibility, each adjustment,
        each informational amount, each line's charge, paid, allowed amount,
        units and informational amounts) is negated; group and reason codes,
        control numbers, remarks, references, dates, names and informational
        quantities stay as they were.

        Returns:
            The reversal.

        Examples:
            >>> from billing_core.money import Money
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
            amounts=_negated_amounts(self.amounts),
            lines=[
                attrs.evolve(
                    line,
                    charge=-line.charge,
                    paid=-line.paid,
                    allowed=None if line.allowed is None else -line.allowed,
                    units=None if line.units is None else -line.units,
                    adjustments=_negated(line.adjustments),
                    amounts=_negated_amounts(line.amounts),
                )
                for line in self.lines
            ],
        )

    @property
    def is_denied(self) -> bool:
        """Whether the payer denied the claim: status 4, or processed with nothing paid.

        Examples:
            >>> from billing_core.money import Money
            >>> ClaimPayment(patient_control_number="A", status="1",
            ...              charge=Money("5", "USD"), paid=Money("0", "USD")).is_denied
            True
        """
        if self.status is ClaimStatus.DENIED:
            return True
        return self.status.sequence is not None and self.paid.minor == 0 and self.charge.minor != 0
