"""Benchmark: aging open lines against a hand-written loop in the same run.

The floor is the plainest correct loop with the same caching as ``age()``:
for each line, the anchor date (the service date when missing), its band
looked up in a dict per date (a bisect over the edges on the first sight of a
date), and the line's minor units added to that band (one overall total, no
party or account split). The library's :func:`billing_core.aging.age` does
more (totals per party and overall, credits apart, a currency check, the
report objects) and must stay within 2x of it, at every size from 10^3 to
10^6 lines (10^5 with ``--quick``), GC on, interleaved. Its per-account rows
are computed lazily, on first use; the last row times that separately, for
information (with many accounts it is
bound by memory access and garbage collection, not by the aging rule).

Run: ``.venv/bin/python benchmarks/bench_aging.py [--quick]``
"""

from __future__ import annotations

import argparse
import random
import sys
from bisect import bisect_left
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from _harness import compare, header, report

from billing_core.aging import DEFAULT_EDGES, AgingAnchor, OpenLine, age
from billing_core.ledger import Bucket
from billing_core.money import Money


def make_lines(n: int, as_of: date, seed: int = 7) -> list[OpenLine]:
    rng = random.Random(seed)
    days = [as_of - timedelta(days=d) for d in range(0, 730)]
    amounts = [Money.from_minor(rng.randint(1, 500_000), "USD") for _ in range(5_000)]
    credits = [Money.from_minor(-rng.randint(1, 5_000), "USD") for _ in range(50)]
    buckets = [Bucket.PRIMARY, Bucket.PRIMARY, Bucket.SECONDARY, Bucket.PATIENT, Bucket.PATIENT]
    accounts = [f"A{i:07d}" for i in range(max(1, n // 4))]
    lines = []
    for i in range(n):
        service = rng.choice(days)
        lines.append(
            OpenLine(
                account_id=rng.choice(accounts),
                line_id=f"L{i:08d}",
                bucket=rng.choice(buckets),
                open=rng.choice(credits) if i % 1000 == 999 else rng.choice(amounts),
                service_date=service,
                responsible_since=service + timedelta(days=rng.randint(0, 60)),
            )
        )
    return lines


def floor(lines: Sequence[OpenLine], as_of: date, edges: Sequence[int], anchor: str) -> list[int]:
    """The hand-written loop: the band cached per anchor date (as ``age()`` caches it), add."""
    totals = [0] * (len(edges) + 1)
    cache: dict[date, int] = {}
    for line in lines:
        m = line.open.minor
        if m > 0:
            day = getattr(line, anchor) or line.service_date
            band = cache.get(day)
            if band is None:
                band = cache[day] = bisect_left(edges, (as_of - day).days)
            totals[band] += m
    return totals


def compare_at(n: int, lines: list[OpenLine], as_of: date, rounds: int) -> None:
    """Each anchor against its floor, and the lazy per-account rows for information."""
    edges = DEFAULT_EDGES
    anchors = (AgingAnchor.SERVICE_DATE, AgingAnchor.RESPONSIBILITY)
    for anchor in anchors:  # the floor agrees with age() (checked, not timed)
        got = [b.minor for b in age(lines, as_of, anchor, edges).total.bands]
        assert got == floor(lines, as_of, edges, anchor.value), anchor
    contenders: dict[str, Callable[[], object]] = {}
    for anchor in anchors:
        contenders[f"floor {anchor.value}"] = lambda a=anchor: floor(lines, as_of, edges, a.value)
        contenders[anchor.value] = lambda a=anchor: age(lines, as_of, a, edges)
    contenders["accounts"] = lambda: age(lines, as_of).accounts
    t = compare(contenders, rounds=rounds)
    for anchor in anchors:
        base = t[f"floor {anchor.value}"]
        report(f"floor: band cached per date, anchor={anchor.value}", base, n, None)
        report(f"age() anchor={anchor.value}, {n:,} lines", t[anchor.value], n, base, "<= 2x")
    report("age().accounts (lazy, not in target)", t["accounts"], n, t["floor service_date"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100,000 lines instead of 1,000,000")
    args = parser.parse_args(argv)
    as_of = date(2025, 6, 30)
    sizes = (1_000, 10_000, 100_000) if args.quick else (1_000, 10_000, 100_000, 1_000_000)
    header("Aging against a cached-band floor (GC on, interleaved; scaling rows)")
    for n in sizes:
        lines = make_lines(n, as_of)
        compare_at(n, lines, as_of, rounds=5 if n < 1_000_000 else 3)
        del lines
    return 0


if __name__ == "__main__":
    sys.exit(main())
