"""The conformance tests of documents: round trips, versions, not-found, finds, edits.

Private: the suite is [`StoreConformance`][billing_core.testing.conformance.StoreConformance].
"""

from __future__ import annotations

import threading

import pytest

from billing_core.errors import ConcurrencyError, DuplicateError, NotFoundError
from billing_core.storage import DocumentStore, LedgerStore, Store
from billing_core.testing.conformance._kit import SuiteBase, run_threads


class DocumentTests(SuiteBase):
    """Documents by kind and id, with versions."""

    def test_satisfies_protocols(self, store: Store) -> None:
        """Satisfies protocols."""
        assert isinstance(store, DocumentStore)
        assert isinstance(store, LedgerStore)
        assert isinstance(store, Store)

    def test_document_round_trip(self, store: Store) -> None:
        """Document round trip."""
        doc = self.make_document("D1", "A1")
        added = store.add(doc)
        assert added.version == 1
        got = store.get(type(doc), "D1")
        assert got.value == doc
        assert got.version == 1

    def test_add_refuses_an_existing_id(self, store: Store) -> None:
        """Add refuses an existing id."""
        doc = self.make_document("D1", "A1")
        store.add(doc)
        with pytest.raises(DuplicateError):
            store.add(self.modify_document(doc, 1))
        assert store.get(type(doc), "D1").value == doc

    def test_get_missing_raises_not_found(self, store: Store) -> None:
        """Get missing raises not found."""
        doc = self.make_document("D1", "A1")
        with pytest.raises(NotFoundError):
            store.get(type(doc), "nope")
        with pytest.raises(KeyError):
            store.get(type(doc), "nope")

    def test_replace_bumps_the_version(self, store: Store) -> None:
        """Replace bumps the version."""
        doc = self.make_document("D1", "A1")
        store.add(doc)
        edited = self.modify_document(doc, 1)
        assert store.replace(edited, expected_version=1).version == 2
        got = store.get(type(doc), "D1")
        assert (got.value, got.version) == (edited, 2)

    def test_replace_with_a_stale_version_raises_and_keeps_the_document(self, store: Store) -> None:
        """Replace with a stale version raises and keeps the document."""
        doc = self.make_document("D1", "A1")
        store.add(doc)
        first = self.modify_document(doc, 1)
        store.replace(first, expected_version=1)
        with pytest.raises(ConcurrencyError):
            store.replace(self.modify_document(doc, 2), expected_version=1)
        got = store.get(type(doc), "D1")
        assert (got.value, got.version) == (first, 2)

    def test_replace_missing_raises_not_found(self, store: Store) -> None:
        """Replace missing raises not found."""
        with pytest.raises(NotFoundError):
            store.replace(self.make_document("D404", "A1"), expected_version=1)

    def test_find_by_indexed_field(self, store: Store) -> None:
        """Find by indexed field."""
        docs = [
            self.make_document("D2", "A1"),
            self.make_document("D1", "A1"),
            self.make_document("D3", "A2"),
        ]
        for doc in docs:
            store.add(doc)
        kind = type(docs[0])
        found = store.find(kind, "account_id", "A1")
        assert [v.value.id for v in found] == ["D1", "D2"]
        assert store.find(kind, "account_id", "A9") == []
        with pytest.raises(ValueError, match="indexed"):
            store.find(kind, "no_such_field", "x")

    def test_concurrent_edits_have_one_winner(self, store: Store) -> None:
        """Concurrent edits have one winner."""
        doc = self.make_document("D1", "A1")
        store.add(doc)
        outcomes: list[str] = []
        lock = threading.Lock()

        def edit(i: int) -> None:
            try:
                store.replace(self.modify_document(doc, i), expected_version=1)
                result = "won"
            except ConcurrencyError:
                result = "lost"
            with lock:
                outcomes.append(result)

        run_threads(self.threads, edit)
        assert sorted(outcomes) == ["lost"] * (self.threads - 1) + ["won"]
        assert store.get(type(doc), "D1").version == 2
