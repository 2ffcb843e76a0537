"""Edges of aging that a subtly wrong implementation would get wrong.

Each test pins a documented behaviour found missing by ``make mutate``; the
expected values are worked out by hand.
"""

from __future__ import annotations

from datetime import date

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
