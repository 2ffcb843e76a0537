"""Workflow edges: a document stored by another writer mid-way, zero waits, result texts."""

from __future__ import annotations

from typing import Any

import pytest

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
