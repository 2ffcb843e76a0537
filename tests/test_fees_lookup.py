"""A fee schedule lookup falls back to a less specific row when the specific one is not in force.

Rows are keyed (code, modifier, place of service). A line's most specific key may have
rows only for other dates: the lookup then takes the next key (the place-specific row,
then the any-place row; the modifier's rows, then the code's own), never stopping at a
key with nothing in force on the service date.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from billing_core.charges import Category, LineItem
from billing_core.codes import PlaceOfService, ProcedureCode
from billing_core.fees import FeeSchedule, FeeScheduleEntry, PercentOfSchedule
from billing_core.money import Money

D = datetime.date
OFFICE, HOSPITAL = PlaceOfService("11"), PlaceOfService("22")


def usd(text: str) -> Money:
    return Money(text, "USD")


def row(code: str, amount: str, start: D, end: D | None = None, **key: object) -> FeeScheduleEntry:
    return FeeScheduleEntry(code=code, amount=usd(amount), start=start, end=end, **key)  # type: ignore[arg-type]


# The reviewer's case: a 71046-26 row for 2023 only, the plain 71046 row from 2024.
XRAY = FeeSchedule(name="MPFS", currency="USD", entries=[
    row("71046", "9.45", D(2023, 1, 1), D(2023, 12, 31), modifier="26"),
    row("71046", "36.60", D(2024, 1, 1)),
])  # fmt: skip


def test_an_expired_modifier_row_falls_back_to_the_code_row() -> None:
    # 2024-03-04 with -26: the -26 row ended 2023-12-31, so the code's own row (36.60) applies.
    entry = XRAY.lookup("71046", D(2024, 3, 4), modifiers=("26",))
    assert entry is not None
    assert entry.amount == usd("36.60")
    assert entry.modifier is None
    assert XRAY.price("71046", D(2024, 3, 4), modifiers=["26"]) == usd("36.60")
    # The modifier comes with the procedure code too.
    assert XRAY.price(ProcedureCode("CPT", "71046", ["26"]), D(2024, 3, 4)) == usd("36.60")


def test_the_modifier_row_still_wins_while_in_force() -> None:
    # 2023-06-01: the -26 row is in force (9.45); without the modifier there is no 2023 row.
    assert XRAY.price("71046", D(2023, 6, 1), modifiers=["26"]) == usd("9.45")
    assert XRAY.price("71046", D(2023, 6, 1)) is None
    assert XRAY.lookup("71046", D(2022, 6, 1), modifiers=["26"]) is None


def test_an_expired_place_row_falls_back_to_the_any_place_row() -> None:
    # 99213 in the office: 80.00 in 2023 only; any place: 92.00 from 2024. 2024-05-01 at 11: 92.00.
    fees = FeeSchedule(name="F", currency="USD", entries=[
        row("99213", "80.00", D(2023, 1, 1), D(2023, 12, 31), place_of_service=OFFICE),
        row("99213", "92.00", D(2024, 1, 1)),
    ])  # fmt: skip
    assert fees.price("99213", D(2024, 5, 1), place_of_service=OFFICE) == usd("92.00")
    assert fees.price("99213", D(2023, 5, 1), place_of_service=OFFICE) == usd("80.00")
    assert fees.price("99213", D(2023, 5, 1), place_of_service=HOSPITAL) is None


def test_the_fallback_order_is_modifier_and_place_then_modifier_then_code() -> None:
    # 2024-05-01, -26 at 22: the (26, 22) row ended in 2023, so (26, any) at 10.00, not the
    # code's own 36.60 at 22. In 2025 the (26, any) row has ended too: (code, 22) at 30.00.
    fees = FeeSchedule(name="F", currency="USD", entries=[
        row("71046", "12.00", D(2023, 1, 1), D(2023, 12, 31), modifier="26",
            place_of_service=HOSPITAL),
        row("71046", "10.00", D(2024, 1, 1), D(2024, 12, 31), modifier="26"),
        row("71046", "30.00", D(2024, 1, 1), place_of_service=HOSPITAL),
        row("71046", "36.60", D(2024, 1, 1)),
    ])  # fmt: skip
    on = D(2024, 5, 1)
    assert fees.price("71046", on, modifiers=["26"], place_of_service=HOSPITAL) == usd("10.00")
    assert fees.price("71046", D(2023, 5, 1), modifiers=["26"], place_of_service=HOSPITAL) == usd(
        "12.00"
    )
    later = D(2025, 2, 1)
    assert fees.price("71046", later, modifiers=["26"], place_of_service=HOSPITAL) == usd("30.00")
    assert fees.price("71046", later, modifiers=["26"], place_of_service=OFFICE) == usd("36.60")


def test_percent_of_schedule_prices_through_the_fallback() -> None:
    # A contract term paying 120 % of the schedule: 71046-26 on 2024-03-04 falls back to the
    # code's 36.60, x 1 unit x 1.2 = 43.92.
    line = LineItem(
        id="L1",
        category=Category.PROCEDURE,
        service_date=D(2024, 3, 4),
        procedure=ProcedureCode("CPT", "71046", ["26"]),
        charge=usd("80.00"),
    )
    priced = PercentOfSchedule(schedule=XRAY, rate=Decimal("1.2")).price(line, None)
    assert priced is not None
    assert priced.amount == Decimal("43.92")
    assert priced.modifier is None


_DAYS = st.integers(min_value=0, max_value=40).map(lambda n: D(2024, 1, 1) + datetime.timedelta(n))
_KEYS = st.tuples(st.sampled_from([None, "26"]), st.sampled_from([None, OFFICE]))


@st.composite
def _rows(draw: st.DrawFn) -> list[FeeScheduleEntry]:
    """Up to 3 non-overlapping periods for each of the 4 keys of code 71046."""
    rows = []
    for modifier in (None, "26"):
        for place in (None, OFFICE):
            cuts = sorted(draw(st.sets(st.integers(0, 40), max_size=6)))
            for first, last in zip(cuts[::2], cuts[1::2], strict=False):
                amount = draw(st.integers(0, 10_000))
                rows.append(FeeScheduleEntry(
                    code="71046", amount=Money.from_minor(amount, "USD"),
                    start=D(2024, 1, 1) + datetime.timedelta(first),
                    end=D(2024, 1, 1) + datetime.timedelta(last),
                    modifier=modifier, place_of_service=place,
                ))  # fmt: skip
    return rows


@given(_rows(), _DAYS, _KEYS)
def test_the_most_specific_row_in_force_is_found(
    rows: list[FeeScheduleEntry], on: D, key: tuple[str | None, PlaceOfService | None]
) -> None:
    # Reference: scan the rows in the order of the keys tried and take the first in force.
    modifier, place = key
    fees = FeeSchedule(name="F", currency="USD", entries=rows)
    order = [(m, p) for m in dict.fromkeys((modifier, None)) for p in dict.fromkeys((place, None))]
    expected = None
    for m, p in order:
        found = [
            r for r in rows
            if r.modifier == m and r.place_of_service == p
            and r.start <= on and (r.end is None or on <= r.end)
        ]  # fmt: skip
        if found:
            expected = found[0]
            break
    modifiers = () if modifier is None else (modifier,)
    assert fees.lookup("71046", on, modifiers=modifiers, place_of_service=place) == expected
    price = fees.price("71046", on, modifiers=modifiers, place_of_service=place)
    assert price == (None if expected is None else expected.amount)
