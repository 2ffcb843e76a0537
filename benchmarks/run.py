"""Run every benchmark and print one table per topic (``make bench``).

Each benchmark times an operation and a plain-Python floor doing the same work
in the same run, and prints the ratio. Pass ``--quick`` for smaller inputs.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    """Import each ``bench_*.py`` beside this file and call its ``main``."""
    sys.path.insert(0, str(HERE))
    quick = "--quick" in sys.argv
    for path in sorted(HERE.glob("bench_*.py")):
        module = importlib.import_module(path.stem)
        module.main(quick=quick)


if __name__ == "__main__":
    main()
