"""The codes a claim carries besides the procedure: revenue, drug, diagnosis, place, provider.

Each is a small frozen value built from a string, validated on construction,
hashable, and printed in its canonical form by ``str()``. Only the *format* is
checked (whether a code exists on a date is a question for a
[`CodeSet`][billing_core.codes.CodeSet]). Surrounding whitespace is
stripped and letters upper-cased; ICD-10-CM dots and NDC hyphens are removed;
three-digit revenue codes are left-padded.

Examples:
    >>> from billing_core.codes import DiagnosisCode, NDC
    >>> NDC("1234-5678-90").code, DiagnosisCode("e11.9").dotted
    ('01234567890', 'E11.9')
"""

from __future__ import annotations

import datetime
import enum
import re
from typing import Final

import attrs

from billing_core._checks import describe
from billing_core.codes._format import checked, clean, shown
from billing_core.errors import InvalidCodeError

__all__ = [
    "ICD10CM_START",
    "NDC",
    "NPI",
    "DiagnosisCode",
    "DiagnosisSystem",
    "PlaceOfService",
    "RevenueCode",
    "TaxonomyCode",
]

_REVENUE_RE = re.compile(r"[0-9]{3,4}")
_NDC_HYPHENATED_RE = re.compile(r"([0-9]{4,5})-([0-9]{3,4})-([0-9]{1,2})")
_NDC_11_RE = re.compile(r"[0-9]{11}")
_ICD10CM_RE = re.compile(r"([A-Z][0-9][0-9A-Z])(?:\.?([0-9A-Z]{1,4}))?")
_NPI_RE = re.compile(r"[12][0-9]{9}")
_POS_RE = re.compile(r"[0-9]{2}")
_TAXONOMY_RE = re.compile(r"[0-9]{3}[0-9A-Z]{6}X")


def _to_revenue(value: str) -> str:
    code = checked(value, "revenue code", _REVENUE_RE, "4 digits (or 3, padded to 4)")
    return code.zfill(4)


@attrs.frozen
class RevenueCode:
    """A UB-04 revenue code: four digits.

    A three-digit code (as printed on older forms or lost its leading zero in
    a spreadsheet) is left-padded with ``0``.

    Attributes:
        code: The four digits.

    Examples:
        >>> str(RevenueCode("450"))
        '0450'
        >>> RevenueCode("45")
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidCodeError: invalid revenue code '45': expected 4 digits (or 3, padded to 4)
    """  # noqa: E501

    code: str = attrs.field(converter=_to_revenue)

    def __str__(self) -> str:
        return self.code


def _to_ndc(value: str) -> str:
    code = clean(value, "NDC")
    if _NDC_11_RE.fullmatch(code):
        return code
    match = _NDC_HYPHENATED_RE.fullmatch(code)
    if match is not None:
        labeler, product, package = match.groups()
        shape = (len(labeler), len(product), len(package))
        if shape in {(4, 4, 2), (5, 3, 2), (5, 4, 1), (5, 4, 2)}:
            return labeler.zfill(5) + product.zfill(4) + package.zfill(2)
    if len(code) == 10 and code.isdigit():
        raise InvalidCodeError(
            f"ambiguous NDC {shown(value)}: 10 digits without hyphens could be 4-4-2, 5-3-2 or "
            "5-4-1; give the hyphenated form or the 11-digit 5-4-2 form"
        )
    raise InvalidCodeError(
        f"invalid NDC {shown(value)}: expected 11 digits or a hyphenated 4-4-2, 5-3-2, 5-4-1 "
        "or 5-4-2 form"
    )


@attrs.frozen
class NDC:
    """A National Drug Code, normalised to the 11-digit 5-4-2 (HIPAA) form.

    Accepts the 10-digit FDA forms with hyphens (4-4-2, 5-3-2, 5-4-1: the
    short segment is padded with a leading zero), the hyphenated 5-4-2 form
    and 11 plain digits. Ten digits without hyphens are rejected because the
    segment that needs padding cannot be known.

    Attributes:
        code: The 11 digits.

    Examples:
        >>> NDC("1234-5678-90").code
        '01234567890'
        >>> NDC("12345-678-90").hyphenated
        '12345-0678-90'
        >>> str(NDC("12345-6789-0"))
        '12345678900'
        >>> NDC("1234567890")
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidCodeError: ambiguous NDC '1234567890': ...
    """

    code: str = attrs.field(converter=_to_ndc)

    def __str__(self) -> str:
        return self.code

    @property
    def hyphenated(self) -> str:
        """The 11 digits as labeler-product-package, 5-4-2.

        Examples:
            >>> NDC("01234567890").hyphenated
            '01234-5678-90'
        """
        c = self.code
        return f"{c[:5]}-{c[5:9]}-{c[9:]}"


class DiagnosisSystem(enum.Enum):
    """The classification a diagnosis code belongs to.

    HIPAA transactions code diagnoses in ICD-10-CM for services on or after
    [`ICD10CM_START`][billing_core.codes.ICD10CM_START] (2015-10-01) and in
    ICD-9-CM before it (for a hospital inpatient stay, the discharge date
    decides).

    Examples:
        >>> DiagnosisSystem("ICD-9-CM")
        <DiagnosisSystem.ICD9CM: 'ICD-9-CM'>
    """

    ICD10CM = "ICD-10-CM"
    """ICD-10-CM: a letter, a digit, a letter or digit, then up to 4 more (e.g. E11.9)."""
    ICD9CM = "ICD-9-CM"
    """ICD-9-CM: 3 digits, ``V`` and 2 digits, or ``E`` and 3 digits, then up to 2 more."""

    def __str__(self) -> str:
        return self.value


ICD10CM_START: Final = datetime.date(2015, 10, 1)
"""The first date of service coded in ICD-10-CM; services before it are coded in ICD-9-CM."""

_ICD9_NUMERIC_RE = re.compile(r"([0-9]{3}|V[0-9]{2})(?:\.?([0-9]{1,2}))?")
_ICD9_E_RE = re.compile(r"(E[0-9]{3})(?:\.?([0-9]))?")


def _to_icd10(value: str, given: str) -> str:
    code = clean(value, "ICD-10-CM code")
    match = _ICD10CM_RE.fullmatch(code)
    if match is None:
        raise InvalidCodeError(
            f"invalid ICD-10-CM code {shown(given)}: expected a letter, a digit, a letter or"
            " digit, then optionally a dot and 1-4 letters or digits (e.g. E11.9)"
        )
    category, rest = match.groups()
    return category + (rest or "")


def _to_icd9(value: str, given: str) -> str:
    code = clean(value, "ICD-9-CM code")
    # E codes (external causes) have a 4-character category and one digit after the
    # decimal; the others a 3-character category and up to two (ICD-9-CM tabular list).
    match = (_ICD9_E_RE if code[:1] == "E" else _ICD9_NUMERIC_RE).fullmatch(code)
    if match is None:
        raise InvalidCodeError(
            f"invalid ICD-9-CM code {shown(given)}: expected 3 digits or V and 2 digits, then"
            " optionally a dot and 1-2 digits (e.g. 250.00, V70.0), or E and 3 digits, then"
            " optionally a dot and 1 digit (e.g. E849.7)"
        )
    category, rest = match.groups()
    return category + (rest or "")


_PARSERS: Final = {DiagnosisSystem.ICD10CM: _to_icd10, DiagnosisSystem.ICD9CM: _to_icd9}
_PREFIX: Final = ":"


def _system_of(value: object, system: DiagnosisSystem | str | None) -> tuple[DiagnosisSystem, str]:
    """The system and the bare code of a text that may start with ``"ICD-9-CM:"``."""
    given = None if system is None else _to_system(system)
    if not isinstance(value, str):
        what = (given or DiagnosisSystem.ICD10CM).value
        raise TypeError(f"{what} code must be a str, got {describe(value)}")
    head, colon, tail = value.partition(_PREFIX)
    if not colon:
        return given or DiagnosisSystem.ICD10CM, value
    named = _SYSTEMS.get(head.strip().upper())
    if named is None or (given is not None and given is not named):
        expected = "ICD-9-CM: or ICD-10-CM:" if given is None else f"{given.value}: or none"
        raise InvalidCodeError(
            f"invalid diagnosis code {shown(value)}: the prefix must be {expected}"
        )
    return named, tail


def _to_system(value: DiagnosisSystem | str) -> DiagnosisSystem:
    if isinstance(value, DiagnosisSystem):
        return value
    found = _SYSTEMS.get(value.strip().upper()) if isinstance(value, str) else None
    if found is None:
        raise InvalidCodeError(
            f"unknown diagnosis code system {shown(value)}: expected ICD-10-CM or ICD-9-CM"
        )
    return found


_SYSTEMS: Final = {s.value: s for s in DiagnosisSystem}


@attrs.frozen(init=False)
class DiagnosisCode:
    """A diagnosis code, ICD-10-CM unless told otherwise, stored without its dot.

    Input may carry the dot after the category (the third character; the
    fourth of an ICD-9-CM ``E`` code) or not; any other dot position is
    rejected. An ICD-9-CM code (claims for services before 2015-10-01) says
    so with ``system``, or with the prefix ``"ICD-9-CM:"`` in its text: that
    prefixed text is also what ``str()`` gives, so ``DiagnosisCode(str(d)) ==
    d`` for every code, and strings in a claim's list of diagnoses may carry
    it. An ICD-10-CM code prints bare, as before.

    Attributes:
        code: The characters without the dot, upper case (the X12 form).
        system: The classification (a ``str`` such as ``"ICD-9-CM"`` is
            parsed); ICD-10-CM by default.

    Examples:
        >>> d = DiagnosisCode("e11.9")
        >>> d.code, d.dotted, str(d), d.system.value
        ('E119', 'E11.9', 'E119', 'ICD-10-CM')
        >>> old = DiagnosisCode("250.00", system="ICD-9-CM")
        >>> old.code, old.dotted, str(old), old == DiagnosisCode("ICD-9-CM:25000")
        ('25000', '250.00', 'ICD-9-CM:25000', True)
        >>> DiagnosisCode("E849.7", DiagnosisSystem.ICD9CM).dotted
        'E849.7'
        >>> DiagnosisCode("E1.19")
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidCodeError: invalid ICD-10-CM code 'E1.19': ...
    """

    code: str
    system: DiagnosisSystem

    def __init__(self, code: str, system: DiagnosisSystem | str | None = None) -> None:
        found, text = _system_of(code, system)
        object.__setattr__(self, "code", _PARSERS[found](text, code))
        object.__setattr__(self, "system", found)

    def __str__(self) -> str:
        if self.system is DiagnosisSystem.ICD10CM:
            return self.code
        return f"{self.system.value}{_PREFIX}{self.code}"

    def __repr__(self) -> str:
        if self.system is DiagnosisSystem.ICD10CM:
            return f"DiagnosisCode(code={self.code!r})"
        return f"DiagnosisCode(code={self.code!r}, system={self.system!r})"

    def __reduce__(self) -> tuple[type[DiagnosisCode], tuple[str, DiagnosisSystem]]:
        return (DiagnosisCode, (self.code, self.system))

    def __setstate__(self, state: dict[str, object]) -> None:
        # A code pickled before ICD-9-CM was supported holds its code alone.
        object.__setattr__(self, "code", state["code"])
        object.__setattr__(self, "system", state.get("system", DiagnosisSystem.ICD10CM))

    @property
    def dotted(self) -> str:
        """The code with its dot after the category, if it has more characters.

        Examples:
            >>> DiagnosisCode("S72001A").dotted, DiagnosisCode("I10").dotted
            ('S72.001A', 'I10')
            >>> DiagnosisCode("ICD-9-CM:4019").dotted, DiagnosisCode("ICD-9-CM:E8889").dotted
            ('401.9', 'E888.9')
        """
        c = self.code
        size = 4 if self.system is DiagnosisSystem.ICD9CM and c[0] == "E" else 3
        return c if len(c) == size else f"{c[:size]}.{c[size:]}"


def _npi_check_digit(first9: str) -> int:
    """Luhn check digit of ``"80840" + first9`` (the NPI card-issuer prefix)."""
    total = 24  # the doubled-and-summed contribution of the constant prefix 80840
    for i, ch in enumerate(first9):
        d = ord(ch) - 48
        if i % 2 == 0:  # rightmost payload digit is doubled, so even indexes of 9
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def _to_npi(value: str) -> str:
    code = checked(value, "NPI", _NPI_RE, "10 digits starting with 1 or 2")
    expected = _npi_check_digit(code[:9])
    if ord(code[9]) - 48 != expected:
        raise InvalidCodeError(
            f"invalid NPI {shown(value)}: wrong check digit {code[9]}, expected {expected}"
        )
    return code


@attrs.frozen
class NPI:
    """A National Provider Identifier: 10 digits with a Luhn check digit.

    The first digit is 1 (individual) or 2 (organisation); the last is the
    Luhn check digit computed over ``80840`` followed by the first nine digits.

    Attributes:
        code: The 10 digits.

    Examples:
        >>> str(NPI(" 1234567893 "))
        '1234567893'
        >>> NPI("3234567893")
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidCodeError: invalid NPI '3234567893': expected 10 digits starting with 1 or 2
    """  # noqa: E501

    code: str = attrs.field(converter=_to_npi)

    def __str__(self) -> str:
        return self.code


def _to_pos(value: str) -> str:
    code = checked(value, "place of service", _POS_RE, "2 digits from 01 to 99")
    if code == "00":
        raise InvalidCodeError(
            f"invalid place of service {shown(value)}: expected 2 digits from 01 to 99"
        )
    return code


@attrs.frozen
class PlaceOfService:
    """A CMS place-of-service code: two digits, ``01`` to ``99``.

    A single digit is not padded (``"1"`` is rejected), since a lost leading
    zero usually means the data went through a numeric column.

    Attributes:
        code: The two digits.

    Examples:
        >>> str(PlaceOfService("11"))
        '11'
        >>> PlaceOfService("00")
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidCodeError: invalid place of service '00': expected 2 digits from 01 to 99
    """  # noqa: E501

    code: str = attrs.field(converter=_to_pos)

    def __str__(self) -> str:
        return self.code


def _to_taxonomy(value: str) -> str:
    return checked(
        value,
        "taxonomy code",
        _TAXONOMY_RE,
        "3 digits, 6 letters or digits, then X (e.g. 207Q00000X)",
    )


@attrs.frozen
class TaxonomyCode:
    """A NUCC health care provider taxonomy code: 10 characters ending in ``X``.

    Attributes:
        code: The 10 characters, upper case.

    Examples:
        >>> str(TaxonomyCode("207q00000x"))
        '207Q00000X'
    """

    code: str = attrs.field(converter=_to_taxonomy)

    def __str__(self) -> str:
        return self.code
