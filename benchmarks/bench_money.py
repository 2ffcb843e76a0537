"""Money benchmarks: totals, addition against peers, memory per amount.

Run: ``python benchmarks/bench_money.py [--quick]``.
"""

from __future__ import annotations

import random
import sys
import tracemalloc
from decimal import Decimal

from _harness import best_time, header, report

from billing_core import Money, total


def main(quick: bool = False) -> None:
    n = 100_000 if quick else 1_000_000
    rng = random.Random(42)
    moneys = [Money.from_minor(rng.randint(1, 10**7), "USD") for _ in range(n)]
    decimals = [m.amount for m in moneys]

    header(f"Money ({n:,} amounts)")

    def floor_listcomp() -> int:
        return sum([m.minor for m in moneys])

    def floor_loop() -> int:
        s = 0
        for m in moneys:
            s += m.minor
        return s

    t_floor = best_time(floor_listcomp)
    t_loop = best_time(floor_loop)
    t_total = best_time(lambda: total(moneys, "USD"))
    t_dec = best_time(lambda: sum(decimals, Decimal(0)))
    report("floor: sum([m.minor for m in ms])", t_floor, n, None)
    report("floor: hand-written for loop over m.minor", t_loop, n, None)
    report("total(ms, 'USD') vs list-comprehension floor", t_total, n, t_floor, "<= 1.5x")
    report("total(ms, 'USD') vs for-loop floor", t_total, n, t_loop, "<= 1.5x")
    report("sum() of the same amounts as Decimal", t_dec, n, t_floor)

    k = 200_000
    a, b = Money("12.50", "USD"), Money("3.25", "USD")

    def add_ours() -> None:
        for _ in range(k):
            a + b

    t_ours = best_time(add_ours)
    report("Money + Money (billing_core)", t_ours, k, None)
    try:
        import moneyed

        ma, mb = moneyed.Money("12.50", "USD"), moneyed.Money("3.25", "USD")

        def add_moneyed() -> None:
            for _ in range(k):
                ma + mb

        t_moneyed = best_time(add_moneyed)
        report("Money + Money (py-moneyed)", t_moneyed, k, None)
        report("  billing_core / py-moneyed", t_ours, k, t_moneyed, "<= 0.67x")
    except ImportError:
        print("| py-moneyed not installed |")
    try:
        import prices

        pa, pb = prices.Money("12.50", "USD"), prices.Money("3.25", "USD")

        def add_prices() -> None:
            for _ in range(k):
                pa + pb

        t_prices = best_time(add_prices)
        report("Money + Money (prices)", t_prices, k, None)
        report("  billing_core / prices", t_ours, k, t_prices, "<= 1.0x")
    except ImportError:
        print("| prices not installed |")

    m = 100_000
    values = [rng.randint(10**4, 10**8) for _ in range(m)]
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = [Money.from_minor(v + 1, "USD") for v in values]  # fresh ints: counted too
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    per_money = (after - before - sys.getsizeof(kept)) / m
    print(f"\nmemory per Money, amount included: {per_money:.1f} bytes (target <= 80)")
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept_dec = [Decimal(v) / 100 for v in values]
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    print(f"memory per Decimal amount alone: {(after - before - sys.getsizeof(kept_dec)) / m:.1f}")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
