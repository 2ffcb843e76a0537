"""Holiday calendars from the optional `holidays` package, and the built-in US federal rules.

The known answers come from the law (5 U.S.C. 6103 for the federal holidays, California
Government Code 6700 for the state's) and from the `holidays` package itself, an
independent implementation the hand-written rules are compared with.
"""

from __future__ import annotations

import datetime
from datetime import date

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing_core.deadlines import (
    HolidayCalendar,
    is_business_day,
    roll_forward,
    us_federal_holidays,
)
from billing_core.errors import ValidationError

YEARS = range(2015, 2036)


@pytest.mark.parametrize("year", YEARS)
def test_the_built_in_federal_rules_match_the_holidays_package(year: int) -> None:
    """Actual and observed days alike: holidays.US() lists both, as our two modes do."""
    ours = set(us_federal_holidays(year)) | set(us_federal_holidays(year, observed=False))
    assert ours == set(holidays.US(years=year))


def test_business_days_agree_with_the_holidays_package_2015_to_2035() -> None:
    ours = us_federal_holidays(YEARS)
    theirs = HolidayCalendar.from_holidays(holidays.US(years=YEARS))
    day, last = date(2015, 1, 1), date(2035, 12, 31)
    differ = []
    while day <= last:
        if is_business_day(day, ours) != is_business_day(day, theirs):
            differ.append(day)
        day += datetime.timedelta(days=1)
    assert differ == []


def test_a_state_calendar_in_one_call() -> None:
    california = HolidayCalendar.from_holidays(
        holidays.country_holidays("US", subdiv="CA"), years=2025
    )
    assert california.name == "US-CA"
    assert date(2025, 3, 31) in california  # Cesar Chavez Day (Gov. Code 6700)
    assert date(2025, 11, 28) in california  # the day after Thanksgiving
    assert date(2025, 3, 31) not in us_federal_holidays(2025)
    # Thanksgiving (Thu), the day after (Fri), the weekend: the next business day is Monday.
    assert roll_forward(date(2025, 11, 27), california) == date(2025, 12, 1)
    assert roll_forward(date(2025, 11, 27), us_federal_holidays(2025)) == date(2025, 11, 28)
    both = california | HolidayCalendar(dates=[date(2025, 12, 24)], name="office")
    assert both.name == "US-CA + office" and date(2025, 12, 24) in both


def test_years_are_asked_for_then_kept_alone() -> None:
    lazy = holidays.US()  # empty until asked about a year
    with pytest.raises(ValidationError, match="holds no date; give the years"):
        HolidayCalendar.from_holidays(lazy)
    only_2025 = HolidayCalendar.from_holidays(holidays.US(years=[2024, 2025]), years=2025)
    # 2025: eleven federal holidays, none on a weekend (so no observed day besides them).
    assert len(only_2025) == 11 and {d.year for d in only_2025} == {2025}
    assert len(HolidayCalendar.from_holidays(lazy, years=[2025])) == 11
    assert HolidayCalendar.from_holidays(lazy, years=[]).dates == frozenset()


def test_a_plain_mapping_and_a_name() -> None:
    office = HolidayCalendar.from_holidays({date(2025, 12, 24): "Christmas Eve"}, name="office")
    assert office.name == "office" and list(office) == [date(2025, 12, 24)]
    assert HolidayCalendar.from_holidays({date(2025, 12, 24): "Christmas Eve"}).name == ""


def test_bad_input_is_refused_with_every_problem() -> None:
    with pytest.raises(TypeError, match="source must be a mapping of dates to names"):
        HolidayCalendar.from_holidays([date(2025, 1, 1)])  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as years:
        HolidayCalendar.from_holidays({}, years=[2025, 0, True])  # type: ignore[list-item]
    assert [f.location for f in years.value.findings] == ["years[1]", "years[2]"]
    assert "must be an int from 1 to 9999, got 0 (int)" in str(years.value)
    stamp = datetime.datetime(2025, 1, 1, 9, 0)
    with pytest.raises(ValidationError, match=r"holidays\[1\]: not a datetime.date"):
        HolidayCalendar.from_holidays({date(2025, 1, 1): "a", stamp: "b"})


_DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))


@given(
    st.dictionaries(_DAYS, st.text(max_size=5), max_size=30),
    st.sets(st.integers(1990, 2060), max_size=5),
)
def test_a_calendar_holds_exactly_the_source_dates_of_the_years_taken(
    source: dict[date, str], years: set[int]
) -> None:
    taken = HolidayCalendar.from_holidays(source, years=years)
    assert taken.dates == {d for d in source if d.year in years}
    if source:
        assert HolidayCalendar.from_holidays(source).dates == set(source)
