"""matplotlib, imported once for the plot edge, and what every chart shares (private).

Figures are built with ``matplotlib.figure.Figure`` and the Agg canvas: no
pyplot, no window, no global figure list, so a chart works headless (in tests,
on a server) and a notebook shows the returned figure like any other.

Amounts are drawn as exact integer counts of minor units (the library never
hands a float amount over); the axis formatter prints them as money.
"""

from __future__ import annotations

from decimal import Decimal

from billing_core.money import Money, format_money

try:
    from matplotlib.axes import Axes
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator
except ImportError as missing:  # pragma: no cover - tested in a subprocess
    raise ImportError(
        "billing_core.plots needs matplotlib: install the 'plot' extra"
        " (pip install 'billing_core[plot]')"
    ) from missing

__all__ = ["Axes", "Figure", "minor_axis", "new_figure", "percent_axis"]


def new_figure(width: float = 8.0, height: float = 4.5, rows: int = 1) -> tuple[Figure, list[Axes]]:
    """A figure on the Agg canvas (headless) with ``rows`` axes stacked vertically."""
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    axes = [fig.add_subplot(rows, 1, n + 1) for n in range(rows)]
    return fig, axes


def minor_axis(ax: Axes, currency: str) -> None:
    """Label the y axis of amounts drawn in minor units as money (ticks on whole units)."""

    def label(value: float, _position: object) -> str:
        # A tick position is matplotlib's float; it is turned back into whole minor units.
        return format_money(Money.from_minor(round(value), currency))

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(label))


def percent_axis(ax: Axes, suffix: str) -> None:
    """Label the y axis of values drawn in hundredths (``9524`` is ``95.24``) with ``suffix``."""

    def label(value: float, _position: object) -> str:
        return f"{Decimal(round(value)).scaleb(-2)}{suffix}"

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(label))
