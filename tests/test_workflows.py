"""The workflows against the in-memory store and the SQLite example: once, all or nothing."""

from __future__ import annotations

import datetime
import importlib.util
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest

from billing_core.allocation import OldestFirst, Payment, Proportional
from billing_core.balances import account_balance, line_balances
from billing_core.bills import Bill, BillStatus
from billing_core.charges import Category, Encounter, LineItem
from billing_core.codes import ProcedureCode
from billing_core.errors import ConcurrencyError, InsufficientCreditError
from billing_core.ledger import Bucket, Entry, Party, check_history
from billing_core.money import Money
from billing_core.parties import Coverage, CoverageSequence, Patient, Payer
from billing_core.remittance import CasAdjustment, ClaimPayment, Remittance, ServicePayment
from billing_core.storage import AppendRequest, BatchResult, Store
from billing_core.testing.memory import InMemoryStore
from billing_core.workflows import (
    PostingStatus,
    post_bill,
    post_payment,
    post_remittance,
    refund_credit,
    submit_encounter,
    write_off_small_balances,
)

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "sqlite_store.py"
DOS = datetime.date(2024, 3, 4)
CLAIM_DATE = datetime.date(2024, 3, 5)
PAID = datetime.date(2024, 4, 1)
ACME = Payer(id="acme", name="Acme Health")
COVERAGE = Coverage(id="C1", payer=ACME, member_id="M1", sequence=CoverageSequence.PRIMARY)


def _sqlite_class() -> Any:
    name = "sqlite_store_example"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, EXAMPLE)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name].SQLiteStore


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "memory":
        yield InMemoryStore()
    else:
        db = _sqlite_class()(tmp_path / "billing.db")
        yield db
        db.close()


def usd(amount: str) -> Money:
    return Money(amount, "USD")


def _encounter(n: int) -> Encounter:
    line = LineItem(
        id=f"L{n}",
        category=Category.PROCEDURE,
        procedure=ProcedureCode("CPT", "99213"),
        service_date=DOS,
        charge=usd("100.00"),
        diagnosis_pointers=[1],
    )
    return Encounter(
        id=f"E{n}",
        account_id=f"A{n}",
        patient=Patient(id=f"P{n}", name=f"Patient {n}"),
        lines=[line],
        diagnoses=["E11.9"],
    )


def _submit(store: Store, n: int) -> None:
    result = submit_encounter(
        store, _encounter(n), [COVERAGE], claim_id=f"CLM{n}", bill_id=f"B{n}", claim_date=CLAIM_DATE
    )
    assert not result.refused


def _claim_payment(n: int, paid: str = "60.00") -> ClaimPayment:
    adjustments = CasAdjustment.from_cas("CO", ("45", usd("30.00"))) + CasAdjustment.from_cas(
        "PR", ("2", usd("10.00"))
    )
    return ClaimPayment(
        patient_control_number=f"CLM{n}",
        status="1",
        charge=usd("100.00"),
        paid=usd(paid),
        lines=[
            ServicePayment(
                line_control_number=f"L{n}",
                charge=usd("100.00"),
                paid=usd(paid),
                adjustments=adjustments,
            )
        ],
    )


def _remittance(*claims: ClaimPayment, total: str | None = None, trace: str = "T1") -> Remittance:
    paid = sum((c.paid for c in claims), usd("0"))
    return Remittance(
        payer="acme",
        payee="1234567893",
        total_payment=usd(total) if total is not None else paid,
        payment_method="ACH",
        trace_number=trace,
        paid_date=PAID,
        claims=list(claims),
    )


def _ledgers(store: Store, *accounts: str) -> dict[str, tuple[tuple[Entry, ...], int]]:
    return {a: store.read(a) for a in accounts}


# --------------------------------------------------------------------------- bills and claims


def test_post_bill_stores_the_issued_bill_and_charges_once(store: Store) -> None:
    line = LineItem(id="S1", category=Category.SUPPLY, service_date=DOS, charge=usd("9.00"))
    draft = Bill(
        id="B1",
        account_id="A1",
        patient_id="P1",
        bill_to=Patient(id="P1", name="Jane Roe"),
        currency="USD",
        lines=[line],
    )
    first = post_bill(store, draft, issued_on=CLAIM_DATE, due_on=PAID)
    assert first.bill.value.status is BillStatus.ISSUED
    assert first.entry_ids == ("charge:S1",)
    assert first.versions == {"A1": 1}
    assert not first.duplicate
    again = post_bill(store, draft, issued_on=CLAIM_DATE, due_on=PAID)
    assert again.duplicate
    assert again.written == ()
    assert store.read("A1")[1] == 1
    assert store.get(Bill, "B1").value == first.bill.value


def test_submit_encounter_stores_the_claim_and_posts_charges(store: Store) -> None:
    trip = attrs.evolve(_encounter(1).lines[0], id="T1", charge=usd("12.00"))
    enc = attrs.evolve(_encounter(1), lines=[*_encounter(1).lines, trip])
    result = submit_encounter(
        store, enc, [COVERAGE], claim_id="CLM1", bill_id="B1", claim_date=CLAIM_DATE
    )
    assert not result.refused
    assert result.claim is not None
    assert store.get(type(result.claim.value), "CLM1").value == result.claim.value
    assert [(e.id, e.bucket) for e in result.written] == [  # type: ignore[attr-defined]
        ("charge:L1", Bucket.PRIMARY),
        ("charge:T1", Bucket.PRIMARY),
    ]
    again = submit_encounter(
        store, enc, [COVERAGE], claim_id="CLM1", bill_id="B1", claim_date=CLAIM_DATE
    )
    assert again.duplicate
    assert store.read("A1")[1] == 2


def test_a_routed_patient_bill_is_issued_without_a_second_charge(store: Store) -> None:
    result = submit_encounter(
        store, _encounter(1), [], claim_id="CLM1", bill_id="B1", claim_date=CLAIM_DATE
    )
    assert result.claim is None
    assert result.patient_bill is not None
    assert result.patient_bill.value.status is BillStatus.DRAFT
    assert [e.bucket for e in result.written] == [Bucket.PATIENT]  # type: ignore[attr-defined]
    issued = post_bill(store, result.patient_bill.value, issued_on=CLAIM_DATE, due_on=PAID)
    assert issued.bill.version == 2
    assert issued.bill.value.status is BillStatus.ISSUED
    assert issued.written == ()
    assert store.read("A1")[1] == 1


def test_an_invalid_claim_is_refused_and_nothing_is_stored(store: Store) -> None:
    enc = attrs.evolve(_encounter(1), diagnoses=())
    result = submit_encounter(
        store, enc, [COVERAGE], claim_id="CLM1", bill_id="B1", claim_date=CLAIM_DATE
    )
    assert result.refused
    assert result.findings
    assert store.read("A1") == ((), 0)
    assert store.find(Encounter, "account_id", "A1") == []


# --------------------------------------------------------------------------- remittances


def test_a_remittance_is_posted_on_every_account_at_once(store: Store) -> None:
    _submit(store, 1)
    _submit(store, 2)
    remit = _remittance(_claim_payment(1), _claim_payment(2))
    result = post_remittance(store, remit)
    assert result.status is PostingStatus.POSTED, result.explanation
    assert result.batch is not None
    assert result.batch.accounts == ("A1", "A2")
    assert result.versions == {"A1": 5, "A2": 5}
    assert {e.account_id for e in result.written} == {"A1", "A2"}
    for n in (1, 2):
        entries, _ = store.read(f"A{n}")
        check_history(entries)
        line = line_balances(entries, PAID)[f"L{n}"]
        assert line.open.of(Bucket.PRIMARY) == usd("0.00")
        assert line.open.of(Bucket.PATIENT) == usd("10.00")
    assert store.get(Remittance, remit.id).value == remit
    assert "posted: 8 entries" in result.explanation


def test_a_remittance_posted_twice_is_posted_once(store: Store) -> None:
    _submit(store, 1)
    _submit(store, 2)
    remit = _remittance(_claim_payment(1), _claim_payment(2))
    post_remittance(store, remit)
    before = _ledgers(store, "A1", "A2")
    again = post_remittance(store, remit)
    assert again.status is PostingStatus.ALREADY_POSTED
    assert again.duplicate
    assert again.written == ()
    assert "already posted" in again.explanation
    assert _ledgers(store, "A1", "A2") == before


def test_an_unbalanced_remittance_changes_nothing_and_says_why(store: Store) -> None:
    _submit(store, 1)
    _submit(store, 2)
    before = _ledgers(store, "A1", "A2")
    result = post_remittance(store, _remittance(_claim_payment(1), _claim_payment(2), total="125"))
    assert result.status is PostingStatus.REFUSED
    assert result.refused
    assert result.written == ()
    assert result.batch is None
    assert "BPR02" in result.explanation
    assert "nothing was written" in result.explanation
    assert _ledgers(store, "A1", "A2") == before
    assert store.find(Remittance, "trace_number", "T1") == []


def test_an_unmatched_remittance_changes_nothing_and_says_why(store: Store) -> None:
    _submit(store, 1)
    before = _ledgers(store, "A1")
    result = post_remittance(store, _remittance(_claim_payment(1), _claim_payment(7)))
    assert result.status is PostingStatus.REFUSED
    assert "CLM7" in result.explanation
    assert _ledgers(store, "A1") == before


class _Wrapper:
    """Delegates to a store; subclasses interfere with append_batch."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def append_batch(self, requests: Sequence[AppendRequest], idempotency_key: str) -> BatchResult:
        self.calls += 1
        return self.inner.append_batch(requests, idempotency_key)


class _Crashing(_Wrapper):
    def append_batch(self, requests: Sequence[AppendRequest], idempotency_key: str) -> BatchResult:
        self.calls += 1
        raise OSError("disk gone after planning")


class _Raced(_Wrapper):
    """A concurrent writer appends to A2 just before the first batch lands."""

    def append_batch(self, requests: Sequence[AppendRequest], idempotency_key: str) -> BatchResult:
        self.calls += 1
        if self.calls == 1:
            pay = Payment(
                id="PAY-X",
                account_id="A2",
                party=Party.patient("P2"),
                amount=usd("1.00"),
                received=PAID,
            )
            post_payment(self.inner, pay, OldestFirst())
        return self.inner.append_batch(requests, idempotency_key)


def test_a_store_failing_mid_way_leaves_nothing_written(store: Store) -> None:
    _submit(store, 1)
    _submit(store, 2)
    before = _ledgers(store, "A1", "A2")
    remit = _remittance(_claim_payment(1), _claim_payment(2))
    crashing = _Crashing(store)
    with pytest.raises(OSError, match="disk gone"):
        post_remittance(crashing, remit)  # type: ignore[arg-type]
    assert crashing.calls == 1
    assert _ledgers(store, "A1", "A2") == before
    assert store.find(Remittance, "trace_number", "T1") == []
    # the key was not consumed: the retry posts it
    assert post_remittance(store, remit).status is PostingStatus.POSTED


def test_a_concurrent_write_makes_it_re_read_re_plan_and_retry(store: Store) -> None:
    _submit(store, 1)
    _submit(store, 2)
    raced = _Raced(store)
    result = post_remittance(raced, _remittance(_claim_payment(1), _claim_payment(2)))  # type: ignore[arg-type]
    assert result.status is PostingStatus.POSTED
    assert result.attempts == 2
    # the racing payment found nothing open for the patient: it stays as credit
    assert result.versions == {"A1": 5, "A2": 6}
    assert [e.id for e in store.read("A2")[0]][:2] == ["charge:L2", "PAY-X"]


def test_retries_are_bounded(store: Store) -> None:
    _submit(store, 1)

    class Hopeless(_Wrapper):
        def append_batch(
            self, requests: Sequence[AppendRequest], idempotency_key: str
        ) -> BatchResult:
            self.calls += 1
            raise ConcurrencyError("someone always wins")

    hopeless = Hopeless(store)
    with pytest.raises(ConcurrencyError):
        post_remittance(hopeless, _remittance(_claim_payment(1)), max_attempts=3)  # type: ignore[arg-type]
    assert hopeless.calls == 3
    assert store.read("A1")[1] == 1


def _threads(count: int, work: Callable[[int], None]) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def run(i: int) -> None:
        try:
            barrier.wait()
            work(i)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def test_threads_posting_the_same_remittance_post_it_once(store: Store) -> None:
    _submit(store, 1)
    _submit(store, 2)
    remit = _remittance(_claim_payment(1), _claim_payment(2))
    statuses: list[PostingStatus] = []
    lock = threading.Lock()

    def post(i: int) -> None:
        if i % 2:  # half of them also post patient payments, forcing retries
            pay = Payment(
                id=f"PAY-{i}",
                account_id="A1",
                party=Party.patient("P1"),
                amount=usd("1.00"),
                received=PAID,
            )
            post_payment(store, pay, OldestFirst())
        result = post_remittance(store, remit, max_attempts=50)
        with lock:
            statuses.append(result.status)

    _threads(6, post)
    assert sorted(s.value for s in statuses) == ["already posted"] * 5 + ["posted"]
    for n in (1, 2):
        entries, version = store.read(f"A{n}")
        ids = [e.id for e in entries]
        assert len(ids) == len(set(ids)) == version
        check_history(entries)
    assert store.read("A2")[1] == 5
    entries, version = store.read("A1")
    payments = [e for e in entries if e.id.startswith("PAY-")]
    assert len({e.id for e in payments if ":" not in e.id}) == 3
    assert version == 5 + len(payments)


# --------------------------------------------------------------------------- patient money


def test_payment_refund_and_small_balance_write_off(store: Store) -> None:
    _submit(store, 1)
    post_remittance(store, _remittance(_claim_payment(1, paid="60.00")))
    # the patient owes 10.00 on L1; pays 12.50 proportionally: 2.50 stays as credit
    pay = Payment(
        id="PAY-1", account_id="A1", party=Party.patient("P1"), amount=usd("12.50"), received=PAID
    )
    paid = post_payment(store, pay, Proportional())
    assert paid.entry_ids == ("PAY-1", "PAY-1:L1")
    assert paid.receipt.unapplied == usd("2.50")
    assert paid.plan is not None
    assert post_payment(store, pay, Proportional()).duplicate
    day = datetime.date(2024, 4, 2)
    refunded = refund_credit(
        store, "A1", Party.patient("P1"), usd("2.50"), id="RF-1", effective=day, payment_id="PAY-1"
    )
    assert refunded.entry_ids == ("RF-1",)
    again = refund_credit(
        store, "A1", Party.patient("P1"), usd("2.50"), id="RF-1", effective=day, payment_id="PAY-1"
    )
    assert again.duplicate
    with pytest.raises(InsufficientCreditError):
        refund_credit(store, "A1", Party.patient("P1"), usd("1.00"), id="RF-2", effective=day)
    assert account_balance(store.read("A1")[0], day).balance == usd("0.00")


def test_small_balances_are_written_off_once(store: Store) -> None:
    _submit(store, 1)
    post_remittance(store, _remittance(_claim_payment(1)))
    pay = Payment(
        id="PAY-1", account_id="A1", party=Party.patient("P1"), amount=usd("7.50"), received=PAID
    )
    post_payment(store, pay, OldestFirst())
    day = datetime.date(2024, 5, 1)
    result = write_off_small_balances(store, "A1", usd("5.00"), as_of=day)
    assert [(w.line_id, w.amount) for w in result.write_offs] == [("L1", usd("2.50"))]
    version = store.read("A1")[1]
    again = write_off_small_balances(store, "A1", usd("5.00"), as_of=day)
    assert again.written == ()
    assert store.read("A1")[1] == version
    assert account_balance(store.read("A1")[0], day).balance == usd("0.00")
