"""Workflows refuse, before writing, anything that would leave a ledger invalid on any later day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import attrs
import pytest

import billing_core.posting._apply
import billing_core.workflows._skeleton
from billing_core.balances import credits
from billing_core.charges import Category, LineItem
from billing_core.claims import Claim
from billing_core.errors import Finding, ValidationError
from billing_core.ledger import (
    Bucket,
    ChargePosted,
    Entry,
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
    assert validate_history(entries) == ()


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


def test_post_remittance_checks_each_account_history_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The plan is built from the snapshot the workflow writes against: the whole-history
    # check runs once, in the workflow (apply_posting's own guard is for direct callers).
    calls: list[str] = []

    def counted(where: str) -> Callable[[Iterable[Entry]], list[Finding]]:
        def check(entries: Iterable[Entry]) -> list[Finding]:
            calls.append(where)
            return validate_history(entries)

        return check

    monkeypatch.setattr(billing_core.workflows._skeleton, "validate_history", counted("workflows"))
    monkeypatch.setattr(billing_core.posting._apply, "validate_history", counted("posting"))
    store = _claim_store()
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
    assert calls == ["workflows"]
    assert [f.rule for f in result.findings].count("history.open_negative") == 1


def test_two_payers_on_one_account_are_posted_each_with_its_own_cash() -> None:
    store = _claim_store()
    day = dt.date(2024, 3, 4)
    beta = Coverage(
        id="C2",
        payer=Payer(id="beta", name="Beta"),
        member_id="M2",
        sequence=CoverageSequence.PRIMARY,
    )
    line = LineItem(id="L2", category=Category.PROCEDURE, service_date=day, charge=usd("100"))
    store.add(
        Claim(
            id="CLM2", account_id="A1", patient_id="P1", coverage=beta, claim_date=day, lines=[line]
        )
    )
    store.append(
        "A1",
        [
            ChargePosted(
                id="c2",
                account_id="A1",
                line_id="L2",
                effective=day,
                amount=usd("100"),
                bucket=Bucket.PRIMARY,
            )
        ],
        expected_version=1,
        idempotency_key="seed2",
    )
    one = _remittance(paid_date=dt.date(2024, 4, 1))
    (first,) = one.claims
    second = ClaimPayment(
        patient_control_number="CLM2",
        status="1",
        charge=usd("100"),
        paid=usd("60"),
        lines=[
            ServicePayment(
                line_control_number="L2",
                charge=usd("100"),
                paid=usd("60"),
                adjustments=CasAdjustment.from_cas("CO", ("45", usd("40"))),
            )
        ],
    )
    both = Remittance(
        id="R2",
        payer="acme",
        payee="1234567893",
        total_payment=usd("120"),
        payment_method="ACH",
        trace_number="T2",
        paid_date=dt.date(2024, 4, 1),
        claims=[first, second],
    )
    result = post_remittance(store, both)
    assert result.status is PostingStatus.POSTED, result.findings
    entries, _ = store.read("A1")
    assert validate_history(entries) == ()
    received = [(e.party, e.amount) for e in entries if isinstance(e, PaymentReceived)]
    assert received == [(Party.payer("acme"), usd("60")), (Party.payer("beta"), usd("60"))]
    available = {p: c.available for p, c in credits(entries, dt.date(2024, 4, 1)).items()}
    assert available == {Party.payer("acme"): usd("0"), Party.payer("beta"): usd("0")}


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
    # The explanation says why, not "nothing to report".
    assert result.explanation.splitlines() == [
        "remittance R1: refused, nothing was written",
        "remittance 'R1': a different remittance with this id is already stored",
    ]


def test_a_batch_for_an_account_the_workflow_did_not_read_is_refused() -> None:
    # A batch's version checks are only as good as the reads behind them: an account
    # given entries must have been read (issue 11 adds payer-level accounts to batches).
    store = _claim_store()
    snapshot = billing_core.workflows._skeleton.read(store, ["A1"])
    charge = ChargePosted(
        id="c9",
        account_id="A9",
        line_id="L9",
        effective=dt.date(2024, 3, 4),
        amount=usd("5"),
        bucket=Bucket.PATIENT,
    )
    with pytest.raises(ValidationError, match="account A9") as refused:
        snapshot.append([charge], "k")
    assert [f.rule for f in refused.value.findings] == ["workflow.account_not_read"]
    batch = snapshot.append([attrs.evolve(charge, account_id="A1")], "k")
    assert [(r.account_id, r.expected_version) for r in batch.requests] == [("A1", 1)]
