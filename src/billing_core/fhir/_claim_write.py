"""A claim as a FHIR R4 Claim (private).

| ours | FHIR Claim |
|---|---|
| ``id`` | ``identifier[0].value`` and the resource ``id`` |
| ``patient_id`` | ``patient`` (``Patient/{id}``) |
| ``coverage`` | the focal ``insurance``'s ``coverage``, ``insurer``; the Coverage included |
| ``claim_date`` | ``created`` |
| ``total_charge`` | ``total`` |
| ``diagnoses`` | ``diagnosis[n].diagnosisCodeableConcept`` (ICD-10-CM) |
| ``care_team`` | ``careTeam`` (with roles); the first billing provider is also ``provider`` |
| ``place_of_service`` | each ``item.locationCodeableConcept`` |
| ``frequency`` | ``status`` (void: cancelled), ``related`` (prior claim) |
| ``prior_authorization`` | the focal insurance's ``preAuthRef`` |
| ``prior_payers`` | non-focal ``insurance`` entries, each with its Coverage and ``claimResponse`` (included) |
| ``referral_number`` | ``referral.identifier`` |
| ``attachments`` | ``supportingInfo`` (category attachment) |
| ``statement_from/through`` | ``billablePeriod`` |
| line | ``item``: ``extension`` (R5 ``traceNumber``: the line's id), ``productOrService``, ``modifier``, ``revenue``, ``category``, ``serviced[x]``, ``quantity``, ``unitPrice``, ``net``, ``diagnosisSequence``, ``careTeamSequence``, ``informationSequence``, ``detail`` (drug) |
"""  # noqa: E501

from __future__ import annotations

from typing import Any, Final

import billing_core.fhir._codes as cs
import billing_core.fhir._lines as ln
from billing_core.charges import DocumentRef, LineItem
from billing_core.claims import Claim, ClaimFrequency
from billing_core.fhir._base import (
    Direction,
    Loss,
    LossReport,
    Mapped,
    Resource,
    distinct,
    fhir_id,
    prune,
)
from billing_core.fhir._parties import (
    coverage_included,
    coverage_losses,
    coverage_resource,
    provider_ref,
    provider_resource,
    reference,
)
from billing_core.fhir._persons import patient_resource
from billing_core.fhir._prior import prior_insurance
from billing_core.parties import CareRole, CareTeamMember, Provider, ProviderKind

DOCUMENT_KIND_SYSTEM: Final = cs.own("document-kind")
TRACE_NUMBER: Final = "http://hl7.org/fhir/5.0/StructureDefinition/extension-Claim.item.traceNumber"
"""The FHIR R5 element Claim.item.traceNumber carried into R4 by its cross-version
extension: a line's id, the line control number payers answer with."""
ABSENT_PROVIDER: Final = {
    "extension": [
        {
            "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
            "valueCode": "unknown",
        }
    ]
}


def claim_type(claim: Claim) -> str:
    """``institutional`` when a line has a revenue code, else ``professional``."""
    return "institutional" if any(line.revenue_code for line in claim.lines) else "professional"


class _Team:
    """The careTeam list being written, the billing provider, and the providers to include."""

    def __init__(self, claim: Claim) -> None:
        self.entries: list[Resource] = []
        self.lost: list[Loss] = []
        self.providers: dict[tuple[ProviderKind, str], Provider] = {}
        billing = [m.provider for m in claim.care_team if m.role is CareRole.BILLING]
        self.billing = billing[0] if billing else None
        for index, member in enumerate(claim.care_team):
            self.add(member, f"claim.care_team[{index}]")

    def add(self, member: CareTeamMember, where: str) -> int:
        sequence = len(self.entries) + 1
        provider = member.provider
        key = (provider.kind, provider.npi.code)
        if self.providers.setdefault(key, provider) != provider:
            self.lost.append(
                Loss(f"{where}.provider", "another provider has this NPI: written as the first")
            )
        entry = {
            "sequence": sequence,
            "provider": provider_ref(provider),
            "role": ln.role(member.role, member.description),
        }
        self.entries.append(entry)
        return sequence


def _attachment(ref: DocumentRef, sequence: int) -> Resource:
    code = {"coding": [cs.coding(DOCUMENT_KIND_SYSTEM, ref.kind.value)]}
    if ref.report_type is not None:
        code["coding"].append(cs.coding(cs.X12_REPORT_TYPE, ref.report_type))
    return prune(
        {
            "sequence": sequence,
            "category": cs.concept(cs.INFORMATION_CATEGORY, "attachment"),
            "code": code,
            "timingDate": None if ref.date is None else ref.date.isoformat(),
            "valueAttachment": {"url": ref.reference},
        }
    )


def _attachment_losses(refs: tuple[DocumentRef, ...], where: str) -> list[Loss]:
    out = []
    for index, ref in enumerate(refs):
        for name in ("transmission", "control_number"):
            if getattr(ref, name) is not None:
                out.append(
                    Loss(
                        f"{where}.attachments[{index}].{name}",
                        "a FHIR supporting information has no PWK transmission or control number",
                    )
                )
    return out


def _line_losses(line: LineItem, index: int) -> list[Loss]:
    where = f"claim.lines[{index}]"
    out: list[Loss] = []
    if line.authorization is not None:
        out.append(Loss(f"{where}.authorization", "a FHIR Claim item holds no patient consent"))
    if line.patient_liable:
        out.append(Loss(f"{where}.patient_liable", "a FHIR Claim item has no such flag"))
    if line.price_components:
        out.append(Loss(f"{where}.price_components", "a FHIR Claim item has no price components"))
    return out + _attachment_losses(line.attachments, where)


def _place_losses(claim: Claim) -> list[Loss]:
    """Where the claim-or-line places of service would not read back as they are."""
    effective = [line.place_of_service or claim.place_of_service for line in claim.lines]
    common = effective[0] if len(set(effective)) == 1 else None
    why = "FHIR keeps each item's place of service; it reads back as the claim's when all agree"
    out = []
    if claim.place_of_service != common:
        out.append(Loss("claim.place_of_service", why))
    for index, line in enumerate(claim.lines):
        if line.place_of_service != (None if common is not None else effective[index]):
            out.append(Loss(f"claim.lines[{index}].place_of_service", why))
    return out


def _item(claim: Claim, line: LineItem, sequence: int, team: _Team, info: list[Resource]) -> Any:
    first_info = len(info) + 1
    info.extend(_attachment(ref, first_info + i) for i, ref in enumerate(line.attachments))
    place = line.place_of_service or claim.place_of_service
    return prune(
        {
            "extension": [{"url": TRACE_NUMBER, "valueIdentifier": {"value": line.id}}],
            "sequence": sequence,
            "careTeamSequence": [
                team.add(member, f"claim.lines[{sequence - 1}].care_team[{k}]")
                for k, member in enumerate(line.care_team)
            ],
            "diagnosisSequence": list(line.diagnosis_pointers),
            "informationSequence": list(range(first_info, len(info) + 1)),
            "revenue": None
            if line.revenue_code is None
            else cs.concept(cs.REVENUE, line.revenue_code.code),
            "category": ln.category(line),
            "productOrService": ln.product(line),
            "modifier": ln.modifiers(line),
            **ln.serviced(line),
            "locationCodeableConcept": None
            if place is None
            else cs.concept(cs.PLACE_OF_SERVICE, place.code),
            "quantity": ln.quantity(line),
            "unitPrice": None
            if line.unit_price is None
            else {"value": line.unit_price, "currency": line.charge.currency},
            "net": cs.money(line.charge),
            "detail": ln.drug_detail(line),
        }
    )


def _related(claim: Claim) -> list[Resource]:
    if claim.original_claim_number is None:
        return []
    return [
        {
            "relationship": cs.concept(cs.RELATED_CLAIM, "prior"),
            "reference": {"value": claim.original_claim_number},
        }
    ]


def _claim_losses(claim: Claim, team: _Team) -> list[Loss]:
    """Every field of the claim a FHIR Claim cannot hold."""
    lost = [Loss("claim.account_id", "a FHIR Claim names no account")]
    if claim.institutional is not None:
        lost.append(Loss("claim.institutional", "the 837I facility part is not written (yet)"))
    for index, line in enumerate(claim.lines):
        lost.extend(_line_losses(line, index))
    lost.extend(_attachment_losses(claim.attachments, "claim"))
    lost.extend(_place_losses(claim))
    lost.extend(team.lost)
    lost.extend(coverage_losses(claim.coverage, "claim.coverage"))
    for index, prior in enumerate(claim.prior_payers):
        lost.extend(coverage_losses(prior.coverage, f"claim.prior_payers[{index}].coverage"))
    return lost


def _period(start: Any, end: Any) -> Resource:
    return {
        "start": None if start is None else start.isoformat(),
        "end": None if end is None else end.isoformat(),
    }


def claim_to_fhir(claim: Claim) -> Mapped[Resource]:
    """A claim as a FHIR R4 Claim, with the resources it refers to, and what FHIR cannot hold.

    See [`billing_core.fhir`][billing_core.fhir] for the mapping table.

    Raises:
        ValidationError: An id (the claim's, the coverage's, the payer's)
            that cannot be a FHIR resource id.

    Examples:
        >>> from billing_core._examples import example_claim
        >>> mapped = claim_to_fhir(example_claim())
        >>> claim = mapped.value
        >>> claim["resourceType"], claim["total"], claim["item"][0]["productOrService"]
        ('Claim', {'value': Decimal('125.00'), 'currency': 'USD'}, {'coding': [{'system': 'http://www.ama-assn.org/go/cpt', 'code': '99213'}]})
        >>> [r["resourceType"] for r in mapped.included]
        ['Coverage', 'Organization']
        >>> print(mapped.report)
        to FHIR, not kept:
          - claim.account_id: a FHIR Claim names no account
    """  # noqa: E501
    team = _Team(claim)
    info = [_attachment(ref, i + 1) for i, ref in enumerate(claim.attachments)]
    items = [_item(claim, line, n, team, info) for n, line in enumerate(claim.lines, 1)]
    coverage = claim.coverage
    priors, prior_resources = prior_insurance(claim)
    insurance = {
        "sequence": len(priors) + 1,
        "focal": True,
        "coverage": reference("Coverage", coverage.id, "claim.coverage.id"),
        "preAuthRef": [claim.prior_authorization] if claim.prior_authorization else [],
    }
    resource = prune(
        {
            "resourceType": "Claim",
            "id": fhir_id(claim.id, "claim.id"),
            "identifier": [{"value": claim.id}],
            "status": "cancelled" if claim.frequency is ClaimFrequency.VOID else "active",
            "type": cs.concept(cs.CLAIM_TYPE, claim_type(claim)),
            "use": "claim",
            "patient": reference("Patient", claim.patient_id, "claim.patient_id"),
            "billablePeriod": _period(claim.statement_from, claim.statement_through),
            "created": claim.claim_date.isoformat(),
            "insurer": reference("Organization", coverage.payer.id, "claim.coverage.payer.id"),
            "provider": ABSENT_PROVIDER if team.billing is None else provider_ref(team.billing),
            "priority": cs.concept(cs.PRIORITY, "normal"),
            "related": _related(claim),
            "referral": None
            if claim.referral_number is None
            else {"identifier": {"value": claim.referral_number}},
            "careTeam": team.entries,
            "supportingInfo": info,
            "diagnosis": [
                {"sequence": n, "diagnosisCodeableConcept": cs.concept(cs.ICD10CM, code.dotted)}
                for n, code in enumerate(claim.diagnoses, 1)
            ],
            "insurance": [*priors, insurance],
            "item": items,
            "total": cs.money(claim.total_charge),
        }
    )
    lost = _claim_losses(claim, team)
    included = [
        coverage_resource(coverage, claim.patient_id),
        *coverage_included(coverage),
        *([] if claim.patient is None else [patient_resource(claim.patient)]),
        *(provider_resource(p) for p in team.providers.values()),
        *prior_resources,
    ]
    report = LossReport(direction=Direction.TO_FHIR, lost=lost)
    return Mapped(value=resource, report=report, included=distinct(included))
