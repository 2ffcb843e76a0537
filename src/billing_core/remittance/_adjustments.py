"""Claim adjustments: why an amount was not paid (X12 CAS).

Signs follow the 835: a **positive adjustment reduces payment**, a negative
one increases it. One CAS segment carries up to six reasons of one group.

Examples:
    >>> from billing_core.money import Money
    >>> [str(a) for a in CasAdjustment.from_cas("PR", ("1", Money("300", "USD")))]
    ['PR-1 300.00 USD']
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from billing_core._checks import describe
from billing_core.codes import CARC, GroupCode
from billing_core.errors import InvalidCodeError
from billing_core.money import Money
from billing_core.remittance._common import is_money, to_quantity

__all__ = ["CasAdjustment"]


def _to_group(value: GroupCode | str) -> GroupCode:
    return value if isinstance(value, GroupCode) else GroupCode.parse(value)


def _to_carc(value: CARC | str) -> CARC:
    return value if isinstance(value, CARC) else CARC(value)


@attrs.frozen(kw_only=True)
class CasAdjustment:
    """One reason why an amount was not paid (one CAS triplet).

    A positive amount reduces payment; a negative amount increases it (e.g.
    ``OA-94`` on a secondary paying above the primary's fee schedule). One
    835 CAS segment may carry up to six reasons of the same group: build them
    together with [`from_cas`][].

    Attributes:
        group: Who bears it: ``CO``/``PI`` (adjusted off), ``PR`` (patient),
            ``OA`` (other); a ``str`` is parsed with
            [`parse`][billing_core.codes.GroupCode.parse] (``CR`` only as a
            [`GroupCode`][billing_core.codes.GroupCode] member).
        reason: The claim adjustment reason code (a ``str`` is converted).
        amount: The signed amount.
        quantity: Units adjusted, if the payer reported any (informational).

    Examples:
        >>> from billing_core.money import Money
        >>> a = CasAdjustment(group="co", reason="45", amount=Money("12.00", "USD"))
        >>> str(a)
        'CO-45 12.00 USD'
    """

    group: GroupCode = attrs.field(converter=_to_group)
    reason: CARC = attrs.field(converter=_to_carc)
    amount: Money = attrs.field(validator=is_money)
    quantity: Decimal | None = attrs.field(default=None, converter=to_quantity)

    def __str__(self) -> str:
        return f"{self.group}-{self.reason} {self.amount}"

    @property
    def key(self) -> str:
        """``group-reason``, e.g. ``"PR-1"``.

        Examples:
            >>> from billing_core.money import Money
            >>> CasAdjustment(group="PR", reason="2", amount=Money("5.13", "USD")).key
            'PR-2'
        """
        return f"{self.group.value}-{self.reason.code}"

    @classmethod
    def from_cas(
        cls,
        group: GroupCode | str,
        *triplets: tuple[CARC | str, Money] | tuple[CARC | str, Money, Decimal | int | str | None],
    ) -> tuple[CasAdjustment, ...]:
        """Build the adjustments of one CAS segment: one group, up to six reasons.

        Args:
            group: The group code shared by every reason of the segment.
            *triplets: ``(reason, amount)`` or ``(reason, amount, quantity)``.

        Returns:
            One adjustment per triplet, in order.

        Raises:
            InvalidCodeError: If the group or a reason is malformed, or no
                triplet or more than six are given.

        Examples:
            >>> from billing_core.money import Money
            >>> usd = lambda s: Money(s, "USD")
            >>> [a.key for a in CasAdjustment.from_cas("PR", ("2", usd("5.13")), ("1", usd("110")))]
            ['PR-2', 'PR-1']
        """
        if not 1 <= len(triplets) <= 6:
            raise InvalidCodeError(
                f"a CAS segment carries 1 to 6 reasons, got {len(triplets)} "
                f"for group {describe(group)}"
            )
        parsed = _to_group(group)
        out = []
        for triplet in triplets:
            quantity = triplet[2] if len(triplet) > 2 else None
            out.append(cls(group=parsed, reason=triplet[0], amount=triplet[1], quantity=quantity))
        return tuple(out)
