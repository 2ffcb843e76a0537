"""Building a line's ledger entries from its amounts (private step of posting).

How a line's 835 amounts land in the payer's bucket:

- paid (SVC03, less any claim-level share) is a `PaymentApplied`;
- CO, PI and OA are adjusted off the payer's bucket (`Adjustment` without
  ``to_bucket``); OA-23 on a secondary or tertiary claim is the prior payer's
  impact, already settled in that payer's bucket, and posts nothing;
- PR moves to the next coverage the account has, else the patient
  (`Adjustment` with ``to_bucket``);
- a negative adjustment raises the payment: the extra stays with the payer as
  unapplied credit, since no bucket owes it;
- on a denial (the payer paid nothing on the claim or the line), a CO, PI or
  OA amount the denial policy holds is not posted: it stays open in the
  payer's bucket for appeal.

The line may take out of the payer's bucket at most what is open there.
"""

from __future__ import annotations

from typing import NamedTuple

from billing_core.charges import authorization_problem
from billing_core.codes import CARC, GroupCode
from billing_core.errors import Finding
from billing_core.ledger import Adjustment, Bucket, Entry, PaymentApplied
from billing_core.money import Money
from billing_core.posting._common import (
    Adjusted,
    ClaimSide,
    Inputs,
    LinePost,
    Opened,
    Relied,
    Shift,
    error,
    warning,
)
from billing_core.posting._denials import DenialAction, DenialPolicy
from billing_core.posting._types import NON_COVERED_REASONS, PRIOR_PAYER_IMPACT_REASONS


class Split(NamedTuple):
    """A line's amounts by what they do to the payer's bucket (minor units)."""

    applied: int
    writeoffs: list[Adjusted]
    transfers: list[tuple[CARC, int, Money | None]]
    overpaid: int
    taken: int
    """What the line takes out of the payer's bucket: applied + write-offs + transfers."""
    appealed: list[Adjusted]
    """Denied amounts held open in the payer's bucket for appeal (not posted)."""


class LineOutcome(NamedTuple):
    """What posting one line makes: entries, findings, bucket moves, balances relied on.

    ``appealed`` are the line's denied amounts held open for appeal.
    """

    entries: list[Entry]
    findings: list[Finding]
    shifts: list[Shift]
    relied: list[Relied]
    appealed: list[Adjusted]


def split_line(
    post: LinePost, bucket: Bucket, currency: str, denials: DenialPolicy | None = None
) -> Split | Finding:
    """A line's adjustments netted per group and reason, and sorted by effect; or the error.

    On a denied line, ``denials`` says which CO, PI and OA amounts are held for appeal.
    """
    # Netted per group and reason: a claim-level share lands on a line that may carry
    # the same reason already, and one entry per reason is what the waterfall shows.
    # Keyed by the code string: hashing a str is cheaper than hashing a CARC.
    nets: dict[tuple[GroupCode, str], tuple[CARC, int, Money | None]] = {}
    for group, reason, amount, money in post.adjustments:
        key = (group, reason.code)
        found = nets.get(key)
        nets[key] = (reason, amount, money) if found is None else (reason, found[1] + amount, None)
    writeoffs: list[Adjusted] = []
    transfers: list[tuple[CARC, int, Money | None]] = []
    appealed: list[Adjusted] = []
    overpaid = moved = 0
    secondary = bucket is not Bucket.PRIMARY
    policy = denials if post.denied else None
    for (group, _), (reason, amount, money) in nets.items():
        if group is GroupCode.OA and secondary and reason.code in PRIOR_PAYER_IMPACT_REASONS:
            # What the prior payer did not pay, repeated for balancing: this payer's bucket
            # only ever held what the prior payer moved on, so there is nothing to take.
            continue
        if group is GroupCode.CR:
            # 4010 only; 5010 corrects with a status-22 reversal, which we can pair.
            message = f"CR-{reason}: CR (4010 correction/reversal) cannot be posted"
            return error(post.location, message, "posting.group")
        if amount < 0:
            # SVC03 = SVC02 - sum(CAS): a negative adjustment raises the payment above what
            # the bucket owes. No bucket holds that money: it stays the payer's credit.
            overpaid -= amount
        elif amount == 0:
            continue
        elif group is GroupCode.PR:
            transfers.append((reason, amount, money))
            moved += amount
        elif policy is not None and policy.action(reason.code) is DenialAction.HOLD:
            appealed.append((group, reason, amount, money))
        else:
            writeoffs.append((group, reason, amount, money))
            moved += amount
    applied = post.paid - overpaid
    if applied < 0:  # only a reversal pays back, and it is planned from the original
        return error(
            post.location,
            f"negative payment {Money.from_minor(applied, currency)} on a line"
            " that is not a reversal",
            "posting.negative",
        )
    return Split(applied, writeoffs, transfers, overpaid, applied + moved, appealed)


def post_line(
    inputs: Inputs, side: ClaimSide, post: LinePost, opened: Opened | None, number: int
) -> LineOutcome:
    """The entries of one line, numbered from ``number``, given what its bucket has open."""
    split = split_line(post, side.bucket, inputs.currency, inputs.denials)
    if isinstance(split, Finding):
        return LineOutcome([], [split], [], [], [])
    line_id, bucket, cur = post.item.id, side.bucket, inputs.currency
    if opened is None:
        message = f"line {line_id} has no charge posted"
        return LineOutcome([], [error(post.location, message, "posting.no_charge")], [], [], [])
    base, available = opened
    relied: list[Relied] = [(line_id, side.claim.account_id, bucket, base)]
    need = split.taken
    held = sum(a[2] for a in split.appealed)
    # A bucket never goes below zero: taking more than is open would post money that
    # nobody owes (a duplicate answer, or balances older than the remittance). What is
    # held for appeal is not taken, but the payer cannot deny more than is open either.
    if need + held > available:
        message = (
            f"would take {Money.from_minor(need + held, cur)} out of the {bucket} bucket of"
            f" line {line_id}, which has {Money.from_minor(available, cur)} open"
        )
        outcome = [error(post.location, message, "posting.overdrawn")]
        return LineOutcome([], outcome, [], relied, [])
    findings: list[Finding] = []
    if need + held < available:  # legal (a partial answer), but someone must follow it up
        message = (
            f"{Money.from_minor(available - need - held, cur)} stays open in the {bucket}"
            f" bucket of line {line_id}"
        )
        findings.append(warning(post.location, message, "posting.left_open"))
    if split.overpaid:
        message = (
            f"a negative adjustment adds {Money.from_minor(split.overpaid, cur)} to the"
            " payment; it stays as the payer's unapplied credit"
        )
        findings.append(warning(post.location, message, "posting.overpaid"))
    shifts: list[Shift] = [(line_id, bucket, -need)]
    if split.transfers:
        findings.extend(_noncovered_findings(post, split, side.following))
        for _, amount, _ in split.transfers:
            shifts.append((line_id, side.following, amount))
    entries = _entries(inputs, side, post, split, number)
    return LineOutcome(entries, findings, shifts, relied, split.appealed)


def _noncovered_findings(post: LinePost, split: Split, following: Bucket) -> list[Finding]:
    """Warn of a not-covered PR amount moved on without the patient's authorization on file."""
    findings = []
    for reason, _, _ in split.transfers:
        if reason.code not in NON_COVERED_REASONS:
            continue
        problem = authorization_problem(post.item, required=True)
        if problem is not None:
            message = (
                f"PR-{reason} (not covered) goes to the {following} bucket but"
                f" {problem}; the provider usually cannot bill it"
            )
            findings.append(
                warning(post.location, message, "posting.noncovered_without_authorization")
            )
    return findings


def _entries(
    inputs: Inputs, side: ClaimSide, post: LinePost, split: Split, number: int
) -> list[Entry]:
    """The line's entries: the payment applied, the write-offs, then the moves on."""
    account, line_id, bucket = side.claim.account_id, post.item.id, side.bucket
    eff, cur, source = inputs.effective, inputs.currency, side.source
    out: list[Entry] = []
    if split.applied:
        out.append(
            PaymentApplied(
                id=inputs.entry_id(number),
                account_id=account,
                line_id=line_id,
                effective=eff,
                amount=Money.from_minor(split.applied, cur),
                source=source,
                party=side.party,
                bucket=bucket,
            )
        )
    moves: list[tuple[GroupCode, CARC, int, Money | None, Bucket | None]] = [
        (g, r, a, m, None) for g, r, a, m in split.writeoffs
    ]
    for r, a, m in split.transfers:
        moves.append((GroupCode.PR, r, a, m, side.following))
    for group, reason, amount, money, to in moves:
        out.append(
            Adjustment(
                id=inputs.entry_id(number + len(out)),
                account_id=account,
                line_id=line_id,
                effective=eff,
                amount=Money.from_minor(amount, cur) if money is None else money,
                source=source,
                bucket=bucket,
                group=group,
                reason=reason,
                to_bucket=to,
            )
        )
    return out
