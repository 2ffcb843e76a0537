"""Issue 14's faster paths give what the plain rules give: payment plans and aging.

``plan_allocation`` fills lines oldest first in one tight loop, shares one zero
per currency for a fully applied payment and keeps ``(line id, minor)`` pairs until
its allocations are read; ``age`` reads a list of lines as given
and copies it only after its hot loop. Each property compares the library with a
hand-written reference of the rule over generated inputs; the known answers are
worked out by hand.
"""

from __future__ import annotations

import copy
import datetime
import pickle

import attrs
from hypothesis import given
from hypothesis import strategies as st

from billing_core.aging import OpenLine, age
from billing_core.allocation import (
    AllocationPlan,
    OldestFirst,
    OpenItem,
    Payment,
    Proportional,
    plan_allocation,
)
from billing_core.ledger import Bucket, Party
from billing_core.money import Money

START = datetime.date(2024, 1, 1)
PAT = Party.patient("P1")

# (day offset, open minor units) per line; a few days only, so equal dates are common.
_ROWS = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 5_000)), max_size=12)


def _reference_fill(rows: list[tuple[int, int]], funds: int) -> tuple[list[tuple[int, int]], int]:
    """Oldest first, ties by position; each line in full while money lasts; no 0.00 lines."""
    order = sorted(range(len(rows)), key=lambda i: rows[i][0])
    takes = []
    for i in order:
        cap = rows[i][1]
        if funds <= 0:
            break
        if cap == 0:
            continue
        take = min(cap, funds)
        takes.append((i, take))
        funds -= take
    return takes, funds


@given(_ROWS, st.integers(1, 40_000), st.booleans())
def test_oldest_first_plan_equals_the_reference_fill(
    rows: list[tuple[int, int]], amount: int, as_tuple: bool
) -> None:
    items = [
        OpenItem(
            line_id=f"L{i}",
            service_date=START + datetime.timedelta(days=day),
            open=Money.from_minor(cents, "USD"),
        )
        for i, (day, cents) in enumerate(rows)
    ]
    pay = Payment(
        id="PAY-1",
        account_id="A1",
        party=PAT,
        amount=Money.from_minor(amount, "USD"),
        received=START,
    )
    plan = plan_allocation(pay, tuple(items) if as_tuple else items, OldestFirst())
    takes, left = _reference_fill(rows, amount)
    assert [(item.line_id, minor) for item, minor in plan.allocations] == [
        (f"L{i}", take) for i, take in takes
    ]
    assert all(item is items[int(item.line_id[1:])] for item, _ in plan.allocations)
    assert plan.unapplied == Money.from_minor(left, "USD")
    assert plan.applied.minor + plan.unapplied.minor == amount
    assert plan.assumed == tuple(items)


def test_oldest_first_known_answer_and_the_shared_zero() -> None:
    # 60.00 over L1 (Mar 1, 40.00), L2 (Jan 5, 30.00), L3 (Jan 5, 10.00): oldest first,
    # L2 before L3 (given first): L2 30.00, L3 10.00, L1 the last 20.00; nothing left.
    items = [
        OpenItem(line_id="L1", service_date=datetime.date(2024, 3, 1), open=Money("40", "USD")),
        OpenItem(line_id="L2", service_date=datetime.date(2024, 1, 5), open=Money("30", "USD")),
        OpenItem(line_id="L3", service_date=datetime.date(2024, 1, 5), open=Money("10", "USD")),
    ]
    pays = [
        Payment(id=f"P{n}", account_id="A1", party=PAT, amount=Money("60", "USD"), received=START)
        for n in (1, 2)
    ]
    first, second = (plan_allocation(p, items, OldestFirst()) for p in pays)
    assert [(i.line_id, m) for i, m in first.allocations] == [
        ("L2", 3000),
        ("L3", 1000),
        ("L1", 2000),
    ]
    assert first.unapplied == Money("0.00", "USD") == second.unapplied
    # 100.00 over the same lines leaves 20.00 unapplied.
    big = Payment(id="P3", account_id="A1", party=PAT, amount=Money("100", "USD"), received=START)
    assert plan_allocation(big, items, OldestFirst()).unapplied == Money("20.00", "USD")


def _plans() -> tuple[list[OpenItem], AllocationPlan, AllocationPlan]:
    items = [
        OpenItem(line_id="L1", service_date=datetime.date(2024, 3, 1), open=Money("40", "USD")),
        OpenItem(line_id="L2", service_date=datetime.date(2024, 1, 5), open=Money("30", "USD")),
    ]
    pay = Payment(id="P1", account_id="A1", party=PAT, amount=Money("50", "USD"), received=START)
    return (
        items,
        plan_allocation(pay, items, OldestFirst()),
        plan_allocation(pay, items, Proportional()),
    )


def test_a_plan_reads_equals_hashes_and_pickles_by_its_item_pairs() -> None:
    # A plan keeps (line id, minor) pairs until its allocations are read; every way of
    # looking at it sees the (item, minor) pairs. 50.00 oldest first: L2 30.00, L1 20.00;
    # in proportion to 40:30, 28.57 and 21.43 (worked by hand: 5000 * 4 / 7 = 2857.14).
    items, oldest, share = _plans()
    expected = ((items[1], 3000), (items[0], 2000))
    assert hash(_plans()[1]) == hash(_plans()[1])  # two plans not read before
    assert _plans()[1] == _plans()[1]
    assert oldest.allocations == expected
    assert all(got[0] is want[0] for got, want in zip(oldest.allocations, expected, strict=True))
    assert _plans()[1] == oldest  # one read before, one not
    assert hash(_plans()[1]) == hash(oldest)
    assert "OpenItem(line_id='L2'" in repr(_plans()[1])
    assert pickle.loads(pickle.dumps(_plans()[1])).allocations == expected
    assert copy.deepcopy(_plans()[1]) == oldest
    assert attrs.evolve(_plans()[1]).allocations == expected
    assert [(a.line_id, a.amount.minor) for a in _plans()[1].applications] == [
        ("L2", 3000),
        ("L1", 2000),
    ]
    assert share.allocations == ((items[0], 2857), (items[1], 2143))
    # A plan built by hand keeps the pairs it was given.
    by_hand = attrs.evolve(oldest, allocations=((items[0], 100),))
    assert by_hand.allocations == ((items[0], 100),)


def _lines() -> list[OpenLine]:
    day = datetime.date(2025, 1, 2)
    return [
        OpenLine(
            account_id=f"A{n % 2}",
            line_id=f"L{n}",
            bucket=Bucket.PATIENT,
            open=Money(f"{n}.00", "USD"),
            service_date=day - datetime.timedelta(days=40 * n),
        )
        for n in range(1, 5)
    ]


def test_age_reads_a_list_a_tuple_and_a_generator_alike() -> None:
    as_of = datetime.date(2025, 1, 2)
    lines = _lines()
    reports = [age(lines, as_of), age(tuple(lines), as_of), age(iter(lines), as_of)]
    # Ages 40, 80, 120, 160 days: 1.00 in 31-60, 2.00 in 61-90, 3.00 in 91-120, 4.00 over 120.
    for report in reports:
        assert [b.minor for b in report.total.bands] == [0, 100, 200, 300, 400]
        assert [(r.account_id, r.total.minor) for r in report.accounts] == [
            ("A0", 600),
            ("A1", 400),
        ]
    assert reports[0] == reports[1] == reports[2]


def test_age_keeps_its_own_copy_of_a_list() -> None:
    # The per-account rows are built on first use, after the caller may have changed
    # the list: they still say what the report said when it was made.
    as_of = datetime.date(2025, 1, 2)
    lines = _lines()
    report = age(lines, as_of)
    lines.clear()
    assert [(r.account_id, r.total.minor) for r in report.accounts] == [("A0", 600), ("A1", 400)]
