"""The values of an 835 as the reader parses them (private; see `_reader835`).

Amounts, quantities, dates and codes, each parse reporting a malformed value as
a finding with its segment number and element; values that repeat across
claims are parsed once and shared, as they are frozen.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Final

from billing_core.codes import CARC, RARC
from billing_core.errors import BillingError
from billing_core.money import Money
from billing_core.remittance import CasAdjustment, ServicePayment
from billing_core.x12._problems import Problems
from billing_core.x12._values import amount_minor, element, parse_date, parse_quantity, to_money

__all__ = ["CACHE", "MISSING", "VALUE", "ClaimState", "Values"]

VALUE: Final = "x12.value"
MISSING: Final = "x12.missing"
CACHE: Final = 4096  # the most distinct texts each cache keeps


class ClaimState:
    """A claim payment being read: its fields and lines, built at the next CLP, PLB or SE."""

    __slots__ = ("adjustments", "extra", "fields", "line", "lines", "number", "remarks")

    def __init__(self, number: int, fields: dict[str, Any]) -> None:
        self.number = number
        self.fields = fields
        self.adjustments: list[CasAdjustment] = []
        self.remarks: list[RARC] = []
        self.lines: list[ServicePayment] = []
        self.line: dict[str, Any] | None = None
        # references, parties, amounts, quantities: made only when the claim has any
        self.extra: dict[str, Any] = {}


class Values:
    """The parsing helpers of a reading, with their caches."""

    def __init__(self, problems: Problems, currency: str) -> None:
        self.problems = problems
        zero = Money.zero(currency)  # checks the code, and caches its precision
        self.currency, self.places = zero.currency, zero.exponent
        self.carcs: dict[str, CARC] = {}
        self.amounts: dict[str, Money] = {}
        self.quantities: dict[str, Decimal | None] = {"": None}

    def add(self, number: int, seg: list[str], el: str, message: str, rule: str = VALUE) -> None:
        self.problems.add(number, seg[0], el, message, rule)

    def money(self, number: int, seg: list[str], index: int) -> Money:
        """A required amount: a missing or malformed one is a finding, and reads as 0."""
        value = self.optional_money(number, seg, index)
        if value is None:
            if not element(seg, index):
                self.add(number, seg, f"{seg[0]}{index:02d}", "amount missing; read as 0", MISSING)
            return to_money(0, self.currency)
        return value

    def optional_money(self, number: int, seg: list[str], index: int) -> Money | None:
        """An amount that may be absent; a malformed one is a finding."""
        cached = self.amounts.get(seg[index]) if index < len(seg) else None
        if cached is not None:
            return cached
        text = element(seg, index)
        if not text:
            return None
        minor = amount_minor(text, self.places)
        if minor is None:
            self.add(
                number,
                seg,
                f"{seg[0]}{index:02d}",
                f"{text[:20]!r} is not an exact amount in cents; read as 0",
            )
            return None
        money = to_money(minor, self.currency)
        if len(self.amounts) < CACHE:
            self.amounts[seg[index]] = money
        return money

    def quantity(self, number: int, seg: list[str], index: int) -> Decimal | None:
        """A quantity that may be absent; a malformed one is a finding."""
        text = seg[index] if index < len(seg) else ""
        try:
            return self.quantities[text]
        except KeyError:
            pass
        value = parse_quantity(text.strip())
        if value is None and text.strip():
            self.add(number, seg, f"{seg[0]}{index:02d}", f"{text[:20]!r} is not a quantity")
        elif len(self.quantities) < CACHE:
            self.quantities[text] = value
        return value

    def date(self, number: int, seg: list[str], index: int) -> datetime.date | None:
        text = element(seg, index)
        value = parse_date(text)
        if value is None and text:
            self.add(number, seg, f"{seg[0]}{index:02d}", f"{text[:20]!r} is not a date (CCYYMMDD)")
        return value

    def rarc(self, number: int, seg: list[str], index: int) -> RARC | None:
        text = element(seg, index)
        if not text:
            return None
        try:
            return RARC(text)
        except BillingError as exc:
            self.add(number, seg, f"{seg[0]}{index:02d}", str(exc))
            return None

    def carc(self, number: int, seg: list[str], index: int) -> CARC | None:
        text = element(seg, index)
        carc = self.carcs.get(text)
        if carc is None:
            try:
                carc = CARC(text)
            except BillingError as exc:
                self.add(number, seg, f"CAS{index:02d}", str(exc))
                return None
            if len(self.carcs) < 2048:
                self.carcs[text] = carc
        return carc
