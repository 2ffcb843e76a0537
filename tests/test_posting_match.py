"""Posting: matching the payer's answer to our lines, and spreading claim-level amounts."""

from __future__ import annotations

import pytest

from billing_core.balances import line_balances
from billing_core.codes import ProcedureCode
from billing_core.errors import ValidationError
from billing_core.ledger import Adjustment, Bucket
from billing_core.money import Money
from billing_core.posting import (
    ClaimLevelRule,
    DenialPolicy,
    FollowUpKind,
    ProviderPostingKind,
    UnmatchedPolicy,
    apply_posting,
    plan_posting,
)
from posting_kit import PAID_ON, cas, charges, claim, clp, item, post, remit, summary, svc, usd


@pytest.mark.parametrize(
    ("rule", "designated", "expected"),
    [
        # 10.00 over charges 100/200: 3.333.. and 6.666.. -> 3.33 and 6.67
        (ClaimLevelRule.PROPORTIONAL_TO_CHARGE, None, ["3.33", "6.67"]),
        # over paid 90/60: 6.00 and 4.00
        (ClaimLevelRule.PROPORTIONAL_TO_PAID, None, ["6.00", "4.00"]),
        (ClaimLevelRule.DESIGNATED_LINE, {"C1": "L2"}, [None, "10.00"]),
    ],
)
def test_claim_level_adjustment_distribution(
    rule: ClaimLevelRule, designated: dict[str, str] | None, expected: list[str | None]
) -> None:
    c = claim("C1", [item("L1", "100"), item("L2", "200")])
    r = remit(
        "140",
        [
            clp(
                "C1",
                "300",
                "140",
                svc("L1", "100", "90", *cas("CO", ("45", "10"))),
                svc("L2", "200", "60", *cas("CO", ("45", "140"))),
                adjustments=cas("CO", ("253", "10")),
            )
        ],
    )
    plan, after = post(r, [c], charges(c), claim_level_rule=rule, designated_lines=designated)
    shares = {
        e.line_id: str(e.amount.amount)
        for e in plan.entries
        if isinstance(e, Adjustment) and e.reason == "253"
    }
    assert [shares.get("L1"), shares.get("L2")] == expected
    lb = line_balances(after, PAID_ON)
    assert lb["L1"].balance == usd("0") and lb["L2"].balance == usd("0")
    total_253 = sum(Money(s, "USD").minor for s in shares.values())
    assert total_253 == 1000  # exact to the cent


def test_claim_answered_without_lines_is_spread_over_our_lines() -> None:
    # Institutional style: CLP only, CO-45 at claim level.
    c = claim("666123", [item("L1", "100.00"), item("L2", "200.01")])
    r = remit("200.01", [clp("666123", "300.01", "200.01", adjustments=cas("CO", ("45", "100")))])
    _, after = post(r, [c], charges(c))
    lb = line_balances(after, PAID_ON)
    # CO-45 100.00 by charge 100.00/200.01: 33.33 / 66.67; each line's paid is what is left
    assert lb["L1"].adjusted == usd("33.33") and lb["L1"].paid == usd("66.67")
    assert lb["L2"].adjusted == usd("66.67") and lb["L2"].paid == usd("133.34")
    assert lb["L1"].balance == lb["L2"].balance == usd("0")


def test_dropped_line_control_number_falls_back_to_procedure_date_charge() -> None:
    c = claim(
        "C1",
        [
            item("L1", "100", procedure=ProcedureCode("CPT", "99213", ["25"])),
            item("L2", "50", procedure=ProcedureCode("CPT", "36415")),
        ],
    )
    r = remit(
        "150",
        [
            clp(
                "C1",
                "150",
                "150",
                svc(None, "50", "50", procedure=ProcedureCode("CPT", "36415")),
                svc(None, "100", "100"),
            )
        ],  # payer dropped the modifier too
    )
    plan, after = post(r, [c], charges(c))
    assert [f.rule for f in plan.findings] == ["posting.line_matched_by_service"] * 2
    lb = line_balances(after, PAID_ON)
    assert lb["L1"].paid == usd("100") and lb["L2"].paid == usd("50")


def test_ambiguous_fallback_is_refused_not_guessed() -> None:
    c = claim("C1", [item("L1", "100"), item("L2", "100")])
    r = remit(
        "100",
        [
            clp(
                "C1",
                "200",
                "100",
                svc(None, "100", "100"),
                svc("L2", "100", "0", *cas("CO", ("45", "100"))),
            )
        ],
    )
    plan = plan_posting(r, [c], charges(c))
    # L2 is taken by its control number, so only L1 remains: matched, not ambiguous
    assert not plan.refused
    r2 = remit("200", [clp("C1", "200", "200", svc(None, "100", "100"), svc(None, "100", "100"))])
    plan2 = plan_posting(r2, [c], charges(c), unmatched=UnmatchedPolicy.REFUSE)
    assert plan2.refused and plan2.entries == ()
    assert {f.rule for f in plan2.errors} == {"posting.unmatched_line"}
    assert plan2.errors[0].location == "claim 1 (C1) line 1"
    # held by default: no line matched, so the claim payment is held whole, nothing guessed
    held = plan_posting(r2, [c], charges(c))
    assert not held.refused
    assert summary(held.entries) == [("CashHeld", None, "200.00", "C1")]
    assert [f.kind for f in held.follow_ups] == [FollowUpKind.UNMATCHED]


def test_unmatched_claim_is_refused_or_held() -> None:
    c = claim("C1", [item("L1", "100")])
    r = remit("150", [clp("C1", "100", "100", svc("L1", "100", "100")), clp("ZZZ", "50", "50")])
    history = charges(c)
    refused = plan_posting(r, [c], history, unmatched=UnmatchedPolicy.REFUSE)
    assert refused.refused and refused.entries == () and refused.provider_entries == ()
    assert refused.errors[0].location == "claim 2 (ZZZ)"
    with pytest.raises(ValidationError, match="no claim 'ZZZ'"):
        apply_posting(refused, charges(c))
    held = plan_posting(r, [c], history)  # UnmatchedPolicy.HOLD is the default
    assert not held.refused
    assert [p.kind for p in held.provider_entries] == [ProviderPostingKind.UNMATCHED_CLAIM]
    assert held.reconciliation().ok


def test_line_control_number_of_another_claim() -> None:
    c1 = claim("C1", [item("L1", "100")])
    c2 = claim("C2", [item("L2", "100")])
    r = remit("100", [clp("C1", "100", "100", svc("L2", "100", "100"))])
    plan = plan_posting(r, [c1, c2], charges(c1, c2))
    (error,) = plan.errors
    assert error.rule == "posting.line_of_other_claim"
    assert error.location == "claim 1 (C1) line 1 (L2)"


def test_two_claims_with_one_line_id_are_refused() -> None:
    # balances are keyed by line id: the plan must not mix two accounts' lines named "1"
    c1 = claim("C1", [item("1", "100")])
    c2 = claim("C2", [item("1", "100")], account="A2")
    r = remit("100", [clp("C1", "100", "100", svc("1", "100", "100"))])
    plan = plan_posting(r, [c1, c2], charges(c1))
    assert plan.refused and plan.entries == ()
    assert [(f.rule, f.location) for f in plan.errors] == [
        ("posting.duplicate_line_id", "claim C2 line 1")
    ]
    # a replacement claim on the same account reuses the original's line items: fine
    c3 = claim("C3", [item("1", "100")])
    assert not plan_posting(r, [c1, c3], charges(c1)).refused


def test_same_claim_twice_is_refused_unless_reversal_and_correction() -> None:
    c = claim("C1", [item("L1", "100")])
    cp = clp("C1", "100", "50", svc("L1", "100", "50", *cas("CO", ("45", "50"))))
    plan = plan_posting(remit("100", [cp, cp]), [c], charges(c))
    assert "posting.duplicate_claim" in {f.rule for f in plan.errors}
    assert plan.entries == ()


def test_a_denial_answered_without_service_lines_plans_without_error() -> None:
    # CLP only, paid 0, the whole charge denied at claim level: each line's share of
    # the CO-50 is its whole charge, and what each line paid is exactly 0.00.
    c = claim("C1", [item("L1", "100.00"), item("L2", "50.01")])
    r = remit("0", [clp("C1", "150.01", "0", status="4", adjustments=cas("CO", ("50", "150.01")))])
    plan, after = post(r, [c], charges(c), denials=DenialPolicy(hold=()))
    assert plan.findings == ()
    assert summary(plan.entries) == [
        ("Adjustment", "L1", "100.00", "CO-50"),
        ("Adjustment", "L2", "50.01", "CO-50"),
    ]
    assert [f.kind for f in plan.follow_ups] == [FollowUpKind.DENIED]
    lb = line_balances(after, PAID_ON)
    assert lb["L1"].balance == lb["L2"].balance == usd("0")
    # by default CO-50 (medical necessity) is held for appeal: one hold for the claim
    held, after = post(r, [c], charges(c))
    assert summary(held.entries) == [("AppealHold", None, "150.01", "CO-50 held")]
    assert [f.kind for f in held.follow_ups] == [FollowUpKind.APPEAL]
    lb = line_balances(after, PAID_ON)
    assert lb["L1"].open.of(Bucket.PRIMARY) == usd("100.00")
    assert lb["L2"].open.of(Bucket.PRIMARY) == usd("50.01")


def test_claim_level_amounts_never_adjust_a_line_below_zero_for_a_rounding_tie() -> None:
    # Two lines of 0.01, two claim-level adjustments of 0.01: split one by one with ties
    # going to the first line, both cents landed on L1 (-0.01 left to pay) and the plan
    # was refused. Each adjustment now fills what a line has left.
    c = claim("C1", [item("L1", "0.01"), item("L2", "0.01")])
    r = remit(
        "0",
        [clp("C1", "0.02", "0", adjustments=cas("CO", ("45", "0.01"), ("253", "0.01")))],
    )
    plan, after = post(r, [c], charges(c), denials=DenialPolicy(hold=()))
    assert summary(plan.entries) == [
        ("Adjustment", "L1", "0.01", "CO-45"),
        ("Adjustment", "L2", "0.01", "CO-253"),
    ]
    lb = line_balances(after, PAID_ON)
    assert lb["L1"].balance == lb["L2"].balance == usd("0")
