"""Deposits of several remittances, authorized returns, and remittances kept apart."""

from __future__ import annotations

import attrs

from billing_core.claims import Claim
from billing_core.ledger import ProviderWithholding
from billing_core.posting import (
    FollowUpKind,
    reconcile_deposit,
    reconcile_remittance,
    remittance_account,
)
from billing_core.remittance import ProviderAdjustment, Remittance
from posting_kit import cas, charges, claim, clp, item, post, remit, svc, usd


def test_an_authorized_return_is_withheld_and_linked_to_its_claim() -> None:
    # PLB 72 (authorized return): the provider returned 30.00 on C1 out of this payment.
    # By hand: BPR02 = 100.00 paid on C1 - 30.00 returned = 70.00.
    c1 = claim("C1", [item("L1", "100")])
    plb = ProviderAdjustment(reason="72", reference="C1", amount=usd("30"))
    r = remit("70", [clp("C1", "100", "100", svc("L1", "100", "100"))], [plb])
    plan, after = post(r, [c1], charges(c1))
    (back,) = [e for e in plan.entries if isinstance(e, ProviderWithholding)]
    assert (back.amount, back.reason, back.claim_id) == (usd("30"), "72", "C1")
    assert back.account_id == remittance_account(r.payer, r.trace_number)
    (follow,) = plan.follow_ups
    assert (follow.kind, follow.claim_id, follow.amount) == (
        FollowUpKind.RECOUPMENT,
        "C1",
        usd("30"),
    )
    check = reconcile_remittance(r, after)
    assert check.ok and [(label, str(m.amount)) for label, m in check.terms] == [
        ("received for claims on account A1", "100.00"),
        ("provider PLB 72 C1", "-30.00"),
    ]


def _one_deposit_in_two_remittances() -> tuple[list[Claim], Remittance, Remittance]:
    """One payment (trace TRN-1) sent as two 835 transaction sets: 80.00 + 45.00 = 125.00."""
    c1 = claim("C1", [item("L1", "100")])
    c2 = claim("C2", [item("L2", "50")], account="A2")
    l1 = svc("L1", "100", "80", *cas("CO", ("45", "20")))
    l2 = svc("L2", "50", "45", *cas("CO", ("45", "5")))
    first = attrs.evolve(remit("80", [clp("C1", "100", "80", l1)]), id="R-1")
    second = attrs.evolve(remit("45", [clp("C2", "50", "45", l2)]), id="R-2")
    return [c1, c2], first, second


def test_a_deposit_of_two_remittances_reconciles_only_when_both_are_posted() -> None:
    claims, first, second = _one_deposit_in_two_remittances()
    _, once = post(first, claims, charges(*claims))
    half = reconcile_deposit([first, second], once)
    assert not half.ok
    assert (half.left, half.right) == (usd("125"), usd("80"))  # 45.00 of R-2 not in the ledger
    _, both = post(second, claims, once)
    whole = reconcile_deposit([first, second], both)
    assert whole.ok and (whole.left, whole.right) == (usd("125"), usd("125"))


def test_payments_of_different_traces_never_share_a_payer_account() -> None:
    # Two payments of one payer: what each holds or is adjusted by stays on its own account,
    # so posting them at the same time never contends on one row.
    c1 = claim("C1", [item("L1", "100")])
    plb = [ProviderAdjustment(reason="L6", reference="C1", amount=usd("-1"))]
    a = remit("101", [clp("C1", "100", "100", svc("L1", "100", "100"))], plb, trace="T-A")
    b = remit("5", [clp("ZZZ", "5", "5")], trace="T-B")
    plan_a, after = post(a, [c1], charges(c1))
    plan_b, _ = post(b, [c1], after)
    payer_a = {e.account_id for e in plan_a.entries if e.line_id is None} - {"A1"}
    payer_b = {e.account_id for e in plan_b.entries}
    assert payer_a == {"remittance:acme:T-A"} and payer_b == {"remittance:acme:T-B"}
