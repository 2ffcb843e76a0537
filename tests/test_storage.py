"""The storage protocols and the in-memory reference store, through the conformance suite."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from billing_core import storage
from billing_core.errors import ConcurrencyError, DuplicateError, NotFoundError, ValidationError
from billing_core.storage import (
    AppendRequest,
    AppendResult,
    BatchResult,
    Store,
    Versioned,
    check_entries,
    check_find,
    check_requests,
    check_versions,
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
    assert Versioned("x", 1) != Versioned("x", 2)  # the version is part of the value


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


def test_check_find_allows_id_and_the_indexed_fields_only() -> None:
    bill = type(StoreConformance().make_document("B1", "A1"))
    for field in ("id", "account_id", "patient_id"):
        check_find(bill, field)
    with pytest.raises(ValueError, match="indexed fields: id, account_id, patient_id"):
        check_find(bill, "status")

    class Note:
        pass

    with pytest.raises(ValueError, match="by 'account_id'; indexed fields: id$"):
        check_find(Note, "account_id")


def test_check_requests_refuses_non_requests_and_repeated_accounts() -> None:
    one = AppendRequest(account_id="A1", entries=[], expected_version=0)
    two = AppendRequest(account_id="A2", entries=[], expected_version=0)
    assert check_requests(iter([one, two])) == (one, two)
    with pytest.raises(TypeError, match="AppendRequest"):
        check_requests([one, "A2"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="'A2' appears twice"):
        check_requests([two, one, two])
    with pytest.raises(ValidationError) as twice:
        check_requests([two, one, two, one, two])
    assert [f.message for f in twice.value.findings] == [
        "account 'A2' appears twice in the batch; nothing was appended",
        "account 'A1' appears twice in the batch; nothing was appended",
    ]


def test_check_versions_names_every_stale_account() -> None:
    batch = [
        AppendRequest(account_id=a, entries=[], expected_version=v)
        for a, v in (("A1", 1), ("A2", 0), ("A3", 4))
    ]
    check_versions(batch, {"A1": 1, "A3": 4})  # A2 is missing: no entries, version 0
    with pytest.raises(ConcurrencyError) as info:
        check_versions(batch, {"A1": 2, "A2": 0, "A3": 5})
    assert str(info.value) == (
        "ledger of account 'A1' is at version 2, not 1;"
        " ledger of account 'A3' is at version 5, not 4; re-read it and retry"
    )


def test_check_entries_returns_the_ids_and_refuses_bad_entries() -> None:
    a = StoreConformance().make_entries("A1", 3, prefix="a")
    assert check_entries("A1", a) == ("a-0", "a-1", "a-2")
    assert check_entries("A1", []) == ()
    with pytest.raises(ValidationError) as foreign:
        check_entries("A2", a)
    assert [str(f) for f in foreign.value.findings] == [
        f"entry a-{i}: belongs to account 'A1', not 'A2'; nothing was appended" for i in range(3)
    ]
    assert isinstance(foreign.value, ValueError)
    with pytest.raises(DuplicateError, match="'a-2' is already in the ledger of account 'A1'"):
        check_entries("A1", a, existing_ids={"a-2", "x"})
    with pytest.raises(DuplicateError, match="'a-1' appears twice in the entries for account"):
        check_entries("A1", [*a, a[1]])


def test_the_reference_store_refuses_with_the_checks_messages() -> None:
    store = InMemoryStore()
    a = StoreConformance().make_entries("A1", 2, prefix="a")
    store.append("A1", a, 0, "k")
    with pytest.raises(DuplicateError) as info:
        store.append("A1", a[:1], 2, "again")
    with pytest.raises(DuplicateError) as expected:
        check_entries("A1", a[:1], {"a-0", "a-1"})
    assert str(info.value) == str(expected.value)
