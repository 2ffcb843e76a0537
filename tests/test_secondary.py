"""The secondary claim builder: the X12 TR3 COB example, a tertiary claim, refusals, properties.

Known answer: the 837P implementation guide's coordination-of-benefits example
(claim 26407789, as rendered in ``../shared/corpus/837p/stupidedi__COB-claim-
from-billing-provider-to-payer-b.837``): a 79.04 claim of three lines (99213
43.00, 90782 15.00, J3301 21.04, service 2005-10-03) that the primary payer,
Key Insurance Company, adjudicated on 2005-10-15: paid 39.15, claim-level
PR-1 21.89 and PR-2 15.00 (remaining patient liability 36.89), line 1 paid
40.00 with CO-42 3.00, lines 2 and 3 paid in full. The same figures are
written out below; when the corpus is present, the test also reads them from
the file.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.charges import Category, LineItem
from billing_core.claims import Claim, validate_claim
from billing_core.codes import ProcedureCode
from billing_core.errors import (
    CurrencyMismatchError,
    InvalidTransitionError,
    UnbalancedError,
    ValidationError,
)
from billing_core.money import Money
from billing_core.parties import Coverage, CoverageSequence, Payer
from billing_core.remittance import CasAdjustment, ClaimPayment, ServicePayment
from billing_core.secondary import (
    balance_prior_payers,
    remaining_patient_liability,
    secondary_claim,
)
from billing_core.testing.strategies.remittance import posting_scenarios

SERVICE = datetime.date(2005, 10, 3)
ADJUDICATED = datetime.date(2005, 10, 15)
KEY = Coverage(id="KEY", payer=Payer(id="999996666", name="Key Insurance Company"),
               member_id="JS00111223333", sequence=CoverageSequence.PRIMARY)  # fmt: skip
PRAIRIES = Coverage(id="GPH", payer=Payer(id="567890", name="Great Prairies Health"),
                    member_id="222334444", sequence=CoverageSequence.SECONDARY)  # fmt: skip
THIRD = Coverage(id="T3", payer=Payer(id="tri", name="Tri County"), member_id="T-1",
                 sequence=CoverageSequence.TERTIARY)  # fmt: skip


def usd(text: str) -> Money:
    return Money(text, "USD")


def tr3_claim() -> Claim:
    lines = [
        LineItem(id=f"{n}", category=Category.PROCEDURE, service_date=SERVICE,
                 procedure=ProcedureCode(code), charge=usd(charge), diagnosis_pointers=pointers)
        for n, code, charge, pointers in [
            (1, "99213", "43.00", [1, 2, 3, 4]),
            (2, "90782", "15.00", [1, 2]),
            (3, "J3301", "21.04", [1, 2]),
        ]
    ]  # fmt: skip
    # The guide's diagnoses, in ICD-9-CM as services of 2005 are coded: 477.9, 272.4, 278.0,
    # 530.81 (an ICD-10-CM code would break the code-set rule for these dates).
    icd9 = ["ICD-9-CM:477.9", "ICD-9-CM:272.4", "ICD-9-CM:278.0", "ICD-9-CM:530.81"]
    return Claim(id="26407789", account_id="A1", patient_id="P1", coverage=KEY,
                 claim_date=datetime.date(2005, 10, 4), lines=lines, diagnoses=icd9)  # fmt: skip


def key_payment(**changes) -> ClaimPayment:
    """Key Insurance's 835 answer, balanced: 79.04 - (21.89 + 15.00) - 3.00 = 39.15."""
    payment = ClaimPayment(
        patient_control_number="26407789",
        status="1",
        charge=usd("79.04"),
        paid=usd("39.15"),
        payer_claim_control_number="KEY-0001",
        adjustments=CasAdjustment.from_cas("PR", ("1", usd("21.89")), ("2", usd("15.00"))),
        lines=[
            ServicePayment(line_control_number="1", charge=usd("43.00"), paid=usd("40.00"),
                           adjustments=CasAdjustment.from_cas("CO", ("42", usd("3.00")))),
            ServicePayment(line_control_number="2", charge=usd("15.00"), paid=usd("15.00")),
            ServicePayment(line_control_number="3", charge=usd("21.04"), paid=usd("21.04")),
        ],
    )  # fmt: skip
    return attrs.evolve(payment, **changes)


def test_the_tr3_cob_example():
    second = secondary_claim(tr3_claim(), key_payment(), PRAIRIES, adjudicated_on=ADJUDICATED)
    assert (second.id, second.coverage, second.claim_date) == ("26407789-2", PRAIRIES, ADJUDICATED)
    assert second.lines == tr3_claim().lines and second.total_charge == usd("79.04")
    (prior,) = second.prior_payers
    assert prior.coverage == KEY
    assert (prior.paid, prior.adjudicated_on, prior.payer_claim_number) == (
        usd("39.15"),
        ADJUDICATED,
        "KEY-0001",
    )
    assert [str(a) for a in prior.claim_adjustments] == ["PR-1 21.89 USD", "PR-2 15.00 USD"]
    assert [
        (ln.line_id, str(ln.paid.amount), [str(a) for a in ln.adjustments]) for ln in prior.lines
    ] == [
        ("1", "40.00", ["CO-42 3.00 USD"]),
        ("2", "15.00", []),
        ("3", "21.04", []),
    ]
    assert remaining_patient_liability(prior) == usd("36.89")  # AMT*EAF
    checks = balance_prior_payers(second)
    assert len(checks) == 4 and all(c.ok for c in checks)
    assert validate_claim(second) == ()


def _segments(path: Path) -> list[list[str]]:
    return [seg.split("*") for seg in path.read_text().replace("\n", "").split("~") if seg]


def test_the_tr3_example_figures_are_the_corpus_files(corpus_dir: Path):
    # Read the 2320 and 2430 loops of the guide's claim to payer B: the figures written out
    # above must be the file's.
    segments = _segments(
        corpus_dir / "837p" / "stupidedi__COB-claim-from-billing-provider-to-payer-b.837"
    )
    amounts = {s[1]: s[2] for s in segments if s[0] == "AMT"}
    assert amounts == {"D": "39.15", "EAF": "36.89"}
    claim_cas = next(s for s in segments if s[0] == "CAS")
    assert claim_cas[1:] == ["PR", "1", "21.89", "", "2", "15"]
    svd = [(s[2], s[3]) for s in segments if s[0] == "SVD"]
    assert svd == [("40", "HC:99213"), ("15", "HC:90782"), ("21.04", "HC:J3301")]
    line_cas = [s[1:4] for s in segments if s[0] == "CAS"][1:]
    assert line_cas == [["CO", "42", "3"]]
    assert [s[2] for s in segments if s[0] == "SV1"] == ["43", "15", "21.04"]
    assert {s[3] for s in segments if s[0] == "DTP" and s[1] == "573"} == {"20051015"}
    hi = next(s for s in segments if s[0] == "HI")
    assert [c.partition(":")[2] for c in hi[1:]] == [d.code for d in tr3_claim().diagnoses]
    # ... and the claim we build carries exactly them.
    second = secondary_claim(tr3_claim(), key_payment(), PRAIRIES, adjudicated_on=ADJUDICATED)
    (prior,) = second.prior_payers
    assert str(prior.paid.amount) == "39.15"
    assert [ln.paid for ln in prior.lines] == [usd(a) for a, _ in svd]


def test_a_tertiary_claim_carries_both_prior_payers():
    second = secondary_claim(tr3_claim(), key_payment(), PRAIRIES, adjudicated_on=ADJUDICATED)
    # The secondary answers at claim level: of 79.04, OA-23 (the primary's impact: 39.15 paid
    # + 3.00 CO-42 = 42.15), PR-2 6.89 left to the patient; paid 79.04 - 42.15 - 6.89 = 30.00.
    answer = ClaimPayment(
        patient_control_number="26407789-2", status="2", charge=usd("79.04"), paid=usd("30.00"),
        adjustments=CasAdjustment.from_cas("OA", ("23", usd("42.15")))
        + CasAdjustment.from_cas("PR", ("2", usd("6.89"))),
    )  # fmt: skip
    third = secondary_claim(second, answer, THIRD, adjudicated_on=datetime.date(2005, 11, 1))
    assert third.id == "26407789-2-3"
    assert [p.coverage.payer.name for p in third.prior_payers] == [
        "Key Insurance Company",
        "Great Prairies Health",
    ]
    assert remaining_patient_liability(third.prior_payers[1]) == usd("6.89")
    assert all(c.ok for c in balance_prior_payers(third))
    assert third.prior_payers[1].lines == ()  # adjudicated at claim level only


def test_lines_without_control_numbers_are_matched_by_code_date_and_charge():
    pairs = zip(key_payment().lines, tr3_claim().lines, strict=True)
    anonymous = [
        attrs.evolve(sp, line_control_number=None, procedure=line.procedure, service_date=SERVICE)
        for sp, line in pairs
    ]
    payment = key_payment(lines=anonymous)
    second = secondary_claim(tr3_claim(), payment, PRAIRIES, adjudicated_on=ADJUDICATED)
    assert [ln.line_id for ln in second.prior_payers[0].lines] == ["1", "2", "3"]


def test_refusals_say_why():
    claim = tr3_claim()
    with pytest.raises(InvalidTransitionError, match="already forwarded the claim .*status 19"):
        secondary_claim(claim, key_payment(status="19"), PRAIRIES, adjudicated_on=ADJUDICATED)
    with pytest.raises(InvalidTransitionError, match="reversal \\(status 22\\)"):
        secondary_claim(claim, key_payment().as_reversal(), PRAIRIES, adjudicated_on=ADJUDICATED)
    paid_in_full = key_payment(
        paid=usd("76.04"),
        adjustments=CasAdjustment.from_cas("CO", ("45", usd("0.00"))),
    )
    with pytest.raises(InvalidTransitionError, match="left nothing to the patient"):
        secondary_claim(claim, paid_in_full, PRAIRIES, adjudicated_on=ADJUDICATED)
    with pytest.raises(
        ValidationError, match="'99999' is not claim '26407789': the payment is for another claim"
    ):
        secondary_claim(
            claim, key_payment(patient_control_number="99999"), PRAIRIES, adjudicated_on=ADJUDICATED
        )
    with pytest.raises(ValidationError, match="next_coverage.sequence: primary is not after"):
        secondary_claim(claim, key_payment(), KEY, adjudicated_on=ADJUDICATED)
    with pytest.raises(ValidationError, match="processed the claim as payer 2 in sequence"):
        secondary_claim(claim, key_payment(status="2"), PRAIRIES, adjudicated_on=ADJUDICATED)
    with pytest.raises(UnbalancedError, match="does not balance by 1.00 USD"):
        secondary_claim(claim, key_payment(paid=usd("40.15")), PRAIRIES, adjudicated_on=ADJUDICATED)
    with pytest.raises(TypeError, match="adjudicated_on must be a datetime.date"):
        secondary_claim(claim, key_payment(), PRAIRIES, adjudicated_on="2005-10-15")  # type: ignore[arg-type]


def test_a_payment_that_does_not_answer_our_lines_is_refused():
    lines = list(key_payment().lines)
    lines[2] = attrs.evolve(lines[2], line_control_number="9")
    with pytest.raises(ValidationError) as info:
        secondary_claim(tr3_claim(), key_payment(lines=lines), PRAIRIES, adjudicated_on=ADJUDICATED)
    assert [f.location for f in info.value.findings] == [
        "claim '26407789' line '3'",
        "primary_claim_payment line '9'",
    ]
    euro_line = LineItem(
        id="1", category=Category.SUPPLY, service_date=SERVICE, charge=Money("79.04", "EUR")
    )
    euro = attrs.evolve(tr3_claim(), lines=[euro_line], total_charge=euro_line.charge)
    with pytest.raises(
        CurrencyMismatchError, match="the payment is in USD, claim '26407789' in EUR"
    ):
        secondary_claim(euro, key_payment(), PRAIRIES, adjudicated_on=ADJUDICATED)


@settings(max_examples=60)
@given(posting_scenarios(max_claims=2, max_lines=3), st.data())
def test_secondary_claims_always_balance(scenario, data):
    payments = {p.patient_control_number: p for p in scenario.remittance.claims}
    for claim in scenario.claims:
        payment = payments[claim.id]
        every = (*payment.adjustments, *(a for sp in payment.lines for a in sp.adjustments))
        left = sum(a.amount.minor for a in every if a.group.value == "PR")
        if left <= 0:
            with pytest.raises(InvalidTransitionError):
                secondary_claim(
                    claim, payment, PRAIRIES, adjudicated_on=scenario.remittance.paid_date
                )
            continue
        second = secondary_claim(
            claim, payment, PRAIRIES, adjudicated_on=scenario.remittance.paid_date
        )
        assert all(check.ok for check in balance_prior_payers(second))
        assert remaining_patient_liability(second.prior_payers[-1]).minor == left
        assert not [f for f in validate_claim(second) if "prior_payers" in f.rule]
