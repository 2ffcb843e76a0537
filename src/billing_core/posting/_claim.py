"""Planning one claim payment: the step the plan folds over the remittance (private).

`plan_claim` reads the plan's fixed `Inputs` and the state so far (the
plan's moves per bucket, the entries already reversed, the next entry
number) and returns a `ClaimOutcome`: what this claim payment adds. It
changes nothing it is given.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from typing import Final, NamedTuple

from billing_core.claims import Claim
from billing_core.errors import Finding
from billing_core.ledger import Bucket, CashHeld, Entry, Party, Source, next_bucket
from billing_core.posting._appeals import Appeals, appeal_entries
from billing_core.posting._common import (
    SOURCE_TAG,
    ClaimSide,
    Delta,
    Inputs,
    LinePost,
    Made,
    Relied,
    Shift,
    error,
    follow_up,
    has_error,
    warning,
)
from billing_core.posting._distribute import cap_to_paid, distribute
from billing_core.posting._held import hold_claim, hold_lines
from billing_core.posting._lines import post_lines
from billing_core.posting._match import match_lines
from billing_core.posting._reverse import reverse_claim
from billing_core.posting._types import Crossover, FollowUp, FollowUpKind, UnmatchedPolicy
from billing_core.remittance import ClaimPayment, ClaimStatus, ServicePayment

_tuple_new = tuple.__new__

_NOT_ADJUDICATED: Final = {
    ClaimStatus.PREDETERMINATION.value: FollowUpKind.PREDETERMINATION,
    ClaimStatus.NOT_OUR_CLAIM.value: FollowUpKind.NOT_OUR_CLAIM,
}
"""Statuses that post nothing: the payer priced the claim only, or does not know it.

By the status's value: a string key hashes in C, an enum's hash is Python code."""


class ClaimOutcome(NamedTuple):
    """What one claim payment adds to the plan.

    ``cash`` is the (account, paying party, minor units) the payer paid on
    the claim's lines; ``held`` the money of it (or of a claim payment of no
    claim of ours) held unapplied on the remittance's account.
    """

    entries: Sequence[Entry] = ()
    findings: Sequence[Finding] = ()
    shifts: Sequence[Shift] = ()
    relied: Sequence[Relied] = ()
    reversed: Sequence[str] = ()
    cash: tuple[str, Party, int] | None = None
    follow_ups: Sequence[FollowUp] = ()
    crossovers: Sequence[Crossover] = ()
    held: Sequence[CashHeld] = ()


def plan_claim(
    inputs: Inputs,
    number: int,
    cp: ClaimPayment,
    delta: Delta,
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
    kind = _NOT_ADJUDICATED.get(cp.status._value_)
    if kind is not None:
        # Nothing was adjudicated, so nothing moves; money sent with it cannot be placed.
        findings = []
        if cp.paid.minor:
            message = f"status {cp.status.value} with a payment of {cp.paid}"
            findings.append(error(loc, message, "posting.status"))
        return ClaimOutcome(findings=findings, follow_ups=(follow_up(kind, claim.id, cp, loc),))
    side, findings = _side(inputs, claim, cp, loc)
    denied = cp.is_denied  # read once: a property over the status's sequence (an enum lookup)
    lines = _lines_of(inputs, claim, cp, loc, denied)
    findings.extend(lines.findings)
    if lines.held and not lines.posts:
        # Not one line matched: hold the claim payment whole, like a claim of no claim of ours.
        why = f"no line of claim {claim.id} matches its service lines"
        held, found, follow = hold_claim(inputs, cp, loc, first, why)
        return ClaimOutcome(findings=[*findings, *found], follow_ups=follow, held=held)
    if has_error(findings):
        # Nothing of a claim is posted on a guess; the plan is refused anyway, but the
        # other claims still report their own problems.
        return ClaimOutcome(findings=findings)
    if cp.is_reversal:
        made = reverse_claim(inputs, side, cp, lines.posts, delta, reversed_ids, first)
        return _outcome(side, cp, made, findings, Appeals([], [], [], []), (), denied)
    made, appealed = post_lines(inputs, side, lines.posts, delta, first)
    if not appealed and not lines.held and not inputs.holds.get(claim.id):
        # The usual claim: nothing held for appeal, no hold to close, no line held.
        return _outcome(side, cp, made, findings, _NO_APPEALS, (), denied)
    numbered = first + len(made.entries)
    appeals = appeal_entries(inputs, side, cp, appealed, reversed_ids, numbered)
    numbered += len(appeals.entries)
    held, found, follow = hold_lines(inputs, claim, cp, lines.held, loc, numbered)
    findings.extend(found)
    appeals.follow_ups.extend(follow)
    return _outcome(side, cp, made, findings, appeals, held, denied)


_NO_APPEALS: Final = Appeals((), (), (), ())  # type: ignore[arg-type]  # read, never extended
"""What a claim with no appeal to close or open adds (`_outcome` only reads it)."""


class _Lines(NamedTuple):
    """A claim payment's lines matched and spread: to post, to hold, and the findings."""

    posts: list[LinePost]
    held: list[tuple[int, ServicePayment]]
    findings: list[Finding]


def _lines_of(inputs: Inputs, claim: Claim, cp: ClaimPayment, loc: str, denied: bool) -> _Lines:
    """Match a claim payment's lines, spread its claim-level amounts, cap them at its payment.

    ``denied`` is ``cp.is_denied``, read once by the caller. A reversal carries the
    original's amounts negated: its lines are matched and spread as the original's were
    (and never held: negative money holds nothing).
    """
    reversal = cp.is_reversal
    if reversal:
        # The reversal's amounts negated back: matched and split like the original, so the
        # entries to reverse come out exactly as the original posting made them.
        basis = cp.as_reversal()
        denied = basis.paid.minor == 0 and basis.charge.minor != 0
    else:
        basis = cp
    hold = inputs.unmatched is UnmatchedPolicy.HOLD and not reversal
    posts, findings, held = match_lines(
        claim, basis, loc, inputs.line_owner, denied=denied, hold=hold
    )
    if (findings and has_error(findings)) or not posts:
        return _tuple_new(_Lines, (posts, held, findings))
    posts, found = distribute(claim, basis, loc, posts, inputs.rule, inputs.designated)
    if found:
        findings.extend(found)
    if not reversal and not (found and has_error(found)):
        # The held lines' money is on the remittance's account: the posted lines may apply
        # only what is left of CLP04.
        paid = cp.paid.minor - sum(sp.paid.minor for _, sp in held) if held else cp.paid.minor
        posts, found = cap_to_paid(posts, paid, loc, inputs.currency)
        if found:
            findings.extend(found)
    # Made as the tuple it is (a named tuple's __new__ is a Python call).
    return _tuple_new(_Lines, (posts, held, findings))


def _outcome(
    side: ClaimSide,
    cp: ClaimPayment,
    made: Made,
    findings: list[Finding],
    appeals: Appeals,
    held: Sequence[CashHeld],
    denied: bool,
) -> ClaimOutcome:
    """The outcome of a matched claim payment: its lines' entries, its appeals, its held lines."""
    findings.extend(made.findings)
    findings.extend(appeals.findings)
    follow_ups = list(appeals.follow_ups)
    if denied and not any(f.kind is FollowUpKind.APPEAL for f in follow_ups):
        follow_ups.insert(0, follow_up(FollowUpKind.DENIED, side.claim.id, cp, side.location))
    held_minor = sum(h.amount.minor for h in held) if held else 0
    # Made as the tuple it is, fields in order (a named tuple's keywords go through Python).
    return _tuple_new(
        ClaimOutcome,
        (
            [*made.entries, *appeals.entries] if appeals.entries else made.entries,
            findings,
            made.shifts,
            made.relied,
            [*made.reversed, *appeals.reversed] if appeals.reversed else made.reversed,
            # The claim's account receives CLP04 less what is held elsewhere: cash received =
            # applied + held + PLB, per remittance (DESIGN.md section 8).
            (side.claim.account_id, side.party, cp.paid.minor - held_minor),
            follow_ups,
            (_crossover(side, cp),) if cp.status.forwarded else (),
            held,
        ),
    )


def _unmatched(inputs: Inputs, cp: ClaimPayment, loc: str, first: int) -> ClaimOutcome:
    """A claim payment of no claim of ours: its money held (the default), or refused."""
    pcn = cp.patient_control_number
    if inputs.unmatched is UnmatchedPolicy.REFUSE:
        message = f"no claim {pcn!r} of ours matches this patient control number"
        return ClaimOutcome(findings=(error(loc, message, "posting.unmatched_claim"),))
    held, findings, follow_ups = hold_claim(inputs, cp, loc, first, f"no claim {pcn!r} of ours")
    return ClaimOutcome(findings=findings, follow_ups=follow_ups, held=held)


def _side(
    inputs: Inputs, claim: Claim, cp: ClaimPayment, loc: str
) -> tuple[ClaimSide, list[Finding]]:
    """The payer's bucket of a claim, the bucket its PR amounts move to, its party and source."""
    bucket = Bucket.coverage(claim.coverage.sequence._value_)
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
    # DESIGN.md section 6: a PR amount moves to the next coverage in sequence, or to the
    # patient when the account has none after this one.
    following = next_bucket(bucket, inputs.coverages.get(claim.account_id, ()))
    party = inputs.parties[claim.coverage.payer.id]
    # Made as the tuple it is: (claim, location, bucket, following, party, source).
    side: ClaimSide = _tuple_new(ClaimSide, (claim, loc, bucket, following, party, source))
    return side, findings


def _crossover(side: ClaimSide, cp: ClaimPayment) -> Crossover:
    return Crossover(
        claim_id=side.claim.id,
        account_id=side.claim.account_id,
        from_bucket=side.bucket,
        to_bucket=side.following,
        payer_claim_control_number=cp.payer_claim_control_number,
    )
