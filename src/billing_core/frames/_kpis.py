"""KPI kernels: the ledger totals the KPIs take, summed in columns, and the ratios (private).

The KPIs of [`kpis`][billing_core.kpis] are functions of totals. Over a
ledger table, [`kpi_inputs`][billing_core.frames.kpi_inputs] sums those
totals per currency (every figure is additive, so partitions of a dataset
add up), and [`kpis`][billing_core.frames.kpis] hands them to the very same
KPI functions, so a ratio is computed and rounded in one place. The totals,
for a period ``start`` to ``as_of`` (both included):

- ``charges``: charges posted in the period (reversed charges subtract);
- ``payments``: money received in the period, net of refunds;
- ``contractual_adjustments``: CO and PI adjustments in the period;
- ``bad_debt``: write-offs for bad debt in the period;
- ``total_ar``: open A/R as of ``as_of`` (positive open amounts; credits apart);
- ``ar_over_90``, ``ar_over_120``: the part of it more than 90 / 120 days old
  by the chosen aging anchor.

Examples:
    >>> import datetime
    >>> from billing_core.ledger import Bucket, ChargePosted
    >>> from billing_core.money import Money
    >>> from billing_core.frames import to_arrow
    >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
    ...                  effective=datetime.date(2025, 1, 2), amount=Money("90.00", "USD"),
    ...                  bucket=Bucket.PATIENT)
    >>> inputs = kpi_inputs(to_arrow([c]), datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))
    >>> print(kpis(inputs, period_days=90)["USD"]["days in A/R"])
    90.00 days
"""

from __future__ import annotations

import datetime
from typing import Any, Final

from billing_core.aging import AgingAnchor
from billing_core.codes import GroupCode
from billing_core.errors import Finding, ValidationError
from billing_core.frames._aging import age
from billing_core.frames._deps import pl
from billing_core.frames._folds import as_of_frame, sum_terms
from billing_core.kpis import (
    Ratio,
    bad_debt_rate,
    days_in_ar,
    gross_collection_rate,
    net_collection_rate,
    percent_ar_over_90,
    percent_ar_over_120,
)
from billing_core.ledger import WriteOffReason
from billing_core.ledger._effects import check_as_of
from billing_core.money import Money

__all__ = ["INPUTS", "kpi_inputs", "kpis"]

INPUTS: Final = (
    "charges", "payments", "contractual_adjustments", "bad_debt", "total_ar", "ar_over_90",
    "ar_over_120",
)  # fmt: skip
"""The columns of ``kpi_inputs`` (after ``currency``), all int64 minor units."""

_CONTRACTUAL: Final = (GroupCode.CO.value, GroupCode.PI.value)


def _flows(frame: Any) -> Any:
    """Per currency, the period's flows from the effects' terms."""
    sums = sum_terms(
        frame, "currency", (), ("charged", "received", "refunded", "adjusted", "written_off")
    )
    figure, key, amount = pl.col("figure"), pl.col("key"), pl.col("amount_minor")
    return sums.group_by("currency").agg(
        charges=amount.filter(figure == "charged").sum(),
        payments=amount.filter(figure == "received").sum()
        - amount.filter(figure == "refunded").sum(),
        contractual_adjustments=amount.filter(
            (figure == "adjusted") & key.is_in(list(_CONTRACTUAL))
        ).sum(),
        bad_debt=amount.filter(
            (figure == "written_off") & (key == WriteOffReason.BAD_DEBT.value)
        ).sum(),
    )


def kpi_inputs(
    entries: Any,
    start: datetime.date,
    as_of: datetime.date,
    *,
    anchor: AgingAnchor = AgingAnchor.SERVICE_DATE,
    info: Any = None,
) -> Any:
    """The totals the KPIs take, per currency, for the period ``start`` to ``as_of``.

    Args:
        entries: A table of ledger entries.
        start: The first day of the period.
        as_of: The last day of the period, and the date A/R is aged at.
        anchor: What A/R ages are counted from.
        info: Optional line dates for the aging (see
            [`open_lines`][billing_core.frames.open_lines]).

    Returns:
        A polars frame ``currency`` + [`INPUTS`][billing_core.frames.INPUTS]
        (minor units), one row per currency with entries by ``as_of``; rows of
        several frames (partitions of a dataset) add up.

    Raises:
        ValidationError: If ``start`` is after ``as_of``, or the table is not valid.

    Examples:
        >>> from billing_core.frames import to_arrow
        >>> kpi_inputs(to_arrow([]), datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)).height
        0
    """
    check_as_of(start)
    check_as_of(as_of)
    if start > as_of:
        raise ValidationError(
            [
                Finding(
                    location="start", message=f"{start} is after as_of {as_of}", rule="kpi.period"
                )
            ]
        )
    frame = as_of_frame(entries, as_of)
    flows = _flows(frame.filter(pl.col("effective") >= start))
    aged = age(frame, as_of, anchor, (90, 120), info=info).total.select(
        "currency",
        pl.col("total").alias("total_ar"),
        (pl.col("91-120") + pl.col("over 120")).alias("ar_over_90"),
        pl.col("over 120").alias("ar_over_120"),
    )
    currencies = frame.select("currency").unique()
    return (
        currencies.join(flows, on="currency", how="left")
        .join(aged, on="currency", how="left")
        .with_columns(pl.col(INPUTS).fill_null(0).cast(pl.Int64))
        .select("currency", *INPUTS)
        .sort("currency")
    )


def kpis(inputs: Any, period_days: int) -> dict[str, dict[str, Ratio]]:
    """The KPIs of some totals (from ``kpi_inputs``, rows of one currency added up).

    Each ratio comes from the function of [`kpis`][billing_core.kpis] of
    that name, so it is computed and rounded there, once.

    Args:
        inputs: A frame like ``kpi_inputs`` returns; several rows of one
            currency (partitions) are added first.
        period_days: The length of the period, for days in A/R.

    Returns:
        Per currency, the ratios by name: days in A/R, % of A/R over 90 and
        over 120 days, gross and net collection rates, bad-debt rate.

    Examples:
        >>> import polars as pl
        >>> totals = pl.DataFrame({"currency": ["USD"], **{n: [0] for n in INPUTS}})
        >>> str(kpis(totals, 90)["USD"]["gross collection rate"])
        'undefined (no charges in the period)'
    """
    summed = inputs.group_by("currency").agg(pl.col(INPUTS).sum()).sort("currency")
    out: dict[str, dict[str, Ratio]] = {}
    for row in summed.iter_rows(named=True):
        code = row["currency"]
        m = {name: Money.from_minor(row[name], code) for name in INPUTS}
        ratios = (
            days_in_ar(m["total_ar"], m["charges"], period_days),
            percent_ar_over_90(m["ar_over_90"], m["total_ar"]),
            percent_ar_over_120(m["ar_over_120"], m["total_ar"]),
            gross_collection_rate(m["payments"], m["charges"]),
            net_collection_rate(m["payments"], m["charges"], m["contractual_adjustments"]),
            bad_debt_rate(m["bad_debt"], m["charges"]),
        )
        out[code] = {r.name: r for r in ratios}
    return out
