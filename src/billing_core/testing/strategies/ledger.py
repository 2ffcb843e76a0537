"""Hypothesis strategies for ledger entries and whole, valid entry histories.

[`ledger_histories`][] simulates an account step by step (charges, payments
received and applied, adjustments, transfers, write-offs, refunds and
reversals) with its own bookkeeping, independent of
[`check_history`][billing_core.ledger.check_history], and only takes steps that keep every
bucket and every credit at zero or more. Dates never go backwards, and
several entries often share a date. Use it to property-test code that reads
a ledger; use [`ledger_entries`][] for single entries of every type.

Examples:
    >>> from hypothesis import given, settings
    >>> from billing_core.ledger import check_history
    >>> @settings(max_examples=20)
    ... @given(ledger_histories())
    ... def test_histories_are_valid(history):
    ...     check_history(history)
    >>> test_histories_are_valid()
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Final

from hypothesis import strategies as st

from billing_core.codes import GroupCode
from billing_core.ledger import (
    Adjustment,
    Bucket,
    ChargePosted,
    Entry,
    OriginalEntry,
    Party,
    PaymentApplied,
    PaymentReceived,
    Refund,
    Reversal,
    Source,
    Transfer,
    WriteOff,
    WriteOffReason,
    reverse,
)
from billing_core.money import Money

__all__ = [
    "HISTORY_PATIENT",
    "HISTORY_PAYERS",
    "buckets",
    "ledger_entries",
    "ledger_histories",
    "ledger_parties",
    "sources",
    "write_off_reasons",
]

HISTORY_PAYERS: Final = {
    Bucket.PRIMARY: Party.payer("PAYER-1"),
    Bucket.SECONDARY: Party.payer("PAYER-2"),
    Bucket.TERTIARY: Party.payer("PAYER-3"),
}
"""The payer that pays each coverage bucket in [`ledger_histories`][]."""

HISTORY_PATIENT: Final = Party.patient("PATIENT-1")
"""The patient/guarantor of [`ledger_histories`][]."""

_CARCS: Final = ("1", "2", "3", "45", "96", "253", "B7")
_COVERAGE_BUCKETS: Final = (Bucket.PRIMARY, Bucket.SECONDARY, Bucket.TERTIARY)
_IDS: Final = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-", min_size=1, max_size=12)


def buckets() -> st.SearchStrategy[Bucket]:
    """Any bucket.

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> find(buckets(), lambda b: not b.is_insurance, settings=quick)
        <Bucket.PATIENT: 'patient'>
    """
    return st.sampled_from(Bucket)


def write_off_reasons() -> st.SearchStrategy[WriteOffReason]:
    """Any write-off reason.

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> find(write_off_reasons(), lambda r: r is WriteOffReason.CHARITY, settings=quick)
        <WriteOffReason.CHARITY: 'charity'>
    """
    return st.sampled_from(WriteOffReason)


def ledger_parties() -> st.SearchStrategy[Party]:
    """Payer and patient parties with short ids.

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> find(ledger_parties(), lambda p: p.kind.value == "payer", settings=quick).kind
        <PartyKind.PAYER: 'payer'>
    """
    return st.builds(Party.payer, _IDS) | st.builds(Party.patient, _IDS)


def sources() -> st.SearchStrategy[Source]:
    """Entry sources, with or without payment, remittance and reason.

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> source = find(sources(), lambda s: s.payment_id is not None, settings=quick)
        >>> source.payment_id is not None
        True
    """
    maybe = st.none() | _IDS
    return st.builds(Source, payment_id=maybe, remittance_id=maybe, reason=st.none() | st.text())


def ledger_entries(
    *, currency: str = "USD", account_id: str = "A1", reversals: bool = True
) -> st.SearchStrategy[Entry]:
    """Single valid entries of every type (not a consistent history).

    Args:
        currency: The currency of the amounts.
        account_id: The account of every entry.
        reversals: Whether to include [`Reversal`][billing_core.ledger.Reversal]
            entries (of an entry drawn the same way).

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> type(find(ledger_entries(), lambda e: isinstance(e, Refund), settings=quick)).__name__
        'Refund'
    """
    common: _Fields = {
        "id": _IDS,
        "account_id": st.just(account_id),
        "effective": st.dates(
            min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2030, 12, 31)
        ),
    }
    line: _Fields = {"line_id": _IDS, **common}
    positive = _amounts(currency, low=1)
    originals: st.SearchStrategy[OriginalEntry] = st.one_of(
        st.builds(
            ChargePosted,
            **line,
            amount=_amounts(currency, low=0),
            bucket=buckets(),
            source=sources(),
        ),
        st.builds(
            PaymentReceived, **common, amount=positive, party=ledger_parties(), source=sources()
        ),
        st.builds(Refund, **common, amount=positive, party=ledger_parties(), source=sources()),
        st.builds(
            WriteOff,
            **line,
            amount=positive,
            bucket=buckets(),
            reason=write_off_reasons(),
            source=sources(),
        ),
        buckets().flatmap(lambda b: _payments_applied(line, positive, b)),
        st.sampled_from(list(enumerate(_COVERAGE_BUCKETS))).flatmap(
            lambda ib: _adjustments(line, positive, ib[0], ib[1])
        ),
        st.lists(buckets(), min_size=2, max_size=2, unique=True).flatmap(
            lambda pair: _transfers(line, positive, pair[0], pair[1])
        ),
    )
    return originals | _reversals_of(originals) if reversals else originals


_Fields = dict[str, st.SearchStrategy[object]]
"""Keyword strategies shared by several entry types (id, account, date, line)."""


def _amounts(currency: str, *, low: int) -> st.SearchStrategy[Money]:
    return st.integers(min_value=low, max_value=10**7).map(lambda m: Money.from_minor(m, currency))


def _payments_applied(
    line: _Fields, amount: st.SearchStrategy[Money], bucket: Bucket
) -> st.SearchStrategy[PaymentApplied]:
    """Applications to ``bucket`` by a party that may pay it (a payer pays coverage only)."""
    return st.builds(
        PaymentApplied,
        **line,
        amount=amount,
        bucket=st.just(bucket),
        party=st.builds(Party.payer if bucket.is_insurance else Party.patient, _IDS),
        source=sources(),
    )


def _adjustments(
    line: _Fields, amount: st.SearchStrategy[Money], index: int, bucket: Bucket
) -> st.SearchStrategy[Adjustment]:
    """Adjustments of a coverage bucket: adjusted off (CO, PI, OA) or moved on (PR, OA)."""
    written_off = st.builds(
        Adjustment,
        **line,
        amount=amount,
        bucket=st.just(bucket),
        group=st.sampled_from([GroupCode.CO, GroupCode.PI, GroupCode.OA]),
        reason=st.sampled_from(_CARCS),
    )
    # A transfer goes down the coordination order: to a later coverage or the patient.
    moved_on = st.builds(
        Adjustment,
        **line,
        amount=amount,
        bucket=st.just(bucket),
        group=st.sampled_from([GroupCode.PR, GroupCode.OA]),
        reason=st.sampled_from(_CARCS),
        to_bucket=st.sampled_from([*_COVERAGE_BUCKETS[index + 1 :], Bucket.PATIENT]),
    )
    return written_off | moved_on


def _transfers(
    line: _Fields, amount: st.SearchStrategy[Money], source: Bucket, target: Bucket
) -> st.SearchStrategy[Transfer]:
    return st.builds(
        Transfer, **line, amount=amount, from_bucket=st.just(source), to_bucket=st.just(target)
    )


def _reversals_of(originals: st.SearchStrategy[OriginalEntry]) -> st.SearchStrategy[Entry]:
    """Reversals of drawn entries, dated the same day or up to 30 days later."""
    return st.builds(
        lambda original, rid, days: reverse(
            original, id=rid, effective=original.effective + datetime.timedelta(days=days)
        ),
        originals,
        _IDS,
        st.integers(min_value=0, max_value=30),
    )


# --------------------------------------------------------------------------- histories

_Key = tuple[str, Bucket] | Party
"""What an entry moves money in: a line's bucket ``(line id, bucket)``, or a party's credit."""


def _effects(entry: OriginalEntry) -> list[tuple[_Key, int]]:
    """This strategy's own bookkeeping: what an entry does to buckets and credits."""
    m = entry.amount.minor
    line = entry.line_id or ""
    if isinstance(entry, ChargePosted):
        return [((line, entry.bucket), m)]
    if isinstance(entry, PaymentReceived):
        return [(entry.party, m)]
    if isinstance(entry, Refund):
        return [(entry.party, -m)]
    if isinstance(entry, PaymentApplied):
        return [((line, entry.bucket), -m), (entry.party, -m)]
    if isinstance(entry, WriteOff):
        return [((line, entry.bucket), -m)]
    if isinstance(entry, Adjustment):
        out: list[tuple[_Key, int]] = [((line, entry.bucket), -m)]
        if entry.to_bucket is not None:
            out.append(((line, entry.to_bucket), m))
        return out
    return [((line, entry.from_bucket), -m), ((line, entry.to_bucket), m)]


def _payer_of(bucket: Bucket) -> Party:
    return HISTORY_PATIENT if bucket is Bucket.PATIENT else HISTORY_PAYERS[bucket]


class _Account:
    """The simulated account: what is open and what credit each party holds, so far.

    Every step of [`ledger_histories`][] reads it to offer only entries that keep
    each bucket and each credit at zero or more, then records the entry drawn.
    """

    def __init__(self, *, currency: str, account_id: str, day: datetime.date) -> None:
        self.currency = currency
        self.account_id = account_id
        self.day = day
        self.held: dict[_Key, int] = {}  # insertion order: the order slots are offered
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
            for key, delta in _effects(entry.original):
                self.held[key] = self.held.get(key, 0) - delta
            self.reversible.remove(entry.original)
        else:
            for key, delta in _effects(entry):
                self.held[key] = self.held.get(key, 0) + delta
            self.reversible.append(entry)
        self.history.append(entry)

    def open_slots(self) -> list[tuple[str, Bucket]]:
        return [key for key, value in self.held.items() if isinstance(key, tuple) and value > 0]

    def credit(self, party: Party) -> int:
        return self.held.get(party, 0)

    def parties_with_credit(self) -> list[Party]:
        return [p for p in (HISTORY_PATIENT, *HISTORY_PAYERS.values()) if self.credit(p)]

    def payable(self) -> list[tuple[str, Bucket]]:
        """Open slots whose payer holds credit to apply."""
        return [s for s in self.open_slots() if self.credit(_payer_of(s[1])) > 0]

    def undoable(self) -> list[OriginalEntry]:
        """Entries whose reversal keeps every bucket and credit at zero or more."""
        return [
            e
            for e in self.reversible
            if all(self.held.get(key, 0) - delta >= 0 for key, delta in _effects(e))
        ]

    def actions(self, *, max_lines: int, refunds: bool, reversals: bool) -> list[str]:
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
        return options

    def part_of_open(self, draw: st.DrawFn, slot: tuple[str, Bucket]) -> Money:
        """Some of what is open in a slot: the amount of an adjustment, transfer or write-off."""
        return self.money(draw(st.integers(min_value=1, max_value=self.held[slot])))


_Step = st.SearchStrategy[Entry | None]


@st.composite
def _charge(draw: st.DrawFn, acct: _Account) -> Entry | None:
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
def _receive(draw: st.DrawFn, acct: _Account) -> Entry | None:
    party = draw(st.sampled_from([HISTORY_PATIENT, *HISTORY_PAYERS.values()]))
    return PaymentReceived(
        id=acct.next_id("p"),
        account_id=acct.account_id,
        effective=acct.day,
        amount=acct.money(draw(st.integers(min_value=1, max_value=30_000))),
        source=Source(payment_id=f"PAY-{acct.counter + 1}"),
        party=party,
    )


@st.composite
def _apply(draw: st.DrawFn, acct: _Account) -> Entry | None:
    line_id, bucket = draw(st.sampled_from(acct.payable()))
    party = _payer_of(bucket)
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
def _adjust(draw: st.DrawFn, acct: _Account) -> Entry | None:
    insured = [s for s in acct.open_slots() if s[1].is_insurance]
    line_id, bucket = draw(st.sampled_from(insured))
    group = draw(st.sampled_from([GroupCode.CO, GroupCode.PI, GroupCode.PR, GroupCode.OA]))
    position = _COVERAGE_BUCKETS.index(bucket)
    following = [*_COVERAGE_BUCKETS[position + 1 : acct.coverages[line_id]], Bucket.PATIENT]
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
        reason=draw(st.sampled_from(_CARCS)),
        to_bucket=to,
    )


@st.composite
def _transfer(draw: st.DrawFn, acct: _Account) -> Entry | None:
    line_id, bucket = draw(st.sampled_from(acct.open_slots()))
    covered = _COVERAGE_BUCKETS[: acct.coverages[line_id]]
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
def _write_off(draw: st.DrawFn, acct: _Account) -> Entry | None:
    line_id, bucket = draw(st.sampled_from(acct.open_slots()))
    return WriteOff(
        id=acct.next_id("w"),
        account_id=acct.account_id,
        line_id=line_id,
        effective=acct.day,
        amount=acct.part_of_open(draw, (line_id, bucket)),
        bucket=bucket,
        reason=draw(write_off_reasons()),
    )


@st.composite
def _refund(draw: st.DrawFn, acct: _Account) -> Entry | None:
    party = draw(st.sampled_from(acct.parties_with_credit()))
    return Refund(
        id=acct.next_id("f"),
        account_id=acct.account_id,
        effective=acct.day,
        amount=acct.money(draw(st.integers(min_value=1, max_value=acct.credit(party)))),
        party=party,
    )


@st.composite
def _reverse(draw: st.DrawFn, acct: _Account) -> Entry | None:
    target = draw(st.sampled_from(acct.undoable()))
    return reverse(target, id=acct.next_id("r"), effective=acct.day, reason="correction")


_STEPS: Final[dict[str, Callable[[_Account], _Step]]] = {
    "charge": _charge,
    "receive": _receive,
    "apply": _apply,
    "adjust": _adjust,
    "transfer": _transfer,
    "write_off": _write_off,
    "refund": _refund,
    "reverse": _reverse,
}


@st.composite
def ledger_histories(
    draw: st.DrawFn,
    *,
    currency: str = "USD",
    account_id: str = "A1",
    max_lines: int = 4,
    max_steps: int = 25,
    start: datetime.date = datetime.date(2024, 1, 1),
    reversals: bool = True,
    refunds: bool = True,
) -> tuple[Entry, ...]:
    """Whole valid histories of one account, in date order.

    Lines are charged to the primary coverage or to the patient; each line
    has 0 to 3 coverages. Payers are [`HISTORY_PAYERS`][] (one per coverage
    bucket) and the patient is [`HISTORY_PATIENT`][]. Every step keeps each
    bucket and each credit at zero or more, so the history passes
    [`check_history`][billing_core.ledger.check_history]; a reversal undoes a random
    earlier entry that is not reversed yet when undoing it keeps that true.

    Args:
        draw: Supplied by `hypothesis.strategies.composite`; do not pass it.
        currency: The account's currency.
        account_id: The account.
        max_lines: At most this many line items.
        max_steps: At most this many entries after the first charge.
        start: The date of the first entry.
        reversals: Whether to include reversals.
        refunds: Whether to include refunds.

    Returns:
        The entries, effective dates non-decreasing (often several per date).

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> h = find(
        ...     ledger_histories(),
        ...     lambda h: any(isinstance(e, Reversal) for e in h),
        ...     settings=quick,
        ... )
        >>> type(h[0]).__name__, any(type(e).__name__ == "Reversal" for e in h)
        ('ChargePosted', True)
    """
    acct = _Account(currency=currency, account_id=account_id, day=start)
    first = draw(_charge(acct))
    assert first is not None  # a charge step always makes an entry
    acct.record(first)
    steps = draw(st.integers(min_value=0, max_value=max_steps), label="steps")
    for _ in range(steps):
        # Several entries often share a day (gap 0): as-of-date code must handle that.
        acct.day += datetime.timedelta(days=draw(st.sampled_from([0, 0, 1, 7, 30]), label="gap"))
        options = acct.actions(max_lines=max_lines, refunds=refunds, reversals=reversals)
        action = draw(st.sampled_from(options), label="action")
        entry = draw(_STEPS[action](acct))
        if entry is not None:
            acct.record(entry)
    return tuple(acct.history)
