"""Money benchmarks: totals, construction, arithmetic against peers, memory per amount.

Run: ``python benchmarks/bench_money.py [--quick]``.
"""

from __future__ import annotations

import random
import sys
import tracemalloc
from decimal import Decimal

from _harness import best_time, header, report

from billing_core import Money, RoundingMode, total


class _Plain:
    """The floor for construction: a plain slotted object with the same two fields."""

    __slots__ = ("currency", "minor")

    def __init__(self, minor: int, currency: str) -> None:
        self.minor = minor
        self.currency = currency


def construction(k: int) -> None:
    """Building amounts from text, Decimal, int and minor units; exact arithmetic."""
    header(f"Money construction and arithmetic ({k:,} operations)")
    texts = [f"{i % 100_000}.{i % 100:02d}" for i in range(k)]
    decimals = [Decimal(t) for t in texts]
    ints = list(range(k))

    t_plain = best_time(lambda: [_Plain(i, "USD") for i in ints])
    t_dec_parse = best_time(lambda: [Decimal(t) for t in texts])
    report("floor: plain slotted object, 2 fields", t_plain, k, None)
    report("floor: Decimal(text)", t_dec_parse, k, None)
    t = best_time(lambda: [Money.from_minor(i, "USD") for i in ints])
    report("Money.from_minor(int, 'USD') vs plain object", t, k, t_plain)
    t = best_time(lambda: [Money(i, "USD") for i in ints])
    report("Money(int, 'USD') vs plain object", t, k, t_plain)
    t = best_time(lambda: [Money(t, "USD") for t in texts])
    report("Money(str, 'USD') vs Decimal(text)", t, k, t_dec_parse)
    t = best_time(lambda: [Money(d, "USD") for d in decimals])
    report("Money(Decimal, 'USD') vs Decimal(text)", t, k, t_dec_parse)

    a = Money("12.50", "USD")
    rate = Decimal("0.2")
    cent = Decimal("0.01")
    d = Decimal("12.50")
    t_quantize = best_time(lambda: [(d * rate).quantize(cent) for _ in ints])
    report("floor: (Decimal * rate).quantize(cent)", t_quantize, k, None)
    t = best_time(lambda: [a.multiply(rate, rounding=RoundingMode.HALF_UP) for _ in ints])
    report("Money.multiply(Decimal, rounding=...) vs floor", t, k, t_quantize)
    t = best_time(lambda: [a * 3 for _ in ints])
    report("Money * int", t, k, None)
    t = best_time(lambda: [-a for _ in ints])
    report("-Money", t, k, None)


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

    construction(100_000 if quick else 300_000)

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
