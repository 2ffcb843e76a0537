"""Ledger benchmarks: account balance over many entries; planning many patient payments.

Run: ``python benchmarks/bench_ledger.py [--quick]``.

Targets (issue 4), as same-run ratios:

- ``account_balance`` over 1,000,000 entries within 2x of a hand-written loop
  that sums the same entries' minor units per line into a dict;
- planning 100,000 patient payments over ~10 open lines each, oldest first,
  within 3x of a hand-written integer-cents FIFO loop over the same data.
"""

from __future__ import annotations

import datetime
import random
import sys

from _harness import best_time, header, report

from billing_core.allocation import OldestFirst, OpenItem, Payment, plan_allocation
from billing_core.balances import account_balance, line_balances
from billing_core.codes import GroupCode
from billing_core.ledger import (
    Adjustment,
    Bucket,
    ChargePosted,
    Entry,
    Party,
    PaymentApplied,
    PaymentReceived,
)
from billing_core.money import Money

START = datetime.date(2023, 1, 1)


def make_history(n: int, rng: random.Random) -> list[Entry]:
    """About ``n`` entries of one account: 5 per line plus the payments received."""
    payers = [Party.payer(f"PAYER-{i}") for i in range(3)]
    patient = Party.patient("PAT-1")
    out: list[Entry] = []
    line = 0
    usd = "USD"
    while len(out) < n:
        line += 1
        lid = f"L{line}"
        day = START + datetime.timedelta(days=line % 700)
        charge = rng.randint(5_000, 50_000)
        paid = charge * 6 // 10
        co = charge * 2 // 10
        pr = charge - paid - co
        payer = payers[line % 3]
        money = Money.from_minor
        out.append(
            ChargePosted(
                id=f"c{line}",
                account_id="A1",
                line_id=lid,
                effective=day,
                amount=money(charge, usd),
                bucket=Bucket.PRIMARY,
            )
        )
        out.append(
            PaymentReceived(
                id=f"p{line}", account_id="A1", effective=day, amount=money(paid, usd), party=payer
            )
        )
        out.append(
            PaymentApplied(
                id=f"a{line}",
                account_id="A1",
                line_id=lid,
                effective=day,
                amount=money(paid, usd),
                party=payer,
                bucket=Bucket.PRIMARY,
            )
        )
        out.append(
            Adjustment(
                id=f"j{line}",
                account_id="A1",
                line_id=lid,
                effective=day,
                amount=money(co, usd),
                bucket=Bucket.PRIMARY,
                group=GroupCode.CO,
                reason="45",
            )
        )
        out.append(
            Adjustment(
                id=f"k{line}",
                account_id="A1",
                line_id=lid,
                effective=day,
                amount=money(pr, usd),
                bucket=Bucket.PRIMARY,
                group=GroupCode.PR,
                reason="2",
                to_bucket=Bucket.PATIENT,
            )
        )
        if line % 2:
            out.append(
                PaymentReceived(
                    id=f"q{line}",
                    account_id="A1",
                    effective=day,
                    amount=money(pr, usd),
                    party=patient,
                )
            )
            out.append(
                PaymentApplied(
                    id=f"b{line}",
                    account_id="A1",
                    line_id=lid,
                    effective=day,
                    amount=money(pr, usd),
                    party=patient,
                    bucket=Bucket.PATIENT,
                )
            )
    return out[:n]


def bench_balance(quick: bool) -> None:
    n = 100_000 if quick else 1_000_000
    rng = random.Random(4)
    entries = make_history(n, rng)
    as_of = datetime.date(2030, 1, 1)
    header(f"Ledger balances ({n:,} entries, one account)")

    def floor() -> dict[str | None, int]:
        sums: dict[str | None, int] = {}
        for e in entries:
            k = e.line_id
            sums[k] = sums.get(k, 0) + e.amount.minor
        return sums

    repeat = 3 if quick else 5
    t_floor = best_time(floor, repeat=repeat)
    t_acct = best_time(lambda: account_balance(entries, as_of), repeat=repeat)
    report("floor: hand loop, minor units per line into a dict", t_floor, n, None)
    report("account_balance(entries, as_of)", t_acct, n, t_floor, "<= 2x")
    t_lines = best_time(lambda: line_balances(entries, as_of), repeat=1 if not quick else 2)
    report("line_balances(entries, as_of) (all lines)", t_lines, n, t_floor)


def bench_planning(quick: bool) -> None:
    n = 10_000 if quick else 100_000
    rng = random.Random(7)
    patient = Party.patient("P")
    payments = []
    item_lists = []
    raw = []
    for p in range(n):
        k = rng.randint(8, 12)
        rows = [
            (
                f"L{p}-{i}",
                START + datetime.timedelta(days=rng.randint(0, 400)),
                rng.randint(500, 20_000),
            )
            for i in range(k)
        ]
        owed = sum(r[2] for r in rows)
        amount = rng.randint(1_000, owed + owed // 10)
        payments.append(
            Payment(
                id=f"PAY-{p}",
                account_id="A1",
                party=patient,
                amount=Money.from_minor(amount, "USD"),
                received=START,
            )
        )
        item_lists.append(
            tuple(
                OpenItem(line_id=lid, service_date=d, open=Money.from_minor(m, "USD"))
                for lid, d, m in rows
            )
        )
        raw.append((amount, rows))
    header(f"Payment planning ({n:,} payments over ~10 open lines, oldest first)")

    def floor() -> list[tuple[list[tuple[str, int]], int]]:
        out = []
        for amount, rows in raw:
            left = amount
            taken = []
            for lid, _day, cents in sorted(rows, key=lambda r: r[1]):
                if left <= 0:
                    break
                take = cents if cents < left else left
                left -= take
                taken.append((lid, take))
            out.append((taken, left))
        return out

    strategy = OldestFirst()

    def ours() -> list[object]:
        return [
            plan_allocation(p, items, strategy)
            for p, items in zip(payments, item_lists, strict=True)
        ]

    repeat = 3
    t_floor = best_time(floor, repeat=repeat)
    t_plan = best_time(ours, repeat=repeat)
    report("floor: hand integer-cents FIFO (sort + fill)", t_floor, n, None)
    report("plan_allocation(payment, items, OldestFirst())", t_plan, n, t_floor, "<= 3x")


def main(quick: bool = False) -> None:
    bench_balance(quick)
    bench_planning(quick)


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
