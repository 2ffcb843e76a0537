"""The money of a remittance: cash per account and payer, and the remittance's own account.

(Private step of posting.) Every cent of the payment lands somewhere:

    total payment = cash received on the claims' accounts + money held
                    + provider-level adjustments (as cash)

Cash is recorded once per account and paying party, not per claim: it is
the party's money on that account (a payer's credit), from which each line's
`PaymentApplied` draws. Money of no line lives on the remittance's account
(see [`remittance_account`][billing_core.posting.remittance_account]): money
held unapplied (`CashHeld`, made by the claims' step), and each PLB as a
`ProviderPayment` or `ProviderWithholding`, linked to our claim when its
reference names one; so does the difference of an accepted unbalanced
remittance, so the plan always reconciles.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from billing_core.errors import Finding
from billing_core.ledger import (
    CashHeld,
    Entry,
    Party,
    ProviderPayment,
    ProviderWithholding,
    Refund,
    Source,
)
from billing_core.money import MAX_MINOR, Money
from billing_core.money._core import make
from billing_core.posting._build import received
from billing_core.posting._common import SOURCE_TAG, Inputs, warning
from billing_core.posting._types import (
    FollowUp,
    FollowUpKind,
    ProviderPosting,
    ProviderPostingKind,
)
from billing_core.remittance import ProviderAdjustmentReason, Remittance

Cash = Mapping[tuple[str, Party], int]
"""Net money per (account, paying party), in minor units."""

Provider = ProviderPayment | ProviderWithholding
"""A provider-level entry of the remittance's account."""


def cash_entries(inputs: Inputs, cash: Cash) -> list[Entry]:
    """One entry per account and party: a PaymentReceived, or a Refund when it nets negative.

    Each party's money is its own credit: two payers on one account are never
    netted (a recoupment by one is not a payment by the other).
    """
    remittance, prefix, cur = inputs.remittance, inputs.prefix, inputs.currency
    out: list[Entry] = []
    # One source for them all: it is immutable, and a remittance may touch many accounts.
    source = Source(payment_id=remittance.trace_number, remittance_id=remittance.id)
    # Ids named, not numbered: one entry per account and party, its id the same however
    # many line entries the claims before it made (and still carrying the key prefix).
    for (account, party), minor in cash.items():
        if minor > 0:
            entry_id = f"{prefix}.received.{account}.{party.id}"
            # Unchecked when in range (a sum of the plan's own checked amounts).
            amount = make(minor, cur) if minor <= MAX_MINOR else Money.from_minor(minor, cur)
            out.append(received(inputs, entry_id, account, amount, source, party))
        # A net take-back on an account (a reversal larger than the corrections with it)
        # returns money the payer had credited: a Refund, not a negative payment.
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
    # Insertion order of the dict keeps each account where the remittance first names it,
    # so the same remittance always yields the same entry order.
    for e in cash:
        grouped.setdefault(e.account_id, []).append(e)
    # A claim's entries are all of its account, so they come in runs: one look-up per run.
    account: str | None = None
    run: list[Entry] = []
    for e in entries:
        if e.account_id != account:
            account = e.account_id
            found = grouped.get(account)
            run = grouped[account] = [] if found is None else found
        run.append(e)
    return [e for es in grouped.values() for e in es]


def provider_entries(
    inputs: Inputs,
    cash: Cash,
    held: Sequence[CashHeld],
    number: int,
    links: Mapping[str, str],
) -> tuple[list[Provider], list[FollowUp], list[str]]:
    """Each PLB as an entry of the remittance's account, then any accepted imbalance.

    Numbered from ``number``. Returns the entries, the follow-ups of the
    recoupments, and the references of recoupments that name nothing of ours.
    """
    remittance = inputs.remittance
    out: list[Provider] = []
    follow_ups: list[FollowUp] = []
    unlinked: list[str] = []
    for index, plb in enumerate(remittance.provider_adjustments, 1):
        minor = plb.amount.minor
        # A zero PLB moves no money; an entry for it would only clutter the account.
        if not minor:
            continue
        claim_id = link_claim(plb.reference, links)
        entry = _provider(
            inputs, number + len(out), minor, plb.reason.value, plb.reference, claim_id
        )
        out.append(entry)
        # Only a positive amount takes money back; a negative one under a recovery reason
        # gives it (the payer returning a recoupment), which needs no review.
        if minor > 0 and ProviderPostingKind.of(plb.reason) is ProviderPostingKind.RECOUPMENT:
            follow_ups.append(_recoupment(entry, f"PLB {index}", claim_id))
            if claim_id is None:
                unlinked.append(f"PLB {index}")
    # BPR02 = sum(CLP04) - sum(PLB): balanced, the cash, the money held and the provider
    # entries add up to the total payment exactly; what is left is the imbalance the
    # caller accepted, kept visible on the remittance's account.
    provided = sum(
        e.amount.minor if isinstance(e, ProviderPayment) else -e.amount.minor for e in out
    )
    got = sum(cash.values()) + sum(h.amount.minor for h in held) + provided
    difference = remittance.total_payment.minor - got
    if difference:
        out.append(_provider(inputs, number + len(out), -difference, None, "accepted imbalance"))
    return out, follow_ups, unlinked


def link_claim(reference: str, links: Mapping[str, str]) -> str | None:
    """Our claim a PLB reference names: the whole reference, else one of its words.

    A reference naming two claims of ours names neither: nothing is linked on a guess.
    """
    if not reference:
        return None
    found = links.get(reference)
    if found is not None:
        return found
    # Payers pad PLB03-2 with their own words ("CLM1234 OVERPAYMENT"): a single word that
    # is one of our claim numbers is as good as the whole reference.
    named = {links[word] for word in reference.split() if word in links}
    return named.pop() if len(named) == 1 else None


def _provider(
    inputs: Inputs,
    number: int,
    minor: int,
    reason: str | None,
    reference: str,
    claim_id: str | None = None,
) -> Provider:
    """A PLB amount (835 sign: positive keeps money back) as an entry of the remittance account."""
    # Entries hold non-negative amounts; the 835 sign survives as the entry's type.
    kind: type[Provider] = ProviderWithholding if minor > 0 else ProviderPayment
    remittance = inputs.remittance
    return kind(
        id=inputs.entry_id(number),
        account_id=inputs.account,
        effective=inputs.effective,
        amount=Money.from_minor(abs(minor), inputs.currency),
        source=Source(payment_id=remittance.trace_number, remittance_id=remittance.id),
        party=inputs.held_party,
        reason=reason,
        reference=reference,
        claim_id=claim_id,
    )


def _recoupment(entry: Provider, where: str, claim_id: str | None) -> FollowUp:
    """The follow-up of money taken back: review the claim, or find what it is for."""
    kind = FollowUpKind.RECOUPMENT if claim_id is not None else FollowUpKind.UNLINKED_RECOUPMENT
    return FollowUp(
        kind=kind,
        claim_id=claim_id if claim_id is not None else (entry.reference or "(no reference)"),
        location=where,
        reasons=(f"PLB-{entry.reason}",),
        amount=entry.amount,
        entry_id=entry.id,
    )


def unlinked_findings(where: Collection[str]) -> list[Finding]:
    """A warning per recoupment that names nothing of ours (recorded, not guessed)."""
    return [
        warning(
            w,
            "a recoupment whose reference names no claim of ours: recorded on the"
            " remittance's account without a claim; find what it is for",
            "posting.recoupment_unlinked",
        )
        for w in where
    ]


def described(entries: Sequence[Entry], remittance_id: str) -> list[ProviderPosting]:
    """The remittance account's entries in 835 terms (amounts with the 835 sign)."""
    return [_described(e, remittance_id) for e in entries if isinstance(e, CashHeld | Provider)]


def _described(e: CashHeld | Provider, remittance_id: str) -> ProviderPosting:
    reason: ProviderAdjustmentReason | None = None
    claim_id: str | None = None
    if isinstance(e, CashHeld):
        kind = ProviderPostingKind.UNMATCHED_CLAIM
        if e.service_line is not None:
            kind = ProviderPostingKind.UNMATCHED_LINE
        reference = e.claim_reference
        if e.service_line is not None:
            reference = f"{reference} line {e.service_line}"
        amount = -e.amount  # money added to the payment, in the 835's sign
    else:
        kind = ProviderPostingKind.UNRECONCILED
        if e.reason is not None:
            reason = ProviderAdjustmentReason.parse(e.reason)
            kind = ProviderPostingKind.of(reason)
        reference, claim_id = e.reference, e.claim_id
        amount = -e.amount if isinstance(e, ProviderPayment) else e.amount
    return ProviderPosting(
        id=e.id,
        remittance_id=remittance_id,
        kind=kind,
        reason=reason,
        reference=reference,
        amount=amount,
        effective=e.effective,
        claim_id=claim_id,
    )


def claim_links(
    claims: Collection[str],
    remittance: Remittance,
    history: Iterable[Entry],
    earlier: Iterable[Remittance],
) -> dict[str, str]:
    """What a PLB reference may name, mapped to our claim id.

    Our claims by id (the patient control number), and the payer's claim
    control numbers (CLP07) of our claims, as this remittance, the remittances
    posted before and the history's postings (their ``Source.reason``) show
    them. A claim is ours when we have it or when a posting of ours names it.
    """
    links = {claim_id: claim_id for claim_id in claims}
    from_history: list[tuple[str, str]] = []
    for e in history:
        reason = e.source.reason
        # Only line entries: held cash carries the same tag but is not proof that the claim
        # is ours (that is exactly what matched nothing).
        if reason is not None and reason.startswith(SOURCE_TAG) and e.line_id is not None:
            pcn, _, pccn = reason[len(SOURCE_TAG) :].partition(" payer claim ")
            from_history.append((pcn, pccn))
    ours = set(claims) | {pcn for pcn, _ in from_history}
    payments = (cp for r in (remittance, *earlier) for cp in r.claims)
    pairs = [
        *from_history,
        *((cp.patient_control_number, cp.payer_claim_control_number) for cp in payments),
    ]
    clashes: set[str] = set()
    for pcn, pccn in pairs:
        # A payer claim number of a claim that is not ours must not link a recoupment to us.
        if pcn not in ours:
            continue
        links.setdefault(pcn, pcn)
        if pccn and links.setdefault(pccn, pcn) != pcn:
            clashes.add(pccn)  # one payer number for two of our claims names neither
    for pccn in clashes:
        del links[pccn]
    return links
