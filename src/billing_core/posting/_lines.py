"""Building a line's ledger entries from its amounts (private step of posting).

How a line's 835 amounts land in the payer's bucket:

- paid (SVC03, less any claim-level share) is a `PaymentApplied`;
- CO, PI and OA are written off the payer's bucket (`Adjustment` without
  ``to_bucket``); OA-23 on a secondary or tertiary claim is the prior payer's
  impact, already settled in that payer's bucket, and posts nothing;
- PR moves to the next coverage the account has, else the patient
  (`Adjustment` with ``to_bucket``);
- a negative adjustment raises the payment: the extra stays with the payer as
  unapplied credit, since no bucket owes it.

The line may take out of the payer's bucket at most what is open there.
"""

from __future__ import annotations

from typing import NamedTuple

from billing_core.charges import authorization_problem
from billing_core.codes import GroupCode
from billing_core.errors import Finding
from billing_core.ledger import Adjustment, Bucket, Entry, PaymentApplied
from billing_core.money import Money
from billing_core.posting import NON_COVERED_REASONS, PRIOR_PAYER_IMPACT_REASONS
from billing_core.posting._common import (
    Adjusted,
    ClaimSide,
    Inputs,
    LinePost,
    Relied,
    Shift,
    error,
    warning,
)


class Split(NamedTuple):
    """A line's amounts by what they do to the payer's bucket (minor units)."""

    applied: int
    writeoffs: tuple[Adjusted, ...]
    transfers: tuple[tuple[str, int], ...]
    overpaid: int

    @property
    def taken(self) -> int:
        """What the line takes out of the payer's bucket."""
        return self.applied + sum(w[2] for w in self.writeoffs) + sum(t[1] for t in self.transfers)


class LineOutcome(NamedTuple):
    """What posting one line makes: entries, findings, bucket moves, balances relied on."""

    entries: list[Entry]
    findings: list[Finding]
    shifts: list[Shift]
    relied: list[Relied]


def split_line(post: LinePost, bucket: Bucket, currency: str) -> Split | Finding:
    """A line's adjustments netted per group and reason, and sorted by effect; or the error."""
    nets: dict[tuple[GroupCode, str], int] = {}
    for group, reason, amount in post.adjustments:
        nets[(group, reason)] = nets.get((group, reason), 0) + amount
    writeoffs: list[Adjusted] = []
    transfers: list[tuple[str, int]] = []
    overpaid = 0
    secondary = bucket is not Bucket.PRIMARY
    for (group, reason), amount in nets.items():
        if group is GroupCode.OA and secondary and reason in PRIOR_PAYER_IMPACT_REASONS:
            continue
        if group is GroupCode.CR:
            message = f"CR-{reason}: CR (4010 correction/reversal) cannot be posted"
            return error(post.location, message, "posting.group")
        if amount < 0:
            overpaid -= amount
        elif amount == 0:
            continue
        elif group is GroupCode.PR:
            transfers.append((reason, amount))
        else:
            writeoffs.append((group, reason, amount))
    applied = post.paid - overpaid
    if applied < 0:
        return error(
            post.location,
            f"negative payment {Money.from_minor(applied, currency)} on a line"
            " that is not a reversal",
            "posting.negative",
        )
    return Split(applied, tuple(writeoffs), tuple(transfers), overpaid)


def post_line(
    inputs: Inputs, side: ClaimSide, post: LinePost, available: int | None, number: int
) -> LineOutcome:
    """The entries of one line, numbered from ``number``, given what its bucket has open."""
    split = split_line(post, side.bucket, inputs.currency)
    if isinstance(split, Finding):
        return LineOutcome([], [split], [], [])
    line_id, bucket, cur = post.item.id, side.bucket, inputs.currency
    if available is None:
        message = f"line {line_id} has no charge posted"
        return LineOutcome([], [error(post.location, message, "posting.no_charge")], [], [])
    relied = [(line_id, side.claim.account_id, bucket)]
    need = split.taken
    if need > available:
        message = (
            f"would take {Money.from_minor(need, cur)} out of the {bucket} bucket of"
            f" line {line_id}, which has {Money.from_minor(available, cur)} open"
        )
        return LineOutcome([], [error(post.location, message, "posting.overdrawn")], [], relied)
    findings: list[Finding] = []
    if need < available:
        message = (
            f"{Money.from_minor(available - need, cur)} stays open in the {bucket}"
            f" bucket of line {line_id}"
        )
        findings.append(warning(post.location, message, "posting.left_open"))
    if split.overpaid:
        message = (
            f"a negative adjustment adds {Money.from_minor(split.overpaid, cur)} to the"
            " payment; it stays as the payer's unapplied credit"
        )
        findings.append(warning(post.location, message, "posting.overpaid"))
    findings.extend(_noncovered_findings(post, split, side.following))
    shifts: list[Shift] = [(line_id, bucket, -need)]
    shifts.extend((line_id, side.following, amount) for _, amount in split.transfers)
    return LineOutcome(_entries(inputs, side, post, split, number), findings, shifts, relied)


def _noncovered_findings(post: LinePost, split: Split, following: Bucket) -> list[Finding]:
    """Warn of a not-covered PR amount moved on without the patient's authorization on file."""
    findings = []
    for reason, _ in split.transfers:
        if reason not in NON_COVERED_REASONS:
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
    moves: list[tuple[GroupCode, str, int, Bucket | None]]
    moves = [(g, r, a, None) for g, r, a in split.writeoffs]
    moves += [(GroupCode.PR, r, a, side.following) for r, a in split.transfers]
    for group, reason, amount, to in moves:
        out.append(
            Adjustment(
                id=inputs.entry_id(number + len(out)),
                account_id=account,
                line_id=line_id,
                effective=eff,
                amount=Money.from_minor(amount, cur),
                source=source,
                bucket=bucket,
                group=group,
                reason=reason,
                to_bucket=to,
            )
        )
    return out
