"""Input checks shared by the allocation modules (private).

Each check raises on a bad value, naming the field. Values in messages go
through ``billing_core._checks.describe``, so a huge bad value never becomes
a huge message.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from billing_core._checks import describe
from billing_core.balances import LineBalance
from billing_core.errors import InvalidAmountError
from billing_core.money import Money


def check_positive_money(value: object, what: str) -> None:
    """Refuse anything but a `Money` above zero.

    Raises:
        TypeError: If ``value`` is not a `Money`.
        InvalidAmountError: If it is zero or negative.

    Examples:
        >>> check_positive_money(Money("0.01", "USD"), "refund amount")
        >>> check_positive_money(Money("0.00", "USD"), "refund amount")
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidAmountError: refund amount must be positive, got 0.00 USD
    """
    if not isinstance(value, Money):
        raise TypeError(f"{what} must be a Money, got {describe(value)}")
    if value.minor <= 0:
        raise InvalidAmountError(f"{what} must be positive, got {value}")


def check_text(value: object, what: str, *, optional: bool = False) -> None:
    """Refuse anything but a ``str`` (or ``None`` when ``optional``).

    Raises:
        TypeError: If ``value`` is not a ``str``.

    Examples:
        >>> check_text("L1", "OpenItem.line_id")
        >>> check_text(7, "OpenItem.line_id")
        Traceback (most recent call last):
        ...
        TypeError: OpenItem.line_id must be a str, got 7 (int)
    """
    if isinstance(value, str) or (optional and value is None):
        return
    wanted = "a str or None" if optional else "a str"
    raise TypeError(f"{what} must be {wanted}, got {describe(value)}")


def line_balance_values(
    balances: Mapping[str, LineBalance] | Iterable[LineBalance],
) -> Iterator[LineBalance]:
    """The balances of a mapping (by line id) or an iterable, each checked to be a line balance.

    Raises:
        TypeError: At the first value that is not a `LineBalance`.

    Examples:
        >>> list(line_balance_values({"L1": "40.00"}))
        Traceback (most recent call last):
        ...
        TypeError: balances must hold LineBalance values, got '40.00' (str)
    """
    values = balances.values() if isinstance(balances, Mapping) else balances
    for balance in values:
        if not isinstance(balance, LineBalance):
            raise TypeError(f"balances must hold LineBalance values, got {describe(balance)}")
        yield balance
