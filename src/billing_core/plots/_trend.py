"""The KPI trend chart: each KPI's value over periods (private; see the package).

Examples:
    >>> from datetime import date
    >>> from billing_core.kpis import KpiSet, KpiTrend, clean_claim_rate
    >>> def month(m, clean):
    ...     return KpiSet(label=f"2025-{m:02}", start=date(2025, m, 1),
    ...                   end=date(2025, m, 28), ratios=[clean_claim_rate(clean, 50)])
    >>> fig = kpi_trend_chart(KpiTrend(periods=[month(1, 40), month(2, 45)]))
    >>> [int(y) for y in fig.axes[0].lines[0].get_ydata()]
    [8000, 9000]
"""

from __future__ import annotations

from collections.abc import Sequence

from billing_core.errors import NotFoundError
from billing_core.kpis import KpiTrend, RatioUnit
from billing_core.plots._mpl import Figure, new_figure, percent_axis

__all__ = ["kpi_trend_chart"]

_SUFFIX = {RatioUnit.PERCENT: "%", RatioUnit.DAYS: " days"}


def _unit(trend: KpiTrend, name: str) -> RatioUnit:
    for period in trend.periods:
        if name in period.names:
            return period[name].unit
    raise NotFoundError(f"no KPI {name!r:.60} in this trend")


def kpi_trend_chart(
    trend: KpiTrend, names: Sequence[str] | None = None, *, title: str | None = None
) -> Figure:
    """KPIs over periods: one line per KPI, percentages and days on separate axes.

    Values are the ratios' exact rounded values, drawn as integer hundredths
    (``95.24 %`` is ``9524``) and printed back on the axis; a period where a
    KPI is undefined (no denominator) leaves a gap in its line. Each point is
    labelled with its value.

    Args:
        trend: The trend (see [`kpi_trend`][billing_core.kpis.kpi_trend]).
        names: The KPIs to draw; all of the trend's by default.
        title: The title; ``"KPI trend"`` by default.

    Returns:
        The figure (not shown: a notebook displays it).

    Raises:
        TypeError: If ``trend`` is not a `KpiTrend`.
        NotFoundError: A name the trend does not have.

    Examples:
        >>> fig = kpi_trend_chart(KpiTrend(periods=()))
        >>> fig.axes[0].get_title()
        'KPI trend'
    """
    if not isinstance(trend, KpiTrend):
        raise TypeError(f"kpi_trend_chart() takes a KpiTrend, got {type(trend).__name__}")
    wanted = list(trend.names if names is None else names)
    units = {name: _unit(trend, name) for name in wanted}
    groups = [u for u in RatioUnit if u in units.values()] or [RatioUnit.PERCENT]
    fig, axes = new_figure(height=3.2 * len(groups), rows=len(groups))
    positions = list(range(len(trend.periods)))
    for ax, unit in zip(axes, groups, strict=True):
        for name in (n for n in wanted if units[n] is unit):
            points = [
                (x, int(value.scaleb(2)))
                for x, (_label, value) in zip(positions, trend.series(name), strict=True)
                if value is not None
            ]
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            (line,) = ax.plot(xs, ys, marker="o", label=name)
            for x, y in points:
                ax.annotate(_hundredths(y), (x, y),
                            textcoords="offset points", xytext=(0, 4), ha="center",
                            fontsize="small", color=line.get_color())  # fmt: skip
        ax.set_xticks(positions, trend.labels)
        percent_axis(ax, _SUFFIX[unit])
        ax.set_ylabel(unit.value)
        if any(units[n] is unit for n in wanted):
            ax.legend(fontsize="small")
    axes[0].set_title(title or "KPI trend")
    return fig


def _hundredths(value: int) -> str:
    sign = "-" if value < 0 else ""
    whole, cents = divmod(abs(value), 100)
    return f"{sign}{whole}.{cents:02}"
