"""FHIR Invoice, ChargeItem, Account and PaymentReconciliation: valid R4, round trips, losses."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings

from billing_core.bills import Bill, BillStatus
from billing_core.charges import Category, LineItem, PriceComponent, PriceComponentKind
from billing_core.codes import ProcedureCode
from billing_core.errors import ValidationError
from billing_core.fhir import (
    BillingAccount,
    account_from_fhir,
    account_to_fhir,
    charge_item_from_fhir,
    charge_item_to_fhir,
    dumps,
    invoice_from_fhir,
    invoice_to_fhir,
    loads,
    payment_reconciliation_from_fhir,
    payment_reconciliation_to_fhir,
)
from billing_core.ledger import Bucket
from billing_core.money import Money
from billing_core.parties import Coverage, CoverageSequence, Guarantor, Payer, Relationship
from billing_core.remittance import ClaimPayment, ProviderAdjustment, Remittance
from billing_core.serialization import converter, to_dict
from billing_core.testing.strategies import coverages
from billing_core.testing.strategies.documents import bills, line_items
from billing_core.testing.strategies.remittance import balanced_remittances
from fhir_kit import canonical, validate_r4, without

USD = "USD"


def usd(text: str) -> Money:
    return Money(text, USD)


def _compare(back: Any, original: Any, report: Any, root: str) -> None:
    assert canonical(without(to_dict(back), report, root)) == canonical(
        without(to_dict(original), report, root)
    )


# --------------------------------------------------------------------------- invoices


@settings(max_examples=40)
@given(bills())
def test_every_bill_is_a_valid_invoice_and_round_trips(bill: Bill) -> None:
    written = invoice_to_fhir(bill)
    for resource in (written.value, *written.included):
        validate_r4(resource)
    back = invoice_from_fhir(loads(dumps(written.value)), resources=written.included)
    _compare(back.value, bill, written.report, "bill")


def test_an_invoice_field_by_field() -> None:
    line = LineItem(
        id="L1",
        category=Category.FEE,
        service_date=datetime.date(2024, 3, 4),
        charge=usd("53.20"),
        patient_liable=True,
        price_components=[
            PriceComponent(kind=PriceComponentKind.BASE, amount=usd("60.00")),
            PriceComponent(kind=PriceComponentKind.DISCOUNT, amount=usd("10.00"), description="x"),
            PriceComponent(kind=PriceComponentKind.TAX, amount=usd("3.20")),
        ],
    )
    bill = Bill(
        id="B1",
        account_id="A1",
        patient_id="P1",
        bill_to=Payer(id="acme", name="Acme Health"),
        currency=USD,
        lines=[line],
        status=BillStatus.VOID,
        void_reason="sent twice",
    )
    written = invoice_to_fhir(bill)
    invoice = written.value
    # By hand: net = 60.00 - 10.00 = 50.00; gross = 50.00 + 3.20 = 53.20.
    assert invoice["totalNet"] == {"value": Decimal("50.00"), "currency": USD}
    assert invoice["totalGross"] == {"value": Decimal("53.20"), "currency": USD}
    assert (invoice["status"], invoice["cancelledReason"]) == ("cancelled", "sent twice")
    assert invoice["recipient"] == {"reference": "Organization/acme"}
    assert [c["type"] for c in invoice["lineItem"][0]["priceComponent"]] == [
        "base",
        "discount",
        "tax",
    ]
    assert invoice["lineItem"][0]["priceComponent"][1]["code"] == {"text": "x"}
    assert sorted(loss.path for loss in written.report.lost) == [
        "bill.lines[0].category",
        "bill.lines[0].patient_liable",
    ]
    back = invoice_from_fhir(invoice, resources=written.included).value
    assert back.lines[0].price_components == line.price_components
    assert back == attrs.evolve(
        bill, lines=[attrs.evolve(line, category=Category.OTHER, patient_liable=False)]
    )


def test_a_guarantor_is_a_related_person() -> None:
    guarantor = Guarantor(id="G1", name="John Roe", relationship=Relationship.CHILD)
    line = LineItem(
        id="L1", category=Category.SUPPLY, service_date=datetime.date(2024, 3, 4), charge=usd("9")
    )
    bill = Bill(
        id="B1",
        account_id="A1",
        patient_id="P1",
        bill_to=guarantor,
        currency=USD,
        lines=[line],
        status=BillStatus.ISSUED,
        issued_on=datetime.date(2024, 3, 5),
        due_on=datetime.date(2024, 4, 4),
    )
    written = invoice_to_fhir(bill)
    related = written.included[0]
    assert related["resourceType"] == "RelatedPerson"
    assert related["patient"] == {"reference": "Patient/P1"}
    assert written.value["paymentTerms"] == "Due by 2024-04-04."
    assert invoice_from_fhir(written.value, resources=written.included).value.bill_to == guarantor


def test_the_corpus_invoice_needs_its_recipient(corpus_dir: Path) -> None:
    source = loads((corpus_dir / "fhir_r4" / "Invoice-example.json").read_bytes())
    with pytest.raises(ValidationError) as caught:
        invoice_from_fhir(source)
    assert [f.location for f in caught.value.findings] == ["Invoice.recipient"]


@settings(max_examples=40)
@given(line_items())
def test_every_line_is_a_valid_charge_item_and_round_trips(line: LineItem) -> None:
    written = charge_item_to_fhir(line, patient_id="P1", account_id="A1")
    for resource in (written.value, *written.included):
        validate_r4(resource)
    back = charge_item_from_fhir(loads(dumps(written.value)), resources=written.included)
    _compare(back.value, line, written.report, "line")


def test_a_charge_item_id_other_than_its_identifier_is_reported_lost() -> None:
    line = LineItem(id="L1", category=Category.PROCEDURE, service_date=datetime.date(2024, 3, 1),
                    charge=Money("80.00", "USD"), procedure=ProcedureCode("99213"))  # fmt: skip
    written = charge_item_to_fhir(line, patient_id="P1", account_id="A1")
    resource = written.value
    assert resource["identifier"][0]["value"] == "L1"
    read = charge_item_from_fhir({**resource, "id": "server-42"}, resources=written.included)
    assert read.value is not None and read.value.id == "L1"
    assert [loss.path for loss in read.report.lost if loss.path == "ChargeItem.id"] == [
        "ChargeItem.id"
    ]


# --------------------------------------------------------------------------- accounts


def test_an_account_with_its_coverages_in_order_and_balance() -> None:
    acme = Payer(id="acme", name="Acme")
    primary = Coverage(id="C1", payer=acme, member_id="M1", sequence=CoverageSequence.PRIMARY)
    secondary = Coverage(id="C2", payer=acme, member_id="M2", sequence=CoverageSequence.SECONDARY)
    account = BillingAccount(
        id="A1",
        patient_id="P1",
        coverages=[secondary, primary],  # kept in order of payment
        guarantor_id="G1",
        open=[(Bucket.SECONDARY, usd("30.00")), (Bucket.PATIENT, usd("20.00"))],
    )
    assert account.coverages == (primary, secondary)
    written = account_to_fhir(account)
    for resource in (written.value, *written.included):
        validate_r4(resource)
    fhir = written.value
    assert [(c["coverage"]["reference"], c["priority"]) for c in fhir["coverage"]] == [
        ("Coverage/C1", 1),
        ("Coverage/C2", 2),
    ]
    balance = fhir["extension"][0]
    assert balance["url"] == "http://hl7.org/fhir/5.0/StructureDefinition/extension-Account.balance"
    assert balance["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "insurance"
    assert balance["extension"][0]["valueCodeableConcept"]["text"] == "secondary"
    assert balance["extension"][2]["valueMoney"] == {"value": Decimal("30.00"), "currency": USD}
    assert [r["resourceType"] for r in written.included] == ["Coverage", "Coverage", "Organization"]
    back = account_from_fhir(loads(dumps(fhir)), resources=written.included)
    assert back.value == account


@settings(max_examples=30)
@given(coverages())
def test_an_account_round_trips_any_coverage(coverage: Coverage) -> None:
    account = BillingAccount(id="A1", patient_id="P1", coverages=[coverage])
    written = account_to_fhir(account)
    back = account_from_fhir(written.value, resources=written.included).value
    assert canonical(without(converter.unstructure(back), written.report, "account")) == (
        canonical(without(converter.unstructure(account), written.report, "account"))
    )


# --------------------------------------------------------------------------- remittances


@settings(max_examples=30)
@given(balanced_remittances())
def test_every_remittance_is_a_valid_payment_reconciliation_and_round_trips(
    remittance: Remittance,
) -> None:
    written = payment_reconciliation_to_fhir(remittance)
    for resource in (written.value, *written.included):
        validate_r4(resource)
    back = payment_reconciliation_from_fhir(loads(dumps(written.value)), resources=written.included)
    _compare(back.value, remittance, written.report, "remittance")


def test_a_provider_adjustment_is_a_negated_detail() -> None:
    paid = ClaimPayment(
        patient_control_number="CLM1", status="1", charge=usd("100"), paid=usd("100")
    )
    recoup = ProviderAdjustment(reason="WO", reference="ICN-5", amount=usd("20.00"))
    remittance = Remittance(
        payer="acme",
        payee="clinic",
        total_payment=usd("80.00"),
        payment_method="CHK",
        trace_number="T-9",
        paid_date=datetime.date(2024, 4, 1),
        claims=[paid],
        provider_adjustments=[recoup],
    )
    written = payment_reconciliation_to_fhir(remittance, patient_ids={"CLM1": "P1"})
    detail = written.value["detail"][1]
    # A positive PLB reduces the payment: FHIR counts what is paid, so -20.00.
    assert detail["amount"] == {"value": Decimal("-20.00"), "currency": USD}
    assert detail["identifier"] == {"value": "ICN-5"}
    assert written.included[0]["patient"] == {"reference": "Patient/P1"}
    back = payment_reconciliation_from_fhir(written.value, resources=written.included).value
    assert back == attrs.evolve(remittance, payment_method="ACH")  # R4 has no method


def test_a_claim_response_not_supplied_is_named() -> None:
    paid = ClaimPayment(patient_control_number="CLM1", status="1", charge=usd("5"), paid=usd("5"))
    remittance = Remittance(
        payer="acme",
        payee="clinic",
        total_payment=usd("5"),
        payment_method="ACH",
        trace_number="T1",
        paid_date=datetime.date(2024, 4, 1),
        claims=[paid],
    )
    with pytest.raises(ValidationError) as caught:
        payment_reconciliation_from_fhir(payment_reconciliation_to_fhir(remittance).value)
    assert [(f.location, f.message) for f in caught.value.findings] == [
        (
            "PaymentReconciliation.detail[0].response.reference",
            "refers to 'ClaimResponse/T1-1', which was not supplied (pass it in resources=)",
        )
    ]


def test_the_corpus_payment_reconciliation_reads(corpus_dir: Path) -> None:
    source = loads((corpus_dir / "fhir_r4" / "PaymentReconciliation-ER2500.json").read_bytes())
    read = payment_reconciliation_from_fhir(source)
    remittance = read.value
    # Known answers from the file.
    assert remittance.total_payment == usd("7000.00")
    assert (remittance.trace_number, remittance.paid_date) == (
        "10-12345",
        datetime.date(2014, 8, 1),
    )
    # Its details name no ClaimResponse to read the claims from: reported, not guessed.
    assert remittance.claims == ()
    assert {"PaymentReconciliation.detail[0]", "PaymentReconciliation.detail[1]"} <= (
        read.report.paths
    )
