"""Encounters: one visit's line items with the claim-level facts routing needs.

Examples:
    >>> import datetime
    >>> from billing_core.charges import Category, LineItem
    >>> from billing_core.money import Money
    >>> fee = LineItem(id="F1", category=Category.OTHER, service_date=datetime.date(2024, 1, 2),
    ...                charge=Money("25.00", "USD"))
    >>> Encounter(id="E1", account_id="A1", lines=[fee],
    ...           patient=Patient(id="P1", name="Jane Roe", birth_date=datetime.date(2024, 1, 3)))
    Traceback (most recent call last):
    ...
    billing_core.errors.ValidationError: encounter 'E1'.patient.birth_date: is after the service date of line 'F1'
"""  # noqa: E501

from __future__ import annotations

import attrs

from billing_core._fields import (
    diagnoses,
    invalid,
    items_of,
    of_type,
    optional_code,
    text,
    to_tuple,
)
from billing_core.charges._attachments import DocumentRef
from billing_core.charges._line_items import LineItem
from billing_core.charges._lines import (
    check_born_by_service,
    check_lines,
    line_records,
    lines_html,
)
from billing_core.codes import DiagnosisCode, PlaceOfService
from billing_core.parties import CareTeamMember, Guarantor, Patient
from billing_core.views import MoneyForm, Protected, Record, protected, shown

__all__ = ["Encounter"]


@attrs.frozen(kw_only=True)
class Encounter:
    """One visit's line items with the facts a claim needs; the input of routing.

    Attributes:
        id: The caller's identifier of the encounter.
        account_id: The account whose ledger the bills and claims belong to.
        patient: Who was treated; born on or before every service date.
        lines: The line items, at least one, all in one currency, unique ids.
        guarantor: Who pays the patient's share, when not the patient.
        diagnoses: ICD-10-CM codes, the principal first (strings are parsed).
        care_team: Providers at encounter level (billing, rendering, referring, ...).
        place_of_service: Where the services were given.
        attachments: Supporting records for the whole encounter.
        prior_authorization: The payer's prior authorization number, if any.
        referral_number: The referral number, if any.

    Raises:
        ValidationError: No lines, two lines with one id, or a patient born
            after a service date (the message shows neither date).
        CurrencyMismatchError: Lines in different currencies.
        TypeError: A field of the wrong type, named.

    Examples:
        >>> import datetime
        >>> from billing_core.charges import Category
        >>> from billing_core.money import Money
        >>> from billing_core.parties import Patient
        >>> fee = LineItem(id="F1", category=Category.OTHER, service_date=datetime.date(2024, 1, 2),
        ...                charge=Money("25.00", "USD"))
        >>> enc = Encounter(id="E1", account_id="A1", patient=Patient(id="P1", name="Jane Roe"),
        ...                 lines=[fee], diagnoses=["Z00.00"])
        >>> enc.currency, enc.diagnoses
        ('USD', (DiagnosisCode(code='Z0000'),))
    """

    id: str = attrs.field(validator=text("encounter"))
    account_id: str = attrs.field(
        validator=text("encounter", protected=True), **protected(Protected.ID)
    )
    patient: Patient = attrs.field(validator=of_type("encounter", Patient))
    lines: tuple[LineItem, ...] = attrs.field(converter=to_tuple)
    guarantor: Guarantor | None = attrs.field(
        default=None, validator=of_type("encounter", Guarantor, optional=True)
    )
    diagnoses: tuple[DiagnosisCode, ...] = attrs.field(
        default=(),
        converter=diagnoses("diagnoses"),  # type: ignore[misc]  # attrs.Converter: mypy plugin limit
    )
    care_team: tuple[CareTeamMember, ...] = attrs.field(
        default=(), converter=to_tuple, validator=items_of("encounter", CareTeamMember)
    )
    place_of_service: PlaceOfService | None = attrs.field(
        default=None,
        converter=optional_code(PlaceOfService, "place_of_service"),  # type: ignore[misc]  # attrs.Converter: mypy plugin limit
    )
    attachments: tuple[DocumentRef, ...] = attrs.field(
        default=(), converter=to_tuple, validator=items_of("encounter", DocumentRef)
    )
    prior_authorization: str | None = attrs.field(
        default=None, validator=text("encounter", optional=True)
    )
    referral_number: str | None = attrs.field(
        default=None, validator=text("encounter", optional=True)
    )

    def __attrs_post_init__(self) -> None:
        where = f"encounter {self.id!r}"
        if not self.lines:
            raise invalid(f"{where}.lines", "has no line items", "encounter.lines")
        # The first line sets the currency: an encounter has no currency of its own, and a
        # claim or bill made from it must be in one.
        check_lines(self.lines, self.lines[0].charge.currency, where)
        check_born_by_service(self.patient, self.lines, f"{where}.patient")

    @property
    def currency(self) -> str:
        """The currency of the lines."""
        return self.lines[0].charge.currency

    def to_records(self, *, unmasked: bool = False, money: MoneyForm = "decimal") -> list[Record]:
        """The encounter's lines as flat rows of plain values (``pandas.DataFrame(records)`` works).

        Each row has ``encounter_id``, ``account_id`` and ``patient_id``
        (masked unless ``unmasked``, see [`views`][billing_core.views]), then
        the line's number, id, service dates, category, codes, units, diagnosis
        pointers, ``charge`` and ``currency``.

        Args:
            unmasked: Export the account and patient ids in full.
            money: ``"decimal"`` or ``"minor"`` (``int`` minor units).

        Returns:
            One record per line.

        Examples:
            >>> import datetime
            >>> from billing_core.charges import Category
            >>> from billing_core.money import Money
            >>> fee = LineItem(id="F1", category=Category.OTHER,
            ...                service_date=datetime.date(2024, 1, 2), charge=Money("25.00", "USD"))
            >>> enc = Encounter(id="E1", account_id="ACCT-0001234", lines=[fee],
            ...                 patient=Patient(id="P1", name="Jane Roe"))
            >>> row = enc.to_records(money="minor")[0]
            >>> row["account_id"], row["charge"], row["currency"]
            ('****1234', 2500, 'USD')
        """
        return line_records(
            self.lines,
            self.currency,
            money,
            encounter_id=self.id,
            account_id=shown(self.account_id, Protected.ID, unmasked=unmasked),
            patient_id=shown(self.patient.id, Protected.ID, unmasked=unmasked),
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_html(self, *, unmasked: bool = False) -> str:
        """The encounter as an HTML table (a notebook shows it); patient identifiers are masked.

        Args:
            unmasked: Show the account and patient ids in full (never the name
                or birth date, which a table of charges does not need).

        Returns:
            The HTML.

        Examples:
            >>> import datetime
            >>> from billing_core.charges import Category
            >>> from billing_core.money import Money
            >>> fee = LineItem(id="F1", category=Category.OTHER,
            ...                service_date=datetime.date(2024, 1, 2), charge=Money("25.00", "USD"))
            >>> enc = Encounter(id="E1", account_id="A1", lines=[fee],
            ...                 patient=Patient(id="P1", name="Jane Roe"))
            >>> "Jane" in enc.to_html(unmasked=True), "$25.00" in enc.to_html()
            (False, True)
        """
        account = shown(self.account_id, Protected.ID, unmasked=unmasked)
        patient = shown(self.patient.id, Protected.ID, unmasked=unmasked)
        caption = f"Encounter {self.id}; account {account}, patient {patient}"
        return lines_html(self.lines, self.currency, caption=caption, pointers=True)
