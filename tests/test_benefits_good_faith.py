"""The good faith estimate for a self-pay patient: totals, the $400 rule, rendering, storage."""

from __future__ import annotations

import datetime

import pytest

from billing_core.charges import Category, LineItem
from billing_core.codes import ProcedureCode
from billing_core.errors import CurrencyMismatchError, ValidationError
from billing_core.good_faith import DISPUTE_THRESHOLD, GoodFaithEstimate
from billing_core.money import Money
from billing_core.parties import CareRole, CareTeamMember, Patient, Provider
from billing_core.serialization import from_json, to_json

VISIT = datetime.date(2024, 3, 4)
CLINIC = Provider(npi="1245319599", name="Riverside Clinic")
RADIOLOGIST = Provider(npi="1234567893", name="Dr. Ada Smith")


def usd(text: str) -> Money:
    return Money(text, "USD")


def gfe(**changes) -> GoodFaithEstimate:
    read = CareTeamMember(provider=RADIOLOGIST, role=CareRole.RENDERING)
    fields = {
        "id": "GFE-7",
        "issued_on": datetime.date(2024, 2, 26),
        "patient": Patient(id="P-1001", name="Jane Roe", birth_date=datetime.date(1980, 5, 17)),
        "provider": CLINIC,
        "tax_id": "12-3456789",
        "location": "Riverside Clinic, 1 Main St, Springfield, IL",
        "primary_service": "Office visit for low back pain",
        "scheduled_on": VISIT,
        "diagnoses": ["M54.50", "I10"],
        "lines": [
            LineItem(id="L1", category=Category.PROCEDURE, service_date=VISIT,
                     procedure=ProcedureCode("99214"), charge=usd("180.00"),
                     diagnosis_pointers=[1, 2], description="Office visit"),
            LineItem(id="L2", category=Category.PROCEDURE, service_date=VISIT,
                     procedure=ProcedureCode("CPT", "72100", ["26"]), charge=usd("45.00"),
                     diagnosis_pointers=[1], description="X-ray, reading", care_team=[read]),
        ],
        "separately_scheduled": ["Physical therapy, 6 sessions"],
    }  # fmt: skip
    fields.update(changes)
    return GoodFaithEstimate(**fields)


def test_totals_and_totals_by_provider():
    estimate = gfe()
    # 180.00 + 45.00 = 225.00; the reading is the radiologist's (its rendering provider).
    assert estimate.total == usd("225.00")
    assert estimate.totals_by_provider() == {
        "1245319599": usd("180.00"),
        "1234567893": usd("45.00"),
    }


def test_a_bill_at_least_400_dollars_above_the_estimate_may_be_disputed():
    estimate = gfe()
    assert usd("400.00") == DISPUTE_THRESHOLD
    # Whole estimate 225.00: 624.99 is 399.99 above, 625.00 is 400.00 above.
    assert not estimate.may_dispute(usd("624.99"))
    assert estimate.may_dispute(usd("625.00"))
    # Per provider: the clinic's 180.00 -> 580.00; the radiologist's 45.00 -> 445.00.
    assert estimate.may_dispute(usd("580.00"), npi="1245319599")
    assert not estimate.may_dispute(usd("444.99"), npi="1234567893")
    with pytest.raises(CurrencyMismatchError, match="the dispute threshold is in USD"):
        estimate.may_dispute(Money("900", "EUR"))


def test_it_renders_like_a_statement():
    text = gfe().render_text(patient_copy=True)
    lines = text.splitlines()
    assert lines[:6] == [
        "GOOD FAITH ESTIMATE",
        "Estimate GFE-7, issued Feb 26, 2024",
        "Patient: Jane Roe, born May 17, 1980",
        "Provider: Riverside Clinic, NPI 1245319599, TIN 12-3456789",
        "Location: Riverside Clinic, 1 Main St, Springfield, IL",
        "Primary service: Office visit for low back pain, scheduled for Mar 4, 2024",
    ]
    assert lines[7].split() == [
        "Date",
        "of",
        "service",
        "Description",
        "Code",
        "Units",
        "Diagnoses",
        "Expected",
        "charge",
    ]
    assert lines[8].split()[-3:] == ["M54.50,", "I10", "$180.00"]
    assert "72100-26" in lines[9] and lines[9].endswith("$45.00")
    assert "To be scheduled separately: Physical therapy, 6 sessions" in lines
    assert "Total expected charges: $225.00" in lines
    assert "at least $400 more" in text
    german = gfe().render_text("de_DE", patient_copy=True)
    assert "Total expected charges: 225,00\xa0$" in german


def test_the_patients_identifiers_are_masked_except_on_their_own_copy():
    for rendered in (gfe().render_text(), gfe().render_html(), gfe()._repr_html_(), repr(gfe())):
        assert "Jane Roe" not in rendered
        assert "1980" not in rendered
    assert "Jane Roe" in gfe().render_html(patient_copy=True)
    assert "P-1001" not in str(gfe().to_records())


def test_bad_estimates_are_refused():
    with pytest.raises(ValidationError, match="an estimate lists at least one item or service"):
        gfe(lines=[])
    euro = LineItem(id="L3", category=Category.SUPPLY, service_date=VISIT, charge=Money("5", "EUR"))
    with pytest.raises(CurrencyMismatchError, match="line 3 \\('L3'\\).charge is in EUR"):
        gfe(lines=[*gfe().lines, euro])
    with pytest.raises(ValidationError, match="must not be empty"):
        gfe(primary_service=" ")
    with pytest.raises(TypeError, match="issued_on must be a datetime.date"):
        gfe(issued_on="2024-02-26")


def test_it_round_trips_through_json():
    estimate = gfe()
    text = to_json(estimate)
    assert '"type":"good_faith_estimate"' in text
    assert from_json(text) == estimate
