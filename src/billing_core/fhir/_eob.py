"""A claim and the payer's answer to it as a FHIR ExplanationOfBenefit, both ways (private).

Written, an ExplanationOfBenefit is the claim (as
[`claim_to_fhir`][billing_core.fhir.claim_to_fhir] writes it) with the
adjudication of [`claim_response_to_fhir`][billing_core.fhir.claim_response_to_fhir]
on each item, matched by line control number. Read, it gives the claim
payment: the adjudications, and the codes, units and dates of each item; the
claim's own part (diagnoses, care team, coverage) is reported not kept.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Final

import billing_core.fhir._codes as cs
import billing_core.fhir._lines as ln
from billing_core.benefits import Estimate
from billing_core.claims import Claim
from billing_core.errors import BillingError
from billing_core.fhir._adjudication import (
    TRACE,
    build_payment,
    cas_entry,
    claim_payment_fields,
    information_losses,
    line_adjudication,
    line_losses,
    notes,
    payment_element,
    read_lines,
    read_notes,
    remittance_losses,
    require_amounts,
    status_losses,
    totals,
)
from billing_core.fhir._base import (
    Direction,
    Loss,
    LossReport,
    Mapped,
    Node,
    Resource,
    prune,
    start,
)
from billing_core.fhir._claim_write import claim_to_fhir
from billing_core.remittance import ClaimPayment, ClaimStatus, Remittance, ServicePayment

_CLAIM_PART: Final = (
    "careTeam",
    "diagnosis",
    "supportingInfo",
    "insurance",
    "provider",
    "billablePeriod",
    "related",
    "referral",
    "priority",
    "facility",
    "procedure",
    "payee",
    "precedence",
    "subType",
    "enterer",
    "prescription",
    "originalPrescription",
    "accident",
    "preAuthRef",
    "preAuthRefPeriod",
    "fundsReserve",
    "fundsReserveRequested",
    "form",
    "formCode",
    "benefitPeriod",
    "benefitBalance",
)
_ITEM_CLAIM_PART: Final = (
    "careTeamSequence",
    "diagnosisSequence",
    "procedureSequence",
    "informationSequence",
    "revenue",
    "category",
    "modifier",
    "programCode",
    "locationCodeableConcept",
    "locationAddress",
    "locationReference",
    "unitPrice",
    "factor",
    "net",
    "udi",
    "bodySite",
    "subSite",
    "encounter",
    "detail",
)


def _matched(claim: Claim, payment: ClaimPayment) -> tuple[list[ServicePayment | None], list[int]]:
    """Each claim line's service payment (by line control number, else position), and the rest."""
    by_number = {
        line.line_control_number: line for line in payment.lines if line.line_control_number
    }
    matched: list[ServicePayment | None] = []
    used: set[int] = set()
    for index, line in enumerate(claim.lines):
        found = by_number.get(line.id)
        if (
            found is None
            and index < len(payment.lines)
            and not payment.lines[index].line_control_number
        ):
            found = payment.lines[index]
        matched.append(found)
        if found is not None:
            used.add(id(found))
    rest = [i for i, line in enumerate(payment.lines) if id(line) not in used]
    return matched, rest


def explanation_of_benefit_to_fhir(
    claim: Claim, payment: ClaimPayment, remittance: Remittance
) -> Mapped[Resource]:
    """A claim and its payment as a FHIR R4 ExplanationOfBenefit.

    Args:
        claim: The claim the payer answered.
        payment: The payer's answer for it, one of ``remittance.claims``.
        remittance: The remittance it came in.

    Examples:
        >>> import datetime
        >>> from billing_core._examples import example_claim
        >>> from billing_core.money import Money
        >>> from billing_core.remittance import CasAdjustment
        >>> usd = lambda s: Money(s, "USD")
        >>> line = ServicePayment(line_control_number="L1", charge=usd("125"), paid=usd("100"),
        ...     allowed=usd("100"), adjustments=CasAdjustment.from_cas("CO", ("45", usd("25"))))
        >>> paid = ClaimPayment(patient_control_number="CLM1", status="1", charge=usd("125"),
        ...                     paid=usd("100"), lines=[line])
        >>> remit = Remittance(payer="acme", payee="clinic", total_payment=usd("100"),
        ...                    payment_method="ACH", trace_number="T1",
        ...                    paid_date=datetime.date(2024, 4, 1), claims=[paid])
        >>> eob = explanation_of_benefit_to_fhir(example_claim(), paid, remit).value
        >>> [a["category"]["coding"][0]["code"] for a in eob["item"][0]["adjudication"]]
        ['submitted', 'eligible', 'benefit', 'CO']
    """
    return _eob(claim, payment, remittance.paid_date, payment_element(payment, remittance))


def estimate_to_fhir(
    claim: Claim, estimate: Estimate, *, created: datetime.date
) -> Mapped[Resource]:
    """A patient estimate as a FHIR R4 ExplanationOfBenefit of use predetermination.

    The advance explanation of benefit (Da Vinci Patient Cost Transparency's
    AEOB): the claim's lines, each with the adjudication the estimate expects
    (submitted, eligible, benefit, and the ``PR-1``, ``PR-2``, ``PR-3``,
    ``CO-45`` and reductions it implies), the totals, and no payment. Read it
    back with [`explanation_of_benefit_from_fhir`][billing_core.fhir.explanation_of_benefit_from_fhir]:
    a claim payment of status predetermination, ready for
    [`compare_estimate`][billing_core.benefits.compare_estimate].

    Args:
        claim: The claim the estimate is for (its lines' ids are the estimate's).
        estimate: The estimate ([`estimate`][billing_core.benefits.estimate]).
        created: When the estimate was made.

    Examples:
        >>> import datetime
        >>> from billing_core._examples import example_claim
        >>> from billing_core.benefits import PricedLine, estimate
        >>> from billing_core.money import Money
        >>> from billing_core.parties import PlanBenefits
        >>> line = example_claim().lines[0]
        >>> est = estimate([PricedLine(line_id="L1", service_date=line.service_date,
        ...                            charge=line.charge, allowed=Money("100", "USD"))],
        ...                PlanBenefits(copay=Money("20", "USD")))
        >>> aeob = estimate_to_fhir(example_claim(), est, created=datetime.date(2024, 3, 1)).value
        >>> aeob["use"], "payment" in aeob
        ('predetermination', False)
        >>> [(a["category"]["coding"][0]["code"], a["amount"]["value"])
        ...  for a in aeob["item"][0]["adjudication"]]  # doctest: +NORMALIZE_WHITESPACE
        [('submitted', Decimal('125.00')), ('eligible', Decimal('100.00')),
         ('benefit', Decimal('80.00')), ('CO', Decimal('25.00')), ('copay', Decimal('20.00'))]
    """  # noqa: E501
    payment = ClaimPayment(
        patient_control_number=claim.id,
        status=ClaimStatus.PREDETERMINATION,
        charge=estimate.submitted,
        paid=estimate.plan_pays,
        patient_responsibility=estimate.patient_pays,
        lines=[line.as_service_payment() for line in estimate],
    )
    mapped = _eob(claim, payment, created, None)
    lost = [
        *mapped.report.lost,
        Loss("estimate.accumulators_after", "the accumulators after the estimate are not written"),
    ]
    return Mapped(
        value=mapped.value,
        report=LossReport(direction=Direction.TO_FHIR, lost=lost),
        included=mapped.included,
    )


def _is_estimate(payment: ClaimPayment) -> bool:
    return payment.status is ClaimStatus.PREDETERMINATION


def _eob(
    claim: Claim, payment: ClaimPayment, created: datetime.date, paid: Resource | None
) -> Mapped[Resource]:
    written = claim_to_fhir(claim)
    value = dict(written.value)
    value.pop("id", None)
    value.pop("total", None)
    value["resourceType"] = "ExplanationOfBenefit"
    value["insurance"] = [
        {k: v for k, v in i.items() if k != "sequence"} for i in value["insurance"]
    ]
    note_list, note_numbers = notes(payment)
    matched, rest = _matched(claim, payment)
    items = []
    for item, line in zip(value["item"], matched, strict=True):
        extension = [
            {**e, "url": TRACE.format("ExplanationOfBenefit")} for e in item.get("extension", [])
        ]
        numbers = [] if line is None else note_numbers[payment.lines.index(line)]
        adjudication = [] if line is None else line_adjudication(line)
        items.append(
            {**item, "extension": extension, "noteNumber": numbers, "adjudication": adjudication}
        )
    value.update(
        {
            "identifier": [{"value": payment.payer_claim_control_number}]
            if payment.payer_claim_control_number
            else [],
            "use": "predetermination"
            if payment.status is ClaimStatus.PREDETERMINATION
            else "claim",
            "created": created.isoformat(),
            "outcome": "complete",
            "claim": {"identifier": {"value": payment.patient_control_number}},
            "item": items,
            "adjudication": [cas_entry(a) for a in payment.adjustments],
            "total": totals(payment),
            "payment": paid,
            "processNote": note_list,
        }
    )
    lost = [
        *written.report.lost,
        *status_losses(payment, "payment"),
        *line_losses(payment, "payment", item_codes=True),
        *information_losses(payment, "payment"),
        *(Loss(f"payment.lines[{i}]", "no claim line has its line control number") for i in rest),
    ]
    report = LossReport(direction=Direction.TO_FHIR, lost=lost)
    return Mapped(value=prune(value), report=report, included=written.included)


def explanation_of_benefit_from_fhir(resource: Mapping[str, Any]) -> Mapped[ClaimPayment]:
    """A FHIR R4 ExplanationOfBenefit as a claim payment, with every element it does not keep.

    The payer's answer is kept: totals, adjudications per item with their
    CARC reasons, and each item's procedure, units and service date. The
    claim's own part (diagnoses, care team, coverage, the item's charge
    details) is reported not kept: the Claim holds it.

    Raises:
        ValidationError: Every problem at once, each located by element path.

    Examples:
        >>> eob = {"resourceType": "ExplanationOfBenefit", "use": "claim",
        ...        "claim": {"identifier": {"value": "CLM1"}},
        ...        "total": [{"category": {"coding": [{"code": "submitted"}]},
        ...                   "amount": {"value": 10, "currency": "USD"}}]}
        >>> explanation_of_benefit_from_fhir(eob)
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: 8 problems:
          - ExplanationOfBenefit.status: required element missing
          - ExplanationOfBenefit.type: required element missing
          - ExplanationOfBenefit.patient: required element missing
          - ExplanationOfBenefit.created: required element missing
          - ExplanationOfBenefit.insurer: required element missing
          - ExplanationOfBenefit.provider: required element missing
          - ExplanationOfBenefit.outcome: required element missing
          - ExplanationOfBenefit.insurance: required element missing
    """
    reader, node = start(resource, "ExplanationOfBenefit")
    node.lose("text", "the narrative is not kept")
    for key in _CLAIM_PART:
        node.lose(key, "the claim's part of an EOB is not kept in a claim payment")
    remarks = read_notes(node)
    used: set[int] = set()
    raw_lines = read_lines(node, "ExplanationOfBenefit", remarks, used)
    lines = [_service_payment(node, fields) for fields in raw_lines]
    node.lose("id", "the resource id is not kept")
    remittance_losses(node)
    reader.check()
    fields = claim_payment_fields(node, "ExplanationOfBenefit", lines)
    fields["remarks"] = [r for n, r in sorted(remarks.items()) if n not in used]
    reader.assume(node.path, "the claim status is processed as primary unless an estimate")
    return Mapped(value=build_payment(node, fields), report=reader.report())


def _service_payment(node: Node, fields: dict[str, Any]) -> ServicePayment:
    item = fields.pop("_item")
    procedure, _ = ln.read_product(item)
    day, through = ln.read_serviced(item) if _has_date(item) else (None, None)
    if through is not None:
        node.reader.lose(item.at("servicedPeriod.end"), "a service line keeps one date")
    units, _basis = ln.read_quantity(item) if item.has("quantity") else (None, None)
    if fields.get("charge") is None and item.has("net"):
        fields["charge"] = cs.read_money(item.child("net"))
        item.reader.assume(item.at("net"), "no submitted amount: the item's net is its charge")
    require_amounts(item, fields)
    for key in _ITEM_CLAIM_PART:
        item.lose(key, "the claim's part of an EOB item is not kept in a claim payment")
    try:
        return ServicePayment(
            procedure=procedure,
            service_date=day,
            units=units,
            **{k: v for k, v in fields.items() if v is not None},
        )
    except (BillingError, ValueError, TypeError) as exc:
        node.reader.fail(item.path, str(exc))
        node.reader.check()
        raise


def _has_date(item: Node) -> bool:
    return item.has("servicedDate") or item.has("servicedPeriod")
