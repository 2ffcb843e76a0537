"""Workflows refuse, before writing, anything that would leave a ledger invalid on any later day."""

from __future__ import annotations

import datetime as dt

import pytest

from billing_core.charges import Category, LineItem
from billing_core.claims import Claim
from billing_core.errors import ValidationError
from billing_core.ledger import (
    Bucket,
    ChargePosted,
    Party,
    PaymentApplied,
    PaymentReceived,
    Transfer,
    validate_history,
)
from billing_core.money import Money
from billing_core.parties import Coverage, CoverageSequence, Payer
from billing_core.remittance import CasAdjustment, ClaimPayment, Remittance, ServicePayment
from billing_core.testing.memory import InMemoryStore
from billing_core.workflows import PostingStatus, post_remittance, refund_credit


def usd(text: str) -> Money:
    return Money(text, "USD")


PATIENT = Party.patient("P1")


def test_a_back_dated_refund_of_credit_already_used_is_refused() -> None:
    store = InMemoryStore()
    history = [
        ChargePosted(
            id="c1",
            account_id="A1",
            line_id="L1",
            effective=dt.date(2024, 1, 1),
            amount=usd("100"),
            bucket=Bucket.PATIENT,
        ),
        PaymentReceived(
            id="p1",
            account_id="A1",
            effective=dt.date(2024, 1, 10),
            amount=usd("100"),
            party=PATIENT,
        ),
        PaymentApplied(
            id="a1",
            account_id="A1",
            line_id="L1",
            effective=dt.date(2024, 1, 20),
            amount=usd("100"),
            party=PATIENT,
            bucket=Bucket.PATIENT,
        ),
    ]
    store.append("A1", history, expected_version=0, idempotency_key="seed")
    # On 15 Jan the credit was 100, but all of it was applied on 20 Jan:
    # refunding 50 "as of 15 Jan" would pay out money that is no longer there.
    with pytest.raises(ValidationError, match="credit") as refused:
        refund_credit(store, "A1", PATIENT, usd("50"), id="RF", effective=dt.date(2024, 1, 15))
    assert {f.rule for f in refused.value.findings} == {"history.credit_negative"}
    entries, version = store.read("A1")
    assert version == 3
    assert validate_history(entries) == []


def _claim_store() -> InMemoryStore:
    store = InMemoryStore()
    day = dt.date(2024, 3, 4)
    cov = Coverage(
        id="C1",
        payer=Payer(id="acme", name="Acme"),
        member_id="M1",
        sequence=CoverageSequence.PRIMARY,
    )
    line = LineItem(id="L1", category=Category.PROCEDURE, service_date=day, charge=usd("100"))
    store.add(
        Claim(
            id="CLM1", account_id="A1", patient_id="P1", coverage=cov, claim_date=day, lines=[line]
        )
    )
    store.append(
        "A1",
        [
            ChargePosted(
                id="c1",
                account_id="A1",
                line_id="L1",
                effective=day,
                amount=usd("100"),
                bucket=Bucket.PRIMARY,
            )
        ],
        expected_version=0,
        idempotency_key="seed",
    )
    return store


def _remittance(*, paid_date: dt.date, remittance_id: str = "R1") -> Remittance:
    line = ServicePayment(
        line_control_number="L1",
        charge=usd("100"),
        paid=usd("60"),
        adjustments=CasAdjustment.from_cas("CO", ("45", usd("40"))),
    )
    return Remittance(
        id=remittance_id,
        payer="acme",
        payee="1234567893",
        total_payment=usd("60"),
        payment_method="ACH",
        trace_number="T1",
        paid_date=paid_date,
        claims=[
            ClaimPayment(
                patient_control_number="CLM1",
                status="1",
                charge=usd("100"),
                paid=usd("60"),
                lines=[line],
            )
        ],
    )


def test_a_back_dated_remittance_that_would_overdraw_a_bucket_is_refused() -> None:
    store = _claim_store()
    # The whole charge moved to the patient on 10 Apr; a remittance paid 1 Apr
    # would then take 100 out of a primary bucket that is empty from 10 Apr on.
    store.append(
        "A1",
        [
            Transfer(
                id="t1",
                account_id="A1",
                line_id="L1",
                effective=dt.date(2024, 4, 10),
                amount=usd("100"),
                from_bucket=Bucket.PRIMARY,
                to_bucket=Bucket.PATIENT,
            )
        ],
        expected_version=1,
        idempotency_key="move",
    )
    result = post_remittance(store, _remittance(paid_date=dt.date(2024, 4, 1)))
    assert result.status is PostingStatus.REFUSED
    assert any(f.rule == "history.open_negative" for f in result.findings)
    assert store.read("A1")[1] == 2  # nothing written


def test_a_different_remittance_under_a_taken_id_is_refused_before_writing() -> None:
    store = _claim_store()
    other = _remittance(paid_date=dt.date(2024, 4, 1), remittance_id="R1")
    store.add(
        Remittance(
            id="R1",
            payer="other",
            payee="1234567893",
            total_payment=usd("0"),
            payment_method="NON",
            trace_number="X",
            paid_date=dt.date(2024, 4, 1),
        )
    )
    result = post_remittance(store, other)
    assert result.status is PostingStatus.REFUSED
    assert any(f.rule == "workflow.remittance_id_taken" for f in result.findings)
    assert store.read("A1")[1] == 1  # nothing written
