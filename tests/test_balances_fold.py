"""line_balances folds each line's sums per effect and builds its amounts when first read.

The fold is checked against a per-entry reference written here from the
ledger's rules (DESIGN, "The responsibility ledger"), not from the effects
table: over histories of several accounts and currencies, shuffled, with lines
that clash across accounts or currencies and entries on lines never charged.
The same lines must come out, with the same figures, or the same error.
Then the deferred amounts: every way of reading a line balance (fields in any
order, equality, hashing, pickling, copying, ``evolve``, several threads) sees
the same values, and the attributes a line balance does not have still raise
the usual ``AttributeError``.
"""

from __future__ import annotations

import copy
import datetime
import enum
import functools
import pickle
import threading
from collections import defaultdict
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.balances import Amounts, Balance, LineBalance, line_balances
from billing_core.codes import GroupCode
from billing_core.errors import CurrencyMismatchError, NotFoundError, ValidationError
from billing_core.ledger import (
    Adjustment,
    Bucket,
    ChargePosted,
    Entry,
    Party,
    PartyKind,
    PaymentApplied,
    PaymentReceived,
    Reversal,
    Transfer,
    WriteOff,
    WriteOffReason,
)
from billing_core.money import Money
from billing_core.testing.strategies.ledger import ledger_histories

FOREVER = datetime.date(2100, 1, 1)
AMOUNT_FIELDS = (
    "charged",
    "paid_by_party",
    "paid_by_bucket",
    "adjusted_by_group",
    "written_off_by_reason",
    "transferred_out",
    "transferred_in",
    "open",
)

# --------------------------------------------------------------------------- the reference

Figures = dict[str, Any]
"""A line: account, currency, and each figure as minor units per key (no zeros)."""


def _add(row: Figures, figure: str, key: object, m: int) -> None:
    row[figure][key] += m


def reference(history: list[Entry], as_of: datetime.date) -> dict[str, Figures] | tuple[Any, ...]:
    """Every line's figures by a plain loop over the entries, or the error the fold must raise.

    One entry at a time, from the ledger's rules: a charge opens its bucket; a
    payment applied is paid by its party out of its bucket; an adjustment
    without a target bucket is adjusted off (by group), with one it moves the
    amount; a write-off is written off (by reason); a transfer moves. A reversal
    is its original with the amount negated. Lines are checked in the order
    they first appear: a line in two accounts, then in two currencies, then a
    line without a charge.
    """
    lines: dict[str, list[Entry]] = {}
    for entry in history:
        if entry.effective <= as_of and entry.line_id is not None:
            lines.setdefault(entry.line_id, []).append(entry)
    out: dict[str, Figures] = {}
    for line_id, entries in lines.items():
        accounts = sorted({e.account_id for e in entries})
        currencies = sorted({e.amount.currency for e in entries})
        if len(accounts) > 1:
            message = f"entries name several accounts: {', '.join(accounts)}"
            return (ValidationError, [(f"line {line_id}", message, "history.line_account")])
        if len(currencies) > 1:
            return (
                CurrencyMismatchError,
                f"line {line_id} of account {accounts[0]} has entries in several currencies:"
                f" {', '.join(currencies)}",
            )
        originals = [e.original if isinstance(e, Reversal) else e for e in entries]
        if not any(isinstance(e, ChargePosted) for e in originals):
            return (
                NotFoundError,
                f"line {line_id} has entries but no charge: post its ChargePosted first",
            )
        row: Figures = {f: defaultdict(int) for f in AMOUNT_FIELDS}
        for entry in entries:
            sign, e = (-1, entry.original) if isinstance(entry, Reversal) else (1, entry)
            _fold_one(row, e, sign * e.amount.minor)
        out[line_id] = {
            "account_id": accounts[0],
            "currency": currencies[0],
            **{f: {k: v for k, v in d.items() if v} for f, d in row.items()},
        }
    return out


def _fold_one(row: Figures, e: Entry, m: int) -> None:
    if isinstance(e, ChargePosted):
        _add(row, "charged", None, m)
        _add(row, "open", e.bucket, m)
    elif isinstance(e, PaymentApplied):
        _add(row, "paid_by_party", e.party, m)
        _add(row, "paid_by_bucket", e.bucket, m)
        _add(row, "open", e.bucket, -m)
    elif isinstance(e, WriteOff):
        _add(row, "written_off_by_reason", e.reason, m)
        _add(row, "open", e.bucket, -m)
    elif isinstance(e, Adjustment) and e.to_bucket is None:
        _add(row, "adjusted_by_group", e.group, m)
        _add(row, "open", e.bucket, -m)
    elif isinstance(e, Adjustment | Transfer):
        source = e.bucket if isinstance(e, Adjustment) else e.from_bucket
        _add(row, "transferred_out", source, m)
        _add(row, "transferred_in", e.to_bucket, m)
        _add(row, "open", source, -m)
        _add(row, "open", e.to_bucket, m)


def shown_order(key: object) -> tuple[int, int, str]:
    """Amounts list enum members in definition order, then payers, then the patient, by id."""
    if isinstance(key, enum.Enum):
        return (0, list(type(key)).index(key), "")
    assert isinstance(key, Party)
    return (1, 0 if key.kind is PartyKind.PAYER else 1, key.id)


def outcome(history: list[Entry], as_of: datetime.date) -> dict[str, Figures] | tuple[Any, ...]:
    """What ``line_balances`` gives, as the reference states it."""
    try:
        lines = line_balances(history, as_of)
    except ValidationError as error:
        return (ValidationError, [(f.location, f.message, f.rule) for f in error.findings])
    except (CurrencyMismatchError, NotFoundError) as error:
        return (type(error), str(error))
    out: dict[str, Figures] = {}
    for line_id, lb in lines.items():
        assert lb.line_id == line_id
        row: Figures = {"account_id": lb.account_id, "currency": lb.currency}
        for name in AMOUNT_FIELDS:
            value = getattr(lb, name)
            if name == "charged":
                row[name] = {None: value.minor} if value.minor else {}
            else:
                assert all(m.currency == lb.currency for m in value.values())
                assert list(value) == sorted(value, key=shown_order)
                row[name] = {k: m.minor for k, m in value.items()}
        out[line_id] = row
    return out


# --------------------------------------------------------------------------- generated histories


def relabel(history: tuple[Entry, ...], prefix: str) -> list[Entry]:
    """The same history with every line id prefixed (a reversal's original too)."""
    out: list[Entry] = []
    for e in history:
        if e.line_id is None:
            out.append(e)
        elif isinstance(e, Reversal):
            original = attrs.evolve(e.original, line_id=prefix + e.line_id)
            out.append(attrs.evolve(e, line_id=prefix + e.line_id, original=original))
        else:
            out.append(attrs.evolve(e, line_id=prefix + e.line_id))
    return out


@st.composite
def mixed_histories(draw: st.DrawFn) -> list[Entry]:
    """Valid one-account histories put together: several accounts and currencies.

    A part keeps its line ids (``L1``, ...) or gets its own; kept ids clash with
    another part's lines (one line in two accounts or currencies is refused; in
    the same account and currency the two parts add up on one line). The entries
    may be shuffled, and an entry may land on a line never charged.
    """
    entries: list[Entry] = []
    for part in range(draw(st.integers(min_value=1, max_value=3))):
        currency = draw(st.sampled_from(["USD", "EUR", "JPY"]))
        account = draw(st.sampled_from(["A1", "A2", "A3"]))
        history = draw(
            ledger_histories(
                currency=currency,
                account_id=account,
                max_lines=3,
                max_steps=15,
                payer_money=draw(st.booleans()),
            )
        )
        entries += relabel(history, f"P{part}-") if draw(st.booleans()) else history
    if draw(st.booleans()):
        entries = list(draw(st.permutations(entries)))
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        stray = entries[0]
        entries.append(
            WriteOff(
                id="stray",
                account_id=stray.account_id,
                line_id=draw(st.sampled_from(["L1", "P0-L1", "NEVER-CHARGED"])),
                effective=stray.effective,
                amount=Money.from_minor(1, stray.amount.currency),
                bucket=Bucket.PATIENT,
                reason=WriteOffReason.SMALL_BALANCE,
            )
        )
    return entries


def as_of_dates(history: list[Entry]) -> list[datetime.date]:
    days = sorted({e.effective for e in history})
    return [days[0] - datetime.timedelta(days=1), *days[:: max(1, len(days) // 4)], FOREVER]


@settings(max_examples=150)
@given(mixed_histories())
def test_line_balances_equal_the_per_entry_reference(history: list[Entry]) -> None:
    for as_of in as_of_dates(history):
        assert outcome(history, as_of) == reference(history, as_of)


@settings(max_examples=60)
@given(mixed_histories(), st.permutations(AMOUNT_FIELDS))
def test_fields_read_in_any_order_equal_a_constructed_balance(
    history: list[Entry], order: list[str]
) -> None:
    try:
        lines = line_balances(history, FOREVER)
        again = line_balances(history, FOREVER)
    except (ValidationError, CurrencyMismatchError, NotFoundError):
        return  # the errors are the reference test's
    for line_id, lb in lines.items():
        read = {name: getattr(lb, name) for name in order}
        built = LineBalance(line_id=line_id, account_id=lb.account_id, currency=lb.currency, **read)
        # an unread balance compares and hashes as the constructed one (reading it all)
        assert again[line_id] == built
        assert hash(again[line_id]) == hash(built)
        assert {name: getattr(again[line_id], name) for name in AMOUNT_FIELDS} == read


# --------------------------------------------------------------------------- known answers

DAY = datetime.date(2024, 3, 1)
PAYER = Party.payer("PAYER-1")
PATIENT = Party.patient("PAT-1")


def usd(text: str) -> Money:
    return Money(text, "USD")


def paid_line(line: str, charge: str, paid: str, co: str, pr: str, patient: str) -> list[Entry]:
    """A line charged to the primary: payer pays, CO off, PR to the patient, patient pays."""
    common: dict[str, Any] = {"account_id": "A1", "line_id": line, "effective": DAY}
    adjust = functools.partial(Adjustment, bucket=Bucket.PRIMARY, **common)
    return [
        ChargePosted(id=f"c{line}", amount=usd(charge), bucket=Bucket.PRIMARY, **common),
        PaymentReceived(
            id=f"r{line}", account_id="A1", effective=DAY, amount=usd(paid), party=PAYER
        ),
        PaymentApplied(
            id=f"a{line}", amount=usd(paid), party=PAYER, bucket=Bucket.PRIMARY, **common
        ),
        adjust(id=f"j{line}", amount=usd(co), group=GroupCode.CO, reason="45"),
        adjust(
            id=f"k{line}", amount=usd(pr), group=GroupCode.PR, reason="2", to_bucket=Bucket.PATIENT
        ),
        PaymentApplied(
            id=f"b{line}", amount=usd(patient), party=PATIENT, bucket=Bucket.PATIENT, **common
        ),
    ]


def two_lines() -> list[Entry]:
    # L1: 150 - 60 paid - 50 CO - 40 PR = 0 primary; 40 PR - 15 paid = 25 patient.
    # L2 (same effects, other amounts): 100 - 30 - 20 - 50 = 0 primary; 50 - 10 = 40 patient.
    return paid_line("L1", "150.00", "60.00", "50.00", "40.00", "15.00") + paid_line(
        "L2", "100.00", "30.00", "20.00", "50.00", "10.00"
    )


def test_lines_alike_keep_their_own_amounts() -> None:
    lines = line_balances(two_lines(), DAY)
    l1, l2 = lines["L1"], lines["L2"]
    assert dict(l2.open) == {Bucket.PATIENT: usd("40.00")}  # read L2 first
    assert dict(l1.open) == {Bucket.PATIENT: usd("25.00")}
    assert (l1.charged, l2.charged) == (usd("150.00"), usd("100.00"))
    assert dict(l1.paid_by_party) == {PAYER: usd("60.00"), PATIENT: usd("15.00")}
    assert list(l1.paid_by_bucket.items()) == [
        (Bucket.PRIMARY, usd("60.00")),
        (Bucket.PATIENT, usd("15.00")),
    ]
    assert dict(l2.adjusted_by_group) == {GroupCode.CO: usd("20.00")}
    assert dict(l2.transferred_out) == {Bucket.PRIMARY: usd("50.00")}
    assert dict(l2.transferred_in) == {Bucket.PATIENT: usd("50.00")}
    assert dict(l1.written_off_by_reason) == {}
    assert (l1.balance, l2.balance) == (usd("25.00"), usd("40.00"))
    assert (l1.paid, l2.patient_paid) == (usd("75.00"), usd("10.00"))


@pytest.mark.parametrize(
    "copier",
    [
        pytest.param(lambda b: pickle.loads(pickle.dumps(b)), id="pickle"),
        pytest.param(copy.copy, id="copy"),
        pytest.param(copy.deepcopy, id="deepcopy"),
        pytest.param(attrs.evolve, id="evolve"),
    ],
)
def test_an_unread_line_balance_copies_with_its_amounts(copier: Any) -> None:
    unread = line_balances(two_lines(), DAY)["L1"]
    copied = copier(unread)
    assert type(copied) is LineBalance
    assert copied.open == line_balances(two_lines(), DAY)["L1"].open
    assert copied.balance == usd("25.00")
    assert copied.charged == usd("150.00")
    assert copied == unread


def test_an_unread_line_balance_is_still_frozen() -> None:
    lb = line_balances(two_lines(), DAY)["L1"]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        lb.open = lb.transferred_in  # type: ignore[misc]
    assert lb.open.of(Bucket.PATIENT) == usd("25.00")


def test_missing_attributes_raise_the_usual_error() -> None:
    lb = line_balances(two_lines(), DAY)["L1"]
    for balance in (lb, Balance.empty("USD")):
        name = type(balance).__name__
        with pytest.raises(AttributeError, match=f"^'{name}' object has no attribute 'nope'$"):
            balance.nope  # type: ignore[attr-defined]  # noqa: B018
        assert not hasattr(balance, "nope")
    # the public fields are unchanged: no hidden field shows
    assert [f.name for f in attrs.fields(LineBalance)] == [
        "currency",
        *AMOUNT_FIELDS,
        "line_id",
        "account_id",
    ]
    assert lb.balance == usd("25.00")


def test_threads_reading_the_same_lines_see_the_same_amounts() -> None:
    history = [
        e
        for n in range(50)
        for e in paid_line(f"L{n}", f"{100 + n}.00", "30.00", "20.00", "50.00", "10.00")
    ]
    lines = line_balances(history, DAY)
    start = threading.Barrier(4)
    seen: list[list[tuple[Money, Money, Money]]] = []

    def read() -> None:
        start.wait()
        seen.append(
            [(lb.open.total(), lb.charged, lb.transferred_in.total()) for lb in lines.values()]
        )

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # L{n}: charged 100+n; open = (100+n) - 30 - 20 - 50 primary + (50 - 10) patient = n + 40
    want = [(usd(f"{n + 40}.00"), usd(f"{100 + n}.00"), usd("50.00")) for n in range(50)]
    assert seen == [want] * 4


@pytest.mark.parametrize(
    "copier",
    [
        pytest.param(lambda b: pickle.loads(pickle.dumps(b)), id="pickle"),
        pytest.param(copy.copy, id="copy"),
        pytest.param(copy.deepcopy, id="deepcopy"),
    ],
)
def test_amounts_and_balances_copy_and_pickle(copier: Any) -> None:
    amounts = Amounts({PAYER: usd("60.00"), PATIENT: usd("15.00")}, currency="USD")
    copied = copier(amounts)
    assert list(copied.items()) == [(PAYER, usd("60.00")), (PATIENT, usd("15.00"))]
    assert copied.currency == "USD"
    assert copier(Amounts(currency="JPY")) == Amounts(currency="JPY")
    assert copier(Balance.empty("EUR")).open.total() == Money("0", "EUR")
