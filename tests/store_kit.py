"""What the tests of the example store adapters share (SQLite, PostgreSQL)."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Iterable, Sequence
from multiprocessing.process import BaseProcess

import pytest

from billing_core.balances import account_balances
from billing_core.ledger import check_history
from billing_core.storage import AppendRequest, LedgerStore, Store
from billing_core.testing.conformance import StoreConformance


def refusals(store: Store) -> list[str]:
    """The errors a store gives for bad finds and batches, as ``"Type: message"``.

    Run on an adapter and on the in-memory reference: the lists must be equal.
    """
    suite = StoreConformance()
    a = suite.make_entries("A1", 2, prefix="a")
    store.append("A1", a, 0, "setup")
    bad: list[Callable[[], object]] = [
        lambda: store.find(type(suite.make_document("B1", "A1")), "colour", "red"),
        lambda: store.append_batch(
            [
                AppendRequest(account_id="A1", entries=[], expected_version=2),
                AppendRequest(account_id="A1", entries=[], expected_version=2),
            ],
            "twice",
        ),
        lambda: store.append_batch(
            [
                AppendRequest(account_id="A1", entries=[], expected_version=1),
                AppendRequest(account_id="A2", entries=[], expected_version=3),
            ],
            "stale",
        ),
        lambda: store.append("A2", a, 0, "other-account"),
        lambda: store.append("A1", [*suite.make_entries("A1", 1, prefix="b"), a[1]], 2, "taken"),
        lambda: store.append("A1", [*suite.make_entries("A1", 2, prefix="c"), a[0]], 2, "taken"),
        lambda: store.append("A1", suite.make_entries("A1", 1, prefix="d") * 2, 2, "twice-in"),
    ]
    seen = []
    for call in bad:
        with pytest.raises(Exception) as info:  # noqa: PT011 - compared by the caller
            call()
        seen.append(f"{type(info.value).__name__}: {info.value}")
    assert [e.id for e in store.read("A1")[0]] == ["a-0", "a-1"]
    return seen


def finish(processes: Sequence[BaseProcess], deadline: float) -> None:
    """Join every process by ``deadline`` (a ``time.monotonic()``); kill and fail on a hung one.

    One deadline for all, never a timing assertion: a hung worker fails the test instead
    of hanging the suite.
    """
    for p in processes:
        p.join(timeout=max(0.0, deadline - time.monotonic()))
    hung = [p for p in processes if p.is_alive()]
    for p in hung:
        p.kill()
        p.join()
    assert not hung, f"{len(hung)} process(es) still running at the deadline"
    assert [p.exitcode for p in processes] == [0] * len(processes)


def assert_same_ledgers(
    store: LedgerStore, reference: LedgerStore, accounts: Iterable[str], day: datetime.date
) -> None:
    """Every account holds the reference's entries, once each, and the same balances."""
    for account in accounts:
        got, version = store.read(account)
        want, _ = reference.read(account)
        ids = [e.id for e in got]
        assert len(ids) == len(set(ids)) == version, "duplicated entries"
        assert sorted(got, key=lambda e: e.id) == sorted(want, key=lambda e: e.id)
        check_history(got)
        assert account_balances(got, day) == account_balances(want, day)
