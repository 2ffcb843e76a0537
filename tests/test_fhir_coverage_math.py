"""FHIR for the coverage work: secondary claims' prior payers, estimates, patients; field guard."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core._examples import example_claim
from billing_core.benefits import Estimate, PricedLine, compare_estimate, estimate
from billing_core.bills import Bill
from billing_core.charges import DocumentRef, Drug, LineItem, PatientAuthorization, PriceComponent
from billing_core.claims import Claim, PriorLineAdjudication, PriorPayerAdjudication
from billing_core.fhir import (
    claim_from_fhir,
    claim_to_fhir,
    dumps,
    estimate_to_fhir,
    explanation_of_benefit_from_fhir,
    loads,
)
from billing_core.money import Money
from billing_core.parties import (
    Address,
    CareTeamMember,
    Coverage,
    CoverageSequence,
    Guarantor,
    Patient,
    Payer,
    PlanBenefits,
    Provider,
    Sex,
)
from billing_core.remittance import (
    CasAdjustment,
    ClaimPayment,
    ClaimStatus,
    ProviderAdjustment,
    Remittance,
    ServicePayment,
)
from billing_core.secondary import secondary_claim
from billing_core.serialization import to_dict
from billing_core.testing.strategies import claims, coverages, plan_benefits
from fhir_kit import SUPPLIED, canonical, validate_r4, without

USD = "USD"


def usd(text: str) -> Money:
    return Money(text, USD)


def _round_trip(claim: Claim) -> tuple[Claim, Any]:
    written = claim_to_fhir(claim)
    for resource in (written.value, *written.included):
        validate_r4(resource)
    back = claim_from_fhir(
        loads(dumps(written.value)), resources=written.included, account_id=claim.account_id
    )
    return back.value, written


# --------------------------------------------------------------------------- secondary claims


def test_a_secondary_claim_carries_its_prior_payer() -> None:
    claim = example_claim()  # one line L1 of 125.00 to Acme as primary
    answer = ClaimPayment(
        patient_control_number="CLM1",
        status="1",
        charge=usd("125"),
        paid=usd("80"),
        payer_claim_control_number="ICN-1",
        lines=[
            ServicePayment(
                line_control_number="L1",
                charge=usd("125"),
                paid=usd("80"),
                adjustments=CasAdjustment.from_cas("PR", ("2", usd("45"))),
            )
        ],
    )
    beacon = Coverage(
        id="C2",
        payer=Payer(id="beacon", name="Beacon"),
        member_id="B-1",
        sequence=CoverageSequence.SECONDARY,
    )
    secondary = secondary_claim(claim, answer, beacon, adjudicated_on=datetime.date(2024, 4, 2))
    back, written = _round_trip(secondary)
    assert back == secondary
    assert [str(loss) for loss in written.report.lost] == [
        "claim.account_id: a FHIR Claim names no account"
    ]
    insurance = written.value["insurance"]
    assert [(i["sequence"], i["focal"], i["coverage"]["reference"]) for i in insurance] == [
        (1, False, "Coverage/C1"),
        (2, True, "Coverage/C2"),
    ]
    response = next(r for r in written.included if r["resourceType"] == "ClaimResponse")
    assert insurance[0]["claimResponse"] == {"reference": f"ClaimResponse/{response['id']}"}
    assert response["total"][0]["amount"] == {"value": Decimal("80.00"), "currency": USD}
    assert response["created"] == "2024-04-02" and response["identifier"] == [{"value": "ICN-1"}]
    line_adjudication = response["item"][0]["adjudication"]
    assert line_adjudication[1]["reason"]["coding"][0]["code"] == "2"


@st.composite
def secondary_claims(draw: st.DrawFn) -> Claim:
    claim = draw(claims(max_lines=3))
    currency = claim.currency
    priors = []
    count = draw(st.integers(1, 2))
    for n, sequence in enumerate((CoverageSequence.PRIMARY, CoverageSequence.SECONDARY)[:count]):
        coverage = draw(coverages(sequence, currency=currency))
        # Another coverage, another payer: distinct ids, as in real data.
        payer = attrs.evolve(coverage.payer, id=f"{coverage.payer.id}X{n}")
        coverage = attrs.evolve(coverage, id=f"{coverage.id}X{n}", payer=payer)
        amounts = st.integers(0, 10**6).map(lambda n: Money.from_minor(n, currency))
        cas = st.builds(
            CasAdjustment,
            group=st.sampled_from(["CO", "PR", "OA", "PI"]),
            reason=st.sampled_from(["1", "2", "3", "45", "96"]),
            amount=amounts,
        )
        lines = [
            PriorLineAdjudication(
                line_id=line.id, paid=draw(amounts), adjustments=draw(st.lists(cas, max_size=2))
            )
            for line in claim.lines
        ]
        priors.append(
            PriorPayerAdjudication(
                coverage=coverage,
                paid=draw(amounts),
                adjudicated_on=claim.claim_date,
                payer_claim_number=draw(st.none() | st.just("ICN-7")),
                claim_adjustments=draw(st.lists(cas, max_size=2)),
                lines=lines,
            )
        )
    return attrs.evolve(claim, prior_payers=priors)


@settings(max_examples=40)
@given(secondary_claims())
def test_every_secondary_claim_round_trips_what_the_report_keeps(claim: Claim) -> None:
    back, written = _round_trip(claim)
    assert canonical(without(to_dict(back), written.report, "claim")) == canonical(
        without(to_dict(claim), written.report, "claim")
    )


# --------------------------------------------------------------------------- estimates


def _reason(adjudication: dict[str, Any]) -> str | None:
    reason = adjudication.get("reason")
    return None if reason is None else str(reason["coding"][0]["code"])


def test_an_estimate_is_an_explanation_of_benefit_of_use_predetermination() -> None:
    claim = example_claim()  # L1: 99213, 125.00
    priced = [PricedLine(line_id="L1", service_date=claim.lines[0].service_date,
                         charge=usd("125.00"), allowed=usd("100.00"))]  # fmt: skip
    plan = PlanBenefits(deductible=usd("30"), coinsurance_rate=Decimal("0.2"))
    est = estimate(priced, plan)
    # By hand: allowed 100; deductible 30; coinsurance 20% of 70 = 14; the plan pays 56;
    # CO-45 is 125 - 100 = 25; the patient pays 44.
    assert (est.deductible, est.coinsurance, est.plan_pays) == (usd("30"), usd("14"), usd("56"))
    written = estimate_to_fhir(claim, est, created=datetime.date(2024, 3, 1))
    validate_r4(written.value)
    aeob = written.value
    assert aeob["use"] == "predetermination" and "payment" not in aeob
    amounts = {
        (a["category"]["coding"][0]["code"], _reason(a)): a["amount"]["value"]
        for a in aeob["item"][0]["adjudication"]
    }
    assert amounts == {
        ("submitted", None): Decimal("125.00"),
        ("eligible", None): Decimal("100.00"),
        ("benefit", None): Decimal("56.00"),
        ("CO", "45"): Decimal("25.00"),
        ("deductible", "1"): Decimal("30.00"),
        ("PR", "2"): Decimal("14.00"),
    }
    assert [loss.path for loss in written.report.lost] == [
        "claim.account_id",
        "estimate.accumulators_after",
    ]
    back = explanation_of_benefit_from_fhir(loads(dumps(aeob))).value
    assert back.status is ClaimStatus.PREDETERMINATION
    assert (back.charge, back.paid, back.patient_responsibility) == (
        usd("125.00"),
        usd("56.00"),
        usd("44.00"),
    )
    assert compare_estimate(est, back) == ()  # read back, it is what the estimate says


@st.composite
def estimated_claims(draw: st.DrawFn) -> tuple[Claim, Estimate]:
    """A claim and an estimate of its lines (each allowed up to its charge, or not covered)."""
    claim = draw(claims())
    priced = []
    for line in claim.lines:
        charge = line.charge.minor
        allowed = draw(st.none() | st.integers(0, charge).map(lambda n: Money.from_minor(n, USD)))
        priced.append(PricedLine(line_id=line.id, service_date=line.service_date,
                                 charge=line.charge, allowed=allowed))  # fmt: skip
    return claim, estimate(priced, draw(plan_benefits()))


@settings(max_examples=40)
@given(estimated_claims())
def test_every_estimate_reads_back_as_what_it_estimates(pair: tuple[Claim, Estimate]) -> None:
    claim, est = pair
    written = estimate_to_fhir(claim, est, created=datetime.date(2024, 3, 1))
    validate_r4(written.value)
    assert written.value["use"] == "predetermination" and "payment" not in written.value
    back = explanation_of_benefit_from_fhir(loads(dumps(written.value))).value
    assert back.status is ClaimStatus.PREDETERMINATION
    assert (back.charge, back.paid, back.patient_responsibility) == (
        est.submitted,
        est.plan_pays,
        est.patient_pays,
    )
    assert compare_estimate(est, back) == ()


# --------------------------------------------------------------------------- patients


def test_a_claims_patient_details_go_to_an_included_patient() -> None:
    jane = Patient(
        id="P1",
        name="Jane Roe",
        birth_date=datetime.date(1980, 5, 17),
        sex=Sex.FEMALE,
        address=Address(lines=["1 Main St", "Apt 2"], city="Springfield", state="IL",
                        postal_code="62701"),
    )  # fmt: skip
    claim = attrs.evolve(example_claim(), patient=jane)
    back, written = _round_trip(claim)
    assert back == claim
    patient = next(r for r in written.included if r["resourceType"] == "Patient")
    assert patient == {
        "resourceType": "Patient",
        "id": "P1",
        "name": [{"text": "Jane Roe"}],
        "gender": "female",
        "birthDate": "1980-05-17",
        "address": [
            {
                "line": ["1 Main St", "Apt 2"],
                "city": "Springfield",
                "state": "IL",
                "postalCode": "62701",
            }
        ],
    }


def test_the_corpus_claims_contained_patient_is_read(corpus_dir: Path) -> None:
    source = loads((corpus_dir / "fhir_r4" / "Claim-MED-00050.json").read_bytes())
    patient = claim_from_fhir(source, resources=SUPPLIED).value.patient
    # Known answers from the file's contained Patient.
    assert patient == Patient(
        id="patient-1",
        name="Alvina Ashcraft",
        birth_date=datetime.date(1954, 6, 11),
        sex=Sex.FEMALE,
        address=Address(lines=["123 Main Street"], city="Portland", state="OR",
                        postal_code="97125", country="USA"),
    )  # fmt: skip


# --------------------------------------------------------------------------- the field guard

# Every field of every class the FHIR mappings carry, as they were mapped. A field
# added to one of these classes fails this test until the mapping writes it (or
# reports it lost) and its name is added here.
MAPPED_FIELDS: dict[type[Any], set[str]] = {
    Claim: {"id", "account_id", "patient_id", "coverage", "claim_date", "lines", "total_charge",
            "diagnoses", "care_team", "place_of_service", "frequency", "original_claim_number",
            "prior_authorization", "referral_number", "attachments", "statement_from",
            "statement_through", "prior_payers", "patient", "institutional"},
    LineItem: {"id", "category", "service_date", "charge", "service_through", "procedure",
               "revenue_code", "drug", "units", "unit_basis", "unit_price", "place_of_service",
               "diagnosis_pointers", "care_team", "attachments", "authorization",
               "patient_liable", "price_components", "description"},
    Coverage: {"id", "payer", "member_id", "sequence", "group_number", "relationship", "benefits",
               "start", "end", "subscriber", "filing_code"},
    PlanBenefits: {"deductible", "copay", "coinsurance_rate", "out_of_pocket_max",
                   "family_deductible", "family_out_of_pocket_max"},
    Payer: {"id", "name", "payer_id"},
    Provider: {"npi", "name", "kind", "taxonomy", "address", "tax_id"},
    Patient: {"id", "name", "birth_date", "sex", "address"},
    Guarantor: {"id", "name", "relationship"},
    CareTeamMember: {"provider", "role", "description"},
    Address: {"lines", "city", "state", "postal_code", "country"},
    DocumentRef: {"kind", "reference", "date", "report_type", "transmission", "control_number"},
    Drug: {"ndc", "quantity", "unit"},
    PatientAuthorization: {"id", "signed_by", "signed_on", "document", "service", "amount_cap",
                           "description"},
    PriceComponent: {"kind", "amount", "description"},
    Bill: {"id", "account_id", "patient_id", "bill_to", "currency", "lines", "status",
           "issued_on", "due_on", "void_reason"},
    PriorPayerAdjudication: {"coverage", "paid", "adjudicated_on", "payer_claim_number",
                             "claim_adjustments", "lines"},
    PriorLineAdjudication: {"line_id", "paid", "adjustments"},
    Remittance: {"payer", "payee", "total_payment", "payment_method", "trace_number",
                 "paid_date", "claims", "provider_adjustments", "id"},
    ClaimPayment: {"patient_control_number", "status", "charge", "paid", "patient_responsibility",
                   "payer_claim_control_number", "adjustments", "remarks", "lines",
                   # 835 information, reported lost (fhir._adjudication.information_losses)
                   "references", "statement_start", "statement_end", "coverage_expiration",
                   "received_date", "parties", "amounts", "quantities"},
    ServicePayment: {"line_control_number", "procedure", "submitted_procedure", "charge", "paid",
                     "allowed", "units", "service_date", "adjustments", "remarks",
                     "references", "amounts", "quantities", "service_end"},
    CasAdjustment: {"group", "reason", "amount", "quantity"},
    ProviderAdjustment: {"reason", "reference", "amount", "provider_id", "fiscal_period_end"},
}  # fmt: skip


@pytest.mark.parametrize("cls", list(MAPPED_FIELDS), ids=lambda c: c.__name__)
def test_every_field_of_a_mapped_class_is_known_to_the_mapping(cls: type[Any]) -> None:
    assert {a.name for a in attrs.fields(cls) if a.init} == MAPPED_FIELDS[cls]
