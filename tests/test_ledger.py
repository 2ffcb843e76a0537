from __future__ import annotations

import datetime
import itertools
import pickle
from collections.abc import Sequence

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.codes import CARC, GroupCode
from billing_core.errors import (
    BillingError,
    Finding,
    InvalidAmountError,
    InvalidCodeError,
    InvalidTransitionError,
    ValidationError,
)
from billing_core.ledger import (
    HISTORY_RULES,
    Adjustment,
    Bucket,
    ChargePosted,
    Entry,
    HistoryRule,
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
    charged_before_use,
    check_history,
    never_below_zero,
    next_bucket,
    one_account_per_line,
    one_currency_per_account,
    reversals_match_their_originals,
    reverse,
    reversed_at_most_once,
    unique_ids,
    validate_history,
)
from billing_core.ledger._effects import effect
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
    assert not adj(GroupCode.CO).is_transfer
    assert not adj(GroupCode.PI).is_transfer
    assert adj(GroupCode.PR, Bucket.PATIENT).is_transfer
    assert not adj(GroupCode.OA).is_transfer
    assert adj(GroupCode.OA, Bucket.SECONDARY).is_transfer
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
    # the patient party's id is masked in the message (views' masking policy)
    assert "credit of patient:**** is below zero on 2024-02-01" in str(caught.value)
    assert "P1" not in str(caught.value)
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
    # the reversal undoes exactly its original's effect: the same effect, negated amount
    assert effect(r) is effect(entry)


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
    assert "_effect" not in fields
    assert pickle.loads(pickle.dumps(charge)) == charge
    undo = reverse(charge, id="r1", effective=day, reason="typo")
    assert pickle.loads(pickle.dumps(undo)) == undo
    # A tampered payload is validated like any construction.
    with pytest.raises(InvalidAmountError, match="zero or positive"):
        fn(cls, {**fields, "amount": Money("-5.00", "USD")})


# --------------------------------------------------------------------------- history rules


def test_history_rules_are_small_named_rules_in_reporting_order() -> None:
    assert [rule.__name__ for rule in HISTORY_RULES] == [
        "unique_ids",
        "one_currency_per_account",
        "one_account_per_line",
        "reversals_match_their_originals",
        "reversed_at_most_once",
        "charged_before_use",
        "never_below_zero",
    ]
    # named for what they require (CONTRIBUTING's vocabulary), not check_/validate_
    assert not [r for r in HISTORY_RULES if r.__name__.startswith(("check_", "validate_"))]


def test_validate_history_runs_the_rules_given_and_returns_a_tuple() -> None:
    bad = [charge(), charge()]
    assert validate_history(bad) == validate_history(bad, HISTORY_RULES)
    assert isinstance(validate_history(bad), tuple)
    assert validate_history(bad, rules=()) == ()
    assert [f.rule for f in validate_history(bad, rules=[unique_ids])] == ["history.duplicate_id"]

    def no_write_offs(history: Sequence[Entry]) -> list[Finding]:
        return [
            Finding(location=f"entry {e.id}", message="no write-offs here", rule="house.no_wo")
            for e in history
            if isinstance(e, WriteOff)
        ]

    w = WriteOff(
        id="w",
        account_id="A1",
        line_id="L1",
        effective=D1,
        amount=usd("1"),
        bucket=Bucket.PRIMARY,
        reason=WriteOffReason.CHARITY,
    )
    assert [f.rule for f in validate_history([charge(), w], extra_rules=[no_write_offs])] == [
        "house.no_wo"
    ]
    with pytest.raises(ValidationError, match="entry w: no write-offs here"):
        check_history([charge(), w], extra_rules=[no_write_offs])
    check_history([charge(), w])  # the default rules allow it


@pytest.mark.parametrize(
    ("rule", "history", "expected"),
    [
        (one_currency_per_account, "currency", ["history.currency"]),
        (one_account_per_line, "two accounts", ["history.line_account"]),
        (charged_before_use, "uncharged", ["history.unknown_line"]),
        (reversed_at_most_once, "twice", ["history.reversed_twice"]),
        (never_below_zero, "twice", ["history.open_negative"]),
        (reversals_match_their_originals, "twice", []),
    ],
)
def test_each_rule_on_its_own(rule: HistoryRule, history: str, expected: list[str]) -> None:
    c = charge()
    histories = {
        "currency": [
            c,
            PaymentReceived(id="p", account_id="A1", effective=D1, amount=Money("5", "EUR"),
                            party=PAT),
        ],
        "two accounts": [c, charge(id="c2", account_id="A2")],
        "uncharged": [
            charge(line="L1"),
            Transfer(id="t", account_id="A1", line_id="L2", effective=D1, amount=usd("1"),
                     from_bucket=Bucket.PRIMARY, to_bucket=Bucket.PATIENT),
        ],
        "twice": [c, reverse(c, id="r1", effective=D2), reverse(c, id="r2", effective=D2)],
    }  # fmt: skip
    assert [f.rule for f in rule(histories[history])] == expected


def test_a_history_of_non_entries_names_the_item() -> None:
    with pytest.raises(TypeError, match="item 1 is 'c-L1' \\(str\\)"):
        validate_history([charge(), "c-L1"])  # type: ignore[list-item]


# --------------------------------------------------------------------------- clear errors


def test_bucket_coverage_out_of_range_is_a_library_error() -> None:
    with pytest.raises(ValidationError, match="coverage sequence: must be 1, 2 or 3, got 4"):
        Bucket.coverage(4)
    with pytest.raises(BillingError):
        Bucket.coverage(True)  # type: ignore[arg-type]


def test_a_party_id_error_never_shows_the_id() -> None:
    with pytest.raises(TypeError) as info:
        Party.patient(19800517)  # type: ignore[arg-type]
    assert "19800517" not in str(info.value)
    assert "Party.id must be a str, got an int (value not shown" in str(info.value)


def test_error_messages_echo_a_bounded_part_of_a_bad_value() -> None:
    huge = ["9" * 100_000]
    with pytest.raises(TypeError) as info:
        charge(effective=huge)
    assert "ChargePosted.effective must be a datetime.date" in str(info.value)
    assert len(str(info.value)) < 300


# --------------------------------------------------------------------------- effects


def test_each_entry_type_has_the_effect_the_ledger_table_gives() -> None:
    # DESIGN, "The responsibility ledger": worked out by hand per entry type, as
    # (total, key, sign) triples; a reversal has its original's effect.
    day = D1
    moved = adj(GroupCode.PR, Bucket.PATIENT)
    cases = [
        (charge(bucket=Bucket.PRIMARY), {("CHARGED", None, 1), ("OPEN", Bucket.PRIMARY, 1)}),
        (
            PaymentReceived(id="p", account_id="A1", effective=day, amount=usd("1"), party=PAT),
            {("RECEIVED", PAT, 1), ("CREDIT", PAT, 1)},
        ),
        (
            PaymentApplied(
                id="a", account_id="A1", line_id="L1", effective=day, amount=usd("1"), party=AETNA,
                bucket=Bucket.PRIMARY,
            ),
            {("PAID_BY_PARTY", AETNA, 1), ("PAID_BY_BUCKET", Bucket.PRIMARY, 1),
             ("OPEN", Bucket.PRIMARY, -1), ("CREDIT", AETNA, -1)},
        ),
        (adj(GroupCode.CO), {("ADJUSTED", GroupCode.CO, 1), ("OPEN", Bucket.PRIMARY, -1)}),
        (
            moved,
            {("MOVED_OUT", Bucket.PRIMARY, 1), ("MOVED_IN", Bucket.PATIENT, 1),
             ("OPEN", Bucket.PRIMARY, -1), ("OPEN", Bucket.PATIENT, 1)},
        ),
        (
            WriteOff(id="w", account_id="A", line_id="L", effective=day, amount=usd("1"),
                     bucket=Bucket.PATIENT, reason=WriteOffReason.BAD_DEBT),
            {("WRITTEN_OFF", WriteOffReason.BAD_DEBT, 1), ("OPEN", Bucket.PATIENT, -1)},
        ),
        (
            Refund(id="f", account_id="A1", effective=day, amount=usd("1"), party=PAT),
            {("REFUNDED", PAT, 1), ("CREDIT", PAT, -1)},
        ),
        (reverse(moved, id="r", effective=day), None),
    ]  # fmt: skip
    for entry, want in cases:
        got = {(total.name, key, sign) for total, key, sign in effect(entry).terms}
        if want is None:
            assert effect(entry) is effect(moved)
        else:
            assert got == want, type(entry).__name__
    # the open total moves by +1 (charge), -1 (paid, adjusted, written off) or 0 (moved)
    assert [effect(e).open_sign for e, _ in cases] == [1, 0, -1, -1, 0, -1, 0, 0]


def test_equal_effects_are_shared_and_folds_do_not_depend_on_it() -> None:
    assert effect(charge(line="L1")) is effect(charge(line="L2"))
    assert effect(charge(account_id="A2")) is not effect(charge())


# --------------------------------------------------------------------------- every refusal


def test_entries_refuse_wrong_field_types_naming_the_field() -> None:
    common = {"id": "x", "account_id": "A1", "effective": D1, "amount": usd("1")}
    with pytest.raises(TypeError, match="ChargePosted.source must be a Source, got 'ERA' \\(str"):
        charge(source="ERA")
    with pytest.raises(TypeError, match="PaymentReceived.party must be a Party"):
        PaymentReceived(party="P1", **common)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Refund.party must be a Party"):
        Refund(party="P1", **common)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="PaymentApplied.party must be a Party"):
        PaymentApplied(line_id="L1", party="P1", bucket=Bucket.PATIENT, **common)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Adjustment.group must be a GroupCode, got 'CO'"):
        Adjustment(line_id="L1", bucket=Bucket.PRIMARY, group="CO", reason="45", **common)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Party.kind must be a PartyKind, got 'payer'"):
        Party(kind="payer", id="AETNA")  # type: ignore[arg-type]


def test_the_base_entry_and_an_entry_type_without_an_effect_are_refused() -> None:
    with pytest.raises(TypeError, match="LedgerEntry is a base class"):
        LedgerEntry(id="x", account_id="A1", effective=D1, amount=usd("1"))

    @attrs.frozen(kw_only=True)
    class Gift(LedgerEntry):  # checks itself but does not say what it does
        def _check(self) -> None:
            pass

    with pytest.raises(NotImplementedError):
        Gift(id="g", account_id="A1", effective=D1, amount=usd("1"))


def test_a_reversal_must_name_and_match_its_original() -> None:
    c = charge()
    with pytest.raises(TypeError, match="Reversal.original must be a ledger entry, got 'c-L1'"):
        Reversal(id="r", account_id="A1", line_id="L1", effective=D2, amount=usd("-100"),
                 reverses="c-L1", original="c-L1")  # type: ignore[arg-type]  # fmt: skip
    with pytest.raises(ValidationError) as info:
        Reversal(id="r", account_id="A2", line_id="L2", effective=D2, amount=usd("-100"),
                 reverses="other", original=c)  # fmt: skip
    message = str(info.value)
    assert "reverses 'other' but original is 'c-L1'" in message
    assert "account 'A2' is not the original's" in message
    assert "line 'L2' is not the original's" in message


def test_a_reversal_naming_a_reversal_by_a_reused_id_is_found() -> None:
    first, second = charge(line="L1"), charge(line="L2")
    # a reversal of L2's charge that reuses L1's charge id, listed first
    impostor = reverse(second, id=first.id, effective=D2)
    undo = reverse(first, id="r1", effective=D2)
    found = reversals_match_their_originals([impostor, first, second, undo])
    assert [(f.location, f.rule) for f in found] == [
        ("entry r1", "history.reversal_of_reversal"),
    ]


def test_effects_show_what_they_do() -> None:
    text = repr(effect(adj(GroupCode.CO)))
    assert text == "Effect(adjusted, bucket=primary, detail=CO, party=None, account='A', USD)"
