# Generated from _EXPORTS in billing_core/kpis/__init__.py by `make stubs`; do not edit.

from billing_core.kpis._lags import average_lag as average_lag
from billing_core.kpis._lags import charge_lag as charge_lag
from billing_core.kpis._lags import claim_lag as claim_lag
from billing_core.kpis._lags import payment_lag as payment_lag
from billing_core.kpis._ledger import kpi_trend as kpi_trend
from billing_core.kpis._ledger import month_periods as month_periods
from billing_core.kpis._ledger import period_kpis as period_kpis
from billing_core.kpis._rates import bad_debt_rate as bad_debt_rate
from billing_core.kpis._rates import clean_claim_rate as clean_claim_rate
from billing_core.kpis._rates import days_in_ar as days_in_ar
from billing_core.kpis._rates import denial_rate_by_amount as denial_rate_by_amount
from billing_core.kpis._rates import denial_rate_by_count as denial_rate_by_count
from billing_core.kpis._rates import first_pass_resolution_rate as first_pass_resolution_rate
from billing_core.kpis._rates import gross_collection_rate as gross_collection_rate
from billing_core.kpis._rates import net_collection_rate as net_collection_rate
from billing_core.kpis._rates import percent_ar_over_90 as percent_ar_over_90
from billing_core.kpis._rates import percent_ar_over_120 as percent_ar_over_120
from billing_core.kpis._ratios import RATIO_PLACES as RATIO_PLACES
from billing_core.kpis._ratios import Ratio as Ratio
from billing_core.kpis._ratios import RatioUnit as RatioUnit
from billing_core.kpis._sets import KpiSet as KpiSet
from billing_core.kpis._sets import KpiTrend as KpiTrend

__all__ = [
    "average_lag",
    "charge_lag",
    "claim_lag",
    "payment_lag",
    "kpi_trend",
    "month_periods",
    "period_kpis",
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
    "RATIO_PLACES",
    "Ratio",
    "RatioUnit",
    "KpiSet",
    "KpiTrend",
]
