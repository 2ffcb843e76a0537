"""Pluggable, date-versioned code sets, and the check of a code against one.

The library never ships code lists (CPT descriptors are licensed by the AMA;
CARC/RARC lists change several times a year): implement
[`CodeSet`][billing_core.codes.CodeSet] over your own data, or use a
[`StaticCodeSet`][billing_core.codes.StaticCodeSet].

Examples:
    >>> import datetime
    >>> from billing_core.codes import CodeSetEntry, StaticCodeSet, validate_code
    >>> carcs = StaticCodeSet("CARC", [CodeSetEntry("45", datetime.date(2000, 1, 1))])
    >>> validate_code(carcs, "45", datetime.date(2024, 1, 2), location="line 1")
    ()
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any, Protocol, TypeAlias, runtime_checkable

import attrs

from billing_core._checks import is_plain_date
from billing_core.codes._adjustments import CARC, RARC
from billing_core.codes._claim import (
    NDC,
    NPI,
    DiagnosisCode,
    PlaceOfService,
    RevenueCode,
    TaxonomyCode,
)
from billing_core.codes._format import shown
from billing_core.codes._procedures import ProcedureCode
from billing_core.errors import Finding, InvalidCodeError, Severity

__all__ = ["CodeSet", "CodeSetEntry", "StaticCodeSet", "validate_code"]


@runtime_checkable
class CodeSet(Protocol):
    """A user-supplied, date-versioned list of codes (CPT, CARC, RARC, ...).

    The library never ships these lists; implement this protocol over your
    licensed or downloaded data, or use [`StaticCodeSet`][]. Codes are
    passed in their canonical ``str()`` form (for a [`ProcedureCode`][],
    the code without modifiers).

    Examples:
        >>> isinstance(StaticCodeSet("CARC", []), CodeSet)
        True
    """

    @property
    def name(self) -> str:
        """A name for the set, used in findings (e.g. ``"CARC 2024-07"``)."""
        ...

    def contains(self, code: str, on: datetime.date) -> bool:
        """Whether ``code`` is valid on the date ``on``."""
        ...


def _check_code_text(
    _instance: CodeSetEntry, _attribute: attrs.Attribute[Any], value: object
) -> None:
    if not isinstance(value, str):
        raise TypeError(f"code set entry code must be a str, got {shown(value)}")


def _check_start(_instance: CodeSetEntry, _attribute: attrs.Attribute[Any], value: object) -> None:
    if not is_plain_date(value):
        raise TypeError(f"code set entry start must be a datetime.date, got {shown(value)}")


def _check_end(
    instance: CodeSetEntry, _attribute: attrs.Attribute[Any], value: datetime.date | None
) -> None:
    if value is None:
        return
    if not is_plain_date(value):
        raise TypeError(f"code set entry end must be a datetime.date or None, got {shown(value)}")
    if value < instance.start:
        raise InvalidCodeError(
            f"code set entry {shown(instance.code)}: end {value.isoformat()} is before "
            f"start {instance.start.isoformat()}"
        )


@attrs.frozen
class CodeSetEntry:
    """One code's validity period in a [`StaticCodeSet`][].

    Attributes:
        code: The code in canonical form (as ``str()`` of the code type prints it).
        start: First day the code is valid.
        end: Last day the code is valid (inclusive), or ``None`` if still open.
        description: Optional text (your licensed descriptor, if any).

    Examples:
        >>> import datetime
        >>> e = CodeSetEntry("N362", datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
        >>> e.covers(datetime.date(2024, 12, 31)), e.covers(datetime.date(2025, 1, 1))
        (True, False)
    """

    code: str = attrs.field(validator=_check_code_text)
    start: datetime.date = attrs.field(validator=_check_start)
    end: datetime.date | None = attrs.field(default=None, validator=_check_end)
    description: str = ""

    def covers(self, on: datetime.date) -> bool:
        """Whether the entry is in effect on ``on`` (both ends inclusive)."""
        return self.start <= on and (self.end is None or on <= self.end)


class StaticCodeSet:
    """An in-memory [`CodeSet`][] built from [`CodeSetEntry`][] values.

    A code may have several entries (e.g. terminated and later reinstated);
    it is contained on a date if any of its entries covers that date. Codes
    are matched exactly, so give them in canonical form.

    Args:
        name: The set's name, used in findings.
        entries: The entries; either [`CodeSetEntry`][] values or a mapping
            of code to ``(start, end)``.

    Examples:
        >>> import datetime
        >>> carcs = StaticCodeSet("CARC", [CodeSetEntry("45", datetime.date(2000, 1, 1))])
        >>> carcs.contains("45", datetime.date(2024, 5, 1))
        True
        >>> carcs.contains("45", datetime.date(1999, 12, 31))
        False
        >>> StaticCodeSet("POS", {"11": (datetime.date(2003, 1, 1), None)}).entries
        (CodeSetEntry(code='11', start=datetime.date(2003, 1, 1), end=None, description=''),)
    """

    __slots__ = ("_by_code", "_entries", "_name")

    def __init__(
        self,
        name: str,
        entries: Iterable[CodeSetEntry] | Mapping[str, tuple[datetime.date, datetime.date | None]],
    ) -> None:
        if isinstance(entries, Mapping):
            items = tuple(CodeSetEntry(code, start, end) for code, (start, end) in entries.items())
        else:
            items = tuple(entries)
        by_code: dict[str, list[CodeSetEntry]] = {}
        for entry in items:
            by_code.setdefault(entry.code, []).append(entry)
        self._name = name
        self._entries = items
        self._by_code = {code: tuple(es) for code, es in by_code.items()}

    @property
    def name(self) -> str:
        """The set's name."""
        return self._name

    @property
    def entries(self) -> tuple[CodeSetEntry, ...]:
        """Every entry, in the order given."""
        return self._entries

    def contains(self, code: str, on: datetime.date) -> bool:
        """Whether ``code`` has an entry covering ``on``.

        Args:
            code: The code in canonical form.
            on: The date of service (or whatever date the caller checks on).

        Returns:
            True if some entry of ``code`` covers ``on``.
        """
        return any(e.covers(on) for e in self._by_code.get(code, ()))

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"StaticCodeSet(name={self._name!r}, {len(self._entries)} entries)"


_AnyCode: TypeAlias = (
    "str | ProcedureCode | RevenueCode | NDC | DiagnosisCode | NPI | PlaceOfService "
    "| TaxonomyCode | CARC | RARC"
)


def validate_code(
    code_set: CodeSet, code: _AnyCode, on: datetime.date, *, location: str
) -> tuple[Finding, ...]:
    """Check a code against a plugged code set; an unknown code is a warning, not an error.

    Args:
        code_set: The user-supplied code set.
        code: A code value or its canonical string. A
            [`ProcedureCode`][billing_core.codes.ProcedureCode] is looked up
            without its modifiers, a [`DiagnosisCode`][billing_core.codes.DiagnosisCode]
            by its code alone (a code set holds one system's codes).
        on: The date the code must be valid on (usually the date of service).
        location: Where the code is, for the finding (e.g. ``"line 2.procedure"``).

    Returns:
        No finding if the set contains the code on that date, else one
        `WARNING` finding with rule ``"codes.unknown_in_code_set"``.

    Examples:
        >>> import datetime
        >>> rarcs = StaticCodeSet("RARC", [CodeSetEntry("N362", datetime.date(2010, 1, 1))])
        >>> validate_code(rarcs, RARC("N362"), datetime.date(2024, 1, 2), location="line 1")
        ()
        >>> for finding in validate_code(
        ...     rarcs, "N999", datetime.date(2024, 1, 2), location="line 1.remarks"
        ... ):
        ...     print(finding)
        line 1.remarks: code 'N999' is not in code set 'RARC' on 2024-01-02 (warning)
    """
    key = code.code if isinstance(code, ProcedureCode | DiagnosisCode) else str(code)
    if code_set.contains(key, on):
        return ()
    finding = Finding(
        location=location,
        message=f"code {shown(key)} is not in code set {shown(code_set.name)} on {on.isoformat()}",
        severity=Severity.WARNING,
        rule="codes.unknown_in_code_set",
    )
    return (finding,)
