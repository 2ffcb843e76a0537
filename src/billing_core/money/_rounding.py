"""Rounding: the modes, the billing default, and the one function that rounds.

Every place in the library that turns an exact value into whole minor units
goes through [`round_ratio`][], in integer arithmetic, so no `decimal`
context is ever read or changed.

Examples:
    >>> from billing_core.money._rounding import RoundingMode, round_ratio
    >>> round_ratio(1001, 100, RoundingMode.HALF_UP), round_ratio(1005, 10, RoundingMode.HALF_EVEN)
    (10, 100)
"""

from __future__ import annotations

import enum
from typing import Final

__all__ = ["DEFAULT_ROUNDING", "RoundingMode", "round_ratio"]


class RoundingMode(enum.Enum):
    """How an exact value is rounded to a whole number of minor units.

    The values are the names used by the `decimal` module, so a mode can be
    given to ``Decimal.quantize`` too. ``HALF_UP`` is the documented default for
    billing ([`DEFAULT_ROUNDING`][billing_core.money.DEFAULT_ROUNDING]).

    Examples:
        >>> [round_ratio(-5, 2, m) for m in (RoundingMode.HALF_UP, RoundingMode.HALF_EVEN)]
        [-3, -2]
    """

    HALF_UP = "ROUND_HALF_UP"
    """Nearest; ties away from zero (2.5 -> 3, -2.5 -> -3)."""
    HALF_EVEN = "ROUND_HALF_EVEN"
    """Nearest; ties to the even neighbour (2.5 -> 2, 3.5 -> 4). Banker's rounding."""
    HALF_DOWN = "ROUND_HALF_DOWN"
    """Nearest; ties toward zero (2.5 -> 2, -2.5 -> -2)."""
    UP = "ROUND_UP"
    """Away from zero (2.1 -> 3, -2.1 -> -3)."""
    DOWN = "ROUND_DOWN"
    """Toward zero, i.e. truncate (2.9 -> 2, -2.9 -> -2)."""
    CEILING = "ROUND_CEILING"
    """Toward positive infinity (2.1 -> 3, -2.9 -> -2)."""
    FLOOR = "ROUND_FLOOR"
    """Toward negative infinity (2.9 -> 2, -2.1 -> -3)."""


DEFAULT_ROUNDING: Final = RoundingMode.HALF_UP
"""The rounding mode billing uses unless a payer contract says otherwise."""

# The members as module constants: reading an enum member off its class costs an attribute
# lookup on every call, and round_ratio runs once per line of every estimate and price.
_FLOOR, _CEILING, _DOWN, _UP, _HALF_UP, _HALF_DOWN = (
    RoundingMode.FLOOR,
    RoundingMode.CEILING,
    RoundingMode.DOWN,
    RoundingMode.UP,
    RoundingMode.HALF_UP,
    RoundingMode.HALF_DOWN,
)


def round_ratio(numerator: int, denominator: int, mode: RoundingMode) -> int:
    """Round the exact fraction ``numerator / denominator`` to an integer.

    This is the one place where the library rounds: every other function that
    rounds calls it. It works in integer arithmetic, so no `decimal`
    context is involved.

    Args:
        numerator: Any integer.
        denominator: A non-zero integer.
        mode: The rounding mode.

    Returns:
        The rounded integer.

    Raises:
        ZeroDivisionError: If ``denominator`` is zero.
        TypeError: If ``mode`` is not a [`RoundingMode`][billing_core.money.RoundingMode]
            and the value needs rounding.

    Examples:
        >>> round_ratio(7, 2, RoundingMode.HALF_UP), round_ratio(7, 2, RoundingMode.DOWN)
        (4, 3)
        >>> round_ratio(-7, 2, RoundingMode.FLOOR), round_ratio(-7, 2, RoundingMode.CEILING)
        (-4, -3)
    """
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    q, r = divmod(numerator, denominator)  # floor division; 0 <= r < denominator
    if r == 0:
        return q
    negative = numerator < 0
    if mode is _FLOOR:
        return q
    if mode is _CEILING:
        return q + 1
    if mode is _DOWN:
        return q + 1 if negative else q
    if mode is _UP:
        return q if negative else q + 1
    if not isinstance(mode, RoundingMode):
        raise TypeError(f"rounding must be a RoundingMode, got {type(mode).__name__}")
    twice = 2 * r
    if twice < denominator:
        return q
    if twice > denominator:
        return q + 1
    # exactly half-way between q and q + 1
    if mode is _HALF_UP:
        return q if negative else q + 1
    if mode is _HALF_DOWN:
        return q + 1 if negative else q
    return q if q % 2 == 0 else q + 1  # HALF_EVEN
