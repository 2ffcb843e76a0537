"""The demo (``make demo``) runs end to end and tells the right numbers.

Every expected figure below is worked out by hand from the inputs the walkthrough chose.
"""

from __future__ import annotations

import re
import runpy

import pytest


@pytest.fixture
def out(capsys: pytest.CaptureFixture[str]) -> str:
    # as `make demo` runs it: python -m examples.walkthrough
    runpy.run_module("examples.walkthrough", run_name="__main__", alter_sys=False)
    return capsys.readouterr().out


def figure(out: str, label: str) -> str:
    """The amount printed at the end of the line that starts with ``label``."""
    match = re.search(rf"^  {re.escape(label)}\s+(\S+)$", out, re.MULTILINE)
    assert match, f"no line {label!r} in the demo output"
    return match.group(1)


def test_walkthrough_tells_every_step(out: str) -> None:
    for step in range(1, 9):
        assert f"\n== {step}. " in out


def test_prices(out: str) -> None:
    # drug: 2.5 mL x 18.4567 = 46.14175 -> 46.14 (half-up, rounded once)
    assert figure(out, "L2 Dexamethasone 2.5 mL @ $18.4567") == "$46.14"
    # mileage: 12.4 mi x 7.25 = 89.90 exactly
    assert figure(out, "L5 Ambulance 12.4 mi @ $7.25") == "$89.90"
    # 180.00 + 46.14 + 850.00 + 42.30 + 89.90 + 25.00 = 1,233.34
    assert figure(out, "encounter total") == "$1,233.34"


def test_routing(out: str) -> None:
    # everything but the fee goes to Acme: 1,233.34 - 25.00 = 1,208.34
    assert figure(out, "claim total charge") == "$1,208.34"
    assert figure(out, "patient bill total") == "$25.00"
    assert "0 findings (clean claim)" in out
    assert "pointer 5 points to no diagnosis" in out
    assert figure(out, "owed by Acme (primary)") == "$1,208.34"


def test_remittance(out: str) -> None:
    # paid: 96 + 24 + 240 + 24 + 56 = 440.00
    assert figure(out, "paid by Acme (CLP04)") == "$440.00"
    # CO-45 = charge - allowed: 60 + 16.14 + 250 + 12.30 + 19.90 = 358.34
    assert figure(out, "CO-45 contractual adjustment") == "$358.34"
    # PR: 24 + 6 + (300 + 60) + 6 + 14 = 410.00; and 440 + 358.34 + 410 = 1,208.34
    assert figure(out, "PR-1 deductible + PR-2 coinsurance, to patient") == "$410.00"
    assert "already posted, 0 entries written" in out
    # 410.00 + the 25.00 fee
    assert figure(out, "patient now owes (410.00 + 25.00 fee)") == "$435.00"


def test_patient_payment_and_waterfall(out: str) -> None:
    # 150.00 oldest first (all lines 2024-03-04, in line order): L1 24, L2 6, L3 120 of 360
    assert "line L1: $24.00 applied, paid in full" in out
    assert "line L3: $120.00 applied, $240.00 remaining" in out
    # 435.00 - 150.00
    assert figure(out, "patient balance after the payment") == "$285.00"
    # L3: 850 - 250 CO-45 - 240 paid = 360 moved to the patient, - 120 paid = 240
    assert "open 360.00" in out
    assert "Open: patient 240.00; total 240.00" in out


def test_follow_up(out: str) -> None:
    # 2024-03-04 -> 2024-06-28 is 27 + 30 + 31 + 28 = 116 days: 91-120
    assert re.search(r"^  patient\s+0\.00\s+0\.00\s+0\.00\s+285\.00\s+0\.00\s+285\.00$", out, re.M)
    # re-aged: PR moved 2024-04-02 is 87 days old (240 + 6 + 14 = 260);
    # the fee, the patient's since 2024-03-05, is 115 days old
    assert "61-90 $260.00, 91-120 $25.00" in out
    # due 25 days after 2024-06-28
    assert "Please pay $285.00 by Jul 23, 2024" in out
    assert "Account: ****1001" in out
    assert "ACC-1001" not in out.split("the statement mailed to Jane:")[1]
    # Her payment of 2024-04-20 restarted the cycle, so only the 2024-05-20 statement
    # counts: statement 2 of 3 was due 30 days later (2024-06-19) and is due today.
    assert "next dunning step: send_statement on 2024-06-28 (statement 2 of 3)" in out
    # 2024-03-04 + 90 days = Sunday 2024-06-02 -> Monday 2024-06-03
    assert "2024-06-03, filed 2024-03-05" in out
    # 285.00 x 90 / 1,233.34 = 20.797... -> 20.80
    assert "days in A/R (90-day period): 20.80 days" in out
    # (440 + 150) / (1,233.34 - 358.34) = 590 / 875 = 67.428...%
    assert "net collection rate: 67.43%" in out


def test_price_lookup_and_estimate_before_the_visit(out: str) -> None:
    assert "\n== 1a. " in out
    # Acme's contract: 99214 120.00 and 0270 30.00 from its schedule, J1100 and A0425 at fixed
    # fees of 30.00 and 70.00, the room at a per diem of 600.00 x 1 day.
    assert figure(out, "L1 allowed (100% of Acme 2024 120.00 USD)") == "$120.00"
    assert figure(out, "L3 allowed (per diem 600.00 USD)") == "$600.00"
    assert figure(out, "L5 allowed (fixed fee 70.00 USD)") == "$70.00"
    # 300.00 of the deductible left (500 - 200), in line order: L1 120, L2 30, L3 150; then 20%:
    # L3 20% of 450 = 90, L4 20% of 30 = 6, L5 20% of 70 = 14. Jane: 300 + 110 = 410.00;
    # Acme: 850 - 410 = 440.00.
    assert re.search(
        r"^  L3 .* 850\.00 +600\.00 +150\.00 +0\.00 +90\.00 +360\.00 +240\.00$", out, re.M
    )
    assert figure(out, "estimated: Jane owes") == "$410.00"
    assert figure(out, "estimated: Acme pays") == "$440.00"


def test_variance_check_and_secondary_payer(out: str) -> None:
    assert "\n== 4a. " in out
    # Acme allowed what the contract allows on every line: no variance.
    assert "claim CLM-0001 under Acme PPO 2024: paid as contracted" in out
    # The ERA spent the deductible on L3 only (300 there): L1, L2 and L3 differ on their paid
    # amount, PR-1 and PR-2 (3 x 3 = 9); L4 and L5 match the estimate.
    assert "the estimate and the ERA differ on 9 amounts" in out
    assert "line L1 PR-1: estimated 120.00 USD, remitted 0.00 USD" in out
    assert "claim CLM-0001-2 to Beacon Mutual: prior payer paid $440.00" in out
    # PR-1 300 + PR-2 (24 + 6 + 60 + 6 + 14 = 110) = 410.00
    assert figure(out, "left to Jane by Acme (PR adjustments)") == "$410.00"
    # min(Beacon's normal benefit 540.00, 850.00 allowable - 440.00 paid = 410.00)
    assert figure(out, "Beacon would pay (standard COB)") == "$410.00"


def test_held_claim_and_plb(out: str) -> None:
    # CLM-9999 is not ours: its 80.00 (100.00 - CO-45 20.00) is held, not refused
    assert "follow up: claim 1 (CLM-9999): unmatched 80.00 USD (CO-45)" in out
    assert figure(out, "held unapplied on the remittance's account") == "$80.00"
    # PLB L6 -1.20 names CLM-0001 (ours); PLB WO 15.00 names a refund letter (not a claim)
    assert figure(out, "interest, linked to claim CLM-0001") == "$1.20"
    assert figure(out, "taken back by Acme (refund letter FCN-2024-118)") == "$15.00"
    assert "follow up: PLB 2: unlinked_recoupment 15.00 USD (PLB-WO)" in out
    # BPR02 = 80.00 + 1.20 - 15.00 = 66.20, all of it accounted for
    assert "remittance EFT-61007: balanced" in out
    assert "    computed 66.20 USD =" in out
    # paid on 2024-04-02; Jane still owes 285.00 on its lines, so not closed
    assert "claim CLM-0001: paid since 2024-04-02" in out
