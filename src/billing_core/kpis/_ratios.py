"""The result of every KPI: a [`Ratio`][], exact, rounded once, and explained.

A ratio carries the numerator, the denominator, the value and a one-line
definition, so a number in a report can always be traced back to what it was
computed from.

Value and rounding: ``value = numerator x scale / denominator``, computed
exactly (as a fraction of integers: minor units or counts) and rounded **once**
to [`RATIO_PLACES`][] (2) decimal places, **half up** (ties away from zero). The
result is a `Decimal` built from that integer; no `decimal` context, global or
local, is read or changed. ``scale`` is 100 for percentages (so ``value`` is in
percent points: ``Decimal('95.24')`` means 95.24 %) and the period length for
days in A/R. [`Ratio.exact`][] gives the unrounded value as a `Fraction`.

A zero denominator gives an **undefined** ratio (``value is None``), never an
exception or a NaN. [`Ratio.of`][] applies these rules to any numerator and
denominator, for a KPI of your own or a twin computed elsewhere.

Examples:
    >>> from billing_core.money import Money
    >>> r = Ratio.of("share of self-pay", Money("30.00", "USD"), Money("90.00", "USD"),
    ...              definition="self-pay charges / all charges x 100",
    ...              undefined="no charges")
    >>> print(r)
    33.33%
    >>> r.exact
    Fraction(100, 3)
"""

from __future__ import annotations

import enum
from decimal import Decimal
from fractions import Fraction
from typing import Final

import attrs

from billing_core._checks import describe
from billing_core._fields import invalid
from billing_core.errors import CurrencyMismatchError
from billing_core.kpis._inputs import Number, minor_of
from billing_core.money import Money, RoundingMode, format_money, round_ratio
from billing_core.views import MoneyForm, Record, html_table, money_value
from billing_core.views._records import check_money_form

__all__ = ["RATIO_PLACES", "Ratio", "RatioUnit"]

RATIO_PLACES: Final = 2
"""Decimal places of `Ratio.value` (rounded once, half up)."""

_ROUNDING: Final = RoundingMode.HALF_UP


class RatioUnit(enum.Enum):
    """What a `Ratio.value` measures.

    Examples:
        >>> RatioUnit("percent")
        <RatioUnit.PERCENT: 'percent'>
    """

    PERCENT = "percent"
    """Percent points (``scale`` is 100)."""
    DAYS = "days"
    """Days."""


def _plain(value: Number, money: MoneyForm) -> Decimal | int:
    return money_value(value, money) if isinstance(value, Money) else value


def _to_decimal(units: int) -> Decimal:
    """An integer count of hundredths (for RATIO_PLACES=2) as an exact Decimal, no context."""
    # Built from the digit tuple, not by division: no decimal context is read, so the
    # value cannot depend on a caller's precision or rounding settings (DESIGN.md section 2).
    digits = tuple(int(c) for c in str(abs(units)))
    return Decimal((1 if units < 0 else 0, digits, -RATIO_PLACES))


def _check_terms(numerator: object, denominator: object, scale: object) -> None:
    for name, term in (("numerator", numerator), ("denominator", denominator)):
        # bool is an int subclass, but True is not a count
        if not isinstance(term, Money) and type(term) is not int:
            raise TypeError(f"{name} must be a Money or an int, got {describe(term)}")
    if (
        isinstance(numerator, Money)
        and isinstance(denominator, Money)
        and numerator.currency != denominator.currency
    ):
        raise CurrencyMismatchError(
            f"numerator is in {numerator.currency}, denominator in {denominator.currency}"
        )
    if type(scale) is not int:
        raise TypeError(f"scale must be an int, got {describe(scale)}")
    if scale < 1:
        raise invalid("scale", f"must be at least 1, got {scale}", "kpi.scale")


@attrs.frozen(kw_only=True)
class Ratio:
    """A KPI value with what it was computed from.

    Attributes:
        name: The KPI's name, e.g. ``"days in A/R"``.
        numerator: The numerator (an amount or a count).
        denominator: The denominator (an amount or a count).
        scale: The factor applied: 100 for percentages, the period length for
            days in A/R, 1 otherwise.
        value: ``numerator x scale / denominator`` rounded to [`RATIO_PLACES`][]
            places half up; ``None`` when undefined: the denominator is zero
            (or, for a period's net collection rate, not positive).
        unit: What the value measures.
        definition: How it is computed, in words.
        undefined_reason: Why the value is undefined (empty when it is defined).

    Examples:
        >>> from billing_core.kpis import gross_collection_rate
        >>> r = gross_collection_rate(Money("950.00", "USD"), Money("1000.00", "USD"))
        >>> r.value, r.unit.value, r.is_defined
        (Decimal('95.00'), 'percent', True)
        >>> str(r)
        '95.00%'
        >>> r.to_record()["numerator"]
        Decimal('950.00')
    """

    name: str
    numerator: Money | int
    denominator: Money | int
    scale: int
    value: Decimal | None
    unit: RatioUnit
    definition: str
    undefined_reason: str = ""

    @classmethod
    def of(
        cls,
        name: str,
        numerator: Money | int,
        denominator: Money | int,
        *,
        definition: str,
        undefined: str,
        scale: int = 100,
        unit: RatioUnit = RatioUnit.PERCENT,
    ) -> Ratio:
        """The ratio ``numerator x scale / denominator``, rounded once (see the module).

        Args:
            name: The KPI's name.
            numerator: An amount or a count.
            denominator: An amount or a count (amounts in the numerator's currency).
            definition: How it is computed, in words.
            undefined: Why it is undefined when the denominator is zero.
            scale: 100 for a percentage (the default), a period length, or 1.
            unit: What the value measures.

        Returns:
            The ratio; undefined (``value is None``) when the denominator is zero.

        Raises:
            TypeError: If a term is neither a `Money` nor an ``int``, or
                ``scale`` is not an ``int``.
            CurrencyMismatchError: If the amounts are in different currencies.
            ValidationError: If ``scale`` is less than 1.

        Examples:
            >>> Ratio.of("visits per day", 45, 30, scale=1, unit=RatioUnit.DAYS,
            ...          definition="visits / days", undefined="no days").value
            Decimal('1.50')
            >>> Ratio.of("x", 1, 0, definition="x", undefined="nothing to divide by").value is None
            True
        """
        _check_terms(numerator, denominator, scale)
        num, den = minor_of(numerator), minor_of(denominator)
        value = (
            None
            if den == 0
            # One rounding, of the exact fraction: rounding num/den first and scaling after would
            # round twice and could be off by a hundredth.
            else _to_decimal(round_ratio(num * scale * 10**RATIO_PLACES, den, _ROUNDING))
        )
        return cls(
            name=name,
            numerator=numerator,
            denominator=denominator,
            scale=scale,
            value=value,
            unit=unit,
            definition=definition,
            undefined_reason="" if value is not None else undefined,
        )

    @property
    def is_defined(self) -> bool:
        """Whether the value is defined (``value`` is not ``None``).

        Examples:
            >>> from billing_core.kpis import clean_claim_rate
            >>> clean_claim_rate(0, 0).is_defined, clean_claim_rate(0, 1).is_defined
            (False, True)
        """
        return self.value is not None

    @property
    def exact(self) -> Fraction | None:
        """The unrounded value, or ``None`` when undefined.

        Examples:
            >>> from billing_core.kpis import gross_collection_rate
            >>> gross_collection_rate(Money("1.00", "USD"), Money("3.00", "USD")).exact
            Fraction(100, 3)
        """
        # Undefined follows the value: a period's net collection rate is undefined over a
        # negative denominator too (see kpis.period_kpis).
        if self.value is None:
            return None
        return Fraction(minor_of(self.numerator) * self.scale, minor_of(self.denominator))

    def to_record(self, *, money: MoneyForm = "decimal") -> Record:
        """The ratio as a flat row of plain values.

        Amounts become ``Decimal`` (or with ``money="minor"`` their ``int``
        minor units) with a ``currency`` column (``None`` for counts); the
        value stays the exact rounded ``Decimal``.

        Examples:
            >>> from billing_core.kpis import denial_rate_by_count
            >>> sorted(denial_rate_by_count(1, 8).to_record())
            ['currency', 'definition', 'denominator', 'name', 'numerator', 'unit', 'value']
        """
        check_money_form(money)
        currency = (
            self.numerator.currency
            if isinstance(self.numerator, Money)
            else self.denominator.currency
            if isinstance(self.denominator, Money)
            else None
        )
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit.value,
            "numerator": _plain(self.numerator, money),
            "denominator": _plain(self.denominator, money),
            "currency": currency,
            "definition": self.definition,
        }

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_html(self) -> str:
        """The ratio as a small HTML table: value, numerator, denominator, definition.

        Examples:
            >>> from billing_core.kpis import denial_rate_by_count
            >>> "12.50%</td>" in denial_rate_by_count(1, 8).to_html()
            True
        """

        def term(value: Number) -> str:
            return format_money(value) if isinstance(value, Money) else str(value)

        rows = [[str(self), term(self.numerator), term(self.denominator), self.definition]]
        columns = ["value", "numerator", "denominator", "definition"]
        return html_table(columns, rows, caption=self.name, right=(0, 1, 2))

    def __str__(self) -> str:
        if self.value is None:
            return f"undefined ({self.undefined_reason})"
        if self.unit is RatioUnit.PERCENT:
            return f"{self.value}%"
        return f"{self.value} days"
