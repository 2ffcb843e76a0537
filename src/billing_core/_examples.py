"""Small documents for the examples in docstrings (private; documents layer).

Doctests across modules build the same small line and claim; they are built
here once, so an example stays short and shows only what it is about.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import attrs

from billing_core.charges import Category, LineItem
from billing_core.claims import Claim
from billing_core.codes import PlaceOfService, ProcedureCode
from billing_core.money import Money
from billing_core.parties import (
    Address,
    CareRole,
    CareTeamMember,
    Coverage,
    CoverageSequence,
    Patient,
    Payer,
    Provider,
    ProviderKind,
    Sex,
)


def example_line(line_id: str, amount: str) -> LineItem:
    """A one-day supply line in USD on 2024-01-02.

    Examples:
        >>> example_line("L1", "12.50").charge
        Money('12.50', 'USD')
    """
    return LineItem(
        id=line_id,
        category=Category.SUPPLY,
        service_date=datetime.date(2024, 1, 2),
        charge=Money(amount, "USD"),
    )


def example_claim(
    *,
    diagnosis_pointers: Iterable[int] = (1,),
    service_date: datetime.date = datetime.date(2024, 3, 4),
) -> Claim:
    """A small valid claim: one 99213 line of 125.00 USD, diagnosis E11.9, to Acme Health.

    Examples:
        >>> claim = example_claim()
        >>> claim.id, claim.total_charge, claim.claim_date
        ('CLM1', Money('125.00', 'USD'), datetime.date(2024, 3, 5))
    """
    coverage = Coverage(
        id="C1",
        payer=Payer(id="acme", name="Acme Health"),
        member_id="XYZ123456789",
        sequence=CoverageSequence.PRIMARY,
    )
    line = LineItem(
        id="L1",
        category=Category.PROCEDURE,
        service_date=service_date,
        procedure=ProcedureCode("CPT", "99213"),
        charge=Money("125.00", "USD"),
        diagnosis_pointers=diagnosis_pointers,
    )
    return Claim(
        id="CLM1",
        account_id="A1",
        patient_id="P1",
        coverage=coverage,
        claim_date=datetime.date(2024, 3, 5),
        lines=[line],
        diagnoses=["E11.9"],
    )


def example_837_claim() -> Claim:
    """[`example_claim`][] with what an 837P needs: patient, billing provider, place of service.

    Examples:
        >>> claim = example_837_claim()
        >>> claim.provider(CareRole.BILLING).name, claim.place_of_service.code
        ('Good Clinic', '11')
    """
    claim = example_claim()
    patient = Patient(
        id="P1",
        name="Roe, Jane",
        birth_date=datetime.date(1980, 5, 17),
        sex=Sex.FEMALE,
        address=Address(lines="12 Elm St", city="Springfield", state="IL", postal_code="62701"),
    )
    clinic = Provider(
        npi="1234567893",
        name="Good Clinic",
        kind=ProviderKind.ORGANIZATION,
        address=Address(lines="1 Main St", city="Springfield", state="IL", postal_code="62701"),
        tax_id="123456789",
    )
    return attrs.evolve(
        claim,
        patient=patient,
        care_team=[CareTeamMember(provider=clinic, role=CareRole.BILLING)],
        place_of_service=PlaceOfService("11"),
    )
