from __future__ import annotations

import datetime
import itertools
import re
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing_core.codes import (
    CARC,
    NDC,
    NPI,
    RARC,
    X12_PROCEDURE_SYSTEMS,
    X12_PRODUCT_QUALIFIERS,
    CodeSet,
    CodeSetEntry,
    CodeSystem,
    DiagnosisCode,
    DiagnosisSystem,
    GroupCode,
    PlaceOfService,
    ProcedureCode,
    RevenueCode,
    StaticCodeSet,
    TaxonomyCode,
    infer_code_system,
    system_from_x12,
    validate_code,
)
from billing_core.errors import Finding, InvalidCodeError, Severity
from billing_core.testing.strategies.codes import (
    carcs,
    diagnosis_codes,
    group_codes,
    ndcs,
    npi_check_digit,
    npis,
    places_of_service,
    procedure_codes,
    rarcs,
    revenue_codes,
    taxonomy_codes,
)

D = datetime.date

# --- ProcedureCode -------------------------------------------------------------


@pytest.mark.parametrize(
    ("system", "code"),
    [
        (CodeSystem.CPT, "99213"),
        (CodeSystem.CPT, "0001F"),
        (CodeSystem.CPT, "0042T"),
        (CodeSystem.CPT, "0001U"),
        (CodeSystem.HCPCS, "J1100"),
        (CodeSystem.HCPCS, "A0425"),
        (CodeSystem.HCPCS, "V2020"),
        (CodeSystem.CDT, "D0120"),
    ],
)
def test_procedure_code_accepts_valid_formats(system: CodeSystem, code: str) -> None:
    assert ProcedureCode(system, code).code == code


@pytest.mark.parametrize(
    ("system", "code"),
    [
        (CodeSystem.CPT, "9921"),
        (CodeSystem.CPT, "992134"),
        (CodeSystem.CPT, "0001X"),
        (CodeSystem.CPT, "J1100"),
        (CodeSystem.HCPCS, "W1234"),
        (CodeSystem.HCPCS, "99213"),
        (CodeSystem.HCPCS, "J110"),
        (CodeSystem.CDT, "E0120"),
        (CodeSystem.CDT, "D012"),
    ],
)
def test_procedure_code_rejects_bad_formats(system: CodeSystem, code: str) -> None:
    with pytest.raises(InvalidCodeError, match=rf"invalid {system.value} code '{code}'"):
        ProcedureCode(system, code)


def test_procedure_code_normalises_whitespace_and_case() -> None:
    pc = ProcedureCode("hcpcs", " j1100 ", [" jw "])
    assert pc == ProcedureCode(CodeSystem.HCPCS, "J1100", ("JW",))
    assert pc.system is CodeSystem.HCPCS
    assert pc.modifiers == ("JW",)


def test_procedure_code_list_modifiers_become_tuple_and_hashable() -> None:
    pc = ProcedureCode(CodeSystem.CPT, "99213", ["25", "59"])
    assert pc.modifiers == ("25", "59")
    assert type(pc.modifiers) is tuple
    assert hash(pc) == hash(ProcedureCode(CodeSystem.CPT, "99213", ("25", "59")))


def test_procedure_code_modifier_order_matters() -> None:
    assert ProcedureCode("CPT", "99213", ("25", "59")) != ProcedureCode(
        "CPT", "99213", ("59", "25")
    )


def test_procedure_code_four_modifiers_ok_five_rejected() -> None:
    assert len(ProcedureCode("CPT", "99213", ["25", "59", "76", "77"]).modifiers) == 4
    with pytest.raises(InvalidCodeError, match=r"too many modifiers .*'91'.*5 given, at most 4"):
        ProcedureCode("CPT", "99213", ["25", "59", "76", "77", "91"])


@pytest.mark.parametrize("modifier", ["2", "255", "2-", "", "é5"])
def test_procedure_code_rejects_bad_modifier(modifier: str) -> None:
    with pytest.raises(InvalidCodeError, match=rf"invalid modifier '{modifier}'"):
        ProcedureCode("CPT", "99213", [modifier])


def test_procedure_code_rejects_single_string_as_modifiers() -> None:
    with pytest.raises(TypeError, match="'25'"):
        ProcedureCode("CPT", "99213", "25")


def test_procedure_code_rejects_unknown_system() -> None:
    with pytest.raises(InvalidCodeError, match=r"unknown code system 'ICD10PCS'.*CPT, HCPCS, CDT"):
        ProcedureCode("ICD10PCS", "0016070")


def test_procedure_code_rejects_non_string_code() -> None:
    with pytest.raises(TypeError, match="99213"):
        ProcedureCode("CPT", 99213)  # type: ignore[arg-type]


def test_procedure_code_str_and_without_modifiers() -> None:
    pc = ProcedureCode(CodeSystem.CPT, "99213", ("25", "59"))
    assert str(pc) == "99213-25-59"
    assert str(ProcedureCode(CodeSystem.CPT, "99213")) == "99213"
    bare = pc.without_modifiers()
    assert bare == ProcedureCode(CodeSystem.CPT, "99213")
    assert bare.modifiers == ()


def test_procedure_code_parse() -> None:
    assert ProcedureCode.parse("CPT", "99213-25-59") == ProcedureCode(
        CodeSystem.CPT, "99213", ("25", "59")
    )
    with pytest.raises(InvalidCodeError, match="too many modifiers"):
        ProcedureCode.parse("CPT", "99213-25-59-76-77-91")


def test_procedure_code_is_frozen() -> None:
    pc = ProcedureCode("CPT", "99213")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        pc.code = "99214"  # type: ignore[misc]


# --- RevenueCode ---------------------------------------------------------------


def test_revenue_code_known_answers() -> None:
    assert RevenueCode("0450").code == "0450"
    assert str(RevenueCode("450")) == "0450"
    assert RevenueCode("450") == RevenueCode("0450")


@pytest.mark.parametrize("bad", ["45", "04500", "045A", "04-50", ""])
def test_revenue_code_rejects(bad: str) -> None:
    with pytest.raises(InvalidCodeError, match=rf"invalid revenue code '{bad}'.*4 digits"):
        RevenueCode(bad)


# --- NDC -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "eleven", "hyphenated"),
    [
        ("1234-5678-90", "01234567890", "01234-5678-90"),
        ("12345-678-90", "12345067890", "12345-0678-90"),
        ("12345-6789-0", "12345678900", "12345-6789-00"),
        ("12345-6789-01", "12345678901", "12345-6789-01"),
        ("12345678901", "12345678901", "12345-6789-01"),
        (" 0002-3227-30 ", "00002322730", "00002-3227-30"),
    ],
)
def test_ndc_normalisation_known_answers(raw: str, eleven: str, hyphenated: str) -> None:
    ndc = NDC(raw)
    assert ndc.code == eleven
    assert str(ndc) == eleven
    assert ndc.hyphenated == hyphenated


def test_ndc_ten_digits_without_hyphens_is_ambiguous() -> None:
    with pytest.raises(InvalidCodeError, match=r"ambiguous NDC '1234567890'"):
        NDC("1234567890")


@pytest.mark.parametrize(
    "bad",
    ["123-5678-90", "1234-567-90", "12345-67890-1", "1234-5678-9", "123456789012", "A2345678901"],
)
def test_ndc_rejects_other_shapes(bad: str) -> None:
    with pytest.raises(InvalidCodeError, match=rf"invalid NDC '{bad}'"):
        NDC(bad)


segments = st.text("0123456789", min_size=1, max_size=5)


@given(
    st.sampled_from([(4, 4, 2), (5, 3, 2), (5, 4, 1)]).flatmap(
        lambda shape: st.tuples(*(st.text("0123456789", min_size=n, max_size=n) for n in shape))
    )
)
def test_ndc_pads_the_short_segment(parts: tuple[str, str, str]) -> None:
    labeler, product, package = parts
    expected = labeler.rjust(5, "0") + product.rjust(4, "0") + package.rjust(2, "0")
    assert NDC("-".join(parts)).code == expected


@given(ndcs())
def test_ndc_normalisation_is_idempotent(ndc: NDC) -> None:
    assert NDC(ndc.code) == ndc
    assert NDC(ndc.hyphenated) == ndc
    assert NDC(NDC(ndc.hyphenated).code).code == ndc.code


@given(ndcs())
def test_ndc_hyphenated_is_5_4_2_of_the_same_digits(ndc: NDC) -> None:
    labeler, product, package = ndc.hyphenated.split("-")
    assert (len(labeler), len(product), len(package)) == (5, 4, 2)
    assert labeler + product + package == ndc.code


# --- DiagnosisCode -------------------------------------------------------------


def test_diagnosis_code_dotted_and_undotted_are_equal() -> None:
    assert DiagnosisCode("E11.9") == DiagnosisCode("E119")
    assert DiagnosisCode("E11.9").code == "E119"
    assert DiagnosisCode("E119").dotted == "E11.9"
    assert str(DiagnosisCode("e11.9")) == "E119"


@pytest.mark.parametrize(
    ("raw", "code", "dotted"),
    [
        ("I10", "I10", "I10"),
        ("S72.001A", "S72001A", "S72.001A"),
        ("U07.1", "U071", "U07.1"),
        ("Z3A.01", "Z3A01", "Z3A.01"),
        ("T36.0X5A", "T360X5A", "T36.0X5A"),
    ],
)
def test_diagnosis_code_known_answers(raw: str, code: str, dotted: str) -> None:
    d = DiagnosisCode(raw)
    assert (d.code, d.dotted) == (code, dotted)


@pytest.mark.parametrize(
    "bad", ["E1", "1E11", "EE1", "E11.", "E1.19", "E11.90123", "E1190123", "E11-9"]
)
def test_diagnosis_code_rejects(bad: str) -> None:
    with pytest.raises(InvalidCodeError, match=rf"invalid ICD-10-CM code '{bad}'"):
        DiagnosisCode(bad)


# --- ICD-9-CM (services before 2015-10-01) -------------------------------------
# Shapes from the ICD-9-CM tabular list: 3-digit categories (001-999) with up to two digits
# after the decimal, V codes (V01-V91) likewise, E codes (E000-E999) with one digit after it.


@pytest.mark.parametrize(
    ("raw", "code", "dotted"),
    [
        ("250.00", "25000", "250.00"),
        ("25000", "25000", "250.00"),
        ("401.9", "4019", "401.9"),
        ("401", "401", "401"),
        ("v70.0", "V700", "V70.0"),
        ("V0481", "V0481", "V04.81"),
        ("E849.7", "E8497", "E849.7"),
        ("E8497", "E8497", "E849.7"),
        ("E000", "E000", "E000"),
        (" 001.1 ", "0011", "001.1"),
    ],
)
def test_icd9_known_answers(raw: str, code: str, dotted: str) -> None:
    d = DiagnosisCode(raw, system="ICD-9-CM")
    assert (d.code, d.dotted, d.system) == (code, dotted, DiagnosisSystem.ICD9CM)
    assert str(d) == f"ICD-9-CM:{code}"
    assert DiagnosisCode(f"ICD-9-CM:{raw}") == d == DiagnosisCode(raw, DiagnosisSystem.ICD9CM)


@pytest.mark.parametrize(
    "bad",
    ["25", "2500000", "250.000", "25.00", "2500.0", "V7", "V7.00", "V70.000", "E84", "E849.77",
     "E84.97", "E84977", "A10", "W70.0", "250-00", "250.", ""],
)  # fmt: skip
def test_icd9_rejects(bad: str) -> None:
    with pytest.raises(InvalidCodeError, match="ICD-9-CM code"):
        DiagnosisCode(bad, system="ICD-9-CM")


def test_icd10_stays_the_default_and_the_systems_stay_apart() -> None:
    d = DiagnosisCode("E11.9")
    assert d.system is DiagnosisSystem.ICD10CM and str(d) == "E119"
    assert repr(d) == "DiagnosisCode(code='E119')"
    # V70.0 is a shape of both systems: the same characters are two different codes
    assert DiagnosisCode("V70.0") != DiagnosisCode("V70.0", system="ICD-9-CM")
    with pytest.raises(InvalidCodeError, match="invalid ICD-10-CM code '250.00'"):
        DiagnosisCode("250.00")  # a bare ICD-9-CM code is not read as one
    with pytest.raises(InvalidCodeError, match="the prefix must be ICD-10-CM: or none"):
        DiagnosisCode("ICD-9-CM:250.00", system="ICD-10-CM")
    with pytest.raises(InvalidCodeError, match="the prefix must be ICD-9-CM: or ICD-10-CM:"):
        DiagnosisCode("ICD-11:5A11")
    with pytest.raises(InvalidCodeError, match="unknown diagnosis code system 'ICD-11'"):
        DiagnosisCode("5A11", system="ICD-11")
    with pytest.raises(TypeError, match="ICD-9-CM code must be a str"):
        DiagnosisCode(250, system="ICD-9-CM")  # type: ignore[arg-type]
    assert DiagnosisCode("ICD-10-CM:E11.9") == d


_ICD9 = st.one_of(
    st.from_regex(r"[0-9]{3}(\.?[0-9]{1,2})?", fullmatch=True),
    st.from_regex(r"V[0-9]{2}(\.?[0-9]{1,2})?", fullmatch=True),
    st.from_regex(r"E[0-9]{3}(\.?[0-9])?", fullmatch=True),
)


@given(_ICD9)
def test_icd9_text_round_trips(raw: str) -> None:
    d = DiagnosisCode(raw, system="ICD-9-CM")
    assert DiagnosisCode(str(d)) == d  # the prefixed text names its system
    assert DiagnosisCode(d.dotted, system="ICD-9-CM") == d
    assert d.code == raw.replace(".", "") and d.dotted.replace(".", "") == d.code


def test_a_huge_icd9_code_is_not_echoed_whole() -> None:
    with pytest.raises(InvalidCodeError) as info:
        DiagnosisCode("9" * 1_000_000, system="ICD-9-CM")
    assert len(str(info.value)) < 400


# --- NPI -----------------------------------------------------------------------


def test_npi_known_answers() -> None:
    assert NPI("1234567893").code == "1234567893"
    assert str(NPI(" 1234567893\n")) == "1234567893"


def test_npi_wrong_check_digit_says_what_it_should_be() -> None:
    with pytest.raises(InvalidCodeError, match=r"'1234567890'.*check digit.*expected 3"):
        NPI("1234567890")


@pytest.mark.parametrize(
    "bad", ["3234567893", "0234567893", "123456789", "12345678931", "12345678X3"]
)
def test_npi_rejects_bad_shape(bad: str) -> None:
    with pytest.raises(
        InvalidCodeError, match=rf"invalid NPI '{bad}'.*10 digits starting with 1 or 2"
    ):
        NPI(bad)


def test_npi_rejects_int() -> None:
    with pytest.raises(TypeError, match="1234567893"):
        NPI(1234567893)  # type: ignore[arg-type]


def test_strategy_check_digit_known_answer() -> None:
    assert npi_check_digit("123456789") == 3


@given(npis(), st.integers(0, 9), st.integers(1, 9))
def test_npi_single_digit_change_is_invalid(npi: NPI, position: int, delta: int) -> None:
    digits = str(npi)
    changed = str((int(digits[position]) + delta) % 10)
    mutated = digits[:position] + changed + digits[position + 1 :]
    assert mutated != digits
    with pytest.raises(InvalidCodeError, match=mutated):
        NPI(mutated)


# --- PlaceOfService, TaxonomyCode ------------------------------------------------


def test_place_of_service_known_answers() -> None:
    assert str(PlaceOfService("11")) == "11"
    assert PlaceOfService("01").code == "01"
    assert PlaceOfService("99").code == "99"


@pytest.mark.parametrize("bad", ["00", "1", "100", "1A", ""])
def test_place_of_service_rejects(bad: str) -> None:
    with pytest.raises(InvalidCodeError, match=rf"invalid place of service '{bad}'.*01 to 99"):
        PlaceOfService(bad)


def test_taxonomy_code_known_answers() -> None:
    assert str(TaxonomyCode("207Q00000X")) == "207Q00000X"
    assert TaxonomyCode(" 363lf0000x ").code == "363LF0000X"


@pytest.mark.parametrize("bad", ["207Q00000", "207Q00000Y", "20AQ00000X", "207Q000000X"])
def test_taxonomy_code_rejects(bad: str) -> None:
    with pytest.raises(InvalidCodeError, match=rf"invalid taxonomy code '{bad}'"):
        TaxonomyCode(bad)


# --- GroupCode -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "member"),
    [("CO", GroupCode.CO), ("pr", GroupCode.PR), (" OA ", GroupCode.OA), ("PI", GroupCode.PI)],
)
def test_group_code_parse(raw: str, member: GroupCode) -> None:
    assert GroupCode.parse(raw) is member


def test_group_code_cr_needs_allow_legacy() -> None:
    with pytest.raises(InvalidCodeError, match=r"'CR'.*allow_legacy=True"):
        GroupCode.parse("CR")
    assert GroupCode.parse("CR", allow_legacy=True) is GroupCode.CR


def test_group_code_rejects_unknown() -> None:
    with pytest.raises(InvalidCodeError, match=r"invalid group code 'XX'.*CO, PR, OA, PI"):
        GroupCode.parse("XX")


def test_group_code_values() -> None:
    assert [g.value for g in GroupCode] == ["CO", "PR", "OA", "PI", "CR"]
    assert str(GroupCode.PI) == "PI"


# --- CARC, RARC ----------------------------------------------------------------


@pytest.mark.parametrize("code", ["1", "45", "253", "A1", "B7", "P12", "W1", "Y1"])
def test_carc_accepts(code: str) -> None:
    assert str(CARC(code)) == code


@pytest.mark.parametrize("bad", ["0", "045", "1000", "A123", "1A", "", "B-7"])
def test_carc_rejects(bad: str) -> None:
    with pytest.raises(InvalidCodeError, match=rf"invalid claim adjustment reason code '{bad}'"):
        CARC(bad)


@pytest.mark.parametrize("code", ["M15", "MA130", "N362", "N1234", "M1"])
def test_rarc_accepts(code: str) -> None:
    assert str(RARC(code)) == code


@pytest.mark.parametrize("bad", ["M1234", "MA1234", "N12345", "N", "X12", "45", "MB12"])
def test_rarc_rejects(bad: str) -> None:
    with pytest.raises(InvalidCodeError, match=rf"invalid remittance advice remark code '{bad}'"):
        RARC(bad)


# --- round trips through str() ---------------------------------------------------


@given(procedure_codes())
def test_procedure_code_round_trips(pc: ProcedureCode) -> None:
    assert ProcedureCode.parse(pc.system, str(pc)) == pc
    assert ProcedureCode(pc.system, pc.code, list(pc.modifiers)) == pc
    assert len(pc.modifiers) <= 4


@given(
    st.one_of(
        revenue_codes(),
        ndcs(),
        diagnosis_codes(),
        npis(),
        places_of_service(),
        taxonomy_codes(),
        carcs(),
        rarcs(),
    )
)
def test_single_string_codes_round_trip(
    code: RevenueCode | NDC | DiagnosisCode | NPI | PlaceOfService | TaxonomyCode | CARC | RARC,
) -> None:
    again = type(code)(str(code))
    assert again == code
    assert hash(again) == hash(code)
    assert type(code)(str(code).lower()) == code


@given(diagnosis_codes())
def test_diagnosis_dotted_round_trips(d: DiagnosisCode) -> None:
    assert DiagnosisCode(d.dotted) == d
    assert d.dotted.replace(".", "") == d.code


@given(group_codes(allow_legacy=True))
def test_group_code_round_trips(g: GroupCode) -> None:
    assert GroupCode.parse(str(g), allow_legacy=True) is g


@given(group_codes())
def test_group_codes_strategy_excludes_cr_by_default(g: GroupCode) -> None:
    assert g is not GroupCode.CR


# --- code sets -------------------------------------------------------------------


def carc_set() -> StaticCodeSet:
    return StaticCodeSet(
        "CARC",
        [
            CodeSetEntry("45", D(2000, 1, 1)),
            CodeSetEntry("B7", D(2010, 1, 1), D(2015, 6, 30)),
            CodeSetEntry("B7", D(2020, 1, 1)),
        ],
    )


def test_static_code_set_is_a_code_set() -> None:
    assert isinstance(carc_set(), CodeSet)
    assert carc_set().name == "CARC"
    assert len(carc_set()) == 3


def test_static_code_set_dates_are_inclusive() -> None:
    cs = carc_set()
    assert cs.contains("B7", D(2010, 1, 1))
    assert cs.contains("B7", D(2015, 6, 30))
    assert not cs.contains("B7", D(2015, 7, 1))
    assert not cs.contains("B7", D(2009, 12, 31))
    assert cs.contains("B7", D(2024, 1, 1))  # reinstated
    assert not cs.contains("45", D(1999, 12, 31))
    assert not cs.contains("999", D(2024, 1, 1))


def test_static_code_set_from_mapping() -> None:
    cs = StaticCodeSet("POS", {"11": (D(2003, 1, 1), None), "99": (D(2003, 1, 1), D(2003, 12, 31))})
    assert cs.contains("11", D(2024, 1, 1))
    assert not cs.contains("99", D(2024, 1, 1))


def test_code_set_entry_end_before_start_rejected() -> None:
    with pytest.raises(InvalidCodeError, match=r"'N1'.*2020-01-01 is before start 2021-01-01"):
        CodeSetEntry("N1", D(2021, 1, 1), D(2020, 1, 1))


def test_validate_code_known_gives_no_finding() -> None:
    assert validate_code(carc_set(), CARC("45"), D(2024, 1, 1), location="line 1") == ()
    assert validate_code(carc_set(), "45", D(2024, 1, 1), location="line 1") == ()


def test_validate_code_unknown_is_a_warning() -> None:
    findings = validate_code(
        carc_set(), CARC("B7"), D(2017, 3, 1), location="line 3.adjustments[0]"
    )
    assert findings == (
        Finding(
            location="line 3.adjustments[0]",
            message="code 'B7' is not in code set 'CARC' on 2017-03-01",
            severity=Severity.WARNING,
            rule="codes.unknown_in_code_set",
        ),
    )


def test_validate_code_procedure_code_ignores_modifiers() -> None:
    cpt = StaticCodeSet("CPT", [CodeSetEntry("99213", D(1992, 1, 1))])
    pc = ProcedureCode("CPT", "99213", ["25"])
    assert validate_code(cpt, pc, D(2024, 1, 1), location="line 1") == ()


def test_validate_code_with_user_protocol_implementation() -> None:
    class Everything:
        name = "everything"

        def contains(self, code: str, on: datetime.date) -> bool:
            return True

    assert isinstance(Everything(), CodeSet)
    assert validate_code(Everything(), "anything", D(2024, 1, 1), location="x") == ()


def test_validate_code_uses_canonical_form() -> None:
    icd = StaticCodeSet("ICD-10-CM", [CodeSetEntry("E119", D(2015, 10, 1))])
    assert validate_code(icd, DiagnosisCode("E11.9"), D(2024, 1, 1), location="dx 1") == ()
    (finding,) = validate_code(icd, DiagnosisCode("E11.9"), D(2015, 9, 30), location="dx 1")
    assert finding.severity is Severity.WARNING


# --- ProcedureCode: the system from the code's shape, X12 qualifiers ----------------------


@pytest.mark.parametrize(
    ("code", "system"),
    [
        ("99213", CodeSystem.CPT),
        ("0001F", CodeSystem.CPT),
        ("0042T", CodeSystem.CPT),
        ("0001U", CodeSystem.CPT),
        ("J1100", CodeSystem.HCPCS),
        ("A0425", CodeSystem.HCPCS),
        ("V2020", CodeSystem.HCPCS),
        ("E0114", CodeSystem.HCPCS),
        ("D0120", CodeSystem.CDT),  # documented: a bare D code is read as CDT
        (" j1100 ", CodeSystem.HCPCS),
    ],
)
def test_procedure_code_alone_infers_its_system(code: str, system: CodeSystem) -> None:
    assert infer_code_system(code) is system
    assert ProcedureCode(code) == ProcedureCode(system, code)
    assert ProcedureCode(code, modifiers=["25"]).modifiers == ("25",)


@pytest.mark.parametrize("code", ["9921", "W1234", "992134", "0001X", "", "12-34"])
def test_procedure_code_of_no_known_shape_says_the_system_comes_first(code: str) -> None:
    with pytest.raises(InvalidCodeError, match=r"cannot tell the coding system.*system first"):
        ProcedureCode(code)


@pytest.mark.parametrize("system", ["CPT", "hcpcs", CodeSystem.CDT])
def test_procedure_code_given_only_a_system_says_the_code_is_missing(
    system: str | CodeSystem,
) -> None:
    with pytest.raises(InvalidCodeError, match=r"the system comes first, then the code"):
        ProcedureCode(system)


def test_procedure_code_inference_refuses_non_strings() -> None:
    with pytest.raises(TypeError, match="99213"):
        ProcedureCode(99213)  # type: ignore[arg-type]


@given(procedure_codes())
def test_inferred_system_round_trips_except_dental_hcpcs(code: ProcedureCode) -> None:
    inferred = ProcedureCode(code.code, modifiers=code.modifiers)
    if code.system is CodeSystem.HCPCS and code.code.startswith("D"):
        assert inferred.system is CodeSystem.CDT  # the documented reading of D codes
    else:
        assert inferred == code


@pytest.mark.parametrize(
    ("qualifier", "code", "system"),
    [
        ("HC", "99213", CodeSystem.CPT),
        ("HC", "0042T", CodeSystem.CPT),
        ("HC", "J1100", CodeSystem.HCPCS),
        ("HC", "D0120", CodeSystem.HCPCS),  # HC says HCPCS: the dental range stays HCPCS
        ("hc", "t1005", CodeSystem.HCPCS),
        ("AD", "D0120", CodeSystem.CDT),
    ],
)
def test_x12_qualifier_gives_the_system(qualifier: str, code: str, system: CodeSystem) -> None:
    assert system_from_x12(qualifier, code) is system
    read = ProcedureCode.from_x12(qualifier, code, ["25"])
    assert read == ProcedureCode(system, code, ["25"])
    expected_qualifier = "AD" if system is CodeSystem.CDT else "HC"
    assert read.x12_qualifier == expected_qualifier


def test_x12_procedure_qualifiers_cover_the_systems() -> None:
    assert dict(X12_PROCEDURE_SYSTEMS) == {
        "HC": (CodeSystem.CPT, CodeSystem.HCPCS),
        "AD": (CodeSystem.CDT,),
    }
    assert set(X12_PROCEDURE_SYSTEMS) <= set(X12_PRODUCT_QUALIFIERS)
    assert {"AD", "ER", "HC", "HP", "IV", "N4", "NU", "WK"} <= set(X12_PRODUCT_QUALIFIERS)
    with pytest.raises(TypeError):
        X12_PROCEDURE_SYSTEMS["ZZ"] = ()  # type: ignore[index]


@pytest.mark.parametrize(
    ("qualifier", "code", "says"),
    [
        ("N4", "12345678901", r"'N4' names National Drug Codes.*NDC\(\.\.\.\)"),
        ("NU", "0450", r"'NU' names NUBC revenue codes.*RevenueCode\(\.\.\.\)"),
        ("WK", "12345", r"'WK' names Advanced Billing Concepts.*no code type"),
        ("ER", "12345", r"'ER' names jurisdiction-specific"),
        ("XX", "99213", r"unknown X12 product/service id qualifier 'XX'"),
        ("AD", "99213", r"'99213' does not fit X12 qualifier 'AD'.*CDT"),
        ("HC", "D012", r"'D012' does not fit X12 qualifier 'HC'.*CPT.*HCPCS"),
    ],
)
def test_x12_qualifiers_that_name_no_procedure_are_refused(
    qualifier: str, code: str, says: str
) -> None:
    with pytest.raises(InvalidCodeError, match=says):
        ProcedureCode.from_x12(qualifier, code)


def test_corpus_procedure_qualifiers_read(corpus_dir: Path) -> None:
    """Every HC/AD procedure composite of the shared 835 and 837P files reads as a code."""
    read = 0
    for path in sorted((corpus_dir / "835").glob("*.835")) + sorted(
        (corpus_dir / "837p").glob("*.837")
    ):
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in re.finditer(r"(?:SVC|SV1)\*(HC|AD)[:>]([A-Z0-9]{5})(?=[*:>~\s])", text):
            code = ProcedureCode.from_x12(match.group(1), match.group(2))
            assert code.x12_qualifier == match.group(1)
            read += 1
    assert read > 50


# --- code sets: the entries are checked --------------------------------------------------


def test_code_set_entry_refuses_bad_types() -> None:
    with pytest.raises(TypeError, match="code set entry code"):
        CodeSetEntry(45, D(2020, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="start"):
        CodeSetEntry("45", datetime.datetime(2020, 1, 1))
    with pytest.raises(TypeError, match="end"):
        CodeSetEntry("45", D(2020, 1, 1), "2021-01-01")  # type: ignore[arg-type]


def test_huge_codes_are_not_echoed_whole() -> None:
    for build in (NPI, NDC, CARC, RARC, DiagnosisCode, RevenueCode):
        with pytest.raises(InvalidCodeError) as info:
            build("9" * 1_000_000)
        assert len(str(info.value)) < 400
    with pytest.raises(InvalidCodeError) as info:
        ProcedureCode("9" * 1_000_000)
    assert len(str(info.value)) < 400


def test_modifiers_from_an_endless_iterable_are_refused() -> None:
    with pytest.raises(InvalidCodeError, match="more than 4 given"):
        ProcedureCode("CPT", "99213", itertools.repeat("25"))
