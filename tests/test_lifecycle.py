"""The claim lifecycle: claim_status folds what happened to a claim through one table."""

from __future__ import annotations

import datetime

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing_core.claims import ClaimAcknowledgement, ClaimFrequency
from billing_core.errors import BillingError, InvalidTransitionError
from billing_core.ledger import Bucket, Party, PaymentApplied, PaymentReceived
from billing_core.lifecycle import (
    CLAIM_TRANSITIONS,
    ClaimEvent,
    ClaimState,
    claim_status,
    next_claim_state,
)
from billing_core.posting import DenialPolicy
from billing_core.remittance import Remittance
from posting_kit import DAY, PAID_ON, cas, charges, claim, clp, item, post, remit, svc, usd

D = datetime.date


def _ack(category: str, on: D, action: str | None = None) -> ClaimAcknowledgement:
    return ClaimAcknowledgement(
        claim_id="C1", received=on, category=category, status_code="20", action=action
    )


def _paid() -> Remittance:
    return remit(
        "70",
        [
            clp(
                "C1",
                "100",
                "70",
                svc("L1", "100", "70", *cas("PR", ("2", "30"))),
                payer_claim_control_number="P-1",
            )
        ],
    )


def _steps(timeline: object) -> list[tuple[str, str, D]]:
    return [(str(s.event), str(s.state), s.since) for s in timeline.steps]  # type: ignore[attr-defined]


def test_a_claim_from_draft_to_closed() -> None:
    c = claim("C1", [item("L1", "100")])
    assert claim_status(c, []).state is ClaimState.DRAFT
    assert claim_status(c, []).since is None
    history = charges(c)
    acks = [_ack("A1", D(2024, 3, 5)), _ack("A2", D(2024, 3, 6), "WQ")]
    assert _steps(claim_status(c, history, [], acks)) == [
        ("submitted", "submitted", DAY),
        ("accepted", "accepted", D(2024, 3, 5)),
        ("accepted", "accepted", D(2024, 3, 6)),
    ]
    _, history = post(_paid(), [c], history)
    paid = claim_status(c, history, [_paid()], acks)
    assert (paid.state, paid.since) == (ClaimState.PAID, PAID_ON)  # the patient owes 30.00
    jane = Party.patient("P1")
    pays = D(2024, 4, 20)
    history = [
        *history,
        PaymentReceived(id="pp", account_id="A1", effective=pays, amount=usd("30"), party=jane),
        PaymentApplied(
            id="pa",
            account_id="A1",
            line_id="L1",
            effective=pays,
            amount=usd("30"),
            party=jane,
            bucket=Bucket.PATIENT,
        ),
    ]
    closed = claim_status(c, history, [_paid()], acks)
    assert _steps(closed)[-2:] == [("paid", "paid", PAID_ON), ("settled", "closed", pays)]
    # as of a date, only what happened by then
    assert claim_status(c, history, [_paid()], acks, as_of=D(2024, 3, 5)).state is (
        ClaimState.ACCEPTED
    )


def test_rejected_then_sent_again_and_accepted() -> None:
    c = claim("C1", [item("L1", "100")])
    acks = [_ack("A7", D(2024, 3, 5)), _ack("A2", D(2024, 3, 9))]
    timeline = claim_status(c, charges(c), [], acks)
    assert _steps(timeline)[1:] == [
        ("rejected", "rejected", D(2024, 3, 5)),
        ("accepted", "accepted", D(2024, 3, 9)),
    ]


def test_partially_paid_denied_and_not_adjudicated_answers() -> None:
    c = claim("C1", [item("L1", "100"), item("L2", "50")])
    partly = remit(
        "70",
        [
            clp(
                "C1",
                "150",
                "70",
                svc("L1", "100", "70", *cas("CO", ("45", "30"))),
                svc("L2", "50", "0", *cas("CO", ("96", "50"))),
            )
        ],
    )
    assert claim_status(c, charges(c), [partly]).state is ClaimState.PARTIALLY_PAID
    # denied and adjusted off: nothing is owed, the claim is closed the same day
    denied = remit("0", [clp("C1", "150", "0", status="4", adjustments=cas("CO", ("96", "150")))])
    _, history = post(denied, [c], charges(c), denials=DenialPolicy(hold=()))
    assert _steps(claim_status(c, history, [denied]))[1:] == [
        ("denied", "denied", PAID_ON),
        ("settled", "closed", PAID_ON),
    ]
    # the payer says it is not its claim: denied; a predetermination changes nothing
    theirs = remit("0", [clp("C1", "150", "0", status="23")])
    assert claim_status(c, charges(c), [theirs]).state is ClaimState.DENIED
    priced = remit("0", [clp("C1", "150", "0", status="25")])
    assert claim_status(c, charges(c), [priced]).state is ClaimState.SUBMITTED


def test_a_reversal_puts_the_claim_back_in_the_payers_hands() -> None:
    c = claim("C1", [item("L1", "100")])
    original = _paid().claims[0]
    undone = remit("-70", [original.as_reversal()], trace="T-REV")
    undone = attrs.evolve(undone, paid_date=D(2024, 5, 1))
    timeline = claim_status(c, charges(c), [_paid(), undone])
    assert _steps(timeline)[-1] == ("reversed", "accepted", D(2024, 5, 1))
    # reversed and corrected in one remittance: the correction is where it ends
    fixed = remit("5", [original.as_reversal(), attrs.evolve(original, paid=original.paid)])
    both = attrs.evolve(fixed, trace_number="T-FIX", paid_date=D(2024, 5, 2))
    assert _steps(claim_status(c, charges(c), [_paid(), both]))[-2:] == [
        ("reversed", "accepted", D(2024, 5, 2)),
        ("paid", "paid", D(2024, 5, 2)),
    ]


def test_replaced_and_voided_claims_take_no_further_answer() -> None:
    c = claim("C1", [item("L1", "100")])
    replacement = attrs.evolve(
        claim("C1R", [item("L1", "100")]),
        frequency=ClaimFrequency.REPLACEMENT,
        original_claim_number="P-1",
        claim_date=D(2024, 4, 10),
    )
    timeline = claim_status(c, charges(c), [_paid()], replacements=[replacement])
    assert _steps(timeline)[-1] == ("replaced", "replaced", D(2024, 4, 10))
    void = attrs.evolve(replacement, id="C1V", frequency=ClaimFrequency.VOID)
    assert claim_status(c, charges(c), [_paid()], replacements=[void]).state is ClaimState.VOIDED
    # the payer's reversal of the replaced claim is the one answer it still takes
    undone = attrs.evolve(
        remit("-70", [_paid().claims[0].as_reversal()], trace="T-REV"), paid_date=D(2024, 4, 20)
    )
    assert claim_status(c, charges(c), [_paid(), undone], replacements=[replacement]).state is (
        ClaimState.REPLACED
    )
    late = attrs.evolve(_paid(), id="T-LATE", trace_number="T-LATE", paid_date=D(2024, 4, 30))
    with pytest.raises(InvalidTransitionError) as raised:
        claim_status(c, charges(c), [_paid(), late], replacements=[replacement])
    assert str(raised.value) == (
        "claim 'C1': cannot record paid on 2024-04-30 (remittance T-LATE, status 1, paid"
        " 70.00 USD): it is replaced since 2024-04-10, which can only be reversed"
    )


def test_invalid_transitions_are_clear_errors() -> None:
    c = claim("C1", [item("L1", "100")])
    with pytest.raises(InvalidTransitionError, match="it is draft, which can only be submitted"):
        claim_status(c, [], [_paid()])  # answered but never charged
    with pytest.raises(InvalidTransitionError) as raised:
        claim_status(c, charges(c), [_paid()], [_ack("A7", D(2024, 4, 5))])
    assert "cannot record rejected on 2024-04-05 (277CA A7:20): it is paid since 2024-04-01" in (
        str(raised.value)
    )
    assert isinstance(raised.value, BillingError) and isinstance(raised.value, ValueError)
    with pytest.raises(InvalidTransitionError, match="it is rejected since 2024-03-05"):
        claim_status(c, charges(c), [_paid()], [_ack("A7", D(2024, 3, 5))])
    with pytest.raises(TypeError, match="remittances hold Remittance"):
        claim_status(c, charges(c), ["835"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="as_of must be a datetime.date"):
        claim_status(c, charges(c), as_of=datetime.datetime(2024, 4, 1))  # type: ignore[arg-type]


@given(st.sampled_from(ClaimState), st.sampled_from(ClaimEvent))
def test_a_move_is_the_tables_or_an_error_naming_both(state: ClaimState, event: ClaimEvent) -> None:
    allowed = CLAIM_TRANSITIONS[state]
    if event in allowed:
        assert next_claim_state(state, event) is allowed[event]
    else:
        with pytest.raises(InvalidTransitionError) as raised:
            next_claim_state(state, event)
        assert f"cannot record {event} for a {state} claim" in str(raised.value)


@given(st.lists(st.sampled_from(ClaimEvent), max_size=30))
def test_no_walk_returns_to_draft_and_replaced_or_voided_is_for_good(
    events: list[ClaimEvent],
) -> None:
    state = ClaimState.DRAFT
    for event in events:
        if event not in CLAIM_TRANSITIONS[state]:
            continue
        before, state = state, next_claim_state(state, event)
        assert state is not ClaimState.DRAFT
        if before in (ClaimState.REPLACED, ClaimState.VOIDED):
            assert state is before
        if before is ClaimState.REJECTED:  # a rejected claim never reached adjudication
            assert state in (ClaimState.ACCEPTED, ClaimState.REJECTED)
