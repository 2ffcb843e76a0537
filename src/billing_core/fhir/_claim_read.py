"""A FHIR R4 Claim read into a claim of ours (private).

The reverse of [`claim_to_fhir`][billing_core.fhir.claim_to_fhir]. What a
claim of ours cannot hold (a diagnosis that is not ICD-10-CM, a product code
of another system, an item's body site, a payee...) is reported, each element
by its path; what it needs and FHIR did not give (a line's id, its category)
is taken as documented and reported as assumed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

import billing_core.fhir._codes as cs
import billing_core.fhir._lines as ln
from billing_core.charges import AttachmentTransmission, DocumentKind, DocumentRef, LineItem
from billing_core.claims import Claim, ClaimFrequency, PriorPayerAdjudication
from billing_core.codes import DiagnosisCode, PlaceOfService, RevenueCode
from billing_core.errors import BillingError, ValidationError
from billing_core.fhir._base import Mapped, Node, Reader, start, unkept
from billing_core.fhir._claim_write import DOCUMENT_KIND_SYSTEM, TRACE_NUMBER, claim_to_fhir
from billing_core.fhir._parties import (
    Resolver,
    Resources,
    read_coverage,
    read_provider,
    referenced_id,
)
from billing_core.fhir._persons import read_patient
from billing_core.fhir._prior import read_prior
from billing_core.parties import CareRole, CareTeamMember, Coverage

__all__ = ["claim_from_fhir"]


def _diagnoses(node: Node) -> dict[int, DiagnosisCode]:
    """Each ICD-10-CM diagnosis by its sequence; others are reported not kept."""
    found: dict[int, DiagnosisCode] = {}
    for entry in node.children("diagnosis"):
        sequence = entry.integer("sequence")
        codes = cs.codes(entry.child("diagnosisCodeableConcept"), (cs.ICD10CM,))
        entry.lose("type", "a diagnosis type is not kept (the first is the principal)")
        entry.lose("diagnosisReference", "a diagnosis by reference is not kept")
        entry.lose("onAdmission", "present-on-admission is not kept")
        entry.lose("packageCode", "a package code is not kept")
        if sequence is None or not codes:
            node.reader.lose(entry.path, "a diagnosis without an ICD-10-CM code is not kept")
            continue
        try:
            found[sequence] = DiagnosisCode(codes[0][1])
        except (BillingError, ValueError) as exc:
            node.reader.lose(entry.path, f"not kept: {exc}")
    return found


def _team(node: Node, resolver: Resolver) -> dict[int, CareTeamMember]:
    members: dict[int, CareTeamMember] = {}
    for entry in node.children("careTeam"):
        sequence = entry.integer("sequence")
        ref = entry.child("provider", required=True)
        provider = None if ref is None else read_provider(ref, resolver)
        member_role, description = ln.read_role(entry)
        entry.lose("responsible", "a responsible flag is not kept")
        entry.lose("qualification", "a qualification is not kept (a provider's taxonomy is)")
        if sequence is not None and provider is not None:
            members[sequence] = CareTeamMember(
                provider=provider, role=member_role, description=description
            )
    return members


def _attachments(node: Node) -> dict[int, DocumentRef]:
    found: dict[int, DocumentRef] = {}
    for entry in node.children("supportingInfo"):
        sequence = entry.integer("sequence")
        if sequence is None or not cs.is_code(
            entry.data.get("category"), cs.INFORMATION_CATEGORY, "attachment"
        ):
            entry.drop("only attachments are kept of supporting information")
            continue
        entry.child("category")
        codes = dict(cs.codes(entry.child("code"), (DOCUMENT_KIND_SYSTEM, cs.X12_REPORT_TYPE)))
        attachment = entry.child("valueAttachment")
        url = None if attachment is None else attachment.text("url")
        if url is None:
            node.reader.lose(entry.path, "an attachment without a url is not kept")
            continue
        report_type = codes.get(cs.X12_REPORT_TYPE)
        if report_type is not None:
            node.reader.assume(entry.path, "its PWK transmission is taken as available on request")
        try:
            found[sequence] = DocumentRef(
                kind=DocumentKind(codes.get(DOCUMENT_KIND_SYSTEM, "other")),
                reference=url,
                date=entry.date("timingDate"),
                report_type=report_type,
                transmission=None
                if report_type is None
                else AttachmentTransmission.AVAILABLE_ON_REQUEST,
            )
        except (BillingError, ValueError, TypeError) as exc:
            node.reader.fail(entry.path, str(exc))
    return found


def _pick(node: Node, key: str, index: Mapping[int, Any], what: str) -> list[Any]:
    out = []
    for number in node.integers(key):
        if number in index:
            out.append(index[number])
        else:
            node.reader.lose(f"{node.at(key)}", f"{what} {number} is not kept")
    return out


def _line(item: Node, tables: dict[str, Mapping[int, Any]]) -> Any:
    reader = item.reader
    sequence = item.integer("sequence")
    procedure, description = ln.read_product(item)
    drug = ln.read_drug(item)
    start_day, through = ln.read_serviced(item)
    units, basis = ln.read_quantity(item)
    revenue = cs.codes(item.child("revenue"), (cs.REVENUE,))
    place = cs.codes(item.child("locationCodeableConcept"), (cs.PLACE_OF_SERVICE,))
    unit_price = item.child("unitPrice")
    price = None if unit_price is None else cs.decimal_value(unit_price.raw("value"))
    if unit_price is not None:
        unit_price.raw("currency")
    charge = cs.read_money(item.child("net", required=True))
    pointers = []
    for number in item.integers("diagnosisSequence"):
        if number in tables["diagnoses"]:
            pointers.append(tables["order"][number])
        else:
            reader.lose(item.at("diagnosisSequence"), f"diagnosis {number} is not kept")
    line_id = _trace_number(item) or str(sequence)
    fields = ln.keyword_fields(
        service_through=through,
        procedure=procedure,
        revenue_code=RevenueCode(revenue[0][1]) if revenue else None,
        drug=drug,
        unit_price=price,
        place_of_service=PlaceOfService(place[0][1]) if place else None,
    )
    if start_day is None or charge is None:
        return None
    return LineItem(
        id=line_id,
        category=ln.read_category(item, procedure, drug),
        service_date=start_day,
        charge=charge,
        units=units,
        unit_basis=basis,
        diagnosis_pointers=pointers,
        care_team=_pick(item, "careTeamSequence", tables["team"], "care team member"),
        attachments=_pick(item, "informationSequence", tables["info"], "supporting information"),
        description=description,
        **fields,
    )


def _trace_number(item: Node) -> str | None:
    found = None
    for extension in item.children("extension"):
        if extension.text("url") == TRACE_NUMBER and found is None:
            ident = extension.child("valueIdentifier")
            found = None if ident is None else ident.text("value")
        else:
            item.reader.lose(extension.path, "an extension this library does not know")
            for key in extension.unread():
                extension.raw(key)
    if found is None:
        item.reader.assume(item.at("sequence"), "no trace number: the line's id is its sequence")
    return found


def _claim_level(node: Node, resolver: Resolver, patient_id: str | None) -> dict[str, Any]:
    """The claim's own fields (not its lines)."""
    reader = node.reader
    fields: dict[str, Any] = {}
    status = node.text("status", required=True)
    fields["frequency"] = ClaimFrequency.VOID if status == "cancelled" else None
    if status not in ("active", "cancelled", None):
        reader.lose(node.at("status"), f"status {status!r} is not kept")
    if node.text("use", required=True) not in ("claim", None):
        reader.lose(node.at("use"), "only a claim's use 'claim' is kept")
    priority = node.child("priority", required=True)
    if priority is not None and not cs.is_code(priority, cs.PRIORITY, "normal"):
        priority.drop("a priority other than normal is not kept")
    for related in node.children("related"):
        relation = cs.codes(related.child("relationship"), (cs.RELATED_CLAIM,))
        number = related.child("reference")
        value = None if number is None else number.text("value")
        related.lose("claim", "a related claim's reference is not kept (its number is)")
        if (
            relation == [(cs.RELATED_CLAIM, "prior")]
            and value
            and "original_claim_number" not in fields
        ):
            fields["original_claim_number"] = value
            if fields["frequency"] is None:
                fields["frequency"] = ClaimFrequency.REPLACEMENT
        else:
            reader.lose(related.path, "only the prior claim's number is kept")
    referral = node.child("referral")
    if referral is not None:
        ident = referral.child("identifier")
        fields["referral_number"] = None if ident is None else ident.text("value")
        if fields["referral_number"] is None:
            reader.lose(referral.path, "a referral without an identifier value is not kept")
    period = node.child("billablePeriod")
    if period is not None:
        fields["statement_from"] = period.date("start")
        fields["statement_through"] = period.date("end")
    coverage, pre_auth, priors = _insurance(node, resolver, patient_id)
    fields.update(coverage=coverage, prior_authorization=pre_auth, prior_payers=priors)
    return fields


def _insurance(
    node: Node, resolver: Resolver, patient_id: str | None
) -> tuple[Coverage | None, str | None, list[PriorPayerAdjudication]]:
    coverage, pre_auth, priors = None, None, []
    for entry in node.children("insurance", required=True):
        if entry.data.get("focal") is not True or coverage is not None:
            prior = read_prior(entry, resolver, patient_id)
            if prior is not None:
                priors.append(prior)
            continue
        entry.raw("focal")
        entry.integer("sequence")
        ref = entry.child("coverage", required=True)
        followed = None if ref is None else resolver.follow(ref, ("Coverage",))
        if followed is not None:
            coverage = read_coverage(followed[0], resolver, patient_id)
        refs = entry.raw("preAuthRef") or []
        pre_auth = refs[0] if refs and isinstance(refs[0], str) else None
        if len(refs) > 1:
            node.reader.lose(entry.at("preAuthRef"), "only the first prior authorization is kept")
        entry.lose("identifier", "the insurance's claim identifier is not kept")
        entry.lose("businessArrangement", "a business arrangement is not kept")
        entry.lose("claimResponse", "the focal payer's own response is not kept on a claim")
    return coverage, pre_auth, priors


def claim_from_fhir(
    resource: Mapping[str, Any], *, resources: Resources = None, account_id: str | None = None
) -> Mapped[Claim]:
    """A FHIR R4 Claim as a claim of ours, with every element it does not keep.

    Args:
        resource: The Claim, a dict of JSON values (numbers may be ``Decimal``,
            ``int`` or ``float``; see [`loads`][billing_core.fhir.loads]).
        resources: The resources it refers to (its Coverage, the payer's
            Organization, the providers' Practitioner or Organization): a list
            of resources or a Bundle. Contained resources are found without it.
        account_id: The account the claim belongs to (a FHIR Claim names
            none); the patient's id when not given.

    Returns:
        The claim, and the report of what was not kept or was assumed.

    Raises:
        ValidationError: Every problem at once, each located by element path:
            another resourceType, a required element missing, a reference to a
            resource not supplied, an amount finer than its currency's minor
            unit (a float artefact such as ``0.30000000000000004``).

    Examples:
        >>> from billing_core._examples import example_claim
        >>> from billing_core.fhir import claim_to_fhir
        >>> written = claim_to_fhir(example_claim())
        >>> back = claim_from_fhir(written.value, resources=written.included, account_id="A1")
        >>> back.value.total_charge, back.value.lines[0].procedure
        (Money('125.00', 'USD'), ProcedureCode(system=<CodeSystem.CPT: 'CPT'>, code='99213', modifiers=()))
        >>> claim_from_fhir({"resourceType": "Coverage"})
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: Claim.resourceType: must be 'Claim', got 'Coverage' (str)
    """  # noqa: E501
    reader, node = start(resource, "Claim")
    resolver = Resolver(resources)
    resolver.add_contained(node)
    if node.has("contained"):
        reader.lose(node.at("contained"), "resources are written back apart, not contained")
    node.lose("text", "the narrative is not kept")
    node.lose("meta", "resource metadata is not kept")
    claim_id = _identity(node)
    patient_ref = node.child("patient", required=True)
    patient_id = referenced_id(patient_ref, "Patient")
    found = None if patient_ref is None else resolver.find(patient_ref, "Patient")
    patient = None if found is None else read_patient(found)
    fields = _claim_level(node, resolver, patient_id)
    billing = _billing(node, resolver)
    tables = _tables(node, resolver)
    lines = [_line(item, tables) for item in node.children("item", required=True)]
    total = cs.read_money(node.child("total"))
    claim_date = node.date("created", required=True)
    node.raw("type")
    node.raw("insurer")
    reader.check()
    fields["patient"] = patient
    ids = (claim_id, patient_id, account_id)
    claim = _build(reader, ids, claim_date, lines, total, fields, tables, billing)
    _compare(reader, node, claim, resource)
    resolver.report_unfollowed(reader)
    return Mapped(value=claim, report=reader.report())


def _identity(node: Node) -> str | None:
    rid = node.text("id")
    identifiers = node.children("identifier")
    if not identifiers:
        if rid is None:
            node.reader.fail(node.at("identifier"), "required by the library: the claim's id")
        return rid
    value = identifiers[0].text("value")
    identifiers[0].lose("system", "an identifier's system is not kept")
    identifiers[0].lose("type", "an identifier's type is not kept")
    for extra in identifiers[1:]:
        node.reader.lose(extra.path, "only the first identifier is kept")
    if rid is not None and rid != value:
        node.reader.lose(node.at("id"), "the resource id is not kept: the identifier is the id")
    return value


def _billing(node: Node, resolver: Resolver) -> CareTeamMember | None:
    ref = node.child("provider", required=True)
    if ref is None or not ref.has("reference"):
        if ref is not None:
            ref.raw("extension")
            ref.lose("display", "a billing provider without a reference is not kept")
            ref.lose("identifier", "a billing provider without a reference is not kept")
        return None
    provider = read_provider(ref, resolver)
    return None if provider is None else CareTeamMember(provider=provider, role=CareRole.BILLING)


def _tables(node: Node, resolver: Resolver) -> dict[str, Mapping[int, Any]]:
    diagnoses = _diagnoses(node)
    order = {sequence: n for n, sequence in enumerate(sorted(diagnoses), 1)}
    return {
        "diagnoses": diagnoses,
        "order": order,
        "team": _team(node, resolver),
        "info": _attachments(node),
    }


def _build(
    reader: Reader,
    ids: tuple[str | None, str | None, str | None],
    claim_date: Any,
    lines: list[Any],
    total: Any,
    fields: dict[str, Any],
    tables: dict[str, Mapping[int, Any]],
    billing: CareTeamMember | None,
) -> Claim:
    claim_id, patient_id, account_id = ids
    referenced = {id(m) for line in lines if line is not None for m in line.care_team}
    team = [m for m in tables["team"].values() if id(m) not in referenced]
    attached = {id(a) for line in lines if line is not None for a in line.attachments}
    attachments = [a for a in tables["info"].values() if id(a) not in attached]
    diagnoses = [tables["diagnoses"][s] for s in sorted(tables["diagnoses"])]
    places = {line.place_of_service for line in lines}
    place = places.pop() if len(places) == 1 else None
    if place is not None:  # every item in one place: the claim's (see claim_to_fhir)
        lines = [attrs.evolve(line, place_of_service=None) for line in lines]
        fields["place_of_service"] = place
    try:
        return Claim(
            id=claim_id or "",
            account_id=account_id if account_id is not None else patient_id or "",
            patient_id=patient_id or "",
            claim_date=claim_date,
            lines=lines,
            diagnoses=diagnoses,
            care_team=[*team, *_billing_apart(billing, team)],
            attachments=attachments,
            **ln.keyword_fields(total_charge=total, **fields),
        )
    except (BillingError, ValueError, TypeError) as exc:
        reader.fail("Claim", str(exc))
        reader.check()
        raise  # check() raised


def _billing_apart(
    billing: CareTeamMember | None, team: list[CareTeamMember]
) -> list[CareTeamMember]:
    """The billing provider, unless the care team already lists it as billing."""
    if billing is None or any(
        m.role is CareRole.BILLING and m.provider == billing.provider for m in team
    ):
        return []
    return [billing]


def _compare(reader: Reader, node: Node, claim: Claim, resource: Mapping[str, Any]) -> None:
    """Report what would be written back otherwise (renumbered, or in another form)."""
    try:
        written = claim_to_fhir(claim).value
    except ValidationError:  # an id FHIR would not take: nothing is written back as it is
        written = {}
    for key in ("type", "insurer"):
        if key in resource and resource[key] != written.get(key):
            reader.lose(node.at(key), f"written back as {written.get(key)!r}")
    reader.note_unread()
    lost = frozenset(loss.path for loss in reader.lost)
    for path in unkept(resource, written, lost, "Claim"):
        reader.lose(path, "written back otherwise (renumbered, or in another form)")
