"""The balance kernels against their object twins, and known answers worked out by hand."""

from __future__ import annotations

import datetime
from collections import defaultdict

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core import balances
from billing_core.codes import GroupCode
from billing_core.errors import NotFoundError
from billing_core.frames import (
    account_balances,
    check_entry_table,
    credits,
    line_balances,
    to_arrow,
)
from billing_core.ledger import (
    Adjustment,
    Bucket,
    ChargePosted,
    Entry,
    Party,
    PaymentApplied,
    PaymentReceived,
    reverse,
)
from billing_core.money import Money
from billing_core.testing.conformance import every_entry_type
from tests.frames_kit import as_of_dates, balance_rows, books

DAY = datetime.date(2024, 3, 1)


def _rows(frame: object, by: tuple[str, ...]) -> dict[tuple[object, ...], dict[object, int]]:
    out: dict[tuple[object, ...], dict[object, int]] = defaultdict(dict)
    for row in frame.iter_rows(named=True):  # type: ignore[attr-defined]
        out[tuple(row[k] for k in by)][(row["figure"], row["key"])] = row["amount_minor"]
    return dict(out)


def test_every_entry_type_by_hand() -> None:
    # every_entry_type: charge 100.00 to primary; payer pays 60; CO 10 adjusted; PR 20 and a
    # transfer of 10 move to the patient; 5 written off then reversed; the patient pays 25.
    # Open: primary 100-60-10-20-10 = 0; patient 20+10-25 = 5.
    frame = line_balances(to_arrow(every_entry_type("A1")), DAY)
    assert _rows(frame, ("line_id",)) == {
        ("e-L1",): {
            ("charged", None): 10000,
            ("paid_by_party", "payer:AETNA"): 6000,
            ("paid_by_party", "patient:P1"): 2500,
            ("paid_by_bucket", "primary"): 6000,
            ("paid_by_bucket", "patient"): 2500,
            ("adjusted", "CO"): 1000,
            ("moved_out", "primary"): 3000,
            ("moved_in", "patient"): 3000,
            ("open", "patient"): 500,
        }
    }
    credit = credits(to_arrow(every_entry_type("A1")), DAY)
    # The patient received 40, applied 25, was refunded 15: nothing left. The payer sent 60
    # (applied) and 8 held unapplied, of which 3 moved to another account: received 65, 5 left.
    credit = credit.sort("party_id")
    assert credit.select("party_id", "received", "applied", "refunded", "available").rows() == [
        ("AETNA", 6500, 6000, 0, 500),
        ("P1", 4000, 2500, 1500, 0),
    ]


def test_as_of_before_everything_is_empty() -> None:
    table = to_arrow(every_entry_type("A1"))
    before = DAY - datetime.timedelta(days=1)
    assert line_balances(table, before).height == 0
    assert account_balances(table, before).height == 0
    assert credits(table, before).height == 0


def test_a_line_without_a_charge_is_not_found() -> None:
    history = every_entry_type("A1")
    stray = PaymentApplied(
        id="x", account_id="A1", line_id="L9", effective=DAY, amount=Money("1", "USD"),
        party=history[1].party, bucket=Bucket.PRIMARY,  # type: ignore[attr-defined]
    )  # fmt: skip
    with pytest.raises(NotFoundError, match="line L9 has entries but no charge"):
        line_balances(to_arrow([*history, stray]), DAY)


@settings(max_examples=60, deadline=None)
@given(st.data(), books())
def test_line_balances_equal_the_object_fold(data: st.DataObject, history: list[Entry]) -> None:
    as_of = data.draw(as_of_dates(history))
    frame = line_balances(to_arrow(history), as_of)
    expected = {
        (b.account_id, line): balance_rows(b)
        for line, b in balances.line_balances(history, as_of).items()
    }
    assert _rows(frame, ("account_id", "line_id")) == expected


@settings(max_examples=60, deadline=None)
@given(st.data(), books())
def test_account_balances_equal_the_object_fold(data: st.DataObject, history: list[Entry]) -> None:
    as_of = data.draw(as_of_dates(history))
    frame = account_balances(to_arrow(history), as_of)
    expected = {(a,): balance_rows(b) for a, b in balances.account_balances(history, as_of).items()}
    assert _rows(frame, ("account_id",)) == expected
    currencies = dict(frame.select("account_id", "currency").unique().rows())
    assert currencies == {
        a: b.currency for a, b in balances.account_balances(history, as_of).items()
    }


@settings(max_examples=60, deadline=None)
@given(st.data(), books())
def test_credits_equal_the_object_fold(data: st.DataObject, history: list[Entry]) -> None:
    as_of = data.draw(as_of_dates(history))
    frame = credits(to_arrow(history), as_of)
    got = {
        (r["account_id"], r["party_kind"], r["party_id"]): (
            r["received"], r["applied"], r["refunded"], r["available"],
        )
        for r in frame.iter_rows(named=True)
    }  # fmt: skip
    expected = {}
    for account in {e.account_id for e in history}:
        mine = [e for e in history if e.account_id == account]
        for party, c in balances.credits(mine, as_of).items():
            expected[(account, party.kind.value, party.id)] = (
                c.received.minor, c.applied.minor, c.refunded.minor, c.available.minor,
            )  # fmt: skip
    assert got == expected
    assert all(v[3] >= 0 for v in got.values())  # a valid history never owes credit


def test_an_account_with_money_but_no_charge_still_shows_charged_zero() -> None:
    history = every_entry_type("A1")
    received = [e for e in history if type(e).__name__ == "PaymentReceived"]
    frame = account_balances(to_arrow(received), DAY)
    expected = {(a,): balance_rows(b) for a, b in balances.account_balances(received, DAY).items()}
    assert _rows(frame, ("account_id",)) == expected == {("A1",): {("charged", None): 0}}


# --------------------------------------------------------------------------- the line fold's edges


def _usd(amount: str) -> Money:
    return Money(amount, "USD")


def test_a_payer_and_a_patient_with_the_same_id_are_two_parties() -> None:
    # Charge 100.00 to primary; PR 20 moves to the patient; payer X pays 50, patient X pays 20.
    # Open: primary 100 - 20 - 50 = 30; patient 20 - 20 = 0 (left out).
    on = {"account_id": "A1", "line_id": "L1", "effective": DAY}
    payer, patient = Party.payer("X"), Party.patient("X")
    history = [
        ChargePosted(id="c", amount=_usd("100.00"), bucket=Bucket.PRIMARY, **on),
        Adjustment(id="j", amount=_usd("20.00"), bucket=Bucket.PRIMARY, group=GroupCode.PR,
                   reason="2", to_bucket=Bucket.PATIENT, **on),
        PaymentReceived(id="r1", account_id="A1", effective=DAY, amount=_usd("50.00"), party=payer),
        PaymentApplied(id="p1", amount=_usd("50.00"), party=payer, bucket=Bucket.PRIMARY, **on),
        PaymentReceived(id="r2", account_id="A1", effective=DAY, amount=_usd("20.00"),
                        party=patient),
        PaymentApplied(id="p2", amount=_usd("20.00"), party=patient, bucket=Bucket.PATIENT, **on),
    ]  # fmt: skip
    assert _rows(line_balances(to_arrow(history), DAY), ("line_id",)) == {
        ("L1",): {
            ("charged", None): 10000,
            ("paid_by_party", "payer:X"): 5000,
            ("paid_by_party", "patient:X"): 2000,
            ("paid_by_bucket", "primary"): 5000,
            ("paid_by_bucket", "patient"): 2000,
            ("moved_out", "primary"): 2000,
            ("moved_in", "patient"): 2000,
            ("open", "primary"): 3000,
        }
    }


def test_a_reversed_charge_still_shows_its_line_charged_zero() -> None:
    on = {"account_id": "A1", "effective": DAY}
    charge = ChargePosted(id="c1", line_id="L1", amount=_usd("80.00"), bucket=Bucket.PATIENT, **on)
    other = ChargePosted(id="c2", line_id="L2", amount=_usd("5.00"), bucket=Bucket.PATIENT, **on)
    history = [charge, other, reverse(charge, id="r1", effective=DAY, reason="posted twice")]
    assert _rows(line_balances(to_arrow(history), DAY), ("line_id",)) == {
        ("L1",): {("charged", None): 0},
        ("L2",): {("charged", None): 500, ("open", "patient"): 500},
    }


def test_only_lines_with_an_entry_by_the_date_are_shown_and_later_rows_do_not_count() -> None:
    later = DAY + datetime.timedelta(days=1)
    history = [
        ChargePosted(id="c1", account_id="A1", line_id="L1", effective=DAY,
                     amount=_usd("80.00"), bucket=Bucket.PRIMARY),
        Adjustment(id="j1", account_id="A1", line_id="L1", effective=later,
                   amount=_usd("30.00"), bucket=Bucket.PRIMARY, group=GroupCode.CO, reason="45"),
        ChargePosted(id="c2", account_id="A2", line_id="L2", effective=later,
                     amount=_usd("9.00"), bucket=Bucket.PATIENT, ),
    ]  # fmt: skip
    assert _rows(line_balances(to_arrow(history), DAY), ("account_id", "line_id")) == {
        ("A1", "L1"): {("charged", None): 8000, ("open", "primary"): 8000},
    }
    assert _rows(line_balances(to_arrow(history), later), ("line_id",))[("L1",)] == {
        ("charged", None): 8000,
        ("adjusted", "CO"): 3000,
        ("open", "primary"): 5000,
    }


def test_an_empty_table_gives_the_schema() -> None:
    frame = line_balances(to_arrow([]), DAY)
    assert frame.height == 0
    assert frame.schema == pl.Schema(
        {"account_id": pl.String, "line_id": pl.String, "currency": pl.String,
         "figure": pl.String, "key": pl.String, "amount_minor": pl.Int64}
    )  # fmt: skip


def test_the_check_gives_each_line_and_party_a_dense_code_in_order_of_appearance() -> None:
    history = every_entry_type("A1") + every_entry_type("A2", prefix="f")
    checked = check_entry_table(to_arrow(history))
    pairs = set(checked.select("line_id", "_line_code").iter_rows())
    # e-L1 appears first (code 0), f-L1 second (code 1); rows on no line have none.
    assert pairs == {("e-L1", 0), ("f-L1", 1), (None, None)}
    # The payer AETNA is paid first (row 1), the patient P1 later; a charge has no party.
    parties = set(checked.select("party_id", "_party_code").iter_rows())
    assert parties == {("AETNA", 0), ("P1", 1), (None, None)}


@settings(max_examples=40, deadline=None)
@given(st.data(), books())
def test_every_form_of_a_table_gives_the_object_fold(
    data: st.DataObject, history: list[Entry]
) -> None:
    # Fast path == reference whatever the table's form: raw Arrow, checked, shuffled, checked
    # and then cut to some accounts (codes no longer dense), or checked without its codes.
    as_of = data.draw(as_of_dates(history))
    accounts = sorted({e.account_id for e in history})
    kept = data.draw(st.sets(st.sampled_from(accounts), min_size=1))
    mine = [e for e in history if e.account_id in kept]
    expected = {
        (b.account_id, line): balance_rows(b)
        for line, b in balances.line_balances(mine, as_of).items()
    }
    checked = check_entry_table(to_arrow(history))
    cut = checked.filter(pl.col("account_id").is_in(sorted(kept)))
    seed = data.draw(st.integers(0, 2**16))
    shuffled = check_entry_table(to_arrow(mine).to_batches(max_chunksize=4)).sample(
        fraction=1.0, shuffle=True, seed=seed
    )
    forms = [
        to_arrow(mine),
        check_entry_table(to_arrow(mine)),
        shuffled,
        cut,
        cut.drop("_line_code", "_party_code"),
    ]  # fmt: skip
    for form in forms:
        assert _rows(line_balances(form, as_of), ("account_id", "line_id")) == expected


def test_a_few_rows_cut_from_a_large_checked_table() -> None:
    # Ten lines of 1.00 to 10.00; the checked table cut to the last line's row only.
    history = [
        ChargePosted(id=f"c{n}", account_id="A1", line_id=f"L{n}", effective=DAY,
                     amount=_usd(f"{n}.00"), bucket=Bucket.PATIENT)
        for n in range(1, 11)
    ]  # fmt: skip
    cut = check_entry_table(to_arrow(history)).filter(pl.col("line_id") == "L10")
    assert _rows(line_balances(cut, DAY), ("line_id",)) == {
        ("L10",): {("charged", None): 1000, ("open", "patient"): 1000}
    }
