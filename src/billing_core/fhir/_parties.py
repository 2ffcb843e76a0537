"""References, and the parties they lead to: providers, payers, coverages (private).

A reading follows a reference (``Coverage/9876B1``, ``#coverage-1``) to a
resource contained in the one being read or supplied by the caller (a list of
resources or a Bundle); a reference to a resource not supplied is an error
naming the element. Writing refers to resources by the library's ids
(``Patient/{patient_id}``, ``Coverage/{coverage.id}``, ``Organization/{payer.id}``,
``Practitioner/{npi}``) and returns those it can write as ``included``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Final

import billing_core.fhir._codes as cs
from billing_core._checks import describe
from billing_core.codes import NPI, TaxonomyCode
from billing_core.errors import BillingError
from billing_core.fhir._base import Loss, Node, Reader, Resource, fhir_id, prune
from billing_core.fhir._persons import address, patient_resource, read_address, read_patient
from billing_core.fhir._required import missing_elements
from billing_core.parties import (
    Coverage,
    CoverageSequence,
    Patient,
    Payer,
    PlanBenefits,
    Provider,
    ProviderKind,
    Relationship,
)

Resources = Iterable[Mapping[str, Any]] | Mapping[str, Any] | None

_RELATIONSHIPS: Final = {
    Relationship.SELF: "self",
    Relationship.SPOUSE: "spouse",
    Relationship.CHILD: "child",
    Relationship.OTHER: "other",
}
UNKNOWN_REFERENCE: Final = {
    "extension": [
        {
            "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
            "valueCode": "unknown",
        }
    ]
}
"""A required reference whose target is not known (FHIR's data-absent-reason extension)."""
_PAYER_ID_TYPE: Final = "NIIP"  # v2-0203: National Insurance Payor Identifier (Payor)
_TAX_ID_TYPE: Final = "TAX"  # v2-0203: Tax ID number
FILING_SYSTEM: Final = cs.own("claim-filing-indicator")  # X12 SBR09


class Resolver:
    """The resources a reading may follow references to: contained ones and those supplied."""

    def __init__(self, resources: Resources = None) -> None:
        self._by_ref: dict[str, tuple[Mapping[str, Any], str]] = {}
        self._contained: dict[str, str] = {}
        self._followed: set[str] = set()
        for resource in _flatten(resources):
            kind, rid = resource.get("resourceType"), resource.get("id")
            if isinstance(kind, str) and isinstance(rid, str):
                self._by_ref[f"{kind}/{rid}"] = (resource, f"{kind}/{rid}")

    def add_contained(self, node: Node) -> None:
        """Make the resources contained in ``node`` reachable as ``#id``."""
        items = node.raw("contained")
        if not isinstance(items, list):
            return
        for index, item in enumerate(items):
            rid = item.get("id") if isinstance(item, Mapping) else None
            path = f"{node.path}.contained[{index}]"
            if isinstance(rid, str) and isinstance(item, Mapping):
                self._by_ref[f"#{rid}"] = (item, path)
                self._contained[f"#{rid}"] = path
            else:
                node.reader.fail(path, "a contained resource needs an id")

    def follow(self, ref: Node, types: tuple[str, ...]) -> tuple[Node, str] | None:
        """The resource a Reference leads to, as a node; reports (and returns ``None``) if none."""
        target = ref.text("reference")
        if target is None:
            return None
        key = target if target.startswith("#") else "/".join(target.rsplit("/", 2)[-2:])
        found = self._by_ref.get(key)
        if found is None:
            ref.reader.fail(
                ref.at("reference"),
                f"refers to {target!r}, which was not supplied (pass it in resources=)",
            )
            return None
        resource, path = found
        if key.startswith("#"):
            ref.reader.lose(ref.at("reference"), f"written back as a reference to {path}'s type/id")
        kind = resource.get("resourceType")
        if kind not in types:
            ref.reader.fail(
                ref.at("reference"), f"refers to a {kind}, expected {' or '.join(types)}"
            )
            return None
        node = ref.reader.node(resource, path)
        node.raw("resourceType")
        if key not in self._followed:
            for missing in missing_elements(resource, str(kind), path):
                ref.reader.fail(missing, "required element missing")
        if key in self._followed:  # read once; a second reference adds nothing to report
            for element in node.unread():
                node.raw(element)
        self._followed.add(key)
        return node, str(kind)

    def find(self, ref: Node, kind: str) -> Node | None:
        """The resource a Reference leads to if it was supplied or contained, else ``None``."""
        target = ref.data.get("reference")
        if not isinstance(target, str):
            return None
        key = target if target.startswith("#") else "/".join(target.rsplit("/", 2)[-2:])
        if key not in self._by_ref or self._by_ref[key][0].get("resourceType") != kind:
            return None
        followed = self.follow(ref, (kind,))
        return None if followed is None else followed[0]

    def report_unfollowed(self, reader: Reader) -> None:
        """Report each contained resource no reference led to."""
        for key, path in self._contained.items():
            if key not in self._followed:
                reader.lose(path, "a contained resource no kept element refers to is not kept")

    def mark_followed(self, target: str) -> None:
        """Count a contained resource as read (its id is kept where it is referred to)."""
        self._followed.add(target)


def _flatten(resources: Resources) -> Iterable[Mapping[str, Any]]:
    if resources is None:
        return []
    if isinstance(resources, Mapping):
        if resources.get("resourceType") == "Bundle":
            entries = resources.get("entry") or []
            return [e["resource"] for e in entries if isinstance(e, Mapping) and "resource" in e]
        return [resources]
    return list(resources)


def reference(kind: str, rid: str, field: str) -> Resource:
    """A Reference to ``kind/rid``."""
    return {"reference": f"{kind}/{fhir_id(rid, field)}"}


def referenced_id(ref: Node | None, kind: str) -> str | None:
    """The id in a Reference to a ``kind`` (``Patient/1`` or ``#patient-1``), not followed."""
    if ref is None:
        return None
    target = ref.text("reference")
    if target is None:
        ref.reader.fail(ref.at("reference"), f"a reference to a {kind} is needed")
        return None
    if target.startswith("#"):
        return target[1:]
    parts = target.rsplit("/", 2)
    if len(parts) < 2 or parts[-2] != kind:
        ref.reader.fail(ref.at("reference"), f"must refer to a {kind}, got {describe(target)}")
        return None
    return parts[-1]


# --------------------------------------------------------------------------- providers


def provider_ref(provider: Provider) -> Resource:
    """The Reference to a provider's Practitioner or Organization (by NPI)."""
    kind = "Practitioner" if provider.kind is ProviderKind.PERSON else "Organization"
    return {"reference": f"{kind}/{provider.npi.code}"}


def provider_resource(provider: Provider) -> Resource:
    """A provider as a Practitioner (a person) or an Organization, identified by NPI."""
    identifier: list[Resource] = [{"system": cs.NPI, "value": provider.npi.code}]
    if provider.tax_id:
        identifier.append(
            {"type": cs.concept(cs.IDENTIFIER_TYPE, _TAX_ID_TYPE), "value": provider.tax_id}
        )
    taxonomy = (
        None if provider.taxonomy is None else cs.concept(cs.TAXONOMY, provider.taxonomy.code)
    )
    if provider.kind is ProviderKind.PERSON:
        return prune(
            {
                "resourceType": "Practitioner",
                "id": provider.npi.code,
                "identifier": identifier,
                "name": [{"text": provider.name}] if provider.name else [],
                "address": address(provider.address),
                "qualification": [{"code": taxonomy}] if taxonomy else [],
            }
        )
    return prune(
        {
            "resourceType": "Organization",
            "id": provider.npi.code,
            "identifier": identifier,
            "name": provider.name or None,
            "type": [taxonomy] if taxonomy else [],
            "address": address(provider.address),
        }
    )


def read_provider(ref: Node, resolver: Resolver) -> Provider | None:
    """The provider a Reference leads to; one without an NPI is reported not kept."""
    followed = resolver.follow(ref, ("Practitioner", "Organization"))
    if followed is None:
        return None
    reader = ref.reader
    node, kind = followed
    node.raw("id")
    npi, tax_id = None, None
    for ident in node.children("identifier"):
        if ident.text("system") == cs.NPI:
            npi = ident.text("value")
        elif (cs.IDENTIFIER_TYPE, _TAX_ID_TYPE) in cs.codes(
            ident.child("type"), (cs.IDENTIFIER_TYPE,)
        ):
            tax_id = ident.text("value")
        else:
            reader.lose(ident.path, "only the NPI and the tax id are kept")
    if npi is None:
        reader.lose(ref.path, "the provider has no NPI, which a care team member needs")
        for key in node.unread():
            node.raw(key)
        return None
    person = kind == "Practitioner"
    if node.data.get("id") != npi:
        reader.lose(ref.at("reference"), f"written back as {kind}/{npi} (by NPI)")
    name = _person_name(node) if person else (node.text("name") or "")
    taxonomy = _taxonomy(node, person)
    try:
        return Provider(
            npi=NPI(npi),
            name=name,
            kind=ProviderKind.PERSON if person else ProviderKind.ORGANIZATION,
            taxonomy=taxonomy,
            address=read_address(node),
            tax_id=tax_id,
        )
    except (BillingError, ValueError, TypeError) as exc:
        reader.fail(ref.path, str(exc))
        return None


def _is_tax_id(ident: Node) -> bool:
    typed = cs.codes(ident.child("type"), (cs.IDENTIFIER_TYPE,))
    return (cs.IDENTIFIER_TYPE, _TAX_ID_TYPE) in typed


def _person_name(node: Node) -> str:
    names = node.children("name")
    if not names:
        return ""
    first = names[0]
    for extra in names[1:]:
        node.reader.lose(extra.path, "only the first name is kept")
    text = first.text("text")
    if text is None:
        given = first.raw("given") or []
        family = first.text("family") or ""
        text = " ".join([*[g for g in given if isinstance(g, str)], family]).strip()
        node.reader.lose(first.path, f"kept as the text {text!r}")
    for key in first.unread():
        first.lose(key, "only the name's text is kept")
    return text


def _taxonomy(node: Node, person: bool) -> TaxonomyCode | None:
    holders: list[Node | None] = []
    if person:
        holders.extend(q.child("code") for q in node.children("qualification"))
    else:
        holders.extend(node.children("type"))
    found = [code for holder in holders for _, code in cs.codes(holder, (cs.TAXONOMY,))]
    if not found:
        return None
    try:
        return TaxonomyCode(found[0])
    except BillingError as exc:
        node.reader.fail(node.path, str(exc))
        return None


# --------------------------------------------------------------------------- payers


def payer_resource(payer: Payer) -> Resource:
    """A payer as an Organization; its electronic payer id typed NIIP."""
    identifier = []
    if payer.payer_id:
        identifier = [
            {"type": cs.concept(cs.IDENTIFIER_TYPE, _PAYER_ID_TYPE), "value": payer.payer_id}
        ]
    return prune(
        {
            "resourceType": "Organization",
            "id": fhir_id(payer.id, "payer.id"),
            "identifier": identifier,
            "name": payer.name or None,
        }
    )


def read_payer(ref: Node, resolver: Resolver) -> Payer | None:
    """The payer a Reference leads to (an Organization), or one given by identifier and name."""
    reader = ref.reader
    if not ref.has("reference"):
        ident = ref.child("identifier")
        value = None if ident is None else ident.text("value")
        if ident is not None:
            ident.lose("system", "a payer identifier's system is not kept")
        if value is None:
            reader.fail(ref.path, "a payer needs a reference or an identifier")
            return None
        reader.lose(ref.path, "given by identifier: written back as a reference to the payer")
        return Payer(id=value, name=ref.text("display") or "", payer_id=value)
    followed = resolver.follow(ref, ("Organization",))
    ref.lose("display", "the payer's name is read from its Organization")
    if followed is None:
        return None
    node, _ = followed
    rid = node.text("id", required=True) or ""
    payer_id = ""
    for ident in node.children("identifier"):
        typed = cs.codes(ident.child("type"), (cs.IDENTIFIER_TYPE,))
        if (cs.IDENTIFIER_TYPE, _PAYER_ID_TYPE) in typed:
            payer_id = ident.text("value") or ""
        else:
            reader.lose(ident.path, "only the payer id (type NIIP) is kept")
    try:
        return Payer(id=rid, name=node.text("name") or "", payer_id=payer_id)
    except (BillingError, ValueError, TypeError) as exc:
        reader.fail(node.path, str(exc))
        return None


# --------------------------------------------------------------------------- coverages


def coverage_resource(coverage: Coverage, patient_id: str) -> Resource:
    """A coverage as a FHIR Coverage (its payer referred to as an Organization)."""
    period = {
        "start": None if coverage.start is None else coverage.start.isoformat(),
        "end": None if coverage.end is None else coverage.end.isoformat(),
    }
    group = []
    if coverage.group_number:
        group = [{"type": cs.concept(cs.COVERAGE_CLASS, "group"), "value": coverage.group_number}]
    return prune(
        {
            "resourceType": "Coverage",
            "id": fhir_id(coverage.id, "coverage.id"),
            "status": "active",
            "type": None
            if coverage.filing_code is None
            else cs.concept(FILING_SYSTEM, coverage.filing_code),
            "subscriber": None
            if coverage.subscriber is None
            else reference("Patient", coverage.subscriber.id, "coverage.subscriber.id"),
            "subscriberId": coverage.member_id,
            "beneficiary": reference("Patient", patient_id, "patient_id"),
            "relationship": cs.concept(cs.RELATIONSHIP, _RELATIONSHIPS[coverage.relationship]),
            "period": period,
            "payor": [reference("Organization", coverage.payer.id, "coverage.payer.id")],
            "class": group,
            "order": coverage.sequence.value,
            "costToBeneficiary": _costs(coverage.benefits),
        }
    )


def coverage_losses(coverage: Coverage, where: str) -> list[Loss]:
    """What a FHIR Coverage cannot hold of a coverage: family terms, benefits without terms."""
    benefits = coverage.benefits
    if benefits is None:
        return []
    out = []
    for name in ("family_deductible", "family_out_of_pocket_max"):
        if getattr(benefits, name) is not None:
            out.append(Loss(f"{where}.benefits.{name}", "a Coverage's costs have no family term"))
    if not _costs(benefits) and not out:
        out.append(Loss(f"{where}.benefits", "plan benefits without any term write nothing"))
    return out


def coverage_included(coverage: Coverage) -> list[Resource]:
    """The resources a Coverage refers to: its payer, and its subscriber when not the patient."""
    out = [payer_resource(coverage.payer)]
    if coverage.subscriber is not None:
        out.append(patient_resource(coverage.subscriber))
    return out


def _costs(benefits: PlanBenefits | None) -> list[Resource]:
    if benefits is None:
        return []
    out: list[Resource] = []
    for code, amount in (
        ("deductible", benefits.deductible),
        ("copay", benefits.copay),
        ("maxoutofpocket", benefits.out_of_pocket_max),
    ):
        if amount is not None:
            out.append({"type": cs.concept(cs.COPAY_TYPE, code), "valueMoney": cs.money(amount)})
    if benefits.coinsurance_rate is not None:
        percent = benefits.coinsurance_rate.scaleb(2)
        if percent == percent.to_integral_value():
            percent = percent.quantize(Decimal(1))
        out.append(
            {
                "type": cs.concept(cs.COPAY_TYPE, "copaypct"),
                "valueQuantity": {"value": percent, "unit": "%", "system": cs.UCUM, "code": "%"},
            }
        )
    return out


def read_coverage(node: Node, resolver: Resolver, patient_id: str | None) -> Coverage | None:
    """Our Coverage from a FHIR Coverage node."""
    reader = node.reader
    rid = node.text("id", required=True)
    status = node.text("status")
    if status not in (None, "active"):
        reader.lose(node.at("status"), f"status {status!r} is not kept")
    member_id = node.text("subscriberId") or _member_id_from_identifier(node)
    beneficiary = node.child("beneficiary")
    seen_patient = referenced_id(beneficiary, "Patient") if beneficiary else None
    if patient_id is not None and seen_patient not in (None, patient_id):
        reader.lose(node.at("beneficiary"), "another patient than the claim's is not kept")
    elif patient_id is None and beneficiary is not None:
        reader.lose(node.at("beneficiary"), "a coverage of ours does not name its patient")
    payors = node.children("payor", required=True)
    payer = read_payer(payors[0], resolver) if payors else None
    for extra in payors[1:]:
        reader.lose(extra.path, "only the first payor is kept")
    order = node.integer("order")
    if order is None:
        reader.assume(node.at("order"), "absent: taken as 1 (primary)")
    sequence = _sequence(node, order or 1)
    fields: dict[str, Any] = {
        "subscriber": _subscriber(node, resolver),
        "filing_code": _filing_code(node),
        "relationship": _relationship(node),
        "group_number": _group(node),
        "benefits": _benefits(node),
    }
    period = node.child("period")
    if period is not None:
        fields["start"] = period.date("start")
        fields["end"] = period.date("end")
    if payer is None or reader.findings:
        return None
    try:
        return Coverage(
            id=rid or "", payer=payer, member_id=member_id or "", sequence=sequence, **fields
        )
    except (BillingError, ValueError, TypeError) as exc:
        reader.fail(node.path, str(exc))
        return None


def _subscriber(node: Node, resolver: Resolver) -> Patient | None:
    ref = node.child("subscriber")
    if ref is None:
        return None
    followed = resolver.follow(ref, ("Patient", "RelatedPerson"))
    if followed is None:
        return None
    person, kind = followed
    if kind != "Patient":
        person.drop("a subscriber who is a RelatedPerson is not kept")
        return None
    return read_patient(person)


def _filing_code(node: Node) -> str | None:
    found = cs.codes(node.child("type"), (FILING_SYSTEM,))
    return found[0][1] if found else None


def _member_id_from_identifier(node: Node) -> str | None:
    identifiers = node.children("identifier")
    value = identifiers[0].text("value") if identifiers else None
    if value is None:
        node.reader.fail(node.at("subscriberId"), "required by the library: the member id")
        return None
    node.reader.lose(node.at("identifier"), "the member id is written back as subscriberId")
    for ident in identifiers:
        for key in ident.unread():
            ident.raw(key)
    return value


def _sequence(node: Node, order: int) -> CoverageSequence:
    try:
        return CoverageSequence(order)
    except (BillingError, ValueError):
        node.reader.fail(node.at("order"), f"must be 1, 2 or 3 (primary to tertiary), got {order}")
        return CoverageSequence.PRIMARY


def _relationship(node: Node) -> Relationship:
    found = cs.codes(node.child("relationship"), (cs.RELATIONSHIP,))
    if not found:
        if node.has("relationship"):
            return Relationship.SELF
        node.reader.assume(node.at("relationship"), "absent: taken as self")
        return Relationship.SELF
    by_code = {code: rel for rel, code in _RELATIONSHIPS.items()}
    code = found[0][1]
    if code not in by_code:
        node.reader.lose(node.at("relationship"), f"{code!r} is kept as 'other'")
    return by_code.get(code, Relationship.OTHER)


def _group(node: Node) -> str:
    group = ""
    for item in node.children("class"):
        if (cs.COVERAGE_CLASS, "group") in cs.codes(item.child("type"), (cs.COVERAGE_CLASS,)):
            group = item.text("value") or ""
            item.lose("name", "a class name is not kept")
        else:
            node.reader.lose(item.path, "only the group class is kept")
    return group


def _benefits(node: Node) -> PlanBenefits | None:
    amounts: dict[str, Any] = {}
    names = {"deductible": "deductible", "copay": "copay", "maxoutofpocket": "out_of_pocket_max"}
    for item in node.children("costToBeneficiary"):
        found = cs.codes(item.child("type"), (cs.COPAY_TYPE,))
        code = found[0][1] if found else None
        if code in names:
            amounts[names[code]] = cs.read_money(item.child("valueMoney"))
        elif code == "copaypct":
            quantity = item.child("valueQuantity")
            value = None if quantity is None else cs.decimal_value(quantity.raw("value"))
            for key in ("unit", "system", "code"):
                _ = None if quantity is None else quantity.raw(key)
            if value is not None:
                amounts["coinsurance_rate"] = value.scaleb(-2)
        else:
            node.reader.lose(item.path, "only deductible, copay, copay % and out-of-pocket max")
        item.lose("exception", "cost exceptions are not kept")
    if not amounts:
        return None
    try:
        return PlanBenefits(**amounts)
    except (BillingError, ValueError, TypeError) as exc:
        node.reader.fail(node.at("costToBeneficiary"), str(exc))
        return None
