"""Revenue-cycle KPIs as exact, explained ratios.

Every KPI is a named function taking plain inputs ([`Money`][billing_core.money.Money]
totals, counts, dates) and returning a [`Ratio`][billing_core.kpis.Ratio]: the
numerator, the denominator, the value and a one-line definition, so a number in
a report can always be traced back to what it was computed from.

Value and rounding: ``value = numerator x scale / denominator``, computed
exactly (as a fraction of integers: minor units or counts) and rounded **once**
to [`RATIO_PLACES`][billing_core.kpis.RATIO_PLACES] (2) decimal places,
**half up** (ties away from zero); no `decimal` context is read or changed.
``scale`` is 100 for percentages (so ``value`` is in percent points:
``Decimal('95.24')`` means 95.24 %) and the period length for days in A/R.

A zero denominator gives an **undefined** ratio (``value is None``), never an
exception or a NaN: no claims submitted means no denial rate.

What it holds:

| concept | names |
|---|---|
| ratios | `Ratio` (and `Ratio.of`, the one place a value is computed), `RatioUnit`, `RATIO_PLACES` |
| rates | A/R: `days_in_ar`, `percent_ar_over_90`, `percent_ar_over_120`; collections: `gross_collection_rate`, `net_collection_rate`, `bad_debt_rate`; claims: `denial_rate_by_count`, `denial_rate_by_amount`, `clean_claim_rate`, `first_pass_resolution_rate` |
| lags | `average_lag`, `charge_lag`, `claim_lag`, `payment_lag` |
| sets | `KpiSet` (the KPIs of one period, by name), `KpiTrend` (sets over consecutive periods, each KPI's series for a chart); `period_kpis` and `kpi_trend` compute them from ledger entries, `month_periods` gives calendar months |

A ratio, a set and a trend show as tables in a notebook and export exact
records (``to_record``, ``to_records``); the plot edge
([`plots`][billing_core.plots]) draws a trend.

Examples:
    >>> from billing_core.money import Money
    >>> from billing_core.kpis import days_in_ar, denial_rate_by_count
    >>> r = days_in_ar(Money("45000.00", "USD"), Money("90000.00", "USD"), period_days=90)
    >>> print(r)
    45.00 days
    >>> r.value
    Decimal('45.00')
    >>> print(denial_rate_by_count(0, 0))
    undefined (no claims submitted)
"""  # noqa: E501

from __future__ import annotations

from billing_core._lazy import lazy_exports

_EXPORTS = {
    "billing_core.kpis._lags": ("average_lag", "charge_lag", "claim_lag", "payment_lag"),
    "billing_core.kpis._ledger": ("kpi_trend", "month_periods", "period_kpis"),
    "billing_core.kpis._rates": (
        "bad_debt_rate",
        "clean_claim_rate",
        "days_in_ar",
        "denial_rate_by_amount",
        "denial_rate_by_count",
        "first_pass_resolution_rate",
        "gross_collection_rate",
        "net_collection_rate",
        "percent_ar_over_90",
        "percent_ar_over_120",
    ),
    "billing_core.kpis._ratios": ("RATIO_PLACES", "Ratio", "RatioUnit"),
    "billing_core.kpis._sets": ("KpiSet", "KpiTrend"),
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
