"""Supporting records: references to lab results, reports and forms, and claim attachments.

The library never stores a record: a [`DocumentRef`][] names it in the
caller's records system, and, when the record goes to a payer with a claim,
carries the X12 PWK codes that link the claim to it.

Examples:
    >>> ref = DocumentRef(kind=DocumentKind.LAB_RESULT, reference="lis://results/88231")
    >>> ref.is_attachment
    False
"""

from __future__ import annotations

import datetime
import enum
import re
from typing import Any, Final

import attrs

from billing_core._checks import check_date, describe
from billing_core._fields import invalid, of_type

__all__ = [
    "AttachmentTransmission",
    "DocumentKind",
    "DocumentRef",
]


class DocumentKind(enum.Enum):
    """What a referenced supporting document is.

    Examples:
        >>> DocumentKind.LAB_RESULT.value
        'lab_result'
    """

    LAB_RESULT = "lab_result"
    RADIOLOGY_REPORT = "radiology_report"
    OPERATIVE_NOTE = "operative_note"
    PROGRESS_NOTE = "progress_note"
    DISCHARGE_SUMMARY = "discharge_summary"
    PATHOLOGY_REPORT = "pathology_report"
    PRESCRIPTION = "prescription"
    CONSENT_FORM = "consent_form"
    """A signed patient authorization or advance beneficiary notice."""
    RECEIPT = "receipt"
    """Proof of payment."""
    OTHER = "other"


class AttachmentTransmission(enum.Enum):
    """How a claim attachment reaches the payer (X12 PWK02).

    Examples:
        >>> AttachmentTransmission.FAX.value
        'FX'
    """

    AVAILABLE_ON_REQUEST = "AA"
    BY_MAIL = "BM"
    ELECTRONICALLY = "EL"
    EMAIL = "EM"
    FILE_TRANSFER = "FT"
    FAX = "FX"


_REPORT_TYPE_RE: Final = re.compile(r"[0-9A-Z]{2}")


def _where(ref: Any) -> str:
    return f"attachment {ref.reference!r}"


def _reference_valid(ref: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        raise TypeError(f"attachment.reference must be a str, got {describe(value)}")
    if not value.strip():
        raise invalid("attachment.reference", "must not be empty", "attachment.reference")


def _date_valid(ref: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    check_date(value, f"{_where(ref)}.date", optional=True, protected=True)


def _report_type_valid(ref: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, str) or not _REPORT_TYPE_RE.fullmatch(value)):
        raise invalid(
            f"{_where(ref)}.report_type",
            f"must be two upper-case letters or digits (PWK01), got {describe(value)}",
            "attachment.report_type",
        )


def _control_number_valid(ref: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, str) or not 2 <= len(value) <= 80):
        raise invalid(
            f"{_where(ref)}.control_number",
            f"must be 2-80 characters, got {describe(value)}",
            "attachment.control_number",
        )


@attrs.frozen(kw_only=True)
class DocumentRef:
    """A reference to a supporting record; the library never stores the record itself.

    When the record is sent to a payer as a claim attachment, give the X12
    PWK report type (e.g. ``"LA"`` laboratory results, ``"RR"`` radiology
    reports, ``"OZ"`` support data), the transmission code, and, unless the
    record is only available on request, the attachment control number that
    links the claim to the record sent separately.

    Attributes:
        kind: What the record is.
        reference: Its identifier or URI in the caller's records system.
        date: The record's date, if known.
        report_type: The PWK01 report type code (two letters or digits).
        transmission: The PWK02 transmission code.
        control_number: The PWK06 attachment control number (2-80 characters).

    Raises:
        ValidationError: If ``reference`` is empty, the report type is
            malformed, only one of report type and transmission is given, or
            the control number is missing when the record is sent.

    Examples:
        >>> ref = DocumentRef(kind=DocumentKind.RADIOLOGY_REPORT, reference="pacs://123",
        ...                   report_type="RR", transmission=AttachmentTransmission.FAX,
        ...                   control_number="ACN0001")
        >>> ref.is_attachment
        True
        >>> DocumentRef(kind=DocumentKind.LAB_RESULT, reference="lab/9", report_type="LA",
        ...             transmission=AttachmentTransmission.FAX)
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: attachment 'lab/9'.control_number: required when the attachment is sent (FX)
    """  # noqa: E501

    kind: DocumentKind = attrs.field(validator=of_type("attachment", DocumentKind))
    reference: str = attrs.field(validator=_reference_valid)
    date: datetime.date | None = attrs.field(default=None, validator=_date_valid)
    report_type: str | None = attrs.field(default=None, validator=_report_type_valid)
    transmission: AttachmentTransmission | None = attrs.field(
        default=None, validator=of_type("attachment", AttachmentTransmission, optional=True)
    )
    control_number: str | None = attrs.field(default=None, validator=_control_number_valid)

    def __attrs_post_init__(self) -> None:
        # PWK01 and PWK02 come as a pair; PWK06 links the claim to a record sent apart.
        if (self.report_type is None) != (self.transmission is None):
            raise invalid(
                f"{_where(self)}.transmission",
                "report_type and transmission go together: give both or neither",
                "attachment.transmission",
            )
        if (
            self.transmission is not None
            and self.transmission is not AttachmentTransmission.AVAILABLE_ON_REQUEST
            and self.control_number is None
        ):
            raise invalid(
                f"{_where(self)}.control_number",
                f"required when the attachment is sent ({self.transmission.value})",
                "attachment.control_number",
            )

    @property
    def is_attachment(self) -> bool:
        """Whether the record is reported to the payer as a claim attachment (has PWK codes).

        Examples:
            >>> DocumentRef(kind=DocumentKind.RECEIPT, reference="r1").is_attachment
            False
        """
        return self.report_type is not None
