"""Underpayment and overpayment variance of a claim payment against its contract."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing_core.charges import Category, LineItem
from billing_core.claims import Claim
from billing_core.cob import SEQUESTRATION
from billing_core.errors import CurrencyMismatchError, Severity, ValidationError
from billing_core.fees import Contract, PercentOfCharge, expected_payment, payment_variance
from billing_core.money import Money
from billing_core.parties import Coverage, CoverageSequence, Payer, PlanBenefits
from billing_core.remittance import CasAdjustment, ClaimPayment, ServicePayment

DAY = datetime.date(2024, 3, 4)
COVERAGE = Coverage(id="COV", payer=Payer(id="acme", name="Acme"), member_id="M1",
                    sequence=CoverageSequence.PRIMARY)  # fmt: skip
CONTRACT = Contract(name="Acme PPO", currency="USD", terms=[PercentOfCharge(rate=Decimal("0.8"))])


def usd(text: str) -> Money:
    return Money(text, "USD")


def claim(*charges: str) -> Claim:
    lines = [LineItem(id=f"L{i}", category=Category.SUPPLY, service_date=DAY, charge=usd(c))
             for i, c in enumerate(charges, 1)]  # fmt: skip
    return Claim(id="CLM1", account_id="A1", patient_id="P1", coverage=COVERAGE,
                 claim_date=DAY, lines=lines)  # fmt: skip


def answer(
    line_id: str, charge: str, paid: str, **groups: tuple[tuple[str, str], ...]
) -> ServicePayment:
    adjustments = [
        a
        for group, reasons in groups.items()
        for a in CasAdjustment.from_cas(group, *((r, usd(m)) for r, m in reasons))
    ]
    return ServicePayment(
        line_control_number=line_id, charge=usd(charge), paid=usd(paid), adjustments=adjustments
    )


def payment(lines, **more) -> ClaimPayment:
    charge = Money.sum((sp.charge for sp in lines), "USD")
    claim_level = more.get("adjustments", ())
    paid = Money.sum((sp.paid for sp in lines), "USD") - Money.sum(
        (a.amount for a in claim_level), "USD"
    )
    return ClaimPayment(patient_control_number="CLM1", status="1", charge=charge, paid=paid,
                        lines=lines, **more)  # fmt: skip


def test_paid_as_contracted():
    # 80% of 125.00 = 100.00 allowed: paid 80 + coinsurance 20 = 100: no variance.
    paid = payment([answer("L1", "125", "80", CO=(("45", "25"),), PR=(("2", "20"),))])
    report = payment_variance(claim("125"), paid, CONTRACT)
    assert report.ok and report.variance == usd("0")
    assert str(report) == (
        "claim CLM1 under Acme PPO: paid as contracted\n"
        "  L1: paid 80.00 USD + patient 20.00 USD + reductions 0.00 USD = 100.00 USD"
        " vs contract 100.00 USD: as contracted"
    )


def test_underpaid_and_overpaid_lines():
    # L1: allowed 80% of 125 = 100; paid 70 + PR 20 = 90: underpaid by 10.
    # L2: allowed 80% of 50 = 40; paid 45 + PR 0 = 45: overpaid by 5. Claim: -10 + 5 = -5.
    paid = payment([
        answer("L1", "125", "70", CO=(("45", "35"),), PR=(("2", "20"),)),
        answer("L2", "50", "45", CO=(("45", "5"),)),
    ])  # fmt: skip
    report = payment_variance(claim("125", "50"), paid, CONTRACT)
    assert [line.variance for line in report.lines] == [usd("-10"), usd("5")]
    assert report.variance == usd("-5")
    assert [(f.rule, f.severity) for f in report.findings] == [
        ("contract.underpaid", Severity.WARNING),
        ("contract.overpaid", Severity.WARNING),
    ]
    assert report.findings[0].location == "claim 'CLM1' line 'L1'"
    records = report.to_records()
    assert [(r["line_id"], r["variance"]) for r in records] == [
        ("L1", Decimal("-10.00")),
        ("L2", Decimal("5.00")),
    ]


def test_claim_level_adjustments_count_in_the_claim_total():
    # Allowed 80% of 125 = 100. The payer paid the line 100 (CO-45 25) and took the 20
    # coinsurance at claim level: CLP04 = 100 - 20 = 80. Claim: 80 paid + 20 PR = 100: paid as
    # contracted, and so is the line (100 paid, no line PR).
    paid = payment([answer("L1", "125", "100", CO=(("45", "25"),))],
                   adjustments=CasAdjustment.from_cas("PR", ("2", usd("20"))))  # fmt: skip
    report = payment_variance(claim("125"), paid, CONTRACT)
    assert report.ok, report.findings
    assert (report.paid, report.patient, report.expected) == (usd("80"), usd("20"), usd("100"))
    # A claim-level CO-45 of 10 more: CLP04 70 + PR 20 = 90 vs 100: the claim is 10 short
    # although the line looks paid in full; the finding is at the claim level.
    short = payment([answer("L1", "125", "100", CO=(("45", "25"),))],
                    adjustments=CasAdjustment.from_cas("PR", ("2", usd("20")))
                    + CasAdjustment.from_cas("CO", ("45", usd("10"))))  # fmt: skip
    report = payment_variance(claim("125"), short, CONTRACT)
    assert report.variance == usd("-10") and report.lines[0].ok
    assert [(f.location, f.rule) for f in report.findings] == [
        ("claim 'CLM1'", "contract.underpaid")
    ]
    assert (
        report.findings[0].message
        == "90.00 USD paid and owed vs contract 100.00 USD: variance -10.00 USD"
    )


def test_contract_reductions_are_part_of_the_allowed_amount():
    # Medicare-like: allowed 100 (80% of 125), deductible met, 20% coinsurance = 20, 80 less 2%
    # sequestration (1.60) = 78.40 paid. paid 78.40 + PR 20 + CO-253 1.60 = 100: no variance.
    medicare = Contract(
        name="Medicare", currency="USD", terms=CONTRACT.terms, reductions=[SEQUESTRATION]
    )
    paid = payment(
        [answer("L1", "125", "78.40", CO=(("45", "25"), ("253", "1.60")), PR=(("2", "20"),))]
    )
    report = payment_variance(claim("125"), paid, medicare)
    assert report.ok, report.findings
    assert report.lines[0].reductions == usd("1.60")
    # Under a contract without the reduction, the same payment is 1.60 short.
    assert payment_variance(claim("125"), paid, CONTRACT).variance == usd("-1.60")


def test_lines_only_one_side_has_are_findings():
    paid = payment([answer("L1", "125", "80", CO=(("45", "25"),), PR=(("2", "20"),)),
                    answer("L9", "10", "10")])  # fmt: skip
    report = payment_variance(claim("125", "50"), paid, CONTRACT)
    # The claim: 90 paid + 20 PR = 110 against 100 + 40 (L2, 80% of 50, unanswered) = 140.
    assert {(f.location, f.rule) for f in report.findings} == {
        ("claim 'CLM1' line 'L2'", "contract.unmatched_line"),
        ("claim 'CLM1' remitted line 'L9'", "contract.unmatched_line"),
        ("claim 'CLM1'", "contract.underpaid"),
    }
    assert report.variance == usd("-30")


def test_bad_input_gets_a_clear_error():
    paid = payment([answer("L1", "125", "100", CO=(("45", "25"),))])
    with pytest.raises(
        ValidationError, match="'CLM9' is not claim 'CLM1': the payment is for another claim"
    ):
        payment_variance(claim("125"), attrs_evolve(paid, patient_control_number="CLM9"), CONTRACT)
    with pytest.raises(ValidationError, match="a reversal \\(status 22\\) undoes a payment"):
        payment_variance(claim("125"), paid.as_reversal(), CONTRACT)
    euro = Contract(name="E", currency="EUR", terms=CONTRACT.terms)
    with pytest.raises(
        CurrencyMismatchError, match="the claim payment is in USD, contract 'E' in EUR"
    ):
        payment_variance(claim("125"), paid, euro)
    with pytest.raises(TypeError, match="contract must be a Contract"):
        payment_variance(claim("125"), paid, "Acme")  # type: ignore[arg-type]


def attrs_evolve(obj, **changes):
    import attrs

    return attrs.evolve(obj, **changes)


@given(
    st.lists(st.integers(0, 500_000), min_size=1, max_size=5),
    st.integers(0, 10**6),
    st.integers(0, 300_000),
    st.integers(0, 10**6),
    st.booleans(),
)
def test_variance_is_zero_when_the_payer_pays_the_contract(
    charges, rate_millionths, deductible, coins, seq
):
    # The payer answers exactly as expected_payment predicts: every line's variance is zero.
    contract = Contract(
        name="C",
        currency="USD",
        terms=[PercentOfCharge(rate=Decimal(rate_millionths).scaleb(-6))],
        reductions=[SEQUESTRATION] if seq else [],
    )
    ours = claim(*(str(Money.from_minor(c, "USD").amount) for c in charges))
    plan = PlanBenefits(deductible=Money.from_minor(deductible, "USD"),
                        coinsurance_rate=Decimal(coins).scaleb(-6))  # fmt: skip
    expected = expected_payment(ours, contract, plan)
    lines = [line.as_service_payment() for line in expected.lines]
    answer_ = ClaimPayment(patient_control_number="CLM1", status="1", charge=ours.total_charge,
                           paid=expected.plan_pays, lines=lines)  # fmt: skip
    report = payment_variance(ours, answer_, contract)
    assert report.ok
    assert all(line.variance.minor == 0 for line in report.lines)
    assert report.variance.minor == 0
