"""Benchmark: coverage math against hand-written floors measured in the same run.

Two operations, each within 3x of its floor:

- ``estimate()`` of 1,000,000 lines in service-date order (about three lines a
  visit; deductible, a per-visit copay, 20% coinsurance rounded half-up, an
  out-of-pocket maximum reached two thirds of the way) against a hand-written
  loop doing the same arithmetic over the same integers, one row tuple per line.
  The library also checks each line's type and currency and keeps the rows it
  returns; the floor's rows are compared with the library's.
- ``FeeSchedule.price()`` of 1,000,000 (code, date) pairs (5,000 codes, two
  effective periods each) against a dict of code to its periods, scanned for
  the one in force on the date.

Contenders are timed interleaved, with garbage collection on as a user has it;
the best of ``--repeat`` runs of each is reported.

Run: ``.venv/bin/python benchmarks/bench_coverage.py [--quick]``
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from _harness import compare, header, report

from billing_core.benefits import PricedLine, estimate
from billing_core.fees import FeeSchedule, FeeScheduleEntry
from billing_core.money import Money
from billing_core.parties import PlanBenefits

TARGET = "<= 3x"
START = date(2024, 1, 1)

Row = tuple[date, int, int]


def make_lines(n: int, seed: int = 11) -> tuple[list[PricedLine], list[Row]]:
    """``n`` priced lines in service-date order, and the same lines as plain int tuples."""
    rng = random.Random(seed)
    amounts = [rng.randint(2_000, 60_000) for _ in range(2_000)]
    lines: list[PricedLine] = []
    rows: list[Row] = []
    day = START
    for i in range(n):
        if i % 3 == 0 and rng.random() < 0.8:
            day += timedelta(days=1) if day.day % 29 else timedelta(days=2)
        allowed = rng.choice(amounts)
        charge = allowed + rng.randint(0, 20_000)
        lines.append(PricedLine(line_id=f"L{i:07d}", service_date=day,
                                charge=Money.from_minor(charge, "USD"),
                                allowed=Money.from_minor(allowed, "USD")))  # fmt: skip
        rows.append((day, charge, allowed))
    return lines, rows


def estimate_floor(
    rows: Sequence[Row], deductible: int, copay: int, numerator: int, denominator: int, oop: int
) -> list[tuple[int, ...]]:
    """The hand-written loop: deductible, per-visit copay, coinsurance half-up, the cap."""
    out: list[tuple[int, ...]] = []
    visit: date | None = None
    visit_left = 0
    for day, charge, a in rows:
        d = a if a < deductible else deductible
        rest = a - d
        if day != visit:
            visit, visit_left = day, copay
        c = visit_left if visit_left < rest else rest
        visit_left -= c
        ci, r = divmod((rest - c) * numerator, denominator)
        if r and 2 * r >= denominator:
            ci += 1
        p = d + c + ci
        if p > oop:
            excess = p - oop
            take = ci if ci < excess else excess
            ci, excess = ci - take, excess - take
            take = c if c < excess else excess
            c, d = c - take, d - (excess - take)
            p = oop
        deductible -= d
        oop -= p
        out.append((charge, a, d, c, ci, a - p, p))
    return out


def make_schedule(
    codes: int, seed: int = 5
) -> tuple[FeeSchedule, dict[str, list[tuple[date, date | None, int]]]]:
    """A schedule of ``codes`` codes with two periods each, and the same as a plain dict."""
    rng = random.Random(seed)
    entries: list[FeeScheduleEntry] = []
    table: dict[str, list[tuple[date, date | None, int]]] = {}
    for i in range(codes):
        code = f"{10000 + i:05d}"
        first, second = rng.randint(1_000, 90_000), rng.randint(1_000, 90_000)
        periods = [(START, date(2024, 6, 30), first), (date(2024, 7, 1), None, second)]
        table[code] = periods
        entries.extend(
            FeeScheduleEntry(code=code, start=s, end=e, amount=Money.from_minor(m, "USD"))
            for s, e, m in periods
        )
    return FeeSchedule(name="bench", currency="USD", entries=entries), table


def lookup_floor(
    table: dict[str, list[tuple[date, date | None, int]]], pairs: Sequence[tuple[str, date]]
) -> list[int | None]:
    """The dict floor: the code's periods, scanned for the one in force."""
    out: list[int | None] = []
    for code, day in pairs:
        found = None
        periods = table.get(code)
        if periods is not None:
            for start, end, minor in periods:
                if start <= day and (end is None or day <= end):
                    found = minor
                    break
        out.append(found)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100,000 of each instead of 1,000,000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    n = 100_000 if args.quick else 1_000_000

    t0 = time.perf_counter()
    lines, rows = make_lines(n)
    schedule, table = make_schedule(5_000)
    rng = random.Random(3)
    days = [START + timedelta(days=d) for d in range(366)]
    codes = list(table)
    pairs = [(rng.choice(codes), rng.choice(days)) for _ in range(n)]
    print(f"built {n:,} lines, a 10,000-entry schedule and {n:,} pairs in"
          f" {time.perf_counter() - t0:.1f} s (not timed below)")  # fmt: skip

    # Deductible 1,500.00, copay 25.00 per visit, 20%, out-of-pocket maximum 2/3 of the way.
    oop = n * 2_300
    plan = PlanBenefits(
        deductible=Money.from_minor(150_000, "USD"),
        copay=Money.from_minor(2_500, "USD"),
        coinsurance_rate=Decimal("0.2"),
        out_of_pocket_max=Money.from_minor(oop, "USD"),
    )
    contenders: dict[str, Callable[[], object]] = {
        "estimate floor: hand-written loop": lambda: estimate_floor(
            rows, 150_000, 2_500, 1, 5, oop
        ),
        "estimate()": lambda: estimate(lines, plan),
        "fee lookup floor: dict of periods": lambda: lookup_floor(table, pairs),
        "FeeSchedule.price()": lambda: [schedule.price(code, day) for code, day in pairs],
    }
    # The results are checked once, untimed; the timing is the harness's (interleaved, GC on).
    library_rows = [(r[0], r[1], r[2], r[3], r[4], r[5], r[7]) for r in estimate(lines, plan).rows]
    if library_rows != estimate_floor(rows, 150_000, 2_500, 1, 5, oop):
        print("MISMATCH: estimate() and its floor disagree")
        return 1
    prices = [None if m is None else m.minor for m in (schedule.price(c, d) for c, d in pairs)]
    if prices != lookup_floor(table, pairs):
        print("MISMATCH: FeeSchedule.price() and its floor disagree")
        return 1

    best = compare(contenders, rounds=args.repeat)
    header(f"Coverage math ({n:,} lines, {n:,} fee lookups)")
    for floor_name, name in (
        ("estimate floor: hand-written loop", "estimate()"),
        ("fee lookup floor: dict of periods", "FeeSchedule.price()"),
    ):
        report(floor_name, best[floor_name], n, None)
        report(name, best[name], n, best[floor_name], TARGET)
    return 0


if __name__ == "__main__":
    sys.exit(main())
