"""Where a claim is in its life, and since when: a fold over what happened to it.

A claim goes out, the payer's front door answers (a 277CA acknowledgement),
the payer adjudicates it (an 835), the provider may appeal a denial, and in
the end nothing is owed on its lines any more:

```text
draft -> submitted -> accepted | rejected -> paid | partially paid | denied -> appealed -> closed
                          (a rejected claim is corrected and sent again: accepted or rejected anew)
any sent claim -> replaced | voided   (by a frequency 7 or 8 claim naming its payer claim number)
```

[`claim_status`][] is pure: it reads the claim, the history of its account,
the remittances and the acknowledgements, turns them into dated events
([`ClaimEvent`][]) and folds them through [`CLAIM_TRANSITIONS`][], one
explicit table; an event the table does not allow in the claim's state is an
[`InvalidTransitionError`][billing_core.errors.InvalidTransitionError] that
says which event, when, and from which state.

| event | from | to |
|---|---|---|
| submitted: its lines are charged in the ledger (on the claim date) | draft | submitted |
| acknowledged: accepted / rejected (277CA) | submitted, accepted, rejected | accepted / rejected |
| adjudicated: paid, partially paid (a line paid nothing), denied (835) | submitted, accepted, adjudicated, appealed, closed | paid / partially paid / denied |
| reversed (835 status 22) | adjudicated, appealed, closed | accepted (in the payer's hands again) |
| appeal held (an [`AppealHold`][billing_core.ledger.AppealHold]) | adjudicated, appealed | appealed |
| appeal closed (its hold reversed) | appealed | denied (the denial stands); adjudicated: unchanged |
| settled: nothing open on its lines | adjudicated, appealed | closed |
| replaced / voided (frequency 7 / 8) | sent, adjudicated, appealed, closed | replaced / voided |

A replaced or voided claim stays so; the payer's reversal of it (status 22)
is the only later event it takes. Predetermination answers (status 25)
change nothing.

Examples:
    >>> next_claim_state(ClaimState.SUBMITTED, ClaimEvent.ACCEPTED)
    <ClaimState.ACCEPTED: 'accepted'>
    >>> next_claim_state(ClaimState.DRAFT, ClaimEvent.PAID)
    Traceback (most recent call last):
    ...
    billing_core.errors.InvalidTransitionError: cannot record paid for a draft claim: it can only be submitted
"""  # noqa: E501

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable, Mapping
from typing import Final

import attrs

from billing_core._checks import check_date, describe
from billing_core.balances import line_balances
from billing_core.claims import Claim, ClaimAcknowledgement, ClaimFrequency
from billing_core.errors import InvalidTransitionError
from billing_core.ledger import AppealHold, ChargePosted, Entry, Reversal
from billing_core.remittance import ClaimPayment, ClaimStatus, Remittance

__all__ = [
    "CLAIM_TRANSITIONS",
    "ClaimEvent",
    "ClaimState",
    "ClaimStep",
    "ClaimTimeline",
    "claim_status",
    "next_claim_state",
]


class ClaimState(enum.Enum):
    """Where a claim is.

    Examples:
        >>> str(ClaimState.PARTIALLY_PAID)
        'partially paid'
    """

    DRAFT = "draft"
    """Made, not sent: none of its lines is charged in the ledger yet."""
    SUBMITTED = "submitted"
    """Sent (its lines charged); no answer yet."""
    ACCEPTED = "accepted"
    """The front door took it into adjudication (or a reversal put it back there)."""
    REJECTED = "rejected"
    """The front door stopped it: correct it and send it again."""
    PAID = "paid"
    """Adjudicated and paid, no line denied."""
    PARTIALLY_PAID = "partially paid"
    """Adjudicated and paid, some line paid nothing."""
    DENIED = "denied"
    """Adjudicated and paid nothing (or the payer says it is not its claim)."""
    APPEALED = "appealed"
    """A denial is held open for appeal (an appeal hold is open)."""
    CLOSED = "closed"
    """Adjudicated, and nothing is owed on its lines any more."""
    REPLACED = "replaced"
    """A replacement claim (frequency 7) took its place."""
    VOIDED = "voided"
    """A void claim (frequency 8) cancelled it."""

    def __str__(self) -> str:
        return self.value


class ClaimEvent(enum.Enum):
    """What happened to a claim.

    Examples:
        >>> str(ClaimEvent.APPEAL_HELD)
        'appeal held'
    """

    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    PAID = "paid"
    PARTIALLY_PAID = "partially paid"
    DENIED = "denied"
    REVERSED = "reversed"
    APPEAL_HELD = "appeal held"
    APPEAL_CLOSED = "appeal closed"
    SETTLED = "settled"
    REPLACED = "replaced"
    VOIDED = "voided"

    def __str__(self) -> str:
        return self.value


_S, _E = ClaimState, ClaimEvent
_ADJUDICATED: Final = (_S.PAID, _S.PARTIALLY_PAID, _S.DENIED)
_SENT: Final = (_S.SUBMITTED, _S.ACCEPTED, *_ADJUDICATED, _S.APPEALED, _S.CLOSED)


def _table() -> dict[ClaimState, dict[ClaimEvent, ClaimState]]:
    table: dict[ClaimState, dict[ClaimEvent, ClaimState]] = {state: {} for state in ClaimState}
    table[_S.DRAFT][_E.SUBMITTED] = _S.SUBMITTED
    # A rejected claim is corrected and sent again under the same id, so a new 277CA may
    # accept or reject it anew; an adjudicated claim is past the front door.
    for state in (_S.SUBMITTED, _S.ACCEPTED, _S.REJECTED):
        table[state][_E.ACCEPTED] = _S.ACCEPTED
        table[state][_E.REJECTED] = _S.REJECTED
    # Adjudicated straight from submitted too: a 277CA may never arrive. A later answer
    # (an appeal decided, a reprocessing) replaces the earlier verdict.
    for state in (_S.SUBMITTED, _S.ACCEPTED, *_ADJUDICATED, _S.APPEALED, _S.CLOSED):
        table[state][_E.PAID] = _S.PAID
        table[state][_E.PARTIALLY_PAID] = _S.PARTIALLY_PAID
        table[state][_E.DENIED] = _S.DENIED
    for state in (*_ADJUDICATED, _S.APPEALED, _S.CLOSED):
        # A status-22 reversal puts the claim back in the payer's hands: the corrected answer
        # that usually follows in the same 835 adjudicates it again.
        table[state][_E.REVERSED] = _S.ACCEPTED
    for state in (*_ADJUDICATED, _S.APPEALED):
        table[state][_E.APPEAL_HELD] = _S.APPEALED
        table[state][_E.SETTLED] = _S.CLOSED
    table[_S.APPEALED][_E.APPEAL_CLOSED] = _S.DENIED
    for state in (*_ADJUDICATED, _S.CLOSED):
        # The hold is reversed by the same remittance that adjudicated the claim again (the
        # appeal's outcome), which already set the state.
        table[state][_E.APPEAL_CLOSED] = state  # closed by the answer that moved it on
    for state in _SENT:
        table[state][_E.REPLACED] = _S.REPLACED
        table[state][_E.VOIDED] = _S.VOIDED
    for state in (_S.REPLACED, _S.VOIDED):
        # The payer may still take back what it paid on a claim we replaced; that changes
        # nothing about the claim having been replaced.
        table[state][_E.REVERSED] = state  # the payer undoing what it paid on it
    return table


CLAIM_TRANSITIONS: Final[Mapping[ClaimState, Mapping[ClaimEvent, ClaimState]]] = _table()
"""For each state, the events it takes and the state each leads to; any other is refused."""


def next_claim_state(state: ClaimState, event: ClaimEvent) -> ClaimState:
    """The state a claim in ``state`` is in after ``event``.

    Raises:
        InvalidTransitionError: If the event cannot happen to a claim in that
            state (saying what it can take).

    Examples:
        >>> next_claim_state(ClaimState.DENIED, ClaimEvent.APPEAL_HELD)
        <ClaimState.APPEALED: 'appealed'>
        >>> next_claim_state(ClaimState.PAID, ClaimEvent.REJECTED)
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidTransitionError: cannot record rejected for a paid claim: it can only be paid, partially paid, denied, reversed, appeal held, settled, appeal closed, replaced or voided
    """  # noqa: E501
    found = CLAIM_TRANSITIONS[state].get(event)
    if found is None:
        raise InvalidTransitionError(
            f"cannot record {event} for a {state} claim: it can only be {_allowed(state)}"
        )
    return found


def _allowed(state: ClaimState) -> str:
    """The events a state takes, in words."""
    names = [str(e) for e in CLAIM_TRANSITIONS[state]]
    if not names:
        return "nothing"
    return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]


@attrs.frozen(kw_only=True)
class ClaimStep:
    """One event in a claim's life and the state it left the claim in.

    Attributes:
        state: The state after the event.
        since: The event's date.
        event: What happened.
        detail: Where it comes from, e.g. ``"remittance T1, status 1, paid 60.00 USD"``.

    Examples:
        >>> step = ClaimStep(state=ClaimState.ACCEPTED, since=datetime.date(2024, 3, 6),
        ...                  event=ClaimEvent.ACCEPTED, detail="277CA A2")
        >>> str(step)
        '2024-03-06 accepted: accepted (277CA A2)'
    """

    state: ClaimState
    since: datetime.date
    event: ClaimEvent
    detail: str

    def __str__(self) -> str:
        return f"{self.since.isoformat()} {self.event}: {self.state} ({self.detail})"


@attrs.frozen(kw_only=True)
class ClaimTimeline:
    """A claim's life: every step, and where it is now and since when.

    Attributes:
        claim_id: The claim.
        steps: The events in date order, each with the state it left.

    Examples:
        >>> ClaimTimeline(claim_id="CLM1", steps=()).state
        <ClaimState.DRAFT: 'draft'>
    """

    claim_id: str
    steps: tuple[ClaimStep, ...]

    @property
    def state(self) -> ClaimState:
        """Where the claim is (a draft when nothing happened to it)."""
        return self.steps[-1].state if self.steps else ClaimState.DRAFT

    @property
    def since(self) -> datetime.date | None:
        """Since when: the date of the last step (``None`` for a draft)."""
        return self.steps[-1].since if self.steps else None


_Event = tuple[datetime.date, int, ClaimEvent, str]
"""A dated event: (date, its rank among the day's events, what, detail)."""


def claim_status(
    claim: Claim,
    history: Iterable[Entry],
    remittances: Iterable[Remittance] = (),
    acknowledgements: Iterable[ClaimAcknowledgement] = (),
    *,
    as_of: datetime.date | None = None,
    replacements: Iterable[Claim] = (),
) -> ClaimTimeline:
    """Where a claim is, and since when, from everything that happened to it.

    Events of one day count in this order: submitted, acknowledged,
    adjudicated (a reversal before the answer that corrects it), appeal held
    or closed, replaced or voided, settled.

    Args:
        claim: The claim.
        history: The entries of its account (charges, appeal holds and their
            reversals, and what settles its lines).
        remittances: Remittances that may answer it (by patient control number).
        acknowledgements: 277CA acknowledgements that may be of it (by claim id).
        as_of: Only what happened on or before this date counts (all by default).
        replacements: Claims that may replace or void it: frequency 7 or 8
            claims whose original claim number is its payer claim number (from
            a remittance or an acknowledgement).

    Returns:
        The claim's timeline.

    Raises:
        InvalidTransitionError: An event its state does not take (a paid claim
            rejected by the front door, a rejected claim adjudicated, a draft
            answered), naming the event, its date and the state.
        TypeError: An argument of the wrong type.

    Examples:
        >>> from billing_core._examples import example_claim
        >>> from billing_core.claims import ClaimAcknowledgement
        >>> from billing_core.ledger import Bucket, ChargePosted
        >>> claim = example_claim()
        >>> charges = [ChargePosted(id=f"c-{line.id}", account_id=claim.account_id,
        ...                         line_id=line.id, effective=claim.claim_date,
        ...                         amount=line.charge, bucket=Bucket.PRIMARY)
        ...            for line in claim.lines]
        >>> ack = ClaimAcknowledgement(claim_id=claim.id, received=datetime.date(2024, 3, 7),
        ...                            category="A2", status_code="20", action="WQ")
        >>> timeline = claim_status(claim, charges, [], [ack])
        >>> timeline.state, timeline.since
        (<ClaimState.ACCEPTED: 'accepted'>, datetime.date(2024, 3, 7))
    """
    check_date(as_of, "as_of", optional=True)
    entries = [e for e in history if as_of is None or e.effective <= as_of]
    events = [
        *_submitted(claim, entries),
        *_acknowledged(claim, acknowledgements),
        *_adjudicated(claim, remittances),
        *_appeals(claim, entries),
        *_replaced(claim, remittances, acknowledgements, replacements),
    ]
    # By date, then by rank within the day (submitted, acknowledged, reversed, answered,
    # appeals, replaced): one 835 may reverse and re-answer a claim on the same day.
    events = sorted((e for e in events if as_of is None or e[0] <= as_of), key=lambda e: e[:2])
    steps: list[ClaimStep] = []
    state = ClaimState.DRAFT
    for day, _rank, event, detail in events:
        state = _move(claim, state, event, day, detail, steps)
        steps.append(ClaimStep(state=state, since=day, event=event, detail=detail))
    settled = _settled(claim, entries, state)
    if settled is not None:
        # Never dated before the step it follows: the ledger's dates and a remittance's paid
        # date may differ, and a timeline must not go back in time.
        day = max(settled, steps[-1].since)
        state = _move(claim, state, ClaimEvent.SETTLED, day, "nothing open on its lines", steps)
        steps.append(ClaimStep(state=state, since=day, event=ClaimEvent.SETTLED,
                               detail="nothing open on its lines"))  # fmt: skip
    return ClaimTimeline(claim_id=claim.id, steps=tuple(steps))


def _move(
    claim: Claim,
    state: ClaimState,
    event: ClaimEvent,
    day: datetime.date,
    detail: str,
    steps: list[ClaimStep],
) -> ClaimState:
    """The next state, or the error naming the claim, the event, its date and the state."""
    found = CLAIM_TRANSITIONS[state].get(event)
    if found is None:
        since = f" since {steps[-1].since.isoformat()}" if steps else ""
        raise InvalidTransitionError(
            f"claim {claim.id!r}: cannot record {event} on {day.isoformat()} ({detail}):"
            f" it is {state}{since}, which can only be {_allowed(state)}"
        )
    return found


def _submitted(claim: Claim, entries: list[Entry]) -> list[_Event]:
    lines = {line.id for line in claim.lines}
    # A claim counts as sent once its lines are charged: the workflows charge them when
    # they submit it, and a draft never touches the ledger.
    charged = any(isinstance(e, ChargePosted) and e.line_id in lines for e in entries)
    if not charged:
        return []
    return [(claim.claim_date, 0, ClaimEvent.SUBMITTED, "its lines are charged")]


def _acknowledged(claim: Claim, acks: Iterable[ClaimAcknowledgement]) -> list[_Event]:
    out: list[_Event] = []
    for ack in acks:
        if not isinstance(ack, ClaimAcknowledgement):
            raise TypeError(f"acknowledgements hold ClaimAcknowledgement, got {describe(ack)}")
        if ack.claim_id == claim.id:
            event = ClaimEvent.REJECTED if ack.rejected else ClaimEvent.ACCEPTED
            detail = f"277CA {ack.category}:{ack.status_code}"
            out.append((ack.received, 1, event, detail))
    return out


def _adjudicated(claim: Claim, remittances: Iterable[Remittance]) -> list[_Event]:
    out: list[_Event] = []
    for r in remittances:
        if not isinstance(r, Remittance):
            raise TypeError(f"remittances hold Remittance, got {describe(r)}")
        for cp in r.claims:
            if cp.patient_control_number != claim.id:
                continue
            event = _answer(cp)
            if event is not None:
                detail = f"remittance {r.id}, status {cp.status.value}, paid {cp.paid}"
                out.append((r.paid_date, 2 if cp.is_reversal else 3, event, detail))
    return out


def _answer(cp: ClaimPayment) -> ClaimEvent | None:
    """What a claim payment says about the claim (``None``: a predetermination, nothing)."""
    if cp.status is ClaimStatus.PREDETERMINATION:
        return None
    if cp.is_reversal:
        return ClaimEvent.REVERSED
    # Status 23 (not our claim) is a denial from this payer's side: nothing will be paid.
    if cp.is_denied or cp.status is ClaimStatus.NOT_OUR_CLAIM:
        return ClaimEvent.DENIED
    # A zero-charge line paid nothing was not denied: nothing was asked for it.
    if any(sp.paid.minor == 0 and sp.charge.minor != 0 for sp in cp.lines):
        return ClaimEvent.PARTIALLY_PAID
    return ClaimEvent.PAID


def _appeals(claim: Claim, entries: list[Entry]) -> list[_Event]:
    out: list[_Event] = []
    for e in entries:
        if isinstance(e, AppealHold) and e.claim_id == claim.id:
            detail = f"{e.group}-{e.reason} {e.amount} held for appeal"
            out.append((e.effective, 4, ClaimEvent.APPEAL_HELD, detail))
        elif (
            isinstance(e, Reversal)
            and isinstance(e.original, AppealHold)
            and e.original.claim_id == claim.id
        ):
            out.append((e.effective, 4, ClaimEvent.APPEAL_CLOSED, f"hold {e.reverses} reversed"))
    return out


def _replaced(
    claim: Claim,
    remittances: Iterable[Remittance],
    acks: Iterable[ClaimAcknowledgement],
    replacements: Iterable[Claim],
) -> list[_Event]:
    numbers = {
        cp.payer_claim_control_number
        for r in remittances
        for cp in r.claims
        if cp.patient_control_number == claim.id and cp.payer_claim_control_number
    }
    numbers.update(
        a.payer_claim_number for a in acks if a.claim_id == claim.id and a.payer_claim_number
    )
    out: list[_Event] = []
    for other in replacements:
        if not isinstance(other, Claim):
            raise TypeError(f"replacements hold Claim, got {describe(other)}")
        frequency = other.frequency
        # Linked by the payer's claim number (CLM05-3 7 or 8 with REF*F8), the only link the
        # 837 gives: our own ids may differ between the original and its replacement.
        if frequency is ClaimFrequency.ORIGINAL or other.original_claim_number not in numbers:
            continue
        event = ClaimEvent.VOIDED if frequency is ClaimFrequency.VOID else ClaimEvent.REPLACED
        detail = f"claim {other.id} (frequency {frequency.value})"
        out.append((other.claim_date, 5, event, detail))
    return out


def _settled(claim: Claim, entries: list[Entry], state: ClaimState) -> datetime.date | None:
    """The day nothing was left open on the claim's lines, when it is adjudicated."""
    if state not in (*_ADJUDICATED, ClaimState.APPEALED):
        return None
    lines = {line.id for line in claim.lines}
    mine = [e for e in entries if e.line_id in lines]
    if not mine:
        return None
    last = max(e.effective for e in mine)
    balances = line_balances(mine, last)
    if any(balances[line].balance.minor for line in lines if line in balances):
        return None
    return last
