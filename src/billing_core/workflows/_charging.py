"""Charging: issue a bill, or route and submit an encounter, and post each line's charge once.

Private: the public names are re-exported by [`billing_core.workflows`][billing_core.workflows].
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from billing_core.bills import Bill, BillStatus, issue_bill
from billing_core.charges import Encounter
from billing_core.charging import bill_charges, charges_to_post, claim_charges
from billing_core.claims import ClaimRule, validate_claim
from billing_core.errors import Finding, Severity
from billing_core.ledger import Bucket, ChargePosted
from billing_core.parties import Coverage
from billing_core.routing import Routing, SplitRule, route
from billing_core.storage import Store
from billing_core.workflows._charging_results import BillResult, EncounterResult
from billing_core.workflows._retry import (
    DEFAULT_ATTEMPTS,
    DEFAULT_BACKOFF,
    Backoff,
    check_attempts,
)
from billing_core.workflows._skeleton import Done, Outcome, Step, read, run, storing


def _is_draft(bill: Bill) -> bool:
    return bill.status is BillStatus.DRAFT


def post_bill(
    store: Store,
    bill: Bill,
    *,
    issued_on: datetime.date,
    due_on: datetime.date,
    bucket: Bucket | None = None,
    max_attempts: int = DEFAULT_ATTEMPTS,
    backoff: Backoff = DEFAULT_BACKOFF,
) -> BillResult:
    """Issue a bill, store it, and post a charge per line (effective ``issued_on``).

    A draft is issued with [`issue_bill`][billing_core.bills.issue_bill]. Every
    check comes first: the stored bill, the line ids
    ([`charges_to_post`][billing_core.charging.charges_to_post]) and the
    account's whole history with the new charges; only then is the issued bill
    stored (added, or replacing a stored draft of the same id, e.g. the
    patient bill [`submit_encounter`][billing_core.workflows.submit_encounter]
    stored) and its charges appended. A refused bill leaves nothing stored.

    Lines already charged by this bill (by
    [`submit_encounter`][billing_core.workflows.submit_encounter], or an earlier
    call) are not charged again, so a second call writes nothing and says
    ``duplicate``. A line whose id another document already charged on the
    account is refused: on an account a line id names one line.

    Args:
        store: The store.
        bill: A draft bill (or the same bill already issued with these dates).
        issued_on: The issue date; also the charges' effective date.
        due_on: The due date.
        bucket: The bucket charged; by default the patient's for a self-pay
            bill. Required for a bill to a payer.
        max_attempts: How many times to re-read and retry on a concurrent write.
        backoff: How long to wait before each retry.

    Returns:
        The [`BillResult`][billing_core.workflows.BillResult].

    Raises:
        InvalidTransitionError: The bill cannot be issued (no lines, not a draft).
        DuplicateError: A different bill with this id is stored and is not a
            draft, or a line id is already charged by another document.
        ValidationError: A bill to a payer without ``bucket``; or the charges
            would leave the account invalid (another currency, ...).
        IncompleteBatchError: The store kept part of an earlier batch.
        ConcurrencyError: Still losing to concurrent writers after ``max_attempts``.

    Examples:
        >>> import datetime
        >>> from billing_core.bills import Bill
        >>> from billing_core.charges import Category, LineItem
        >>> from billing_core.ledger import Bucket
        >>> from billing_core.money import Money
        >>> from billing_core.parties import Payer
        >>> from billing_core.testing.memory import InMemoryStore
        >>> line = LineItem(id="L9", category=Category.SUPPLY,
        ...                 service_date=datetime.date(2024, 1, 2), charge=Money("9.00", "USD"))
        >>> draft = Bill(id="B9", account_id="A1", patient_id="P1",
        ...              bill_to=Payer(id="acme", name="Acme"), currency="USD", lines=[line])
        >>> post_bill(InMemoryStore(), draft, issued_on=datetime.date(2024, 1, 3),
        ...           due_on=datetime.date(2024, 2, 2))
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: bill 'B9'.bucket: the bill goes to a payer: say which bucket its charges go to
        >>> r = post_bill(InMemoryStore(), draft, issued_on=datetime.date(2024, 1, 3),
        ...               due_on=datetime.date(2024, 2, 2), bucket=Bucket.PRIMARY)
        >>> r.bill.value.status, r.written[0].bucket
        (<BillStatus.ISSUED: 'issued'>, <Bucket.PRIMARY: 'primary'>)
    """  # noqa: E501
    # Issued and charged once, outside the retry loop: the documents do not change between
    # attempts, only the ledger does.
    issued = bill if bill.status is BillStatus.ISSUED else issue_bill(bill, issued_on, due_on)
    charges = bill_charges(issued, bucket=bucket, effective=issued_on)
    # One key per bill, not per call: a second post_bill of the same bill appends nothing.
    key = f"bill:{issued.id}:charges"

    def plan() -> Step[BillResult]:
        write_bill = storing(store, issued, replaceable=_is_draft)
        snapshot = read(store, [issued.account_id])
        # Only charges not yet on the ledger: submit_encounter may have charged the draft's
        # lines already, and a line is charged once whichever workflow came first.
        new = charges_to_post(charges, snapshot.history(issued.account_id))
        action = snapshot.append(new, key) if new else Done(key=key)
        stored = write_bill()  # every check has passed: now the writes, document first
        return Step(action=action, finish=lambda o: BillResult(**o.fields(), bill=stored))

    return run(store, plan, max_attempts=max_attempts, backoff=backoff)


def _charges(routing: Routing, claim_date: datetime.date) -> tuple[ChargePosted, ...]:
    """Claim lines in the coverage's bucket, patient-bill lines in the patient's."""
    claim, bill = routing.claim, routing.patient_bill
    on_claim = () if claim is None else claim_charges(claim)
    # Patient-bill lines are charged to the patient from the start: they were routed away
    # from the coverage, so no payer bucket must ever hold them.
    on_bill = (
        () if bill is None else bill_charges(bill, bucket=Bucket.PATIENT, effective=claim_date)
    )
    return (*on_claim, *on_bill)


def _refused(routing: Routing, findings: tuple[Finding, ...]) -> EncounterResult:
    return EncounterResult(
        written=(),
        batch=None,
        duplicate=False,
        findings=findings,
        attempts=0,
        routing=routing,
        refused=True,
        claim=None,
        patient_bill=None,
    )


def submit_encounter(
    store: Store,
    encounter: Encounter,
    coverages: Iterable[Coverage],
    *,
    claim_id: str,
    bill_id: str,
    claim_date: datetime.date,
    to_patient: SplitRule | None = None,
    extra_rules: Iterable[ClaimRule] = (),
    max_attempts: int = DEFAULT_ATTEMPTS,
    backoff: Backoff = DEFAULT_BACKOFF,
) -> EncounterResult:
    """Route an encounter, validate and store its claim, and post its charges.

    [`route`][billing_core.routing.route] decides who is billed. The claim is
    checked with [`validate_claim`][billing_core.claims.validate_claim] (plus
    ``extra_rules``); an error refuses the submission: nothing is stored or
    written and the result carries every finding. Otherwise, once every check
    has passed (the stored documents, the line ids, the account's history with
    the new charges), the encounter, the claim and the draft patient bill (if
    any) are stored, and every line is charged once, effective ``claim_date``:
    claim lines to the coverage's bucket, patient-bill lines to the patient's.
    Issue the patient bill later with [`post_bill`][billing_core.workflows.post_bill]
    (it posts no second charge).

    Args:
        store: The store.
        encounter: The visit.
        coverages: The patient's coverages.
        claim_id: The claim's id, if a claim is made.
        bill_id: The patient bill's id, if one is made.
        claim_date: The claim date; also the charges' effective date.
        to_patient: Which lines go on the patient bill (see [`route`][billing_core.routing.route]).
        extra_rules: More claim checks (your payer's rules).
        max_attempts: How many times to re-read and retry on a concurrent write.
        backoff: How long to wait before each retry.

    Returns:
        The [`EncounterResult`][billing_core.workflows.EncounterResult].

    Raises:
        AuthorizationRequiredError, ValidationError: As [`route`][billing_core.routing.route].
        DuplicateError: A different document with one of these ids is stored,
            or a line id is already charged on the account by another document.
        ValidationError: The charges would leave the account invalid.
        IncompleteBatchError: The store kept part of an earlier batch.
        ConcurrencyError: Still losing to concurrent writers after ``max_attempts``.

    Examples:
        >>> import datetime
        >>> import attrs
        >>> from billing_core.charges import Category, Encounter, LineItem
        >>> from billing_core.codes import ProcedureCode
        >>> from billing_core.money import Money
        >>> from billing_core.parties import Coverage, CoverageSequence, Patient, Payer
        >>> from billing_core.testing.memory import InMemoryStore
        >>> cov = Coverage(id="C1", payer=Payer(id="acme", name="Acme"), member_id="M1",
        ...                sequence=CoverageSequence.PRIMARY)
        >>> line = LineItem(id="L1", category=Category.PROCEDURE,
        ...                 procedure=ProcedureCode("CPT", "99213"),
        ...                 service_date=datetime.date(2024, 3, 4), charge=Money("125.00", "USD"))
        >>> enc = Encounter(id="E1", account_id="A1", patient=Patient(id="P1", name="Jane Roe"),
        ...                 lines=[line])
        >>> r = submit_encounter(InMemoryStore(), enc, [cov], claim_id="CLM1", bill_id="B1",
        ...                      claim_date=datetime.date(2024, 3, 5))
        >>> r.refused, [f.rule for f in r.findings]
        (True, ['claim.diagnoses.missing'])
        >>> enc = attrs.evolve(enc, diagnoses=["E11.9"],
        ...                    lines=[attrs.evolve(line, diagnosis_pointers=[1])])
        >>> store = InMemoryStore()
        >>> r = submit_encounter(store, enc, [cov], claim_id="CLM1", bill_id="B1",
        ...                      claim_date=datetime.date(2024, 3, 5))
        >>> r.refused, r.claim.version, [(e.id, e.bucket.value) for e in r.written]
        (False, 1, [('charge:L1', 'primary')])
    """
    check_attempts(max_attempts)
    routing = route(
        encounter,
        coverages,
        claim_id=claim_id,
        bill_id=bill_id,
        claim_date=claim_date,
        to_patient=to_patient,
    )
    claim, bill = routing.claim, routing.patient_bill
    findings = () if claim is None else validate_claim(claim, extra_rules=extra_rules)
    # Refused before the retry loop: a claim that fails its own rules will fail on every
    # attempt, and nothing has been read or written yet.
    if any(f.severity is Severity.ERROR for f in findings):
        return _refused(routing, findings)
    charges = _charges(routing, claim_date)
    # Keyed by the encounter, so retrying the submission (even with other claim or bill
    # ids) never charges the visit twice.
    key = f"encounter:{encounter.id}:charges"

    def plan() -> Step[EncounterResult]:
        write_encounter = storing(store, encounter)
        write_claim = None if claim is None else storing(store, claim)
        write_bill = None if bill is None else storing(store, bill)
        snapshot = read(store, [encounter.account_id])
        new = charges_to_post(charges, snapshot.history(encounter.account_id))
        action = snapshot.append(new, key) if new else Done(key=key)
        # every check has passed: now the writes, documents first
        write_encounter()
        stored_claim = None if write_claim is None else write_claim()
        stored_bill = None if write_bill is None else write_bill()

        def finish(outcome: Outcome) -> EncounterResult:
            return EncounterResult(
                **outcome.fields(),
                findings=findings,
                routing=routing,
                refused=False,
                claim=stored_claim,
                patient_bill=stored_bill,
            )

        return Step(action=action, finish=finish)

    return run(store, plan, max_attempts=max_attempts, backoff=backoff)
