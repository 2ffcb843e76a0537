"""Posting's fast paths against their references.

The plan builds its line entries from parts it has checked (``posting._build``),
nets a line's two adjustments without a dict (``_lines.netted``), and
``apply_posting`` checks freshness with an integer fold (``_apply.open_now``).
Each is checked here against the general path it stands in for: the entry
constructors, a plain netting by group and reason, and ``line_balances``.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.balances import line_balances
from billing_core.codes import CARC, GroupCode
from billing_core.errors import NotFoundError, ValidationError
from billing_core.ledger import (
    Adjustment,
    Bucket,
    ChargePosted,
    Entry,
    Party,
    PaymentApplied,
    PaymentReceived,
)
from billing_core.ledger._effects import effect
from billing_core.money import Money, allocate_minor
from billing_core.posting import apply_posting, idempotency_key, plan_posting
from billing_core.posting._apply import open_now
from billing_core.posting._build import _by_pass, _draft
from billing_core.posting._distribute import fill_capped
from billing_core.posting._lines import netted
from billing_core.remittance import Remittance
from billing_core.testing.strategies import posting_scenarios
from billing_core.testing.strategies.ledger import ledger_histories
from billing_core.testing.strategies.remittance import PostingScenario


def rebuilt(entry: Entry) -> Any:
    """The same entry made by its public constructor, from its own field values."""
    cls = type(entry)
    return cls(**{a.alias: getattr(entry, a.name) for a in attrs.fields(cls) if a.init})


@settings(max_examples=60)
@given(posting_scenarios(), st.booleans())
def test_plan_entries_are_the_constructors_entries(s: PostingScenario, secondary: bool) -> None:
    # With a secondary coverage the PR amounts move to SECONDARY, else to PATIENT: both
    # kinds of moved effect are built from parts.
    coverages = {c.account_id: [Bucket.PRIMARY, Bucket.SECONDARY] for c in s.claims}
    plan = plan_posting(
        s.remittance, s.claims, s.history, coverages=coverages if secondary else None
    )
    assert not plan.refused, plan.explain()
    for e in plan.entries:
        again = rebuilt(e)
        assert type(again) is type(e)
        assert again == e
        # The effect (what the folds read) is the one the constructor computes, interned.
        assert effect(again) is effect(e)
        # Built as a draft, it is now the frozen entry type, not a mutable twin.
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            e.id = "changed"  # type: ignore[misc]
    assert apply_posting(plan, s.history) == plan.entries


def test_a_draft_sets_every_field_of_its_entry_type() -> None:
    fields = ("id", "account_id", "line_id", "effective", "amount", "source", "_effect")
    with pytest.raises(TypeError, match=r"^PaymentApplied has fields .* the plan's builder sets"):
        _draft(PaymentApplied, (*fields, "party"))  # bucket forgotten
    draft = _draft(PaymentApplied, (*fields, "party", "bucket"))
    assert draft is not PaymentApplied
    assert (
        draft.__dict__["__slots__"] == PaymentApplied.__dict__["__slots__"] == ("party", "bucket")
    )


def test_a_draft_refuses_a_class_without_slots() -> None:
    @attrs.define(slots=False)
    class Loose:
        id: str

    with pytest.raises(TypeError, match=r"^Loose has no slots of its own"):
        _draft(Loose, ("id",))


def test_a_plan_dated_with_a_datetime_is_refused_by_the_entry_constructor() -> None:
    day = datetime.date(2024, 3, 4)
    s = _one_line_scenario(day)
    when = datetime.datetime(2024, 4, 1, 9, 30)
    with pytest.raises(TypeError, match=r"^PaymentApplied\.effective must be a datetime\.date"):
        plan_posting(
            s.remittance,
            s.claims,
            s.history,
            balances=line_balances(s.history, day),
            effective=when,
        )


def _one_line_scenario(day: datetime.date) -> PostingScenario:
    from hypothesis import Phase, find
    from hypothesis import settings as hsettings

    quick = hsettings(derandomize=True, database=None, phases=[Phase.generate])
    found: PostingScenario = find(
        posting_scenarios(max_claims=1, max_lines=1, claim_level=False),
        lambda s: s.remittance.claims[0].paid.minor > 0,
        settings=quick,
    )
    assert found.as_of == day
    return found


ADJUSTED = st.tuples(
    st.sampled_from([GroupCode.CO, GroupCode.PR, GroupCode.PI, GroupCode.OA]),
    st.sampled_from(["1", "2", "45", "253"]),
    st.integers(-500, 5_000),
)


def netted_by_hand(
    adjustments: list[tuple[GroupCode, str, int]],
) -> list[tuple[GroupCode, str, int]]:
    """Sums per group and reason, in the order each pair first appears (a plain dict)."""
    sums: dict[tuple[GroupCode, str], int] = {}
    for group, code, amount in adjustments:
        sums[(group, code)] = sums.get((group, code), 0) + amount
    return [(group, code, amount) for (group, code), amount in sums.items()]


@given(st.lists(ADJUSTED, max_size=5))
def test_netted_is_a_plain_netting_per_group_and_reason(
    raw: list[tuple[GroupCode, str, int]],
) -> None:
    adjustments = tuple(
        (group, CARC(code), amount, Money.from_minor(amount, "USD")) for group, code, amount in raw
    )
    out = netted(adjustments) if len(adjustments) > 1 else adjustments
    assert [(g, r.code, a) for g, r, a, _ in out] == netted_by_hand(raw)
    for group, reason, amount, money in out:
        # A CAS amount of its own keeps its Money; a netted one gets none (it is made later).
        assert money is None or money.minor == amount
        twice = sum(1 for g, c, _ in raw if g is group and c == reason.code) > 1
        assert (money is None) == twice


def test_netted_keeps_the_later_reason_of_a_repeated_pair() -> None:
    first, later = CARC("45"), CARC("45")
    usd = Money.from_minor(100, "USD")
    out = netted(((GroupCode.CO, first, 100, usd), (GroupCode.CO, later, 250, usd)))
    assert len(out) == 1
    assert out[0][1] is later
    assert out[0][2:] == (350, None)


@settings(max_examples=80)
@given(ledger_histories(max_lines=4, max_steps=25))
def test_open_now_is_what_line_balances_has_open(history: tuple[Entry, ...]) -> None:
    for as_of in sorted({e.effective for e in history}):
        balances = line_balances(history, as_of)
        now = open_now(history, as_of)
        expected = {
            (line_id, bucket._value_): balance.open.of(bucket).minor
            for line_id, balance in balances.items()
            for bucket in Bucket
            if balance.open.of(bucket).minor
        }
        got = {
            (line_id, bucket): minor
            for bucket, lines in now.items()
            for line_id, minor in lines.items()
            if minor
        }
        assert got == expected


def test_open_now_refuses_a_line_with_no_charge_as_line_balances_does() -> None:
    day = datetime.date(2024, 3, 4)
    usd = Money.from_minor(1_000, "USD")
    history = [
        ChargePosted(
            id="c1", account_id="A1", line_id="L1", effective=day, amount=usd, bucket=Bucket.PRIMARY
        ),
        PaymentReceived(id="r1", account_id="A1", effective=day, amount=usd, party=PAYER),
        PaymentApplied(
            id="a1",
            account_id="A1",
            line_id="L2",
            effective=day,
            amount=usd,
            party=PAYER,
            bucket=Bucket.PRIMARY,
        ),
    ]
    assert open_now(history[:2], day) == {"primary": {"L1": 1_000}}
    with pytest.raises(NotFoundError) as fold:
        line_balances(history, day)
    with pytest.raises(NotFoundError) as fast:
        open_now(history, day)
    assert (
        str(fast.value)
        == str(fold.value)
        == ("line L2 has entries but no charge: post its ChargePosted first")
    )


PAYER = Party.payer("acme")


def key_as_one_text(r: Remittance) -> str:
    """The idempotency key as release 0.1 wrote it: one JSON text of nested lists."""

    def adjustments(items: Any) -> list[list[object]]:
        return [[a.group.value, a.reason.code, a.amount.minor] for a in items]

    claims = [
        [
            c.patient_control_number,
            c.status.value,
            c.charge.minor,
            c.paid.minor,
            None if c.patient_responsibility is None else c.patient_responsibility.minor,
            c.payer_claim_control_number,
            adjustments(c.adjustments),
            [
                [
                    s.line_control_number,
                    None if s.procedure is None else str(s.procedure),
                    s.charge.minor,
                    s.paid.minor,
                    None if s.service_date is None else s.service_date.isoformat(),
                    adjustments(s.adjustments),
                ]
                for s in c.lines
            ],
        ]
        for c in r.claims
    ]
    content = [
        "billing_core.posting/1",
        r.payer,
        r.payee,
        r.trace_number,
        r.paid_date.isoformat(),
        r.payment_method.value,
        r.total_payment.currency,
        r.total_payment.minor,
        claims,
        [
            [p.reason.value, p.reference, p.amount.minor, p.provider_id]
            for p in r.provider_adjustments
        ],
    ]
    text = json.dumps(content, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


@settings(max_examples=40)
@given(posting_scenarios(), st.integers(0, 70))
def test_the_key_written_in_pieces_is_the_key_of_one_text(s: PostingScenario, times: int) -> None:
    # Repeated claims make remittances of 0 to a few hundred claims: none, one and several
    # pieces of the text.
    r = attrs.evolve(s.remittance, claims=s.remittance.claims * times)
    assert idempotency_key(r) == key_as_one_text(r)


def test_open_now_refuses_a_line_of_two_accounts_as_line_balances_does() -> None:
    day = datetime.date(2024, 3, 4)
    usd = Money.from_minor(1_000, "USD")
    history = [
        ChargePosted(
            id="c1", account_id="A1", line_id="L1", effective=day, amount=usd, bucket=Bucket.PRIMARY
        ),
        Adjustment(
            id="j1",
            account_id="A2",
            line_id="L1",
            effective=day,
            amount=usd,
            bucket=Bucket.PRIMARY,
            group=GroupCode.CO,
            reason="45",
        ),
    ]
    with pytest.raises(ValidationError) as fold:
        line_balances(history, day)
    with pytest.raises(ValidationError) as fast:
        open_now(history, day)
    assert str(fast.value) == str(fold.value) == "line L1: entries name several accounts: A1, A2"


def _capped_by_rounds(total: int, ws: list[int], caps: list[int]) -> tuple[list[int], int]:
    """Capped split, round by round, as specified: what is left goes to lines with room."""
    shares, remaining = [0] * len(ws), total
    active = [i for i, cap in enumerate(caps) if cap > 0]
    while remaining > 0 and active:
        weights = [ws[i] for i in active]
        if not any(weights):
            weights = [caps[i] - shares[i] for i in active]
        parts = allocate_minor(remaining, weights)
        for i, part in zip(active, parts, strict=True):
            take = min(part, caps[i] - shares[i])
            shares[i] += take
            remaining -= take
        active = [i for i in active if shares[i] < caps[i]]
    return shares, remaining


@given(
    st.integers(0, 10_000),
    st.lists(st.tuples(st.integers(0, 5_000), st.integers(0, 5_000)), min_size=1, max_size=6),
)
def test_a_capped_split_is_the_split_by_rounds(total: int, lines: list[tuple[int, int]]) -> None:
    ws, caps = [w for w, _ in lines], [c for _, c in lines]
    if not any(ws) and not any(caps):
        return  # nothing to weigh by and no room: no split is defined
    shares, left = fill_capped(total, ws, caps)
    assert (shares, left) == _capped_by_rounds(total, ws, caps)
    assert sum(shares) + left == total
    assert all(0 <= s <= c for s, c in zip(shares, caps, strict=True))


ADJUSTMENT_GROUPS = st.lists(
    st.sampled_from([GroupCode.CO, GroupCode.PR, GroupCode.PI]), max_size=5
)


@given(ADJUSTMENT_GROUPS)
def test_a_lines_adjustments_go_off_first_then_pr_in_their_order(groups: list[GroupCode]) -> None:
    adjustments = [(g, CARC(str(n + 1)), n + 1, None) for n, g in enumerate(groups)]
    ordered = list(_by_pass(adjustments))
    off = [a for a in adjustments if a[0] is not GroupCode.PR]
    assert ordered == off + [a for a in adjustments if a[0] is GroupCode.PR]
