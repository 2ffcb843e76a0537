"""Revenue-cycle KPIs as exact, explained ratios.

Every KPI is a named function taking plain inputs ([`Money`][billing_core.money.Money]
totals, counts, dates) and returning a [`Ratio`][]: the numerator, the
denominator, the value and a one-line definition, so a number in a report can
always be traced back to what it was computed from.

Value and rounding: ``value = numerator x scale / denominator``, computed
exactly (as a fraction of integers: minor units or counts) and rounded **once**
to [`RATIO_PLACES`][] (2) decimal places, **half up** (ties away from zero). The
result is a `Decimal` built from that integer; no
`decimal` context, global or local, is read or changed. ``scale`` is 100
for percentages (so ``value`` is in percent points: ``Decimal('95.24')`` means
95.24 %) and the period length for days in A/R. [`Ratio.exact`][] gives the
unrounded value as a `Fraction`.

A zero denominator gives an **undefined** ratio (``value is None``), never an
exception or a NaN: no claims submitted means no denial rate.

Examples:
    >>> from billing_core.money import Money
    >>> from billing_core.kpis import days_in_ar, denial_rate_by_count
    >>> r = days_in_ar(Money("45000.00", "USD"), Money("90000.00", "USD"), period_days=90)
    >>> print(r)
    45.00 days
    >>> r.value
    Decimal('45.00')
    >>> print(denial_rate_by_count(0, 0))
    undefined (no claims submitted)
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Final

import attrs

from billing_core._checks import is_plain_date
from billing_core.errors import CurrencyMismatchError, Finding, ValidationError
from billing_core.money import Money, RoundingMode, round_ratio

__all__ = [
    "RATIO_PLACES",
    "Ratio",
    "RatioUnit",
    "average_lag",
    "bad_debt_rate",
    "charge_lag",
    "claim_lag",
    "clean_claim_rate",
    "days_in_ar",
    "denial_rate_by_amount",
    "denial_rate_by_count",
    "first_pass_resolution_rate",
    "gross_collection_rate",
    "net_collection_rate",
    "payment_lag",
    "percent_ar_over_90",
    "percent_ar_over_120",
]

RATIO_PLACES: Final = 2
"""Decimal places of `Ratio.value` (rounded once, half up)."""

_ROUNDING: Final = RoundingMode.HALF_UP


class RatioUnit(enum.Enum):
    """What a `Ratio.value` measures.

    Examples:
        >>> clean_claim_rate(1, 2).unit
        <RatioUnit.PERCENT: 'percent'>
    """

    PERCENT = "percent"
    """Percent points (``scale`` is 100)."""
    DAYS = "days"
    """Days."""


_Number = Money | int


def _minor(value: _Number) -> int:
    return value.minor if isinstance(value, Money) else value


def _plain(value: _Number) -> Decimal | int:
    return value.amount if isinstance(value, Money) else value


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
            places half up; ``None`` when the denominator is zero.
        unit: What the value measures.
        definition: How it is computed, in words.
        undefined_reason: Why the value is undefined (empty when it is defined).

    Examples:
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

    @property
    def is_defined(self) -> bool:
        """Whether the value is defined (the denominator is not zero).

        Examples:
            >>> clean_claim_rate(0, 0).is_defined, clean_claim_rate(0, 1).is_defined
            (False, True)
        """
        return self.value is not None

    @property
    def exact(self) -> Fraction | None:
        """The unrounded value, or ``None`` when undefined.

        Examples:
            >>> gross_collection_rate(Money("1.00", "USD"), Money("3.00", "USD")).exact
            Fraction(100, 3)
        """
        den = _minor(self.denominator)
        if den == 0:
            return None
        return Fraction(_minor(self.numerator) * self.scale, den)

    def to_record(self) -> dict[str, str | int | Decimal | None]:
        """The ratio as a flat row of plain values.

        Amounts become ``Decimal`` with a ``currency`` column (``None`` for counts).

        Examples:
            >>> sorted(denial_rate_by_count(1, 8).to_record())
            ['currency', 'definition', 'denominator', 'name', 'numerator', 'unit', 'value']
        """
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
            "numerator": _plain(self.numerator),
            "denominator": _plain(self.denominator),
            "currency": currency,
            "definition": self.definition,
        }

    def __str__(self) -> str:
        if self.value is None:
            return f"undefined ({self.undefined_reason})"
        if self.unit is RatioUnit.PERCENT:
            return f"{self.value}%"
        return f"{self.value} days"


def _to_decimal(units: int) -> Decimal:
    """An integer count of hundredths (for RATIO_PLACES=2) as an exact Decimal, no context."""
    digits = tuple(int(c) for c in str(abs(units)))
    return Decimal((1 if units < 0 else 0, digits, -RATIO_PLACES))


def _ratio(
    name: str,
    numerator: _Number,
    denominator: _Number,
    *,
    scale: int,
    unit: RatioUnit,
    definition: str,
    undefined: str,
) -> Ratio:
    num, den = _minor(numerator), _minor(denominator)
    if den == 0:
        value = None
    else:
        value = _to_decimal(round_ratio(num * scale * 10**RATIO_PLACES, den, _ROUNDING))
    return Ratio(
        name=name,
        numerator=numerator,
        denominator=denominator,
        scale=scale,
        value=value,
        unit=unit,
        definition=definition,
        undefined_reason="" if value is not None else undefined,
    )


def _bad(location: str, message: str, rule: str) -> ValidationError:
    return ValidationError([Finding(location=location, message=message, rule=rule)])


def _money(name: str, value: object) -> Money:
    if not isinstance(value, Money):
        raise TypeError(f"{name} must be a Money, got {type(value).__name__} ({value!r})")
    return value


def _same_currency(**amounts: object) -> None:
    checked = {name: _money(name, value) for name, value in amounts.items()}
    currencies = {m.currency for m in checked.values()}
    if len(currencies) > 1:
        listing = ", ".join(f"{name} in {m.currency}" for name, m in checked.items())
        raise CurrencyMismatchError(f"amounts must share one currency: {listing}")


def _count(name: str, value: object) -> int:
    if type(value) is not int:
        raise TypeError(f"{name} must be an int count, got {type(value).__name__} ({value!r})")
    if value < 0:
        raise _bad(name, f"must not be negative, got {value}", "kpi.count")
    return value


def _part_of_whole(part_name: str, part: _Number, whole_name: str, whole: _Number) -> None:
    if _minor(part) > _minor(whole):
        raise _bad(
            part_name, f"{part} is more than {whole_name} ({whole})", "kpi.part_exceeds_whole"
        )


def _percent(
    name: str, numerator: _Number, denominator: _Number, definition: str, undefined: str
) -> Ratio:
    return _ratio(
        name,
        numerator,
        denominator,
        scale=100,
        unit=RatioUnit.PERCENT,
        definition=definition,
        undefined=undefined,
    )


def _count_rate(
    name: str,
    part: tuple[str, object],
    whole: tuple[str, object],
    definition: str,
    undefined: str,
) -> Ratio:
    """A percentage of two counts: each a non-negative int, the part at most the whole."""
    part_name, part_count = part[0], _count(*part)
    whole_name, whole_count = whole[0], _count(*whole)
    _part_of_whole(part_name, part_count, whole_name, whole_count)
    return _percent(name, part_count, whole_count, definition, undefined)


# --------------------------------------------------------------------------- A/R


def days_in_ar(total_ar: Money, charges: Money, period_days: int) -> Ratio:
    """Days in A/R: how many days of average charges are still outstanding.

    ``days in A/R = total A/R / (gross charges in the period / days in the period)``,
    i.e. ``total_ar x period_days / charges``.

    Args:
        total_ar: Open A/R at the end of the period (all parties, credits excluded).
        charges: Gross charges posted in the period.
        period_days: Length of the period in days (e.g. 90), at least 1.

    Returns:
        The ratio in days; undefined when there were no charges.

    Raises:
        ValidationError: If ``period_days`` is not a positive int.
        CurrencyMismatchError: If the amounts are in different currencies.

    Examples:
        >>> print(days_in_ar(Money("30000.00", "USD"), Money("91000.00", "USD"), 91))
        30.00 days
        >>> print(days_in_ar(Money("100.00", "USD"), Money("0.00", "USD"), 30))
        undefined (no charges in the period)
    """
    _same_currency(total_ar=total_ar, charges=charges)
    if type(period_days) is not int or period_days < 1:
        raise _bad("period_days", f"must be a positive int, got {period_days!r}", "kpi.period")
    return _ratio(
        "days in A/R",
        total_ar,
        charges,
        scale=period_days,
        unit=RatioUnit.DAYS,
        definition=f"total A/R / (gross charges in the period / {period_days} days)",
        undefined="no charges in the period",
    )


def percent_ar_over_90(ar_over_90: Money, total_ar: Money) -> Ratio:
    """Percent of A/R more than 90 days old.

    Args:
        ar_over_90: Open A/R aged 91 days or more (e.g. ``AgingReport`` buckets over 90).
        total_ar: All open A/R, credits excluded.

    Returns:
        The percentage; undefined when there is no A/R.

    Raises:
        ValidationError: If the part is more than the whole.

    Examples:
        >>> print(percent_ar_over_90(Money("1500.00", "USD"), Money("10000.00", "USD")))
        15.00%
    """
    return _ar_over(90, ar_over_90, total_ar)


def percent_ar_over_120(ar_over_120: Money, total_ar: Money) -> Ratio:
    """Percent of A/R more than 120 days old.

    Args:
        ar_over_120: Open A/R aged 121 days or more.
        total_ar: All open A/R, credits excluded.

    Returns:
        The percentage; undefined when there is no A/R.

    Raises:
        ValidationError: If the part is more than the whole.

    Examples:
        >>> print(percent_ar_over_120(Money("333.33", "USD"), Money("1000.00", "USD")))
        33.33%
    """
    return _ar_over(120, ar_over_120, total_ar)


def _ar_over(days: int, part: Money, whole: Money) -> Ratio:
    name = f"ar_over_{days}"
    _same_currency(**{name: part, "total_ar": whole})
    _part_of_whole(name, part, "total_ar", whole)
    return _percent(
        f"% of A/R over {days} days",
        part,
        whole,
        f"A/R aged over {days} days / total A/R x 100",
        "no A/R",
    )


# --------------------------------------------------------------------------- collections


def gross_collection_rate(payments: Money, charges: Money) -> Ratio:
    """Gross collection rate: payments as a share of gross charges.

    Args:
        payments: Payments received in the period (net of refunds).
        charges: Gross charges of the same period.

    Returns:
        The percentage; undefined when there were no charges.

    Examples:
        >>> print(gross_collection_rate(Money("4200.00", "USD"), Money("10000.00", "USD")))
        42.00%
    """
    _same_currency(payments=payments, charges=charges)
    return _percent(
        "gross collection rate",
        payments,
        charges,
        "payments / gross charges x 100",
        "no charges in the period",
    )


def net_collection_rate(payments: Money, charges: Money, contractual_adjustments: Money) -> Ratio:
    """Net (adjusted) collection rate: payments as a share of what could be collected.

    ``payments / (gross charges - contractual adjustments) x 100``. Contractual
    adjustments are the CO/PI write-downs to the allowed amount; bad debt and
    small-balance write-offs are not subtracted (they count against the rate).

    Args:
        payments: Payments received (net of refunds).
        charges: Gross charges.
        contractual_adjustments: Contractual (CO/PI) adjustments, as a positive amount.

    Returns:
        The percentage; undefined when charges equal the adjustments.

    Raises:
        ValidationError: If the adjustments are negative or more than the charges.

    Examples:
        >>> print(net_collection_rate(Money("4750.00", "USD"), Money("10000.00", "USD"),
        ...                           Money("5000.00", "USD")))
        95.00%
    """
    _same_currency(
        payments=payments, charges=charges, contractual_adjustments=contractual_adjustments
    )
    if contractual_adjustments.minor < 0:
        raise _bad(
            "contractual_adjustments",
            f"must not be negative, got {contractual_adjustments}",
            "kpi.adjustments",
        )
    _part_of_whole("contractual_adjustments", contractual_adjustments, "charges", charges)
    return _percent(
        "net collection rate",
        payments,
        charges - contractual_adjustments,
        "payments / (gross charges - contractual adjustments) x 100",
        "charges net of contractual adjustments are zero",
    )


def bad_debt_rate(bad_debt: Money, charges: Money) -> Ratio:
    """Bad-debt rate: bad-debt write-offs as a share of gross charges.

    Args:
        bad_debt: Amounts written off as bad debt (sent to collections or
            uncollectable) in the period.
        charges: Gross charges of the same period.

    Returns:
        The percentage; undefined when there were no charges.

    Examples:
        >>> print(bad_debt_rate(Money("125.00", "USD"), Money("10000.00", "USD")))
        1.25%
    """
    _same_currency(bad_debt=bad_debt, charges=charges)
    return _percent(
        "bad-debt rate",
        bad_debt,
        charges,
        "bad-debt write-offs / gross charges x 100",
        "no charges in the period",
    )


# --------------------------------------------------------------------------- claims


def denial_rate_by_count(denied_claims: int, submitted_claims: int) -> Ratio:
    """Denial rate by count: denied claims as a share of claims submitted.

    Args:
        denied_claims: Claims denied (in whole or in part, as the caller counts them).
        submitted_claims: Claims submitted (adjudicated) in the same period.

    Returns:
        The percentage; undefined when no claims were submitted.

    Raises:
        ValidationError: If a count is negative or the denied claims outnumber
            the submitted ones.

    Examples:
        >>> print(denial_rate_by_count(3, 40))
        7.50%
        >>> denial_rate_by_count(5, 4)
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: denied_claims: 5 is more than submitted_claims (4)
    """
    return _count_rate(
        "denial rate (count)",
        ("denied_claims", denied_claims),
        ("submitted_claims", submitted_claims),
        "denied claims / claims submitted x 100",
        "no claims submitted",
    )


def denial_rate_by_amount(denied: Money, submitted: Money) -> Ratio:
    """Denial rate by dollars: charges denied as a share of charges submitted.

    Args:
        denied: Billed charges of the denied claims or lines.
        submitted: Billed charges of all claims submitted in the same period.

    Returns:
        The percentage; undefined when nothing was submitted.

    Raises:
        ValidationError: If more was denied than submitted.

    Examples:
        >>> print(denial_rate_by_amount(Money("1250.00", "USD"), Money("20000.00", "USD")))
        6.25%
    """
    _same_currency(denied=denied, submitted=submitted)
    _part_of_whole("denied", denied, "submitted", submitted)
    return _percent(
        "denial rate (amount)",
        denied,
        submitted,
        "charges denied / charges submitted x 100",
        "no charges submitted",
    )


def clean_claim_rate(clean_claims: int, submitted_claims: int) -> Ratio:
    """Clean-claim rate: claims accepted on first submission without edits or rejections.

    Args:
        clean_claims: Claims that passed every edit (clearinghouse and payer
            front end) on their first submission.
        submitted_claims: Claims submitted for the first time in the period.

    Returns:
        The percentage; undefined when no claims were submitted.

    Examples:
        >>> print(clean_claim_rate(47, 50))
        94.00%
    """
    return _count_rate(
        "clean-claim rate",
        ("clean_claims", clean_claims),
        ("submitted_claims", submitted_claims),
        "claims accepted on first submission / claims submitted x 100",
        "no claims submitted",
    )


def first_pass_resolution_rate(resolved_first_pass: int, adjudicated_claims: int) -> Ratio:
    """First-pass resolution rate: claims paid (resolved) on their first adjudication.

    Args:
        resolved_first_pass: Claims paid or otherwise finally resolved by the
            payer's first adjudication, with no rework, resubmission or appeal.
        adjudicated_claims: Claims adjudicated in the period.

    Returns:
        The percentage; undefined when no claims were adjudicated.

    Examples:
        >>> print(first_pass_resolution_rate(2, 3))
        66.67%
    """
    return _count_rate(
        "first-pass resolution rate",
        ("resolved_first_pass", resolved_first_pass),
        ("adjudicated_claims", adjudicated_claims),
        "claims resolved on first adjudication / claims adjudicated x 100",
        "no claims adjudicated",
    )


# --------------------------------------------------------------------------- lags


def average_lag(
    intervals: Iterable[tuple[date, date]],
    *,
    name: str = "average lag",
    definition: str = "days from start to end / intervals",
) -> Ratio:
    """Average days between pairs of dates (start, end).

    Each interval counts ``(end - start).days`` calendar days; a same-day
    interval counts 0.

    Args:
        intervals: ``(start, end)`` pairs of `datetime.date`.
        name: The KPI name shown in the result.
        definition: The definition shown in the result.

    Returns:
        The average in days: total days / number of intervals; undefined when
        there are no intervals.

    Raises:
        ValidationError: Listing every interval that ends before it starts or
            holds something other than two dates.

    Examples:
        >>> d = date(2025, 1, 1)
        >>> r = average_lag([(d, date(2025, 1, 3)), (d, date(2025, 1, 4))])
        >>> print(r)
        2.50 days
        >>> r.numerator, r.denominator
        (5, 2)
    """
    total = 0
    count = 0
    findings: list[Finding] = []
    for index, pair in enumerate(intervals):
        try:
            start, end = pair
        except (TypeError, ValueError):
            start, end = None, None
        if not is_plain_date(start) or not is_plain_date(end):
            findings.append(
                Finding(
                    location=f"intervals[{index}]",
                    message=f"must be a (start, end) pair of dates, got {pair!r}",
                    rule="kpi.interval",
                )
            )
            continue
        days = (end - start).days
        if days < 0:
            findings.append(
                Finding(
                    location=f"intervals[{index}]",
                    message=f"ends {end} before it starts {start}",
                    rule="kpi.interval",
                )
            )
            continue
        total += days
        count += 1
    if findings:
        raise ValidationError(findings)
    return _ratio(
        name,
        total,
        count,
        scale=1,
        unit=RatioUnit.DAYS,
        definition=definition,
        undefined="no intervals",
    )


def charge_lag(intervals: Iterable[tuple[date, date]]) -> Ratio:
    """Charge lag: average days from the date of service to the charge being entered.

    Args:
        intervals: ``(service date, charge posted date)`` pairs.

    Returns:
        The average in days.

    Examples:
        >>> print(charge_lag([(date(2025, 1, 31), date(2025, 2, 3))]))
        3.00 days
    """
    return average_lag(
        intervals,
        name="charge lag",
        definition="days from service to charge entry / charges",
    )


def claim_lag(intervals: Iterable[tuple[date, date]]) -> Ratio:
    """Claim (submission) lag: average days from the date of service to claim submission.

    Args:
        intervals: ``(service date, claim submitted date)`` pairs.

    Returns:
        The average in days.

    Examples:
        >>> print(claim_lag([(date(2024, 2, 28), date(2024, 3, 1))]))  # leap year
        2.00 days
    """
    return average_lag(
        intervals,
        name="claim lag",
        definition="days from service to claim submission / claims",
    )


def payment_lag(intervals: Iterable[tuple[date, date]]) -> Ratio:
    """Payment lag: average days from claim submission to payment.

    Args:
        intervals: ``(claim submitted date, payment received date)`` pairs.

    Returns:
        The average in days.

    Examples:
        >>> print(payment_lag([(date(2025, 3, 1), date(2025, 3, 15)),
        ...                    (date(2025, 3, 1), date(2025, 3, 30))]))
        21.50 days
    """
    return average_lag(
        intervals,
        name="payment lag",
        definition="days from claim submission to payment / claims paid",
    )
