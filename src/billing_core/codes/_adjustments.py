"""The codes a payer answers with: adjustment group, reason (CARC) and remark (RARC) codes.

Format only: the CARC and RARC lists change several times a year, so none are
shipped; check a code's existence with a [`CodeSet`][billing_core.codes.CodeSet].

Examples:
    >>> from billing_core.codes import CARC, GroupCode
    >>> GroupCode.parse("co"), str(CARC("45"))
    (<GroupCode.CO: 'CO'>, '45')
"""

from __future__ import annotations

import enum
import re

import attrs

from billing_core.codes._format import checked, clean, shown
from billing_core.errors import InvalidCodeError

__all__ = ["CARC", "RARC", "GroupCode"]

_CARC_RE = re.compile(r"[1-9][0-9]{0,2}|[A-Z][0-9A-Z]{0,2}")
_RARC_RE = re.compile(r"M[0-9]{1,3}|MA[0-9]{1,3}|N[0-9]{1,4}")


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
        code = clean(value, "group code")
        try:
            group = cls(code)
        except ValueError:
            raise InvalidCodeError(
                f"invalid group code {shown(value)}: expected one of CO, PR, OA, PI"
                + (" or CR" if allow_legacy else "")
            ) from None
        if group is GroupCode.CR and not allow_legacy:
            raise InvalidCodeError(
                f"group code {shown(value)} (correction and reversal) exists only in 4010 data; "
                "pass allow_legacy=True to accept it"
            )
        return group


def _to_carc(value: str) -> str:
    return checked(
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
    return checked(
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
