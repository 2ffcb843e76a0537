"""Every reader refuses a resource without an element FHIR R4 requires, naming the element."""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Callable
from typing import Any

import pytest

from billing_core._examples import example_837_claim, example_claim
from billing_core.bills import Bill
from billing_core.charges import Category, LineItem, PriceComponent, PriceComponentKind
from billing_core.errors import ValidationError
from billing_core.fhir import (
    BillingAccount,
    Mapped,
    account_from_fhir,
    account_to_fhir,
    charge_item_from_fhir,
    charge_item_to_fhir,
    claim_from_fhir,
    claim_response_from_fhir,
    claim_response_to_fhir,
    claim_to_fhir,
    coverage_from_fhir,
    coverage_to_fhir,
    dumps,
    explanation_of_benefit_from_fhir,
    explanation_of_benefit_to_fhir,
    invoice_from_fhir,
    invoice_to_fhir,
    loads,
    payment_reconciliation_from_fhir,
    payment_reconciliation_to_fhir,
)
from billing_core.money import Money
from billing_core.parties import Payer
from billing_core.remittance import CasAdjustment, ClaimPayment, Remittance, ServicePayment

# The elements of cardinality 1..1 or 1..* of each resource and of its backbone
# elements, from the FHIR R4 (4.0.1) resource definitions (choice elements such
# as Claim.diagnosis.diagnosis[x] left out).
R4_REQUIRED = {
    "Claim": {"status", "type", "use", "patient", "created", "provider", "priority", "insurance"},
    "Claim.careTeam": {"sequence", "provider"},
    "Claim.supportingInfo": {"sequence", "category"},
    "Claim.diagnosis": {"sequence"},
    "Claim.procedure": {"sequence"},
    "Claim.insurance": {"sequence", "focal", "coverage"},
    "Claim.accident": {"date"},
    "Claim.item": {"sequence", "productOrService"},
    "Claim.item.detail": {"sequence", "productOrService"},
    "Claim.payee": {"type"},
    "ClaimResponse": {"status", "type", "use", "patient", "created", "insurer", "outcome"},
    "ClaimResponse.item": {"itemSequence", "adjudication"},
    "ClaimResponse.item.adjudication": {"category"},
    "ClaimResponse.item.detail": {"detailSequence", "adjudication"},
    "ClaimResponse.addItem": {"productOrService", "adjudication"},
    "ClaimResponse.adjudication": {"category"},
    "ClaimResponse.total": {"category", "amount"},
    "ClaimResponse.payment": {"type", "amount"},
    "ClaimResponse.processNote": {"text"},
    "ClaimResponse.insurance": {"sequence", "focal", "coverage"},
    "ClaimResponse.error": {"code"},
    "ExplanationOfBenefit": {"status", "type", "use", "patient", "created", "insurer",
                             "provider", "outcome", "insurance"},
    "ExplanationOfBenefit.careTeam": {"sequence", "provider"},
    "ExplanationOfBenefit.supportingInfo": {"sequence", "category"},
    "ExplanationOfBenefit.diagnosis": {"sequence"},
    "ExplanationOfBenefit.insurance": {"focal", "coverage"},
    "ExplanationOfBenefit.item": {"sequence", "productOrService"},
    "ExplanationOfBenefit.item.adjudication": {"category"},
    "ExplanationOfBenefit.item.detail": {"sequence", "productOrService"},
    "ExplanationOfBenefit.adjudication": {"category"},
    "ExplanationOfBenefit.total": {"category", "amount"},
    "ExplanationOfBenefit.benefitBalance": {"category"},
    "ExplanationOfBenefit.benefitBalance.financial": {"type"},
    "Invoice": {"status"},
    "Invoice.participant": {"actor"},
    "Invoice.lineItem.priceComponent": {"type"},
    "Invoice.totalPriceComponent": {"type"},
    "ChargeItem": {"status", "code", "subject"},
    "ChargeItem.performer": {"actor"},
    "Account": {"status"},
    "Account.coverage": {"coverage"},
    "Account.guarantor": {"party"},
    "Coverage": {"status", "beneficiary", "payor"},
    "Coverage.class": {"type", "value"},
    "Coverage.costToBeneficiary.exception": {"type"},
    "PaymentReconciliation": {"status", "created", "paymentDate", "paymentAmount"},
    "PaymentReconciliation.detail": {"type"},
}  # fmt: skip

# Backbone elements whose R4B class is named for the element they reuse.
R4B_CLASS = {
    "ClaimResponse.adjudication": "ClaimResponseItemAdjudication",
    "ExplanationOfBenefit.adjudication": "ExplanationOfBenefitItemAdjudication",
    "Invoice.totalPriceComponent": "InvoiceLineItemPriceComponent",
}


def usd(text: str) -> Money:
    return Money(text, "USD")


def _payment() -> ClaimPayment:
    line = ServicePayment(
        line_control_number="L1",
        charge=usd("125.00"),
        paid=usd("100.00"),
        adjustments=CasAdjustment.from_cas("CO", ("45", usd("25.00"))),
    )
    return ClaimPayment(
        patient_control_number="CLM1",
        status="1",
        charge=usd("125.00"),
        paid=usd("100.00"),
        lines=[line],
    )


def _remittance() -> Remittance:
    return Remittance(
        payer="acme",
        payee="1234567893",
        total_payment=usd("100.00"),
        payment_method="ACH",
        trace_number="T-100",
        paid_date=datetime.date(2024, 4, 1),
        claims=[_payment()],
    )


def _line() -> LineItem:
    return LineItem(
        id="L1",
        category=Category.FEE,
        service_date=datetime.date(2024, 3, 4),
        charge=usd("20.00"),
        price_components=[PriceComponent(kind=PriceComponentKind.BASE, amount=usd("20.00"))],
    )


Reading = Callable[[dict[str, Any], Any], object]


def _cases() -> dict[str, tuple[Mapped[Any], Reading]]:
    claim = example_claim()
    coverage = claim.coverage
    bill = Bill(
        id="B1",
        account_id="A1",
        patient_id="P1",
        bill_to=Payer(id="acme", name="Acme"),
        currency="USD",
        lines=[_line()],
    )
    return {
        "Claim": (
            claim_to_fhir(example_837_claim()),  # with a care team and diagnoses
            lambda r, inc: claim_from_fhir(r, resources=inc, account_id="A1"),
        ),
        "ClaimResponse": (
            claim_response_to_fhir(_payment(), _remittance(), patient_id="P1"),
            lambda r, inc: claim_response_from_fhir(r),
        ),
        "ExplanationOfBenefit": (
            explanation_of_benefit_to_fhir(claim, _payment(), _remittance()),
            lambda r, inc: explanation_of_benefit_from_fhir(r),
        ),
        "Invoice": (invoice_to_fhir(bill), lambda r, inc: invoice_from_fhir(r, resources=inc)),
        "ChargeItem": (
            charge_item_to_fhir(_line(), patient_id="P1"),
            lambda r, inc: charge_item_from_fhir(r, resources=inc),
        ),
        "Account": (
            account_to_fhir(BillingAccount(id="A1", patient_id="P1", coverages=[coverage])),
            lambda r, inc: account_from_fhir(r, resources=inc),
        ),
        "Coverage": (
            coverage_to_fhir(coverage, patient_id="P1"),
            lambda r, inc: coverage_from_fhir(r, resources=inc),
        ),
        "PaymentReconciliation": (
            payment_reconciliation_to_fhir(_remittance()),
            lambda r, inc: payment_reconciliation_from_fhir(r, resources=inc),
        ),
    }


CASES = _cases()


def _first(value: Any, steps: list[str]) -> dict[str, Any] | None:
    """The first object at ``steps`` below ``value`` (first item of each list)."""
    for step in steps:
        value = value.get(step) if isinstance(value, dict) else None
        if isinstance(value, list):
            value = value[0] if value else None
    return value if isinstance(value, dict) else None


def _path(value: Any, kind: str, steps: list[str]) -> str:
    path = kind
    for step in steps:
        value = value[step]
        path += f".{step}" + ("[0]" if isinstance(value, list) else "")
        value = value[0] if isinstance(value, list) else value
    return path


def _elements() -> list[tuple[str, str]]:
    """(element, key) for every required key our written resources hold."""
    out: list[tuple[str, str]] = []
    for element, keys in R4_REQUIRED.items():
        kind, *steps = element.split(".")
        written, _ = CASES[kind]
        holder = _first(written.value, steps)
        out.extend((element, key) for key in sorted(keys) if holder is not None and key in holder)
    return out


ELEMENTS = _elements()


def test_the_r4_table_agrees_with_the_r4b_models() -> None:
    # A second source: the R4B classes of fhir.resources mark the same elements required.
    for element, keys in R4_REQUIRED.items():
        kind, *steps = element.split(".")
        name = R4B_CLASS.get(element, kind + "".join(s[0].upper() + s[1:] for s in steps))
        cls = getattr(importlib.import_module(f"fhir.resources.R4B.{kind.lower()}"), name)
        marked = {
            field.alias or attribute
            for attribute, field in cls.model_fields.items()
            if field.is_required()
            or (
                isinstance(field.json_schema_extra, dict)
                and field.json_schema_extra.get("element_required")
            )
        }
        assert marked == keys, element


def test_the_written_resources_exercise_the_elements_we_read() -> None:
    assert {
        ("Claim.item", "sequence"),
        ("Claim.item", "productOrService"),
        ("Claim.insurance", "focal"),
        ("Claim.careTeam", "provider"),
        ("ClaimResponse.item", "itemSequence"),
        ("ClaimResponse.item.adjudication", "category"),
        ("ClaimResponse.total", "amount"),
        ("ExplanationOfBenefit.insurance", "coverage"),
        ("Invoice.lineItem.priceComponent", "type"),
        ("Account.coverage", "coverage"),
        ("PaymentReconciliation.detail", "type"),
    } <= set(ELEMENTS)


@pytest.mark.parametrize(("element", "key"), ELEMENTS, ids=lambda v: str(v))
def test_a_resource_without_a_required_element_is_refused(element: str, key: str) -> None:
    kind, *steps = element.split(".")
    written, read = CASES[kind]
    resource = loads(dumps(written.value))
    read(resource, written.included)  # whole, it reads
    holder = _first(resource, steps)
    assert holder is not None
    del holder[key]
    with pytest.raises(ValidationError) as caught:
        read(resource, written.included)
    found = [(f.location, f.message) for f in caught.value.findings]
    assert (f"{_path(resource, kind, steps)}.{key}", "required element missing") in found
    assert len(found) == len(set(found))  # each problem once


def test_an_empty_list_is_as_missing_as_an_absent_one() -> None:
    written, read = CASES["Claim"]
    resource = loads(dumps(written.value))
    resource["insurance"] = []
    with pytest.raises(ValidationError, match=r"Claim\.insurance: required element missing"):
        read(resource, written.included)


def test_a_supplied_resource_is_checked_where_it_is_found() -> None:
    written, read = CASES["Claim"]
    included = [loads(dumps(resource)) for resource in written.included]
    coverage = next(r for r in included if r["resourceType"] == "Coverage")
    del coverage["status"]
    with pytest.raises(ValidationError) as caught:
        read(loads(dumps(written.value)), included)
    assert [f.location for f in caught.value.findings] == [f"Coverage/{coverage['id']}.status"]
