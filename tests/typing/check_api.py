"""What must, and must not, type-check for a user of billing_core: checked by mypy and pyright.

`tests/test_typing.py` runs mypy (``--strict``) and pyright over this file. A line that must
not type-check carries the error the checker must report: ``# type: ignore[code]`` for mypy
and ``# pyright: ignore[rule]`` for pyright. Both checkers report an ignore comment that
silences nothing, so a line that starts to type-check fails the test, and so does any other
error. ``assert_type`` pins what a call returns.

Everything sits inside functions: pytest imports this module for doctests, and nothing here
may run.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, assert_type

import holidays

import billing_core
from billing_core.bills import Bill
from billing_core.claims import Claim
from billing_core.deadlines import HolidayCalendar
from billing_core.ledger import Entry, Refund
from billing_core.money import Money, RoundingMode, allocate
from billing_core.parties import Provider
from billing_core.serialization import from_dict, from_json, to_dict, to_json


def money_arithmetic(m: Money) -> None:
    assert_type(m + m, Money)
    assert_type(m - m, Money)
    assert_type(-m, Money)
    assert_type(m * 3, Money)
    assert_type(3 * m, Money)
    assert_type(m.multiply(Decimal("0.2"), rounding=RoundingMode.HALF_UP), Money)
    assert_type(m.divide(3, rounding=RoundingMode.HALF_EVEN), Money)
    assert_type(allocate(m, [2, 3, Decimal("1.5")]), tuple[Money, ...])
    assert_type(m < m, bool)


def money_misuse(m: Money) -> None:
    # Dividing may need rounding: use .divide(n, rounding=...), allocate() or split().
    m / 3  # type: ignore[operator]  # pyright: ignore[reportOperatorIssue]
    m // 3  # type: ignore[operator]  # pyright: ignore[reportOperatorIssue]
    m.divide(3)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    # Multiplying by a rate may need rounding: use .multiply(rate, rounding=...).
    m * Decimal("0.2")  # type: ignore[operator]  # pyright: ignore[reportOperatorIssue]
    m * 1.5  # type: ignore[operator]  # pyright: ignore[reportOperatorIssue]
    m + 1  # type: ignore[operator]  # pyright: ignore[reportOperatorIssue]
    Money(1.5, "USD")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    allocate(m, [0.5, 0.5])  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]


def loading(data: dict[str, Any], text: str) -> None:
    assert_type(from_dict(data, Claim), Claim)
    assert_type(from_json(text, Bill), Bill)
    assert_type(from_json(text.encode(), Refund), Refund)
    # Without the class, any registered type may come back: narrow it before use.
    loaded = from_dict(data)
    assert_type(loaded, object)
    if isinstance(loaded, Claim):
        assert_type(loaded.total_charge, Money)
    entry = from_json(text)
    if isinstance(entry, Entry):
        assert_type(entry.account_id, str)


def loading_misuse(data: dict[str, Any]) -> None:
    from_dict(data).lines  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]
    from_dict(data, Claim).colour  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]
    from_dict(data, "claim")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]


def dumping(claim: Claim, entry: Entry, provider: Provider) -> None:
    assert_type(to_dict(claim), dict[str, Any])
    assert_type(to_dict(entry), dict[str, Any])
    assert_type(to_dict(provider), dict[str, Any])  # an attrs class without an id
    assert_type(to_json(claim), str)


def dumping_misuse(m: Money) -> None:
    # mypy only: pyright has no attrs plugin, so it accepts any value here.
    to_dict(m)  # type: ignore[arg-type]
    to_dict({"type": "claim"})  # type: ignore[arg-type]
    to_json("claim")  # type: ignore[arg-type]


def holiday_calendars(source: dict[Any, str]) -> None:
    assert_type(HolidayCalendar.from_holidays(source, years=2025), HolidayCalendar)
    state = holidays.country_holidays("US", subdiv="CA")
    assert_type(HolidayCalendar.from_holidays(state, years=[2025, 2026]), HolidayCalendar)
    HolidayCalendar.from_holidays(source, years=2025.0)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def the_root() -> None:
    # The curated root is typed through its generated stub.
    assert_type(billing_core.Money("1", "USD"), Money)
    assert_type(billing_core.from_dict({}, Claim), Claim)
    billing_core.not_a_name  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]
