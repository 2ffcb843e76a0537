"""Fee schedules (lookup, loading, refusals) and the physician fee schedule formula.

RVU known answers: the 2010 RBRVS worked example for CPT 99213 in the Medicare
locality "Rest of Florida" (work 0.97, non-facility PE 0.80, MP 0.05; GPCIs
1.000, 1.000, 1.724; conversion factor 36.8729), and a payer's own conversion
factor of 38.00 applied to the unadjusted total of 1.82 RVUs; both published
with their arithmetic by Medicare Payment and Reimbursement (July 2010). The
values are stated here, in the test: the library ships no CMS data.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing_core.codes import PlaceOfService, ProcedureCode, RevenueCode
from billing_core.errors import InvalidAmountError, ValidationError
from billing_core.fees import (
    FeeSchedule,
    FeeScheduleEntry,
    PracticeCostIndex,
    RelativeValues,
    fee_schedule_from_rows,
    is_facility,
    physician_fee,
    read_fee_schedule,
    rvu_fee_schedule,
    validate_fee_schedule,
)
from billing_core.money import Money, RoundingMode

D = datetime.date


def usd(text: str) -> Money:
    return Money(text, "USD")


def rv(work: str, expense: str, malpractice: str) -> RelativeValues:
    return RelativeValues(
        work=Decimal(work), practice_expense=Decimal(expense), malpractice=Decimal(malpractice)
    )


def entry(code: str, amount: str, start: D, end: D | None = None, **more) -> FeeScheduleEntry:
    return FeeScheduleEntry(code=code, amount=usd(amount), start=start, end=end, **more)


# --------------------------------------------------------------------------- lookup


def test_a_code_is_priced_by_the_entry_in_force_on_the_service_date():
    fees = FeeSchedule(
        name="Acme",
        currency="USD",
        entries=[
            entry("99213", "92.00", D(2024, 1, 1), D(2024, 6, 30)),
            entry("99213", "95.00", D(2024, 7, 1), D(2024, 12, 31)),
            entry("99213", "97.50", D(2025, 2, 1)),
        ],
    )
    assert fees.price("99213", D(2023, 12, 31)) is None  # before any entry
    assert fees.price("99213", D(2024, 1, 1)) == usd("92.00")
    assert fees.price("99213", D(2024, 6, 30)) == usd("92.00")
    assert fees.price("99213", D(2024, 7, 1)) == usd("95.00")
    assert fees.price("99213", D(2025, 1, 15)) is None  # a gap between periods
    assert fees.price("99213", D(2031, 1, 1)) == usd("97.50")  # open-ended
    assert fees.price("99214", D(2024, 3, 4)) is None
    assert fees.price(" 99213 ", D(2024, 3, 4)) == usd("92.00")  # normalised on the slow path


def test_modifiers_and_places_of_service_where_they_matter():
    day = D(2024, 1, 1)
    fees = FeeSchedule(
        name="MPFS",
        currency="USD",
        entries=[
            entry("71046", "36.60", day),
            entry("71046", "9.45", day, modifier="26"),
            entry("71046", "27.15", day, modifier="TC"),
            entry("99213", "92.00", day),
            entry("99213", "65.00", day, place_of_service="22"),
        ],
    )
    assert fees.price("71046", day) == usd("36.60")
    assert fees.price("71046", day, modifiers=["26"]) == usd("9.45")
    assert fees.price(ProcedureCode("CPT", "71046", ["TC"]), day) == usd("27.15")
    # A modifier the schedule does not price falls back to the code's own amount.
    assert fees.price("71046", day, modifiers=["59", "26"]) == usd("9.45")
    assert fees.price("71046", day, modifiers=["59"]) == usd("36.60")
    entry_26 = fees.lookup("71046", day, modifiers=["26"])
    assert entry_26 is not None and entry_26.modifier == "26"
    # A place-of-service entry wins where it exists; else the entry for any place.
    assert fees.price("99213", day, place_of_service=PlaceOfService("22")) == usd("65.00")
    assert fees.price("99213", day, place_of_service=PlaceOfService("11")) == usd("92.00")
    assert fees.price(RevenueCode("0762"), day) is None


def test_a_lookup_date_must_be_a_date():
    fees = FeeSchedule(name="F", currency="USD", entries=[entry("99213", "1", D(2024, 1, 1))])
    with pytest.raises(TypeError, match="lookup date must be a datetime.date"):
        fees.price("99213", datetime.datetime(2024, 3, 4))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- refusals


def test_duplicates_and_overlaps_are_refused_naming_both_entries():
    with pytest.raises(ValidationError) as info:
        FeeSchedule(
            name="Acme",
            currency="USD",
            entries=[
                entry("99213", "92.00", D(2024, 1, 1), D(2024, 12, 31)),
                entry("99213", "95.00", D(2024, 7, 1)),  # overlaps entries[0]
                entry("99214", "120.00", D(2024, 1, 1)),
                entry("99214", "125.00", D(2024, 1, 1)),  # repeats entries[2]
                entry("99215", "150.00", D(2024, 1, 1), D(2024, 12, 31)),
                entry("99215", "151.00", D(2024, 2, 1), D(2024, 2, 28)),  # inside entries[4]
                entry("99215", "152.00", D(2024, 3, 1), D(2024, 3, 31)),  # inside entries[4] too
                entry("99213", "5.00", D(2024, 1, 1), modifier="26"),  # another key: fine
            ],
        )
    found = {(f.location, f.rule) for f in info.value.findings}
    assert found == {
        ("'Acme' entries[1]", "fee_schedule.overlap"),
        ("'Acme' entries[3]", "fee_schedule.duplicate"),
        ("'Acme' entries[5]", "fee_schedule.overlap"),
        ("'Acme' entries[6]", "fee_schedule.overlap"),
    }
    messages = {f.location: f.message for f in info.value.findings}
    assert messages["'Acme' entries[6]"] == (
        "99215 from 2024-03-01 to 2024-03-31: 152.00 USD overlaps entries[4]"
        " (99215 from 2024-01-01 to 2024-12-31: 150.00 USD)"
    )


def test_entries_in_another_currency_and_bad_entries_are_refused():
    findings = validate_fee_schedule(
        [
            entry("99213", "1", D(2024, 1, 1)),
            FeeScheduleEntry(code="A0425", amount=Money("7", "EUR"), start=D(2024, 1, 1)),
        ],
        "USD",
        name="F",
    )  # fmt: skip
    assert [(f.location, f.message) for f in findings] == [
        ("F entries[1]", "is in EUR, the schedule in USD")
    ]
    with pytest.raises(InvalidAmountError, match="amount must not be negative, got -1.00 USD"):
        entry("99213", "-1", D(2024, 1, 1))
    with pytest.raises(ValidationError, match="end: 2023-12-31 is before the start 2024-01-01"):
        entry("99213", "1", D(2024, 1, 1), D(2023, 12, 31))
    with pytest.raises(ValidationError, match="modifier: must be 2 letters or digits"):
        entry("99213", "1", D(2024, 1, 1), modifier="265")
    with pytest.raises(ValidationError, match="code: must be 1 to 48 letters"):
        entry("99 213", "1", D(2024, 1, 1))
    with pytest.raises(TypeError, match="start must be a datetime.date"):
        FeeScheduleEntry(code="99213", amount=usd("1"), start="2024-01-01")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- loading


def test_reading_csv_with_a_chargemaster_description():
    text = (
        "code,modifier,place_of_service,amount,start,end,description\n"
        "99213,,,92.00,2024-01-01,2024-12-31,Office visit\n"
        "71046,26,,9.45,2024-01-01,,Chest x-ray (professional)\n"
        "99213,,22,65.00,2024-01-01,,Office visit in outpatient hospital\n"
    )
    fees = read_fee_schedule(io.StringIO(text), name="CDM", currency="USD")
    assert [e.key for e in fees.entries] == [
        ("99213", "", ""),
        ("71046", "26", ""),
        ("99213", "", "22"),
    ]
    assert fees.entries[1].description == "Chest x-ray (professional)"
    assert fees.entries[0].end == D(2024, 12, 31) and fees.entries[1].end is None


def test_every_problem_of_every_row_is_reported_at_once():
    rows = [
        {"code": "99213", "amount": "92.00", "start": "2024-01-01"},
        {"code": "", "amount": "9x", "start": "01/02/2024", "colour": "red"},
        {"code": "99214", "amount": 120.5, "start": D(2024, 1, 1)},
        "not a row",
    ]
    with pytest.raises(ValidationError) as info:
        fee_schedule_from_rows(rows, name="F", currency="USD")
    locations = [f.location for f in info.value.findings]
    assert locations == [
        "row 2.colour",
        "row 2.code",
        "row 2.amount",
        "row 2.start",
        "row 3.amount",
        "row 4",
    ]
    messages = {f.location: f.message for f in info.value.findings}
    assert messages["row 2.start"] == "not an ISO date (YYYY-MM-DD): '01/02/2024' (str)"
    assert messages["row 3.amount"] == "not an amount such as '92.00': 120.5 (float)"


def test_rows_that_overlap_are_refused_after_reading():
    text = "code,amount,start\n99213,92.00,2024-01-01\n99213,95.00,2024-07-01\n"
    with pytest.raises(ValidationError, match="overlaps entries\\[0\\]"):
        read_fee_schedule(text, name="F", currency="USD")


# --------------------------------------------------------------------------- RVU


def test_physician_fee_published_example():
    # (0.97 x 1.000 + 0.80 x 1.000 + 0.05 x 1.724) x 36.8729 = 1.8562 x 36.8729
    # = 68.4435... -> 68.44
    rvus = RelativeValues(
        work=Decimal("0.97"), practice_expense=Decimal("0.80"), malpractice=Decimal("0.05")
    )
    florida = PracticeCostIndex(
        work=Decimal("1.000"), practice_expense=Decimal("1.000"), malpractice=Decimal("1.724")
    )
    assert physician_fee(rvus, florida, Decimal("36.8729")) == usd("68.44")
    # A payer's own conversion factor on the unadjusted RVUs: 1.82 x 38.00 = 69.16
    one = PracticeCostIndex(work=Decimal(1), practice_expense=Decimal(1), malpractice=Decimal(1))
    assert physician_fee(rvus, one, Decimal("38.00")) == usd("69.16")


def test_facility_practice_expense_and_rounding_once():
    # Facility PE 0.33 instead of 0.80: (0.97 + 0.33 + 0.0862) x 36.8729 = 1.3862 x 36.8729
    # = 51.11321... -> 51.11
    rvus = RelativeValues(
        work=Decimal("0.97"),
        practice_expense=Decimal("0.80"),
        practice_expense_facility=Decimal("0.33"),
        malpractice=Decimal("0.05"),
    )
    florida = PracticeCostIndex(
        work=Decimal("1"), practice_expense=Decimal("1"), malpractice=Decimal("1.724")
    )
    assert physician_fee(rvus, florida, Decimal("36.8729"), facility=True) == usd("51.11")
    # Rounded once, from the exact product: 1.8562 x 36.8729 = 68.44347698 -> up: 68.45
    assert physician_fee(rvus, florida, Decimal("36.8729"), rounding=RoundingMode.UP) == usd(
        "68.45"
    )
    assert is_facility(PlaceOfService("21")) and not is_facility(PlaceOfService("11"))


def test_without_a_facility_value_the_facility_price_is_the_non_facility_one():
    # Documented: practice_expense_facility defaults to the non-facility RVU, so
    # (0.97 + 0.80 + 0.0862) x 36.8729 = 68.44 in both settings.
    rvus = RelativeValues(
        work=Decimal("0.97"), practice_expense=Decimal("0.80"), malpractice=Decimal("0.05")
    )
    florida = PracticeCostIndex(
        work=Decimal("1"), practice_expense=Decimal("1"), malpractice=Decimal("1.724")
    )
    assert physician_fee(rvus, florida, Decimal("36.8729"), facility=True) == usd("68.44")


def test_an_rvu_fee_schedule_has_one_entry_per_code_and_modifier():
    rvus = {
        "99213": rv("0.97", "0.80", "0.05"),
        # a component row: 71046-26 work 0.22, PE 0.08, MP 0.02 -> 0.32 x 38 = 12.16
        "71046-26": rv("0.22", "0.08", "0.02"),
    }  # fmt: skip
    one = PracticeCostIndex(work=Decimal(1), practice_expense=Decimal(1), malpractice=Decimal(1))
    fees = rvu_fee_schedule(rvus, one, Decimal("38"), name="RBRVS", start=D(2024, 1, 1))
    assert fees.price("99213", D(2024, 5, 1)) == usd("69.16")
    assert fees.price("71046", D(2024, 5, 1), modifiers=["26"]) == usd("12.16")


def test_rvu_values_are_bounded():
    with pytest.raises(InvalidAmountError, match="RelativeValues.malpractice must be between 0"):
        RelativeValues(work=Decimal(1), practice_expense=Decimal(1), malpractice=Decimal("-0.01"))
    one = PracticeCostIndex(work=Decimal(1), practice_expense=Decimal(1), malpractice=Decimal(1))
    rvus = RelativeValues(work=Decimal(1), practice_expense=Decimal(1), malpractice=Decimal(1))
    with pytest.raises(
        InvalidAmountError, match="conversion_factor must have at most 6 decimal places"
    ):
        physician_fee(rvus, one, Decimal("33.12345678"))
    with pytest.raises(TypeError, match="conversion_factor must be a Decimal"):
        physician_fee(rvus, one, 33.2875)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- property


CODES = ["99212", "99213", "99214", "A0425", "0762"]


@st.composite
def schedules(draw: st.DrawFn) -> tuple[FeeSchedule, list[tuple[str, D, D | None, int]]]:
    """A schedule of non-overlapping periods per code, and the same periods as plain tuples."""
    plain = []
    for code in draw(st.sets(st.sampled_from(CODES), min_size=1)):
        day = D(2024, 1, 1) + datetime.timedelta(days=draw(st.integers(0, 30)))
        for _ in range(draw(st.integers(1, 4))):
            length = draw(st.integers(0, 60))
            end = None if draw(st.integers(0, 5)) == 0 else day + datetime.timedelta(days=length)
            plain.append((code, day, end, draw(st.integers(0, 100_000))))
            if end is None:
                break
            day = end + datetime.timedelta(days=draw(st.integers(1, 20)))
    entries = [FeeScheduleEntry(code=c, start=s, end=e, amount=Money.from_minor(m, "USD"))
               for c, s, e, m in plain]  # fmt: skip
    return FeeSchedule(name="F", currency="USD", entries=entries), plain


@given(schedules(), st.lists(st.tuples(st.sampled_from(CODES), st.integers(-5, 400)), max_size=20))
def test_lookup_agrees_with_a_scan_of_the_periods(schedule, queries):
    fees, plain = schedule
    for code, offset in queries:
        day = D(2024, 1, 1) + datetime.timedelta(days=offset)
        hits = [m for c, s, e, m in plain if c == code and s <= day and (e is None or day <= e)]
        assert len(hits) <= 1
        expected = Money.from_minor(hits[0], "USD") if hits else None
        assert fees.price(code, day) == expected
