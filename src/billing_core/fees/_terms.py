"""Contract terms: how a payer's contract prices one line, as data.

Each term prices the lines it applies to (by code, category and place of
service; a term with no selector applies to every line) and says how it got
there, as an exact amount before rounding:

| term | allowed amount of a line |
|---|---|
| [`PercentOfSchedule`][billing_core.fees.PercentOfSchedule] | the schedule's amount per unit x units x rate (a fixed-fee schedule at rate 1) |
| [`PercentOfCharge`][billing_core.fees.PercentOfCharge] | the line's charge x rate |
| [`PerDiem`][billing_core.fees.PerDiem] | an amount per day x days (room lines) |
| [`FixedFee`][billing_core.fees.FixedFee] | one amount for the line, whatever its charge and units |

A contract lists its terms in order and the first that prices a line wins,
so a **carve-out** (drugs at a percent of charge, implants at a fixed fee) is
a term with a selector placed before the general one. A term of your own is
any object with the [`ContractTerm`][billing_core.fees.ContractTerm] method.

Examples:
    >>> import datetime
    >>> from decimal import Decimal
    >>> from billing_core.charges import Category, LineItem
    >>> from billing_core.money import Money
    >>> line = LineItem(id="L1", category=Category.DRUG, service_date=datetime.date(2024, 3, 4),
    ...                 charge=Money("46.14", "USD"))
    >>> PercentOfCharge(rate=Decimal("0.65"), categories=[Category.DRUG]).price(line, None)
    TermPrice(amount=Fraction(29991, 1000), basis='65% of charge 46.14 USD', modifier=None)
"""  # noqa: E501 - a Markdown table

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, Protocol, runtime_checkable

import attrs

from billing_core._checks import describe
from billing_core._coverage import amount, rate, rate_text
from billing_core._fields import of_type
from billing_core.charges import Category, LineItem
from billing_core.codes import PlaceOfService
from billing_core.fees._schedule import FeeSchedule
from billing_core.money import Money

__all__ = [
    "MAX_MULTIPLIER",
    "ContractTerm",
    "FixedFee",
    "PerDiem",
    "PercentOfCharge",
    "PercentOfSchedule",
    "TermPrice",
    "line_codes",
    "term_currency",
]

MAX_MULTIPLIER: Final = Decimal(10)
"""The largest rate of a term or rule that may exceed 100% (a percent of a schedule,
a modifier's adjustment): 1000%. A percent of charge stays within 0 to 1."""


@attrs.frozen
class TermPrice:
    """What one term made of one line: the exact amount, before rules and rounding.

    Attributes:
        amount: The exact amount (a ``Fraction`` of major units).
        basis: How it was reached, in words.
        modifier: The pricing modifier of the schedule entry used, if any (a
            ``26`` row): a rule for that modifier is then already applied.
    """

    amount: Fraction
    basis: str
    modifier: str | None = None


@runtime_checkable
class ContractTerm(Protocol):
    """A contract term: prices a line, or says it does not (``None``).

    Examples:
        >>> isinstance(PercentOfCharge(rate=Decimal("0.5")), ContractTerm)
        True
    """

    def price(self, line: LineItem, place_of_service: PlaceOfService | None) -> TermPrice | None:
        """The line's price under this term, or ``None`` when the term does not price it."""
        ...


def line_codes(line: LineItem) -> tuple[str, ...]:
    """The service codes a term's ``codes`` selector matches: procedure, then revenue code.

    Examples:
        >>> import datetime
        >>> from billing_core.codes import ProcedureCode
        >>> line = LineItem(id="L1", category=Category.PROCEDURE, revenue_code="0450",
        ...                 procedure=ProcedureCode("CPT", "99284", ["25"]),
        ...                 service_date=datetime.date(2024, 3, 4), charge=Money("900", "USD"))
        >>> line_codes(line)
        ('99284', '0450')
    """
    codes = []
    # Procedure first: an outpatient line may carry both, and a procedure-code selector is
    # the more specific one.
    if line.procedure is not None:
        codes.append(line.procedure.code)
    if line.revenue_code is not None:
        codes.append(line.revenue_code.code)
    return tuple(codes)


def _codes(value: Iterable[str] | None) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        raise TypeError(f"codes must be a collection of codes, not one str ({describe(value)})")
    return frozenset(str(code).strip().upper() for code in value)


def _categories(value: Iterable[Category] | None) -> frozenset[Category] | None:
    if value is None:
        return None
    found = frozenset(value)
    for item in found:
        if not isinstance(item, Category):
            raise TypeError(f"categories must hold Category members, got {describe(item)}")
    return found


def _places(value: Iterable[PlaceOfService | str] | None) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        raise TypeError(f"places_of_service must be a collection, not one str ({describe(value)})")
    return frozenset(
        p.code if isinstance(p, PlaceOfService) else PlaceOfService(p).code for p in value
    )


@attrs.frozen(kw_only=True)
class _Selector:
    """Which lines a term applies to: every selector given must match."""

    codes: frozenset[str] | None = attrs.field(default=None, converter=_codes)
    categories: frozenset[Category] | None = attrs.field(default=None, converter=_categories)
    places_of_service: frozenset[str] | None = attrs.field(default=None, converter=_places)

    def applies(self, line: LineItem, place: PlaceOfService | None) -> bool:
        """Whether the term applies to ``line`` given at ``place``."""
        if self.categories is not None and line.category not in self.categories:
            return False
        if self.codes is not None and not self.codes.intersection(line_codes(line)):
            return False
        # A term restricted to places cannot price a line whose place is unknown: guessing it
        # in would apply a facility rate to an office visit, or the reverse.
        if self.places_of_service is not None:
            return place is not None and place.code in self.places_of_service
        return True


def _units(line: LineItem) -> Fraction:
    return Fraction(line.units)


def _multiplier(_instance: Any, _attribute: attrs.Attribute[Any], value: object) -> None:
    rate(value, "percent of schedule.rate", maximum=MAX_MULTIPLIER)


def _share(_instance: Any, _attribute: attrs.Attribute[Any], value: object) -> None:
    rate(value, "percent of charge.rate")


def _non_negative_money(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    amount(value, f"{type(instance).__name__}.{attribute.name}")


@attrs.frozen(kw_only=True)
class PercentOfSchedule(_Selector):
    """A percent of a fee schedule's amount per unit (a fixed-fee schedule at rate 1).

    Attributes:
        schedule: The base schedule (the payer's own, or Medicare's).
        rate: The percent as a ``Decimal`` from 0 to `MAX_MULTIPLIER` (``1.2``
            is 120% of the schedule).
        codes: Only lines with one of these service codes, if given.
        categories: Only lines of these categories, if given.
        places_of_service: Only services given at these places, if given.

    Examples:
        >>> import datetime
        >>> from billing_core.codes import ProcedureCode
        >>> from billing_core.fees import FeeScheduleEntry
        >>> day = datetime.date(2024, 3, 4)
        >>> mpfs = FeeSchedule(name="MPFS", currency="USD", entries=[FeeScheduleEntry(
        ...     code="99213", amount=Money("90.00", "USD"), start=day)])
        >>> line = LineItem(id="L1", category=Category.PROCEDURE, service_date=day,
        ...                 procedure=ProcedureCode("99213"), charge=Money("150", "USD"))
        >>> PercentOfSchedule(schedule=mpfs, rate=Decimal("1.2")).price(line, None).basis
        '120% of MPFS 90.00 USD x 1 unit'
    """

    schedule: FeeSchedule = attrs.field(validator=of_type("percent of schedule", FeeSchedule))
    rate: Decimal = attrs.field(default=Decimal(1), validator=_multiplier)

    def price(self, line: LineItem, place_of_service: PlaceOfService | None) -> TermPrice | None:
        """The schedule's amount for the line's code on its service date, x units x rate."""
        if not self.applies(line, place_of_service):
            return None
        # The first code with a schedule row wins, in the order line_codes gives.
        for code in line_codes(line):
            modifiers = () if line.procedure is None else line.procedure.modifiers
            entry = self.schedule.lookup(
                code, line.service_date, modifiers=modifiers, place_of_service=place_of_service
            )
            if entry is not None:
                units = _units(line)
                unit_text = f"{line.units} unit{'' if units == 1 else 's'}"
                return TermPrice(
                    # Exact: units may be fractional (drug units) and the rate up to 6 decimals; the
                    # contract rounds the final price once.
                    amount=Fraction(entry.amount.amount) * units * Fraction(self.rate),
                    basis=f"{rate_text(*rate(self.rate, 'rate', maximum=MAX_MULTIPLIER))} of"
                    f" {self.schedule.name} {entry.amount} x {unit_text}",
                    modifier=entry.modifier,
                )
        return None


@attrs.frozen(kw_only=True)
class PercentOfCharge(_Selector):
    """A percent of the line's charge.

    Attributes:
        rate: The percent as a ``Decimal`` from 0 to 1.
        codes: Only lines with one of these service codes, if given.
        categories: Only lines of these categories, if given.
        places_of_service: Only services given at these places, if given.

    Examples:
        >>> PercentOfCharge(rate=Decimal("1.1"))
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidAmountError: percent of charge.rate must be between 0 and 1, got Decimal('1.1') (Decimal)
    """  # noqa: E501

    rate: Decimal = attrs.field(validator=_share)

    def price(self, line: LineItem, place_of_service: PlaceOfService | None) -> TermPrice | None:
        """The line's charge x rate."""
        if not self.applies(line, place_of_service):
            return None
        percent = rate_text(*rate(self.rate, "rate"))
        return TermPrice(
            amount=Fraction(line.charge.amount) * Fraction(self.rate),
            basis=f"{percent} of charge {line.charge}",
        )


@attrs.frozen(kw_only=True)
class PerDiem(_Selector):
    """An amount per day for room lines: amount x the line's units (days).

    Attributes:
        amount: The amount per day, zero or more.
        codes: Only lines with one of these service codes (revenue codes), if given.
        categories: The categories it prices; room lines unless said.
        places_of_service: Only services given at these places, if given.

    Examples:
        >>> import datetime
        >>> from billing_core.charges import UnitBasis
        >>> room = LineItem(id="R1", category=Category.ROOM, revenue_code="0110", units=3,
        ...                 unit_basis=UnitBasis.DAYS, service_date=datetime.date(2024, 3, 4),
        ...                 charge=Money("5400", "USD"))
        >>> PerDiem(amount=Money("1250", "USD")).price(room, None).amount
        Fraction(3750, 1)
    """

    amount: Money = attrs.field(validator=_non_negative_money)
    categories: frozenset[Category] | None = attrs.field(
        default=frozenset({Category.ROOM}), converter=_categories
    )

    def price(self, line: LineItem, place_of_service: PlaceOfService | None) -> TermPrice | None:
        """The amount per day x the line's days."""
        if not self.applies(line, place_of_service):
            return None
        return TermPrice(
            amount=Fraction(self.amount.amount) * _units(line),
            basis=f"per diem {self.amount} x {line.units} day{'' if line.units == 1 else 's'}",
        )


@attrs.frozen(kw_only=True)
class FixedFee(_Selector):
    """One amount for the line, whatever its charge and units (a case rate, a carve-out).

    Attributes:
        amount: The amount, zero or more.
        codes: Only lines with one of these service codes, if given.
        categories: Only lines of these categories, if given.
        places_of_service: Only services given at these places, if given.

    Examples:
        >>> import datetime
        >>> line = LineItem(id="L1", category=Category.SUPPLY, revenue_code="0278",
        ...                 service_date=datetime.date(2024, 3, 4), charge=Money("2400", "USD"))
        >>> FixedFee(amount=Money("900", "USD"), codes=["0278"]).price(line, None).basis
        'fixed fee 900.00 USD'
    """

    amount: Money = attrs.field(validator=_non_negative_money)

    def price(self, line: LineItem, place_of_service: PlaceOfService | None) -> TermPrice | None:
        """The fixed amount."""
        if not self.applies(line, place_of_service):
            return None
        return TermPrice(amount=Fraction(self.amount.amount), basis=f"fixed fee {self.amount}")


def term_currency(term: object) -> str | None:
    """The currency a term's amounts are in, if it has any (for the contract's check)."""
    if isinstance(term, PercentOfSchedule):
        return term.schedule.currency
    if isinstance(term, PerDiem | FixedFee):
        return term.amount.currency
    return None
