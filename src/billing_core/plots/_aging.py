"""The aging chart: open A/R by band, stacked by party (private; see the package).

Examples:
    >>> from datetime import date
    >>> from billing_core.aging import OpenLine, age
    >>> from billing_core.ledger import Bucket
    >>> from billing_core.money import Money
    >>> lines = [OpenLine(account_id="A1", line_id="L1", bucket=Bucket.PRIMARY,
    ...                   open=Money("100.00", "USD"), service_date=date(2025, 1, 2))]
    >>> fig = aging_chart(age(lines, date(2025, 3, 31)))
    >>> [t.get_text() for t in fig.axes[0].get_xticklabels()]
    ['0-30', '31-60', '61-90', '91-120', 'over 120']
"""

from __future__ import annotations

from billing_core.aging import AgingReport
from billing_core.money import Money, format_money
from billing_core.plots._mpl import Figure, minor_axis, new_figure

__all__ = ["aging_chart"]


def aging_chart(report: AgingReport, *, title: str | None = None) -> Figure:
    """Open A/R by aging band, one stacked bar per band with a segment per party.

    Each party (each payer, the patient) is one colour of the stacks, in the
    report's order; the band's total is written above its stack. Heights are
    the exact amounts in minor units, and the axis prints them as money.
    Credits are not drawn (they are never in a band); the title says so when
    there are some.

    Args:
        report: The aging report (see [`age`][billing_core.aging.age]).
        title: The title; by default the report's date and anchor.

    Returns:
        The figure (not shown: a notebook displays it, ``fig.savefig`` writes it).

    Raises:
        TypeError: If ``report`` is not an `AgingReport`.

    Examples:
        >>> from datetime import date
        >>> from billing_core.aging import age
        >>> fig = aging_chart(age([], date(2025, 3, 31), currency="USD"))
        >>> fig.axes[0].get_title()
        'A/R aging as of 2025-03-31, days since service date'
    """
    if not isinstance(report, AgingReport):
        raise TypeError(f"aging_chart() takes an AgingReport, got {type(report).__name__}")
    fig, (ax,) = new_figure()
    labels = report.labels
    positions = list(range(len(labels)))
    bottoms = [0] * len(labels)
    for row in report.parties:
        heights = [b.minor for b in row.bands]
        ax.bar(positions, heights, bottom=bottoms, label=row.party or "", width=0.6)
        bottoms = [low + h for low, h in zip(bottoms, heights, strict=True)]
    for position, band in zip(positions, report.total.bands, strict=True):
        ax.annotate(
            format_money(band),
            (position, band.minor),
            textcoords="offset points",
            xytext=(0, 3),
            ha="center",
            va="bottom",
        )
    ax.set_xticks(positions, labels)
    ax.set_xlabel(f"days since {report.anchor_words}")
    ax.set_ylabel(f"open A/R ({report.currency})")
    minor_axis(ax, report.currency)
    if report.parties:
        ax.legend(title="owed by")
    heading = (
        title or f"A/R aging as of {report.as_of.isoformat()}, days since {report.anchor_words}"
    )
    if report.credits and title is None:
        credit = format_money(Money.from_minor(report.credit_total.minor, report.currency))
        heading += f" (credits of {credit} not shown)"
    ax.set_title(heading)
    return fig
