"""The money of a remittance: cash per account and payer, and the provider sub-ledger.

(Private step of posting.) Every cent of the payment lands somewhere:

    total payment = cash received on the accounts - provider sub-ledger amounts

Cash is recorded once per account and paying party, not per claim: it is
the party's money on that account (a payer's credit), from which each line's
`PaymentApplied` draws. Money of no line (PLB interest, recoupments,
forwarding balances, claims held as unmatched) goes to the provider
sub-ledger, and so does the difference of an accepted unbalanced remittance,
so the plan always reconciles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from billing_core.ledger import Entry, Party, PaymentReceived, Refund, Source
from billing_core.money import Money
from billing_core.posting._common import Inputs
from billing_core.posting._types import ProviderPosting, ProviderPostingKind
from billing_core.remittance import ClaimPayment, ProviderAdjustmentReason

Cash = Mapping[tuple[str, Party], int]
"""Net money per (account, paying party), in minor units."""


def cash_entries(inputs: Inputs, cash: Cash) -> list[Entry]:
    """One entry per account and party: a PaymentReceived, or a Refund when it nets negative.

    Each party's money is its own credit: two payers on one account are never
    netted (a recoupment by one is not a payment by the other).
    """
    remittance, prefix, cur = inputs.remittance, inputs.prefix, inputs.currency
    out: list[Entry] = []
    for (account, party), minor in cash.items():
        if minor > 0:
            out.append(
                PaymentReceived(
                    id=f"{prefix}.received.{account}.{party.id}",
                    account_id=account,
                    effective=inputs.effective,
                    amount=Money.from_minor(minor, cur),
                    source=Source(payment_id=remittance.trace_number, remittance_id=remittance.id),
                    party=party,
                )
            )
        elif minor < 0:
            out.append(
                Refund(
                    id=f"{prefix}.recouped.{account}.{party.id}",
                    account_id=account,
                    effective=inputs.effective,
                    amount=Money.from_minor(-minor, cur),
                    source=Source(
                        payment_id=remittance.trace_number,
                        remittance_id=remittance.id,
                        reason="recouped by the payer in this remittance",
                    ),
                    party=party,
                )
            )
    return out


def by_account(cash: Sequence[Entry], entries: Sequence[Entry]) -> list[Entry]:
    """The entries grouped by account (in order of first mention), each account's cash first.

    Cash first so that a line's payment never draws on a credit that is not there yet.
    """
    grouped: dict[str, list[Entry]] = {}
    for e in (*cash, *entries):
        grouped.setdefault(e.account_id, []).append(e)
    return [e for es in grouped.values() for e in es]


def held(inputs: Inputs, cp: ClaimPayment, number: int) -> ProviderPosting | None:
    """A claim payment of no claim of ours, held in the provider sub-ledger (if it paid)."""
    if not cp.paid.minor:
        return None
    return ProviderPosting(
        id=inputs.entry_id(number),
        remittance_id=inputs.remittance.id,
        kind=ProviderPostingKind.UNMATCHED_CLAIM,
        reference=cp.patient_control_number,
        amount=-cp.paid,
        effective=inputs.effective,
    )


def provider_postings(
    inputs: Inputs, cash: Cash, held: Sequence[ProviderPosting], number: int
) -> list[ProviderPosting]:
    """The PLB postings and any unreconciled difference, numbered from ``number``."""
    remittance = inputs.remittance
    out = [
        _posting(
            inputs,
            number + i,
            kind=ProviderPostingKind.of(plb.reason),
            reason=plb.reason,
            reference=plb.reference,
            amount=plb.amount,
        )
        for i, plb in enumerate(remittance.provider_adjustments)
    ]
    # BPR02 = sum(CLP04) - sum(PLB): balanced, cash - sub-ledger is the total payment
    # exactly; what is left is the imbalance the caller accepted, kept visible here.
    sub_ledger = sum(p.amount.minor for p in (*held, *out))
    difference = sum(cash.values()) - sub_ledger - remittance.total_payment.minor
    if difference:
        out.append(
            _posting(
                inputs,
                number + len(out),
                kind=ProviderPostingKind.UNRECONCILED,
                reason=None,
                reference="accepted imbalance",
                amount=Money.from_minor(difference, inputs.currency),
            )
        )
    return out


def _posting(
    inputs: Inputs,
    number: int,
    *,
    kind: ProviderPostingKind,
    reason: ProviderAdjustmentReason | None,
    reference: str,
    amount: Money,
) -> ProviderPosting:
    return ProviderPosting(
        id=inputs.entry_id(number),
        remittance_id=inputs.remittance.id,
        kind=kind,
        reason=reason,
        reference=reference,
        amount=amount,
        effective=inputs.effective,
    )
