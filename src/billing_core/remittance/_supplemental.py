"""What an 835 says about a claim payment besides the money that balances (private).

The payer's references (REF), informational amounts (AMT) and quantities
(QTY), and the people and organisations it names (NM1) at claim level (loop
2100) and line level (loop 2110). The qualifier lists are those of the 835
implementation guide (TR3 005010X221A1). Informational amounts never enter a
balancing rule.

Examples:
    >>> from billing_core.money import Money
    >>> str(SupplementalAmount(qualifier="AU", amount=Money("80", "USD")))
    'AU 80.00 USD'
    >>> ClaimParty(role="QC", last_name="Roe", first_name="Jane", id_qualifier="MI",
    ...            identifier="W123456789")
    ClaimParty(role=<ClaimPartyRole.PATIENT: 'QC'>, last_name='****', first_name='****', middle_name=None, suffix=None, id_qualifier='MI', identifier='****6789', organization=False)
"""  # noqa: E501

from __future__ import annotations

import enum
import re
from collections.abc import Collection
from decimal import Decimal
from typing import Any, Final

import attrs

from billing_core._fields import of_type, text, wrong_type
from billing_core.errors import InvalidCodeError
from billing_core.money import Money
from billing_core.remittance._common import is_money, mismatch, parse_member, shown, to_quantity
from billing_core.views import Protected, protected

__all__ = [
    "ClaimParty",
    "ClaimPartyRole",
    "Reference",
    "SupplementalAmount",
    "SupplementalQuantity",
]

# The qualifiers of the 835 TR3 (005010X221A1), loop by loop.
CLAIM_REFERENCES: Final = frozenset(
    {
        # 2100 REF Other Claim Related Identification
        *("1L", "1W", "28", "6P", "9A", "9C", "BB", "CE", "EA", "F8", "G1", "G3", "IG", "SY"),
        # 2100 REF Rendering Provider Identification
        *("0B", "1A", "1B", "1C", "1D", "1G", "1H", "1J", "D3", "G2", "LU"),
    }
)
LINE_REFERENCES: Final = frozenset(
    {
        # 2110 REF Service Identification (6R, the line item control number, has its own field)
        *("1S", "APC", "BB", "E9", "G1", "G3", "LU", "RB"),
        # 2110 REF Rendering Provider Information
        *("0B", "1A", "1B", "1C", "1D", "1G", "1H", "1J", "D3", "G2", "HPI", "SY", "TJ"),
        # 2110 REF HealthCare Policy Identification
        "0K",
    }
)
CLAIM_AMOUNTS: Final = frozenset(
    {"AU", "D8", "DY", "F5", "I", "NL", "T", "T2", "ZK", "ZL", "ZM", "ZN", "ZO"}
)
# 2110 AMT Service Supplemental Amount; B6 (allowed) has its own field, ServicePayment.allowed.
LINE_AMOUNTS: Final = frozenset({"KH", "T", "T2", "ZK", "ZL", "ZM", "ZN", "ZO"})
CLAIM_QUANTITIES: Final = frozenset(
    {"CA", "CD", "LA", "LE", "NE", "NR", "OU", "PS", "VS", "ZK", "ZL", "ZM", "ZN", "ZO"}
)
LINE_QUANTITIES: Final = frozenset({"ZK", "ZL", "ZM", "ZN", "ZO"})

_QUALIFIER_RE: Final = re.compile(r"[0-9A-Z]{1,3}")
_VALUE: Final = text("Reference", nonempty=True, protected=True, show_id=False)
_NAME: Final = text("ClaimParty", optional=True, protected=True, show_id=False)
_PLAIN: Final = text("ClaimParty", optional=True, show_id=False)


def _to_qualifier(value: object) -> str:
    if not isinstance(value, str):
        raise wrong_type("an X12 qualifier", "a str", value)
    code = value.strip().upper()
    if _QUALIFIER_RE.fullmatch(code) is None:
        raise InvalidCodeError(
            f"invalid X12 qualifier {shown(value)}: expected 1-3 letters or digits"
        )
    return code


@attrs.frozen(kw_only=True)
class Reference:
    """A payer's reference number with its qualifier (835 REF01/REF02).

    The value may identify a person (a member id, ``1W``; a medical record
    number, ``EA``; a social security number, ``SY``): every view masks it but
    its last characters, and errors never show it.

    Attributes:
        qualifier: What the number is (REF01), e.g. ``"G1"`` (prior
            authorization), ``"F8"`` (original reference number).
        value: The number (REF02).

    Examples:
        >>> ref = Reference(qualifier="ea", value="MR-000123456")
        >>> ref.qualifier, ref.value
        ('EA', 'MR-000123456')
        >>> ref
        Reference(qualifier='EA', value='****3456')
    """

    qualifier: str = attrs.field(converter=_to_qualifier)
    value: str = attrs.field(validator=_VALUE, **protected(Protected.ID))


@attrs.frozen(kw_only=True)
class SupplementalAmount:
    """An informational amount with its qualifier (835 AMT); it never enters balancing.

    Attributes:
        qualifier: What the amount is (AMT01), e.g. ``"AU"`` (coverage
            amount), ``"I"`` (interest), ``"F5"`` (patient amount paid).
        amount: The amount (AMT02).

    Examples:
        >>> from billing_core.money import Money
        >>> SupplementalAmount(qualifier="I", amount=Money("1.25", "USD")).amount
        Money('1.25', 'USD')
    """

    qualifier: str = attrs.field(converter=_to_qualifier)
    amount: Money = attrs.field(validator=is_money)

    def __str__(self) -> str:
        return f"{self.qualifier} {self.amount}"


def _to_quantity(value: Decimal | int | str) -> Decimal:
    found = to_quantity(value)
    if found is None:
        raise TypeError("SupplementalQuantity.quantity must be a Decimal, int or str, got None")
    return found


@attrs.frozen(kw_only=True)
class SupplementalQuantity:
    """An informational quantity with its qualifier (835 QTY), e.g. covered days.

    Attributes:
        qualifier: What is counted (QTY01), e.g. ``"CA"`` (covered days),
            ``"VS"`` (visits).
        quantity: How many (QTY02), a ``Decimal``.

    Examples:
        >>> SupplementalQuantity(qualifier="CA", quantity="3").quantity
        Decimal('3')
    """

    qualifier: str = attrs.field(converter=_to_qualifier)
    quantity: Decimal = attrs.field(converter=_to_quantity)

    def __str__(self) -> str:
        return f"{self.qualifier} {self.quantity}"


class ClaimPartyRole(enum.Enum):
    """Who a name of a claim payment is (835 loop 2100 NM101).

    Examples:
        >>> ClaimPartyRole("IL")
        <ClaimPartyRole.INSURED: 'IL'>
    """

    PATIENT = "QC"
    """The patient."""
    INSURED = "IL"
    """The insured (subscriber), when not the patient."""
    CORRECTED_INSURED = "74"
    """The patient's or insured's name or id as the payer corrected it."""
    RENDERING_PROVIDER = "82"
    """The provider who rendered the service (service provider name)."""
    CROSSOVER_CARRIER = "TT"
    """The payer the claim was forwarded to (crossover)."""
    CORRECTED_PRIORITY_PAYER = "PR"
    """The payer that should have been billed first."""
    OTHER_SUBSCRIBER = "GB"
    """The subscriber of another coverage."""

    def __str__(self) -> str:
        return self.value


# NM108: the identification code qualifiers the TR3 allows for each name.
_ID_QUALIFIERS: Final[dict[ClaimPartyRole, frozenset[str]]] = {
    ClaimPartyRole.PATIENT: frozenset({"34", "HN", "II", "MI", "MR"}),
    ClaimPartyRole.INSURED: frozenset({"FI", "II", "MI"}),
    ClaimPartyRole.CORRECTED_INSURED: frozenset({"C"}),
    ClaimPartyRole.RENDERING_PROVIDER: frozenset({"BD", "BS", "FI", "MC", "PC", "SL", "UP", "XX"}),
    ClaimPartyRole.CROSSOVER_CARRIER: frozenset({"AD", "FI", "NI", "PI", "PP", "XV"}),
    ClaimPartyRole.CORRECTED_PRIORITY_PAYER: frozenset({"AD", "FI", "NI", "PI", "PP", "XV"}),
    ClaimPartyRole.OTHER_SUBSCRIBER: frozenset({"FI", "II", "MI"}),
}


def _to_role(value: ClaimPartyRole | str) -> ClaimPartyRole:
    if isinstance(value, ClaimPartyRole):
        return value
    expected = f"expected one of {', '.join(r.value for r in ClaimPartyRole)}"
    return parse_member(
        ClaimPartyRole, value, "claim party role", "", upper=True, expected=expected
    )


def _check_id_qualifier(instance: ClaimParty, attribute: Any, value: object) -> None:
    _PLAIN(instance, attribute, value)
    allowed = _ID_QUALIFIERS[instance.role]
    if value is not None and value not in allowed:
        raise InvalidCodeError(
            f"ClaimParty.id_qualifier {shown(str(value))} is not an NM108 code of a"
            f" {instance.role.name.lower().replace('_', ' ')} name ({instance.role.value}):"
            f" expected one of {', '.join(sorted(allowed))}"
        )


@attrs.frozen(kw_only=True)
class ClaimParty:
    """A person or organisation a claim payment names (835 loop 2100 NM1).

    Names and identifiers are protected health information for a patient or
    an insured; one simple rule masks them for every role in every view
    (an identifier keeps its last characters), and errors never show them.

    Attributes:
        role: Who it is (NM101); a ``str`` is parsed.
        last_name: The last name, or an organisation's name (NM103); ``None``
            when not given (each name part likewise).
        first_name: The first name (NM104).
        middle_name: The middle name or initial (NM105).
        suffix: The name suffix, e.g. ``"JR"`` (NM107).
        id_qualifier: What the identifier is (NM108), one of the TR3 codes
            for the role (e.g. ``"MI"``, member id; ``"XX"``, NPI).
        identifier: The identifier (NM109); given with ``id_qualifier`` or not at all.
        organization: Whether it is an organisation (NM102 ``2``) rather than a person.

    Raises:
        InvalidCodeError: If ``id_qualifier`` is not one of the role's, or
            only one of ``id_qualifier`` and ``identifier`` is given.

    Examples:
        >>> p = ClaimParty(role="IL", last_name="Roe", first_name="John", id_qualifier="MI",
        ...                identifier="W987654321")
        >>> p.role, p.identifier
        (<ClaimPartyRole.INSURED: 'IL'>, 'W987654321')
        >>> ClaimParty(role="QC", id_qualifier="XX", identifier="1234567893")
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidCodeError: ClaimParty.id_qualifier 'XX' is not an NM108 code of a patient name (QC): expected one of 34, HN, II, MI, MR
    """  # noqa: E501

    role: ClaimPartyRole = attrs.field(converter=_to_role)
    last_name: str | None = attrs.field(default=None, validator=_NAME, **protected(Protected.NAME))
    first_name: str | None = attrs.field(default=None, validator=_NAME, **protected(Protected.NAME))
    middle_name: str | None = attrs.field(
        default=None, validator=_NAME, **protected(Protected.NAME)
    )
    suffix: str | None = attrs.field(default=None, validator=_PLAIN)
    id_qualifier: str | None = attrs.field(default=None, validator=_check_id_qualifier)
    identifier: str | None = attrs.field(default=None, validator=_NAME, **protected(Protected.ID))
    organization: bool = attrs.field(
        default=False, validator=of_type("ClaimParty", bool, show_id=False)
    )

    def __attrs_post_init__(self) -> None:
        if (self.id_qualifier is None) != (self.identifier is None):
            given = "id_qualifier" if self.id_qualifier else "identifier"
            raise InvalidCodeError(
                f"ClaimParty.{given} is given without the other: NM108 and NM109 go together"
            )


def check_supplements(owner: str, item: Any, currency: str, *, line: bool) -> None:
    """Refuse a claim payment's or a line's reference, amount or quantity that does not fit.

    An amount in another currency than the item's, or a qualifier that the 835 guide does not
    list for the loop (2100 for a claim payment, 2110 for a line), naming the field.
    """
    for index, extra in enumerate(item.amounts):
        if extra.amount.currency != currency:
            raise mismatch(owner, f"amounts[{index}]", extra.amount, currency)
    loop = "2110" if line else "2100"
    references, amounts, quantities = (
        (LINE_REFERENCES, LINE_AMOUNTS, LINE_QUANTITIES)
        if line
        else (CLAIM_REFERENCES, CLAIM_AMOUNTS, CLAIM_QUANTITIES)
    )
    check_qualifiers(owner, "references", item.references, references, loop)
    check_qualifiers(owner, "amounts", item.amounts, amounts, loop)
    check_qualifiers(owner, "quantities", item.quantities, quantities, loop)


def check_qualifiers(
    owner: str, field: str, values: tuple[Any, ...], allowed: Collection[str], loop: str
) -> None:
    """Refuse a value whose qualifier the TR3 does not allow at this level, naming it."""
    for index, value in enumerate(values):
        if value.qualifier not in allowed:
            raise InvalidCodeError(
                f"{owner}.{field}[{index}]: qualifier {value.qualifier!r} is not one of"
                f" loop {loop}: expected one of {', '.join(sorted(allowed))}"
            )
