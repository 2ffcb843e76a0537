"""835 information without a FHIR element (references, dates, amounts...) is reported lost."""

from __future__ import annotations

import datetime

import attrs

from billing_core.fhir import claim_response_to_fhir
from billing_core.money import Money
from billing_core.remittance import (
    ClaimPayment,
    Reference,
    Remittance,
    ServicePayment,
    SupplementalAmount,
    SupplementalQuantity,
)


def usd(text: str) -> Money:
    return Money(text, "USD")


def _payment() -> ClaimPayment:
    line = ServicePayment(line_control_number="L1", charge=usd("100"), paid=usd("100"))
    return ClaimPayment(patient_control_number="CLM1", status="1", charge=usd("100"),
                        paid=usd("100"), lines=[line])  # fmt: skip


def _remittance(payment: ClaimPayment) -> Remittance:
    return Remittance(payer="acme", payee="1234567893", total_payment=payment.paid,
                      payment_method="ACH", trace_number="T-1",
                      paid_date=datetime.date(2024, 4, 1), claims=[payment])  # fmt: skip


def test_nothing_is_reported_when_the_835_carried_no_information() -> None:
    payment = _payment()
    lost = claim_response_to_fhir(payment, _remittance(payment), patient_id="P1").report.lost
    assert [loss.path for loss in lost] == []


def test_each_piece_of_835_information_is_reported_lost_where_it_was() -> None:
    plain = _payment()
    line = attrs.evolve(
        plain.lines[0],
        references=[Reference(qualifier="G1", value="PA-77")],
        amounts=[SupplementalAmount(qualifier="KH", amount=usd("2"))],
    )
    payment = attrs.evolve(
        plain,
        lines=[line],
        received_date=datetime.date(2024, 3, 20),
        quantities=[SupplementalQuantity(qualifier="CA", quantity=2)],
    )
    lost = claim_response_to_fhir(payment, _remittance(payment), patient_id="P1").report.lost
    assert [loss.path for loss in lost] == [
        "payment.received_date",
        "payment.quantities",
        "payment.lines[0].references",
        "payment.lines[0].amounts",
    ]
