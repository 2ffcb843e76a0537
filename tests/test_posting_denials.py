"""Denials: a policy holds contested amounts open for appeal, a later payment closes it."""

from __future__ import annotations

import datetime
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.balances import line_balances
from billing_core.claims import Claim
from billing_core.codes import CodeSetEntry, GroupCode, StaticCodeSet
from billing_core.deadlines import FilingAnchor, FilingRule, us_federal_holidays
from billing_core.errors import BillingError, ValidationError
from billing_core.ledger import AppealHold, Bucket, Entry, Reversal, validate_history
from billing_core.lifecycle import ClaimState, claim_status
from billing_core.posting import (
    DEFAULT_DENIAL_POLICY,
    DEFAULT_HELD_REASONS,
    DenialAction,
    DenialPolicy,
    FollowUpKind,
    PostingPlan,
    apply_posting,
    check_denial_policy,
    plan_posting,
)
from billing_core.remittance import CasAdjustment, ClaimPayment, Remittance, ServicePayment
from posting_kit import DAY, cas, charges, claim, clp, item, post, remit, summary, svc, usd

D = datetime.date


def test_the_default_policy_holds_the_documented_reasons() -> None:
    assert frozenset({"15", "16", "29", "50", "197"}) == DEFAULT_HELD_REASONS
    for code in ("15", "16", "29", "50", "197"):
        assert DEFAULT_DENIAL_POLICY.action(code) is DenialAction.HOLD
    assert DEFAULT_DENIAL_POLICY.action("45") is DenialAction.ADJUST
    assert DEFAULT_DENIAL_POLICY.action("96") is DenialAction.ADJUST  # not named: otherwise
    # 120 days from Friday 2 Aug 2024 is Saturday 30 Nov: rolled to Monday 2 Dec
    assert DEFAULT_DENIAL_POLICY.appeal_deadline(D(2024, 8, 2)) == D(2024, 12, 2)


def test_a_policy_naming_unknown_codes_is_refused_naming_every_one() -> None:
    with pytest.raises(ValidationError) as raised:
        DenialPolicy(hold={"50", "CO-50", "045"}, adjust={"45", "50", "XYZ9"})
    assert [(f.location, f.rule) for f in raised.value.findings] == [
        ("DenialPolicy.hold", "denial_policy.code"),
        ("DenialPolicy.hold", "denial_policy.code"),
        ("DenialPolicy.adjust", "denial_policy.code"),
        ("DenialPolicy.adjust", "denial_policy.overlap"),
    ]
    assert isinstance(raised.value, BillingError) and isinstance(raised.value, ValueError)
    with pytest.raises(ValidationError, match="an appeal deadline counts from the denial"):
        DenialPolicy(appeal_rule=FilingRule(period_days=90))
    with pytest.raises(TypeError, match="a set of reason codes is expected"):
        DenialPolicy(hold="50")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="otherwise must be a DenialAction"):
        DenialPolicy(otherwise="hold")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="denials must be a DenialPolicy"):
        plan_posting(remit("0", []), [], [], denials={"50"})  # type: ignore[arg-type]


def test_a_policy_is_checked_against_the_carc_list_in_force() -> None:
    carcs = StaticCodeSet(
        "CARC 2024-07",
        [CodeSetEntry(c, D(2000, 1, 1)) for c in ("15", "16", "29", "45", "50")]
        + [CodeSetEntry("197", D(2000, 1, 1), D(2023, 12, 31))],
    )
    check_denial_policy(DenialPolicy(hold={"50"}), carcs, D(2024, 4, 1))
    with pytest.raises(ValidationError) as raised:
        check_denial_policy(DEFAULT_DENIAL_POLICY, carcs, D(2024, 4, 1))
    assert [str(f) for f in raised.value.findings] == [
        "DenialPolicy.hold: '197' is not in code set 'CARC 2024-07' on 2024-04-01"
    ]


def _denied() -> Remittance:
    return remit(
        "0",
        [
            clp(
                "C1",
                "100",
                "0",
                svc("L1", "100", "0", *cas("CO", ("50", "100"))),
                status="4",
                payer_claim_control_number="P-1",
            )
        ],
    )


def _paid_on_appeal() -> Remittance:
    paid = clp(
        "C1",
        "100",
        "80",
        svc("L1", "100", "80", *cas("CO", ("45", "20"))),
        payer_claim_control_number="P-2",
    )
    return Remittance(
        payer="acme",
        payee="1234567893",
        total_payment=usd("80"),
        payment_method="ACH",
        trace_number="TRN-2",
        paid_date=D(2024, 6, 3),
        claims=[paid],
    )


def test_a_denial_held_for_appeal_then_paid_on_appeal() -> None:
    c = claim("C1", [item("L1", "100")])
    denial = _denied()
    held, history = post(denial, [c], charges(c))
    assert summary(held.entries) == [("AppealHold", None, "100.00", "CO-50 held")]
    (appeal,) = held.follow_ups
    assert (appeal.kind, appeal.amount, appeal.deadline) == (
        FollowUpKind.APPEAL,
        usd("100"),
        D(2024, 7, 30),  # Monday 1 April 2024 + 120 days: Tuesday 30 July
    )
    assert line_balances(history, D(2024, 4, 1))["L1"].open.of(Bucket.PRIMARY) == usd("100")
    # the appeal is won: the payer pays the claim on a later remittance
    paid, history = post(_paid_on_appeal(), [c], history)
    assert summary(paid.entries) == [
        ("PaymentReceived", None, "80.00", ""),
        ("PaymentApplied", "L1", "80.00", "primary"),
        ("Adjustment", "L1", "20.00", "CO-45"),
        ("Reversal", None, "-100.00", "reverses AppealHold"),
    ]
    (closed,) = paid.follow_ups
    assert (closed.kind, closed.claim_id, closed.entry_id) == (
        FollowUpKind.APPEAL_CLOSED,
        "C1",
        held.entries[0].id,
    )
    assert line_balances(history, D(2024, 6, 3))["L1"].balance == usd("0")
    timeline = claim_status(c, history, [denial, _paid_on_appeal()])
    assert [(str(s.event), str(s.state), s.since) for s in timeline.steps] == [
        ("submitted", "submitted", DAY),
        ("denied", "denied", D(2024, 4, 1)),
        ("appeal held", "appealed", D(2024, 4, 1)),
        ("paid", "paid", D(2024, 6, 3)),
        ("appeal closed", "paid", D(2024, 6, 3)),
        ("settled", "closed", D(2024, 6, 3)),
    ]
    assert timeline.state is ClaimState.CLOSED


def test_a_reversal_of_a_held_denial_has_nothing_to_undo_and_the_correction_closes_it() -> None:
    c = claim("C1", [item("L1", "100")])
    denial = _denied()
    _, history = post(denial, [c], charges(c))
    fix = _paid_on_appeal()
    fix = Remittance(
        payer=fix.payer,
        payee=fix.payee,
        total_payment=fix.total_payment,
        payment_method=fix.payment_method,
        trace_number=fix.trace_number,
        paid_date=fix.paid_date,
        claims=[denial.claims[0].as_reversal(), *fix.claims],
    )
    plan, history = post(fix, [c], history)
    assert [type(e).__name__ for e in plan.entries] == [
        "PaymentReceived",
        "PaymentApplied",
        "Adjustment",
        "Reversal",
    ]
    assert [f.kind for f in plan.follow_ups] == [FollowUpKind.APPEAL_CLOSED]


class HeldThenUpheld(NamedTuple):
    """A paid claim with a denied line held for appeal, then the denial upheld (held anew)."""

    claim: Claim
    remittance: Remittance
    held: PostingPlan
    after_held: list[Entry]
    upheld: PostingPlan
    after_upheld: list[Entry]


def held_then_upheld() -> HeldThenUpheld:
    c = claim("C1", [item("L1", "100"), item("L2", "60")])
    r = remit(
        "70",
        [
            clp(
                "C1",
                "160",
                "70",
                svc("L1", "100", "70", *cas("CO", ("45", "30"))),
                svc("L2", "60", "0", *cas("CO", ("197", "60"))),
            )
        ],
    )
    plan, history = post(r, [c], charges(c))
    upheld = remit(
        "0",
        [clp("C1", "60", "0", svc("L2", "60", "0", *cas("CO", ("197", "60"))), status="4")],
        trace="TRN-3",
    )
    again, after = post(upheld, [c], history)
    return HeldThenUpheld(c, r, plan, history, again, after)


def test_a_denied_line_of_a_paid_claim_is_held_and_an_upheld_denial_is_held_anew() -> None:
    c, r, plan, history, again, after = held_then_upheld()
    assert summary(plan.entries)[-1] == ("AppealHold", None, "60.00", "CO-197 held")
    assert [f.kind for f in plan.follow_ups] == [FollowUpKind.APPEAL]
    assert claim_status(c, history, [r]).state is ClaimState.APPEALED
    # the payer upholds its denial: the old hold is closed, a new one opened, a new deadline
    assert summary(again.entries) == [
        ("Reversal", None, "-60.00", "reverses AppealHold"),
        ("AppealHold", None, "60.00", "CO-197 held"),
    ]
    holds = [e for e in after if isinstance(e, AppealHold)]
    undone = {e.reverses for e in after if isinstance(e, Reversal)}
    assert [h.id for h in holds if h.id not in undone] == [again.entries[1].id]
    assert [f.kind for f in again.follow_ups] == [FollowUpKind.APPEAL]


def test_a_policy_with_its_own_rule_and_holidays() -> None:
    rule = FilingRule(period_days=180, anchor=FilingAnchor.DENIED, name="commercial")
    policy = DenialPolicy(hold={"50"}, appeal_rule=rule, holidays=us_federal_holidays(2024))
    # 180 days from 1 April 2024: Saturday 28 September, rolled to Monday 30 September
    plan, _ = post(
        _denied(),
        [claim("C1", [item("L1", "100")])],
        charges(claim("C1", [item("L1", "100")])),
        denials=policy,
    )
    assert plan.follow_ups[0].deadline == D(2024, 9, 30)


@st.composite
def denials(draw: st.DrawFn) -> tuple[Remittance, list, list]:  # type: ignore[type-arg]
    """Claims denied outright, each line's charge split over CO reasons held or not."""
    claims, payments = [], []
    for n in range(draw(st.integers(1, 3))):
        items, lines = [], []
        for m in range(draw(st.integers(1, 3))):
            charge = draw(st.integers(1, 50_000))
            first = draw(st.integers(0, charge))
            codes = draw(
                st.lists(st.sampled_from(["50", "197", "16", "45", "96"]), min_size=2, max_size=2)
            )
            adjs = [
                CasAdjustment(
                    group=GroupCode.CO, reason=codes[0], amount=usd("0").from_minor(first, "USD")
                ),
                CasAdjustment(
                    group=GroupCode.CO,
                    reason=codes[1],
                    amount=usd("0").from_minor(charge - first, "USD"),
                ),
            ]
            items.append(item(f"L{n}-{m}", str(usd("0").from_minor(charge, "USD").amount)))
            lines.append(
                ServicePayment(
                    line_control_number=f"L{n}-{m}",
                    charge=items[-1].charge,
                    paid=usd("0"),
                    adjustments=[a for a in adjs if a.amount.minor],
                )
            )
        c = claim(f"C{n}", items, account=f"A{n}")
        claims.append(c)
        payments.append(
            ClaimPayment(
                patient_control_number=c.id,
                status="4",
                charge=c.total_charge,
                paid=usd("0"),
                lines=lines,
            )
        )
    return remit("0", payments), claims, charges(*claims)


@settings(max_examples=60, deadline=None)
@given(denials())
def test_held_denials_stay_open_in_the_payer_bucket_to_the_cent(case: tuple) -> None:  # type: ignore[type-arg]
    r, claims, history = case
    plan = plan_posting(r, claims, history)
    assert not plan.refused, plan.explain()
    after = [*history, *apply_posting(plan, history)]
    assert validate_history(after) == ()
    lb = line_balances(after, r.paid_date)
    held_codes = {"50", "197", "16"}
    for cp in r.claims:
        for sp in cp.lines:
            held = sum(a.amount.minor for a in sp.adjustments if a.reason.code in held_codes)
            line = lb[sp.line_control_number or ""]
            assert line.open.of(Bucket.PRIMARY).minor == held
            assert line.adjusted.minor == sp.charge.minor - held
        hold_total = sum(
            e.amount.minor
            for e in plan.entries
            if isinstance(e, AppealHold) and e.claim_id == cp.patient_control_number
        )
        assert hold_total == sum(
            a.amount.minor for sp in cp.lines for a in sp.adjustments if a.reason.code in held_codes
        )
    assert plan.reconciliation().ok
