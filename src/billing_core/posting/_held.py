"""Holding what matches nothing of ours: unapplied cash on the remittance's account (private).

One unmatched claim must not block a remittance of four hundred. Under
[`UnmatchedPolicy.HOLD`][billing_core.posting.UnmatchedPolicy.HOLD] a claim
payment that matches no claim of ours has its payment (CLP04) held, and a
service line that matches no line of its claim has its payment (SVC03) held,
each as a [`CashHeld`][billing_core.ledger.CashHeld] on the remittance's
account with a follow-up naming it. Its adjustments are not posted: they
belong to the lines the money is applied to later
([`apply_unapplied`][billing_core.posting.apply_unapplied]).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from billing_core.claims import Claim
from billing_core.errors import Finding
from billing_core.ledger import CashHeld, Party, Source
from billing_core.money import Money
from billing_core.parties import Payer
from billing_core.posting._common import SOURCE_TAG, Inputs, error, follow_up, warning
from billing_core.posting._types import FollowUp, FollowUpKind
from billing_core.remittance import ClaimPayment, Remittance, ServicePayment

__all__ = [
    "Held",
    "held_payer",
    "held_source",
    "hold_claim",
    "hold_lines",
    "is_remittance_payer",
    "line_payment",
]

Held = tuple[list[CashHeld], list[Finding], list[FollowUp]]
"""What holding makes: the held cash entries, the findings, the follow-ups."""


def held_source(inputs: Inputs, cp: ClaimPayment) -> Source:
    """The source of money held for a claim payment: the same tag as a posted claim's."""
    remittance = inputs.remittance
    return Source(
        payment_id=remittance.trace_number,
        remittance_id=remittance.id,
        # The same reason a posted claim's entries carry: the duplicate check and a later
        # reversal find held money by it as they find posted money.
        reason=f"{SOURCE_TAG}{cp.patient_control_number} payer claim"
        f" {cp.payer_claim_control_number}",
    )


def _cash_held(
    inputs: Inputs, cp: ClaimPayment, amount: Money, service_line: int | None, number: int
) -> CashHeld:
    return CashHeld(
        id=inputs.entry_id(number),
        account_id=inputs.account,
        effective=inputs.effective,
        amount=amount,
        source=held_source(inputs, cp),
        party=inputs.held_party,
        claim_reference=cp.patient_control_number,
        service_line=service_line,
    )


def hold_claim(inputs: Inputs, cp: ClaimPayment, loc: str, number: int, why: str) -> Held:
    """Hold a whole claim payment's money (CLP04); ``why`` says what did not match.

    A negative payment (a reversal, a take-back) cannot be held: nothing of
    ours is there to take it from, so it is an error.
    """
    pcn = cp.patient_control_number
    if cp.paid.minor < 0:
        message = f"{why}; its negative payment {cp.paid} cannot be held (nothing to take it from)"
        return [], [error(loc, message, "posting.unmatched_negative")], []
    # A zero-paid unmatched claim holds no entry (a 0.00 entry moves nothing) but still
    # gets its follow-up: someone must find the claim the payer answered.
    held = [_cash_held(inputs, cp, cp.paid, None, number)] if cp.paid.minor else []
    finding = warning(loc, f"{why}; its payment {cp.paid} is held", "posting.held")
    follow = follow_up(
        FollowUpKind.UNMATCHED,
        pcn,
        cp,
        loc,
        amount=cp.paid if held else cp.charge,
        entry_id=held[0].id if held else None,
    )
    return held, [finding], [follow]


def hold_lines(
    inputs: Inputs,
    claim: Claim,
    cp: ClaimPayment,
    lines: Sequence[tuple[int, ServicePayment]],
    loc: str,
    number: int,
) -> Held:
    """Hold the payment (SVC03) of each service line that matched no line of ``claim``."""
    held: list[CashHeld] = []
    findings: list[Finding] = []
    follow_ups: list[FollowUp] = []
    for n, sp in lines:
        lcn = sp.line_control_number
        lloc = f"{loc} line {n}" + (f" ({lcn})" if lcn else "")
        if sp.paid.minor < 0:
            message = f"negative payment {sp.paid} on a line that matches none of ours"
            findings.append(error(lloc, message, "posting.unmatched_negative"))
            continue
        entry = None
        if sp.paid.minor:
            # Numbered past the entries held before it, so ids stay consecutive in planning order.
            entry = _cash_held(inputs, cp, sp.paid, n, number + len(held))
            held.append(entry)
        follow_ups.append(
            follow_up(
                FollowUpKind.UNMATCHED,
                claim.id,
                line_payment(cp, sp),
                lloc,
                amount=sp.paid if entry is not None else sp.charge,
                entry_id=None if entry is None else entry.id,
            )
        )
    return held, findings, follow_ups


def line_payment(cp: ClaimPayment, sp: ServicePayment, pcn: str | None = None) -> ClaimPayment:
    """The claim payment as it concerns one of its service lines alone.

    Its charge and payment are the line's; ``pcn`` names another claim (the
    claim the line's held money is applied to).
    """
    return ClaimPayment(
        patient_control_number=cp.patient_control_number if pcn is None else pcn,
        status=cp.status,
        charge=sp.charge,
        paid=sp.paid,
        payer_claim_control_number=cp.payer_claim_control_number,
        lines=[sp],
    )


def is_remittance_payer(remittance_payer: str, payer: Payer) -> bool:
    """Whether a payer of ours is the one a remittance names (by our id or its payer id)."""
    return remittance_payer in (payer.id, payer.payer_id)


def held_payer(remittance: Remittance, claims: Mapping[str, Claim]) -> Party:
    """The payer whose money the remittance's account holds, as our ledger names payers.

    The payer of the claims the remittance answers that the remittance names
    (by our id or its electronic payer id); else, when every claim it answers
    is billed to one payer, that payer; else the remittance's own payer id.
    """
    answered = [
        claims[cp.patient_control_number]
        for cp in remittance.claims
        if cp.patient_control_number in claims
    ]
    # Named as the claims' payments name their payer (our payer id, not the 835's), so
    # the held cash and the credit it is applied to later are one party's money.
    named = {c.payer.id for c in answered if is_remittance_payer(remittance.payer, c.payer)}
    if len(named) == 1:
        return Party.payer(named.pop())
    billed = {c.payer.id for c in answered}
    # Ambiguous (several payers, or none of ours answered): the remittance's own payer id
    # is the one name the payer itself gave.
    return Party.payer(billed.pop() if len(billed) == 1 else remittance.payer)
