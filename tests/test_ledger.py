from __future__ import annotations

import datetime
import itertools
import pickle

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.codes import CARC, GroupCode
from billing_core.errors import (
    BillingError,
    InvalidAmountError,
    InvalidCodeError,
    InvalidTransitionError,
    ValidationError,
)
from billing_core.ledger import (
    Adjustment,
    Bucket,
    ChargePosted,
    LedgerEntry,
    Party,
    PartyKind,
    PaymentApplied,
    PaymentReceived,
    Refund,
    Reversal,
    Source,
    Transfer,
    WriteOff,
    WriteOffReason,
    check_history,
    next_bucket,
    reverse,
    validate_history,
)
from billing_core.money import Money
from billing_core.testing.strategies.ledger import ledger_entries, ledger_histories

D1 = datetime.date(2024, 1, 5)
D2 = datetime.date(2024, 2, 1)
PAT = Party.patient("P1")
AETNA = Party.payer("AETNA")


def usd(text: str) -> Money:
    return Money(text, "USD")


def charge(line: str = "L1", amount: str = "100.00", bucket: Bucket = Bucket.PRIMARY, **kw: object):
    fields = {"id": f"c-{line}", "account_id": "A1", "line_id": line, "effective": D1}
    fields.update(kw)
    return ChargePosted(amount=usd(amount), bucket=bucket, **fields)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- buckets, parties


def test_bucket_coverage_and_sequence() -> None:
    assert [Bucket.coverage(n) for n in (1, 2, 3)] == [
        Bucket.PRIMARY,
        Bucket.SECONDARY,
        Bucket.TERTIARY,
    ]
    assert Bucket.PATIENT.sequence is None
    assert not Bucket.PATIENT.is_insurance
    with pytest.raises(ValueError, match="1, 2 or 3"):
        Bucket.coverage(4)


@pytest.mark.parametrize(
    ("bucket", "available", "expected"),
    [
        (Bucket.PRIMARY, 1, Bucket.PATIENT),
        (Bucket.PRIMARY, 2, Bucket.SECONDARY),
        (Bucket.PRIMARY, 0, Bucket.PATIENT),
        (Bucket.SECONDARY, 3, Bucket.TERTIARY),
        (Bucket.TERTIARY, 3, Bucket.PATIENT),
        (Bucket.PRIMARY, [Bucket.TERTIARY], Bucket.TERTIARY),
        (Bucket.SECONDARY, [Bucket.PRIMARY, Bucket.SECONDARY], Bucket.PATIENT),
    ],
)
def test_next_bucket(bucket: Bucket, available: object, expected: Bucket) -> None:
    assert next_bucket(bucket, available) is expected  # type: ignore[arg-type]


def test_next_bucket_after_patient_is_refused() -> None:
    with pytest.raises(InvalidTransitionError, match="patient is the last"):
        next_bucket(Bucket.PATIENT, 3)


def test_party_pays_its_own_buckets() -> None:
    assert AETNA.can_pay(Bucket.PRIMARY)
    assert not AETNA.can_pay(Bucket.PATIENT)
    assert PAT.can_pay(Bucket.PATIENT)
    assert not PAT.can_pay(Bucket.SECONDARY)
    assert Party(kind=PartyKind.PAYER, id="AETNA") == AETNA
    assert {AETNA, PAT} == {Party.payer("AETNA"), Party.patient("P1")}


def test_party_id_must_be_text() -> None:
    with pytest.raises(ValidationError, match=r"Party.id: must be non-empty"):
        Party.payer("")
    with pytest.raises(TypeError):
        Party.payer(5)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- entries


def test_entries_are_frozen_hashable_and_picklable() -> None:
    c = charge()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        c.amount = usd("1.00")  # type: ignore[misc]
    assert hash(c) == hash(charge())
    assert pickle.loads(pickle.dumps(c)) == c
    assert isinstance(c, LedgerEntry)
    assert attrs.evolve(c, amount=usd("5.00")).amount == usd("5.00")


def test_zero_charge_is_allowed_but_negative_is_not() -> None:
    assert charge(amount="0.00").amount == usd("0")
    with pytest.raises(InvalidAmountError, match=r"ChargePosted.amount must be zero or positive"):
        charge(amount="-1.00")


@pytest.mark.parametrize("amount", ["0.00", "-50.00"])
def test_negative_or_zero_payment_is_refused(amount: str) -> None:
    with pytest.raises(InvalidAmountError, match="PaymentReceived.amount must be positive"):
        PaymentReceived(id="p", account_id="A1", effective=D1, amount=usd(amount), party=PAT)


def test_wrong_types_are_refused() -> None:
    with pytest.raises(TypeError, match="must be a Money"):
        ChargePosted(
            id="c", account_id="A", line_id="L", effective=D1, amount="5", bucket=Bucket.PATIENT
        )  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="datetime.date"):
        charge(effective=datetime.datetime(2024, 1, 5, 9, 0))
    with pytest.raises(TypeError, match="Bucket"):
        charge(bucket="patient")  # type: ignore[arg-type]


def test_line_and_lineless_entries() -> None:
    with pytest.raises(ValidationError, match="needs a line_id"):
        ChargePosted(id="c", account_id="A", effective=D1, amount=usd("1"), bucket=Bucket.PATIENT)
    with pytest.raises(ValidationError, match="belongs to no line"):
        Refund(id="f", account_id="A", line_id="L1", effective=D1, amount=usd("1"), party=PAT)


def test_payment_applied_party_must_pay_bucket() -> None:
    with pytest.raises(ValidationError, match="cannot pay the patient bucket"):
        PaymentApplied(
            id="a",
            account_id="A",
            line_id="L",
            effective=D1,
            amount=usd("1"),
            party=AETNA,
            bucket=Bucket.PATIENT,
        )


def adj(group: GroupCode, to: Bucket | None = None, bucket: Bucket = Bucket.PRIMARY) -> Adjustment:
    return Adjustment(
        id="j",
        account_id="A",
        line_id="L",
        effective=D1,
        amount=usd("10"),
        bucket=bucket,
        group=group,
        reason="45",
        to_bucket=to,
    )


def test_adjustment_group_rules() -> None:
    assert adj(GroupCode.CO).is_write_off
    assert adj(GroupCode.PI).is_write_off
    assert not adj(GroupCode.PR, Bucket.PATIENT).is_write_off
    assert adj(GroupCode.OA).is_write_off
    assert not adj(GroupCode.OA, Bucket.SECONDARY).is_write_off
    with pytest.raises(ValidationError, match="never transferred"):
        adj(GroupCode.CO, Bucket.PATIENT)
    with pytest.raises(ValidationError, match="give to_bucket"):
        adj(GroupCode.PR)
    with pytest.raises(ValidationError, match="post a Reversal"):
        adj(GroupCode.CR)
    with pytest.raises(ValidationError, match="forward in sequence"):
        adj(GroupCode.PR, Bucket.PRIMARY, bucket=Bucket.SECONDARY)
    with pytest.raises(ValidationError, match="coverage bucket"):
        adj(GroupCode.CO, bucket=Bucket.PATIENT)


def test_adjustment_reason_is_a_carc() -> None:
    a = attrs.evolve(adj(GroupCode.CO), reason=CARC("b7"))
    assert a.reason == "B7"
    with pytest.raises(InvalidCodeError):
        attrs.evolve(adj(GroupCode.CO), reason="045")


def test_transfer_needs_two_buckets() -> None:
    with pytest.raises(ValidationError, match="two different buckets"):
        Transfer(
            id="t",
            account_id="A",
            line_id="L",
            effective=D1,
            amount=usd("1"),
            from_bucket=Bucket.PATIENT,
            to_bucket=Bucket.PATIENT,
        )


def test_write_off_reason_type() -> None:
    with pytest.raises(TypeError, match="WriteOffReason"):
        WriteOff(
            id="w",
            account_id="A",
            line_id="L",
            effective=D1,
            amount=usd("1"),
            bucket=Bucket.PATIENT,
            reason="charity",  # type: ignore[arg-type]
        )


# --------------------------------------------------------------------------- reversals


def test_reverse_negates_and_links() -> None:
    c = charge(source=Source(remittance_id="ERA-1"))
    r = reverse(c, id="r1", effective=D2, reason="wrong fee")
    assert r.amount == -c.amount
    assert (r.reverses, r.original, r.line_id, r.account_id) == ("c-L1", c, "L1", "A1")
    assert r.source == Source(remittance_id="ERA-1", reason="wrong fee")


def test_reversal_of_reversal_is_refused() -> None:
    r = reverse(charge(), id="r1", effective=D2)
    with pytest.raises(ValidationError, match="cannot be reversed"):
        reverse(r, id="r2", effective=D2)
    with pytest.raises(ValidationError, match="reversal of a reversal"):
        Reversal(
            id="r2",
            account_id="A1",
            line_id="L1",
            effective=D2,
            amount=-r.amount,
            reverses="r1",
            original=r,  # type: ignore[arg-type]
        )


def test_reversal_must_match_its_original() -> None:
    c = charge()
    with pytest.raises(ValidationError, match="not the negation"):
        Reversal(
            id="r",
            account_id="A1",
            line_id="L1",
            effective=D2,
            amount=usd("-1"),
            reverses=c.id,
            original=c,
        )
    with pytest.raises(ValidationError, match="before the original"):
        reverse(c, id="r", effective=datetime.date(2023, 12, 31))


# --------------------------------------------------------------------------- histories


def rules(history: list) -> list[str]:  # type: ignore[type-arg]
    return [f.rule for f in validate_history(history)]


def test_valid_history_has_no_findings() -> None:
    c = charge()
    p = PaymentReceived(id="p", account_id="A1", effective=D2, amount=usd("60"), party=AETNA)
    a = PaymentApplied(
        id="a",
        account_id="A1",
        line_id="L1",
        effective=D2,
        amount=usd("60"),
        party=AETNA,
        bucket=Bucket.PRIMARY,
    )
    # order within a history does not matter
    check_history([a, p, c])


def test_duplicate_id() -> None:
    assert rules([charge(), charge()]) == ["history.duplicate_id"]


def test_reversal_of_unknown_entry() -> None:
    r = reverse(charge(line="L9"), id="r", effective=D2)
    assert "history.unknown_reversed" in rules([charge(), r])


def test_reversed_twice() -> None:
    c = charge()
    assert rules([c, reverse(c, id="r1", effective=D2), reverse(c, id="r2", effective=D2)]) == [
        "history.reversed_twice",
        "history.open_negative",
    ]


def test_reversal_whose_copy_differs() -> None:
    c = charge()
    other = attrs.evolve(c, amount=usd("1.00"))
    assert rules([c, reverse(other, id="r", effective=D2)]) == ["history.reversal_mismatch"]


def test_entry_for_unknown_line() -> None:
    w = WriteOff(
        id="w",
        account_id="A1",
        line_id="L2",
        effective=D2,
        amount=usd("1"),
        bucket=Bucket.PATIENT,
        reason=WriteOffReason.CHARITY,
    )
    assert rules([charge(), w]) == ["history.unknown_line", "history.open_negative"]


def test_entry_before_its_charge() -> None:
    early = Transfer(
        id="t",
        account_id="A1",
        line_id="L1",
        effective=datetime.date(2024, 1, 1),
        amount=usd("1"),
        from_bucket=Bucket.PRIMARY,
        to_bucket=Bucket.PATIENT,
    )
    assert "history.unknown_line" in rules([charge(), early])


def test_currency_mismatch_within_account() -> None:
    eur = PaymentReceived(
        id="p", account_id="A1", effective=D1, amount=Money("5", "EUR"), party=PAT
    )
    assert rules([charge(), eur]) == ["history.currency"]


def test_line_in_two_accounts() -> None:
    assert rules([charge(), charge(id="c2", account_id="A2")]) == ["history.line_account"]


def test_applying_more_than_received() -> None:
    p = PaymentReceived(id="p", account_id="A1", effective=D1, amount=usd("10"), party=PAT)
    a = PaymentApplied(
        id="a",
        account_id="A1",
        line_id="L1",
        effective=D1,
        amount=usd("20"),
        party=PAT,
        bucket=Bucket.PATIENT,
    )
    assert rules([charge(bucket=Bucket.PATIENT), p, a]) == ["history.credit_negative"]


def test_refunding_more_than_credit() -> None:
    p = PaymentReceived(id="p", account_id="A1", effective=D1, amount=usd("10"), party=PAT)
    f = Refund(id="f", account_id="A1", effective=D2, amount=usd("10.01"), party=PAT)
    with pytest.raises(ValidationError) as caught:
        check_history([p, f])
    assert "credit of patient:P1 is below zero on 2024-02-01" in str(caught.value)
    assert isinstance(caught.value, BillingError)


def test_same_day_order_does_not_matter_but_days_do() -> None:
    # applied before received, on the same day: fine at the end of the day
    p = PaymentReceived(id="p", account_id="A1", effective=D2, amount=usd("10"), party=PAT)
    a = PaymentApplied(
        id="a",
        account_id="A1",
        line_id="L1",
        effective=D2,
        amount=usd("10"),
        party=PAT,
        bucket=Bucket.PATIENT,
    )
    check_history([charge(bucket=Bucket.PATIENT), a, p])
    # applied a day before the money arrived: refused
    early = attrs.evolve(a, effective=D1)
    assert rules([charge(bucket=Bucket.PATIENT), early, p]) == ["history.credit_negative"]


def test_non_entries_are_refused() -> None:
    with pytest.raises(TypeError, match="ledger entries"):
        validate_history([object()])  # type: ignore[list-item]


@settings(max_examples=60, deadline=None)
@given(ledger_histories())
def test_generated_histories_are_valid(history: tuple) -> None:  # type: ignore[type-arg]
    check_history(history)
    ids = [e.id for e in history]
    assert len(ids) == len(set(ids))
    assert all(a.effective <= b.effective for a, b in itertools.pairwise(history))


@settings(max_examples=60, deadline=None)
@given(ledger_entries(), st.integers(min_value=0, max_value=5))
def test_any_entry_reverses_exactly_once(entry, days: int) -> None:  # type: ignore[no-untyped-def]
    if isinstance(entry, Reversal):
        with pytest.raises(ValidationError):
            reverse(entry, id="x", effective=entry.effective)
        return
    r = reverse(entry, id="x", effective=entry.effective + datetime.timedelta(days=days))
    assert r.amount + entry.amount == Money.zero(entry.amount.currency)
    assert r._key is entry._key


def test_pickle_rebuilds_entries_through_the_constructor() -> None:
    import pickle

    from billing_core.ledger import _rebuild_entry

    day = datetime.date(2024, 1, 2)
    charge = ChargePosted(
        id="c1",
        account_id="A1",
        line_id="L1",
        effective=day,
        amount=Money("5.00", "USD"),
        bucket=Bucket.PRIMARY,
    )
    fn, (cls, fields) = charge.__reduce__()
    # Only constructor arguments are pickled; derived state is recomputed on load.
    assert fn is _rebuild_entry and cls is ChargePosted
    assert "_key" not in fields
    assert pickle.loads(pickle.dumps(charge)) == charge
    undo = reverse(charge, id="r1", effective=day, reason="typo")
    assert pickle.loads(pickle.dumps(undo)) == undo
    # A tampered payload is validated like any construction.
    with pytest.raises(InvalidAmountError, match="zero or positive"):
        fn(cls, {**fields, "amount": Money("-5.00", "USD")})
