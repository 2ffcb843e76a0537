from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing_core.balancing import (
    BALANCING_RULES,
    CLAIM_RULE,
    COB_CLAIM_RULE,
    COB_LINE_RULE,
    LINE_RULE,
    SAME_ADJUSTMENT_BOTH_LEVELS_RULE,
    TRANSACTION_RULE,
    BalanceCheck,
    balance_claim,
    balance_cob_claim,
    balance_cob_line,
    balance_line,
    balance_remittance,
    balancing_report,
)
from billing_core.errors import Severity
from billing_core.money import Money
from billing_core.remittance import (
    CasAdjustment,
    ClaimPayment,
    ProviderAdjustment,
    Remittance,
    ServicePayment,
)
from billing_core.testing.strategies.remittance import (
    balanced_claim_payments,
    balanced_remittances,
)
from billing_core.x12 import read_835

D = datetime.date


def usd(text: str) -> Money:
    return Money(text, "USD")


def cas(group: str, *pairs: tuple[str, str]) -> tuple[CasAdjustment, ...]:
    return CasAdjustment.from_cas(group, *((r, usd(a)) for r, a in pairs))


def remittance(total: str, claims: list[ClaimPayment], plbs: tuple[ProviderAdjustment, ...] = ()):
    return Remittance(
        payer="PAYER",
        payee="1234567893",
        total_payment=usd(total),
        payment_method="CHK",
        trace_number="TRN-1",
        paid_date=D(2005, 4, 12),
        claims=claims,
        provider_adjustments=plbs,
    )


# --- known answers: the standard's worked examples, built by hand -------------------
# Amounts are the ones printed in the example files (see ../shared/corpus/README.md);
# every expected sum below was added up by hand.

# "Dollars and data sent separately": two claims, claim-level CO-A2, deductible PR-1.
CLAIM_DEDUCTIBLE_CLAIM_LEVEL = ClaimPayment(
    patient_control_number="5554555444",
    status="1",
    charge=usd("800"),
    paid=usd("450"),
    patient_responsibility=usd("300"),
    adjustments=cas("CO", ("A2", "50")),
    lines=[ServicePayment(charge=usd("800"), paid=usd("500"), adjustments=cas("PR", ("1", "300")))],
)
CLAIM_DEDUCTIBLE_CONTRACTUAL = ClaimPayment(
    patient_control_number="8765432112",
    status="1",
    charge=usd("1200"),
    paid=usd("495"),
    patient_responsibility=usd("600"),
    adjustments=cas("CO", ("A2", "55")),
    lines=[
        ServicePayment(
            charge=usd("1200"),
            paid=usd("550"),
            allowed=usd("1"),  # informational: a wrong allowed amount changes nothing
            adjustments=cas("PR", ("1", "600")) + cas("CO", ("45", "50")),
        )
    ],
)


def test_claim_with_deductible_and_contractual_adjustment() -> None:
    # 1200 - 55 - 600 - 50 = 495; line 1200 - 600 - 50 = 550
    claim = balance_claim(CLAIM_DEDUCTIBLE_CONTRACTUAL)
    assert claim.ok
    assert (claim.left, claim.right, claim.residual) == (usd("495"), usd("495"), usd("0"))
    assert claim.terms == (
        ("CLP03 charge", usd("1200")),
        ("claim CAS CO-A2", usd("-55")),
        ("line 1 CAS PR-1", usd("-600")),
        ("line 1 CAS CO-45", usd("-50")),
    )
    assert balance_line(CLAIM_DEDUCTIBLE_CONTRACTUAL.lines[0]).ok


def test_claim_with_claim_level_adjustment() -> None:
    # 800 - 50 (claim level) - 300 (line level) = 450; the line alone pays 500
    check = balance_claim(CLAIM_DEDUCTIBLE_CLAIM_LEVEL)
    assert check.ok and check.right == usd("450")
    assert balance_line(CLAIM_DEDUCTIBLE_CLAIM_LEVEL.lines[0]).right == usd("500")


def test_two_claim_remittance_balances_at_every_level() -> None:
    r = remittance("945", [CLAIM_DEDUCTIBLE_CLAIM_LEVEL, CLAIM_DEDUCTIBLE_CONTRACTUAL])
    report = balancing_report(r)
    assert report.ok and report.failures == () and report.findings == ()
    assert report.checked == 1 + 2 + 2
    assert str(report) == "remittance TRN-1: balanced (5 checks)"
    total = balance_remittance(r)
    assert total.right == usd("945")  # 450 + 495


def test_secondary_with_prior_payer_impact_and_negative_adjustment() -> None:
    # 541 - 516 - (-9) = 34
    line = ServicePayment(
        charge=usd("541"),
        paid=usd("34"),
        allowed=usd("550"),
        adjustments=cas("OA", ("23", "516")) + cas("OA", ("94", "-9")),
    )
    claim = ClaimPayment(
        patient_control_number="0001000055",
        status="2",
        charge=usd("541"),
        paid=usd("34"),
        lines=[line],
    )
    assert balance_line(line).ok
    assert balance_claim(claim).ok
    assert balance_line(line).terms[-1] == ("CAS OA-94", usd("9"))  # increases the payment
    assert balancing_report(remittance("34", [claim])).ok


def test_secondary_claim_level_prior_payer_impact() -> None:
    # 10323.64 - 9411.64 = 912 (claim level only, no lines)
    claim = ClaimPayment(
        patient_control_number="L0004828311",
        status="2",
        charge=usd("10323.64"),
        paid=usd("912"),
        adjustments=cas("OA", ("23", "9411.64")),
    )
    assert balance_claim(claim).ok


def test_tertiary_payment() -> None:
    # 1766.50 - 1579 = 187.50
    claim = ClaimPayment(
        patient_control_number="0001000054",
        status="3",
        charge=usd("1766.50"),
        paid=usd("187.50"),
        lines=[
            ServicePayment(
                charge=usd("1766.50"),
                paid=usd("187.50"),
                allowed=usd("1700"),
                adjustments=cas("OA", ("23", "1579")),
            )
        ],
    )
    assert balancing_report(remittance("187.50", [claim])).ok


def test_denial_balances_at_zero() -> None:
    # 500.04 + 127.80 + 287.55 = 915.39 all adjusted, nothing paid
    lines = [
        ServicePayment(
            charge=usd("500.04"), paid=usd("0"), adjustments=cas("CO", ("16", "500.04"))
        ),
        ServicePayment(
            charge=usd("127.80"), paid=usd("0"), adjustments=cas("OA", ("A7", "127.80"))
        ),
        ServicePayment(
            charge=usd("287.55"), paid=usd("0"), adjustments=cas("OA", ("A7", "287.55"))
        ),
    ]
    claim = ClaimPayment(
        patient_control_number="2005555A",
        status="4",
        charge=usd("915.39"),
        paid=usd("0"),
        lines=lines,
    )
    assert claim.is_denied
    assert balancing_report(remittance("0", [claim])).ok


def test_reversal_and_correction() -> None:
    original = ClaimPayment(
        patient_control_number="A-1",
        status="1",
        charge=usd("100"),
        paid=usd("80"),
        payer_claim_control_number="P-1",
        lines=[
            ServicePayment(charge=usd("100"), paid=usd("80"), adjustments=cas("CO", ("45", "20")))
        ],
    )
    reversal = original.as_reversal()
    correction = ClaimPayment(
        patient_control_number="A-1",
        status="1",
        charge=usd("100"),
        paid=usd("85"),
        payer_claim_control_number="P-2",
        lines=[
            ServicePayment(charge=usd("100"), paid=usd("85"), adjustments=cas("CO", ("45", "15")))
        ],
    )
    # -80 + 85 = 5 sent with the pair
    report = balancing_report(remittance("5", [reversal, correction]))
    assert report.ok
    assert balance_claim(reversal).terms == (
        ("CLP03 charge", usd("-100")),
        ("line 1 CAS CO-45", usd("20")),
    )


def test_interest_via_provider_level_adjustment() -> None:
    # Medicare Part A: (211366.97 - 73348.57) + (15000 - 3019.67) = 149998.73; PLB CV -1.27
    # increases the payment: 149998.73 - (-1.27) = 150000.00
    claims = [
        ClaimPayment(
            patient_control_number="666123",
            status="1",
            charge=usd("211366.97"),
            paid=usd("138018.40"),
            adjustments=cas("CO", ("45", "73348.57")),
        ),
        ClaimPayment(
            patient_control_number="777777",
            status="1",
            charge=usd("15000"),
            paid=usd("11980.33"),
            adjustments=cas("CO", ("45", "3019.67")),
        ),
    ]
    plb = ProviderAdjustment(reason="CV", reference="CP", amount=usd("-1.27"))
    r = remittance("150000", claims, (plb,))
    check = balance_remittance(r)
    assert check.ok
    assert check.terms == (
        ("claim 1 (666123) CLP04", usd("138018.40")),
        ("claim 2 (777777) CLP04", usd("11980.33")),
        ("PLB CV CP", usd("1.27")),
    )
    # Interest owed (L6) is the same shape: 100 paid on claims + 2.50 interest = 102.50
    interest = ProviderAdjustment(reason="L6", reference="A-1", amount=usd("-2.50"))
    claim = ClaimPayment(
        patient_control_number="A-1", status="1", charge=usd("100"), paid=usd("100")
    )
    assert balancing_report(remittance("102.50", [claim], (interest,))).ok
    assert not balancing_report(remittance("100", [claim], (interest,))).ok


# --- explanations, locations, findings -----------------------------------------------


def test_unbalanced_line_is_explained_with_both_sides_and_terms() -> None:
    line = ServicePayment(
        line_control_number="0002",
        charge=usd("100"),
        paid=usd("70"),
        allowed=usd("90"),
        adjustments=cas("CO", ("45", "20")),
    )
    claim = ClaimPayment(
        patient_control_number="C-9", status="1", charge=usd("100"), paid=usd("80"), lines=[line]
    )
    report = balancing_report(remittance("80", [claim]))
    assert not report.ok
    (failure,) = report.failures
    assert failure.rule == LINE_RULE
    assert failure.location == "claim 1 (C-9) line 1 (0002)"
    assert (failure.left, failure.right, failure.residual) == (usd("70"), usd("80"), usd("-10"))
    assert str(failure) == (
        "claim 1 (C-9) line 1 (0002): does not balance by -10.00 USD"
        " (rule 835.line: SVC03 = SVC02 - sum(line CAS))\n"
        "  SVC03 paid 70.00 USD\n"
        "  computed 80.00 USD =\n"
        "    + SVC02 charge 100.00 USD\n"
        "    - CAS CO-45 20.00 USD"
    )
    (finding,) = report.as_findings()
    assert finding.rule == LINE_RULE and finding.severity is Severity.ERROR
    assert "residual -10.00 USD" in finding.message
    assert report.count(LINE_RULE) == 1 and report.count(CLAIM_RULE) == 0
    assert "1 problem in 3 checks" in str(report)


def test_informational_amounts_never_enter_balancing() -> None:
    claim = attrs.evolve(
        CLAIM_DEDUCTIBLE_CLAIM_LEVEL,
        patient_responsibility=usd("99999"),
        lines=[attrs.evolve(CLAIM_DEDUCTIBLE_CLAIM_LEVEL.lines[0], allowed=usd("1"), units=7)],
    )
    assert balance_claim(claim).ok
    assert all("allowed" not in label for label, _ in balance_claim(claim).terms)


def test_adjustment_at_both_levels_is_reported() -> None:
    line = ServicePayment(charge=usd("100"), paid=usd("80"), adjustments=cas("CO", ("45", "20")))
    line2 = ServicePayment(charge=usd("50"), paid=usd("45"), adjustments=cas("CO", ("45", "5")))
    claim = ClaimPayment(
        patient_control_number="B-2",
        status="1",
        charge=usd("150"),
        paid=usd("115"),
        adjustments=cas("CO", ("45", "10")),
        lines=[line, line2],
    )
    report = balancing_report(remittance("115", [claim]))
    (finding,) = report.findings
    assert finding.rule == SAME_ADJUSTMENT_BOTH_LEVELS_RULE
    assert finding.severity is Severity.WARNING
    assert finding.location == "claim 1 (B-2)"
    assert "CO-45" in finding.message and "lines 1, 2" in finding.message
    assert report.ok  # a warning; the amounts balance


def test_zero_amount_at_both_levels_is_not_reported() -> None:
    line = ServicePayment(charge=usd("100"), paid=usd("100"), adjustments=cas("CO", ("42", "0")))
    claim = ClaimPayment(
        patient_control_number="B-3",
        status="1",
        charge=usd("100"),
        paid=usd("100"),
        adjustments=cas("CO", ("42", "0")),
        lines=[line],
    )
    assert balancing_report(remittance("100", [claim])).findings == ()


def test_claim_and_transaction_failures_and_order() -> None:
    bad_claim = attrs.evolve(CLAIM_DEDUCTIBLE_CLAIM_LEVEL, paid=usd("460"))
    report = balancing_report(remittance("945", [bad_claim, CLAIM_DEDUCTIBLE_CONTRACTUAL]))
    assert [(c.rule, c.location) for c in report.failures] == [
        (CLAIM_RULE, "claim 1 (5554555444)"),
        (TRANSACTION_RULE, "remittance TRN-1"),
    ]
    assert report.failures[0].residual == usd("10")
    assert report.failures[1].residual == usd("-10")  # 945 - (460 + 495)


def test_default_locations() -> None:
    assert balance_claim(CLAIM_DEDUCTIBLE_CLAIM_LEVEL).location == "claim 5554555444"
    assert balance_line(CLAIM_DEDUCTIBLE_CLAIM_LEVEL.lines[0]).location == "line"
    assert balance_remittance(remittance("0", [])).location == "remittance TRN-1"


def test_rules_table_has_every_rule() -> None:
    for rule in (
        LINE_RULE,
        CLAIM_RULE,
        TRANSACTION_RULE,
        COB_LINE_RULE,
        COB_CLAIM_RULE,
        SAME_ADJUSTMENT_BOTH_LEVELS_RULE,
    ):
        assert rule in BALANCING_RULES


# --- 837 COB prior-payer data -------------------------------------------------------


def test_cob_claim_from_billing_provider_to_payer_b() -> None:
    # CLM02 79.04 = AMT*D 39.15 + claim CAS PR-1 21.89 + PR-2 15 + line CAS CO-42 3
    claim = balance_cob_claim(
        usd("79.04"),
        usd("39.15"),
        cas("PR", ("1", "21.89"), ("2", "15")),
        cas("CO", ("42", "3")),
        location="claim 26407789",
    )
    assert claim.ok, str(claim)
    assert claim.rule == COB_CLAIM_RULE
    # lines: 43 = 40 + 3; 15 = 15; 21.04 = 21.04
    assert balance_cob_line(usd("43"), usd("40"), cas("CO", ("42", "3"))).ok
    assert balance_cob_line(usd("15"), usd("15"), ()).ok
    assert balance_cob_line(usd("21.04"), [usd("21.04")], ()).ok


def test_cob_medicare_secondary_payer() -> None:
    # 120 = 80 paid + CO-42 25 + PR-2 15 (line level only)
    adjustments = cas("CO", ("42", "25")) + cas("PR", ("2", "15"))
    assert balance_cob_line(usd("120"), usd("80"), adjustments).ok
    assert balance_cob_claim(usd("120"), usd("80"), (), adjustments).ok
    missing = balance_cob_claim(usd("120"), usd("80"), ())
    assert not missing.ok and missing.residual == usd("40")


def test_cob_line_with_two_prior_payers() -> None:
    check = balance_cob_line(usd("100"), [usd("60"), usd("30")], cas("PR", ("1", "10")))
    assert check.ok
    assert [label for label, _ in check.terms] == [
        "prior payer 1 paid",
        "prior payer 2 paid",
        "prior CAS PR-1",
    ]


# --- the corpus: real files, facts from ../shared/corpus/README.md --------------------


class Facts(NamedTuple):
    st: int
    clp: int
    svc: int
    bpr02: str  # of the first transaction set
    sum_clp04: str  # of the first transaction set
    sum_plb: str
    ok: bool
    bad_claims: int  # whole file
    bad_svc: int  # whole file
    bad_transactions: int  # whole file
    cas: dict[str, str]  # README's CAS totals by group-reason (the largest ones)


# Copied by hand from the README table (columns "facts" and "notes").
FACTS: dict[str, Facts] = {
    "edi835parser__blue_cross_nc_sample.835": Facts(
        1, 1, 3, "1922.86", "1922.86", "0", True, 0, 0, 0,
        {"PR-2": "117.54", "CO-42": "34.6", "PR-3": "25"},
    ),
    "edi835parser__emedny_sample.835": Facts(
        1, 3, 10, "45.75", "45.75", "0", True, 0, 0, 0, {"CO-29": "34", "CO-251": "22.75"}
    ),
    "edi835parser__united_healthcare_legacy_sample.835": Facts(
        1, 2, 5, "349.99", "349.99", "0", True, 0, 0, 0,
        {"CO-45": "587.14", "PR-1": "215.26", "PR-2": "5.13"},
    ),
    "lfh__managed-care.835": Facts(
        1, 2, 2, "945.00", "945.00", "0", True, 0, 0, 0,
        {"PR-1": "900.00", "CO-A2": "105.00", "CO-45": "50.00"},
    ),
    "lfh__tertiary-payment.NEGATIVE.835": Facts(
        1, 1, 1, "187.50", "187.50", "0", True, 0, 1, 0, {"OA-23": "1579.00"}
    ),
    "oopfactory__Example1.NEGATIVE.835": Facts(
        1, 10, 9, "5.75", "5.75", "-1.27", False, 0, 0, 1,
        {
            "CO-29": "162.13", "PI-104": "136.72", "OA-23": "94.16", "CR-18": "25.95",
            "PR-2": "14.92", "CO-42": "0.36", "CR-141": "0", "CR-42": "0",
        },
    ),
    # BPR02/sumCLP04 in the README are those of the first of the 3 transaction sets; the
    # other two (BPR02 9999.99 vs sum CLP04 3111.09, 482.13 vs 3439.89, added up with awk
    # over the raw file) do not balance either: 3 transaction failures.
    "oopfactory__ExampleFromNth.NEGATIVE.835": Facts(
        3, 56, 91, "999.99", "776.06", "0", False, 51, 50, 3,
        {
            "CO-45": "22211.71", "CO-24": "13899.69", "CO-23": "11222.51", "CO-165": "999.99",
            "CO-29": "999.99", "CO-16": "299.97", "CO-204": "129.96", "CO-59": "99.99",
        },
    ),
    "pyx12__835_mult_loops.835": Facts(
        1, 1, 3, "0", "0", "0", True, 0, 0, 0, {"CO-16": "500.04", "OA-A7": "415.35"}
    ),
    "stupidedi__dollars-and-data-sent-separate.835": Facts(
        1, 2, 2, "945", "945", "0", True, 0, 0, 0, {"PR-1": "900", "CO-A2": "105", "CO-45": "50"}
    ),
    "stupidedi__dollars-and-data-sent-together.835": Facts(
        1, 2, 0, "150000", "149998.73", "-1.27", True, 0, 0, 0, {"CO-45": "76368.24"}
    ),
    "stupidedi__era-sample.835": Facts(1, 1, 5, "132", "132", "0", True, 0, 0, 0, {"CO-131": "94"}),
    "stupidedi__multiple-claims-single-check.835": Facts(
        1, 9, 33, "810.8", "810.8", "0", True, 0, 0, 0, {"CO-131": "1038", "PR-3": "970.2"}
    ),
    "stupidedi__secondary-payment-with-higher-fee-schedule.835": Facts(
        1, 1, 1, "34.00", "34", "0", True, 0, 0, 0, {"OA-23": "516", "OA-94": "-9"}
    ),
    "stupidedi__secondary-payments.835": Facts(
        1, 2, 2, "1222", "1222", "0", True, 0, 0, 0,
        {"OA-23": "9548.14", "PR-1": "150", "CO-42": "85", "PR-2": "70"},
    ),
    "stupidedi__tertiary-payments.835": Facts(
        1, 1, 1, "187.50", "187.50", "0", True, 0, 0, 0, {"OA-23": "1579"}
    ),
}  # fmt: skip


def test_every_corpus_835_file_has_facts(corpus_dir: Path) -> None:
    on_disk = {p.name for p in (corpus_dir / "835").glob("*.835")}
    assert on_disk == set(FACTS)


@pytest.mark.parametrize("name", sorted(FACTS))
def test_corpus_file_balancing_agrees_with_readme(corpus_dir: Path, name: str) -> None:
    facts = FACTS[name]
    remittances = read_835(corpus_dir / "835" / name, strict=False)
    claims = [c for r in remittances for c in r.claims]
    # the reader saw what the README counted
    assert len(remittances) == facts.st
    assert len(claims) == facts.clp
    assert sum(len(c.lines) for c in claims) == facts.svc
    first = remittances[0]
    assert first.total_payment == usd(facts.bpr02)
    assert Money.sum([c.paid for c in first.claims], "USD") == usd(facts.sum_clp04)
    plb = Money.sum([p.amount for r in remittances for p in r.provider_adjustments], "USD")
    assert plb == usd(facts.sum_plb)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for c in claims:
        for a in (*c.adjustments, *(a for line in c.lines for a in line.adjustments)):
            totals[a.key] += a.amount.amount
    for key, amount in facts.cas.items():
        assert totals[key] == Decimal(amount), key
    # balancing agrees with the README's verdicts
    reports = [balancing_report(r) for r in remittances]
    assert sum(r.count(CLAIM_RULE) for r in reports) == facts.bad_claims
    assert sum(r.count(LINE_RULE) for r in reports) == facts.bad_svc
    assert sum(r.count(TRANSACTION_RULE) for r in reports) == facts.bad_transactions
    assert all(r.findings == () for r in reports)
    if facts.ok and facts.bad_claims == facts.bad_svc == 0:
        assert all(r.ok for r in reports)
    else:
        assert not all(r.ok for r in reports)


def test_example1_transaction_residual_is_the_plb(corpus_dir: Path) -> None:
    (r,) = read_835(corpus_dir / "835" / "oopfactory__Example1.NEGATIVE.835", strict=False)
    (failure,) = balancing_report(r).failures
    # BPR02 5.75 but sum(CLP04) 5.75 - PLB (-1.27) = 7.02
    assert (failure.left, failure.right, failure.residual) == (
        usd("5.75"),
        usd("7.02"),
        usd("-1.27"),
    )


def test_masked_file_first_transaction_residual(corpus_dir: Path) -> None:
    first = read_835(corpus_dir / "835" / "oopfactory__ExampleFromNth.NEGATIVE.835", strict=False)[
        0
    ]
    check = balance_remittance(first)
    # 999.99 - 776.06 = 223.93
    assert (check.right, check.residual) == (usd("776.06"), usd("223.93"))


def test_shifted_svc_is_located(corpus_dir: Path) -> None:
    (r,) = read_835(corpus_dir / "835" / "lfh__tertiary-payment.NEGATIVE.835", strict=False)
    (failure,) = balancing_report(r).failures
    assert failure.location == "claim 1 (0001000054) line 1"
    # SVC03 1766.50 vs SVC02 24599.00 - OA-23 1579.00 = 23020.00
    assert (failure.right, failure.residual) == (usd("23020.00"), usd("-21253.50"))


# --- properties -----------------------------------------------------------------------


@given(balanced_remittances())
def test_generated_balanced_remittances_pass_every_check(r: Remittance) -> None:
    report = balancing_report(r)
    assert report.ok and report.failures == ()
    assert report.checked == 1 + len(r.claims) + sum(len(c.lines) for c in r.claims)


@given(balanced_claim_payments(), st.integers(-10_000, 10_000).filter(bool))
def test_a_wrong_line_paid_fails_only_that_line(claim: ClaimPayment, delta: int) -> None:
    line = claim.lines[0]
    bad_line = attrs.evolve(line, paid=Money.from_minor(line.paid.minor + delta, "USD"))
    bad = attrs.evolve(claim, lines=(bad_line, *claim.lines[1:]))
    r = remittance(str(claim.paid.amount), [bad])
    report = balancing_report(r)
    assert [(c.rule, c.residual.minor) for c in report.failures] == [(LINE_RULE, delta)]


@given(balanced_claim_payments(), st.integers(-10_000, 10_000).filter(bool))
def test_a_wrong_claim_paid_fails_claim_and_transaction(claim: ClaimPayment, delta: int) -> None:
    r = remittance(str(claim.paid.amount), [claim])
    bad = attrs.evolve(claim, paid=Money.from_minor(claim.paid.minor + delta, "USD"))
    report = balancing_report(attrs.evolve(r, claims=[bad]))
    assert [(c.rule, c.residual.minor) for c in report.failures] == [
        (CLAIM_RULE, delta),
        (TRANSACTION_RULE, -delta),
    ]


@given(balanced_claim_payments())
def test_reversal_of_a_balanced_claim_balances(claim: ClaimPayment) -> None:
    assert balance_claim(claim.as_reversal()).ok
    assert all(balance_line(line).ok for line in claim.as_reversal().lines)


@given(balanced_claim_payments())
def test_right_side_is_the_sum_of_the_terms(claim: ClaimPayment) -> None:
    check: BalanceCheck = balance_claim(claim)
    assert check.right.minor == sum(m.minor for _, m in check.terms)
    assert check.ok == (check.residual.minor == 0)


def test_a_rule_outside_the_x12_table_is_named_without_a_formula() -> None:
    check = BalanceCheck(
        rule="posting.reconciliation",
        location="remittance T1",
        left_label="BPR02 total payment",
        left=Money("5.00", "USD"),
        right=Money("5.00", "USD"),
        terms=(("applied", Money("5.00", "USD")),),
    )
    assert str(check).splitlines()[0] == "remittance T1: balanced (rule posting.reconciliation)"
