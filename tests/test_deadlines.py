from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from billing_core.deadlines import (
    ClaimDeadlineInput,
    DeadlineStatus,
    FilingAnchor,
    FilingRule,
    HolidayCalendar,
    at_risk,
    deadline_for,
    filing_deadline,
    is_business_day,
    roll_forward,
    us_federal_holidays,
)
from billing_core.errors import BillingError, ValidationError
from billing_core.testing.strategies.followup import (
    anchor_dates,
    filing_rules,
    holiday_calendars,
)

D = date
NO_ROLL = {"roll_to_business_day": False}

# --------------------------------------------------------------------------- known answers: months


@pytest.mark.parametrize(
    ("served", "months", "expected"),
    [
        # month ends: relativedelta clamps to the last day of the shorter month
        (D(2025, 1, 31), 3, D(2025, 4, 30)),  # the example; Wednesday
        (D(2025, 1, 31), 1, D(2025, 2, 28)),  # Friday
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year; Thursday
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # leap day + a year; Friday
        (D(2023, 11, 30), 3, D(2024, 2, 29)),  # Thursday
        (D(2025, 3, 31), 6, D(2025, 9, 30)),  # Tuesday
        (D(2025, 5, 15), 0, D(2025, 5, 15)),  # Thursday
    ],
)
def test_months_rule_clamps_at_month_end(served: date, months: int, expected: date) -> None:
    rule = FilingRule(period_months=months)
    assert filing_deadline(rule, service_from=served) == expected


@pytest.mark.parametrize(
    ("served", "expected"),
    [
        # The example, worked by hand: 31 January + 3 months is 31 April, which does
        # not exist, so the last day of April; then rolled past a weekend if it is one.
        (D(2025, 1, 31), D(2025, 4, 30)),  # Wednesday 30 April 2025: kept
        (D(2024, 1, 31), D(2024, 4, 30)),  # leap year; Tuesday 30 April 2024: kept
        (D(2022, 1, 31), D(2022, 5, 2)),  # Saturday 30 April 2022 -> Monday 2 May
    ],
)
def test_served_31_january_with_a_3_month_rule(served: date, expected: date) -> None:
    cal = us_federal_holidays(served.year)
    assert filing_deadline(FilingRule(period_months=3), service_from=served, holidays=cal) == (
        expected
    )


def test_months_are_added_in_one_step_not_month_by_month() -> None:
    # Stepping 1 month three times would give 28 Apr (31 Jan -> 28 Feb -> 28 Mar -> 28 Apr).
    assert filing_deadline(FilingRule(period_months=3), service_from=D(2025, 1, 31)) == D(
        2025, 4, 30
    )


# --------------------------------------------------------------------------- known answers: days


@pytest.mark.parametrize(
    ("served", "days", "expected_raw"),
    [
        (D(2024, 1, 1), 90, D(2024, 3, 31)),  # 30 + 29 (leap Feb) + 31
        (D(2025, 1, 1), 90, D(2025, 4, 1)),  # 30 + 28 + 31 + 1
        (D(2024, 2, 29), 365, D(2025, 2, 28)),
        (D(2025, 1, 31), 90, D(2025, 5, 1)),
        (D(2025, 12, 31), 1, D(2026, 1, 1)),
    ],
)
def test_days_rule_without_rolling(served: date, days: int, expected_raw: date) -> None:
    rule = FilingRule(period_days=days, **NO_ROLL)
    assert filing_deadline(rule, service_from=served) == expected_raw


def test_days_rule_rolls_past_weekend() -> None:
    # 1 Jan 2024 + 90 days = Sunday 31 March 2024 -> Monday 1 April
    assert filing_deadline(FilingRule(period_days=90), service_from=D(2024, 1, 1)) == D(2024, 4, 1)


def test_months_rule_rolls_past_weekend() -> None:
    # 31 Aug 2025 + 6 months = Saturday 28 Feb 2026 -> Monday 2 March 2026
    rule = FilingRule(period_months=6)
    assert filing_deadline(rule, service_from=D(2025, 8, 31)) == D(2026, 3, 2)


# --------------------------------------------------------------------------- end of following year


@pytest.mark.parametrize(
    ("served", "expected"),
    [
        (D(2024, 12, 31), D(2025, 12, 31)),  # Wednesday
        (D(2025, 1, 1), D(2026, 12, 31)),  # Thursday
        (D(2019, 1, 1), D(2020, 12, 31)),  # Thursday (2020 is a leap year: no effect)
    ],
)
def test_end_of_following_year(served: date, expected: date) -> None:
    rule = FilingRule(end_of_following_year=True)
    assert filing_deadline(rule, service_from=served) == expected


def test_end_of_following_year_rolls_past_observed_new_year_and_weekend() -> None:
    # 31 Dec 2021 is a Friday, the observed New Year's Day 2022; then Sat, Sun.
    rule = FilingRule(end_of_following_year=True)
    cal = us_federal_holidays([2021, 2022])
    assert filing_deadline(rule, service_from=D(2020, 6, 1)) == D(2021, 12, 31)
    assert filing_deadline(rule, service_from=D(2020, 6, 1), holidays=cal) == D(2022, 1, 3)


# --------------------------------------------------------------------------- holidays


def test_thanksgiving_rolls_to_friday() -> None:
    # 28 Oct 2025 + 30 days = Thursday 27 Nov 2025, Thanksgiving -> Friday 28 Nov
    rule = FilingRule(period_days=30)
    cal = us_federal_holidays(2025)
    assert filing_deadline(rule, service_from=D(2025, 10, 28), holidays=cal) == D(2025, 11, 28)


def test_friday_holiday_then_weekend_rolls_to_monday() -> None:
    # Juneteenth 2026 is Friday 19 June -> Monday 22 June
    rule = FilingRule(period_days=0)
    cal = us_federal_holidays(2026)
    assert filing_deadline(rule, service_from=D(2026, 6, 19), holidays=cal) == D(2026, 6, 22)


def test_observed_christmas_friday_before_saturday_christmas() -> None:
    # Christmas 2027 is a Saturday, observed Friday 24 Dec -> Monday 27 Dec
    cal = us_federal_holidays(2027)
    assert D(2027, 12, 24) in cal
    assert roll_forward(D(2027, 12, 24), cal) == D(2027, 12, 27)


def test_observed_christmas_monday_after_sunday_christmas() -> None:
    # Sat 24 Dec 2022 -> Sun 25 (Christmas) -> Mon 26 (observed Christmas) -> Tue 27 Dec
    rule = FilingRule(period_days=0)
    cal = us_federal_holidays(2022)
    assert filing_deadline(rule, service_from=D(2022, 12, 24), holidays=cal) == D(2022, 12, 27)
    # without the calendar only the weekend is skipped
    assert filing_deadline(rule, service_from=D(2022, 12, 24)) == D(2022, 12, 26)


def test_caller_holidays_as_plain_iterable() -> None:
    # Tuesday 30 Dec 2025 is an office closure given as a list
    rule = FilingRule(period_days=1)
    got = filing_deadline(rule, service_from=D(2025, 12, 29), holidays=[D(2025, 12, 30)])
    assert got == D(2025, 12, 31)


def test_no_roll_keeps_weekend_deadline() -> None:
    rule = FilingRule(period_months=6, roll_to_business_day=False)
    assert filing_deadline(rule, service_from=D(2025, 8, 31)) == D(2026, 2, 28)


US_2025 = [
    D(2025, 1, 1),
    D(2025, 1, 20),
    D(2025, 2, 17),
    D(2025, 5, 26),
    D(2025, 6, 19),
    D(2025, 7, 4),
    D(2025, 9, 1),
    D(2025, 10, 13),
    D(2025, 11, 11),
    D(2025, 11, 27),
    D(2025, 12, 25),
]
US_2021 = [  # OPM's list: Juneteenth observed Fri 18 June; 4 July on a Sunday
    D(2021, 1, 1),
    D(2021, 1, 18),
    D(2021, 2, 15),
    D(2021, 5, 31),
    D(2021, 6, 18),
    D(2021, 7, 5),
    D(2021, 9, 6),
    D(2021, 10, 11),
    D(2021, 11, 11),
    D(2021, 11, 25),
    D(2021, 12, 24),
    D(2021, 12, 31),  # New Year's Day 2022 (a Saturday), observed
]
US_2020 = [  # no Juneteenth yet; 4 July on a Saturday
    D(2020, 1, 1),
    D(2020, 1, 20),
    D(2020, 2, 17),
    D(2020, 5, 25),
    D(2020, 7, 3),
    D(2020, 9, 7),
    D(2020, 10, 12),
    D(2020, 11, 11),
    D(2020, 11, 26),
    D(2020, 12, 25),
]
US_2022 = [  # New Year's Day (Sat 1 Jan) is observed Fri 31 Dec 2021, in the 2021 list
    D(2022, 1, 17),  # third Monday: Mondays are 3, 10, 17
    D(2022, 2, 21),  # third Monday: 7, 14, 21
    D(2022, 5, 30),  # last Monday (31 May is a Tuesday)
    D(2022, 6, 20),  # Juneteenth, Sunday 19 June -> Monday
    D(2022, 7, 4),  # a Monday
    D(2022, 9, 5),  # first Monday (1 September is a Thursday)
    D(2022, 10, 10),  # second Monday: 3, 10
    D(2022, 11, 11),  # a Friday
    D(2022, 11, 24),  # fourth Thursday: 3, 10, 17, 24
    D(2022, 12, 26),  # Christmas, Sunday 25 December -> Monday
]
US_2023 = [  # 1 Jan on a Sunday -> Monday 2 Jan; 11 Nov on a Saturday -> Friday 10 Nov
    D(2023, 1, 2),
    D(2023, 1, 16),
    D(2023, 2, 20),
    D(2023, 5, 29),
    D(2023, 6, 19),
    D(2023, 7, 4),
    D(2023, 9, 4),
    D(2023, 10, 9),
    D(2023, 11, 10),
    D(2023, 11, 23),
    D(2023, 12, 25),
]


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2025, US_2025), (2021, US_2021), (2020, US_2020), (2022, US_2022), (2023, US_2023)],
)
def test_us_federal_holidays_known_years(year: int, expected: list[date]) -> None:
    assert list(us_federal_holidays(year)) == expected


def test_us_federal_holidays_actual_dates() -> None:
    cal = us_federal_holidays(2022, observed=False)
    assert D(2022, 1, 1) in cal
    assert D(2022, 6, 19) in cal  # a Sunday
    assert D(2022, 6, 20) not in cal
    assert len(cal) == 11


def test_us_federal_holidays_several_years_and_union() -> None:
    both = us_federal_holidays([2020, 2021])
    assert list(both) == US_2020 + US_2021
    assert us_federal_holidays(2020) | us_federal_holidays(2021) == HolidayCalendar(
        dates=both.dates, name="US federal + US federal"
    )
    assert len(us_federal_holidays([])) == 0


def test_mlk_day_only_from_1986() -> None:
    assert D(1985, 1, 21) not in us_federal_holidays(1985)
    assert D(1986, 1, 20) in us_federal_holidays(1986)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """Independent of dateutil: the n-th (n>0) or last (n=-1) weekday of a month."""
    if n > 0:
        first = D(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = D(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


@given(st.integers(min_value=2021, max_value=2200))
def test_monday_and_thursday_holidays_match_independent_rule(year: int) -> None:
    cal = us_federal_holidays(year)
    for month, weekday, n in [(1, 0, 3), (2, 0, 3), (5, 0, -1), (9, 0, 1), (10, 0, 2), (11, 3, 4)]:
        assert _nth_weekday(year, month, weekday, n) in cal


@given(st.integers(min_value=1990, max_value=2200))
def test_observed_holidays_are_weekdays_in_the_year(year: int) -> None:
    cal = us_federal_holidays(year)
    assert all(d.weekday() < 5 and d.year == year for d in cal)
    # 11 holidays (10 before 2021, 9 before 1986), give or take the New Year's Day that is
    # observed on 31 December of the year before.
    expected = 9 + (year >= 1986) + (year >= 2021)
    assert len(cal) - expected in (-1, 0, 1)


# --------------------------------------------------------------------------- properties


def _anchor(rule: FilingRule, day: date) -> dict[str, date]:
    return {
        "service_from": day,
        "service_through": day,
        "primary_adjudicated": day,
        "denied_on": day,
    }


@given(filing_rules(), anchor_dates(), holiday_calendars())
def test_deadline_is_first_business_day_on_or_after_the_raw_date(
    rule: FilingRule, day: date, cal: HolidayCalendar
) -> None:
    got = filing_deadline(rule, holidays=cal, **_anchor(rule, day))
    if rule.period_days is not None:
        raw = day + timedelta(days=rule.period_days)
    elif rule.period_months is not None:
        raw = day + relativedelta(months=rule.period_months)
    else:
        raw = D(day.year + 1, 12, 31)
    assert got >= raw >= day
    if rule.roll_to_business_day:
        assert is_business_day(got, cal)
        gap = (got - raw).days
        assert all(not is_business_day(raw + timedelta(days=i), cal) for i in range(gap))
    else:
        assert got == raw


@given(
    st.integers(min_value=0, max_value=60),
    anchor_dates(),
    anchor_dates(),
)
def test_months_deadline_is_monotonic(months: int, a: date, b: date) -> None:
    rule = FilingRule(period_months=months)
    early, late = min(a, b), max(a, b)
    assert filing_deadline(rule, service_from=early) <= filing_deadline(rule, service_from=late)


@given(st.integers(min_value=0, max_value=60), anchor_dates())
def test_months_deadline_keeps_day_of_month_or_clamps(months: int, day: date) -> None:
    got = filing_deadline(FilingRule(period_months=months, **NO_ROLL), service_from=day)
    total = day.year * 12 + day.month - 1 + months
    assert (got.year, got.month) == (total // 12, total % 12 + 1)
    nxt = got + timedelta(days=1)
    assert got.day == day.day or (got.day < day.day and nxt.day == 1)


# --------------------------------------------------------------------------- anchors


def test_anchors_pick_their_dates() -> None:
    dates = {
        "service_from": D(2025, 3, 3),
        "service_through": D(2025, 3, 10),
        "primary_adjudicated": D(2025, 4, 7),
        "denied_on": D(2025, 5, 5),
    }
    got = {
        anchor: filing_deadline(FilingRule(period_days=0, anchor=anchor), **dates)
        for anchor in FilingAnchor
    }
    assert got == {
        FilingAnchor.SERVICE_FROM: D(2025, 3, 3),
        FilingAnchor.SERVICE_THROUGH: D(2025, 3, 10),
        FilingAnchor.PRIMARY_ADJUDICATED: D(2025, 4, 7),
        FilingAnchor.DENIED: D(2025, 5, 5),
    }


def test_through_anchor_falls_back_to_from_date() -> None:
    rule = FilingRule(period_days=0, anchor=FilingAnchor.SERVICE_THROUGH)
    assert filing_deadline(rule, service_from=D(2025, 3, 3)) == D(2025, 3, 3)


def test_deadline_for_reads_attributes() -> None:
    claim = SimpleNamespace(
        service_from=D(2025, 1, 2), service_through=D(2025, 1, 9), denied_on=None
    )
    rule = FilingRule(period_days=30, anchor=FilingAnchor.SERVICE_THROUGH)
    assert deadline_for(claim, rule) == D(2025, 2, 10)  # Sat 8 Feb -> Mon 10 Feb


def test_rule_str() -> None:
    assert str(FilingRule(period_months=12)) == "12 months from the service from date"
    assert (
        str(FilingRule(end_of_following_year=True, anchor=FilingAnchor.PRIMARY_ADJUDICATED))
        == "end of the calendar year after the primary payer's adjudication date"
    )


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"period_days": -1}, "FilingRule.period_days: must not be negative, got -1"),
        ({"period_months": -3}, "FilingRule.period_months: must not be negative, got -3"),
        ({"period_days": 1.5}, "FilingRule.period_days: must be an int, got 1.5 (float)"),
        ({"period_days": True}, "must be an int, got True (bool)"),
        ({}, "needs exactly one of period_days, period_months, end_of_following_year; got 0"),
        ({"period_days": 30, "period_months": 1}, "got 2"),
        (
            {"period_days": 30, "anchor": "service_from"},
            "FilingRule.anchor: must be a FilingAnchor",
        ),
    ],
)
def test_bad_rule(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        FilingRule(**kwargs)  # type: ignore[arg-type]
    assert fragment in str(info.value)


def test_bad_rule_reports_every_problem() -> None:
    with pytest.raises(ValidationError) as info:
        FilingRule(period_days=-1, period_months=-2)
    assert len(info.value.findings) == 3


def test_holiday_calendar_with_non_dates_names_each() -> None:
    with pytest.raises(ValidationError) as info:
        HolidayCalendar(dates=[D(2025, 1, 1), "2025-07-04", datetime(2025, 12, 25, 0, 0)])
    assert [f.location for f in info.value.findings] == ["holidays[1]", "holidays[2]"]
    assert "'2025-07-04' (str)" in str(info.value)
    assert "(datetime)" in str(info.value)
    assert isinstance(info.value, BillingError)
    assert isinstance(info.value, ValueError)


def test_holidays_argument_with_non_dates_is_refused() -> None:
    with pytest.raises(ValidationError, match="holidays\\[0\\]: not a datetime.date: 20250704"):
        filing_deadline(FilingRule(period_days=1), service_from=D(2025, 1, 1), holidays=[20250704])
    with pytest.raises(ValidationError, match="must be an iterable of dates"):
        HolidayCalendar.of("2025-01-01")  # type: ignore[arg-type]


def test_missing_anchor_date_is_named() -> None:
    rule = FilingRule(period_days=90, anchor=FilingAnchor.PRIMARY_ADJUDICATED)
    with pytest.raises(ValidationError, match="primary_adjudicated: the rule counts from"):
        filing_deadline(rule, service_from=D(2025, 1, 1))


def test_through_before_from_is_refused() -> None:
    with pytest.raises(ValidationError, match="service_through: 2025-01-01 is before"):
        filing_deadline(
            FilingRule(period_days=1), service_from=D(2025, 1, 2), service_through=D(2025, 1, 1)
        )


def test_datetime_instead_of_date_is_refused() -> None:
    with pytest.raises(TypeError, match="service_from must be a datetime.date"):
        filing_deadline(FilingRule(period_days=1), service_from=datetime(2025, 1, 1))


@pytest.mark.parametrize("years", [0, [2025, "2026"], [10_000]])
def test_bad_years(years: object) -> None:
    with pytest.raises(ValidationError, match="must be an int from 1 to 9998"):
        us_federal_holidays(years)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- at risk

RULE_90 = FilingRule(period_days=90)


def _row(claim_id: str, **kwargs: date | None) -> ClaimDeadlineInput:
    return ClaimDeadlineInput(claim_id=claim_id, rule=RULE_90, **kwargs)  # type: ignore[arg-type]


def test_at_risk_as_of_semantics() -> None:
    served = D(2025, 1, 6)  # deadline Sun 6 Apr -> Mon 7 Apr 2025
    sent = D(2025, 1, 9)
    rows = [
        _row("late-submit", service_from=served, submitted_on=D(2025, 4, 1)),
        _row("paid-on-day", service_from=served, submitted_on=sent, paid_on=D(2025, 3, 31)),
        _row("paid-later", service_from=served, submitted_on=sent, paid_on=D(2025, 4, 2)),
        _row("future-service", service_from=D(2025, 4, 1)),
        _row("missed", service_from=D(2024, 12, 2)),  # deadline Sun 2 Mar -> Mon 3 Mar
        _row("far", service_from=D(2025, 3, 1)),
    ]
    got = at_risk(rows, D(2025, 3, 31), within_days=7)
    assert [(r.claim_id, r.deadline, r.days_left, r.status) for r in got] == [
        ("missed", D(2025, 3, 3), -28, DeadlineStatus.UNSUBMITTED),
        ("late-submit", D(2025, 4, 7), 7, DeadlineStatus.UNSUBMITTED),
        ("paid-later", D(2025, 4, 7), 7, DeadlineStatus.UNPAID),
    ]
    assert got[0].missed and not got[1].missed
    without_missed = at_risk(rows, D(2025, 3, 31), within_days=7, include_missed=False)
    assert [r.claim_id for r in without_missed] == ["late-submit", "paid-later"]


def test_at_risk_window_is_inclusive() -> None:
    rows = [_row("A", service_from=D(2025, 1, 6))]  # deadline Mon 7 Apr 2025
    assert at_risk(rows, D(2025, 3, 31), within_days=6) == ()
    assert len(at_risk(rows, D(2025, 3, 31), within_days=7)) == 1
    assert at_risk(rows, D(2025, 4, 7), within_days=0)[0].days_left == 0


def test_at_risk_before_any_activity_is_empty() -> None:
    rows = [_row("A", service_from=D(2025, 1, 6))]
    assert at_risk(rows, D(2000, 1, 1), within_days=10_000) == ()


def test_at_risk_skips_clock_not_started() -> None:
    secondary = ClaimDeadlineInput(
        claim_id="S",
        rule=FilingRule(period_days=30, anchor=FilingAnchor.PRIMARY_ADJUDICATED),
        service_from=D(2025, 1, 6),
    )
    assert at_risk([secondary], D(2025, 12, 31), within_days=30) == ()


def test_at_risk_uses_holidays() -> None:
    # 90 days after 27 Aug 2025 = Tuesday 25 Nov; 30 days after 28 Oct = Thanksgiving 27 Nov
    rows = [
        ClaimDeadlineInput(
            claim_id="T", rule=FilingRule(period_days=30), service_from=D(2025, 10, 28)
        )
    ]
    got = at_risk(rows, D(2025, 11, 20), within_days=10, holidays=us_federal_holidays(2025))
    assert got[0].deadline == D(2025, 11, 28)


@pytest.mark.parametrize("within", [-1, 1.5, True])
def test_at_risk_bad_window(within: object) -> None:
    with pytest.raises(ValidationError, match="within_days: must be a non-negative int"):
        at_risk([], D(2025, 1, 1), within)  # type: ignore[arg-type]


@given(
    st.lists(
        st.builds(
            ClaimDeadlineInput,
            claim_id=st.text(min_size=1, max_size=3),
            rule=filing_rules(),
            service_from=anchor_dates(min_value=D(2024, 1, 1), max_value=D(2026, 1, 1)),
            primary_adjudicated=st.none() | anchor_dates(min_value=D(2024, 1, 1)),
            denied_on=st.none() | anchor_dates(min_value=D(2024, 1, 1)),
            submitted_on=st.none() | anchor_dates(min_value=D(2024, 1, 1)),
            paid_on=st.none() | anchor_dates(min_value=D(2024, 1, 1)),
        ),
        max_size=20,
    ),
    anchor_dates(min_value=D(2024, 1, 1), max_value=D(2027, 1, 1)),
    st.integers(min_value=0, max_value=400),
)
def test_at_risk_matches_per_claim_deadlines(
    rows: list[ClaimDeadlineInput], as_of: date, within: int
) -> None:
    got = at_risk(rows, as_of, within)
    assert list(got) == sorted(got, key=lambda r: (r.deadline, r.claim_id))
    expected = []
    for row in rows:
        anchor = {
            FilingAnchor.SERVICE_FROM: row.service_from,
            FilingAnchor.SERVICE_THROUGH: row.service_from,
            FilingAnchor.PRIMARY_ADJUDICATED: row.primary_adjudicated,
            FilingAnchor.DENIED: row.denied_on,
        }[row.rule.anchor]
        if anchor is None or anchor > as_of or (row.paid_on is not None and row.paid_on <= as_of):
            continue
        deadline = deadline_for(row, row.rule)
        if (deadline - as_of).days > within:
            continue
        submitted = row.submitted_on is not None and row.submitted_on <= as_of
        expected.append((row.claim_id, deadline, submitted))
    assert sorted(expected, key=lambda e: (e[1], e[0])) == [
        (r.claim_id, r.deadline, r.status is DeadlineStatus.UNPAID) for r in got
    ]
    for risk in got:
        assert risk.deadline - as_of == timedelta(days=risk.days_left)


def test_deadline_for_reads_service_date_of_a_line_item() -> None:
    # billing_core.charges.LineItem names it service_date
    line = SimpleNamespace(service_date=D(2025, 1, 31))
    assert deadline_for(line, FilingRule(period_months=3)) == D(2025, 4, 30)


# --------------------------------------------------------------------------- rule methods


def test_anchor_date_picks_the_rule_anchor() -> None:
    dates = {
        "service_from": D(2025, 3, 3),
        "service_through": D(2025, 3, 10),
        "primary_adjudicated": D(2025, 4, 7),
        "denied_on": None,
    }
    assert {a: FilingRule(period_days=1, anchor=a).anchor_date(**dates) for a in FilingAnchor} == {
        FilingAnchor.SERVICE_FROM: D(2025, 3, 3),
        FilingAnchor.SERVICE_THROUGH: D(2025, 3, 10),
        FilingAnchor.PRIMARY_ADJUDICATED: D(2025, 4, 7),
        FilingAnchor.DENIED: None,
    }


def test_deadline_from_a_known_anchor() -> None:
    # 1 Jan 2024 + 90 days = Sunday 31 March -> Monday 1 April; kept without rolling
    assert FilingRule(period_days=90).deadline_from(D(2024, 1, 1)) == D(2024, 4, 1)
    assert FilingRule(period_days=90, **NO_ROLL).deadline_from(D(2024, 1, 1)) == D(2024, 3, 31)
    # Thanksgiving 2025 rolls to the Friday with the calendar given as a plain list
    assert FilingRule(period_days=30).deadline_from(D(2025, 10, 28), [D(2025, 11, 27)]) == D(
        2025, 11, 28
    )
    with pytest.raises(TypeError, match="anchor must be a datetime.date"):
        FilingRule(period_days=1).deadline_from(datetime(2025, 1, 1))


# ----------------------------------------------------------------- the end of the calendar


@pytest.mark.parametrize(
    ("rule", "anchor"),
    [
        (FilingRule(period_days=999_999_999), D(2025, 1, 1)),  # past date.max
        (FilingRule(period_days=2), D(9999, 12, 30)),
        (FilingRule(period_months=1), D(9999, 12, 1)),
        (FilingRule(period_months=10**6), D(2025, 1, 1)),
        (FilingRule(end_of_following_year=True), D(9999, 1, 1)),
    ],
)
def test_a_deadline_after_year_9999_is_a_library_error(rule: FilingRule, anchor: date) -> None:
    with pytest.raises(ValidationError, match="falls after 9999-12-31"):
        filing_deadline(rule, service_from=anchor)


def test_the_last_day_of_the_calendar_is_still_a_deadline() -> None:
    # Friday 31 December 9999: a business day, the last one there is
    assert filing_deadline(FilingRule(period_days=1), service_from=D(9999, 12, 30)) == D(
        9999, 12, 31
    )
    with pytest.raises(ValidationError, match="no business day on or after 9999-12-31"):
        roll_forward(D(9999, 12, 31), [D(9999, 12, 31)])


# --------------------------------------------------------------------------- more bad input


@pytest.mark.parametrize("bad", ["2025-01-01", datetime(2025, 1, 1), 20250101, None])
def test_business_days_need_a_date(bad: object) -> None:
    with pytest.raises(TypeError, match="day must be a datetime.date"):
        is_business_day(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="day must be a datetime.date"):
        roll_forward(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"period_days": 30, "roll_to_business_day": "no"}, "FilingRule.roll_to_business_day"),
        ({"period_days": 30, "end_of_following_year": 0}, "FilingRule.end_of_following_year"),
    ],
)
def test_rule_flags_must_be_bools(kwargs: dict[str, object], fragment: str) -> None:
    # A truthy string would otherwise turn rolling on: "no" is not False.
    with pytest.raises(ValidationError) as info:
        FilingRule(**kwargs)  # type: ignore[arg-type]
    assert [f.location for f in info.value.findings] == [fragment]
    assert "must be a bool" in str(info.value)


def test_observed_must_be_a_bool() -> None:
    with pytest.raises(TypeError, match="observed must be a bool, got 'no' \\(str\\)"):
        us_federal_holidays(2025, observed="no")  # type: ignore[arg-type]


def test_calendars_combine_only_with_calendars() -> None:
    with pytest.raises(TypeError):
        us_federal_holidays(2025) | {D(2025, 12, 24)}  # type: ignore[operator]


def test_filing_deadline_needs_a_rule() -> None:
    with pytest.raises(TypeError, match="rule must be a FilingRule, got '90 days' \\(str\\)"):
        filing_deadline("90 days", service_from=D(2025, 1, 1))  # type: ignore[arg-type]


def test_claim_deadline_input_reports_every_bad_field() -> None:
    with pytest.raises(ValidationError) as info:
        ClaimDeadlineInput(
            claim_id=7,  # type: ignore[arg-type]
            rule="90 days",  # type: ignore[arg-type]
            service_from=D(2025, 1, 9),
            service_through=D(2025, 1, 2),
            submitted_on=datetime(2025, 1, 10),  # type: ignore[arg-type]
            paid_on="2025-02-01",  # type: ignore[arg-type]
        )
    assert [f.location for f in info.value.findings] == [
        "ClaimDeadlineInput.claim_id",
        "ClaimDeadlineInput.rule",
        "ClaimDeadlineInput.submitted_on",
        "ClaimDeadlineInput.paid_on",
        "ClaimDeadlineInput.service_through",
    ]
    assert "2025-01-02 is before service_from 2025-01-09" in str(info.value)


def test_a_one_day_span_is_a_valid_row() -> None:
    row = ClaimDeadlineInput(
        claim_id="C", rule=RULE_90, service_from=D(2025, 1, 6), service_through=D(2025, 1, 6)
    )
    assert deadline_for(row, row.rule) == D(2025, 4, 7)


def test_at_risk_refuses_bad_rows_and_dates() -> None:
    with pytest.raises(TypeError, match=r"items\[1\] must be a ClaimDeadlineInput"):
        at_risk([_row("A", service_from=D(2025, 1, 6)), {"claim_id": "B"}], D(2025, 3, 31), 7)  # type: ignore[list-item]
    with pytest.raises(TypeError, match="as_of must be a datetime.date"):
        at_risk([], datetime(2025, 3, 31), 7)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"holidays\[0\]"):
        at_risk([], D(2025, 3, 31), 7, holidays=["2025-04-07"])  # type: ignore[list-item]


def test_at_risk_counts_a_claim_paid_or_submitted_on_the_report_date() -> None:
    served = D(2025, 1, 6)  # deadline Monday 7 April 2025
    as_of = D(2025, 4, 1)
    rows = [
        _row("paid-today", service_from=served, submitted_on=D(2025, 1, 9), paid_on=as_of),
        _row("sent-today", service_from=served, submitted_on=as_of),
        _row("served-today", service_from=as_of),
    ]
    got = at_risk(rows, as_of, within_days=90)
    # paid on the day: not at risk; sent on the day: submitted; served on the day: the
    # clock has started (1 April + 90 days = Monday 30 June)
    assert [(r.claim_id, r.status, r.deadline) for r in got] == [
        ("sent-today", DeadlineStatus.UNPAID, D(2025, 4, 7)),
        ("served-today", DeadlineStatus.UNSUBMITTED, D(2025, 6, 30)),
    ]


def test_the_first_and_last_years_a_calendar_can_hold() -> None:
    # Monday 1 January of year 1 (the proleptic Gregorian calendar of datetime)
    assert D(1, 1, 1).weekday() == 0
    assert D(1, 1, 1) in us_federal_holidays(1)
    # Christmas 9998 is a Friday; New Year's Day 9999 is a Friday too, so nothing is
    # observed on 31 December 9998
    assert (D(9998, 12, 25).weekday(), D(9999, 1, 1).weekday()) == (4, 4)
    last = us_federal_holidays(9998)
    assert D(9998, 12, 25) in last and max(last.dates) == D(9998, 12, 25)
    with pytest.raises(ValidationError, match=r"years\[0\]: must be an int from 1 to 9998"):
        us_federal_holidays(9999)


def test_a_deadline_due_today_is_not_missed() -> None:
    rows = [_row("A", service_from=D(2025, 1, 6))]  # deadline Mon 7 Apr 2025
    due_today = at_risk(rows, D(2025, 4, 7), within_days=0, include_missed=False)
    assert [(r.claim_id, r.days_left, r.missed) for r in due_today] == [("A", 0, False)]
    assert at_risk(rows, D(2025, 4, 8), within_days=0, include_missed=False) == ()
