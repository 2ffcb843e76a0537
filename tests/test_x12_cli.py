"""The command line: verdicts explained, masked summaries, exit statuses, no tracebacks."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from billing_core.x12 import main
from billing_core.x12._cli import PROGRESS_BYTES
from test_x12_835 import BODY, TEXT
from x12_kit import envelope


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    good = tmp_path / "good.835"
    good.write_text(TEXT)
    # line 1 paid 91 instead of 90: the line, the claim and the transaction no longer balance
    bad = tmp_path / "bad.835"
    bad.write_text(TEXT.replace("SVC*HC:99213:25*150*90", "SVC*HC:99213:25*150*91"))
    broken = tmp_path / "broken.835"
    broken.write_text(TEXT.replace("SE*33*0001", "SE*31*0001"))
    return {"good": good, "bad": bad, "broken": broken}


def test_check_of_a_balanced_file(files: dict[str, Path]) -> None:
    status, out, err = run("check", str(files["good"]))
    assert status == 0 and err == ""
    assert out.splitlines() == [
        "good.835: remittance EFT-77: balanced (6 checks)",
        "1 files, 1 remittances, 3 claims: 1 balanced, 0 not balanced, 0 files unreadable",
    ]


def test_check_explains_what_does_not_balance(files: dict[str, Path]) -> None:
    status, out, _ = run("check", str(files["good"]), str(files["bad"]))
    assert status == 1
    assert "claim 1 (A-1) line 1 (L1): does not balance by 1.00 USD" in out
    assert "SVC03 paid 91.00 USD" in out
    assert out.endswith(
        "2 files, 2 remittances, 6 claims: 1 balanced, 1 not balanced, 0 files unreadable\n"
    )


def test_unreadable_input_goes_to_stderr_with_the_segment(files: dict[str, Path]) -> None:
    status, out, err = run("check", str(files["broken"]))
    assert status == 1
    assert "segment 35 (SE) SE01: the transaction set has 33 segments, SE01 says 31" in err
    assert "Traceback" not in err
    assert "1 files unreadable" in out
    status, out, err = run("check", "--lenient", str(files["broken"]))
    assert status == 1 and "SE01" in err and "balanced (6 checks)" in out


def test_summary_masks_identifiers(files: dict[str, Path]) -> None:
    status, out, _ = run("summary", str(files["good"]))
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "remittance EFT-77 from 1512345678, paid 2024-01-10: 41.50 USD"
    assert lines[2].split() == [
        "****",
        "processed_primary_forwarded",
        "200.00",
        "140.00",
        "30.00",
        "2",
    ]
    assert "A-1" not in out


def test_usage_errors_exit_2() -> None:
    assert run("frobnicate")[0] == 2


def test_progress_on_a_terminal_for_large_files(tmp_path: Path) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    big = tmp_path / "big.835"
    body = BODY[:9] + BODY[9:23] * (PROGRESS_BYTES // 200)
    big.write_text(envelope(body))
    err = Terminal()
    status = main(["check", "--lenient", str(big)], stdout=io.StringIO(), stderr=err)
    assert "MB," in err.getvalue() and "claims read" in err.getvalue()
    assert status == 1  # the copied claims do not add up to BPR02


def test_python_dash_m(files: dict[str, Path]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "billing_core.x12", "check", str(files["broken"])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "segment 35 (SE)" in done.stderr and "Traceback" not in done.stderr
