"""Reversing an earlier posting of a claim (private step of posting).

A payer takes back a claim payment by sending it again with status 22 and
every amount negated. The plan negates the amounts back, works out the
entries the original posting must have made, and pairs each with an entry
of the history that a posting of the same claim payment made (same
``Source.reason``, same account, not yet reversed). Only an exact pairing is
reversed, entry by entry, with a `Reversal`; anything else is refused rather
than half-undone.
"""

from __future__ import annotations

from collections.abc import Container, Iterable

from billing_core.codes import GroupCode
from billing_core.errors import Finding, ValidationError
from billing_core.ledger import Adjustment, Bucket, Entry, PaymentApplied, Reversal, reverse
from billing_core.posting._assumed import Assumed
from billing_core.posting._common import (
    SOURCE_TAG,
    ClaimSide,
    Delta,
    Inputs,
    LinePost,
    Made,
    Originals,
    add_shifts,
    error,
    read_open,
)
from billing_core.posting._lines import split_line
from billing_core.remittance import ClaimPayment

Signature = tuple[str, str, str, str, str, int]
"""What a reversal must negate: (line, kind, bucket, group, reason, minor amount)."""


def originals(history: Iterable[Entry]) -> Originals:
    """The entries earlier 835 postings made, by their reason, and the ids already reversed."""
    by_reason: dict[str, list[PaymentApplied | Adjustment]] = {}
    reversed_ids: set[str] = set()
    for e in history:
        if isinstance(e, Reversal):
            reversed_ids.add(e.reverses)
        elif isinstance(e, PaymentApplied | Adjustment):
            reason = e.source.reason
            if (
                reason is not None
                and reason.startswith(SOURCE_TAG)
                # Only entries a posting made: a hand-made adjustment that happens to carry the same
                # words must never be reversed by a payer's status 22.
                and e.source.remittance_id is not None
            ):
                by_reason.setdefault(reason, []).append(e)
    return Originals(by_reason=by_reason, reversed=frozenset(reversed_ids))


def signature(
    line_id: str,
    kind: str,
    bucket: Bucket,
    amount: int,
    group: GroupCode | None = None,
    reason: str = "",
) -> Signature:
    """The signature of an amount a posting makes on a line."""
    # Plain strings and ints: signatures are dict keys, and a CARC object and its code
    # string must compare the same way on both sides of the pairing.
    return (line_id, kind, bucket.value, "" if group is None else group.value, reason, amount)


def signature_of(e: PaymentApplied | Adjustment) -> Signature:
    """The signature of an entry a posting made."""
    line = e.line_id or ""
    if isinstance(e, PaymentApplied):
        return signature(line, "applied", e.bucket, e.amount.minor)
    # A write-off and a PR move of the same reason and amount are different postings:
    # reversing one for the other would put the money back in the wrong bucket.
    kind = "adjusted" if e.to_bucket is None else "moved"
    return signature(line, kind, e.bucket, e.amount.minor, e.group, e.reason)


def reverse_claim(
    inputs: Inputs,
    side: ClaimSide,
    cp: ClaimPayment,
    posts: list[LinePost],
    delta: Delta,
    reversed_ids: Container[str],
    number: int,
) -> Made:
    """The reversals of the entries the original posting of ``cp`` made, numbered from ``number``.

    ``posts`` are the reversal's lines with the amounts negated back, as the
    original posting saw them. ``delta`` is the plan's effect on the buckets
    so far and ``reversed_ids`` the entries already reversed (by the history
    or earlier in this plan); neither is changed.
    """
    wanted = _wanted(posts, side.bucket, inputs)
    if isinstance(wanted, Finding):
        return Made([], [wanted], [], [], [])
    account = side.claim.account_id
    # The original posting of this claim payment wrote the same Source.reason (claim and
    # payer claim number); an entry reversed already, by the history or earlier in this
    # remittance, is not there to reverse again.
    candidates = [
        e
        for e in inputs.originals.by_reason.get(side.source.reason or "", [])
        if e.id not in reversed_ids and e.account_id == account
    ]
    # A reversal that wants nothing (every amount held for appeal, or zero) has nothing to
    # pair, and is not an error.
    if not candidates and wanted:
        message = (
            f"reversal of claim {side.claim.id} (payer claim"
            f" {cp.payer_claim_control_number or '?'}) but no posting of it to reverse"
        )
        finding = error(side.location, message, "posting.reversal_unpaired")
        return Made([], [finding], [], [], [])
    chosen, missing, leftover = _pair(wanted, candidates)
    # Exact or nothing: a partial undo would leave a line neither posted nor reversed.
    if missing or leftover:
        message = (
            f"the reversal does not negate the original posting exactly"
            f" ({missing} amounts not found, {leftover} entries left over)"
        )
        finding = error(side.location, message, "posting.reversal_mismatch")
        return Made([], [finding], [], [], [])
    return _reversals(inputs, side, chosen, delta, number)


def _wanted(posts: list[LinePost], bucket: Bucket, inputs: Inputs) -> list[Signature] | Finding:
    """The signatures of what the original posting made on each line.

    Denied amounts the denial policy holds were never posted (they stayed open
    for appeal): there is nothing of them to reverse.
    """
    wanted: list[Signature] = []
    for post in posts:
        # The same split the original posting ran: a reversal must rebuild the very entries
        # it made (netted per reason, OA-23 skipped), or the pairing below finds none.
        split = split_line(post, bucket, inputs.currency, inputs.denials)
        if isinstance(split, Finding):
            return split
        line_id = post.item.id
        if split.applied:
            wanted.append(signature(line_id, "applied", bucket, split.applied))
        for group, reason, amount, _ in split.writeoffs:
            wanted.append(signature(line_id, "adjusted", bucket, amount, group, reason.code))
        for reason, amount, _ in split.transfers:
            wanted.append(signature(line_id, "moved", bucket, amount, GroupCode.PR, reason.code))
    return wanted


def _pair(
    wanted: list[Signature], candidates: list[PaymentApplied | Adjustment]
) -> tuple[list[PaymentApplied | Adjustment], int, int]:
    """The entries that negate ``wanted`` (first come, first taken), how many missing, left."""
    pool: dict[Signature, list[PaymentApplied | Adjustment]] = {}
    for e in candidates:
        pool.setdefault(signature_of(e), []).append(e)
    chosen: list[PaymentApplied | Adjustment] = []
    missing = 0
    for sig in wanted:
        found = pool.get(sig)
        # pop(0): several identical entries (the same reason twice on a line) are taken in
        # history order, so which one is reversed does not depend on hashing.
        if found:
            chosen.append(found.pop(0))
        else:
            missing += 1
    return chosen, missing, sum(len(es) for es in pool.values())


def _reversals(
    inputs: Inputs,
    side: ClaimSide,
    chosen: list[PaymentApplied | Adjustment],
    delta: Delta,
    number: int,
) -> Made:
    """Reverse each chosen entry, putting its money back in the payer's bucket."""
    out = Made([], [], [], [], [])
    own: dict[str, dict[str, int]] = {}  # this claim's own moves, on top of the plan's so far
    account, bucket = side.claim.account_id, side.bucket
    for original in chosen:
        line_id = original.line_id or ""
        amount = original.amount.minor
        if isinstance(original, Adjustment) and original.to_bucket is not None:
            # The money moved on must still be where it went: a patient or next
            # payer who has paid it since cannot have it taken back by this reversal.
            to = original.to_bucket
            opened = read_open(inputs.balances, line_id, to, delta, own)
            if opened is not None:
                out.relied.append(Assumed(line_id, account, to, opened[0]))
            if opened is None or opened[1] < amount:
                message = (
                    f"cannot reverse {original.group}-{original.reason} on line"
                    f" {line_id}: the {to} bucket no longer holds"
                    f" {original.amount} (already paid or moved)"
                )
                out.findings.append(error(side.location, message, "posting.reversal_moved_on"))
                return out
            out.shifts.append((line_id, to, -amount))
            add_shifts(own, (out.shifts[-1],))
        # The reversed amount goes back into the payer's bucket, where the correction that
        # follows in the same remittance (planned after the reversal) can take it again.
        out.shifts.append((line_id, bucket, amount))
        add_shifts(own, (out.shifts[-1],))
        out.reversed.append(original.id)
        try:
            out.entries.append(
                reverse(
                    original,
                    id=inputs.entry_id(number + len(out.entries)),
                    effective=inputs.effective,
                    reason=f"835 reversal in remittance {inputs.remittance.id}",
                )
            )
        # reverse() refuses a reversal dated before its original (a plan effective before
        # the posting it undoes): that is the caller's date, reported as a finding.
        except ValidationError as exc:
            out.findings.extend(exc.findings)
            return out
    return out
