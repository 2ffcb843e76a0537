"""Planning one claim payment: the step the plan folds over the remittance (private).

`plan_claim` reads the plan's fixed `Inputs` and the state so far (the
plan's moves per bucket, the entries already reversed, the next entry
number) and returns a `ClaimOutcome`: what this claim payment adds. It
changes nothing it is given.
"""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from typing import Final, NamedTuple

from billing_core.claims import Claim
from billing_core.errors import Finding
from billing_core.ledger import Bucket, Entry, Party, Source, next_bucket
from billing_core.posting._cash import held
from billing_core.posting._common import (
    SOURCE_TAG,
    ClaimSide,
    Inputs,
    Key,
    LinePost,
    Made,
    Relied,
    Shift,
    error,
    has_error,
    read_open,
    warning,
)
from billing_core.posting._distribute import distribute
from billing_core.posting._lines import post_line
from billing_core.posting._match import match_lines
from billing_core.posting._reverse import reverse_claim
from billing_core.posting._types import Crossover, FollowUp, FollowUpKind, ProviderPosting
from billing_core.remittance import ClaimPayment, ClaimStatus

_NOT_ADJUDICATED: Final = {
    ClaimStatus.PREDETERMINATION: FollowUpKind.PREDETERMINATION,
    ClaimStatus.NOT_OUR_CLAIM: FollowUpKind.NOT_OUR_CLAIM,
}
"""Statuses that post nothing: the payer priced the claim only, or does not know it."""


class ClaimOutcome(NamedTuple):
    """What one claim payment adds to the plan.

    ``cash`` is the (account, paying party, minor units) the payer paid on
    the claim; ``held`` the provider posting of a claim of no claim of ours.
    """

    entries: Sequence[Entry] = ()
    findings: Sequence[Finding] = ()
    shifts: Sequence[Shift] = ()
    relied: Sequence[Relied] = ()
    reversed: Sequence[str] = ()
    cash: tuple[str, Party, int] | None = None
    follow_ups: Sequence[FollowUp] = ()
    crossovers: Sequence[Crossover] = ()
    held: ProviderPosting | None = None


def plan_claim(
    inputs: Inputs,
    number: int,
    cp: ClaimPayment,
    delta: Mapping[Key, int],
    reversed_ids: Container[str],
    first: int,
) -> ClaimOutcome:
    """What the ``number``-th claim payment posts, its entries numbered from ``first``.

    ``delta`` is the plan's effect on the buckets so far and ``reversed_ids``
    the entries reversed so far (by the history or by this plan).
    """
    pcn = cp.patient_control_number
    loc = f"claim {number} ({pcn})"
    claim = inputs.claims.get(pcn)
    if claim is None:
        return _unmatched(inputs, cp, loc, first)
    if claim.currency != inputs.currency:
        message = f"the remittance is in {inputs.currency}, claim {claim.id} in {claim.currency}"
        return ClaimOutcome(findings=(error(loc, message, "posting.currency"),))
    kind = _NOT_ADJUDICATED.get(cp.status)
    if kind is not None:
        # Nothing was adjudicated, so nothing moves; money sent with it cannot be placed.
        findings = []
        if cp.paid.minor:
            message = f"status {cp.status.value} with a payment of {cp.paid}"
            findings.append(error(loc, message, "posting.status"))
        return ClaimOutcome(findings=findings, follow_ups=(follow_up(kind, claim, cp, loc),))
    side, findings = _side(inputs, claim, cp, loc)
    # A reversal carries the original's amounts negated: match and spread the original's.
    basis = cp.as_reversal() if cp.is_reversal else cp
    posts, found = match_lines(claim, basis, loc, inputs.line_owner)
    findings.extend(found)
    if not has_error(found):
        posts, found = distribute(claim, basis, loc, posts, inputs.rule, inputs.designated)
        findings.extend(found)
    if has_error(findings):
        # Nothing of a claim is posted on a guess; the plan is refused anyway, but the
        # other claims still report their own problems.
        return ClaimOutcome(findings=findings)
    if cp.is_reversal:
        made = reverse_claim(inputs, side, cp, posts, delta, reversed_ids, first)
    else:
        made = _post_lines(inputs, side, posts, delta, first)
    findings.extend(made.findings)
    return ClaimOutcome(
        entries=made.entries,
        findings=findings,
        shifts=made.shifts,
        relied=made.relied,
        reversed=made.reversed,
        cash=(claim.account_id, side.party, cp.paid.minor),
        follow_ups=(follow_up(FollowUpKind.DENIED, claim, cp, loc),) if cp.is_denied else (),
        crossovers=(_crossover(side, cp),) if cp.status.forwarded else (),
    )


def follow_up(kind: FollowUpKind, claim: Claim, cp: ClaimPayment, loc: str) -> FollowUp:
    """A follow-up for a claim, with every reason and remark of the claim and its lines."""
    reasons = [a.key for a in cp.adjustments]
    remarks = [r.code for r in cp.remarks]
    for line in cp.lines:
        reasons.extend(a.key for a in line.adjustments)
        remarks.extend(r.code for r in line.remarks)
    return FollowUp(
        kind=kind,
        claim_id=claim.id,
        location=loc,
        reasons=tuple(dict.fromkeys(reasons)),
        remarks=tuple(dict.fromkeys(remarks)),
        amount=cp.charge,
    )


def _unmatched(inputs: Inputs, cp: ClaimPayment, loc: str, first: int) -> ClaimOutcome:
    """A claim payment of no claim of ours: refused, or held when the caller asked for it."""
    pcn = cp.patient_control_number
    if not inputs.skip_unmatched:
        message = f"no claim {pcn!r} of ours matches this patient control number"
        return ClaimOutcome(findings=(error(loc, message, "posting.unmatched_claim"),))
    finding = warning(loc, f"no claim {pcn!r} of ours; its payment is held", "posting.held")
    return ClaimOutcome(findings=(finding,), held=held(inputs, cp, first))


def _side(
    inputs: Inputs, claim: Claim, cp: ClaimPayment, loc: str
) -> tuple[ClaimSide, list[Finding]]:
    """The payer's bucket of a claim, the bucket its PR amounts move to, its party and source."""
    bucket = Bucket.coverage(claim.coverage.sequence.value)
    findings = []
    sequence = cp.status.sequence
    if sequence is not None and sequence != bucket.sequence:
        # Posted where it was billed: the claim's coverage decides whose bucket it is.
        findings.append(
            warning(
                loc,
                f"the payer processed the claim as {Bucket.coverage(sequence)} but it"
                f" was billed to the {bucket} coverage; posted to the {bucket} bucket",
                "posting.sequence",
            )
        )
    source = Source(
        payment_id=inputs.remittance.trace_number,
        remittance_id=inputs.remittance.id,
        reason=f"{SOURCE_TAG}{cp.patient_control_number} payer claim"
        f" {cp.payer_claim_control_number}",
    )
    side = ClaimSide(
        claim=claim,
        location=loc,
        bucket=bucket,
        following=next_bucket(bucket, inputs.coverages.get(claim.account_id, ())),
        party=inputs.parties[claim.payer.id],
        source=source,
    )
    return side, findings


def _post_lines(
    inputs: Inputs, side: ClaimSide, posts: list[LinePost], delta: Mapping[Key, int], first: int
) -> Made:
    """Every line's entries.

    A claim's lines have distinct ids and each is matched once, and a line
    moves money only between its own buckets: no line reads what another line
    of the same claim moved, so each reads the buckets as the claim found them.
    """
    made = Made([], [], [], [], [])
    for post in posts:
        opened = read_open(inputs.balances, post.item.id, side.bucket, delta)
        line = post_line(inputs, side, post, opened, first + len(made.entries))
        made.entries.extend(line.entries)
        made.shifts.extend(line.shifts)
        made.relied.extend(line.relied)
        if line.findings:
            made.findings.extend(line.findings)
    return made


def _crossover(side: ClaimSide, cp: ClaimPayment) -> Crossover:
    return Crossover(
        claim_id=side.claim.id,
        account_id=side.claim.account_id,
        from_bucket=side.bucket,
        to_bucket=side.following,
        payer_claim_control_number=cp.payer_claim_control_number,
    )
