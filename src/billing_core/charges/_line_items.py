"""Line items: one billed service, drug, room day, supply, trip or fee each.

Each field of a [`LineItem`][] is checked by its own validator, which names the
line and the field; the constructor's own body keeps only the rules between
fields (a period ending before it starts, zero units where the category needs
units, a price component or cap in another currency than the charge).

Examples:
    >>> import datetime
    >>> from billing_core.money import Money
    >>> LineItem(id="L1", category=Category.SUPPLY, service_date=datetime.date(2024, 3, 4),
    ...          charge=Money("-1.00", "USD"))
    Traceback (most recent call last):
    ...
    billing_core.errors.ValidationError: line 'L1'.charge: must not be negative, got -1.00 USD (reductions are ledger adjustments)
"""  # noqa: E501

from __future__ import annotations

import datetime
import enum
from decimal import Decimal
from typing import Any, Final

import attrs

from billing_core._checks import describe
from billing_core._fields import (
    TOO_WIDE,
    date_field,
    invalid,
    items_of,
    label,
    of_type,
    optional_code,
    provider_in_role,
    text,
    to_tuple,
    too_wide,
    wrong_type,
)
from billing_core.charges._attachments import DocumentRef
from billing_core.charges._authorizations import PatientAuthorization
from billing_core.charges._prices import PriceComponent
from billing_core.codes import NDC, PlaceOfService, ProcedureCode, RevenueCode
from billing_core.errors import CurrencyMismatchError
from billing_core.money import Money
from billing_core.parties import CareRole, CareTeamMember, Provider

__all__ = [
    "MAX_DIAGNOSIS_POINTER",
    "ZERO_UNITS_ALLOWED",
    "Category",
    "Drug",
    "DrugUnit",
    "LineItem",
    "UnitBasis",
]

# Pointers are 1-based (837P SV107, CMS-1500 24E): 0 is no pointer, never the first.
MAX_DIAGNOSIS_POINTER: Final = 12
"""The highest diagnosis pointer: a claim lists at most 12 diagnoses (837P HI, CMS-1500 box 21)."""


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


def _check_count(where: str, value: object, rule: str) -> None:
    """A count of units is an int or a finite, bounded Decimal (never a float or a bool)."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise wrong_type(where, "an int or Decimal (never a float)", value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise invalid(where, f"must be a finite number, got {value}", rule)
        if too_wide(value):
            raise invalid(where, f"{TOO_WIDE}, got {describe(value)}", rule)


def _check_sign(where: str, value: int | Decimal, rule: str, *, allow_zero: bool) -> None:
    """A count is positive, or zero or more where zero is allowed."""
    if value < 0 or (value == 0 and not allow_zero):
        expected = "zero or more" if allow_zero else "positive"
        raise invalid(where, f"must be {expected}, got {value}", rule)


def _positive_quantity(drug: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    # Every failure of the field reports the one rule, "drug.quantity".
    _check_count("drug.quantity", value, "drug.quantity")
    _check_sign("drug.quantity", value, "drug.quantity", allow_zero=False)


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
        >>> from decimal import Decimal
        >>> Drug(ndc="0409-4888-02", quantity=Decimal("2.5"), unit=DrugUnit.MILLILITER).ndc.code
        '00409488802'
    """

    ndc: NDC = attrs.field(converter=_to_ndc)
    quantity: int | Decimal = attrs.field(validator=_positive_quantity)
    unit: DrugUnit = attrs.field(validator=of_type("drug", DrugUnit))


# ----------------------------------------------------------------- field validators
# One per field of LineItem; each names the line and the field. They run in field
# order, after every field is set, so ``line.id`` is known (and checked first).


def _line_id(line: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value.__class__ is not str or not value:
        raise wrong_type("line.id", "a non-empty str", value)


def _charge(line: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value.__class__ is not Money:
        raise wrong_type(f"{label(line, 'line')}.charge", "a Money", value)
    if value.minor < 0:
        raise invalid(
            f"{label(line, 'line')}.charge",
            f"must not be negative, got {value} (reductions are ledger adjustments)",
            "line.charge",
        )


def _units(line: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    # The sign depends on the category: a rule between fields, in the post-init.
    if value.__class__ is not int:  # an int needs no more than the sign check
        _check_count(f"{label(line, 'line')}.units", value, "line.units")


def _unit_price(line: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    where = f"{label(line, 'line')}.unit_price"
    if not isinstance(value, Decimal):
        raise wrong_type(where, "a Decimal or None", value)
    if not value.is_finite() or value < 0:
        raise invalid(where, f"must be zero or more, got {describe(value)}", "line.unit_price")
    if too_wide(value):
        # A unit price may carry more decimals than the currency, but not unboundedly many.
        raise invalid(where, f"{TOO_WIDE}, got {describe(value)}", "line.unit_price")


def _pointers(line: Any, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
    if not value:
        return
    for pointer in value:
        # A bool is an int to Python, never a pointer.
        if pointer.__class__ is not int or not 1 <= pointer <= MAX_DIAGNOSIS_POINTER:
            raise invalid(
                f"{label(line, 'line')}.diagnosis_pointers",
                f"each pointer must be an int from 1 to {MAX_DIAGNOSIS_POINTER}, "
                f"got {describe(pointer)}",
                "line.diagnosis_pointers",
            )
    # The same diagnosis twice adds nothing: most likely a keying error, so it is refused.
    if len(value) > 1 and len(set(value)) != len(value):
        raise invalid(
            f"{label(line, 'line')}.diagnosis_pointers",
            f"a diagnosis is pointed to twice: {value}",
            "line.diagnosis_pointers",
        )


def _price_components(line: Any, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
    for index, component in enumerate(value):
        if component.__class__ is not PriceComponent:
            where = f"{label(line, 'line')}.price_components[{index}]"
            raise wrong_type(where, "a PriceComponent", component)


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
            [`PriceComponentKind`][billing_core.charges.PriceComponentKind]
            for the roll-up rule).
        description: Free text shown on patient bills.

    Raises:
        ValidationError: A shape error, naming the line and the field.
        CurrencyMismatchError: A price component or cap in another currency.
        TypeError: A value of the wrong type.

    Examples:
        >>> import datetime
        >>> from billing_core.money import Money
        >>> room = LineItem(id="R1", category=Category.ROOM, service_date=datetime.date(2024, 3, 4),
        ...                 service_through=datetime.date(2024, 3, 5), revenue_code="0110",
        ...                 units=2, unit_basis=UnitBasis.DAYS, charge=Money("1800.00", "USD"))
        >>> room.service_end, room.requires_authorization
        (datetime.date(2024, 3, 5), False)
    """

    id: str = attrs.field(validator=_line_id)
    category: Category = attrs.field(validator=of_type("line", Category))
    service_date: datetime.date = attrs.field(validator=date_field("line"))
    charge: Money = attrs.field(validator=_charge)
    service_through: datetime.date | None = attrs.field(
        default=None, validator=date_field("line", optional=True)
    )
    procedure: ProcedureCode | None = attrs.field(
        default=None, validator=of_type("line", ProcedureCode, optional=True)
    )
    revenue_code: RevenueCode | None = attrs.field(
        default=None,
        converter=optional_code(RevenueCode, "revenue_code"),  # type: ignore[misc]  # attrs.Converter: mypy plugin limit
    )
    drug: Drug | None = attrs.field(default=None, validator=of_type("line", Drug, optional=True))
    units: int | Decimal = attrs.field(default=1, validator=_units)
    unit_basis: UnitBasis = attrs.field(
        default=UnitBasis.UNITS, validator=of_type("line", UnitBasis)
    )
    unit_price: Decimal | None = attrs.field(default=None, validator=_unit_price)
    place_of_service: PlaceOfService | None = attrs.field(
        default=None,
        converter=optional_code(PlaceOfService, "place_of_service"),  # type: ignore[misc]  # attrs.Converter: mypy plugin limit
    )
    diagnosis_pointers: tuple[int, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_pointers
    )
    care_team: tuple[CareTeamMember, ...] = attrs.field(
        default=(), converter=to_tuple, validator=items_of("line", CareTeamMember)
    )
    attachments: tuple[DocumentRef, ...] = attrs.field(
        default=(), converter=to_tuple, validator=items_of("line", DocumentRef)
    )
    authorization: PatientAuthorization | None = attrs.field(
        default=None, validator=of_type("line", PatientAuthorization, optional=True)
    )
    patient_liable: bool = attrs.field(default=False, validator=of_type("line", bool))
    price_components: tuple[PriceComponent, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_price_components
    )
    description: str = attrs.field(default="", validator=text("line"))

    def __attrs_post_init__(self) -> None:
        # Only rules between fields here: each field alone was checked by its validator.
        # Error texts are built only on failure: a line is built millions of times.
        through = self.service_through
        if through is not None and through < self.service_date:
            raise invalid(
                f"line {self.id!r}.service_through",
                f"{through.isoformat()} is before the service date {self.service_date.isoformat()}",
                "line.period",
            )
        units = self.units
        if units <= 0:  # zero is allowed for flat fees only, a negative count never
            allow_zero = self.category in ZERO_UNITS_ALLOWED
            _check_sign(f"line {self.id!r}.units", units, "line.units", allow_zero=allow_zero)
        # Only lines with amounts besides the charge can mix currencies; the common line has
        # none, so the check is skipped rather than run on empty fields.
        if self.authorization is not None or self.price_components:
            self._check_currencies()

    def _check_currencies(self) -> None:
        """A cap or a price component in another currency than the charge."""
        where, currency = f"line {self.id!r}", self.charge.currency
        auth = self.authorization
        if (
            auth is not None
            and auth.amount_cap is not None
            and auth.amount_cap.currency != currency
        ):
            raise CurrencyMismatchError(
                f"{where}.authorization.amount_cap is in {auth.amount_cap.currency}, "
                f"the charge is in {currency}"
            )
        for index, component in enumerate(self.price_components):
            if component.amount.currency != currency:
                raise CurrencyMismatchError(
                    f"{where}.price_components[{index}] is in {component.amount.currency}, "
                    f"the charge is in {currency}"
                )

    @property
    def service_end(self) -> datetime.date:
        """The last day of service: ``service_through`` or, for one day, ``service_date``."""
        return self.service_date if self.service_through is None else self.service_through

    @property
    def requires_authorization(self) -> bool:
        """Whether billing this line to the patient needs a signed authorization.

        True for category ``fee`` and for lines marked ``patient_liable``.

        Examples:
            >>> import datetime
            >>> from billing_core.money import Money
            >>> LineItem(id="F1", category=Category.FEE, service_date=datetime.date(2024, 1, 2),
            ...          charge=Money("25.00", "USD")).requires_authorization
            True
        """
        return self.category is Category.FEE or self.patient_liable

    def provider(self, role: CareRole) -> Provider | None:
        """The line's provider in ``role`` (the first listed), or ``None``.

        Examples:
            >>> import datetime
            >>> from billing_core.money import Money
            >>> from billing_core.parties import CareRole, CareTeamMember, Provider
            >>> doc = Provider(npi="1234567893", name="Dr. Ada Smith")
            >>> line = LineItem(id="L1", category=Category.PROCEDURE,
            ...                 service_date=datetime.date(2024, 1, 2), charge=Money("9.00", "USD"),
            ...                 care_team=[CareTeamMember(provider=doc, role=CareRole.RENDERING)])
            >>> line.provider(CareRole.RENDERING).name, line.provider(CareRole.ORDERING)
            ('Dr. Ada Smith', None)
        """
        return provider_in_role(self.care_team, role)

    @property
    def rendering_provider(self) -> Provider | None:
        """The line's rendering provider, if it has its own."""
        return self.provider(CareRole.RENDERING)

    @property
    def ordering_provider(self) -> Provider | None:
        """The line's ordering provider, if any."""
        return self.provider(CareRole.ORDERING)
