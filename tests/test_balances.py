from __future__ import annotations

import datetime
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.balances import (
    Amounts,
    Balance,
    account_balance,
    account_balances,
    credits,
    explain,
    group_balance,
    line_balances,
)
from billing_core.codes import GroupCode
from billing_core.errors import (
    CurrencyMismatchError,
    InvalidAmountError,
    NotFoundError,
    ValidationError,
)
from billing_core.ledger import (
    Adjustment,
    Bucket,
    ChargePosted,
    Entry,
    Party,
    PaymentApplied,
    PaymentReceived,
    Refund,
    Reversal,
    Transfer,
    WriteOff,
    WriteOffReason,
    reverse,
)
from billing_core.money import Money
from billing_core.testing.strategies.ledger import ledger_histories

D1 = datetime.date(2024, 1, 5)
D2 = datetime.date(2024, 2, 1)
D3 = datetime.date(2024, 3, 1)
D4 = datetime.date(2024, 4, 1)
AETNA = Party.payer("AETNA")
MEDIGAP = Party.payer("MEDIGAP")
PAT = Party.patient("P1")
FOREVER = datetime.date.max

History = tuple[Entry, ...]


def usd(text: str) -> Money:
    return Money(text, "USD")


def waterfall() -> list[Entry]:
    """One line, end to end; every figure below is worked out by hand.

    $200 charge to primary; primary pays $90, CO-45 $60 and PR-1 $50 to secondary;
    secondary pays $30 and moves $20 to the patient; patient pays $15, $5 written off as
    small balance; a $7 payment posted by mistake is reversed.
    """
    common = {"account_id": "A1", "line_id": "L1"}
    e: list[Entry] = [
        ChargePosted(id="c1", effective=D1, amount=usd("200"), bucket=Bucket.PRIMARY, **common),
        PaymentReceived(id="p1", account_id="A1", effective=D2, amount=usd("90"), party=AETNA),
        PaymentApplied(
            id="a1", effective=D2, amount=usd("90"), party=AETNA, bucket=Bucket.PRIMARY, **common
        ),
        Adjustment(
            id="j1",
            effective=D2,
            amount=usd("60"),
            bucket=Bucket.PRIMARY,
            group=GroupCode.CO,
            reason="45",
            **common,
        ),
        Adjustment(
            id="j2",
            effective=D2,
            amount=usd("50"),
            bucket=Bucket.PRIMARY,
            group=GroupCode.PR,
            reason="1",
            to_bucket=Bucket.SECONDARY,
            **common,
        ),
        PaymentReceived(id="p2", account_id="A1", effective=D3, amount=usd("30"), party=MEDIGAP),
        PaymentApplied(
            id="a2",
            effective=D3,
            amount=usd("30"),
            party=MEDIGAP,
            bucket=Bucket.SECONDARY,
            **common,
        ),
        Transfer(
            id="t1",
            effective=D3,
            amount=usd("20"),
            from_bucket=Bucket.SECONDARY,
            to_bucket=Bucket.PATIENT,
            **common,
        ),
        PaymentReceived(id="p3", account_id="A1", effective=D4, amount=usd("22"), party=PAT),
        PaymentApplied(
            id="a3", effective=D4, amount=usd("15"), party=PAT, bucket=Bucket.PATIENT, **common
        ),
        PaymentApplied(
            id="a4", effective=D4, amount=usd("7"), party=PAT, bucket=Bucket.PATIENT, **common
        ),
        WriteOff(
            id="w1",
            effective=D4,
            amount=usd("5"),
            bucket=Bucket.PATIENT,
            reason=WriteOffReason.SMALL_BALANCE,
            **common,
        ),
    ]
    e.append(reverse(e[10], id="r1", effective=D4, reason="posted twice"))
    return e


def test_line_waterfall_known_answer() -> None:
    lb = line_balances(waterfall(), FOREVER)["L1"]
    assert lb.charged == usd("200")
    assert dict(lb.paid_by_party) == {AETNA: usd("90"), MEDIGAP: usd("30"), PAT: usd("15")}
    assert lb.paid == usd("135")
    assert (lb.insurance_paid, lb.patient_paid) == (usd("120"), usd("15"))
    assert dict(lb.adjusted_by_group) == {GroupCode.CO: usd("60")}
    assert lb.written_off == usd("5")
    assert dict(lb.transferred_out) == {Bucket.PRIMARY: usd("50"), Bucket.SECONDARY: usd("20")}
    assert dict(lb.transferred_in) == {Bucket.SECONDARY: usd("50"), Bucket.PATIENT: usd("20")}
    # 200 - 135 - 60 - 5 = 0
    assert dict(lb.open) == {}
    assert lb.balance == usd("0")
    assert (lb.line_id, lb.account_id, lb.currency) == ("L1", "A1", "USD")


def test_as_of_known_answers() -> None:
    history = waterfall()
    on_d2 = line_balances(history, D2)["L1"]
    assert dict(on_d2.open) == {Bucket.SECONDARY: usd("50")}
    on_d3 = line_balances(history, D3)["L1"]
    assert dict(on_d3.open) == {Bucket.PATIENT: usd("20")}
    assert (on_d3.insurance_open, on_d3.patient_open) == (usd("0"), usd("20"))
    assert line_balances(history, datetime.date(2024, 1, 4)) == {}


def test_credits_known_answer() -> None:
    history = waterfall()
    c = credits(history, FOREVER)
    assert list(c) == [AETNA, MEDIGAP, PAT]
    # the patient paid 22, 15 applied, the mistaken 7 was reversed: 7 back as credit
    assert (c[PAT].received, c[PAT].applied, c[PAT].refunded) == (usd("22"), usd("15"), usd("0"))
    assert c[PAT].available == usd("7")
    assert c[AETNA].available == usd("0")
    refund = Refund(id="f1", account_id="A1", effective=D4, amount=usd("7"), party=PAT)
    assert credits([*history, refund], FOREVER)[PAT].available == usd("0")


def test_account_and_group_rollups() -> None:
    history = [
        *waterfall(),
        ChargePosted(
            id="c2",
            account_id="A1",
            line_id="L2",
            effective=D1,
            amount=usd("40"),
            bucket=Bucket.PATIENT,
        ),
        ChargePosted(
            id="c3",
            account_id="A1",
            line_id="L3",
            effective=D1,
            amount=usd("10"),
            bucket=Bucket.PRIMARY,
        ),
    ]
    acct = account_balance(history, FOREVER)
    assert acct.charged == usd("250")
    assert (acct.insurance_open, acct.patient_open) == (usd("10"), usd("40"))
    assert acct.paid == usd("135")
    group = group_balance(history, ["L1", "L3"], FOREVER)
    assert (group.charged, group.balance) == (usd("210"), usd("10"))
    assert account_balances(history, FOREVER) == {"A1": acct}


def test_empty_and_missing() -> None:
    assert account_balance([], D1, currency="USD") == Balance.empty("USD")
    with pytest.raises(InvalidAmountError, match="currency="):
        account_balance([], D1)
    with pytest.raises(NotFoundError, match="L9"):
        group_balance(waterfall(), ["L1", "L9"], FOREVER)
    with pytest.raises(NotFoundError, match="no entries"):
        explain(waterfall(), "L9", as_of=FOREVER)
    assert credits([], D1) == {}


def test_entry_for_unknown_line_is_refused() -> None:
    stray = WriteOff(
        id="w",
        account_id="A1",
        line_id="L9",
        effective=D1,
        amount=usd("1"),
        bucket=Bucket.PATIENT,
        reason=WriteOffReason.CHARITY,
    )
    with pytest.raises(NotFoundError, match="L9 has entries but no charge"):
        line_balances([*waterfall(), stray], FOREVER)


def test_currency_mismatch_is_refused() -> None:
    eur = PaymentReceived(
        id="pe", account_id="A1", effective=D1, amount=Money("5", "EUR"), party=PAT
    )
    with pytest.raises(CurrencyMismatchError, match="several currencies"):
        account_balance([*waterfall(), eur], FOREVER)
    with pytest.raises(CurrencyMismatchError):
        credits([*waterfall(), eur], FOREVER)
    with pytest.raises(CurrencyMismatchError):
        account_balance(waterfall(), FOREVER, currency="EUR")


def test_several_accounts() -> None:
    other = ChargePosted(
        id="c9", account_id="A2", line_id="L9", effective=D1, amount=usd("1"), bucket=Bucket.PATIENT
    )
    with pytest.raises(ValidationError, match="several accounts"):
        account_balance([*waterfall(), other], FOREVER)
    assert set(account_balances([*waterfall(), other], FOREVER)) == {"A1", "A2"}


def test_as_of_must_be_a_date() -> None:
    with pytest.raises(TypeError, match="as_of"):
        line_balances(waterfall(), datetime.datetime(2024, 1, 1))  # type: ignore[arg-type]


def test_explain_rows_and_text() -> None:
    ex = explain(waterfall(), "L1", as_of=FOREVER)
    steps = [(r.entry_id, r.step, r.change.amount, r.open.amount) for r in ex.rows]
    assert [s[1] for s in steps] == [
        "charge",
        "adjustment",
        "adjustment",
        "payment",
        "payment",
        "payment",
        "payment",
        "payment",
        "transfer",
        "write-off",
    ]
    assert steps[0][2:] == (usd("200").amount, usd("200").amount)
    assert steps[1][0] == "j1" and steps[2][2] == 0  # the PR moves, does not reduce
    assert steps[-1][3] == 0
    assert "reversal of a4" in ex.text
    assert ex.text.splitlines()[-1] == "Open: nothing; total 0.00"
    assert ex.balance == line_balances(waterfall(), FOREVER)["L1"]


def test_amounts_mapping() -> None:
    a = Amounts({Bucket.PATIENT: usd("1"), Bucket.PRIMARY: usd("2")}, currency="USD")
    assert list(a) == [Bucket.PRIMARY, Bucket.PATIENT]
    assert a == Amounts([(Bucket.PRIMARY, usd("2")), (Bucket.PATIENT, usd("1"))], currency="USD")
    assert hash(a) == hash(Amounts(dict(a), currency="USD"))
    assert a[Bucket.PRIMARY] == usd("2")
    with pytest.raises(KeyError):
        a[Bucket.SECONDARY]
    with pytest.raises(CurrencyMismatchError):
        Amounts({Bucket.PATIENT: Money("1", "EUR")}, currency="USD")
    with pytest.raises(AttributeError):
        a._data = {}  # type: ignore[misc]


# --------------------------------------------------------------------------- properties


def oracle(history: History, as_of: datetime.date) -> dict[tuple[str, Bucket], int]:
    """Open minor units per (line, bucket), by a plain loop independent of the fold."""
    opens: dict[tuple[str, Bucket], int] = defaultdict(int)
    for entry in history:
        if entry.effective > as_of:
            continue
        sign = 1
        e = entry
        if isinstance(entry, Reversal):
            sign, e = -1, entry.original
        m = sign * e.amount.minor
        line = e.line_id or ""
        if isinstance(e, ChargePosted):
            opens[line, e.bucket] += m
        elif isinstance(e, PaymentApplied | WriteOff):
            opens[line, e.bucket] -= m
        elif isinstance(e, Adjustment):
            opens[line, e.bucket] -= m
            if e.to_bucket is not None:
                opens[line, e.to_bucket] += m
        elif isinstance(e, Transfer):
            opens[line, e.from_bucket] -= m
            opens[line, e.to_bucket] += m
    return {k: v for k, v in opens.items() if v}


def dates_of(history: History) -> list[datetime.date]:
    days = sorted({e.effective for e in history})
    return [days[0] - datetime.timedelta(days=1), *days, FOREVER]


@settings(max_examples=80)
@given(ledger_histories())
def test_line_identity_and_buckets(history: History) -> None:
    for as_of in dates_of(history):
        for lb in line_balances(history, as_of).values():
            assert lb.charged == lb.paid + lb.adjusted + lb.written_off + lb.balance
            assert lb.transferred_in.total() == lb.transferred_out.total()
            assert lb.balance == sum((m for m in lb.open.values()), Money.zero("USD"))
            assert lb.balance == lb.insurance_open + lb.patient_open
            assert all(m.minor > 0 for m in lb.open.values())  # valid: never negative
        got = {
            (line, b): m.minor
            for line, lb in line_balances(history, as_of).items()
            for b, m in lb.open.items()
        }
        assert got == oracle(history, as_of)


@settings(max_examples=80)
@given(ledger_histories())
def test_credit_identity_never_negative(history: History) -> None:
    for as_of in dates_of(history):
        for credit in credits(history, as_of).values():
            assert credit.available == credit.received - credit.applied - credit.refunded
            assert credit.available.minor >= 0


@settings(max_examples=60)
@given(ledger_histories(), st.randoms(use_true_random=False))
def test_order_does_not_matter(history: History, rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(history)
    rnd.shuffle(shuffled)
    for as_of in dates_of(history):
        assert line_balances(shuffled, as_of) == line_balances(history, as_of)
        assert credits(shuffled, as_of) == credits(history, as_of)
        assert account_balances(shuffled, as_of) == account_balances(history, as_of)


@settings(max_examples=60)
@given(ledger_histories())
def test_as_of_ignores_later_entries(history: History) -> None:
    for as_of in dates_of(history):
        earlier = [e for e in history if e.effective <= as_of]
        assert line_balances(history, as_of) == line_balances(earlier, FOREVER)
        assert credits(history, as_of) == credits(earlier, FOREVER)


@settings(max_examples=60)
@given(ledger_histories())
def test_rollups_add_up(history: History) -> None:
    lines = line_balances(history, FOREVER)
    acct = account_balance(history, FOREVER)
    assert acct.charged == sum((lb.charged for lb in lines.values()), Money.zero("USD"))
    assert acct.balance == sum((lb.balance for lb in lines.values()), Money.zero("USD"))
    assert acct.paid == sum((lb.paid for lb in lines.values()), Money.zero("USD"))
    if lines:
        assert group_balance(history, list(lines), FOREVER) == acct
    applied = sum((c.applied for c in credits(history, FOREVER).values()), Money.zero("USD"))
    assert applied == acct.paid


@settings(max_examples=40)
@given(ledger_histories())
def test_explain_ends_at_the_balance(history: History) -> None:
    for line_id, lb in line_balances(history, FOREVER).items():
        ex = explain(history, line_id, as_of=FOREVER)
        assert ex.rows[-1].open == lb.balance or not ex.rows
        assert sum(r.change.minor for r in ex.rows) == lb.balance.minor
        assert ex.text.startswith(f"Line {line_id} as of")
