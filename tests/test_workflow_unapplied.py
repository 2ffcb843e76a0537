"""Posting real remittances through a store: held cash, PLB, duplicates, applying later."""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest

from billing_core.balances import credits, line_balances
from billing_core.charges import Category, LineItem
from billing_core.charging import charge_entries
from billing_core.claims import Claim
from billing_core.errors import NotFoundError
from billing_core.ledger import Bucket, CashHeld, CreditTransfer, Party, ProviderWithholding
from billing_core.money import Money
from billing_core.parties import Coverage, CoverageSequence, Payer
from billing_core.posting import (
    FollowUpKind,
    reconcile_deposit,
    reconcile_remittance,
    remittance_account,
    unapplied_cash,
)
from billing_core.remittance import CasAdjustment, ClaimPayment, ProviderAdjustment, Remittance
from billing_core.storage import AppendRequest, BatchResult, Store
from billing_core.testing.memory import InMemoryStore
from billing_core.workflows import (
    PostingStatus,
    apply_unapplied_cash,
    post_remittance,
    refund_credit,
)
from examples.sqlite_store import SQLiteStore

DOS = datetime.date(2024, 3, 4)
PAID = datetime.date(2024, 4, 1)
ACME = Payer(id="acme", name="Acme Health", payer_id="87726")
COVERAGE = Coverage(id="CV", payer=ACME, member_id="M1", sequence=CoverageSequence.PRIMARY)
ACCOUNT = remittance_account("87726", "EFT-9")


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


def _claim(n: int, charge: str = "100.00") -> Claim:
    line = LineItem(id=f"L{n}", category=Category.PROCEDURE, service_date=DOS, charge=usd(charge))
    return Claim(
        id=f"CLM{n}",
        account_id=f"A{n}",
        patient_id=f"P{n}",
        coverage=COVERAGE,
        claim_date=DOS,
        lines=[line],
    )


def _charged(store: Store, *claims: Claim) -> None:
    for c in claims:
        store.add(c)
        entries = charge_entries(
            c.lines, account_id=c.account_id, bucket=Bucket.PRIMARY, effective=DOS
        )
        store.append(c.account_id, entries, 0, f"charges:{c.id}")


def _answer(pcn: str, paid: str, charge: str = "100.00") -> ClaimPayment:
    co = Money(charge, "USD") - Money(paid, "USD")
    return ClaimPayment(
        patient_control_number=pcn,
        status="1",
        charge=usd(charge),
        paid=usd(paid),
        payer_claim_control_number=f"PCN-{pcn}",
        adjustments=CasAdjustment.from_cas("CO", ("45", co)) if co.minor else (),
    )


def _remittance(*claims: ClaimPayment, plbs: Sequence[ProviderAdjustment] = ()) -> Remittance:
    total = sum((c.paid for c in claims), usd("0")) - sum((p.amount for p in plbs), usd("0"))
    return Remittance(
        payer="87726",
        payee="1234567893",
        total_payment=total,
        payment_method="ACH",
        trace_number="EFT-9",
        paid_date=PAID,
        claims=claims,
        provider_adjustments=plbs,
        id="R-1",
    )


def test_held_cash_and_plb_are_stored_with_the_claims_then_applied_later(store: Store) -> None:
    _charged(store, _claim(1), _claim(2))
    plbs = [ProviderAdjustment(reason="L6", reference="CLM1", amount=usd("-1.50"))]
    r = _remittance(_answer("CLM1", "80.00"), _answer("WHO-2", "60.00"), plbs=plbs)
    result = post_remittance(store, r)
    assert result.status is PostingStatus.POSTED, result.explanation
    assert result.batch is not None and result.batch.accounts == ("A1", ACCOUNT)
    held, interest = store.read(ACCOUNT)[0]
    assert isinstance(held, CashHeld) and held.amount == usd("60.00")
    assert held.party == Party.payer("acme")  # the payer as our claims name it
    assert interest.amount == usd("1.50")
    (follow,) = [f for f in result.plan.follow_ups if f.kind is FollowUpKind.UNMATCHED]
    assert follow.entry_id == held.id
    everything = [e for a in ("A1", "A2", ACCOUNT) for e in store.read(a)[0]]
    assert reconcile_remittance(r, everything).ok
    # someone finds that WHO-2 is our CLM2: the held 60.00 is applied to it
    applied = apply_unapplied_cash(store, "R-1", held.id, "CLM2", effective=PAID)
    assert applied.status is PostingStatus.POSTED, applied.explanation
    assert {e.account_id for e in applied.written} == {"A2", ACCOUNT}
    line = line_balances(store.read("A2")[0], PAID)["L2"]
    assert (line.paid, line.adjusted, line.balance) == (usd("60"), usd("40"), usd("0"))
    moved = store.read(ACCOUNT)[0][-1]
    assert isinstance(moved, CreditTransfer) and moved.held == held.id
    assert apply_unapplied_cash(store, "R-1", held.id, "CLM2", effective=PAID).status is (
        PostingStatus.ALREADY_POSTED
    )
    again = apply_unapplied_cash(store, "R-1", held.id, "CLM1", effective=PAID)
    assert again.status is PostingStatus.REFUSED and again.written == ()
    assert "posting.held_applied" in {f.rule for f in again.findings}
    everything = [e for a in ("A1", "A2", ACCOUNT) for e in store.read(a)[0]]
    assert reconcile_deposit([r], everything).ok
    (row,) = unapplied_cash(store.read(ACCOUNT)[0], PAID)
    assert (row.held, row.applied, row.available) == (usd("60"), usd("60"), usd("0"))


def test_held_cash_is_refunded_to_the_payer_from_the_remittances_account(store: Store) -> None:
    _charged(store, _claim(1))
    r = _remittance(_answer("CLM1", "80.00"), _answer("WHO-2", "60.00"))
    post_remittance(store, r)
    acme = Party.payer("acme")
    refunded = refund_credit(store, ACCOUNT, acme, usd("60.00"), id="RF-1", effective=PAID)
    assert refunded.entry_ids == ("RF-1",)
    assert credits(store.read(ACCOUNT)[0], PAID)[acme].available == usd("0")
    (row,) = unapplied_cash(store.read(ACCOUNT)[0], PAID)
    assert (row.refunded, row.available) == (usd("60"), usd("0"))
    held = store.read(ACCOUNT)[0][0]
    late = apply_unapplied_cash(store, "R-1", held.id, "CLM1", effective=PAID)
    assert late.refused and "posting.held_exceeded" in {f.rule for f in late.findings}
    with pytest.raises(NotFoundError, match="no held cash 'nope'"):
        apply_unapplied_cash(store, "R-1", "nope", "CLM1", effective=PAID)


def test_a_recoupment_names_the_claim_by_the_payers_number(store: Store) -> None:
    _charged(store, _claim(1), _claim(2))
    first = _remittance(_answer("CLM1", "80.00"))
    post_remittance(store, first)
    second = attrs.evolve(
        _remittance(
            _answer("CLM2", "90.00"),
            plbs=[ProviderAdjustment(reason="WO", reference="PCN-CLM1", amount=usd("25"))],
        ),
        id="R-2",
        trace_number="EFT-10",
    )
    result = post_remittance(store, second)
    assert result.status is PostingStatus.POSTED, result.explanation
    (recoup,) = store.read(remittance_account("87726", "EFT-10"))[0]
    assert isinstance(recoup, ProviderWithholding) and recoup.claim_id == "CLM1"
    assert [(f.kind, f.claim_id) for f in result.plan.follow_ups] == [
        (FollowUpKind.RECOUPMENT, "CLM1")
    ]


def test_the_same_payment_in_another_envelope_is_a_probable_duplicate(store: Store) -> None:
    _charged(store, _claim(1), _claim(2))
    r = _remittance(_answer("CLM1", "80.00"), _answer("CLM2", "70.00"))
    assert post_remittance(store, r).status is PostingStatus.POSTED
    before = {a: store.read(a) for a in ("A1", "A2", ACCOUNT)}
    again = attrs.evolve(r, id="R-1-bis", claims=list(reversed(r.claims)))
    result = post_remittance(store, again)
    assert result.status is PostingStatus.PROBABLE_DUPLICATE and result.refused
    assert result.written == () and "probable duplicate" in result.explanation
    assert {a: store.read(a) for a in ("A1", "A2", ACCOUNT)} == before
    with pytest.raises(NotFoundError):
        store.get(Remittance, "R-1-bis")  # not stored either


class _Crashing:
    """Delegates to a store; its append_batch fails once, after planning."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def append_batch(self, requests: Sequence[AppendRequest], idempotency_key: str) -> BatchResult:
        raise OSError("disk gone")


def test_a_crash_stores_neither_the_claims_entries_nor_the_held_cash(store: Store) -> None:
    _charged(store, _claim(1))
    r = _remittance(_answer("CLM1", "80.00"), _answer("WHO-2", "60.00"))
    with pytest.raises(OSError, match="disk gone"):
        post_remittance(_Crashing(store), r)  # type: ignore[arg-type]
    assert store.read(ACCOUNT) == ((), 0)
    assert store.read("A1")[1] == 1  # the charge only
    assert post_remittance(store, r).status is PostingStatus.POSTED
