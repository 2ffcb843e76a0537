"""Import time: the package root and the everyday vocabulary, against the dependencies.

Each import runs in a fresh interpreter (``python -c``), timed inside it with
``time.perf_counter`` around the import statement alone (interpreter start-up
is left out); the contenders are interleaved round by round and the best of the
rounds counts. The base is importing the dependencies the library imports at
start (attrs, cattrs, babel with its number formatting, dateutil).

Targets (issue 14): ``import billing_core`` and the everyday vocabulary each
within 2x of the dependencies.

Run: ``python benchmarks/bench_import.py [--quick]``.
"""

from __future__ import annotations

import subprocess
import sys

from _harness import header, measure_row

STATEMENTS = {
    "dependencies": "import attrs, cattrs, babel.numbers, dateutil.relativedelta",
    "root": "import billing_core",
    "vocabulary": (
        "from billing_core import Money, Bill, Claim, plan_posting, post_payment, age, statement"
    ),
}

_PROGRAM = "import time; t = time.perf_counter(); {}; print(time.perf_counter() - t)"


def import_seconds(statement: str) -> float:
    """The wall time of one import statement in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", _PROGRAM.format(statement)],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout)


def main(quick: bool = False) -> None:
    rounds = 5 if quick else 11
    best = dict.fromkeys(STATEMENTS, float("inf"))
    names = list(STATEMENTS)
    for r in range(rounds):
        for name in names if r % 2 == 0 else names[::-1]:
            best[name] = min(best[name], import_seconds(STATEMENTS[name]))
    header(f"Import time (fresh interpreter, best of {rounds} interleaved rounds)", "time")
    base = best["dependencies"] * 1e3
    measure_row("import attrs, cattrs, babel.numbers, dateutil (base)", base, "ms", base, "")
    measure_row("import billing_core", best["root"] * 1e3, "ms", base, "<= 2x")
    measure_row(
        "everyday names (Money, Bill, Claim, plan_posting, ...)",
        best["vocabulary"] * 1e3,
        "ms",
        base,
        "<= 2x",
    )


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
