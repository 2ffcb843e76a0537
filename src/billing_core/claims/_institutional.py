"""What an institutional claim (UB-04, 837I) carries besides what every claim does.

A hospital or facility claim names the kind of facility and bill (the type of
bill's first digits), the admission (date, hour, type, source) and the patient's
discharge status, and the diagnosis the patient was admitted with. The statement
period is the claim's own ``statement_from``/``statement_through``.

Examples:
    >>> import datetime
    >>> stay = InstitutionalClaim(facility_type="11", admission_date=datetime.date(2024, 3, 1),
    ...                           admission_type="1", admission_source="7", patient_status="01")
    >>> stay.type_of_bill("1")
    '0111'
"""

from __future__ import annotations

import datetime
import re
from typing import Any, Final

import attrs

from billing_core._fields import date_field, invalid
from billing_core.codes import DiagnosisCode

__all__ = ["InstitutionalClaim"]

_FACILITY = re.compile(r"[0-9]{2}")
_ONE = re.compile(r"[0-9A-Z]")
_STATUS = re.compile(r"[0-9]{2}")
_OWNER: Final = "institutional claim"


def _code(pattern: re.Pattern[str], what: str, *, optional: bool) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None and optional:
            return
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise invalid(
                f"{_OWNER}.{attribute.name}",
                f"must be {what}, got {value!r}"[:160],
                f"institutional.{attribute.name}",
            )

    return check


def _to_diagnosis(value: DiagnosisCode | str | None) -> DiagnosisCode | None:
    if value is None or isinstance(value, DiagnosisCode):
        return value
    return DiagnosisCode(value)


@attrs.frozen(kw_only=True)
class InstitutionalClaim:
    """The facility part of an institutional claim (837I CLM05, DTP*435, CL1, HI*ABJ).

    Attributes:
        facility_type: The type of bill's facility and classification digits
            (CLM05-1, e.g. ``"11"`` hospital inpatient, ``"13"`` outpatient);
            the last digit of the type of bill is the claim's frequency.
        admission_date: The date of admission (inpatient claims).
        admission_hour: The hour of admission, 0-23, if known.
        admission_type: The priority of the admission (CL101, e.g. ``"1"`` emergency).
        admission_source: Where the patient came from (CL102, e.g. ``"7"``).
        patient_status: The discharge status (CL103, e.g. ``"01"`` home).
        admitting_diagnosis: The diagnosis at admission (HI*ABJ), if any.

    Raises:
        ValidationError: A code of the wrong shape, an hour out of range.

    Examples:
        >>> InstitutionalClaim(facility_type="131")
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: institutional claim.facility_type: must be two digits (CLM05-1, e.g. '13'), got '131'
    """  # noqa: E501

    facility_type: str = attrs.field(
        validator=_code(_FACILITY, "two digits (CLM05-1, e.g. '13')", optional=False)
    )
    admission_date: datetime.date | None = attrs.field(
        default=None, validator=date_field(_OWNER, optional=True, show_id=False)
    )
    admission_hour: int | None = attrs.field(default=None)
    admission_type: str | None = attrs.field(
        default=None, validator=_code(_ONE, "one digit or letter (CL101)", optional=True)
    )
    admission_source: str | None = attrs.field(
        default=None, validator=_code(_ONE, "one digit or letter (CL102)", optional=True)
    )
    patient_status: str | None = attrs.field(
        default=None, validator=_code(_STATUS, "two digits (CL103)", optional=True)
    )
    admitting_diagnosis: DiagnosisCode | None = attrs.field(default=None, converter=_to_diagnosis)

    @admission_hour.validator
    def _check_hour(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None:
            return
        # bool is an int: admission_hour=True would pass as 1 a.m.
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 23:
            raise invalid(
                f"{_OWNER}.admission_hour",
                f"must be an int from 0 to 23, got {value!r}"[:120],
                "institutional.admission_hour",
            )

    def type_of_bill(self, frequency: str) -> str:
        """The four-digit type of bill (UB-04 form locator 4) for a claim frequency code.

        Examples:
            >>> InstitutionalClaim(facility_type="13").type_of_bill("7")
            '0137'
        """
        # The leading 0 is the form's: UB-04 FL 4 prints four digits, while the 837I sends the
        # facility code and the frequency apart (CLM05-1 and CLM05-3).
        return f"0{self.facility_type}{frequency}"
