"""Posting: reversals (status 22) and corrections."""

from __future__ import annotations

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.balances import credits, line_balances
from billing_core.claims import Claim
from billing_core.ledger import (
    Bucket,
    Entry,
    Party,
    PaymentApplied,
    PaymentReceived,
    Refund,
    validate_history,
)
from billing_core.parties import CoverageSequence
from billing_core.posting import apply_posting, plan_posting
from billing_core.remittance import ClaimPayment
from billing_core.testing.strategies.remittance import PostingScenario, posting_scenarios
from posting_kit import (
    PAID_ON,
    SECONDARY,
    cas,
    charges,
    claim,
    clp,
    item,
    post,
    remit,
    summary,
    svc,
    usd,
)


def original_and_history() -> tuple[Claim, ClaimPayment, list[Entry]]:
    c = claim("A-1", [item("L1", "100")])
    original = clp(
        "A-1",
        "100",
        "70",
        svc("L1", "100", "70", *cas("CO", ("45", "20")), *cas("PR", ("2", "10"))),
        payer_claim_control_number="P-1",
    )
    _, after = post(remit("70", [original], trace="T-ORIG"), [c], charges(c))
    return c, original, after


def test_reversal_and_correction() -> None:
    c, original, history = original_and_history()
    correction = clp(
        "A-1",
        "100",
        "75",
        svc("L1", "100", "75", *cas("CO", ("45", "15")), *cas("PR", ("2", "10"))),
        payer_claim_control_number="P-2",
    )
    # -70 + 75 = 5 sent with the pair
    r = remit("5", [original.as_reversal(), correction], trace="T-FIX")
    plan, after = post(r, [c], history)
    kinds = summary(plan.entries)
    assert kinds[0] == ("PaymentReceived", None, "5.00", "")
    assert kinds[1:4] == [
        ("Reversal", "L1", "-70.00", "reverses PaymentApplied"),
        ("Reversal", "L1", "-20.00", "reverses Adjustment"),
        ("Reversal", "L1", "-10.00", "reverses Adjustment"),
    ]
    lb = line_balances(after, PAID_ON)["L1"]
    assert lb.paid == usd("75") and lb.adjusted == usd("15")
    assert lb.open.of(Bucket.PATIENT) == usd("10") and lb.balance == usd("10")


def test_reversal_alone_is_recouped() -> None:
    c, original, history = original_and_history()
    plan, after = post(remit("-70", [original.as_reversal()], trace="T-REV"), [c], history)
    assert isinstance(plan.entries[0], Refund) and plan.entries[0].amount == usd("70")
    lb = line_balances(after, PAID_ON)["L1"]
    assert lb.open.of(Bucket.PRIMARY) == usd("100") and lb.paid == usd("0")
    assert credits(after, PAID_ON)[Party.payer("acme")].available == usd("0")


def test_two_payers_on_one_account_recoup_and_pay_separately() -> None:
    # acme's 70 is recouped (a Refund of acme's money) while beta pays 50 on the same
    # account in the same remittance (-70 + 50 = -20): never one net entry of -20.
    c1, original, history = original_and_history()
    beta_primary = attrs.evolve(SECONDARY, id="COV3", sequence=CoverageSequence.PRIMARY)
    c2 = claim("C2", [item("L2", "100")], coverage=beta_primary)
    history = [*history, *charges(c2)]
    r = remit(
        "-20",
        [
            original.as_reversal(),
            clp("C2", "100", "50", svc("L2", "100", "50", *cas("CO", ("45", "50")))),
        ],
        trace="T-MIX",
    )
    plan, after = post(r, [c1, c2], history)
    cash = [
        (type(e).__name__, e.party, e.amount)
        for e in plan.entries
        if isinstance(e, PaymentReceived | Refund)
    ]
    assert cash == [
        ("Refund", Party.payer("acme"), usd("70")),
        ("PaymentReceived", Party.payer("beta"), usd("50")),
    ]
    available = {party: c.available for party, c in credits(after, PAID_ON).items()}
    assert available == {Party.payer("acme"): usd("0"), Party.payer("beta"): usd("0")}


def test_reversal_without_an_original_is_refused() -> None:
    c = claim("A-1", [item("L1", "100")])
    rev = clp("A-1", "100", "70", svc("L1", "100", "70", *cas("CO", ("45", "30")))).as_reversal()
    plan = plan_posting(remit("-70", [rev]), [c], charges(c))
    assert plan.refused and plan.entries == ()
    assert [f.rule for f in plan.errors] == ["posting.reversal_unpaired"]


def test_reversal_that_does_not_match_the_original_is_refused() -> None:
    c, original, history = original_and_history()
    wrong = attrs.evolve(
        original,
        paid=usd("60"),
        lines=[svc("L1", "100", "60", *cas("CO", ("45", "30")), *cas("PR", ("2", "10")))],
    ).as_reversal()
    plan = plan_posting(remit("-60", [wrong]), [c], history)
    assert [f.rule for f in plan.errors] == ["posting.reversal_mismatch"]


@settings(max_examples=40)
@given(posting_scenarios(), st.data())
def test_reversal_then_repost_equals_a_single_post(s: PostingScenario, data: st.DataObject) -> None:
    first = plan_posting(s.remittance, s.claims, s.history)
    assert not first.refused, first.explain()
    once = [*s.history, *apply_posting(first, s.history)]
    # the payer reverses some claims and pays them again, unchanged
    picked = data.draw(
        st.lists(st.sampled_from(s.remittance.claims), min_size=1, unique_by=id), label="redo"
    )
    pairs = [x for cp in picked for x in (cp.as_reversal(), cp)]
    redo = remit("0", pairs, trace="REDO")
    second = plan_posting(redo, s.claims, once)
    assert not second.refused, second.explain()
    twice = [*once, *apply_posting(second, once)]
    assert validate_history(twice) == ()
    assert line_balances(twice, PAID_ON) == line_balances(once, PAID_ON)
    for account in {c.account_id for c in s.claims}:
        mine_once = [e for e in once if e.account_id == account]
        mine_twice = [e for e in twice if e.account_id == account]
        assert credits(mine_twice, PAID_ON) == credits(mine_once, PAID_ON)


def test_reversal_after_the_moved_amount_was_paid_is_refused() -> None:
    # The original posting moved PR-2 10.00 to the patient, who has paid it since:
    # reversing would take back 10.00 the patient bucket no longer holds.
    c, original, history = original_and_history()
    patient = Party.patient("P1")
    paid = [
        PaymentReceived(
            id="pp", account_id="A1", effective=PAID_ON, amount=usd("10"), party=patient
        ),
        PaymentApplied(
            id="pa",
            account_id="A1",
            line_id="L1",
            effective=PAID_ON,
            amount=usd("10"),
            party=patient,
            bucket=Bucket.PATIENT,
        ),
    ]
    history = [*history, *paid]
    plan = plan_posting(remit("-70", [original.as_reversal()], trace="T-REV"), [c], history)
    assert plan.refused and plan.entries == ()
    (refusal,) = plan.errors
    assert refusal.rule == "posting.reversal_moved_on"
    assert refusal.location == "claim 1 (A-1)"
    assert refusal.message == (
        "cannot reverse PR-2 on line L1: the patient bucket no longer holds 10.00 USD"
        " (already paid or moved)"
    )


def test_reversal_takes_back_a_moved_amount_still_where_it_went() -> None:
    # The same reversal with the patient's 10.00 still open: each moved amount is
    # taken back from the bucket it went to, exactly once.
    c, original, history = original_and_history()
    plan, after = post(remit("-70", [original.as_reversal()], trace="T-REV"), [c], history)
    lb = line_balances(after, PAID_ON)["L1"]
    assert lb.open.of(Bucket.PATIENT) == usd("0")
    assert lb.open.of(Bucket.PRIMARY) == usd("100")
    assert [a.bucket for a in plan.assumed] == [Bucket.PATIENT]
