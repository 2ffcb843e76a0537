"""The demo (``make demo``) runs end to end and tells the right numbers."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

WALKTHROUGH = Path(__file__).resolve().parents[1] / "examples" / "walkthrough.py"


def test_walkthrough_runs(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(WALKTHROUGH), run_name="__main__")
    out = capsys.readouterr().out
    # 125.00 + 46.14 + 850.00 + 89.90, worked by hand
    assert "$1,111.04" in out
    # 20% of 1,111.04 = 222.208 -> 222.21 half-up
    assert "patient owes $222.21" in out
    assert "applied" in out
