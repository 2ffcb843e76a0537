"""Charges of claims and bills on the ledger, and the line-identity rule (known answers by hand)."""

from __future__ import annotations

import datetime

import attrs
import pytest

from billing_core.bills import Bill
from billing_core.charges import Category, LineItem
from billing_core.charging import bill_charges, charges_to_post, claim_charges
from billing_core.claims import Claim
from billing_core.errors import DuplicateError, ValidationError
from billing_core.ledger import Bucket
from billing_core.money import Money
from billing_core.parties import Coverage, CoverageSequence, Patient, Payer

D = datetime.date
TERTIARY = Coverage(id="C3", payer=Payer(id="tri", name="Tri County"), member_id="M3",
                    sequence=CoverageSequence.TERTIARY)  # fmt: skip


def line(line_id: str, charge: str) -> LineItem:
    return LineItem(id=line_id, category=Category.SUPPLY, service_date=D(2024, 3, 4),
                    charge=Money(charge, "USD"))  # fmt: skip


def claim() -> Claim:
    lines = [line("L1", "9.00"), line("L2", "1.50")]
    return Claim(id="CLM3", account_id="A1", patient_id="P1", coverage=TERTIARY,
                 claim_date=D(2024, 4, 2), lines=lines)  # fmt: skip


def test_a_claim_charges_its_coverages_bucket_on_its_date_unless_told() -> None:
    assert [(c.id, c.line_id, str(c.amount), c.bucket, c.effective, c.account_id)
            for c in claim_charges(claim())] == [
        ("charge:L1", "L1", "9.00 USD", Bucket.TERTIARY, D(2024, 4, 2), "A1"),
        ("charge:L2", "L2", "1.50 USD", Bucket.TERTIARY, D(2024, 4, 2), "A1"),
    ]  # fmt: skip
    later = claim_charges(claim(), effective=D(2024, 4, 9))
    assert {c.effective for c in later} == {D(2024, 4, 9)}


def test_a_draft_bill_to_a_payer_names_both_missing_facts() -> None:
    draft = Bill(id="B9", account_id="A1", patient_id="P1", bill_to=TERTIARY.payer,
                 currency="USD", lines=[line("L1", "9.00")])  # fmt: skip
    with pytest.raises(ValidationError) as error:
        bill_charges(draft)
    assert [f.location for f in error.value.findings] == ["bill 'B9'.bucket", "bill 'B9'.effective"]
    (charge,) = bill_charges(draft, bucket=Bucket.SECONDARY, effective=D(2024, 5, 1))
    assert (charge.bucket, charge.effective, charge.source.reason) == (
        Bucket.SECONDARY,
        D(2024, 5, 1),
        "bill B9",
    )


def test_a_retry_posts_nothing_and_a_later_date_is_still_the_same_charge() -> None:
    charges = claim_charges(claim())
    assert charges_to_post(charges, charges) == ()
    later = claim_charges(claim(), effective=D(2024, 4, 30))
    assert charges_to_post(later, charges) == ()
    assert charges_to_post(charges, charges[:1]) == charges[1:]


def test_a_reused_line_id_is_refused_naming_every_line_taken() -> None:
    posted = claim_charges(claim())
    patient = Patient(id="P1", name="Jane Roe")
    other = Bill(id="B2", account_id="A1", patient_id="P1", bill_to=patient, currency="USD",
                 lines=[line("L1", "9.00"), line("L2", "1.50"), line("L3", "4.00")])  # fmt: skip
    with pytest.raises(DuplicateError) as error:
        charges_to_post(bill_charges(other, effective=D(2024, 4, 3)), posted)
    message = str(error.value)
    assert "line L1 of bill B2 is already charged on account A1 by claim CLM3" in message
    assert "line L2 of bill B2" in message and "L3" not in message
    # the same document with another amount under a line id is a different line too
    changed = attrs.evolve(posted[0], amount=Money("9.01", "USD"))
    with pytest.raises(DuplicateError, match=r"line L1 of claim CLM3 .* as 9\.00 USD"):
        charges_to_post([changed], posted)
