"""FHIR Coverage, ClaimResponse and ExplanationOfBenefit: valid R4, round trips, the corpus."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from billing_core._examples import example_claim
from billing_core.errors import ValidationError
from billing_core.fhir import (
    claim_response_from_fhir,
    claim_response_to_fhir,
    coverage_from_fhir,
    coverage_to_fhir,
    dumps,
    explanation_of_benefit_from_fhir,
    explanation_of_benefit_to_fhir,
    loads,
)
from billing_core.money import Money
from billing_core.parties import Coverage, CoverageSequence, Payer, PlanBenefits, Relationship
from billing_core.remittance import CasAdjustment, ClaimPayment, Remittance, ServicePayment
from billing_core.serialization import converter, to_dict
from billing_core.testing.strategies import coverages
from billing_core.testing.strategies.remittance import balanced_remittances
from fhir_kit import canonical, validate_r4, without

USD = "USD"


def usd(text: str) -> Money:
    return Money(text, USD)


def _remittance(*claims: ClaimPayment) -> Remittance:
    return Remittance(
        payer="acme",
        payee="1234567893",
        total_payment=usd("0") if not claims else claims[0].paid,
        payment_method="ACH",
        trace_number="T-100",
        paid_date=datetime.date(2024, 4, 1),
        claims=claims,
    )


def _payment() -> ClaimPayment:
    line = ServicePayment(
        line_control_number="L1",
        charge=usd("125.00"),
        paid=usd("80.00"),
        allowed=usd("100.00"),
        adjustments=[
            *CasAdjustment.from_cas("CO", ("45", usd("25.00"))),
            *CasAdjustment.from_cas("PR", ("1", usd("15.00"), 1), ("3", usd("5.00"))),
        ],
        remarks=["N130"],
    )
    return ClaimPayment(
        patient_control_number="CLM1",
        status="1",
        charge=usd("125.00"),
        paid=usd("80.00"),
        patient_responsibility=usd("20.00"),
        payer_claim_control_number="ICN-9",
        remarks=["MA01"],
        lines=[line],
    )


# --------------------------------------------------------------------------- coverage


@settings(max_examples=50)
@given(coverages())
def test_every_coverage_round_trips_and_is_valid_r4(coverage: Coverage) -> None:
    written = coverage_to_fhir(coverage, patient_id="P1")
    for resource in (written.value, *written.included):
        validate_r4(resource)
    back = coverage_from_fhir(loads(dumps(written.value)), resources=written.included)
    assert canonical(without(to_dict(back.value), written.report, "coverage")) == canonical(
        without(to_dict(coverage), written.report, "coverage")
    )


def test_a_coverage_with_benefits_field_by_field() -> None:
    plan = PlanBenefits(
        deductible=usd("500"),
        copay=usd("25"),
        coinsurance_rate=Decimal("0.125"),
        out_of_pocket_max=usd("4000"),
    )
    coverage = Coverage(
        id="C2",
        payer=Payer(id="acme", name="Acme Health", payer_id="87726"),
        member_id="XYZ123",
        sequence=CoverageSequence.SECONDARY,
        group_number="G-7",
        relationship=Relationship.SPOUSE,
        benefits=plan,
        start=datetime.date(2024, 1, 1),
        end=datetime.date(2024, 12, 31),
    )
    written = coverage_to_fhir(coverage, patient_id="P1")
    fhir = written.value
    assert fhir["period"] == {"start": "2024-01-01", "end": "2024-12-31"}
    assert fhir["class"][0]["value"] == "G-7"
    assert fhir["relationship"]["coding"][0]["code"] == "spouse"
    costs = {c["type"]["coding"][0]["code"]: c for c in fhir["costToBeneficiary"]}
    assert costs["copaypct"]["valueQuantity"]["value"] == Decimal("12.5")  # 0.125 as a percent
    assert costs["maxoutofpocket"]["valueMoney"] == {"value": Decimal("4000.00"), "currency": USD}
    assert written.included[0]["identifier"][0]["value"] == "87726"
    back = coverage_from_fhir(fhir, resources=written.included)
    assert back.value == coverage
    assert back.report.paths == {"Coverage.beneficiary"}  # our coverage names no patient


def test_a_coverage_refuses_an_order_beyond_tertiary() -> None:
    fhir = coverage_to_fhir(example_claim().coverage, patient_id="P1")
    data = {**fhir.value, "order": 4}
    with pytest.raises(ValidationError, match=r"Coverage\.order: must be 1, 2 or 3"):
        coverage_from_fhir(data, resources=fhir.included)


# --------------------------------------------------------------------------- ClaimResponse


def test_a_claim_response_field_by_field() -> None:
    payment = _payment()
    written = claim_response_to_fhir(payment, _remittance(payment), patient_id="P1")
    validate_r4(written.value)
    fhir = written.value
    item = fhir["item"][0]
    assert item["extension"][0]["valueIdentifier"] == {"value": "L1"}
    categories = [
        (a["category"]["coding"][0]["code"], a.get("reason", {}).get("coding", [{}])[0].get("code"))
        for a in item["adjudication"]
    ]
    assert categories == [
        ("submitted", None),
        ("eligible", None),
        ("benefit", None),
        ("CO", "45"),
        ("deductible", "1"),
        ("copay", "3"),
    ]
    assert item["adjudication"][4]["value"] == Decimal(1)  # the CAS quantity
    assert [n["text"] for n in fhir["processNote"]] == ["MA01", "N130"]
    assert item["noteNumber"] == [2]
    assert fhir["payment"]["identifier"] == {"value": "T-100"}
    assert fhir["total"][2]["category"]["coding"][0]["code"] == "memberliability"
    back = claim_response_from_fhir(loads(dumps(fhir)))
    assert back.value == payment


@settings(max_examples=30)
@given(balanced_remittances())
def test_every_claim_payment_round_trips_through_a_claim_response(remittance: Remittance) -> None:
    for payment in remittance.claims:
        written = claim_response_to_fhir(payment, remittance, patient_id="P1")
        validate_r4(written.value)
        back = claim_response_from_fhir(loads(dumps(written.value)))
        assert canonical(without(converter.unstructure(back.value), written.report, "payment")) == (
            canonical(without(converter.unstructure(payment), written.report, "payment"))
        )


def test_the_corpus_claim_response_needs_submitted_amounts(corpus_dir: Path) -> None:
    source = loads((corpus_dir / "fhir_r4" / "ClaimResponse-R3500.json").read_bytes())
    with pytest.raises(ValidationError) as caught:
        claim_response_from_fhir(source)
    assert [(f.location, f.message) for f in caught.value.findings] == [
        (
            "ClaimResponse.item[0].adjudication",
            "an item needs its submitted and benefit amounts",
        )
    ]


def test_a_claim_response_names_its_bad_amounts() -> None:
    payment = _payment()
    fhir: dict[str, Any] = claim_response_to_fhir(
        payment, _remittance(payment), patient_id="P1"
    ).value
    fhir["total"][0]["amount"]["value"] = 0.1 + 0.2
    with pytest.raises(ValidationError, match=r"ClaimResponse\.total\[0\]\.amount\.value"):
        claim_response_from_fhir(fhir)


# --------------------------------------------------------------------------- EOB


def test_an_explanation_of_benefit_is_the_claim_with_its_adjudication() -> None:
    payment = _payment()
    claim = example_claim()
    written = explanation_of_benefit_to_fhir(claim, payment, _remittance(payment))
    validate_r4(written.value)
    eob = written.value
    assert eob["claim"] == {"identifier": {"value": "CLM1"}}
    assert eob["item"][0]["productOrService"]["coding"][0]["code"] == "99213"
    assert eob["item"][0]["net"] == {"value": Decimal("125.00"), "currency": USD}
    assert eob["total"][1] == {
        "category": {
            "coding": [
                {"system": "http://terminology.hl7.org/CodeSystem/adjudication", "code": "benefit"}
            ]
        },
        "amount": {"value": Decimal("80.00"), "currency": USD},
    }
    back = explanation_of_benefit_from_fhir(loads(dumps(eob)))
    # The EOB adds the claim's codes, units and date to each service line.
    line = claim.lines[0]
    expected = ClaimPayment(
        **{
            **{f: getattr(payment, f) for f in ("patient_control_number", "status", "charge")},
            "paid": payment.paid,
            "patient_responsibility": payment.patient_responsibility,
            "payer_claim_control_number": payment.payer_claim_control_number,
            "remarks": payment.remarks,
            "lines": [
                ServicePayment(
                    line_control_number="L1",
                    procedure=line.procedure,
                    units=Decimal(1),
                    service_date=line.service_date,
                    charge=usd("125.00"),
                    paid=usd("80.00"),
                    allowed=usd("100.00"),
                    adjustments=payment.lines[0].adjustments,
                    remarks=payment.lines[0].remarks,
                )
            ],
        }
    )
    assert back.value == expected


def test_the_corpus_explanations_of_benefit_read(corpus_dir: Path) -> None:
    source = loads((corpus_dir / "fhir_r4" / "ExplanationOfBenefit-EB3500.json").read_bytes())
    read = explanation_of_benefit_from_fhir(source)
    payment = read.value
    # Known answers from the file: totals 135.57 submitted, 96.00 benefit; item 1
    # eligible 120.00, benefit 96.00 (its 80% is not kept); item 2 net 200.00.
    assert (payment.charge, payment.paid) == (usd("135.57"), usd("96.00"))
    assert [(line.charge, line.paid, line.allowed) for line in payment.lines] == [
        (usd("135.57"), usd("96.00"), usd("120.00")),
        (usd("200.00"), usd("180.00"), None),
    ]
    assert "ExplanationOfBenefit.item[0].adjudication[1]" in read.report.paths
    assert "ExplanationOfBenefit.careTeam" in read.report.paths
