"""Run every benchmark and print its table (``make bench``).

Each benchmark times an operation and a plain-Python floor doing the same work
in the same run, and prints the ratio. Each runs in its own process so that one
benchmark's memory does not weigh on the next. Pass ``--quick`` for smaller
inputs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    """Run each ``bench_*.py`` beside this file; return non-zero if one failed."""
    extra = ["--quick"] if "--quick" in sys.argv[1:] else []
    failed = []
    for path in sorted(HERE.glob("bench_*.py")):
        print(f"\n## {path.stem}", flush=True)
        if subprocess.run([sys.executable, str(path), *extra], check=False).returncode:
            failed.append(path.name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
