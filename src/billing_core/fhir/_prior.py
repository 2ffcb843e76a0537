"""A secondary claim's prior payers: non-focal insurances with their ClaimResponses (private).

A claim to a second or third payer carries what the payers before it decided
([`PriorPayerAdjudication`][billing_core.claims.PriorPayerAdjudication], the
837 COB loops). FHIR R4 says it the FHIR way: each prior payer is an
``insurance`` entry of the Claim that is not focal, referring to its Coverage
and to its ``claimResponse``; the ClaimResponse (included) holds what it paid
(``total`` benefit, ``payment``), when (``created``), its claim number
(``identifier``), its claim-level adjustments (``adjudication``) and, per
line, what it paid and adjusted (``item`` with the line's trace number).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import billing_core.fhir._codes as cs
from billing_core.claims import Claim, PriorLineAdjudication, PriorPayerAdjudication
from billing_core.errors import BillingError
from billing_core.fhir._adjudication import (
    cas_entry,
    read_adjudications,
    read_trace,
    trace_extension,
)
from billing_core.fhir._base import Node, Resource, fhir_id, prune
from billing_core.fhir._parties import (
    Resolver,
    coverage_included,
    coverage_resource,
    read_coverage,
    reference,
)


def _benefit(amount: Any) -> Resource:
    return {"category": cs.concept(cs.ADJUDICATION, "benefit"), "amount": cs.money(amount)}


def prior_response(claim: Claim, index: int, prior: PriorPayerAdjudication) -> Resource:
    """A prior payer's adjudication as the ClaimResponse its insurance entry refers to."""
    positions = {line.id: n for n, line in enumerate(claim.lines, 1)}
    items = [
        prune(
            {
                "extension": trace_extension("ClaimResponse", line.line_id),
                "itemSequence": positions.get(line.line_id, n),
                "adjudication": [_benefit(line.paid), *(cas_entry(a) for a in line.adjustments)],
            }
        )
        for n, line in enumerate(prior.lines, 1)
    ]
    return prune(
        {
            "resourceType": "ClaimResponse",
            "id": f"{fhir_id(claim.id, 'claim.id')}-prior-{index + 1}",
            "identifier": [{"value": prior.payer_claim_number}] if prior.payer_claim_number else [],
            "status": "active",
            "type": cs.concept(cs.CLAIM_TYPE, "professional"),
            "use": "claim",
            "patient": reference("Patient", claim.patient_id, "claim.patient_id"),
            "created": prior.adjudicated_on.isoformat(),
            "insurer": reference(
                "Organization", prior.coverage.payer.id, f"claim.prior_payers[{index}].payer.id"
            ),
            "request": {"identifier": {"value": claim.id}},
            "outcome": "complete",
            "item": items,
            "adjudication": [cas_entry(a) for a in prior.claim_adjustments],
            "total": [_benefit(prior.paid)],
        }
    )


def prior_insurance(claim: Claim) -> tuple[list[Resource], list[Resource]]:
    """The prior payers' insurance entries and the resources they refer to."""
    entries: list[Resource] = []
    included: list[Resource] = []
    for index, prior in enumerate(claim.prior_payers):
        response = prior_response(claim, index, prior)
        coverage = prior.coverage
        entries.append(
            {
                "sequence": index + 1,
                "focal": False,
                "coverage": reference(
                    "Coverage", coverage.id, f"claim.prior_payers[{index}].coverage.id"
                ),
                "claimResponse": {"reference": f"ClaimResponse/{response['id']}"},
            }
        )
        included.append(coverage_resource(coverage, claim.patient_id))
        included.extend([*coverage_included(coverage), response])
    return entries, included


def read_prior(
    entry: Node, resolver: Resolver, patient_id: str | None
) -> PriorPayerAdjudication | None:
    """A prior payer's adjudication from a non-focal insurance entry (``None`` if it has none)."""
    if not isinstance(entry.data.get("claimResponse"), Mapping):
        entry.drop("a non-focal insurance without a prior payer's response is not kept")
        return None
    entry.integer("sequence")
    entry.raw("focal")
    ref = entry.child("coverage", required=True)
    followed = None if ref is None else resolver.follow(ref, ("Coverage",))
    coverage = None if followed is None else read_coverage(followed[0], resolver, patient_id)
    response_ref = entry.child("claimResponse")
    answered = None if response_ref is None else resolver.follow(response_ref, ("ClaimResponse",))
    if answered is None or coverage is None:
        return None
    return _read_response(answered[0], coverage)


def _read_response(node: Node, coverage: Any) -> PriorPayerAdjudication | None:
    reader = node.reader
    node.raw("id")
    for key in ("status", "type", "use", "patient", "insurer", "request", "outcome", "payment"):
        node.raw(key)  # the claim and its coverage say them
    identifiers = node.children("identifier")
    number = identifiers[0].text("value") if identifiers else None
    paid = read_adjudications(node, "total").get("benefit")
    lines = []
    for item in node.children("item"):
        item.integer("itemSequence")
        found = read_adjudications(item)
        line_id = read_trace(item, "ClaimResponse")
        if line_id is None or found.get("benefit") is None:
            item.drop("a prior payer's line needs its line id and what it paid")
            continue
        lines.append(
            PriorLineAdjudication(line_id=line_id, paid=found["benefit"], adjustments=found["cas"])
        )
    adjudicated_on = node.date("created", required=True)
    if paid is None:
        reader.fail(node.at("total"), "required by the library: what the prior payer paid")
    if paid is None or adjudicated_on is None:
        return None
    try:
        return PriorPayerAdjudication(
            coverage=coverage,
            paid=paid,
            adjudicated_on=adjudicated_on,
            payer_claim_number=number,
            claim_adjustments=read_adjudications(node)["cas"],
            lines=lines,
        )
    except (BillingError, ValueError, TypeError) as exc:
        reader.fail(node.path, str(exc))
        return None
