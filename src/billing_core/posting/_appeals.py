"""Denials held for appeal, and appeals closed by a later answer (private step of posting).

When the denial policy holds a denied amount, the line posts nothing for it
(it stays open in the payer's bucket) and the claim gets an
[`AppealHold`][billing_core.ledger.AppealHold] per group and reason, with a
follow-up carrying the appeal deadline. The next time the payer adjudicates
the claim (the appeal's outcome: a payment, or the denial upheld), the open
holds of the claim are reversed, and new ones made if the policy holds again.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from typing import NamedTuple

from billing_core.codes import GroupCode
from billing_core.errors import Finding, ValidationError
from billing_core.ledger import AppealHold, Entry, reverse
from billing_core.money import Money
from billing_core.posting._common import Adjusted, ClaimSide, Inputs, follow_up
from billing_core.posting._types import FollowUp, FollowUpKind
from billing_core.remittance import ClaimPayment

__all__ = ["Appeals", "appeal_entries"]


class Appeals(NamedTuple):
    """What a claim's appeals make: entries (hold reversals, new holds), follow-ups."""

    entries: list[Entry]
    findings: list[Finding]
    follow_ups: list[FollowUp]
    reversed: list[str]


def appeal_entries(
    inputs: Inputs,
    side: ClaimSide,
    cp: ClaimPayment,
    appealed: Sequence[Adjusted],
    reversed_ids: Container[str],
    number: int,
) -> Appeals:
    """Close the claim's open holds and hold what the policy holds now, numbered from ``number``.

    ``appealed`` are the denied amounts of the claim's lines held now.
    """
    claim = side.claim
    holds = inputs.holds.get(claim.id)
    if not holds and not appealed:
        return Appeals([], [], [], [])  # the usual claim: no hold to close, nothing denied
    still_open = [
        h
        for h in holds or ()
        # A hold is closed only by the answer of the payer it waits for: a secondary's answer
        # must not close the primary's appeal.
        if h.id not in reversed_ids and h.bucket is side.bucket
    ]
    # Close before holding again: an upheld denial reverses the old hold and makes a new
    # one, so the appeal deadline follows the latest answer.
    out = _close(inputs, still_open, number)
    if out.findings:
        return out
    first_hold = number + len(out.entries)
    total = _hold(inputs, side, appealed, out.entries, number)
    if total:
        out.follow_ups.append(
            follow_up(
                FollowUpKind.APPEAL,
                claim.id,
                cp,
                side.location,
                amount=Money.from_minor(total, inputs.currency),
                deadline=inputs.deadline,
                entry_id=inputs.entry_id(first_hold),
            )
        )
    elif still_open:
        out.follow_ups.append(
            follow_up(
                FollowUpKind.APPEAL_CLOSED,
                claim.id,
                cp,
                side.location,
                amount=cp.paid,
                entry_id=still_open[0].id,
            )
        )
    return out


def _close(inputs: Inputs, holds: Sequence[AppealHold], number: int) -> Appeals:
    """Reverse each open hold: the payer answered the claim again."""
    out = Appeals([], [], [], [])
    for hold in holds:
        try:
            out.entries.append(
                reverse(
                    hold,
                    id=inputs.entry_id(number + len(out.entries)),
                    effective=inputs.effective,
                    reason=f"appeal closed by remittance {inputs.remittance.id}",
                )
            )
        except ValidationError as exc:  # a plan dated before the hold
            out.findings.extend(exc.findings)
            return out
        out.reversed.append(hold.id)
    return out


def _hold(
    inputs: Inputs,
    side: ClaimSide,
    appealed: Sequence[Adjusted],
    entries: list[Entry],
    number: int,
) -> int:
    """Append one hold per group and reason held now to ``entries``; the total held."""
    sums: dict[tuple[GroupCode, str], int] = {}
    # One hold per group and reason for the whole claim: the appeal is about a reason,
    # and one entry per reason keeps the claim's follow-up to one amount each.
    for group, carc, amount, _ in appealed:
        sums[(group, carc.code)] = sums.get((group, carc.code), 0) + amount
    for (group, reason), amount in sums.items():
        entries.append(
            AppealHold(
                id=inputs.entry_id(number + len(entries)),
                account_id=side.claim.account_id,
                effective=inputs.effective,
                amount=Money.from_minor(amount, inputs.currency),
                source=side.source,
                claim_id=side.claim.id,
                bucket=side.bucket,
                group=group,
                reason=reason,
            )
        )
    return sum(sums.values())
