"""Splitting money into parts without creating or losing a minor unit.

[`allocate`][] divides an amount in proportion to ratios, [`split`][] into
near-equal parts, [`allocate_up_to`][] fills caps in order. In every case the
parts add up exactly to the amount: each part first gets its exact share
rounded down, then the minor units left over go to some parts, one each,
chosen by the [`AllocationMode`][].

Examples:
    >>> from billing_core.money import Money
    >>> from billing_core.money._splitting import allocate, split
    >>> allocate(Money("100.00", "USD"), [1, 1, 1])
    (Money('33.34', 'USD'), Money('33.33', 'USD'), Money('33.33', 'USD'))
    >>> split(Money("0.00", "USD"), 2)
    (Money('0.00', 'USD'), Money('0.00', 'USD'))
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from billing_core._checks import describe
from billing_core.errors import CurrencyMismatchError, InvalidAmountError
from billing_core.money._core import Money, _new, _set_currency, _set_minor, make, make_all
from billing_core.money._numbers import as_fraction

__all__ = ["AllocationMode", "allocate", "allocate_minor", "allocate_up_to", "split"]


class AllocationMode(enum.Enum):
    """How [`allocate`][billing_core.money.allocate] hands out the minor units left after flooring each share.

    Every mode gives each part its exact share rounded down, then adds one
    minor unit to some parts until the total is reached. They differ only in
    which parts get the extra units.

    Examples:
        >>> allocate_minor(100, [2, 3, 1], AllocationMode.FIRST)
        (34, 50, 16)
    """  # noqa: E501

    LARGEST_REMAINDER = "largest_remainder"
    """Largest fractional remainder first; ties by position (Hamilton's method)."""
    FIRST = "first"
    """First parts first, in order (Fowler's method)."""
    LARGEST_RATIO = "largest_ratio"
    """Largest ratio first; ties by position."""


def _ratios(ratios: Sequence[int | Decimal | Fraction]) -> list[Fraction]:
    if isinstance(ratios, str | bytes) or not isinstance(ratios, Sequence):
        raise TypeError(f"ratios must be a sequence of numbers, got {type(ratios).__name__}")
    if not ratios:
        raise InvalidAmountError("ratios must not be empty")
    # Positions are counted from 1, as every other message counts lines and parts.
    count = len(ratios)
    exact = [as_fraction(r, f"ratio {i} of {count}") for i, r in enumerate(ratios, 1)]
    negative = [i for i, r in enumerate(exact, 1) if r < 0]
    if negative:
        first = negative[0]
        shown = describe(ratios[first - 1])
        raise InvalidAmountError(
            f"ratios must not be negative; ratio {first} of {count} is {shown}"
        )
    if not any(exact):
        raise InvalidAmountError("ratios must not all be zero")
    return exact


def allocate(
    amount: Money,
    ratios: Sequence[int | Decimal | Fraction],
    mode: AllocationMode = AllocationMode.LARGEST_REMAINDER,
) -> tuple[Money, ...]:
    """Split ``amount`` in proportion to ``ratios`` without losing a minor unit.

    The parts always add up exactly to ``amount``; each part is within one
    minor unit of its exact share; a zero ratio gets zero; a negative amount is
    split as the mirror image of the positive one.

    Args:
        amount: The amount to split.
        ratios: Non-negative ``int``, ``Decimal`` or ``Fraction`` weights (not
            floats), not all zero.
        mode: Which parts receive the minor units left after flooring.

    Returns:
        One part per ratio, in order.

    Raises:
        InvalidAmountError: If ``ratios`` is empty, negative or all zero.
        TypeError: If a ratio is a float.

    Examples:
        >>> usd = Money("1.00", "USD")
        >>> [p.minor for p in allocate(usd, [2, 3, 1])]
        [33, 50, 17]
        >>> [p.minor for p in allocate(usd, [2, 3, 1], AllocationMode.FIRST)]
        [34, 50, 16]
        >>> [p.minor for p in allocate(usd, [2, 3, 1], AllocationMode.LARGEST_RATIO)]
        [33, 51, 16]
    """
    # Each part lies between zero and the amount, so none can leave the bound.
    if mode is _LARGEST_REMAINDER:
        parts = _largest_remainder_money(amount.minor, ratios, amount.currency)
        if parts is not None:
            return parts
    return make_all(allocate_minor(amount.minor, ratios, mode), amount.currency)


_LARGEST_REMAINDER = AllocationMode.LARGEST_REMAINDER


def _largest_remainder_money(units: int, ratios: object, code: str) -> tuple[Money, ...] | None:
    """``allocate`` for the common case, plain int ratios and largest remainder; else ``None``.

    The same parts as ``_allocate_minor`` (a test compares them), built in one pass with
    no sort by key: the ``left`` largest remainders are those above the ``left``-th
    largest, then the first ones (by position) equal to it. That threshold is never
    zero, so no zero ratio gets a unit: the remainders add up to ``left * total`` and
    each is below ``total``, so more than ``left`` of them are positive. Anything else
    (other ratio types, a negative or all-zero ratio, nothing) returns ``None`` and takes
    the reference path, which gives its result or its error.
    """
    if ratios.__class__ is not list and ratios.__class__ is not tuple:
        return None
    weights: list[int] | tuple[int, ...] = ratios
    total = 0
    for w in weights:
        if w.__class__ is not int or w < 0:
            return None
        total += w
    if not total:
        return None
    sign = 1
    if units < 0:
        units, sign = -units, -1
    parts = []
    rests = []
    for w in weights:
        q, r = divmod(units * w, total)
        parts.append(q)
        rests.append(r)
    left = units - sum(parts)
    new, set_minor, set_currency = _new, _set_minor, _set_currency
    out = []
    if left:
        ranked = sorted(rests, reverse=True)
        threshold = ranked[left - 1]
        ties = left - ranked.index(threshold)  # units left for remainders equal to it
        for q, r in zip(parts, rests, strict=True):
            if r > threshold:
                q += 1
            elif r == threshold and ties:
                q += 1
                ties -= 1
            m = new(Money)
            set_minor(m, q * sign)
            set_currency(m, code)
            out.append(m)
    else:
        for q in parts:
            m = new(Money)
            set_minor(m, q * sign)
            set_currency(m, code)
            out.append(m)
    return tuple(out)


def allocate_minor(
    units: int,
    ratios: Sequence[int | Decimal | Fraction],
    mode: AllocationMode = AllocationMode.LARGEST_REMAINDER,
) -> tuple[int, ...]:
    """[`allocate`][billing_core.money.allocate] on a bare count of minor units: the integer core, for hot loops.

    Code that already works in integer minor units (posting, balances) splits
    them with this instead of wrapping them in a
    [`Money`][billing_core.money.Money] and back. The rules are those of
    [`allocate`][billing_core.money.allocate]: the parts sum to ``units``,
    each is within one unit of its exact share, a zero ratio gets zero, and a
    negative count is split as the mirror image of the positive one.

    Args:
        units: The minor units to split (any sign).
        ratios: Non-negative ``int``, ``Decimal`` or ``Fraction`` weights, not all zero.
        mode: Which parts receive the units left after flooring.

    Returns:
        One part per ratio, in order.

    Raises:
        InvalidAmountError: If ``ratios`` is empty, negative or all zero.
        TypeError: If ``units`` is not an int, or a ratio is a float.

    Examples:
        >>> allocate_minor(100, [2, 3, 1]), allocate_minor(-100, [2, 3, 1])
        ((33, 50, 17), (-33, -50, -17))
    """  # noqa: E501
    if type(units) is not int:
        raise TypeError(f"units must be an int count of minor units, got {describe(units)}")
    weights = _int_weights(ratios)
    if weights is None:
        # Decimal or Fraction ratios: scale them to integers sharing one denominator.
        exact = _ratios(ratios)
        common = math.lcm(*(r.denominator for r in exact))
        weights = [int(r * common) for r in exact]
    parts = _allocate_minor(-units if units < 0 else units, weights, mode)
    if units < 0:
        return tuple([-p for p in parts])
    return tuple(parts)


def _int_weights(ratios: object) -> list[int] | None:
    """The ratios as they are when they are all plain ints, valid ones; else ``None``.

    The fast path for integer ratios (charges in minor units, counts): no
    ``Fraction`` at all. Anything else, valid or not, goes to ``_ratios``,
    which converts it exactly or raises the error that names the bad ratio.
    """
    if ratios.__class__ is not list and ratios.__class__ is not tuple:
        return None
    weights: list[int] = list(ratios)
    for w in weights:
        if w.__class__ is not int or w < 0:
            return None
    return weights if weights and sum(weights) else None


def _allocate_minor(units: int, weights: list[int], mode: AllocationMode) -> list[int]:
    # The integer core: non-negative units, non-negative integer weights, not all zero.
    weight_sum = sum(weights)
    parts: list[int] = []
    remainders: list[int] = []
    for w in weights:
        share, rest = divmod(units * w, weight_sum)
        parts.append(share)
        remainders.append(rest)
    left = units - sum(parts)
    if left:
        if mode is AllocationMode.LARGEST_REMAINDER:
            # A stable sort: equal remainders keep their order (ties by position).
            order = sorted(range(len(weights)), key=remainders.__getitem__, reverse=True)
        elif mode is AllocationMode.LARGEST_RATIO:
            order = sorted(range(len(weights)), key=weights.__getitem__, reverse=True)
        elif mode is AllocationMode.FIRST:
            order = list(range(len(weights)))
        else:
            raise TypeError(f"mode must be an AllocationMode, got {describe(mode)}")
        # left < number of non-zero weights, and a zero weight has a zero remainder and
        # sorts after every non-zero one, so each of the first ``left`` gets one unit.
        for i in order:
            if left == 0:
                break
            if weights[i]:
                parts[i] += 1
                left -= 1
    return parts


def split(amount: Money, parts: int) -> tuple[Money, ...]:
    """Split ``amount`` into ``parts`` near-equal parts that add up exactly.

    Earlier parts receive the leftover minor units.

    Args:
        amount: The amount to split.
        parts: How many parts, at least 1.

    Returns:
        The parts, largest first.

    Raises:
        InvalidAmountError: If ``parts`` is less than 1.

    Examples:
        >>> split(Money("10.00", "USD"), 3)
        (Money('3.34', 'USD'), Money('3.33', 'USD'), Money('3.33', 'USD'))
    """
    if type(parts) is not int or parts < 1:
        raise InvalidAmountError(f"parts must be a positive int, got {describe(parts)}")
    return allocate(amount, [1] * parts)


def allocate_up_to(amount: Money, caps: Sequence[Money]) -> tuple[tuple[Money, ...], Money]:
    """Fill ``caps`` in order from ``amount``; return the parts and the leftover.

    This is how a payment is applied to open balances oldest first: each part
    gets as much as its cap allows until the money runs out.

    Args:
        amount: A non-negative amount to hand out.
        caps: Non-negative maximum per part, in the order to fill them.

    Returns:
        ``(parts, leftover)`` with ``sum(parts) + leftover == amount``.

    Raises:
        InvalidAmountError: If ``amount`` or a cap is negative.
        CurrencyMismatchError: If a cap is in another currency.

    Examples:
        >>> parts, left = allocate_up_to(
        ...     Money("50.00", "USD"), [Money("30.00", "USD"), Money("40.00", "USD")]
        ... )
        >>> parts, left
        ((Money('30.00', 'USD'), Money('20.00', 'USD')), Money('0.00', 'USD'))
    """
    code = amount.currency
    if amount.minor < 0:
        raise InvalidAmountError(f"allocate_up_to() needs a non-negative amount, got {amount}")
    remaining = amount.minor
    parts: list[Money] = []
    for position, cap in enumerate(caps, 1):  # counted from 1, as in every message
        if cap.currency != code:
            raise CurrencyMismatchError(
                f"cap {position} is in {cap.currency}, the amount is in {code}"
            )
        if cap.minor < 0:
            raise InvalidAmountError(f"cap {position} must not be negative, got {cap}")
        take = cap.minor if cap.minor < remaining else remaining
        remaining -= take
        parts.append(make(take, code))
    return tuple(parts), make(remaining, code)
