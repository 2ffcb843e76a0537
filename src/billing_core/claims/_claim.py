"""Claims to payers: one payer, one coverage, the line items claimed.

A [`Claim`][] holds the [`LineItem`][billing_core.charges.LineItem] objects
themselves, so totals and validation need no lookups; each line's ``id`` is
its line control number (837 REF*6R) and the claim's ``id`` is the patient
control number (CLM01). The constructor refuses impossible shapes; everything
else is a finding of [`validate_claim`][billing_core.claims.validate_claim].

Examples:
    >>> from billing_core._examples import example_claim
    >>> claim = example_claim()
    >>> claim.payer.name, claim.currency, claim.principal_diagnosis.dotted
    ('Acme Health', 'USD', 'E11.9')
"""

from __future__ import annotations

import datetime
import enum
from typing import Final

import attrs

from billing_core._fields import (
    date_field,
    diagnoses,
    invalid,
    items_of,
    of_type,
    optional_code,
    provider_in_role,
    text,
    to_tuple,
)
from billing_core.charges import MAX_DIAGNOSIS_POINTER, DocumentRef, LineItem
from billing_core.charges._lines import (
    charges_minor,
    check_born_by_service,
    check_lines,
    line_records,
    lines_html,
)
from billing_core.claims._institutional import InstitutionalClaim
from billing_core.claims._prior_payers import PriorPayerAdjudication
from billing_core.codes import DiagnosisCode, PlaceOfService
from billing_core.errors import CurrencyMismatchError, ValidationError
from billing_core.money import Money
from billing_core.parties import CareRole, CareTeamMember, Coverage, Patient, Payer, Provider
from billing_core.views import MoneyForm, Protected, Record, protected, shown

__all__ = [
    "MAX_DIAGNOSES",
    "MAX_POINTERS_PER_LINE",
    "Claim",
    "ClaimFrequency",
]

MAX_DIAGNOSES: Final = MAX_DIAGNOSIS_POINTER
"""The most diagnoses one claim may list (837P HI segment, CMS-1500 box 21): 12."""
MAX_POINTERS_PER_LINE: Final = 4
"""The most diagnosis pointers one line may carry (837P SV107, CMS-1500 box 24E): 4."""


class ClaimFrequency(enum.Enum):
    """The claim frequency code (837 CLM05-3): original, replacement or void.

    A replacement or a void refers to the payer's claim number of the claim it
    replaces or cancels (``Claim.original_claim_number``, REF*F8).

    Examples:
        >>> ClaimFrequency("7")
        <ClaimFrequency.REPLACEMENT: '7'>
    """

    ORIGINAL = "1"
    REPLACEMENT = "7"
    VOID = "8"


def _no_lines(claim_id: str) -> ValidationError:
    return invalid(f"claim {claim_id!r}.lines", "a claim needs at least one line", "claim.lines")


@attrs.frozen(kw_only=True)
class Claim:
    """A claim to one payer under one coverage.

    Attributes:
        id: The caller's identifier; sent as the patient control number (CLM01).
        account_id: The patient/guarantor account whose ledger it belongs to.
        patient_id: The patient.
        coverage: The coverage billed (its payer is [`payer`][]).
        claim_date: The date the claim is made; no service may be after it.
        lines: The line items claimed, at least one, one currency, unique ids.
        total_charge: The stated total charge (CLM02); defaults to the sum of
            the lines. [`validate_claim`][] checks a stated one.
        diagnoses: Up to 12 ICD-10-CM codes, the principal first (strings are parsed).
        care_team: Claim-level providers (billing, rendering, referring, ...);
            a line lists its own only where they differ.
        place_of_service: Where the services were given; a line may override it.
        frequency: Original, replacement or void.
        original_claim_number: The payer's number of the claim replaced or voided.
        prior_authorization: The payer's prior authorization number (REF*G1).
        referral_number: The referral number (REF*9F).
        attachments: Claim-level supporting records.
        statement_from: First day of the statement period, if given.
        statement_through: Last day of the statement period, if given.
        prior_payers: Prior payers' adjudications, for secondary claims.
        patient: The patient's details (name, birth date, sex, address) that
            an 837 carries; its ``id`` is ``patient_id``.
        institutional: The facility part of an institutional claim (837I);
            ``None`` for a professional claim.

    Raises:
        ValidationError: No lines, two lines with one id, a patient born after a
            service date (the message shows neither date), or a statement period
            ending before it starts.
        CurrencyMismatchError: A line or the stated total in another currency.

    Examples:
        >>> import datetime
        >>> from billing_core.charges import Category
        >>> from billing_core.parties import Coverage, CoverageSequence, Payer
        >>> cov = Coverage(id="C1", payer=Payer(id="acme", name="Acme"), member_id="M1",
        ...                sequence=CoverageSequence.PRIMARY)
        >>> Claim(id="CLM1", account_id="A1", patient_id="P1", coverage=cov,
        ...       claim_date=datetime.date(2024, 3, 5), lines=[])
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: claim 'CLM1'.lines: a claim needs at least one line
    """

    id: str = attrs.field(validator=text("claim"))
    account_id: str = attrs.field(
        validator=text("claim", protected=True), **protected(Protected.ID)
    )
    patient_id: str = attrs.field(
        validator=text("claim", protected=True), **protected(Protected.ID)
    )
    coverage: Coverage = attrs.field(validator=of_type("claim", Coverage))
    claim_date: datetime.date = attrs.field(validator=date_field("claim"))
    lines: tuple[LineItem, ...] = attrs.field(converter=to_tuple)
    total_charge: Money = attrs.field(validator=of_type("claim", Money))
    diagnoses: tuple[DiagnosisCode, ...] = attrs.field(
        default=(),
        converter=diagnoses("diagnoses"),  # type: ignore[misc]  # attrs.Converter: mypy plugin limit
    )
    care_team: tuple[CareTeamMember, ...] = attrs.field(
        default=(), converter=to_tuple, validator=items_of("claim", CareTeamMember)
    )
    place_of_service: PlaceOfService | None = attrs.field(
        default=None,
        converter=optional_code(PlaceOfService, "place_of_service"),  # type: ignore[misc]  # attrs.Converter: mypy plugin limit
    )
    frequency: ClaimFrequency = attrs.field(
        default=ClaimFrequency.ORIGINAL, validator=of_type("claim", ClaimFrequency)
    )
    original_claim_number: str | None = attrs.field(
        default=None, validator=text("claim", optional=True)
    )
    prior_authorization: str | None = attrs.field(
        default=None, validator=text("claim", optional=True)
    )
    referral_number: str | None = attrs.field(default=None, validator=text("claim", optional=True))
    attachments: tuple[DocumentRef, ...] = attrs.field(
        default=(), converter=to_tuple, validator=items_of("claim", DocumentRef)
    )
    statement_from: datetime.date | None = attrs.field(
        default=None, validator=date_field("claim", optional=True)
    )
    statement_through: datetime.date | None = attrs.field(
        default=None, validator=date_field("claim", optional=True)
    )
    prior_payers: tuple[PriorPayerAdjudication, ...] = attrs.field(
        default=(), converter=to_tuple, validator=items_of("claim", PriorPayerAdjudication)
    )
    patient: Patient | None = attrs.field(
        default=None, validator=of_type("claim", Patient, optional=True)
    )
    institutional: InstitutionalClaim | None = attrs.field(
        default=None, validator=of_type("claim", InstitutionalClaim, optional=True)
    )

    @total_charge.default
    def _sum_of_lines(self) -> Money:
        # Defaults run before the post-init: an empty claim must fail here first.
        if not self.lines:
            raise _no_lines(self.id)
        return Money.from_minor(charges_minor(self.lines), self.lines[0].charge.currency)

    def __attrs_post_init__(self) -> None:
        if not self.lines:
            raise _no_lines(self.id)
        where = f"claim {self.id!r}"
        currency = self.total_charge.currency
        first = self.lines[0]
        # A stated total in another currency than the lines: blame the total, not line 1.
        if first.__class__ is LineItem and first.charge.currency != currency:
            raise CurrencyMismatchError(
                f"{where}.total_charge is in {currency}, "
                f"line 1 ({first.id!r}).charge is in {first.charge.currency}"
            )
        # Line ids are unique within the claim: each is the REF*6R a payer echoes back, and a
        # repeat would make the remittance's lines ambiguous.
        check_lines(self.lines, currency, where)
        for index, prior in enumerate(self.prior_payers):
            # Prior payers' amounts must be in the claim's currency: the COB balancing rules add
            # them to the claim charge as plain minor units.
            if prior.paid.currency != currency:
                raise CurrencyMismatchError(
                    f"{where}: prior_payers[{index}].paid is in "
                    f"{prior.paid.currency}, the claim is in {currency}"
                )
        # Two patient ids on one claim would send one patient's claim under another's name.
        if self.patient is not None and self.patient.id != self.patient_id:
            raise invalid(
                f"{where}.patient",
                "the patient's id is not the claim's patient_id (value not shown: protected"
                " health information)",
                "claim.patient",
            )
        if self.patient is not None:
            check_born_by_service(self.patient, self.lines, f"{where}.patient")
        start, end = self.statement_from, self.statement_through
        if start is not None and end is not None and end < start:
            raise invalid(
                f"{where}.statement_through",
                f"{end.isoformat()} is before the statement start {start.isoformat()}",
                "claim.statement_through",
            )

    @property
    def currency(self) -> str:
        """The claim's currency (that of its total and lines)."""
        return self.total_charge.currency

    @property
    def payer(self) -> Payer:
        """The payer billed: the coverage's payer."""
        return self.coverage.payer

    @property
    def principal_diagnosis(self) -> DiagnosisCode | None:
        """The first diagnosis, or ``None`` when there is none."""
        return self.diagnoses[0] if self.diagnoses else None

    def provider(self, role: CareRole, line: LineItem | None = None) -> Provider | None:
        """The provider in ``role`` for ``line`` (its own if it has one) or for the claim.

        Examples:
            >>> import datetime
            >>> from billing_core.charges import Category, LineItem
            >>> from billing_core.money import Money
            >>> from billing_core.parties import CareRole, CareTeamMember, Coverage
            >>> from billing_core.parties import CoverageSequence, Payer, Provider
            >>> doc = Provider(npi="1234567893", name="Dr. Ada Smith")
            >>> cov = Coverage(id="C1", payer=Payer(id="acme", name="Acme"), member_id="M1",
            ...                sequence=CoverageSequence.PRIMARY)
            >>> line = LineItem(id="L1", category=Category.PROCEDURE,
            ...                 service_date=datetime.date(2024, 3, 4), charge=Money("1.00", "USD"))
            >>> claim = Claim(id="CLM1", account_id="A1", patient_id="P1", coverage=cov,
            ...               claim_date=datetime.date(2024, 3, 5), lines=[line],
            ...               care_team=[CareTeamMember(provider=doc, role=CareRole.RENDERING)])
            >>> claim.provider(CareRole.RENDERING, line).name
            'Dr. Ada Smith'
        """
        own = None if line is None else line.provider(role)
        return own if own is not None else provider_in_role(self.care_team, role)

    def to_records(self, *, unmasked: bool = False, money: MoneyForm = "decimal") -> list[Record]:
        """The claim's lines as flat rows of plain values (``pandas.DataFrame(records)`` works).

        Each row has ``claim_id``, ``payer``, ``account_id``, ``patient_id`` and
        ``member_id`` (the three masked unless ``unmasked``, see
        [`views`][billing_core.views]), then the line's number, id, service
        dates, category, codes, units, diagnosis pointers, ``charge`` and
        ``currency``.

        Args:
            unmasked: Export the account, patient and member ids in full.
            money: ``"decimal"`` (``Decimal`` amounts) or ``"minor"`` (``int``
                minor units, which pandas can plot).

        Returns:
            One record per line.

        Examples:
            >>> from billing_core._examples import example_claim
            >>> row = example_claim().to_records()[0]
            >>> row["claim_id"], row["payer"], row["procedure"], row["charge"], row["member_id"]
            ('CLM1', 'Acme Health', '99213', Decimal('125.00'), '****6789')
        """
        return line_records(
            self.lines,
            self.currency,
            money,
            claim_id=self.id,
            payer=self.coverage.payer.name,
            account_id=shown(self.account_id, Protected.ID, unmasked=unmasked),
            patient_id=shown(self.patient_id, Protected.ID, unmasked=unmasked),
            member_id=shown(self.coverage.member_id, Protected.ID, unmasked=unmasked),
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_html(self, *, unmasked: bool = False) -> str:
        """The claim as an HTML table (a notebook shows it); patient identifiers are masked.

        Args:
            unmasked: Show the member and patient ids in full.

        Returns:
            The HTML.

        Examples:
            >>> from billing_core._examples import example_claim
            >>> claim = example_claim()
            >>> claim.coverage.member_id in claim.to_html(), "member ****6789" in claim.to_html()
            (False, True)
        """
        import html  # only when rendering: the everyday names never load it

        coverage = self.coverage
        member = shown(coverage.member_id, Protected.ID, unmasked=unmasked)
        caption = (
            f"Claim {self.id} ({self.frequency.name.lower()}) to {coverage.payer.name}"
            f" ({coverage.sequence.name.lower()}), member {member},"
            f" patient {shown(self.patient_id, Protected.ID, unmasked=unmasked)};"
            f" claim date {self.claim_date.isoformat()}"
        )
        table = lines_html(self.lines, self.currency, caption=caption, pointers=True)
        diagnoses = ", ".join(f"{n}. {d.dotted}" for n, d in enumerate(self.diagnoses, 1))
        return f"{table}\n<p>Diagnoses: {html.escape(diagnoses or 'none')}</p>"
