"""KPIs straight from a ledger: one period's set, and a trend over periods.

[`period_kpis`][billing_core.kpis.period_kpis] folds ledger entries into the
usual revenue-cycle KPIs of one period; [`kpi_trend`][billing_core.kpis.kpi_trend]
does it for consecutive periods (e.g. [`month_periods`][billing_core.kpis.month_periods]).
The amounts come from the balance folds and the aging, so they match what
[`account_balances`][billing_core.balances.account_balances] and
[`age`][billing_core.aging.age] say.

Examples:
    >>> from datetime import date
    >>> [(a.isoformat(), b.isoformat()) for a, b in month_periods(date(2024, 12, 1), 2)]
    [('2024-12-01', '2024-12-31'), ('2025-01-01', '2025-01-31')]
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Final

from billing_core._checks import check_date
from billing_core._fields import invalid
from billing_core.aging import DEFAULT_EDGES, AgingAnchor, age, open_lines
from billing_core.balances import Balance, account_balances
from billing_core.codes import GroupCode
from billing_core.errors import CurrencyMismatchError, InvalidAmountError
from billing_core.kpis._rates import (
    bad_debt_rate,
    days_in_ar,
    gross_collection_rate,
    percent_ar_over_90,
    percent_ar_over_120,
    period_net_collection_rate,
)
from billing_core.kpis._sets import KpiSet, KpiTrend
from billing_core.ledger import Entry, WriteOffReason
from billing_core.money import Money

__all__ = ["kpi_trend", "month_periods", "period_kpis"]

_FIGURES: Final = ("charges", "payments", "contractual", "bad_debt")
"""The period sums, in minor units (see ``_figures``)."""


def _figures(b: Balance) -> tuple[int, int, int, int]:
    """What each period sum reads off a balance: charges, payments, CO+PI, bad debt."""
    adjusted = b.adjusted_by_group
    return (
        b.charged.minor,
        b.paid.minor,
        # Contractual means CO and PI only: PR is the patient's share and OA is neither, so
        # neither lowers what could have been collected.
        adjusted.of(GroupCode.CO).minor + adjusted.of(GroupCode.PI).minor,
        b.written_off_by_reason.of(WriteOffReason.BAD_DEBT).minor,
    )


def _sums(balances: Iterable[Balance], currencies: set[str]) -> dict[str, int]:
    sums = dict.fromkeys(_FIGURES, 0)
    for b in balances:
        currencies.add(b.currency)
        for name, minor in zip(_FIGURES, _figures(b), strict=True):
            sums[name] += minor
    return sums


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _label(start: date, end: date) -> str:
    if start.day == 1 and end == _month_end(start):
        return f"{start:%Y-%m}"
    return f"{start.isoformat()} to {end.isoformat()}"


def period_kpis(
    entries: Iterable[Entry],
    start: date,
    end: date,
    *,
    currency: str | None = None,
    label: str | None = None,
) -> KpiSet:
    """The revenue-cycle KPIs of one period, from ledger entries.

    The period's figures are what its entries (effective from ``start`` to
    ``end``, both included) added to the balances: charges posted, payments
    applied, contractual adjustments (CO and PI taken off), bad-debt
    write-offs; reversals count in the period they are effective. The A/R is
    the open balance at ``end`` (credits left out), aged by date of service.

    A period's adjustments and payments are often for earlier periods'
    charges: its net collection rate is undefined when its contractual
    adjustments are as much as its charges or more (measure a longer period),
    and the other KPIs are computed all the same.

    The set holds, in order: gross collection rate, net collection rate, bad
    debt rate, days in A/R (over the period's length in days), % of A/R over
    90 days and % over 120 days (see the functions of the same names).

    Args:
        entries: A history (any number of accounts, one currency).
        start: The first day of the period.
        end: The last day (inclusive).
        currency: The currency, needed only when no entry counts by ``end``.
        label: The period's name; ``"2025-03"`` for a calendar month,
            ``"<start> to <end>"`` otherwise.

    Returns:
        The KPI set.

    Raises:
        ValidationError: ``end`` before ``start``.
        CurrencyMismatchError: Accounts in several currencies.
        InvalidAmountError: No entry by ``end`` and no ``currency``.

    Examples:
        >>> from billing_core.ledger import Bucket, ChargePosted
        >>> charge = ChargePosted(id="c1", account_id="A1", line_id="L1",
        ...                       effective=date(2025, 1, 10), amount=Money("300.00", "USD"),
        ...                       bucket=Bucket.PRIMARY)
        >>> print(period_kpis([charge], date(2025, 1, 1), date(2025, 1, 31)))
        KPIs 2025-01 (2025-01-01 to 2025-01-31)
        gross collection rate: 0.00%
        net collection rate: 0.00%
        bad-debt rate: 0.00%
        days in A/R: 31.00 days
        % of A/R over 90 days: 0.00%
        % of A/R over 120 days: 0.00%
    """
    check_date(start, "start")
    check_date(end, "end")
    if end < start:
        raise invalid("end", f"{end} is before start {start}", "kpi.period")
    history = entries if isinstance(entries, Sequence) else list(entries)
    currencies: set[str] = set()
    # A period's figures are the difference of two folds (at its end, and the day before
    # it starts), so reversals count in the period they are effective in.
    after = _sums(account_balances(history, end).values(), currencies)
    # The day before date.min does not exist: a period from the first day has nothing
    # before it.
    if start > date.min:
        before = _sums(account_balances(history, start - timedelta(days=1)).values(), currencies)
    else:
        before = dict.fromkeys(_FIGURES, 0)
    if len(currencies) > 1:
        raise CurrencyMismatchError(
            f"the entries are in several currencies: {', '.join(sorted(currencies))}"
        )
    code = next(iter(currencies)) if currencies else currency
    if code is None:
        raise InvalidAmountError("no entries count by the period's end; give currency=")
    money = {name: Money.from_minor(after[name] - before[name], code) for name in _FIGURES}
    # Aged by service date, the usual basis of the "% of A/R over 90 days" benchmark;
    # re-aging by responsibility would make old A/R look young.
    report = age(
        open_lines(history, end), end, AgingAnchor.SERVICE_DATE, DEFAULT_EDGES, currency=code
    )
    total_ar = report.total.total
    ratios = [
        gross_collection_rate(money["payments"], money["charges"]),
        # Undefined, not an error, when the period's adjustments (of earlier charges) are as
        # much as its charges: HFMA measures the rate over a period long enough for the lag.
        period_net_collection_rate(money["payments"], money["charges"], money["contractual"]),
        bad_debt_rate(money["bad_debt"], money["charges"]),
        # Both ends are included in the period: January has 31 days, not 30.
        days_in_ar(total_ar, money["charges"], (end - start).days + 1),
        percent_ar_over_90(report.over(90), total_ar),
        percent_ar_over_120(report.over(120), total_ar),
    ]
    return KpiSet(label=label or _label(start, end), start=start, end=end, ratios=ratios)


def month_periods(first: date, count: int) -> tuple[tuple[date, date], ...]:
    """``count`` calendar months from the month of ``first``: ``(first day, last day)`` each.

    Raises:
        ValidationError: ``count`` is not a positive int.

    Examples:
        >>> month_periods(date(2024, 2, 15), 1)
        ((datetime.date(2024, 2, 1), datetime.date(2024, 2, 29)),)
    """
    check_date(first, "first")
    if type(count) is not int or count < 1:
        raise invalid("count", f"must be a positive int, got {count!r:.40}", "kpi.period")
    # Months counted as one integer: adding to it never overflows a date at year ends, and
    # the bound below is checked before any date is built.
    months = first.year * 12 + first.month - 1
    if months + count > (date.max.year + 1) * 12:
        raise invalid("count", f"{count} months from {first} run past 9999-12-31", "kpi.period")
    periods = []
    for n in range(months, months + count):
        start = date(n // 12, n % 12 + 1, 1)
        periods.append((start, _month_end(start)))
    return tuple(periods)


def kpi_trend(
    entries: Iterable[Entry],
    periods: Iterable[tuple[date, date]],
    *,
    currency: str | None = None,
) -> KpiTrend:
    """The KPIs of each period (see [`period_kpis`][]), oldest first, as a trend.

    Args:
        entries: A history (one currency).
        periods: ``(start, end)`` pairs in order, e.g. [`month_periods`][].
        currency: The currency, needed only when no entry counts.

    Returns:
        The trend.

    Examples:
        >>> from billing_core.ledger import Bucket, ChargePosted
        >>> charge = ChargePosted(id="c1", account_id="A1", line_id="L1",
        ...                       effective=date(2025, 1, 10), amount=Money("300.00", "USD"),
        ...                       bucket=Bucket.PRIMARY)
        >>> trend = kpi_trend([charge], month_periods(date(2025, 1, 1), 2))
        >>> trend.series("days in A/R")
        (('2025-01', Decimal('31.00')), ('2025-02', None))
    """
    # Materialised once: every period folds the same entries, and an iterator would be
    # empty after the first.
    history = list(entries)
    return KpiTrend(periods=[period_kpis(history, s, e, currency=currency) for s, e in periods])
