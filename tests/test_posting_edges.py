"""Edges of posting that a subtly wrong implementation would get wrong.

Each test pins a documented behaviour found missing by ``make mutate``; the
expected values are worked out by hand.
"""

from __future__ import annotations

import pytest

from billing_core.codes import GroupCode
from billing_core.errors import StalePlanError
from billing_core.ledger import Adjustment, Bucket
from billing_core.posting import apply_posting, idempotency_key, plan_posting
from posting_kit import DAY, cas, charges, claim, clp, item, remit, svc, usd


def test_a_line_gone_from_the_history_is_stale_with_nothing_open() -> None:
    # Planned against the charge (100.00 open on L1), applied to a history without it:
    # the line has no balance at all now, which is 0.00 open.
    c = claim("C1", [item("L1", "100")])
    r = remit("100", [clp("C1", "100", "100", svc("L1", "100", "100"))])
    plan = plan_posting(r, [c], charges(c))
    assert not plan.refused
    with pytest.raises(StalePlanError, match="planned on 100.00 USD, now 0.00 USD"):
        apply_posting(plan, [])


def test_an_amount_held_for_appeal_counts_against_what_is_open() -> None:
    # L1 was charged 100.00, then 40.00 adjusted off: 60.00 open. The payer denies the
    # whole 100.00 (CO-50, held for appeal by the default policy): holding 100.00 is more
    # than the 60.00 open, so the line is refused.
    c = claim("C1", [item("L1", "100")])
    earlier = Adjustment(
        id="x",
        account_id="A1",
        line_id="L1",
        effective=DAY,
        amount=usd("40"),
        bucket=Bucket.PRIMARY,
        group=GroupCode.CO,
        reason="45",
    )
    denied = clp(
        "C1",
        "100",
        "0",
        svc("L1", "100", "0", *cas("CO", ("50", "100"))),
        status="4",
        payer_claim_control_number="P-1",
    )
    plan = plan_posting(remit("0", [denied]), [c], [*charges(c), earlier])
    assert [f.rule for f in plan.errors] == ["posting.overdrawn"]
    assert plan.errors[0].message == (
        "would take 100.00 USD out of the primary bucket of line L1, which has 60.00 USD open"
    )


def test_entry_ids_are_the_key_prefix_and_a_number_from_one() -> None:
    # Stored ids must not change between releases: the cash entry is named for its
    # account and payer, the others are numbered 1, 2, ... in planning order.
    c = claim("C1", [item("L1", "100")])
    r = remit("100", [clp("C1", "100", "100", svc("L1", "100", "100"))])
    prefix = idempotency_key(r)[:16]
    plan = plan_posting(r, [c], charges(c))
    assert [e.id for e in plan.entries] == [f"{prefix}.received.A1.acme", f"{prefix}.1"]
