"""Flat records of plain values, for ``pandas`` and ``csv`` (private; see the package).

Examples:
    >>> import attrs
    >>> from datetime import date
    >>> from billing_core.money import Money
    >>> @attrs.frozen
    ... class Row:
    ...     account_id: str
    ...     open: Money
    ...     since: date
    >>> to_records([Row("A-1", Money("12.50", "USD"), date(2025, 1, 2))], money="minor")
    [{'type': 'Row', 'account_id': 'A-1', 'open': 1250, 'currency': 'USD',
      'since': datetime.date(2025, 1, 2)}]
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, Literal, TypeAlias

import attrs

from billing_core._checks import describe
from billing_core.money import Money
from billing_core.views._masking import mask_value

__all__ = [
    "MoneyForm",
    "Record",
    "RecordValue",
    "check_money_form",
    "money_value",
    "plain_value",
    "to_records",
]

RecordValue: TypeAlias = str | int | Decimal | date | None
"""A plain value in a record: str, int (and bool), Decimal, date or None."""

Record: TypeAlias = dict[str, RecordValue]
"""One flat row of plain values, ready for ``pandas.DataFrame(records)`` or ``csv``."""

MoneyForm: TypeAlias = Literal["decimal", "minor"]
"""How a record export writes amounts: ``"decimal"`` (the exact ``Decimal``,
``Money.amount``) or ``"minor"`` (the exact ``int`` count of minor units,
``Money.minor``: cents for USD). Either way a ``currency`` column says which
currency; ``"minor"`` gives integer columns that ``pandas`` can sum and plot."""

_FORMS: frozenset[str] = frozenset({"decimal", "minor"})


def check_money_form(money: object) -> None:
    """Refuse anything but ``"decimal"`` or ``"minor"``.

    Raises:
        ValueError: Naming the argument and what it got.

    Examples:
        >>> check_money_form("float")
        Traceback (most recent call last):
        ...
        ValueError: money must be 'decimal' or 'minor', got 'float' (str)
    """
    if money not in _FORMS:
        raise ValueError(f"money must be 'decimal' or 'minor', got {describe(money)}")


def money_value(amount: Money, money: MoneyForm = "decimal") -> Decimal | int:
    """An amount as a record holds it: its exact ``Decimal``, or its minor units.

    Args:
        amount: The amount.
        money: ``"decimal"`` or ``"minor"`` (see [`MoneyForm`][billing_core.views.MoneyForm]).

    Returns:
        ``amount.amount`` or ``amount.minor``; never a float.

    Examples:
        >>> money_value(Money("12.50", "USD")), money_value(Money("12.50", "USD"), "minor")
        (Decimal('12.50'), 1250)
    """
    return amount.minor if money == "minor" else amount.amount


def plain_value(value: object, money: MoneyForm = "decimal") -> RecordValue:
    """Turn one value into a plain record value.

    ``str``, ``int``, ``bool``, ``Decimal``, ``date`` and ``None`` stay as they
    are; an enum gives its value (if plain) or name; a [`Money`][] gives its
    exact amount as ``money`` says (the currency goes in its own column, see
    [`to_records`][]); a tuple, list or set gives its items' texts joined by
    ``"; "``; anything else gives ``str(value)`` (which masks what a ``str``
    of the library masks).

    Args:
        value: The value.
        money: How to write an amount (see [`MoneyForm`][billing_core.views.MoneyForm]).

    Returns:
        The plain value.

    Examples:
        >>> plain_value(Money("3.10", "EUR")), plain_value(("a", "b"))
        (Decimal('3.10'), 'a; b')
    """
    if value is None or isinstance(value, str | int | Decimal | date):
        return value
    if isinstance(value, Money):
        return money_value(value, money)
    if isinstance(value, enum.Enum):
        inner = value.value
        return inner if isinstance(inner, str | int) else value.name
    if isinstance(value, tuple | list | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return "; ".join(str(plain_value(v, money)) for v in items)
    return str(value)


def _pairs(item: object, unmasked: bool) -> list[tuple[str, Any]]:
    cls = type(item)
    if isinstance(item, dict):
        return list(item.items())
    if attrs.has(cls):
        return [
            (f.name, mask_value(item, f.name, getattr(item, f.name), unmasked=unmasked))
            for f in attrs.fields(cls)
            if f.name[:1] != "_"
        ]
    raise TypeError(f"to_records() takes attrs objects or dicts, got {describe(item)}")


def _record(item: object, unmasked: bool, money: MoneyForm) -> Record:
    row: Record = {} if isinstance(item, dict) else {"type": type(item).__name__}
    currency: str | None = None

    def put(name: str, value: Any, depth: int) -> None:
        nonlocal currency
        if depth == 0 and attrs.has(type(value)):
            # one level of nesting is flattened: source -> source_payment_id, ...
            for sub, inner in _pairs(value, unmasked):
                put(f"{name}_{sub}", inner, depth + 1)
            return
        row[name] = plain_value(value, money)
        if isinstance(value, Money):
            if currency is None and "currency" not in row:
                currency = value.currency
                row["currency"] = currency
            elif value.currency != currency:
                row[f"{name}_currency"] = value.currency

    for name, value in _pairs(item, unmasked):
        put(name, value, 0)
    return row


def to_records(
    items: Iterable[object], *, unmasked: bool = False, money: MoneyForm = "decimal"
) -> list[Record]:
    """Flatten attrs objects (or dicts) into records of plain values.

    An attrs object's record starts with a ``type`` column (its class name,
    e.g. ``"PaymentApplied"``), so a list of mixed ledger entries stays
    readable. Each public field becomes a column (see [`plain_value`][]); a field
    holding an attrs object is flattened one level (``source`` ->
    ``source_payment_id``, ...). Amounts become their exact value (see
    [`MoneyForm`][billing_core.views.MoneyForm]), and a ``currency`` column
    holds the currency of the first amount in the row; an amount in another
    currency gets its own ``<field>_currency`` column. Rows of different types
    may have different columns (pandas fills the gaps). Protected fields
    (patient and account ids, names, birth dates) are masked unless
    ``unmasked`` is true.

    Args:
        items: attrs instances or dicts.
        unmasked: Export protected values in full (the caller is cleared to see them).
        money: ``"decimal"`` (default) or ``"minor"`` (int minor units, for plotting).

    Returns:
        One record per item, in order.

    Raises:
        TypeError: If an item is neither an attrs instance nor a dict.
        ValueError: If ``money`` is neither ``"decimal"`` nor ``"minor"``.

    Examples:
        >>> from billing_core.errors import Finding
        >>> record = to_records([Finding(location="claim.lines", message="no lines")])[0]
        >>> record["type"], record["location"], record["severity"]
        ('Finding', 'claim.lines', 'error')
    """
    check_money_form(money)
    return [_record(item, unmasked, money) for item in items]
