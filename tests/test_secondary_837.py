"""The claim `secondary_claim()` builds, written as an 837P with its COB loops and read back.

A complete professional claim goes to Acme (primary); Acme answers with
line-level and claim-level CAS; `secondary_claim` builds the claim to Beta
(secondary); `write_837p` writes it, pyx12 accepts it, and `read_837p` gives
back the prior payer's figures. The expected segments and amounts are worked
out by hand in the comments (X12 5010 837P, loops 2320/2330B/2430).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.charges import Category, LineItem
from billing_core.claims import Claim
from billing_core.codes import ProcedureCode
from billing_core.money import Money
from billing_core.parties import (
    CareRole,
    CareTeamMember,
    Coverage,
    CoverageSequence,
    Patient,
    Payer,
    Relationship,
    Sex,
)
from billing_core.remittance import CasAdjustment, ClaimPayment, ServicePayment
from billing_core.secondary import (
    balance_prior_payers,
    remaining_patient_liability,
    secondary_claim,
)
from billing_core.x12 import ControlNumbers, Receiver, Submitter, read_837p, write_837p
from x12_kit import ACME, CLINIC, HOME, JANE, SMITH, pyx12_errors, seg_list

D = datetime.date
ADJUDICATED = D(2024, 4, 2)
SUBMITTER = Submitter(name="Riverside Clinic", id="RC001", contact_name="Kim", phone="5555551212")
RECEIVER = Receiver(name="Beta Mutual", id="BETA01")
NUMBERS = ControlNumbers(interchange=21, group=5, created=datetime.datetime(2024, 4, 3, 8, 15))

BETA = Coverage(
    id="BETA01/S",
    payer=Payer(id="BETA01", name="Beta Mutual", payer_id="BETA01"),
    member_id="B-77",
    sequence=CoverageSequence.SECONDARY,
    relationship=Relationship.CHILD,
    subscriber=Patient(id="B-77", name="Roe, John Q", birth_date=D(1978, 1, 2), sex=Sex.MALE,
                       address=HOME),
    filing_code="CI",
)  # fmt: skip


def usd(text: str) -> Money:
    return Money(text, "USD")


def line(line_id: str, code: str, charge: str, pointers: list[int], **more: object) -> LineItem:
    return LineItem(
        id=line_id,
        category=Category.PROCEDURE,
        service_date=D(2024, 3, 4),
        procedure=ProcedureCode("CPT", code, more.pop("modifiers", [])),  # type: ignore[arg-type]
        charge=usd(charge),
        diagnosis_pointers=pointers,
        **more,  # type: ignore[arg-type]
    )


def primary_claim(*charges: str) -> Claim:
    """A dependant's office visit and therapy to Acme, the clinic billing, Dr Smith rendering."""
    codes = ["99214", "97110", "97140", "97530"]
    lines = [
        line(f"L{n}", codes[n - 1], charge, [1, 2] if n == 1 else [2],
             **({"modifiers": ["25"]} if n == 1 else {"units": 3} if n == 2 else {}))
        for n, charge in enumerate(charges, 1)
    ]  # fmt: skip
    return Claim(
        id="CLM-0001",
        account_id="M-1/19",
        patient_id="M-1/19",
        coverage=ACME,
        claim_date=D(2024, 3, 5),
        lines=lines,
        diagnoses=["M54.50", "I10"],
        care_team=[
            CareTeamMember(provider=CLINIC, role=CareRole.BILLING),
            CareTeamMember(provider=SMITH, role=CareRole.RENDERING),
        ],
        place_of_service="11",
        patient=JANE,
    )


def cas(group: str, reason: str, amount: str) -> CasAdjustment:
    return CasAdjustment(group=group, reason=reason, amount=usd(amount))


def acme_answer() -> ClaimPayment:
    # L1 99214-25, charge 180.00: paid 120.00, CO-45 40.00, PR-2 20.00 (120 + 40 + 20 = 180).
    # L2 97110 x3, charge 100.00: paid 80.00, CO-45 10.00, PR-3 10.00 (80 + 10 + 10 = 100).
    # Claim level: PR-1 (deductible) 25.00, so CLP04 = 120 + 80 - 25 = 175.00;
    # 835 balance: 280.00 - 175.00 = 105.00 = 25 + (40 + 20 + 10 + 10).
    return ClaimPayment(
        patient_control_number="CLM-0001",
        status="1",
        charge=usd("280"),
        paid=usd("175"),
        payer_claim_control_number="ACME-PCN-1",
        adjustments=[cas("PR", "1", "25")],
        lines=[
            ServicePayment(line_control_number="L1", charge=usd("180"), paid=usd("120"),
                           adjustments=[cas("CO", "45", "40"), cas("PR", "2", "20")]),
            ServicePayment(line_control_number="L2", charge=usd("100"), paid=usd("80"),
                           adjustments=[cas("CO", "45", "10"), cas("PR", "3", "10")]),
        ],
    )  # fmt: skip


def beta_claim() -> Claim:
    return secondary_claim(
        primary_claim("180", "100"), acme_answer(), BETA, adjudicated_on=ADJUDICATED
    )


def test_the_secondary_claim_written_as_an_837p_passes_pyx12() -> None:
    text = write_837p([beta_claim()], SUBMITTER, RECEIVER, NUMBERS)
    assert pyx12_errors(text) == []


def test_the_cob_segments_carry_acmes_adjudication() -> None:
    text = write_837p([beta_claim()], SUBMITTER, RECEIVER, NUMBERS)
    # The claim id defaults to the claim's id and the next sequence number (2): CLM-0001-2;
    # the charges stay ours: 180 + 100 = 280.
    assert seg_list(text, "CLM") == ["CLM*CLM-0001-2*280***11:B:1*Y*A*Y*Y"]
    # 2000B: Beta is the secondary (S); 2320: Acme as the other payer, primary (P), for a
    # child (19) under group G-55.
    assert seg_list(text, "SBR") == ["SBR*S********CI", "SBR*P*19*G-55******CI"]
    # 2320 AMT*D: what Acme paid on the claim, CLP04 = 175. (Only AMT*D is checked: the
    # remaining patient liability, AMT*EAF, is the writer's to add; it is read from the CAS.)
    assert [s for s in seg_list(text, "AMT") if s.startswith("AMT*D*")] == ["AMT*D*175"]
    # 2320 CAS (claim level) first, then each 2430 line's CAS as Acme sent them.
    assert seg_list(text, "CAS") == [
        "CAS*PR*1*25",
        "CAS*CO*45*40",
        "CAS*PR*2*20",
        "CAS*CO*45*10",
        "CAS*PR*3*10",
    ]
    # 2430 SVD: Acme's payer id, its line payment, the procedure, the units.
    assert seg_list(text, "SVD") == ["SVD*87726*120*HC:99214:25**1", "SVD*87726*80*HC:97110**3"]
    assert seg_list(text, "DTP").count("DTP*573*D8*20240402") == 2
    # 2330B: Acme's claim control number.
    assert "REF*F8*ACME-PCN-1" in text
    assert "NM1*PR*2*Acme Health*****PI*87726" in text


def test_read_back_the_cob_figures_are_acmes() -> None:
    text = write_837p([beta_claim()], SUBMITTER, RECEIVER, NUMBERS)
    (back,) = read_837p(text)
    assert back.id == "CLM-0001-2" and back.coverage.payer.payer_id == "BETA01"
    assert back.total_charge == usd("280.00")
    (prior,) = back.prior_payers
    assert prior.coverage.payer.payer_id == "87726"
    assert prior.paid == usd("175.00")
    assert prior.payer_claim_number == "ACME-PCN-1"
    assert prior.adjudicated_on == ADJUDICATED
    assert [(a.group.value, a.reason.code, a.amount) for a in prior.claim_adjustments] == [
        ("PR", "1", usd("25.00"))
    ]
    assert [
        (pl.line_id, pl.paid, [(a.group.value, a.reason.code, a.amount) for a in pl.adjustments])
        for pl in prior.lines
    ] == [
        ("L1", usd("120.00"), [("CO", "45", usd("40.00")), ("PR", "2", usd("20.00"))]),
        ("L2", usd("80.00"), [("CO", "45", usd("10.00")), ("PR", "3", usd("10.00"))]),
    ]
    # What Acme left the patient, every PR: 25 (claim) + 20 (L1) + 10 (L2) = 55.00.
    assert remaining_patient_liability(prior) == usd("55.00")
    # The COB balancing the next payer runs: 280 = 175 + 25 + (40 + 20 + 10 + 10) for the
    # claim; 180 = 120 + 40 + 20 and 100 = 80 + 10 + 10 per line.
    checks = balance_prior_payers(back)
    assert len(checks) == 3 and all(c.ok for c in checks)


def dollars(minor: int) -> str:
    return str(Decimal(minor) / 100)


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_any_balanced_primary_answer_reads_back_from_the_837p(data: st.DataObject) -> None:
    # Each line's charge split at random into paid, CO-45 and PR-2 (all in cents); a
    # claim-level PR-1 comes off what the lines paid. What the patient is left with is the
    # PR drawn here, added by the test.
    count = data.draw(st.integers(min_value=1, max_value=4))
    charges = data.draw(st.lists(st.integers(min_value=3, max_value=10**6), min_size=count,
                                 max_size=count))  # fmt: skip
    answers = []
    patient = 0
    for n, charge in enumerate(charges, 1):
        paid = data.draw(st.integers(min_value=1, max_value=charge - 2))
        pr = data.draw(st.integers(min_value=1, max_value=charge - paid - 1))
        co = charge - paid - pr
        patient += pr
        answers.append(ServicePayment(
            line_control_number=f"L{n}", charge=usd(dollars(charge)), paid=usd(dollars(paid)),
            adjustments=[cas("CO", "45", dollars(co)), cas("PR", "2", dollars(pr))]))  # fmt: skip
    lines_paid = sum(a.paid.minor for a in answers)
    deductible = data.draw(st.integers(min_value=0, max_value=lines_paid))
    patient += deductible
    payment = ClaimPayment(
        patient_control_number="CLM-0001",
        status="1",
        charge=usd(dollars(sum(charges))),
        paid=usd(dollars(lines_paid - deductible)),
        payer_claim_control_number="ACME-PCN-9",
        adjustments=[cas("PR", "1", dollars(deductible))] if deductible else [],
        lines=answers,
    )
    claim = primary_claim(*(dollars(c) for c in charges))
    built = secondary_claim(claim, payment, BETA, adjudicated_on=ADJUDICATED)
    (back,) = read_837p(write_837p([built], SUBMITTER, RECEIVER, NUMBERS))
    (prior,) = back.prior_payers
    assert prior.paid.minor == lines_paid - deductible
    assert [a.amount.minor for a in prior.claim_adjustments] == ([deductible] if deductible else [])
    assert [(pl.line_id, pl.paid, tuple(pl.adjustments)) for pl in prior.lines] == [
        (a.line_control_number, a.paid, tuple(a.adjustments)) for a in answers
    ]
    assert remaining_patient_liability(prior).minor == patient
    assert all(check.ok for check in balance_prior_payers(back))
