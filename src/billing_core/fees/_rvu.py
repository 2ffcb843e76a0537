"""The Medicare physician fee schedule formula, over tables the caller supplies.

The payment amount of a service is

    (work RVU x work GPCI + PE RVU x PE GPCI + MP RVU x MP GPCI) x conversion factor

rounded once to the cent, where the practice-expense RVU is the facility or
the non-facility one by where the service was given. The relative value
units (RVUs), the locality's geographic practice cost indices (GPCIs) and
the year's conversion factor are published by CMS every year; the library
ships none of them: the caller supplies them, as
[`RelativeValues`][billing_core.fees.RelativeValues] and
[`PracticeCostIndex`][billing_core.fees.PracticeCostIndex] values.
[`rvu_fee_schedule`][billing_core.fees.rvu_fee_schedule] turns a table of
them into a [`FeeSchedule`][billing_core.fees.FeeSchedule].

Examples:
    >>> from decimal import Decimal
    >>> rvus = RelativeValues(work=Decimal("0.97"), practice_expense=Decimal("0.80"),
    ...                       practice_expense_facility=Decimal("0.33"),
    ...                       malpractice=Decimal("0.05"))
    >>> locality = PracticeCostIndex(work=Decimal("1"), practice_expense=Decimal("1"),
    ...                              malpractice=Decimal("1.724"))
    >>> physician_fee(rvus, locality, Decimal("36.8729"))
    Money('68.44', 'USD')
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

import attrs

from billing_core._checks import describe
from billing_core._coverage import rate
from billing_core.codes import PlaceOfService
from billing_core.fees._schedule import FeeSchedule, FeeScheduleEntry
from billing_core.money import DEFAULT_ROUNDING, Money, RoundingMode

__all__ = [
    "FACILITY_PLACES_OF_SERVICE",
    "MAX_RELATIVE_VALUE",
    "PracticeCostIndex",
    "RelativeValues",
    "is_facility",
    "physician_fee",
    "rvu_fee_schedule",
]

MAX_RELATIVE_VALUE: Final = Decimal(100_000)
"""The largest RVU, GPCI or conversion factor accepted (each also has at most 6 decimals)."""

FACILITY_PLACES_OF_SERVICE: Final = frozenset(
    {"02", "10", "19", "21", "22", "23", "24", "26", "31", "34", "41", "42", "51", "52", "53",
     "56", "61"}
)  # fmt: skip
"""Places of service priced at the facility practice-expense RVU (telehealth, hospitals,
ambulatory surgical centers, skilled nursing facilities, ambulances, psychiatric
and rehabilitation facilities); every other place is non-facility. CMS revises the list:
pass your own to [`is_facility`][billing_core.fees.is_facility] when it changes."""


def _value(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    rate(value, f"{type(instance).__name__}.{attribute.name}", maximum=MAX_RELATIVE_VALUE)


def _optional_value(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _value(instance, attribute, value)


@attrs.frozen(kw_only=True)
class RelativeValues:
    """The relative value units of one service (one row of CMS's RVU file).

    Attributes:
        work: The work RVU.
        practice_expense: The non-facility practice-expense RVU.
        malpractice: The malpractice (professional liability) RVU.
        practice_expense_facility: The facility practice-expense RVU; the
            non-facility one when not given.

    Examples:
        >>> RelativeValues(work=Decimal("-1"), practice_expense=Decimal(0), malpractice=Decimal(0))
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidAmountError: RelativeValues.work must be between 0 and 100000, got Decimal('-1') (Decimal)
    """  # noqa: E501

    work: Decimal = attrs.field(validator=_value)
    practice_expense: Decimal = attrs.field(validator=_value)
    malpractice: Decimal = attrs.field(validator=_value)
    practice_expense_facility: Decimal | None = attrs.field(default=None, validator=_optional_value)


@attrs.frozen(kw_only=True)
class PracticeCostIndex:
    """A payment locality's geographic practice cost indices (GPCIs).

    Attributes:
        work: The work GPCI.
        practice_expense: The practice-expense GPCI.
        malpractice: The malpractice GPCI.

    Examples:
        >>> PracticeCostIndex(work=Decimal("1.0"), practice_expense=Decimal("0.9"),
        ...                   malpractice=Decimal("0.5")).practice_expense
        Decimal('0.9')
    """

    work: Decimal = attrs.field(validator=_value)
    practice_expense: Decimal = attrs.field(validator=_value)
    malpractice: Decimal = attrs.field(validator=_value)


def is_facility(
    place_of_service: PlaceOfService | None, places: frozenset[str] = FACILITY_PLACES_OF_SERVICE
) -> bool:
    """Whether a service given at ``place_of_service`` is priced at the facility RVU.

    Examples:
        >>> is_facility(PlaceOfService("22")), is_facility(PlaceOfService("11")), is_facility(None)
        (True, False, False)
    """
    return place_of_service is not None and place_of_service.code in places


def physician_fee(
    rvus: RelativeValues,
    gpci: PracticeCostIndex,
    conversion_factor: Decimal,
    *,
    facility: bool = False,
    currency: str = "USD",
    rounding: RoundingMode = DEFAULT_ROUNDING,
) -> Money:
    """The physician fee schedule amount of one service, rounded once.

    Args:
        rvus: The service's relative value units.
        gpci: The locality's practice cost indices.
        conversion_factor: Dollars per RVU for the year (e.g. ``Decimal("33.2875")``).
        facility: Use the facility practice-expense RVU.
        currency: The currency of the result.
        rounding: How the exact product is rounded to the minor unit.

    Returns:
        The amount.

    Raises:
        TypeError: Arguments of the wrong type.
        InvalidAmountError: A conversion factor out of bounds.

    Examples:
        >>> rvus = RelativeValues(work=Decimal("0.97"), practice_expense=Decimal("0.80"),
        ...                       malpractice=Decimal("0.05"))
        >>> national = PracticeCostIndex(work=Decimal(1), practice_expense=Decimal(1),
        ...                              malpractice=Decimal(1))
        >>> physician_fee(rvus, national, Decimal("38.00"))
        Money('69.16', 'USD')
    """
    if not isinstance(rvus, RelativeValues):
        raise TypeError(f"rvus must be RelativeValues, got {describe(rvus)}")
    if not isinstance(gpci, PracticeCostIndex):
        raise TypeError(f"gpci must be a PracticeCostIndex, got {describe(gpci)}")
    # Fractions throughout: RVU x GPCI products of 6-decimal inputs are exact, and the one
    # rounding happens on the final amount, as the formula says.
    factor = Fraction(*rate(conversion_factor, "conversion_factor", maximum=MAX_RELATIVE_VALUE))
    expense = rvus.practice_expense
    # Many services have one practice-expense RVU for both settings: without a facility
    # figure the non-facility one applies.
    if facility and rvus.practice_expense_facility is not None:
        expense = rvus.practice_expense_facility
    total = (
        Fraction(rvus.work) * Fraction(gpci.work)
        + Fraction(expense) * Fraction(gpci.practice_expense)
        + Fraction(rvus.malpractice) * Fraction(gpci.malpractice)
    )
    return Money.rounded(total * factor, currency, rounding=rounding)


def rvu_fee_schedule(
    values: Mapping[str, RelativeValues],
    gpci: PracticeCostIndex,
    conversion_factor: Decimal,
    *,
    name: str,
    start: datetime.date,
    end: datetime.date | None = None,
    facility: bool = False,
    currency: str = "USD",
    rounding: RoundingMode = DEFAULT_ROUNDING,
) -> FeeSchedule:
    """A fee schedule of physician fees: one entry per code, for one locality and setting.

    For both settings, build two schedules and give each contract term the
    places of service it prices (see [`is_facility`][billing_core.fees.is_facility]).
    A key such as ``"71046-26"`` makes an entry for that code and modifier.

    Args:
        values: Service code (optionally ``code-modifier``) to its RVUs.
        gpci: The locality's practice cost indices.
        conversion_factor: Dollars per RVU.
        name: The schedule's name.
        start: The first day the amounts apply.
        end: The last day, if known.
        facility: Price at the facility practice-expense RVU.
        currency: The currency.
        rounding: How each amount is rounded.

    Returns:
        The schedule.

    Examples:
        >>> rvus = {"99213": RelativeValues(work=Decimal("0.97"),
        ...     practice_expense=Decimal("0.80"), malpractice=Decimal("0.05"))}
        >>> one = PracticeCostIndex(work=Decimal(1), practice_expense=Decimal(1),
        ...                         malpractice=Decimal(1))
        >>> fees = rvu_fee_schedule(rvus, one, Decimal("38"), name="Payer RBRVS",
        ...                         start=datetime.date(2024, 1, 1))
        >>> fees.price("99213", datetime.date(2024, 6, 1))
        Money('69.16', 'USD')
    """
    entries = []
    for key, rvus in values.items():
        code, _, modifier = key.partition("-")
        entries.append(FeeScheduleEntry(
            code=code,
            modifier=modifier or None,
            amount=physician_fee(rvus, gpci, conversion_factor, facility=facility,
                                 currency=currency, rounding=rounding),
            start=start,
            end=end,
        ))  # fmt: skip
    return FeeSchedule(name=name, currency=currency, entries=entries)
