"""HTML tables for notebooks, every cell escaped (private; see the package).

Examples:
    >>> print(html_table(["id", "amount"], [["<b>", "1.00"]], right=[1]))
    <table>
    <thead><tr><th style="text-align:left">id</th><th
      style="text-align:right">amount</th></tr></thead>
    <tbody>
    <tr><td style="text-align:left">&lt;b&gt;</td><td
      style="text-align:right">1.00</td></tr>
    </tbody>
    </table>
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

__all__ = ["html_table"]


def html_table(
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    caption: str | None = None,
    right: Collection[int] = (),
    footer: Sequence[object] | None = None,
) -> str:
    """Render an HTML table; every cell is escaped.

    Args:
        columns: The column headings.
        rows: The rows; each cell is shown as ``str(cell)`` (``None`` as empty).
        caption: An optional caption above the table.
        right: Indexes of the columns to right-align (amounts, counts).
        footer: An optional totals row.

    Returns:
        The HTML.

    Examples:
        >>> "<caption>Aging</caption>" in html_table(["a"], [], caption="Aging")
        True
    """
    # Imported here: tables are drawn in notebooks, and the everyday names never load html.
    from html import escape

    align = [
        ' style="text-align:right"' if i in right else ' style="text-align:left"'
        for i in range(len(columns))
    ]

    def tr(cells: Sequence[object], tag: str) -> str:
        return (
            "<tr>"
            + "".join(
                f"<{tag}{a}>{'' if c is None else escape(str(c))}</{tag}>"
                for a, c in zip(align, cells, strict=False)
            )
            + "</tr>"
        )

    parts = ["<table>"]
    if caption:
        parts.append(f"<caption>{escape(caption)}</caption>")
    parts.append("<thead>" + tr(columns, "th") + "</thead>")
    parts.append("<tbody>")
    parts.extend(tr(row, "td") for row in rows)
    parts.append("</tbody>")
    if footer is not None:
        parts.append("<tfoot>" + tr(footer, "th") + "</tfoot>")
    parts.append("</table>")
    return "\n".join(parts)
