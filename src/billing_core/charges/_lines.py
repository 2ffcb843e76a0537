"""Helpers over the line items of a bill, claim or encounter (private; documents layer).

Bills, claims and encounters hold their line items the same way: a tuple of
[`LineItem`][billing_core.charges.LineItem] objects in one currency with unique
ids. The checks, the sum and the notebook views of such a tuple live here,
once.
"""

from __future__ import annotations

from collections.abc import Iterable

from billing_core._fields import invalid, wrong_type
from billing_core.charges._line_items import LineItem
from billing_core.errors import CurrencyMismatchError
from billing_core.money import Money, format_money
from billing_core.views import MoneyForm, Record, RecordValue, html_table, money_value
from billing_core.views._records import check_money_form


def charges_minor(lines: Iterable[LineItem]) -> int:
    """The sum of the lines' charges in minor units.

    Does not check currencies: a bill's, claim's or encounter's constructor
    already did (see [`check_lines`][]). A plain loop, the fastest way to add
    them up in CPython (``bill_total`` is benchmarked against it).

    Examples:
        >>> from billing_core._examples import example_line
        >>> charges_minor([example_line("L1", "1.25"), example_line("L2", "0.75")])
        200
    """
    total = 0
    for line in lines:
        total += line.charge.minor
    return total


def check_lines(lines: tuple[LineItem, ...], currency: str, where: str) -> None:
    """Check lines are LineItems in ``currency`` with unique ids.

    Raises:
        TypeError: A line is not a [`LineItem`][billing_core.charges.LineItem].
        CurrencyMismatchError: A line is in another currency.
        ValidationError: Two lines share an id.

    Examples:
        >>> from billing_core._examples import example_line
        >>> twice = (example_line("L1", "1.00"), example_line("L1", "2.00"))
        >>> check_lines(twice, "USD", "bill 'B1'")
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: bill 'B1'.lines: line id 'L1' is used twice (line 2)
    """
    seen: set[str] = set()
    for index, line in enumerate(lines, 1):
        if line.__class__ is not LineItem:
            raise wrong_type(f"{where} line {index}", "a LineItem", line)
        # Money keeps one string object per currency: identity first, equality as a fallback.
        if line.charge.currency is not currency and line.charge.currency != currency:
            raise CurrencyMismatchError(
                f"{where}: line {index} ({line.id!r}).charge is in {line.charge.currency}, "
                f"the {where} is in {currency}"
            )
        # Line ids are line control numbers (REF*6R): two lines with one id could not be told
        # apart when the payer's answer comes back.
        if line.id in seen:
            raise invalid(
                f"{where}.lines",
                f"line id {line.id!r} is used twice (line {index})",
                "lines.unique_ids",
            )
        seen.add(line.id)


def _service_text(line: LineItem) -> str:
    if line.service_through is None or line.service_through == line.service_date:
        return line.service_date.isoformat()
    return f"{line.service_date.isoformat()} to {line.service_through.isoformat()}"


def _code_text(line: LineItem) -> str:
    codes = [str(c) for c in (line.procedure, line.revenue_code) if c is not None]
    if line.drug is not None:
        codes.append(f"NDC {line.drug.ndc.code}")
    return ", ".join(codes)


def lines_html(
    lines: tuple[LineItem, ...], currency: str, *, caption: str, pointers: bool = False
) -> str:
    """The lines of a bill or claim as an HTML table with a total.

    Shows no patient identifier: lines carry none (authorizations are left out).
    """
    columns = ["#", "line", "service", "category", "code", "units", "charge"]
    if pointers:
        columns.insert(5, "dx pointers")
    rows = []
    for number, line in enumerate(lines, 1):
        row: list[object] = [
            number,
            line.id,
            _service_text(line),
            line.category.value,
            _code_text(line),
            f"{line.units} {line.unit_basis.value}",
            format_money(line.charge),
        ]
        if pointers:
            row.insert(5, ", ".join(str(p) for p in line.diagnosis_pointers))
        rows.append(row)
    footer: list[object] = [
        "",
        "total",
        *([""] * (len(columns) - 3)),
        format_money(Money.from_minor(charges_minor(lines), currency)),
    ]
    units_at = columns.index("units")
    return html_table(
        columns, rows, caption=caption, right=(0, units_at, len(columns) - 1), footer=footer
    )


def line_records(
    lines: tuple[LineItem, ...], currency: str, money: MoneyForm, **document: RecordValue
) -> list[Record]:
    """One flat record per line, led by the document's columns; amounts as ``money`` says."""
    check_money_form(money)
    return [
        {
            **document,
            "line_number": number,
            "line_id": line.id,
            "service_date": line.service_date,
            "service_through": line.service_through,
            "category": line.category.value,
            "procedure": None if line.procedure is None else str(line.procedure),
            "revenue_code": None if line.revenue_code is None else str(line.revenue_code),
            "ndc": None if line.drug is None else line.drug.ndc.code,
            "units": line.units,
            "unit_basis": line.unit_basis.value,
            "diagnosis_pointers": ", ".join(str(p) for p in line.diagnosis_pointers),
            "charge": money_value(line.charge, money),
            "currency": currency,
        }
        for number, line in enumerate(lines, 1)
    ]


def check_born_by_service(patient: object, lines: Iterable[LineItem], where: str) -> None:
    """Refuse a patient born after the service date of one of ``lines``.

    The library reads no clock, so "born in the future" can only mean born
    after the dates it is given. The message names the line, never a date:
    it would give the birth date away.

    Examples:
        >>> import datetime
        >>> from billing_core._examples import example_line
        >>> from billing_core.parties import Patient
        >>> baby = Patient(id="P1", name="Baby Roe", birth_date=datetime.date(2024, 1, 3))
        >>> check_born_by_service(baby, [example_line("L1", "1.00")], "bill 'B1'.bill_to")
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: bill 'B1'.bill_to.birth_date: is after the service date of line 'L1'
    """  # noqa: E501
    born = getattr(patient, "birth_date", None)
    if born is None:
        return
    for line in lines:
        # Only the line id is named: either date would give the birth date away.
        if line.service_date < born:
            raise invalid(
                f"{where}.birth_date",
                f"is after the service date of line {line.id!r}",
                "patient.birth_date.after_service",
            )
