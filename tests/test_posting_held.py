"""Posting real remittances: unmatched money held, applied later or refunded; PLB stored."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.balances import credits, line_balances
from billing_core.codes import ProcedureCode
from billing_core.errors import ValidationError
from billing_core.ledger import (
    Bucket,
    CashHeld,
    CreditTransfer,
    Entry,
    Party,
    PaymentReceived,
    ProviderPayment,
    ProviderWithholding,
    Refund,
    Source,
    validate_history,
)
from billing_core.money import Money
from billing_core.parties import Coverage, CoverageSequence
from billing_core.posting import (
    FollowUpKind,
    UnmatchedPolicy,
    apply_posting,
    apply_unapplied,
    plan_posting,
    reconcile_deposit,
    reconcile_remittance,
    remittance_account,
    unapplied_cash,
)
from billing_core.remittance import ProviderAdjustment, Remittance
from billing_core.testing.strategies.remittance import PostingScenario, posting_scenarios
from billing_core.x12 import read_835
from posting_kit import (
    BETA,
    PAID_ON,
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

ACCOUNT = "remittance:acme:TRN-1"
ACME = Party.payer("acme")


def three_claims_one_unknown() -> tuple[list[Entry], Remittance, list]:  # type: ignore[type-arg]
    """C1 and C3 are ours; ZZZ is not. BPR02 = 70 + 40 + 150 = 260."""
    c1 = claim("C1", [item("L1", "100")])
    c3 = claim("C3", [item("L3", "200")], account="A3")
    r = remit(
        "260",
        [
            clp("C1", "100", "70", svc("L1", "100", "70", *cas("CO", ("45", "30")))),
            clp("ZZZ", "50", "40", adjustments=cas("CO", ("45", "10"))),
            clp("C3", "200", "150", svc("L3", "200", "150", *cas("PR", ("2", "50")))),
        ],
    )
    return charges(c1, c3), r, [c1, c3]


def test_one_unknown_claim_is_held_and_the_other_two_post() -> None:
    history, r, claims = three_claims_one_unknown()
    plan, after = post(r, claims, history)
    assert summary(plan.entries) == [
        ("PaymentReceived", None, "70.00", ""),
        ("PaymentApplied", "L1", "70.00", "primary"),
        ("Adjustment", "L1", "30.00", "CO-45"),
        ("PaymentReceived", None, "150.00", ""),
        ("PaymentApplied", "L3", "150.00", "primary"),
        ("Adjustment", "L3", "50.00", "PR-2->patient"),
        ("CashHeld", None, "40.00", "ZZZ"),
    ]
    (held,) = [e for e in plan.entries if isinstance(e, CashHeld)]
    assert held.account_id == ACCOUNT == remittance_account("acme", "TRN-1")
    assert held.party == ACME and held.service_line is None
    assert [(f.rule, f.location) for f in plan.findings] == [("posting.held", "claim 2 (ZZZ)")]
    (follow,) = plan.follow_ups
    assert (follow.kind, follow.claim_id, follow.amount, follow.entry_id) == (
        FollowUpKind.UNMATCHED,
        "ZZZ",
        usd("40"),
        held.id,
    )
    check = plan.reconciliation()
    assert [(label, str(m.amount)) for label, m in check.terms] == [
        ("applied on account A1", "70.00"),
        ("applied on account A3", "150.00"),
        ("held unapplied: claim ZZZ", "40.00"),
    ]
    assert check.ok and check.right == usd("260")
    lb = line_balances(after, PAID_ON)
    assert lb["L1"].balance == usd("0") and lb["L3"].open.of(Bucket.PATIENT) == usd("50")
    assert credits([e for e in after if e.account_id == ACCOUNT], PAID_ON)[ACME].available == usd(
        "40"
    )
    (row,) = unapplied_cash(after, PAID_ON)
    assert (row.payer, row.remittance_id, row.trace_number, row.account_id) == (
        ACME,
        "TRN-1",
        "TRN-1",
        ACCOUNT,
    )
    assert (row.held, row.applied, row.refunded, row.available) == (
        usd("40"),
        usd("0"),
        usd("0"),
        usd("40"),
    )
    ledger = reconcile_remittance(r, after)
    assert ledger.ok
    assert [(label, str(m.amount)) for label, m in ledger.terms] == [
        ("received for claims on account A1", "70.00"),
        ("received for claims on account A3", "150.00"),
        ("held, still unapplied", "40.00"),
    ]


def test_refuse_keeps_the_old_all_or_nothing_behaviour() -> None:
    history, r, claims = three_claims_one_unknown()
    plan = plan_posting(r, claims, history, unmatched=UnmatchedPolicy.REFUSE)
    assert plan.refused and plan.entries == ()
    assert [(f.rule, f.location) for f in plan.errors] == [
        ("posting.unmatched_claim", "claim 2 (ZZZ)")
    ]
    with pytest.raises(TypeError, match="unmatched must be an UnmatchedPolicy"):
        plan_posting(r, claims, history, unmatched="hold")  # type: ignore[arg-type]


def test_an_unmatched_service_line_is_held_with_its_payment_only() -> None:
    # L2 of the payer's answer names a line we do not have (and no procedure fallback):
    # L1 posts, the claim-level CO-253 5.00 comes out of L1's payment, L9's SVC03 is held.
    c = claim("C1", [item("L1", "100")])
    r = remit(
        "125",
        [
            clp(
                "C1",
                "160",
                "125",
                svc("L1", "100", "90", *cas("CO", ("45", "10"))),
                svc(
                    "L9",
                    "60",
                    "40",
                    *cas("PR", ("2", "20")),
                    procedure=ProcedureCode("CPT", "36415"),
                ),
                adjustments=cas("CO", ("253", "5")),
            )
        ],
    )
    plan, after = post(r, [c], charges(c))
    assert summary(plan.entries) == [
        ("PaymentReceived", None, "85.00", ""),
        ("PaymentApplied", "L1", "85.00", "primary"),
        ("Adjustment", "L1", "10.00", "CO-45"),
        ("Adjustment", "L1", "5.00", "CO-253"),
        ("CashHeld", None, "40.00", "C1 line 2"),
    ]
    (follow,) = plan.follow_ups
    assert follow.kind is FollowUpKind.UNMATCHED and follow.claim_id == "C1"
    assert follow.location == "claim 1 (C1) line 2 (L9)" and follow.reasons == ("PR-2",)
    assert plan.reconciliation().ok
    assert line_balances(after, PAID_ON)["L1"].balance == usd("0")


def test_money_that_cannot_be_held_is_still_refused() -> None:
    c = claim("C1", [item("L1", "100")])
    # a reversal of a claim we do not have: negative money holds nothing
    taken = remit(
        "-40", [clp("ZZZ", "50", "40", adjustments=cas("CO", ("45", "10"))).as_reversal()]
    )
    plan = plan_posting(taken, [c], charges(c))
    assert [f.rule for f in plan.errors] == ["posting.unmatched_negative"]
    # an unknown claim paid nothing: nothing held, still followed up
    zero = remit("0", [clp("ZZZ", "50", "0", status="4", adjustments=cas("CO", ("29", "50")))])
    plan = plan_posting(zero, [c], charges(c))
    assert not plan.refused and plan.entries == ()
    assert [(f.kind, f.amount, f.entry_id) for f in plan.follow_ups] == [
        (FollowUpKind.UNMATCHED, usd("50"), None)
    ]


def interest_and_recoupment() -> tuple[list[Entry], Remittance, list]:  # type: ignore[type-arg]
    """C0 was paid 100 under payer claim number PCN-OLD; now the payer pays C1 100, adds
    2.50 interest on C1 and takes 30.00 back for PCN-OLD. BPR02 = 100 + 2.50 - 30 = 72.50."""
    c0 = claim("C0", [item("L0", "100")], account="A0")
    c1 = claim("C1", [item("L1", "100")])
    first = remit(
        "100",
        [clp("C0", "100", "100", svc("L0", "100", "100"), payer_claim_control_number="PCN-OLD")],
        trace="TRN-0",
    )
    _, history = post(first, [c0], charges(c0, c1))
    r = remit(
        "72.50",
        [clp("C1", "100", "100", svc("L1", "100", "100"), payer_claim_control_number="PCN-1")],
        [
            ProviderAdjustment(reason="L6", reference="C1", amount=usd("-2.50")),
            ProviderAdjustment(reason="WO", reference="PCN-OLD", amount=usd("30")),
        ],
    )
    return history, r, [c0, c1]


def test_interest_and_a_recoupment_are_stored_and_linked_to_their_claims() -> None:
    history, r, claims = interest_and_recoupment()
    plan, after = post(r, claims, history)
    assert summary(plan.entries) == [
        ("PaymentReceived", None, "100.00", ""),
        ("PaymentApplied", "L1", "100.00", "primary"),
        ("ProviderPayment", None, "2.50", "L6 C1 -> C1"),
        ("ProviderWithholding", None, "30.00", "WO PCN-OLD -> C0"),
    ]
    assert {e.account_id for e in plan.entries[2:]} == {ACCOUNT}
    (follow,) = plan.follow_ups
    assert (follow.kind, follow.claim_id, follow.amount) == (
        FollowUpKind.RECOUPMENT,
        "C0",
        usd("30"),
    )
    assert [(p.kind.value, p.amount, p.claim_id) for p in plan.provider_entries] == [
        ("interest", usd("-2.50"), "C1"),
        ("recoupment", usd("30"), "C0"),
    ]
    check = reconcile_remittance(r, after)
    assert check.ok and [(label, str(m.amount)) for label, m in check.terms] == [
        ("received for claims on account A1", "100.00"),
        ("provider PLB L6 C1", "2.50"),
        ("provider PLB WO PCN-OLD", "-30.00"),
    ]
    # the deposit of TRN-1 is this remittance alone
    assert reconcile_deposit([r], after).right == usd("72.50")


def test_a_recoupment_linked_through_an_earlier_remittance() -> None:
    # The history does not hold C0's posting (its account was not read), but the
    # remittance that paid it is given: its payer claim number names C0.
    _, r, claims = interest_and_recoupment()
    old = remit(
        "100",
        [clp("C0", "100", "100", svc("L0", "100", "100"), payer_claim_control_number="PCN-OLD")],
        trace="TRN-0",
    )
    history = charges(claims[1])
    plan = plan_posting(r, claims, history, earlier=[old])
    (recoup,) = [e for e in plan.entries if isinstance(e, ProviderWithholding)]
    assert recoup.claim_id == "C0"


@pytest.mark.parametrize(
    "reference",
    ["FCN 2024-77", "", "C1 C0"],  # a refund letter's number; nothing; two claims of ours
)
def test_a_recoupment_naming_no_one_claim_of_ours_is_held_not_guessed(reference: str) -> None:
    history, r, claims = interest_and_recoupment()
    plbs = [ProviderAdjustment(reason="WO", reference=reference, amount=usd("30"))]
    r = attrs.evolve(r, provider_adjustments=plbs, total_payment=usd("70"))
    plan, _ = post(r, claims, history)
    (recoup,) = [e for e in plan.entries if isinstance(e, ProviderWithholding)]
    assert recoup.claim_id is None and recoup.reference == reference
    (follow,) = plan.follow_ups
    assert follow.kind is FollowUpKind.UNLINKED_RECOUPMENT
    assert follow.claim_id == (reference or "(no reference)")
    assert [f.rule for f in plan.findings] == ["posting.recoupment_unlinked"]


def test_forwarding_balances_both_ways_and_an_accepted_imbalance() -> None:
    c = claim("C1", [item("L1", "100")])
    plbs = [
        ProviderAdjustment(reason="FB", reference="NEXT", amount=usd("-5")),  # carried forward
        ProviderAdjustment(reason="FB", reference="PREV", amount=usd("12")),  # recovered now
    ]
    # 100 - (-5) - 12 = 93; the payer sent 90: accepted, the 3.00 is on the remittance account
    r = remit("90", [clp("C1", "100", "100", svc("L1", "100", "100"))], plbs)
    plan, after = post(r, [c], charges(c), accept_unbalanced=True)
    assert summary(plan.entries)[2:] == [
        ("ProviderPayment", None, "5.00", "FB NEXT"),
        ("ProviderWithholding", None, "12.00", "FB PREV"),
        ("ProviderWithholding", None, "3.00", "None accepted imbalance"),
    ]
    assert [p.kind.value for p in plan.provider_entries] == [
        "forwarding_balance",
        "forwarding_balance",
        "unreconciled",
    ]
    assert reconcile_remittance(r, after).ok


def _posted_with_one_held() -> tuple[list[Entry], Remittance, CashHeld]:
    history, r, claims = three_claims_one_unknown()
    # Our claim CLM-Z is the one the payer called ZZZ: one line of 50.00.
    history = [*history, *charges(claim("CLM-Z", [item("LZ", "50")], account="A2"))]
    plan, after = post(r, claims, history)
    (held,) = [e for e in plan.entries if isinstance(e, CashHeld)]
    return after, r, held


def test_held_cash_is_applied_later_as_if_it_had_matched() -> None:
    after, r, held = _posted_with_one_held()
    z = claim("CLM-Z", [item("LZ", "50")], account="A2")
    plan = apply_unapplied(held, r, z, after, effective=PAID_ON)
    assert not plan.refused, plan.explain()
    assert summary(plan.entries) == [
        ("PaymentReceived", None, "40.00", ""),
        ("PaymentApplied", "LZ", "40.00", "primary"),
        ("Adjustment", "LZ", "10.00", "CO-45"),
        ("CreditTransfer", None, "40.00", "-> A2"),
    ]
    moved = plan.entries[-1]
    assert isinstance(moved, CreditTransfer)
    assert (moved.account_id, moved.party, moved.held) == (ACCOUNT, ACME, held.id)
    assert plan.reconciliation().ok and plan.total_payment == usd("0")
    done = [*after, *apply_posting(plan, after)]
    assert validate_history(done) == ()
    assert line_balances(done, PAID_ON)["LZ"].balance == usd("0")
    (row,) = unapplied_cash(done, PAID_ON)
    assert (row.applied, row.available) == (usd("40"), usd("0"))
    check = reconcile_remittance(r, done)
    assert check.ok and [(label, str(m.amount)) for label, m in check.terms] == [
        ("received for claims on account A1", "70.00"),
        ("received for claims on account A3", "150.00"),
        ("held, still unapplied", "0.00"),
        ("held, applied on account A2", "40.00"),
    ]
    # the same application again is already posted; to another claim, applied already
    again = apply_unapplied(held, r, z, done, effective=PAID_ON)
    assert [f.rule for f in again.errors] == ["posting.already_posted"]
    other = claim("CLM-Y", [item("LY", "50")], account="A2")
    twice = apply_unapplied(held, r, other, done, effective=PAID_ON)
    assert [f.rule for f in twice.errors] == ["posting.held_applied"]
    assert twice.entries == ()


def test_applying_held_cash_wrongly_is_refused_with_every_reason() -> None:
    after, r, held = _posted_with_one_held()
    beta = Coverage(id="CB", payer=BETA, member_id="M9", sequence=CoverageSequence.PRIMARY)
    elsewhere = claim("CLM-Z", [item("LZ", "50")], account="A2", coverage=beta)
    plan = apply_unapplied(held, r, elsewhere, after, effective=PAID_ON)
    assert [f.rule for f in plan.errors] == ["posting.held_other_payer"]
    with pytest.raises(ValidationError, match="is money of payer:acme"):
        apply_posting(plan, after)
    z = claim("CLM-Z", [item("LZ", "50")], account="A2")
    early = apply_unapplied(held, r, z, after, effective=PAID_ON.replace(day=1, month=3))
    assert [f.rule for f in early.errors] == ["posting.held_date"]
    forged = attrs.evolve(held, amount=usd("45"))
    assert [f.rule for f in apply_unapplied(forged, r, z, after, effective=PAID_ON).errors] == [
        "posting.held_unknown"
    ]
    # 15.00 of it was refunded to the payer: 40.00 is no longer held
    refund = Refund(
        id="RF-1",
        account_id=ACCOUNT,
        effective=PAID_ON,
        amount=usd("15"),
        party=ACME,
        source=Source(payment_id="TRN-1"),
    )
    short = apply_unapplied(held, r, z, [*after, refund], effective=PAID_ON)
    assert [f.rule for f in short.errors] == ["posting.held_exceeded"]
    assert "only 25.00 USD of payer:acme's held cash is left" in short.errors[0].message
    (row,) = unapplied_cash([*after, refund], PAID_ON)
    assert (row.refunded, row.available) == (usd("15"), usd("25"))
    assert reconcile_remittance(r, [*after, refund]).ok  # refunded money was received too


def _with_unknowns(draw: st.DrawFn, s: PostingScenario) -> Remittance:
    """The scenario's remittance with some claims not ours and some lines not matching."""
    claims = []
    for cp in s.remittance.claims:
        choice = draw(st.sampled_from(["ours", "ours", "unknown", "line"]))
        if choice == "unknown":
            cp = attrs.evolve(cp, patient_control_number=f"NOT-{cp.patient_control_number}")
        elif choice == "line" and len(cp.lines) > 1 and not cp.adjustments:
            n = draw(st.integers(0, len(cp.lines) - 1))
            stranger = attrs.evolve(
                cp.lines[n], line_control_number="NO-SUCH", procedure=ProcedureCode("CPT", "10021")
            )
            cp = attrs.evolve(cp, lines=[*cp.lines[:n], stranger, *cp.lines[n + 1 :]])
        claims.append(cp)
    return attrs.evolve(s.remittance, claims=claims)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_applied_held_and_provider_money_always_add_up_to_the_payment(data: st.DataObject) -> None:
    s = data.draw(posting_scenarios(max_claims=4, max_lines=3))
    r = _with_unknowns(data.draw, s)
    plan = plan_posting(r, s.claims, s.history)
    assert not plan.refused, plan.explain()
    after = [*s.history, *apply_posting(plan, s.history)]
    assert validate_history(after) == ()
    # what each place must hold, from the remittance alone
    ours = {c.id for c in s.claims}
    held_claims = sum(cp.paid.minor for cp in r.claims if cp.patient_control_number not in ours)
    held_lines = sum(
        sp.paid.minor
        for cp in r.claims
        if cp.patient_control_number in ours
        for sp in cp.lines
        if sp.line_control_number == "NO-SUCH"
    )
    held = held_claims + held_lines
    cash = sum(cp.paid.minor for cp in r.claims if cp.patient_control_number in ours) - held_lines
    provider = -sum(p.amount.minor for p in r.provider_adjustments)
    account = remittance_account(r.payer, r.trace_number)
    got_held = sum(e.amount.minor for e in after if isinstance(e, CashHeld))
    got_cash = sum(
        e.amount.minor if isinstance(e, PaymentReceived) else -e.amount.minor
        for e in after
        if isinstance(e, PaymentReceived | Refund) and e.account_id != account
    )
    got_provider = sum(
        e.amount.minor if isinstance(e, ProviderPayment) else -e.amount.minor
        for e in after
        if isinstance(e, ProviderPayment | ProviderWithholding)
    )
    assert (got_cash, got_held, got_provider) == (cash, held, provider)
    assert cash + held + provider == r.total_payment.minor  # = BPR02, every cent
    assert reconcile_remittance(r, after).ok
    assert plan.reconciliation().ok


@pytest.mark.parametrize(
    ("name", "held", "provider", "total"),
    [
        # facts from ../shared/corpus/README.md: sum(CLP04), -sum(PLB), BPR02
        ("stupidedi__dollars-and-data-sent-together.835", "149998.73", "1.27", "150000.00"),
        ("stupidedi__multiple-claims-single-check.835", "810.80", "0", "810.80"),
        ("edi835parser__emedny_sample.835", "45.75", "0", "45.75"),  # one claim denied: 0
        ("pyx12__835_mult_loops.835", "0", "0", "0"),  # denied at zero: nothing to hold
    ],
)
def test_a_real_remittance_of_no_claim_of_ours_is_held_whole(
    corpus_dir: Path, name: str, held: str, provider: str, total: str
) -> None:
    (r,) = read_835(corpus_dir / "835" / name)
    plan = plan_posting(r, [], [])
    assert not plan.refused, plan.explain()
    after = list(apply_posting(plan, []))
    assert validate_history(after) == ()
    got_held = sum(e.amount.minor for e in after if isinstance(e, CashHeld))
    got_provider = sum(
        e.amount.minor if isinstance(e, ProviderPayment) else -e.amount.minor
        for e in after
        if isinstance(e, ProviderPayment | ProviderWithholding)
    )
    cur = r.currency
    assert (got_held, got_provider) == (Money(held, cur).minor, Money(provider, cur).minor)
    assert r.total_payment == Money(total, cur)
    assert {e.account_id for e in after} <= {remittance_account(r.payer, r.trace_number)}
    assert reconcile_remittance(r, after).ok
    assert {f.kind for f in plan.follow_ups} == {FollowUpKind.UNMATCHED}


def test_one_account_number_for_several_unknown_claims_holds_each_apart() -> None:
    # Dental payers often send the patient's account number as CLP01 for every claim.
    c = claim("C1", [item("L1", "100")])
    z = claim("CLM-Z", [item("LZ", "60")], account="A2")
    r = remit(
        "100",
        [
            clp("ACCT-1", "40", "40", payer_claim_control_number="P-A"),
            clp("ACCT-1", "60", "60", payer_claim_control_number="P-B"),
        ],
    )
    plan, after = post(r, [c], charges(c, z))
    assert summary(plan.entries) == [
        ("CashHeld", None, "40.00", "ACCT-1"),
        ("CashHeld", None, "60.00", "ACCT-1"),
    ]
    second = plan.entries[1]
    assert isinstance(second, CashHeld)
    applied = apply_unapplied(second, r, z, after, effective=PAID_ON)
    assert summary(applied.entries)[:2] == [
        ("PaymentReceived", None, "60.00", ""),
        ("PaymentApplied", "LZ", "60.00", "primary"),
    ]
    # a claim of ours answered twice is still refused
    twice = remit("200", [clp("C1", "100", "100", svc("L1", "100", "100"))] * 2)
    assert "posting.duplicate_claim" in {
        f.rule for f in plan_posting(twice, [c], charges(c)).errors
    }


def test_applying_held_cash_on_a_datetime_is_refused_naming_the_field() -> None:
    after, r, held = _posted_with_one_held()
    z = claim("CLM-Z", [item("LZ", "50")], account="A2")
    at = dt.datetime(PAID_ON.year, PAID_ON.month, PAID_ON.day, 9, 30)
    with pytest.raises(TypeError, match=r"^effective must be a datetime\.date, got datetime"):
        apply_unapplied(held, r, z, after, effective=at)
