"""FHIR errors never show a person's data: ids of patients, birth dates, member ids."""

from __future__ import annotations

import datetime

import attrs
import pytest

from billing_core._examples import example_837_claim, example_claim
from billing_core.bills import Bill
from billing_core.charges import Category, LineItem
from billing_core.errors import ValidationError
from billing_core.fhir import (
    claim_from_fhir,
    claim_to_fhir,
    coverage_from_fhir,
    coverage_to_fhir,
    dumps,
    invoice_from_fhir,
    invoice_to_fhir,
    loads,
)
from billing_core.money import Money
from billing_core.parties import Patient

HIDDEN = "(value not shown: protected health information)"


def _messages(caught: pytest.ExceptionInfo[ValidationError]) -> str:
    return "\n".join(f"{f.location}: {f.message}" for f in caught.value.findings)


def test_a_patient_not_supplied_is_named_without_its_id() -> None:
    jane = Patient(id="MRN-55501", name="Jane Roe")
    line = LineItem(id="L1", category=Category.OTHER, service_date=datetime.date(2024, 3, 4),
                    charge=Money("20.00", "USD"))  # fmt: skip
    bill = Bill(id="B1", account_id="A1", patient_id="MRN-55501", bill_to=jane, currency="USD",
                lines=[line])  # fmt: skip
    written = invoice_to_fhir(bill)
    assert written.value["recipient"] == {"reference": "Patient/MRN-55501"}
    with pytest.raises(ValidationError) as caught:
        invoice_from_fhir(loads(dumps(written.value)))
    text = _messages(caught)
    assert "MRN-55501" not in text
    assert "Invoice.recipient.reference: refers to a Patient (id not shown" in text


def test_a_bad_birth_date_of_a_supplied_patient_is_not_shown() -> None:
    written = claim_to_fhir(example_837_claim())
    included = [loads(dumps(r)) for r in written.included]
    (patient,) = [r for r in included if r["resourceType"] == "Patient"]
    patient["birthDate"] = "1980-02-30"
    position = included.index(patient)
    with pytest.raises(ValidationError) as caught:
        claim_from_fhir(loads(dumps(written.value)), resources=included, account_id="A1")
    text = _messages(caught)
    assert "1980-02-30" not in text and patient["id"] not in text
    assert f"resources[{position}].birthDate: is not a FHIR date, got a str {HIDDEN}" in text


def test_a_member_id_of_the_wrong_kind_is_not_shown() -> None:
    coverage = example_claim().coverage
    written = coverage_to_fhir(coverage, patient_id="P1")
    resource = loads(dumps(written.value))
    resource["subscriberId"] = 987654321
    with pytest.raises(ValidationError) as caught:
        coverage_from_fhir(resource, resources=written.included)
    text = _messages(caught)
    assert "987654321" not in text
    assert f"Coverage.subscriberId: must be a string, got an int {HIDDEN}" in text


def test_a_patient_id_fhir_cannot_take_is_not_shown() -> None:
    claim = attrs.evolve(example_claim(), patient_id="Jane Roe 1980")
    with pytest.raises(ValidationError) as caught:
        claim_to_fhir(claim)
    text = _messages(caught)
    assert "Jane" not in text
    assert f"claim.patient_id: a str {HIDDEN} cannot be a FHIR resource id" in text


def test_an_ordinary_id_is_still_shown() -> None:
    claim = attrs.evolve(example_claim(), id="CLM 1")
    with pytest.raises(ValidationError, match=r"claim\.id: 'CLM 1' \(str\) cannot be"):
        claim_to_fhir(claim)
