"""Workflow edges: a document stored by another writer mid-way, zero waits, result texts."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.bills import Bill
from billing_core.errors import DuplicateError, NotFoundError, ValidationError
from billing_core.testing.memory import InMemoryStore
from billing_core.workflows import Backoff, post_bill
from test_workflows import CLAIM_DATE, PAID, _bill


class _RacingStore(InMemoryStore):
    """Another writer stores bill B1 between the workflow's read and its add."""

    def __init__(self, theirs: Bill) -> None:
        super().__init__()
        self.theirs, self.hidden = theirs, True

    def get(self, kind: type[Any], id: str) -> Any:
        if kind is Bill and self.hidden:
            self.hidden = False
            self.add(self.theirs)  # stored after our read saw nothing
            raise NotFoundError(f"no {kind.__name__} {id!r}")
        return super().get(kind, id)


def test_a_different_document_stored_by_another_writer_meanwhile_is_refused() -> None:
    store = _RacingStore(_bill("B1", "99.00"))
    with pytest.raises(DuplicateError, match="a different bill with id 'B1' is already stored"):
        post_bill(store, _bill("B1", "10.00"), issued_on=CLAIM_DATE, due_on=PAID)
    assert store.read("A1")[1] == 0  # no charge posted for it


def test_the_same_document_stored_by_another_writer_meanwhile_is_that_retry() -> None:
    mine = _bill("B1", "10.00")
    issued = post_bill(InMemoryStore(), mine, issued_on=CLAIM_DATE, due_on=PAID).bill.value
    store = _RacingStore(issued)
    result = post_bill(store, mine, issued_on=CLAIM_DATE, due_on=PAID)
    assert result.bill.value == issued and store.read("A1")[1] == 1


def test_waits_may_be_zero_but_never_negative() -> None:
    assert Backoff(first_delay=0, max_delay=0, max_total_wait=0).first_delay == 0
    with pytest.raises(ValidationError):
        Backoff(first_delay=-0.001)


def test_each_wait_doubles_past_64_doublings_while_under_the_cap() -> None:
    # random 1.0 takes each cap whole: the k-th wait is min(max_delay, 1 * 2**k)
    backoff = Backoff(first_delay=1, max_delay=1e300, max_total_wait=1e308, random=lambda: 1.0)
    waits = backoff.delays(72)
    assert waits[:3] == [1.0, 2.0, 4.0]
    assert waits[64] == 18446744073709551616.0  # 2**64
    assert waits[65] == 36893488147419103232.0  # 2**65
    assert waits[70] == 1180591620717411303424.0  # 2**70


def test_a_long_run_of_retries_stays_at_the_cap_without_overflowing() -> None:
    # 1, 2, 4, 8, then the 10 s cap for good: 2**1100 is past any float, and still just "the cap"
    backoff = Backoff(first_delay=1, max_delay=10, max_total_wait=1e6, random=lambda: 1.0)
    assert backoff.delays(2001) == [1.0, 2.0, 4.0, 8.0] + [10.0] * 1996


@settings(max_examples=60, deadline=None)
@given(
    base=st.floats(min_value=0, max_value=1e6, allow_nan=False),
    cap=st.floats(min_value=0, max_value=1e300, allow_nan=False),
    k=st.integers(min_value=0, max_value=2500),
)
def test_the_kth_wait_is_the_documented_min_of_cap_and_base_doubled_k_times(
    base: float, cap: float, k: int
) -> None:
    # worked out in exact rationals: min(max_delay, base * 2**k), the whole cap (random 1.0);
    # the waits before it add up to at most 2500 * 1e300, far under the total allowed
    backoff = Backoff(first_delay=base, max_delay=cap, max_total_wait=1e308, random=lambda: 1.0)
    next_wait = backoff.waits()
    for _ in range(k):
        next_wait(0.0)
    doubled = Fraction(base) * 2**k
    expected = cap if doubled >= Fraction(cap) else float(doubled)
    assert next_wait(0.0) == expected
