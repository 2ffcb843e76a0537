"""Service lines without a line control number are matched like posting matches them.

A payer may leave out the line control number (REF*6R). Such a line is matched to
our line by procedure (without modifiers), service date and charge, as posting does
(for an estimate, which has no procedure: by service date and charge); a line that
matches none or several of ours is reported on its own. No service line is ever
dropped from a comparison.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from billing_core.benefits import PricedLine, compare_estimate, estimate
from billing_core.charges import Category, LineItem
from billing_core.claims import Claim
from billing_core.codes import ProcedureCode
from billing_core.fees import Contract, PercentOfCharge, payment_variance
from billing_core.money import Money
from billing_core.parties import Coverage, CoverageSequence, Payer, PlanBenefits
from billing_core.remittance import CasAdjustment, ClaimPayment, ServicePayment

DAY = datetime.date(2024, 3, 4)
COVERAGE = Coverage(id="COV", payer=Payer(id="acme", name="Acme"), member_id="M1",
                    sequence=CoverageSequence.PRIMARY)  # fmt: skip
CONTRACT = Contract(name="Acme PPO", currency="USD", terms=[PercentOfCharge(rate=Decimal("0.8"))])


def usd(text: str) -> Money:
    return Money(text, "USD")


def cas(group: str, reason: str, amount: str) -> tuple[CasAdjustment, ...]:
    return CasAdjustment.from_cas(group, (reason, usd(amount)))


def claim(*lines: tuple[str, str]) -> Claim:
    """Lines L1, L2, ... of (CPT code, charge), all on DAY."""
    items = [LineItem(id=f"L{i}", category=Category.PROCEDURE, service_date=DAY,
                      procedure=ProcedureCode("CPT", code), charge=usd(charge))
             for i, (code, charge) in enumerate(lines, 1)]  # fmt: skip
    return Claim(id="CLM1", account_id="A1", patient_id="P1", coverage=COVERAGE,
                 claim_date=DAY, lines=items)  # fmt: skip


def unnumbered(code: str | None, charge: str, paid: str, *adjustments: CasAdjustment,
               day: datetime.date | None = DAY) -> ServicePayment:  # fmt: skip
    return ServicePayment(procedure=None if code is None else ProcedureCode("CPT", code),
                          charge=usd(charge), paid=usd(paid), adjustments=adjustments,
                          service_date=day)  # fmt: skip


def answer(*lines: ServicePayment) -> ClaimPayment:
    charge = Money.sum((sp.charge for sp in lines), "USD")
    paid = Money.sum((sp.paid for sp in lines), "USD")
    return ClaimPayment(patient_control_number="CLM1", status="1", charge=charge, paid=paid,
                        lines=lines)  # fmt: skip


# --------------------------------------------------------------------------- payment_variance


def test_variance_matches_two_unnumbered_lines_by_service() -> None:
    # Contract: 80 % of charge. L1 99213 125.00 -> allowed 100.00; L2 71046 50.00 -> 40.00.
    # Payer, no control numbers: 99213 paid 70 + PR-2 20 = 90 -> L1 underpaid by 10.00;
    # 71046 paid 40 -> L2 as contracted. Claim: 110 + 20 = 130 vs 140: -10.00.
    paid = answer(
        unnumbered("99213", "125", "70", *cas("CO", "45", "35"), *cas("PR", "2", "20")),
        unnumbered("71046", "50", "40", *cas("CO", "45", "10")),
    )
    report = payment_variance(claim(("99213", "125"), ("71046", "50")), paid, CONTRACT)
    assert [(v.line_id, v.paid, v.patient, v.variance) for v in report.lines] == [
        ("L1", usd("70"), usd("20"), usd("-10")),
        ("L2", usd("40"), usd("0"), usd("0")),
    ]
    assert report.variance == usd("-10")
    assert [(f.location, f.rule) for f in report.findings] == [
        ("claim 'CLM1' line 'L1'", "contract.underpaid"),
    ]


def test_variance_reports_each_ambiguous_unnumbered_line() -> None:
    # Two 99213 lines of 125.00 on one day, answered without control numbers, paid 100 and
    # 90: which is which cannot be told, so neither is matched; each is its own finding.
    paid = answer(unnumbered("99213", "125", "100", *cas("CO", "45", "25")),
                  unnumbered("99213", "125", "90", *cas("CO", "45", "35")))  # fmt: skip
    report = payment_variance(claim(("99213", "125"), ("99213", "125")), paid, CONTRACT)
    assert report.lines == ()
    assert [(f.location, f.rule) for f in report.findings] == [
        ("claim 'CLM1' line 'L1'", "contract.unmatched_line"),
        ("claim 'CLM1' line 'L2'", "contract.unmatched_line"),
        ("claim 'CLM1' remitted line 1 (no control number)", "contract.unmatched_line"),
        ("claim 'CLM1' remitted line 2 (no control number)", "contract.unmatched_line"),
        # 190.00 paid vs 2 x 100.00 allowed: the claim level still counts both lines.
        ("claim 'CLM1'", "contract.underpaid"),
    ]
    assert report.variance == usd("-10")


def test_a_numbered_line_is_never_taken_by_an_unnumbered_one() -> None:
    # L1 and L2 both 99213 125.00. The second service line names L1; the first has no
    # number and matches L1 or L2 by service: L1 is named, so it is L2.
    named = ServicePayment(
        line_control_number="L1",
        procedure=ProcedureCode("CPT", "99213"),
        charge=usd("125"),
        paid=usd("100"),
        adjustments=cas("CO", "45", "25"),
    )
    paid = answer(unnumbered("99213", "125", "90", *cas("CO", "45", "35")), named)
    report = payment_variance(claim(("99213", "125"), ("99213", "125")), paid, CONTRACT)
    assert [(v.line_id, v.paid) for v in report.lines] == [("L1", usd("100")), ("L2", usd("90"))]


# --------------------------------------------------------------------------- compare_estimate

PLAN = PlanBenefits(deductible=usd("50"), coinsurance_rate=Decimal("0.2"))


def _estimate():  # type: ignore[no-untyped-def]
    # L1: charge 130, allowed 100: deductible 50, coinsurance 20 % of 50 = 10, plan 40, CO-45 30.
    # L2: charge 100, allowed 80 (deductible met): coinsurance 16, plan 64, CO-45 20.
    return estimate([
        PricedLine(line_id="L1", service_date=DAY, charge=usd("130"), allowed=usd("100")),
        PricedLine(line_id="L2", service_date=DAY, charge=usd("100"), allowed=usd("80")),
    ], PLAN)  # fmt: skip


def test_compare_matches_two_unnumbered_lines_by_date_and_charge() -> None:
    # First service line: as estimated for L1 (130.00). Second (100.00, no date): L2, paid
    # 60 instead of 64 and PR-2 20 instead of 16: the only two differences.
    paid = answer(
        unnumbered(None, "130", "40", *cas("CO", "45", "30"), *cas("PR", "1", "50"),
                   *cas("PR", "2", "10")),
        unnumbered(None, "100", "60", *cas("CO", "45", "20"), *cas("PR", "2", "20"), day=None),
    )  # fmt: skip
    assert [str(d) for d in compare_estimate(_estimate(), paid)] == [
        "line L2 paid: estimated 64.00 USD, remitted 60.00 USD",
        "line L2 PR-2: estimated 16.00 USD, remitted 20.00 USD",
    ]


def test_compare_reports_every_unmatched_unnumbered_line() -> None:
    # Neither service line has our charge (130.00 or 100.00): both estimate lines are
    # unanswered and both service lines are reported, each with its own amount.
    paid = answer(unnumbered(None, "75", "30"), unnumbered(None, "75", "45"))
    assert [str(d) for d in compare_estimate(_estimate(), paid)] == [
        "line L1 line: estimated 40.00 USD, remitted nothing",
        "line L2 line: estimated 64.00 USD, remitted nothing",
        "line (service line 1) line: estimated nothing, remitted 30.00 USD",
        "line (service line 2) line: estimated nothing, remitted 45.00 USD",
    ]


def test_compare_does_not_guess_for_an_unknown_control_number() -> None:
    # A control number that is none of ours (L9) is a line of its own, even with L2's
    # date and charge: an estimate has no procedure to confirm the match with.
    numbered = ServicePayment(line_control_number="L9", charge=usd("100"), paid=usd("64"))
    assert [str(d) for d in compare_estimate(_estimate(), answer(numbered))] == [
        "line L1 line: estimated 40.00 USD, remitted nothing",
        "line L2 line: estimated 64.00 USD, remitted nothing",
        "line L9 line: estimated nothing, remitted 64.00 USD",
    ]


@given(st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=5))
def test_no_unnumbered_line_is_dropped(charges: list[int]) -> None:
    # Service lines of 100.00 to 103.00 (so repeats are common), paid 1, 2, 3, ... in order.
    # Only 100.00 is one of ours (L2): the first such service line answers L2, as posting
    # takes the first; every other one is reported on its own, so the remitted amounts of
    # the reported lines and L2's paid add up to everything paid.
    lines = [unnumbered(None, str(100 + c), str(i + 1)) for i, c in enumerate(charges)]
    differences = compare_estimate(_estimate(), answer(*lines))
    reported = [d for d in differences if d.item == "line" and d.estimated is None]
    unanswered = {d.line_id for d in differences if d.item == "line" and d.remitted is None}
    assert "L1" in unanswered
    first_100 = next((i for i, c in enumerate(charges) if c == 0), None)
    assert ("L2" in unanswered) is (first_100 is None)
    assert len(reported) == len(lines) - (first_100 is not None)
    seen = sum(int(d.remitted.amount) for d in reported if d.remitted is not None)
    if first_100 is not None:
        (l2_paid,) = [d for d in differences if d.line_id == "L2" and d.item == "paid"]
        assert l2_paid.remitted == usd(str(first_100 + 1))
        seen += first_100 + 1
    assert seen == sum(range(1, len(lines) + 1))
    assert len({d.line_id for d in reported}) == len(reported)
