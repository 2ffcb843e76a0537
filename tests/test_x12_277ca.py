"""The 277CA reader: one acknowledgement per claim status, known answers by hand."""

from __future__ import annotations

import datetime

import pytest

from billing_core.claims import AcknowledgementStatus
from billing_core.x12 import X12Error, read_277ca
from x12_kit import envelope

HEAD = [
    "BHT*0085*08*B-1*20240306*0800*TH",
    "HL*1**20*1",
    "NM1*PR*2*ACME HEALTH*****PI*87726",
    "HL*2*1*21*1",
    "NM1*41*2*RIVERSIDE CLINIC*****46*RIVERSIDE",
    "TRN*2*BATCH-1",
    "STC*A1:19*20240306*WQ*325.14",
    "HL*3*2*19*1",
    "NM1*85*2*RIVERSIDE CLINIC*****XX*1245319599",
]
CLAIMS = [
    # accepted, with the payer's claim number and a line-level status that is not the claim's
    "HL*4*3*PT",
    "NM1*QC*1*ROE*JANE****MI*M-1",
    "TRN*2*CLM-0001",
    "STC*A2:20:PR*20240305*WQ*226.14",
    "REF*1K*ACME-PCN-1",
    "SVC*HC:99214*180****1",
    "STC*A3:21*20240305*U",
    # rejected for two reasons (STC01 and STC10), no date of its own: the BHT04 date
    "HL*5*3*PT",
    "NM1*QC*1*ROE*JOHN****MI*M-2",
    "TRN*2*CLM-0002",
    "STC*A7:562:85**U*99******A8:496:85**NPI MISMATCH",
]


def ack(body: list[str]) -> str:
    return envelope(body, transaction="277", guide="005010X214", functional="HN")


def test_claims_accepted_and_rejected() -> None:
    first, second, third = read_277ca(ack(HEAD + CLAIMS))
    assert (first.claim_id, first.status, first.category, first.status_code, first.entity) == (
        "CLM-0001",
        AcknowledgementStatus.ACCEPTED,
        "A2",
        "20",
        "PR",
    )
    assert (first.received, first.action, first.payer_claim_number) == (
        datetime.date(2024, 3, 5),
        "WQ",
        "ACME-PCN-1",
    )
    assert [
        (a.claim_id, a.category, a.status_code, a.entity, a.rejected) for a in (second, third)
    ] == [
        ("CLM-0002", "A7", "562", "85", True),
        ("CLM-0002", "A8", "496", "85", True),
    ]
    assert second.received == datetime.date(2024, 3, 6)  # BHT04
    assert second.message == third.message == "NPI MISMATCH"


def test_envelope_and_foreign_segments() -> None:
    text = ack(HEAD + CLAIMS).replace("GE*1*101", "GE*3*101")
    with pytest.raises(X12Error, match=r"\(GE\) GE01: the group has 1 transaction sets"):
        read_277ca(text)
    with pytest.raises(X12Error, match=r"not a segment of the 277CA"):
        read_277ca(ack([*HEAD, *CLAIMS, "CLP*A*1*0*0"]))
    with pytest.raises(X12Error, match="ST01 is '835'"):
        read_277ca(envelope(["BPR*I*0*C*NON************20240105"]))


def test_a_claim_without_status_or_with_a_bad_category() -> None:
    body = [*HEAD, "HL*4*3*PT", "TRN*2*CLM-9", "HL*5*3*PT", "TRN*2*CLM-10", "STC*accepted:20"]
    result = read_277ca(ack(body), strict=False)
    assert list(result) == []
    assert [f.location for f in result.findings] == ["segment 14 (TRN)", "segment 17 (STC) STC01"]
    assert "a claim without a status" in result.findings[0].message
