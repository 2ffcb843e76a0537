"""The PostgreSQL example adapter against a real PostgreSQL server that these tests start.

The conformance suite (threads included), the refusals of the reference in the same words,
and 4 processes with 2 connections each posting payments and one remittance through the
workflows. The server is a throwaway cluster (see ``postgres_server.py``). Without server
binaries the tests skip on a developer's machine; under CI (``CI`` set) they fail instead,
and so does a server that does not start, with the reason.
"""

from __future__ import annotations

import datetime
import multiprocessing
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from billing_core.allocation import OldestFirst, Payment
from billing_core.charges import Category, LineItem
from billing_core.claims import Claim
from billing_core.errors import ConcurrencyError
from billing_core.ledger import Bucket, ChargePosted, Party, PaymentReceived
from billing_core.money import Money
from billing_core.parties import Coverage, CoverageSequence, Payer
from billing_core.remittance import CasAdjustment, ClaimPayment, Remittance, ServicePayment
from billing_core.storage import Store
from billing_core.testing.conformance import StoreConformance
from billing_core.testing.memory import InMemoryStore
from billing_core.workflows import PostingStatus, post_payment, post_remittance
from examples.postgres_store import PostgresStore
from postgres_server import Server, find_bindir
from store_kit import assert_same_ledgers, finish, refusals


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    bindir = find_bindir()
    if bindir is None:
        reason = (
            "no PostgreSQL server binaries (initdb, pg_ctl) found: install PostgreSQL 15"
            " or set BILLING_CORE_PG_BINDIR"
        )
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests: {reason}")
        pytest.skip(reason)
    running = Server(bindir)
    try:
        running.start()
    except (RuntimeError, OSError, KeyError) as exc:
        running.stop()
        pytest.fail(f"the PostgreSQL test server did not start: {exc}")
    yield running
    running.stop()


@pytest.fixture
def database(server: Server) -> Iterator[str]:
    """A fresh, empty database: its connection string."""
    name = server.create_database()
    yield server.conninfo(name)
    server.drop_database(name)


class TestPostgresStore(StoreConformance):
    @pytest.fixture
    def store(self, database: str) -> Iterator[Store]:
        result = PostgresStore(database)
        yield result
        result.close()


def test_the_example_refuses_with_the_messages_of_the_reference(database: str) -> None:
    """Both stores call the checks of billing_core.storage: same errors, same words."""
    store = PostgresStore(database)
    try:
        got = refusals(store)
    finally:
        store.close()
    assert got == refusals(InMemoryStore())
    assert "DuplicateError: entry id 'a-0' is already in the ledger of account 'A1'" in got[5]


def test_a_new_store_on_the_same_database_sees_everything(database: str) -> None:
    suite = StoreConformance()
    first = PostgresStore(database)
    first.add(suite.make_document("B1", "A1"))
    first.append("A1", suite.make_entries("A1", 2, prefix="a"), 0, "k")
    first.close()
    again = PostgresStore(database)  # the schema exists: creating it again is a no-op
    try:
        assert again.get(type(suite.make_document("B1", "A1")), "B1").version == 1
        assert again.read("A1")[1] == 2
        assert again.append("A1", [], 0, "k").duplicate
    finally:
        again.close()


def test_a_store_reads_what_another_store_appended_after_its_last_read(database: str) -> None:
    """Entries already read are kept; each read fetches the rows appended since."""
    suite = StoreConformance()
    first, second = PostgresStore(database), PostgresStore(database, cached_accounts=1)
    try:
        first.append("A1", suite.make_entries("A1", 2, prefix="a"), 0, "k1")
        assert [e.id for e in second.read("A1")[0]] == ["a-0", "a-1"]
        first.append("A1", suite.make_entries("A1", 1, prefix="b"), 2, "k2")
        second.read("A2")  # one account kept: A1 is dropped, then read whole again
        entries, version = second.read("A1")
        assert [e.id for e in entries] == ["a-0", "a-1", "b-0"] and version == 3
        second.append("A1", suite.make_entries("A1", 1, prefix="c"), 3, "k3")
        entries, version = first.read("A1")
        assert [e.id for e in entries] == ["a-0", "a-1", "b-0", "c-0"] and version == 4
        with pytest.raises(ConcurrencyError):
            first.append("A1", [], 3, "k4")  # the version is the database's, not the cache's
    finally:
        first.close()
        second.close()


def test_the_database_itself_refuses_a_second_entry_at_one_version(database: str) -> None:
    """The constraints hold even for a writer that skips the store's checks."""
    import psycopg

    store = PostgresStore(database)
    store.append("A1", StoreConformance().make_entries("A1", 1, prefix="a"), 0, "k")
    store.close()
    with psycopg.connect(database, autocommit=True) as db:
        with pytest.raises(psycopg.errors.UniqueViolation, match="billing_entries_pkey"):
            db.execute("INSERT INTO billing_entries VALUES ('A1', 0, 'other', '{}')")
        with pytest.raises(psycopg.errors.UniqueViolation, match="billing_entries_account_id_id"):
            db.execute("INSERT INTO billing_entries VALUES ('A1', 1, 'a-0', '{}')")
        with pytest.raises(psycopg.errors.UniqueViolation, match="billing_batches_pkey"):
            db.execute("INSERT INTO billing_batches VALUES ('k', '[]')")


# --------------------------------------------------------------------------- several processes

DAY = datetime.date(2024, 5, 1)
ACCOUNTS = ("A1", "A2", "A3")
PROCESSES = 4
CONNECTIONS = 2  # per process: one thread on each
PAYMENTS = 6  # per thread
DEADLINE_SECONDS = 120.0
# A caller retries a workflow that ran out of attempts (the workflow is idempotent).
CALLS = 100


def _usd(amount: str) -> Money:
    return Money(amount, "USD")


def _claim(account: str) -> Claim:
    coverage = Coverage(
        id=f"COV-{account}",
        payer=Payer(id="acme", name="Acme"),
        member_id="M1",
        sequence=CoverageSequence(1),
    )
    line = LineItem(
        id=f"{account}-L0", category=Category.PROCEDURE, service_date=DAY, charge=_usd("1000")
    )
    return Claim(
        id=f"CLM-{account}",
        account_id=account,
        patient_id=f"P-{account}",
        coverage=coverage,
        claim_date=DAY,
        lines=[line],
    )


def _set_up(store: Store) -> None:
    """On each account a claimed line (primary) and a self-pay line (patient), $1,000 each."""
    for account in ACCOUNTS:
        store.add(_claim(account))
        charges = [
            ChargePosted(
                id=f"{account}-c{n}",
                account_id=account,
                line_id=f"{account}-L{n}",
                effective=DAY,
                amount=_usd("1000"),
                bucket=bucket,
            )
            for n, bucket in enumerate((Bucket.PRIMARY, Bucket.PATIENT))
        ]
        store.append(account, charges, 0, f"charges:{account}")


def _remittance() -> Remittance:
    """The payer pays $600 of each claimed line on A1 and A2 and adjusts $400 off (CO-45)."""
    answers = [
        ClaimPayment(
            patient_control_number=f"CLM-{account}",
            status="1",
            charge=_usd("1000"),
            paid=_usd("600"),
            lines=[
                ServicePayment(
                    line_control_number=f"{account}-L0",
                    charge=_usd("1000"),
                    paid=_usd("600"),
                    adjustments=CasAdjustment.from_cas("CO", ("45", _usd("400"))),
                )
            ],
        )
        for account in ("A1", "A2")
    ]
    return Remittance(
        payer="acme",
        payee="1234567893",
        total_payment=_usd("1200"),
        payment_method="ACH",
        trace_number="ERA-1",
        paid_date=DAY,
        claims=answers,
    )


def _payment(process: int, thread: int, n: int) -> Payment:
    account = ACCOUNTS[(process + thread + n) % len(ACCOUNTS)]
    cents = 100 + process * 100 + thread * 10 + n  # every payment its own amount
    return Payment(
        id=f"PAY-p{process}-t{thread}-n{n}",
        account_id=account,
        party=Party.patient(f"P-{account}"),
        amount=Money.from_minor(cents, "USD"),
        received=DAY,
    )


_DATES = {f"{a}-L{n}": DAY for a in ACCOUNTS for n in (0, 1)}


def _pay(store: Store, payment: Payment) -> None:
    for _call in range(CALLS):
        try:
            post_payment(store, payment, OldestFirst(), service_dates=_DATES)
            return
        except ConcurrencyError:
            continue
    raise AssertionError(f"{payment.id} was never posted")


def _remit(store: Store) -> PostingStatus:
    for _call in range(CALLS):
        try:
            return post_remittance(store, _remittance()).status
        except ConcurrencyError:
            continue
    raise AssertionError("the remittance was never posted")


def _thread(store: Store, process: int, thread: int, statuses: list[str]) -> None:
    for n in range(PAYMENTS):
        if n == (process + thread) % PAYMENTS:  # everyone posts the remittance, at some point
            statuses.append(_remit(store).value)
        _pay(store, _payment(process, thread, n))


def _process(conninfo: str, process: int, results: Any) -> None:
    """One process: a store with a pool of 2 connections, used by 2 threads at once."""
    store = PostgresStore(conninfo, max_connections=CONNECTIONS)
    statuses: list[str] = []
    errors: list[str] = []

    def run(thread: int) -> None:
        try:
            _thread(store, process, thread, statuses)
        except BaseException as exc:  # reported to the test, which fails on it
            errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=run, args=(t,)) for t in range(CONNECTIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store.close()
    results.put((process, statuses, errors))


def _reference() -> InMemoryStore:
    ref = InMemoryStore()
    _set_up(ref)
    _remit(ref)
    for process in range(PROCESSES):
        for thread in range(CONNECTIONS):
            for n in range(PAYMENTS):
                _pay(ref, _payment(process, thread, n))
    return ref


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="needs the fork start method"
)
def test_four_processes_with_two_connections_lose_and_duplicate_nothing(database: str) -> None:
    setup = PostgresStore(database)
    _set_up(setup)
    setup.close()  # no pool thread crosses the fork
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    processes = [
        ctx.Process(target=_process, args=(database, p, results)) for p in range(PROCESSES)
    ]
    for p in processes:
        p.start()
    # One deadline for all (the work takes a few seconds): no timing decides the outcome,
    # a hung process fails the test instead of hanging the suite.
    deadline = time.monotonic() + DEADLINE_SECONDS
    reports = []
    while len(reports) < PROCESSES and time.monotonic() < deadline:
        try:
            reports.append(results.get(timeout=1.0))
        except Exception:  # queue.Empty: keep waiting until the deadline
            continue
    finish(processes, deadline)
    assert sorted(r[0] for r in reports) == list(range(PROCESSES))
    assert [e for r in reports for e in r[2]] == []
    statuses = sorted(s for r in reports for s in r[1])
    # Eight posters of one remittance: it is posted once; the others find it posted.
    posters = PROCESSES * CONNECTIONS
    once, again = PostingStatus.POSTED.value, PostingStatus.ALREADY_POSTED.value
    assert statuses == sorted([once] + [again] * (posters - 1))

    db = PostgresStore(database)
    try:
        assert_same_ledgers(db, _reference(), ACCOUNTS, DAY)
        paid = sorted(
            e.id
            for account in ACCOUNTS
            for e in db.read(account)[0]
            if isinstance(e, PaymentReceived) and e.id.startswith("PAY-")
        )
        assert paid == sorted(
            _payment(p, t, n).id
            for p in range(PROCESSES)
            for t in range(CONNECTIONS)
            for n in range(PAYMENTS)
        )
    finally:
        db.close()


def test_the_helper_names_the_reason_a_server_cannot_start() -> None:
    """A server that cannot start fails the tests with the reason, never skips them."""
    with tempfile.TemporaryDirectory() as scratch:  # not under pytest's root-only tmp dir
        bindir = Path(scratch)
        (bindir / "initdb").write_text("#!/bin/sh\necho 'initdb: broken on purpose' >&2\nexit 3\n")
        (bindir / "pg_ctl").write_text("#!/bin/sh\nexit 1\n")
        for path in (bindir, bindir / "initdb", bindir / "pg_ctl"):
            path.chmod(0o755)  # the server user (nobody, under root) must run them
        broken = Server(bindir)
        try:
            with pytest.raises(
                RuntimeError, match=r"initdb failed \(3\): initdb: broken on purpose"
            ):
                broken.start()
        finally:
            broken.stop()
        assert not broken.root.exists()
