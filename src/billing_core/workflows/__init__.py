"""The billing process as functions that take a store: read, compute, append once.

Each workflow reads what it needs from a [`Store`][billing_core.storage.Store],
computes with the pure functions of the lower layers, and records the result
with one [`append_batch`][billing_core.storage.LedgerStore.append_batch]: all or
nothing, checked against the ledger versions it read, under an idempotency
key. When another writer got there first
([`ConcurrencyError`][billing_core.errors.ConcurrencyError])
it waits a little ([`Backoff`][]), re-reads, re-plans and retries, at most
``max_attempts`` times. Nothing here reads a clock: every date is a parameter.

| workflow | records |
|---|---|
| [`post_bill`][] | the issued bill, and a charge per line |
| [`submit_encounter`][] | the encounter, its claim and patient bill, and a charge per line |
| [`post_remittance`][] | the remittance's entries on every account it touches, in one batch, once |
| [`apply_unapplied_cash`][] | cash a remittance held, applied later to the right claim |
| [`post_payment`][] | a payment and its application to open lines |
| [`refund_credit`][] | a refund out of a party's credit |
| [`write_off_small_balances`][] | write-offs of small patient balances |

Every workflow returns a frozen result (a [`WorkflowResult`][]) saying what
it wrote now (``written``, empty when nothing was), the ledgers' versions, and
whether the work had already been done (``duplicate``): running a workflow
twice, even concurrently, records its work once.

Every check comes before the first write: a refused call leaves nothing
stored and nothing posted. Documents (bills, claims, the remittance) and
ledger entries are then two writes (a store has no transaction spanning both),
ordered to be safe to retry: a document is stored once (storing an equal one
again is a no-op), and the ledger append is idempotent. The same id with other
content is never taken for a retry: a second payment, refund or bill line
reusing an id is refused with a [`DuplicateError`][billing_core.errors.DuplicateError]
naming both. Work found already done is checked to be whole: a store that
kept part of an all-or-nothing batch gets an
[`IncompleteBatchError`][billing_core.errors.IncompleteBatchError], never "already done".

Examples:
    >>> import datetime
    >>> from billing_core.charges import Category, LineItem
    >>> from billing_core.money import Money
    >>> from billing_core.bills import Bill
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

from billing_core._lazy import lazy_exports

_EXPORTS = {
    "billing_core.workflows._charging": ("post_bill", "submit_encounter"),
    "billing_core.workflows._patient": (
        "post_payment",
        "refund_credit",
        "write_off_small_balances",
    ),
    "billing_core.workflows._remittances": ("post_remittance",),
    "billing_core.workflows._results": (
        "PaymentResult",
        "RefundResult",
        "WorkflowResult",
        "WriteOffResult",
    ),
    "billing_core.workflows._charging_results": ("BillResult", "EncounterResult"),
    "billing_core.workflows._remittance_results": ("PostingStatus", "RemittanceResult"),
    "billing_core.workflows._retry": ("DEFAULT_ATTEMPTS", "DEFAULT_BACKOFF", "Backoff"),
    "billing_core.workflows._unapplied": ("apply_unapplied_cash",),
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
