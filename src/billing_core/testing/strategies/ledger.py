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
    Source,
    Transfer,
    WriteOff,
    WriteOffReason,
    reverse,
)
from billing_core.money import Money
from billing_core.testing.strategies._histories import (
    CARCS,
    COVERAGE_BUCKETS,
    STEPS,
    Account,
    first_charge,
)

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
        st.sampled_from(list(enumerate(COVERAGE_BUCKETS))).flatmap(
            lambda ib: _adjustments(line, positive, ib[0], ib[1])
        ),
        st.lists(buckets(), min_size=2, max_size=2, unique=True).flatmap(
            lambda pair: _transfers(line, positive, pair[0], pair[1])
        ),
        _payer_money(common, positive),
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
        reason=st.sampled_from(CARCS),
    )
    # A transfer goes down the coordination order: to a later coverage or the patient.
    moved_on = st.builds(
        Adjustment,
        **line,
        amount=amount,
        bucket=st.just(bucket),
        group=st.sampled_from([GroupCode.PR, GroupCode.OA]),
        reason=st.sampled_from(CARCS),
        to_bucket=st.sampled_from([*COVERAGE_BUCKETS[index + 1 :], Bucket.PATIENT]),
    )
    return written_off | moved_on


def _payer_money(
    common: _Fields, amount: st.SearchStrategy[Money]
) -> st.SearchStrategy[OriginalEntry]:
    """Entries of money on no line: held cash, credit moved, provider-level, appeal holds."""
    payers = st.builds(Party.payer, _IDS)
    plb = {
        **common,
        "amount": amount,
        "party": payers,
        "reason": st.none() | st.sampled_from(["L6", "WO", "FB", "72", "CS"]),
        "reference": st.text(max_size=20),
        "claim_id": st.none() | _IDS,
        "source": sources(),
    }
    return st.one_of(
        st.builds(
            CashHeld,
            **common,
            amount=amount,
            party=payers,
            claim_reference=_IDS,
            service_line=st.none() | st.integers(min_value=1, max_value=999),
            source=sources(),
        ),
        st.builds(
            CreditTransfer,
            **common,
            amount=amount,
            party=ledger_parties(),
            to_account=_IDS.map(lambda a: f"{a}-TO"),
            held=st.none() | _IDS,
            source=sources(),
        ),
        st.builds(ProviderPayment, **plb),
        st.builds(ProviderWithholding, **plb),
        st.builds(
            AppealHold,
            **common,
            amount=amount,
            claim_id=_IDS,
            bucket=st.sampled_from(COVERAGE_BUCKETS),
            group=st.sampled_from([GroupCode.CO, GroupCode.PI, GroupCode.OA]),
            reason=st.sampled_from(CARCS),
            source=sources(),
        ),
    )


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
    payer_money: bool = False,
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
        payer_money: Whether to include the entries of money on no line
            (held cash, credit moved to another account, provider-level
            payments and withholdings, appeal holds).

    Returns:
        The entries, effective dates non-decreasing (often several per date).

    Examples:
        >>> from hypothesis import Phase, find, settings
        >>> from billing_core.ledger import Reversal
        >>> quick = settings(derandomize=True, database=None, phases=[Phase.generate])
        >>> h = find(
        ...     ledger_histories(),
        ...     lambda h: any(isinstance(e, Reversal) for e in h),
        ...     settings=quick,
        ... )
        >>> type(h[0]).__name__, any(type(e).__name__ == "Reversal" for e in h)
        ('ChargePosted', True)
    """
    acct = Account(
        currency=currency,
        account_id=account_id,
        day=start,
        payers=HISTORY_PAYERS,
        patient=HISTORY_PATIENT,
    )
    first = draw(first_charge(acct))
    assert first is not None  # a charge step always makes an entry
    acct.record(first)
    steps = draw(st.integers(min_value=0, max_value=max_steps), label="steps")
    for _ in range(steps):
        # Several entries often share a day (gap 0): as-of-date code must handle that.
        acct.day += datetime.timedelta(days=draw(st.sampled_from([0, 0, 1, 7, 30]), label="gap"))
        options = acct.actions(
            max_lines=max_lines, refunds=refunds, reversals=reversals, payer_money=payer_money
        )
        action = draw(st.sampled_from(options), label="action")
        entry = draw(STEPS[action](acct))
        if entry is not None:
            acct.record(entry)
    return tuple(acct.history)
