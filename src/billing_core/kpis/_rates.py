"""The KPI set over amounts and counts: A/R, collections and claims.

Each KPI is a function of plain totals (amounts as [`Money`][billing_core.money.Money],
counts as ``int``) returning a [`Ratio`][billing_core.kpis.Ratio]. A part
larger than its whole (more denied claims than submitted ones) is refused, as
is a negative count; a zero denominator gives an undefined ratio.

Examples:
    >>> from billing_core.money import Money
    >>> r = days_in_ar(Money("45000.00", "USD"), Money("90000.00", "USD"), period_days=90)
    >>> print(r)
    45.00 days
    >>> print(denial_rate_by_count(0, 0))
    undefined (no claims submitted)
"""

from __future__ import annotations

from billing_core._checks import describe
from billing_core._fields import invalid
from billing_core.kpis._inputs import (
    check_count,
    check_part_of_whole,
    check_same_currency,
)
from billing_core.kpis._ratios import Ratio, RatioUnit
from billing_core.money import Money

__all__ = [
    "bad_debt_rate",
    "clean_claim_rate",
    "days_in_ar",
    "denial_rate_by_amount",
    "denial_rate_by_count",
    "first_pass_resolution_rate",
    "gross_collection_rate",
    "net_collection_rate",
    "percent_ar_over_90",
    "percent_ar_over_120",
]


def _count_rate(
    name: str,
    part: tuple[str, object],
    whole: tuple[str, object],
    definition: str,
    undefined: str,
) -> Ratio:
    """A percentage of two counts: each a non-negative int, the part at most the whole."""
    part_name, part_count = part[0], check_count(*part)
    whole_name, whole_count = whole[0], check_count(*whole)
    check_part_of_whole(part_name, part_count, whole_name, whole_count)
    return Ratio.of(name, part_count, whole_count, definition=definition, undefined=undefined)


def _amount_rate(
    name: str,
    part: tuple[str, Money],
    whole: tuple[str, Money],
    definition: str,
    undefined: str,
    *,
    capped: bool,
) -> Ratio:
    """A percentage of two amounts in one currency; ``capped``: the part at most the whole."""
    (part_name, part_amount), (whole_name, whole_amount) = part, whole
    check_same_currency(**{part_name: part_amount, whole_name: whole_amount})
    if capped:
        check_part_of_whole(part_name, part_amount, whole_name, whole_amount)
    return Ratio.of(name, part_amount, whole_amount, definition=definition, undefined=undefined)


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
    check_same_currency(total_ar=total_ar, charges=charges)
    if type(period_days) is not int or period_days < 1:
        raise invalid(
            "period_days", f"must be a positive int, got {describe(period_days)}", "kpi.period"
        )
    return Ratio.of(
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
    return _amount_rate(
        f"% of A/R over {days} days",
        (f"ar_over_{days}", part),
        ("total_ar", whole),
        f"A/R aged over {days} days / total A/R x 100",
        "no A/R",
        capped=True,
    )


# --------------------------------------------------------------------------- collections

_NET_NAME = "net collection rate"
_NET_DEFINITION = "payments / (gross charges - contractual adjustments) x 100"


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
    # Not capped: payments on earlier periods' charges can exceed this period's charges.
    return _amount_rate(
        "gross collection rate",
        ("payments", payments),
        ("charges", charges),
        "payments / gross charges x 100",
        "no charges in the period",
        capped=False,
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
        ValidationError: If the adjustments are negative or more than the charges
            (for one period's sums, where adjustments lag the charges, see
            [`period_kpis`][billing_core.kpis.period_kpis]: its rate is undefined then).

    Examples:
        >>> print(net_collection_rate(Money("4750.00", "USD"), Money("10000.00", "USD"),
        ...                           Money("5000.00", "USD")))
        95.00%
    """
    check_same_currency(
        payments=payments, charges=charges, contractual_adjustments=contractual_adjustments
    )
    if contractual_adjustments.minor < 0:
        raise invalid(
            "contractual_adjustments",
            f"must not be negative, got {contractual_adjustments}",
            "kpi.adjustments",
        )
    check_part_of_whole("contractual_adjustments", contractual_adjustments, "charges", charges)
    return Ratio.of(
        _NET_NAME,
        payments,
        charges - contractual_adjustments,
        definition=_NET_DEFINITION,
        undefined="charges net of contractual adjustments are zero",
    )


def period_net_collection_rate(
    payments: Money, charges: Money, contractual_adjustments: Money
) -> Ratio:
    """The net collection rate of one period's sums, whose adjustments may lag the charges.

    A period's contractual adjustments and payments are often for charges of an
    earlier period, so they may be more than the period's charges, and a
    reversal may make them negative. The rate is
    [`net_collection_rate`][billing_core.kpis.net_collection_rate]'s, but when
    ``charges - contractual adjustments`` is zero or less it is undefined (the
    period is too short for the lag to wash out), never an error.

    Raises:
        CurrencyMismatchError: If the amounts are in different currencies.

    Examples:
        >>> usd = lambda s: Money(s, "USD")
        >>> print(period_net_collection_rate(usd("60.00"), usd("30.00"), usd("40.00")))
        undefined (charges net of contractual adjustments are not more than zero: the adjustments are for earlier charges; measure a longer period)
        >>> print(period_net_collection_rate(usd("60.00"), usd("130.00"), usd("40.00")))
        66.67%
    """  # noqa: E501
    check_same_currency(
        payments=payments, charges=charges, contractual_adjustments=contractual_adjustments
    )
    net = charges - contractual_adjustments
    if net.minor > 0:
        return Ratio.of(_NET_NAME, payments, net, definition=_NET_DEFINITION, undefined="")
    # Ratio.of would divide by a negative amount: the undefined ratio is built here instead,
    # keeping the terms so a report shows why.
    return Ratio(
        name=_NET_NAME,
        numerator=payments,
        denominator=net,
        scale=100,
        value=None,
        unit=RatioUnit.PERCENT,
        definition=_NET_DEFINITION,
        undefined_reason="charges net of contractual adjustments are not more than zero: the"
        " adjustments are for earlier charges; measure a longer period",
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
    # Not capped: bad debt written off now comes from earlier periods' charges.
    return _amount_rate(
        "bad-debt rate",
        ("bad_debt", bad_debt),
        ("charges", charges),
        "bad-debt write-offs / gross charges x 100",
        "no charges in the period",
        capped=False,
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
    return _amount_rate(
        "denial rate (amount)",
        ("denied", denied),
        ("submitted", submitted),
        "charges denied / charges submitted x 100",
        "no charges submitted",
        capped=True,
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
