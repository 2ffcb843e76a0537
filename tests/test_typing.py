"""The public API's types, as a user's type checker sees them: mypy and pyright.

`tests/typing/check_api.py` pins what must type-check (``assert_type``) and what must not
(each such line carries the error code the checker must report). Both checkers run over it
here; an error anywhere, or an ignore comment that silences nothing, fails the test.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = Path("tests") / "typing" / "check_api.py"
PYRIGHT_CONFIG = Path("tests") / "typing" / "pyrightconfig.json"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def _mypy(path: Path) -> subprocess.CompletedProcess[str]:
    return _run("mypy", "--strict", "--no-error-summary", "--show-error-codes", str(path))


def _pyright(*args: str) -> list[dict[str, object]]:
    done = _run("pyright", "--outputjson", "--pythonpath", sys.executable, *args)
    assert done.stdout, f"pyright did not run: {done.stderr}"
    report = json.loads(done.stdout)
    diagnostics: list[dict[str, object]] = report["generalDiagnostics"]
    return diagnostics


def test_mypy_accepts_and_refuses_what_the_cases_say() -> None:
    done = _mypy(CASES)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""


def test_pyright_accepts_and_refuses_what_the_cases_say() -> None:
    diagnostics = _pyright("-p", str(PYRIGHT_CONFIG))
    errors = [d for d in diagnostics if d["severity"] == "error"]
    assert errors == []


def test_the_checkers_report_a_misuse_where_it_is_written(tmp_path: Path) -> None:
    """The harness can fail: an unmarked misuse is an error, at its line, saying what it is."""
    misuse = tmp_path / "misuse.py"
    misuse.write_text(
        textwrap.dedent(
            """\
            from billing_core.money import Money
            from billing_core.serialization import from_dict

            share = Money("10.00", "USD") / 3
            lines = from_dict({"type": "claim"}).lines
            """
        )
    )
    found = _mypy(misuse).stdout.splitlines()
    assert [line.split(": ", 1)[1] for line in found] == [
        'error: Unsupported operand types for / ("Money" and "int")  [operator]',
        'error: "object" has no attribute "lines"  [attr-defined]',
    ]
    assert [line.split(":")[1] for line in found] == ["4", "5"]
    by_pyright = [
        (d["rule"], d["range"]["start"]["line"] + 1)  # type: ignore[index]
        for d in _pyright(str(misuse))
        if d["severity"] == "error"
    ]
    assert by_pyright == [("reportOperatorIssue", 4), ("reportAttributeAccessIssue", 5)]
