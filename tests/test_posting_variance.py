"""Posting with contracts: each claim payment set against its payer's contract.

The known answers are worked out by hand in the comments: a contract paying
80% of the charge allows 0.8 x charge per line, and the payer accepted
paid + patient responsibility (its PR adjustments) for it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.charges import Category, Encounter, LineItem
from billing_core.claims import Claim
from billing_core.codes import ProcedureCode
from billing_core.errors import Severity, ValidationError
from billing_core.fees import Contract, PercentOfCharge
from billing_core.parties import Patient
from billing_core.posting import plan_posting
from billing_core.remittance import ClaimPayment
from billing_core.testing.memory import InMemoryStore
from billing_core.workflows import PostingStatus, post_remittance, submit_encounter
from posting_kit import DAY, PRIMARY, cas, charges, claim, clp, item, post, remit, svc, usd

ACME_PPO = Contract(name="Acme PPO", currency="USD", terms=[PercentOfCharge(rate=Decimal("0.8"))])
CONTRACTS = {"acme": ACME_PPO}  # PRIMARY's payer is Acme Health, id "acme"


def two_lines(claim_id: str = "CLM1") -> Claim:
    return claim(claim_id, [item("L1", "200"), item("L2", "100")])


def underpaid(claim_id: str = "CLM1") -> ClaimPayment:
    # Contract: 80% of charge. L1 allowed 160.00, L2 allowed 80.00; claim 240.00.
    # L1: paid 128.00 + PR-2 32.00 = 160.00 = allowed (CO-45 40.00; 128 + 40 + 32 = 200).
    # L2: paid 50.00 + PR-2 20.00 = 70.00 < 80.00: underpaid by 10.00
    #     (CO-45 30.00; 50 + 30 + 20 = 100).
    # Claim: paid 178.00, PR 52.00: 230.00 vs 240.00: variance -10.00.
    return clp(
        claim_id,
        "300",
        "178",
        svc("L1", "200", "128", *cas("CO", ("45", "40")), *cas("PR", ("2", "32"))),
        svc("L2", "100", "50", *cas("CO", ("45", "30")), *cas("PR", ("2", "20"))),
    )


L2_MESSAGE = (
    "L2: paid 50.00 USD + patient 20.00 USD + reductions 0.00 USD = 70.00 USD"
    " vs contract 80.00 USD: underpaid by 10.00 USD"
)


def test_an_underpaid_line_is_a_warning_and_the_plan_carries_the_report() -> None:
    c = two_lines()
    r = remit("178", [underpaid()])
    plain = plan_posting(r, [c], charges(c))
    plan, _ = post(r, [c], charges(c), contracts=CONTRACTS)
    (report,) = plan.variances
    assert report.claim_id == "CLM1" and report.contract == "Acme PPO"
    assert report.expected == usd("240.00")
    assert report.paid == usd("178.00") and report.patient == usd("52.00")
    assert report.variance == usd("-10.00")
    assert [(v.line_id, v.expected, v.variance) for v in report.lines] == [
        ("L1", usd("160.00"), usd("0.00")),
        ("L2", usd("80.00"), usd("-10.00")),
    ]
    # The one new finding: the L2 underpayment, a warning naming the line and the amounts.
    new = [f for f in plan.findings if f not in plain.findings]
    assert [(f.location, f.rule, f.severity, f.message) for f in new] == [
        ("claim 'CLM1' line 'L2'", "contract.underpaid", Severity.WARNING, L2_MESSAGE)
    ]
    assert L2_MESSAGE in plan.explain()
    # Additive: the same entries as without contracts.
    assert plan.entries == plain.entries and not plan.refused
    assert plain.variances == ()


def test_a_claim_whose_payer_has_no_contract_has_no_variance() -> None:
    c = two_lines()
    r = remit("178", [underpaid()])
    plain = plan_posting(r, [c], charges(c))
    plan = plan_posting(r, [c], charges(c), contracts={"beta": ACME_PPO})
    assert plan.variances == ()
    assert plan == plain


def test_no_contracts_is_todays_plan() -> None:
    c = two_lines()
    r = remit("178", [underpaid()])
    assert plan_posting(r, [c], charges(c), contracts={}) == plan_posting(r, [c], charges(c))
    assert plan_posting(r, [c], charges(c), contracts=None).variances == ()


def test_a_reversal_is_not_compared_its_correction_is() -> None:
    c = two_lines()
    original = underpaid()
    _, history = post(remit("178", [original], trace="T-ORIG"), [c], charges(c))
    # The reversal alone: -178.00 sent back, nothing to compare.
    plan, _ = post(
        remit("-178", [original.as_reversal()], trace="T-REV"), [c], history, contracts=CONTRACTS
    )
    assert plan.variances == ()
    assert not [f for f in plan.findings if f.rule.startswith("contract.")]
    # Reversal + correction (L2 now paid 60.00 + PR 20.00 = 80.00 = allowed): one report,
    # the correction's, with nothing to say; -178 + 188 = 10.00 sent with the pair.
    correction = clp(
        "CLM1",
        "300",
        "188",
        svc("L1", "200", "128", *cas("CO", ("45", "40")), *cas("PR", ("2", "32"))),
        svc("L2", "100", "60", *cas("CO", ("45", "20")), *cas("PR", ("2", "20"))),
    )
    r = remit("10", [original.as_reversal(), correction], trace="T-FIX")
    plan, _ = post(r, [c], history, contracts=CONTRACTS)
    (report,) = plan.variances
    assert report.ok and report.variance == usd("0.00") and report.paid == usd("188.00")


def test_an_unadjudicated_or_unmatched_claim_payment_is_not_compared() -> None:
    c = two_lines()
    # Status 25 (predetermination) prices without paying; CLM9 is no claim of ours (held).
    priced = clp("CLM1", "300", "0", status="25")
    stranger = clp("CLM9", "50", "40", svc("X1", "50", "40", *cas("CO", ("45", "10"))))
    plan = plan_posting(remit("40", [priced, stranger]), [c], charges(c), contracts=CONTRACTS)
    assert plan.variances == ()
    assert not [f for f in plan.findings if f.rule.startswith("contract.")]


def test_a_contract_in_another_currency_is_named_and_not_compared() -> None:
    c = two_lines()
    euro = Contract(name="Acme EU", currency="EUR", terms=[PercentOfCharge(rate=Decimal("0.8"))])
    plan = plan_posting(remit("178", [underpaid()]), [c], charges(c), contracts={"acme": euro})
    assert plan.variances == () and not plan.refused
    (finding,) = [f for f in plan.findings if f.rule == "posting.contracts"]
    assert finding.severity is Severity.WARNING and finding.location == "claim 1 (CLM1)"
    assert "'Acme EU'" in finding.message and "EUR" in finding.message


@pytest.mark.parametrize(
    ("contracts", "where", "says"),
    [
        ([ACME_PPO], "contracts", "must map payer ids to their contracts"),
        ({"acme": "Acme PPO"}, "contracts['acme']", "not a Contract: 'Acme PPO' (str)"),
        ({1: ACME_PPO}, "contracts", "a payer id must be a str, got 1 (int)"),
    ],
)
def test_bad_contracts_are_refused_naming_them(contracts: object, where: str, says: str) -> None:
    c = two_lines()
    with pytest.raises(ValidationError) as raised:
        plan_posting(remit("178", [underpaid()]), [c], charges(c), contracts=contracts)  # type: ignore[arg-type]
    (finding,) = raised.value.findings
    assert finding.location == where and says in finding.message
    assert finding.rule == "posting.contracts"


def dollars(minor: int) -> str:
    return str(Decimal(minor) / 100)


@settings(max_examples=40, deadline=None)
@given(
    fifths=st.lists(st.integers(min_value=1, max_value=10**7), min_size=1, max_size=4),
    data=st.data(),
)
def test_a_payer_paying_the_contract_has_no_variance(
    fifths: list[int], data: st.DataObject
) -> None:
    # Each charge is 5k cents, so 80% of it is exactly 4k cents (no rounding); the payer
    # splits those 4k cents between paid and PR-2 and writes the other k off as CO-45.
    c = claim("CLM1", [item(f"L{n}", dollars(5 * k)) for n, k in enumerate(fifths, 1)])
    answers = []
    for n, k in enumerate(fifths, 1):
        patient = data.draw(st.integers(min_value=0, max_value=4 * k))
        adjustments = cas("CO", ("45", dollars(k))) + (
            cas("PR", ("2", dollars(patient))) if patient else ()
        )
        answers.append(svc(f"L{n}", dollars(5 * k), dollars(4 * k - patient), *adjustments))
    paid = dollars(sum(a.paid.minor for a in answers))
    r = remit(paid, [clp("CLM1", dollars(5 * sum(fifths)), paid, *answers)])
    plain = plan_posting(r, [c], charges(c))
    plan = plan_posting(r, [c], charges(c), contracts=CONTRACTS)
    (report,) = plan.variances
    assert report.ok and report.variance.minor == 0
    assert report.expected.minor == 4 * sum(fifths)
    assert plan.findings == plain.findings and plan.entries == plain.entries


def test_the_workflow_posts_with_contracts_and_shows_the_variances() -> None:
    store = InMemoryStore()
    line = lambda line_id, charge: LineItem(  # noqa: E731
        id=line_id,
        category=Category.PROCEDURE,
        procedure=ProcedureCode("CPT", "99213"),
        service_date=DAY,
        charge=usd(charge),
        diagnosis_pointers=[1],
    )
    encounter = Encounter(
        id="E1",
        account_id="A1",
        patient=Patient(id="P1", name="Patient One"),
        lines=[line("L1", "200"), line("L2", "100")],
        diagnoses=["E11.9"],
    )
    submitted = submit_encounter(
        store, encounter, [PRIMARY], claim_id="CLM1", bill_id="B1",
        claim_date=datetime.date(2024, 3, 5),
    )  # fmt: skip
    assert not submitted.refused
    result = post_remittance(store, remit("178", [underpaid()]), contracts=CONTRACTS)
    assert result.status is PostingStatus.POSTED, result.explanation
    (report,) = result.variances
    assert report.variance == usd("-10.00") and report.expected == usd("240.00")
    warnings = [f for f in result.findings if f.rule == "contract.underpaid"]
    assert [(f.location, f.message) for f in warnings] == [("claim 'CLM1' line 'L2'", L2_MESSAGE)]
    # Posted again: already posted, nothing written; the plan still says the same.
    again = post_remittance(store, remit("178", [underpaid()]), contracts=CONTRACTS)
    assert again.status is PostingStatus.ALREADY_POSTED and again.written == ()
