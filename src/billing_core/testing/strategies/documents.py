"""Hypothesis strategies for line items, encounters, bills and claims.

Every strategy builds **valid** documents: a generated claim passes
[`validate_claim`][billing_core.claims.validate_claim] with no finding, a generated
self-pay bill has an authorization on every line that needs one, a
generated bill reached its status through the lifecycle functions and was
issued on or after its last day of service, and a generated patient is born
on or before the services they receive. Tests plant defects into them to
check that validation finds exactly those. The parties come from
[`billing_core.testing.strategies.parties`][].

Examples:
    >>> from hypothesis import given, settings
    >>> from billing_core.claims import validate_claim
    >>> @settings(max_examples=10)
    ... @given(claims())
    ... def test_generated_claims_are_valid(claim):
    ...     assert validate_claim(claim) == ()
    >>> test_generated_claims_are_valid()
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from hypothesis import strategies as st

from billing_core.bills import Bill, BillStatus, issue_bill, mark_balanced, void_bill
from billing_core.charges import (
    MAX_DIAGNOSIS_POINTER,
    ZERO_UNITS_ALLOWED,
    AttachmentTransmission,
    Category,
    DocumentKind,
    DocumentRef,
    Drug,
    DrugUnit,
    Encounter,
    LineItem,
    PatientAuthorization,
    PriceComponent,
    PriceComponentKind,
    UnitBasis,
)
from billing_core.claims import MAX_POINTERS_PER_LINE, Claim, ClaimFrequency
from billing_core.codes import NDC, ProcedureCode, RevenueCode
from billing_core.money import Money
from billing_core.parties import CareRole, Guarantor, Patient, Payer
from billing_core.testing.strategies._common import ids as _ids
from billing_core.testing.strategies._common import names
from billing_core.testing.strategies.codes import (
    diagnosis_codes,
    ndcs,
    places_of_service,
    procedure_codes,
    revenue_codes,
)
from billing_core.testing.strategies.money import moneys
from billing_core.testing.strategies.parties import (
    care_team_members,
    coverages,
    guarantors,
    patients,
    payers,
)

__all__ = [
    "bills",
    "claims",
    "document_refs",
    "encounters",
    "line_items",
    "patient_authorizations",
    "price_components",
    "service_dates",
]

_MIN_DATE = datetime.date(2015, 1, 1)
_MAX_DATE = datetime.date(2035, 12, 31)


def service_dates(
    min_value: datetime.date = _MIN_DATE, max_value: datetime.date = _MAX_DATE
) -> st.SearchStrategy[datetime.date]:
    """Dates of service between ``min_value`` and ``max_value``.

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> find(service_dates(), lambda d: d.year == 2020, settings=quick).year
        2020
    """
    return st.dates(min_value=min_value, max_value=max_value)


# --------------------------------------------------------------------------- charges


def document_refs(*, attachment: bool | None = None) -> st.SearchStrategy[DocumentRef]:
    """References to supporting records; PWK attachments when ``attachment`` is true.

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> find(document_refs(attachment=True), lambda d: True, settings=quick).is_attachment
        True
    """

    @st.composite
    def build(draw: st.DrawFn) -> DocumentRef:
        as_attachment = draw(st.booleans()) if attachment is None else attachment
        kind = draw(st.sampled_from(DocumentKind))
        reference = draw(_ids("doc/"))
        date = draw(st.none() | service_dates())
        if not as_attachment:
            return DocumentRef(kind=kind, reference=reference, date=date)
        transmission = draw(st.sampled_from(AttachmentTransmission))
        control = draw(
            st.none() | _ids("ACN")
            if transmission is AttachmentTransmission.AVAILABLE_ON_REQUEST
            else _ids("ACN")
        )
        return DocumentRef(
            kind=kind,
            reference=reference,
            date=date,
            report_type=draw(st.sampled_from(["03", "LA", "RR", "OB", "OZ", "PN"])),
            transmission=transmission,
            control_number=control,
        )

    return build()


def patient_authorizations(
    service_date: datetime.date = datetime.date(2024, 1, 1), currency: str = "USD"
) -> st.SearchStrategy[PatientAuthorization]:
    """Authorizations signed on or before ``service_date``, with no cap or a cap above any charge.

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> signed = patient_authorizations(datetime.date(2024, 5, 1))
        >>> auth = find(signed, lambda a: True, settings=quick)
        >>> auth.signed_on <= datetime.date(2024, 5, 1)
        True
    """
    return st.builds(
        PatientAuthorization,
        id=_ids("AUTH"),
        signed_by=names(),
        signed_on=st.dates(service_date - datetime.timedelta(days=90), service_date),
        document=st.builds(
            DocumentRef, kind=st.just(DocumentKind.CONSENT_FORM), reference=_ids("forms/")
        ),
        amount_cap=st.none() | st.just(Money.from_minor(10**12, currency)),
    )


def price_components(currency: str = "USD") -> st.SearchStrategy[PriceComponent]:
    """Price components of every kind in ``currency``.

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> find(price_components("EUR"), lambda c: True, settings=quick).amount.currency
        'EUR'
    """
    return st.builds(
        PriceComponent,
        kind=st.sampled_from(PriceComponentKind),
        amount=moneys(currency=currency, min_minor=0, max_minor=100_000),
    )


_BASIS = {
    Category.ROOM: UnitBasis.DAYS,
    Category.TRAVEL: UnitBasis.MILES,
}


def _codes(
    draw: st.DrawFn, category: Category
) -> tuple[ProcedureCode | None, RevenueCode | None, Drug | None]:
    """A line's procedure and revenue codes (a room may have only a revenue code) and drug."""
    has_procedure = category is not Category.ROOM or draw(st.booleans())
    procedure = draw(procedure_codes()) if has_procedure else None
    revenue = draw(revenue_codes()) if not has_procedure or draw(st.booleans()) else None
    if category in (Category.FEE, Category.OTHER) and draw(st.booleans()):
        procedure, revenue = None, None  # a fee may have no code at all
    drug = None
    if category is Category.DRUG:
        ndc: NDC = draw(ndcs())
        drug = Drug(
            ndc=ndc, quantity=draw(st.integers(1, 500)), unit=draw(st.sampled_from(DrugUnit))
        )
    return procedure, revenue, drug


def _pointers(draw: st.DrawFn, limit: int) -> tuple[int, ...]:
    """Unique pointers within ``1..limit``, at most 4 (none when ``limit`` is 0)."""
    if not limit:
        return ()
    size = min(MAX_POINTERS_PER_LINE, limit)
    return tuple(draw(st.lists(st.integers(1, limit), unique=True, max_size=size)))


def line_items(
    currency: str = "USD",
    *,
    categories: Sequence[Category] = tuple(Category),
    service_date: st.SearchStrategy[datetime.date] | None = None,
    diagnosis_count: int = 4,
    authorized: bool = True,
    ids: st.SearchStrategy[str] | None = None,
    max_charge_minor: int = 10_000_000,
) -> st.SearchStrategy[LineItem]:
    """Valid line items in ``currency``.

    Args:
        currency: The charge currency.
        categories: The categories to draw from.
        service_date: Where to draw service dates from (default 2015-2035).
        diagnosis_count: Pointers stay within ``1..diagnosis_count`` (at most 4 per
            line); 0 gives no pointers.
        authorized: Give every line that requires an authorization a valid one
            (so it is billable to the patient); otherwise authorizations are absent.
        ids: The line id strategy.
        max_charge_minor: The largest charge, in minor units.

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> rooms = line_items("JPY", categories=[Category.ROOM])
        >>> find(rooms, lambda x: True, settings=quick).unit_basis
        <UnitBasis.DAYS: 'days'>
    """
    dates = service_date if service_date is not None else service_dates()
    id_strategy = ids if ids is not None else _ids("L")
    pointer_limit = min(diagnosis_count, MAX_DIAGNOSIS_POINTER)

    @st.composite
    def build(draw: st.DrawFn) -> LineItem:
        category = draw(st.sampled_from(tuple(categories)))
        start = draw(dates)
        through = draw(
            st.none() | st.integers(0, 5).map(lambda n: start + datetime.timedelta(days=n))
        )
        procedure, revenue, drug = _codes(draw, category)
        patient_liable = draw(st.booleans()) if category is not Category.FEE else False
        needs_auth = category is Category.FEE or patient_liable
        authorization = (
            draw(patient_authorizations(start, currency)) if needs_auth and authorized else None
        )
        low = 0 if category in ZERO_UNITS_ALLOWED else 1
        return LineItem(
            id=draw(id_strategy),
            category=category,
            service_date=start,
            service_through=through,
            charge=draw(moneys(currency=currency, min_minor=0, max_minor=max_charge_minor)),
            procedure=procedure,
            revenue_code=revenue,
            drug=drug,
            units=draw(st.integers(low, 60)),
            unit_basis=_BASIS.get(category, UnitBasis.UNITS),
            place_of_service=draw(st.none() | places_of_service()),
            diagnosis_pointers=_pointers(draw, pointer_limit),
            care_team=draw(
                st.lists(care_team_members([CareRole.RENDERING, CareRole.ORDERING]), max_size=1)
            ),
            attachments=draw(st.lists(document_refs(), max_size=1)),
            authorization=authorization,
            patient_liable=patient_liable,
            price_components=draw(st.lists(price_components(currency), max_size=3)),
        )

    return build()


def _line_lists(
    currency: str,
    *,
    min_size: int,
    max_size: int,
    service_date: st.SearchStrategy[datetime.date] | None = None,
    diagnosis_count: int = 4,
    categories: Sequence[Category] = tuple(Category),
) -> st.SearchStrategy[list[LineItem]]:
    return st.lists(
        line_items(
            currency,
            categories=categories,
            service_date=service_date,
            diagnosis_count=diagnosis_count,
        ),
        min_size=min_size,
        max_size=max_size,
        unique_by=lambda line: line.id,
    )


def encounters(currency: str = "USD", *, max_lines: int = 6) -> st.SearchStrategy[Encounter]:
    """Encounters of one to ``max_lines`` lines whose pointers fit their diagnoses.

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> find(encounters("EUR"), lambda e: True, settings=quick).currency
        'EUR'
    """

    @st.composite
    def build(draw: st.DrawFn) -> Encounter:
        diagnoses = draw(st.lists(diagnosis_codes(), min_size=1, max_size=12, unique=True))
        lines = draw(
            _line_lists(currency, min_size=1, max_size=max_lines, diagnosis_count=len(diagnoses))
        )
        first_day = min(line.service_date for line in lines)
        return Encounter(
            id=draw(_ids("E")),
            account_id=draw(_ids("ACC")),
            patient=draw(patients(born_by=first_day)),
            guarantor=draw(st.none() | guarantors()),
            lines=lines,
            diagnoses=diagnoses,
            care_team=draw(st.lists(care_team_members(), max_size=3)),
            place_of_service=draw(st.none() | places_of_service()),
        )

    return build()


# --------------------------------------------------------------------------- documents


def bills(
    currency: str = "USD",
    *,
    status: BillStatus | None = None,
    self_pay: bool | None = None,
    min_lines: int = 0,
    max_lines: int = 8,
    service_date: st.SearchStrategy[datetime.date] | None = None,
) -> st.SearchStrategy[Bill]:
    """Bills reached through the lifecycle functions, in ``status`` if given.

    Issued, balanced and bills voided after issue have at least one line and
    were issued on or after their last day of service; a patient billed was
    born on or before the first (or, on a bill without lines, on or before
    2015-01-01, the earliest default service date).

    Args:
        currency: The currency.
        status: The status to reach; any when ``None``.
        self_pay: Bill the patient or a guarantor (true) or a payer (false); either when ``None``.
        min_lines: The fewest lines.
        max_lines: The most lines.
        service_date: Where the lines' service dates come from (default 2015-2035).

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> find(bills(status=BillStatus.BALANCED), lambda b: True, settings=quick).status
        <BillStatus.BALANCED: 'balanced'>
    """

    @st.composite
    def build(draw: st.DrawFn) -> Bill:
        target = status if status is not None else draw(st.sampled_from(BillStatus))
        needs_lines = target is not BillStatus.DRAFT and (
            target is not BillStatus.VOID or draw(st.booleans())
        )
        lines = draw(
            _line_lists(
                currency,
                min_size=max(min_lines, 1 if needs_lines else 0),
                max_size=max_lines,
                service_date=service_date,
            )
        )
        first_day = min((line.service_date for line in lines), default=_MIN_DATE)
        patient = draw(patients(born_by=first_day))
        pay_self = draw(st.booleans()) if self_pay is None else self_pay
        bill_to: Patient | Guarantor | Payer
        bill_to = draw(st.sampled_from([patient]) | guarantors()) if pay_self else draw(payers())
        bill = Bill(
            id=draw(_ids("B")),
            account_id=draw(_ids("ACC")),
            patient_id=patient.id,
            bill_to=bill_to,
            currency=currency,
            lines=lines,
        )
        if target is BillStatus.DRAFT or (target is BillStatus.VOID and not lines):
            return bill if target is BillStatus.DRAFT else void_bill(bill, "not needed")
        # A bill is issued on or after the last day of every service on it.
        last_day = max(line.service_end for line in lines)
        issued_on = last_day + datetime.timedelta(days=draw(st.integers(0, 60)))
        due_on = issued_on + datetime.timedelta(days=draw(st.integers(0, 90)))
        bill = issue_bill(bill, issued_on, due_on)
        if target is BillStatus.BALANCED:
            return mark_balanced(bill)
        if target is BillStatus.VOID:
            return void_bill(bill, "entered in error")
        return bill

    return build()


def claims(
    currency: str = "USD",
    *,
    min_lines: int = 1,
    max_lines: int = 8,
    max_diagnoses: int = 12,
    statement_period: bool | None = None,
) -> st.SearchStrategy[Claim]:
    """Claims that pass [`validate_claim`][billing_core.claims.validate_claim] with no finding.

    Every line has a procedure or revenue code and pointers to listed
    diagnoses; services are on or before the claim date and inside the
    statement period when there is one; a replacement or void carries the
    original claim number; the stated total is the sum of the lines.

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> find(claims(min_lines=3), lambda c: True, settings=quick).lines[2].id != ""
        True
    """

    @st.composite
    def build(draw: st.DrawFn) -> Claim:
        diagnoses = draw(
            st.lists(diagnosis_codes(), min_size=1, max_size=max_diagnoses, unique=True)
        )
        first_day = draw(st.dates(datetime.date(2018, 1, 1), datetime.date(2030, 1, 1)))
        last_day = first_day + datetime.timedelta(days=draw(st.integers(0, 30)))
        lines = draw(
            _line_lists(
                currency,
                min_size=min_lines,
                max_size=max_lines,
                service_date=st.dates(first_day, last_day),
                diagnosis_count=len(diagnoses),
                categories=(
                    Category.PROCEDURE,
                    Category.DRUG,
                    Category.ROOM,
                    Category.SUPPLY,
                    Category.TRAVEL,
                ),
            )
        )
        end = max(line.service_end for line in lines)
        claim_date = end + datetime.timedelta(days=draw(st.integers(0, 60)))
        with_period = draw(st.booleans()) if statement_period is None else statement_period
        frequency = draw(st.sampled_from(ClaimFrequency))
        return Claim(
            id=draw(_ids("CLM")),
            account_id=draw(_ids("ACC")),
            patient_id=draw(_ids("P")),
            coverage=draw(coverages(currency=currency)),
            claim_date=claim_date,
            lines=lines,
            diagnoses=diagnoses,
            care_team=draw(st.lists(care_team_members(), max_size=3)),
            place_of_service=draw(st.none() | places_of_service()),
            frequency=frequency,
            original_claim_number=(
                None if frequency is ClaimFrequency.ORIGINAL else draw(_ids("ICN"))
            ),
            prior_authorization=draw(st.none() | _ids("PA")),
            referral_number=draw(st.none() | _ids("REF")),
            attachments=draw(st.lists(document_refs(attachment=True), max_size=1)),
            statement_from=min(line.service_date for line in lines) if with_period else None,
            statement_through=end if with_period else None,
        )

    return build()
