"""What every part of the conformance suite shares: the store fixture, factories, threads.

Private: the suite is [`StoreConformance`][billing_core.testing.conformance.StoreConformance].
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable
from typing import Any, Final, TypeVar

import attrs
import pytest

from billing_core.bills import Bill, BillStatus
from billing_core.codes import GroupCode
from billing_core.errors import ConcurrencyError
from billing_core.ledger import (
    Adjustment,
    AppealHold,
    Bucket,
    CashHeld,
    ChargePosted,
    CreditTransfer,
    Entry,
    Party,
    PaymentApplied,
    PaymentReceived,
    ProviderPayment,
    ProviderWithholding,
    Refund,
    Transfer,
    WriteOff,
    WriteOffReason,
    reverse,
)
from billing_core.money import Money
from billing_core.parties import Patient
from billing_core.storage import AppendRequest, Store

T = TypeVar("T")

DAY: Final = datetime.date(2024, 3, 1)


def usd(amount: str) -> Money:
    """Dollars, exactly."""
    return Money(amount, "USD")


def every_entry_type(account_id: str, *, prefix: str = "e") -> list[Entry]:
    """A valid history of one line using every entry type, reversal included.

    The entries of money on no line (held cash, a credit moved on, provider-level
    money, an appeal hold) are on the same account, as a store sees them.

    Examples:
        >>> [type(e).__name__ for e in every_entry_type("A1")][:3]
        ['ChargePosted', 'PaymentReceived', 'PaymentApplied']
    """
    payer, patient = Party.payer("AETNA"), Party.patient("P1")
    at: dict[str, Any] = {"account_id": account_id, "effective": DAY}
    on: dict[str, Any] = {**at, "line_id": f"{prefix}-L1"}
    primary, mine = Bucket.PRIMARY, Bucket.PATIENT
    write_off = WriteOff(
        id=f"{prefix}-w", amount=usd("5.00"), bucket=mine, reason=WriteOffReason.SMALL_BALANCE, **on
    )
    return [
        ChargePosted(id=f"{prefix}-c", amount=usd("100.00"), bucket=primary, **on),
        PaymentReceived(id=f"{prefix}-pr", amount=usd("60.00"), party=payer, **at),
        PaymentApplied(id=f"{prefix}-pa", amount=usd("60.00"), party=payer, bucket=primary, **on),
        Adjustment(
            id=f"{prefix}-co",
            amount=usd("10.00"),
            bucket=primary,
            group=GroupCode.CO,
            reason="45",
            **on,
        ),
        Adjustment(
            id=f"{prefix}-pr2",
            amount=usd("20.00"),
            bucket=primary,
            group=GroupCode.PR,
            reason="2",
            to_bucket=mine,
            **on,
        ),
        Transfer(id=f"{prefix}-t", amount=usd("10.00"), from_bucket=primary, to_bucket=mine, **on),
        write_off,
        PaymentReceived(id=f"{prefix}-pp", amount=usd("40.00"), party=patient, **at),
        PaymentApplied(id=f"{prefix}-pa2", amount=usd("25.00"), party=patient, bucket=mine, **on),
        Refund(id=f"{prefix}-f", amount=usd("15.00"), party=patient, **at),
        reverse(write_off, id=f"{prefix}-r", effective=DAY, reason="paid after all"),
        *_money_of_no_line(account_id, prefix, payer),
    ]


def _money_of_no_line(account_id: str, prefix: str, payer: Party) -> list[Entry]:
    """Held cash, a credit moved on, provider-level money and an appeal hold."""
    at: dict[str, Any] = {"account_id": account_id, "effective": DAY, "party": payer}
    return [
        CashHeld(id=f"{prefix}-h", amount=usd("8.00"), claim_reference="X9", **at),
        CreditTransfer(
            id=f"{prefix}-m",
            amount=usd("3.00"),
            to_account=f"{account_id}-2",
            held=f"{prefix}-h",
            **at,
        ),
        ProviderPayment(id=f"{prefix}-i", amount=usd("1.27"), reason="L6", reference="X", **at),
        ProviderWithholding(
            id=f"{prefix}-wo",
            amount=usd("9.00"),
            reason="WO",
            reference="PCN-7",
            claim_id="CLM-7",
            **at,
        ),
        AppealHold(
            id=f"{prefix}-ap",
            account_id=account_id,
            effective=DAY,
            amount=usd("2.00"),
            claim_id="CLM-7",
            bucket=Bucket.PRIMARY,
            group=GroupCode.CO,
            reason="50",
        ),
    ]


def until_current(write: Callable[[], T], what: str) -> T:
    """Call ``write`` (which reads the versions it writes at) until no concurrent writer beats it.

    A bound, not a timing: a thousand losses in a row would mean livelock.
    """
    for _attempt in range(1000):
        try:
            return write()
        except ConcurrencyError:
            continue
    raise AssertionError(f"{what} never succeeded")  # pragma: no cover - livelock


THREADS_DEADLINE: Final = 120.0


def run_threads(count: int, work: Callable[[int], None]) -> None:
    """Run ``work(0)`` ... ``work(count - 1)`` on threads released together; re-raise an error."""
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
    deadline = time.monotonic() + THREADS_DEADLINE
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()))
    hung = sum(t.is_alive() for t in threads)
    if hung:
        raise AssertionError(f"{hung} thread(s) still running after {THREADS_DEADLINE:.0f} s")
    if errors:
        raise errors[0]


class SuiteBase:
    """The store fixture, the sizes and the factories every part of the suite uses."""

    threads: int = 4
    appends_per_thread: int = 25

    @pytest.fixture
    def store(self) -> Store:
        """Override: return a fresh, empty store."""
        raise NotImplementedError("override the `store` fixture to return a fresh store")

    # -- factories (override for other document kinds) ----------------------------

    def make_document(self, id: str, account_id: str) -> Any:
        """A new document with ``id`` on ``account_id`` (default: a draft [`Bill`][billing_core.bills.Bill]).

        Examples:
            >>> from billing_core.testing.conformance import StoreConformance
            >>> StoreConformance().make_document("B1", "A1").status.value
            'draft'
        """  # noqa: E501
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
            >>> from billing_core.testing.conformance import StoreConformance
            >>> suite = StoreConformance()
            >>> suite.modify_document(suite.make_document("B1", "A1"), 2).void_reason
            'edit 2'
        """
        return attrs.evolve(document, status=BillStatus.VOID, void_reason=f"edit {n}")

    def make_entries(self, account_id: str, count: int, *, prefix: str) -> list[Entry]:
        """``count`` valid entries for ``account_id`` with ids ``prefix-0``, ``prefix-1``, ...

        Examples:
            >>> from billing_core.testing.conformance import StoreConformance
            >>> len(StoreConformance().make_entries("A1", 3, prefix="b"))
            3
        """
        return [
            ChargePosted(
                id=f"{prefix}-{i}",
                account_id=account_id,
                line_id=f"{prefix}-L{i}",
                effective=DAY,
                amount=Money.from_minor(100 + i, "USD"),
                bucket=Bucket.PATIENT,
            )
            for i in range(count)
        ]

    def _request(self, account_id: str, count: int, prefix: str, version: int) -> AppendRequest:
        """One account's part of a batch: ``count`` new entries at ``version``."""
        return AppendRequest(
            account_id=account_id,
            entries=self.make_entries(account_id, count, prefix=prefix),
            expected_version=version,
        )
