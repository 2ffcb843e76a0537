"""Posting: refusal, idempotency and staleness when a plan is applied."""

from __future__ import annotations

import datetime
import hashlib
import pickle

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.balances import credits, line_balances
from billing_core.codes import GroupCode
from billing_core.errors import DuplicateError, StalePlanError, UnbalancedError
from billing_core.ledger import Adjustment, Bucket, Party, validate_history
from billing_core.money import Money
from billing_core.posting import ProviderPostingKind, apply_posting, idempotency_key, plan_posting
from billing_core.remittance import CasAdjustment as Cas
from billing_core.remittance import ProviderAdjustment, Remittance
from billing_core.serialization import from_json, to_json
from billing_core.testing.strategies.remittance import PostingScenario, posting_scenarios
from posting_kit import (
    DAY,
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


def test_unbalanced_remittance_is_refused_with_the_explanation() -> None:
    c = claim("C1", [item("L1", "100")])
    r = remit("90", [clp("C1", "100", "100", svc("L1", "100", "100"))])
    history = charges(c)
    plan = plan_posting(r, [c], history)
    assert plan.refused and plan.entries == ()
    with pytest.raises(UnbalancedError, match=r"BPR02 = sum\(CLP04\) - sum\(PLB\)"):
        apply_posting(plan, charges(c))
    accepted = plan_posting(r, [c], history, accept_unbalanced=True)
    assert not accepted.refused and accepted.accepted_unbalanced
    assert [p.kind for p in accepted.provider_entries] == [ProviderPostingKind.UNRECONCILED]
    assert accepted.reconciliation().ok


def test_posting_twice_is_detected_and_posts_nothing() -> None:
    c = claim("C1", [item("L1", "100")])
    r = remit("100", [clp("C1", "100", "100", svc("L1", "100", "100"))])
    history = charges(c)
    plan, after = post(r, [c], history)
    again = plan_posting(attrs.evolve(r, id="another id"), [c], history)
    assert again.idempotency_key == plan.idempotency_key
    with pytest.raises(DuplicateError, match="already posted"):
        apply_posting(again, after)
    # given the history, the plan itself says so (and posts nothing)
    replanned = plan_posting(r, [c], after)
    assert replanned.refused and replanned.entries == ()
    assert "posting.already_posted" in {f.rule for f in replanned.errors}
    with pytest.raises(DuplicateError):
        apply_posting(replanned, after)


def test_stale_plan() -> None:
    c = claim("C1", [item("L1", "100")])
    r = remit("100", [clp("C1", "100", "100", svc("L1", "100", "100"))])
    history = charges(c)
    plan = plan_posting(r, [c], history)
    moved = Adjustment(
        id="x",
        account_id="A1",
        line_id="L1",
        effective=DAY,
        amount=usd("1"),
        bucket=Bucket.PRIMARY,
        group=GroupCode.CO,
        reason="45",
    )
    with pytest.raises(StalePlanError, match="planned on 100.00 USD, now 99.00 USD"):
        apply_posting(plan, [*history, moved])


def test_idempotency_key_depends_on_content() -> None:
    base = remit("100", [clp("C1", "100", "100", svc("L1", "100", "100"))])
    key = idempotency_key(base)
    variants = [
        attrs.evolve(base, trace_number="TRN-2"),
        attrs.evolve(base, payer="other"),
        attrs.evolve(base, claims=[clp("C2", "100", "100", svc("L1", "100", "100"))]),
        attrs.evolve(
            base,
            claims=[
                clp("C1", "100", "100", svc("L1", "100", "100"), payer_claim_control_number="X")
            ],
        ),
        attrs.evolve(base, total_payment=usd("100.01")),
    ]
    keys = {idempotency_key(v) for v in variants}
    assert key not in keys and len(keys) == len(variants)
    assert idempotency_key(base) == key  # stable


def test_idempotency_key_is_pinned() -> None:
    """The key is stored by every store: a release must not change it for the same remittance."""
    r = remit(
        "92.50",
        [
            clp(
                "C1",
                "100",
                "90",
                svc("L1", "100", "90", *cas("CO", ("45", "10"))),
                payer_claim_control_number="P-1",
            )
        ],
        [ProviderAdjustment(reason="L6", reference="C1", amount=usd("-2.50"))],
    )
    # the canonical content, written out by hand: amounts in minor units, file order
    content = (
        '["billing_core.posting/1","acme","1234567893","TRN-1","2024-04-01","ACH","USD",9250,'
        '[["C1","1",10000,9000,null,"P-1",[],'
        '[["L1","99213",10000,9000,"2024-03-04",[["CO","45",1000]]]]]],'
        '[["L6","C1",-250,""]]]'
    )
    assert idempotency_key(r) == hashlib.sha256(content.encode("ascii")).hexdigest()
    assert idempotency_key(r) == "7ca695016fa5219a47dc146c6a417cbc55b1eceb3c85469edd7f2876d251dc20"


def _one_change_each(r: Remittance) -> list[Remittance]:
    """Remittances that differ from ``r`` in exactly one thing a payer could send differently."""
    cent = Money.from_minor(1, r.currency)
    first = r.claims[0]
    line = first.lines[0]
    extra = Cas(group="CO", reason="45", amount=cent)

    def claim0(**changes: object) -> Remittance:
        return attrs.evolve(r, claims=[attrs.evolve(first, **changes), *r.claims[1:]])

    def line0(**changes: object) -> Remittance:
        return claim0(lines=[attrs.evolve(line, **changes), *first.lines[1:]])

    return [
        attrs.evolve(r, total_payment=r.total_payment + cent),
        attrs.evolve(r, trace_number=r.trace_number + "0"),
        attrs.evolve(r, payer=r.payer + "X"),
        attrs.evolve(r, payee=r.payee + "X"),
        attrs.evolve(r, paid_date=r.paid_date + datetime.timedelta(days=1)),
        attrs.evolve(r, claims=[*r.claims, attrs.evolve(first, patient_control_number="OTHER")]),
        attrs.evolve(
            r,
            provider_adjustments=[
                *r.provider_adjustments,
                ProviderAdjustment(reason="L6", reference="X", amount=-cent),
            ],
        ),
        claim0(paid=first.paid + cent),
        claim0(charge=first.charge + cent),
        claim0(patient_control_number=first.patient_control_number + "X"),
        claim0(payer_claim_control_number=first.payer_claim_control_number + "X"),
        claim0(status="19"),
        claim0(adjustments=[*first.adjustments, extra]),
        line0(paid=line.paid + cent),
        line0(charge=line.charge + cent),
        line0(line_control_number=f"{line.line_control_number}X"),
        line0(adjustments=[*line.adjustments, extra]),
    ]


@settings(max_examples=25)
@given(posting_scenarios(max_claims=3, max_lines=2))
def test_idempotency_key_is_stable_and_tells_remittances_apart(s: PostingScenario) -> None:
    r = s.remittance
    key = idempotency_key(r)
    # stable: the same content, rebuilt or under another document id, gives the same key
    assert idempotency_key(attrs.evolve(r, id="another id")) == key
    assert idempotency_key(pickle.loads(pickle.dumps(r))) == key
    assert idempotency_key(from_json(to_json(r), Remittance)) == key
    # collision-resistant: any one change of content gives another key, all different
    changed = _one_change_each(r)
    keys = [idempotency_key(m) for m in changed]
    assert all(m != r for m in changed)
    assert key not in keys
    assert len(set(keys)) == len(keys)


def test_an_accepted_unbalanced_remittance_never_applies_more_than_it_pays() -> None:
    c = claim("CLM1", [item("L1", "100")])
    history = charges(c)
    # CLP04 says 60 was paid, but the line says 70 (100 - CO 30): accepting the
    # imbalance must not apply 70 out of 60 received. (This plan used to apply 70 and
    # only apply_posting caught it, as a negative credit.)
    remittance = remit(
        "60", [clp("CLM1", "100", "60", svc("L1", "100", "70", *cas("CO", ("45", "30"))))]
    )
    plan = plan_posting(remittance, [c], history, accept_unbalanced=True)
    assert not plan.refused
    assert summary(plan.entries) == [
        ("PaymentReceived", None, "60.00", ""),
        ("PaymentApplied", "L1", "60.00", "primary"),
        ("Adjustment", "L1", "30.00", "CO-45"),
    ]
    assert "posting.capped_to_paid" in {f.rule for f in plan.findings}
    assert plan.reconciliation().ok
    after = [*history, *apply_posting(plan, history)]
    assert validate_history(after) == ()
    lb = line_balances(after, PAID_ON)["L1"]
    assert lb.paid == usd("60") and lb.open.of(Bucket.PRIMARY) == usd("10")
    assert credits(after, PAID_ON)[Party.payer("acme")].available == usd("0")


def test_the_balances_fast_path_keeps_every_check() -> None:
    # Issue 10: with the balances passed separately, forgetting history= used to skip
    # the already-posted check silently. The history is now always given, so the
    # fast path (balances= held by the caller) checks exactly what the slow one does.
    c = claim("C1", [item("L1", "100")])
    r = remit("70", [clp("C1", "100", "70", svc("L1", "100", "70", *cas("PR", ("2", "30"))))])
    _, after = post(r, [c], charges(c))
    fast = plan_posting(r, [c], after, balances=line_balances(after, PAID_ON))
    assert fast.refused and "posting.already_posted" in {f.rule for f in fast.errors}
    # and a reversal finds the entries it undoes
    undo = remit("-70", [r.claims[0].as_reversal()], trace="T-UNDO")
    fast_undo = plan_posting(undo, [c], after, balances=line_balances(after, PAID_ON))
    assert not fast_undo.refused, fast_undo.explain()
    assert fast_undo == plan_posting(undo, [c], after)


def test_balances_of_another_history_make_the_plan_stale_not_wrong() -> None:
    c = claim("C1", [item("L1", "100")])
    r = remit("100", [clp("C1", "100", "100", svc("L1", "100", "100"))])
    history = charges(c)
    moved = Adjustment(
        id="x",
        account_id="A1",
        line_id="L1",
        effective=DAY,
        amount=usd("40"),
        bucket=Bucket.PRIMARY,
        group=GroupCode.CO,
        reason="45",
    )
    current = [*history, moved]
    # balances of the charges alone, while the history has the CO-45 too
    plan = plan_posting(r, [c], current, balances=line_balances(history, PAID_ON))
    assert not plan.refused
    with pytest.raises(StalePlanError, match="planned on 100.00 USD, now 60.00 USD"):
        apply_posting(plan, current)
    # derived from the history itself, the plan sees the 60.00 left and refuses to take 100.00
    assert [f.rule for f in plan_posting(r, [c], current).errors] == ["posting.overdrawn"]


def test_an_accepted_unbalanced_claim_without_lines_applies_only_what_it_paid() -> None:
    # Issue 11, section 4: CLP03 100.00, claim-level CO-45 30.00, but CLP04 60.00 (it
    # should be 70.00). The line used to get 100 - 30 = 70.00 applied out of 60.00
    # received, and the plan still said it reconciled.
    c = claim("CLM1", [item("L1", "100")])
    history = charges(c)
    r = remit("60", [clp("CLM1", "100", "60", adjustments=cas("CO", ("45", "30")))])
    assert plan_posting(r, [c], history).refused  # not without the caller's consent
    plan = plan_posting(r, [c], history, accept_unbalanced=True)
    assert summary(plan.entries) == [
        ("PaymentReceived", None, "60.00", ""),
        ("PaymentApplied", "L1", "60.00", "primary"),
        ("Adjustment", "L1", "30.00", "CO-45"),
    ]
    assert plan.reconciliation().ok
    after = [*history, *apply_posting(plan, history)]
    assert line_balances(after, PAID_ON)["L1"].open.of(Bucket.PRIMARY) == usd("10")
    # paid more than the lines can take: the rest stays the payer's credit, never a line's
    over = remit("90", [clp("CLM1", "100", "90", adjustments=cas("CO", ("45", "30")))])
    plan = plan_posting(over, [c], history, accept_unbalanced=True)
    assert summary(plan.entries)[:2] == [
        ("PaymentReceived", None, "90.00", ""),
        ("PaymentApplied", "L1", "70.00", "primary"),
    ]
    assert "posting.overpaid" in {f.rule for f in plan.findings}
    check = plan.reconciliation()
    assert check.ok and ("credit of payer:acme left on account A1", usd("20")) in check.terms


def test_a_plan_applying_more_than_its_cash_does_not_reconcile() -> None:
    # reconciliation() counts a credit never below zero: applying 70 of 60 received fails
    c = claim("CLM1", [item("L1", "100")])
    good = plan_posting(
        remit("60", [clp("CLM1", "100", "60", svc("L1", "100", "60", *cas("CO", ("45", "40"))))]),
        [c],
        charges(c),
    )
    applied = next(e for e in good.entries if type(e).__name__ == "PaymentApplied")
    forged = attrs.evolve(
        good,
        entries=tuple(
            attrs.evolve(e, amount=usd("70")) if e is applied else e for e in good.entries
        ),
    )
    check = forged.reconciliation()
    assert not check.ok and check.residual == usd("-10")


def _reshaped(draw: st.DrawFn, s: PostingScenario) -> tuple[Remittance, int]:
    """Some claims answered without service lines, some not balancing (the payment moved)."""
    claims, moved = [], 0
    for cp in s.remittance.claims:
        if draw(st.booleans()):
            every = [*cp.adjustments, *(a for sp in cp.lines for a in sp.adjustments)]
            cp = attrs.evolve(cp, lines=(), adjustments=every)
        if draw(st.booleans()):
            delta = draw(st.integers(-cp.paid.minor, 5_000))
            cp = attrs.evolve(cp, paid=cp.paid + Money.from_minor(delta, cp.currency))
            moved += delta
        claims.append(cp)
    total = s.remittance.total_payment + Money.from_minor(moved, s.remittance.currency)
    return attrs.evolve(s.remittance, claims=claims, total_payment=total), moved


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_whatever_the_claim_shape_a_plan_never_applies_more_than_was_paid(
    data: st.DataObject,
) -> None:
    s = data.draw(posting_scenarios(max_claims=3, max_lines=3))
    r, _ = _reshaped(data.draw, s)
    plan = plan_posting(r, s.claims, s.history, accept_unbalanced=True)
    assert not plan.refused, plan.explain()
    owner = {line.id: c.id for c in s.claims for line in c.lines}
    applied = dict.fromkeys(owner.values(), 0)
    for e in plan.entries:
        if type(e).__name__ == "PaymentApplied":
            applied[owner[e.line_id or ""]] += e.amount.minor
    for cp in r.claims:
        assert applied[cp.patient_control_number] <= max(cp.paid.minor, 0)
    assert plan.reconciliation().ok
    after = [*s.history, *apply_posting(plan, s.history)]
    assert validate_history(after) == ()
    for account in {e.account_id for e in after}:
        mine = [e for e in after if e.account_id == account]
        assert all(c.available.minor >= 0 for c in credits(mine, PAID_ON).values())
