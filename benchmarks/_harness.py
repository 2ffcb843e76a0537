"""Timing harness shared by the benchmarks: interleaved contenders, GC on, same-run floors.

Every contender of a comparison is timed in the same rounds, one after the
other, in an order that alternates from round to round (so neither side always
runs on a warm or a cold cache), with the garbage collector on as a user has
it; the best round of each counts. Rows that carry a target print ``PASS`` or
``FAIL``; ``run.py`` counts them.

Time is the process's CPU time (``time.process_time``: garbage collection
included, as it runs in the process). On a machine shared with other work, wall
time also charges a contender for the time it waited for a CPU, and a long
contender waits more often than a short floor, which skews every ratio; on an
idle machine the two agree.
"""

from __future__ import annotations

import argparse
import gc
import re
import time
from collections.abc import Callable, Mapping
from typing import Any

_clock = time.process_time
_TARGET = re.compile(r"(?:<=|within)\s*([0-9.]+)\s*x")


def command_line(doc: str | None) -> argparse.ArgumentParser:
    """A benchmark's command line: ``--quick`` for smaller inputs; ``--help`` shows ``doc``."""
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smaller inputs (as described above)")
    return parser


def quick_flag(doc: str | None) -> bool:
    """Read a benchmark's command line (`command_line`): whether ``--quick`` was given."""
    quick: bool = command_line(doc).parse_args().quick
    return quick


def compare(
    contenders: Mapping[str, Callable[[], Any]],
    *,
    rounds: int = 5,
    clock: Callable[[], float] = _clock,
) -> dict[str, float]:
    """Best time in seconds of each contender over ``rounds`` interleaved rounds, GC on.

    The clock is the process's CPU time; pass ``time.perf_counter`` for work that runs
    on several threads (polars) or waits on files, where CPU time would mislead.
    A contender's result is dropped after its clock stops, so freeing it is not timed
    (but the collections its garbage causes while it runs are).
    """
    best = dict.fromkeys(contenders, float("inf"))
    names = list(contenders)
    for r in range(rounds):
        for name in names if r % 2 == 0 else names[::-1]:
            fn = contenders[name]
            gc.collect()
            start = clock()
            result = fn()
            elapsed = clock() - start
            del result
            best[name] = min(best[name], elapsed)
    return best


def verdict(ratio: float, target: str) -> str:
    """``PASS``/``FAIL`` for a ratio against a ``"<= 2x"`` target, blank without one."""
    match = _TARGET.search(target)
    if match is None:
        return ""
    return "PASS" if ratio <= float(match.group(1)) else "FAIL"


def report(name: str, seconds: float, n: int, floor: float | None, target: str = "") -> str:
    """One table row: time per element, the ratio against the floor, the target and verdict."""
    per = seconds / n * 1e9
    ratio = f"{seconds / floor:6.2f}x" if floor else "     -"
    mark = verdict(seconds / floor, target) if floor else ""
    row = f"| {name:<58} | {per:10.1f} ns | {ratio} | {target:<10} | {mark:<4} |"
    print(row, flush=True)
    return row


def measure_row(name: str, value: float, unit: str, base: float, target: str) -> str:
    """A row for a measured quantity (bytes, milliseconds) with its ratio to a base."""
    ratio = value / base
    row = (
        f"| {name:<58} | {value:10.1f} {unit:<2} | {ratio:6.2f}x | {target:<10} |"
        f" {verdict(ratio, target):<4} |"
    )
    print(row, flush=True)
    return row


def header(title: str, measure: str = "per element") -> None:
    """Print a table header (``measure`` names the second column)."""
    print(f"\n### {title}\n")
    print(f"| {'operation':<58} | {measure:>13} | {'ratio':>7} | {'target':<10} | {'':<4} |")
    print(f"|{'-' * 60}|{'-' * 15}|{'-' * 9}|{'-' * 12}|{'-' * 6}|", flush=True)
