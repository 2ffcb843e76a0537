"""Edges of aging that a subtly wrong implementation would get wrong.

Each test pins a documented behaviour found missing by ``make mutate``; the
expected values are worked out by hand.
"""

from __future__ import annotations

from datetime import date

import attrs

from billing_core.aging import (
    AgingAnchor,
    CreditLine,
    OpenLine,
    age,
    open_lines,
    unapplied_credits,
    validate_edges,
)
from billing_core.codes import GroupCode
from billing_core.ledger import (
    Adjustment,
    Bucket,
    ChargePosted,
    Party,
    PaymentReceived,
    Transfer,
)
from billing_core.money import Money


def test_edges_that_are_not_ints_are_reported_alone() -> None:
    # Order is judged only among int edges: an edge that is not an int is reported
    # as such (not compared, which could fail or add a second finding).
    assert [str(f) for f in validate_edges(("30", 60))] == [
        "buckets[0]: must be an int number of days, got '30' (str)"
    ]
    assert [str(f) for f in validate_edges((60, 30.5))] == [
        "buckets[1]: must be an int number of days, got 30.5 (float)"
    ]


def usd(text: str) -> Money:
    return Money(text, "USD")


def test_the_service_date_falls_back_to_the_charge_not_to_earlier_entries() -> None:
    # Without info, a line's service date is its charge's date: an adjustment dated
    # before the charge (a back-dated correction) neither becomes the service date nor
    # the last activity.
    charge = ChargePosted(
        id="c1",
        account_id="A1",
        line_id="L1",
        effective=date(2025, 1, 5),
        amount=usd("100"),
        bucket=Bucket.PRIMARY,
    )
    backdated = Adjustment(
        id="a1",
        account_id="A1",
        line_id="L1",
        effective=date(2025, 1, 3),
        amount=usd("10"),
        bucket=Bucket.PRIMARY,
        group=GroupCode.CO,
        reason="45",
    )
    (row,) = open_lines([charge, backdated], date(2025, 3, 1))
    assert (row.open, row.service_date, row.last_activity) == (
        usd("90"),
        date(2025, 1, 5),
        date(2025, 1, 5),
    )


def test_money_leaving_a_bucket_does_not_make_it_responsible_again() -> None:
    # 100.00 charged to primary on Jan 1; 30.00 moved to the patient on Feb 1. Primary
    # has owed its 70.00 since Jan 1 (money only left it on Feb 1); the patient owes
    # 30.00 since Feb 1.
    charge = ChargePosted(
        id="c1",
        account_id="A1",
        line_id="L1",
        effective=date(2025, 1, 1),
        amount=usd("100"),
        bucket=Bucket.PRIMARY,
    )
    move = Transfer(
        id="t1",
        account_id="A1",
        line_id="L1",
        effective=date(2025, 2, 1),
        amount=usd("30"),
        from_bucket=Bucket.PRIMARY,
        to_bucket=Bucket.PATIENT,
    )
    rows = open_lines([charge, move], date(2025, 3, 1))
    assert [(r.bucket, r.open, r.responsible_since) for r in rows] == [
        (Bucket.PRIMARY, usd("70"), date(2025, 1, 1)),
        (Bucket.PATIENT, usd("30"), date(2025, 2, 1)),
    ]
    # Re-aged as of Mar 1: primary's 70.00 is 59 days old (31-60), the patient's 30.00
    # is 28 days old (0-30).
    report = age([charge, move], date(2025, 3, 1), AgingAnchor.RESPONSIBILITY)
    assert report.party("primary").band("31-60") == usd("70")
    assert report.party("patient").band("0-30") == usd("30")


def test_one_cent_of_unapplied_money_is_a_credit() -> None:
    # "The credits with a positive available amount": 0.01 is positive.
    cent = PaymentReceived(
        id="p1",
        account_id="A1",
        effective=date(2025, 1, 3),
        amount=usd("0.01"),
        party=Party.patient("P1"),
    )
    (credit,) = unapplied_credits([cent], date(2025, 1, 3))
    assert (credit.party, credit.amount, credit.line_id) == ("patient", usd("0.01"), None)
    assert age([cent], date(2025, 1, 3)).credits == (credit,)


def test_credits_are_listed_by_account_party_and_line() -> None:
    # Negative open lines L2 (-2.00) and L1 (-1.00) and 3.00 unapplied, all the
    # patient's on A1: the unapplied money (no line) first, then L1, then L2.
    rows = [
        OpenLine(
            account_id="A1",
            line_id=line_id,
            bucket=Bucket.PATIENT,
            open=usd(amount),
            service_date=date(2025, 1, 2),
        )
        for line_id, amount in [("L2", "-2"), ("L1", "-1"), ("L3", "5")]
    ]
    unapplied = CreditLine(account_id="A1", party="patient", amount=usd("3"))
    report = age(rows, date(2025, 2, 1), credits=[unapplied])
    assert [(c.line_id, c.amount) for c in report.credits] == [
        (None, usd("3")),
        ("L1", usd("1")),
        ("L2", usd("2")),
    ]
    assert report.total.total == usd("5")


def owed(account_id: str, amount: str, bucket: Bucket = Bucket.PATIENT) -> OpenLine:
    return OpenLine(
        account_id=account_id,
        line_id="L1",
        bucket=bucket,
        open=usd(amount),
        service_date=date(2025, 1, 2),
    )


def test_the_text_view_pads_the_party_column_to_eight_characters_at_least() -> None:
    # Re-aged (no anchor note); 30.00 owed since Jan 2 is 150 days old on Jun 1.
    # "patient" has 7 characters: the party column is 8 wide, each other column as wide
    # as its widest cell, two spaces apart, right-aligned.
    report = age([owed("A1", "30")], date(2025, 6, 1), AgingAnchor.RESPONSIBILITY)
    assert str(report).splitlines() == [
        "A/R aging as of 2025-06-01 (USD), days since responsibility date (re-aged)",
        "party     0-30  31-60  61-90  91-120  over 120  total",
        "patient   0.00   0.00   0.00    0.00     30.00  30.00",
        "total     0.00   0.00   0.00    0.00     30.00  30.00",
    ]


def test_the_text_view_widens_the_party_column_for_a_long_party() -> None:
    # "secondary" has 9 characters; 1,234.56 widens the "0-30" column to 8.
    lines = [
        owed("A1", "1234.56", Bucket.SECONDARY),
        attrs.evolve(owed("A1", "5"), service_date=date(2024, 1, 1)),
    ]
    report = age(lines, date(2025, 1, 10), AgingAnchor.RESPONSIBILITY)
    assert str(report).splitlines()[1:] == [
        "party         0-30  31-60  61-90  91-120  over 120    total",
        "secondary  1234.56   0.00   0.00    0.00      0.00  1234.56",
        "patient       0.00   0.00   0.00    0.00      5.00     5.00",
        "total      1234.56   0.00   0.00    0.00      5.00  1239.56",
    ]


def _account_table(html: str) -> bool:
    return '<th style="text-align:left">account</th>' in html


def test_the_html_view_right_aligns_every_band() -> None:
    html = age([owed("A1", "30")], date(2025, 1, 10)).to_html()
    assert '<th style="text-align:right">0-30</th>' in html
    assert '<td style="text-align:right">$30.00</td>' in html
    assert '<td style="text-align:left">patient</td>' in html


def test_the_html_view_lists_accounts_that_owe_even_one_cent() -> None:
    # An account owing 0.01 gets the per-account table; one owing nothing does not.
    assert _account_table(age([owed("A1", "0.01")], date(2025, 1, 10)).to_html())
    assert not _account_table(age([owed("A1", "0")], date(2025, 1, 10)).to_html())


def test_the_html_view_has_an_account_table_for_up_to_twenty_accounts() -> None:
    twenty = [owed(f"A{i:02}", "1") for i in range(20)]
    html = age(twenty, date(2025, 1, 10)).to_html()
    assert _account_table(html) and "More than 20 accounts" not in html
    html = age([*twenty, owed("A20", "1")], date(2025, 1, 10)).to_html()
    assert not _account_table(html)
    assert "More than 20 accounts; see <code>to_records('account')</code>." in html


def test_an_account_owing_one_cent_has_its_row() -> None:
    report = age([owed("A1", "0.01"), owed("A2", "3")], date(2025, 1, 10))
    assert [(r.account_id, r.total, r.lines) for r in report.accounts] == [
        ("A1", usd("0.01"), 1),
        ("A2", usd("3"), 1),
    ]
    assert report.account("A1").band("0-30") == usd("0.01")
