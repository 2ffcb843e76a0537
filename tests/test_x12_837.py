"""837P and 837I: written claims pass pyx12, read back the same, and read-write-read is stable."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings

from billing_core._examples import example_837_claim
from billing_core.charges import (
    AttachmentTransmission,
    Category,
    DocumentKind,
    DocumentRef,
    Drug,
    DrugUnit,
    LineItem,
    UnitBasis,
)
from billing_core.claims import (
    Claim,
    ClaimFrequency,
    InstitutionalClaim,
    PriorLineAdjudication,
    PriorPayerAdjudication,
    validate_claim,
)
from billing_core.codes import DiagnosisCode, DiagnosisSystem, ProcedureCode
from billing_core.errors import ValidationError
from billing_core.money import Money
from billing_core.parties import (
    CareRole,
    CareTeamMember,
    Coverage,
    CoverageSequence,
    Patient,
    Payer,
    Provider,
    Relationship,
)
from billing_core.remittance import CasAdjustment
from billing_core.testing.strategies import claims
from billing_core.x12 import (
    ControlNumbers,
    Receiver,
    Submitter,
    X12Error,
    read_837i,
    read_837p,
    segments,
    write_837i,
    write_837p,
)
from billing_core.x12._lengths import MAX_LENGTHS
from x12_kit import ACME, CLINIC, JANE, JOHN, SMITH, pyx12_errors, seg_list

SUBMITTER = Submitter(name="Good Clinic", id="GC001", contact_name="Kim", phone="5555551212")
RECEIVER = Receiver(name="Acme Health", id="87726")
NUMBERS = ControlNumbers(interchange=17, group=4, created=datetime.datetime(2024, 3, 5, 9, 30))
D = datetime.date


def usd(text: str) -> Money:
    return Money(text, "USD")


def p837(claims_: list[Claim]) -> str:
    return write_837p(claims_, SUBMITTER, RECEIVER, NUMBERS)


def i837(claims_: list[Claim]) -> str:
    return write_837i(claims_, SUBMITTER, RECEIVER, NUMBERS)


def person(name: str, npi: str, **more: object) -> Provider:
    return Provider(npi=npi, name=name, **more)  # type: ignore[arg-type]


JONES = person("Jones, Lee", "1987654328")
PARK = person("Park, Sam", "1547382915")
# An 837 carries an attachment's PWK codes, not our kind and reference: the reader makes
# the reference the control number and the kind OTHER, as here.
LAB = DocumentRef(
    kind=DocumentKind.OTHER,
    reference="ACN-88231",
    report_type="LA",
    transmission=AttachmentTransmission.FAX,
    control_number="ACN-88231",
)


def professional_claim() -> Claim:
    """A dependant's claim with a modifier, a drug line, line providers and an attachment."""
    lines = [
        LineItem(
            id="L1",
            category=Category.PROCEDURE,
            service_date=D(2024, 3, 4),
            procedure=ProcedureCode("CPT", "99214", ["25"]),
            charge=usd("180.00"),
            diagnosis_pointers=[1, 2],
            attachments=[LAB],
        ),
        LineItem(
            id="L2",
            category=Category.DRUG,
            service_date=D(2024, 3, 4),
            procedure=ProcedureCode("HCPCS", "J1100"),
            charge=usd("46.14"),
            units=Decimal("2.5"),
            diagnosis_pointers=[1],
            drug=Drug(ndc="0409-4888-02", quantity=Decimal("2.5"), unit=DrugUnit.MILLILITER),
            care_team=[CareTeamMember(provider=PARK, role=CareRole.ORDERING)],
        ),
        LineItem(
            id="L3",
            category=Category.PROCEDURE,
            service_date=D(2024, 3, 4),
            service_through=D(2024, 3, 6),
            procedure=ProcedureCode("CPT", "97110"),
            charge=usd("100.00"),
            units=3,
            diagnosis_pointers=[2],
            place_of_service="22",
        ),
    ]
    return Claim(
        id="CLM-0001",
        account_id="M-1/19",
        patient_id="M-1/19",
        coverage=ACME,
        claim_date=D(2024, 3, 5),
        lines=lines,
        diagnoses=["M54.50", "I10"],
        care_team=[
            # in the order of the 2310 loops: referring (2310A), then rendering (2310B)
            CareTeamMember(provider=CLINIC, role=CareRole.BILLING),
            CareTeamMember(provider=JONES, role=CareRole.REFERRING),
            CareTeamMember(provider=SMITH, role=CareRole.RENDERING),
        ],
        place_of_service="11",
        prior_authorization="PA-77",
        referral_number="REF-9",
        attachments=[attrs.evolve(LAB, reference="ACN-1", control_number="ACN-1")],
        patient=JANE,
    )


def test_a_professional_claim_passes_pyx12_and_reads_back() -> None:
    claim = professional_claim()
    text = p837([claim])
    assert pyx12_errors(text) == []
    (back,) = read_837p(text)
    assert back == claim


def test_known_segments_of_the_professional_claim() -> None:
    text = p837([professional_claim()])
    # Worked out by hand from the claim above (X12 5010 837P element positions).
    assert seg_list(text, "CLM") == ["CLM*CLM-0001*326.14***11:B:1*Y*A*Y*Y"]
    assert seg_list(text, "HI") == ["HI*ABK:M5450*ABF:I10"]
    assert seg_list(text, "SV1") == [
        "SV1*HC:99214:25*180*UN*1***1:2",
        "SV1*HC:J1100*46.14*UN*2.5***1",
        "SV1*HC:97110*100*UN*3*22**2",
    ]
    assert seg_list(text, "LIN") == ["LIN**N4*00409488802"]
    assert seg_list(text, "CTP") == ["CTP****2.5*ML"]
    assert "DTP*472*RD8*20240304-20240306" in text
    assert seg_list(text, "PWK") == ["PWK*LA*FX***AC*ACN-1", "PWK*LA*FX***AC*ACN-88231"]
    assert seg_list(text, "SBR") == ["SBR*P**G-55******CI"]
    assert seg_list(text, "PAT") == ["PAT*19"]
    assert "NM1*IL*1*Roe*John*Q***MI*M-1" in text and "NM1*QC*1*Roe*Jane" in text
    assert "NM1*DK*1*Park*Sam****XX*1547382915" in text
    assert [s for s in seg_list(text, "REF") if s[4:6] in ("G1", "9F", "EI")] == [
        "REF*EI*141234567",
        "REF*9F*REF-9",
        "REF*G1*PA-77",
    ]
    assert text.startswith("ISA*00*          *00*          *ZZ*GC001          *ZZ*87726     ")
    assert text.endswith("~GE*1*4~IEA*1*000000017~")
    st_count = len(text.split("~ST*")[1].split("~SE*")[0].split("~")) + 1
    assert f"SE*{st_count}*0001" in text


def secondary_claim() -> Claim:
    """The professional claim sent to a second payer after Acme paid (COB loops)."""
    primary = professional_claim()
    beta = Coverage(
        id="BETA01/S",
        payer=Payer(id="BETA01", name="Beta Mutual", payer_id="BETA01"),
        member_id="B-77",
        sequence=CoverageSequence.SECONDARY,
        relationship=Relationship.CHILD,
        subscriber=attrs.evolve(JOHN, id="B-77"),
        filing_code="CI",
    )
    # The other payer's subscriber travels by name only (2330A): no birth date or address.
    acme = attrs.evolve(ACME, subscriber=Patient(id="M-1", name=JOHN.name))
    # Acme paid 180 -> 120 (CO-45 40, PR-1 20), 46.14 -> 40 (PR-2 6.14), 100 -> 80 (PR-3 20):
    # per line charge = paid + adjustments, claim paid 240 = 120 + 40 + 80.
    prior = PriorPayerAdjudication(
        coverage=acme,
        paid=usd("240"),
        adjudicated_on=D(2024, 4, 2),
        payer_claim_number="ACME-PCN-1",
        lines=[
            PriorLineAdjudication(
                line_id="L1",
                paid=usd("120"),
                adjustments=[
                    CasAdjustment(group="CO", reason="45", amount=usd("40")),
                    CasAdjustment(group="PR", reason="1", amount=usd("20")),
                ],
            ),
            PriorLineAdjudication(
                line_id="L2",
                paid=usd("40"),
                adjustments=[CasAdjustment(group="PR", reason="2", amount=usd("6.14"))],
            ),
            PriorLineAdjudication(
                line_id="L3",
                paid=usd("80"),
                adjustments=[CasAdjustment(group="PR", reason="3", amount=usd("20"))],
            ),
        ],
    )
    # An 837 carries no patient id of ours: the reader takes the member id and relationship.
    patient = attrs.evolve(JANE, id="B-77/19")
    return attrs.evolve(
        primary,
        id="CLM-0002",
        coverage=beta,
        prior_payers=[prior],
        patient_id=patient.id,
        account_id=patient.id,
        patient=patient,
    )


def test_a_secondary_claim_carries_the_cob_loops() -> None:
    claim = secondary_claim()
    text = p837([claim])
    assert pyx12_errors(text) == []
    assert seg_list(text, "SBR") == ["SBR*S********CI", "SBR*P*19*G-55******CI"]
    # Acme answered line by line with no claim-level patient share: the remaining patient
    # liability goes on each line (2430 AMT*EAF: the line's PR), not on the claim.
    assert seg_list(text, "AMT") == ["AMT*D*240", "AMT*EAF*20", "AMT*EAF*6.14", "AMT*EAF*20"]
    assert seg_list(text, "SVD") == [
        "SVD*87726*120*HC:99214:25**1",
        "SVD*87726*40*HC:J1100**2.5",
        "SVD*87726*80*HC:97110**3",
    ]
    assert seg_list(text, "CAS") == ["CAS*CO*45*40", "CAS*PR*1*20", "CAS*PR*2*6.14", "CAS*PR*3*20"]
    assert seg_list(text, "DTP").count("DTP*573*D8*20240402") == 3
    (back,) = read_837p(text)
    assert back == claim


def test_replacement_and_void_carry_the_original_claim_number() -> None:
    claim = attrs.evolve(
        professional_claim(),
        frequency=ClaimFrequency.REPLACEMENT,
        original_claim_number="ACME-PCN-1",
    )
    text = p837([claim])
    assert pyx12_errors(text) == []
    assert "CLM*CLM-0001*326.14***11:B:7*Y*A*Y*Y" in text and "REF*F8*ACME-PCN-1" in text
    assert read_837p(text)[0] == claim


def test_amounts_have_no_float_artefacts() -> None:
    line = attrs.evolve(professional_claim().lines[0], charge=usd("1000.10"))
    claim = attrs.evolve(professional_claim(), lines=[line], total_charge=usd("1000.10"))
    text = p837([claim])
    assert "CLM*CLM-0001*1000.1***" in text and "SV1*HC:99214:25*1000.1*" in text
    assert not re.search(r"E\+|\.0[*~]|\.00", text.split("GS*")[1])


def institutional_claim() -> Claim:
    """An inpatient stay: room days, a lab line, attending and operating physicians."""
    lines = [
        LineItem(
            id="R1",
            category=Category.ROOM,
            service_date=D(2024, 3, 1),
            service_through=D(2024, 3, 3),
            revenue_code="0120",
            units=3,
            unit_basis=UnitBasis.DAYS,
            charge=usd("2700"),
        ),
        LineItem(
            id="R2",
            category=Category.PROCEDURE,
            service_date=D(2024, 3, 2),
            revenue_code="0300",
            procedure=ProcedureCode("CPT", "85025"),
            charge=usd("13.39"),
        ),
    ]
    return Claim(
        id="UB-1",
        account_id="M-1",
        patient_id="M-1",
        coverage=attrs.evolve(ACME, relationship=Relationship.SELF, subscriber=None),
        claim_date=D(2024, 3, 10),
        lines=lines,
        diagnoses=["J18.9", "E11.9"],
        care_team=[
            CareTeamMember(provider=CLINIC, role=CareRole.BILLING),
            CareTeamMember(provider=SMITH, role=CareRole.ATTENDING),
            CareTeamMember(provider=JONES, role=CareRole.OPERATING),
        ],
        statement_from=D(2024, 3, 1),
        statement_through=D(2024, 3, 4),
        patient=attrs.evolve(JOHN),
        institutional=InstitutionalClaim(
            facility_type="11",
            admission_date=D(2024, 3, 1),
            admission_hour=14,
            admission_type="1",
            admission_source="7",
            patient_status="01",
            admitting_diagnosis="R50.9",
        ),
    )


def test_an_institutional_claim_passes_pyx12_and_reads_back() -> None:
    claim = institutional_claim()
    text = i837([claim])
    assert pyx12_errors(text) == []
    assert seg_list(text, "CLM") == ["CLM*UB-1*2713.39***11:A:1**A*Y*Y"]
    assert seg_list(text, "HI") == ["HI*ABK:J189", "HI*ABJ:R509", "HI*ABF:E119"]
    assert seg_list(text, "SV2") == ["SV2*0120**2700*DA*3", "SV2*0300*HC:85025*13.39*UN*1"]
    assert "DTP*434*RD8*20240301-20240304" in text and "DTP*435*DT*202403011400" in text
    assert seg_list(text, "CL1") == ["CL1*1*7*01"]
    assert "NM1*71*1*Smith*Ada****XX*1234567893" in text and "PRV*AT*PXC*207Q00000X" in text
    (back,) = read_837i(text)
    assert back == claim


def _in_2015(claim: Claim, shift: datetime.timedelta) -> Claim:
    """The claim moved back in time by ``shift`` (every date of it and of its lines)."""
    lines = [
        attrs.evolve(
            item,
            service_date=item.service_date - shift,
            service_through=None if item.service_through is None else item.service_through - shift,
        )
        for item in claim.lines
    ]
    moved = {"claim_date": claim.claim_date - shift, "lines": lines}
    if claim.statement_from is not None and claim.statement_through is not None:
        moved |= {
            "statement_from": claim.statement_from - shift,
            "statement_through": claim.statement_through - shift,
        }
    inst = claim.institutional
    if inst is not None and inst.admission_date is not None:
        moved["institutional"] = attrs.evolve(inst, admission_date=inst.admission_date - shift)
    return attrs.evolve(claim, **moved)


def test_icd9_diagnoses_are_written_as_bk_bj_bf_and_read_back() -> None:
    # A stay of 2015-09-01..04 (before ICD10CM_START): ICD-9-CM 486 pneumonia, 250.00
    # diabetes, admitting 780.60 fever. Qualifiers by hand from the 837I TR3: BK principal,
    # BJ admitting, BF other (ICD-10-CM's are the same with an A in front).
    stay = _in_2015(institutional_claim(), D(2024, 3, 1) - D(2015, 9, 1))
    inst = stay.institutional
    assert inst is not None
    old = attrs.evolve(
        stay,
        diagnoses=["ICD-9-CM:486", "ICD-9-CM:250.00"],
        institutional=attrs.evolve(
            inst, admitting_diagnosis=DiagnosisCode("780.60", system="ICD-9-CM")
        ),
    )
    assert validate_claim(old) == ()
    text = i837([old])
    assert pyx12_errors(text) == []
    assert seg_list(text, "HI") == ["HI*BK:486", "HI*BJ:78060", "HI*BF:25000"]
    assert read_837i(text) == [old]
    visit = _in_2015(professional_claim(), D(2024, 3, 4) - D(2015, 9, 30))
    visit = attrs.evolve(visit, diagnoses=["ICD-9-CM:724.2", "ICD-9-CM:401.9"])
    text = p837([visit])
    assert pyx12_errors(text) == []
    assert seg_list(text, "HI") == ["HI*BK:7242*BF:4019"]
    assert read_837p(text) == [visit]


# --- element maximum lengths (X12 5010 data element dictionary) --------------------------


def test_an_element_at_its_maximum_length_is_written() -> None:
    # CLM01 holds 38 characters, REF02 50, NM103 60 (data elements 1028, 127, 1035)
    claim = attrs.evolve(
        professional_claim(),
        id="C" * 38,
        prior_authorization="P" * 50,
        patient=attrs.evolve(JANE, name="R" * 60 + ", Jane"),
    )
    text = p837([claim])
    assert pyx12_errors(text) == []
    assert read_837p(text) == [claim]


def test_an_element_too_long_is_refused_before_anything_is_written() -> None:
    surname = "Zqxv" * 15 + "Z"  # 61 characters: NM103 holds 60
    claim = attrs.evolve(
        professional_claim(),
        id="C" * 39,
        prior_authorization="P" * 51,
        patient=attrs.evolve(JANE, name=f"{surname}, Jane"),
    )
    with pytest.raises(ValidationError) as info:
        p837([claim])
    where = f"claim {'C' * 39!r}"
    # in file order: the patient's NM1 (loop 2010CA), then CLM and REF*G1 (loop 2300)
    assert [(f.location, f.rule) for f in info.value.findings] == [
        (f"{where} NM103", "x12.length"),
        (f"{where} CLM01", "x12.length"),
        (f"{where} REF02", "x12.length"),
    ]
    messages = [f.message for f in info.value.findings]
    assert messages == [
        "NM103 (last or organization name) has 61 characters, more than the 60 X12 allows",
        "CLM01 (claim submitter identifier) has 39 characters, more than the 38 X12 allows",
        "REF02 (reference identification) has 51 characters, more than the 50 X12 allows",
    ]
    assert "Zqxv" not in str(info.value)  # a patient's name is never shown


def test_a_header_element_too_long_is_named() -> None:
    long_name = attrs.evolve(SUBMITTER, name="G" * 61)
    with pytest.raises(ValidationError, match=r"837 header NM103: NM103 \(last or organization"):
        write_837p([professional_claim()], long_name, RECEIVER, NUMBERS)


def test_the_length_table_is_the_x12_dictionary() -> None:
    """Each limit equals the data element's maximum in pyx12's 5010 dictionary and maps."""
    pyx12 = pytest.importorskip("pyx12")
    import xml.etree.ElementTree as ET

    maps = Path(pyx12.__file__).parent / "map"
    dictionary = {
        e.get("ele_num"): (e.get("data_type"), int(e.get("max_len") or 0))
        for e in ET.parse(maps / "dataele.xml").getroot()
    }
    used: dict[tuple[str, int], set[tuple[str | None, int]]] = {}
    for guide in ("837.5010.X222.A1.xml", "837Q3.I.5010.X223.A1.xml"):
        for seg in ET.parse(maps / guide).getroot().iter("segment"):
            sid = seg.get("xid", "")
            for el in seg.findall("element"):
                number = el.findtext("data_ele") or ""
                position = int((el.get("xid") or "")[len(sid) :])
                used.setdefault((sid, position), set()).add(dictionary[number])
    for segment, limits in MAX_LENGTHS.items():
        for position, size, digits, _ in limits:
            ((kind, maximum),) = used[segment, position]
            assert (size, digits) == (maximum, kind in ("R", "N0")), (segment, position)
    # the three of the issue, by hand from the dictionary: 1035 (60), 1028 (38), 127 (50)
    limits = {(s, p): size for s, items in MAX_LENGTHS.items() for p, size, _, _ in items}
    assert (limits["NM1", 3], limits["CLM", 1], limits["REF", 2]) == (60, 38, 50)


def test_missing_837_data_is_named_per_claim() -> None:
    bare = attrs.evolve(example_837_claim(), care_team=[], place_of_service=None)
    with pytest.raises(ValidationError) as info:
        p837([bare])
    assert [str(f) for f in info.value.findings] == [
        "claim 'CLM1': a billing provider (care team role BILLING) is needed for an 837",
        "claim 'CLM1': a place of service is needed for an 837P (Claim.place_of_service)",
    ]


def test_a_delimiter_in_a_value_is_refused() -> None:
    claim = attrs.evolve(professional_claim(), prior_authorization="PA*77")
    with pytest.raises(ValidationError, match=r"'PA\*77' holds an X12 delimiter"):
        p837([claim])


def test_claims_of_two_dates_go_in_two_transaction_sets() -> None:
    first = professional_claim()
    second = attrs.evolve(secondary_claim(), claim_date=D(2024, 4, 3))
    text = p837([first, second])
    assert pyx12_errors(text) == []
    assert seg_list(text, "ST") == ["ST*837*0001*005010X222A1", "ST*837*0002*005010X222A1"]
    assert read_837p(text) == [first, second]


def test_an_837i_is_not_read_as_837p() -> None:
    with pytest.raises(X12Error, match=r"segment 2 \(GS\) GS08: guide '005010X223A2'"):
        read_837p(i837([institutional_claim()]))


# --- properties -------------------------------------------------------------------------


def _ready(claim: Claim) -> Claim:
    """A generated claim with what an 837P needs besides the claim itself."""
    patient = attrs.evolve(JOHN, id=claim.coverage.member_id)
    coverage = attrs.evolve(claim.coverage, relationship=Relationship.SELF, subscriber=None)
    return attrs.evolve(
        claim,
        patient_id=patient.id,
        account_id=patient.id,
        coverage=coverage,
        patient=patient,
        care_team=[CareTeamMember(provider=CLINIC, role=CareRole.BILLING)],
        place_of_service="11",
    )


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(claims(max_lines=5))
def test_generated_claims_read_back_with_the_same_totals_lines_and_codes(claim: Claim) -> None:
    assume(all(line.procedure is not None for line in claim.lines))
    assume(not re.search(r"[*:~^]", claim.id + "".join(line.id for line in claim.lines)))
    claim = _ready(claim)
    text = p837([claim])
    (back,) = read_837p(text)
    assert back.total_charge == claim.total_charge
    assert back.diagnoses == claim.diagnoses
    assert [
        (li.id, li.charge, li.procedure, li.units, li.service_date, li.service_end)
        for li in back.lines
    ] == [
        (li.id, li.charge, li.procedure, li.units, li.service_date, li.service_end)
        for li in claim.lines
    ]
    # and what was read writes the same text again
    assert p837([back]) == text


# --- the corpus ---------------------------------------------------------------------------

# ../shared/corpus/README.md, 837 "facts" column: claims, lines and the sum of CLM02.
FACTS_837 = {
    "837p/stupidedi__COB-claim-from-billing-provider-to-payer-a.837": (1, 3, "79.04"),
    "837p/stupidedi__COB-claim-from-billing-provider-to-payer-b.837": (1, 3, "79.04"),
    "837p/stupidedi__COB-claim-from-payer-a-to-payer-b-in-payer-to-payer.837": (1, 3, "79.04"),
    "837p/stupidedi__ambulance.837": (1, 4, "766.50"),
    "837p/stupidedi__anesthesia.837": (1, 1, "827"),
    "837p/stupidedi__chiropractic.837": (1, 1, "145.5"),
    "837p/stupidedi__commercial-health-insurance.837": (1, 4, "100"),
    "837p/stupidedi__drug-administered-in-the-physician-office.837": (1, 2, "103.37"),
    "837p/stupidedi__encounter.837": (1, 4, "100"),
    "837p/stupidedi__home-infusion-therapy-pharmacy-adjudicated-with-HCPCS-in-loop-2400-or-NDC-in-"
    "loop-2410.837": (1, 6, "2232.93"),
    "837p/stupidedi__home-infusion-therapy-pharmacy-adjudicated-with-NDC-in-loop-2410.837": (
        1,
        6,
        "2232.93",
    ),
    "837p/stupidedi__medicare-secondary-payer-COB.837": (1, 1, "120"),
    "837p/stupidedi__out-of-network-repriced-claim.837": (1, 1, "252.71"),
    "837p/stupidedi__oxygen.837": (1, 2, "520.24"),
    "837p/stupidedi__ppo-repriced-claim.837": (1, 2, "28.75"),
    "837p/stupidedi__wheelchair.837": (1, 1, "75"),
    "837i/stupidedi__837-institutional-claim.837": (1, 2, "89.93"),
    "837i/stupidedi__automobile-accident.837": (1, 4, "545"),
    "837i/stupidedi__out-of-network-repriced-claim.837": (1, 1, "14.84"),
    "837i/stupidedi__ppo-repriced-claim.837": (1, 2, "237.5"),
    "837i/stupidedi__two-claims-for-the-same-provider.837": (2, 3, "139.95"),
}


def _npi_with_check_digit(first9: str) -> str:
    """The NPI Luhn check digit over the prefix 80840 + 9 digits (CMS NPI standard)."""
    digits = [int(c) for c in "80840" + first9]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return first9 + str((10 - total % 10) % 10)


# Every corpus 837 as it is: it reads, or it is refused for reasons the library is right to
# refuse, each at the segment and element that holds the value. Worked out from the files'
# segments (numbered from the ISA, which is 1): NPIs whose check digit is wrong or that do not
# start with 1 or 2 (CMS NPI standard; checked again below with this file's own Luhn helper),
# taxonomy codes of the retired shape (NUCC codes end in X), PWK02 'AD' (not a 5010 code;
# pyx12 refuses it too), a one-digit CL103 patient status (two digits on the UB-04), and
# providers known only by a legacy id (no NM108 XX).
READS_837: frozenset[str] = frozenset(
    {
        "837p/stupidedi__drug-administered-in-the-physician-office.837",
        "837p/stupidedi__home-infusion-therapy-pharmacy-adjudicated-with-HCPCS-in-loop-2400-or-NDC-"
        "in-loop-2410.837",
        "837p/stupidedi__home-infusion-therapy-pharmacy-adjudicated-with-NDC-in-loop-2410.837",
    }
)
_NPI, _NO_NPI, _TAXONOMY, _PWK, _CL1 = "npi", "no npi", "taxonomy", "pwk02", "cl103"
REFUSED_837: dict[str, list[tuple[int, str, str]]] = {
    "837i/stupidedi__837-institutional-claim.837": [
        (9, "PRV03", _TAXONOMY),
        (10, "NM109", _NPI),
        (30, "NM109", _NO_NPI),
    ],
    "837i/stupidedi__automobile-accident.837": [
        (9, "PRV03", _TAXONOMY),
        (10, "NM109", _NPI),
        (27, "CL103", _CL1),
        (32, "NM109", _NPI),
    ],
    "837i/stupidedi__out-of-network-repriced-claim.837": [(29, "NM109", _NPI)],
    "837i/stupidedi__ppo-repriced-claim.837": [(9, "NM109", _NPI), (37, "NM109", _NPI)],
    "837i/stupidedi__two-claims-for-the-same-provider.837": [
        (10, "NM109", _NPI),
        (45, "NM109", _NPI),
        (46, "PRV03", _TAXONOMY),
    ],
    "837p/stupidedi__COB-claim-from-billing-provider-to-payer-a.837": [
        (9, "NM109", _NPI),
        (33, "NM109", _NPI),
    ],
    "837p/stupidedi__COB-claim-from-billing-provider-to-payer-b.837": [
        (9, "NM109", _NPI),
        (33, "NM109", _NPI),
    ],
    "837p/stupidedi__COB-claim-from-payer-a-to-payer-b-in-payer-to-payer.837": [
        (9, "NM109", _NPI),
        (33, "NM109", _NPI),
    ],
    "837p/stupidedi__ambulance.837": [(10, "NM109", _NPI)],
    "837p/stupidedi__anesthesia.837": [(9, "NM109", _NPI), (22, "NM109", _NPI)],
    "837p/stupidedi__chiropractic.837": [(9, "NM109", _NPI)],
    "837p/stupidedi__commercial-health-insurance.837": [
        (9, "PRV03", _TAXONOMY),
        (10, "NM109", _NPI),
    ],
    "837p/stupidedi__encounter.837": [(9, "PRV03", _TAXONOMY), (10, "NM109", _NPI)],
    "837p/stupidedi__medicare-secondary-payer-COB.837": [
        (9, "NM109", _NPI),
        (25, "NM109", _NO_NPI),
        (27, "NM109", _NPI),
    ],
    "837p/stupidedi__out-of-network-repriced-claim.837": [(31, "NM109", _NPI)],
    "837p/stupidedi__oxygen.837": [
        (9, "NM109", _NPI),
        (24, "PWK02", _PWK),
        (30, "NM109", _NPI),
        (47, "PWK02", _PWK),
        (53, "NM109", _NPI),
    ],
    "837p/stupidedi__ppo-repriced-claim.837": [(9, "NM109", _NPI), (26, "NM109", _NPI)],
    "837p/stupidedi__wheelchair.837": [
        (9, "NM109", _NPI),
        (26, "PWK02", _PWK),
        (32, "NM109", _NPI),
    ],
}
# What each kind of refusal says (the reason must be in the message).
_REASONS = {
    _NPI: "invalid NPI",
    _NO_NPI: "no NPI (NM108 XX)",
    _TAXONOMY: "invalid taxonomy code",
    _PWK: "'AD' is not an attachment transmission code of 5010",
    _CL1: "must be two digits (CL103), got '1'",
}


def repair(text: str) -> str:
    """Replace what the library refuses in a corpus file by valid values of the same shape.

    Only for the refused files (``REFUSED_837``): NPIs get a valid check digit, retired
    taxonomy codes end in X, PWK02 'AD' becomes AA (available on request), a one-digit
    patient status gets its leading zero and, on 837Is, a five-digit billing ZIP code gets
    four zeros (the writer needs a ZIP+4; pyx12 refuses a five-digit one too). The loops,
    amounts, lines and diagnoses (ICD-9-CM, as the files code them) are left as they are.
    """
    text = re.sub(
        r"\*XX\*([0-9])([0-9]{8})[0-9]",
        lambda m: "*XX*" + _npi_with_check_digit("1" + m.group(2)),
        text,
    )
    text = re.sub(r"(PXC\*[0-9A-Z]{9})[0-9A-Z]", r"\1X", text)
    text = text.replace("PWK*CT*AD", "PWK*CT*AA")
    text = re.sub(r"(CL1\*[^~]*\*)([0-9])~", r"\g<1>0\2~", text)
    if "005010X223A2" in text:
        text = re.sub(r"(N4\*[^*~]*\*[A-Z]{2}\*[0-9]{5})(?=[~*])", r"\g<1>0000", text)
    return text


def _round_trip(name: str, claims_read: list[Claim]) -> None:
    """The facts of the file hold; written back, the claims pass pyx12 and read the same."""
    read, write = (read_837i, i837) if name.startswith("837i") else (read_837p, p837)
    count, lines, total = FACTS_837[name]
    assert len(claims_read) == count
    assert sum(len(c.lines) for c in claims_read) == lines
    assert sum(c.total_charge.amount for c in claims_read) == Decimal(total)
    written = write(claims_read)
    assert pyx12_errors(written) == []
    assert read(written) == claims_read


@pytest.mark.parametrize("name", sorted(READS_837))
def test_corpus_837_reads_as_it_is_and_round_trips(corpus_dir: Path, name: str) -> None:
    read = read_837i if name.startswith("837i") else read_837p
    claims_read = read(corpus_dir / name)  # strict, and no repair
    assert claims_read.findings == ()
    _round_trip(name, list(claims_read))
    for claim in claims_read:  # ICD-9-CM diagnoses (BK/BF) for services of 2005-2006
        assert {d.system for d in claim.diagnoses} == {DiagnosisSystem.ICD9CM}
        assert validate_claim(claim) == ()


@pytest.mark.parametrize("name", sorted(REFUSED_837))
def test_corpus_837_is_refused_for_its_reasons(corpus_dir: Path, name: str) -> None:
    read = read_837i if name.startswith("837i") else read_837p
    raw = (corpus_dir / name).read_text(encoding="utf-8")
    with pytest.raises(X12Error) as info:
        read(raw)
    expected = REFUSED_837[name]
    assert [f.location for f in info.value.findings] == [
        f"segment {number} ({element[:-2]}) {element}" for number, element, _ in expected
    ]
    by_number = dict(enumerate(segments(raw), 1))
    for finding, (number, _element, kind) in zip(info.value.findings, expected, strict=True):
        assert _REASONS[kind] in finding.message, finding
        if kind == _NPI:  # the reason holds: not 1 or 2 first, or a wrong Luhn check digit
            npi = by_number[number][9]
            assert npi[0] not in "12" or _npi_with_check_digit(npi[:9]) != npi
    # Only for a refused file: its refused values repaired, it reads and round-trips.
    _round_trip(name, list(read(repair(raw), strict=False)))


def test_every_corpus_837_file_has_facts_and_a_verdict(corpus_dir: Path) -> None:
    on_disk = {f"{p.parent.name}/{p.name}" for p in corpus_dir.glob("837[ip]/*.837")}
    assert on_disk == set(FACTS_837)
    assert on_disk == READS_837 | set(REFUSED_837) and not READS_837 & set(REFUSED_837)


def test_corpus_facts_hold_for_the_raw_segments(corpus_dir: Path) -> None:
    for name, (count, lines, total) in FACTS_837.items():
        clm = [s for s in segments(corpus_dir / name) if s[0] == "CLM"]
        services = [s for s in segments(corpus_dir / name) if s[0] in ("SV1", "SV2")]
        assert (len(clm), len(services)) == (count, lines), name
        assert sum(Decimal(s[2]) for s in clm) == Decimal(total), name
