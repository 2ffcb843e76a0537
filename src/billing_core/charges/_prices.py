"""Typed price components: how a line's price breaks down, and the one roll-up rule.

A line's ``charge`` is what is billed; its price components say how that
price came about (a base price, a surcharge, a discount, a tax...). Amounts
are magnitudes; the [`PriceComponentKind`][] gives the sign in the roll-up
that [`totals`][billing_core.totals] computes.

Examples:
    >>> from billing_core.money import Money
    >>> discount = PriceComponent(kind=PriceComponentKind.DISCOUNT, amount=Money("5.00", "USD"))
    >>> discount.kind.sign, discount.amount
    (-1, Money('5.00', 'USD'))
"""

from __future__ import annotations

import enum
from typing import Any, Final

import attrs

from billing_core._fields import invalid, of_type, text
from billing_core.money import Money

__all__ = [
    "PriceComponent",
    "PriceComponentKind",
]


class PriceComponentKind(enum.Enum):
    """The kind of a price component; its sign in the roll-up comes from the kind.

    The roll-up rule (one rule, used by [`totals`][billing_core.totals]):

        net   = base + surcharge - discount - deduction
        gross = net + tax
        informational components never count

    Examples:
        >>> PriceComponentKind.DISCOUNT.sign
        -1
    """

    BASE = "base"
    SURCHARGE = "surcharge"
    DISCOUNT = "discount"
    DEDUCTION = "deduction"
    TAX = "tax"
    INFORMATIONAL = "informational"

    @property
    def sign(self) -> int:
        """+1 if the component adds to net, -1 if it reduces it, 0 for tax and informational."""
        return _SIGNS[self]


_SIGNS: Final = {
    PriceComponentKind.BASE: 1,
    PriceComponentKind.SURCHARGE: 1,
    PriceComponentKind.DISCOUNT: -1,
    PriceComponentKind.DEDUCTION: -1,
    # Tax is outside net (gross = net + tax), so it carries no sign in the net roll-up.
    PriceComponentKind.TAX: 0,
    PriceComponentKind.INFORMATIONAL: 0,
}


def _magnitude(component: Any, attribute: attrs.Attribute[Any], value: Money) -> None:
    if value.minor < 0:
        raise invalid(
            f"price component {component.kind.value}.amount",
            f"must not be negative (the kind gives the sign), got {value}",
            "price_component.amount",
        )


@attrs.frozen(kw_only=True)
class PriceComponent:
    """One typed part of a line's price (amounts are non-negative; the kind gives the sign).

    Attributes:
        kind: Base, surcharge, discount, deduction, tax or informational.
        amount: The magnitude, zero or more.
        description: Free text (e.g. ``"self-pay discount 20%"``).

    Raises:
        ValidationError: A negative amount.
        TypeError: A field of the wrong type, named.

    Examples:
        >>> from billing_core.money import Money
        >>> PriceComponent(kind=PriceComponentKind.DISCOUNT, amount=Money("5.00", "USD")).amount
        Money('5.00', 'USD')
    """

    kind: PriceComponentKind = attrs.field(validator=of_type("price component", PriceComponentKind))
    amount: Money = attrs.field(validator=[of_type("price component", Money), _magnitude])
    description: str = attrs.field(default="", validator=text("price component"))
