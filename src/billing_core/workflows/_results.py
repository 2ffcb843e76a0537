"""The results the workflows return: what was written, the versions, duplicates, findings.

Private: the public names are re-exported by [`billing_core.workflows`][billing_core.workflows].
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

from billing_core.allocation import AllocationPlan, Receipt
from billing_core.bills import Bill
from billing_core.claims import Claim
from billing_core.errors import Finding
from billing_core.fees import VarianceReport
from billing_core.ledger import Entry, Refund, WriteOff
from billing_core.posting import PostingPlan
from billing_core.routing import Routing
from billing_core.storage import BatchResult, Versioned


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
    """The result of [`post_bill`][billing_core.workflows.post_bill].

    Attributes:
        bill: The issued bill as stored, with its version.

    Examples:
        >>> BillResult.__mro__[1].__name__
        'WorkflowResult'
    """

    bill: Versioned[Bill]


@attrs.frozen(kw_only=True)
class EncounterResult(WorkflowResult):
    """The result of [`submit_encounter`][billing_core.workflows.submit_encounter].

    Attributes:
        routing: Who is billed: the claim and/or the patient bill.
        refused: ``True`` when the claim failed validation: nothing was
            stored or written, and `findings` say why.
        claim: The claim as stored, or ``None`` (self-pay, or refused).
        patient_bill: The draft patient bill as stored, or ``None``.

    Examples:
        >>> from billing_core.routing import Routing
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
    """What [`post_remittance`][billing_core.workflows.post_remittance] did with a remittance.

    Examples:
        >>> str(PostingStatus.ALREADY_POSTED)
        'already posted'
    """

    POSTED = "posted"
    """Its entries were appended now, on every account it touches."""
    ALREADY_POSTED = "already posted"
    """An earlier (or concurrent) call posted it: nothing was written now."""
    REFUSED = "refused"
    """It does not balance, or the plan refused it for another reason: nothing was written."""
    PROBABLE_DUPLICATE = "probable duplicate"
    """The same payment (payer, trace number) is posted already under another envelope:
    nothing was written; post it with ``different_payment=True`` if it is another payment."""

    def __str__(self) -> str:
        return self.value


_DUPLICATE = PostingStatus.PROBABLE_DUPLICATE


@attrs.frozen(kw_only=True)
class RemittanceResult(WorkflowResult):
    """What posting a remittance, or applying its held cash later, did.

    The result of [`post_remittance`][billing_core.workflows.post_remittance] and
    [`apply_unapplied_cash`][billing_core.workflows.apply_unapplied_cash].

    Attributes:
        status: Posted, already posted, refused, or a probable duplicate.
        plan: The posting plan of the last attempt (its follow-ups and
            crossovers are for the caller to act on).

    Examples:
        >>> PostingStatus.REFUSED in set(PostingStatus)
        True
    """

    status: PostingStatus
    plan: PostingPlan

    @property
    def refused(self) -> bool:
        """Whether the remittance was refused, as a probable duplicate too (nothing written).

        See [`explanation`][] for why.

        Examples:
            >>> PostingStatus("refused") is PostingStatus.REFUSED
            True
        """
        return self.status is PostingStatus.REFUSED or self.status is _DUPLICATE

    @property
    def variances(self) -> tuple[VarianceReport, ...]:
        """Each claim payment set against its payer's contract (``contracts=`` given).

        The plan's ``variances``; their warnings are among the result's ``findings``.

        Examples:
            >>> import datetime
            >>> from billing_core.money import Money
            >>> from billing_core.remittance import Remittance
            >>> from billing_core.testing.memory import InMemoryStore
            >>> from billing_core.workflows import post_remittance
            >>> r = Remittance(payer="P", payee="Q", total_payment=Money("0", "USD"),
            ...     payment_method="NON", trace_number="T0", paid_date=datetime.date(2024, 1, 2))
            >>> post_remittance(InMemoryStore(), r).variances  # no contracts given
            ()
        """
        return self.plan.variances

    @property
    def explanation(self) -> str:
        """What happened, in words: the refusal's findings and balancing, or a summary.

        Examples:
            >>> str(PostingStatus.POSTED)
            'posted'
        """
        plan = self.plan
        head = f"remittance {plan.remittance_id}: {self.status}"
        if self.refused:
            # The workflow's own reasons (an id taken, a payment posted already) are
            # not the plan's: say them, and the plan's explanation when it has one.
            own = [str(f) for f in self.findings if f not in plan.findings]
            why = [*own, plan.explain()] if plan.findings or not own else own
            return "\n".join([f"{head}, nothing was written", *why])
        if self.status is PostingStatus.ALREADY_POSTED:
            return f"{head} (idempotency key {plan.idempotency_key}), nothing was written"
        accounts = ", ".join(f"{a} (now version {v})" for a, v in self.versions.items())
        return f"{head}: {len(self.written)} entries on {accounts or 'no account'}"


@attrs.frozen(kw_only=True)
class PaymentResult(WorkflowResult):
    """The result of [`post_payment`][billing_core.workflows.post_payment].

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
    """The result of [`refund_credit`][billing_core.workflows.refund_credit].

    Attributes:
        refund: The refund entry (written now, or found already recorded).

    Examples:
        >>> RefundResult.__mro__[1] is WorkflowResult
        True
    """

    refund: Refund


@attrs.frozen(kw_only=True)
class WriteOffResult(WorkflowResult):
    """The result of [`write_off_small_balances`][billing_core.workflows.write_off_small_balances].

    Attributes:
        write_offs: The write-offs written now (same as ``written``).

    Examples:
        >>> WriteOffResult(written=(), batch=None, duplicate=False, attempts=1,
        ...                write_offs=()).write_offs
        ()
    """

    write_offs: tuple[WriteOff, ...]
