"""Allocation strategies: how a plan chooses the lines a payment goes to, and how much each gets.

- [`OldestFirst`][]: oldest service date first;
- [`Proportional`][]: in proportion to each line's open balance
  (largest remainder, exact to the cent);
- [`SpecificLines`][]: lines (and optionally amounts) chosen by the caller;
- [`PriorityClasses`][]: a caller-ordered list of line categories (e.g.
  today's copay first, fees last), oldest first within a class;
- [`MatchStatement`][]: exactly the lines a statement listed, each up to
  what the statement showed.

A strategy is a plain value; [`plan_allocation`][billing_core.allocation.plan_allocation]
applies it. No strategy applies more to a line than its open balance.

Examples:
    >>> from billing_core.money import Money
    >>> SpecificLines(lines=["L2", "L1"]).lines
    ('L2', 'L1')
    >>> SpecificLines(lines=[])
    Traceback (most recent call last):
    ...
    billing_core.errors.ValidationError: SpecificLines: needs lines or amounts (exactly one), got neither
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeAlias

import attrs

from billing_core.allocation._fields import check_positive_money
from billing_core.errors import Finding, ValidationError
from billing_core.money import Money

__all__ = [
    "AllocationStrategy",
    "MatchStatement",
    "OldestFirst",
    "PriorityClasses",
    "Proportional",
    "SpecificLines",
]


@attrs.frozen
class OldestFirst:
    """Pay the oldest service date first; ties keep the order the items were given.

    Examples:
        >>> OldestFirst()
        OldestFirst()
    """


@attrs.frozen
class Proportional:
    """Split the payment in proportion to each line's open balance.

    Uses [`allocate`][billing_core.money.allocate] (largest remainder), so the parts
    add up exactly and none exceeds its line's open balance; a spare cent
    between equal remainders goes to the line given first.

    Examples:
        >>> Proportional()
        Proportional()
    """


def _check_once_each(line_ids: Iterable[str], what: str) -> None:
    """Refuse a line named twice: filling it twice could apply more than its open balance."""
    seen: set[str] = set()
    for position, line_id in enumerate(line_ids, 1):
        if line_id in seen:
            raise ValidationError(
                [
                    Finding(
                        location=f"{what}[{position}]",
                        message=f"line {line_id} is named twice",
                        rule="allocation.duplicate_line",
                    )
                ]
            )
        seen.add(line_id)


def _targets(
    value: Mapping[str, Money] | Iterable[tuple[str, Money]],
) -> tuple[tuple[str, Money], ...]:
    pairs = tuple(value.items() if isinstance(value, Mapping) else value)
    for line_id, amount in pairs:
        check_positive_money(amount, f"amount for line {line_id}")
    _check_once_each((line_id for line_id, _amount in pairs), "lines")
    return pairs


def _line_ids(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise TypeError("lines must be a sequence of line ids, not a single str")
    ids = tuple(value)
    _check_once_each(ids, "lines")
    return ids


@attrs.frozen(kw_only=True)
class SpecificLines:
    """Pay the lines the caller names: in order up to each open balance, or exact amounts.

    Give ``lines`` (fill them in that order) or ``amounts`` (line -> amount).
    An amount above a line's open balance is capped at it, the rest staying
    unapplied; amounts adding up to more than the payment are refused.

    Attributes:
        lines: Line ids, in the order to fill them.
        amounts: ``(line_id, amount)`` pairs (a mapping is accepted).

    Raises:
        ValidationError: If neither or both of ``lines`` and ``amounts`` are
            given (an empty list names no line), or a line is named twice.
        InvalidAmountError: If an amount is not positive.

    Examples:
        >>> SpecificLines(amounts={"L1": Money("10.00", "USD")}).amounts
        (('L1', Money('10.00', 'USD')),)
    """

    lines: tuple[str, ...] = attrs.field(default=(), converter=_line_ids)
    amounts: tuple[tuple[str, Money], ...] = attrs.field(default=(), converter=_targets)

    def __attrs_post_init__(self) -> None:
        if bool(self.lines) == bool(self.amounts):
            given = "both" if self.lines else "neither"
            raise ValidationError(
                [
                    Finding(
                        location="SpecificLines",
                        message=f"needs lines or amounts (exactly one), got {given}",
                        rule="allocation.specific_lines",
                    )
                ]
            )


def _classes(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise TypeError("order must be a sequence of category names, not a single str")
    return tuple(value)


@attrs.frozen(kw_only=True)
class PriorityClasses:
    """Pay lines by class in the caller's order, oldest first within a class.

    A line's class is its [`OpenItem.category`][billing_core.allocation.OpenItem];
    lines whose class is not listed come last, oldest first. Lines of one
    class with the same service date keep the order they were given.

    Attributes:
        order: Category names, most urgent first.

    Examples:
        >>> PriorityClasses(order=["copay", "visit", "fee"]).order
        ('copay', 'visit', 'fee')
    """

    order: tuple[str, ...] = attrs.field(converter=_classes)


@attrs.frozen(kw_only=True)
class MatchStatement:
    """Pay exactly the lines a statement listed, each up to what it showed.

    Lines are filled in statement order, each with the lesser of its amount
    on the statement and what is open now; no other line is touched, and
    anything left stays unapplied (e.g. when insurance paid since).

    Attributes:
        lines: ``(line_id, amount shown)`` pairs in statement order (a
            mapping is accepted).

    Examples:
        >>> MatchStatement(lines={"L1": Money("20.00", "USD")}).lines[0][0]
        'L1'
    """

    lines: tuple[tuple[str, Money], ...] = attrs.field(converter=_targets)


AllocationStrategy: TypeAlias = (
    OldestFirst | Proportional | SpecificLines | PriorityClasses | MatchStatement
)
"""Any allocation strategy."""
