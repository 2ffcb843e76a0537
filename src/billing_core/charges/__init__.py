"""Charges: what was done for a patient and what it is charged.

A [`LineItem`][billing_core.charges.LineItem] is one billable
service, drug, room day, supply, trip or fee, with its exact billed
``charge``. Line items are what bills and claims are made of; an
[`Encounter`][billing_core.charges.Encounter] groups the line items
of one visit with the claim-level facts (diagnoses, care team, place of
service) that routing needs.

Supporting records (lab results, radiology reports, signed consent forms) are
*referenced* by [`DocumentRef`][billing_core.charges.DocumentRef],
never stored.

Constructors check shapes and raise at once: a period ending before it starts,
a negative charge, zero units where the category needs units, a pointer
outside 1-12, a price component in another currency. The error is a
[`ValidationError`][billing_core.errors.ValidationError] whose finding names the line and
the field (or a ``TypeError`` for a value of the wrong type). Checks that
depend on the claim the line is on (a pointer to a diagnosis the claim does not
list, a service date after the claim date) are findings of
[`validate_claim`][billing_core.claims.validate_claim].

It holds the line item and its parts: `LineItem` (with `Category`,
`UnitBasis`, `Drug`, `DrugUnit`); typed `PriceComponent`s and the one net/gross
roll-up rule; supporting records (`DocumentRef`, `DocumentKind`,
`AttachmentTransmission`); patient authorizations (`PatientAuthorization`,
`authorization_problem`, `require_patient_authorization`); and the `Encounter`.

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

from billing_core._lazy import lazy_exports

_EXPORTS = {
    "billing_core.charges._attachments": ("AttachmentTransmission", "DocumentKind", "DocumentRef"),
    "billing_core.charges._authorizations": (
        "PatientAuthorization",
        "authorization_problem",
        "require_patient_authorization",
    ),
    "billing_core.charges._encounters": ("Encounter",),
    "billing_core.charges._line_items": (
        "MAX_DIAGNOSIS_POINTER",
        "ZERO_UNITS_ALLOWED",
        "Category",
        "Drug",
        "DrugUnit",
        "LineItem",
        "UnitBasis",
    ),
    "billing_core.charges._prices": ("PriceComponent", "PriceComponentKind"),
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
