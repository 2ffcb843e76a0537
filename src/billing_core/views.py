"""Notebook views: HTML tables, flat records, identifier masking.

Shared helpers behind the ``_repr_html_`` and ``to_records()`` methods of
reports and documents, so that a report shows as a readable table in Jupyter
and ``pandas.DataFrame(report.to_records())`` just works (pandas is not needed
by the library).

- [`to_records`][] turns attrs objects (entries, rows, risks) into flat
  dicts of plain values: ``str``, ``int``, ``bool``, ``Decimal``, ``date`` or
  ``None``. Amounts become their exact ``Decimal`` value plus a currency
  column; enums become their value.
- [`html_table`][] renders rows as an escaped HTML table.
- [`mask_identifier`][] hides all but the last characters of an identifier.

Examples:
    >>> import attrs
    >>> from datetime import date
    >>> from billing_core.money import Money
    >>> from billing_core.views import html_table, mask_identifier, to_records
    >>> @attrs.frozen
    ... class Row:
    ...     account_id: str
    ...     open: Money
    ...     since: date
    >>> to_records([Row("A-1", Money("12.50", "USD"), date(2025, 1, 2))])
    [{'type': 'Row', 'account_id': 'A-1', 'open': Decimal('12.50'), 'currency': 'USD',
      'since': datetime.date(2025, 1, 2)}]
    >>> mask_identifier("MRN-000123456")
    '****3456'
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

import enum
import html
from collections.abc import Collection, Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TypeAlias

import attrs

from billing_core._checks import describe
from billing_core.money import Money

__all__ = [
    "MASK",
    "Record",
    "RecordValue",
    "html_table",
    "mask_identifier",
    "masked_repr",
    "plain_value",
    "to_records",
]

RecordValue: TypeAlias = str | int | Decimal | date | None
"""A plain value in a record: str, int (and bool), Decimal, date or None."""

Record: TypeAlias = dict[str, RecordValue]
"""One flat row of plain values, ready for ``pandas.DataFrame(records)`` or ``csv``."""

MASK = "****"
"""What replaces the hidden part of an identifier."""


def mask_identifier(value: str | None, *, visible: int = 4) -> str:
    """Hide an identifier but its last ``visible`` characters.

    The hidden part is always [`MASK`][] (so the length does not leak). An
    identifier shorter than ``2 x visible`` characters is hidden entirely,
    since its tail would give away most of it.

    Args:
        value: The identifier (``None`` gives ``""``).
        visible: How many trailing characters to keep.

    Returns:
        The masked identifier.

    Examples:
        >>> mask_identifier("123456789"), mask_identifier("ABC12"), mask_identifier(None)
        ('****6789', '****', '')
    """
    if value is None:
        return ""
    text = str(value)
    if visible <= 0 or len(text) < 2 * visible:
        return MASK
    return MASK + text[-visible:]


def masked_repr(value: object, *, visible: int = 0) -> str:
    """The ``repr`` text of a field holding patient identifiers, masked.

    Meant for ``attrs.field(repr=masked_repr)``: printing an object in a log or
    a notebook shows [`MASK`][] instead of the value, while the attribute
    itself still returns it. ``visible`` keeps that many trailing characters
    (see [`mask_identifier`][]); ``None`` stays ``None``.

    Args:
        value: The field's value.
        visible: Trailing characters to keep; 0 hides everything.

    Returns:
        The text ``repr`` shows for the field.

    Examples:
        >>> masked_repr("Jane Roe"), masked_repr(None), masked_repr("XYZ123456789", visible=4)
        ("'****'", 'None', "'****6789'")
    """
    if value is None:
        return "None"
    return repr(mask_identifier(str(value), visible=visible))


def plain_value(value: object) -> RecordValue:
    """Turn one value into a plain record value.

    ``str``, ``int``, ``bool``, ``Decimal``, ``date`` and ``None`` stay as they
    are; an enum gives its value (if plain) or name; a [`Money`][] gives its
    exact ``Decimal`` amount (the currency goes in its own column, see
    [`to_records`][]); a tuple, list or set gives its items' texts joined by
    ``"; "``; anything else gives ``str(value)``.

    Args:
        value: The value.

    Returns:
        The plain value.

    Examples:
        >>> plain_value(Money("3.10", "EUR")), plain_value(("a", "b"))
        (Decimal('3.10'), 'a; b')
    """
    if value is None or isinstance(value, str | int | Decimal | date):
        return value
    if isinstance(value, Money):
        return value.amount
    if isinstance(value, enum.Enum):
        inner = value.value
        return inner if isinstance(inner, str | int) else value.name
    if isinstance(value, tuple | list | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return "; ".join(str(plain_value(v)) for v in items)
    return str(value)


def _pairs(item: object) -> list[tuple[str, Any]]:
    cls = type(item)
    if isinstance(item, dict):
        return list(item.items())
    if attrs.has(cls):
        return [(f.name, getattr(item, f.name)) for f in attrs.fields(cls) if f.name[:1] != "_"]
    raise TypeError(f"to_records() takes attrs objects or dicts, got {describe(item)}")


def _record(item: object) -> Record:
    row: Record = {} if isinstance(item, dict) else {"type": type(item).__name__}
    currency: str | None = None

    def put(name: str, value: Any, depth: int) -> None:
        nonlocal currency
        if depth == 0 and attrs.has(type(value)):
            # one level of nesting is flattened: source -> source_payment_id, ...
            for sub, inner in _pairs(value):
                put(f"{name}_{sub}", inner, depth + 1)
            return
        row[name] = plain_value(value)
        if isinstance(value, Money):
            if currency is None and "currency" not in row:
                currency = value.currency
                row["currency"] = currency
            elif value.currency != currency:
                row[f"{name}_currency"] = value.currency

    for name, value in _pairs(item):
        put(name, value, 0)
    return row


def to_records(items: Iterable[object]) -> list[Record]:
    """Flatten attrs objects (or dicts) into records of plain values.

    An attrs object's record starts with a ``type`` column (its class name,
    e.g. ``"PaymentApplied"``), so a list of mixed ledger entries stays
    readable. Each public field becomes a column (see [`plain_value`][]); a field
    holding an attrs object is flattened one level (``source`` ->
    ``source_payment_id``, ...). Amounts become their ``Decimal`` value, and a
    ``currency`` column holds the currency of the first amount in the row; an
    amount in another currency gets its own ``<field>_currency`` column. Rows
    of different types may have different columns (pandas fills the gaps).

    Args:
        items: attrs instances or dicts.

    Returns:
        One record per item, in order.

    Raises:
        TypeError: If an item is neither an attrs instance nor a dict.

    Examples:
        >>> from billing_core.errors import Finding
        >>> record = to_records([Finding(location="claim.lines", message="no lines")])[0]
        >>> record["type"], record["location"], record["severity"]
        ('Finding', 'claim.lines', 'error')
    """
    return [_record(item) for item in items]


def _cell(value: object) -> str:
    if value is None:
        return ""
    return html.escape(str(value))


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
    align = [
        ' style="text-align:right"' if i in right else ' style="text-align:left"'
        for i in range(len(columns))
    ]

    def tr(cells: Sequence[object], tag: str) -> str:
        return (
            "<tr>"
            + "".join(f"<{tag}{a}>{_cell(c)}</{tag}>" for a, c in zip(align, cells, strict=False))
            + "</tr>"
        )

    parts = ["<table>"]
    if caption:
        parts.append(f"<caption>{html.escape(caption)}</caption>")
    parts.append("<thead>" + tr(columns, "th") + "</thead>")
    parts.append("<tbody>")
    parts.extend(tr(row, "td") for row in rows)
    parts.append("</tbody>")
    if footer is not None:
        parts.append("<tfoot>" + tr(footer, "th") + "</tfoot>")
    parts.append("</table>")
    return "\n".join(parts)
