"""The results the workflows return: what was written, the versions, duplicates, findings.

The base every result extends, and the results of the patient's money
(payments, refunds, small-balance write-offs). The results of billing and of
posting remittances have modules of their own (`_charging_results`,
`_remittance_results`), so importing ``post_payment`` does not create them.

Private: the public names are re-exported by [`billing_core.workflows`][billing_core.workflows].
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

import attrs

from billing_core.allocation import AllocationPlan, Receipt
from billing_core.errors import Finding
from billing_core.ledger import Entry, Refund, WriteOff
from billing_core.storage import BatchResult


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


# Where 0.1.0 defined the results that moved out (pickles made by it name this module).
_MOVED = {
    "BillResult": "billing_core.workflows._charging_results",
    "EncounterResult": "billing_core.workflows._charging_results",
    "PostingStatus": "billing_core.workflows._remittance_results",
    "RemittanceResult": "billing_core.workflows._remittance_results",
}


def __getattr__(name: str) -> object:
    """A result that moved to a module of its own, found here too (for 0.1.0's pickles).

    Examples:
        >>> from billing_core.workflows import PostingStatus
        >>> __getattr__("PostingStatus") is PostingStatus
        True
    """
    home = _MOVED.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    __import__(home)
    return getattr(sys.modules[home], name)
