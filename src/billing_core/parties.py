"""Parties: patients, guarantors, payers, coverages, providers and care teams.

These are the *who* of billing. They are plain frozen values; documents
(bills, claims) hold them or refer to them by id.

Patient identifiers are protected health information (PHI). The ``repr`` of
every object holding them masks them, so printing a claim in a log or a
notebook does not leak a name, a birth date or a member id; the attributes
themselves still return the real values when asked for explicitly.

Examples:
    >>> import datetime
    >>> from billing_core.parties import Patient
    >>> p = Patient(id="P1", name="Jane Roe", birth_date=datetime.date(1980, 5, 17))
    >>> p
    Patient(id='P1', name='****', birth_date='****')
    >>> p.name, p.birth_date
    ('Jane Roe', datetime.date(1980, 5, 17))
"""

from __future__ import annotations

import datetime
import enum
import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from billing_core._checks import is_plain_date
from billing_core.codes import NPI, TaxonomyCode
from billing_core.errors import CurrencyMismatchError, Finding, InvalidAmountError, ValidationError
from billing_core.money import Money
from billing_core.views import masked_repr

__all__ = [
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
]

_is_str = attrs.validators.instance_of(str)

_Validator = Callable[[object, "attrs.Attribute[Any]", object], None]


def _check_date(where: str, value: object, *, optional: bool = False) -> None:
    """Raise TypeError unless ``value`` is a ``datetime.date`` (or ``None`` when optional).

    A datetime is a subclass of date, but a timestamp is not a calendar date
    (and does not compare with one). The message names the place and the
    value's type, never the value: a birth date is a patient identifier.
    Internal helper shared with [`charges`][billing_core.charges].

    Examples:
        >>> _check_date("patient 'P1'.birth_date", datetime.datetime(1980, 5, 17))
        Traceback (most recent call last):
        TypeError: patient 'P1'.birth_date must be a datetime.date (not a datetime), got a datetime
    """
    if value is None and optional:
        return
    if not is_plain_date(value):
        allowed = " or None" if optional else ""
        raise TypeError(
            f"{where} must be a datetime.date (not a datetime){allowed},"
            f" got a {type(value).__name__}"
        )


def _date_validator(owner: str, *, optional: bool = False) -> _Validator:
    """An attrs validator: the field is a ``datetime.date``, never a ``datetime`` (or ``None``).

    The error names the object (``owner`` and its ``id`` when it has one) and
    the field, e.g. ``claim 'CLM1'.claim_date must be a datetime.date (not a
    datetime), got a datetime``. Internal helper shared with
    [`charges`][billing_core.charges], [`bills`][billing_core.bills] and
    [`claims`][billing_core.claims].
    """

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        doc_id = getattr(instance, "id", None)
        label = owner if doc_id is None else f"{owner} {doc_id!r}"
        _check_date(f"{label}.{attribute.name}", value, optional=optional)

    return check


_opt_money = attrs.validators.optional(attrs.validators.instance_of(Money))


_member_id_repr = functools.partial(masked_repr, visible=4)


def _nonempty(_instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{attribute.name} must be a str, got {type(value).__name__} ({value!r})")
    if not value.strip():
        raise ValidationError([Finding(location=attribute.name, message="must not be empty")])


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


@attrs.frozen(kw_only=True)
class Patient:
    """The person who received the services.

    Attributes:
        id: The caller's identifier of the patient.
        name: Full name; masked in ``repr``.
        birth_date: Date of birth, if known; masked in ``repr``.

    Examples:
        >>> Patient(id="P1", name="Jane Roe")
        Patient(id='P1', name='****', birth_date=None)
    """

    id: str = attrs.field(validator=_nonempty)
    name: str = attrs.field(validator=_is_str, repr=masked_repr)
    birth_date: datetime.date | None = attrs.field(
        default=None, validator=_date_validator("patient", optional=True), repr=masked_repr
    )


@attrs.frozen(kw_only=True)
class Guarantor:
    """The responsible party for a patient's bills when it is not the patient.

    Attributes:
        id: The caller's identifier of the guarantor.
        name: Full name; masked in ``repr``.
        relationship: The patient's relationship to the guarantor (a child
            patient's parent is ``Relationship.CHILD``: the patient is the
            guarantor's child).

    Examples:
        >>> Guarantor(id="G1", name="John Roe", relationship=Relationship.CHILD)
        Guarantor(id='G1', name='****', relationship=<Relationship.CHILD: '19'>)
    """

    id: str = attrs.field(validator=_nonempty)
    name: str = attrs.field(validator=_is_str, repr=masked_repr)
    relationship: Relationship = attrs.field(
        default=Relationship.OTHER, validator=attrs.validators.instance_of(Relationship)
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

    id: str = attrs.field(validator=_nonempty)
    name: str = attrs.field(validator=_is_str)
    payer_id: str = attrs.field(default="", validator=_is_str)


class CoverageSequence(enum.Enum):
    """The order in which coverages pay: primary, secondary, tertiary.

    Examples:
        >>> sorted([CoverageSequence.TERTIARY, CoverageSequence.PRIMARY], key=lambda s: s.value)
        [<CoverageSequence.PRIMARY: 1>, <CoverageSequence.TERTIARY: 3>]
    """

    PRIMARY = 1
    SECONDARY = 2
    TERTIARY = 3


def _check_rate(instance: PlanBenefits, _attribute: object, value: Decimal | None) -> None:
    if value is None:
        return
    if not isinstance(value, Decimal) or isinstance(value, bool):
        raise TypeError(
            f"coinsurance_rate must be a Decimal such as Decimal('0.2'), "
            f"got {type(value).__name__} ({value!r})"
        )
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(1):
        raise InvalidAmountError(f"coinsurance_rate must be between 0 and 1, got {value}")


@attrs.frozen(kw_only=True)
class PlanBenefits:
    """A plan's benefit terms, kept on the coverage for patient-responsibility calculations.

    Every amount is optional (unknown or not part of the plan) and, when
    given, non-negative and in one currency.

    Attributes:
        deductible: The yearly deductible.
        copay: The fixed copay per visit.
        coinsurance_rate: The patient's share after the deductible, 0 to 1.
        out_of_pocket_max: The yearly out-of-pocket maximum.

    Examples:
        >>> b = PlanBenefits(deductible=Money("500.00", "USD"), coinsurance_rate=Decimal("0.2"))
        >>> b.currency
        'USD'
    """

    deductible: Money | None = attrs.field(default=None, validator=_opt_money)
    copay: Money | None = attrs.field(default=None, validator=_opt_money)
    coinsurance_rate: Decimal | None = attrs.field(default=None, validator=_check_rate)
    out_of_pocket_max: Money | None = attrs.field(default=None, validator=_opt_money)

    def __attrs_post_init__(self) -> None:
        amounts = {
            "deductible": self.deductible,
            "copay": self.copay,
            "out_of_pocket_max": self.out_of_pocket_max,
        }
        currencies = {m.currency for m in amounts.values() if m is not None}
        if len(currencies) > 1:
            raise CurrencyMismatchError(
                f"plan benefits mix currencies: {', '.join(sorted(currencies))}"
            )
        for name, amount in amounts.items():
            if amount is not None and amount.minor < 0:
                raise InvalidAmountError(f"{name} must not be negative, got {amount}")

    @property
    def currency(self) -> str | None:
        """The currency of the amounts, or ``None`` when there are none."""
        for m in (self.deductible, self.copay, self.out_of_pocket_max):
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

    Raises:
        ValidationError: If ``end`` is before ``start`` (a ``ValueError``).

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

    id: str = attrs.field(validator=_nonempty)
    payer: Payer = attrs.field(validator=attrs.validators.instance_of(Payer))
    member_id: str = attrs.field(validator=_nonempty, repr=_member_id_repr)
    sequence: CoverageSequence = attrs.field(
        validator=attrs.validators.instance_of(CoverageSequence)
    )
    group_number: str = attrs.field(default="", validator=_is_str)
    relationship: Relationship = attrs.field(
        default=Relationship.SELF, validator=attrs.validators.instance_of(Relationship)
    )
    benefits: PlanBenefits | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(attrs.validators.instance_of(PlanBenefits)),
    )
    start: datetime.date | None = attrs.field(
        default=None, validator=_date_validator("coverage", optional=True)
    )
    end: datetime.date | None = attrs.field(
        default=None, validator=_date_validator("coverage", optional=True)
    )

    def __attrs_post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValidationError(
                [
                    Finding(
                        location=f"coverage {self.id!r}.end",
                        message=f"{self.end.isoformat()} is before start {self.start.isoformat()}",
                        rule="coverage.period",
                    )
                ]
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

    Examples:
        >>> Provider(npi="1234567893", name="Dr. Ada Smith", taxonomy="207Q00000X").npi
        NPI(code='1234567893')
        >>> Provider(npi="1234567890", name="Dr. Bad")
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidCodeError: invalid NPI '1234567890': wrong check digit 0, ...
    """

    npi: NPI = attrs.field(converter=_to_npi)
    name: str = attrs.field(validator=_is_str)
    kind: ProviderKind = attrs.field(
        default=ProviderKind.PERSON, validator=attrs.validators.instance_of(ProviderKind)
    )
    taxonomy: TaxonomyCode | None = attrs.field(default=None, converter=_to_taxonomy)


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

    provider: Provider = attrs.field(validator=attrs.validators.instance_of(Provider))
    role: CareRole = attrs.field(validator=attrs.validators.instance_of(CareRole))
    description: str = attrs.field(default="", validator=_is_str)
