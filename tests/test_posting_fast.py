"""Posting's fast paths against their references: the plans must be the same in everything.

``post_lines`` posts a plain line (not denied, positive netted adjustments, no
CR, OA or not-covered PR, answered in full) in one step and sends every other
line to ``post_line``; the fold keeps the plan's moves only when a line may be
read twice; line entries are set from checked parts rather than built by their
constructors. With each switched off in turn (every line through ``post_line``,
the moves always kept, the constructors used), the plan must be equal in
everything: entries (ids, order, amounts, effects), findings, follow-ups and the
balances relied on.
"""

from __future__ import annotations

import datetime
from unittest import mock

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.charges import Category, LineItem
from billing_core.claims import Claim
from billing_core.codes import ProcedureCode
from billing_core.ledger import Bucket, ChargePosted, Entry, Party, PaymentApplied
from billing_core.ledger._effects import effect
from billing_core.money import Money
from billing_core.parties import Coverage, CoverageSequence, Payer
from billing_core.posting import DenialPolicy, PostingPlan, plan_posting
from billing_core.posting import _lines as lines_module
from billing_core.posting import _plan as plan_module
from billing_core.testing.strategies import posting_scenarios
from billing_core.testing.strategies.remittance import PostingScenario

PERTURBATIONS = ("none", "more_open", "less_open", "no_charge", "secondary", "denials_held")


def _perturbed(s: PostingScenario, how: str, pick: int) -> tuple[list[Entry], dict[str, object]]:
    """The scenario's history changed on one line, and the plan's extra arguments."""
    history = list(s.history)
    charge = history[pick % len(history)]
    assert isinstance(charge, ChargePosted)
    line = charge.line_id
    assert line is not None
    day, usd = charge.effective, Money.from_minor(1, charge.amount.currency)
    kwargs: dict[str, object] = {}
    if how == "more_open":  # a cent more open than the remittance takes: left open
        history.append(attrs.evolve(charge, id=f"{charge.id}-more", amount=usd))
    elif how == "less_open" and charge.amount.minor > 1:  # a cent less: overdrawn
        payer = Party.payer(s.claims[0].payer.id)
        history.append(
            PaymentApplied(
                id=f"{charge.id}-paid",
                account_id=charge.account_id,
                line_id=line,
                effective=day,
                amount=usd,
                party=payer,
                bucket=Bucket.PRIMARY,
            )
        )
    elif how == "no_charge":
        del history[pick % len(history)]
    elif how == "secondary":
        kwargs["coverages"] = {c.account_id: [Bucket.PRIMARY, Bucket.SECONDARY] for c in s.claims}
    elif how == "denials_held":
        kwargs["denials"] = DenialPolicy(
            hold=frozenset({"45", "253", "1", "2"}), adjust=frozenset()
        )
    return history, kwargs


def _plan(s: PostingScenario, history: list[Entry], kwargs: dict[str, object]) -> PostingPlan:
    return plan_posting(s.remittance, s.claims, history, **kwargs)  # type: ignore[arg-type]


# Each switch takes a fast path out: the plan made with it must be the plan made without.
SWITCHES = {
    # Every line through post_line.
    "post_line": lambda: mock.patch.object(lines_module, "_FAST", False),
    # The fold keeps its moves always (it keeps them only when a line may be read twice).
    "moves_kept": lambda: mock.patch.object(plan_module, "moves_read_again", return_value=True),
    # Entries made by their constructors (as for a date that is not a plain date).
    "constructors": lambda: mock.patch.object(plan_module, "is_plain_date", return_value=False),
}


@pytest.mark.parametrize("switch", sorted(SWITCHES))
@settings(max_examples=150)
@given(posting_scenarios(), st.sampled_from(PERTURBATIONS), st.integers(0, 1_000))
def test_each_fast_path_plans_what_its_reference_plans(
    switch: str, s: PostingScenario, how: str, pick: int
) -> None:
    history, kwargs = _perturbed(s, how, pick)
    fast = _plan(s, history, kwargs)
    with SWITCHES[switch]():
        reference = _plan(s, history, kwargs)
    assert fast == reference
    assert fast.findings == reference.findings
    assert fast.follow_ups == reference.follow_ups
    assert fast.assumed == reference.assumed
    assert [type(e) for e in fast.entries] == [type(e) for e in reference.entries]
    # The effect is not compared by ==: it must be the very one the reference builds.
    assert all(effect(a) is effect(b) for a, b in zip(fast.entries, reference.entries, strict=True))


def test_a_plain_line_posts_its_payment_then_write_offs_then_moves() -> None:
    # One line of 100.00: paid 60.00, CO-45 25.00, PR-2 15.00, worked out by hand.
    from billing_core.remittance import CasAdjustment, ClaimPayment, Remittance, ServicePayment

    claims, history, item = _one_line_claims()
    claim, day, code = claims[0], item.service_date, item.procedure
    paid_day = datetime.date(2024, 4, 1)
    usd = lambda minor: Money.from_minor(minor, "USD")  # noqa: E731
    service = ServicePayment(
        line_control_number="L1",
        procedure=code,
        service_date=day,
        charge=usd(10_000),
        paid=usd(6_000),
        adjustments=[
            CasAdjustment(group="PR", reason="2", amount=usd(1_500)),
            CasAdjustment(group="CO", reason="45", amount=usd(2_500)),
        ],
    )
    remittance = Remittance(
        payer="acme",
        payee="1234567893",
        total_payment=usd(6_000),
        payment_method="ACH",
        trace_number="T1",
        paid_date=paid_day,
        claims=[
            ClaimPayment(
                patient_control_number="C1",
                status="1",
                charge=usd(10_000),
                paid=usd(6_000),
                lines=[service],
            )
        ],
    )
    plan = plan_posting(remittance, [claim], history)
    assert not plan.refused, plan.explain()
    line_entries = [e for e in plan.entries if e.line_id == "L1"]
    prefix = plan.idempotency_key[:16]
    assert [(e.id, type(e).__name__, e.amount.minor) for e in line_entries] == [
        (f"{prefix}.1", "PaymentApplied", 6_000),
        (f"{prefix}.2", "Adjustment", 2_500),
        (f"{prefix}.3", "Adjustment", 1_500),
    ]
    co, pr = line_entries[1], line_entries[2]
    assert (co.group.value, co.reason, co.to_bucket) == ("CO", "45", None)  # type: ignore[attr-defined]
    assert (pr.group.value, pr.reason, pr.to_bucket) == ("PR", "2", Bucket.PATIENT)  # type: ignore[attr-defined]
    assert [(a.line_id, a.bucket, a.open_minor) for a in plan.assumed] == [
        ("L1", Bucket.PRIMARY, 10_000)
    ]


def _one_line_claims() -> tuple[list[Claim], list[Entry], LineItem]:
    """Claims C1 and C2 (a replacement on the same account) sharing line L1 of 100.00."""
    day = datetime.date(2024, 3, 4)
    item = LineItem(
        id="L1",
        category=Category.PROCEDURE,
        service_date=day,
        procedure=ProcedureCode("CPT", "99213"),
        charge=Money("100.00", "USD"),
    )
    coverage = Coverage(
        id="COV",
        payer=Payer(id="acme", name="Acme"),
        member_id="M1",
        sequence=CoverageSequence.PRIMARY,
    )
    claims = [
        Claim(
            id=cid,
            account_id="A1",
            patient_id="P1",
            coverage=coverage,
            claim_date=day,
            lines=[item],
        )
        for cid in ("C1", "C2")
    ]
    history: list[Entry] = [
        ChargePosted(
            id="c1",
            account_id="A1",
            line_id="L1",
            effective=day,
            amount=item.charge,
            bucket=Bucket.PRIMARY,
        )
    ]
    return claims, history, item


def test_a_line_shared_by_two_answered_claims_is_not_spent_twice() -> None:
    # Both claims are paid 100.00 on L1 in one remittance: the first takes the 100.00 open,
    # so the second finds nothing open (the plan's own moves are kept for a line read twice).
    from billing_core.remittance import ClaimPayment, Remittance, ServicePayment

    claims, history, item = _one_line_claims()
    usd = Money("100.00", "USD")
    payments = [
        ClaimPayment(
            patient_control_number=cid,
            status="1",
            charge=usd,
            paid=usd,
            lines=[
                ServicePayment(
                    line_control_number="L1",
                    procedure=item.procedure,
                    service_date=item.service_date,
                    charge=usd,
                    paid=usd,
                )
            ],
        )
        for cid in ("C1", "C2")
    ]
    remittance = Remittance(
        payer="acme",
        payee="1234567893",
        total_payment=Money("200.00", "USD"),
        payment_method="ACH",
        trace_number="T2",
        paid_date=datetime.date(2024, 4, 1),
        claims=payments,
    )
    plan = plan_posting(remittance, claims, history)
    assert plan.refused
    assert [(f.location, f.rule, f.message) for f in plan.errors] == [
        (
            "claim 2 (C2) line 1 (L1)",
            "posting.overdrawn",
            "would take 100.00 USD out of the primary bucket of line L1, which has 0.00 USD open",
        )
    ]
