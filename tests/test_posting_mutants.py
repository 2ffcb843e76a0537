"""Posting behaviour that ``make mutate`` found unpinned: spreading, matching, applying, deposits.

Each test pins a documented behaviour through the public API (the planner is private and may be
reshaped); every expected figure is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import datetime

import attrs
import pytest

from billing_core.claims import Claim
from billing_core.errors import (
    CurrencyMismatchError,
    NotFoundError,
    StalePlanError,
    ValidationError,
)
from billing_core.ledger import (
    AppealHold,
    Bucket,
    CashHeld,
    Entry,
    Party,
    PaymentApplied,
    PaymentReceived,
    ProviderWithholding,
    Refund,
    Reversal,
    Source,
    reverse,
)
from billing_core.money import Money
from billing_core.parties import Payer
from billing_core.posting import (
    ClaimLevelRule,
    DenialAction,
    DenialPolicy,
    FollowUpKind,
    PostingPlan,
    ProviderPostingKind,
    UnmatchedPolicy,
    apply_posting,
    apply_unapplied,
    idempotency_key,
    plan_posting,
    reconcile_deposit,
    reconcile_remittance,
    remittance_account,
    unapplied_cash,
)
from billing_core.remittance import ClaimPayment, ProviderAdjustment, Remittance, ServicePayment
from posting_kit import (
    PAID_ON,
    PRIMARY,
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
from test_posting_denials import held_then_upheld

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


# ------------------------------------------------------------------------ denial policies


def test_a_denial_policy_refuses_a_rule_or_calendar_of_the_wrong_type() -> None:
    with pytest.raises(TypeError, match=r"appeal_rule must be a FilingRule, got '90' \(str\)"):
        DenialPolicy(appeal_rule="90")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="holidays must be a HolidayCalendar, got"):
        DenialPolicy(holidays=["2024-01-01"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        (50, "50 (int)"),  # not text
        ("b7", "'b7'"),  # a CARC, but not as written (B7)
        (" 50", "' 50'"),
        ("X" * 20, "'" + "X" * 12 + "'"),  # a long value is cut to its first 12 characters
    ],
)
def test_a_denial_policy_names_a_code_that_is_not_a_carc_as_written(
    code: object, shown: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        DenialPolicy(hold={code})  # type: ignore[arg-type]
    assert [str(f) for f in refused.value.findings] == [
        f"DenialPolicy.hold: {shown} is not a claim adjustment reason code (a CARC such as 50"
        " or B7; the policy applies to CO, PI and OA)"
    ]


def test_a_listed_adjust_reason_is_adjusted_even_when_the_rest_is_held() -> None:
    policy = DenialPolicy(hold={"50"}, adjust={"45"}, otherwise=DenialAction.HOLD)
    assert policy.action("45") is DenialAction.ADJUST
    assert policy.action("96") is DenialAction.HOLD  # in neither set: otherwise
    assert policy.action("50") is DenialAction.HOLD


def test_a_line_paid_nothing_in_a_paid_claim_is_a_denial_and_a_paid_line_is_not() -> None:
    # L1 paid 80.00 with CO-50 20.00 is a reduction: adjusted. L2 (50.00) and L3 (0.01) were
    # paid nothing: their CO-50 is a denial, held for appeal together: 50.01.
    c = claim("C1", [item("L1", "100"), item("L2", "50"), item("L3", "0.01")])
    cp = clp(
        "C1",
        "150.01",
        "80",
        svc("L1", "100", "80", *cas("CO", ("50", "20"))),
        svc("L2", "50", "0", *cas("CO", ("50", "50"))),
        svc("L3", "0.01", "0", *cas("CO", ("50", "0.01"))),
    )
    assert _entries(cp, "80", c) == [
        ("PaymentApplied", "L1", "80.00", "primary"),
        ("Adjustment", "L1", "20.00", "CO-50"),
        ("AppealHold", None, "50.01", "CO-50 held"),
    ]


def test_what_a_hold_leaves_open_is_reported_and_a_full_hold_leaves_nothing() -> None:
    one = claim("C1", [item("L1", "100")])
    # denied line: CO-45 10.00 adjusted off, CO-50 60.00 held: 100 - 10 - 60 = 30.00 left open
    part = clp(
        "C1",
        "100",
        "0",
        svc("L1", "100", "0", *cas("CO", ("45", "10"), ("50", "60"))),
        status="4",
    )
    plan = plan_posting(remit("0", [part]), [one], charges(one), accept_unbalanced=True)
    (left,) = [f for f in plan.findings if f.rule == "posting.left_open"]
    assert left.message == "30.00 USD stays open in the primary bucket of line L1"
    whole = clp("C1", "100", "0", svc("L1", "100", "0", *cas("CO", ("50", "100"))), status="4")
    plan = plan_posting(remit("0", [whole]), [one], charges(one))
    assert plan.findings == ()
    assert summary(plan.entries) == [("AppealHold", None, "100.00", "CO-50 held")]


# ------------------------------------------------------------------------ appeals


def test_an_upheld_denial_follows_up_on_its_new_hold() -> None:
    again = held_then_upheld().upheld
    reversal, hold = again.entries
    assert isinstance(reversal, Reversal) and isinstance(hold, AppealHold)
    (follow,) = again.follow_ups
    assert (follow.kind, follow.entry_id) == (FollowUpKind.APPEAL, hold.id)


def test_a_payment_after_an_upheld_denial_closes_only_the_hold_still_open() -> None:
    scene = held_then_upheld()
    paid = remit("60", [clp("C1", "60", "60", svc("L2", "60", "60"))], trace="TRN-4")
    plan, _ = post(paid, [scene.claim], scene.after_upheld)
    closed = [e.reverses for e in plan.entries if isinstance(e, Reversal)]
    assert closed == [scene.upheld.entries[1].id]


def test_two_open_holds_of_a_claim_are_closed_under_ids_in_sequence() -> None:
    c = claim("C1", [item("L1", "100")])
    denial = remit(
        "0",
        [clp("C1", "100", "0", svc("L1", "100", "0", *cas("CO", ("50", "100"))), status="4")],
    )
    held, history = post(denial, [c], charges(c))
    twin = attrs.evolve(held.entries[0], id="manual-hold")
    paid = remit("100", [clp("C1", "100", "100", svc("L1", "100", "100"))], trace="TRN-2")
    plan = plan_posting(paid, [c], [*history, twin])
    prefix = idempotency_key(paid)[:16]
    reversals = [(e.id, e.reverses) for e in plan.entries if isinstance(e, Reversal)]
    # entries .1 (the payment applied) then .2 and .3, one per hold, in the holds' order
    assert reversals == [(f"{prefix}.2", held.entries[0].id), (f"{prefix}.3", "manual-hold")]


# ------------------------------------------------------------------------ held lines


def _with_unknown_lines(*lines: ServicePayment, paid: str) -> PostingPlan:
    one = claim("C1", [item("L1", "100")])
    charge = sum((sp.charge for sp in lines), usd("100"))
    cp = clp("C1", str(charge.amount), paid, svc("L1", "100", "100"), *lines)
    return plan_posting(remit(paid, [cp]), [one], charges(one))


def test_an_unknown_line_paid_nothing_is_followed_up_for_its_charge_without_a_hold() -> None:
    # X8 paid 20.00 of 70.00: 20.00 held; X9 paid nothing of 30.00: no error, no entry, and
    # its follow-up names the 30.00 charged
    plan = _with_unknown_lines(
        svc("X8", "70", "20", *cas("CO", ("45", "50"))),
        svc("X9", "30", "0", *cas("CO", ("45", "30"))),
        paid="120",
    )
    assert plan.errors == ()
    (cash,) = [e for e in plan.entries if isinstance(e, CashHeld)]
    assert (cash.amount, cash.service_line) == (usd("20"), 2)
    assert [(f.kind, f.amount, f.entry_id) for f in plan.follow_ups] == [
        (FollowUpKind.UNMATCHED, usd("20"), cash.id),
        (FollowUpKind.UNMATCHED, usd("30"), None),
    ]


def test_unknown_lines_are_held_under_ids_in_sequence() -> None:
    plan = _with_unknown_lines(
        svc("X8", "40", "5", *cas("CO", ("45", "35"))),
        svc("X7", "30", "5", *cas("CO", ("45", "25"))),
        paid="110",
    )
    prefix = plan.idempotency_key[:16]
    held = [e.id for e in plan.entries if isinstance(e, CashHeld)]
    assert held == [f"{prefix}.2", f"{prefix}.3"]  # after L1's payment, .1
    # balanced: the cash, the held money and no provider entry add up to BPR02 exactly
    assert [type(e).__name__ for e in plan.entries] == [
        "PaymentReceived",
        "PaymentApplied",
        "CashHeld",
        "CashHeld",
    ]


def test_held_cash_belongs_to_our_payer_the_remittance_names_by_its_payer_id() -> None:
    # The remittance names its payer 60054: our payer acme has that electronic id, so held
    # cash is acme's, even though the file also answers a claim of another payer (beta).
    acme = Payer(id="acme", name="Acme Health", payer_id="60054")
    c1 = claim("C1", [item("L1", "100")], coverage=attrs.evolve(PRIMARY, payer=acme))
    c2 = claim("C2", [item("L2", "50")], coverage=SECONDARY)
    unknown = svc("X8", "30", "20", *cas("CO", ("45", "10")))
    cp1 = clp("C1", "130", "120", svc("L1", "100", "100"), unknown)
    cp2 = clp("C2", "50", "50", svc("L2", "50", "50"))
    r = attrs.evolve(remit("170", [cp1, cp2]), payer="60054")
    history = [*charges(c1), *charges(c2, bucket=Bucket.SECONDARY)]
    plan = plan_posting(r, [c1, c2], history)
    assert [e.party for e in plan.entries if isinstance(e, CashHeld)] == [Party.payer("acme")]


def test_held_cash_of_a_payer_named_otherwise_belongs_to_the_one_payer_billed() -> None:
    # The file's payer id 60054 names none of our payers; every claim it answers is billed
    # to acme, so the held cash is acme's.
    one = claim("C1", [item("L1", "100")])
    cp = clp(
        "C1", "130", "120", svc("L1", "100", "100"), svc("X8", "30", "20", *cas("CO", ("45", "10")))
    )
    plan = plan_posting(attrs.evolve(remit("120", [cp]), payer="60054"), [one], charges(one))
    assert [e.party for e in plan.entries if isinstance(e, CashHeld)] == [Party.payer("acme")]


# ------------------------------------------------------------------------ unapplied cash


def test_a_refund_naming_another_remittance_gets_its_own_row() -> None:
    day = PAID_ON
    acme = Party.payer("acme")
    account = "remittance:acme:T1"
    held = CashHeld(
        id="h1",
        account_id=account,
        effective=day,
        amount=usd("40"),
        party=acme,
        claim_reference="C9",
        source=Source(payment_id="T1", remittance_id="R1"),
    )
    refund = Refund(
        id="f1",
        account_id=account,
        effective=day,
        amount=usd("10"),
        party=acme,
        source=Source(payment_id="T1", remittance_id="R2"),
    )
    rows = [
        (r.remittance_id, r.held, r.applied, r.refunded)
        for r in unapplied_cash([held, refund], day)
    ]
    assert rows == [
        ("R1", usd("40"), usd("0"), usd("0")),
        ("R2", usd("0"), usd("0"), usd("10")),
    ]


def test_a_secondary_answer_never_closes_the_primary_payers_appeal() -> None:
    # The primary denies CO-50 60.00 (held) and moves PR-1 40.00 on to the secondary. The
    # claim, billed to the secondary now, is paid 40.00 by it: the primary's hold stays open.
    coverages = {"A1": [PRIMARY, SECONDARY]}
    primary = claim("C1", [item("L1", "100")])
    denied = svc("L1", "100", "0", *cas("CO", ("50", "60")), *cas("PR", ("1", "40")))
    held, history = post(
        remit("0", [clp("C1", "100", "0", denied, status="4")]),
        [primary],
        charges(primary),
        coverages=coverages,
    )
    assert summary(held.entries)[-1] == ("AppealHold", None, "60.00", "CO-50 held")
    secondary = claim("C1", [item("L1", "100")], coverage=SECONDARY)
    answer = clp("C1", "40", "40", svc("L1", "40", "40"))
    beta = attrs.evolve(remit("40", [answer], trace="TRN-S"), payer="beta")
    plan, _ = post(beta, [secondary], history, coverages=coverages)
    assert summary(plan.entries) == [
        ("PaymentReceived", None, "40.00", ""),
        ("PaymentApplied", "L1", "40.00", "secondary"),
    ]
    assert plan.follow_ups == ()


# ------------------------------------------------------------------------ reversals


def _posted_then_reversed(
    c: Claim, answer: ClaimPayment, total: str
) -> tuple[PostingPlan, PostingPlan]:
    first, history = post(remit(total, [answer]), [c], charges(c))
    back = answer.as_reversal()
    reversal = plan_posting(remit(str(back.paid.amount), [back], trace="TRN-R"), [c], history)
    return first, reversal


def test_the_reversal_of_a_whole_claim_denial_held_for_appeal_has_nothing_to_undo() -> None:
    # The denial (CO-50 at claim level, paid 0.00) was held, not adjusted: its reversal wants
    # no adjustment back, so the plan is empty and clean (the hold stays for the appeal).
    for charge in ("100", "0.01"):
        c = claim("C1", [item("L1", charge)])
        denial = clp(
            "C1",
            charge,
            "0",
            adjustments=cas("CO", ("50", charge)),
            status="4",
            payer_claim_control_number="P-1",
        )
        first, reversal = _posted_then_reversed(c, denial, "0")
        assert [type(e).__name__ for e in first.entries] == ["AppealHold"]
        assert (reversal.entries, reversal.findings) == ((), ())


def test_the_reversal_of_a_paid_whole_claim_undoes_its_payment_and_reduction() -> None:
    # Paid 60.00 with CO-50 40.00 at claim level: a reduction of a paid claim, adjusted off;
    # the reversal gives back the 60.00 and reverses both entries.
    c = claim("C1", [item("L1", "100")])
    paid = clp(
        "C1", "100", "60", adjustments=cas("CO", ("50", "40")), payer_claim_control_number="P-1"
    )
    first, reversal = _posted_then_reversed(c, paid, "60")
    assert reversal.errors == ()
    assert {e.reverses for e in reversal.entries if isinstance(e, Reversal)} == {
        e.id for e in first.entries if not isinstance(e, PaymentReceived)
    }


def test_a_reversal_and_its_correction_in_one_file_leave_no_cash_term() -> None:
    # 100.00 reversed and 100.00 paid again: nothing received, nothing applied in all
    one = claim("C1", [item("L1", "100")])
    original = clp("C1", "100", "100", svc("L1", "100", "100"), payer_claim_control_number="P-1")
    _, history = post(remit("100", [original]), [one], charges(one))
    again = clp("C1", "100", "100", svc("L1", "100", "100"), payer_claim_control_number="P-2")
    plan = plan_posting(remit("0", [original.as_reversal(), again], trace="TRN-2"), [one], history)
    assert summary(plan.entries) == [
        ("Reversal", "L1", "-100.00", "reverses PaymentApplied"),
        ("PaymentApplied", "L1", "100.00", "primary"),
    ]
    assert plan.reconciliation().ok and plan.reconciliation().terms == ()
    # one cent more than the reversal gave back is more than is open
    dearer = clp(
        "C1", "100.01", "100.01", svc("L1", "100.01", "100.01"), payer_claim_control_number="P-2"
    )
    plan = plan_posting(
        remit("0.01", [original.as_reversal(), dearer], trace="TRN-2"), [one], history
    )
    assert [f.message for f in plan.errors] == [
        "would take 100.01 USD out of the primary bucket of line L1, which has 100.00 USD open"
    ]


# ------------------------------------------------------------------------ claims


def test_a_claim_with_an_error_line_reports_no_cut_of_its_other_lines() -> None:
    # L2 is a line of C2: an error, and nothing of C1 is spread or cut on a guess
    c2 = claim("C2", [item("L2", "50")], account="A2")
    one = claim("C1", [item("L1", "100")])
    cp = clp("C1", "150", "60", svc("L1", "100", "100"), svc("L2", "50", "50"))
    plan = plan_posting(remit("60", [cp]), [one, c2], charges(one, c2), accept_unbalanced=True)
    assert [f.rule for f in plan.findings] == ["835.claim", "posting.line_of_other_claim"]


def test_lines_may_apply_only_what_is_left_of_clp04_after_the_held_lines() -> None:
    # CLP04 100.00 with 20.00 held for an unknown line: L1 (saying 100.00) applies 80.00
    one = claim("C1", [item("L1", "100")])
    unknown = svc("X8", "30", "20", *cas("CO", ("45", "10")))
    cp = clp("C1", "130", "100", svc("L1", "100", "100"), unknown)
    plan = plan_posting(remit("100", [cp]), [one], charges(one), accept_unbalanced=True)
    assert summary(plan.entries) == [
        ("PaymentReceived", None, "80.00", ""),
        ("PaymentApplied", "L1", "80.00", "primary"),
        ("CashHeld", None, "20.00", "C1 line 2"),
    ]


def test_a_denied_claim_is_followed_up_first_then_its_unknown_lines() -> None:
    one = claim("C1", [item("L1", "100")])
    cp = clp(
        "C1",
        "130",
        "0",
        svc("L1", "100", "0", *cas("CO", ("96", "100"))),
        svc("X9", "30", "0", *cas("CO", ("96", "30"))),
        status="4",
    )
    plan = plan_posting(remit("0", [cp]), [one], charges(one))
    assert [f.kind for f in plan.follow_ups] == [FollowUpKind.DENIED, FollowUpKind.UNMATCHED]


def test_payment_applied_with_nothing_received_is_credit_only() -> None:
    # CLP04 10.00 but the line paid nothing (accepted unbalanced): all of it is credit
    one = claim("C1", [item("L1", "100")])
    cp = clp("C1", "100", "10", svc("L1", "100", "0", *cas("CO", ("45", "100"))))
    plan = plan_posting(remit("10", [cp]), [one], charges(one), accept_unbalanced=True)
    terms = [(label, str(m.amount)) for label, m in plan.reconciliation().terms]
    assert terms == [("credit of payer:acme left on account A1", "10.00")]


# ------------------------------------------------------------------------ provider level


def test_recoupments_are_followed_up_by_their_number_in_the_file() -> None:
    # PLB 1 interest paid (-2.00), PLB 2 a 0.01 recoupment naming nothing of ours, PLB 3 a
    # recoupment given back (-5.00): only PLB 2 takes money back, so only it is followed up
    one = claim("C1", [item("L1", "100")])
    plbs = [
        ProviderAdjustment(reason="L6", reference="INT", amount=usd("-2")),
        ProviderAdjustment(reason="72", reference="ZZZ", amount=usd("0.01")),
        ProviderAdjustment(reason="72", reference="C1", amount=usd("-5")),
    ]
    answer = clp("C1", "100", "100", svc("L1", "100", "100"))
    plan = plan_posting(remit("106.99", [answer], plbs), [one], charges(one))  # 100 + 2 - 0.01 + 5
    assert [(f.kind, f.location, f.amount) for f in plan.follow_ups] == [
        (FollowUpKind.UNLINKED_RECOUPMENT, "PLB 2", usd("0.01"))
    ]
    assert [(f.rule, f.location) for f in plan.findings] == [
        ("posting.recoupment_unlinked", "PLB 2")
    ]
    # the PLBs account for BPR02 exactly: no accepted imbalance is recorded
    assert summary(plan.entries)[2:] == [
        ("ProviderPayment", None, "2.00", "L6 INT"),
        ("ProviderWithholding", None, "0.01", "72 ZZZ"),
        ("ProviderPayment", None, "5.00", "72 C1 -> C1"),
    ]


def test_a_plb_reference_naming_a_claim_id_with_a_space_links_that_claim() -> None:
    c = claim("CLM 7", [item("L1", "100")])
    plb = ProviderAdjustment(reason="72", reference="CLM 7", amount=usd("30"))
    answer = clp("CLM 7", "100", "100", svc("L1", "100", "100"))
    plan = plan_posting(remit("70", [answer], [plb]), [c], charges(c))
    (back,) = [e for e in plan.entries if isinstance(e, ProviderWithholding)]
    assert back.claim_id == "CLM 7"


def test_an_accepted_imbalance_is_numbered_after_the_plbs() -> None:
    # BPR02 103.00 = 100.00 paid + 2.00 interest (PLB 1) + 1.00 nobody explains (accepted)
    one = claim("C1", [item("L1", "100")])
    answer = clp("C1", "100", "100", svc("L1", "100", "100"))
    interest = ProviderAdjustment(reason="L6", reference="INT", amount=usd("-2"))
    r = remit("103", [answer], [interest])
    plan = plan_posting(r, [one], charges(one), accept_unbalanced=True)
    prefix = plan.idempotency_key[:16]
    assert [(e.id, str(e.amount.amount)) for e in plan.entries[1:]] == [
        (f"{prefix}.1", "100.00"),
        (f"{prefix}.2", "2.00"),
        (f"{prefix}.3", "1.00"),
    ]


def test_a_held_line_is_shown_in_835_terms_with_its_line_number() -> None:
    plan = _with_unknown_lines(svc("X8", "30", "20", *cas("CO", ("45", "10"))), paid="120")
    assert [(p.kind, p.reference) for p in plan.provider_entries] == [
        (ProviderPostingKind.UNMATCHED_LINE, "C1 line 2")
    ]


# ------------------------------------------------------------------------ reversals, exactly


def _shared_with_the_patient() -> tuple[Claim, ClaimPayment, list[Entry]]:
    # paid 60.00; PR-1 30.00 and PR-2 10.00 moved on to the patient: 40.00 in their bucket
    one = claim("C1", [item("L1", "100")])
    original = clp(
        "C1",
        "100",
        "60",
        svc("L1", "100", "60", *cas("PR", ("1", "30"), ("2", "10"))),
        payer_claim_control_number="P-1",
    )
    _, history = post(remit("60", [original]), [one], charges(one))
    return one, original, history


def _patient_paid(history: list[Entry], amount: str) -> list[Entry]:
    jane = Party.patient("P1")
    return [
        *history,
        PaymentReceived(
            id="pp", account_id="A1", effective=PAID_ON, amount=usd(amount), party=jane
        ),
        PaymentApplied(
            id="pp:L1",
            account_id="A1",
            line_id="L1",
            effective=PAID_ON,
            amount=usd(amount),
            party=jane,
            bucket=Bucket.PATIENT,
        ),
    ]


def test_a_reversal_takes_back_both_amounts_moved_to_the_patient() -> None:
    one, original, history = _shared_with_the_patient()
    plan, _ = post(remit("-60", [original.as_reversal()], trace="TRN-R"), [one], history)
    assert summary(plan.entries) == [
        ("Refund", None, "60.00", ""),
        ("Reversal", "L1", "-60.00", "reverses PaymentApplied"),
        ("Reversal", "L1", "-30.00", "reverses Adjustment"),
        ("Reversal", "L1", "-10.00", "reverses Adjustment"),
    ]


@pytest.mark.parametrize(
    ("paid", "refused"),
    [
        # 39.99 left: PR-1's 30.00 comes back, then only 9.99 is left for PR-2's 10.00
        ("0.01", "cannot reverse PR-2 on line L1: the patient bucket no longer holds 10.00 USD"),
        # 29.99 left: not even PR-1's 30.00
        ("10.01", "cannot reverse PR-1 on line L1: the patient bucket no longer holds 30.00 USD"),
    ],
)
def test_a_reversal_counts_what_it_took_back_already_from_the_patient(
    paid: str, refused: str
) -> None:
    one, original, history = _shared_with_the_patient()
    back = remit("-60", [original.as_reversal()], trace="TRN-R")
    plan = plan_posting(back, [one], _patient_paid(history, paid))
    assert [(f.rule, f.message) for f in plan.errors] == [
        ("posting.reversal_moved_on", refused + " (already paid or moved)")
    ]


def test_a_reversal_sent_again_finds_nothing_left_to_reverse() -> None:
    one, original, history = _shared_with_the_patient()
    _, history = post(remit("-60", [original.as_reversal()], trace="TRN-R"), [one], history)
    again = plan_posting(remit("-60", [original.as_reversal()], trace="TRN-3"), [one], history)
    assert [(f.rule, f.message) for f in again.errors] == [
        (
            "posting.reversal_unpaired",
            "reversal of claim C1 (payer claim P-1) but no posting of it to reverse",
        )
    ]


def test_a_reversal_wanting_an_amount_never_posted_is_refused_whole() -> None:
    # The original paid 100.00 with no adjustment; the reversal also undoes a CO-45 10.00
    one = claim("C1", [item("L1", "100")])
    paid = clp("C1", "100", "100", svc("L1", "100", "100"), payer_claim_control_number="P-1")
    _, history = post(remit("100", [paid]), [one], charges(one))
    odd = clp(
        "C1",
        "-110",
        "-100",
        svc("L1", "-110", "-100", *cas("CO", ("45", "-10"))),
        status="22",
        payer_claim_control_number="P-1",
    )
    plan = plan_posting(remit("-100", [odd], trace="TRN-R"), [one], history)
    assert plan.entries == ()
    assert [(f.rule, f.message) for f in plan.errors] == [
        (
            "posting.reversal_mismatch",
            "the reversal does not negate the original posting exactly (1 amounts not found,"
            " 0 entries left over)",
        )
    ]


# ------------------------------------------------------------------------ a remittance's cash


def _held_and_paid() -> tuple[Remittance, list[Entry]]:
    # C1 paid 100.00 on A1; CLM9 is not ours: its 20.00 is held on the remittance's account
    one = claim("C1", [item("L1", "100")])
    r = remit("120", [clp("C1", "100", "100", svc("L1", "100", "100")), clp("CLM9", "20", "20")])
    _, after = post(r, [one], charges(one))
    return r, after


def test_a_remittance_reconciles_with_hand_refunds_and_recoupments() -> None:
    r, after = _held_and_paid()
    own = remittance_account(r.payer, r.trace_number)
    acme, jane = Party.payer("acme"), Party.patient("P1")
    extra = [
        # issued by hand on the payment's own account, naming no remittance: still this one's
        Refund(id="rf", account_id=own, effective=PAID_ON, amount=usd("5"), party=acme),
        # the payer took 3.00 back on A1 naming this remittance
        Refund(
            id="rc",
            account_id="A1",
            effective=PAID_ON,
            amount=usd("3"),
            party=acme,
            source=Source(payment_id=r.trace_number, remittance_id=r.id),
        ),
        # a patient's own payment on A1 names no remittance: not this one's money
        PaymentReceived(id="pp", account_id="A1", effective=PAID_ON, amount=usd("7"), party=jane),
    ]
    check = reconcile_remittance(r, [*after, *extra])
    assert [(label, str(m.amount)) for label, m in check.terms] == [
        ("received for claims on account A1", "97.00"),  # 100 - 3
        ("held, still unapplied", "15.00"),  # 20 - 5
        ("held, refunded to the payer", "5.00"),
    ]
    assert check.right == usd("117")


def test_a_remittance_reconciles_as_of_its_day_with_what_is_dated_that_day() -> None:
    r, after = _held_and_paid()
    own = remittance_account(r.payer, r.trace_number)
    later = Refund(
        id="rf",
        account_id=own,
        effective=PAID_ON + datetime.timedelta(days=1),
        amount=usd("5"),
        party=Party.payer("acme"),
    )
    check = reconcile_remittance(r, [*after, later], as_of=PAID_ON)
    assert check.ok
    assert [(label, str(m.amount)) for label, m in check.terms] == [
        ("received for claims on account A1", "100.00"),
        ("held, still unapplied", "20.00"),
    ]


# ------------------------------------------------------------------------ held lines applied later


def _a_held_line(payer: str = "acme") -> tuple[Remittance, CashHeld, Claim, list[Entry]]:
    # C1 is answered with its line L1 and a line X8 of ours that it did not name (paid 20.00,
    # CO-45 10.00): X8's payment is held. Our claim CLM-Z has two lines alike (30.00 each).
    one = claim("C1", [item("L1", "100")])
    answer = clp(
        "C1",
        "130",
        "120",
        svc("L1", "100", "100"),
        svc("X8", "30", "20", *cas("CO", ("45", "10"))),
    )
    r = attrs.evolve(remit("120", [answer]), payer=payer)
    plan, after = post(r, [one], charges(one))
    (held,) = [e for e in plan.entries if isinstance(e, CashHeld)]
    z = claim("CLM-Z", [item("LZ1", "30"), item("LZ2", "30")], account="A2")
    return r, held, z, [*after, *charges(z)]


_TO_LZ2 = [
    ("PaymentReceived", None, "20.00", ""),
    ("PaymentApplied", "LZ2", "20.00", "primary"),
    ("Adjustment", "LZ2", "10.00", "CO-45"),
    ("CreditTransfer", None, "20.00", "-> A2"),
]


def test_a_held_line_is_applied_to_the_line_the_caller_names() -> None:
    r, held, z, history = _a_held_line()
    assert held.service_line == 2
    plan = apply_unapplied(held, r, z, history, effective=PAID_ON, lines={2: "LZ2"})
    assert summary(plan.entries) == _TO_LZ2
    # without naming it, the line matches both of CLM-Z's lines: nothing on a guess
    plain = apply_unapplied(held, r, z, history, effective=PAID_ON)
    assert [f.rule for f in plain.errors] == ["posting.unmatched_line"]


def test_held_cash_of_a_payer_named_otherwise_is_applied_to_a_claim_of_that_payer() -> None:
    # The file's payer id 60054 names none of ours; the held cash is acme's (the one payer
    # billed), and CLM-Z is billed to acme: it may take it.
    r, held, z, history = _a_held_line(payer="60054")
    assert held.party == Party.payer("acme")
    plan = apply_unapplied(held, r, z, history, effective=PAID_ON, lines={2: "LZ2"})
    assert summary(plan.entries) == _TO_LZ2


def test_held_cash_is_refused_against_a_remittance_that_did_not_hold_it() -> None:
    r, held, z, history = _a_held_line()
    other = attrs.evolve(r, id="R-OTHER")  # the same payer and trace number, another file
    plan = apply_unapplied(held, other, z, history, effective=PAID_ON, lines={2: "LZ2"})
    assert [(f.rule, f.message) for f in plan.errors] == [
        ("posting.held_unknown", "is not money of remittance R-OTHER")
    ]
    # the remittance given says line 2 paid 25.00, not the 20.00 held
    answer = r.claims[0]
    dearer = attrs.evolve(answer.lines[1], paid=usd("25"), adjustments=cas("CO", ("45", "5")))
    changed = attrs.evolve(r, claims=[attrs.evolve(answer, lines=[answer.lines[0], dearer])])
    plan = apply_unapplied(held, changed, z, history, effective=PAID_ON, lines={2: "LZ2"})
    assert [(f.rule, f.message) for f in plan.errors] == [
        ("posting.held_unknown", "is not the payment of line 2 of claim payment 'C1'")
    ]


def test_a_plans_entries_for_an_account_are_that_accounts_only() -> None:
    r, held, _, _ = _a_held_line()
    one = claim("C1", [item("L1", "100")])
    plan = plan_posting(r, [one], charges(one))
    assert [e.id for e in plan.entries_for("A1")] == [
        e.id for e in plan.entries if not isinstance(e, CashHeld)
    ]
    assert plan.entries_for(held.account_id) == (plan.entries[-1],)


def test_held_cash_applied_to_a_claim_with_an_accented_id_gets_a_hex_key() -> None:
    r, held, z, history = _a_held_line()
    accented = attrs.evolve(z, id="CLM-Zé")
    plan = apply_unapplied(held, r, accented, history, effective=PAID_ON, lines={2: "LZ2"})
    assert summary(plan.entries) == _TO_LZ2
    assert len(plan.idempotency_key) == 64 and set(plan.idempotency_key) <= set("0123456789abcdef")


def test_a_reversal_relies_on_the_patient_bucket_as_the_history_holds_it() -> None:
    # The original C1 paid 30.00 on L1 and moved PR-1 20.00 to the patient (accepted
    # unbalanced: 50.00 left in the primary bucket). A file then answers the replacement claim
    # C1R (same line) moving PR-2 10.00 to the patient, then reverses C1. The reversal reads
    # the patient bucket at 30.00 within the plan, but relies on the 20.00 the history holds:
    # that is what apply_posting finds there.
    c1 = claim("C1", [item("L1", "100")])
    c1r = claim("C1R", [item("L1", "100")])
    original = clp(
        "C1",
        "100",
        "30",
        svc("L1", "100", "30", *cas("PR", ("1", "20"))),
        payer_claim_control_number="P-1",
    )
    first = plan_posting(remit("30", [original]), [c1], charges(c1), accept_unbalanced=True)
    history = [*charges(c1), *apply_posting(first, charges(c1))]
    replacement = clp(
        "C1R",
        "100",
        "0",
        svc("L1", "100", "0", *cas("PR", ("2", "10"))),
        payer_claim_control_number="P-2",
    )
    both = remit("-30", [replacement, original.as_reversal()], trace="TRN-2")
    plan = plan_posting(both, [c1, c1r], history, accept_unbalanced=True)
    assert plan.errors == ()
    assert [(a.line_id, a.bucket, a.open_minor) for a in plan.assumed] == [
        ("L1", Bucket.PRIMARY, 5000),
        ("L1", Bucket.PATIENT, 2000),
    ]
    assert len(apply_posting(plan, history)) == 4


def test_a_held_first_line_is_applied_and_the_application_is_balanced() -> None:
    # X8 is the first of the answer's two lines now (service line 1)
    one = claim("C1", [item("L1", "100")])
    answer = clp(
        "C1",
        "130",
        "120",
        svc("X8", "30", "20", *cas("CO", ("45", "10"))),
        svc("L1", "100", "100"),
    )
    r = remit("120", [answer])
    plan, after = post(r, [one], charges(one))
    (held,) = [e for e in plan.entries if isinstance(e, CashHeld)]
    assert held.service_line == 1
    z = claim("CLM-Z", [item("LZ1", "30"), item("LZ2", "30")], account="A2")
    applied = apply_unapplied(
        held, r, z, [*after, *charges(z)], effective=PAID_ON, lines={1: "LZ2"}
    )
    assert summary(applied.entries) == _TO_LZ2
    # the money moves between accounts: nothing unbalanced was accepted
    assert applied.accepted_unbalanced is False
    # a claim payment whose one line matches nothing is held whole, and applied the same way
    alone = remit("20", [clp("C1", "30", "20", svc("X8", "30", "20", *cas("CO", ("45", "10"))))])
    _, after = post(alone, [one], charges(one))
    (held,) = [e for e in after if isinstance(e, CashHeld)]
    applied = apply_unapplied(
        held, alone, z, [*after, *charges(z)], effective=PAID_ON, lines={1: "LZ2"}
    )
    assert summary(applied.entries) == _TO_LZ2


# ------------------------------------------------------------------------ the plan as HTML


def test_a_plan_in_html_counts_its_entries_and_shows_only_what_it_has() -> None:
    one = claim("C1", [item("L1", "100")])
    denied = clp("C1", "100", "0", svc("L1", "100", "0", *cas("CO", ("50", "100"))), status="4")
    held = plan_posting(remit("0", [denied]), [one], charges(one))._repr_html_()
    assert "total payment $0.00; 1 entry on 1 account(s); ready to apply." in held
    # the hold names no line (an empty cell) and says what it holds: bucket, group, reason
    assert '<td style="text-align:left"></td><td style="text-align:left">primary CO 50</td>' in held
    assert "<p>Follow-ups</p>" in held and "<p>Findings</p>" not in held
    paid = clp("C1", "100", "100", svc("L1", "100", "100"))
    shown = plan_posting(remit("100", [paid]), [one], charges(one))._repr_html_()
    assert "total payment $100.00; 2 entries on 1 account(s); ready to apply." in shown
    assert (
        '<td style="text-align:left">L1</td><td style="text-align:left">payer:acme primary</td>'
        in shown
    )
    assert "<p>Follow-ups</p>" not in shown and "<ul>" not in shown


def test_a_plans_amount_columns_are_right_aligned_in_html() -> None:
    one = claim("C1", [item("L1", "100")])
    unknown = svc("X8", "30", "20", *cas("CO", ("45", "10")))
    cp = clp("C1", "130", "120", svc("L1", "100", "100"), unknown)
    page = plan_posting(remit("120", [cp]), [one], charges(one))._repr_html_()
    assert '<th style="text-align:right">amount</th>' in page
    assert '<td style="text-align:left">L1</td>' in page
    assert (
        '<td style="text-align:left">payer:acme primary</td><td style="text-align:right">$100.00'
        in page
    )
    # the provider postings: the 835-sign amount and the cash, both right-aligned
    assert (
        '<td style="text-align:left">unmatched_line</td><td style="text-align:left">C1 line 2</td>'
        '<td style="text-align:right">-$20.00</td><td style="text-align:right">$20.00</td>'
    ) in page


def test_held_cash_that_was_reversed_cannot_be_applied() -> None:
    r, held, z, history = _a_held_line()
    undo = reverse(held, id="undo-1", effective=PAID_ON, reason="held by mistake")
    plan = apply_unapplied(held, r, z, [*history, undo], effective=PAID_ON, lines={2: "LZ2"})
    assert [(f.rule, f.message) for f in plan.errors] == [
        ("posting.held_reversed", "was reversed (entry undo-1)")
    ]


def test_an_application_names_its_one_claim_payment_claim_1() -> None:
    # LZ2 charged 35.00 takes the held 20.00 and CO-45 10.00: 5.00 stays open
    r, held, _, history = _a_held_line()
    z = claim("CLM-Z", [item("LZ1", "30"), item("LZ2", "35")], account="A2")
    charged = [e for e in history if e.account_id != "A2"] + charges(z)
    plan = apply_unapplied(held, r, z, charged, effective=PAID_ON, lines={2: "LZ2"})
    assert [(f.rule, f.location, f.message) for f in plan.findings] == [
        (
            "posting.left_open",
            "claim 1 (CLM-Z) line 1 (LZ2)",
            "5.00 USD stays open in the primary bucket of line LZ2",
        )
    ]


@pytest.mark.parametrize(
    ("stray", "with_charge", "error", "message"),
    [
        # a line with entries but no charge
        (("A1", "10", "USD"), False, NotFoundError, "line L1 has entries but no charge"),
        # a line spread over two accounts
        (
            ("A9", "0.01", "USD"),
            True,
            ValidationError,
            "line L1: entries name several accounts: A1, A9",
        ),
        # a line in two currencies
        (
            ("A1", "0.01", "EUR"),
            True,
            CurrencyMismatchError,
            "entries in several currencies: EUR, USD",
        ),
    ],
)
def test_applying_on_a_history_with_a_line_the_ledger_refuses_says_which(
    stray: tuple[str, str, str], with_charge: bool, error: type[Exception], message: str
) -> None:
    one = claim("C1", [item("L1", "100")])
    r = remit("100", [clp("C1", "100", "100", svc("L1", "100", "100"))])
    plan = plan_posting(r, [one], charges(one))
    account, amount, currency = stray
    entry = PaymentApplied(
        id="pp",
        account_id=account,
        line_id="L1",
        effective=PAID_ON,
        amount=Money(amount, currency),
        party=Party.patient("P1"),
        bucket=Bucket.PATIENT,
    )
    history = [*charges(one), entry] if with_charge else [entry]
    with pytest.raises(error, match=message):
        apply_posting(plan, history)
