"""What the workflows report: the fields and texts of their results, and the paths that set them.

Each test pins an answer worked out by hand for a path the other workflow tests reach without
looking at it: a refusal's ``duplicate`` and ``attempts``, a store-level duplicate's receipt, a
retry finding a payment whose batch lost an entry, the words of a posting and of a remittance
posted in part.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import attrs
import pytest

from billing_core.allocation import OldestFirst, Payment
from billing_core.errors import IncompleteBatchError
from billing_core.ledger import (
    Bucket,
    ChargePosted,
    Party,
    PaymentApplied,
    PaymentReceived,
)
from billing_core.money import Money
from billing_core.storage import AppendRequest, BatchResult, Store
from billing_core.testing.memory import InMemoryStore
from billing_core.workflows import PostingStatus, post_payment, post_remittance, submit_encounter
from test_workflows import (
    CLAIM_DATE,
    COVERAGE,
    PAID,
    _claim_payment,
    _encounter,
    _FirstAccountOnly,
    _RecordsWithoutWriting,
    _remittance,
    _submit,
    _Wrapper,
    usd,
)

JANE = Party.patient("P1")


def _pay(amount: str, *, id: str = "PAY-1") -> Payment:
    return Payment(id=id, account_id="A1", party=JANE, amount=usd(amount), received=PAID)


def _charge(line: str, amount: str, day: datetime.date) -> ChargePosted:
    return ChargePosted(
        id=f"charge:{line}",
        account_id="A1",
        line_id=line,
        effective=day,
        amount=usd(amount),
        bucket=Bucket.PATIENT,
    )


# ------------------------------------------------------------------------- refusals


def test_a_refused_encounter_is_no_duplicate_and_made_no_attempt() -> None:
    store = InMemoryStore()
    enc = attrs.evolve(_encounter(1), diagnoses=())
    result = submit_encounter(
        store, enc, [COVERAGE], claim_id="CLM1", bill_id="B1", claim_date=CLAIM_DATE
    )
    assert result.refused
    # refused before anything was read: nothing was recorded earlier, nothing attempted
    assert result.duplicate is False
    assert result.attempts == 0
    assert result.written == () and result.batch is None


def test_a_refused_remittance_is_no_duplicate_and_took_one_attempt() -> None:
    store = InMemoryStore()
    _submit(store, 1)
    result = post_remittance(store, _remittance(_claim_payment(1), total="125"))
    assert result.status is PostingStatus.REFUSED
    assert result.duplicate is False
    assert result.attempts == 1
    assert result.batch is None


# ------------------------------------------------------------------- posted texts and dates


def test_a_posted_remittance_names_every_account_and_its_version() -> None:
    store = InMemoryStore()
    _submit(store, 1)
    result = post_remittance(store, _remittance(_claim_payment(1)))
    assert result.status is PostingStatus.POSTED
    # A1 held one charge; the claim payment adds 4 entries there, none on the remittance's own
    # account, which is read and checked at version 0
    head = f"remittance {result.plan.remittance_id}: posted: 4 entries on"
    assert result.explanation == f"{head} A1 (now version 5), remittance:acme:T1 (now version 0)"


def test_a_remittance_is_posted_on_the_date_the_caller_gives() -> None:
    store = InMemoryStore()
    _submit(store, 1)
    day = datetime.date(2024, 4, 9)
    result = post_remittance(store, _remittance(_claim_payment(1)), effective=day)
    assert result.status is PostingStatus.POSTED
    assert result.written and {e.effective for e in result.written} == {day}


def test_a_remittance_is_posted_on_its_paid_date_by_default() -> None:
    store = InMemoryStore()
    _submit(store, 1)
    result = post_remittance(store, _remittance(_claim_payment(1)))
    assert result.written and {e.effective for e in result.written} == {PAID}


# --------------------------------------------------------------- a remittance posted in part


def test_a_remittance_posted_in_part_says_where_it_is_and_where_it_is_missing() -> None:
    store = InMemoryStore()
    _submit(store, 1)
    _submit(store, 2)
    remit = _remittance(_claim_payment(1), _claim_payment(2))
    with pytest.raises(OSError, match="connection lost"):
        post_remittance(_FirstAccountOnly(store), remit)  # type: ignore[arg-type]
    with pytest.raises(IncompleteBatchError) as info:
        post_remittance(store, remit)
    assert "remittance T1 is posted in part: its entries are on account A1 but not on A2" in str(
        info.value
    )
    assert store.read("A2")[1] == 1


def test_a_part_posting_is_found_beside_another_payment_of_the_same_trace_number() -> None:
    # The first remittance holds the cash of an unknown claim on the payment's own account.
    # The second, another payment under the same trace number, is written on A2 only; its
    # retry must still see that A3 is missing, although the own account shows the first one.
    store = InMemoryStore()
    for n in (1, 2, 3):
        _submit(store, n)
    first = _remittance(_claim_payment(1), _claim_payment(7))
    assert post_remittance(store, first).status is PostingStatus.POSTED
    assert store.read("remittance:acme:T1")[1] == 1
    # its own id: by default a remittance's id is its trace number, taken by the first
    second = attrs.evolve(_remittance(_claim_payment(2), _claim_payment(3)), id="T1-second")
    with pytest.raises(OSError, match="connection lost"):
        post_remittance(_FirstAccountOnly(store), second, different_payment=True)  # type: ignore[arg-type]
    assert store.read("A2")[1] == 5 and store.read("A3")[1] == 1
    with pytest.raises(IncompleteBatchError, match="on account A2 but not on A3"):
        post_remittance(store, second, different_payment=True)
    assert store.read("A3")[1] == 1


# ------------------------------------------------------------------- patient payments


class _AnotherCallFirst(_Wrapper):
    """The same payment is posted by another call just before this call's batch lands."""

    def __init__(self, inner: Store, payment: Payment) -> None:
        super().__init__(inner)
        self.payment = payment

    def append_batch(self, requests: Sequence[AppendRequest], idempotency_key: str) -> BatchResult:
        self.calls += 1
        if self.calls == 1:
            post_payment(self.inner, self.payment, OldestFirst())
        return self.inner.append_batch(requests, idempotency_key)


def test_a_payment_the_store_finds_posted_already_is_a_duplicate_with_its_receipt() -> None:
    store = InMemoryStore()
    store.append("A1", [_charge("L1", "10.00", PAID)], 0, "visit")
    raced = _AnotherCallFirst(store, _pay("4.00"))
    result = post_payment(raced, _pay("4.00"), OldestFirst())  # type: ignore[arg-type]
    assert result.duplicate is True
    assert result.written == ()
    assert result.batch is not None and result.batch.duplicate
    # the receipt is read back from the ledger: the other call's 4.00 applied to L1
    assert result.receipt.applied == usd("4.00")
    assert result.receipt.unapplied == usd("0.00")
    assert store.read("A1")[1] == 3


class _LosesAppliedEntries(_RecordsWithoutWriting):
    """Breaks all-or-nothing: writes a payment's receipt but not its applications, says all."""

    def append_batch(self, requests: Sequence[AppendRequest], idempotency_key: str) -> BatchResult:
        if idempotency_key not in self.keys:
            kept = [attrs.evolve(r, entries=r.entries[:1]) for r in requests]
            self.inner.append_batch(kept, idempotency_key)
        return super().append_batch(requests, idempotency_key)


def test_a_payment_found_recorded_is_checked_whole_before_it_is_called_a_duplicate() -> None:
    store = InMemoryStore()
    store.append("A1", [_charge("L1", "10.00", PAID)], 0, "visit")
    lossy = _LosesAppliedEntries(store)
    post_payment(lossy, _pay("4.00"), OldestFirst())  # type: ignore[arg-type]
    assert [e.id for e in store.read("A1")[0]] == ["charge:L1", "PAY-1"]
    with pytest.raises(IncompleteBatchError, match=r"'payment:PAY-1'.*account A1: PAY-1:L1"):
        post_payment(lossy, _pay("4.00"), OldestFirst())  # type: ignore[arg-type]


def test_a_line_dates_from_its_charge_even_when_listed_after_another_of_its_entries() -> None:
    # L1 charged on March 4, L2 on March 6; on the ledger, a 1.00 payment on L1 (effective
    # March 20) was appended before L1's charge. Oldest first, a new 5.00 pays L1: its service
    # date is its charge's, not the date of the entry listed first.
    store = InMemoryStore()
    early, later, applied_on = (datetime.date(2024, 3, d) for d in (4, 6, 20))
    paid = Money("1.00", "USD")
    entries = [
        PaymentReceived(id="P0", account_id="A1", effective=applied_on, amount=paid, party=JANE),
        PaymentApplied(
            id="P0:L1",
            account_id="A1",
            line_id="L1",
            effective=applied_on,
            amount=paid,
            party=JANE,
            bucket=Bucket.PATIENT,
        ),
        _charge("L1", "10.00", early),
        _charge("L2", "10.00", later),
    ]
    store.append("A1", entries, 0, "history")
    result = post_payment(store, _pay("5.00"), OldestFirst())
    assert [(e.id, e.line_id) for e in result.written] == [("PAY-1", None), ("PAY-1:L1", "L1")]
