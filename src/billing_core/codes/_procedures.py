"""Procedure codes: CPT, HCPCS Level II and CDT, with modifiers and X12 qualifiers.

A [`ProcedureCode`][billing_core.codes.ProcedureCode] names its
coding system first (``ProcedureCode("CPT", "99213")``); given the code alone
(``ProcedureCode("99213")``) the system is read from the code's shape with
[`infer_code_system`][billing_core.codes.infer_code_system]. In X12
claims and remittances a code travels with a product/service id qualifier
(``HC:99213``, ``AD:D0120``):
[`ProcedureCode.from_x12`][billing_core.codes.ProcedureCode.from_x12]
reads one and
[`x12_qualifier`][billing_core.codes.ProcedureCode.x12_qualifier]
gives it back.

Examples:
    >>> from billing_core.codes import ProcedureCode
    >>> ProcedureCode("99213").system, ProcedureCode("J1100").system
    (<CodeSystem.CPT: 'CPT'>, <CodeSystem.HCPCS: 'HCPCS'>)
    >>> str(ProcedureCode.from_x12("HC", "99213", ["25"]))
    '99213-25'
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sized
from itertools import islice
from types import MappingProxyType
from typing import Final

import attrs

from billing_core._checks import describe
from billing_core.codes._format import checked, clean, shown
from billing_core.errors import InvalidCodeError

__all__ = [
    "MAX_MODIFIERS",
    "X12_PROCEDURE_SYSTEMS",
    "X12_PRODUCT_QUALIFIERS",
    "CodeSystem",
    "ProcedureCode",
    "infer_code_system",
    "system_from_x12",
]

MAX_MODIFIERS = 4
"""The most modifiers one procedure code may carry (CMS-1500 / 837P SV101-3..6)."""

_CPT_RE = re.compile(r"[0-9]{4}[0-9FTU]")
_HCPCS_RE = re.compile(r"[A-V][0-9]{4}")
_CDT_RE = re.compile(r"D[0-9]{4}")
_MODIFIER_RE = re.compile(r"[0-9A-Z]{2}")


class CodeSystem(enum.Enum):
    """The procedure coding system a [`ProcedureCode`][billing_core.codes.ProcedureCode] belongs to.

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

_EXAMPLES: Final = {CodeSystem.CPT: "99213", CodeSystem.HCPCS: "J1100", CodeSystem.CDT: "D0120"}

X12_PRODUCT_QUALIFIERS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "AD": "American Dental Association (CDT) procedure codes",
        "ER": "jurisdiction-specific procedure and supply codes",
        "HC": "HCPCS codes: Level I (CPT) and Level II",
        "HP": "HIPPS skilled nursing facility rate codes",
        "IV": "Home Infusion EDI Coalition (HIEC) product/service codes",
        "N4": "National Drug Codes in 5-4-2 format",
        "NU": "NUBC revenue codes",
        "WK": "Advanced Billing Concepts (ABC) codes",
        "ZZ": "mutually defined codes",
    }
)
"""X12 product/service id qualifiers (element 235) of health care claims and
remittances (837 SV1/SV2/SV3, 835 SVC), and what each names."""

X12_PROCEDURE_SYSTEMS: Final[Mapping[str, tuple[CodeSystem, ...]]] = MappingProxyType(
    {"HC": (CodeSystem.CPT, CodeSystem.HCPCS), "AD": (CodeSystem.CDT,)}
)
"""The qualifiers that name procedure codes, and the coding systems each may hold.

``HC`` covers both levels of HCPCS, so the code's shape tells CPT from Level II;
``AD`` is CDT. The other qualifiers of
[`X12_PRODUCT_QUALIFIERS`][billing_core.codes.X12_PRODUCT_QUALIFIERS]
name drugs (``N4``: an [`NDC`][billing_core.codes.NDC]), revenue codes
(``NU``: a [`RevenueCode`][billing_core.codes.RevenueCode]) or code lists
this library does not model."""

# Where a qualifier that is not a procedure code points the caller instead.
_NOT_PROCEDURES: Final[Mapping[str, str]] = MappingProxyType(
    {"N4": "build an NDC(...) for it", "NU": "build a RevenueCode(...) for it"}
)


def _to_system(value: CodeSystem | str) -> CodeSystem:
    if isinstance(value, CodeSystem):
        return value
    name = clean(value, "code system")
    try:
        return CodeSystem(name)
    except ValueError:
        names = ", ".join(s.value for s in CodeSystem)
        raise InvalidCodeError(
            f"unknown code system {shown(value)}: expected one of {names}"
        ) from None


def infer_code_system(code: str) -> CodeSystem:
    """The coding system a procedure code's shape says it belongs to.

    Five digits, or four digits then ``F``, ``T`` or ``U``, is CPT; ``D`` and
    four digits is CDT (the dental range of HCPCS Level II is the ADA's CDT, so
    a bare ``D0120`` is read as CDT; give ``"HCPCS"`` explicitly, or read it
    with [`ProcedureCode.from_x12`][billing_core.codes.ProcedureCode.from_x12]
    and qualifier ``HC``, to keep it as HCPCS); any other letter ``A``-``V``
    and four digits is HCPCS Level II.

    Args:
        code: The code, without modifiers; stripped and upper-cased.

    Returns:
        The coding system.

    Raises:
        InvalidCodeError: If the shape fits no system, or ``code`` is a
            system's name (the system comes first: ``ProcedureCode("CPT", "99213")``).
        TypeError: If ``code`` is not a str.

    Examples:
        >>> [infer_code_system(c).value for c in ("99213", "0042T", "J1100", "D0120")]
        ['CPT', 'CPT', 'HCPCS', 'CDT']
        >>> infer_code_system("9921")
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidCodeError: cannot tell the coding system of procedure code '9921': ...
    """  # noqa: E501
    shape = clean(code, "procedure code")
    if _CPT_RE.fullmatch(shape):
        return CodeSystem.CPT
    if _CDT_RE.fullmatch(shape):
        return CodeSystem.CDT
    if _HCPCS_RE.fullmatch(shape):
        return CodeSystem.HCPCS
    if shape in CodeSystem.__members__:
        raise InvalidCodeError(
            f"procedure code {shown(code)} is a coding system, not a code: the system comes"
            f" first, then the code, e.g. ProcedureCode({shape!r},"
            f" {_EXAMPLES[CodeSystem(shape)]!r})"
        )
    raise InvalidCodeError(
        f"cannot tell the coding system of procedure code {shown(code)}: CPT is 4 digits then"
        " a digit, F, T or U; HCPCS a letter A-V then 4 digits; CDT D then 4 digits; or give"
        " the system first, e.g. ProcedureCode('CPT', '99213')"
    )


def system_from_x12(qualifier: str, code: str) -> CodeSystem:
    """The coding system of ``code`` sent with the X12 product/service id ``qualifier``.

    Args:
        qualifier: The X12 qualifier (``"HC"``, ``"AD"``, ...); stripped and upper-cased.
        code: The code it qualifies.

    Returns:
        ``CPT`` or ``HCPCS`` for ``HC`` (by the code's shape), ``CDT`` for ``AD``.

    Raises:
        InvalidCodeError: If the qualifier is unknown, names something other
            than procedure codes (``N4`` drugs, ``NU`` revenue codes, ...), or
            the code's shape does not fit the qualifier.

    Examples:
        >>> system_from_x12("HC", "99213"), system_from_x12("HC", "D0120")
        (<CodeSystem.CPT: 'CPT'>, <CodeSystem.HCPCS: 'HCPCS'>)
        >>> system_from_x12("N4", "12345678901")
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidCodeError: X12 qualifier 'N4' names National Drug Codes in 5-4-2 format, not procedure codes: build an NDC(...) for it
    """  # noqa: E501
    name = clean(qualifier, "X12 product/service id qualifier")
    systems = X12_PROCEDURE_SYSTEMS.get(name)
    if systems is None:
        if name in X12_PRODUCT_QUALIFIERS:
            hint = _NOT_PROCEDURES.get(name, "billing_core has no code type for them")
            raise InvalidCodeError(
                f"X12 qualifier {name!r} names {X12_PRODUCT_QUALIFIERS[name]}, not procedure"
                f" codes: {hint}"
            )
        known = ", ".join(sorted(X12_PRODUCT_QUALIFIERS))
        raise InvalidCodeError(
            f"unknown X12 product/service id qualifier {shown(qualifier)}: expected one of {known}"
        )
    shape = clean(code, "procedure code")
    for system in systems:
        if _SYSTEM_FORMATS[system][0].fullmatch(shape):
            return system
    expected = "; ".join(f"{s.value}: {_SYSTEM_FORMATS[s][1]}" for s in systems)
    raise InvalidCodeError(
        f"procedure code {shown(code)} does not fit X12 qualifier {name!r}: expected {expected}"
    )


def _strip_upper(value: str) -> str:
    return clean(value, "procedure code")


def _to_modifiers(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise TypeError(
            f"modifiers must be a sequence of 2-character codes, not a single str ({shown(value)})"
        )
    # One past the limit is enough to refuse: an endless iterable is never drained.
    mods = tuple(
        checked(m, "modifier", _MODIFIER_RE, "2 letters or digits")
        for m in islice(value, MAX_MODIFIERS + 1)
    )
    if len(mods) > MAX_MODIFIERS:
        given = len(value) if isinstance(value, Sized) else f"more than {MAX_MODIFIERS}"
        raise InvalidCodeError(
            f"too many modifiers {describe(mods)}: {given} given, at most {MAX_MODIFIERS} allowed"
        )
    return mods


@attrs.frozen(init=False)
class ProcedureCode:
    """A procedure code (CPT, HCPCS Level II or CDT) with up to four modifiers.

    The system comes first: ``ProcedureCode("CPT", "99213", ["25"])``. Given
    the code alone, ``ProcedureCode("99213")``, the system is read from the
    code's shape (see [`infer_code_system`][billing_core.codes.infer_code_system]:
    a bare ``D`` code is read as CDT). The code is stripped and upper-cased,
    then checked against the format of its system; modifiers are stripped and
    upper-cased, must each be two letters or digits, and keep their order
    (pricing modifiers come first). ``system`` may be given as a
    [`CodeSystem`][billing_core.codes.CodeSystem] or its string value.

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
        >>> ProcedureCode("J1100") == ProcedureCode("HCPCS", "J1100")
        True
        >>> ProcedureCode("HCPCS", "99213")
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidCodeError: invalid HCPCS code '99213': expected a letter A-V then 4 digits (e.g. J1100)
    """  # noqa: E501

    system: CodeSystem = attrs.field(converter=_to_system)
    code: str = attrs.field(converter=_strip_upper)
    modifiers: tuple[str, ...] = attrs.field(default=(), converter=_to_modifiers)

    def __init__(
        self,
        system: CodeSystem | str,
        code: str | None = None,
        modifiers: Iterable[str] = (),
    ) -> None:
        if code is None:
            # ProcedureCode("99213"): the one argument is the code.
            if isinstance(system, CodeSystem):
                raise InvalidCodeError(
                    f"ProcedureCode({system.value!r}) has no code: the system comes first, then"
                    f" the code, e.g. ProcedureCode({system.value!r}, {_EXAMPLES[system]!r})"
                )
            code = system
            system = infer_code_system(code)
        self.__attrs_init__(system, code, modifiers)

    @code.validator
    def _check_code(self, _attribute: attrs.Attribute[str], value: str) -> None:
        pattern, expected = _SYSTEM_FORMATS[self.system]
        if pattern.fullmatch(value) is None:
            raise InvalidCodeError(
                f"invalid {self.system.value} code {shown(value)}: expected {expected}"
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
        code, *modifiers = _strip_upper(text).split("-")
        return cls(system, code, tuple(modifiers))

    @classmethod
    def from_x12(cls, qualifier: str, code: str, modifiers: Iterable[str] = ()) -> ProcedureCode:
        """Read a code sent with an X12 product/service id qualifier (``HC:99213:25``).

        Args:
            qualifier: ``HC`` (CPT or HCPCS Level II, by the code's shape) or
                ``AD`` (CDT); see [`system_from_x12`][billing_core.codes.system_from_x12].
            code: The code.
            modifiers: Its modifiers, in order.

        Returns:
            The procedure code.

        Raises:
            InvalidCodeError: If the qualifier does not name procedure codes,
                or the code does not fit it.

        Examples:
            >>> ProcedureCode.from_x12("AD", "D0120").system
            <CodeSystem.CDT: 'CDT'>
            >>> ProcedureCode.from_x12("HC", "D0120").system
            <CodeSystem.HCPCS: 'HCPCS'>
        """
        return cls(system_from_x12(qualifier, code), code, modifiers)

    @property
    def x12_qualifier(self) -> str:
        """The X12 product/service id qualifier for this code: ``AD`` for CDT, else ``HC``.

        Examples:
            >>> ProcedureCode("99213").x12_qualifier, ProcedureCode("D0120").x12_qualifier
            ('HC', 'AD')
        """
        return "AD" if self.system is CodeSystem.CDT else "HC"

    def without_modifiers(self) -> ProcedureCode:
        """Return the same code with no modifiers (e.g. to match remittance lines).

        Examples:
            >>> str(ProcedureCode("HCPCS", "J1100", ["JW"]).without_modifiers())
            'J1100'
        """
        if not self.modifiers:
            return self
        return ProcedureCode(self.system, self.code)
