"""Run every benchmark and print its table (``make bench``).

Each benchmark times an operation and a plain-Python floor doing the same work
in the same run, interleaved, with the garbage collector on, and prints the
ratio, the target and ``PASS``/``FAIL``. Each runs in its own process so that
one benchmark's memory does not weigh on the next. Pass ``--quick`` for smaller
inputs (a few minutes in all); name benchmarks to run only those
(``run.py --quick money ledger``).

The exit status is non-zero when a benchmark crashed; a missed target is a
``FAIL`` row, counted at the end, not an error.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    """Run each ``bench_*.py`` beside this file; return non-zero if one crashed."""
    args = sys.argv[1:]
    extra = ["--quick"] if "--quick" in args else []
    only = {a for a in args if not a.startswith("-")}
    crashed: list[str] = []
    failed: list[str] = []
    passed = 0
    for path in sorted(HERE.glob("bench_*.py")):
        if only and path.stem.removeprefix("bench_") not in only:
            continue
        print(f"\n## {path.stem}", flush=True)
        with subprocess.Popen(
            [sys.executable, str(path), *extra], stdout=subprocess.PIPE, text=True
        ) as child:
            assert child.stdout is not None
            for line in child.stdout:
                print(line, end="", flush=True)
                if line.rstrip().endswith("| PASS |"):
                    passed += 1
                elif line.rstrip().endswith("| FAIL |"):
                    failed.append(f"{path.stem}: {line.split('|')[1].strip()}")
        if child.returncode:
            crashed.append(path.name)
    print(f"\n{passed} rows PASS, {len(failed)} FAIL")
    for row in failed:
        print(f"  FAIL {row}")
    if crashed:
        print(f"crashed: {', '.join(crashed)}")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
