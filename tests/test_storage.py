"""The storage protocols and the in-memory reference store, through the conformance suite."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from billing_core import storage
from billing_core.errors import ConcurrencyError, DuplicateError, NotFoundError
from billing_core.storage import (
    AppendRequest,
    AppendResult,
    BatchResult,
    Store,
    Versioned,
    index_values,
    kind_name,
)
from billing_core.testing.conformance import StoreConformance
from billing_core.testing.memory import InMemoryStore


class TestInMemoryStore(StoreConformance):
    @pytest.fixture
    def store(self) -> Store:
        return InMemoryStore()


def test_errors_live_with_the_protocol() -> None:
    assert storage.NotFoundError is NotFoundError
    assert storage.ConcurrencyError is ConcurrencyError
    assert storage.DuplicateError is DuplicateError


def test_plain_objects_do_not_satisfy_the_protocols() -> None:
    assert not isinstance(object(), storage.DocumentStore)
    assert not isinstance(object(), storage.LedgerStore)


def test_kind_names() -> None:
    class LineItem:
        pass

    assert kind_name(LineItem) == "line_item"


def test_index_values_skip_missing_and_none() -> None:
    suite = StoreConformance()
    bill = suite.make_document("B1", "A1")
    assert index_values(bill) == {"account_id": "A1", "patient_id": "P1"}


def test_results_are_values() -> None:
    assert AppendResult(account_id="A1", version=1, entry_ids=["a"]) == AppendResult(
        account_id="A1", version=1, entry_ids=("a",)
    )
    one = AppendResult(account_id="A1", version=1, entry_ids=["a"])
    assert BatchResult(results=[one]) == BatchResult(results=(one,))
    assert hash(BatchResult(results=[one])) == hash(BatchResult(results=(one,)))
    assert AppendRequest(account_id="A1", entries=[], expected_version=0).entries == ()
    assert Versioned("x", 1) == Versioned("x", 1)


def test_the_store_keeps_the_objects_it_was_given() -> None:
    store = InMemoryStore()
    entries = StoreConformance().make_entries("A1", 2, prefix="a")
    store.append("A1", entries, 0, "k")
    read, _ = store.read("A1")
    assert all(a is b for a, b in zip(read, entries, strict=True))


def test_append_is_the_one_account_batch() -> None:
    """The stores inherit append from the protocol: it goes through append_batch."""
    assert InMemoryStore.append is storage.LedgerStore.append
    calls: list[list[AppendRequest]] = []

    class Spy(InMemoryStore):
        def append_batch(
            self, requests: Sequence[AppendRequest], idempotency_key: str
        ) -> BatchResult:
            calls.append(list(requests))
            return super().append_batch(requests, idempotency_key)

    store = Spy()
    entries = StoreConformance().make_entries("A1", 2, prefix="a")
    assert store.append("A1", entries, 0, "k").version == 2
    assert calls == [[AppendRequest(account_id="A1", entries=entries, expected_version=0)]]


def test_a_request_refuses_a_string_of_entries() -> None:
    with pytest.raises(TypeError, match="not a str"):
        AppendRequest(account_id="A1", entries="abc", expected_version=0)  # type: ignore[arg-type]
