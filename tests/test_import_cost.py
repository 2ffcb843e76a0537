"""What importing the everyday names loads: not babel's date formatting (loaded on first use)."""

from __future__ import annotations

import subprocess
import sys

_PROGRAM = (
    "import sys\n"
    "from billing_core import Money, Bill, Claim, plan_posting, post_payment, age, statement\n"
    "print('babel.dates' in sys.modules)\n"
)


def test_the_everyday_names_do_not_load_babel_dates() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROGRAM], check=True, capture_output=True, text=True
    )
    assert done.stdout.split() == ["False"]


def test_a_date_is_still_formatted_on_first_use() -> None:
    program = (
        "import datetime, sys\n"
        "from billing_core.statements._render import _date_text\n"
        "print(_date_text(datetime.date(2024, 3, 4), 'en_US'), 'babel.dates' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], check=True, capture_output=True, text=True
    )
    # CLDR's medium date in en_US: abbreviated month, day, year.
    assert done.stdout.strip() == "Mar 4, 2024 True"
