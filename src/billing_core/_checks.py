"""Small input checks shared by the modules (private; values layer).

One definition of "a date" (a ``datetime.date`` that is not a ``datetime``:
a datetime does not compare with a date), of how a bad value is described in
an error (bounded, and never the value of a field that holds protected health
information), of which fields are protected, and of the findings for a list
that should hold only dates.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterable
from datetime import date, datetime
from typing import Final, TypeGuard

from billing_core.errors import Finding


def is_plain_date(value: object) -> TypeGuard[date]:
    """Whether ``value`` is a ``datetime.date`` and not a ``datetime``.

    Examples:
        >>> is_plain_date(date(2024, 1, 2)), is_plain_date(datetime(2024, 1, 2))
        (True, False)
    """
    return isinstance(value, date) and not isinstance(value, datetime)


MAX_ECHO: Final = 80
"""The most characters of a bad value's repr an error message echoes."""

# A bounded repr: nested containers stop a few levels down (a list nested a
# thousand deep would otherwise overflow the stack) and long parts are cut.
_SHORT_REPR: Final = reprlib.Repr()
_SHORT_REPR.maxlevel = 3
_SHORT_REPR.maxstring = MAX_ECHO
_SHORT_REPR.maxother = MAX_ECHO
_SHORT_REPR.maxlong = MAX_ECHO


def _short_repr(value: object) -> tuple[str, int | None]:
    """The repr of ``value``, bounded, and the full length when it was cut."""
    try:
        if isinstance(value, str | bytes | bytearray):
            # Slice before repr: a 50 MB string is never copied into a message.
            if len(value) > MAX_ECHO:
                return repr(value[:MAX_ECHO]), len(value)
            return repr(value), None
        if isinstance(value, int) and value.bit_length() > 4 * MAX_ECHO:
            return f"<{value.bit_length()}-bit integer>", None
        return _SHORT_REPR.repr(value), None
    except Exception:  # a hostile __repr__ must not replace the real error
        return "<cannot be shown>", None


def describe(value: object) -> str:
    """A bad value as an error message shows it: its repr (cut short) and its type.

    A long value is cut to about [`MAX_ECHO`][billing_core._checks.MAX_ECHO]
    characters and its full length said, so a megabyte of bad input never
    becomes a megabyte of error message; a deeply nested value is shown a few
    levels down only, and a value whose ``repr`` fails is described by its type.
    Never use it for a field that holds protected health information: use
    [`describe_protected`][billing_core._checks.describe_protected] (or
    [`describe_field`][billing_core._checks.describe_field], which chooses).

    Examples:
        >>> describe("2024-01-02")
        "'2024-01-02' (str)"
        >>> describe("9" * 1000)[-30:]
        "9'... (str of 1000 characters)"
        >>> len(describe("9" * 10**6)) < 130
        True
        >>> deep: list[object] = []
        >>> for _ in range(10_000):
        ...     deep = [deep]
        >>> describe(deep)
        '[[[[...]]]] (list)'
    """
    text, length = _short_repr(value)
    name = type(value).__name__
    if length is not None:
        return f"{text}... ({name} of {length} characters)"
    if len(text) > MAX_ECHO:
        return f"{text[: MAX_ECHO - 1]}... ({name}, cut short)"
    return f"{text} ({name})"


def describe_protected(value: object) -> str:
    """A bad value of a protected field (name, birth date, member id...): its type only.

    Errors about protected health information name the field and the problem,
    never the value: messages end up in logs that are not cleared for it.

    Examples:
        >>> describe_protected("1980-05-17")
        'a str (value not shown: protected health information)'
    """
    name = type(value).__name__
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return f"{article} {name} (value not shown: protected health information)"


PROTECTED_FIELDS: Final = frozenset(
    {
        # names (a payer's or provider's name is hidden too: one simple rule)
        "name",
        "first_name",
        "middle_name",
        "last_name",
        # birth dates
        "birth_date",
        "date_of_birth",
        # member, subscriber, patient and guarantor identifiers
        "member_id",
        "subscriber_id",
        "patient_id",
        "guarantor_id",
        "medical_record_number",
        "ssn",
        # addresses and contact details
        "address",
        "address_lines",
        "street",
        "city",
        "postal_code",
        "phone",
        "email",
    }
)
"""Field names that hold protected health information wherever they appear.

The one list behind every error message about a field: a message about one of
these names the field and the problem, never the value."""

PROTECTED_OWNED_FIELDS: Final = frozenset(
    {
        ("Patient", "id"),
        ("Guarantor", "id"),
        ("Party", "id"),
        # an 835's names (remittance.ClaimParty) and payer references (a member id, a record number)
        ("ClaimParty", "identifier"),
        ("Reference", "value"),
    }
)
"""``(class name, field)`` pairs that are protected only in their class.

A patient's or guarantor's ``id`` is a patient identifier; an ``id`` elsewhere
(a bill's, an entry's) is not."""


def is_protected(field: str | None, owner: str | None = None) -> bool:
    """Whether a field (of the class named ``owner``, if known) holds protected information.

    Examples:
        >>> is_protected("birth_date"), is_protected("id", "Patient"), is_protected("id", "Bill")
        (True, True, False)
    """
    if field is None:
        return False
    return field in PROTECTED_FIELDS or (owner, field) in PROTECTED_OWNED_FIELDS


def describe_field(value: object, field: str | None, owner: str | None = None) -> str:
    """A bad value of the field ``field``, shown only if the field is not protected.

    [`describe`][billing_core._checks.describe] for an ordinary field, the type
    alone for a protected one (see [`is_protected`][billing_core._checks.is_protected]).

    Examples:
        >>> describe_field(19800517, "birth_date")
        'an int (value not shown: protected health information)'
        >>> describe_field(7, "units")
        '7 (int)'
    """
    if is_protected(field, owner):
        return describe_protected(value)
    return describe(value)


def date_findings(items: Iterable[object], location: str, rule: str) -> list[Finding]:
    """One finding per item that is not a plain date, located ``location[i]``.

    Examples:
        >>> [str(f) for f in date_findings([date(2024, 1, 2), "x"], "holidays", "holidays.date")]
        ["holidays[1]: not a datetime.date: 'x' (str)"]
    """
    return [
        Finding(
            location=f"{location}[{index}]",
            message=f"not a datetime.date: {describe(item)}",
            rule=rule,
        )
        for index, item in enumerate(items)
        if not is_plain_date(item)
    ]


def check_date(
    value: object, name: str, *, optional: bool = False, protected: bool = False
) -> None:
    r"""Refuse anything but a plain date (or ``None`` when ``optional``), naming the field.

    A ``protected`` date (a birth date, a date of service: dates about a
    patient identify them) is described by its type only.

    Raises:
        TypeError: If ``value`` is not a plain date: a ``datetime`` does not
            compare with a date, so it would fail later with a message that
            names no field.

    Examples:
        >>> check_date(date(2024, 1, 2), "as_of")
        >>> check_date(None, "paid_on", optional=True)
        >>> check_date(datetime(2024, 1, 2), "as_of")
        Traceback (most recent call last):
        ...
        TypeError: as_of must be a datetime.date, got datetime.datetime(2024, 1, 2, 0, 0) (datetime)
        >>> try:
        ...     check_date("1980-05-17", "patient.birth_date", protected=True)
        ... except TypeError as error:
        ...     print(str(error).replace(", got", ",\ngot"))
        patient.birth_date must be a datetime.date,
        got a str (value not shown: protected health information)
    """
    if is_plain_date(value) or (optional and value is None):
        return
    wanted = "a datetime.date or None" if optional else "a datetime.date"
    shown = describe_protected(value) if protected else describe(value)
    raise TypeError(f"{name} must be {wanted}, got {shown}")
