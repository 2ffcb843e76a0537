"""KPI sets and trends: known answers from a small ledger worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from billing_core.codes import GroupCode
from billing_core.errors import NotFoundError, ValidationError
from billing_core.kpis import (
    KpiSet,
    KpiTrend,
    clean_claim_rate,
    kpi_trend,
    month_periods,
    period_kpis,
)
from billing_core.ledger import (
    Adjustment,
    Bucket,
    ChargePosted,
    Party,
    PaymentApplied,
    PaymentReceived,
    WriteOff,
    WriteOffReason,
)
from billing_core.money import Money

usd = lambda s: Money(s, "USD")  # noqa: E731
ACME, JANE = Party.payer("ACME"), Party.patient("MRN-000123456")


def _ledger() -> list[object]:
    """January: 1000.00 charged (L1), CO-45 400.00, the payer pays 500.00, PR 100.00 to the patient.
    February: 200.00 charged to the patient (L2); the patient pays 60.00 on L1; 40.00 of L1 is
    written off as bad debt."""
    jan5, jan20 = date(2025, 1, 5), date(2025, 1, 20)
    feb1, feb10, feb28 = date(2025, 2, 1), date(2025, 2, 10), date(2025, 2, 28)
    a = "A1"
    return [
        ChargePosted(id="c1", account_id=a, line_id="L1", effective=jan5, amount=usd("1000"),
                     bucket=Bucket.PRIMARY),
        Adjustment(id="j1", account_id=a, line_id="L1", effective=jan20, amount=usd("400"),
                   bucket=Bucket.PRIMARY, group=GroupCode.CO, reason="45"),
        PaymentReceived(id="p1", account_id=a, effective=jan20, amount=usd("500"), party=ACME),
        PaymentApplied(id="a1", account_id=a, line_id="L1", effective=jan20, amount=usd("500"),
                       party=ACME, bucket=Bucket.PRIMARY),
        Adjustment(id="j2", account_id=a, line_id="L1", effective=jan20, amount=usd("100"),
                   bucket=Bucket.PRIMARY, group=GroupCode.PR, reason="2",
                   to_bucket=Bucket.PATIENT),
        ChargePosted(id="c2", account_id=a, line_id="L2", effective=feb1, amount=usd("200"),
                     bucket=Bucket.PATIENT),
        PaymentReceived(id="p2", account_id=a, effective=feb10, amount=usd("60"), party=JANE),
        PaymentApplied(id="a2", account_id=a, line_id="L1", effective=feb10, amount=usd("60"),
                       party=JANE, bucket=Bucket.PATIENT),
        WriteOff(id="w1", account_id=a, line_id="L1", effective=feb28, amount=usd("40"),
                 bucket=Bucket.PATIENT, reason=WriteOffReason.BAD_DEBT),
    ]  # fmt: skip


def test_period_kpis_known_answers() -> None:
    jan = period_kpis(_ledger(), date(2025, 1, 1), date(2025, 1, 31))  # type: ignore[arg-type]
    # payments 500 / charges 1000; 500 / (1000 - 400) = 83.33...; no bad debt;
    # A/R at Jan 31 is 100.00 (the patient's): 100 x 31 days / 1000 = 3.10 days; none over 90
    assert jan.label == "2025-01"
    assert [(r.name, r.value) for r in jan.ratios] == [
        ("gross collection rate", Decimal("50.00")),
        ("net collection rate", Decimal("83.33")),
        ("bad-debt rate", Decimal("0.00")),
        ("days in A/R", Decimal("3.10")),
        ("% of A/R over 90 days", Decimal("0.00")),
        ("% of A/R over 120 days", Decimal("0.00")),
    ]
    feb = period_kpis(_ledger(), date(2025, 2, 1), date(2025, 2, 28))  # type: ignore[arg-type]
    # payments 60 / charges 200 = 30%; net the same (no contractual); bad debt 40 / 200 = 20%;
    # A/R at Feb 28: L1 is 0 (100 - 60 - 40), L2 200.00: 200 x 28 / 200 = 28.00 days
    assert feb["gross collection rate"].value == Decimal("30.00")
    assert feb["net collection rate"].value == Decimal("30.00")
    assert feb["bad-debt rate"].value == Decimal("20.00")
    assert feb["days in A/R"].value == Decimal("28.00")
    assert feb["days in A/R"].numerator == usd("200.00")


def test_a_trend_over_months_and_its_views() -> None:
    trend = kpi_trend(_ledger(), month_periods(date(2025, 1, 15), 3))  # type: ignore[arg-type]
    assert trend.labels == ("2025-01", "2025-02", "2025-03")
    # March: no charges, so the rates over charges are undefined; A/R 200.00 is 58 days old
    assert trend.series("days in A/R") == (
        ("2025-01", Decimal("3.10")),
        ("2025-02", Decimal("28.00")),
        ("2025-03", None),
    )
    page = trend._repr_html_()
    assert '<th style="text-align:right">2025-02</th>' in page and "28.00 days" in page
    assert "undefined (no charges in the period)" in page
    rows = trend.to_records(money="minor")
    assert len(rows) == 3 * 6
    first = rows[0]
    assert (first["period"], first["name"], first["numerator"]) == (
        "2025-01",
        "gross collection rate",
        50000,
    )
    text = str(trend.periods[0])
    assert text.splitlines()[0] == "KPIs 2025-01 (2025-01-01 to 2025-01-31)"
    assert "days in A/R: 3.10 days" in text
    assert "$1,000.00" in trend.periods[0].to_html()
    assert "12.50%" in clean_claim_rate(1, 8)._repr_html_()


def test_sets_and_trends_refuse_what_is_not_one() -> None:
    jan = KpiSet(label="J", start=date(2025, 1, 1), end=date(2025, 1, 31), ratios=())
    with pytest.raises(ValidationError, match="is before start"):
        KpiSet(label="x", start=date(2025, 2, 1), end=date(2025, 1, 1), ratios=())
    with pytest.raises(ValidationError, match="not after the previous period's end"):
        KpiTrend(periods=[jan, jan])
    with pytest.raises(NotFoundError, match="no KPI 'x'"):
        jan["x"]
    with pytest.raises(TypeError, match="must be a Ratio"):
        KpiSet(label="x", start=date(2025, 1, 1), end=date(2025, 1, 1), ratios=[1])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="must be a positive int"):
        month_periods(date(2025, 1, 1), 0)
    with pytest.raises(ValidationError, match="run past 9999-12-31"):
        month_periods(date(9999, 12, 1), 2)
    assert month_periods(date(9999, 12, 1), 1) == ((date(9999, 12, 1), date(9999, 12, 31)),)
    with pytest.raises(ValueError, match="give currency="):
        period_kpis([], date(2025, 1, 1), date(2025, 1, 31))
    empty = period_kpis([], date(2025, 1, 1), date(2025, 1, 31), currency="USD")
    assert all(r.value is None for r in empty.ratios)
    assert period_kpis([], date(2025, 1, 2), date(2025, 1, 3), currency="USD").label == (
        "2025-01-02 to 2025-01-03"
    )
