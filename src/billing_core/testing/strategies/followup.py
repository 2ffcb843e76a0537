"""Hypothesis strategies for follow-up: filing rules, holidays, aging edges and open lines.

Examples:
    >>> from hypothesis import given
    >>> from billing_core.deadlines import filing_deadline
    >>> from billing_core.testing.strategies.followup import filing_rules, anchor_dates
    >>> @given(filing_rules(), anchor_dates())
    ... def test_deadline_not_before_service(rule, day):
    ...     assert filing_deadline(rule, service_from=day, service_through=day,
    ...                            primary_adjudicated=day, denied_on=day) >= day
    >>> test_deadline_not_before_service()
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from billing_core.aging import OpenLine
from billing_core.deadlines import FilingAnchor, FilingRule, HolidayCalendar
from billing_core.ledger import Bucket
from billing_core.money import Money

__all__ = [
    "anchor_dates",
    "bucket_edges",
    "filing_rules",
    "holiday_calendars",
    "open_line_lists",
    "open_line_rows",
]


def anchor_dates(
    *, min_value: date = date(1990, 1, 1), max_value: date = date(2099, 12, 31)
) -> st.SearchStrategy[date]:
    """Dates of service, with month ends and leap days drawn often.

    Half of the draws are the last days of a month (28 to 31 February
    included), where month arithmetic and day-count aging disagree.

    Args:
        min_value: The earliest date.
        max_value: The latest date.

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> find(anchor_dates(), lambda d: d.month == 2 and d.day == 29, settings=quick).day
        29
    """
    any_day = st.dates(min_value=min_value, max_value=max_value)
    month_end = st.builds(
        _month_end,
        st.integers(min_value=min_value.year, max_value=max_value.year),
        st.integers(1, 12),
    ).filter(lambda d: min_value <= d <= max_value)
    return st.one_of(any_day, month_end)


def _month_end(year: int, month: int) -> date:
    after = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return after - timedelta(days=1)


def filing_rules(
    *, anchors: tuple[FilingAnchor, ...] = tuple(FilingAnchor), max_days: int = 3 * 366
) -> st.SearchStrategy[FilingRule]:
    """Valid timely-filing rules of every kind (days, months, end of following year).

    Args:
        anchors: The anchors to draw from.
        max_days: The longest period in days (months go up to ``max_days // 28``).

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> rule = find(filing_rules(), lambda r: r.period_months is not None, settings=quick)
        >>> rule.period_months >= 0
        True
    """
    anchor = st.sampled_from(anchors)
    roll = st.booleans()
    return st.one_of(
        st.builds(
            FilingRule,
            period_days=st.integers(0, max_days),
            anchor=anchor,
            roll_to_business_day=roll,
        ),
        st.builds(
            FilingRule,
            period_months=st.integers(0, max_days // 28),
            anchor=anchor,
            roll_to_business_day=roll,
        ),
        st.builds(
            FilingRule,
            end_of_following_year=st.just(True),
            anchor=anchor,
            roll_to_business_day=roll,
        ),
    )


def holiday_calendars(
    *, min_value: date = date(1990, 1, 1), max_value: date = date(2100, 12, 31), max_size: int = 40
) -> st.SearchStrategy[HolidayCalendar]:
    """Arbitrary holiday calendars (any days, weekends included).

    Args:
        min_value: The earliest holiday.
        max_value: The latest holiday.
        max_size: The most holidays.

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> len(find(holiday_calendars(), lambda c: len(c) >= 2, settings=quick)) >= 2
        True
    """
    return st.builds(
        HolidayCalendar,
        dates=st.frozensets(st.dates(min_value=min_value, max_value=max_value), max_size=max_size),
    )


def bucket_edges(*, max_edges: int = 6, max_days: int = 400) -> st.SearchStrategy[tuple[int, ...]]:
    """Valid aging band edges: 1 to ``max_edges`` strictly increasing day counts from 0.

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> edges = find(bucket_edges(), lambda e: len(e) == 3, settings=quick)
        >>> list(edges) == sorted(set(edges))
        True
    """
    return st.lists(
        st.integers(min_value=0, max_value=max_days), min_size=1, max_size=max_edges, unique=True
    ).map(lambda edges: tuple(sorted(edges)))


_PARTY_OF = {
    Bucket.PRIMARY: ("primary", "PAYER-A", "PAYER-B"),
    Bucket.SECONDARY: ("secondary", "PAYER-C"),
    Bucket.TERTIARY: ("tertiary",),
    Bucket.PATIENT: ("patient",),
}


@st.composite
def open_line_rows(
    draw: st.DrawFn,
    *,
    currency: str = "USD",
    accounts: tuple[str, ...] = ("A1", "A2", "A3"),
    around: date = date(2025, 3, 31),
    max_minor: int = 10**9,
) -> OpenLine:
    """One open line: any bucket and party, an amount that may be zero or negative (a credit).

    Dates are from 3 years before to 60 days after ``around``.

    Args:
        draw: Supplied by `hypothesis.strategies.composite`; do not pass it.
        currency: The currency.
        accounts: The account ids to draw from.
        around: The centre of the dates.
        max_minor: The largest amount in minor units (either sign).

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> find(open_line_rows(), lambda line: line.open.minor < 0, settings=quick).open.minor < 0
        True
    """
    days = st.integers(min_value=-3 * 366, max_value=60).map(lambda n: around + timedelta(days=n))
    maybe = st.none() | days
    bucket = draw(st.sampled_from(list(Bucket)))
    return OpenLine(
        account_id=draw(st.sampled_from(accounts)),
        line_id=draw(st.text("L0123456789", min_size=1, max_size=4)),
        bucket=bucket,
        party=draw(st.sampled_from(_PARTY_OF[bucket])),
        open=Money.from_minor(draw(st.integers(-max_minor, max_minor)), currency),
        service_date=draw(days),
        billed_on=draw(maybe),
        due_on=draw(maybe),
        last_activity=draw(maybe),
        responsible_since=draw(maybe),
    )


def open_line_lists(
    *, currency: str = "USD", max_size: int = 40
) -> st.SearchStrategy[list[OpenLine]]:
    """Lists of [`open_line_rows`][] in one currency.

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> len(find(open_line_lists(), lambda lines: len(lines) > 1, settings=quick)) > 1
        True
    """
    return st.lists(open_line_rows(currency=currency), max_size=max_size)
