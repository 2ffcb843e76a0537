"""Tiny timing harness shared by the benchmarks: best-of-N wall time, same-run floors."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any


def best_time(fn: Callable[[], Any], *, repeat: int = 5) -> float:
    """Best wall time of ``repeat`` calls, in seconds, with the collector paused."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return best


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """One call's wall time in seconds, garbage collection on (as a user has it), and its result."""
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def report(name: str, seconds: float, n: int, floor: float | None, target: str = "") -> str:
    """One table row: time per element, and the ratio against the floor."""
    per = seconds / n * 1e9
    ratio = f"{seconds / floor:6.2f}x" if floor else "     -"
    row = f"| {name:<52} | {per:10.1f} ns | {ratio} | {target:<14} |"
    print(row)
    return row


def header(title: str) -> None:
    """Print a table header."""
    print(f"\n### {title}\n")
    print(f"| {'operation':<52} | {'per element':>13} | {'ratio':>7} | {'target':<14} |")
    print(f"|{'-' * 54}|{'-' * 15}|{'-' * 9}|{'-' * 16}|")
