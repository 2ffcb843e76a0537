"""Every reader refuses a resource without an element FHIR R4 requires, naming the element."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from billing_core._examples import example_claim
from billing_core.bills import Bill
from billing_core.charges import Category, LineItem
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

# The elements of cardinality 1..1 or 1..* at the top of each resource, from the
# FHIR R4 (4.0.1) resource definitions.
R4_REQUIRED = {
    "Claim": {"status", "type", "use", "patient", "created", "provider", "priority", "insurance"},
    "ClaimResponse": {"status", "type", "use", "patient", "created", "insurer", "outcome"},
    "ExplanationOfBenefit": {"status", "type", "use", "patient", "created", "insurer",
                             "provider", "outcome", "insurance"},
    "Invoice": {"status"},
    "ChargeItem": {"status", "code", "subject"},
    "Account": {"status"},
    "Coverage": {"status", "beneficiary", "payor"},
    "PaymentReconciliation": {"status", "created", "paymentDate", "paymentAmount"},
}  # fmt: skip


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
        id="L1", category=Category.FEE, service_date=datetime.date(2024, 3, 4), charge=usd("20.00")
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
            claim_to_fhir(claim),
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
ELEMENTS = sorted((kind, key) for kind, keys in R4_REQUIRED.items() for key in keys)


def test_the_r4_table_agrees_with_the_r4b_models() -> None:
    # A second source: the R4B classes of fhir.resources mark the same elements required.
    for kind, keys in R4_REQUIRED.items():
        fields = get_fhir_model_class(kind).model_fields.items()
        marked = {
            field.alias or name
            for name, field in fields
            if field.is_required()
            or (
                isinstance(field.json_schema_extra, dict)
                and field.json_schema_extra.get("element_required")
            )
        }
        assert marked == keys, kind


@pytest.mark.parametrize(("kind", "key"), ELEMENTS, ids=lambda v: str(v))
def test_a_resource_without_a_required_element_is_refused(kind: str, key: str) -> None:
    written, read = CASES[kind]
    resource = loads(dumps(written.value))
    read(resource, written.included)  # whole, it reads
    assert key in resource
    del resource[key]
    with pytest.raises(ValidationError) as caught:
        read(resource, written.included)
    found = [(f.location, f.message) for f in caught.value.findings]
    assert (f"{kind}.{key}", "required element missing") in found
    assert len(found) == len(set(found))  # each problem once


def test_an_empty_list_is_as_missing_as_an_absent_one() -> None:
    written, read = CASES["Claim"]
    resource = loads(dumps(written.value))
    resource["insurance"] = []
    with pytest.raises(ValidationError, match=r"Claim\.insurance: required element missing"):
        read(resource, written.included)
