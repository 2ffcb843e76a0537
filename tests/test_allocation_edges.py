"""Edges of allocation that a subtly wrong implementation would get wrong.

Each test pins a documented behaviour found missing by ``make mutate``; the
expected values are written by hand.
"""

from __future__ import annotations

import datetime

import pytest

from billing_core.allocation import OldestFirst, OpenItem, Payment, plan_allocation
from billing_core.ledger import Party
from billing_core.money import Money


def test_a_wrong_item_first_in_the_list_is_named() -> None:
    # Whatever its position, an item that is not an OpenItem is refused with the
    # library's message (not an AttributeError from reading it as one).
    item = OpenItem(
        line_id="L1", service_date=datetime.date(2024, 1, 10), open=Money("30.00", "USD")
    )
    pay = Payment(
        id="PAY-1",
        account_id="A1",
        party=Party.patient("P1"),
        amount=Money("5.00", "USD"),
        received=datetime.date(2024, 5, 1),
    )
    with pytest.raises(TypeError, match=r"open items must be OpenItem values, got 'L4' \(str\)"):
        plan_allocation(pay, ["L4", item], OldestFirst())  # type: ignore[list-item]
