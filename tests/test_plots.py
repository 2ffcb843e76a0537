"""The plot edge: charts are returned (never shown), drawn headless, checked for content.

Known answers are the same hand-worked amounts as the reports they draw, in
minor units (the bars' heights); no pixel is compared.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest

from billing_core.aging import OpenLine, age
from billing_core.balances import explain
from billing_core.codes import GroupCode
from billing_core.kpis import KpiSet, KpiTrend, clean_claim_rate, days_in_ar
from billing_core.ledger import (
    Adjustment,
    Bucket,
    ChargePosted,
    Party,
    PaymentApplied,
    PaymentReceived,
)
from billing_core.money import Money
from billing_core.plots import aging_chart, kpi_trend_chart, waterfall_chart

usd = lambda s: Money(s, "USD")  # noqa: E731


def _ticks(ax) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.get_text() for t in ax.get_xticklabels()]


def test_aging_chart_stacks_each_party_in_its_bands() -> None:
    # primary 100.00 at 88 days (61-90) and 40.00 at 10 days; patient 25.00 at 30 days (0-30)
    lines = [
        OpenLine(account_id="A1", line_id="L1", bucket=Bucket.PRIMARY, open=usd("100.00"),
                 service_date=date(2025, 1, 2)),
        OpenLine(account_id="A1", line_id="L3", bucket=Bucket.PRIMARY, open=usd("40.00"),
                 service_date=date(2025, 3, 21)),
        OpenLine(account_id="A1", line_id="L2", bucket=Bucket.PATIENT, open=usd("25.00"),
                 service_date=date(2025, 3, 1)),
    ]  # fmt: skip
    fig = aging_chart(age(lines, date(2025, 3, 31)))
    (ax,) = fig.axes
    assert _ticks(ax) == ["0-30", "31-60", "61-90", "91-120", "over 120"]
    primary, patient = ax.containers
    assert [round(b.get_height()) for b in primary] == [4000, 0, 10000, 0, 0]
    assert [round(b.get_height()) for b in patient] == [2500, 0, 0, 0, 0]
    assert [round(b.get_y()) for b in patient] == [4000, 0, 10000, 0, 0]  # stacked on primary
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["primary", "patient"]
    assert [t.get_text() for t in ax.texts] == ["$65.00", "$0.00", "$100.00", "$0.00", "$0.00"]
    assert ax.yaxis.get_major_formatter()(12345, 0) == "$123.45"
    assert ax.get_title() == "A/R aging as of 2025-03-31, days since service date"
    assert ax.get_xlabel() == "days since service date"
    fig.savefig(__import__("io").BytesIO(), format="png")  # renders headless


def test_aging_chart_says_when_credits_are_left_out() -> None:
    credit = OpenLine(account_id="A1", line_id="L1", bucket=Bucket.PATIENT, open=usd("-5.00"),
                      service_date=date(2025, 3, 1))  # fmt: skip
    fig = aging_chart(age([credit], date(2025, 3, 31)))
    assert fig.axes[0].get_title().endswith("(credits of $5.00 not shown)")
    with pytest.raises(TypeError, match="takes an AgingReport"):
        aging_chart("report")  # type: ignore[arg-type]


def test_waterfall_chart_floats_each_step_from_the_balance_before_it() -> None:
    # charge 150.00; CO-45 50.00 off (open 100.00); PR 20.00 moved to the patient (open 100.00);
    # the payer pays 80.00 (open 20.00, all the patient's)
    d = date(2024, 2, 1)
    acme = Party.payer("ACME")
    history = [
        ChargePosted(id="c1", account_id="A1", line_id="L1", effective=date(2024, 1, 5),
                     amount=usd("150.00"), bucket=Bucket.PRIMARY),
        PaymentReceived(id="p1", account_id="A1", effective=d, amount=usd("80.00"), party=acme),
        PaymentApplied(id="a1", account_id="A1", line_id="L1", effective=d, amount=usd("80.00"),
                       party=acme, bucket=Bucket.PRIMARY),
        Adjustment(id="j1", account_id="A1", line_id="L1", effective=d, amount=usd("50.00"),
                   bucket=Bucket.PRIMARY, group=GroupCode.CO, reason="45"),
        Adjustment(id="j2", account_id="A1", line_id="L1", effective=d, amount=usd("20.00"),
                   bucket=Bucket.PRIMARY, group=GroupCode.PR, reason="2",
                   to_bucket=Bucket.PATIENT),
    ]  # fmt: skip
    fig = waterfall_chart(explain(history, "L1", as_of=d))
    (ax,) = fig.axes
    bars = ax.patches
    assert [round(b.get_height()) for b in bars] == [15000, -5000, 0, -8000, 2000]
    assert [round(b.get_y()) for b in bars] == [0, 15000, 10000, 10000, 0]
    assert [t.get_text() for t in ax.texts] == [
        "$150.00", "-$50.00", "moved $20.00", "-$80.00", "$20.00",
    ]  # fmt: skip
    assert [t.split("\n")[0] for t in _ticks(ax)] == ["c1", "j1", "j2", "a1", "open"]
    assert _ticks(ax)[3] == "a1\npaid by payer:ACME from primary"
    assert ax.containers[-1].get_label() == "open: patient"
    assert ax.get_title() == "Line L1 as of 2024-02-01"


def test_waterfall_masks_a_paying_patient() -> None:
    d = date(2024, 1, 5)
    jane = Party.patient("MRN-000123456")
    history = [
        ChargePosted(id="c1", account_id="A1", line_id="L1", effective=d, amount=usd("5.00"),
                     bucket=Bucket.PATIENT),
        PaymentReceived(id="p1", account_id="A1", effective=d, amount=usd("5.00"), party=jane),
        PaymentApplied(id="a1", account_id="A1", line_id="L1", effective=d, amount=usd("5.00"),
                       party=jane, bucket=Bucket.PATIENT),
    ]  # fmt: skip
    labels = " ".join(_ticks(waterfall_chart(explain(history, "L1", as_of=d)).axes[0]))
    assert "MRN-000123456" not in labels and "patient:****3456" in labels


def _month(m: int, clean: int, days: str | None) -> KpiSet:
    ratios = [clean_claim_rate(clean, 50)]
    if days is not None:
        ratios.append(days_in_ar(usd(days), usd("3000.00"), 30))
    return KpiSet(label=f"2025-{m:02}", start=date(2025, m, 1), end=date(2025, m, 28),
                  ratios=ratios)  # fmt: skip


def test_kpi_trend_chart_draws_each_unit_on_its_own_axes() -> None:
    # clean claims 40/50 = 80%, 45/50 = 90%, 47/50 = 94%; days in A/R 1500 x 30 / 3000 = 15.00,
    # missing in February, 900 x 30 / 3000 = 9.00
    trend = KpiTrend(periods=[_month(1, 40, "1500.00"), _month(2, 45, None), _month(3, 47, "900")])
    fig = kpi_trend_chart(trend)
    percent, days = fig.axes
    (clean,) = percent.lines
    assert clean.get_label() == "clean-claim rate"
    assert list(clean.get_xdata()) == [0, 1, 2] and list(clean.get_ydata()) == [8000, 9000, 9400]
    (dar,) = days.lines
    assert list(dar.get_xdata()) == [0, 2] and list(dar.get_ydata()) == [1500, 900]  # a gap
    assert [t.get_text() for t in percent.texts] == ["80.00", "90.00", "94.00"]
    assert _ticks(percent) == ["2025-01", "2025-02", "2025-03"]
    assert percent.yaxis.get_major_formatter()(9524, 0) == "95.24%"
    assert days.yaxis.get_major_formatter()(1500, 0) == "15.00 days"
    assert percent.get_title() == "KPI trend"
    only = kpi_trend_chart(trend, ["days in A/R"], title="DAR")
    assert len(only.axes) == 1 and only.axes[0].get_title() == "DAR"
    assert trend.series("clean-claim rate")[0] == ("2025-01", Decimal("80.00"))


def test_kpi_trend_chart_refuses_unknown_names_and_types() -> None:
    with pytest.raises(LookupError, match="no KPI 'x'"):
        kpi_trend_chart(KpiTrend(periods=[_month(1, 40, None)]), ["x"])
    with pytest.raises(TypeError, match="takes a KpiTrend"):
        kpi_trend_chart([])  # type: ignore[arg-type]


def test_the_edge_is_optional_and_names_its_extra() -> None:
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "import billing_core, billing_core.aging\n"
        "assert 'matplotlib' not in [m.split('.')[0] for m in sys.modules if sys.modules[m]]\n"
        "try:\n    import billing_core.plots\nexcept ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "install the 'plot' extra" in out.stdout
    plain = "import sys, billing_core; billing_core.Money; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", plain], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
