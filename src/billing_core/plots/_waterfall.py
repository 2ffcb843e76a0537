"""The waterfall chart of one line: how its charge became its open balance (private).

Examples:
    >>> import datetime
    >>> from billing_core.balances import explain
    >>> from billing_core.ledger import Bucket, ChargePosted
    >>> from billing_core.money import Money
    >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
    ...                  effective=datetime.date(2024, 1, 5),
    ...                  amount=Money("150.00", "USD"), bucket=Bucket.PRIMARY)
    >>> fig = waterfall_chart(explain([c], "L1", as_of=datetime.date(2024, 1, 5)))
    >>> [round(p.get_height()) for p in fig.axes[0].patches]
    [15000, 15000]
"""

from __future__ import annotations

from typing import Final

from billing_core.balances import Explanation
from billing_core.money import format_money
from billing_core.plots._mpl import Figure, minor_axis, new_figure

__all__ = ["waterfall_chart"]

_COLOURS: Final = {
    "charge": "tab:blue",
    "down": "tab:green",
    "up": "tab:red",
    "moved": "tab:gray",
    "open": "tab:orange",
}


def waterfall_chart(explanation: Explanation, *, title: str | None = None) -> Figure:
    """The waterfall of [`explain`][billing_core.balances.explain] for one line, as bars.

    One bar per step, floating from the open balance before it to the open
    balance after it: the charge up, adjustments, payments and write-offs
    down (a reversal the other way). A move between buckets changes nothing
    and is drawn as a flat marker labelled with the amount moved. The last
    bar is what is open, stacked by bucket. Heights are exact amounts in minor
    units; every bar is labelled with its amount, and each step's tick names
    the entry. A paying patient's id is masked, as in every view.

    Args:
        explanation: The waterfall of one line.
        title: The title; by default the line and the date.

    Returns:
        The figure (not shown: a notebook displays it).

    Raises:
        TypeError: If ``explanation`` is not an `Explanation`.

    Examples:
        >>> import datetime
        >>> from billing_core.balances import explain
        >>> from billing_core.ledger import Bucket, ChargePosted
        >>> from billing_core.money import Money
        >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
        ...                  effective=datetime.date(2024, 1, 5),
        ...                  amount=Money("150.00", "USD"), bucket=Bucket.PRIMARY)
        >>> fig = waterfall_chart(explain([c], "L1", as_of=datetime.date(2024, 1, 5)))
        >>> [t.get_text().splitlines() for t in fig.axes[0].get_xticklabels()]
        [['c1', 'charge to primary'], ['open']]
    """
    if not isinstance(explanation, Explanation):
        raise TypeError(f"waterfall_chart() takes an Explanation, got {type(explanation).__name__}")
    fig, (ax,) = new_figure(width=max(6.0, 1.4 * (len(explanation.rows) + 1)))
    ticks = []
    for position, row in enumerate(explanation.rows):
        change = row.change.minor
        before = row.open.minor - change
        if change:
            kind = "charge" if row.step == "charge" else ("up" if change > 0 else "down")
            ax.bar(position, change, bottom=before, color=_COLOURS[kind], width=0.6)
            text = format_money(row.change)
            top = max(before, row.open.minor)
        else:
            ax.bar(position, 0, bottom=before, color=_COLOURS["moved"], width=0.6)
            ax.plot([position - 0.3, position + 0.3], [before, before], color=_COLOURS["moved"])
            text = f"moved {format_money(row.amount)}"
            top = before
        ax.annotate(text, (position, top), textcoords="offset points", xytext=(0, 3),
                    ha="center", va="bottom")  # fmt: skip
        ticks.append(f"{row.entry_id}\n{row.description}")
    end = len(explanation.rows)
    bottom = 0
    for bucket, amount in explanation.balance.open.items():
        ax.bar(end, amount.minor, bottom=bottom, color=_COLOURS["open"], width=0.6,
               edgecolor="white", label=f"open: {bucket}")  # fmt: skip
        bottom += amount.minor
    if not explanation.balance.open:
        ax.bar(end, 0, color=_COLOURS["open"], width=0.6)
    ax.annotate(format_money(explanation.balance.balance), (end, max(bottom, 0)),
                textcoords="offset points", xytext=(0, 3), ha="center", va="bottom")  # fmt: skip
    ticks.append("open")
    ax.set_xticks(range(end + 1), ticks, fontsize="small")
    currency = explanation.balance.currency
    ax.set_ylabel(f"open balance ({currency})")
    minor_axis(ax, currency)
    ax.axhline(0, color="black", linewidth=0.5)
    ax.set_title(title or f"Line {explanation.line_id} as of {explanation.as_of.isoformat()}")
    return fig
