"""The billing process as functions that take a store: read, compute, append once.

Each workflow reads what it needs from a [`Store`][billing_core.storage.Store],
computes with the pure functions of the lower layers, and records the result
with one [`append_batch`][billing_core.storage.LedgerStore.append_batch]: all or
nothing, checked against the ledger versions it read, under an idempotency
key. When another writer got there first
([`ConcurrencyError`][billing_core.errors.ConcurrencyError])
it re-reads, re-plans and retries, at most ``max_attempts`` times. Nothing
here reads a clock: every date is a parameter.

| workflow | records |
|---|---|
| [`post_bill`][] | the issued bill, and a charge per line |
| [`submit_encounter`][] | the encounter, its claim and patient bill, and a charge per line |
| [`post_remittance`][] | the remittance's entries on every account it touches, in one batch, once |
| [`post_payment`][] | a payment and its application to open lines |
| [`refund_credit`][] | a refund out of a party's credit |
| [`write_off_small_balances`][] | write-offs of small patient balances |

Every workflow returns a frozen result (a [`WorkflowResult`][]) saying what
it wrote now (``written``, empty when nothing was), the ledgers' versions, and
whether the work had already been done (``duplicate``): running a workflow
twice, even concurrently, records its work once.

Documents (bills, claims, the remittance) and ledger entries are two writes
(a store has no transaction spanning both), so the workflows order them to be
safe to retry: a document is stored once (storing an equal one again is a
no-op), and the ledger append is idempotent.

Examples:
    >>> import datetime
    >>> from billing_core.charges import Category, LineItem
    >>> from billing_core.money import Money
    >>> from billing_core.parties import Patient
    >>> from billing_core.testing.memory import InMemoryStore
    >>> store = InMemoryStore()
    >>> visit = LineItem(id="L1", category=Category.PROCEDURE,
    ...                  service_date=datetime.date(2024, 3, 4), charge=Money("125.00", "USD"))
    >>> draft = Bill(id="B1", account_id="A1", patient_id="P1",
    ...              bill_to=Patient(id="P1", name="Jane Roe"), currency="USD", lines=[visit])
    >>> result = post_bill(store, draft, issued_on=datetime.date(2024, 3, 5),
    ...                    due_on=datetime.date(2024, 4, 4))
    >>> result.entry_ids, result.versions, result.duplicate
    (('charge:L1',), {'A1': 1}, False)
    >>> post_bill(store, draft, issued_on=datetime.date(2024, 3, 5),
    ...           due_on=datetime.date(2024, 4, 4)).duplicate
    True
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Final, TypeVar

import attrs

from billing_core.allocation import (
    AllocationPlan,
    AllocationStrategy,
    Payment,
    Receipt,
    apply_allocation,
    open_items,
    plan_allocation,
    receipt,
    refund,
    small_balance_write_offs,
)
from billing_core.balances import credits, line_balances
from billing_core.bills import Bill, BillStatus, issue_bill
from billing_core.charges import Encounter, LineItem
from billing_core.claims import Claim, ClaimRule, validate_claim
from billing_core.errors import (
    ConcurrencyError,
    DuplicateError,
    Finding,
    InsufficientCreditError,
    NotFoundError,
    Severity,
    ValidationError,
)
from billing_core.ledger import (
    Bucket,
    ChargePosted,
    Entry,
    Party,
    Refund,
    Source,
    WriteOff,
    validate_history,
)
from billing_core.money import Money
from billing_core.parties import Coverage
from billing_core.posting import ClaimLevelRule, PostingPlan, plan_posting
from billing_core.remittance import Remittance
from billing_core.routing import Routing, SplitRule, route
from billing_core.storage import (
    AppendRequest,
    BatchResult,
    D,
    DocumentStore,
    LedgerStore,
    Store,
    Versioned,
)

__all__ = [
    "DEFAULT_ATTEMPTS",
    "BillResult",
    "EncounterResult",
    "PaymentResult",
    "PostingStatus",
    "RefundResult",
    "RemittanceResult",
    "WorkflowResult",
    "WriteOffResult",
    "charge_entries",
    "post_bill",
    "post_payment",
    "post_remittance",
    "refund_credit",
    "submit_encounter",
    "write_off_small_balances",
]

DEFAULT_ATTEMPTS: Final = 10
"""How many times a workflow plans and appends before it lets a ConcurrencyError through."""

_ALREADY_POSTED: Final = "posting.already_posted"

T = TypeVar("T")

# --------------------------------------------------------------------------- results


def _entries(value: Iterable[Entry]) -> tuple[Entry, ...]:
    return tuple(value)


def _findings(value: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class WorkflowResult:
    """What a workflow did to the ledgers; every workflow's result extends it.

    Attributes:
        written: The entries this call appended, in order; empty when it wrote
            nothing (a duplicate, a refusal, nothing to do).
        batch: The store's answer to the append (the earlier one for a
            duplicate); ``None`` when nothing was sent to the store.
        duplicate: ``True`` when the work had already been recorded (by an
            earlier or a concurrent call): nothing was written now.
        findings: Problems and notices, with where they are.
        attempts: How many times the workflow read, planned and appended
            (more than 1 when a concurrent writer made it retry).

    Examples:
        >>> r = WorkflowResult(written=(), batch=None, duplicate=False, attempts=1)
        >>> r.versions, r.entry_ids
        ({}, ())
    """

    written: tuple[Entry, ...] = attrs.field(converter=_entries)
    batch: BatchResult | None
    duplicate: bool
    findings: tuple[Finding, ...] = attrs.field(default=(), converter=_findings)
    attempts: int

    @property
    def versions(self) -> dict[str, int]:
        """Each touched ledger's version after the append (empty when nothing was sent).

        Examples:
            >>> WorkflowResult(written=(), batch=None, duplicate=True, attempts=1).versions
            {}
        """
        return {} if self.batch is None else self.batch.versions

    @property
    def entry_ids(self) -> tuple[str, ...]:
        """The ids of the entries written now.

        Examples:
            >>> WorkflowResult(written=(), batch=None, duplicate=False, attempts=1).entry_ids
            ()
        """
        return tuple(e.id for e in self.written)


@attrs.frozen(kw_only=True)
class BillResult(WorkflowResult):
    """The result of [`post_bill`][].

    Attributes:
        bill: The issued bill as stored, with its version.

    Examples:
        >>> BillResult.__mro__[1].__name__
        'WorkflowResult'
    """

    bill: Versioned[Bill]


@attrs.frozen(kw_only=True)
class EncounterResult(WorkflowResult):
    """The result of [`submit_encounter`][].

    Attributes:
        routing: Who is billed: the claim and/or the patient bill.
        refused: ``True`` when the claim failed validation: nothing was
            stored or written, and `findings` say why.
        claim: The claim as stored, or ``None`` (self-pay, or refused).
        patient_bill: The draft patient bill as stored, or ``None``.

    Examples:
        >>> EncounterResult(written=(), batch=None, duplicate=False, attempts=0,
        ...                 routing=Routing(claim=None, patient_bill=None, coverage=None),
        ...                 refused=True, claim=None, patient_bill=None).refused
        True
    """

    routing: Routing
    refused: bool
    claim: Versioned[Claim] | None
    patient_bill: Versioned[Bill] | None


class PostingStatus(enum.Enum):
    """What [`post_remittance`][] did with a remittance.

    Examples:
        >>> str(PostingStatus.ALREADY_POSTED)
        'already posted'
    """

    POSTED = "posted"
    """Its entries were appended now, on every account it touches."""
    ALREADY_POSTED = "already posted"
    """An earlier (or concurrent) call posted it: nothing was written now."""
    REFUSED = "refused"
    """It does not balance, or does not match our claims: nothing was written."""

    def __str__(self) -> str:
        return self.value


@attrs.frozen(kw_only=True)
class RemittanceResult(WorkflowResult):
    """The result of [`post_remittance`][].

    Attributes:
        status: Posted, already posted, or refused.
        plan: The posting plan of the last attempt (its follow-ups, crossovers
            and provider sub-ledger postings are for the caller to act on).

    Examples:
        >>> PostingStatus.REFUSED in set(PostingStatus)
        True
    """

    status: PostingStatus
    plan: PostingPlan

    @property
    def refused(self) -> bool:
        """Whether the remittance was refused (nothing written; see [`explanation`][]).

        Examples:
            >>> PostingStatus("refused") is PostingStatus.REFUSED
            True
        """
        return self.status is PostingStatus.REFUSED

    @property
    def explanation(self) -> str:
        """What happened, in words: the refusal's findings and balancing, or a summary.

        Examples:
            >>> str(PostingStatus.POSTED)
            'posted'
        """
        plan = self.plan
        head = f"remittance {plan.remittance_id}: {self.status}"
        if self.status is PostingStatus.REFUSED:
            return f"{head}, nothing was written\n{plan.explain()}"
        if self.status is PostingStatus.ALREADY_POSTED:
            return f"{head} (idempotency key {plan.idempotency_key}), nothing was written"
        accounts = ", ".join(f"{a} (now version {v})" for a, v in self.versions.items())
        return f"{head}: {len(self.written)} entries on {accounts or 'no account'}"


@attrs.frozen(kw_only=True)
class PaymentResult(WorkflowResult):
    """The result of [`post_payment`][].

    Attributes:
        plan: How the payment was applied; ``None`` when it was already recorded.
        receipt: The payment's receipt as of its date (from the ledger as it
            now stands).

    Examples:
        >>> PaymentResult.__mro__[1] is WorkflowResult
        True
    """

    plan: AllocationPlan | None
    receipt: Receipt


@attrs.frozen(kw_only=True)
class RefundResult(WorkflowResult):
    """The result of [`refund_credit`][].

    Attributes:
        refund: The refund entry (written now, or found already recorded).

    Examples:
        >>> RefundResult.__mro__[1] is WorkflowResult
        True
    """

    refund: Refund


@attrs.frozen(kw_only=True)
class WriteOffResult(WorkflowResult):
    """The result of [`write_off_small_balances`][].

    Attributes:
        write_offs: The write-offs written now (same as ``written``).

    Examples:
        >>> WriteOffResult(written=(), batch=None, duplicate=False, attempts=1,
        ...                write_offs=()).write_offs
        ()
    """

    write_offs: tuple[WriteOff, ...]


# --------------------------------------------------------------------------- helpers


def _retrying(max_attempts: int, attempt: Callable[[int], T]) -> T:
    """Run ``attempt(n)`` until it does not raise ConcurrencyError, at most ``max_attempts`` times.

    Examples:
        >>> _retrying(3, lambda n: n)
        1
    """
    if max_attempts < 1:
        raise ValueError(f"max_attempts must be at least 1, got {max_attempts}")
    for n in range(1, max_attempts):
        try:
            return attempt(n)
        except ConcurrencyError:
            continue
    return attempt(max_attempts)


def _read(store: LedgerStore, accounts: Iterable[str]) -> dict[str, tuple[tuple[Entry, ...], int]]:
    return {a: store.read(a) for a in dict.fromkeys(accounts)}


def _requests(
    snapshot: Mapping[str, tuple[tuple[Entry, ...], int]], new: Iterable[Entry]
) -> list[AppendRequest]:
    """One request per account read (its version is checked even when it gets nothing).

    Every account that gets entries is checked whole, its history plus the new
    entries ([`validate_history`][billing_core.ledger.validate_history]): a back-dated
    refund, write-off or posting that would leave a bucket or a credit negative
    on some later day is refused here, before anything is written.

    Raises:
        ValidationError: With every finding, if an account would become invalid.
    """
    by_account: dict[str, list[Entry]] = {a: [] for a in snapshot}
    for entry in new:
        by_account.setdefault(entry.account_id, []).append(entry)
    findings = [
        finding
        for a, entries in by_account.items()
        if entries
        for finding in validate_history([*(snapshot[a][0] if a in snapshot else ()), *entries])
        if finding.severity is Severity.ERROR
    ]
    if findings:
        raise ValidationError(findings)
    return [
        AppendRequest(
            account_id=a,
            entries=entries,
            expected_version=snapshot[a][1] if a in snapshot else 0,
        )
        for a, entries in by_account.items()
    ]


def _store_once(store: DocumentStore, document: D) -> Versioned[D]:
    """Add a document; storing an equal one again is a no-op (a retry).

    Raises:
        DuplicateError: If a different document of that kind and id is stored.
    """
    try:
        return store.add(document)
    except DuplicateError:
        stored = store.get(type(document), document.id)
        if stored.value != document:
            raise
        return stored


def charge_entries(
    lines: Iterable[LineItem],
    *,
    account_id: str,
    bucket: Bucket,
    effective: datetime.date,
    reason: str | None = None,
) -> tuple[ChargePosted, ...]:
    """The [`ChargePosted`][billing_core.ledger.ChargePosted] entries of line items (pure).

    Each line's entry has the id ``"charge:<line id>"`` (a line is charged
    once per account) and the line's charge in ``bucket``.

    Args:
        lines: The line items.
        account_id: The account charged.
        bucket: The first responsible bucket (the claim's coverage, or the patient).
        effective: The posting date.
        reason: Kept in the entries' source (e.g. ``"claim CLM1"``).

    Returns:
        One entry per line, in order.

    Examples:
        >>> from billing_core.charges import Category
        >>> line = LineItem(id="L1", category=Category.SUPPLY,
        ...                 service_date=datetime.date(2024, 1, 2), charge=Money("9.00", "USD"))
        >>> day = datetime.date(2024, 1, 3)
        >>> [(c.id, c.amount, c.bucket) for c in charge_entries(
        ...     [line], account_id="A1", bucket=Bucket.PATIENT, effective=day)]
        [('charge:L1', Money('9.00', 'USD'), <Bucket.PATIENT: 'patient'>)]
    """
    source = Source(reason=reason)
    return tuple(
        ChargePosted(
            id=f"charge:{line.id}",
            account_id=account_id,
            line_id=line.id,
            effective=effective,
            amount=line.charge,
            source=source,
            bucket=bucket,
        )
        for line in lines
    )


def _post_charges(
    store: LedgerStore,
    account_id: str,
    charges: Sequence[ChargePosted],
    key: str,
    max_attempts: int,
) -> tuple[tuple[Entry, ...], BatchResult | None, bool, int]:
    """Append the charges not already on the account; (written, batch, duplicate, attempts)."""

    def attempt(n: int) -> tuple[tuple[Entry, ...], BatchResult | None, bool, int]:
        snapshot = _read(store, [account_id])
        charged = {e.line_id for e in snapshot[account_id][0] if isinstance(e, ChargePosted)}
        new = tuple(c for c in charges if c.line_id not in charged)
        if not new:
            return (), None, True, n
        batch = store.append_batch(_requests(snapshot, new), key)
        return ((), batch, True, n) if batch.duplicate else (new, batch, False, n)

    return _retrying(max_attempts, attempt)


# --------------------------------------------------------------------------- bills and claims


def post_bill(
    store: Store,
    bill: Bill,
    *,
    issued_on: datetime.date,
    due_on: datetime.date,
    bucket: Bucket | None = None,
    max_attempts: int = DEFAULT_ATTEMPTS,
) -> BillResult:
    """Issue a bill, store it, and post a charge per line (effective ``issued_on``).

    A draft is issued with [`issue_bill`][billing_core.bills.issue_bill]. The issued
    bill is stored: added, or replacing a stored draft of the same id (e.g.
    the patient bill [`submit_encounter`][] stored). Lines already charged
    on the account (by [`submit_encounter`][], or an earlier call) are not
    charged again, so a second call writes nothing and says ``duplicate``.

    Args:
        store: The store.
        bill: A draft bill (or the same bill already issued with these dates).
        issued_on: The issue date; also the charges' effective date.
        due_on: The due date.
        bucket: The bucket charged; by default the patient's for a self-pay
            bill. Required for a bill to a payer.
        max_attempts: How many times to re-read and retry on a concurrent write.

    Returns:
        The [`BillResult`][].

    Raises:
        InvalidTransitionError: The bill cannot be issued (no lines, not a draft).
        DuplicateError: A different bill with this id is already stored and
            is not a draft.
        ValueError: A bill to a payer without ``bucket``.
        ConcurrencyError: Still losing to concurrent writers after ``max_attempts``.

    Examples:
        >>> from billing_core.charges import Category
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
        ValueError: bill 'B9' goes to a payer: say which bucket its charges go to
        >>> r = post_bill(InMemoryStore(), draft, issued_on=datetime.date(2024, 1, 3),
        ...               due_on=datetime.date(2024, 2, 2), bucket=Bucket.PRIMARY)
        >>> r.bill.value.status, r.written[0].bucket
        (<BillStatus.ISSUED: 'issued'>, <Bucket.PRIMARY: 'primary'>)
    """
    if bucket is None:
        if not bill.is_self_pay:
            raise ValueError(
                f"bill {bill.id!r} goes to a payer: say which bucket its charges go to"
            )
        bucket = Bucket.PATIENT
    issued = bill if bill.status is BillStatus.ISSUED else issue_bill(bill, issued_on, due_on)
    try:
        stored = store.add(issued)
    except DuplicateError:
        current = store.get(Bill, issued.id)
        if current.value == issued:
            stored = current
        elif current.value.status is BillStatus.DRAFT:
            stored = store.replace(issued, expected_version=current.version)
        else:
            raise DuplicateError(
                f"bill {issued.id!r} is already stored as a different {current.value.status.value}"
                " bill; nothing was posted"
            ) from None
    charges = charge_entries(
        issued.lines,
        account_id=issued.account_id,
        bucket=bucket,
        effective=issued_on,
        reason=f"bill {issued.id}",
    )
    written, batch, duplicate, attempts = _post_charges(
        store, issued.account_id, charges, f"bill:{issued.id}:charges", max_attempts
    )
    return BillResult(
        written=written, batch=batch, duplicate=duplicate, attempts=attempts, bill=stored
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
) -> EncounterResult:
    """Route an encounter, validate and store its claim, and post its charges.

    [`route`][billing_core.routing.route] decides who is billed. The claim is
    checked with [`validate_claim`][billing_core.claims.validate_claim] (plus
    ``extra_rules``); an error refuses the submission: nothing is stored or
    written and the result carries every finding. Otherwise the encounter,
    the claim and the draft patient bill (if any) are stored, and every line
    is charged once, effective ``claim_date``: claim lines to the coverage's
    bucket, patient-bill lines to the patient's. Issue the patient bill later
    with [`post_bill`][] (it posts no second charge).

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

    Returns:
        The [`EncounterResult`][].

    Raises:
        AuthorizationRequiredError, ValidationError: As [`route`][billing_core.routing.route].
        DuplicateError: A different document with one of these ids is stored.
        ConcurrencyError: Still losing to concurrent writers after ``max_attempts``.

    Examples:
        >>> from billing_core.charges import Category
        >>> from billing_core.codes import ProcedureCode
        >>> from billing_core.parties import CoverageSequence, Patient, Payer
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
    routing = route(
        encounter,
        coverages,
        claim_id=claim_id,
        bill_id=bill_id,
        claim_date=claim_date,
        to_patient=to_patient,
    )
    claim, bill = routing.claim, routing.patient_bill
    findings: tuple[Finding, ...] = ()
    if claim is not None:
        findings = validate_claim(claim, extra_rules=extra_rules)
        if any(f.severity is Severity.ERROR for f in findings):
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
    _store_once(store, encounter)
    stored_claim = None if claim is None else _store_once(store, claim)
    stored_bill = None if bill is None else _store_once(store, bill)
    charges: list[ChargePosted] = []
    if claim is not None and routing.coverage is not None:
        charges += charge_entries(
            claim.lines,
            account_id=encounter.account_id,
            bucket=Bucket.coverage(routing.coverage.sequence.value),
            effective=claim_date,
            reason=f"claim {claim.id}",
        )
    if bill is not None:
        charges += charge_entries(
            bill.lines,
            account_id=encounter.account_id,
            bucket=Bucket.PATIENT,
            effective=claim_date,
            reason=f"bill {bill.id}",
        )
    written, batch, duplicate, attempts = _post_charges(
        store, encounter.account_id, charges, f"encounter:{encounter.id}:charges", max_attempts
    )
    return EncounterResult(
        written=written,
        batch=batch,
        duplicate=duplicate,
        findings=findings,
        attempts=attempts,
        routing=routing,
        refused=False,
        claim=stored_claim,
        patient_bill=stored_bill,
    )


# --------------------------------------------------------------------------- remittances


def post_remittance(
    store: Store,
    remittance: Remittance,
    *,
    coverages: Mapping[str, Iterable[Coverage | Bucket]] | None = None,
    claim_level_rule: ClaimLevelRule = ClaimLevelRule.PROPORTIONAL_TO_CHARGE,
    designated_lines: Mapping[str, str] | None = None,
    accept_unbalanced: bool = False,
    skip_unmatched: bool = False,
    effective: datetime.date | None = None,
    max_attempts: int = DEFAULT_ATTEMPTS,
) -> RemittanceResult:
    """Post a remittance on every account it touches, all or nothing, exactly once.

    Each attempt loads the claims the remittance answers (by patient control
    number = claim id; a missing one is left to the plan to report), reads the
    ledgers of their accounts, plans with [`plan_posting`][billing_core.posting.plan_posting]
    (balances and history as of ``effective``, the paid date by default) and
    appends the plan's entries with one
    [`append_batch`][billing_core.storage.LedgerStore.append_batch] under the plan's
    idempotency key, every account checked at the version read. On a
    ConcurrencyError it re-reads, re-plans and retries.

    - A remittance that does not balance, or answers a claim we do not have,
      is **refused**: nothing is written, and [`RemittanceResult.explanation`][]
      says why (findings and balancing).
    - A remittance posted before, or concurrently by another call, is
      **already posted**: nothing is written now.
    - After posting (or finding it posted) the remittance document is stored
      if it is not yet.

    The provider sub-ledger postings (PLB) are in ``result.plan.provider_entries``
    for the caller to record; the ledger protocol holds account entries only.

    Args:
        store: The store.
        remittance: The payer's remittance.
        coverages: Per account, its coverages (see [`plan_posting`][billing_core.posting.plan_posting]).
        claim_level_rule: How claim-level adjustments are spread over lines.
        designated_lines: For [`DESIGNATED_LINE`][billing_core.posting.ClaimLevelRule.DESIGNATED_LINE].
        accept_unbalanced: Post a remittance that does not balance.
        skip_unmatched: Hold unmatched claim payments in the provider sub-ledger.
        effective: The entries' date; the remittance's paid date by default.
        max_attempts: How many times to re-read and retry on a concurrent write.

    Returns:
        The [`RemittanceResult`][].

    Raises:
        ConcurrencyError: Still losing to concurrent writers after ``max_attempts``.

    Examples:
        >>> from billing_core.testing.memory import InMemoryStore
        >>> r = Remittance(payer="P", payee="Q", total_payment=Money("5", "USD"),
        ...     payment_method="CHK", trace_number="T9", paid_date=datetime.date(2024, 1, 2))
        >>> result = post_remittance(InMemoryStore(), r)
        >>> result.status, result.written
        (<PostingStatus.REFUSED: 'refused'>, ())
        >>> print(result.explanation)
        remittance T9: refused, nothing was written
        remittance T9: BPR02 total payment 5.00 USD but BPR02 = sum(CLP04) - sum(PLB) gives 0.00 USD (residual 5.00 USD)
        remittance T9: 1 problem in 1 check
        ...
    """  # noqa: E501
    when = remittance.paid_date if effective is None else effective

    def attempt(n: int) -> RemittanceResult:
        claims: list[Claim] = []
        for pcn in dict.fromkeys(cp.patient_control_number for cp in remittance.claims):
            try:
                claims.append(store.get(Claim, pcn).value)
            except NotFoundError:
                continue  # the plan reports it as unmatched
        snapshot = _read(store, (c.account_id for c in claims))
        history = [e for entries, _ in snapshot.values() for e in entries]
        plan = plan_posting(
            remittance,
            claims,
            history,
            coverages=coverages,
            claim_level_rule=claim_level_rule,
            designated_lines=designated_lines,
            accept_unbalanced=accept_unbalanced,
            skip_unmatched=skip_unmatched,
            effective=when,
        )
        if plan.refused:
            done = any(f.rule == _ALREADY_POSTED for f in plan.errors)
            return RemittanceResult(
                written=(),
                batch=None,
                duplicate=done,
                findings=plan.findings,
                attempts=n,
                status=PostingStatus.ALREADY_POSTED if done else PostingStatus.REFUSED,
                plan=plan,
            )
        try:
            stored = store.get(Remittance, remittance.id).value
        except NotFoundError:
            stored = remittance
        problems: list[Finding] = []
        if stored != remittance:
            problems.append(
                Finding(
                    location=f"remittance {remittance.id!r}",
                    message="a different remittance with this id is already stored",
                    rule="workflow.remittance_id_taken",
                )
            )
        else:
            # The plan was built from this snapshot, so apply_posting's duplicate and
            # stale checks cannot fire (the store's version check covers a concurrent
            # write); _requests checks each account's whole history, once.
            try:
                requests = _requests(snapshot, plan.entries)
            except ValidationError as err:
                problems.extend(err.findings)
        if problems:
            return RemittanceResult(
                written=(),
                batch=None,
                duplicate=False,
                findings=(*plan.findings, *problems),
                attempts=n,
                status=PostingStatus.REFUSED,
                plan=plan,
            )
        new = tuple(e for r in requests for e in r.entries)
        batch = store.append_batch(requests, plan.idempotency_key)
        return RemittanceResult(
            written=() if batch.duplicate else new,
            batch=batch,
            duplicate=batch.duplicate,
            findings=plan.findings,
            attempts=n,
            status=PostingStatus.ALREADY_POSTED if batch.duplicate else PostingStatus.POSTED,
            plan=plan,
        )

    result = _retrying(max_attempts, attempt)
    if not result.refused:
        _store_once(store, remittance)
    return result


# --------------------------------------------------------------------------- patient money


def _service_dates(
    store: DocumentStore, account_id: str, history: Iterable[Entry]
) -> dict[str, datetime.date]:
    """Each line's service date: from the account's claims and bills, else its charge date."""
    dates: dict[str, datetime.date] = {}
    for e in history:
        if isinstance(e, ChargePosted) and e.line_id is not None:
            dates.setdefault(e.line_id, e.effective)
    documents: list[Claim | Bill] = [v.value for v in store.find(Claim, "account_id", account_id)]
    documents += [v.value for v in store.find(Bill, "account_id", account_id)]
    for document in documents:
        for line in document.lines:
            dates[line.id] = line.service_date
    return dates


def post_payment(
    store: Store,
    payment: Payment,
    strategy: AllocationStrategy,
    *,
    bucket: Bucket = Bucket.PATIENT,
    service_dates: Mapping[str, datetime.date] | None = None,
    categories: Mapping[str, str] | None = None,
    max_attempts: int = DEFAULT_ATTEMPTS,
) -> PaymentResult:
    """Record a payment and apply it to the account's open lines with a strategy.

    Reads the account, builds its open items in ``bucket`` as of the payment
    date (service dates from the account's stored claims and bills, else the
    charge date; ``service_dates`` overrides), plans with
    [`plan_allocation`][billing_core.allocation.plan_allocation] and appends the
    [`apply_allocation`][billing_core.allocation.apply_allocation] entries under the key
    ``"payment:<payment id>"``. What cannot be applied stays the party's credit.
    A payment already recorded is a duplicate: nothing is written.

    Args:
        store: The store.
        payment: The payment (its id becomes its entry's id).
        strategy: How to choose lines and amounts.
        bucket: The bucket the paying party pays (the patient's by default).
        service_dates: Service dates by line id, overriding the stored ones.
        categories: Line classes for [`PriorityClasses`][billing_core.allocation.PriorityClasses].
        max_attempts: How many times to re-read and retry on a concurrent write.

    Returns:
        The [`PaymentResult`][], with the payment's receipt.

    Raises:
        NotFoundError, ValidationError, InsufficientCreditError: As
            [`plan_allocation`][billing_core.allocation.plan_allocation] (nothing is written).
        ConcurrencyError: Still losing to concurrent writers after ``max_attempts``.

    Examples:
        >>> from billing_core.allocation import OldestFirst
        >>> from billing_core.charges import Category
        >>> from billing_core.testing.memory import InMemoryStore
        >>> store = InMemoryStore()
        >>> day = datetime.date(2024, 5, 1)
        >>> _ = store.append("A1", charge_entries(
        ...     [LineItem(id="L1", category=Category.PROCEDURE, service_date=day,
        ...               charge=Money("25.00", "USD"))],
        ...     account_id="A1", bucket=Bucket.PATIENT, effective=day), 0, "visit")
        >>> pay = Payment(id="PAY-1", account_id="A1", party=Party.patient("P1"),
        ...               amount=Money("30.00", "USD"), received=day)
        >>> r = post_payment(store, pay, OldestFirst())
        >>> r.entry_ids, r.receipt.unapplied
        (('PAY-1', 'PAY-1:L1'), Money('5.00', 'USD'))
        >>> post_payment(store, pay, OldestFirst()).duplicate
        True
    """
    account_id = payment.account_id

    def attempt(n: int) -> PaymentResult:
        snapshot = _read(store, [account_id])
        history = snapshot[account_id][0]
        if any(e.id == payment.id for e in history):
            return PaymentResult(
                written=(),
                batch=None,
                duplicate=True,
                attempts=n,
                plan=None,
                receipt=receipt(payment, history, as_of=payment.received),
            )
        dates = _service_dates(store, account_id, history)
        dates.update(service_dates or {})
        balances = line_balances(history, payment.received)
        items = open_items(balances, bucket, service_dates=dates, categories=categories)
        plan = plan_allocation(payment, items, strategy)
        new = apply_allocation(plan, history)
        batch = store.append_batch(_requests(snapshot, new), f"payment:{payment.id}")
        now = store.read(account_id)[0] if batch.duplicate else (*history, *new)
        return PaymentResult(
            written=() if batch.duplicate else new,
            batch=batch,
            duplicate=batch.duplicate,
            attempts=n,
            plan=plan,
            receipt=receipt(payment, now, as_of=payment.received),
        )

    return _retrying(max_attempts, attempt)


def refund_credit(
    store: Store,
    account_id: str,
    party: Party,
    amount: Money,
    *,
    id: str,
    effective: datetime.date,
    reason: str | None = None,
    payment_id: str | None = None,
    max_attempts: int = DEFAULT_ATTEMPTS,
) -> RefundResult:
    """Give back part of a party's unapplied credit on an account.

    The credit is read as of ``effective``
    ([`credits`][billing_core.balances.credits]), the entry made by
    [`refund`][billing_core.allocation.refund] and appended under the key
    ``"refund:<id>"``. A refund with this id already recorded is a duplicate.

    Args:
        store: The store.
        account_id: The account.
        party: Whose credit.
        amount: How much; positive, at most the credit available.
        id: The refund entry's id.
        effective: Its date.
        reason: Why (kept in its source).
        payment_id: The payment refunded, if any (shown on its receipt).
        max_attempts: How many times to re-read and retry on a concurrent write.

    Returns:
        The [`RefundResult`][].

    Raises:
        InsufficientCreditError: The party has less credit than ``amount`` (or none).
        ConcurrencyError: Still losing to concurrent writers after ``max_attempts``.

    Examples:
        >>> from billing_core.ledger import PaymentReceived
        >>> from billing_core.testing.memory import InMemoryStore
        >>> store = InMemoryStore()
        >>> day = datetime.date(2024, 5, 1)
        >>> jane = Party.patient("P1")
        >>> _ = store.append("A1", [PaymentReceived(id="PAY-1", account_id="A1", effective=day,
        ...                  amount=Money("30.00", "USD"), party=jane)], 0, "pay")
        >>> r = refund_credit(store, "A1", jane, Money("10.00", "USD"), id="RF-1", effective=day)
        >>> r.entry_ids, r.versions
        (('RF-1',), {'A1': 2})
        >>> refund_credit(store, "A1", jane, Money("25.00", "USD"), id="RF-2", effective=day)
        Traceback (most recent call last):
        ...
        billing_core.errors.InsufficientCreditError: cannot refund 25.00 USD to patient:P1: only 20.00 USD of credit is available
    """  # noqa: E501

    def attempt(n: int) -> RefundResult:
        snapshot = _read(store, [account_id])
        history = snapshot[account_id][0]
        earlier = next((e for e in history if e.id == id), None)
        if isinstance(earlier, Refund):
            return RefundResult(written=(), batch=None, duplicate=True, attempts=n, refund=earlier)
        credit = credits(history, effective).get(party)
        if credit is None:
            raise InsufficientCreditError(f"{party} has no credit on account {account_id}")
        entry = refund(
            credit, amount, id=id, effective=effective, reason=reason, payment_id=payment_id
        )
        batch = store.append_batch(_requests(snapshot, [entry]), f"refund:{id}")
        return RefundResult(
            written=() if batch.duplicate else (entry,),
            batch=batch,
            duplicate=batch.duplicate,
            attempts=n,
            refund=entry,
        )

    return _retrying(max_attempts, attempt)


def write_off_small_balances(
    store: Store,
    account_id: str,
    threshold: Money,
    *,
    as_of: datetime.date,
    max_attempts: int = DEFAULT_ATTEMPTS,
) -> WriteOffResult:
    """Write off the account's patient balances under a threshold, line by line.

    The proposals of [`small_balance_write_offs`][billing_core.allocation.small_balance_write_offs]
    as of ``as_of`` (ids ``"<line>:small-balance:<as_of>"``) are appended
    under the key ``"small-balances:<account>:<as_of>"``: one run per account
    and day. Proposals already recorded are skipped; a run that finds
    nothing to write off writes nothing (and is not a duplicate).

    Args:
        store: The store.
        account_id: The account.
        threshold: Write off patient balances strictly below this.
        as_of: The balances' and the write-offs' date.
        max_attempts: How many times to re-read and retry on a concurrent write.

    Returns:
        The [`WriteOffResult`][].

    Raises:
        InvalidAmountError: ``threshold`` is not positive.
        ConcurrencyError: Still losing to concurrent writers after ``max_attempts``.

    Examples:
        >>> from billing_core.charges import Category
        >>> from billing_core.testing.memory import InMemoryStore
        >>> store = InMemoryStore()
        >>> day = datetime.date(2024, 6, 1)
        >>> lines = [LineItem(id=f"L{n}", category=Category.SUPPLY, service_date=day,
        ...                   charge=Money(a, "USD")) for n, a in ((1, "2.50"), (2, "80.00"))]
        >>> _ = store.append("A1", charge_entries(lines, account_id="A1", bucket=Bucket.PATIENT,
        ...                                       effective=day), 0, "visit")
        >>> r = write_off_small_balances(store, "A1", Money("5.00", "USD"), as_of=day)
        >>> [(w.line_id, w.amount) for w in r.write_offs]
        [('L1', Money('2.50', 'USD'))]
        >>> write_off_small_balances(store, "A1", Money("5.00", "USD"), as_of=day).written
        ()
    """
    key = f"small-balances:{account_id}:{as_of.isoformat()}"

    def attempt(n: int) -> WriteOffResult:
        snapshot = _read(store, [account_id])
        history = snapshot[account_id][0]
        done = {e.id for e in history}
        balances = line_balances(history, as_of)
        proposals = tuple(
            w for w in small_balance_write_offs(balances, threshold, as_of) if w.id not in done
        )
        if not proposals:
            return WriteOffResult(
                written=(), batch=None, duplicate=False, attempts=n, write_offs=()
            )
        batch = store.append_batch(_requests(snapshot, proposals), key)
        written = () if batch.duplicate else proposals
        return WriteOffResult(
            written=written,
            batch=batch,
            duplicate=batch.duplicate,
            attempts=n,
            write_offs=written,
        )

    return _retrying(max_attempts, attempt)
