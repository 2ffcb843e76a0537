"""Patient responsibility estimates: known answers worked out by hand, bad input.

Every expected figure is worked out in the comment above it from the inputs
of the test; the property tests are in test_benefits_properties.py.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from billing_core.benefits import (
    Accumulators,
    CopayMode,
    CopayPer,
    CostSharingRules,
    PricedLine,
    check_accumulators,
    compare_estimate,
    estimate,
)
from billing_core.charges import Category, DocumentKind, DocumentRef, LineItem, PatientAuthorization
from billing_core.cob import SEQUESTRATION
from billing_core.errors import CurrencyMismatchError, InvalidAmountError, NotFoundError
from billing_core.money import Money
from billing_core.parties import PlanBenefits
from billing_core.remittance import CasAdjustment, ClaimPayment, ServicePayment

DAY = datetime.date(2024, 3, 4)


def usd(text: str) -> Money:
    return Money(text, "USD")


def line(line_id: str, charge: str, allowed: str | None, day: datetime.date = DAY, **more):
    return PricedLine(
        line_id=line_id,
        service_date=day,
        charge=usd(charge),
        allowed=None if allowed is None else usd(allowed),
        **more,
    )


def met(deductible: str, oop: str) -> Accumulators:
    return Accumulators(deductible_met=usd(deductible), out_of_pocket_met=usd(oop))


def amounts(est, *fields):
    return [tuple(str(getattr(ln, f).amount) for f in fields) for ln in est.lines]


def test_deductible_coinsurance_and_contractual():
    # The walkthrough's visit: allowed 120, 30, 600, 30, 70 (charges 180, 46.14, 850, 42.30,
    # 89.90); deductible 500 with 200 met leaves 300; coinsurance 20%.
    # In order: L1 120 all deductible (180 left... 300 - 120 = 180 left); L2 30 deductible (150
    # left); L3 150 deductible + 20% of 450 = 90; L4 20% of 30 = 6; L5 20% of 70 = 14.
    plan = PlanBenefits(deductible=usd("500"), coinsurance_rate=Decimal("0.2"))
    lines = [
        line("L1", "180.00", "120.00"),
        line("L2", "46.14", "30.00"),
        line("L3", "850.00", "600.00"),
        line("L4", "42.30", "30.00"),
        line("L5", "89.90", "70.00"),
    ]
    est = estimate(lines, plan, met("200", "200"))
    assert amounts(est, "deductible", "coinsurance", "plan_pays") == [
        ("120.00", "0.00", "0.00"),
        ("30.00", "0.00", "0.00"),
        ("150.00", "90.00", "360.00"),
        ("0.00", "6.00", "24.00"),
        ("0.00", "14.00", "56.00"),
    ]
    # patient 300 + 110 = 410; plan 850 - 410 = 440; contractual 1208.34 - 850 = 358.34
    assert est.patient_pays == usd("410.00")
    assert est.plan_pays == usd("440.00")
    assert est.submitted - est.allowed == usd("358.34")
    assert est.accumulators_after == met("500", "610")
    assert [str(a) for a in est.line("L3").adjustments] == [
        "CO-45 250.00 USD",
        "PR-1 150.00 USD",
        "PR-2 90.00 USD",
    ]


def test_medicare_deductible_coinsurance_and_sequestration():
    # First Coast's sequestration example: approved 100, 50 of the deductible left, 80% -> 40,
    # 2% withheld: 0.80; paid 39.20; the patient owes 50 + 10 = 60.
    plan = PlanBenefits(deductible=usd("240"), coinsurance_rate=Decimal("0.2"))
    est = estimate([line("L1", "130", "100")], plan, met("190", "190"), reductions=[SEQUESTRATION])
    only = est.lines[0]
    assert (only.deductible, only.coinsurance, only.plan_pays) == (
        usd("50"),
        usd("10"),
        usd("39.20"),
    )
    assert est.reduced == usd("0.80")
    assert only.patient_pays == usd("60")
    assert [a.key for a in only.adjustments] == ["CO-45", "PR-1", "PR-2", "CO-253"]


def test_out_of_pocket_maximum_reached_mid_visit():
    # OOP max 1000 with 900 met: 100 left; deductible met; coinsurance 20%.
    # L1 allowed 300: 60 coinsurance (40 left). L2 allowed 400: 80 capped to 40; plan 360.
    # L3 allowed 200: nothing left, plan pays 200.
    plan = PlanBenefits(
        deductible=usd("500"), coinsurance_rate=Decimal("0.2"), out_of_pocket_max=usd("1000")
    )
    lines = [line("L1", "350", "300"), line("L2", "450", "400"), line("L3", "250", "200")]
    est = estimate(lines, plan, met("500", "900"))
    assert amounts(est, "coinsurance", "plan_pays") == [
        ("60.00", "240.00"),
        ("40.00", "360.00"),
        ("0.00", "200.00"),
    ]
    assert est.accumulators_after.out_of_pocket_met == usd("1000.00")


def test_the_cap_takes_coinsurance_then_copay_then_deductible():
    # OOP 70 left, deductible 50 left, copay 30, 20% coinsurance; allowed 200:
    # deductible 50, copay 30, coinsurance 20% of 120 = 24 -> 104, 34 over the cap:
    # coinsurance 24 -> 0 (10 left to take), copay 30 -> 20; deductible stays 50. Patient 70.
    plan = PlanBenefits(
        deductible=usd("100"),
        copay=usd("30"),
        coinsurance_rate=Decimal("0.2"),
        out_of_pocket_max=usd("1000"),
    )
    est = estimate([line("L1", "250", "200")], plan, met("50", "930"))
    assert amounts(est, "deductible", "copay", "coinsurance", "plan_pays") == [
        ("50.00", "20.00", "0.00", "130.00")
    ]


@pytest.mark.parametrize(
    ("rules", "expected", "deductible_met"),
    [
        # Deductible 500 (nothing met), copay 30, coinsurance 20%; office visit allowed 100.
        # Default: the deductible first takes all 100; no copay, no coinsurance.
        (CostSharingRules(), ("100.00", "0.00", "0.00", "0.00"), "100.00"),
        # Waived for copay lines: copay 30, coinsurance 20% of 70 = 14; plan 56.
        (
            CostSharingRules(deductible_waived_for_copay=True),
            ("0.00", "30.00", "14.00", "56.00"),
            "0.00",
        ),
        # ... and the copay counts toward the deductible: 30 met.
        (
            CostSharingRules(deductible_waived_for_copay=True, copay_counts_toward_deductible=True),
            ("0.00", "30.00", "14.00", "56.00"),
            "30.00",
        ),
        # Copay instead of coinsurance: copay 30 only; plan 70.
        (
            CostSharingRules(
                deductible_waived_for_copay=True, copay_mode=CopayMode.INSTEAD_OF_COINSURANCE
            ),
            ("0.00", "30.00", "0.00", "70.00"),
            "0.00",
        ),
    ],
)
def test_plan_switches(rules, expected, deductible_met):
    plan = PlanBenefits(deductible=usd("500"), copay=usd("30"), coinsurance_rate=Decimal("0.2"))
    est = estimate([line("L1", "150", "100")], plan, rules=rules)
    assert amounts(est, "deductible", "copay", "coinsurance", "plan_pays") == [expected]
    assert est.accumulators_after.deductible_met == usd(deductible_met)


def test_copay_per_visit_or_per_service():
    # Two lines on one day and one the next, each allowed 100; copay 25, 20% coinsurance, no
    # deductible. Per visit: 25 on the first line of each day; coinsurance 20% of 75 = 15 there
    # and 20% of 100 = 20 on the second line of the day.
    plan = PlanBenefits(copay=usd("25"), coinsurance_rate=Decimal("0.2"))
    later = DAY + datetime.timedelta(days=1)
    lines = [line("L1", "150", "100"), line("L2", "150", "100"), line("L3", "150", "100", later)]
    per_visit = estimate(lines, plan)
    assert amounts(per_visit, "copay", "coinsurance") == [
        ("25.00", "15.00"),
        ("0.00", "20.00"),
        ("25.00", "15.00"),
    ]
    per_service = estimate(lines, plan, rules=CostSharingRules(copay_per=CopayPer.SERVICE))
    assert per_service.copay == usd("75.00")
    # A line's own copay: a specialist's 50 instead of the plan's 25; zero for a lab.
    own_copays = [line("L1", "150", "100", copay=usd("50")), line("L2", "20", "12", copay=usd("0"))]
    own = estimate(own_copays, plan, rules=CostSharingRules(copay_per=CopayPer.SERVICE))
    # L1: copay 50, coinsurance 20% of 50 = 10; L2: no copay, coinsurance 20% of 12 = 2.40
    assert amounts(own, "copay", "coinsurance") == [("50.00", "10.00"), ("0.00", "2.40")]


def test_accumulators_carry_in_service_date_order_across_visits():
    # Deductible 150, 20%. Lines given out of order: March 10 (allowed 100) before March 4
    # (allowed 100). In date order: March 4 takes 100 of the deductible, March 10 the last 50
    # and 20% of 50 = 10.
    plan = PlanBenefits(deductible=usd("150"), coinsurance_rate=Decimal("0.2"))
    late = line("LATE", "120", "100", datetime.date(2024, 3, 10))
    early = line("EARLY", "120", "100", DAY)
    est = estimate([late, early], plan)
    assert [ln.line_id for ln in est.lines] == ["LATE", "EARLY"]  # the order given
    assert amounts(est, "deductible", "coinsurance") == [("50.00", "10.00"), ("100.00", "0.00")]


def test_family_deductible_embedded_or_aggregate():
    # Individual deductible 500, family 1000; the member met 450, the family 450.
    # Embedded: min(500 - 450, 1000 - 450) = 50 left. Aggregate: 1000 - 450 = 550 left.
    plan = PlanBenefits(deductible=usd("500"), family_deductible=usd("1000"))
    family = Accumulators(
        deductible_met=usd("450"),
        out_of_pocket_met=usd("450"),
        family_deductible_met=usd("450"),
        family_out_of_pocket_met=usd("450"),
    )
    embedded = estimate([line("L1", "400", "300")], plan, family)
    assert embedded.deductible == usd("50")
    aggregate = estimate(
        [line("L1", "400", "300")], plan, family, rules=CostSharingRules(embedded_deductible=False)
    )
    assert aggregate.deductible == usd("300")
    after = aggregate.accumulators_after
    assert (after.deductible_met, after.family_deductible_met) == (usd("750"), usd("750"))


def test_family_out_of_pocket_caps_too():
    # Individual OOP 3000 (met 100), family 6000 (met 5950): 50 left for the family.
    plan = PlanBenefits(
        coinsurance_rate=Decimal("0.5"),
        out_of_pocket_max=usd("3000"),
        family_out_of_pocket_max=usd("6000"),
    )
    family = Accumulators(
        deductible_met=usd("0"),
        out_of_pocket_met=usd("100"),
        family_deductible_met=usd("0"),
        family_out_of_pocket_met=usd("5950"),
    )
    # 50% of 400 = 200, capped to 50.
    assert estimate([line("L1", "500", "400")], plan, family).coinsurance == usd("50")


def _authorized(item_id: str) -> LineItem:
    form = DocumentRef(kind=DocumentKind.CONSENT_FORM, reference="forms/abn")
    auth = PatientAuthorization(id="A1", signed_by="Jane Roe", signed_on=DAY, document=form)
    return LineItem(id=item_id, category=Category.PROCEDURE, service_date=DAY,
                    charge=usd("60"), patient_liable=True, authorization=auth)  # fmt: skip


def test_non_covered_services_are_the_patients_only_when_authorized():
    plan = PlanBenefits(deductible=usd("500"))
    bare = LineItem(id="L2", category=Category.PROCEDURE, service_date=DAY, charge=usd("60"))
    est = estimate([PricedLine.of(_authorized("L1"), None), PricedLine.of(bare, None)], plan)
    first, second = est.lines
    assert (first.patient_pays, first.plan_pays, first.covered) == (usd("60"), usd("0"), False)
    assert [str(a) for a in first.adjustments] == ["PR-96 60.00 USD"]
    assert second.patient_pays == usd("0")
    assert [str(a) for a in second.adjustments] == ["CO-96 60.00 USD"]
    # Non-covered charges count toward no accumulator.
    assert est.accumulators_after == Accumulators.zero("USD")


def test_an_estimate_compares_line_by_line_with_the_835():
    # Estimated as in the first test (L3 of it): deductible 150, coinsurance 90, paid 360; the
    # payer applied the whole remaining 300 of the deductible to L3: PR-1 300, PR-2 60, paid 240.
    plan = PlanBenefits(deductible=usd("500"), coinsurance_rate=Decimal("0.2"))
    est = estimate([line("L3", "850.00", "600.00")], plan, met("350", "350"))
    answer = ServicePayment(
        line_control_number="L3",
        charge=usd("850"),
        paid=usd("240"),
        adjustments=CasAdjustment.from_cas("CO", ("45", usd("250")))
        + CasAdjustment.from_cas("PR", ("1", usd("300")), ("2", usd("60"))),
    )
    payment = ClaimPayment(
        patient_control_number="CLM", status="1", charge=usd("850"), paid=usd("240"), lines=[answer]
    )
    assert [str(d) for d in compare_estimate(est, payment)] == [
        "line L3 paid: estimated 360.00 USD, remitted 240.00 USD",
        "line L3 PR-1: estimated 150.00 USD, remitted 300.00 USD",
        "line L3 PR-2: estimated 90.00 USD, remitted 60.00 USD",
    ]
    # The expected 835 line balances by construction and matches itself exactly.
    expected = est.lines[0].as_service_payment()
    same = ClaimPayment(patient_control_number="CLM", status="1", charge=usd("850"),
                        paid=expected.paid, lines=[expected])  # fmt: skip
    assert compare_estimate(est, same) == ()


def test_lines_only_one_side_has_are_differences():
    plan = PlanBenefits()
    est = estimate([line("L1", "10", "10")], plan)
    payment = ClaimPayment(
        patient_control_number="C", status="1", charge=usd("10"), paid=usd("10"),
        lines=[ServicePayment(line_control_number="L9", charge=usd("10"), paid=usd("10"))],
        adjustments=CasAdjustment.from_cas("PR", ("3", usd("0"))),
    )  # fmt: skip
    assert [(d.line_id, d.item) for d in compare_estimate(est, payment)] == [
        ("L1", "line"),
        ("L9", "line"),
    ]


def test_the_estimate_as_a_table_and_records():
    plan = PlanBenefits(deductible=usd("50"), coinsurance_rate=Decimal("0.2"))
    est = estimate([line("L1", "130", "100")], plan)
    text = str(est).splitlines()
    assert text[0].split() == ["line", "date", "submitted", "allowed", "deductible", "copay",
                               "coinsurance", "plan", "pays", "patient", "pays"]  # fmt: skip
    assert text[-1].split() == ["total", "130.00", "100.00", "50.00", "0.00", "10.00", "40.00",
                                "60.00"]  # fmt: skip
    record = est.to_records()[0]
    assert (record["line_id"], record["deductible"], record["currency"]) == (
        "L1",
        Decimal("50.00"),
        "USD",
    )
    assert "<table>" in est._repr_html_()
    with pytest.raises(NotFoundError, match="no line 'L9'"):
        est.line("L9")


def test_bad_input_gets_a_clear_error():
    plan = PlanBenefits(deductible=usd("500"), out_of_pocket_max=usd("1000"))
    with pytest.raises(
        InvalidAmountError, match="deductible_met 600.00 USD is above the plan's deductible 500.00"
    ):
        estimate([line("L1", "1", "1")], plan, met("600", "600"))
    with pytest.raises(
        CurrencyMismatchError, match="the plan benefits are in EUR, the lines in USD"
    ):
        estimate([line("L1", "1", "1")], PlanBenefits(copay=Money("5", "EUR")))
    with pytest.raises(CurrencyMismatchError, match="lines\\[1\\] \\('L2'\\) is in EUR"):
        estimate([line("L1", "1", "1"), PricedLine(line_id="L2", service_date=DAY,
                  charge=Money("1", "EUR"), allowed=None)], plan)  # fmt: skip
    with pytest.raises(TypeError, match="lines\\[0\\] must be a PricedLine, got 'L1' \\(str\\)"):
        estimate(["L1"], plan)  # type: ignore[list-item]
    with pytest.raises(InvalidAmountError, match="estimate of no lines needs a currency"):
        estimate([], PlanBenefits())
    with pytest.raises(InvalidAmountError, match="priced line 'L1'.charge must not be negative"):
        line("L1", "-1", None)
    with pytest.raises(CurrencyMismatchError, match="priced line 'L1'.allowed is in EUR"):
        PricedLine(line_id="L1", service_date=DAY, charge=usd("1"), allowed=Money("1", "EUR"))
    with pytest.raises(TypeError, match="benefits must be PlanBenefits"):
        estimate([], None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="reductions\\[0\\] must be a PaymentReduction"):
        estimate([line("L1", "1", "1")], plan, reductions=["253"])  # type: ignore[list-item]
    with pytest.raises(
        InvalidAmountError, match="accumulators.out_of_pocket_met must not be negative"
    ):
        met("0", "-1")
    check_accumulators(met("500", "1000"), plan)  # at the maxima is fine


def test_plan_benefits_bound_every_amount_and_rate():
    with pytest.raises(InvalidAmountError, match="family_deductible must not be negative"):
        PlanBenefits(family_deductible=usd("-1"))
    with pytest.raises(CurrencyMismatchError, match="mix currencies: EUR, USD"):
        PlanBenefits(deductible=usd("1"), family_out_of_pocket_max=Money("1", "EUR"))
    with pytest.raises(InvalidAmountError, match="must be between 0 and 1"):
        PlanBenefits(coinsurance_rate=Decimal("-0.1"))
    assert PlanBenefits(family_deductible=Money("1", "EUR")).currency == "EUR"
