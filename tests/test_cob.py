"""Secondary payment calculators: known answers from published worked examples, and properties.

Sources of the known answers (each test says which):

- 42 CFR 411.33(b), the regulation's own worked example of the Medicare
  secondary payment (charge $175, primary allowed $150 and paid $120,
  Medicare fee schedule $125, deductible met: Medicare pays $30).
- Open Dental's manual, COB "Basic" method (secondary allowed $110 or $90,
  primary paid $80 or $50): the lesser of the normal benefit and the
  secondary allowed amount minus the primary's payment.
- Priority Health's provider manual, "traditional" method examples (charge $200).
- Dentrix Ascend's support note on COB methods: maintenance of benefits and
  carve-out/non-duplication on a $125 secondary allowed amount, primary paid
  $75, secondary coverage 75%.
- First Coast Service Options (a Medicare contractor), "Federal sequestration
  payment reductions": approved $100, $50 deductible, 80% -> $40, 2% of $40 =
  $0.80 withheld, paid $39.20 (CARC 253).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing_core.cob import (
    SEQUESTRATION,
    CobMethod,
    PaymentReduction,
    apply_reduction,
    maintenance_of_benefits,
    medicare_secondary_payment,
    non_duplication,
    standard_cob,
)
from billing_core.errors import BillingError, CurrencyMismatchError, InvalidAmountError
from billing_core.money import Money, RoundingMode


def usd(text: str) -> Money:
    return Money(text, "USD")


# --------------------------------------------------------------------------- MSP


def test_msp_regulation_example():
    # 42 CFR 411.33(b): (1) 175 - 120 = 55; (2) 0.80 x 125 = 100; (3) max(150, 125) - 120 = 30.
    paid = medicare_secondary_payment(
        charge=usd("175"),
        primary_paid=usd("120"),
        primary_allowed=usd("150"),
        medicare_allowed=usd("125"),
        medicare_primary_payment=usd("100"),
    )
    assert paid.method is CobMethod.MEDICARE_SECONDARY
    assert paid.amount == usd("30.00")
    assert [m for _, m in paid.candidates] == [usd("55"), usd("100"), usd("30")]
    assert "the lowest of" in str(paid)


def test_msp_obligated_to_accept_caps_the_charge():
    # Hand-worked from the same example: an OTAF of 140 (below the 175 charge) makes
    # term (1) 140 - 120 = 20, now the lowest of 20, 100, 30.
    paid = medicare_secondary_payment(
        charge=usd("175"),
        primary_paid=usd("120"),
        primary_allowed=usd("150"),
        medicare_allowed=usd("125"),
        medicare_primary_payment=usd("100"),
        obligated_to_accept=usd("140"),
    )
    assert paid.amount == usd("20.00")
    assert paid.candidates[0][0].startswith("obligated to accept 140.00 USD")


def test_msp_pays_nothing_when_the_primary_paid_more_than_medicare_allows():
    # Hand-worked: primary paid 130 of a 130 allowed; Medicare allows 100:
    # (3) max(100, 130) - 130 = 0.
    paid = medicare_secondary_payment(
        charge=usd("175"),
        primary_paid=usd("130"),
        primary_allowed=usd("130"),
        medicare_allowed=usd("100"),
        medicare_primary_payment=usd("80"),
    )
    assert paid.amount == usd("0")


# --------------------------------------------------------------------------- standard COB


@pytest.mark.parametrize(
    ("primary_paid", "secondary_allowed", "secondary_rate", "expected"),
    [
        # Open Dental "Basic": the lesser of the normal benefit and allowed - primary paid.
        ("80", "110", "0.80", "30"),  # normal 88.00; 110 - 80 = 30
        ("80", "90", "0.80", "10"),  # normal 72.00; 90 - 80 = 10
        ("50", "110", "0.50", "55"),  # normal 55.00; 110 - 50 = 60
        ("50", "90", "0.50", "40"),  # normal 45.00; 90 - 50 = 40
    ],
)
def test_standard_cob_open_dental_examples(
    primary_paid, secondary_allowed, secondary_rate, expected
):
    normal = usd(secondary_allowed).multiply(Decimal(secondary_rate), rounding=RoundingMode.HALF_UP)
    paid = standard_cob(
        primary_paid=usd(primary_paid), allowable=usd(secondary_allowed), normal_benefit=normal
    )
    assert paid.method is CobMethod.STANDARD
    assert paid.amount == usd(expected)


def test_standard_cob_priority_health_examples():
    # Example 1: lowest allowable 178.00, primary paid 80.00 -> 98.00 (142.40 available).
    one = standard_cob(primary_paid=usd("80"), allowable=usd("178"), normal_benefit=usd("142.40"))
    assert one.amount == usd("98.00")
    # Example 2: allowable 150.00, primary paid 70.00 -> 80.00 remaining, but the benefit is 40.00.
    two = standard_cob(primary_paid=usd("70"), allowable=usd("150"), normal_benefit=usd("40"))
    assert two.amount == usd("40.00")


# --------------------------------------------------------------------------- non-duplication, MOB


def test_non_duplication_dentrix_example():
    # Secondary normal benefit 75% of 125.00 = 93.75, minus the primary's 75.00 = 18.75.
    paid = non_duplication(primary_paid=usd("75"), normal_benefit=usd("93.75"))
    assert paid.method is CobMethod.NON_DUPLICATION
    assert paid.amount == usd("18.75")
    assert str(paid).endswith("normal benefit 93.75 USD - primary paid 75.00 USD = 18.75 USD")


def test_non_duplication_pays_nothing_when_the_primary_paid_as_much():
    assert non_duplication(primary_paid=usd("100"), normal_benefit=usd("80")).amount == usd("0")


def test_maintenance_of_benefits_dentrix_example():
    # (125.00 - 75.00) x 75% = 37.50 (the patient's 25% coinsurance is 12.50).
    paid = maintenance_of_benefits(
        primary_paid=usd("75"), allowed=usd("125"), coinsurance_rate=Decimal("0.25")
    )
    assert paid.method is CobMethod.MAINTENANCE_OF_BENEFITS
    assert paid.amount == usd("37.50")


def test_maintenance_of_benefits_applies_the_deductible_first():
    # Hand-worked: 125 - 75 = 50; deductible 20 -> 30; coinsurance 25% of 30 = 7.50; pays 22.50.
    paid = maintenance_of_benefits(
        primary_paid=usd("75"),
        allowed=usd("125"),
        coinsurance_rate=Decimal("0.25"),
        deductible_remaining=usd("20"),
    )
    assert paid.amount == usd("22.50")


def test_maintenance_of_benefits_rounds_the_coinsurance_once():
    # Hand-worked: (100.00 - 66.67) = 33.33; 15% = 4.9995 -> 5.00 half-up, 4.99 down.
    args = {
        "primary_paid": usd("66.67"),
        "allowed": usd("100"),
        "coinsurance_rate": Decimal("0.15"),
    }
    assert maintenance_of_benefits(**args).amount == usd("28.33")
    assert maintenance_of_benefits(**args, rounding=RoundingMode.DOWN).amount == usd("28.34")


# --------------------------------------------------------------------------- reductions


def test_sequestration_first_coast_example():
    # Approved 100.00, 50.00 deductible, 80% of the 50.00 left = 40.00; 2% of 40.00 = 0.80.
    reduced = apply_reduction(usd("40.00"), SEQUESTRATION)
    assert reduced.reduced_by == usd("0.80")
    assert reduced.paid == usd("39.20")
    assert reduced.adjustment.key == "CO-253"
    assert reduced.adjustment.amount == usd("0.80")


@pytest.mark.parametrize(
    ("mode", "withheld"),
    [
        # 2% of 33.33 = 0.6666
        (RoundingMode.HALF_UP, "0.67"),
        (RoundingMode.DOWN, "0.66"),
        (RoundingMode.HALF_EVEN, "0.67"),
    ],
)
def test_reduction_rounding_is_explicit(mode, withheld):
    assert apply_reduction(usd("33.33"), SEQUESTRATION, rounding=mode).reduced_by == usd(withheld)


def test_a_reduction_of_your_own():
    surcharge = PaymentReduction(name="state assessment", rate=Decimal("0.015"), reason="223")
    # 1.5% of 200.00 = 3.00
    assert apply_reduction(usd("200"), surcharge).paid == usd("197.00")
    assert str(surcharge) == "state assessment 1.5% (CO-223)"


# --------------------------------------------------------------------------- bad input


def test_bad_input_gets_a_clear_error():
    with pytest.raises(InvalidAmountError, match="primary_paid must not be negative, got -1.00"):
        standard_cob(primary_paid=usd("-1"), allowable=usd("10"), normal_benefit=usd("5"))
    with pytest.raises(CurrencyMismatchError, match="allowable is in EUR, primary_paid is in USD"):
        standard_cob(primary_paid=usd("1"), allowable=Money("10", "EUR"), normal_benefit=usd("5"))
    with pytest.raises(TypeError, match="normal_benefit must be a Money, got '5' \\(str\\)"):
        non_duplication(primary_paid=usd("1"), normal_benefit="5")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="coinsurance_rate must be a Decimal"):
        maintenance_of_benefits(primary_paid=usd("1"), allowed=usd("2"), coinsurance_rate=0.2)  # type: ignore[arg-type]
    with pytest.raises(InvalidAmountError, match="coinsurance_rate must be between 0 and 1"):
        maintenance_of_benefits(
            primary_paid=usd("1"), allowed=usd("2"), coinsurance_rate=Decimal(2)
        )
    with pytest.raises(InvalidAmountError, match="at most 6 decimal places"):
        PaymentReduction(name="x", rate=Decimal("0.0000001"), reason="253")
    with pytest.raises(InvalidAmountError, match="payment must not be negative"):
        apply_reduction(usd("-5"), SEQUESTRATION)
    with pytest.raises(BillingError):
        medicare_secondary_payment(
            charge=usd("1"),
            primary_paid=usd("1"),
            primary_allowed=usd("1"),
            medicare_allowed=usd("1"),
            medicare_primary_payment=usd("-1"),
        )


# --------------------------------------------------------------------------- properties

cents = st.integers(0, 10**9)


@given(cents, cents, cents)
def test_standard_cob_never_pays_past_the_allowable(paid, allowable, normal):
    result = standard_cob(
        primary_paid=Money.from_minor(paid, "USD"),
        allowable=Money.from_minor(allowable, "USD"),
        normal_benefit=Money.from_minor(normal, "USD"),
    ).amount.minor
    assert 0 <= result <= normal
    assert paid + result <= max(allowable, paid)


@given(cents, cents)
def test_non_duplication_brings_the_total_to_at_most_the_normal_benefit(paid, normal):
    result = non_duplication(
        primary_paid=Money.from_minor(paid, "USD"), normal_benefit=Money.from_minor(normal, "USD")
    ).amount.minor
    assert result >= 0
    assert paid + result == max(paid, normal)


@given(cents, cents, cents, cents, cents)
def test_msp_is_the_lowest_candidate_never_below_zero(charge, paid, p_allowed, m_allowed, m_pays):
    result = medicare_secondary_payment(
        charge=Money.from_minor(charge, "USD"),
        primary_paid=Money.from_minor(paid, "USD"),
        primary_allowed=Money.from_minor(p_allowed, "USD"),
        medicare_allowed=Money.from_minor(m_allowed, "USD"),
        medicare_primary_payment=Money.from_minor(m_pays, "USD"),
    ).amount.minor
    assert result == max(0, min(charge - paid, m_pays, max(p_allowed, m_allowed) - paid))


@given(cents, st.integers(0, 10**6))
def test_a_reduction_never_takes_more_than_the_payment(paid, millionths):
    reduction = PaymentReduction(name="r", rate=Decimal(millionths).scaleb(-6), reason="253")
    result = apply_reduction(Money.from_minor(paid, "USD"), reduction)
    assert 0 <= result.reduced_by.minor <= paid
    assert result.paid + result.reduced_by == Money.from_minor(paid, "USD")
