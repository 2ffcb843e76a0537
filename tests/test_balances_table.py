"""The notebook table of line balances: its cells, their alignment and the totals row."""

from __future__ import annotations

import re

from billing_core.balances import line_balances
from billing_core.ledger import Bucket, ChargePosted
from billing_core.money import Money
from test_balances import D1, FOREVER, waterfall

CELL = re.compile(r'<t[dh] style="text-align:(left|right)">(.*?)</t[dh]>')


def _rows(html: str, part: str) -> list[list[tuple[str, str]]]:
    section = re.search(rf"<{part}>(.*?)</{part}>", html, re.S)
    return [] if section is None else [CELL.findall(row) for row in section[1].split("</tr>")[:-1]]


def _two_lines(currency: str = "USD", account: str = "A1") -> list[object]:
    # L1: the waterfall of test_balances (200 charged, 135 paid, CO 60, 5 written off, 0 open);
    # L2: 20.50 charged to the patient, nothing else.
    extra = ChargePosted(id="c9", account_id=account, line_id="L2", effective=D1,
                         amount=Money("20.50", currency), bucket=Bucket.PATIENT)  # fmt: skip
    return [*waterfall(), extra]


def test_each_line_is_a_row_with_money_right_aligned_and_totals_below() -> None:
    html = line_balances(_two_lines(), FOREVER).to_html()  # type: ignore[arg-type]
    left, right = "left", "right"
    assert _rows(html, "thead") == [
        [(left, "line"), (left, "account"), (right, "charged"), (right, "paid"),
         (right, "adjusted"), (right, "written off"), (left, "open"), (right, "balance")],
    ]  # fmt: skip
    assert _rows(html, "tbody") == [
        [(left, "L1"), (left, "****"), (right, "$200.00"), (right, "$135.00"), (right, "$60.00"),
         (right, "$5.00"), (left, "nothing"), (right, "$0.00")],
        [(left, "L2"), (left, "****"), (right, "$20.50"), (right, "$0.00"), (right, "$0.00"),
         (right, "$0.00"), (left, "patient $20.50"), (right, "$20.50")],
    ]  # fmt: skip
    # 200 + 20.50 charged; 135 paid; 60 adjusted; 5 written off; 0 + 20.50 owed
    assert _rows(html, "tfoot") == [
        [(left, "total"), (left, ""), (right, "$220.50"), (right, "$135.00"), (right, "$60.00"),
         (right, "$5.00"), (left, ""), (right, "$20.50")],
    ]  # fmt: skip


def test_lines_in_two_currencies_have_no_totals_row() -> None:
    html = line_balances(_two_lines("EUR", "A2"), FOREVER).to_html()  # type: ignore[arg-type]
    assert len(_rows(html, "tbody")) == 2 and _rows(html, "tfoot") == []
