"""A 277CA file read by the X12 reader moves claims through the lifecycle."""

from __future__ import annotations

import datetime

from billing_core.lifecycle import ClaimState, claim_status
from billing_core.x12 import read_277ca
from posting_kit import cas, charges, claim, clp, item, remit, svc
from x12_kit import envelope

D = datetime.date

ACKNOWLEDGEMENTS = [
    "BHT*0085*08*B-1*20240306*0800*TH",
    "HL*1**20*1",
    "NM1*PR*2*ACME HEALTH*****PI*87726",
    "HL*2*1*21*1",
    "NM1*41*2*RIVERSIDE CLINIC*****46*RIVERSIDE",
    "TRN*2*BATCH-1",
    "STC*A1:19*20240306*WQ*200",
    "HL*3*2*19*1",
    "NM1*85*2*RIVERSIDE CLINIC*****XX*1245319599",
    # C1 accepted on 2024-03-05 (A2: accepted into the adjudication system)
    "HL*4*3*PT",
    "NM1*QC*1*ROE*JANE****MI*M-1",
    "TRN*2*C1",
    "STC*A2:20*20240305*WQ*100",
    # C2 rejected on 2024-03-05 (A7: rejected for invalid information)
    "HL*5*3*PT",
    "NM1*QC*1*ROE*JOHN****MI*M-2",
    "TRN*2*C2",
    "STC*A7:562:85*20240305*U*100",
]


def test_acknowledgements_read_from_a_277ca_accept_and_reject_claims() -> None:
    acks = read_277ca(envelope(ACKNOWLEDGEMENTS, transaction="277", guide="005010X214",
                               functional="HN"))  # fmt: skip
    c1 = claim("C1", [item("L1", "100")])
    c2 = claim("C2", [item("L2", "100")])
    accepted = claim_status(c1, charges(c1), [], acks)
    rejected = claim_status(c2, charges(c2), [], acks)
    assert (accepted.state, accepted.since) == (ClaimState.ACCEPTED, D(2024, 3, 5))
    assert (rejected.state, rejected.since) == (ClaimState.REJECTED, D(2024, 3, 5))
    # the accepted claim answered by an 835 on 2024-04-01 moves on; the rejected one is
    # not the payer's to answer until it is sent again
    paid = remit("70", [clp("C1", "100", "70", svc("L1", "100", "70", *cas("PR", ("2", "30"))))])
    assert claim_status(c1, charges(c1), [paid], acks).state is ClaimState.PAID
