"""Line items: what was done for a patient and what it is charged.

A [`LineItem`][] is one billable service, drug, room day, supply, trip or
fee, with its exact billed ``charge``. Line items are what bills and claims
are made of; an [`Encounter`][] groups the line items of one visit with the
claim-level facts (diagnoses, care team, place of service) that routing needs.

Supporting records (lab results, radiology reports, signed consent forms) are
*referenced* by [`DocumentRef`][], never stored.

Constructors check shapes and raise at once: a period ending before it starts,
a negative charge, zero units where the category needs units, a pointer
outside 1-12, a price component in another currency. The error is a
[`ValidationError`][billing_core.errors.ValidationError] whose finding names the line and
the field (or a ``TypeError`` for a value of the wrong type). Checks that
depend on the claim the line is on (a pointer to a diagnosis the claim does not
list, a service date after the claim date) are findings of
[`validate_claim`][billing_core.claims.validate_claim].

Examples:
    >>> import datetime
    >>> from billing_core.codes import CodeSystem, ProcedureCode
    >>> from billing_core.money import Money
    >>> visit = LineItem(
    ...     id="L1",
    ...     category=Category.PROCEDURE,
    ...     service_date=datetime.date(2024, 3, 4),
    ...     procedure=ProcedureCode(CodeSystem.CPT, "99213", ["25"]),
    ...     charge=Money("125.00", "USD"),
    ...     diagnosis_pointers=[1],
    ... )
    >>> str(visit.procedure), visit.charge, visit.diagnosis_pointers
    ('99213-25', Money('125.00', 'USD'), (1,))
    >>> LineItem(id="L2", category=Category.PROCEDURE, service_date=datetime.date(2024, 3, 4),
    ...          service_through=datetime.date(2024, 3, 1), charge=Money("10.00", "USD"))
    Traceback (most recent call last):
    ...
    billing_core.errors.ValidationError: line 'L2'.service_through: 2024-03-01 is before the service date 2024-03-04
"""  # noqa: E501

from __future__ import annotations

import datetime
import enum
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Final, TypeVar

import attrs

from billing_core.codes import NDC, DiagnosisCode, PlaceOfService, ProcedureCode, RevenueCode
from billing_core.errors import (
    AuthorizationRequiredError,
    CurrencyMismatchError,
    Finding,
    InvalidCodeError,
    ValidationError,
)
from billing_core.money import Money, format_money
from billing_core.parties import (
    CareRole,
    CareTeamMember,
    Guarantor,
    Patient,
    Provider,
    _check_date,
)
from billing_core.views import Record, html_table, masked_repr

__all__ = [
    "MAX_DIAGNOSIS_POINTER",
    "ZERO_UNITS_ALLOWED",
    "AttachmentTransmission",
    "Category",
    "DocumentKind",
    "DocumentRef",
    "Drug",
    "DrugUnit",
    "Encounter",
    "LineItem",
    "PatientAuthorization",
    "PriceComponent",
    "PriceComponentKind",
    "UnitBasis",
    "authorization_problem",
    "require_patient_authorization",
]

MAX_DIAGNOSIS_POINTER: Final = 12
"""The highest diagnosis pointer: a claim lists at most 12 diagnoses (837P HI, CMS-1500 box 21)."""


def _fail(location: str, message: str, rule: str) -> ValidationError:
    return ValidationError([Finding(location=location, message=message, rule=rule)])


def _type_error(where: str, expected: str, value: object) -> TypeError:
    return TypeError(f"{where} must be {expected}, got {type(value).__name__} ({value!r})")


def _tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    if isinstance(value, str | bytes):
        raise TypeError(f"expected a sequence of items, got a single {type(value).__name__}")
    return tuple(value)


def _all_of(where: str, items: tuple[Any, ...], kind: type) -> None:
    for index, item in enumerate(items):
        if not isinstance(item, kind):
            raise _type_error(f"{where}[{index}]", f"a {kind.__name__}", item)


# --------------------------------------------------------------------------- enums


class Category(enum.Enum):
    """What kind of charge a line is.

    Examples:
        >>> Category("travel")
        <Category.TRAVEL: 'travel'>
    """

    PROCEDURE = "procedure"
    """A treatment or service (CPT/HCPCS)."""
    DRUG = "drug"
    """A drug given or dispensed (NDC, usually with a HCPCS J-code)."""
    ROOM = "room"
    """Room and board (revenue code, days)."""
    SUPPLY = "supply"
    """Supplies and equipment."""
    TRAVEL = "travel"
    """Transport and mileage."""
    FEE = "fee"
    """An extra fee (missed appointment, forms); patient-billable only when authorized."""
    OTHER = "other"
    """Anything else."""


ZERO_UNITS_ALLOWED: Final = frozenset({Category.FEE, Category.OTHER})
"""Categories whose lines may have zero units (a flat fee has no quantity); every other
category needs positive units. No category allows negative units or a negative charge:
reductions are adjustments in the ledger, not line items."""


class UnitBasis(enum.Enum):
    """What a line's ``units`` count.

    Examples:
        >>> UnitBasis.MILES.value
        'miles'
    """

    UNITS = "units"
    MINUTES = "minutes"
    DAYS = "days"
    MILES = "miles"


class DrugUnit(enum.Enum):
    """The unit of a drug quantity (X12 CTP05 unit codes).

    Examples:
        >>> DrugUnit.MILLILITER.value
        'ML'
    """

    INTERNATIONAL_UNIT = "F2"
    GRAM = "GR"
    MILLIGRAM = "ME"
    MILLILITER = "ML"
    UNIT = "UN"


def _check_quantity(where: str, value: object, *, rule: str, allow_zero: bool) -> None:
    """Check a count of units: an int or finite Decimal, positive (or zero if allowed).

    Every failure of one field reports the same ``rule`` (``"line.units"``,
    ``"drug.quantity"``).
    """
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise _type_error(where, "an int or Decimal (never a float)", value)
    if isinstance(value, Decimal) and not value.is_finite():
        raise _fail(where, f"must be a finite number, got {value}", rule)
    if value < 0 or (value == 0 and not allow_zero):
        raise _fail(
            where, f"must be {'zero or more' if allow_zero else 'positive'}, got {value}", rule
        )


def _to_ndc(value: NDC | str) -> NDC:
    return value if isinstance(value, NDC) else NDC(value)


@attrs.frozen(kw_only=True)
class Drug:
    """A drug on a line: its NDC and the quantity given (837 LIN/CTP).

    Attributes:
        ndc: The National Drug Code (a string is parsed with [`NDC`][billing_core.codes.NDC]).
        quantity: The amount given, positive, as an int or Decimal.
        unit: The unit of ``quantity``.

    Examples:
        >>> Drug(ndc="0409-4888-02", quantity=Decimal("2.5"), unit=DrugUnit.MILLILITER).ndc.code
        '00409488802'
    """

    ndc: NDC = attrs.field(converter=_to_ndc)
    quantity: int | Decimal
    unit: DrugUnit = attrs.field(validator=attrs.validators.instance_of(DrugUnit))

    def __attrs_post_init__(self) -> None:
        _check_quantity("drug.quantity", self.quantity, rule="drug.quantity", allow_zero=False)


# --------------------------------------------------------------------------- documents


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


_REPORT_TYPE_RE = re.compile(r"[0-9A-Z]{2}")


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

    kind: DocumentKind = attrs.field(validator=attrs.validators.instance_of(DocumentKind))
    reference: str = attrs.field(validator=attrs.validators.instance_of(str))
    date: datetime.date | None = None
    report_type: str | None = None
    transmission: AttachmentTransmission | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(attrs.validators.instance_of(AttachmentTransmission)),
    )
    control_number: str | None = None

    def __attrs_post_init__(self) -> None:
        where = f"attachment {self.reference!r}"
        if not self.reference.strip():
            raise _fail("attachment.reference", "must not be empty", "attachment.reference")
        if self.date is not None:
            _check_date(f"{where}.date", self.date)
        if self.report_type is not None and (
            not isinstance(self.report_type, str) or not _REPORT_TYPE_RE.fullmatch(self.report_type)
        ):
            raise _fail(
                f"{where}.report_type",
                f"must be two upper-case letters or digits (PWK01), got {self.report_type!r}",
                "attachment.report_type",
            )
        if (self.report_type is None) != (self.transmission is None):
            raise _fail(
                f"{where}.transmission",
                "report_type and transmission go together: give both or neither",
                "attachment.transmission",
            )
        if self.control_number is not None and (
            not isinstance(self.control_number, str) or not 2 <= len(self.control_number) <= 80
        ):
            raise _fail(
                f"{where}.control_number",
                f"must be 2-80 characters, got {self.control_number!r}",
                "attachment.control_number",
            )
        if (
            self.transmission is not None
            and self.transmission is not AttachmentTransmission.AVAILABLE_ON_REQUEST
            and self.control_number is None
        ):
            raise _fail(
                f"{where}.control_number",
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


def _to_procedure(value: ProcedureCode | None) -> ProcedureCode | None:
    if value is not None and not isinstance(value, ProcedureCode):
        raise _type_error("service", "a ProcedureCode or None", value)
    return value


@attrs.frozen(kw_only=True)
class PatientAuthorization:
    """The patient's signed consent to be billed (an ABN, waiver or fee agreement).

    A line of category ``fee``, or a line the provider bills to the patient
    because the payer does not cover it, is patient-billable only with an
    authorization signed on or before its service date; see
    [`require_patient_authorization`][].

    Attributes:
        id: The caller's identifier of the authorization.
        signed_by: Who signed (the patient or their representative); masked in ``repr``.
        signed_on: The date of signature.
        document: The signed form.
        service: The service it covers; ``None`` means the service of the line
            it is attached to. When given, the line's procedure code (without
            modifiers) must be the same.
        amount_cap: The most the patient agreed to pay for the line, if capped.
        description: Free text (what the patient was told).

    Examples:
        >>> form = DocumentRef(kind=DocumentKind.CONSENT_FORM, reference="forms/abn-17")
        >>> PatientAuthorization(id="A1", signed_by="Jane Roe",
        ...                      signed_on=datetime.date(2024, 3, 4), document=form)
        PatientAuthorization(id='A1', signed_by='****', signed_on=datetime.date(2024, 3, 4), ...)
    """

    id: str = attrs.field(validator=attrs.validators.instance_of(str))
    signed_by: str = attrs.field(validator=attrs.validators.instance_of(str), repr=masked_repr)
    signed_on: datetime.date
    document: DocumentRef = attrs.field(validator=attrs.validators.instance_of(DocumentRef))
    service: ProcedureCode | None = attrs.field(default=None, converter=_to_procedure)
    amount_cap: Money | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(Money))
    )
    description: str = attrs.field(default="", validator=attrs.validators.instance_of(str))

    def __attrs_post_init__(self) -> None:
        _check_date("authorization.signed_on", self.signed_on)
        if self.amount_cap is not None and self.amount_cap.minor < 0:
            raise _fail(
                f"authorization {self.id!r}.amount_cap",
                f"must not be negative, got {self.amount_cap}",
                "authorization.amount_cap",
            )


# --------------------------------------------------------------------------- prices


class PriceComponentKind(enum.Enum):
    """The kind of a price component; its sign in the roll-up comes from the kind.

    The roll-up rule (one rule, used by [`totals`][billing_core.totals]):

        net   = base + surcharge - discount - deduction
        gross = net + tax
        informational components never count

    Examples:
        >>> PriceComponentKind.DISCOUNT.sign
        -1
    """

    BASE = "base"
    SURCHARGE = "surcharge"
    DISCOUNT = "discount"
    DEDUCTION = "deduction"
    TAX = "tax"
    INFORMATIONAL = "informational"

    @property
    def sign(self) -> int:
        """+1 if the component adds to net, -1 if it reduces it, 0 for tax and informational."""
        return _SIGNS[self]


_SIGNS: Final = {
    PriceComponentKind.BASE: 1,
    PriceComponentKind.SURCHARGE: 1,
    PriceComponentKind.DISCOUNT: -1,
    PriceComponentKind.DEDUCTION: -1,
    PriceComponentKind.TAX: 0,
    PriceComponentKind.INFORMATIONAL: 0,
}


@attrs.frozen(kw_only=True)
class PriceComponent:
    """One typed part of a line's price (amounts are non-negative; the kind gives the sign).

    Attributes:
        kind: Base, surcharge, discount, deduction, tax or informational.
        amount: The magnitude, zero or more.
        description: Free text (e.g. ``"self-pay discount 20%"``).

    Examples:
        >>> PriceComponent(kind=PriceComponentKind.DISCOUNT, amount=Money("5.00", "USD")).amount
        Money('5.00', 'USD')
    """

    kind: PriceComponentKind = attrs.field(
        validator=attrs.validators.instance_of(PriceComponentKind)
    )
    amount: Money = attrs.field(validator=attrs.validators.instance_of(Money))
    description: str = attrs.field(default="", validator=attrs.validators.instance_of(str))

    def __attrs_post_init__(self) -> None:
        if self.amount.minor < 0:
            raise _fail(
                f"price component {self.kind.value}.amount",
                f"must not be negative (the kind gives the sign), got {self.amount}",
                "price_component.amount",
            )


# --------------------------------------------------------------------------- line items


_C = TypeVar("_C")


def _where(document: object) -> str:
    """How an error names the document being built: ``line 'L1'``, ``claim 'C1'``."""
    kind = {"LineItem": "line", "Claim": "claim", "Encounter": "encounter"}.get(
        type(document).__name__, type(document).__name__
    )
    return f"{kind} {getattr(document, 'id', '?')!r}"


def _parse_code(code_type: type[_C], value: object, document: object, field: str) -> _C:
    try:
        return code_type(value)  # type: ignore[call-arg]
    except InvalidCodeError as err:
        raise InvalidCodeError(f"{_where(document)}.{field}: {err}") from None


def _optional_code(code_type: type[_C], field: str) -> Any:
    """An attrs converter parsing an optional code, naming the document and field on error."""

    def convert(value: object, document: object) -> _C | None:
        if value is None or isinstance(value, code_type):
            return value
        return _parse_code(code_type, value, document, field)

    return attrs.Converter(convert, takes_self=True)


def _diagnoses_converter(field: str) -> Any:
    """An attrs converter parsing a list of diagnoses, naming the document and index on error."""

    def convert(
        value: Iterable[DiagnosisCode | str], document: object
    ) -> tuple[DiagnosisCode, ...]:
        return tuple(
            d
            if isinstance(d, DiagnosisCode)
            else _parse_code(DiagnosisCode, d, document, f"{field}[{i}]")
            for i, d in enumerate(_tuple(value), start=1)  # 1-based, as on the claim form
        )

    return attrs.Converter(convert, takes_self=True)


@attrs.frozen(kw_only=True, weakref_slot=False, cache_hash=False)
class LineItem:
    """One billed service, drug, room day, supply, trip or fee.

    ``charge`` is the exact billed amount; ``unit_price`` is informative (it
    may carry more decimals than the currency; use
    [`price_line`][billing_core.money.price_line] to compute a charge from it).
    ``id`` is also the line control number sent to payers (837 REF*6R), so
    remittances match back to it.

    Attributes:
        id: The caller's identifier; unique within a bill or claim.
        category: What kind of charge it is.
        service_date: The date of service, or the first day of the period.
        service_through: The last day of a multi-day period (inclusive), or ``None``.
        charge: The exact billed amount, zero or more.
        procedure: The CPT/HCPCS/CDT code with up to 4 modifiers.
        revenue_code: The UB-04 revenue code (a string is parsed).
        drug: The NDC with quantity and unit, for drug lines.
        units: The number of units (int or Decimal), counted in ``unit_basis``.
        unit_basis: Units, minutes, days (room) or miles (travel).
        unit_price: The price per unit (informative), or ``None``.
        place_of_service: Overrides the claim's place of service for this line.
        diagnosis_pointers: 1-based positions in the claim's diagnosis list (1-12);
            the first is the primary diagnosis of the line.
        care_team: Providers for this line (rendering, ordering, ...), when
            they differ from the claim's.
        attachments: Supporting records for this line.
        authorization: The patient's signed authorization, if any.
        patient_liable: The provider bills this line to the patient if the payer
            does not cover it; it then needs an authorization.
        price_components: A typed breakdown of the price (see
            [`PriceComponentKind`][] for the roll-up rule).
        description: Free text shown on patient bills.

    Raises:
        ValidationError: A shape error, naming the line and the field.
        CurrencyMismatchError: A price component or cap in another currency.
        TypeError: A value of the wrong type.

    Examples:
        >>> room = LineItem(id="R1", category=Category.ROOM, service_date=datetime.date(2024, 3, 4),
        ...                 service_through=datetime.date(2024, 3, 5), revenue_code="0110",
        ...                 units=2, unit_basis=UnitBasis.DAYS, charge=Money("1800.00", "USD"))
        >>> room.service_end, room.requires_authorization
        (datetime.date(2024, 3, 5), False)
    """

    id: str
    category: Category
    service_date: datetime.date
    charge: Money
    service_through: datetime.date | None = None
    procedure: ProcedureCode | None = None
    revenue_code: RevenueCode | None = attrs.field(
        default=None,
        converter=_optional_code(RevenueCode, "revenue_code"),  # type: ignore[misc]  # attrs.Converter: mypy plugin limit
    )
    drug: Drug | None = None
    units: int | Decimal = 1
    unit_basis: UnitBasis = UnitBasis.UNITS
    unit_price: Decimal | None = None
    place_of_service: PlaceOfService | None = attrs.field(
        default=None,
        converter=_optional_code(PlaceOfService, "place_of_service"),  # type: ignore[misc]  # attrs.Converter: mypy plugin limit
    )
    diagnosis_pointers: tuple[int, ...] = attrs.field(default=(), converter=_tuple)
    care_team: tuple[CareTeamMember, ...] = attrs.field(default=(), converter=_tuple)
    attachments: tuple[DocumentRef, ...] = attrs.field(default=(), converter=_tuple)
    authorization: PatientAuthorization | None = None
    patient_liable: bool = False
    price_components: tuple[PriceComponent, ...] = attrs.field(default=(), converter=_tuple)
    description: str = ""

    def __attrs_post_init__(self) -> None:
        line_id = self.id
        if not isinstance(line_id, str) or not line_id:
            raise _type_error("line.id", "a non-empty str", line_id)
        where = f"line {line_id!r}"
        if self.category.__class__ is not Category:
            raise _type_error(f"{where}.category", "a Category", self.category)
        _check_date(f"{where}.service_date", self.service_date)
        if self.service_through is not None:
            _check_date(f"{where}.service_through", self.service_through)
            if self.service_through < self.service_date:
                raise _fail(
                    f"{where}.service_through",
                    f"{self.service_through.isoformat()} is before the service date "
                    f"{self.service_date.isoformat()}",
                    "line.period",
                )
        charge = self.charge
        if charge.__class__ is not Money:
            raise _type_error(f"{where}.charge", "a Money", charge)
        if charge.minor < 0:
            raise _fail(
                f"{where}.charge",
                f"must not be negative, got {charge} (reductions are ledger adjustments)",
                "line.charge",
            )
        if self.procedure is not None and self.procedure.__class__ is not ProcedureCode:
            raise _type_error(f"{where}.procedure", "a ProcedureCode or None", self.procedure)
        if self.drug is not None and self.drug.__class__ is not Drug:
            raise _type_error(f"{where}.drug", "a Drug or None", self.drug)
        _check_quantity(
            f"{where}.units",
            self.units,
            rule="line.units",
            allow_zero=self.category in ZERO_UNITS_ALLOWED,
        )
        if self.unit_basis.__class__ is not UnitBasis:
            raise _type_error(f"{where}.unit_basis", "a UnitBasis", self.unit_basis)
        if self.unit_price is not None:
            price = self.unit_price
            if not isinstance(price, Decimal):
                raise _type_error(f"{where}.unit_price", "a Decimal or None", price)
            if not price.is_finite() or price < 0:
                raise _fail(
                    f"{where}.unit_price", f"must be zero or more, got {price}", "line.unit_price"
                )
        pointers = self.diagnosis_pointers
        if pointers:
            for p in pointers:
                if p.__class__ is not int or not 1 <= p <= MAX_DIAGNOSIS_POINTER:
                    raise _fail(
                        f"{where}.diagnosis_pointers",
                        f"each pointer must be an int from 1 to {MAX_DIAGNOSIS_POINTER}, got {p!r}",
                        "line.diagnosis_pointers",
                    )
            if len(set(pointers)) != len(pointers):
                raise _fail(
                    f"{where}.diagnosis_pointers",
                    f"a diagnosis is pointed to twice: {pointers}",
                    "line.diagnosis_pointers",
                )
        if self.care_team:
            _all_of(f"{where}.care_team", self.care_team, CareTeamMember)
        if self.attachments:
            _all_of(f"{where}.attachments", self.attachments, DocumentRef)
        auth = self.authorization
        if auth is not None:
            if auth.__class__ is not PatientAuthorization:
                raise _type_error(f"{where}.authorization", "a PatientAuthorization", auth)
            if auth.amount_cap is not None and auth.amount_cap.currency != charge.currency:
                raise CurrencyMismatchError(
                    f"{where}.authorization.amount_cap is in {auth.amount_cap.currency}, "
                    f"the charge is in {charge.currency}"
                )
        if self.patient_liable.__class__ is not bool:
            raise _type_error(f"{where}.patient_liable", "a bool", self.patient_liable)
        for index, component in enumerate(self.price_components):
            if component.__class__ is not PriceComponent:
                raise _type_error(
                    f"{where}.price_components[{index}]", "a PriceComponent", component
                )
            if component.amount.currency != charge.currency:
                raise CurrencyMismatchError(
                    f"{where}.price_components[{index}] is in {component.amount.currency}, "
                    f"the charge is in {charge.currency}"
                )
        if not isinstance(self.description, str):
            raise _type_error(f"{where}.description", "a str", self.description)

    @property
    def service_end(self) -> datetime.date:
        """The last day of service: ``service_through`` or, for one day, ``service_date``."""
        return self.service_date if self.service_through is None else self.service_through

    @property
    def requires_authorization(self) -> bool:
        """Whether billing this line to the patient needs a signed authorization.

        True for category ``fee`` and for lines marked ``patient_liable``.

        Examples:
            >>> LineItem(id="F1", category=Category.FEE, service_date=datetime.date(2024, 1, 2),
            ...          charge=Money("25.00", "USD")).requires_authorization
            True
        """
        return self.category is Category.FEE or self.patient_liable

    def provider(self, role: CareRole) -> Provider | None:
        """The line's provider in ``role`` (the first listed), or ``None``.

        Examples:
            >>> from billing_core.parties import Provider
            >>> doc = Provider(npi="1234567893", name="Dr. Ada Smith")
            >>> line = LineItem(id="L1", category=Category.PROCEDURE,
            ...                 service_date=datetime.date(2024, 1, 2), charge=Money("9.00", "USD"),
            ...                 care_team=[CareTeamMember(provider=doc, role=CareRole.RENDERING)])
            >>> line.provider(CareRole.RENDERING).name, line.provider(CareRole.ORDERING)
            ('Dr. Ada Smith', None)
        """
        for member in self.care_team:
            if member.role is role:
                return member.provider
        return None

    @property
    def rendering_provider(self) -> Provider | None:
        """The line's rendering provider, if it has its own."""
        return self.provider(CareRole.RENDERING)

    @property
    def ordering_provider(self) -> Provider | None:
        """The line's ordering provider, if any."""
        return self.provider(CareRole.ORDERING)


# --------------------------------------------------------------------------- authorization


def authorization_problem(line: LineItem, *, required: bool | None = None) -> str | None:
    """Why ``line`` may not be billed to the patient, or ``None`` if it may.

    A line that [`requires_authorization`][LineItem.requires_authorization] needs an authorization
    signed on or before its service date, for its service (when the
    authorization names one), with a cap (if any) not below the charge. Lines
    that need none always pass.

    Args:
        line: The line.
        required: Whether the line needs an authorization; ``None`` (the
            default) asks [`requires_authorization`][LineItem.requires_authorization]. Routing
            passes ``True`` for lines it moves to the patient because the payer
            does not cover them.

    Returns:
        The reason in words, or ``None``.

    Examples:
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
    if auth.signed_on > line.service_date:
        return (
            f"{what}: the authorization was signed on {auth.signed_on.isoformat()}, "
            f"after the service date {line.service_date.isoformat()}"
        )
    if auth.service is not None and (
        line.procedure is None or line.procedure.code != auth.service.code
    ):
        return f"{what}: the authorization covers {auth.service.code}, not this line's service"
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


# --------------------------------------------------------------------------- encounters


def _charges_minor(lines: Iterable[LineItem]) -> int:
    """The sum of the lines' charges in minor units (internal helper).

    Does not check currencies: a bill's, claim's or encounter's constructor
    already did (see [`_check_lines`][]). A plain loop, the fastest way to add
    them up in CPython (``bill_total`` is benchmarked against it).
    """
    total = 0
    for line in lines:
        total += line.charge.minor
    return total


def _check_lines(lines: tuple[LineItem, ...], currency: str, where: str) -> None:
    """Check lines are LineItems in ``currency`` with unique ids (internal helper).

    Raises:
        TypeError: A line is not a [`LineItem`][].
        CurrencyMismatchError: A line is in another currency.
        ValidationError: Two lines share an id.
    """
    seen: set[str] = set()
    for index, line in enumerate(lines, 1):
        if line.__class__ is not LineItem:
            raise _type_error(f"{where} line {index}", "a LineItem", line)
        if line.charge.currency is not currency and line.charge.currency != currency:
            raise CurrencyMismatchError(
                f"{where}: line {index} ({line.id!r}).charge is in {line.charge.currency}, "
                f"the {where} is in {currency}"
            )
        if line.id in seen:
            raise _fail(
                f"{where}.lines",
                f"line id {line.id!r} is used twice (line {index})",
                "lines.unique_ids",
            )
        seen.add(line.id)


@attrs.frozen(kw_only=True)
class Encounter:
    """One visit's line items with the facts a claim needs; the input of routing.

    Attributes:
        id: The caller's identifier of the encounter.
        account_id: The account whose ledger the bills and claims belong to.
        patient: Who was treated.
        lines: The line items, at least one, all in one currency, unique ids.
        guarantor: Who pays the patient's share, when not the patient.
        diagnoses: ICD-10-CM codes, the principal first (strings are parsed).
        care_team: Providers at encounter level (billing, rendering, referring, ...).
        place_of_service: Where the services were given.
        attachments: Supporting records for the whole encounter.
        prior_authorization: The payer's prior authorization number, if any.
        referral_number: The referral number, if any.

    Examples:
        >>> fee = LineItem(id="F1", category=Category.OTHER, service_date=datetime.date(2024, 1, 2),
        ...                charge=Money("25.00", "USD"))
        >>> enc = Encounter(id="E1", account_id="A1", patient=Patient(id="P1", name="Jane Roe"),
        ...                 lines=[fee], diagnoses=["Z00.00"])
        >>> enc.currency, enc.diagnoses
        ('USD', (DiagnosisCode(code='Z0000'),))
    """

    id: str = attrs.field(validator=attrs.validators.instance_of(str))
    account_id: str = attrs.field(validator=attrs.validators.instance_of(str))
    patient: Patient = attrs.field(validator=attrs.validators.instance_of(Patient))
    lines: tuple[LineItem, ...] = attrs.field(converter=_tuple)
    guarantor: Guarantor | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(Guarantor))
    )
    diagnoses: tuple[DiagnosisCode, ...] = attrs.field(
        default=(),
        converter=_diagnoses_converter("diagnoses"),  # type: ignore[misc]  # attrs.Converter: mypy plugin limit
    )
    care_team: tuple[CareTeamMember, ...] = attrs.field(default=(), converter=_tuple)
    place_of_service: PlaceOfService | None = attrs.field(
        default=None,
        converter=_optional_code(PlaceOfService, "place_of_service"),  # type: ignore[misc]  # attrs.Converter: mypy plugin limit
    )
    attachments: tuple[DocumentRef, ...] = attrs.field(default=(), converter=_tuple)
    prior_authorization: str | None = None
    referral_number: str | None = None

    def __attrs_post_init__(self) -> None:
        if not self.lines:
            raise _fail(f"encounter {self.id!r}.lines", "has no line items", "encounter.lines")
        _check_lines(self.lines, self.lines[0].charge.currency, f"encounter {self.id!r}")
        _all_of("encounter.care_team", self.care_team, CareTeamMember)
        _all_of("encounter.attachments", self.attachments, DocumentRef)

    @property
    def currency(self) -> str:
        """The currency of the lines."""
        return self.lines[0].charge.currency


# --------------------------------------------------------------------------- notebook views


def _service_text(line: LineItem) -> str:
    if line.service_through is None or line.service_through == line.service_date:
        return line.service_date.isoformat()
    return f"{line.service_date.isoformat()} to {line.service_through.isoformat()}"


def _code_text(line: LineItem) -> str:
    codes = [str(c) for c in (line.procedure, line.revenue_code) if c is not None]
    if line.drug is not None:
        codes.append(f"NDC {line.drug.ndc.code}")
    return ", ".join(codes)


def _lines_html(
    lines: tuple[LineItem, ...], currency: str, *, caption: str, pointers: bool = False
) -> str:
    """The lines of a bill or claim as an HTML table with a total (internal helper).

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
        format_money(Money.from_minor(_charges_minor(lines), currency)),
    ]
    units_at = columns.index("units")
    return html_table(
        columns, rows, caption=caption, right=(0, units_at, len(columns) - 1), footer=footer
    )


def _line_records(lines: tuple[LineItem, ...], currency: str, **document: str) -> list[Record]:
    """One flat record per line, led by the document's columns (internal helper)."""
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
            "charge": line.charge.amount,
            "currency": currency,
        }
        for number, line in enumerate(lines, 1)
    ]
