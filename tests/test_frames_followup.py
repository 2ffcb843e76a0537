"""The KPI and statement kernels against their object twins, and known answers by hand."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import polars as pl
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core import kpis as object_kpis
from billing_core.aging import AgingAnchor, age
from billing_core.balances import account_balance
from billing_core.codes import GroupCode
from billing_core.errors import ValidationError
from billing_core.frames import (
    INPUTS,
    kpi_inputs,
    kpi_trend,
    kpis,
    period_kpis,
    statement_candidates,
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
    WriteOff,
    WriteOffReason,
)
from billing_core.money import Money
from billing_core.statements import DunningHistory, StatementPolicy, statement
from tests.frames_kit import as_of_dates, books, renamed

usd = lambda s: Money(s, "USD")  # noqa: E731
D = datetime.date


def _history() -> list[Entry]:
    payer, patient = Party.payer("AETNA"), Party.patient("P1")
    on = {"account_id": "A1", "line_id": "L1"}
    return [
        ChargePosted(id="c1", effective=D(2025, 1, 2), amount=usd("1000.00"),
                     bucket=Bucket.PRIMARY, **on),
        ChargePosted(id="c2", account_id="A1", line_id="L2", effective=D(2025, 3, 1),
                     amount=usd("200.00"), bucket=Bucket.PATIENT),
        PaymentReceived(id="p1", account_id="A1", effective=D(2025, 2, 1), amount=usd("600.00"),
                        party=payer),
        PaymentApplied(id="a1", effective=D(2025, 2, 1), amount=usd("600.00"), party=payer,
                       bucket=Bucket.PRIMARY, **on),
        Adjustment(id="j1", effective=D(2025, 2, 1), amount=usd("300.00"), bucket=Bucket.PRIMARY,
                   group=GroupCode.CO, reason="45", **on),
        Adjustment(id="j2", effective=D(2025, 2, 1), amount=usd("100.00"), bucket=Bucket.PRIMARY,
                   group=GroupCode.PR, reason="2", to_bucket=Bucket.PATIENT, **on),
        WriteOff(id="w1", effective=D(2025, 3, 15), amount=usd("50.00"), bucket=Bucket.PATIENT,
                 reason=WriteOffReason.BAD_DEBT, **on),
        PaymentReceived(id="p2", account_id="A1", effective=D(2025, 3, 20), amount=usd("30.00"),
                        party=patient),
    ]  # fmt: skip


def test_kpis_by_hand() -> None:
    # Period 1 Jan - 31 Mar 2025 (90 days). Charges 1200.00; payments applied 600.00 (the
    # patient's 30.00 of 20 Mar is received, not applied); CO 300.00; bad debt 50.00. Open:
    # L1 patient 100 - 50 = 50.00 (service 2 Jan, 88 days: not over 90), L2 patient 200.00.
    # A/R 250.00.
    start, end = D(2025, 1, 1), D(2025, 3, 31)
    inputs = kpi_inputs(to_arrow(_history()), start, end)
    assert inputs.rows() == [("USD", 120000, 60000, 30000, 5000, 25000, 0, 0)]
    found = kpis(inputs, start, end)["USD"]
    assert found.label == "2025-01-01 to 2025-03-31"
    assert found.names == (
        "gross collection rate", "net collection rate", "bad-debt rate", "days in A/R",
        "% of A/R over 90 days", "% of A/R over 120 days",
    )  # fmt: skip
    assert found["days in A/R"].value == Decimal("18.75")  # 250 x 90 / 1200
    assert found["gross collection rate"].value == Decimal("50.00")  # 600 / 1200
    assert found["net collection rate"].value == Decimal("66.67")  # 600 / 900 = 66.666..
    assert found["bad-debt rate"].value == Decimal("4.17")  # 50 / 1200 = 4.1666..
    assert found["% of A/R over 90 days"].value == Decimal("0.00")
    # On 15 April the 50.00 of L1 is 103 days old: 20 % of 250.00.
    later = period_kpis(to_arrow(_history()), start, D(2025, 4, 15))["USD"]
    assert later["% of A/R over 90 days"].value == Decimal("20.00")
    march = period_kpis(to_arrow(_history()), D(2025, 3, 1), D(2025, 3, 31))["USD"]
    assert march.label == "2025-03"
    # March: charges 200.00 (L2), nothing applied, 50.00 bad debt: 25 %.
    assert march["bad-debt rate"].value == Decimal("25.00")


def test_kpi_inputs_of_partitions_add_up() -> None:
    two = [*_history(), *renamed(tuple(_history()), "b-")]
    two = [attrs.evolve(e, account_id="A2") if e.id.startswith("b-") else e for e in two]
    table = to_arrow(two)
    start, end = D(2025, 1, 1), D(2025, 3, 31)
    whole = kpi_inputs(table, start, end)
    a1, a2 = (table.filter(pc.equal(table["account_id"], a)) for a in ("A1", "A2"))
    parts = pl.concat([kpi_inputs(p, start, end) for p in (a1, a2)])
    assert parts.height == 2
    assert whole.rows() == [("USD", *(2 * v for v in (120000, 60000, 30000, 5000, 25000, 0, 0)))]
    assert kpis(parts, start, end) == kpis(whole, start, end)


def test_a_period_that_ends_before_it_starts() -> None:
    with pytest.raises(ValidationError, match="start: 2025-04-01 is after the period's end"):
        kpi_inputs(to_arrow(_history()), D(2025, 4, 1), D(2025, 3, 31))


def test_statement_candidates_by_hand() -> None:
    # On 31 Mar: L1 has nothing open with the payer and 50.00 with the patient since the PR
    # of 1 Feb; L2 200.00 since 1 Mar. Due 250.00; the patient's 30.00 credit leaves 220.00.
    frame = statement_candidates(to_arrow(_history()), D(2025, 3, 31))
    assert frame.select(
        "account_id", "patient_id", "amount_due", "pay_now", "insurance_pending",
        "credit_available", "balance_since", "0-30", "31-60",
    ).rows() == [("A1", "P1", 25000, 22000, 0, 3000, D(2025, 2, 1), 20000, 5000)]  # fmt: skip


def _expected_kpi_inputs(history: list[Entry], start: D, as_of: D) -> dict[str, tuple[int, ...]]:
    out = {}
    for code in sorted({e.amount.currency for e in history if e.effective <= as_of}):
        mine = [e for e in history if e.amount.currency == code]
        flows = [0, 0, 0, 0]
        for account in {e.account_id for e in mine}:
            of = [e for e in mine if e.account_id == account]
            end = account_balance(of, as_of, currency=code)
            begin = account_balance(of, start - datetime.timedelta(days=1), currency=code)
            co = (GroupCode.CO, GroupCode.PI)
            flows[0] += end.charged.minor - begin.charged.minor
            flows[1] += end.paid.minor - begin.paid.minor
            flows[2] += sum(end.adjusted_by_group.of(g).minor - begin.adjusted_by_group.of(g).minor
                            for g in co)  # fmt: skip
            bad = WriteOffReason.BAD_DEBT
            flows[3] += (end.written_off_by_reason.of(bad).minor
                         - begin.written_off_by_reason.of(bad).minor)  # fmt: skip
        report = age(mine, as_of, AgingAnchor.SERVICE_DATE, (90, 120), currency=code)
        ar = (report.total.total.minor, report.over(90).minor, report.over(120).minor)
        out[code] = (*flows, *ar)
    return out


@settings(max_examples=50, deadline=None)
@given(st.data(), books())
def test_kpi_inputs_equal_the_object_folds(data: st.DataObject, history: list[Entry]) -> None:
    as_of = data.draw(as_of_dates(history))
    start = as_of - datetime.timedelta(days=data.draw(st.integers(0, 120)))
    frame = kpi_inputs(to_arrow(history), start, as_of)
    got = {row[0]: tuple(row[1:]) for row in frame.rows()}
    assert got == _expected_kpi_inputs(history, start, as_of)
    assert frame.columns == ["currency", *INPUTS]


def _same_sets(kernel: Callable[[], dict[str, Any]], twins: dict[str, Callable[[], Any]]) -> None:
    """The kernel's sets equal the object function's per currency, or both refuse alike.

    A period whose reversals leave it with negative charges is refused by the KPI
    functions themselves; the kernel must refuse it with the same error (the first
    currency, in order, that the object function refuses).
    """
    expected: dict[str, Any] = {}
    for code in sorted(twins):
        try:
            expected[code] = twins[code]()
        except ValidationError as exc:
            with pytest.raises(ValidationError, match=re.escape(str(exc))):
                kernel()
            return
    assert kernel() == expected


@settings(max_examples=40, deadline=None)
@given(st.data(), books())
def test_period_kpis_equal_the_object_kpis(data: st.DataObject, history: list[Entry]) -> None:
    end = data.draw(as_of_dates(history))
    start = end - datetime.timedelta(days=data.draw(st.integers(0, 120)))
    counted = {e.amount.currency for e in history if e.effective <= end}

    def twin(code: str) -> Callable[[], Any]:
        mine = [e for e in history if e.amount.currency == code]
        return lambda: object_kpis.period_kpis(mine, start, end)

    _same_sets(lambda: period_kpis(to_arrow(history), start, end), {c: twin(c) for c in counted})


@settings(max_examples=15, deadline=None)
@given(books(), st.dates(datetime.date(2023, 12, 1), datetime.date(2024, 3, 1)))
def test_kpi_trend_equals_the_object_trend(history: list[Entry], first: datetime.date) -> None:
    periods = object_kpis.month_periods(first, 4)

    def twin(code: str) -> Callable[[], Any]:
        mine = [e for e in history if e.amount.currency == code]
        return lambda: object_kpis.kpi_trend(mine, periods, currency=code)

    currencies = {e.amount.currency for e in history}
    _same_sets(lambda: kpi_trend(to_arrow(history), periods), {c: twin(c) for c in currencies})


@settings(max_examples=50, deadline=None)
@given(st.data(), books(), st.sampled_from([(30, 60, 90, 120), (15,), (0, 45, 200)]))
def test_statement_candidates_equal_the_statements(
    data: st.DataObject, history: list[Entry], edges: tuple[int, ...]
) -> None:
    as_of = data.draw(as_of_dates(history))
    frame = statement_candidates(to_arrow(history), as_of, edges=edges)
    policy = StatementPolicy(aging_edges=edges)
    accounts = sorted({e.account_id for e in history if e.effective <= as_of})
    assert sorted(frame["account_id"].to_list()) == accounts
    for row in frame.iter_rows(named=True):
        s = statement(history, as_of, policy, account_id=row["account_id"])
        dunning = DunningHistory.from_statement(s)
        assert row["currency"] == s.currency
        assert row["patient_id"] == s.patient_id
        assert row["amount_due"] == s.amount_due.minor
        assert row["pay_now"] == s.pay_now.minor == dunning.balance.minor
        assert row["insurance_pending"] == s.insurance_pending.minor
        assert row["pending_patient_share"] == s.pending_patient_share.minor
        assert row["credit_available"] == s.credit_available.minor
        assert row["balance_since"] == s.oldest_due_since == dunning.balance_since
        assert [row[label] for label in s.aging_labels] == [m.minor for m in s.aging]
