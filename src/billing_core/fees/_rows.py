r"""Reading a fee schedule from plain rows: dicts, records, or CSV text.

A row has the columns ``code``, ``amount`` and ``start``, and optionally
``end``, ``modifier``, ``place_of_service`` and ``description``. Values may
be text (as CSV gives them: an amount such as ``"92.00"``, ISO dates such as
``"2024-01-01"``, an empty cell for a missing optional value) or already typed
(a ``Decimal`` or `Money` amount, a ``datetime.date``). Every problem of every
row is reported at once, located ``row N.column`` (rows counted from 1, after
the header), in one [`ValidationError`][billing_core.errors.ValidationError];
then the schedule's own checks (duplicates, overlaps) run.

Examples:
    >>> text = '''code,modifier,amount,start,end
    ... 99213,,92.00,2024-01-01,2024-12-31
    ... 71046,26,9.45,2024-01-01,
    ... '''
    >>> fees = read_fee_schedule(text, name="Acme 2024", currency="USD")
    >>> len(fees.entries), fees.entries[1].key
    (2, ('71046', '26', ''))
    >>> bad = "code,amount,start\n99213,ninety,2024-13-01\n"
    >>> read_fee_schedule(bad, name="F", currency="USD")
    Traceback (most recent call last):
    ...
    billing_core.errors.ValidationError: 2 problems:
      - row 1.amount: ...
      - row 1.start: not an ISO date (YYYY-MM-DD): '2024-13-01' (str)
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Final, TextIO

from billing_core._checks import describe, is_plain_date
from billing_core.errors import BillingError, Finding, ValidationError
from billing_core.fees._schedule import FeeSchedule, FeeScheduleEntry
from billing_core.money import Money

__all__ = ["fee_schedule_from_rows", "read_fee_schedule"]

REQUIRED: Final = ("code", "amount", "start")
OPTIONAL: Final = ("end", "modifier", "place_of_service", "description")


def _date(value: object) -> datetime.date | None:
    if value is None or value == "":
        return None
    if is_plain_date(value):
        return value
    # Ten characters: fromisoformat also takes the basic form "20240301", which a column
    # documented as YYYY-MM-DD should refuse rather than read.
    if isinstance(value, str) and len(value) == 10:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"not an ISO date (YYYY-MM-DD): {describe(value)}")


def _money(value: object, currency: str) -> Money:
    if isinstance(value, Money):
        return value
    # Never float: a CSV reader gives text, and a float from elsewhere would carry binary
    # noise into the amount (Money refuses it anyway, with a less helpful message).
    if isinstance(value, str | Decimal) and not isinstance(value, bool):
        return Money(value.strip() if isinstance(value, str) else value, currency)
    raise TypeError(f"not an amount such as '92.00': {describe(value)}")


def _text(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    raise TypeError(f"not text: {describe(value)}")


def _row(index: int, row: object, currency: str) -> tuple[FeeScheduleEntry | None, list[Finding]]:
    where = f"row {index}"
    if not isinstance(row, Mapping):
        return None, [Finding(location=where, message=f"not a mapping: {describe(row)}",
                              rule="fee_schedule.row")]  # fmt: skip
    # An unknown column is an error, not ignored: a misspelt "modifer" would otherwise
    # silently price the component at the code's own rate.
    findings = [
        Finding(location=f"{where}.{key}", message="unknown column", rule="fee_schedule.row")
        for key in row
        if key not in REQUIRED and key not in OPTIONAL
    ]
    fields: dict[str, Any] = {}
    readers = {"amount": lambda v: _money(v, currency), "start": _date, "end": _date}
    for key in (*REQUIRED, *OPTIONAL):
        value = row.get(key)
        if key in REQUIRED and (value is None or value == ""):
            findings.append(Finding(location=f"{where}.{key}", message="required column missing",
                                    rule="fee_schedule.row"))  # fmt: skip
            continue
        try:
            fields[key] = readers.get(key, _text)(value)
        except (BillingError, ValueError, TypeError) as err:
            findings.append(Finding(location=f"{where}.{key}", message=str(err),
                                    rule="fee_schedule.row"))  # fmt: skip
    if findings:
        return None, findings
    fields["description"] = fields["description"] or ""
    try:
        return FeeScheduleEntry(**fields), []
    except (BillingError, ValueError, TypeError) as err:
        return None, [Finding(location=where, message=str(err), rule="fee_schedule.row")]


def fee_schedule_from_rows(rows: Iterable[object], *, name: str, currency: str) -> FeeSchedule:
    """A fee schedule from plain rows (see the module for the columns).

    Args:
        rows: Mappings of column name to value, one per entry.
        name: The schedule's name.
        currency: The currency of the amounts.

    Returns:
        The schedule.

    Raises:
        ValidationError: Every problem of every row; then the schedule's own
            (duplicates, overlapping periods), naming the entries.

    Examples:
        >>> rows = [{"code": "0762", "amount": "600.00", "start": "2024-01-01",
        ...          "description": "observation room, per day"}]
        >>> fee_schedule_from_rows(rows, name="CDM", currency="USD").entries[0].description
        'observation room, per day'
    """
    entries: list[FeeScheduleEntry] = []
    findings: list[Finding] = []
    for index, row in enumerate(rows, start=1):
        entry, problems = _row(index, row, currency)
        findings.extend(problems)
        if entry is not None:
            entries.append(entry)
    if findings:
        raise ValidationError(findings)
    return FeeSchedule(name=name, currency=currency, entries=entries)


def read_fee_schedule(source: str | TextIO, *, name: str, currency: str) -> FeeSchedule:
    r"""A fee schedule from CSV: text, or an open text file, with a header row.

    Args:
        source: The CSV text, or a file opened in text mode.
        name: The schedule's name.
        currency: The currency of the amounts.

    Returns:
        The schedule.

    Raises:
        ValidationError: As for
            [`fee_schedule_from_rows`][billing_core.fees.fee_schedule_from_rows].

    Examples:
        >>> read_fee_schedule("code,amount,start\nA0425,7.25,2024-01-01\n", name="Ambulance",
        ...                   currency="USD").price("A0425", datetime.date(2024, 5, 1))
        Money('7.25', 'USD')
    """
    stream = io.StringIO(source) if isinstance(source, str) else source
    return fee_schedule_from_rows(csv.DictReader(stream), name=name, currency=currency)
