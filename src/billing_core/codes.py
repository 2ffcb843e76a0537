"""Code value types with format validation, and pluggable date-versioned code sets.

Every code type is a small frozen value: built from a string, validated on
construction, hashable, and printed in its canonical form by ``str()``. Only the
*format* is checked; whether a code exists on a date is a question for a
user-supplied [`CodeSet`][] (CPT descriptors are licensed by the AMA and
CARC/RARC lists change several times a year, so none are shipped).

Normalisation is limited to what each class documents: surrounding whitespace
is stripped and letters are upper-cased everywhere; ICD-10-CM dots and NDC
hyphens are removed; three-digit revenue codes are left-padded. Anything else
that does not fit raises [`InvalidCodeError`][billing_core.errors.InvalidCodeError] (a
``ValueError``) naming the value and what was expected. A value that is not a
``str`` raises ``TypeError``.

Examples:
    >>> from billing_core.codes import NPI, DiagnosisCode, ProcedureCode
    >>> str(ProcedureCode("CPT", "99213", ["25"]))
    '99213-25'
    >>> DiagnosisCode("e11.9") == DiagnosisCode("E119")
    True
    >>> NPI("1234567890")
    Traceback (most recent call last):
    ...
    billing_core.errors.InvalidCodeError: invalid NPI '1234567890': wrong check digit 0, expected 3
"""

from __future__ import annotations

import datetime
import enum
import re
from collections.abc import Iterable, Mapping
from typing import Any, Protocol, TypeAlias, runtime_checkable

import attrs

from billing_core.errors import Finding, InvalidCodeError, Severity

__all__ = [
    "CARC",
    "NDC",
    "NPI",
    "RARC",
    "CodeSet",
    "CodeSetEntry",
    "CodeSystem",
    "DiagnosisCode",
    "GroupCode",
    "PlaceOfService",
    "ProcedureCode",
    "RevenueCode",
    "StaticCodeSet",
    "TaxonomyCode",
    "check_code",
]

MAX_MODIFIERS = 4
"""The most modifiers one procedure code may carry (CMS-1500 / 837P SV101-3..6)."""

_CPT_RE = re.compile(r"\d{4}[0-9FTU]")
_HCPCS_RE = re.compile(r"[A-V]\d{4}")
_CDT_RE = re.compile(r"D\d{4}")
_MODIFIER_RE = re.compile(r"[0-9A-Z]{2}")
_REVENUE_RE = re.compile(r"\d{3,4}")
_NDC_HYPHENATED_RE = re.compile(r"(\d{4,5})-(\d{3,4})-(\d{1,2})")
_NDC_11_RE = re.compile(r"\d{11}")
_ICD10CM_RE = re.compile(r"([A-Z]\d[0-9A-Z])(?:\.?([0-9A-Z]{1,4}))?")
_NPI_RE = re.compile(r"[12]\d{9}")
_POS_RE = re.compile(r"\d{2}")
_TAXONOMY_RE = re.compile(r"\d{3}[0-9A-Z]{6}X")
_CARC_RE = re.compile(r"[1-9]\d{0,2}|[A-Z][0-9A-Z]{0,2}")
_RARC_RE = re.compile(r"M\d{1,3}|MA\d{1,3}|N\d{1,4}")


def _text(value: object, what: str) -> str:
    """Return ``value`` stripped and upper-cased; reject non-strings with TypeError."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__} ({value!r})")
    return value.strip().upper()


def _checked(value: object, what: str, pattern: re.Pattern[str], expected: str) -> str:
    text = _text(value, what)
    if pattern.fullmatch(text) is None:
        raise InvalidCodeError(f"invalid {what} {value!r}: expected {expected}")
    return text


class CodeSystem(enum.Enum):
    """The procedure coding system a [`ProcedureCode`][] belongs to.

    Attributes:
        CPT: AMA Current Procedural Terminology (HCPCS Level I): five
            characters, four digits then a digit, ``F`` (Category II), ``T``
            (Category III) or ``U`` (proprietary laboratory analyses).
        HCPCS: HCPCS Level II: a letter ``A``-``V`` then four digits.
        CDT: ADA Current Dental Terminology: ``D`` then four digits.

    Examples:
        >>> CodeSystem("HCPCS") is CodeSystem.HCPCS
        True
        >>> str(CodeSystem.CDT)
        'CDT'
    """

    CPT = "CPT"
    HCPCS = "HCPCS"
    CDT = "CDT"

    def __str__(self) -> str:
        return self.value


_SYSTEM_FORMATS: dict[CodeSystem, tuple[re.Pattern[str], str]] = {
    CodeSystem.CPT: (_CPT_RE, "4 digits then a digit, F, T or U (e.g. 99213, 0001F, 0042T)"),
    CodeSystem.HCPCS: (_HCPCS_RE, "a letter A-V then 4 digits (e.g. J1100)"),
    CodeSystem.CDT: (_CDT_RE, "D then 4 digits (e.g. D0120)"),
}


def _to_system(value: CodeSystem | str) -> CodeSystem:
    if isinstance(value, CodeSystem):
        return value
    text = _text(value, "code system")
    try:
        return CodeSystem(text)
    except ValueError:
        names = ", ".join(s.value for s in CodeSystem)
        raise InvalidCodeError(f"unknown code system {value!r}: expected one of {names}") from None


def _strip_upper(value: str) -> str:
    return _text(value, "procedure code")


def _to_modifiers(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise TypeError(
            f"modifiers must be a sequence of 2-character codes, not a single str ({value!r})"
        )
    mods = tuple(_checked(m, "modifier", _MODIFIER_RE, "2 letters or digits") for m in value)
    if len(mods) > MAX_MODIFIERS:
        raise InvalidCodeError(
            f"too many modifiers {mods!r}: {len(mods)} given, at most {MAX_MODIFIERS} allowed"
        )
    return mods


@attrs.frozen
class ProcedureCode:
    """A procedure code (CPT, HCPCS Level II or CDT) with up to four modifiers.

    The code is stripped and upper-cased, then checked against the format of
    its system; modifiers are stripped and upper-cased, must each be two
    letters or digits, and keep their order (pricing modifiers come first).
    ``system`` may be given as a [`CodeSystem`][] or its string value.

    Attributes:
        system: The coding system.
        code: The five-character code.
        modifiers: Zero to four two-character modifiers, in billing order.

    Examples:
        >>> pc = ProcedureCode(CodeSystem.CPT, "99213", ("25", "59"))
        >>> str(pc)
        '99213-25-59'
        >>> pc.without_modifiers()
        ProcedureCode(system=<CodeSystem.CPT: 'CPT'>, code='99213', modifiers=())
        >>> ProcedureCode("HCPCS", "99213")
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidCodeError: invalid HCPCS code '99213': expected a letter A-V then 4 digits (e.g. J1100)
    """  # noqa: E501

    system: CodeSystem = attrs.field(converter=_to_system)
    code: str = attrs.field(converter=_strip_upper)
    modifiers: tuple[str, ...] = attrs.field(default=(), converter=_to_modifiers)

    @code.validator
    def _check_code(self, _attribute: attrs.Attribute[str], value: str) -> None:
        pattern, expected = _SYSTEM_FORMATS[self.system]
        if pattern.fullmatch(value) is None:
            raise InvalidCodeError(
                f"invalid {self.system.value} code {value!r}: expected {expected}"
            )

    def __str__(self) -> str:
        if not self.modifiers:
            return self.code
        return "-".join((self.code, *self.modifiers))

    @classmethod
    def parse(cls, system: CodeSystem | str, text: str) -> ProcedureCode:
        """Parse the hyphenated form printed by ``str()``, e.g. ``"99213-25-59"``.

        Args:
            system: The coding system (the text alone cannot tell HCPCS ``D``
                codes from CDT).
            text: The code, optionally followed by ``-``-separated modifiers.

        Returns:
            The procedure code.

        Raises:
            InvalidCodeError: The code or a modifier is malformed, or there
                are more than four modifiers.

        Examples:
            >>> ProcedureCode.parse("CPT", "99213-25-59").modifiers
            ('25', '59')
        """
        code, *modifiers = _text(text, "procedure code").split("-")
        return cls(system, code, tuple(modifiers))

    def without_modifiers(self) -> ProcedureCode:
        """Return the same code with no modifiers (e.g. to match remittance lines).

        Examples:
            >>> str(ProcedureCode("HCPCS", "J1100", ["JW"]).without_modifiers())
            'J1100'
        """
        if not self.modifiers:
            return self
        return ProcedureCode(self.system, self.code)


def _to_revenue(value: str) -> str:
    text = _checked(value, "revenue code", _REVENUE_RE, "4 digits (or 3, padded to 4)")
    return text.zfill(4)


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
    text = _text(value, "NDC")
    if _NDC_11_RE.fullmatch(text):
        return text
    match = _NDC_HYPHENATED_RE.fullmatch(text)
    if match is not None:
        labeler, product, package = match.groups()
        shape = (len(labeler), len(product), len(package))
        if shape in {(4, 4, 2), (5, 3, 2), (5, 4, 1), (5, 4, 2)}:
            return labeler.zfill(5) + product.zfill(4) + package.zfill(2)
    if len(text) == 10 and text.isdigit():
        raise InvalidCodeError(
            f"ambiguous NDC {value!r}: 10 digits without hyphens could be 4-4-2, 5-3-2 or "
            "5-4-1; give the hyphenated form or the 11-digit 5-4-2 form"
        )
    raise InvalidCodeError(
        f"invalid NDC {value!r}: expected 11 digits or a hyphenated 4-4-2, 5-3-2, 5-4-1 "
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


def _to_icd(value: str) -> str:
    text = _text(value, "ICD-10-CM code")
    match = _ICD10CM_RE.fullmatch(text)
    if match is None:
        raise InvalidCodeError(
            f"invalid ICD-10-CM code {value!r}: expected a letter, a digit, a letter or digit, "
            "then optionally a dot and 1-4 letters or digits (e.g. E11.9)"
        )
    category, rest = match.groups()
    return category + (rest or "")


@attrs.frozen
class DiagnosisCode:
    """An ICD-10-CM diagnosis code, stored without its dot.

    Input may carry the dot after the third character or not; any other dot
    position is rejected.

    Attributes:
        code: The 3-7 characters without the dot, upper case (X12 form).

    Examples:
        >>> d = DiagnosisCode("e11.9")
        >>> d.code, d.dotted, str(d)
        ('E119', 'E11.9', 'E119')
        >>> DiagnosisCode("E1.19")
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidCodeError: invalid ICD-10-CM code 'E1.19': ...
    """

    code: str = attrs.field(converter=_to_icd)

    def __str__(self) -> str:
        return self.code

    @property
    def dotted(self) -> str:
        """The code with its dot after the category (third character), if it has more.

        Examples:
            >>> DiagnosisCode("S72001A").dotted, DiagnosisCode("I10").dotted
            ('S72.001A', 'I10')
        """
        c = self.code
        return c if len(c) == 3 else f"{c[:3]}.{c[3:]}"


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
    text = _checked(value, "NPI", _NPI_RE, "10 digits starting with 1 or 2")
    expected = _npi_check_digit(text[:9])
    if ord(text[9]) - 48 != expected:
        raise InvalidCodeError(
            f"invalid NPI {value!r}: wrong check digit {text[9]}, expected {expected}"
        )
    return text


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
    text = _checked(value, "place of service", _POS_RE, "2 digits from 01 to 99")
    if text == "00":
        raise InvalidCodeError(
            f"invalid place of service {value!r}: expected 2 digits from 01 to 99"
        )
    return text


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
    return _checked(
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


class GroupCode(enum.Enum):
    """A claim adjustment group code (835 CAS01): who bears an adjustment.

    Attributes:
        CO: Contractual obligation: reduced under the provider's contract or
            a regulation; written off, never billable to the patient.
        PR: Patient responsibility: deductible, coinsurance, copay and the
            like; moves to the next payer or to the patient.
        OA: Other adjustment: neither CO nor PR applies (e.g. prior payer
            paid, balancing).
        PI: Payer-initiated reduction: the payer reduced payment without a
            contract basis (e.g. medical review); not billable to the patient.
        CR: Correction and reversal: used only in the 4010 version of the
            835 and removed in 5010; accepted by [`parse`][] only with
            ``allow_legacy=True``.

    Examples:
        >>> GroupCode.parse("pr")
        <GroupCode.PR: 'PR'>
        >>> str(GroupCode.CO)
        'CO'
    """

    CO = "CO"
    PR = "PR"
    OA = "OA"
    PI = "PI"
    CR = "CR"

    def __str__(self) -> str:
        return self.value

    @property
    def is_legacy(self) -> bool:
        """Whether the group code exists only in the 4010 835 (``CR``).

        Examples:
            >>> GroupCode.CR.is_legacy, GroupCode.CO.is_legacy
            (True, False)
        """
        return self is GroupCode.CR

    @classmethod
    def parse(cls, value: str, *, allow_legacy: bool = False) -> GroupCode:
        """Parse a group code, rejecting the legacy ``CR`` unless allowed.

        Args:
            value: The code; stripped and upper-cased.
            allow_legacy: Accept ``CR`` (set it when reading 4010 data).

        Returns:
            The group code.

        Raises:
            InvalidCodeError: Unknown code, or ``CR`` without ``allow_legacy``.

        Examples:
            >>> GroupCode.parse("CR")
            Traceback (most recent call last):
            ...
            billing_core.errors.InvalidCodeError: group code 'CR' (correction and reversal) exists only in 4010 data; pass allow_legacy=True to accept it
            >>> GroupCode.parse("CR", allow_legacy=True)
            <GroupCode.CR: 'CR'>
        """  # noqa: E501
        text = _text(value, "group code")
        try:
            group = cls(text)
        except ValueError:
            raise InvalidCodeError(
                f"invalid group code {value!r}: expected one of CO, PR, OA, PI"
                + (" or CR" if allow_legacy else "")
            ) from None
        if group is GroupCode.CR and not allow_legacy:
            raise InvalidCodeError(
                f"group code {value!r} (correction and reversal) exists only in 4010 data; "
                "pass allow_legacy=True to accept it"
            )
        return group


def _to_carc(value: str) -> str:
    return _checked(
        value,
        "claim adjustment reason code",
        _CARC_RE,
        "1-3 digits without a leading zero, or a letter and up to 2 letters or digits "
        "(e.g. 45, B7)",
    )


@attrs.frozen
class CARC:
    """A claim adjustment reason code (835 CAS02), format only.

    Numeric codes have no leading zero (``"045"`` is rejected, not trimmed);
    alphanumeric ones start with a letter (``A1``, ``B7``, ``P12``, ``W1``).

    Attributes:
        code: The code, upper case.

    Examples:
        >>> str(CARC("45")), str(CARC("b7"))
        ('45', 'B7')
        >>> CARC("045")
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidCodeError: invalid claim adjustment reason code '045': ...
    """

    code: str = attrs.field(converter=_to_carc)

    def __str__(self) -> str:
        return self.code


def _to_rarc(value: str) -> str:
    return _checked(
        value,
        "remittance advice remark code",
        _RARC_RE,
        "M or MA and 1-3 digits, or N and 1-4 digits (e.g. M15, MA130, N362)",
    )


@attrs.frozen
class RARC:
    """A remittance advice remark code (835 LQ02 / MOA / MIA), format only.

    Attributes:
        code: The code, upper case.

    Examples:
        >>> str(RARC("ma130"))
        'MA130'
    """

    code: str = attrs.field(converter=_to_rarc)

    def __str__(self) -> str:
        return self.code


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


def _check_entry_dates(
    instance: CodeSetEntry, _attribute: attrs.Attribute[Any], value: datetime.date | None
) -> None:
    if value is not None and value < instance.start:
        raise InvalidCodeError(
            f"code set entry {instance.code!r}: end {value.isoformat()} is before "
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
        >>> e = CodeSetEntry("N362", datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
        >>> e.covers(datetime.date(2024, 12, 31)), e.covers(datetime.date(2025, 1, 1))
        (True, False)
    """

    code: str
    start: datetime.date
    end: datetime.date | None = attrs.field(default=None, validator=_check_entry_dates)
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


def check_code(
    code_set: CodeSet, code: _AnyCode, on: datetime.date, *, location: str
) -> Finding | None:
    """Check a code against a plugged code set; unknown codes give a warning, not an error.

    Args:
        code_set: The user-supplied code set.
        code: A code value or its canonical string. A [`ProcedureCode`][] is
            looked up without its modifiers.
        on: The date the code must be valid on (usually the date of service).
        location: Where the code is, for the finding (e.g. ``"line 2.procedure"``).

    Returns:
        ``None`` if the set contains the code on that date, else a
        `WARNING` finding with rule
        ``"codes.unknown_in_code_set"``.

    Examples:
        >>> rarcs = StaticCodeSet("RARC", [CodeSetEntry("N362", datetime.date(2010, 1, 1))])
        >>> check_code(rarcs, RARC("N362"), datetime.date(2024, 1, 2), location="line 1") is None
        True
        >>> print(check_code(rarcs, "N999", datetime.date(2024, 1, 2), location="line 1.remarks"))
        line 1.remarks: code 'N999' is not in code set 'RARC' on 2024-01-02 (warning)
    """
    key = code.code if isinstance(code, ProcedureCode) else str(code)
    if code_set.contains(key, on):
        return None
    return Finding(
        location=location,
        message=f"code {key!r} is not in code set {code_set.name!r} on {on.isoformat()}",
        severity=Severity.WARNING,
        rule="codes.unknown_in_code_set",
    )
