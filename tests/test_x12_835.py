"""The 835 reader: known answers worked out by hand, the envelope checks, the corpus."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest

from billing_core.balancing import balancing_report
from billing_core.codes import RARC, CodeSystem, GroupCode, ProcedureCode
from billing_core.money import Money
from billing_core.remittance import ClaimStatus, PaymentMethod, ProviderAdjustmentReason
from billing_core.x12 import X12Error, iter_835, read_835
from x12_kit import envelope, pyx12_errors


def usd(text: str) -> Money:
    return Money(text, "USD")


# A remittance written by hand for these tests. By hand:
# claim A-1 (primary, forwarded 19): line 1 charge 150, CO-45 30 + PR-1 20 + PR-2 10 -> paid 90;
#   line 2 charge 50, paid 50; claim paid 140 = 200 - 60.
# claim A-2 reversal (22) of an earlier 80.00 payment: every amount negated.
# claim A-3 denied (4): claim-level CO-29 100.00, MOA remarks MA01 and N20.
# PLB: L6 interest -1.50 (increases the payment) and WO recoupment 20.00 (reduces it).
# BPR02 = 140 - 80 + 0 - (-1.50 + 20.00) = 41.50
BODY = [
    "BPR*I*41.5*C*ACH*CCP*01*999999992*DA*123456*1512345678**01*999988880*DA*98765*20240110",
    "TRN*1*EFT-77*1512345678",
    "DTM*405*20240108",
    "N1*PR*ACME HEALTH",
    "N3*1 MAIN ST",
    "N4*TOWN*NY*10001",
    "PER*BL*JOE*TE*5555551212",
    "N1*PE*GOOD CLINIC*XX*1234567893",
    "LX*1",
    "CLP*A-1*19*200*140*30*12*PCN-1",
    "NM1*QC*1*ROE*JANE****MI*M123",
    "DTM*232*20240102",
    "SVC*HC:99213:25*150*90**1*HC:99214",
    "DTM*472*20240102",
    "CAS*CO*45*30",
    "CAS*PR*1*20**2*10*1",
    "REF*6R*L1",
    "AMT*B6*120",
    "LQ*HE*N130",
    "SVC*HC:J1100*50*50**2",
    "DTM*150*20240102",
    "DTM*151*20240103",
    "REF*6R*L2",
    "CLP*A-2*22*-100*-80**12*PCN-0",
    "CAS*CO*45*-20",
    "NM1*QC*1*ROE*JOHN****MI*M124",
    "CLP*A-3*4*100*0**12*PCN-3",
    "CAS*CO*29*100",
    "NM1*QC*1*DOE*JILL****MI*M125",
    "MOA***MA01*N20",
    "PLB*1234567893*20241231*L6:A-1*-1.5*WO:PCN-9*20",
]
TEXT = envelope(BODY)


def test_the_hand_written_835_passes_pyx12() -> None:
    assert pyx12_errors(TEXT) == []


def test_header_claims_lines_and_plb_read_as_written() -> None:
    (r,) = read_835(TEXT)
    assert (r.payer, r.payee, r.trace_number) == ("1512345678", "1234567893", "EFT-77")
    assert (r.total_payment, r.payment_method) == (usd("41.50"), PaymentMethod.ACH)
    assert r.paid_date == datetime.date(2024, 1, 10)
    a1, a2, a3 = r.claims
    assert (a1.patient_control_number, a1.status) == (
        "A-1",
        ClaimStatus.PROCESSED_PRIMARY_FORWARDED,
    )
    assert (a1.charge, a1.paid, a1.patient_responsibility) == (usd("200"), usd("140"), usd("30"))
    assert a1.payer_claim_control_number == "PCN-1"
    l1, l2 = a1.lines
    assert l1.procedure == ProcedureCode(CodeSystem.CPT, "99213", ["25"])
    assert l1.submitted_procedure == ProcedureCode(CodeSystem.CPT, "99214")
    assert (l1.charge, l1.paid, l1.allowed, l1.units) == (
        usd("150"),
        usd("90"),
        usd("120"),
        Decimal(1),
    )
    assert [(a.key, a.amount, a.quantity) for a in l1.adjustments] == [
        ("CO-45", usd("30"), None),
        ("PR-1", usd("20"), None),
        ("PR-2", usd("10"), Decimal(1)),
    ]
    assert (l1.line_control_number, l1.service_date) == ("L1", datetime.date(2024, 1, 2))
    assert l1.remarks == (RARC("N130"),)
    assert l2.procedure == ProcedureCode(CodeSystem.HCPCS, "J1100")
    assert (l2.units, l2.line_control_number) == (Decimal(2), "L2")
    assert l2.service_date == datetime.date(2024, 1, 2)  # DTM*150, the start of the period
    assert a2.is_reversal and (a2.charge, a2.paid) == (usd("-100"), usd("-80"))
    assert [str(a) for a in a2.adjustments] == ["CO-45 -20.00 USD"]
    assert a3.status is ClaimStatus.DENIED
    assert a3.adjustments[0].group is GroupCode.CO and a3.remarks == (RARC("MA01"), RARC("N20"))
    interest, recoupment = r.provider_adjustments
    assert (interest.reason, interest.reference, interest.amount) == (
        ProviderAdjustmentReason.INTEREST_OWED,
        "A-1",
        usd("-1.50"),
    )
    assert interest.provider_id == "1234567893"
    assert interest.fiscal_period_end == datetime.date(2024, 12, 31)
    assert (recoupment.reason.value, recoupment.amount) == ("WO", usd("20"))
    assert balancing_report(r).ok


def test_every_source_kind_reads_the_same() -> None:
    expected = read_835(TEXT)
    assert read_835(TEXT.encode()) == expected
    assert read_835(io.BytesIO(TEXT.encode())) == expected
    assert read_835(io.BytesIO(b"\xef\xbb\xbf" + TEXT.replace("~", "~\r\n").encode())) == expected


def test_a_path_is_read(tmp_path: Path) -> None:
    path = tmp_path / "remit.835"
    path.write_text(TEXT)
    assert read_835(path) == read_835(TEXT)


def test_the_delimiters_come_from_the_isa() -> None:
    other = TEXT.replace("*", "|").replace(":", ">").replace("~", "'")
    other = other.replace("|>'", "|:'", 0)  # ISA16 becomes '>' with the rest
    assert read_835(other) == read_835(TEXT)


def test_progress_reports_characters_and_claims() -> None:
    calls: list[tuple[int, int]] = []
    stream = io.BytesIO(TEXT.encode() * 1)
    read_835(stream, progress=lambda chars, claims: calls.append((chars, claims)))
    assert calls == [] or calls[-1][0] <= len(TEXT)
    big = envelope(BODY[:9] + BODY[9:23] * 2000).encode()
    calls.clear()
    read_835(io.BytesIO(big), progress=lambda chars, claims: calls.append((chars, claims)))
    assert len(calls) >= 2
    assert [c for c, _ in calls] == sorted(c for c, _ in calls)
    assert calls[-1][1] > 0


def test_iter_835_yields_each_transaction_set() -> None:
    two = TEXT.replace("GE*1*101", "GE*2*101")
    set_text = TEXT[TEXT.index("ST*835") : TEXT.index("GE*")]
    two = two.replace(set_text, set_text + set_text.replace("*0001~", "*0002~"))
    first, second = iter_835(two)
    assert first.claims == second.claims


# --- the envelope ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "location", "message"),
    [
        (("SE*33*0001", "SE*32*0001"), "(SE) SE01", "has 33 segments, SE01 says 32"),
        (("SE*33*0001", "SE*33*0002"), "(SE) SE02", "control number '0002', expected '0001'"),
        (("GE*1*101", "GE*2*101"), "(GE) GE01", "has 1 transaction sets, GE01 says 2"),
        (("GE*1*101", "GE*1*102"), "(GE) GE02", "expected '101' (GS06)"),
        (("IEA*1*000000101", "IEA*3*000000101"), "(IEA) IEA01", "has 1 groups, IEA01 says 3"),
        (("IEA*1*000000101", "IEA*1*000000102"), "(IEA) IEA02", "expected '000000101'"),
        (("005010X221A1", "005010X222A1"), "(GS) GS08", "expected '005010X221A1'"),
    ],
)
def test_envelope_mismatches_are_named(
    change: tuple[str, str], location: str, message: str
) -> None:
    text = TEXT.replace(*change)
    with pytest.raises(X12Error) as info:
        read_835(text)
    (finding,) = info.value.findings
    assert location in finding.location and message in finding.message
    lenient = read_835(text, strict=False)
    assert len(lenient) == 1 and lenient.findings == info.value.findings


def test_segment_numbers_count_from_the_isa() -> None:
    text = TEXT.replace("CAS*CO*29*100", "CAS*XX*29*100")
    with pytest.raises(X12Error, match=r"segment 31 \(CAS\) CAS01: invalid group code 'XX'"):
        read_835(text)


def test_missing_trailers_are_reported() -> None:
    text = TEXT[: TEXT.index("SE*")]
    result = read_835(text, strict=False)
    messages = [f.message for f in result.findings]
    assert "the input ends inside a transaction set (no SE)" in messages
    assert "the input ends inside the interchange (no IEA)" in messages
    assert len(result) == 1  # what was read still comes back
    with pytest.raises(X12Error):
        read_835(text)


def test_a_837_is_not_read_as_835() -> None:
    text = envelope(
        ["BHT*0019*00*1*20240105*1200*CH"], transaction="837", guide="005010X222A1", functional="HC"
    )
    with pytest.raises(X12Error, match=r"segment 3 \(ST\): ST01 is '837'"):
        read_835(text, strict=False)


# --- values ---------------------------------------------------------------------------


def test_amounts_are_exact_or_refused() -> None:
    body = [*BODY[:9], "CLP*A*1*.28*.28", "SVC*HC:99213*1E+2*0.281", "SE"]
    result = read_835(envelope(body[:-1]), strict=False)
    claim = result[0].claims[0]
    assert claim.charge == usd("0.28")
    assert [f.location for f in result.findings] == [
        "segment 14 (SVC) SVC02",
        "segment 14 (SVC) SVC03",
    ]
    assert "'1E+2' is not an exact amount" in result.findings[0].message


@pytest.mark.parametrize(
    ("composite", "expected"),
    [
        ("HC:99213", ProcedureCode(CodeSystem.CPT, "99213")),
        ("HC:0042T", ProcedureCode(CodeSystem.CPT, "0042T")),
        ("HC:J1100:JW", ProcedureCode(CodeSystem.HCPCS, "J1100", ["JW"])),
        ("HC:D0120", ProcedureCode(CodeSystem.HCPCS, "D0120")),
        ("AD:D0120", ProcedureCode(CodeSystem.CDT, "D0120")),
        ("NU:0300", None),
        ("N4:00409488802", None),
        ("ZZ:M2200", None),
    ],
)
def test_procedure_qualifiers(composite: str, expected: ProcedureCode | None) -> None:
    body = [*BODY[:9], "CLP*A*1*5*5", f"SVC*{composite}*5*5"]
    (r,) = read_835(envelope(body))
    assert r.claims[0].lines[0].procedure == expected


def test_an_unknown_qualifier_or_a_bad_code_is_a_finding() -> None:
    body = [*BODY[:9], "CLP*A*1*5*5", "SVC*XX:99213*5*5", "SVC*HC:9921*0*0"]
    result = read_835(envelope(body), strict=False)
    assert [f.location for f in result.findings] == [
        "segment 14 (SVC) SVC01",
        "segment 15 (SVC) SVC01",
    ]
    assert "unknown X12 product/service id qualifier 'XX'" in result.findings[0].message
    assert [line.procedure for line in result[0].claims[0].lines] == [None, None]


def test_cr_group_codes_only_in_4010_data() -> None:
    body = [*BODY[:9], "CLP*A*1*5*0", "CAS*CR*18*5"]
    with pytest.raises(X12Error, match="exists only in 4010 data"):
        read_835(envelope(body))
    legacy = envelope(body).replace("*00501*", "*00401*")
    result = read_835(legacy, strict=False)
    assert result[0].claims[0].adjustments[0].group is GroupCode.CR
    assert [f.location for f in result.findings] == ["segment 1 (ISA) ISA12"]


def test_bpr16_missing_falls_back_to_dtm405() -> None:
    body = ["BPR*I*0*C*NON", *BODY[1:9]]
    result = read_835(envelope(body), strict=False)
    assert result[0].paid_date == datetime.date(2024, 1, 8)
    assert [f.location for f in result.findings] == ["segment 4 (BPR) BPR16"]


# --- the corpus -----------------------------------------------------------------------

# Which corpus files conform (see ../shared/corpus/README.md), and the first problem of
# each one that does not: the README's notes say why each is broken.
STRICT_FAILURES = {
    "edi835parser__blue_cross_nc_sample.835": "segment 1 (ST)",  # no ISA/GS envelope
    "lfh__managed-care.835": "segment 4 (BPR) BPR16",  # BPR16 = 20002316, not a date
    "lfh__tertiary-payment.NEGATIVE.835": "segment 4 (BPR) BPR16",  # BPR16 missing
    "oopfactory__Example1.NEGATIVE.835": "segment 1 (ISA) ISA12",  # 4010 header
    "oopfactory__ExampleFromNth.NEGATIVE.835": "segment 24 (SVC) SVC01",  # masked XX codes
}


def test_corpus_files_read_strictly_unless_broken(corpus_dir: Path) -> None:
    for path in sorted((corpus_dir / "835").glob("*.835")):
        if path.name in STRICT_FAILURES:
            with pytest.raises(X12Error) as info:
                read_835(path)
            assert info.value.findings[0].location == STRICT_FAILURES[path.name], path.name
        else:
            assert len(read_835(path)) >= 1, path.name


def test_the_truncated_clp_reads_as_zero(corpus_dir: Path) -> None:
    result = read_835(corpus_dir / "835" / "oopfactory__Example1.NEGATIVE.835", strict=False)
    last = result[0].claims[-1]
    assert (last.patient_control_number, last.status, last.charge) == (
        "090909",
        ClaimStatus.REVERSAL,
        usd("0"),
    )
    assert "segment 98 (CLP) CLP03" in [f.location for f in result.findings]


def test_an_unknown_claim_status_skips_the_claim_with_its_location() -> None:
    body = [*BODY[:9], "CLP*A*7*5*5", "SVC*HC:99213*5*5", "CLP*B*1*5*5"]
    with pytest.raises(X12Error, match=r"segment 13 \(CLP\) CLP02: unknown claim status '7'"):
        read_835(envelope(body))
    result = read_835(envelope(body), strict=False)
    assert [c.patient_control_number for c in result[0].claims] == ["B"]
