"""Fee schedules: an amount per service code, effective-dated.

A [`FeeSchedule`][billing_core.fees.FeeSchedule] maps a service code (a CPT,
HCPCS or CDT code, a revenue code, or a chargemaster item number), with a
pricing modifier and a place of service where they matter, to an amount per
unit for a period of dates. A payer's fee schedule, Medicare's physician fee
schedule for one locality, and a hospital's chargemaster are all fee
schedules. Two entries for one key may not share a day: the constructor
refuses duplicates and overlapping periods, naming both entries.

Examples:
    >>> import datetime
    >>> from billing_core.money import Money
    >>> fees = FeeSchedule(name="Acme 2024", currency="USD", entries=[
    ...     FeeScheduleEntry(code="99213", amount=Money("92.00", "USD"),
    ...                      start=datetime.date(2024, 1, 1), end=datetime.date(2024, 12, 31)),
    ...     FeeScheduleEntry(code="99213", amount=Money("95.00", "USD"),
    ...                      start=datetime.date(2025, 1, 1)),
    ... ])
    >>> [fees.price("99213", datetime.date(year, 3, 4)) for year in (2024, 2025)]
    [Money('92.00', 'USD'), Money('95.00', 'USD')]
"""

from __future__ import annotations

import datetime
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import Any, Final

import attrs

from billing_core._checks import check_date, describe
from billing_core._fields import date_field, invalid, of_type, text, to_tuple
from billing_core.codes import PlaceOfService, ProcedureCode, RevenueCode
from billing_core.errors import Finding, InvalidAmountError, ValidationError
from billing_core.money import Money, currency_exponent

__all__ = ["FeeSchedule", "FeeScheduleEntry", "validate_fee_schedule"]

_CODE_RE: Final = re.compile(r"[0-9A-Z][0-9A-Z.\-]{0,47}")
_MODIFIER_RE: Final = re.compile(r"[0-9A-Z]{2}")


def _to_code(value: object) -> str:
    # Only the code, never the modifiers: a schedule row keys its modifier apart.
    if isinstance(value, ProcedureCode | RevenueCode):
        return value.code
    if not isinstance(value, str):
        raise TypeError(f"fee schedule entry.code must be a str, got {describe(value)}")
    code = value.strip().upper()
    if not _CODE_RE.fullmatch(code):
        raise invalid(
            "fee schedule entry.code",
            f"must be 1 to 48 letters, digits, '.' or '-', got {describe(value)}",
            "fee_schedule.code",
        )
    return code


def _to_modifier(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"fee schedule entry.modifier must be a str or None, got {describe(value)}")
    modifier = value.strip().upper()
    if not _MODIFIER_RE.fullmatch(modifier):
        raise invalid(
            "fee schedule entry.modifier",
            f"must be 2 letters or digits, got {describe(value)}",
            "fee_schedule.modifier",
        )
    return modifier


def _to_place(value: PlaceOfService | str | None) -> PlaceOfService | None:
    return value if value is None or isinstance(value, PlaceOfService) else PlaceOfService(value)


def _amount(entry: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Money):
        raise TypeError(
            f"fee schedule entry {entry.code!r}.amount must be a Money, got {describe(value)}"
        )
    if value.minor < 0:
        raise InvalidAmountError(
            f"fee schedule entry {entry.code!r}.amount must not be negative, got {value}"
        )


@attrs.frozen(kw_only=True)
class FeeScheduleEntry:
    """The amount per unit of one service code for a period.

    Attributes:
        code: The service code (a `ProcedureCode` or `RevenueCode` gives its
            code; text is stripped and upper-cased).
        amount: The amount per unit, zero or more.
        start: The first day it applies.
        end: The last day it applies (inclusive), or ``None`` while in force.
        modifier: The pricing modifier it is for (``"26"``, ``"TC"``), or
            ``None`` for the code's own price.
        place_of_service: The place of service it is for, or ``None`` for any.
        description: What the service is (a chargemaster's item description).

    Raises:
        TypeError: A field of the wrong type.
        ValidationError: A malformed code or modifier, or an end before the start.
        InvalidAmountError: A negative amount.

    Examples:
        >>> from billing_core.money import Money
        >>> FeeScheduleEntry(code=" 71046 ", modifier="26", amount=Money("9.45", "USD"),
        ...                  start=datetime.date(2024, 1, 1)).key
        ('71046', '26', '')
    """

    code: str = attrs.field(converter=_to_code)
    amount: Money = attrs.field(validator=_amount)
    start: datetime.date = attrs.field(validator=date_field("fee schedule entry", show_id=False))
    end: datetime.date | None = attrs.field(
        default=None, validator=date_field("fee schedule entry", optional=True, show_id=False)
    )
    modifier: str | None = attrs.field(default=None, converter=_to_modifier)
    place_of_service: PlaceOfService | None = attrs.field(default=None, converter=_to_place)
    description: str = attrs.field(default="", validator=text("fee schedule entry"))

    def __attrs_post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise invalid(
                f"fee schedule entry {self.code!r}.end",
                f"{self.end.isoformat()} is before the start {self.start.isoformat()}",
                "fee_schedule.period",
            )

    @property
    def key(self) -> tuple[str, str, str]:
        """``(code, modifier, place of service)``, empty strings for none."""
        place = "" if self.place_of_service is None else self.place_of_service.code
        return self.code, self.modifier or "", place

    def __str__(self) -> str:
        code, modifier, place = self.key
        what = f"{code}-{modifier}" if modifier else code
        where = f" at place of service {place}" if place else ""
        until = f" to {self.end.isoformat()}" if self.end else " on"
        return f"{what}{where} from {self.start.isoformat()}{until}: {self.amount}"


def _entry_finding(location: str, message: str, rule: str) -> Finding:
    return Finding(location=location, message=message, rule=rule)


def validate_fee_schedule(
    entries: Sequence[FeeScheduleEntry], currency: str, *, name: str = "fee schedule"
) -> tuple[Finding, ...]:
    """Every problem of a fee schedule's entries: another currency, a duplicate, an overlap.

    Two entries with one key (code, modifier, place of service) may not share
    a day; entries are located ``entries[i]`` in the order given.

    Args:
        entries: The entries.
        currency: The schedule's currency.
        name: The schedule's name, for the locations.

    Returns:
        The findings, empty when the entries make a schedule.

    Examples:
        >>> from billing_core.money import Money
        >>> day = datetime.date(2024, 1, 1)
        >>> rows = [FeeScheduleEntry(code="99213", amount=Money("92", "USD"), start=day),
        ...         FeeScheduleEntry(code="99213", amount=Money("95", "USD"),
        ...                          start=datetime.date(2024, 7, 1))]
        >>> for finding in validate_fee_schedule(rows, "USD", name="Acme"):
        ...     print(finding)
        Acme entries[1]: 99213 from 2024-07-01 on: 95.00 USD overlaps entries[0] (99213 from 2024-01-01 on: 92.00 USD)
    """  # noqa: E501
    findings: list[Finding] = []
    by_key: dict[tuple[str, str, str], list[int]] = {}
    for index, entry in enumerate(entries):
        where = f"{name} entries[{index}]"
        if not isinstance(entry, FeeScheduleEntry):
            findings.append(_entry_finding(where, f"not a FeeScheduleEntry: {describe(entry)}",
                                           "fee_schedule.entry"))  # fmt: skip
            continue
        if entry.amount.currency != currency:
            findings.append(_entry_finding(
                where, f"is in {entry.amount.currency}, the schedule in {currency}",
                "fee_schedule.currency",
            ))  # fmt: skip
        by_key.setdefault(entry.key, []).append(index)
    for indexes in by_key.values():
        ordered = sorted(indexes, key=lambda i: (entries[i].start, i))
        # Sorted by start, each entry is compared with the one reaching furthest so far, which
        # finds every overlap in one pass without comparing all pairs.
        latest = ordered[0]  # the entry reaching furthest so far: an overlap is with it
        for after in ordered[1:]:
            first, second = entries[latest], entries[after]
            if first.end is None or second.start <= first.end:
                what = "repeats" if first.start == second.start else "overlaps"
                findings.append(_entry_finding(
                    f"{name} entries[{after}]", f"{second} {what} entries[{latest}] ({first})",
                    f"fee_schedule.{'duplicate' if what == 'repeats' else 'overlap'}",
                ))  # fmt: skip
            if first.end is not None and (second.end is None or second.end > first.end):
                latest = after
    return tuple(sorted(findings, key=lambda f: f.location))


_DATE: Final = datetime.date
_Plain = tuple[tuple[datetime.date, ...], tuple[datetime.date | None, ...], tuple[Money, ...]]


class _Periods:
    """The entries of one key, by start date, for bisecting."""

    __slots__ = ("ends", "entries", "starts")

    def __init__(self, entries: list[FeeScheduleEntry]) -> None:
        entries.sort(key=lambda e: e.start)
        self.entries = tuple(entries)
        self.starts = tuple(e.start for e in entries)
        self.ends = tuple(e.end for e in entries)

    def plain(self) -> _Plain:
        """Starts, ends and amounts: the fast lookup of ``FeeSchedule.price`` reads these."""
        return self.starts, self.ends, tuple(e.amount for e in self.entries)

    # Periods of one key never overlap (the constructor refuses it), so the last period
    # starting on or before the day is the only one that can hold it.
    def on(self, day: datetime.date) -> FeeScheduleEntry | None:
        i = bisect_right(self.starts, day) - 1
        if i < 0:
            return None
        end = self.ends[i]
        return self.entries[i] if end is None or day <= end else None


@attrs.frozen(kw_only=True)
class FeeSchedule:
    """Amounts per unit by service code, modifier and place of service, effective-dated.

    A lookup takes the entry of the code in force on the service date; with
    modifiers, the entry for the first of them the schedule prices for that
    code (a ``26`` or ``TC`` row), else the code's own entry; with a place of
    service, the entry for that place, else the entry for any place. Keys are
    tried from the most specific (modifier and place) to the least (the code
    alone), and the first with an entry in force on the date wins: a key whose
    entries are all for other dates falls through to the next.

    Attributes:
        name: What the schedule is, e.g. ``"Acme PPO 2024"``.
        currency: The currency of every amount.
        entries: The entries; no two with one key may share a day.

    Raises:
        ValidationError: Every duplicate, overlap and entry in another
            currency, each located ``entries[i]``.
        TypeError: A name or currency of the wrong type.

    Examples:
        >>> from billing_core.money import Money
        >>> day = datetime.date(2024, 1, 1)
        >>> xray = FeeSchedule(name="MPFS", currency="USD", entries=[
        ...     FeeScheduleEntry(code="71046", amount=Money("36.60", "USD"), start=day),
        ...     FeeScheduleEntry(code="71046", modifier="26", amount=Money("9.45", "USD"),
        ...                      start=day),
        ... ])
        >>> xray.price("71046", day, modifiers=["26"]), xray.price("71046", day, modifiers=["59"])
        (Money('9.45', 'USD'), Money('36.60', 'USD'))
    """

    name: str = attrs.field(validator=text("fee schedule", nonempty=True))
    currency: str = attrs.field(validator=of_type("fee schedule", str))
    entries: tuple[FeeScheduleEntry, ...] = attrs.field(converter=to_tuple)
    _plain: dict[str, _Plain] = attrs.field(init=False, repr=False, eq=False, hash=False)
    _keyed: dict[tuple[str, str, str], _Periods] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _modifiers: dict[str, tuple[str, ...]] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        currency_exponent(self.currency)  # an unknown currency fails here, by name
        findings = validate_fee_schedule(self.entries, self.currency, name=repr(self.name))
        if findings:
            raise ValidationError(findings)
        grouped: dict[tuple[str, str, str], list[FeeScheduleEntry]] = {}
        for entry in self.entries:
            grouped.setdefault(entry.key, []).append(entry)
        keyed = {key: _Periods(group) for key, group in grouped.items()}
        modifiers: dict[str, set[str]] = {}
        for code, modifier, _place in keyed:
            if modifier:
                modifiers.setdefault(code, set()).add(modifier)
        object.__setattr__(self, "_keyed", keyed)
        # Codes without modifier or place get a table of plain tuples: the common lookup in
        # price() then builds no key and calls no method.
        plain = {k[0]: p.plain() for k, p in keyed.items() if k[1:] == ("", "")}
        object.__setattr__(self, "_plain", plain)
        object.__setattr__(self, "_modifiers", {c: tuple(sorted(m)) for c, m in modifiers.items()})

    def lookup(
        self,
        code: str | ProcedureCode | RevenueCode,
        on: datetime.date,
        *,
        modifiers: Iterable[str] = (),
        place_of_service: PlaceOfService | None = None,
    ) -> FeeScheduleEntry | None:
        """The entry that prices ``code`` on ``on``, or ``None`` when the schedule has none.

        Args:
            code: The service code; a `ProcedureCode` brings its own modifiers
                (``modifiers`` are added after them).
            on: The service date.
            modifiers: The line's modifiers, in billing order.
            place_of_service: Where the service was given.

        Returns:
            The entry, or ``None``.

        Raises:
            TypeError: A date that is not a plain ``datetime.date``.

        Examples:
            >>> from billing_core.money import Money
            >>> day = datetime.date(2024, 1, 1)
            >>> fees = FeeSchedule(name="F", currency="USD", entries=[
            ...     FeeScheduleEntry(code="99213", amount=Money("92", "USD"), start=day)])
            >>> fees.lookup(ProcedureCode("CPT", "99213", ["25"]), day).amount
            Money('92.00', 'USD')
            >>> fees.lookup("99214", day) is None
            True
        """
        check_date(on, "fee schedule lookup date")
        if isinstance(code, ProcedureCode):
            modifiers = (*code.modifiers, *modifiers)
        key = _to_code(code)
        place = "" if place_of_service is None else place_of_service.code
        priced = self._modifiers.get(key, ())
        # Only the first modifier the schedule prices for this code counts (a line's -26
        # before a -59); the others do not change the schedule's row.
        wanted = [m for m in (m.strip().upper() for m in modifiers) if m in priced]
        for modifier in (*wanted[:1], ""):
            # The place-specific row first, then the row for any place.
            for where in (place, "") if place else ("",):
                periods = self._keyed.get((key, modifier, where))
                # A key whose rows are all for other dates does not price the line: the next,
                # less specific key may (a -26 row that ended last year, the code's row now).
                found = None if periods is None else periods.on(on)
                if found is not None:
                    return found
        return None

    def price(
        self,
        code: str | ProcedureCode | RevenueCode,
        on: datetime.date,
        *,
        modifiers: Iterable[str] = (),
        place_of_service: PlaceOfService | None = None,
    ) -> Money | None:
        """The amount per unit of ``code`` on ``on`` (see [`lookup`][]), or ``None``.

        The common case, a plain code without modifiers or place, is one dictionary
        lookup and a date comparison.

        Examples:
            >>> from billing_core.money import Money
            >>> day = datetime.date(2024, 1, 1)
            >>> fees = FeeSchedule(name="F", currency="USD", entries=[
            ...     FeeScheduleEntry(code="0762", amount=Money("600", "USD"), start=day)])
            >>> fees.price(RevenueCode("0762"), day)
            Money('600.00', 'USD')
        """
        if code.__class__ is str and place_of_service is None and not modifiers:
            found = self._plain.get(code)
            if found is not None and on.__class__ is _DATE:
                # The same rule as _Periods.on, inlined for the fast path.
                starts, ends, amounts = found
                i = bisect_right(starts, on) - 1
                if i >= 0:
                    end = ends[i]
                    if end is None or on <= end:
                        return amounts[i]
                return None
        entry = self.lookup(code, on, modifiers=modifiers, place_of_service=place_of_service)
        return None if entry is None else entry.amount
