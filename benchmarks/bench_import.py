"""Import time: the package root and the everyday vocabulary, against the dependencies.

Each import runs in a fresh interpreter (``python -c``), timed inside it in
CPU time (``time.process_time``, as the harness times) around the import
statement alone (interpreter start-up is left out); the contenders are
interleaved round by round and the best of the rounds counts. The base is
importing the dependencies the library imports at start (attrs, cattrs, babel
with its number formatting, dateutil).

Every contender loads compiled bytecode, as an installed package does (pip
compiles a wheel's modules when it installs it): the interpreters share a
private bytecode cache (``PYTHONPYCACHEPREFIX``, a temporary directory) that an
untimed first round fills. Without it, an environment that never writes
bytecode (``PYTHONDONTWRITEBYTECODE``, usual in containers) would time the
library's modules compiled from source at every import against dependencies
loading their installed bytecode. A second table, without targets, times that
case on purpose (the library's modules from source, the dependencies from
bytecode): what an editable install costs where bytecode is never written.
Below each table, the number of ``billing_core`` modules each statement loads.

Targets (issue 14): ``import billing_core`` and the everyday vocabulary each
within 2x of the dependencies.

Run: ``python benchmarks/bench_import.py [--quick]`` (``--help`` for the options).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _harness import header, measure_row

STATEMENTS = {
    "dependencies": "import attrs, cattrs, babel.numbers, dateutil.relativedelta",
    "root": "import billing_core",
    "vocabulary": (
        "from billing_core import Money, Bill, Claim, plan_posting, post_payment, age, statement"
    ),
}

_PROGRAM = (
    "import sys, time; t = time.process_time(); {}; t = time.process_time() - t; "
    "print(t, sum(m.split('.')[0] == 'billing_core' for m in sys.modules))"
)


def import_seconds(statement: str, env: dict[str, str]) -> tuple[float, int]:
    """The CPU time of one import statement in a fresh interpreter, and the modules it loaded."""
    out = subprocess.run(
        [sys.executable, "-c", _PROGRAM.format(statement)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    seconds, modules = out.stdout.split()
    return float(seconds), int(modules)


def best_of(rounds: int, env: dict[str, str]) -> tuple[dict[str, float], dict[str, int]]:
    """Best time and module count of each statement over interleaved rounds."""
    best = dict.fromkeys(STATEMENTS, float("inf"))
    modules = dict.fromkeys(STATEMENTS, 0)
    names = list(STATEMENTS)
    for r in range(rounds):
        for name in names if r % 2 == 0 else names[::-1]:
            seconds, modules[name] = import_seconds(STATEMENTS[name], env)
            best[name] = min(best[name], seconds)
    return best, modules


def table(title: str, best: dict[str, float], modules: dict[str, int], target: str) -> None:
    """The rows of one table, then the modules each statement loads."""
    header(title, "time")
    base = best["dependencies"] * 1e3
    measure_row("import attrs, cattrs, babel.numbers, dateutil (base)", base, "ms", base, "")
    measure_row("import billing_core", best["root"] * 1e3, "ms", base, target)
    measure_row(
        "everyday names (Money, Bill, Claim, plan_posting, ...)",
        best["vocabulary"] * 1e3,
        "ms",
        base,
        target,
    )
    print(
        f"\nbilling_core modules loaded: root {modules['root']},"
        f" everyday names {modules['vocabulary']}",
        flush=True,
    )


def _library_bytecode(cache: Path, env: dict[str, str]) -> Path:
    """Where the private cache holds the library's bytecode (its source path under the cache)."""
    probe = subprocess.run(
        [sys.executable, "-c", "import billing_core; print(billing_core.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    package = Path(probe.stdout.strip()).parent
    return cache / package.relative_to(package.anchor)


def main(quick: bool = False) -> None:
    """Time both tables: everything from bytecode (targets), then the library from source."""
    rounds = 5 if quick else 11
    with tempfile.TemporaryDirectory(prefix="bench_import_") as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        best_of(1, env)  # untimed: fills the cache
        best, modules = best_of(rounds, env)
        table(
            f"Import time, from bytecode (fresh interpreter, best of {rounds} interleaved rounds)",
            best,
            modules,
            "<= 2x",
        )
        shutil.rmtree(_library_bytecode(Path(cache), env))
        source = {**env, "PYTHONDONTWRITEBYTECODE": "1"}
        best, modules = best_of(rounds, source)
        table(
            f"Import time, the library from source (best of {rounds}; for information)",
            best,
            modules,
            "",
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 rounds instead of 11")
    main(quick=parser.parse_args().quick)
