"""Edges of the balancing explanations: zero terms and reports holding only warnings.

Each test pins a documented behaviour that a subtly wrong implementation would
get wrong (found by ``make mutate``); the expected texts are written by hand.
"""

from __future__ import annotations

import datetime

from billing_core.balancing import SAME_ADJUSTMENT_BOTH_LEVELS_RULE, balance_line, balancing_report
from billing_core.money import Money
from billing_core.remittance import CasAdjustment, ClaimPayment, Remittance, ServicePayment


def usd(text: str) -> Money:
    return Money(text, "USD")


def test_a_zero_term_is_shown_with_a_plus_sign() -> None:
    # A term is signed as it enters the sum; zero neither adds nor takes off, and is
    # printed as "+ ... 0.00" (only a negative term gets "-").
    line = ServicePayment(
        charge=usd("100"),
        paid=usd("90"),
        adjustments=CasAdjustment.from_cas("CO", ("45", usd("0")), ("253", usd("10"))),
    )
    check = balance_line(line, location="line 1")
    assert check.ok
    assert str(check).splitlines()[3:] == [
        "    + SVC02 charge 100.00 USD",
        "    + CAS CO-45 0.00 USD",
        "    - CAS CO-253 10.00 USD",
    ]


def test_a_report_with_only_a_warning_counts_one_problem() -> None:
    # Everything balances (100 - 10 claim CAS - 20 line CAS = 70), but CO-45 is reported
    # at both levels: one problem (the warning), in 1 transaction + 1 claim + 1 line checks.
    co45 = CasAdjustment.from_cas
    claim = ClaimPayment(
        patient_control_number="A-1",
        status="1",
        charge=usd("100"),
        paid=usd("70"),
        adjustments=co45("CO", ("45", usd("10"))),
        lines=[
            ServicePayment(
                charge=usd("100"), paid=usd("80"), adjustments=co45("CO", ("45", usd("20")))
            )
        ],
    )
    remittance = Remittance(
        payer="P",
        payee="Q",
        total_payment=usd("70"),
        payment_method="CHK",
        trace_number="T",
        paid_date=datetime.date(2024, 1, 2),
        claims=[claim],
    )
    report = balancing_report(remittance)
    assert report.failures == ()
    assert [f.rule for f in report.findings] == [SAME_ADJUSTMENT_BOTH_LEVELS_RULE]
    assert str(report).splitlines()[0] == "remittance T: 1 problem in 3 checks"


def test_a_report_with_a_failure_and_a_warning_counts_two_problems() -> None:
    # As above, but the claim says 60 paid: the claim (60 != 70) and the transaction
    # (BPR02 70 != 60) fail, and the warning stays: three problems.
    co45 = CasAdjustment.from_cas
    claim = ClaimPayment(
        patient_control_number="A-1",
        status="1",
        charge=usd("100"),
        paid=usd("60"),
        adjustments=co45("CO", ("45", usd("10"))),
        lines=[
            ServicePayment(
                charge=usd("100"), paid=usd("80"), adjustments=co45("CO", ("45", usd("20")))
            )
        ],
    )
    remittance = Remittance(
        payer="P",
        payee="Q",
        total_payment=usd("70"),
        payment_method="CHK",
        trace_number="T",
        paid_date=datetime.date(2024, 1, 2),
        claims=[claim],
    )
    report = balancing_report(remittance)
    assert len(report.failures) == 2
    assert str(report).splitlines()[0] == "remittance T: 3 problems in 3 checks"
