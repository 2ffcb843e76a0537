"""The conformance tests of batches across accounts: all or nothing, once, concurrently.

Private: the suite is [`StoreConformance`][billing_core.testing.conformance.StoreConformance].
"""

from __future__ import annotations

import threading

import attrs
import pytest

from billing_core.errors import ConcurrencyError, DuplicateError
from billing_core.storage import AppendRequest, AppendResult, BatchResult, Store, recorded_batch
from billing_core.testing.conformance._kit import SuiteBase, run_threads, until_current


class BatchTests(SuiteBase):
    """Batches over several accounts' ledgers."""

    def test_batch_appends_to_every_account(self, store: Store) -> None:
        """A batch appends to every account and reports each one's version."""
        store.append("A2", self.make_entries("A2", 1, prefix="old"), 0, "k0")
        result = store.append_batch(
            [self._request("A1", 2, "a", 0), self._request("A2", 3, "b", 1)], "batch-1"
        )
        assert result == BatchResult(
            results=[
                AppendResult(account_id="A1", version=2, entry_ids=("a-0", "a-1")),
                AppendResult(account_id="A2", version=4, entry_ids=("b-0", "b-1", "b-2")),
            ],
            duplicate=False,
        )
        assert [e.id for e in store.read("A1")[0]] == ["a-0", "a-1"]
        assert [e.id for e in store.read("A2")[0]] == ["old-0", "b-0", "b-1", "b-2"]

    def test_a_stale_account_refuses_the_whole_batch(self, store: Store) -> None:
        """One stale account: ConcurrencyError, nothing written anywhere, key unused."""
        store.append("A2", self.make_entries("A2", 1, prefix="old"), 0, "k0")
        batch = [self._request("A1", 2, "a", 0), self._request("A2", 1, "b", 0)]
        with pytest.raises(ConcurrencyError, match="A2"):
            store.append_batch(batch, "batch-1")
        assert store.read("A1") == ((), 0)
        assert [e.id for e in store.read("A2")[0]] == ["old-0"]
        fixed = [self._request("A1", 2, "a", 0), self._request("A2", 1, "b", 1)]
        assert not store.append_batch(fixed, "batch-1").duplicate
        assert store.read("A1")[1] == 2
        assert store.read("A2")[1] == 2

    def test_a_bad_entry_refuses_the_whole_batch(self, store: Store) -> None:
        """An invalid entry in one account's part writes nothing to any account."""
        store.append("A2", self.make_entries("A2", 1, prefix="old"), 0, "k0")
        clash = AppendRequest(
            account_id="A2", entries=self.make_entries("A2", 1, prefix="old"), expected_version=1
        )
        with pytest.raises(DuplicateError):
            store.append_batch([self._request("A1", 2, "a", 0), clash], "batch-1")
        foreign = AppendRequest(
            account_id="A2", entries=self.make_entries("A3", 1, prefix="x"), expected_version=1
        )
        with pytest.raises(ValueError, match="account"):
            store.append_batch([self._request("A1", 2, "a", 0), foreign], "batch-2")
        twice = [self._request("A1", 1, "a", 0), self._request("A1", 1, "b", 0)]
        with pytest.raises(ValueError, match="twice"):
            store.append_batch(twice, "batch-3")
        assert store.read("A1") == ((), 0)
        assert store.read("A3") == ((), 0)
        assert store.read("A2")[1] == 1

    def test_batch_idempotency_returns_the_earlier_result(self, store: Store) -> None:
        """A used key returns the earlier batch result, whatever is asked now."""
        batch = [self._request("A1", 2, "a", 0), self._request("A2", 1, "b", 0)]
        first = store.append_batch(batch, "remit-1")
        again = store.append_batch(batch, "remit-1")
        assert again.duplicate
        assert again == BatchResult(
            results=[attrs.evolve(r, duplicate=True) for r in first.results], duplicate=True
        )
        other = [self._request("A3", 1, "z", 7)]
        assert store.append_batch(other, "remit-1") == again
        assert store.append("A1", [], 99, "remit-1") == again.result_for("A1")
        assert store.read("A3") == ((), 0)
        assert (store.read("A1")[1], store.read("A2")[1]) == (2, 1)

    def test_an_empty_batch_records_the_key(self, store: Store) -> None:
        """An empty batch records the key (and a key used by append is used for batches)."""
        assert store.append_batch([], "empty") == BatchResult(results=(), duplicate=False)
        assert store.append_batch([], "empty").duplicate
        store.append("A1", self.make_entries("A1", 1, prefix="a"), 0, "single")
        result = store.append_batch([self._request("A1", 1, "b", 1)], "single")
        assert result.duplicate
        assert result.versions == {"A1": 1}
        assert store.read("A1")[1] == 1

    def test_concurrent_batches_over_overlapping_accounts(self, store: Store) -> None:
        """Threads batching over overlapping accounts lose and duplicate nothing."""
        accounts = ("A1", "A2", "A3")

        def work(t: int) -> None:
            for n in range(self.appends_per_thread):
                # each batch touches two of the three accounts, overlapping the others'
                mine = (accounts[(t + n) % 3], accounts[(t + n + 1) % 3])
                key = f"t{t}-{n}"
                # the lambda runs before the loop moves on
                until_current(
                    lambda: store.append_batch(
                        [self._request(a, 2, f"{key}-{a}", store.read(a)[1]) for a in mine],  # noqa: B023
                        key,  # noqa: B023
                    ),
                    key,
                )

        run_threads(self.threads, work)
        total = 0
        for a in accounts:
            entries, version = store.read(a)
            ids = [e.id for e in entries]
            assert len(ids) == len(set(ids)) == version
            assert all(e.account_id == a for e in entries)
            total += version
        assert total == self.threads * self.appends_per_thread * 2 * 2
        # every batch is whole: both accounts got their two entries, or neither
        for t in range(self.threads):
            for n in range(self.appends_per_thread):
                again = store.append_batch([], f"t{t}-{n}")
                assert again.duplicate
                assert len(again.entry_ids) == 4

    def test_concurrent_retries_of_one_batch_post_once(self, store: Store) -> None:
        """Threads retrying one batch key post it once, on every account."""
        results: list[BatchResult] = []
        lock = threading.Lock()

        def post(_i: int) -> None:
            result = until_current(
                lambda: store.append_batch(
                    [
                        self._request("A1", 2, "remit-A1", store.read("A1")[1]),
                        self._request("A2", 1, "remit-A2", store.read("A2")[1]),
                    ],
                    "remit-835-2",
                ),
                "batch",
            )
            with lock:
                results.append(result)

        run_threads(self.threads, post)
        assert sum(not r.duplicate for r in results) == 1
        assert len({r.entry_ids for r in results}) == 1
        assert (store.read("A1")[1], store.read("A2")[1]) == (2, 1)

    def test_a_key_is_looked_up_without_being_used(self, store: Store) -> None:
        """A request at version -1 reads a key (see recorded_batch) and never uses one."""
        assert recorded_batch(store, "k") is None
        first = store.append_batch([self._request("A1", 2, "a", 0)], "k")
        assert recorded_batch(store, "k") == BatchResult(
            results=[attrs.evolve(r, duplicate=True) for r in first.results], duplicate=True
        )
        assert recorded_batch(store, "k2") is None
        assert not store.append_batch([self._request("A1", 1, "b", 2)], "k2").duplicate
        assert store.read("A1")[1] == 3
