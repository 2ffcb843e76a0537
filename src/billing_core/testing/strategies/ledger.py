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
    dates = st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2030, 12, 31))
    positive = st.integers(min_value=1, max_value=10**7).map(
        lambda m: Money.from_minor(m, currency)
    )
    common = {"id": _IDS, "account_id": st.just(account_id), "effective": dates}
    line = {"line_id": _IDS, **common}
    originals: st.SearchStrategy[OriginalEntry] = st.one_of(
        st.builds(
            ChargePosted,
            **line,
            amount=st.integers(min_value=0, max_value=10**7).map(
                lambda m: Money.from_minor(m, currency)
            ),
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
        buckets().flatmap(
            lambda b: st.builds(
                PaymentApplied,
                **line,
                amount=positive,
                bucket=st.just(b),
                party=st.builds(Party.payer if b.is_insurance else Party.patient, _IDS),
                source=sources(),
            )
        ),
        st.sampled_from(list(enumerate(_COVERAGE_BUCKETS))).flatmap(
            lambda ib: (
                st.builds(
                    Adjustment,
                    **line,
                    amount=positive,
                    bucket=st.just(ib[1]),
                    group=st.sampled_from([GroupCode.CO, GroupCode.PI, GroupCode.OA]),
                    reason=st.sampled_from(_CARCS),
                )
                | st.builds(
                    Adjustment,
                    **line,
                    amount=positive,
                    bucket=st.just(ib[1]),
                    group=st.sampled_from([GroupCode.PR, GroupCode.OA]),
                    reason=st.sampled_from(_CARCS),
                    to_bucket=st.sampled_from([*_COVERAGE_BUCKETS[ib[0] + 1 :], Bucket.PATIENT]),
                )
            )
        ),
        st.lists(buckets(), min_size=2, max_size=2, unique=True).flatmap(
            lambda pair: st.builds(
                Transfer,
                **line,
                amount=positive,
                from_bucket=st.just(pair[0]),
                to_bucket=st.just(pair[1]),
            )
        ),
    )
    if not reversals:
        return originals
    reversed_: st.SearchStrategy[Entry] = st.builds(
        lambda original, rid, days: reverse(
            original, id=rid, effective=original.effective + datetime.timedelta(days=days)
        ),
        originals,
        _IDS,
        st.integers(min_value=0, max_value=30),
    )
    return originals | reversed_


def _deltas(entry: OriginalEntry) -> list[tuple[tuple[object, ...], int]]:
    """This strategy's own bookkeeping: what an entry does to buckets and credits."""
    m = entry.amount.minor
    line = entry.line_id
    if isinstance(entry, ChargePosted):
        return [(("open", line, entry.bucket), m)]
    if isinstance(entry, PaymentReceived):
        return [(("credit", entry.party), m)]
    if isinstance(entry, Refund):
        return [(("credit", entry.party), -m)]
    if isinstance(entry, PaymentApplied):
        return [(("open", line, entry.bucket), -m), (("credit", entry.party), -m)]
    if isinstance(entry, WriteOff):
        return [(("open", line, entry.bucket), -m)]
    if isinstance(entry, Adjustment):
        out: list[tuple[tuple[object, ...], int]] = [(("open", line, entry.bucket), -m)]
        if entry.to_bucket is not None:
            out.append((("open", line, entry.to_bucket), m))
        return out
    return [(("open", line, entry.from_bucket), -m), (("open", line, entry.to_bucket), m)]


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
    state: dict[tuple[object, ...], int] = {}
    coverages: dict[str, int] = {}
    history: list[Entry] = []
    reversible: list[OriginalEntry] = []
    day = start
    counter = 0

    def next_id(prefix: str) -> str:
        nonlocal counter
        counter += 1
        return f"{prefix}{counter}"

    def money(minor: int) -> Money:
        return Money.from_minor(minor, currency)

    def record(entry: Entry) -> None:
        if isinstance(entry, Reversal):
            for target, delta in _deltas(entry.original):
                state[target] = state.get(target, 0) - delta
            reversible.remove(entry.original)
        else:
            for target, delta in _deltas(entry):
                state[target] = state.get(target, 0) + delta
            reversible.append(entry)
        history.append(entry)

    def open_slots() -> list[tuple[str, Bucket]]:
        slots = []
        for key, value in state.items():
            if key[0] == "open" and value > 0:
                line_id, bucket = key[1], key[2]
                assert isinstance(line_id, str)
                assert isinstance(bucket, Bucket)
                slots.append((line_id, bucket))
        return slots

    def part_of_open(line_id: str, bucket: Bucket) -> Money:
        """Some of what is open in a bucket: the amount of an adjustment, transfer or write-off."""
        return money(draw(st.integers(min_value=1, max_value=state[("open", line_id, bucket)])))

    def payer_of(bucket: Bucket) -> Party:
        return HISTORY_PATIENT if bucket is Bucket.PATIENT else HISTORY_PAYERS[bucket]

    def charge() -> None:
        line_id = f"L{len(coverages) + 1}"
        n = draw(st.integers(min_value=0, max_value=3), label="coverages")
        coverages[line_id] = n
        minor = draw(st.integers(min_value=0, max_value=50_000), label="charge")
        record(
            ChargePosted(
                id=next_id("c"),
                account_id=account_id,
                line_id=line_id,
                effective=day,
                amount=money(minor),
                bucket=Bucket.PRIMARY if n else Bucket.PATIENT,
            )
        )

    charge()
    steps = draw(st.integers(min_value=0, max_value=max_steps), label="steps")
    for _ in range(steps):
        day += datetime.timedelta(days=draw(st.sampled_from([0, 0, 1, 7, 30]), label="gap"))
        credit_parties = [
            p for p in (HISTORY_PATIENT, *HISTORY_PAYERS.values()) if state.get(("credit", p), 0)
        ]
        slots = open_slots()
        payable = [s for s in slots if state.get(("credit", payer_of(s[1])), 0) > 0]
        insured = [s for s in slots if s[1].is_insurance]
        undoable = [e for e in reversible if all(state.get(t, 0) - d >= 0 for t, d in _deltas(e))]
        options = ["receive"]
        if len(coverages) < max_lines:
            options.append("charge")
        if payable:
            options.extend(["apply", "apply"])
        if insured:
            options.append("adjust")
        if slots:
            options.extend(["transfer", "write_off"])
        if refunds and credit_parties:
            options.append("refund")
        if reversals and undoable:
            options.append("reverse")
        action = draw(st.sampled_from(options), label="action")
        if action == "charge":
            charge()
        elif action == "receive":
            party = draw(st.sampled_from([HISTORY_PATIENT, *HISTORY_PAYERS.values()]))
            record(
                PaymentReceived(
                    id=next_id("p"),
                    account_id=account_id,
                    effective=day,
                    amount=money(draw(st.integers(min_value=1, max_value=30_000))),
                    source=Source(payment_id=f"PAY-{counter + 1}"),
                    party=party,
                )
            )
        elif action == "apply":
            line_id, bucket = draw(st.sampled_from(payable))
            party = payer_of(bucket)
            cap = min(state[("open", line_id, bucket)], state[("credit", party)])
            record(
                PaymentApplied(
                    id=next_id("a"),
                    account_id=account_id,
                    line_id=line_id,
                    effective=day,
                    amount=money(draw(st.integers(min_value=1, max_value=cap))),
                    party=party,
                    bucket=bucket,
                )
            )
        elif action == "adjust":
            line_id, bucket = draw(st.sampled_from(insured))
            group = draw(st.sampled_from([GroupCode.CO, GroupCode.PI, GroupCode.PR, GroupCode.OA]))
            following = [
                b
                for b in _COVERAGE_BUCKETS[: coverages[line_id]]
                if _COVERAGE_BUCKETS.index(b) > _COVERAGE_BUCKETS.index(bucket)
            ] + [Bucket.PATIENT]
            to: Bucket | None = None
            if group is GroupCode.PR or (group is GroupCode.OA and draw(st.booleans())):
                to = following[0] if group is GroupCode.PR else draw(st.sampled_from(following))
            record(
                Adjustment(
                    id=next_id("j"),
                    account_id=account_id,
                    line_id=line_id,
                    effective=day,
                    amount=part_of_open(line_id, bucket),
                    bucket=bucket,
                    group=group,
                    reason=draw(st.sampled_from(_CARCS)),
                    to_bucket=to,
                )
            )
        elif action == "transfer":
            line_id, bucket = draw(st.sampled_from(slots))
            targets = [
                b
                for b in (*_COVERAGE_BUCKETS[: coverages[line_id]], Bucket.PATIENT)
                if b is not bucket
            ]
            if not targets:
                continue
            record(
                Transfer(
                    id=next_id("t"),
                    account_id=account_id,
                    line_id=line_id,
                    effective=day,
                    amount=part_of_open(line_id, bucket),
                    from_bucket=bucket,
                    to_bucket=draw(st.sampled_from(targets)),
                )
            )
        elif action == "write_off":
            line_id, bucket = draw(st.sampled_from(slots))
            record(
                WriteOff(
                    id=next_id("w"),
                    account_id=account_id,
                    line_id=line_id,
                    effective=day,
                    amount=part_of_open(line_id, bucket),
                    bucket=bucket,
                    reason=draw(write_off_reasons()),
                )
            )
        elif action == "refund":
            party = draw(st.sampled_from(credit_parties))
            record(
                Refund(
                    id=next_id("f"),
                    account_id=account_id,
                    effective=day,
                    amount=money(
                        draw(st.integers(min_value=1, max_value=state[("credit", party)]))
                    ),
                    party=party,
                )
            )
        else:
            target = draw(st.sampled_from(undoable))
            record(reverse(target, id=next_id("r"), effective=day, reason="correction"))
    return tuple(history)
