"""Hypothesis strategies for the parties: patients, guarantors, payers, coverages, providers.

Every strategy builds valid parties; a generated patient is born on or before
the date given, so it can go on an encounter or a bill with services from
that date on.

Examples:
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(coverages())
    ... def test_masked(coverage):
    ...     assert f"member_id={coverage.member_id!r}" not in repr(coverage)
    >>> test_masked()
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from hypothesis import strategies as st

from billing_core.parties import (
    CareRole,
    CareTeamMember,
    Coverage,
    CoverageSequence,
    Guarantor,
    Patient,
    Payer,
    PlanBenefits,
    Provider,
    ProviderKind,
    Relationship,
)
from billing_core.testing.strategies._common import ID_ALPHABET, ids, names
from billing_core.testing.strategies.codes import npis, taxonomy_codes
from billing_core.testing.strategies.money import moneys

__all__ = [
    "care_team_members",
    "coverages",
    "guarantors",
    "patients",
    "payers",
    "plan_benefits",
    "providers",
]


def patients(born_by: datetime.date = datetime.date(2024, 1, 1)) -> st.SearchStrategy[Patient]:
    """Patients with an id, a name and sometimes a birth date, on or before ``born_by``.

    Pass the first date of service as ``born_by`` when the patient goes on an
    encounter or a bill: a patient is never born after a service.

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> born = find(patients(datetime.date(1990, 1, 1)), lambda p: p.birth_date is not None,
        ...             settings=quick).birth_date
        >>> born <= datetime.date(1990, 1, 1)
        True
    """
    earliest = min(datetime.date(1920, 1, 1), born_by)
    return st.builds(
        Patient,
        id=ids("P"),
        name=names(),
        birth_date=st.none() | st.dates(earliest, born_by),
    )


def guarantors() -> st.SearchStrategy[Guarantor]:
    """Guarantors with any relationship to the patient.

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> find(guarantors(), lambda g: True, settings=quick).id.startswith("G")
        True
    """
    return st.builds(
        Guarantor, id=ids("G"), name=names(), relationship=st.sampled_from(Relationship)
    )


def payers() -> st.SearchStrategy[Payer]:
    """Payers with an electronic payer id.

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> find(payers(), lambda p: True, settings=quick).payer_id != ""
        True
    """
    return st.builds(
        Payer, id=ids("PAY"), name=names(), payer_id=st.text("0123456789", min_size=5, max_size=5)
    )


def plan_benefits(currency: str = "USD") -> st.SearchStrategy[PlanBenefits]:
    """Plan benefit terms in ``currency`` (each term sometimes absent).

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> find(plan_benefits("EUR"), lambda b: b.deductible is not None, settings=quick).currency
        'EUR'
    """
    amount = st.none() | moneys(currency=currency, min_minor=0, max_minor=1_000_000)
    rate = st.none() | st.integers(0, 100).map(lambda n: Decimal(n) / 100)
    return st.builds(
        PlanBenefits,
        deductible=amount,
        copay=amount,
        coinsurance_rate=rate,
        out_of_pocket_max=amount,
    )


def coverages(
    sequence: CoverageSequence | None = None, currency: str = "USD"
) -> st.SearchStrategy[Coverage]:
    """Open-ended coverages (no start or end date), of ``sequence`` if given.

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> find(coverages(CoverageSequence.SECONDARY), lambda c: True, settings=quick).sequence
        <CoverageSequence.SECONDARY: 2>
    """
    return st.builds(
        Coverage,
        id=ids("COV"),
        payer=payers(),
        member_id=st.text(ID_ALPHABET, min_size=3, max_size=14),
        sequence=st.just(sequence) if sequence is not None else st.sampled_from(CoverageSequence),
        group_number=st.text(ID_ALPHABET, max_size=8),
        relationship=st.sampled_from(Relationship),
        benefits=st.none() | plan_benefits(currency),
    )


def providers() -> st.SearchStrategy[Provider]:
    """Providers with valid NPIs, sometimes a taxonomy code.

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> len(find(providers(), lambda p: True, settings=quick).npi.code)
        10
    """
    return st.builds(
        Provider,
        npi=npis(),
        name=names(),
        kind=st.sampled_from(ProviderKind),
        taxonomy=st.none() | taxonomy_codes(),
    )


def care_team_members(
    roles: Sequence[CareRole] = tuple(CareRole),
) -> st.SearchStrategy[CareTeamMember]:
    """Care team members in one of ``roles``.

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> find(care_team_members([CareRole.ORDERING]), lambda m: True, settings=quick).role
        <CareRole.ORDERING: 'ordering'>
    """
    return st.builds(
        CareTeamMember,
        provider=providers(),
        role=st.sampled_from(tuple(roles)),
        description=st.just(""),
    )
