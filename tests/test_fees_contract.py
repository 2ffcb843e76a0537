"""Contract pricing and the payment to expect: every figure worked out by hand in its comment."""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing_core.charges import Category, LineItem, UnitBasis
from billing_core.claims import Claim
from billing_core.cob import SEQUESTRATION
from billing_core.codes import ProcedureCode
from billing_core.errors import CurrencyMismatchError, InvalidAmountError
from billing_core.fees import (
    BILATERAL,
    Contract,
    FeeSchedule,
    FeeScheduleEntry,
    FixedFee,
    LinePrice,
    ModifierRule,
    MultipleProcedureRule,
    PercentOfCharge,
    PercentOfSchedule,
    PerDiem,
    expected_payment,
    price_claim,
    price_lines,
)
from billing_core.money import Money, RoundingMode
from billing_core.parties import Coverage, CoverageSequence, Payer, PlanBenefits

DAY = datetime.date(2024, 3, 4)


def usd(text: str) -> Money:
    return Money(text, "USD")


def procedure(line_id: str, code: str, charge: str, *modifiers: str, units=1) -> LineItem:
    return LineItem(
        id=line_id,
        category=Category.PROCEDURE,
        service_date=DAY,
        procedure=ProcedureCode("CPT", code, modifiers),
        charge=usd(charge),
        units=units,
    )


SCHEDULE = FeeSchedule(
    name="Acme 2024",
    currency="USD",
    entries=[
        FeeScheduleEntry(code=code, amount=usd(amount), start=datetime.date(2024, 1, 1), **more)
        for code, amount, more in [
            ("99214", "120.00", {}),
            ("11042", "200.00", {}),
            ("11045", "80.00", {}),
            ("11046", "300.00", {}),
            ("27447", "1500.00", {}),
            ("71046", "36.60", {}),
            ("71046", "9.45", {"modifier": "26"}),
            ("93000", "20.00", {}),
        ]
    ],
)


def allowed(prices) -> list[str | None]:
    return [None if p.allowed is None else str(p.allowed.amount) for p in prices]


def test_percent_of_schedule_per_unit_and_lesser_of_charge():
    # 120% of the schedule: 99214 120.00 -> 144.00; 93000 20.00 x 3 units = 60 -> 72.00 but
    # charged 65.00: the lesser of the two is 65.00.
    contract = Contract(
        name="C", currency="USD", terms=[PercentOfSchedule(schedule=SCHEDULE, rate=Decimal("1.2"))]
    )
    lines = [procedure("L1", "99214", "180.00"), procedure("L2", "93000", "65.00", units=3)]
    prices = price_lines(lines, contract)
    assert allowed(prices) == ["144.00", "65.00"]
    assert (
        prices[1].basis
        == "120% of Acme 2024 20.00 USD x 3 units; lesser of charge 65.00 USD and 72.00 USD"
    )
    no_lesser = attrs.evolve(contract, lesser_of_charge=False)
    assert allowed(price_lines(lines, no_lesser)) == ["144.00", "72.00"]


def test_carve_outs_percent_of_charge_and_per_diem():
    # Terms in order: drugs at 65% of charge (a carve-out), implants (rev. 0278) at a fixed 900,
    # room days at 1,250 a day, everything else at the schedule.
    contract = Contract(
        name="Hospital",
        currency="USD",
        terms=[
            PercentOfCharge(rate=Decimal("0.65"), categories=[Category.DRUG]),
            FixedFee(amount=usd("900"), codes=["0278"]),
            PerDiem(amount=usd("1250")),
            PercentOfSchedule(schedule=SCHEDULE),
        ],
    )
    drug = LineItem(id="D1", category=Category.DRUG, service_date=DAY, charge=usd("46.14"),
                    procedure=ProcedureCode("HCPCS", "J1100"), units=Decimal("2.5"))  # fmt: skip
    implant = LineItem(id="I1", category=Category.SUPPLY, service_date=DAY, charge=usd("2400"),
                       revenue_code="0278")  # fmt: skip
    room = LineItem(id="R1", category=Category.ROOM, service_date=DAY, charge=usd("5400"),
                    revenue_code="0110", units=3, unit_basis=UnitBasis.DAYS)  # fmt: skip
    supply = LineItem(id="S1", category=Category.SUPPLY, service_date=DAY, charge=usd("42.30"),
                      revenue_code="0270")  # fmt: skip
    prices = price_lines(
        [drug, implant, room, procedure("L1", "99214", "180.00"), supply], contract
    )
    # drug: 46.14 x 0.65 = 29.991 -> 29.99; implant 900; room 3 x 1250 = 3750; visit 120; the
    # supply line is priced by no term (0270 is not on the schedule): not covered.
    assert allowed(prices) == ["29.99", "900.00", "3750.00", "120.00", None]
    assert str(prices[4]) == "S1: not priced by the contract (no term applies)"


def test_bilateral_and_component_modifiers():
    # 27447-50: 150% of 1500 = 2250 (charged 4000). 71046-26 has its own row (9.45), so the
    # 40% split rule leaves it alone; 93000-26 has none: 40% of 20.00 = 8.00.
    split = ModifierRule(modifier="26", rate=Decimal("0.4"))
    contract = Contract(name="C", currency="USD", terms=[PercentOfSchedule(schedule=SCHEDULE)],
                        rules=[BILATERAL, split])  # fmt: skip
    lines = [
        procedure("L1", "27447", "4000", "50"),
        procedure("L2", "71046", "50", "26"),
        procedure("L3", "93000", "50", "26"),
    ]
    prices = price_lines(lines, contract)
    assert allowed(prices) == ["2250.00", "9.45", "8.00"]
    assert prices[0].basis.endswith(", modifier 50 150%")


def test_multiple_procedure_reduction_100_50_50():
    # Three debridement codes on one day, priced 200, 80 and 300: ranked 300 (100%), 200 (50%
    # -> 100), 80 (50% -> 40). 99214 is not in the list and keeps 120.
    rule = MultipleProcedureRule(codes=["11042", "11045", "11046"])
    contract = Contract(
        name="C", currency="USD", terms=[PercentOfSchedule(schedule=SCHEDULE)], rules=[rule]
    )
    lines = [
        procedure("L1", "11042", "500"),
        procedure("L2", "11045", "500", "51"),
        procedure("L3", "11046", "500", "51"),
        procedure("L4", "99214", "500", "25"),
    ]
    assert allowed(price_lines(lines, contract)) == ["100.00", "40.00", "300.00", "120.00"]
    # Ranks 100/50/25: the third at 25% -> 80 x 0.25 = 20.
    steep = MultipleProcedureRule(
        codes=rule.codes, rates=[Decimal(1), Decimal("0.5"), Decimal("0.25")]
    )
    steeper = attrs.evolve(contract, rules=[steep])
    assert allowed(price_lines(lines, steeper)) == ["100.00", "20.00", "300.00", "120.00"]


def test_ties_rank_in_line_order():
    rule = MultipleProcedureRule(codes=["11042"])
    line = procedure("L1", "11042", "1")
    prices = [
        LinePrice(line=line, amount=Fraction(100)),
        LinePrice(line=line, amount=Fraction(100)),
    ]
    assert rule.factors(prices) == (Fraction(1), Fraction(1, 2))


def test_a_rule_of_your_own():
    class HalfOffSupplies:
        def factors(self, prices):
            return [
                Fraction(1, 2) if p.line.category is Category.SUPPLY else Fraction(1)
                for p in prices
            ]

    contract = Contract(name="C", currency="USD", terms=[PercentOfCharge(rate=Decimal(1))],
                        rules=[HalfOffSupplies()])  # fmt: skip
    supply = LineItem(id="S1", category=Category.SUPPLY, service_date=DAY, charge=usd("42.30"))
    # 42.30 x 1 x 1/2 = 21.15
    assert allowed(price_lines([supply], contract)) == ["21.15"]


def test_rounding_happens_once_per_line():
    # 33% of 0.05 per unit x 3 units = 0.0495 exactly -> 0.05 half-up, 0.04 down (rounding per
    # unit first would give 0.02 x 3 = 0.06).
    nickel = FeeScheduleEntry(code="99214", amount=usd("0.05"), start=datetime.date(2024, 1, 1))
    fees = FeeSchedule(name="F", currency="USD", entries=[nickel])
    contract = Contract(
        name="C", currency="USD", terms=[PercentOfSchedule(schedule=fees, rate=Decimal("0.33"))]
    )
    assert allowed(price_lines([procedure("L1", "99214", "1", units=3)], contract)) == ["0.05"]
    down = Contract(name="C", currency="USD", rounding=RoundingMode.DOWN, terms=contract.terms)
    assert allowed(price_lines([procedure("L1", "99214", "1", units=3)], down)) == ["0.04"]


def _claim(lines, benefits=None) -> Claim:
    coverage = Coverage(id="COV", payer=Payer(id="mcare", name="Medicare"), member_id="M1",
                        sequence=CoverageSequence.PRIMARY, benefits=benefits)  # fmt: skip
    return Claim(id="CLM1", account_id="A1", patient_id="P1", coverage=coverage,
                 claim_date=DAY, lines=lines)  # fmt: skip


def test_expected_payment_with_medicare_sequestration():
    # Medicare pays 80% of its fee schedule after the deductible, less 2% (CO-253).
    # 99214 at 120.00 (charged 180), 50 of the deductible left: 50 deductible, 20% of 70 = 14
    # coinsurance; 56 before sequestration, 2% = 1.12 withheld: pays 54.88.
    medicare = Contract(
        name="Medicare",
        currency="USD",
        terms=[PercentOfSchedule(schedule=SCHEDULE)],
        reductions=[SEQUESTRATION],
    )
    part_b = PlanBenefits(deductible=usd("50"), coinsurance_rate=Decimal("0.2"))
    expected = expected_payment(_claim([procedure("L1", "99214", "180")], part_b), medicare)
    line = expected.lines[0]
    assert (line.allowed, line.deductible, line.coinsurance, line.plan_pays) == (
        usd("120"), usd("50"), usd("14"), usd("54.88"),
    )  # fmt: skip
    assert [str(a) for a in line.adjustments] == [
        "CO-45 60.00 USD", "PR-1 50.00 USD", "PR-2 14.00 USD", "CO-253 1.12 USD",
    ]  # fmt: skip


def test_a_line_no_term_prices_is_not_covered_in_the_expected_payment():
    contract = Contract(name="C", currency="USD", terms=[PercentOfSchedule(schedule=SCHEDULE)])
    claim = _claim([procedure("L1", "99214", "180"), procedure("L2", "99999", "75")])
    expected = expected_payment(claim, contract, PlanBenefits())
    assert [ln.covered for ln in expected.lines] == [True, False]
    assert expected.plan_pays == usd("120")
    assert [p.line.id for p in price_claim(claim, contract)] == ["L1", "L2"]


def test_bad_contracts_are_refused():
    with pytest.raises(CurrencyMismatchError, match="terms\\[0\\] is in USD, the contract in EUR"):
        Contract(name="C", currency="EUR", terms=[PercentOfSchedule(schedule=SCHEDULE)])
    with pytest.raises(
        InvalidAmountError, match="percent of schedule.rate must be between 0 and 10"
    ):
        PercentOfSchedule(schedule=SCHEDULE, rate=Decimal(11))
    with pytest.raises(InvalidAmountError, match="percent of charge.rate must be between 0 and 1"):
        PercentOfCharge(rate=Decimal("-0.5"))
    with pytest.raises(TypeError, match="contract.terms\\[0\\] must be a contract term"):
        Contract(name="C", currency="USD", terms=["70%"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="codes must be a collection of codes, not one str"):
        FixedFee(amount=usd("1"), codes="0278")
    with pytest.raises(InvalidAmountError, match="FixedFee.amount must not be negative"):
        FixedFee(amount=usd("-1"))
    contract = Contract(name="C", currency="USD", terms=[PercentOfCharge(rate=Decimal("0.5"))])
    euro = LineItem(id="E1", category=Category.SUPPLY, service_date=DAY, charge=Money("1", "EUR"))
    with pytest.raises(CurrencyMismatchError, match="line 'E1' is in EUR, contract 'C' in USD"):
        price_lines([euro], contract)


@given(st.integers(0, 10**8), st.integers(0, 10**6), st.booleans())
def test_the_allowed_amount_never_exceeds_the_charge_under_lesser_of(charge, millionths, lesser):
    contract = Contract(name="C", currency="USD", lesser_of_charge=lesser,
                        terms=[PercentOfCharge(rate=Decimal(millionths).scaleb(-6))])  # fmt: skip
    line = LineItem(
        id="L1", category=Category.SUPPLY, service_date=DAY, charge=Money.from_minor(charge, "USD")
    )
    price = price_lines([line], contract)[0].allowed
    assert price is not None and 0 <= price.minor <= charge
