"""The workflows against the in-memory store and the SQLite example: once, all or nothing."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest

from billing_core.allocation import OldestFirst, Payment, Proportional
from billing_core.balances import account_balance, line_balances
from billing_core.bills import Bill, BillStatus
from billing_core.charges import (
    Category,
    DocumentKind,
    DocumentRef,
    Encounter,
    LineItem,
    PatientAuthorization,
)
from billing_core.claims import Claim
from billing_core.codes import ProcedureCode
from billing_core.errors import (
    ConcurrencyError,
    DuplicateError,
    IncompleteBatchError,
    InsufficientCreditError,
    NotFoundError,
    ValidationError,
)
from billing_core.ledger import Bucket, CashHeld, Entry, Party, check_history
from billing_core.money import Money
from billing_core.parties import Coverage, CoverageSequence, Patient, Payer
from billing_core.posting import FollowUpKind, UnmatchedPolicy
from billing_core.remittance import CasAdjustment, ClaimPayment, Remittance, ServicePayment
from billing_core.storage import AppendRequest, AppendResult, BatchResult, Store
from billing_core.testing.memory import InMemoryStore
from billing_core.workflows import (
    DEFAULT_ATTEMPTS,
    Backoff,
    PostingStatus,
    post_bill,
    post_payment,
    post_remittance,
    refund_credit,
    submit_encounter,
    write_off_small_balances,
)
from examples.sqlite_store import SQLiteStore

DOS = datetime.date(2024, 3, 4)
CLAIM_DATE = datetime.date(2024, 3, 5)
PAID = datetime.date(2024, 4, 1)
ACME = Payer(id="acme", name="Acme Health")
COVERAGE = Coverage(id="C1", payer=ACME, member_id="M1", sequence=CoverageSequence.PRIMARY)


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "memory":
        yield InMemoryStore()
    else:
        db = SQLiteStore(tmp_path / "billing.db")
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
    # the remittance's own account is read and checked at its version, though nothing
    # is held on it: a posting of the same payment in between would be seen
    assert result.batch.accounts == ("A1", "A2", "remittance:acme:T1")
    assert result.versions == {"A1": 5, "A2": 5, "remittance:acme:T1": 0}
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
    remit = _remittance(_claim_payment(1), _claim_payment(7))
    result = post_remittance(store, remit, unmatched=UnmatchedPolicy.REFUSE)
    assert result.status is PostingStatus.REFUSED
    assert "CLM7" in result.explanation
    assert _ledgers(store, "A1") == before
    assert store.read("remittance:acme:T1") == ((), 0)


def test_an_unmatched_claim_is_held_and_the_rest_is_posted(store: Store) -> None:
    _submit(store, 1)
    remit = _remittance(_claim_payment(1), _claim_payment(7))
    result = post_remittance(store, remit)
    assert result.status is PostingStatus.POSTED, result.explanation
    held, version = store.read("remittance:acme:T1")
    assert version == 1
    (cash,) = held
    assert isinstance(cash, CashHeld)
    assert (cash.claim_reference, cash.amount) == ("CLM7", usd("60.00"))
    assert [f.kind for f in result.plan.follow_ups] == [FollowUpKind.UNMATCHED]
    line = line_balances(store.read("A1")[0], PAID)["L1"]
    assert line.paid == usd("60.00") and line.open.of(Bucket.PATIENT) == usd("10.00")


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
    assert result.versions == {"A1": 5, "A2": 6, "remittance:acme:T1": 0}
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


# ------------------------------------------------------------------- issue 17: no money dropped


def _bill(bill_id: str, amount: str, *, line_id: str = "L1", currency: str = "USD") -> Bill:
    line = LineItem(
        id=line_id,
        category=Category.SUPPLY,
        service_date=DOS,
        charge=Money(amount, currency),
    )
    return Bill(
        id=bill_id,
        account_id="A1",
        patient_id="P1",
        bill_to=Patient(id="P1", name="Jane Roe"),
        currency=currency,
        lines=[line],
    )


def test_a_second_bill_reusing_a_charged_line_id_is_refused(store: Store) -> None:
    post_bill(store, _bill("B1", "10.00"), issued_on=CLAIM_DATE, due_on=PAID)
    before = _ledgers(store, "A1")
    with pytest.raises(DuplicateError) as refused:
        post_bill(store, _bill("B2", "20.00"), issued_on=CLAIM_DATE, due_on=PAID)
    message = str(refused.value)
    assert "line L1" in message
    assert "bill B1" in message
    assert "bill B2" in message
    # nothing of B2 is stored or posted: the balance is B1's 10.00, and B2 can be fixed and sent
    assert _ledgers(store, "A1") == before
    with pytest.raises(NotFoundError):
        store.get(Bill, "B2")
    assert account_balance(store.read("A1")[0], CLAIM_DATE).balance == usd("10.00")
    fixed = post_bill(store, _bill("B2", "20.00", line_id="L2"), issued_on=CLAIM_DATE, due_on=PAID)
    assert fixed.entry_ids == ("charge:L2",)
    assert account_balance(store.read("A1")[0], CLAIM_DATE).balance == usd("30.00")


def test_a_bill_reusing_a_claim_line_id_is_refused(store: Store) -> None:
    _submit(store, 1)
    bill = attrs.evolve(_bill("B9", "20.00"), account_id="A1")
    with pytest.raises(DuplicateError, match="claim CLM1"):
        post_bill(store, bill, issued_on=CLAIM_DATE, due_on=PAID)
    assert store.read("A1")[1] == 1


def test_a_second_encounter_reusing_a_line_id_is_refused(store: Store) -> None:
    _submit(store, 1)
    again = attrs.evolve(_encounter(1), id="E1b")
    with pytest.raises(DuplicateError, match="claim CLM1"):
        submit_encounter(
            store, again, [COVERAGE], claim_id="CLM1b", bill_id="B1b", claim_date=CLAIM_DATE
        )
    assert store.read("A1")[1] == 1
    assert [v.value.id for v in store.find(Encounter, "account_id", "A1")] == ["E1"]
    with pytest.raises(NotFoundError):
        store.get(Claim, "CLM1b")


def test_a_draft_changed_after_its_lines_were_charged_is_refused(store: Store) -> None:
    result = submit_encounter(
        store, _encounter(1), [], claim_id="CLM1", bill_id="B1", claim_date=CLAIM_DATE
    )
    assert result.patient_bill is not None
    draft = result.patient_bill.value
    dearer = attrs.evolve(draft, lines=[attrs.evolve(draft.lines[0], charge=usd("120.00"))])
    with pytest.raises(DuplicateError, match=r"100\.00"):
        post_bill(store, dearer, issued_on=CLAIM_DATE, due_on=PAID)
    assert store.get(Bill, "B1").value == draft
    assert store.read("A1")[1] == 1


def test_a_bill_the_ledger_refuses_is_not_stored(store: Store) -> None:
    post_bill(store, _bill("B1", "10.00"), issued_on=CLAIM_DATE, due_on=PAID)
    euros = _bill("B3", "10.00", line_id="L3", currency="EUR")
    with pytest.raises(ValidationError, match="EUR"):
        post_bill(store, euros, issued_on=CLAIM_DATE, due_on=PAID)
    with pytest.raises(NotFoundError):
        store.get(Bill, "B3")
    assert store.read("A1")[1] == 1


def test_an_encounter_the_ledger_refuses_is_not_stored(store: Store) -> None:
    post_bill(store, _bill("B0", "10.00", line_id="S0"), issued_on=CLAIM_DATE, due_on=PAID)
    enc = _encounter(1)
    euros = attrs.evolve(enc, lines=[attrs.evolve(enc.lines[0], charge=Money("100.00", "EUR"))])
    with pytest.raises(ValidationError, match="EUR"):
        submit_encounter(
            store, euros, [COVERAGE], claim_id="CLM1", bill_id="B1", claim_date=CLAIM_DATE
        )
    assert store.find(Encounter, "account_id", "A1") == []
    with pytest.raises(NotFoundError):
        store.get(Claim, "CLM1")
    assert store.read("A1")[1] == 1


def _patient_payment(amount: str, *, id: str = "PAY-1") -> Payment:
    return Payment(
        id=id, account_id="A1", party=Party.patient("P1"), amount=usd(amount), received=PAID
    )


def test_a_payment_id_reused_for_another_payment_is_refused(store: Store) -> None:
    post_bill(store, _bill("B1", "10.00"), issued_on=CLAIM_DATE, due_on=PAID)
    first = post_payment(store, _patient_payment("5.00"), OldestFirst())
    retry = post_payment(store, _patient_payment("5.00"), OldestFirst())
    assert retry.duplicate
    assert retry.written == ()
    before = _ledgers(store, "A1")
    with pytest.raises(DuplicateError) as refused:
        post_payment(store, _patient_payment("999.00"), OldestFirst())
    message = str(refused.value)
    assert "PAY-1" in message
    assert "999.00" in message
    assert "5.00" in message
    assert _ledgers(store, "A1") == before
    assert first.receipt.applied == usd("5.00")


def test_a_payment_id_taken_by_another_entry_is_refused(store: Store) -> None:
    post_bill(store, _bill("B1", "10.00"), issued_on=CLAIM_DATE, due_on=PAID)
    with pytest.raises(DuplicateError, match="charge:L1"):
        post_payment(store, _patient_payment("5.00", id="charge:L1"), OldestFirst())
    assert store.read("A1")[1] == 1


def test_a_refund_id_reused_for_another_refund_is_refused(store: Store) -> None:
    post_payment(store, _patient_payment("30.00"), OldestFirst())
    jane = Party.patient("P1")
    day = datetime.date(2024, 4, 2)
    refund_credit(store, "A1", jane, usd("10.00"), id="RF-1", effective=day)
    assert refund_credit(store, "A1", jane, usd("10.00"), id="RF-1", effective=day).duplicate
    before = _ledgers(store, "A1")
    with pytest.raises(DuplicateError) as refused:
        refund_credit(store, "A1", jane, usd("15.00"), id="RF-1", effective=day)
    assert "RF-1" in str(refused.value)
    assert "15.00" in str(refused.value)
    assert "10.00" in str(refused.value)
    with pytest.raises(DuplicateError, match="PAY-1"):
        refund_credit(store, "A1", jane, usd("1.00"), id="PAY-1", effective=day)
    assert _ledgers(store, "A1") == before


class _FirstAccountOnly(_Wrapper):
    """Breaks all-or-nothing: writes the first account of a batch, then fails."""

    def append_batch(self, requests: Sequence[AppendRequest], idempotency_key: str) -> BatchResult:
        self.calls += 1
        if len(requests) < 2:
            return self.inner.append_batch(requests, idempotency_key)
        self.inner.append_batch(requests[:1], f"{idempotency_key}/part")
        raise OSError("connection lost after the first account")


class _RecordsPartOfTheBatch(_Wrapper):
    """Breaks all-or-nothing: writes and records the first account only, and says it is done."""

    def append_batch(self, requests: Sequence[AppendRequest], idempotency_key: str) -> BatchResult:
        self.calls += 1
        return self.inner.append_batch(requests[:1], idempotency_key)


class _RecordsWithoutWriting(_Wrapper):
    """Breaks all-or-nothing: records a key and its result but writes no entry."""

    def __init__(self, inner: Store) -> None:
        super().__init__(inner)
        self.keys: dict[str, BatchResult] = {}

    def append_batch(self, requests: Sequence[AppendRequest], idempotency_key: str) -> BatchResult:
        self.calls += 1
        if idempotency_key in self.keys:
            earlier = self.keys[idempotency_key]
            return BatchResult(
                results=[attrs.evolve(r, duplicate=True) for r in earlier.results], duplicate=True
            )
        result = BatchResult(
            results=[
                AppendResult(
                    account_id=r.account_id,
                    version=r.expected_version + len(r.entries),
                    entry_ids=[e.id for e in r.entries],
                )
                for r in requests
            ]
        )
        self.keys[idempotency_key] = result
        return result


def test_a_remittance_written_on_one_account_of_two_is_reported(store: Store) -> None:
    _submit(store, 1)
    _submit(store, 2)
    remit = _remittance(_claim_payment(1), _claim_payment(2))
    broken = _FirstAccountOnly(store)
    with pytest.raises(OSError, match="connection lost"):
        post_remittance(broken, remit)  # type: ignore[arg-type]
    assert store.read("A1")[1] == 5  # the broken store wrote A1's part
    assert store.read("A2")[1] == 1
    with pytest.raises(IncompleteBatchError, match="A2") as info:
        post_remittance(store, remit)
    assert "T1" in str(info.value)
    assert store.read("A2")[1] == 1


def test_a_store_that_records_part_of_a_batch_is_caught_at_once_and_on_retry(store: Store) -> None:
    _submit(store, 1)
    _submit(store, 2)
    remit = _remittance(_claim_payment(1), _claim_payment(2))
    with pytest.raises(IncompleteBatchError, match="A2"):
        post_remittance(_RecordsPartOfTheBatch(store), remit)  # type: ignore[arg-type]
    with pytest.raises(IncompleteBatchError, match="A2"):
        post_remittance(store, remit)


def test_a_recorded_batch_with_missing_entries_is_reported(store: Store) -> None:
    _submit(store, 1)
    _submit(store, 2)
    forgetful = _RecordsWithoutWriting(store)
    remit = _remittance(_claim_payment(1), _claim_payment(2))
    assert post_remittance(forgetful, remit).status is PostingStatus.POSTED  # type: ignore[arg-type]
    with pytest.raises(IncompleteBatchError, match="A1"):
        post_remittance(forgetful, remit)  # type: ignore[arg-type]
    post_bill(store, _bill("B5", "10.00", line_id="S5"), issued_on=CLAIM_DATE, due_on=PAID)
    post_payment(forgetful, _patient_payment("5.00"), OldestFirst())  # type: ignore[arg-type]
    with pytest.raises(IncompleteBatchError, match="PAY-1"):
        post_payment(forgetful, _patient_payment("5.00"), OldestFirst())  # type: ignore[arg-type]


def test_a_remittance_posted_between_two_reads_is_already_posted(store: Store) -> None:
    # A workflow reads its accounts one after another: a concurrent posting that commits
    # between two reads shows on one account only. That is not a remittance posted in part.
    _submit(store, 1)
    _submit(store, 2)
    remit = _remittance(_claim_payment(1), _claim_payment(2))

    class PostsBetweenReads(_Wrapper):
        def read(self, account_id: str) -> tuple[tuple[Entry, ...], int]:
            if account_id == "A2" and not self.calls:
                self.calls += 1
                assert post_remittance(self.inner, remit).status is PostingStatus.POSTED
            return self.inner.read(account_id)

    raced = post_remittance(PostsBetweenReads(store), remit)  # type: ignore[arg-type]
    assert raced.status is PostingStatus.ALREADY_POSTED
    assert store.read("A1")[1] == store.read("A2")[1] == 5


# ------------------------------------------------------------------------ issue 17: retries


class _Hopeless(_Wrapper):
    def append_batch(self, requests: Sequence[AppendRequest], idempotency_key: str) -> BatchResult:
        self.calls += 1
        raise ConcurrencyError("someone always wins")


def test_retries_back_off_with_jitter_within_a_bounded_total_wait() -> None:
    backoff = Backoff(first_delay=0.01, max_delay=0.08, max_total_wait=0.2, random=lambda: 0.5)
    # half of min(0.08, 0.01 * 2**k), until the waits add up to 0.2 s
    assert backoff.delays(10) == pytest.approx(
        [0.005, 0.01, 0.02, 0.04, 0.04, 0.04, 0.04, 0.005, 0.0]
    )
    assert Backoff(random=lambda: 0.0).delays(3) == [0.0, 0.0]


def test_a_workflow_sleeps_between_attempts_only(store: Store) -> None:
    _submit(store, 1)
    slept: list[float] = []
    backoff = Backoff(
        first_delay=0.01,
        max_delay=1.0,
        max_total_wait=5.0,
        sleep=slept.append,
        random=lambda: 1.0,
        clock=lambda: 0.0,
    )
    hopeless = _Hopeless(store)
    with pytest.raises(ConcurrencyError):
        post_remittance(hopeless, _remittance(_claim_payment(1)), max_attempts=4, backoff=backoff)  # type: ignore[arg-type]
    assert hopeless.calls == 4
    assert slept == pytest.approx([0.01, 0.02, 0.04])


def test_waits_scale_with_the_time_a_lost_attempt_took(store: Store) -> None:
    _submit(store, 1)
    now = [0.0]
    slept: list[float] = []

    class Slow(_Hopeless):  # each attempt takes 0.25 s on the fake clock
        def append_batch(
            self, requests: Sequence[AppendRequest], idempotency_key: str
        ) -> BatchResult:
            now[0] += 0.25
            return super().append_batch(requests, idempotency_key)

    backoff = Backoff(
        first_delay=0.01,
        max_delay=0.75,
        max_total_wait=1.5,
        sleep=slept.append,
        random=lambda: 1.0,
        clock=lambda: now[0],
    )
    with pytest.raises(ConcurrencyError):
        post_remittance(
            Slow(store), _remittance(_claim_payment(1)), max_attempts=5, backoff=backoff
        )  # type: ignore[arg-type]
    # caps 0.25, 0.5, then max_delay 0.75; the fourth wait gets what is left of 1.5 s
    assert slept == pytest.approx([0.25, 0.5, 0.75, 0.0])


def test_one_attempt_means_no_retry_and_no_sleep(store: Store) -> None:
    _submit(store, 1)
    slept: list[float] = []
    hopeless = _Hopeless(store)
    with pytest.raises(ConcurrencyError):
        post_remittance(  # type: ignore[call-arg]
            hopeless,  # type: ignore[arg-type]
            _remittance(_claim_payment(1)),
            max_attempts=1,
            backoff=Backoff(sleep=slept.append),
        )
    assert (hopeless.calls, slept) == (1, [])


def test_the_default_retry_limit_is_ten_attempts(store: Store) -> None:
    _submit(store, 1)
    slept: list[float] = []
    hopeless = _Hopeless(store)
    assert DEFAULT_ATTEMPTS == 10
    with pytest.raises(ConcurrencyError):
        post_payment(
            hopeless,  # type: ignore[arg-type]
            Payment(
                id="PAY-1",
                account_id="A1",
                party=Party.patient("P1"),
                amount=usd("1.00"),
                received=PAID,
            ),
            OldestFirst(),
            backoff=Backoff(sleep=slept.append),
        )
    assert hopeless.calls == 10
    assert len(slept) == 9


@pytest.mark.parametrize("bad", [0, -1, True, 2.5, "3", None])
def test_a_bad_max_attempts_is_a_library_error(store: Store, bad: object) -> None:
    with pytest.raises(ValidationError, match="max_attempts"):
        write_off_small_balances(
            store,
            "A1",
            usd("5.00"),
            as_of=PAID,
            max_attempts=bad,  # type: ignore[arg-type]
        )


@pytest.mark.parametrize(
    "bad",
    [
        {"first_delay": -0.1},
        {"max_delay": float("nan")},
        {"max_total_wait": float("inf")},
        {"first_delay": True},
        {"sleep": None},
        {"random": 3},
    ],
)
def test_a_bad_backoff_is_a_library_error(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match=next(iter(bad))):
        Backoff(**bad)


# ---------------------------------------------------------------------- issue 17: test gaps


def test_a_changed_document_under_an_existing_id_is_refused(store: Store) -> None:
    _submit(store, 1)
    changed = attrs.evolve(_encounter(1), prior_authorization="PA-9")
    with pytest.raises(DuplicateError, match="E1"):
        submit_encounter(
            store, changed, [COVERAGE], claim_id="CLM1", bill_id="B1", claim_date=CLAIM_DATE
        )
    assert store.get(Encounter, "E1").value == _encounter(1)
    assert store.read("A1")[1] == 1


def test_an_identical_resubmission_returns_the_stored_claim(store: Store) -> None:
    first = submit_encounter(
        store, _encounter(1), [COVERAGE], claim_id="CLM1", bill_id="B1", claim_date=CLAIM_DATE
    )
    again = submit_encounter(
        store, _encounter(1), [COVERAGE], claim_id="CLM1", bill_id="B1", claim_date=CLAIM_DATE
    )
    assert first.claim is not None
    assert again.claim == first.claim
    assert again.claim.version == 1
    assert again.written == ()


def test_post_bill_over_a_different_issued_bill_is_refused(store: Store) -> None:
    post_bill(store, _bill("B1", "10.00"), issued_on=CLAIM_DATE, due_on=PAID)
    later = datetime.date(2024, 5, 1)
    with pytest.raises(DuplicateError, match="B1"):
        post_bill(store, _bill("B1", "10.00"), issued_on=later, due_on=later)
    assert store.get(Bill, "B1").value.issued_on == CLAIM_DATE
    assert store.read("A1")[1] == 1


def test_refunding_a_party_with_no_credit_is_refused(store: Store) -> None:
    post_payment(store, _patient_payment("30.00"), OldestFirst())
    stranger = Party.patient("MRN-0000999")
    # the message names the party by the masked form of its id (a patient identifier)
    with pytest.raises(InsufficientCreditError, match=r"patient:\*\*\*\*0999 has no credit"):
        refund_credit(store, "A1", stranger, usd("1.00"), id="RF-9", effective=PAID)
    assert store.read("A1")[1] == 1


def test_an_encounter_with_a_coverage_but_every_line_for_the_patient(store: Store) -> None:
    form = DocumentRef(kind=DocumentKind.CONSENT_FORM, reference="forms/1")
    consent = PatientAuthorization(id="AU1", signed_by="Jane Roe", signed_on=DOS, document=form)
    enc = _encounter(1)
    enc = attrs.evolve(enc, lines=[attrs.evolve(enc.lines[0], authorization=consent)])
    result = submit_encounter(
        store,
        enc,
        [COVERAGE],
        claim_id="CLM1",
        bill_id="B1",
        claim_date=CLAIM_DATE,
        to_patient=lambda line, coverage: True,
    )
    assert result.routing.coverage == COVERAGE
    assert result.claim is None
    assert result.patient_bill is not None
    assert [(e.id, e.bucket) for e in result.written] == [  # type: ignore[attr-defined]
        ("charge:L1", Bucket.PATIENT)
    ]
    with pytest.raises(NotFoundError):
        store.get(Claim, "CLM1")
