"""The bookkeeping behind ``ledger_histories`` (private): a simulated account and its steps.

Each step is a strategy that reads the simulated account and offers only an
entry that keeps every bucket and every credit at zero or more.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any, Final

from hypothesis import strategies as st

from billing_core.codes import GroupCode
from billing_core.ledger import (
    Adjustment,
    AppealHold,
    Bucket,
    CashHeld,
    ChargePosted,
    CreditTransfer,
    Entry,
    OriginalEntry,
    Party,
    PaymentApplied,
    PaymentReceived,
    ProviderPayment,
    ProviderWithholding,
    Refund,
    Reversal,
    Source,
    Transfer,
    WriteOff,
    WriteOffReason,
    reverse,
)
from billing_core.money import Money

__all__ = ["CARCS", "COVERAGE_BUCKETS", "STEPS", "Account", "Key", "effects", "first_charge"]

CARCS: Final = ("1", "2", "3", "45", "96", "253", "B7")
"""The reason codes the adjustments of a history use."""
COVERAGE_BUCKETS: Final = (Bucket.PRIMARY, Bucket.SECONDARY, Bucket.TERTIARY)

Key = tuple[str, Bucket] | Party
"""What an entry moves money in: a line's bucket ``(line id, bucket)``, or a party's credit."""


def effects(entry: OriginalEntry) -> list[tuple[Key, int]]:
    """This strategy's own bookkeeping: what an entry does to buckets and credits."""
    m = entry.amount.minor
    line = entry.line_id or ""
    if isinstance(entry, ChargePosted):
        return [((line, entry.bucket), m)]
    if isinstance(entry, PaymentReceived | CashHeld):
        return [(entry.party, m)]
    if isinstance(entry, Refund | CreditTransfer):
        return [(entry.party, -m)]
    if isinstance(entry, ProviderPayment | ProviderWithholding | AppealHold):
        return []  # nobody's credit, no line
    if isinstance(entry, PaymentApplied):
        return [((line, entry.bucket), -m), (entry.party, -m)]
    if isinstance(entry, WriteOff):
        return [((line, entry.bucket), -m)]
    if isinstance(entry, Adjustment):
        out: list[tuple[Key, int]] = [((line, entry.bucket), -m)]
        if entry.to_bucket is not None:
            out.append(((line, entry.to_bucket), m))
        return out
    return [((line, entry.from_bucket), -m), ((line, entry.to_bucket), m)]


class Account:
    """The simulated account: what is open and what credit each party holds, so far.

    Every step of [`ledger_histories`][] reads it to offer only entries that keep
    each bucket and each credit at zero or more, then records the entry drawn.
    """

    def __init__(
        self,
        *,
        currency: str,
        account_id: str,
        day: datetime.date,
        payers: Mapping[Bucket, Party],
        patient: Party,
    ) -> None:
        self.payers = payers
        self.patient = patient
        self.currency = currency
        self.account_id = account_id
        self.day = day
        self.held: dict[Key, int] = {}  # insertion order: the order slots are offered
        self.coverages: dict[str, int] = {}  # line id -> how many coverages it has
        self.history: list[Entry] = []
        self.reversible: list[OriginalEntry] = []
        self.counter = 0

    def next_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def money(self, minor: int) -> Money:
        return Money.from_minor(minor, self.currency)

    def record(self, entry: Entry) -> None:
        if isinstance(entry, Reversal):
            for key, delta in effects(entry.original):
                self.held[key] = self.held.get(key, 0) - delta
            self.reversible.remove(entry.original)
        else:
            for key, delta in effects(entry):
                self.held[key] = self.held.get(key, 0) + delta
            self.reversible.append(entry)
        self.history.append(entry)

    def open_slots(self) -> list[tuple[str, Bucket]]:
        return [key for key, value in self.held.items() if isinstance(key, tuple) and value > 0]

    def credit(self, party: Party) -> int:
        return self.held.get(party, 0)

    def parties_with_credit(self) -> list[Party]:
        return [p for p in (self.patient, *self.payers.values()) if self.credit(p)]

    def payer_of(self, bucket: Bucket) -> Party:
        """Who pays ``bucket``: its payer, or the patient."""
        return self.patient if bucket is Bucket.PATIENT else self.payers[bucket]

    def payable(self) -> list[tuple[str, Bucket]]:
        """Open slots whose payer holds credit to apply."""
        return [s for s in self.open_slots() if self.credit(self.payer_of(s[1])) > 0]

    def undoable(self) -> list[OriginalEntry]:
        """Entries whose reversal keeps every bucket and credit at zero or more."""
        return [
            e
            for e in self.reversible
            if all(self.held.get(key, 0) - delta >= 0 for key, delta in effects(e))
        ]

    def actions(
        self, *, max_lines: int, refunds: bool, reversals: bool, payer_money: bool = False
    ) -> list[str]:
        """The steps possible now; "apply" is listed twice to draw it more often."""
        slots = self.open_slots()
        options = ["receive"]
        if len(self.coverages) < max_lines:
            options.append("charge")
        if self.payable():
            options.extend(["apply", "apply"])
        if any(bucket.is_insurance for _line, bucket in slots):
            options.append("adjust")
        if slots:
            options.extend(["transfer", "write_off"])
        if refunds and self.parties_with_credit():
            options.append("refund")
        if reversals and self.undoable():
            options.append("reverse")
        if payer_money:
            options.extend(["hold", "provider"])
            if self.parties_with_credit():
                options.append("move")
            if any(bucket.is_insurance for _line, bucket in slots):
                options.append("appeal")
        return options

    def part_of_open(self, draw: st.DrawFn, slot: tuple[str, Bucket]) -> Money:
        """Some of what is open in a slot: the amount of an adjustment, transfer or write-off."""
        return self.money(draw(st.integers(min_value=1, max_value=self.held[slot])))


_Step = st.SearchStrategy[Entry | None]


@st.composite
def _charge(draw: st.DrawFn, acct: Account) -> Entry | None:
    line_id = f"L{len(acct.coverages) + 1}"
    n = draw(st.integers(min_value=0, max_value=3), label="coverages")
    acct.coverages[line_id] = n
    minor = draw(st.integers(min_value=0, max_value=50_000), label="charge")
    # A line with coverage is charged to the primary payer first, else to the patient.
    return ChargePosted(
        id=acct.next_id("c"),
        account_id=acct.account_id,
        line_id=line_id,
        effective=acct.day,
        amount=acct.money(minor),
        bucket=Bucket.PRIMARY if n else Bucket.PATIENT,
    )


@st.composite
def _receive(draw: st.DrawFn, acct: Account) -> Entry | None:
    party = draw(st.sampled_from([acct.patient, *acct.payers.values()]))
    return PaymentReceived(
        id=acct.next_id("p"),
        account_id=acct.account_id,
        effective=acct.day,
        amount=acct.money(draw(st.integers(min_value=1, max_value=30_000))),
        source=Source(payment_id=f"PAY-{acct.counter + 1}"),
        party=party,
    )


@st.composite
def _apply(draw: st.DrawFn, acct: Account) -> Entry | None:
    line_id, bucket = draw(st.sampled_from(acct.payable()))
    party = acct.payer_of(bucket)
    cap = min(acct.held[(line_id, bucket)], acct.credit(party))
    return PaymentApplied(
        id=acct.next_id("a"),
        account_id=acct.account_id,
        line_id=line_id,
        effective=acct.day,
        amount=acct.money(draw(st.integers(min_value=1, max_value=cap))),
        party=party,
        bucket=bucket,
    )


@st.composite
def _adjust(draw: st.DrawFn, acct: Account) -> Entry | None:
    insured = [s for s in acct.open_slots() if s[1].is_insurance]
    line_id, bucket = draw(st.sampled_from(insured))
    group = draw(st.sampled_from([GroupCode.CO, GroupCode.PI, GroupCode.PR, GroupCode.OA]))
    position = COVERAGE_BUCKETS.index(bucket)
    following = [*COVERAGE_BUCKETS[position + 1 : acct.coverages[line_id]], Bucket.PATIENT]
    # PR always moves to the next responsible party; OA may move anywhere down the
    # line, or be adjusted off like CO and PI.
    to: Bucket | None = None
    if group is GroupCode.PR or (group is GroupCode.OA and draw(st.booleans())):
        to = following[0] if group is GroupCode.PR else draw(st.sampled_from(following))
    return Adjustment(
        id=acct.next_id("j"),
        account_id=acct.account_id,
        line_id=line_id,
        effective=acct.day,
        amount=acct.part_of_open(draw, (line_id, bucket)),
        bucket=bucket,
        group=group,
        reason=draw(st.sampled_from(CARCS)),
        to_bucket=to,
    )


@st.composite
def _transfer(draw: st.DrawFn, acct: Account) -> Entry | None:
    line_id, bucket = draw(st.sampled_from(acct.open_slots()))
    covered = COVERAGE_BUCKETS[: acct.coverages[line_id]]
    targets = [b for b in (*covered, Bucket.PATIENT) if b is not bucket]
    if not targets:  # a self-pay line's patient bucket has nowhere to go
        return None
    return Transfer(
        id=acct.next_id("t"),
        account_id=acct.account_id,
        line_id=line_id,
        effective=acct.day,
        amount=acct.part_of_open(draw, (line_id, bucket)),
        from_bucket=bucket,
        to_bucket=draw(st.sampled_from(targets)),
    )


@st.composite
def _write_off(draw: st.DrawFn, acct: Account) -> Entry | None:
    line_id, bucket = draw(st.sampled_from(acct.open_slots()))
    return WriteOff(
        id=acct.next_id("w"),
        account_id=acct.account_id,
        line_id=line_id,
        effective=acct.day,
        amount=acct.part_of_open(draw, (line_id, bucket)),
        bucket=bucket,
        reason=draw(st.sampled_from(WriteOffReason)),
    )


@st.composite
def _refund(draw: st.DrawFn, acct: Account) -> Entry | None:
    party = draw(st.sampled_from(acct.parties_with_credit()))
    return Refund(
        id=acct.next_id("f"),
        account_id=acct.account_id,
        effective=acct.day,
        amount=acct.money(draw(st.integers(min_value=1, max_value=acct.credit(party)))),
        party=party,
    )


@st.composite
def _reverse(draw: st.DrawFn, acct: Account) -> Entry | None:
    target = draw(st.sampled_from(acct.undoable()))
    return reverse(target, id=acct.next_id("r"), effective=acct.day, reason="correction")


@st.composite
def _hold(draw: st.DrawFn, acct: Account) -> Entry | None:
    party = draw(st.sampled_from(list(acct.payers.values())))
    line = draw(st.none() | st.integers(min_value=1, max_value=9))
    return CashHeld(
        id=acct.next_id("h"),
        account_id=acct.account_id,
        effective=acct.day,
        amount=acct.money(draw(st.integers(min_value=1, max_value=30_000))),
        source=Source(payment_id=f"TRN-{acct.counter + 1}", remittance_id=f"R{acct.counter + 1}"),
        party=party,
        claim_reference=f"UNKNOWN-{acct.counter + 1}",
        service_line=line,
    )


@st.composite
def _move(draw: st.DrawFn, acct: Account) -> Entry | None:
    party = draw(st.sampled_from(acct.parties_with_credit()))
    return CreditTransfer(
        id=acct.next_id("m"),
        account_id=acct.account_id,
        effective=acct.day,
        amount=acct.money(draw(st.integers(min_value=1, max_value=acct.credit(party)))),
        party=party,
        to_account=f"{acct.account_id}-OTHER",
    )


@st.composite
def _provider(draw: st.DrawFn, acct: Account) -> Entry | None:
    fields: dict[str, Any] = {
        "id": acct.next_id("v"),
        "account_id": acct.account_id,
        "effective": acct.day,
        "amount": acct.money(draw(st.integers(min_value=1, max_value=10_000))),
        "party": draw(st.sampled_from(list(acct.payers.values()))),
        "reason": draw(st.sampled_from(["L6", "WO", "FB", "72", None])),
        "reference": draw(st.sampled_from(["", "CLM-1", "FCN 77"])),
        "claim_id": draw(st.none() | st.just("CLM-1")),
    }
    if draw(st.booleans()):
        return ProviderPayment(**fields)
    return ProviderWithholding(**fields)


@st.composite
def _appeal(draw: st.DrawFn, acct: Account) -> Entry | None:
    line_id, bucket = draw(st.sampled_from([s for s in acct.open_slots() if s[1].is_insurance]))
    return AppealHold(
        id=acct.next_id("x"),
        account_id=acct.account_id,
        effective=acct.day,
        amount=acct.money(acct.held[(line_id, bucket)]),
        claim_id=f"CLM-{line_id}",
        bucket=bucket,
        group=draw(st.sampled_from([GroupCode.CO, GroupCode.PI, GroupCode.OA])),
        reason=draw(st.sampled_from(["50", "197", "15", "16", "29"])),
    )


STEPS: Final[dict[str, Callable[[Account], _Step]]] = {
    "charge": _charge,
    "receive": _receive,
    "apply": _apply,
    "adjust": _adjust,
    "transfer": _transfer,
    "write_off": _write_off,
    "refund": _refund,
    "reverse": _reverse,
    "hold": _hold,
    "move": _move,
    "provider": _provider,
    "appeal": _appeal,
}
"""Each step of a history by the name ``Account.actions`` offers."""


def first_charge(acct: Account) -> st.SearchStrategy[Entry | None]:
    """The step that opens the first line of a history."""
    return _charge(acct)
