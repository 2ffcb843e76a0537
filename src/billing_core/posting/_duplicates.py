"""The same payment sent again under another envelope (private step of posting).

The idempotency key catches an identical remittance sent twice. A payer may
also send the same payment composed differently: other interchange control
numbers, the claims in another order, the file split in two. The trace
number (835 TRN02) is unique between a payer and a payee, so a remittance is
a **probable duplicate** of a payment posted already when

- a remittance posted before has the same payer, trace number and total; or
- the history holds an entry of another posting of this payer and trace
  number: on the payment's own account, or for one of this remittance's
  claim payments (the same claim and payer claim number).

Posting it is refused unless the caller says it is a different payment.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from billing_core.errors import Finding
from billing_core.ledger import Entry
from billing_core.posting._apply import idempotency_key
from billing_core.posting._common import SOURCE_TAG, Inputs, error
from billing_core.remittance import Remittance

__all__ = ["RULE", "probable_duplicates"]

RULE = "posting.probable_duplicate"
"""The rule of a probable duplicate's finding."""

_ADVICE = "; if it is another payment, plan it with different_payment=True"


def probable_duplicates(
    inputs: Inputs, history: Sequence[Entry], earlier: Iterable[Remittance]
) -> list[Finding]:
    """An error finding if the remittance is probably a payment posted already.

    ``earlier`` holds remittances posted before (of any payer; others are ignored).
    """
    remittance = inputs.remittance
    where = f"remittance {remittance.trace_number}"
    for other in earlier:
        if (
            other.payer == remittance.payer
            and other.trace_number == remittance.trace_number
            and other.total_payment == remittance.total_payment
            # The identical remittance is caught by the idempotency key (posting.already_posted);
            # here only a differently composed envelope of the same payment counts.
            and idempotency_key(other) != inputs.key
        ):
            message = (
                f"probable duplicate of remittance {other.id!r} posted already: same payer"
                f" {remittance.payer}, trace number and total {remittance.total_payment}"
            )
            return [error(where, message + _ADVICE, RULE)]
    entry = _posted_elsewhere(inputs, history)
    if entry is None:
        return []
    message = (
        f"probable duplicate: payment {remittance.trace_number} of payer {remittance.payer}"
        f" is posted already by another remittance (entry {entry.id}, remittance"
        f" {entry.source.remittance_id!r})"
    )
    return [error(where, message + _ADVICE, RULE)]


def _posted_elsewhere(inputs: Inputs, history: Sequence[Entry]) -> Entry | None:
    """An entry of this payment that another posting made, if there is one."""
    remittance = inputs.remittance
    trace, mine = remittance.trace_number, inputs.prefix + "."
    tags = {
        f"{SOURCE_TAG}{cp.patient_control_number} payer claim {cp.payer_claim_control_number}"
        for cp in remittance.claims
    }
    for e in history:
        source = e.source
        # Entries that carry this remittance's own key prefix are this very posting, not
        # another one of the same payment.
        if source.payment_id != trace or e.id.startswith(mine):
            continue
        # A trace number is unique only per payer and payee: the entry must sit on this
        # payment's own account (payer + trace) or on a claim this remittance answers.
        if e.account_id == inputs.account or source.reason in tags:
            return e
    return None
