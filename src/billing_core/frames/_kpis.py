"""KPI kernels: the ledger totals the KPIs take, summed in columns, and the KPI sets (private).

The columnar twins of [`kpis.period_kpis`][billing_core.kpis.period_kpis] and
[`kpis.kpi_trend`][billing_core.kpis.kpi_trend]. Over a ledger table,
[`kpi_inputs`][billing_core.frames.kpi_inputs] sums the totals the KPIs take
per currency (every one is additive, so partitions of a dataset add up), and
[`kpis`][billing_core.frames.kpis] hands them to the very same KPI functions
in the same order as ``period_kpis``, so a ratio is computed and rounded in
one place. The totals, for a period ``start`` to ``end`` (both included), as
``period_kpis`` reads them off the balances:

- ``charges``: charges posted in the period (reversed charges subtract);
- ``payments``: payments applied to lines in the period;
- ``contractual_adjustments``: CO and PI adjustments in the period;
- ``bad_debt``: write-offs for bad debt in the period;
- ``total_ar``: open A/R at ``end`` (positive open amounts; credits apart);
- ``ar_over_90``, ``ar_over_120``: the part of it more than 90 / 120 days old
  by the chosen aging anchor (``period_kpis``: the date of service).

Examples:
    >>> import datetime
    >>> from billing_core.ledger import Bucket, ChargePosted
    >>> from billing_core.money import Money
    >>> from billing_core.frames import to_arrow
    >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
    ...                  effective=datetime.date(2025, 1, 2), amount=Money("90.00", "USD"),
    ...                  bucket=Bucket.PATIENT)
    >>> start, end = datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)
    >>> inputs = kpi_inputs(to_arrow([c]), start, end)
    >>> print(kpis(inputs, start, end)["USD"]["days in A/R"])
    90.00 days
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, Final

from billing_core.aging import AgingAnchor
from billing_core.codes import GroupCode
from billing_core.errors import Finding, ValidationError
from billing_core.frames._aging import age
from billing_core.frames._deps import pl
from billing_core.frames._folds import as_of_frame, sum_terms
from billing_core.kpis import (
    KpiSet,
    KpiTrend,
    bad_debt_rate,
    days_in_ar,
    gross_collection_rate,
    percent_ar_over_90,
    percent_ar_over_120,
)
from billing_core.kpis._ledger import _label
from billing_core.kpis._rates import period_net_collection_rate
from billing_core.ledger import WriteOffReason
from billing_core.ledger._effects import check_as_of
from billing_core.money import Money

__all__ = ["INPUTS", "kpi_inputs", "kpi_trend", "kpis", "period_kpis"]

INPUTS: Final = (
    "charges", "payments", "contractual_adjustments", "bad_debt", "total_ar", "ar_over_90",
    "ar_over_120",
)  # fmt: skip
"""The columns of ``kpi_inputs`` (after ``currency``), all int64 minor units."""

_CONTRACTUAL: Final = (GroupCode.CO.value, GroupCode.PI.value)


def _flows(frame: Any) -> Any:
    """Per currency, the period's flows from the effects' terms."""
    sums = sum_terms(
        frame, "currency", (), ("charged", "paid_by_bucket", "adjusted", "written_off")
    )
    figure, key, amount = pl.col("figure"), pl.col("key"), pl.col("amount_minor")
    return sums.group_by("currency").agg(
        charges=amount.filter(figure == "charged").sum(),
        payments=amount.filter(figure == "paid_by_bucket").sum(),
        contractual_adjustments=amount.filter(
            (figure == "adjusted") & key.is_in(list(_CONTRACTUAL))
        ).sum(),
        bad_debt=amount.filter(
            (figure == "written_off") & (key == WriteOffReason.BAD_DEBT.value)
        ).sum(),
    )


def _check_period(start: datetime.date, end: datetime.date) -> None:
    check_as_of(start)
    check_as_of(end)
    if start > end:
        raise ValidationError(
            [Finding(location="start", message=f"{start} is after the period's end {end}",
                     rule="kpi.period")]
        )  # fmt: skip


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
    _check_period(start, as_of)
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


def kpis(
    inputs: Any, start: datetime.date, end: datetime.date, *, label: str | None = None
) -> dict[str, KpiSet]:
    """The KPI set of some totals (from ``kpi_inputs``; rows of one currency are added up).

    The same set as [`kpis.period_kpis`][billing_core.kpis.period_kpis]: each
    ratio comes from the function of [`kpis`][billing_core.kpis] of that name,
    in the same order, so it is computed and rounded there, once.

    Args:
        inputs: A frame like ``kpi_inputs`` returns; several rows of one
            currency (partitions of a dataset) are added first.
        start: The first day of the period the inputs were summed over.
        end: Its last day (days in A/R counts the days from ``start`` to ``end``).
        label: The period's name; by default as ``period_kpis`` names it
            (``"2025-03"`` for a calendar month).

    Returns:
        Per currency, its [`KpiSet`][billing_core.kpis.KpiSet].

    Raises:
        ValidationError: If ``end`` is before ``start``.

    Examples:
        >>> import polars as pl
        >>> totals = pl.DataFrame({"currency": ["USD"], **{n: [0] for n in INPUTS}})
        >>> day = datetime.date(2025, 3, 1)
        >>> str(kpis(totals, day, day)["USD"]["gross collection rate"])
        'undefined (no charges in the period)'
    """
    _check_period(start, end)
    summed = inputs.group_by("currency").agg(pl.col(INPUTS).sum()).sort("currency")
    name = label or _label(start, end)
    out: dict[str, KpiSet] = {}
    for row in summed.iter_rows(named=True):
        code = row["currency"]
        m = {name: Money.from_minor(row[name], code) for name in INPUTS}
        ratios = (
            gross_collection_rate(m["payments"], m["charges"]),
            # the same lag rule as kpis.period_kpis: undefined, never an error
            period_net_collection_rate(m["payments"], m["charges"], m["contractual_adjustments"]),
            bad_debt_rate(m["bad_debt"], m["charges"]),
            days_in_ar(m["total_ar"], m["charges"], (end - start).days + 1),
            percent_ar_over_90(m["ar_over_90"], m["total_ar"]),
            percent_ar_over_120(m["ar_over_120"], m["total_ar"]),
        )
        out[code] = KpiSet(label=name, start=start, end=end, ratios=ratios)
    return out


def period_kpis(
    entries: Any, start: datetime.date, end: datetime.date, *, label: str | None = None
) -> dict[str, KpiSet]:
    """The KPIs of one period per currency: the twin of [`kpis.period_kpis`][billing_core.kpis.period_kpis].

    ``kpis(kpi_inputs(entries, start, end), start, end)``: A/R aged by date
    of service, as the object function ages it.

    Raises:
        ValidationError: If ``end`` is before ``start``, or the table is not valid.

    Examples:
        >>> from billing_core.frames import to_arrow
        >>> day = datetime.date(2025, 3, 1)
        >>> period_kpis(to_arrow([]), day, day)
        {}
    """  # noqa: E501
    return kpis(kpi_inputs(entries, start, end), start, end, label=label)


def kpi_trend(
    entries: Any, periods: Iterable[tuple[datetime.date, datetime.date]]
) -> dict[str, KpiTrend]:
    """The KPIs of each period per currency: the twin of [`kpis.kpi_trend`][billing_core.kpis.kpi_trend].

    The table is checked once. A currency with no entry by a period's end
    gets that period's set of zero totals (as ``kpi_trend`` with
    ``currency=`` gives it).

    Raises:
        ValidationError: If a period ends before it starts, or the table is not valid.

    Examples:
        >>> from billing_core.frames import to_arrow
        >>> from billing_core.kpis import month_periods
        >>> kpi_trend(to_arrow([]), month_periods(datetime.date(2025, 1, 1), 2))
        {}
    """  # noqa: E501
    frame = as_of_frame(entries, datetime.date.max)
    codes = frame["currency"].unique().sort().to_list()
    zeros = pl.DataFrame({"currency": codes, **{n: [0] * len(codes) for n in INPUTS}})
    zeros = zeros.with_columns(pl.col(INPUTS).cast(pl.Int64))
    sets: dict[str, list[KpiSet]] = {code: [] for code in codes}
    for start, end in periods:
        inputs = pl.concat([kpi_inputs(frame, start, end), zeros])
        for code, found in kpis(inputs, start, end).items():
            sets[code].append(found)
    return {code: KpiTrend(periods=found) for code, found in sets.items()}
