"""Routing: turn an encounter into a claim to the first payer, or a self-pay bill.

[`route`][] takes an [`Encounter`][billing_core.charges.Encounter] and the
patient's coverages and decides who is billed first:

- no coverage in effect on the encounter's first service date: every line
  goes on a draft **self-pay bill** to the guarantor (or the patient);
- otherwise a **claim** goes to the coverage first in sequence (primary
  before secondary before tertiary). Lines a caller-given [`SplitRule`][]
  selects (travel the plan excludes, authorized fees, ...) go on a draft
  **patient bill** instead; because they are billed to the patient when the
  payer does not cover them, each needs the patient's authorization signed on
  or before its service date.

Secondary and tertiary claims are made later, from the primary's remittance.

Examples:
    >>> import datetime
    >>> from billing_core.charges import Category, Encounter, LineItem
    >>> from billing_core.money import Money
    >>> from billing_core.parties import Patient
    >>> line = LineItem(id="L1", category=Category.PROCEDURE,
    ...                 service_date=datetime.date(2024, 3, 4), charge=Money("125.00", "USD"))
    >>> enc = Encounter(id="E1", account_id="A1", patient=Patient(id="P1", name="Jane Roe"),
    ...                 lines=[line])
    >>> r = route(enc, [], claim_id="CLM1", bill_id="B1", claim_date=datetime.date(2024, 3, 5))
    >>> r.claim is None, r.patient_bill.id, r.patient_bill.is_self_pay
    (True, 'B1', True)
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

import attrs

from billing_core._fields import invalid, wrong_type
from billing_core.bills import Bill
from billing_core.charges import Category, LineItem, require_patient_authorization
from billing_core.claims import Claim
from billing_core.parties import Coverage

if TYPE_CHECKING:
    from billing_core.charges import Encounter

__all__ = [
    "Routing",
    "SplitRule",
    "active_coverages",
    "route",
    "split_categories",
]


class SplitRule(Protocol):
    """Decides whether a line goes to the patient bill instead of the claim to ``coverage``.

    Any callable ``(line, coverage) -> bool`` qualifies, e.g. a lambda or
    [`split_categories`][].

    Examples:
        >>> route_nothing: SplitRule = lambda line, coverage: False
    """

    def __call__(self, line: LineItem, coverage: Coverage, /) -> bool:
        """Whether ``line`` goes to the patient."""
        ...


@attrs.frozen(kw_only=True)
class Routing:
    """The result of [`route`][]: a claim, a patient bill, or both.

    Attributes:
        claim: The claim to the first payer, or ``None`` (self-pay, or every
            line split to the patient).
        patient_bill: The draft bill to the patient or guarantor, or ``None``
            when nothing is billed to them.
        coverage: The coverage the claim goes to, or ``None``.

    Examples:
        >>> Routing(claim=None, patient_bill=None, coverage=None).claim is None
        True
    """

    claim: Claim | None
    patient_bill: Bill | None
    coverage: Coverage | None


def split_categories(*categories: Category) -> SplitRule:
    """A split rule sending every line of the given categories to the patient.

    Args:
        *categories: The categories the payer never covers.

    Returns:
        The rule.

    Examples:
        >>> from billing_core.money import Money
        >>> rule = split_categories(Category.TRAVEL, Category.FEE)
        >>> trip = LineItem(id="T1", category=Category.TRAVEL,
        ...                 service_date=datetime.date(2024, 3, 4), charge=Money("9.00", "USD"))
        >>> rule(trip, None)  # the coverage is not consulted
        True
    """
    # The members are checked when the rule is made, not when it runs: a typo then fails at
    # configuration time instead of silently sending every line to the payer.
    wanted = frozenset(categories)
    for category in wanted:
        if not isinstance(category, Category):
            raise wrong_type("categories", "Category members", category)

    def by_category(line: LineItem, coverage: Coverage) -> bool:
        return line.category in wanted

    return by_category


def active_coverages(coverages: Iterable[Coverage], on: datetime.date) -> tuple[Coverage, ...]:
    """The coverages in effect on ``on``, in paying order (primary first).

    Args:
        coverages: The patient's coverages, in any order.
        on: The date of service.

    Returns:
        The active coverages sorted by sequence.

    Raises:
        ValidationError: Two active coverages share a sequence (two primaries).

    Examples:
        >>> from billing_core.parties import CoverageSequence, Payer
        >>> p = Payer(id="p", name="P")
        >>> s = Coverage(id="S", payer=p, member_id="M2", sequence=CoverageSequence.SECONDARY)
        >>> f = Coverage(id="F", payer=p, member_id="M1", sequence=CoverageSequence.PRIMARY)
        >>> [c.id for c in active_coverages([s, f], datetime.date(2024, 1, 1))]
        ['F', 'S']
    """
    active = sorted(
        (c for c in coverages if c.is_active(on)), key=lambda coverage: coverage.sequence.value
    )
    # Sorted by sequence, two coverages with one sequence are adjacent. Two primaries on
    # one day mean the coverage data is wrong; picking one would bill the wrong payer.
    for first, second in itertools.pairwise(active):
        if first.sequence is second.sequence:
            raise invalid(
                "coverages",
                f"coverages {first.id!r} and {second.id!r} are both "
                f"{first.sequence.name.lower()} on {on.isoformat()}",
                "coverages.sequence",
            )
    return tuple(active)


def route(
    encounter: Encounter,
    coverages: Iterable[Coverage],
    *,
    claim_id: str,
    bill_id: str,
    claim_date: datetime.date,
    to_patient: SplitRule | None = None,
) -> Routing:
    """Route an encounter: a claim to the first payer, or a self-pay bill, or both.

    The coverage is chosen on the encounter's earliest service date. With no
    coverage in effect, every line goes on a self-pay bill. Otherwise lines
    for which ``to_patient(line, coverage)`` is true go on a patient bill and
    the rest on the claim; each line sent to the patient this way needs the
    patient's authorization (see
    [`require_patient_authorization`][billing_core.charges.require_patient_authorization]).

    The claim copies the encounter's diagnoses, care team, place of service,
    attachments, prior authorization and referral numbers; the bill goes to the
    encounter's guarantor, or to the patient when there is none. Both are
    drafts for the caller to validate and issue.

    Args:
        encounter: The visit's line items and claim-level facts.
        coverages: The patient's coverages (any order; inactive ones are skipped).
        claim_id: The id of the claim if one is made.
        bill_id: The id of the patient bill if one is made.
        claim_date: The claim date.
        to_patient: Which lines the payer never covers; ``None`` sends every
            line to the payer.

    Returns:
        The [`Routing`][].

    Raises:
        AuthorizationRequiredError: A line for the patient lacks a valid
            authorization (names the line).
        ValidationError: Two active coverages share a sequence.

    Examples:
        >>> from billing_core.charges import Encounter
        >>> from billing_core.money import Money
        >>> from billing_core.parties import CoverageSequence, Patient, Payer
        >>> cov = Coverage(id="C1", payer=Payer(id="acme", name="Acme"), member_id="M1",
        ...                sequence=CoverageSequence.PRIMARY)
        >>> visit = LineItem(id="L1", category=Category.PROCEDURE,
        ...                  service_date=datetime.date(2024, 3, 4), charge=Money("125.00", "USD"))
        >>> trip = LineItem(id="T1", category=Category.TRAVEL,
        ...                 service_date=datetime.date(2024, 3, 4), charge=Money("12.00", "USD"))
        >>> enc = Encounter(id="E1", account_id="A1", patient=Patient(id="P1", name="Jane Roe"),
        ...                 lines=[visit, trip])
        >>> route(enc, [cov], claim_id="CLM1", bill_id="B1", claim_date=datetime.date(2024, 3, 5),
        ...       to_patient=split_categories(Category.TRAVEL))
        Traceback (most recent call last):
        ...
        billing_core.errors.AuthorizationRequiredError: line 'T1' (travel) has no patient authorization on file
    """  # noqa: E501
    # One coverage for the whole encounter, chosen on its first day: a claim goes to one
    # payer, and an inpatient stay is billed to the plan in force at admission.
    first_day = min(line.service_date for line in encounter.lines)
    active = active_coverages(coverages, first_day)
    bill_to = encounter.guarantor if encounter.guarantor is not None else encounter.patient

    def patient_bill(lines: tuple[LineItem, ...]) -> Bill:
        return Bill(
            id=bill_id,
            account_id=encounter.account_id,
            patient_id=encounter.patient.id,
            bill_to=bill_to,
            currency=encounter.currency,
            lines=lines,
        )

    # Self-pay: no payer was skipped, so these lines need no patient authorization.
    if not active:
        return Routing(claim=None, patient_bill=patient_bill(encounter.lines), coverage=None)

    coverage = active[0]
    to_claim: list[LineItem] = []
    to_bill: list[LineItem] = []
    for line in encounter.lines:
        if to_patient is not None and to_patient(line, coverage):
            # A line a payer would not cover may be billed to the patient only with their
            # authorization on file (DESIGN.md section 1, an ABN-type consent): refused otherwise.
            require_patient_authorization(line, required=True)
            to_bill.append(line)
        else:
            to_claim.append(line)
    claim = None
    if to_claim:
        claim = Claim(
            id=claim_id,
            account_id=encounter.account_id,
            patient_id=encounter.patient.id,
            coverage=coverage,
            claim_date=claim_date,
            lines=to_claim,
            diagnoses=encounter.diagnoses,
            care_team=encounter.care_team,
            place_of_service=encounter.place_of_service,
            attachments=encounter.attachments,
            prior_authorization=encounter.prior_authorization,
            referral_number=encounter.referral_number,
        )
    bill = patient_bill(tuple(to_bill)) if to_bill else None
    return Routing(claim=claim, patient_bill=bill, coverage=coverage)
