"""The patient's authorization to be billed, and the rule that decides when a line needs it.

A fee, or a line the provider bills to the patient because the payer does not
cover it, may be billed to the patient only with a
[`PatientAuthorization`][] signed on or before its service date (an advance
beneficiary notice, a waiver, a fee agreement). [`authorization_problem`][]
says why a line may not be billed to the patient;
[`require_patient_authorization`][] raises it.

Examples:
    >>> import datetime
    >>> from billing_core.charges import Category, DocumentKind, DocumentRef, LineItem
    >>> from billing_core.money import Money
    >>> form = DocumentRef(kind=DocumentKind.CONSENT_FORM, reference="forms/abn-17")
    >>> signed = PatientAuthorization(id="A1", signed_by="Jane Roe",
    ...                               signed_on=datetime.date(2024, 3, 1), document=form)
    >>> fee = LineItem(id="F1", category=Category.FEE, service_date=datetime.date(2024, 3, 4),
    ...                charge=Money("25.00", "USD"), authorization=signed)
    >>> authorization_problem(fee) is None
    True
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

import attrs

from billing_core._fields import date_field, invalid, of_type, text
from billing_core.charges._attachments import DocumentRef
from billing_core.codes import ProcedureCode
from billing_core.errors import AuthorizationRequiredError
from billing_core.money import Money
from billing_core.views import Protected, protected

if TYPE_CHECKING:
    from billing_core.charges._line_items import LineItem

__all__ = [
    "PatientAuthorization",
    "authorization_problem",
    "require_patient_authorization",
]


def _cap_valid(auth: Any, attribute: attrs.Attribute[Any], value: Money | None) -> None:
    if value is not None and value.minor < 0:
        raise invalid(
            f"authorization {auth.id!r}.amount_cap",
            f"must not be negative, got {value}",
            "authorization.amount_cap",
        )


@attrs.frozen(kw_only=True)
class PatientAuthorization:
    """The patient's signed consent to be billed (an ABN, waiver or fee agreement).

    A line of category ``fee``, or a line the provider bills to the patient
    because the payer does not cover it, is patient-billable only with an
    authorization signed on or before its service date; see
    [`require_patient_authorization`][].

    Attributes:
        id: The caller's identifier of the authorization.
        signed_by: Who signed (the patient or their representative); masked in
            ``repr`` and never shown in an error.
        signed_on: The date of signature.
        document: The signed form.
        service: The service it covers; ``None`` means the service of the line
            it is attached to. When given, the line's procedure code (without
            modifiers) must be the same.
        amount_cap: The most the patient agreed to pay for the line, if capped.
        description: Free text (what the patient was told).

    Raises:
        TypeError: A field of the wrong type, named.
        ValidationError: A negative cap.

    Examples:
        >>> import datetime
        >>> from billing_core.charges import DocumentKind
        >>> form = DocumentRef(kind=DocumentKind.CONSENT_FORM, reference="forms/abn-17")
        >>> PatientAuthorization(id="A1", signed_by="Jane Roe",
        ...                      signed_on=datetime.date(2024, 3, 4), document=form)
        PatientAuthorization(id='A1', signed_by='****', signed_on=datetime.date(2024, 3, 4), ...)
    """

    id: str = attrs.field(validator=text("authorization"))
    signed_by: str = attrs.field(
        validator=text("authorization", protected=True), **protected(Protected.NAME)
    )
    signed_on: datetime.date = attrs.field(validator=date_field("authorization"))
    document: DocumentRef = attrs.field(validator=of_type("authorization", DocumentRef))
    service: ProcedureCode | None = attrs.field(
        default=None, validator=of_type("authorization", ProcedureCode, optional=True)
    )
    amount_cap: Money | None = attrs.field(
        default=None,
        validator=[of_type("authorization", Money, optional=True), _cap_valid],
    )
    description: str = attrs.field(default="", validator=text("authorization"))


def authorization_problem(line: LineItem, *, required: bool | None = None) -> str | None:
    """Why ``line`` may not be billed to the patient, or ``None`` if it may.

    A line that
    [`requires_authorization`][billing_core.charges.LineItem.requires_authorization]
    needs an authorization signed on or before its service date, for its
    service (when the authorization names one), with a cap (if any) not below
    the charge. Lines that need none always pass.

    Args:
        line: The line.
        required: Whether the line needs an authorization; ``None`` (the
            default) asks the line. Routing passes ``True`` for lines it moves
            to the patient because the payer does not cover them.

    Returns:
        The reason in words, or ``None``.

    Examples:
        >>> import datetime
        >>> from billing_core.charges import Category, LineItem
        >>> from billing_core.money import Money
        >>> fee = LineItem(id="F1", category=Category.FEE, service_date=datetime.date(2024, 1, 2),
        ...                charge=Money("25.00", "USD"))
        >>> authorization_problem(fee)
        "line 'F1' (fee) has no patient authorization on file"
    """
    if not (line.requires_authorization if required is None else required):
        return None
    auth = line.authorization
    what = f"line {line.id!r} ({line.category.value})"
    if auth is None:
        return f"{what} has no patient authorization on file"
    # Signed on or before the service: consent obtained after the fact is not notice given
    # in advance, which is what an ABN or waiver must be to make the patient liable.
    if auth.signed_on > line.service_date:
        return (
            f"{what}: the authorization was signed on {auth.signed_on.isoformat()}, "
            f"after the service date {line.service_date.isoformat()}"
        )
    # Compared without modifiers: a -GA or -GZ on the line flags the ABN itself and must
    # not make the authorization miss its own service.
    if auth.service is not None and (
        line.procedure is None or line.procedure.code != auth.service.code
    ):
        return f"{what}: the authorization covers {auth.service.code}, not this line's service"
    # Above the cap the patient agreed to less than is billed: the whole line is refused
    # rather than billed in part, so nothing is half-applied.
    if auth.amount_cap is not None and line.charge.minor > auth.amount_cap.minor:
        return f"{what}: the charge {line.charge} exceeds the authorized cap {auth.amount_cap}"
    return None


def require_patient_authorization(line: LineItem, *, required: bool | None = None) -> None:
    """Raise unless ``line`` may be billed to the patient.

    Args:
        line: The line.
        required: As for [`authorization_problem`][].

    Raises:
        AuthorizationRequiredError: With the reason from [`authorization_problem`][].

    Examples:
        >>> import datetime
        >>> from billing_core.charges import Category, DocumentKind, LineItem
        >>> from billing_core.money import Money
        >>> form = DocumentRef(kind=DocumentKind.CONSENT_FORM, reference="forms/7")
        >>> auth = PatientAuthorization(id="A1", signed_by="Jane Roe",
        ...                             signed_on=datetime.date(2024, 1, 3), document=form)
        >>> late = LineItem(id="F1", category=Category.FEE, service_date=datetime.date(2024, 1, 2),
        ...                 charge=Money("25.00", "USD"), authorization=auth)
        >>> require_patient_authorization(late)
        Traceback (most recent call last):
        ...
        billing_core.errors.AuthorizationRequiredError: line 'F1' (fee): the authorization was signed on 2024-01-03, after the service date 2024-01-02
    """  # noqa: E501
    problem = authorization_problem(line, required=required)
    if problem is not None:
        raise AuthorizationRequiredError(problem)
