"""The storage conformance suite: run it against your own store with a few lines of pytest.

Subclass [`StoreConformance`][] in a test module and override the
``store`` fixture to return a fresh, empty store; pytest then runs every
test of the suite against it: document round-trips, version conflicts,
not-found, idempotent and all-or-nothing appends (one account, and batches
across accounts), round-trips of every entry type, and concurrent appends,
batches, edits and retries from several threads with no entry lost or
duplicated.

```python
import pytest
from billing_core.testing.conformance import StoreConformance

class TestMyStore(StoreConformance):
    @pytest.fixture
    def store(self, tmp_path):
        return MyStore(tmp_path / "billing.db")
```

The factories [`StoreConformance.make_document`][],
[`StoreConformance.modify_document`][] and [`StoreConformance.make_entries`][]
build real billing_core objects; override them if your store holds other kinds.

Examples:
    >>> from billing_core.testing.memory import InMemoryStore
    >>> suite = StoreConformance()
    >>> store = InMemoryStore()
    >>> store.add(suite.make_document("B1", "A1")).version
    1
    >>> [e.id for e in suite.make_entries("A1", 2, prefix="x")]
    ['x-0', 'x-1']
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable
from typing import Any, Final

import attrs
import pytest

from billing_core.bills import Bill, BillStatus
from billing_core.codes import GroupCode
from billing_core.errors import ConcurrencyError, DuplicateError, NotFoundError
from billing_core.ledger import (
    Adjustment,
    Bucket,
    ChargePosted,
    Entry,
    Party,
    PaymentApplied,
    PaymentReceived,
    Refund,
    Transfer,
    WriteOff,
    WriteOffReason,
    reverse,
)
from billing_core.money import Money
from billing_core.parties import Patient
from billing_core.storage import (
    AppendRequest,
    AppendResult,
    BatchResult,
    DocumentStore,
    LedgerStore,
    Store,
)

__all__ = ["StoreConformance", "every_entry_type"]

_DAY = datetime.date(2024, 3, 1)


def _usd(amount: str) -> Money:
    return Money(amount, "USD")


def every_entry_type(account_id: str, *, prefix: str = "e") -> list[Entry]:
    """A valid history of one line using every entry type, reversal included.

    Examples:
        >>> [type(e).__name__ for e in every_entry_type("A1")][:3]
        ['ChargePosted', 'PaymentReceived', 'PaymentApplied']
    """
    line = f"{prefix}-L1"
    payer = Party.payer("AETNA")
    patient = Party.patient("P1")
    common: dict[str, Any] = {"account_id": account_id, "effective": _DAY}
    write_off = WriteOff(
        id=f"{prefix}-w",
        line_id=line,
        amount=_usd("5.00"),
        bucket=Bucket.PATIENT,
        reason=WriteOffReason.SMALL_BALANCE,
        **common,
    )
    return [
        ChargePosted(
            id=f"{prefix}-c", line_id=line, amount=_usd("100.00"), bucket=Bucket.PRIMARY, **common
        ),
        PaymentReceived(id=f"{prefix}-pr", amount=_usd("60.00"), party=payer, **common),
        PaymentApplied(
            id=f"{prefix}-pa",
            line_id=line,
            amount=_usd("60.00"),
            party=payer,
            bucket=Bucket.PRIMARY,
            **common,
        ),
        Adjustment(
            id=f"{prefix}-co",
            line_id=line,
            amount=_usd("10.00"),
            bucket=Bucket.PRIMARY,
            group=GroupCode.CO,
            reason="45",
            **common,
        ),
        Adjustment(
            id=f"{prefix}-pr2",
            line_id=line,
            amount=_usd("20.00"),
            bucket=Bucket.PRIMARY,
            group=GroupCode.PR,
            reason="2",
            to_bucket=Bucket.PATIENT,
            **common,
        ),
        Transfer(
            id=f"{prefix}-t",
            line_id=line,
            amount=_usd("10.00"),
            from_bucket=Bucket.PRIMARY,
            to_bucket=Bucket.PATIENT,
            **common,
        ),
        write_off,
        PaymentReceived(id=f"{prefix}-pp", amount=_usd("40.00"), party=patient, **common),
        PaymentApplied(
            id=f"{prefix}-pa2",
            line_id=line,
            amount=_usd("25.00"),
            party=patient,
            bucket=Bucket.PATIENT,
            **common,
        ),
        Refund(id=f"{prefix}-f", amount=_usd("15.00"), party=patient, **common),
        reverse(write_off, id=f"{prefix}-r", effective=_DAY, reason="paid after all"),
    ]


_THREADS_DEADLINE: Final = 120.0


def _run_threads(count: int, work: Callable[[int], None]) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def run(i: int) -> None:
        try:
            barrier.wait()
            work(i)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(count)]
    for t in threads:
        t.start()
    # A bound on the whole run, never a timing assertion: a store that deadlocks fails the
    # test instead of hanging the suite (daemon threads do not keep the interpreter alive).
    deadline = time.monotonic() + _THREADS_DEADLINE
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()))
    hung = sum(t.is_alive() for t in threads)
    if hung:
        raise AssertionError(f"{hung} thread(s) still running after {_THREADS_DEADLINE:.0f} s")
    if errors:
        raise errors[0]


class StoreConformance:
    """The conformance tests of [`Store`][billing_core.storage.Store]; subclass and give a store.

    Class attributes ``threads`` and ``appends_per_thread`` size the
    concurrency tests (4 x 25 by default).

    Examples:
        >>> StoreConformance.threads
        4
    """

    threads: int = 4
    appends_per_thread: int = 25

    @pytest.fixture
    def store(self) -> Store:
        """Override: return a fresh, empty store."""
        raise NotImplementedError("override the `store` fixture to return a fresh store")

    # -- factories (override for other document kinds) ----------------------------

    def make_document(self, id: str, account_id: str) -> Any:
        """A new document with ``id`` on ``account_id`` (default: a draft [`Bill`][]).

        Examples:
            >>> StoreConformance().make_document("B1", "A1").status.value
            'draft'
        """
        return Bill(
            id=id,
            account_id=account_id,
            patient_id="P1",
            bill_to=Patient(id="P1", name="Jane Roe"),
            currency="USD",
        )

    def modify_document(self, document: Any, n: int) -> Any:
        """A changed copy of ``document``, different for every ``n``.

        Examples:
            >>> suite = StoreConformance()
            >>> suite.modify_document(suite.make_document("B1", "A1"), 2).void_reason
            'edit 2'
        """
        return attrs.evolve(document, status=BillStatus.VOID, void_reason=f"edit {n}")

    def make_entries(self, account_id: str, count: int, *, prefix: str) -> list[Entry]:
        """``count`` valid entries for ``account_id`` with ids ``prefix-0``, ``prefix-1``, ...

        Examples:
            >>> len(StoreConformance().make_entries("A1", 3, prefix="b"))
            3
        """
        return [
            ChargePosted(
                id=f"{prefix}-{i}",
                account_id=account_id,
                line_id=f"{prefix}-L{i}",
                effective=_DAY,
                amount=Money.from_minor(100 + i, "USD"),
                bucket=Bucket.PATIENT,
            )
            for i in range(count)
        ]

    # -- protocols ----------------------------------------------------------------

    def test_satisfies_protocols(self, store: Store) -> None:
        """Satisfies protocols."""
        assert isinstance(store, DocumentStore)
        assert isinstance(store, LedgerStore)
        assert isinstance(store, Store)

    # -- documents ----------------------------------------------------------------

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

        _run_threads(self.threads, edit)
        assert sorted(outcomes) == ["lost"] * (self.threads - 1) + ["won"]
        assert store.get(type(doc), "D1").version == 2

    # -- ledgers ------------------------------------------------------------------

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
                for _attempt in range(1000):
                    _, version = store.read("A1")
                    try:
                        store.append("A1", batch, version, f"t{t}-{n}")
                        break
                    except ConcurrencyError:
                        continue
                else:  # pragma: no cover - would mean livelock
                    raise AssertionError("append never succeeded")

        _run_threads(self.threads, work)
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
            for _attempt in range(1000):
                _, version = store.read("A1")
                try:
                    result = store.append("A1", batch, version, "remit-835-1")
                except ConcurrencyError:
                    continue
                with lock:
                    results.append(result)
                return

        _run_threads(self.threads, post)
        assert sum(not r.duplicate for r in results) == 1
        assert len({attrs.evolve(r, duplicate=False) for r in results}) == 1
        entries, version = store.read("A1")
        assert (list(entries), version) == (batch, 3)

    # -- batches across accounts ----------------------------------------------------

    def _request(self, account_id: str, count: int, prefix: str, version: int) -> AppendRequest:
        return AppendRequest(
            account_id=account_id,
            entries=self.make_entries(account_id, count, prefix=prefix),
            expected_version=version,
        )

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
                for _attempt in range(1000):
                    requests = [
                        self._request(a, 2, f"t{t}-{n}-{a}", store.read(a)[1]) for a in mine
                    ]
                    try:
                        store.append_batch(requests, f"t{t}-{n}")
                        break
                    except ConcurrencyError:
                        continue
                else:  # pragma: no cover - would mean livelock
                    raise AssertionError("batch never succeeded")

        _run_threads(self.threads, work)
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
            for _attempt in range(1000):
                requests = [
                    self._request("A1", 2, "remit-A1", store.read("A1")[1]),
                    self._request("A2", 1, "remit-A2", store.read("A2")[1]),
                ]
                try:
                    result = store.append_batch(requests, "remit-835-2")
                except ConcurrencyError:
                    continue
                with lock:
                    results.append(result)
                return

        _run_threads(self.threads, post)
        assert sum(not r.duplicate for r in results) == 1
        assert len({r.entry_ids for r in results}) == 1
        assert (store.read("A1")[1], store.read("A2")[1]) == (2, 1)
