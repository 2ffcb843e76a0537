"""Entries of money on no line: held cash, credit moved, provider-level money, appeal holds."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings

from billing_core.balances import account_balance, credits, line_balances
from billing_core.codes import GroupCode
from billing_core.errors import ValidationError
from billing_core.ledger import (
    AppealHold,
    Bucket,
    CashHeld,
    ChargePosted,
    CreditTransfer,
    Party,
    ProviderPayment,
    ProviderWithholding,
    Refund,
    check_history,
    reverse,
    validate_history,
)
from billing_core.ledger._effects import TERMS, EffectKind, Role, Total, effect
from billing_core.money import Money
from billing_core.testing.strategies.ledger import ledger_histories

DAY = datetime.date(2024, 4, 1)
ACME = Party.payer("acme")


def usd(text: str) -> Money:
    return Money(text, "USD")


def held(amount: str = "40.00", **kw: object) -> CashHeld:
    fields: dict[str, object] = {
        "id": "h1",
        "account_id": "R",
        "effective": DAY,
        "amount": usd(amount),
        "party": ACME,
        "claim_reference": "ZZZ",
    }
    fields.update(kw)
    return CashHeld(**fields)  # type: ignore[arg-type]


def test_held_cash_is_the_payers_credit_refundable_and_movable() -> None:
    moved = CreditTransfer(
        id="m1", account_id="R", effective=DAY, amount=usd("25"), party=ACME, to_account="A1"
    )
    back = Refund(id="f1", account_id="R", effective=DAY, amount=usd("10"), party=ACME)
    credit = credits([held(), moved, back], DAY)[ACME]
    # received counts money moved out of the account: 40 held - 25 moved = 15
    assert (credit.received, credit.refunded, credit.available) == (usd("15"), usd("10"), usd("5"))
    check_history([held(), moved, back])
    too_much = CreditTransfer(
        id="m2", account_id="R", effective=DAY, amount=usd("30"), party=ACME, to_account="A2"
    )
    assert [f.rule for f in validate_history([held(), moved, too_much])] == [
        "history.credit_negative"
    ]


def test_provider_money_and_appeal_holds_touch_no_balance_and_no_credit() -> None:
    charge = ChargePosted(
        id="c1", account_id="A1", line_id="L1", effective=DAY, amount=usd("100"),
        bucket=Bucket.PRIMARY,
    )  # fmt: skip
    hold = AppealHold(
        id="a1", account_id="A1", effective=DAY, amount=usd("100"), claim_id="C1",
        bucket=Bucket.PRIMARY, group=GroupCode.CO, reason="50",
    )  # fmt: skip
    interest = ProviderPayment(
        id="i1", account_id="A1", effective=DAY, amount=usd("2"), party=ACME, reason="L6"
    )
    recoup = ProviderWithholding(
        id="w1", account_id="A1", effective=DAY, amount=usd("9"), party=ACME, reason="WO"
    )
    history = [charge, hold, interest, recoup]
    check_history(history)
    assert line_balances(history, DAY)["L1"].open.of(Bucket.PRIMARY) == usd("100")
    assert account_balance(history, DAY).balance == usd("100")
    assert credits(history, DAY) == {}
    # what each does, as the one table says
    assert TERMS[EffectKind.PROVIDER_PAID] == ((Total.PROVIDER, Role.PARTY, 1),)
    assert [t[2] for t in effect(recoup).terms] == [-1]
    assert effect(hold).terms == ((Total.APPEALED, Bucket.PRIMARY, 1),)
    assert effect(reverse(hold, id="r1", effective=DAY)) is effect(hold)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: held(party=Party.patient("P1")), "CashHeld.party: the money of a remittance"),
        (lambda: held(service_line=0), "CashHeld.service_line: must be a position"),
        (lambda: held(line_id="L1"), "CashHeld.line_id: unapplied money belongs to no line"),
        (lambda: held(amount="0"), "CashHeld.amount must be positive"),
        (
            lambda: CreditTransfer(
                id="m", account_id="R", effective=DAY, amount=usd("1"), party=ACME, to_account="R"
            ),
            "a credit moves to another account",
        ),
        (
            lambda: ProviderPayment(
                id="i", account_id="R", effective=DAY, amount=usd("1"), party=ACME, reason="L66"
            ),
            "must be a PLB adjustment reason code",
        ),
        (
            lambda: AppealHold(
                id="a",
                account_id="A",
                effective=DAY,
                amount=usd("1"),
                claim_id="C",
                bucket=Bucket.PATIENT,
                group=GroupCode.CO,
                reason="50",
            ),
            "a denial is held in a coverage bucket",
        ),
        (
            lambda: AppealHold(
                id="a",
                account_id="A",
                effective=DAY,
                amount=usd("1"),
                claim_id="C",
                bucket=Bucket.PRIMARY,
                group=GroupCode.PR,
                reason="1",
            ),
            "a denial held for appeal is CO, PI or OA",
        ),
    ],
)
def test_bad_entries_of_money_on_no_line_are_refused_by_field(build, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises((ValidationError, ValueError), match=message):
        build()


@settings(max_examples=60, deadline=None)
@given(ledger_histories(payer_money=True))
def test_histories_with_money_on_no_line_are_valid(history) -> None:  # type: ignore[no-untyped-def]
    check_history(history)
    available = {p: c.available.minor for p, c in credits(history, history[-1].effective).items()}
    assert all(v >= 0 for v in available.values())
