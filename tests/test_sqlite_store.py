"""The SQLite example adapter: the conformance suite, and several processes on one file."""

from __future__ import annotations

import datetime
import multiprocessing
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from billing_core.errors import ConcurrencyError
from billing_core.ledger import (
    Bucket,
    ChargePosted,
    Entry,
    Party,
    PaymentApplied,
    PaymentReceived,
)
from billing_core.money import Money
from billing_core.storage import AppendRequest, LedgerStore, Store
from billing_core.testing.conformance import ColumnarStoreConformance, StoreConformance
from billing_core.testing.memory import InMemoryStore
from examples.sqlite_store import SQLiteStore
from store_kit import assert_same_ledgers, finish, refusals


class TestSQLiteStore(ColumnarStoreConformance):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Store:
        result: Store = SQLiteStore(tmp_path / "billing.db")
        return result


def test_reopening_the_file_keeps_everything(tmp_path: Path) -> None:
    suite = StoreConformance()
    first = SQLiteStore(tmp_path / "b.db")
    first.add(suite.make_document("B1", "A1"))
    first.append("A1", suite.make_entries("A1", 2, prefix="a"), 0, "k")
    first.close()
    again = SQLiteStore(tmp_path / "b.db")
    assert again.get(type(suite.make_document("B1", "A1")), "B1").version == 1
    assert again.read("A1")[1] == 2
    assert again.append("A1", [], 0, "k").duplicate


def test_the_example_refuses_with_the_messages_of_the_reference(tmp_path: Path) -> None:
    """Both stores call the checks of billing_core.storage: same errors, same words."""
    got = refusals(SQLiteStore(tmp_path / "r.db"))
    assert got == refusals(InMemoryStore())
    assert "DuplicateError: entry id 'a-0' is already in the ledger of account 'A1'" in got[5]


# --------------------------------------------------------------------------- several processes

DAY = datetime.date(2024, 5, 1)
ACCOUNTS = ("A1", "A2", "A3")
WORKERS = 4
PAYMENTS_PER_WORKER = 6
DEADLINE_SECONDS = 25.0
# An append loses (ConcurrencyError) only to another commit on its account made after it read,
# and the whole test makes WORKERS * (PAYMENTS_PER_WORKER + 1) commits: this bound can never be
# reached, whatever the scheduling. Lock waits are SQLite's busy timeout (30 s), not retries.
MAX_RETRIES = 10 * WORKERS * (PAYMENTS_PER_WORKER + 1)


def _usd(minor: int) -> Money:
    return Money.from_minor(minor, "USD")


def _charges(account_id: str) -> list[Entry]:
    return [
        ChargePosted(
            id=f"{account_id}-c{i}",
            account_id=account_id,
            line_id=f"{account_id}-L{i}",
            effective=DAY,
            amount=_usd(100_000),
            bucket=bucket,
        )
        for i, bucket in enumerate((Bucket.PRIMARY, Bucket.PATIENT))
    ]


def _patient_payment(worker: int, n: int) -> tuple[str, list[Entry], str]:
    account = ACCOUNTS[(worker + n) % len(ACCOUNTS)]
    patient = Party.patient(f"P-{account}")
    amount = _usd(100 + worker * 10 + n)
    ids = f"pay-w{worker}-n{n}"
    entries: list[Entry] = [
        PaymentReceived(
            id=f"{ids}-r", account_id=account, effective=DAY, amount=amount, party=patient
        ),
        PaymentApplied(
            id=f"{ids}-a",
            account_id=account,
            line_id=f"{account}-L1",
            effective=DAY,
            amount=amount,
            party=patient,
            bucket=Bucket.PATIENT,
        ),
    ]
    return account, entries, ids


def _remittance() -> tuple[list[Entry], str]:
    """One remittance paying a line on A1 and a line on A2: posted as one batch."""
    payer = Party.payer("AETNA")
    entries: list[Entry] = []
    for account in ("A1", "A2"):
        entries += [
            PaymentReceived(
                id=f"era-1-{account}-r",
                account_id=account,
                effective=DAY,
                amount=_usd(40_000),
                party=payer,
            ),
            PaymentApplied(
                id=f"era-1-{account}-a",
                account_id=account,
                line_id=f"{account}-L0",
                effective=DAY,
                amount=_usd(40_000),
                party=payer,
                bucket=Bucket.PRIMARY,
            ),
        ]
    return entries, "remittance:era-1"


def _post(store: LedgerStore, account: str, entries: list[Entry], key: str) -> None:
    for _attempt in range(MAX_RETRIES):
        _, version = store.read(account)
        try:
            store.append(account, entries, version, key)
            return
        except ConcurrencyError:
            continue
    raise AssertionError(f"{key} was never appended")


def _post_batch(store: LedgerStore, entries: list[Entry], key: str) -> None:
    """The remittance path: every account at the version read, in one append_batch."""
    accounts = list(dict.fromkeys(e.account_id for e in entries))
    for _attempt in range(MAX_RETRIES):
        requests = [
            AppendRequest(
                account_id=a,
                entries=[e for e in entries if e.account_id == a],
                expected_version=store.read(a)[1],
            )
            for a in accounts
        ]
        try:
            store.append_batch(requests, key)
            return
        except ConcurrencyError:
            continue
    raise AssertionError(f"{key} was never appended")


def _worker(path: str, worker: int) -> None:
    store = SQLiteStore(path)
    jobs: list[Callable[[], None]] = [
        lambda n=n: _post(store, *_patient_payment(worker, n))  # type: ignore[misc]
        for n in range(PAYMENTS_PER_WORKER)
    ]
    # everyone posts the same remittance, across two accounts, through the batch path
    jobs.insert(worker % len(jobs), lambda: _post_batch(store, *_remittance()))
    for job in jobs:
        job()
    store.close()


def _reference() -> InMemoryStore:
    ref = InMemoryStore()
    for account in ACCOUNTS:
        _post(ref, account, _charges(account), f"charges:{account}")
    _post_batch(ref, *_remittance())
    for worker in range(WORKERS):
        for n in range(PAYMENTS_PER_WORKER):
            _post(ref, *_patient_payment(worker, n))
    return ref


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="needs the fork start method"
)
def test_several_processes_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.db")
    setup = SQLiteStore(path)
    for account in ACCOUNTS:
        _post(setup, account, _charges(account), f"charges:{account}")
    setup.close()
    ctx = multiprocessing.get_context("fork")
    processes = [ctx.Process(target=_worker, args=(path, w)) for w in range(WORKERS)]
    for p in processes:
        p.start()
    # One deadline for all of them (the work itself takes well under a second): no timing
    # decides the outcome, a hung worker fails the test instead of hanging the suite.
    deadline = time.monotonic() + DEADLINE_SECONDS
    finish(processes, deadline)

    db = SQLiteStore(path)
    assert_same_ledgers(db, _reference(), ACCOUNTS, DAY)
    for account in ("A1", "A2"):
        era = [e for e in db.read(account)[0] if e.id.startswith("era-1")]
        assert len(era) == 2
    # the remittance's key holds one batch result covering both accounts
    posted = db.append_batch([], "remittance:era-1")
    assert posted.duplicate
    assert posted.accounts == ("A1", "A2")
    assert len(posted.entry_ids) == 4
