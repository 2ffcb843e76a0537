"""Edges of posting that a subtly wrong implementation would get wrong.

Each test pins a documented behaviour found missing by ``make mutate``; the
expected values are worked out by hand.
"""

from __future__ import annotations

import pytest

from billing_core.errors import StalePlanError
from billing_core.posting import apply_posting, plan_posting
from posting_kit import charges, claim, clp, item, remit, svc


def test_a_line_gone_from_the_history_is_stale_with_nothing_open() -> None:
    # Planned against the charge (100.00 open on L1), applied to a history without it:
    # the line has no balance at all now, which is 0.00 open.
    c = claim("C1", [item("L1", "100")])
    r = remit("100", [clp("C1", "100", "100", svc("L1", "100", "100"))])
    plan = plan_posting(r, [c], charges(c))
    assert not plan.refused
    with pytest.raises(StalePlanError, match="planned on 100.00 USD, now 0.00 USD"):
        apply_posting(plan, [])
