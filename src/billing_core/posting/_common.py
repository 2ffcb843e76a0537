"""What the posting steps share (private): the plan's fixed inputs, line drafts, findings.

A plan is a fold over the remittance's claim payments. Everything that does
not change during the fold is in one `Inputs` value; the only state that
does change is the plan's own effect on the buckets (a `Delta`), the ids
already reversed, and the next entry number, and each step receives them as
arguments and returns what it changes, never mutating them itself.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Final, NamedTuple

import attrs

from billing_core.balances import Balance
from billing_core.charges import LineItem
from billing_core.claims import Claim
from billing_core.codes import CARC, GroupCode
from billing_core.errors import Finding, Severity
from billing_core.ledger import Adjustment, AppealHold, Bucket, Entry, Party, PaymentApplied, Source
from billing_core.money import Money
from billing_core.posting._assumed import Assumed
from billing_core.posting._denials import DenialPolicy
from billing_core.posting._types import ClaimLevelRule, FollowUp, FollowUpKind, UnmatchedPolicy
from billing_core.remittance import ClaimPayment, Remittance

SOURCE_TAG: Final = "835 claim "
"""How every entry a claim payment posts starts its ``Source.reason``.

A later reversal (status 22) finds the entries to negate by this reason
(``"835 claim <pcn> payer claim <number>"``), so it must never change.
"""

Key = tuple[str, str]
"""A bucket of a line: (line id, the bucket's value)."""

Delta = Mapping[str, Mapping[str, int]]
"""What the plan so far has moved in or out of each bucket, in minor units.

By line id, then by the bucket's value: a plan moves money on every line it
posts, and one small dict of strings and ints per line is the least a large
plan leaves for the garbage collector to count (it never tracks such a dict).
"""

NO_MOVES: Final[Delta] = MappingProxyType({})
"""The delta of a plan that keeps no moves (no line is read twice): steps need make no shifts."""

Shift = tuple[str, Bucket, int]
"""One change a step makes to a bucket's open amount: (line id, bucket, minor units)."""

Relied = Assumed
"""A bucket whose balance a step relied on: (line id, account id, bucket, its open amount)."""

Opened = tuple[int, int]
"""A bucket as a step reads it: (the open amount of its balance, what is open now)."""

Adjusted = tuple[GroupCode, CARC, int, Money | None]
"""One adjustment of a line: (group, reason, minor units, the remittance's amount).

The reason stays the remittance's own `CARC`, already checked: a ledger
entry takes it as it is, where a code string would be parsed again. The
last item is the CAS amount itself while the minor units are exactly it
(None once split or netted): the entry reuses that immutable `Money`.
"""


class LinePost(NamedTuple):
    """One matched line's amounts (minor units), before they become entries.

    ``where`` is (claim location, line number in the 835 or 0 for a claim
    answered without lines, line control number). ``denied``: the payer paid
    nothing on it (the whole claim, or this service line): the denial policy
    applies to its CO, PI and OA amounts.
    """

    item: LineItem
    paid: int
    adjustments: tuple[Adjusted, ...]
    where: tuple[str, int, str | None]
    denied: bool = False
    money: Money | None = None
    """The service line's paid amount (SVC03) itself: an entry of exactly ``paid`` reuses it."""

    @property
    def location(self) -> str:
        """Where the line is in the remittance, for findings."""
        loc, number, lcn = self.where
        if number == 0:
            return f"{loc} line {self.item.id} (claim level)"
        return f"{loc} line {number}" + (f" ({lcn})" if lcn else "")


class Originals(NamedTuple):
    """What the history offers a reversal: entries by their ``Source.reason``, ids reversed."""

    by_reason: Mapping[str, list[PaymentApplied | Adjustment]]
    reversed: frozenset[str]


NO_ORIGINALS: Final = Originals(by_reason={}, reversed=frozenset())


@attrs.frozen(kw_only=True)
class Inputs:
    """Everything a plan reads and never changes while it folds over the claim payments."""

    remittance: Remittance
    effective: datetime.date
    key: str
    prefix: str
    claims: Mapping[str, Claim]
    line_owner: Mapping[str, str]
    parties: Mapping[str, Party]
    balances: Mapping[str, Balance]
    coverages: Mapping[str, tuple[Bucket, ...]]
    currency: str
    rule: ClaimLevelRule
    designated: Mapping[str, str]
    unmatched: UnmatchedPolicy
    denials: DenialPolicy
    originals: Originals
    account: str
    """The remittance's own account: money held, provider-level adjustments."""
    held_party: Party
    """The payer whose money the remittance's account holds."""
    holds: Mapping[str, tuple[AppealHold, ...]]
    """The appeal holds of the claims the remittance answers, by claim id (not reversed)."""
    deadline: datetime.date
    """The appeal deadline of a denial in this remittance (the denial policy's rule)."""
    trusted: bool = False
    """Whether line entries may be built from their checked parts (``_build``): the date is
    a plain date; otherwise the entry constructors run, and name a bad date."""

    def entry_id(self, number: int) -> str:
        """The id of the plan's ``number``-th entry: stable, and carries the idempotency key."""
        # The key prefix makes ids unique across remittances and lets any later reader of
        # the ledger tell, from the ids alone, that this remittance was posted.
        return f"{self.prefix}.{number}"


class ClaimSide(NamedTuple):
    """The payer's side of one matched claim: where its money comes from and goes."""

    claim: Claim
    location: str
    bucket: Bucket
    following: Bucket
    party: Party
    source: Source


class Made(NamedTuple):
    """What a step made for one claim: entries, findings, bucket moves, balances relied on.

    ``reversed`` holds the ids of the history entries it reversed.
    """

    entries: list[Entry]
    findings: list[Finding]
    shifts: list[Shift]
    relied: list[Relied]
    reversed: list[str]


def error(location: str, message: str, rule: str) -> Finding:
    """An error finding (the plan is refused)."""
    return Finding(location=location, message=message, rule=rule, severity=Severity.ERROR)


def warning(location: str, message: str, rule: str) -> Finding:
    """A warning finding (the plan goes ahead)."""
    return Finding(location=location, message=message, rule=rule, severity=Severity.WARNING)


def has_error(findings: Sequence[Finding]) -> bool:
    """Whether one of ``findings`` is an error."""
    return bool(findings) and any(f.severity is Severity.ERROR for f in findings)


def read_open(
    balances: Mapping[str, Balance],
    line_id: str,
    bucket: Bucket,
    delta: Delta,
    own: Delta | None = None,
) -> Opened | None:
    """A bucket's open amount in its balance, and now with the plan's moves; None without a charge.

    ``delta`` holds the moves of the plan so far, ``own`` those a step made
    itself since (within one claim). The balance's amount is what the plan
    relies on, and what `apply_posting` checks again.
    """
    balance = balances.get(line_id)
    if balance is None:
        return None
    # Base and now are returned apart: the base is what apply_posting re-checks in the
    # history, now is what this step may spend.
    base = now = balance.open.of(bucket).minor
    moves = delta.get(line_id)
    if moves:
        now += moves.get(bucket._value_, 0)
    if own is not None:
        mine = own.get(line_id)
        if mine:
            now += mine.get(bucket._value_, 0)
    return base, now


def add_shifts(delta: dict[str, dict[str, int]], shifts: Iterable[Shift]) -> None:
    """Fold ``shifts`` into a delta the caller owns."""
    for line_id, bucket, minor in shifts:
        moves = delta.get(line_id)
        if moves is None:
            moves = delta[line_id] = {}
        value = bucket._value_
        moves[value] = moves.get(value, 0) + minor


def follow_up(
    kind: FollowUpKind,
    claim_id: str,
    cp: ClaimPayment,
    loc: str,
    *,
    amount: Money | None = None,
    deadline: datetime.date | None = None,
    entry_id: str | None = None,
) -> FollowUp:
    """A follow-up for a claim, with every reason and remark of the claim and its lines.

    ``amount`` is the claim charge unless given.
    """
    # Claim-level reasons first, then each line's, once each in the order the payer gave
    # them: the follow-up reads like the remittance.
    reasons = [a.key for a in cp.adjustments]
    remarks = [r.code for r in cp.remarks]
    for line in cp.lines:
        reasons.extend(a.key for a in line.adjustments)
        remarks.extend(r.code for r in line.remarks)
    return FollowUp(
        kind=kind,
        claim_id=claim_id,
        location=loc,
        reasons=tuple(dict.fromkeys(reasons)),
        remarks=tuple(dict.fromkeys(remarks)),
        amount=cp.charge if amount is None else amount,
        deadline=deadline,
        entry_id=entry_id,
    )
