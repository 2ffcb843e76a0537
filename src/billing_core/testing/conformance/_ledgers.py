"""The conformance tests of one account's ledger: appends, versions, keys, concurrency.

Private: the suite is [`StoreConformance`][billing_core.testing.conformance.StoreConformance].
"""

from __future__ import annotations

import threading

import attrs
import pytest

from billing_core.errors import ConcurrencyError, DuplicateError
from billing_core.storage import AppendResult, Store
from billing_core.testing.conformance._kit import (
    SuiteBase,
    every_entry_type,
    run_threads,
    until_current,
)


class LedgerTests(SuiteBase):
    """One account's append-only ledger, with optimistic concurrency and idempotency."""

    def test_read_of_an_unknown_account_is_empty(self, store: Store) -> None:
        """Read of an unknown account is empty."""
        assert store.read("nobody") == ((), 0)

    def test_append_and_read_back(self, store: Store) -> None:
        """Append and read back."""
        first = self.make_entries("A1", 3, prefix="a")
        second = self.make_entries("A1", 2, prefix="b")
        r1 = store.append("A1", first, expected_version=0, idempotency_key="k1")
        assert r1 == AppendResult(
            account_id="A1", version=3, entry_ids=("a-0", "a-1", "a-2"), duplicate=False
        )
        r2 = store.append("A1", second, expected_version=3, idempotency_key="k2")
        assert r2.version == 5
        entries, version = store.read("A1")
        assert list(entries) == first + second
        assert version == 5
        assert store.read("A2") == ((), 0)

    def test_every_entry_type_round_trips(self, store: Store) -> None:
        """Every entry type round trips."""
        history = every_entry_type("A1")
        store.append("A1", history, expected_version=0, idempotency_key="all")
        entries, version = store.read("A1")
        assert list(entries) == history
        assert [type(e) for e in entries] == [type(e) for e in history]
        assert version == len(history)

    def test_stale_version_raises_and_writes_nothing(self, store: Store) -> None:
        """Stale version raises and writes nothing."""
        store.append("A1", self.make_entries("A1", 2, prefix="a"), 0, "k1")
        with pytest.raises(ConcurrencyError):
            store.append("A1", self.make_entries("A1", 1, prefix="b"), 1, "k2")
        with pytest.raises(ConcurrencyError):
            store.append("A1", self.make_entries("A1", 1, prefix="b"), 3, "k2")
        entries, version = store.read("A1")
        assert version == 2
        assert [e.id for e in entries] == ["a-0", "a-1"]
        # the key of the refused append was not consumed
        assert not store.append("A1", self.make_entries("A1", 1, prefix="b"), 2, "k2").duplicate

    def test_idempotency_key_returns_the_earlier_result(self, store: Store) -> None:
        """Idempotency key returns the earlier result."""
        batch = self.make_entries("A1", 2, prefix="a")
        first = store.append("A1", batch, expected_version=0, idempotency_key="remit-1")
        again = store.append("A1", batch, expected_version=0, idempotency_key="remit-1")
        assert again == attrs.evolve(first, duplicate=True)
        other = self.make_entries("A1", 1, prefix="z")
        assert store.append("A1", other, 7, "remit-1") == again
        entries, version = store.read("A1")
        assert (len(entries), version) == (2, 2)

    def test_idempotency_keys_are_store_wide(self, store: Store) -> None:
        """Idempotency keys are store wide."""
        store.append("A1", self.make_entries("A1", 1, prefix="a"), 0, "shared")
        result = store.append("A2", self.make_entries("A2", 1, prefix="b"), 0, "shared")
        assert result == AppendResult(account_id="A2", version=0, entry_ids=(), duplicate=True)
        assert store.read("A2") == ((), 0)

    def test_empty_append_records_the_key(self, store: Store) -> None:
        """Empty append records the key."""
        assert store.append("A1", [], 0, "empty") == AppendResult(
            account_id="A1", version=0, entry_ids=(), duplicate=False
        )
        assert store.append("A1", [], 0, "empty").duplicate

    def test_a_batch_with_a_duplicate_id_writes_nothing(self, store: Store) -> None:
        """A batch with a duplicate id writes nothing."""
        store.append("A1", self.make_entries("A1", 2, prefix="a"), 0, "k1")
        clash = self.make_entries("A1", 1, prefix="b") + self.make_entries("A1", 1, prefix="a")
        with pytest.raises(DuplicateError):
            store.append("A1", clash, 2, "k2")
        twice = self.make_entries("A1", 1, prefix="c") * 2
        with pytest.raises(DuplicateError):
            store.append("A1", twice, 2, "k3")
        entries, version = store.read("A1")
        assert ([e.id for e in entries], version) == (["a-0", "a-1"], 2)
        assert not store.append("A1", self.make_entries("A1", 1, prefix="b"), 2, "k2").duplicate

    def test_an_entry_of_another_account_writes_nothing(self, store: Store) -> None:
        """An entry of another account writes nothing."""
        mixed = self.make_entries("A1", 1, prefix="a") + self.make_entries("A2", 1, prefix="b")
        with pytest.raises(ValueError, match="account"):
            store.append("A1", mixed, 0, "k1")
        assert store.read("A1") == ((), 0)
        assert store.read("A2") == ((), 0)

    def test_concurrent_appends_lose_and_duplicate_nothing(self, store: Store) -> None:
        """Concurrent appends lose and duplicate nothing."""

        def work(t: int) -> None:
            for n in range(self.appends_per_thread):
                batch = self.make_entries("A1", 2, prefix=f"t{t}-{n}")
                key = f"t{t}-{n}"
                # the lambda runs before the loop moves on
                until_current(lambda: store.append("A1", batch, store.read("A1")[1], key), key)  # noqa: B023

        run_threads(self.threads, work)
        entries, version = store.read("A1")
        ids = [e.id for e in entries]
        expected = {
            f"t{t}-{n}-{i}"
            for t in range(self.threads)
            for n in range(self.appends_per_thread)
            for i in range(2)
        }
        assert len(ids) == len(set(ids)) == version == len(expected)
        assert set(ids) == expected

    def test_concurrent_retries_of_one_key_post_once(self, store: Store) -> None:
        """Concurrent retries of one key post once."""
        batch = self.make_entries("A1", 3, prefix="remit")
        results: list[AppendResult] = []
        lock = threading.Lock()

        def post(_i: int) -> None:
            result = until_current(
                lambda: store.append("A1", batch, store.read("A1")[1], "remit-835-1"), "append"
            )
            with lock:
                results.append(result)

        run_threads(self.threads, post)
        assert sum(not r.duplicate for r in results) == 1
        assert len({attrs.evolve(r, duplicate=False) for r in results}) == 1
        entries, version = store.read("A1")
        assert (list(entries), version) == (batch, 3)
