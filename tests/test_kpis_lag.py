"""Period KPIs over ledgers whose adjustments and payments lag their charges.

A period's contractual adjustments and payments often belong to charges posted in an
earlier period, so a period can have more adjustments than charges. The KPIs of such a
period must still be computed; only the net collection rate, whose denominator
(charges - contractual adjustments) is then zero or negative, has no value.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.codes import GroupCode
from billing_core.kpis import kpi_trend, month_periods, period_kpis
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
from billing_core.testing.strategies import ledger_histories

ACME = Party.payer("ACME")


def usd(text: str) -> Money:
    return Money(text, "USD")


def _lagging_ledger() -> list[Entry]:
    """L1: 100.00 charged 2024-12-20; CO-45 40.00 and the payer's 60.00 on 2025-01-10.
    L2: 30.00 charged 2025-01-15 (the patient's, still open at the end of January)."""
    dec20, jan10, jan15 = date(2024, 12, 20), date(2025, 1, 10), date(2025, 1, 15)
    return [
        ChargePosted(id="c1", account_id="A1", line_id="L1", effective=dec20,
                     amount=usd("100.00"), bucket=Bucket.PRIMARY),
        Adjustment(id="j1", account_id="A1", line_id="L1", effective=jan10,
                   amount=usd("40.00"), bucket=Bucket.PRIMARY, group=GroupCode.CO, reason="45"),
        PaymentReceived(id="p1", account_id="A1", effective=jan10, amount=usd("60.00"),
                        party=ACME),
        PaymentApplied(id="a1", account_id="A1", line_id="L1", effective=jan10,
                       amount=usd("60.00"), party=ACME, bucket=Bucket.PRIMARY),
        ChargePosted(id="c2", account_id="A1", line_id="L2", effective=jan15,
                     amount=usd("30.00"), bucket=Bucket.PATIENT),
    ]  # fmt: skip


def _charge_then_co45(charged: date, charge: str, adjusted: date, co45: str) -> list[Entry]:
    """One line L1: a charge, then a CO-45 adjustment."""
    return [
        ChargePosted(id="c1", account_id="A1", line_id="L1", effective=charged,
                     amount=usd(charge), bucket=Bucket.PRIMARY),
        Adjustment(id="j1", account_id="A1", line_id="L1", effective=adjusted,
                   amount=usd(co45), bucket=Bucket.PRIMARY, group=GroupCode.CO, reason="45"),
    ]  # fmt: skip


def test_the_reviewers_case_does_not_raise() -> None:
    # Charge 100.00 in December, CO-45 40.00 in January: January has 0.00 of charges and
    # 40.00 of contractual adjustments, so charges - adjustments = -40.00: no rate.
    history = _charge_then_co45(date(2024, 12, 20), "100.00", date(2025, 1, 10), "40.00")
    jan = period_kpis(history, date(2025, 1, 1), date(2025, 1, 31))
    ncr = jan["net collection rate"]
    assert ncr.value is None
    assert ncr.exact is None
    assert not ncr.is_defined
    assert ncr.denominator == usd("-40.00")
    assert "not more than" in ncr.undefined_reason


def test_other_kpis_of_a_lagging_period_are_computed() -> None:
    # January by hand: charges 30.00 (L2), payments 60.00, contractual 40.00, bad debt 0.
    #   gross = 60.00 / 30.00 x 100 = 200.00 %
    #   net: 30.00 - 40.00 = -10.00 <= 0, undefined
    #   bad debt = 0 / 30.00 = 0.00 %
    #   A/R at 2025-01-31: L1 100 - 40 - 60 = 0, L2 30.00 -> 30.00
    #   days in A/R = 30.00 x 31 / 30.00 = 31.00 days; L2 is 16 days old: 0.00 % over 90/120
    jan = period_kpis(_lagging_ledger(), date(2025, 1, 1), date(2025, 1, 31))
    assert jan["gross collection rate"].value == Decimal("200.00")
    assert jan["net collection rate"].value is None
    assert jan["net collection rate"].numerator == usd("60.00")
    assert jan["net collection rate"].denominator == usd("-10.00")
    assert jan["bad-debt rate"].value == Decimal("0.00")
    assert jan["days in A/R"].value == Decimal("31.00")
    assert jan["% of A/R over 90 days"].value == Decimal("0.00")
    assert jan["% of A/R over 120 days"].value == Decimal("0.00")
    assert str(jan["net collection rate"]).startswith("undefined (")


def test_a_longer_period_washes_the_lag_out() -> None:
    # December and January together: charges 130.00, contractual 40.00, payments 60.00:
    # 60.00 / (130.00 - 40.00) x 100 = 66.666... -> 66.67 %. December alone: 0 / 100.00 = 0.00 %.
    history = _lagging_ledger()
    both = period_kpis(history, date(2024, 12, 1), date(2025, 1, 31))
    assert both["net collection rate"].value == Decimal("66.67")
    trend = kpi_trend(history, month_periods(date(2024, 12, 1), 2))
    assert trend.series("net collection rate") == (("2024-12", Decimal("0.00")), ("2025-01", None))


def test_a_reversed_adjustment_in_a_later_period() -> None:
    # The CO-45 of January is reversed in February: February's contractual adjustments are
    # -40.00 and it has no charges and no payments: 0.00 / (0.00 - (-40.00)) = 0.00 %.
    history = _lagging_ledger()
    history.append(reverse(history[1], id="r1", effective=date(2025, 2, 3)))
    feb = period_kpis(history, date(2025, 2, 1), date(2025, 2, 28))
    ncr = feb["net collection rate"]
    assert ncr.denominator == usd("40.00")
    assert ncr.value == Decimal("0.00")


def test_charges_equal_to_adjustments_are_still_undefined() -> None:
    # January: charges 40.00 and CO 40.00: 40.00 - 40.00 = 0: undefined, as before.
    history = _charge_then_co45(date(2025, 1, 2), "40.00", date(2025, 1, 9), "40.00")
    ncr = period_kpis(history, date(2025, 1, 1), date(2025, 1, 31))["net collection rate"]
    assert ncr.value is None
    assert ncr.denominator == usd("0.00")


@settings(max_examples=60, deadline=None)
@given(
    ledger_histories(payer_money=True, max_steps=30),
    st.integers(min_value=1, max_value=40),
)
def test_periods_of_any_valid_history_never_raise(history: tuple[Entry, ...], days: int) -> None:
    # Windows of any length from the first entry to past the last: every KPI is computed
    # and the net collection rate is defined exactly when its denominator is positive.
    first = history[0].effective
    last = max(e.effective for e in history)
    start = first
    while start <= last:
        end = start + timedelta(days=days - 1)
        ncr = period_kpis(history, start, end)["net collection rate"]
        assert isinstance(ncr.denominator, Money)
        assert ncr.is_defined is (ncr.denominator.minor > 0)
        assert (ncr.exact is None) is (ncr.value is None)
        start = end + timedelta(days=1)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    trend = kpi_trend(history, month_periods(first, months))
    assert len(trend.periods) == months
