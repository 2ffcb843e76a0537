"""Parties: patients, guarantors, payers, coverages, providers and care teams.

These are the *who* of billing. They are plain frozen values; documents
(bills, claims) hold them or refer to them by id.

Patient identifiers are protected health information (PHI). The ``repr`` of
every object holding them masks them, so printing a claim in a log or a
notebook does not leak a name, a birth date, a patient id or a member id (the
one masking policy of [`views`][billing_core.views]); the attributes
themselves still return the real values when asked for explicitly. Errors
follow the same rule: a bad name, birth date, member id or patient id is
reported by field and problem (``patient.name must be a str, got a bytes``),
never by value.

Examples:
    >>> import datetime
    >>> from billing_core.parties import Patient
    >>> p = Patient(id="P1", name="Jane Roe", birth_date=datetime.date(1980, 5, 17))
    >>> p
    Patient(id='****', name='****', birth_date='****', sex=None, address=None)
    >>> p.name, p.birth_date
    ('Jane Roe', datetime.date(1980, 5, 17))
"""

from __future__ import annotations

import datetime
import decimal
import enum
from decimal import Decimal
from typing import Any, Final

import attrs

from billing_core._checks import describe
from billing_core._fields import (
    MAX_DECIMAL_DIGITS,
    TOO_WIDE,
    date_field,
    invalid,
    of_type,
    text,
    too_wide,
)
from billing_core.codes import NPI, TaxonomyCode
from billing_core.errors import CurrencyMismatchError, InvalidAmountError
from billing_core.money import Money
from billing_core.views import Protected, protected

__all__ = [
    "COINSURANCE_RATE_PLACES",
    "Address",
    "CareRole",
    "CareTeamMember",
    "Coverage",
    "CoverageSequence",
    "Guarantor",
    "Patient",
    "Payer",
    "PlanBenefits",
    "Provider",
    "ProviderKind",
    "Relationship",
    "Sex",
]


class Relationship(enum.Enum):
    """The patient's relationship to another person (X12 individual relationship codes).

    Examples:
        >>> Relationship.SELF.value
        '18'
    """

    SELF = "18"
    SPOUSE = "01"
    CHILD = "19"
    OTHER = "G8"


class Sex(enum.Enum):
    """A person's administrative sex as claims carry it (X12 DMG03).

    Examples:
        >>> Sex("F")
        <Sex.FEMALE: 'F'>
    """

    FEMALE = "F"
    MALE = "M"
    UNKNOWN = "U"


def _address_lines(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(value)  # type: ignore[arg-type]


def _check_lines(instance: object, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
    if not 1 <= len(value) <= 2:
        raise invalid("address.lines", f"must hold 1 or 2 lines, got {len(value)}", "address.lines")
    for line in value:
        if not isinstance(line, str) or not line.strip():
            raise invalid("address.lines", "each line must be a non-empty str", "address.lines")


@attrs.frozen(kw_only=True)
class Address:
    """A postal address (X12 N3/N4; CMS-1500 boxes 5, 7 and 33).

    Attributes:
        lines: One or two street lines (a single ``str`` is one line).
        city: The city.
        state: The state or province code, e.g. ``"NY"``.
        postal_code: The ZIP or postal code.
        country: The ISO country code when outside the United States.

    A patient's address is protected health information: the classes that
    hold one mask it in their ``repr``.

    Examples:
        >>> Address(lines="1 Main St", city="Springfield", state="IL", postal_code="62701").lines
        ('1 Main St',)
        >>> Address(lines=[], city="Springfield")
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: address.lines: must hold 1 or 2 lines, got 0
    """

    lines: tuple[str, ...] = attrs.field(converter=_address_lines, validator=_check_lines)
    city: str = attrs.field(validator=text("address", protected=True, show_id=False))
    state: str = attrs.field(default="", validator=text("address", show_id=False))
    postal_code: str = attrs.field(
        default="", validator=text("address", protected=True, show_id=False)
    )
    country: str = attrs.field(default="", validator=text("address", show_id=False))


@attrs.frozen(kw_only=True)
class Patient:
    """The person who received the services.

    Attributes:
        id: The caller's identifier of the patient; masked in ``repr`` (the
            last four characters of a long id stay visible, see
            [`views`][billing_core.views]).
        name: Full name; masked in ``repr``.
        birth_date: Date of birth, if known; masked in ``repr``.
        sex: Administrative sex, if known (an 837 needs it).
        address: Home address, if known; masked in ``repr`` (an 837 needs it).

    Every field is protected health information: an error about one names the
    field and the problem, never the value (nor the patient's id).

    Raises:
        TypeError: A field of the wrong type (a name given as bytes, a
            birth date given as a datetime or a string).
        ValidationError: An empty id.

    Examples:
        >>> Patient(id="MRN-000123", name="Jane Roe")
        Patient(id='****0123', name='****', birth_date=None, sex=None, address=None)
        >>> Patient(id="P1", name=["Jane", "Roe"])
        Traceback (most recent call last):
        ...
        TypeError: patient.name must be a str, got a list (value not shown: protected health information)
    """  # noqa: E501

    id: str = attrs.field(
        validator=text("patient", nonempty=True, protected=True, show_id=False),
        **protected(Protected.ID),
    )
    name: str = attrs.field(
        validator=text("patient", protected=True, show_id=False), **protected(Protected.NAME)
    )
    birth_date: datetime.date | None = attrs.field(
        default=None,
        validator=date_field("patient", optional=True, show_id=False),
        **protected(Protected.DATE),
    )
    sex: Sex | None = attrs.field(
        default=None, validator=of_type("patient", Sex, optional=True, show_id=False)
    )
    address: Address | None = attrs.field(
        default=None,
        validator=of_type("patient", Address, optional=True, show_id=False),
        **protected(Protected.ADDRESS),
    )


@attrs.frozen(kw_only=True)
class Guarantor:
    """The responsible party for a patient's bills when it is not the patient.

    Attributes:
        id: The caller's identifier of the guarantor; masked in ``repr``.
        name: Full name; masked in ``repr``.
        relationship: The patient's relationship to the guarantor (a child
            patient's parent is ``Relationship.CHILD``: the patient is the
            guarantor's child).

    Examples:
        >>> Guarantor(id="G1", name="John Roe", relationship=Relationship.CHILD)
        Guarantor(id='****', name='****', relationship=<Relationship.CHILD: '19'>)
    """

    id: str = attrs.field(
        validator=text("guarantor", nonempty=True, protected=True, show_id=False),
        **protected(Protected.ID),
    )
    name: str = attrs.field(
        validator=text("guarantor", protected=True, show_id=False), **protected(Protected.NAME)
    )
    relationship: Relationship = attrs.field(
        default=Relationship.OTHER, validator=of_type("guarantor", Relationship, show_id=False)
    )


@attrs.frozen(kw_only=True)
class Payer:
    """An insurer or other third party that pays claims.

    Attributes:
        id: The caller's identifier of the payer.
        name: The payer's name.
        payer_id: The electronic payer id used by clearinghouses (837 NM109
            of loop 2010BB); empty if unknown.

    Examples:
        >>> Payer(id="acme", name="Acme Health", payer_id="87726").payer_id
        '87726'
    """

    id: str = attrs.field(validator=text("payer", nonempty=True))
    name: str = attrs.field(validator=text("payer"))
    payer_id: str = attrs.field(default="", validator=text("payer"))


class _NoBoolLookup(enum.EnumMeta):
    """Looking a member up by value refuses a bool: Python has ``True == 1``.

    Without it ``CoverageSequence(True)`` is the primary coverage, so a JSON
    ``true`` would load as a sequence number.
    """

    def __call__(cls, value: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool):
            raise invalid(
                f"{cls.__name__}", f"must be 1, 2 or 3, not a bool ({value})", "coverage.sequence"
            )
        return super().__call__(value, *args, **kwargs)


class CoverageSequence(enum.Enum, metaclass=_NoBoolLookup):
    """The order in which coverages pay: primary, secondary, tertiary.

    A member is looked up by its number; a bool is refused although Python
    counts ``True`` as 1.

    Examples:
        >>> sorted([CoverageSequence.TERTIARY, CoverageSequence.PRIMARY], key=lambda s: s.value)
        [<CoverageSequence.PRIMARY: 1>, <CoverageSequence.TERTIARY: 3>]
        >>> CoverageSequence(2)
        <CoverageSequence.SECONDARY: 2>
        >>> CoverageSequence(True)
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: CoverageSequence: must be 1, 2 or 3, not a bool (True)
    """

    PRIMARY = 1
    SECONDARY = 2
    TERTIARY = 3


COINSURANCE_RATE_PLACES: Final = 6
"""The most decimal places of a coinsurance rate (``Decimal("0.123456")`` is 12.3456%).

Trailing zeros do not count (``Decimal("0.2000000")`` is 0.2), but a rate is
written with at most 28 digits and an exponent from -28 to 28 (as are line
units, unit prices and remittance quantities): a rate such as
``Decimal("1e-100000000")`` is refused before any arithmetic, since its exact
value takes unbounded time to compute with."""

_RATE_QUANTUM: Final = Decimal(1).scaleb(-COINSURANCE_RATE_PLACES)
# A local context: the library never touches the caller's global decimal context.
_RATE_CONTEXT: Final = decimal.Context(prec=2 * MAX_DECIMAL_DIGITS + 2)


def _rate_problem(rate: Decimal) -> str | None:
    """What is wrong with a coinsurance rate, or ``None`` (see `COINSURANCE_RATE_PLACES`)."""
    if not rate.is_finite():
        return "must be a finite number between 0 and 1"
    if too_wide(rate):  # first: bounds the work of what follows
        return TOO_WIDE
    if not 0 <= rate <= 1:
        return "must be between 0 and 1"
    if rate != rate.quantize(_RATE_QUANTUM, context=_RATE_CONTEXT):
        return f"must have at most {COINSURANCE_RATE_PLACES} decimal places"
    return None


def _check_rate(instance: PlanBenefits, _attribute: object, value: Decimal | None) -> None:
    if value is None:
        return
    if not isinstance(value, Decimal):
        raise TypeError(
            f"plan benefits.coinsurance_rate must be a Decimal such as Decimal('0.2'), "
            f"got {describe(value)}"
        )
    problem = _rate_problem(value)
    if problem is not None:
        raise InvalidAmountError(f"plan benefits.coinsurance_rate {problem}, got {describe(value)}")


_amount = of_type("plan benefits", Money, optional=True)


@attrs.frozen(kw_only=True)
class PlanBenefits:
    """A plan's benefit terms, kept on the coverage for patient-responsibility calculations.

    Every amount is optional (unknown or not part of the plan) and, when
    given, non-negative and in one currency. The coinsurance rate is a
    ``Decimal`` from 0 to 1 with at most
    [`COINSURANCE_RATE_PLACES`][billing_core.parties.COINSURANCE_RATE_PLACES] decimal places.

    Attributes:
        deductible: The yearly deductible (the individual's, on a family plan).
        copay: The fixed copay per visit.
        coinsurance_rate: The patient's share after the deductible, 0 to 1.
        out_of_pocket_max: The yearly out-of-pocket maximum (the individual's,
            on a family plan).
        family_deductible: The yearly deductible of the whole family, on a
            family plan.
        family_out_of_pocket_max: The yearly out-of-pocket maximum of the
            whole family, on a family plan.

    Raises:
        TypeError: An amount that is not a `Money`, a rate that is not a ``Decimal``.
        InvalidAmountError: A negative amount, a rate out of bounds.
        CurrencyMismatchError: Amounts in different currencies.

    Examples:
        >>> b = PlanBenefits(deductible=Money("500.00", "USD"), coinsurance_rate=Decimal("0.2"))
        >>> b.currency
        'USD'
        >>> PlanBenefits(coinsurance_rate=Decimal("1e-100000000"))
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidAmountError: plan benefits.coinsurance_rate must be written with at most 28 digits and an exponent from -28 to 28, got Decimal('1E-100000000') (Decimal)
    """  # noqa: E501

    deductible: Money | None = attrs.field(default=None, validator=_amount)
    copay: Money | None = attrs.field(default=None, validator=_amount)
    coinsurance_rate: Decimal | None = attrs.field(default=None, validator=_check_rate)
    out_of_pocket_max: Money | None = attrs.field(default=None, validator=_amount)
    family_deductible: Money | None = attrs.field(default=None, validator=_amount)
    family_out_of_pocket_max: Money | None = attrs.field(default=None, validator=_amount)

    def __attrs_post_init__(self) -> None:
        amounts = {
            "deductible": self.deductible,
            "copay": self.copay,
            "out_of_pocket_max": self.out_of_pocket_max,
            "family_deductible": self.family_deductible,
            "family_out_of_pocket_max": self.family_out_of_pocket_max,
        }
        currencies = {m.currency for m in amounts.values() if m is not None}
        if len(currencies) > 1:
            raise CurrencyMismatchError(
                f"plan benefits mix currencies: {', '.join(sorted(currencies))}"
            )
        for name, amount in amounts.items():
            if amount is not None and amount.minor < 0:
                raise InvalidAmountError(f"plan benefits.{name} must not be negative, got {amount}")

    @property
    def currency(self) -> str | None:
        """The currency of the amounts, or ``None`` when there are none."""
        for m in (
            self.deductible,
            self.copay,
            self.out_of_pocket_max,
            self.family_deductible,
            self.family_out_of_pocket_max,
        ):
            if m is not None:
                return m.currency
        return None


@attrs.frozen(kw_only=True)
class Coverage:
    """A patient's insurance coverage with one payer.

    Attributes:
        id: The caller's identifier of the coverage.
        payer: Who pays.
        member_id: The subscriber's member id on the insurance card; masked in
            ``repr`` (the last four characters of long ids stay visible).
        sequence: Primary, secondary or tertiary.
        group_number: The group (employer plan) number, if any.
        relationship: The patient's relationship to the subscriber.
        benefits: The plan's benefit terms, if known.
        start: First day the coverage is in effect, if known.
        end: Last day the coverage is in effect (inclusive), if it ends.
        subscriber: The insured person (the holder of the member id), when it
            is not the patient (``relationship`` other than self); their
            details go on claims (837 loop 2010BA).
        filing_code: The kind of plan as claims name it (X12 claim filing
            indicator, SBR09: ``"CI"`` commercial, ``"MB"`` Medicare Part B,
            ``"MC"`` Medicaid, ...), if known.

    Raises:
        ValidationError: If ``end`` is before ``start`` (a ``ValueError``), or
            the id or member id is empty.
        TypeError: A field of the wrong type, named; a member id of the wrong
            type is not shown (it identifies the patient).

    Examples:
        >>> acme = Payer(id="acme", name="Acme Health")
        >>> cov = Coverage(id="C1", payer=acme, member_id="XYZ123456789",
        ...                sequence=CoverageSequence.PRIMARY)
        >>> cov
        Coverage(id='C1', payer=Payer(id='acme', ...), member_id='****6789', ...)
        >>> cov.member_id
        'XYZ123456789'
        >>> cov.is_active(datetime.date(2024, 3, 1))
        True
    """

    id: str = attrs.field(validator=text("coverage", nonempty=True))
    payer: Payer = attrs.field(validator=of_type("coverage", Payer))
    member_id: str = attrs.field(
        validator=text("coverage", nonempty=True, protected=True), **protected(Protected.ID)
    )
    sequence: CoverageSequence = attrs.field(validator=of_type("coverage", CoverageSequence))
    group_number: str = attrs.field(default="", validator=text("coverage"))
    relationship: Relationship = attrs.field(
        default=Relationship.SELF, validator=of_type("coverage", Relationship)
    )
    benefits: PlanBenefits | None = attrs.field(
        default=None, validator=of_type("coverage", PlanBenefits, optional=True)
    )
    start: datetime.date | None = attrs.field(
        default=None, validator=date_field("coverage", optional=True)
    )
    end: datetime.date | None = attrs.field(
        default=None, validator=date_field("coverage", optional=True)
    )
    subscriber: Patient | None = attrs.field(
        default=None, validator=of_type("coverage", Patient, optional=True)
    )
    filing_code: str | None = attrs.field(default=None, validator=text("coverage", optional=True))

    def __attrs_post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise invalid(
                f"coverage {self.id!r}.end",
                f"{self.end.isoformat()} is before start {self.start.isoformat()}",
                "coverage.period",
            )

    def is_active(self, on: datetime.date) -> bool:
        """Whether the coverage is in effect on ``on`` (both ends inclusive, open ends unbounded).

        Examples:
            >>> cov = Coverage(id="C1", payer=Payer(id="p", name="P"), member_id="M1",
            ...                sequence=CoverageSequence.PRIMARY, end=datetime.date(2023, 12, 31))
            >>> cov.is_active(datetime.date(2024, 1, 1))
            False
        """
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)


class ProviderKind(enum.Enum):
    """Whether a provider is a person (NPI type 1) or an organization (type 2).

    Examples:
        >>> ProviderKind("organization")
        <ProviderKind.ORGANIZATION: 'organization'>
    """

    PERSON = "person"
    ORGANIZATION = "organization"


def _to_npi(value: NPI | str) -> NPI:
    return value if isinstance(value, NPI) else NPI(value)


def _to_taxonomy(value: TaxonomyCode | str | None) -> TaxonomyCode | None:
    if value is None or isinstance(value, TaxonomyCode):
        return value
    return TaxonomyCode(value)


@attrs.frozen(kw_only=True)
class Provider:
    """A health care provider: a clinician or an organization.

    The NPI is validated (format and check digit) on construction; a string
    is parsed with [`NPI`][billing_core.codes.NPI], so a bad one raises
    [`InvalidCodeError`][billing_core.errors.InvalidCodeError].

    Attributes:
        npi: The National Provider Identifier.
        name: The person's or organization's name.
        kind: Person or organization.
        taxonomy: The NUCC taxonomy (specialty) code, if known.
        address: The practice or facility address (a billing provider's is on
            every claim), if known.
        tax_id: The federal tax id (EIN) a billing provider is paid under, if known.

    Examples:
        >>> Provider(npi="1234567893", name="Dr. Ada Smith", taxonomy="207Q00000X").npi
        NPI(code='1234567893')
        >>> Provider(npi="1234567890", name="Dr. Bad")
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidCodeError: invalid NPI '1234567890': wrong check digit 0, ...
    """

    npi: NPI = attrs.field(converter=_to_npi)
    name: str = attrs.field(validator=text("provider"))
    kind: ProviderKind = attrs.field(
        default=ProviderKind.PERSON, validator=of_type("provider", ProviderKind)
    )
    taxonomy: TaxonomyCode | None = attrs.field(default=None, converter=_to_taxonomy)
    address: Address | None = attrs.field(
        default=None, validator=of_type("provider", Address, optional=True)
    )
    tax_id: str | None = attrs.field(default=None, validator=text("provider", optional=True))


class CareRole(enum.Enum):
    """The role of a provider on a claim or a line.

    ``OTHER`` covers the rest of the care team (a physical or occupational
    therapist, a nurse practitioner, ...); describe it in
    `CareTeamMember.description`.

    Examples:
        >>> CareRole.RENDERING.value
        'rendering'
    """

    BILLING = "billing"
    RENDERING = "rendering"
    REFERRING = "referring"
    SUPERVISING = "supervising"
    ORDERING = "ordering"
    ATTENDING = "attending"
    OPERATING = "operating"
    OTHER = "other"


@attrs.frozen(kw_only=True)
class CareTeamMember:
    """A provider with a role in a patient's care.

    Attributes:
        provider: The provider.
        role: What they did.
        description: Free text for the role, e.g. ``"physical therapist"``.

    Examples:
        >>> pt = Provider(npi="1234567893", name="Sam Lee")
        >>> CareTeamMember(provider=pt, role=CareRole.OTHER, description="physical therapist").role
        <CareRole.OTHER: 'other'>
    """

    provider: Provider = attrs.field(validator=of_type("care team member", Provider))
    role: CareRole = attrs.field(validator=of_type("care team member", CareRole))
    description: str = attrs.field(default="", validator=text("care team member"))
