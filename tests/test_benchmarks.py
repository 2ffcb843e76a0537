"""The benchmarks stay importable (they run with ``make bench``, never in tests)."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _run(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A benchmark run as ``make bench`` runs it (from its folder), its output captured."""
    return subprocess.run(
        [sys.executable, str(path), *args],
        cwd=BENCHMARKS,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("path", sorted(BENCHMARKS.glob("bench_*.py")), ids=lambda p: p.stem)
def test_benchmark_module_imports(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(f"_bench_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # runs imports and definitions, not main()
    assert callable(module.main)
    sys.modules.pop(f"_bench_{path.stem}", None)


@pytest.mark.parametrize("path", sorted(BENCHMARKS.glob("bench_*.py")), ids=lambda p: p.stem)
def test_benchmark_help_describes_it_without_running(path: Path) -> None:
    # ``--help`` prints the module's description and the ``--quick`` switch, then
    # stops: it never starts the (minutes-long) measurement.
    done = _run(path, "--help")
    assert done.returncode == 0, done.stderr
    first_line = (ast.get_docstring(ast.parse(path.read_text())) or "").splitlines()[0]
    assert first_line, f"{path.name} has no description"
    assert first_line in " ".join(done.stdout.split()), done.stdout
    assert "--quick" in done.stdout
    assert "|" not in done.stdout, "the benchmark ran instead of describing itself"


def test_posting_scaling_row_runs_alone() -> None:
    # The full run times each scaling size in a fresh interpreter through this switch;
    # a size of a few claims keeps the test short.
    done = _run(BENCHMARKS / "bench_posting.py", "--scaling-row", "20")
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("|")]
    assert len(rows) == 2, done.stdout
    assert "floor: plain slotted entries" in rows[0]
    assert "plan + apply" in rows[1] and ("PASS" in rows[1] or "FAIL" in rows[1]), rows[1]
