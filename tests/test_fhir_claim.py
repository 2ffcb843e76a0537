"""FHIR Claim both ways: valid R4 resources, the corpus read and written back, losses reported."""

from __future__ import annotations

import copy
import datetime
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from billing_core._examples import example_claim
from billing_core.charges import Category, DocumentKind, DocumentRef, LineItem, UnitBasis
from billing_core.claims import Claim, ClaimFrequency
from billing_core.codes import CodeSystem, ProcedureCode
from billing_core.errors import ValidationError
from billing_core.fhir import Direction, claim_from_fhir, claim_to_fhir, dumps, loads
from billing_core.money import Money
from billing_core.parties import CareRole, CareTeamMember, Provider, ProviderKind
from billing_core.serialization import to_dict
from billing_core.testing.strategies import claims
from fhir_kit import SUPPLIED, canonical, missing_from, validate_r4, without

USD = "USD"
RENUMBERED = re.compile(r"(careTeam|diagnosis|information)Sequence\[\d+\]$")


def _corpus_claims(corpus_dir: Path) -> list[Path]:
    found = sorted((corpus_dir / "fhir_r4").glob("Claim-*.json"))
    assert found, "the corpus has no FHIR Claim"
    return found


def _round_trip(claim: Claim) -> tuple[Claim, Any]:
    written = claim_to_fhir(claim)
    text = dumps(written.value)
    read = claim_from_fhir(loads(text), resources=written.included, account_id=claim.account_id)
    return read.value, written


# --------------------------------------------------------------------------- writing


@settings(max_examples=60)
@given(claims())
def test_every_claim_written_is_a_valid_r4_claim(claim: Claim) -> None:
    written = claim_to_fhir(claim)
    assert written.report.direction is Direction.TO_FHIR
    for resource in (written.value, *written.included):
        validate_r4(resource)


@settings(max_examples=60)
@given(claims())
def test_object_to_fhir_to_object_keeps_what_the_report_says_it_keeps(claim: Claim) -> None:
    back, written = _round_trip(claim)
    assert canonical(without(to_dict(back), written.report, "claim")) == canonical(
        without(to_dict(claim), written.report, "claim")
    )


def test_a_rich_claim_round_trips_with_only_the_account_lost() -> None:
    doc = Provider(npi="1234567893", name="Dr. Ada Smith", taxonomy="207Q00000X")
    clinic = Provider(npi="1245319599", name="Clinic", kind=ProviderKind.ORGANIZATION)
    line = LineItem(
        id="L-7",
        category=Category.ROOM,
        service_date=datetime.date(2024, 3, 4),
        service_through=datetime.date(2024, 3, 6),
        revenue_code="0110",
        units=3,
        unit_basis=UnitBasis.DAYS,
        unit_price=Decimal("600.125"),
        charge=Money("1800.38", USD),
        diagnosis_pointers=[2, 1],
        care_team=[CareTeamMember(provider=doc, role=CareRole.ATTENDING)],
        attachments=[DocumentRef(kind=DocumentKind.LAB_RESULT, reference="lis://88231")],
        description="Semi-private room",
    )
    claim = Claim(
        id="CLM-9",
        account_id="A1",
        patient_id="P1",
        coverage=example_claim().coverage,
        claim_date=datetime.date(2024, 3, 8),
        lines=[line],
        diagnoses=["E11.9", "I10"],
        care_team=[
            CareTeamMember(provider=clinic, role=CareRole.BILLING),
            CareTeamMember(provider=doc, role=CareRole.OTHER, description="physical therapist"),
        ],
        frequency=ClaimFrequency.REPLACEMENT,
        original_claim_number="ICN-1",
        prior_authorization="PA-2",
        referral_number="REF-3",
        statement_from=datetime.date(2024, 3, 4),
        statement_through=datetime.date(2024, 3, 6),
    )
    back, written = _round_trip(claim)
    assert [str(loss) for loss in written.report.lost] == [
        "claim.account_id: a FHIR Claim names no account"
    ]
    assert back == claim
    fhir = written.value
    assert fhir["provider"] == {"reference": "Organization/1245319599"}
    assert fhir["related"][0]["reference"] == {"value": "ICN-1"}
    item = fhir["item"][0]
    assert item["servicedPeriod"] == {"start": "2024-03-04", "end": "2024-03-06"}
    assert item["quantity"] == {
        "value": Decimal(3),
        "unit": "d",
        "system": "http://unitsofmeasure.org",
        "code": "d",
    }
    assert item["diagnosisSequence"] == [2, 1]
    assert dumps(item["unitPrice"]) == '{"value":600.125,"currency":"USD"}'


def test_what_fhir_cannot_hold_is_reported_by_field() -> None:
    claim = example_claim()
    line = claim.lines[0]
    fee = LineItem(
        id="F1",
        category=Category.FEE,
        service_date=line.service_date,
        charge=Money("25.00", USD),
        patient_liable=True,
        place_of_service="11",
    )
    claim = Claim(
        id="CLM1",
        account_id="A1",
        patient_id="P1",
        coverage=claim.coverage,
        claim_date=claim.claim_date,
        lines=[line, fee],
        place_of_service="22",
    )
    report = claim_to_fhir(claim).report
    # Each item carries its effective place (22 for line 1, 11 for the fee); with
    # two places, reading gives each line its own and the claim none.
    assert sorted(loss.path for loss in report.lost) == [
        "claim.account_id",
        "claim.lines[0].place_of_service",
        "claim.lines[1].patient_liable",
        "claim.place_of_service",
    ]


def test_a_void_is_a_cancelled_claim_that_names_the_original() -> None:
    claim = example_claim()
    void = Claim(
        id="CLM2",
        account_id="A1",
        patient_id="P1",
        coverage=claim.coverage,
        claim_date=claim.claim_date,
        lines=claim.lines,
        frequency=ClaimFrequency.VOID,
        original_claim_number="ICN-77",
    )
    fhir = claim_to_fhir(void).value
    assert fhir["status"] == "cancelled"
    assert claim_from_fhir(fhir, resources=claim_to_fhir(void).included).value.frequency is (
        ClaimFrequency.VOID
    )


# --------------------------------------------------------------------------- the corpus


def test_every_corpus_claim_reads_and_maps_back_to_equivalent_json(corpus_dir: Path) -> None:
    for path in _corpus_claims(corpus_dir):
        source = loads(path.read_bytes())
        read = claim_from_fhir(source, resources=SUPPLIED)
        written = claim_to_fhir(read.value)
        validate_r4(written.value)
        missing = missing_from(source, written.value, read.report.paths, "Claim")
        assert missing == [], f"{path.name}: not written back and not reported: {missing}"
        # The reader's own reasons cover everything but renumbered sequences (its
        # safety net, which compares what it read with what it would write back).
        caught_late = [
            loss.path for loss in read.report.lost if loss.reason.startswith("written back other")
        ]
        assert all(RENUMBERED.search(p) for p in caught_late), caught_late


def test_a_corpus_claim_read_field_by_field(corpus_dir: Path) -> None:
    source = loads((corpus_dir / "fhir_r4" / "Claim-MED-00050.json").read_bytes())
    read = claim_from_fhir(source, resources=SUPPLIED)  # its patient and coverage are contained
    claim = read.value
    # Known answers from the file itself.
    assert claim.id == "MED-00050" and claim.patient_id == "patient-1"
    assert claim.claim_date == datetime.date(2015, 10, 16)
    assert claim.total_charge == Money("12500.00", USD)
    (line,) = claim.lines
    assert line.procedure == ProcedureCode(CodeSystem.CPT, "62264")
    assert line.service_date == datetime.date(2015, 10, 13)
    assert line.charge == Money("12500.00", USD) and line.unit_price == Decimal("12500.0")
    coverage = claim.coverage
    assert (coverage.member_id, coverage.group_number) == ("10138556", "80902206")
    assert (coverage.payer.name, coverage.start) == ("Humana Inc.", datetime.date(2015, 1, 1))
    lost = read.report.paths
    # Its diagnoses are WHO ICD-10 (not ICD-10-CM) and its place of service uses
    # another system URI: reported, not silently dropped or recoded.
    assert "Claim.diagnosis[0].diagnosisCodeableConcept.coding[0]" in lost
    assert "Claim.item[0].locationCodeableConcept.coding[0]" in lost
    assert "Claim.item[0].diagnosisSequence" in lost
    assert "Claim.subType" in lost and "Claim.payee" in lost


def test_a_corpus_claim_needs_the_resources_it_refers_to(corpus_dir: Path) -> None:
    source = loads((corpus_dir / "fhir_r4" / "Claim-860150.json").read_bytes())
    with pytest.raises(ValidationError) as caught:
        claim_from_fhir(source)
    assert [(f.location, f.message) for f in caught.value.findings] == [
        (
            "Claim.insurance[0].coverage.reference",
            "refers to 'Coverage/9876B1', which was not supplied (pass it in resources=)",
        ),
        (
            "Claim.provider.reference",
            "refers to 'Organization/1', which was not supplied (pass it in resources=)",
        ),
        (
            "Claim.careTeam[0].provider.reference",
            "refers to 'Practitioner/example', which was not supplied (pass it in resources=)",
        ),
    ]


# --------------------------------------------------------------------------- bad input


def _written() -> tuple[dict[str, Any], tuple[dict[str, Any], ...]]:
    written = claim_to_fhir(example_claim())
    return copy.deepcopy(written.value), written.included


def test_the_wrong_resource_type_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"Claim\.resourceType: must be 'Claim', got 'Bill'"):
        claim_from_fhir({"resourceType": "Bill"})
    with pytest.raises(ValidationError, match=r"Claim: must be a FHIR resource"):
        claim_from_fhir([])  # type: ignore[arg-type]


def test_missing_required_elements_are_each_named() -> None:
    resource, included = _written()
    for key in ("patient", "created", "item", "insurance"):
        del resource[key]
    with pytest.raises(ValidationError) as caught:
        claim_from_fhir(resource, resources=included)
    assert {f.location for f in caught.value.findings} == {
        "Claim.patient",
        "Claim.created",
        "Claim.item",
        "Claim.insurance",
    }


def test_amounts_must_be_exact_at_the_minor_unit() -> None:
    resource, included = _written()
    resource["item"][0]["net"]["value"] = 0.1 + 0.2  # 0.30000000000000004
    resource["total"]["value"] = Decimal("125.001")
    with pytest.raises(ValidationError) as caught:
        claim_from_fhir(resource, resources=included)
    messages = {f.location: f.message for f in caught.value.findings}
    assert set(messages) == {"Claim.item[0].net.value", "Claim.total.value"}
    assert "0.30000000000000004" in messages["Claim.item[0].net.value"]
    assert "binary float artefact" in messages["Claim.item[0].net.value"]
    assert "125.001" in messages["Claim.total.value"]


def test_an_amount_must_be_a_json_number_with_a_currency() -> None:
    resource, included = _written()
    resource["item"][0]["net"] = {"value": "125.00", "currency": "USD"}
    resource["total"] = {"value": 125}
    with pytest.raises(ValidationError) as caught:
        claim_from_fhir(resource, resources=included)
    assert [(f.location, f.message) for f in caught.value.findings] == [
        ("Claim.item[0].net.value", "must be a JSON number, got '125.00' (str)"),
        ("Claim.total.currency", "required: an amount needs its currency"),
    ]


def test_a_float_written_by_a_json_parser_reads_exactly() -> None:
    resource, included = _written()
    resource["item"][0]["net"]["value"] = 125.0  # json.loads without parse_float
    resource["total"]["value"] = 125.0
    assert claim_from_fhir(resource, resources=included).value.total_charge == Money("125", USD)


def test_dumps_writes_exact_numbers_and_loads_reads_them() -> None:
    assert dumps({"a": [Decimal("0.10"), 3, True, None, "x"]}) == '{"a":[0.10,3,true,null,"x"]}'
    assert loads('{"v": 135.57}') == {"v": Decimal("135.57")}
    with pytest.raises(ValidationError, match=r"\$: not valid JSON"):
        loads("{")
