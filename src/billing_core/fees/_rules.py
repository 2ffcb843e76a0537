"""Pricing rules that adjust a line's contract price: modifiers and multiple procedures.

A rule sees every line of the claim with the price its term gave
([`LinePrice`][billing_core.fees.LinePrice]) and returns one factor per
line; the contract multiplies a line's price by the factors of all its rules,
then rounds once. Two rules come with the library, both as documented by
Medicare and used by most payers; any object with the
[`PricingRule`][billing_core.fees.PricingRule] method is a rule too.

- [`ModifierRule`][billing_core.fees.ModifierRule]: a line carrying a
  modifier is paid a percent of its price: ``-50`` bilateral 150%
  ([`BILATERAL`][billing_core.fees.BILATERAL]), an assistant at surgery's
  ``-80`` 16%, or a ``-26``/``-TC`` split where the schedule has no row for
  the component (a schedule row for the component is its price already, and
  the rule leaves it alone).
- [`MultipleProcedureRule`][billing_core.fees.MultipleProcedureRule]: the
  procedures subject to the multiple-procedure reduction given on one day are
  ranked by price, highest first, and paid 100%, 50%, 50%, ... of their price
  (the ``-51`` rule).

Examples:
    >>> import datetime
    >>> from fractions import Fraction
    >>> from billing_core.charges import Category, LineItem
    >>> from billing_core.codes import ProcedureCode
    >>> from billing_core.money import Money
    >>> day = datetime.date(2024, 3, 4)
    >>> def line(i, code, *mods):
    ...     return LineItem(id=f"L{i}", category=Category.PROCEDURE, service_date=day,
    ...                     procedure=ProcedureCode("CPT", code, mods), charge=Money("500", "USD"))
    >>> prices = [LinePrice(line=line(1, "11042"), amount=Fraction(200)),
    ...           LinePrice(line=line(2, "11045", "51"), amount=Fraction(300))]
    >>> MultipleProcedureRule(codes=["11042", "11045"]).factors(prices)
    (Fraction(1, 2), Fraction(1, 1))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, Protocol, runtime_checkable

import attrs

from billing_core._checks import describe
from billing_core._coverage import rate
from billing_core.charges import LineItem
from billing_core.fees._terms import MAX_MULTIPLIER, line_codes

__all__ = [
    "BILATERAL",
    "LinePrice",
    "ModifierRule",
    "MultipleProcedureRule",
    "PricingRule",
]


@attrs.frozen(kw_only=True)
class LinePrice:
    """A claim line with the exact price its contract term gave, as the rules see it.

    Attributes:
        line: The line.
        amount: The exact price before rules, or ``None`` when no term priced it.
        modifier: The pricing modifier of the schedule entry used, if any.

    Examples:
        >>> import datetime
        >>> from billing_core.charges import Category
        >>> from billing_core.money import Money
        >>> item = LineItem(id="L1", category=Category.SUPPLY,
        ...                 service_date=datetime.date(2024, 3, 4), charge=Money("5", "USD"))
        >>> LinePrice(line=item, amount=None).amount is None
        True
    """

    line: LineItem
    # A Fraction, not Money: the rules multiply it further, and the contract rounds once at
    # the end, so no cent is lost to rounding in between.
    amount: Fraction | None
    modifier: str | None = None


@runtime_checkable
class PricingRule(Protocol):
    """A rule adjusting contract prices: one factor per line, given every line of the claim.

    Examples:
        >>> isinstance(BILATERAL, PricingRule)
        True
    """

    def factors(self, prices: Sequence[LinePrice]) -> Sequence[Fraction]:
        """One factor per line of ``prices``, in order (1 leaves a price alone)."""
        ...


def _modifier(value: object) -> str:
    if not isinstance(value, str) or len(value.strip()) != 2:
        raise TypeError(f"modifier rule.modifier must be a 2-character str, got {describe(value)}")
    return value.strip().upper()


def _multiplier(_instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    rate(value, f"modifier rule.{attribute.name}", maximum=MAX_MULTIPLIER)


@attrs.frozen(kw_only=True)
class ModifierRule:
    """Pay a line that carries ``modifier`` at ``rate`` of its price.

    Attributes:
        modifier: The modifier (``"50"``, ``"80"``, ``"26"``...).
        rate: The percent paid, from 0 to `MAX_MULTIPLIER` (``1.5`` for 150%).

    Examples:
        >>> BILATERAL.modifier, BILATERAL.rate
        ('50', Decimal('1.5'))
    """

    modifier: str = attrs.field(converter=_modifier)
    rate: Decimal = attrs.field(validator=_multiplier)

    def factors(self, prices: Sequence[LinePrice]) -> tuple[Fraction, ...]:
        """``rate`` for the lines carrying the modifier (unless priced from its own row), else 1."""
        one, factor = Fraction(1), Fraction(self.rate)
        return tuple(
            factor
            if p.line.procedure is not None
            and self.modifier in p.line.procedure.modifiers
            # A line priced from the schedule's own row for this modifier (a -26 row) already has
            # the component's price: applying the percent again would cut it twice.
            and p.modifier != self.modifier
            else one
            for p in prices
        )


BILATERAL: Final = ModifierRule(modifier="50", rate=Decimal("1.5"))
"""A bilateral procedure billed on one line with ``-50``: 150% of the price."""


def _to_rates(value: Iterable[Decimal]) -> tuple[Decimal, ...]:
    rates = tuple(value)
    if not rates:
        raise TypeError("multiple procedure rule.rates needs at least one rate")
    for index, item in enumerate(rates):
        rate(item, f"multiple procedure rule.rates[{index}]")
    return rates


def _to_codes(value: Iterable[str]) -> frozenset[str]:
    # A str is iterable: codes="11042" would become the single characters.
    if isinstance(value, str):
        raise TypeError(
            f"multiple procedure rule.codes must be a collection, not one str ({describe(value)})"
        )
    return frozenset(str(code).strip().upper() for code in value)


@attrs.frozen(kw_only=True)
class MultipleProcedureRule:
    """The multiple-procedure reduction: on one day, the highest-priced procedure at 100%, the others at 50%.

    Only the procedures in ``codes`` take part (the caller's list of codes
    subject to the reduction, such as Medicare's multiple-procedure indicator 2);
    they are ranked per service date by price, highest first (ties in line
    order), and the *n*-th is paid ``rates[n - 1]``, the last rate repeating.

    Attributes:
        codes: The procedure codes subject to the reduction.
        rates: The percent paid by rank, each from 0 to 1: 100%, 50% by default.

    Examples:
        >>> MultipleProcedureRule(codes=["11042"], rates=[Decimal(1), Decimal("1.5")])
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidAmountError: multiple procedure rule.rates[1] must be between 0 and 1, got Decimal('1.5') (Decimal)
    """  # noqa: E501

    codes: frozenset[str] = attrs.field(converter=_to_codes)
    rates: tuple[Decimal, ...] = attrs.field(
        default=(Decimal(1), Decimal("0.5")), converter=_to_rates
    )

    def factors(self, prices: Sequence[LinePrice]) -> tuple[Fraction, ...]:
        """The rank's rate for the lines taking part, 1 for the others."""
        out = [Fraction(1)] * len(prices)
        days: dict[object, list[int]] = {}
        for index, p in enumerate(prices):
            # A line no term priced takes no rank: it must not push a priced procedure down to 50%.
            if p.amount is not None and self.codes.intersection(line_codes(p.line)):
                days.setdefault(p.line.service_date, []).append(index)
        last = len(self.rates) - 1
        for indexes in days.values():
            # Highest price first, so the full rate goes to the most expensive procedure (the
            # payer's rule); ties by line order keep the result independent of hashing.
            ranked = sorted(indexes, key=lambda i: (-(prices[i].amount or 0), i))
            for rank, index in enumerate(ranked):
                out[index] = Fraction(self.rates[min(rank, last)])
        return tuple(out)
