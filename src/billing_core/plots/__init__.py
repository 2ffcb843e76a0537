"""Charts for notebooks (optional extra ``plot``: matplotlib).

Where people would rather look than read:

- [`aging_chart`][]: open A/R by aging band, stacked by party;
- [`waterfall_chart`][]: how one line's charge became its open balance (the
  waterfall of [`explain`][billing_core.balances.explain]);
- [`kpi_trend_chart`][]: KPIs over periods (a [`KpiTrend`][billing_core.kpis.KpiTrend]).

Each function returns a ``matplotlib.figure.Figure`` and never shows it: a
notebook displays the returned figure, a script saves it with
``fig.savefig("aging.png")``. Figures are drawn on the Agg canvas without
pyplot, so they work headless and leave no global state behind. Amounts are
drawn as exact integer minor units and printed as money on the axis (KPI values
as integer hundredths); the library hands matplotlib no float amount.

This edge needs matplotlib, installed with the ``plot`` extra
(``pip install 'billing_core[plot]'``); without it, importing
``billing_core.plots`` raises an ``ImportError`` that says so.
``import billing_core`` never imports it.

Examples:
    >>> from datetime import date
    >>> from billing_core.aging import OpenLine, age
    >>> from billing_core.ledger import Bucket
    >>> from billing_core.money import Money
    >>> from billing_core.plots import aging_chart
    >>> lines = [
    ...     OpenLine(account_id="A1", line_id="L1", bucket=Bucket.PRIMARY,
    ...              open=Money("100.00", "USD"), service_date=date(2025, 1, 2)),
    ...     OpenLine(account_id="A1", line_id="L2", bucket=Bucket.PATIENT,
    ...              open=Money("25.00", "USD"), service_date=date(2025, 3, 1)),
    ... ]
    >>> fig = aging_chart(age(lines, date(2025, 3, 31)))
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['primary', 'patient']
"""

from __future__ import annotations

from billing_core.plots._aging import aging_chart
from billing_core.plots._trend import kpi_trend_chart
from billing_core.plots._waterfall import waterfall_chart

__all__ = ["aging_chart", "kpi_trend_chart", "waterfall_chart"]
