"""Posting behaviour that ``make mutate`` found unpinned: spreading, matching, applying, deposits.

Each test pins a documented behaviour through the public API (the planner is private and may be
reshaped); every expected figure is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import attrs
import pytest

from billing_core.errors import StalePlanError, ValidationError
from billing_core.ledger import PaymentApplied
from billing_core.posting import (
    ClaimLevelRule,
    UnmatchedPolicy,
    apply_posting,
    idempotency_key,
    plan_posting,
    reconcile_deposit,
)
from billing_core.remittance import ClaimPayment
from posting_kit import PAID_ON, cas, charges, claim, clp, item, post, remit, summary, svc

TWO = claim("C1", [item("L1", "100"), item("L2", "50")])
TWO_HUNDREDS = claim("C1", [item("L1", "100"), item("L2", "100")])


def _entries(
    cp: ClaimPayment, total: str, c: object = TWO, **kw: object
) -> list[tuple[str, str | None, str, str]]:
    plan, _ = post(remit(total, [cp]), [c], charges(c), **kw)  # type: ignore[list-item,arg-type]
    return [e for e in summary(plan.entries) if e[0] != "PaymentReceived"]


def _rules(cp: ClaimPayment, total: str, c: object = TWO, **kw: object) -> list[str]:
    plan = plan_posting(remit(total, [cp]), [c], charges(c), **kw)  # type: ignore[list-item,arg-type]
    return [f.rule for f in plan.findings]


# ------------------------------------------------------------------ claim-level amounts


def test_a_designated_line_rule_without_a_named_line_puts_it_on_the_first_line() -> None:
    # CO-45 10.00 at claim level, lines paid 100 and 50: all of it comes out of L1's 100
    cp = clp(
        "C1",
        "150",
        "140",
        svc("L1", "100", "100"),
        svc("L2", "50", "50"),
        adjustments=cas("CO", ("45", "10")),
    )
    expected = [
        ("PaymentApplied", "L1", "90.00", "primary"),
        ("Adjustment", "L1", "10.00", "CO-45"),
        ("PaymentApplied", "L2", "50.00", "primary"),
    ]
    rule = ClaimLevelRule.DESIGNATED_LINE
    assert _entries(cp, "140", claim_level_rule=rule) == expected
    # a designated line the payer did not answer: the first answered line takes it
    unknown = {"C1": "L9"}
    assert _entries(cp, "140", claim_level_rule=rule, designated_lines=unknown) == expected


def test_a_negative_claim_adjustment_goes_by_paid_to_the_only_paid_line() -> None:
    # L1 paid 0.00, L2 paid 0.01: by paid, all of the -10.00 goes to L2 (0.01 + 10.00 = 10.01)
    cp = clp(
        "C1",
        "150",
        "10.01",
        svc("L1", "100", "0", *cas("CO", ("45", "100"))),
        svc("L2", "50", "0.01", *cas("CO", ("45", "49.99"))),
        adjustments=cas("CO", ("45", "-10")),
    )
    assert _entries(cp, "10.01", claim_level_rule=ClaimLevelRule.PROPORTIONAL_TO_PAID) == [
        ("Adjustment", "L1", "100.00", "CO-45"),
        ("PaymentApplied", "L2", "10.01", "primary"),
        ("Adjustment", "L2", "39.99", "CO-45"),
    ]


def test_one_cent_of_claim_adjustment_never_comes_out_of_a_line_paid_nothing() -> None:
    # By charge L1 (100) would take the cent, but L1 was paid 0.00: L2 gives it (50.00 -> 49.99)
    cp = clp(
        "C1",
        "150",
        "49.99",
        svc("L1", "100", "0", *cas("CO", ("45", "100"))),
        svc("L2", "50", "50"),
        adjustments=cas("CO", ("45", "0.01")),
    )
    assert _entries(cp, "49.99") == [
        ("Adjustment", "L1", "100.00", "CO-45"),
        ("PaymentApplied", "L2", "49.99", "primary"),
        ("Adjustment", "L2", "0.01", "CO-45"),
    ]


def test_a_capped_split_leaves_a_line_paid_nothing_out_of_the_rounding() -> None:
    # 0.07 over L2 (paid 2.00) and L3 (paid 3.00) by charge 2:3 -> 2.8 and 4.2 cents, the
    # spare cent to the larger remainder (L2's .8): 3 and 4; L1, paid nothing, takes no part
    c = claim("C1", [item("L1", "1"), item("L2", "2"), item("L3", "3")])
    cp = clp(
        "C1",
        "6",
        "4.93",
        svc("L1", "1", "0", *cas("CO", ("45", "1"))),
        svc("L2", "2", "2"),
        svc("L3", "3", "3"),
        adjustments=cas("CO", ("45", "0.07")),
    )
    assert _entries(cp, "4.93", c) == [
        ("Adjustment", "L1", "1.00", "CO-45"),
        ("PaymentApplied", "L2", "1.97", "primary"),
        ("Adjustment", "L2", "0.03", "CO-45"),
        ("PaymentApplied", "L3", "2.96", "primary"),
        ("Adjustment", "L3", "0.04", "CO-45"),
    ]


def test_a_designated_line_takes_a_whole_claim_adjustment_beyond_its_charge_and_is_refused() -> (
    None
):
    # Answered without lines: CO-45 120.00 all on L1 (charge 100.00) leaves L1 -20.00 to be
    # paid; the designated line is not capped, so the plan is refused, not spread over L2.
    cp = clp("C1", "150", "30", adjustments=cas("CO", ("45", "120")))
    r = remit("30", [cp])
    plan = plan_posting(r, [TWO], charges(TWO), claim_level_rule=ClaimLevelRule.DESIGNATED_LINE)
    assert plan.refused
    assert [(f.rule, f.location, f.message) for f in plan.errors] == [
        (
            "posting.claim_level",
            "claim 1 (C1) line L1 (claim level)",
            "the claim-level amounts give this line a negative payment",
        )
    ]


def test_a_whole_claim_paid_nothing_applies_nothing() -> None:
    # Answered without lines, paid 0.00, charge 150.00 against our 200.00: CO-45 150.00 by
    # charge is 75.00 each, 25.00 stays open on each line and no cent is applied.
    cp = clp("C1", "150", "0", adjustments=cas("CO", ("45", "150")))
    assert _rules(cp, "0", TWO_HUNDREDS) == [
        "posting.claim_charge",
        "posting.left_open",
        "posting.left_open",
    ]
    assert _entries(cp, "0", TWO_HUNDREDS) == [
        ("Adjustment", "L1", "75.00", "CO-45"),
        ("Adjustment", "L2", "75.00", "CO-45"),
    ]


def test_a_whole_claim_payment_never_lands_on_a_line_with_nothing_left() -> None:
    # Designated L1 takes CO-45 100.00 (all its charge); 100.01 paid (accepted unbalanced):
    # L2 takes its 100.00 and the spare cent stays the payer's credit, not L1's.
    cp = clp("C1", "200", "100.01", adjustments=cas("CO", ("45", "100")))
    kw = {"claim_level_rule": ClaimLevelRule.DESIGNATED_LINE, "accept_unbalanced": True}
    assert _rules(cp, "100.01", TWO_HUNDREDS, **kw) == ["835.claim", "posting.overpaid"]
    assert _entries(cp, "100.01", TWO_HUNDREDS, **kw) == [
        ("Adjustment", "L1", "100.00", "CO-45"),
        ("PaymentApplied", "L2", "100.00", "primary"),
    ]


def _over_paid_lines(paid: str) -> ClaimPayment:
    # lines saying 0.01 and 5.00 paid (5.01) under a CLP04 of ``paid``: accepted unbalanced
    return clp(
        "C1",
        "150",
        paid,
        svc("L1", "100", "0.01", *cas("CO", ("45", "99.99"))),
        svc("L2", "50", "5", *cas("CO", ("45", "45"))),
    )


def test_lines_claiming_more_than_a_zero_payment_are_cut_to_nothing() -> None:
    plan = plan_posting(remit("0", [_over_paid_lines("0")]), [TWO], charges(TWO), **_UNBALANCED)
    assert not any(isinstance(e, PaymentApplied) for e in plan.entries)
    (capped,) = [f for f in plan.findings if f.rule == "posting.capped_to_paid"]
    assert capped.message == (
        "the lines would apply 5.01 USD but the payer paid 0.00 USD (CLP04): each line's"
        " payment is cut in proportion, the rest stays open in the payer's bucket"
    )


def test_lines_claiming_more_than_one_cent_share_that_cent_by_what_they_claim() -> None:
    # 0.01 split 1:500 goes to L2 (remainders 1/501 and 500/501)
    plan = plan_posting(
        remit("0.01", [_over_paid_lines("0.01")]), [TWO], charges(TWO), **_UNBALANCED
    )
    applied = [
        (e.line_id, str(e.amount.amount)) for e in plan.entries if isinstance(e, PaymentApplied)
    ]
    assert applied == [("L2", "0.01")]


_UNBALANCED = {"accept_unbalanced": True}


# ------------------------------------------------------------------------ matching


def test_a_claim_reversed_twice_in_one_file_is_refused_naming_both_answers() -> None:
    reversal = clp("C1", "-100", "-100", svc("L1", "-100", "-100"), status="22")
    one = claim("C1", [item("L1", "100")])
    plan = plan_posting(remit("-200", [reversal, reversal]), [one], charges(one))
    duplicate = [f for f in plan.errors if f.rule == "posting.duplicate_claim"]
    assert [(f.location, f.message) for f in duplicate] == [
        (
            "claims 1, 2 (C1)",
            "claim C1 is answered 2 times; only a reversal and its correction may name the"
            " same claim",
        )
    ]


def test_a_line_matched_by_service_says_its_control_number_was_unknown() -> None:
    one = claim("C1", [item("L1", "100")])
    cp = clp("C1", "100", "100", svc("X9", "100", "100"))
    plan = plan_posting(remit("100", [cp]), [one], charges(one))
    (matched,) = [f for f in plan.findings if f.rule == "posting.line_matched_by_service"]
    assert matched.message == (
        "unknown line control number X9; matched to line L1 by procedure, service date and charge"
    )


def test_a_line_matching_nothing_is_described_by_its_procedure() -> None:
    one = claim("C1", [item("L1", "100")])
    cp = clp("C1", "70", "70", svc(None, "70", "70"))
    plan = plan_posting(remit("70", [cp]), [one], charges(one), unmatched=UnmatchedPolicy.REFUSE)
    (unmatched,) = [f for f in plan.errors if f.rule == "posting.unmatched_line"]
    assert unmatched.message == (
        "no line of claim C1 match this service line (99213, 2024-03-04, 70.00 USD);"
        " nothing is posted for a guess"
    )


# ------------------------------------------------------------------------ applying


def test_a_stale_plan_names_at_most_ten_lines() -> None:
    lines = [item(f"L{n}", "10") for n in range(1, 12)]
    eleven = claim("C1", lines)
    cp = clp("C1", "110", "110", *(svc(f"L{n}", "10", "10") for n in range(1, 12)))
    plan = plan_posting(remit("110", [cp]), [eleven], charges(eleven))
    with pytest.raises(StalePlanError) as stale:
        apply_posting(plan, [])
    named = str(stale.value).removeprefix("the posting plan is stale; re-plan it: ").split("; ")
    assert len(named) == 10


def test_a_back_dated_plan_spending_money_a_later_entry_used_is_refused() -> None:
    # Planned as of April 1 on 100.00 open; a payment of 100.00 on April 10 (already in the
    # history) took it all: applying 60.00 on April 1 would leave the bucket at -60.00 then.
    one = claim("C1", [item("L1", "100")])
    first = remit("100", [clp("C1", "100", "100", svc("L1", "100", "100"))], trace="T-LATE")
    later = attrs.evolve(first, paid_date=PAID_ON.replace(day=10))
    _, history = post(later, [one], charges(one))
    cp = clp("C1", "100", "60", svc("L1", "100", "60", *cas("CO", ("45", "40"))))
    back_dated = remit("60", [cp], trace="T-EARLY")
    plan = plan_posting(back_dated, [one], charges(one))
    with pytest.raises(ValidationError, match="primary bucket is below zero on 2024-04-10"):
        apply_posting(plan, history)


def test_the_idempotency_key_of_a_remittance_with_accented_text_is_a_hex_digest() -> None:
    plain = remit("0", [])
    accented = attrs.evolve(plain, payer="Santé Mutuelle")
    key = idempotency_key(accented)
    assert len(key) == 64 and set(key) <= set("0123456789abcdef")
    assert key == idempotency_key(attrs.evolve(plain, payer="Santé Mutuelle"))
    assert key != idempotency_key(plain)


# ------------------------------------------------------------------------ deposits


def test_a_deposit_of_one_remittance_reads_like_that_remittance() -> None:
    one = claim("C1", [item("L1", "100")])
    r = remit("100", [clp("C1", "100", "100", svc("L1", "100", "100"))])
    _, after = post(r, [one], charges(one))
    check = reconcile_deposit([r], after)
    assert check.ok
    assert [(label, str(m.amount)) for label, m in check.terms] == [
        ("received for claims on account A1", "100.00")
    ]


def test_a_deposit_of_two_remittances_names_each_remittance_in_its_terms() -> None:
    c1 = claim("C1", [item("L1", "100")])
    c2 = claim("C2", [item("L2", "50")], account="A2")
    first = attrs.evolve(
        remit("80", [clp("C1", "100", "80", svc("L1", "100", "80", *cas("CO", ("45", "20"))))]),
        id="R-1",
    )
    second = attrs.evolve(
        remit("45", [clp("C2", "50", "45", svc("L2", "50", "45", *cas("CO", ("45", "5"))))]),
        id="R-2",
    )
    _, once = post(first, [c1, c2], charges(c1, c2))
    _, both = post(second, [c1, c2], once)
    check = reconcile_deposit([first, second], both)
    assert check.ok
    assert [(label, str(m.amount)) for label, m in check.terms] == [
        ("R-1: received for claims on account A1", "80.00"),
        ("R-2: received for claims on account A2", "45.00"),
    ]


def test_a_deposit_of_no_remittance_is_refused() -> None:
    with pytest.raises(ValidationError, match="got no remittance"):
        reconcile_deposit([], [])
