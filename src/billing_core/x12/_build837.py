"""Building claims from what the 837 reader gathered, loop by loop (private).

The reader ([`_read837`][billing_core.x12._read837]) collects plain values per
loop into small mutable records; at the end of each claim they become the
documents: the coverage and its subscriber, the patient, the billing provider
and care team, the lines, the prior payers. An 837 carries no account or
patient id of ours, so both are the subscriber's member id (with the patient's
relationship code when the patient is a dependant, ``M123/19``); a coverage's
id is the payer's id and its SBR01 sequence code (``87726/P``). Re-key them
after reading.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Final

from billing_core._fields import invalid
from billing_core.charges import Category, DocumentRef, Drug, DrugUnit, LineItem, UnitBasis
from billing_core.claims import (
    Claim,
    ClaimFrequency,
    InstitutionalClaim,
    PriorLineAdjudication,
    PriorPayerAdjudication,
)
from billing_core.codes import (
    NDC,
    NPI,
    DiagnosisCode,
    PlaceOfService,
    ProcedureCode,
    RevenueCode,
    TaxonomyCode,
)
from billing_core.money import Money
from billing_core.parties import (
    Address,
    CareRole,
    CareTeamMember,
    Coverage,
    CoverageSequence,
    Patient,
    Payer,
    Provider,
    ProviderKind,
    Relationship,
    Sex,
)
from billing_core.remittance import CasAdjustment
from billing_core.x12._names import RELATIONSHIP_CODES

__all__ = ["ClaimRecord", "LineRecord", "Person", "PriorRecord", "ProviderRecord", "build_claim"]

_SEQUENCES: Final = {
    "P": CoverageSequence.PRIMARY,
    "S": CoverageSequence.SECONDARY,
    "T": CoverageSequence.TERTIARY,
}
_RELATIONSHIPS: Final = {
    "18": Relationship.SELF,
    "01": Relationship.SPOUSE,
    "19": Relationship.CHILD,
}
_UNIT_BASES: Final = {"MJ": UnitBasis.MINUTES, "DA": UnitBasis.DAYS}


class Person:
    """A subscriber or patient as NM1/N3/N4/DMG give them."""

    def __init__(self) -> None:
        self.name = ""
        self.ident = ""
        self.address: Address | None = None
        self.birth_date: datetime.date | None = None
        self.sex: Sex | None = None

    def patient(self, patient_id: str) -> Patient:
        return Patient(
            id=patient_id,
            name=self.name,
            birth_date=self.birth_date,
            sex=self.sex,
            address=self.address,
        )


class ProviderRecord:
    """A provider as NM1/N3/N4/REF/PRV give it."""

    def __init__(self, role: CareRole, kind: str, name: str, npi: NPI) -> None:
        self.role, self.kind, self.name, self.npi = role, kind, name, npi
        self.address: Address | None = None
        self.tax_id: str | None = None
        self.taxonomy: TaxonomyCode | None = None

    def member(self) -> CareTeamMember:
        kind = ProviderKind.PERSON if self.kind == "1" else ProviderKind.ORGANIZATION
        provider = Provider(
            npi=self.npi,
            name=self.name,
            kind=kind,
            taxonomy=self.taxonomy,
            address=self.address,
            tax_id=self.tax_id,
        )
        return CareTeamMember(provider=provider, role=self.role)


class LineRecord:
    """One 2400 loop."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.id = ""
        self.procedure: ProcedureCode | None = None
        self.revenue: RevenueCode | None = None
        self.charge: Money | None = None
        self.basis = "UN"
        self.units: Decimal | None = None
        self.place: str = ""
        self.pointers: list[int] = []
        self.start: datetime.date | None = None
        self.end: datetime.date | None = None
        self.ndc: NDC | None = None
        self.drug_quantity: Decimal | None = None
        self.drug_unit: DrugUnit | None = None
        self.providers: list[ProviderRecord] = []
        self.attachments: list[DocumentRef] = []


class PriorRecord:
    """One 2320 loop (a prior payer), with its 2330A/B and the 2430 lines that name it."""

    def __init__(self, sbr: list[str]) -> None:
        self.sbr = sbr
        self.subscriber = Person()
        self.payer_name = ""
        self.payer_id = ""
        self.paid: Money | None = None
        self.adjustments: list[CasAdjustment] = []
        self.date: datetime.date | None = None
        self.claim_number: str | None = None
        self.lines: list[tuple[str, Money, list[CasAdjustment]]] = []


class ClaimRecord:
    """One 2300 loop and everything above it that the claim needs."""

    def __init__(self, clm: list[str], component: str) -> None:
        self.clm = clm
        self.component = component
        self.fields: dict[str, Any] = {}
        self.diagnoses: list[DiagnosisCode] = []
        self.admitting: str | None = None
        self.institutional: dict[str, Any] = {}
        self.providers: list[ProviderRecord] = []
        self.attachments: list[DocumentRef] = []
        self.priors: list[PriorRecord] = []
        self.lines: list[LineRecord] = []


def _element(segment: list[str], index: int) -> str:
    return segment[index].strip() if index < len(segment) else ""


def _coverage(
    sbr: list[str],
    relationship: Relationship,
    person: Person,
    payer: Payer,
    subscriber: Patient | None,
) -> Coverage:
    code = _element(sbr, 1)
    filing = _element(sbr, 9)
    return Coverage(
        id=f"{payer.id}/{code}",
        payer=payer,
        member_id=person.ident or "?",
        sequence=_SEQUENCES[code],
        group_number=_element(sbr, 3),
        relationship=relationship,
        subscriber=subscriber,
        filing_code=None if filing in ("", "ZZ") else filing,
    )


def _line(record: LineRecord, claim_place: PlaceOfService | None, claim_id: str) -> LineItem:
    drug = None
    if record.ndc is not None and record.drug_quantity is not None and record.drug_unit:
        drug = Drug(ndc=record.ndc, quantity=record.drug_quantity, unit=record.drug_unit)
    if drug is not None:
        category = Category.DRUG
    elif record.revenue is not None and record.revenue.code[:2] in ("01", "02"):
        category = Category.ROOM
    else:
        category = Category.PROCEDURE if record.procedure is not None else Category.OTHER
    place = PlaceOfService(record.place) if record.place else None
    units: int | Decimal = record.units if record.units is not None else 1
    if isinstance(units, Decimal) and units == units.to_integral_value():
        units = int(units)
    start = record.start or datetime.date.min
    return LineItem(
        id=record.id or str(record.number),
        category=category,
        service_date=start,
        service_through=record.end if record.end not in (None, start) else None,
        charge=record.charge or Money(0, "USD"),
        procedure=record.procedure,
        revenue_code=record.revenue,
        drug=drug,
        units=units,
        unit_basis=_UNIT_BASES.get(record.basis, UnitBasis.UNITS),
        place_of_service=None if place == claim_place else place,
        diagnosis_pointers=record.pointers,
        care_team=[p.member() for p in record.providers],
        attachments=record.attachments,
    )


def _prior(
    record: PriorRecord, claim_patient: Patient, lines: list[LineItem]
) -> PriorPayerAdjudication:
    relationship = _RELATIONSHIPS.get(_element(record.sbr, 2), Relationship.OTHER)
    payer = Payer(
        id=record.payer_id or record.payer_name, name=record.payer_name, payer_id=record.payer_id
    )
    subscriber = (
        None
        if relationship is Relationship.SELF
        else record.subscriber.patient(record.subscriber.ident or "?")
    )
    coverage = _coverage(record.sbr, relationship, record.subscriber, payer, subscriber)
    if record.date is None or record.paid is None:
        missing = "adjudication date (DTP*573)" if record.date is None else "paid amount (AMT*D)"
        raise invalid("claim.prior_payers", f"the other payer's {missing} is missing", "x12.837")
    return PriorPayerAdjudication(
        coverage=coverage,
        paid=record.paid,
        adjudicated_on=record.date,
        payer_claim_number=record.claim_number,
        claim_adjustments=record.adjustments,
        lines=[PriorLineAdjudication(line_id=i, paid=p, adjustments=a) for i, p, a in record.lines],
    )


def _parties(
    sbr: list[str], relationship_code: str, subscriber: Person, payer: Payer, patient: Person | None
) -> tuple[Coverage, Patient]:
    """The coverage billed and the patient, keyed by the subscriber's member id."""
    self_insured = _element(sbr, 2) == "18" or patient is None
    relationship = (
        Relationship.SELF
        if self_insured
        else _RELATIONSHIPS.get(relationship_code, Relationship.OTHER)
    )
    member = subscriber.ident or "?"
    patient_id = member if self_insured else f"{member}/{RELATIONSHIP_CODES[relationship]}"
    the_patient = (subscriber if self_insured or patient is None else patient).patient(patient_id)
    coverage = _coverage(
        sbr, relationship, subscriber, payer, None if self_insured else subscriber.patient(member)
    )
    return coverage, the_patient


def build_claim(
    record: ClaimRecord,
    *,
    billing: ProviderRecord | None,
    sbr: list[str],
    relationship_code: str,
    subscriber: Person,
    payer: Payer,
    patient: Person | None,
    claim_date: datetime.date,
) -> Claim:
    """The claim of a 2300 loop with the levels above it (errors come from the documents)."""
    clm = record.clm
    composite = _element(clm, 5).split(record.component)
    composite += [""] * (3 - len(composite))
    coverage, the_patient = _parties(sbr, relationship_code, subscriber, payer, patient)
    patient_id = the_patient.id
    institutional = None
    place = None
    if record.institutional.get("institutional"):
        inst = dict(record.institutional)
        del inst["institutional"]
        institutional = InstitutionalClaim(facility_type=composite[0], **inst)
    elif composite[0]:
        place = PlaceOfService(composite[0])
    lines = [_line(line, place, _element(clm, 1)) for line in record.lines]
    team = ([billing.member()] if billing is not None else []) + [
        p.member() for p in record.providers
    ]
    return Claim(
        id=_element(clm, 1),
        account_id=patient_id,
        patient_id=patient_id,
        coverage=coverage,
        claim_date=claim_date,
        lines=lines,
        total_charge=record.fields["total"],
        diagnoses=record.diagnoses,
        care_team=team,
        place_of_service=place,
        frequency=ClaimFrequency(composite[2] or "1"),
        attachments=record.attachments,
        original_claim_number=record.fields.get("F8"),
        referral_number=record.fields.get("9F"),
        prior_authorization=record.fields.get("G1"),
        statement_from=record.fields.get("from"),
        statement_through=record.fields.get("through"),
        # A 2320 loop with neither a paid amount nor a date names other coverage that has not
        # adjudicated the claim yet: no prior payer to carry.
        prior_payers=[
            _prior(p, the_patient, lines)
            for p in record.priors
            if p.paid is not None or p.date is not None
        ],
        patient=the_patient,
        institutional=institutional,
    )
