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

from collections.abc import Sequence
from typing import Final, NamedTuple

from billing_core.charges import authorization_problem
from billing_core.codes import CARC, GroupCode
from billing_core.errors import Finding
from billing_core.ledger import Bucket, Entry
from billing_core.money import Money
from billing_core.posting._assumed import Assumed
from billing_core.posting._build import LineEntries
from billing_core.posting._common import (
    NO_MOVES,
    Adjusted,
    ClaimSide,
    Delta,
    Inputs,
    LinePost,
    Made,
    Opened,
    error,
    read_open,
    warning,
)
from billing_core.posting._denials import DenialAction, DenialPolicy
from billing_core.posting._types import NON_COVERED_REASONS, PRIOR_PAYER_IMPACT_REASONS

_tuple_new = tuple.__new__
_PR: Final = GroupCode.PR
_CO: Final = GroupCode.CO
_PI: Final = GroupCode.PI
_NC: Final = NON_COVERED_REASONS


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


def split_line(
    post: LinePost, bucket: Bucket, currency: str, denials: DenialPolicy | None = None
) -> Split | Finding:
    """A line's adjustments netted per group and reason, and sorted by effect; or the error.

    On a denied line, ``denials`` says which CO, PI and OA amounts are held for appeal.
    """
    adjustments: Sequence[Adjusted] = post.adjustments
    if len(adjustments) > 1:
        adjustments = netted(adjustments)
    writeoffs: list[Adjusted] = []
    transfers: list[tuple[CARC, int, Money | None]] = []
    appealed: list[Adjusted] = []
    overpaid = moved = 0
    secondary = bucket is not Bucket.PRIMARY
    policy = denials if post.denied else None
    for adjusted in adjustments:
        group, reason, amount, money = adjusted
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
            appealed.append(adjusted)
        else:
            writeoffs.append(adjusted)
            moved += amount
    applied = post.paid - overpaid
    if applied < 0:  # only a reversal pays back, and it is planned from the original
        return error(
            post.location,
            f"negative payment {Money.from_minor(applied, currency)} on a line"
            " that is not a reversal",
            "posting.negative",
        )
    # Built as the tuple it is (a named tuple's __new__ is a Python call, once per line).
    return _tuple_new(Split, (applied, writeoffs, transfers, overpaid, applied + moved, appealed))


def netted(adjustments: Sequence[Adjusted]) -> Sequence[Adjusted]:
    """A line's adjustments netted per group and reason, in the order each first appears.

    A claim-level share lands on a line that may carry the same reason already,
    and one entry per reason is what the waterfall shows. A netted amount keeps
    the later reason object and no `Money` of its own; adjustments whose reasons
    are all distinct come back as they are.
    """
    if len(adjustments) == 2:
        # The usual line (CO and PR, say): one comparison instead of a dict.
        (g1, r1, _, _), (g2, r2, a2, _) = adjustments
        if g1 is not g2 or r1.code != r2.code:
            return adjustments
        return ((g2, r2, adjustments[0][2] + a2, None),)
    if len(adjustments) == 3:
        # A line with a claim-level share (CO, PR and the claim's CO-253, say): three
        # comparisons tell that nothing repeats, without a dict.
        (g1, r1, _, _), (g2, r2, _, _), (g3, r3, _, _) = adjustments
        c1, c2, c3 = r1.code, r2.code, r3.code
        if not ((g1 is g2 and c1 == c2) or (g1 is g3 and c1 == c3) or (g2 is g3 and c2 == c3)):
            return adjustments
    # Keyed by the group's value and the code string: hashing strings is cheaper than
    # hashing enums and CARCs.
    nets: dict[tuple[str, str], Adjusted] = {}
    for adjusted in adjustments:
        group, reason, amount, _ = adjusted
        key = (group._value_, reason.code)
        found = nets.get(key)
        nets[key] = adjusted if found is None else (group, reason, found[2] + amount, None)
    return adjustments if len(nets) == len(adjustments) else tuple(nets.values())


_FAST: Final = True
"""Whether `post_lines` takes its one-loop path for plain lines (the test of that path
sets it off to plan the same remittances through `post_line` alone, the reference)."""


def post_lines(
    inputs: Inputs, side: ClaimSide, posts: Sequence[LinePost], delta: Delta, first: int
) -> tuple[Made, list[Adjusted]]:
    """Every line's entries, and the denied amounts held for appeal: `post_line` over the lines.

    A claim's lines have distinct ids and each is matched once, and a line
    moves money only between its own buckets: no line reads what another line
    of the same claim moved, so each reads the buckets as the claim found them.

    A plain line (not denied, its adjustments positive and netted, none CR, OA
    or a not-covered PR, answered in full: it takes exactly what is open) makes
    no finding: it is posted here in one step, as `post_line` would post it.
    Any other line goes through `post_line`.
    """
    made = Made([], [], [], [], [])
    appealed: list[Adjusted] = []
    build = LineEntries(inputs, side)
    balances, bucket, prefix = inputs.balances, side.bucket, inputs.prefix
    value, account, following = bucket._value_, side.claim.account_id, side.following
    entries, shifts, relied = made.entries, made.shifts, made.relied
    plain, moved = _FAST, delta is not NO_MOVES
    for post in posts:
        item, paid, given, _, denied, money = post
        line_id = item.id
        adjustments: Sequence[Adjusted] = given
        balance = balances.get(line_id)
        if len(adjustments) > 2 or (
            # The usual two (CO and PR, say) net only when they repeat a group and reason.
            len(adjustments) == 2
            and adjustments[0][0] is adjustments[1][0]
            and adjustments[0][1].code == adjustments[1][1].code
        ):
            adjustments = netted(adjustments)
        taken = paid
        fast = plain and not denied and paid >= 0 and balance is not None
        if fast:
            for group, reason, minor, _ in adjustments:
                # Compared by identity: an enum's hash is Python code. A not-covered PR
                # amount needs the patient's authorization on file, or warns.
                off = group is _CO or group is _PI
                if minor <= 0 or not (off or (group is _PR and reason.code not in _NC)):
                    fast = False
                    break
                taken += minor
        if fast:
            base = now = balance.open.of(bucket).minor  # type: ignore[union-attr]
            moves = delta.get(line_id) if moved else None
            if moves:
                now += moves.get(value, 0)
            fast = now == taken
        if not fast:
            opened = read_open(balances, line_id, bucket, delta)
            post_line(inputs, side, post, opened, made, appealed, build, first)
            continue
        relied.append(_tuple_new(Assumed, (line_id, account, bucket, base)))
        if moved:  # the plan keeps its moves: some line is read twice
            shifts.append((line_id, bucket, -taken))
            for group, _, minor, _ in adjustments:
                if group is _PR:
                    shifts.append((line_id, following, minor))
        build.line(prefix, first + len(entries), line_id, paid, money, adjustments, entries)
    return made, appealed


def post_line(
    inputs: Inputs,
    side: ClaimSide,
    post: LinePost,
    opened: Opened | None,
    made: Made,
    appealed: list[Adjusted],
    build: LineEntries,
    first: int,
) -> None:
    """Add one line's entries, findings, bucket moves and the balance relied on to ``made``.

    ``opened`` is what the line's bucket has open; its entries are numbered on
    from ``first`` + the entries ``made`` holds. The line's denied amounts held
    for appeal go to ``appealed``. A claim's lines go into one ``made``, in order,
    so no line makes lists of its own.
    """
    split = split_line(post, side.bucket, inputs.currency, inputs.denials)
    if isinstance(split, Finding):
        made.findings.append(split)
        return
    line_id, bucket, cur = post.item.id, side.bucket, inputs.currency
    if opened is None:
        message = f"line {line_id} has no charge posted"
        made.findings.append(error(post.location, message, "posting.no_charge"))
        return
    base, available = opened
    made.relied.append(_tuple_new(Assumed, (line_id, side.claim.account_id, bucket, base)))
    need = split.taken
    held = sum(a[2] for a in split.appealed) if split.appealed else 0
    # A bucket never goes below zero: taking more than is open would post money that
    # nobody owes (a duplicate answer, or balances older than the remittance). What is
    # held for appeal is not taken, but the payer cannot deny more than is open either.
    if need + held > available:
        message = (
            f"would take {Money.from_minor(need + held, cur)} out of the {bucket} bucket of"
            f" line {line_id}, which has {Money.from_minor(available, cur)} open"
        )
        made.findings.append(error(post.location, message, "posting.overdrawn"))
        return
    findings = made.findings
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
    shifts = made.shifts
    shifts.append((line_id, bucket, -need))
    if split.transfers:
        findings.extend(_noncovered_findings(post, split, side.following))
        for _, amount, _ in split.transfers:
            shifts.append((line_id, side.following, amount))
    _entries(inputs.prefix, side, post, split, first + len(made.entries), made.entries, build)
    if split.appealed:
        appealed.extend(split.appealed)


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
    prefix: str,
    side: ClaimSide,
    post: LinePost,
    split: Split,
    number: int,
    out: list[Entry],
    build: LineEntries,
) -> None:
    """Append the line's entries: the payment applied, the write-offs, then the moves on.

    Numbered from ``number``; ids as `Inputs.entry_id` makes them.
    """
    line_id = post.item.id
    if split.applied:
        money = post.money
        amount = (
            money
            if money is not None and money.minor == split.applied
            else build.amount(split.applied)
        )
        out.append(build.applied(f"{prefix}.{number}", line_id, amount))
        number += 1
    adjustment = build.adjustment
    for group, reason, minor, money in split.writeoffs:
        amount = build.amount(minor) if money is None else money
        out.append(adjustment(f"{prefix}.{number}", line_id, amount, group, reason, None))
        number += 1
    following = side.following
    for reason, minor, money in split.transfers:
        amount = build.amount(minor) if money is None else money
        out.append(
            adjustment(f"{prefix}.{number}", line_id, amount, GroupCode.PR, reason, following)
        )
        number += 1
