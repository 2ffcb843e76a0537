from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

import attrs
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
from billing_core.money import Money, total
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


def line_oracle(history: History, as_of: datetime.date) -> dict[str, dict[str, object]]:
    """Every figure of every line, by a plain loop over the entries (independent of the fold).

    Per line: ``charged``, ``paid`` (by party and by bucket), ``adjusted`` (written-off
    adjustments by group), ``written_off`` (by reason), ``moved_out`` and ``moved_in`` (by
    bucket), each a dict of minor units without zeros (``charged`` an int).
    """
    lines: dict[str, dict[str, defaultdict[object, int]]] = {}
    for entry in history:
        if entry.effective > as_of or entry.line_id is None:
            continue
        sign, e = (-1, entry.original) if isinstance(entry, Reversal) else (1, entry)
        m = sign * e.amount.minor
        row = lines.setdefault(
            e.line_id,
            {k: defaultdict(int) for k in ("charged", "by_party", "by_bucket", "adjusted",
                                            "written_off", "moved_out", "moved_in")},
        )  # fmt: skip
        if isinstance(e, ChargePosted):
            row["charged"][None] += m
        elif isinstance(e, PaymentApplied):
            row["by_party"][e.party] += m
            row["by_bucket"][e.bucket] += m
        elif isinstance(e, WriteOff):
            row["written_off"][e.reason] += m
        elif isinstance(e, Adjustment) and e.to_bucket is None:
            row["adjusted"][e.group] += m
        elif isinstance(e, Adjustment):
            row["moved_out"][e.bucket] += m
            row["moved_in"][e.to_bucket] += m
        elif isinstance(e, Transfer):
            row["moved_out"][e.from_bucket] += m
            row["moved_in"][e.to_bucket] += m
    return {
        line: {k: {key: v for key, v in d.items() if v} for k, d in row.items()}
        for line, row in lines.items()
    }


def minors(amounts: Amounts) -> dict[object, int]:  # type: ignore[type-arg]
    return {k: m.minor for k, m in amounts.items()}


@settings(max_examples=80)
@given(ledger_histories())
def test_line_identity_and_buckets(history: History) -> None:
    for as_of in dates_of(history):
        lines = line_balances(history, as_of)
        want = line_oracle(history, as_of)
        opens = oracle(history, as_of)
        assert set(lines) == set(want)
        for line_id, lb in lines.items():
            w = want[line_id]
            # every figure matches the plain loop ...
            assert lb.charged.minor == w["charged"].get(None, 0)  # type: ignore[attr-defined]
            assert minors(lb.paid_by_party) == w["by_party"]
            assert minors(lb.paid_by_bucket) == w["by_bucket"]
            assert minors(lb.adjusted_by_group) == w["adjusted"]
            assert minors(lb.written_off_by_reason) == w["written_off"]
            assert minors(lb.transferred_out) == w["moved_out"]
            assert minors(lb.transferred_in) == w["moved_in"]
            buckets = {b: v for (line, b), v in opens.items() if line == line_id}
            assert minors(lb.open) == buckets
            # ... so the identities below hold between independently checked figures:
            # charged = paid + adjusted + written off + open (the sum of the buckets)
            assert lb.charged.minor == (
                sum(w["by_bucket"].values())  # type: ignore[attr-defined]
                + sum(w["adjusted"].values())  # type: ignore[attr-defined]
                + sum(w["written_off"].values())  # type: ignore[attr-defined]
                + sum(buckets.values())
            )
            assert lb.charged == lb.paid + lb.adjusted + lb.written_off + lb.balance
            assert lb.balance.minor == sum(buckets.values())
            assert lb.balance == lb.insurance_open + lb.patient_open
            assert lb.paid == lb.insurance_paid + lb.patient_paid
            assert all(v > 0 for v in buckets.values())  # a valid history: never negative


def moves(entry: Entry) -> bool:
    e = entry.original if isinstance(entry, Reversal) else entry
    return isinstance(e, Transfer) or (isinstance(e, Adjustment) and e.to_bucket is not None)


@settings(max_examples=60)
@given(ledger_histories())
def test_transfers_conserve(history: History) -> None:
    # moving money between buckets never changes a line's total: drop every move (and
    # its reversals) and each line's balance, payments and adjustments stay the same
    without = [e for e in history if not moves(e)]
    for as_of in dates_of(history):
        lines = line_balances(history, as_of)
        if not lines:
            continue
        kept = line_balances(without, as_of)
        for line_id, lb in lines.items():
            other = kept[line_id]
            assert lb.balance == other.balance
            assert (lb.charged, lb.paid, lb.adjusted, lb.written_off) == (
                other.charged,
                other.paid,
                other.adjusted,
                other.written_off,
            )
            assert lb.transferred_in.total() == lb.transferred_out.total()
        assert account_balance(history, as_of).balance == account_balance(without, as_of).balance


def credit_oracle(history: History, as_of: datetime.date) -> dict[Party, tuple[int, int, int]]:
    """(received, applied, refunded) minor units per party, by a plain loop."""
    got: dict[Party, list[int]] = {}
    for entry in history:
        if entry.effective > as_of:
            continue
        sign, e = (-1, entry.original) if isinstance(entry, Reversal) else (1, entry)
        slot = {PaymentReceived: 0, PaymentApplied: 1, Refund: 2}.get(type(e))
        if slot is not None:
            got.setdefault(e.party, [0, 0, 0])[slot] += sign * e.amount.minor  # type: ignore[union-attr]
    return {p: (r[0], r[1], r[2]) for p, r in got.items()}


@settings(max_examples=80)
@given(ledger_histories())
def test_credit_identity_never_negative(history: History) -> None:
    for as_of in dates_of(history):
        got = credits(history, as_of)
        want = credit_oracle(history, as_of)
        assert set(got) == set(want)
        for party, credit in got.items():
            received, applied, refunded = want[party]
            assert (credit.received.minor, credit.applied.minor, credit.refunded.minor) == (
                received,
                applied,
                refunded,
            )
            assert credit.available.minor == received - applied - refunded >= 0


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


def test_balance_amounts_hold_the_canonical_currency_object() -> None:
    # Balances decode their currency from the entries' fold keys; the amounts
    # they build must still share the one canonical code object, so that
    # total() (an identity check) accepts them alongside other amounts.
    charge = ChargePosted(
        id="c1",
        account_id="A1",
        line_id="L1",
        effective=D1,
        amount=usd("150.00"),
        bucket=Bucket.PRIMARY,
    )
    lb = line_balances([charge], D1)["L1"]
    primary = lb.open.of(Bucket.PRIMARY)
    canonical = usd("1.00").currency
    assert primary.currency is canonical
    assert lb.currency is canonical
    assert account_balance([charge], D1).charged.currency is canonical
    assert group_balance([charge], ["L1"], D1).open.currency is canonical
    assert total([usd("1.00"), primary]) == usd("151.00")
    assert total([primary, lb.charged, lb.balance], "USD") == usd("450.00")


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
        assert ex.rows
        assert ex.rows[-1].open == lb.balance
        assert sum(r.change.minor for r in ex.rows) == lb.balance.minor
        assert ex.text.startswith(f"Line {line_id} as of")


@settings(max_examples=30)
@given(ledger_histories())
def test_fast_built_balances_equal_constructed_ones(history: History) -> None:
    # the folds set fields directly; the attrs constructor must give an equal object
    for lb in line_balances(history, FOREVER).values():
        assert attrs.evolve(lb) == lb
        assert hash(attrs.evolve(lb)) == hash(lb)
    acct = account_balance(history, FOREVER)
    assert attrs.evolve(acct) == acct
    assert Balance(**attrs.asdict(acct, recurse=False)) == acct


# --------------------------------------------------------------------------- notebook views


def patient_history() -> list[Entry]:
    mrn = Party.patient("MRN-000123456")
    common = {"account_id": "ACCT-99887766", "effective": D1}
    return [
        ChargePosted(id="c1", line_id="L1", amount=usd("150"), bucket=Bucket.PATIENT, **common),
        PaymentReceived(id="p1", amount=usd("100"), party=mrn, **common),
        PaymentApplied(
            id="a1", line_id="L1", amount=usd("100"), party=mrn, bucket=Bucket.PATIENT, **common
        ),
    ]


def test_explanation_html_shows_the_rows_and_masks_identifiers() -> None:
    page = explain(waterfall(), "L1", as_of=FOREVER)._repr_html_()
    assert page.count("<tr>") == 1 + 10 + 1  # heading, ten steps, the open footer
    # one vocabulary: a payer adjustment is "adjusted off", a WriteOff "written off"
    assert '<td style="text-align:left">CO-45 adjusted off primary</td>' in page
    assert '<td style="text-align:left">small_balance written off patient</td>' in page
    assert "CO-45 written off" not in page
    assert "-$60.00" in page and "$200.00" in page and ">moved<" in page
    assert "reversal of a4" in page
    mine = explain(patient_history(), "L1", as_of=D1)._repr_html_()
    assert "MRN-000123456" not in mine and "99887766" not in mine
    # the same masked form as str(party) and the text: one policy
    assert "paid by patient:****3456 from patient" in mine
    assert "account ****7766" in mine
    full = explain(patient_history(), "L1", as_of=D1).to_html(unmasked=True)
    assert "paid by patient:MRN-000123456 from patient" in full and "99887766" in full
    assert "patient $50.00" in mine  # open by bucket, in the footer


def test_explanation_records() -> None:
    records = explain(waterfall(), "L1", as_of=FOREVER).to_records()
    assert len(records) == 10
    assert records[0] == {
        "line_id": "L1",
        "effective": D1,
        "entry_id": "c1",
        "step": "charge",
        "description": "charge to primary",
        "amount": Decimal("200.00"),
        "change": Decimal("200.00"),
        "open": Decimal("200.00"),
        "currency": "USD",
    }
    # 200 - 60 (CO-45) = 140; the PR move changes nothing; then 90 paid -> 50
    assert [(r["entry_id"], r["change"], r["open"]) for r in records[1:4]] == [
        ("j1", Decimal("-60.00"), Decimal("140.00")),
        ("j2", Decimal("0.00"), Decimal("140.00")),
        ("a1", Decimal("-90.00"), Decimal("50.00")),
    ]
    assert records[-1]["open"] == Decimal("0.00")


# --------------------------------------------------------------------------- bad histories


def charge_of(line: str, amount: Money, bucket: Bucket, account: str = "A1") -> ChargePosted:
    return ChargePosted(
        id=f"c-{line}", account_id=account, line_id=line, effective=D1, amount=amount, bucket=bucket
    )


def test_a_line_spread_over_two_accounts_is_refused() -> None:
    # same currency, different account: only the account check can catch it
    charge = charge_of("L1", usd("50"), Bucket.PATIENT)
    elsewhere = [
        PaymentReceived(id="p1", account_id="A2", effective=D1, amount=usd("10"), party=PAT),
        PaymentApplied(
            id="a1",
            account_id="A2",
            line_id="L1",
            effective=D1,
            amount=usd("10"),
            party=PAT,
            bucket=Bucket.PATIENT,
        ),
    ]
    with pytest.raises(ValidationError, match="line L1: entries name several accounts: A1, A2"):
        line_balances([charge, *elsewhere], D1)
    with pytest.raises(ValidationError, match="several accounts"):
        group_balance([charge, *elsewhere], ["L1"], D1)
    with pytest.raises(ValidationError, match="several accounts"):
        explain([charge, *elsewhere], "L1", as_of=D1)


def test_a_line_in_two_currencies_is_refused() -> None:
    # same account, different currency: only the currency check can catch it
    charge = charge_of("L1", usd("50"), Bucket.PRIMARY)
    euro = Adjustment(
        id="j1",
        account_id="A1",
        line_id="L1",
        effective=D1,
        amount=Money("5", "EUR"),
        bucket=Bucket.PRIMARY,
        group=GroupCode.CO,
        reason="45",
    )
    with pytest.raises(CurrencyMismatchError, match="line L1 of account A1 .* EUR, USD"):
        line_balances([charge, euro], D1)
    with pytest.raises(CurrencyMismatchError, match="several currencies"):
        group_balance([charge, euro], ["L1"], D1)


def test_lines_of_a_group_in_two_currencies_are_refused() -> None:
    lines = [
        charge_of("L1", usd("5"), Bucket.PATIENT),
        charge_of("L2", Money("5", "EUR"), Bucket.PATIENT, account="A2"),
    ]
    message = "this group of lines has entries in several currencies: EUR, USD"
    with pytest.raises(CurrencyMismatchError, match=message):
        group_balance(lines, ["L1", "L2"], D1)


def test_group_balance_needs_line_ids() -> None:
    with pytest.raises(NotFoundError, match="needs at least one line id"):
        group_balance(waterfall(), [], FOREVER)
    with pytest.raises(TypeError, match="not a single str"):
        group_balance(waterfall(), "L1", FOREVER)
    with pytest.raises(TypeError, match="as_of must be a datetime.date"):
        group_balance(waterfall(), ["L1"], "2024-01-01")  # type: ignore[arg-type]


def test_credits_of_several_accounts_are_refused() -> None:
    other = PaymentReceived(id="p9", account_id="A2", effective=D1, amount=usd("1"), party=PAT)
    with pytest.raises(ValidationError, match="A1, A2; credits are per account"):
        credits([*waterfall(), other], FOREVER)


def test_explain_without_as_of_date_is_refused() -> None:
    with pytest.raises(TypeError, match="as_of"):
        explain(waterfall(), "L1", as_of=datetime.datetime(2024, 5, 1))  # type: ignore[arg-type]


def test_amounts_refuse_non_money_and_compare_only_with_amounts() -> None:
    with pytest.raises(TypeError, match="amount for <Bucket.PATIENT: 'patient'> must be a Money"):
        Amounts({Bucket.PATIENT: 5}, currency="USD")  # type: ignore[dict-item]
    a = Amounts({Bucket.PATIENT: usd("1")}, currency="USD")
    assert a != {Bucket.PATIENT: usd("1")}  # a dict is not an Amounts, even with the same items
    assert repr(a) == "Amounts({<Bucket.PATIENT: 'patient'>: Money('1.00', 'USD')}, currency='USD')"


def test_amounts_order_any_enum_by_definition() -> None:
    from billing_core.aging import AgingAnchor

    later_first = [(AgingAnchor.DUE_DATE, usd("1")), (AgingAnchor.SERVICE_DATE, usd("2"))]
    assert list(Amounts(later_first, currency="USD")) == [
        AgingAnchor.SERVICE_DATE,
        AgingAnchor.DUE_DATE,
    ]


def test_only_line_entries_have_a_waterfall_step() -> None:
    from billing_core.balances._explanation import _text

    received = PaymentReceived(id="p", account_id="A1", effective=D1, amount=usd("1"), party=PAT)
    with pytest.raises(TypeError, match="PaymentReceived touches no line"):
        _text(received)
