"""The aging kernels against `aging.age` / `aging.open_lines`, and known answers by hand."""

from __future__ import annotations

import datetime
from typing import Any

import attrs
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core import aging
from billing_core.aging import AgingAnchor
from billing_core.errors import ValidationError
from billing_core.frames import age, open_lines, to_arrow
from billing_core.ledger import Bucket, ChargePosted, Entry, Transfer, reverse
from billing_core.money import Money
from tests.frames_kit import as_of_dates, books


@attrs.frozen
class Info:
    service_date: datetime.date | None = None
    billed_on: datetime.date | None = None
    due_on: datetime.date | None = None


def _history() -> list[Entry]:
    # L1: 80.00 charged to primary on 2 Jan 2025, moved to the patient on 10 Mar 2025;
    # L2: 40.00 to the patient on 1 Mar, a move to primary on 5 Mar that was reversed.
    usd = lambda s: Money(s, "USD")  # noqa: E731
    moved = Transfer(
        id="t2",
        account_id="A1",
        line_id="L2",
        effective=datetime.date(2025, 3, 5),
        amount=usd("40.00"),
        from_bucket=Bucket.PATIENT,
        to_bucket=Bucket.PRIMARY,
    )
    return [
        ChargePosted(id="c1", account_id="A1", line_id="L1", effective=datetime.date(2025, 1, 2),
                     amount=usd("80.00"), bucket=Bucket.PRIMARY),
        Transfer(id="t1", account_id="A1", line_id="L1", effective=datetime.date(2025, 3, 10),
                 amount=usd("80.00"), from_bucket=Bucket.PRIMARY, to_bucket=Bucket.PATIENT),
        ChargePosted(id="c2", account_id="A1", line_id="L2", effective=datetime.date(2025, 3, 1),
                     amount=usd("40.00"), bucket=Bucket.PATIENT),
        moved,
        reverse(moved, id="r2", effective=datetime.date(2025, 3, 6)),
    ]  # fmt: skip


def test_not_reaged_and_reaged_by_hand() -> None:
    table = to_arrow(_history())
    as_of = datetime.date(2025, 3, 31)
    # Not re-aged: L1 is 88 days from service (61-90), L2 30 days (0-30).
    plain = age(table, as_of)
    assert plain.parties.select("party", "0-30", "61-90", "total", "lines").rows() == [
        ("patient", 4000, 8000, 12000, 2)
    ]
    # Re-aged: L1 moved to the patient 21 days ago; L2's reversed move does not count.
    again = age(table, as_of, AgingAnchor.RESPONSIBILITY)
    assert again.total.select("0-30", "61-90", "total").rows() == [(12000, 0, 12000)]
    lines = open_lines(table, as_of).sort("line_id")
    assert lines.select("line_id", "responsible_since").rows() == [
        ("L1", datetime.date(2025, 3, 10)),
        ("L2", datetime.date(2025, 3, 1)),
    ]


def test_custom_edges_and_day_rule_by_hand() -> None:
    table = to_arrow(_history()[:1])  # 80.00 on 2 Jan 2025 in primary
    # 30 days after is the last day of band "0-30"; 31 days is "31-45"; edges (30, 45).
    on_edge = age(table, datetime.date(2025, 2, 1), buckets=(30, 45))
    past_edge = age(table, datetime.date(2025, 2, 2), buckets=(30, 45))
    assert on_edge.labels == ("0-30", "31-45", "over 45")
    assert on_edge.total.select("0-30", "31-45").rows() == [(8000, 0)]
    assert past_edge.total.select("0-30", "31-45").rows() == [(0, 8000)]
    # An anchor after as_of (not due yet) counts in the first band.
    due = pl.DataFrame({"line_id": ["L1"], "due_on": [datetime.date(2025, 4, 1)]})
    early = age(table, datetime.date(2025, 3, 1), AgingAnchor.DUE_DATE, info=due)
    assert early.total.select("0-30").rows() == [(8000,)]


def test_bad_arguments() -> None:
    table = to_arrow(_history())
    with pytest.raises(ValidationError, match="strictly increasing"):
        age(table, datetime.date(2025, 1, 1), buckets=(60, 30))
    with pytest.raises(TypeError, match="anchor must be an AgingAnchor"):
        age(table, datetime.date(2025, 1, 1), "service_date")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="as_of must be a datetime.date"):
        age(table, datetime.datetime(2025, 1, 1))


_EDGES = st.lists(st.integers(0, 200), min_size=1, max_size=5, unique=True).map(
    lambda xs: tuple(sorted(xs))
)


@st.composite
def _extras(draw: st.DrawFn, history: list[Entry]) -> tuple[dict[str, Info], dict[str, Any]]:
    """Some lines' info dates, some accounts' payer ids."""
    dates = st.none() | st.dates(datetime.date(2023, 6, 1), datetime.date(2025, 6, 1))
    info = {
        line: Info(draw(dates), draw(dates), draw(dates))
        for line in sorted({e.line_id for e in history if e.line_id})
        if draw(st.booleans())
    }
    payers = {
        account: {Bucket.PRIMARY: f"PAYER-{account}", Bucket.SECONDARY: "SEC"}
        for account in sorted({e.account_id for e in history})
        if draw(st.booleans())
    }
    return info, payers


def _info_table(info: dict[str, Info]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"line_id": k, **attrs.asdict(v)} for k, v in info.items()],
        schema={"line_id": pl.String, "service_date": pl.Date, "billed_on": pl.Date,
                "due_on": pl.Date},
    )  # fmt: skip


def _payer_table(payers: dict[str, Any]) -> pl.DataFrame:
    rows = [(a, b.value, p) for a, m in payers.items() for b, p in m.items()]
    return pl.DataFrame(rows, schema=["account_id", "bucket", "payer_id"], orient="row")


def _report_rows(rows: Any, labels: tuple[str, ...]) -> list[tuple[Any, ...]]:
    return [
        (r.account_id, r.party, *(b.minor for b in r.bands), r.total.minor, r.lines) for r in rows
    ]


def _frame_rows(frame: pl.DataFrame, labels: tuple[str, ...], by: list[str]) -> list[Any]:
    cols = [*by, *labels, "total", "lines"]
    out = []
    for row in frame.select(cols).rows(named=True):
        out.append((row.get("account_id"), row.get("party"), *(row[c] for c in cols[len(by) :])))
    return out


@settings(max_examples=60, deadline=None)
@given(st.data(), books(), st.sampled_from(list(AgingAnchor)), _EDGES)
def test_age_equals_the_object_report(
    data: st.DataObject, history: list[Entry], anchor: AgingAnchor, edges: tuple[int, ...]
) -> None:
    as_of = data.draw(as_of_dates(history))
    info, payers = data.draw(_extras(history))
    report = age(to_arrow(history), as_of, anchor, edges, info=_info_table(info),
                 payers=_payer_table(payers) if payers else None)  # fmt: skip
    for currency in sorted({e.amount.currency for e in history}):
        mine = [e for e in history if e.amount.currency == currency]
        expected = aging.age(mine, as_of, anchor, edges, info=info, payers=payers)
        pick = pl.col("currency") == currency
        labels = report.labels
        assert _frame_rows(report.parties.filter(pick), labels, ["party"]) == _report_rows(
            expected.parties, labels
        )
        detail = _frame_rows(report.detail.filter(pick), labels, ["account_id", "party"])
        assert sorted(detail) == sorted(_report_rows(expected.rows, labels))
        assert sorted(_frame_rows(report.accounts.filter(pick), labels, ["account_id"])) == (
            sorted(_report_rows(expected.accounts, labels))
        )
        total = report.total.filter(pick)
        assert _frame_rows(total, labels, []) == (
            _report_rows([expected.total], labels) if total.height else []
        )
        picked = report.credits.filter(pick)
        credits = picked.select("account_id", "party", "line_id", "amount_minor").rows()
        objects = [(c.account_id, c.party, c.line_id, c.amount.minor) for c in expected.credits]
        assert sorted(credits, key=str) == sorted(objects, key=str)


@settings(max_examples=40, deadline=None)
@given(st.data(), books())
def test_open_lines_equal_the_object_rows(data: st.DataObject, history: list[Entry]) -> None:
    as_of = data.draw(as_of_dates(history))
    info, payers = data.draw(_extras(history))
    frame = open_lines(to_arrow(history), as_of, info=_info_table(info),
                       payers=_payer_table(payers) if payers else None)  # fmt: skip
    expected = aging.open_lines(history, as_of, info=info, payers=payers)
    assert sorted(frame.rows(), key=str) == sorted([
        (r.account_id, r.line_id, r.bucket.value, r.open.minor, r.open.currency, r.service_date,
         r.party, r.billed_on, r.due_on, r.last_activity, r.responsible_since)
        for r in expected
    ], key=str)  # fmt: skip
