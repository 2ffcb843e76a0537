"""Invariants of the estimate: shares add up, nothing negative, accumulators within the maxima."""

from __future__ import annotations

import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from billing_core.benefits import (
    Accumulators,
    CopayMode,
    CopayPer,
    CostSharingRules,
    PricedLine,
    check_accumulators,
    estimate,
)
from billing_core.cob import SEQUESTRATION
from billing_core.money import Money
from billing_core.parties import PlanBenefits

START = datetime.date(2024, 1, 1)


def usd(minor: int) -> Money:
    return Money.from_minor(minor, "USD")


optional_amount = st.none() | st.integers(0, 500_000).map(usd)


@st.composite
def plans(draw: st.DrawFn) -> PlanBenefits:
    return PlanBenefits(
        deductible=draw(optional_amount),
        copay=draw(optional_amount),
        coinsurance_rate=draw(
            st.none() | st.integers(0, 10**6).map(lambda n: Decimal(n).scaleb(-6))
        ),
        out_of_pocket_max=draw(optional_amount),
        family_deductible=draw(optional_amount),
        family_out_of_pocket_max=draw(optional_amount),
    )


@st.composite
def priced_lines(draw: st.DrawFn) -> PricedLine:
    charge = draw(st.integers(0, 300_000))
    covered = draw(st.booleans()) or draw(st.booleans())
    return PricedLine(
        line_id=f"L{draw(st.integers(0, 10**6))}",
        service_date=START + datetime.timedelta(days=draw(st.integers(0, 60))),
        charge=usd(charge),
        allowed=usd(draw(st.integers(0, charge))) if covered else None,
        patient_authorized=draw(st.booleans()),
        copay=draw(st.none() | st.integers(0, 10_000).map(usd)),
    )


rules = st.builds(
    CostSharingRules,
    deductible_waived_for_copay=st.booleans(),
    copay_counts_toward_deductible=st.booleans(),
    copay_mode=st.sampled_from(CopayMode),
    copay_per=st.sampled_from(CopayPer),
    embedded_deductible=st.booleans(),
)


@st.composite
def starting_point(draw: st.DrawFn, plan: PlanBenefits) -> Accumulators:
    """Accumulators at or below each of the plan's maxima."""

    def upto(limit: Money | None) -> Money:
        return usd(draw(st.integers(0, 600_000 if limit is None else limit.minor)))

    individual = upto(plan.deductible), upto(plan.out_of_pocket_max)
    return Accumulators(
        deductible_met=individual[0],
        out_of_pocket_met=individual[1],
        family_deductible_met=upto(plan.family_deductible) if draw(st.booleans()) else None,
        family_out_of_pocket_met=upto(plan.family_out_of_pocket_max)
        if draw(st.booleans())
        else None,
    )


@st.composite
def scenarios(draw: st.DrawFn):
    plan = draw(plans())
    return (
        plan,
        draw(st.lists(priced_lines(), max_size=8)),
        draw(starting_point(plan)),
        draw(rules),
        draw(st.booleans()),
    )


@given(scenarios())
def test_shares_add_up_and_nothing_is_negative(scenario):
    plan, lines, met, switches, sequestered = scenario
    reductions = [SEQUESTRATION] if sequestered else []
    est = estimate(lines, plan, met, rules=switches, reductions=reductions)
    for given_line, out in zip(lines, est.lines, strict=True):
        amounts = [out.allowed, out.deductible, out.copay, out.coinsurance, out.plan_pays,
                   out.patient_pays, *(r.amount for r in out.reductions)]  # fmt: skip
        assert all(m.minor >= 0 for m in amounts)
        if out.covered:
            patient = out.deductible + out.copay + out.coinsurance
            assert out.patient_pays == patient
            # patient share + plan share (its payment and what was withheld from it) = allowed
            assert (
                patient + out.plan_pays + Money.sum((r.amount for r in out.reductions), "USD")
                == given_line.allowed
            )
        else:
            assert out.plan_pays.minor == 0
            expected = given_line.charge if given_line.patient_authorized else usd(0)
            assert out.patient_pays == expected
        service = out.as_service_payment()
        assert service.charge - service.adjustment_total == service.paid  # the 835 line balances


@given(scenarios())
def test_accumulators_never_exceed_the_maxima(scenario):
    plan, lines, met, switches, _ = scenario
    est = estimate(lines, plan, met, rules=switches)
    after = est.accumulators_after
    check_accumulators(after, plan, switches)  # raises if any met amount passed its maximum
    covered_patient = sum(ln.patient_pays.minor for ln in est.lines if ln.covered)
    assert after.out_of_pocket_met.minor - met.out_of_pocket_met.minor == covered_patient
    assert after.deductible_met.minor >= met.deductible_met.minor


@given(scenarios(), st.randoms(use_true_random=False))
def test_the_order_given_does_not_change_the_result_when_dates_differ(scenario, rng):
    plan, lines, met, switches, _ = scenario
    by_id = {line.line_id: line for line in lines}  # unique ids...
    by_date = {line.service_date: line for line in by_id.values()}  # ...and one line per date
    distinct = list(by_date.values())
    shuffled = distinct[:]
    rng.shuffle(shuffled)
    first = {ln.line_id: ln for ln in estimate(distinct, plan, met, rules=switches).lines}
    second = {ln.line_id: ln for ln in estimate(shuffled, plan, met, rules=switches).lines}
    assert first == second


@given(scenarios())
def test_an_estimate_split_in_two_carries_its_accumulators(scenario):
    plan, lines, met, switches, _ = scenario
    ordered = sorted(lines, key=lambda ln: ln.service_date)
    half = len(ordered) // 2
    # Split between dates, so no visit straddles the two halves.
    while 0 < half < len(ordered) and ordered[half - 1].service_date == ordered[half].service_date:
        half -= 1
    whole = estimate(ordered, plan, met, rules=switches)
    first = estimate(ordered[:half], plan, met, rules=switches)
    second = estimate(ordered[half:], plan, first.accumulators_after, rules=switches)
    assert whole.lines == first.lines + second.lines
    assert whole.accumulators_after == second.accumulators_after
