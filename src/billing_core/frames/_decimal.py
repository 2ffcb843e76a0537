"""Money columns rendered as Decimal, at the edge (private).

Inside the kernels money stays int64 minor units; a report, a notebook cell
or an export turns them into exact ``Decimal`` amounts of each row's
currency, once, at the end.

Examples:
    >>> import polars as pl
    >>> frame = pl.DataFrame({"currency": ["USD", "JPY"], "amount_minor": [12345, 500]})
    >>> decimal_records(frame)[0]
    {'currency': 'USD', 'amount': Decimal('123.45')}
    >>> decimal_records(frame)[1]
    {'currency': 'JPY', 'amount': Decimal('500')}
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from billing_core.money import currency_exponent

__all__ = ["decimal_records"]


def decimal_records(frame: Any, money: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """The rows of a frame as dicts, money columns as exact ``Decimal`` in the row's currency.

    Args:
        frame: A polars frame with a ``currency`` column.
        money: The money columns (minor units). By default every column whose
            name ends in ``_minor``; those lose the suffix (``amount_minor``
            becomes ``amount``), columns named here keep their names.

    Returns:
        One dict per row. The amounts are built from text, so they are exact
        and read no ``decimal`` context.

    Raises:
        KeyError: If the frame has no ``currency`` column.

    Examples:
        >>> import polars as pl
        >>> bands = pl.DataFrame({"currency": ["USD"], "0-30": [2500], "lines": [1]})
        >>> decimal_records(bands, money=["0-30"])
        [{'currency': 'USD', '0-30': Decimal('25.00'), 'lines': 1}]
    """
    columns = list(frame.columns)
    if "currency" not in columns:
        raise KeyError("decimal_records needs a 'currency' column")
    chosen = set(money) if money is not None else {c for c in columns if c.endswith("_minor")}
    rename = {c: (c.removesuffix("_minor") if money is None else c) for c in chosen}
    suffixes: dict[str, str] = {}
    out = []
    for row in frame.iter_rows(named=True):
        code = row["currency"]
        suffix = suffixes.get(code)
        if suffix is None:
            suffix = suffixes[code] = f"e-{currency_exponent(code)}"
        record: dict[str, Any] = {}
        for name in columns:
            value = row[name]
            if name in chosen:
                record[rename[name]] = None if value is None else Decimal(f"{value}{suffix}")
            else:
                record[name] = value
        out.append(record)
    return out
