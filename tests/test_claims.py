import datetime
import re
from decimal import Decimal

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from billing_core.charges import Category, DocumentKind, DocumentRef, LineItem
from billing_core.claims import (
    CLAIM_RULES,
    AcknowledgementStatus,
    Claim,
    ClaimAcknowledgement,
    ClaimFrequency,
    PriorLineAdjudication,
    PriorPayerAdjudication,
    check_claim,
    require_attachments,
    require_referring_provider,
    total_charge_matches_lines,
    validate_claim,
)
from billing_core.codes import NPI, CodeSystem, DiagnosisCode, ProcedureCode
from billing_core.errors import CurrencyMismatchError, Finding, Severity, ValidationError
from billing_core.money import Money
from billing_core.parties import (
    CareRole,
    CareTeamMember,
    Coverage,
    CoverageSequence,
    Payer,
    Provider,
)
from billing_core.serialization import from_json, to_json
from billing_core.testing.strategies.documents import claims

DAY = datetime.date(2024, 3, 4)
COV = Coverage(
    id="C1",
    payer=Payer(id="acme", name="Acme Health"),
    member_id="XYZ123456789",
    sequence=CoverageSequence.PRIMARY,
)
DOC = Provider(npi="1234567893", name="Dr. Ada Smith")


def line(line_id="L1", **kwargs):
    base = {
        "id": line_id,
        "category": Category.PROCEDURE,
        "service_date": DAY,
        "charge": Money("100.00", "USD"),
        "procedure": ProcedureCode(CodeSystem.CPT, "99213"),
        "diagnosis_pointers": (1,),
    }
    base.update(kwargs)
    return LineItem(**base)


def claim(**kwargs):
    base = {
        "id": "CLM1",
        "account_id": "A1",
        "patient_id": "P1",
        "coverage": COV,
        "claim_date": datetime.date(2024, 3, 10),
        "lines": [line()],
        "diagnoses": ["E11.9", "I10"],
    }
    base.update(kwargs)
    return Claim(**base)


def where(findings):
    return [(f.location, f.rule) for f in findings]


class TestConstructor:
    def test_total_defaults_to_the_sum(self):
        c = claim(lines=[line(), line("L2", charge=Money("0.50", "USD"))])
        assert c.total_charge == Money("100.50", "USD")
        assert c.currency == "USD"
        assert c.payer.id == "acme"
        assert c.principal_diagnosis == DiagnosisCode("E11.9")

    def test_no_lines(self):
        with pytest.raises(ValidationError, match="a claim needs at least one line"):
            claim(lines=[])
        with pytest.raises(ValidationError, match="a claim needs at least one line"):
            claim(lines=[], total_charge=Money(0, "USD"))

    def test_line_in_another_currency_names_the_line(self):
        with pytest.raises(CurrencyMismatchError, match=r"line 2 \('L2'\)\.charge is in EUR"):
            claim(lines=[line(), line("L2", charge=Money("1.00", "EUR"))])
        with pytest.raises(
            CurrencyMismatchError,
            match=r"claim 'CLM1'\.total_charge is in EUR, line 1 \('L1'\)\.charge is in USD",
        ):
            claim(total_charge=Money("100.00", "EUR"))

    @pytest.mark.parametrize("field", ["claim_date", "statement_from", "statement_through"])
    def test_dates_refuse_a_datetime_naming_the_field(self, field):
        stamp = datetime.datetime(2024, 3, 10, 9, 30)
        with pytest.raises(TypeError, match=rf"claim 'CLM1'\.{field} must be a datetime\.date"):
            claim(**{field: stamp})
        with pytest.raises(TypeError, match=rf"claim 'CLM1'\.{field}"):
            claim(**{field: "2024-03-10"})

    def test_prior_payer_adjudication_date_refuses_a_datetime(self):
        with pytest.raises(TypeError, match=r"prior payer adjudication\.adjudicated_on"):
            PriorPayerAdjudication(
                coverage=COV,
                paid=Money("80.00", "USD"),
                adjudicated_on=datetime.datetime(2024, 4, 1, 12, 0),
            )

    def test_reference_numbers_must_be_text(self):
        with pytest.raises(TypeError, match="original_claim_number"):
            claim(frequency=ClaimFrequency.VOID, original_claim_number=12345)
        with pytest.raises(TypeError, match="referral_number"):
            claim(referral_number=7)

    def test_statement_period_end_before_start(self):
        with pytest.raises(ValidationError, match="statement_through: 2024-03-01 is before"):
            claim(
                statement_from=datetime.date(2024, 3, 2),
                statement_through=datetime.date(2024, 3, 1),
            )

    def test_claim_level_provider_and_line_override(self):
        other = Provider(npi="1234567893", name="Dr. Other")
        own = line("L2", care_team=[CareTeamMember(provider=other, role=CareRole.RENDERING)])
        c = claim(
            lines=[line(), own], care_team=[CareTeamMember(provider=DOC, role=CareRole.RENDERING)]
        )
        assert c.provider(CareRole.RENDERING, c.lines[0]) is DOC
        assert c.provider(CareRole.RENDERING, c.lines[1]) is other
        assert c.provider(CareRole.REFERRING) is None


class TestFindings:
    def test_a_valid_claim_has_none(self):
        assert validate_claim(claim()) == ()
        assert check_claim(claim()) == claim()

    def test_all_findings_at_once(self):
        bad = claim(
            lines=[
                line(diagnosis_pointers=[1, 3]),
                line("L2", service_date=datetime.date(2024, 3, 11), procedure=None),
            ],
            total_charge=Money("1.00", "USD"),
            frequency=ClaimFrequency.REPLACEMENT,
        )
        assert where(validate_claim(bad)) == [
            ("claim 'CLM1'.total_charge", "claim.total_charge"),
            ("claim 'CLM1' line 1.diagnosis_pointers", "line.diagnosis_pointers.missing"),
            ("claim 'CLM1' line 2.service_date", "line.service_date.after_claim_date"),
            ("claim 'CLM1'.original_claim_number", "claim.frequency"),
            ("claim 'CLM1' line 2.procedure", "line.code"),
        ]
        with pytest.raises(ValidationError) as info:
            check_claim(bad)
        assert len(info.value.findings) == 5
        assert str(info.value).startswith("5 problems:")

    def test_total_message(self):
        (finding,) = total_charge_matches_lines(claim(total_charge=Money("99.99", "USD")))
        assert finding.message == (
            "the stated total 99.99 USD is not the sum of the lines 100.00 USD"
        )
        assert finding.severity is Severity.ERROR

    def test_diagnoses_count_and_duplicates(self):
        thirteen = [f"Z{n:02d}" for n in range(13)]
        assert where(validate_claim(claim(diagnoses=thirteen))) == [
            ("claim 'CLM1'.diagnoses", "claim.diagnoses.max")
        ]
        assert where(validate_claim(claim(diagnoses=["E11.9", "E119"]))) == [
            ("claim 'CLM1'.diagnoses[2]", "claim.diagnoses.duplicate")
        ]

    def test_more_than_four_pointers(self):
        c = claim(
            lines=[line(diagnosis_pointers=[1, 2, 3, 4, 5])],
            diagnoses=[f"Z{n:02d}" for n in range(5)],
        )
        assert where(validate_claim(c)) == [
            ("claim 'CLM1' line 1.diagnosis_pointers", "line.diagnosis_pointers.max")
        ]

    def test_service_through_after_claim_date_and_statement_period(self):
        c = claim(
            lines=[line(service_through=datetime.date(2024, 3, 12))],
            statement_from=datetime.date(2024, 3, 1),
            statement_through=datetime.date(2024, 3, 5),
        )
        assert where(validate_claim(c)) == [
            ("claim 'CLM1' line 1.service_through", "line.service_date.after_claim_date"),
            ("claim 'CLM1' line 1.service_through", "line.service_date.outside_statement_period"),
        ]
        early = claim(statement_from=datetime.date(2024, 3, 5))
        assert where(validate_claim(early)) == [
            ("claim 'CLM1' line 1.service_date", "line.service_date.outside_statement_period")
        ]

    def test_void_with_original_number_is_fine(self):
        c = claim(frequency=ClaimFrequency.VOID, original_claim_number="ICN123")
        assert validate_claim(c) == ()

    def test_malformed_modifier_and_npi_that_bypassed_their_constructors(self):
        code = ProcedureCode(CodeSystem.CPT, "99213")
        object.__setattr__(code, "modifiers", ("25", "5", "59", "XU", "GT"))
        npi = NPI("1234567893")
        object.__setattr__(npi, "code", "1234567890")
        bad_doc = Provider(npi="1234567893", name="Dr. Bad")
        object.__setattr__(bad_doc, "npi", npi)
        c = claim(
            lines=[line(procedure=code)],
            care_team=[CareTeamMember(provider=bad_doc, role=CareRole.BILLING)],
        )
        assert where(validate_claim(c)) == [
            ("claim 'CLM1' line 1.procedure.modifiers", "line.modifiers"),
            ("claim 'CLM1'.care_team[0].npi", "provider.npi"),
        ]

    @pytest.mark.parametrize(
        ("modifiers", "message"),
        [
            (("25", "5"), "invalid modifier '5'"),
            (("25", "59", "XU", "GT", "76"), "5 given, at most 4"),
            (("ab",), "'ab' on 99213 must be written 'AB'"),
            ("25", "not a single str"),
            ((25,), "must be a str"),
        ],
    )
    def test_modifier_findings_come_from_the_code_rules(self, modifiers, message):
        code = ProcedureCode(CodeSystem.CPT, "99213")
        object.__setattr__(code, "modifiers", modifiers)
        # two lines sharing the one code object: each line gets its finding
        found = validate_claim(
            claim(lines=[line("L1", procedure=code), line("L2", procedure=code)])
        )
        assert where(found) == [
            ("claim 'CLM1' line 1.procedure.modifiers", "line.modifiers"),
            ("claim 'CLM1' line 2.procedure.modifiers", "line.modifiers"),
        ]
        assert all(message in f.message for f in found)

    def test_prior_payer_lines_must_exist(self):
        prior = PriorPayerAdjudication(
            coverage=COV,
            paid=Money("80.00", "USD"),
            adjudicated_on=DAY,
            lines=[PriorLineAdjudication(line_id="L9", paid=Money("80.00", "USD"))],
        )
        c = claim(prior_payers=[prior])
        assert where(validate_claim(c)) == [
            ("claim 'CLM1'.prior_payers[0].lines[0].line_id", "claim.prior_payers.line_id")
        ]

    def test_prior_payer_currency(self):
        prior = PriorPayerAdjudication(coverage=COV, paid=Money("1", "EUR"), adjudicated_on=DAY)
        with pytest.raises(CurrencyMismatchError, match="prior_payers"):
            claim(prior_payers=[prior])


class TestCallerRules:
    def test_referring_provider(self):
        rule = require_referring_provider(lambda c, x: x.id == "L2")
        c = claim(lines=[line(), line("L2")])
        assert where(validate_claim(c, extra_rules=[rule])) == [
            ("claim 'CLM1' line 2.care_team", "line.referring_provider")
        ]
        referring = CareTeamMember(provider=DOC, role=CareRole.REFERRING)
        assert validate_claim(attrs.evolve(c, care_team=[referring]), extra_rules=[rule]) == ()
        on_line = attrs.evolve(c, lines=[line(), line("L2", care_team=[referring])])
        assert validate_claim(on_line, extra_rules=[rule]) == ()

    def test_attachments(self):
        rule = require_attachments([ProcedureCode(CodeSystem.CPT, "99213", ["25"]), "0450"])
        c = claim(lines=[line(), line("L2", procedure=None, revenue_code="0450")])
        assert where(rule(c)) == [
            ("claim 'CLM1' line 1.attachments", "line.attachments"),
            ("claim 'CLM1' line 2.attachments", "line.attachments"),
        ]
        report = DocumentRef(kind=DocumentKind.OPERATIVE_NOTE, reference="notes/1")
        assert list(rule(attrs.evolve(c, attachments=[report]))) == []

    def test_custom_rules_and_replacing_the_defaults(self):
        def warn_big(c):
            if c.total_charge > Money("50.00", "USD"):
                yield Finding(
                    location="claim.total_charge",
                    message="large claim",
                    severity=Severity.WARNING,
                    rule="my.large",
                )

        assert where(validate_claim(claim(), [warn_big])) == [("claim.total_charge", "my.large")]
        # warnings alone do not raise
        assert check_claim(claim(), extra_rules=[warn_big]) == claim()
        assert len(CLAIM_RULES) >= 8


# ------------------------------------------------------------------ planted defects

CLAIM_DEFECTS = ("total", "too_many_diagnoses", "frequency")
LINE_DEFECTS = (
    "pointer_missing",
    "too_many_pointers",
    "after_claim_date",
    "outside_period",
    "bad_modifier",
    "bad_npi",
    "no_code",
    "referring",
    "attachment",
)
NEEDS_ATTACHMENT = "V5299"


def _fresh_diagnoses(existing, count):
    have = {d.code for d in existing}
    fresh = []
    for n in range(100):
        code = DiagnosisCode(f"Z{n:02d}")
        if code.code not in have:
            fresh.append(code)
        if len(fresh) == count:
            return fresh
    raise AssertionError("no fresh diagnosis codes")


def plant(claim, claim_defects, line_defects):
    """Plant defects; return the new claim, the expected (location, rule) pairs, the rules."""
    on = f"claim {claim.id!r}"  # every finding names the claim
    expected = []
    diagnoses = list(claim.diagnoses)
    lines = list(claim.lines)
    care_team = list(claim.care_team)
    attachments = list(claim.attachments)
    changes = {}
    if "too_many_diagnoses" in claim_defects:
        diagnoses += _fresh_diagnoses(diagnoses, 13 - len(diagnoses))
        expected.append((f"{on}.diagnoses", "claim.diagnoses.max"))
    if "too_many_pointers" in line_defects and len(diagnoses) < 5:
        diagnoses += _fresh_diagnoses(diagnoses, 5 - len(diagnoses))
    if "frequency" in claim_defects:
        changes.update(frequency=ClaimFrequency.REPLACEMENT, original_claim_number=None)
        expected.append((f"{on}.original_claim_number", "claim.frequency"))
    need_referring = set()
    outside = None
    after = claim.claim_date + datetime.timedelta(days=1)
    for index, defect in enumerate(line_defects):
        n = index + 1
        item = lines[index]
        if defect == "pointer_missing":
            item = attrs.evolve(item, diagnosis_pointers=[len(diagnoses) + 1])
            expected.append(
                (f"{on} line {n}.diagnosis_pointers", "line.diagnosis_pointers.missing")
            )
        elif defect == "too_many_pointers":
            item = attrs.evolve(item, diagnosis_pointers=[1, 2, 3, 4, 5])
            expected.append((f"{on} line {n}.diagnosis_pointers", "line.diagnosis_pointers.max"))
        elif defect == "after_claim_date":
            item = attrs.evolve(item, service_date=after, service_through=None)
            expected.append((f"{on} line {n}.service_date", "line.service_date.after_claim_date"))
        elif defect == "outside_period":
            outside = index
            expected.append(
                (f"{on} line {n}.service_date", "line.service_date.outside_statement_period")
            )
        elif defect == "bad_modifier":
            code = ProcedureCode(CodeSystem.CPT, "99213")
            object.__setattr__(code, "modifiers", ("2!",))
            item = attrs.evolve(item, procedure=code)
            expected.append((f"{on} line {n}.procedure.modifiers", "line.modifiers"))
        elif defect == "bad_npi":
            npi = NPI("1234567893")
            object.__setattr__(npi, "code", "1234567890")
            provider = Provider(npi="1234567893", name="Dr. Bad")
            object.__setattr__(provider, "npi", npi)
            member = CareTeamMember(provider=provider, role=CareRole.RENDERING)
            item = attrs.evolve(item, care_team=[member])
            expected.append((f"{on} line {n}.care_team[0].npi", "provider.npi"))
        elif defect == "no_code":
            item = attrs.evolve(item, procedure=None, revenue_code=None)
            expected.append((f"{on} line {n}.procedure", "line.code"))
        elif defect == "referring":
            need_referring.add(item.id)
            care_team = [m for m in care_team if m.role is not CareRole.REFERRING]
            expected.append((f"{on} line {n}.care_team", "line.referring_provider"))
        elif defect == "attachment":
            item = attrs.evolve(
                item, procedure=ProcedureCode(CodeSystem.HCPCS, NEEDS_ATTACHMENT), attachments=()
            )
            attachments = []
            expected.append((f"{on} line {n}.attachments", "line.attachments"))
        lines[index] = item
    if outside is not None or claim.statement_from is not None:
        others = [x for i, x in enumerate(lines) if i != outside]
        if others:
            start = min(x.service_date for x in others)
            end = max(x.service_end for x in others)
        else:  # the outside line is alone: put the period just after it
            start = end = lines[outside].service_end + datetime.timedelta(days=1)
        if outside is not None:
            lines[outside] = attrs.evolve(
                lines[outside],
                service_date=start - datetime.timedelta(days=1),
                service_through=None,
            )
        changes.update(statement_from=start, statement_through=end)
    total = sum(x.charge.minor for x in lines)
    if "total" in claim_defects:
        total += 1
        expected.append((f"{on}.total_charge", "claim.total_charge"))
    planted = attrs.evolve(
        claim,
        diagnoses=diagnoses,
        lines=lines,
        care_team=care_team,
        attachments=attachments,
        total_charge=Money.from_minor(total, claim.currency),
        **changes,
    )
    rules = [
        require_referring_provider(lambda c, x: x.id in need_referring),
        require_attachments([NEEDS_ATTACHMENT]),
    ]
    return planted, sorted(expected), rules


@settings(max_examples=60, deadline=None)
@given(
    st.sets(st.sampled_from(CLAIM_DEFECTS)),
    st.lists(st.sampled_from(LINE_DEFECTS), max_size=len(LINE_DEFECTS), unique=True),
    st.data(),
)
def test_validate_claim_finds_exactly_the_planted_defects(claim_defects, line_defects, data):
    if "too_many_diagnoses" in claim_defects and "pointer_missing" in line_defects:
        line_defects.remove("pointer_missing")  # no pointer can miss among 13 diagnoses
    valid = data.draw(
        claims(
            min_lines=max(1, len(line_defects)), max_lines=len(line_defects) + 2, max_diagnoses=8
        )
    )
    assume(all(x.procedure is None or x.procedure.code != NEEDS_ATTACHMENT for x in valid.lines))
    planted, expected, rules = plant(valid, claim_defects, line_defects)
    assert validate_claim(valid) == ()
    found = validate_claim(planted, extra_rules=rules)
    assert sorted((f.location, f.rule) for f in found) == expected
    if expected:
        with pytest.raises(ValidationError) as info:
            check_claim(planted, extra_rules=rules)
        assert len(info.value.findings) == len(expected)


@settings(max_examples=50)
@given(claims())
def test_generated_claims_are_valid(c):
    assert validate_claim(c) == ()


# ------------------------------------------------------------------ notebook views


def test_claim_html_shows_lines_and_masks_identifiers():
    c = claim(
        patient_id="MRN-000123456",
        lines=[line(), line("L2", charge=Money("0.50", "USD"), diagnosis_pointers=(2, 1))],
    )
    page = c._repr_html_()
    assert page.count("<tr>") == 1 + 2 + 1  # heading, two lines, total
    assert ">L1<" in page and ">L2<" in page
    assert ">$100.00<" in page and ">$0.50<" in page and ">$100.50<" in page
    assert ">2, 1<" in page  # the line's diagnosis pointers
    assert "1. E11.9, 2. I10" in page
    assert "Acme Health" in page
    assert "XYZ123456789" not in page and "XYZ12345" not in page
    assert "member ****6789" in page
    assert "MRN-000123456" not in page and "patient ****3456" in page


def test_claim_records():
    c = claim(lines=[line(), line("L2", procedure=None, revenue_code="0450")])
    rows = c.to_records()
    assert [(r["line_number"], r["line_id"], r["charge"]) for r in rows] == [
        (1, "L1", Decimal("100.00")),
        (2, "L2", Decimal("100.00")),
    ]
    assert rows[0]["procedure"] == "99213" and rows[1]["revenue_code"] == "0450"
    assert {r["claim_id"] for r in rows} == {"CLM1"}
    assert not any("XYZ123456789" in str(v) for r in rows for v in r.values())


def test_a_bad_diagnosis_names_the_claim_and_its_position() -> None:
    from billing_core.errors import InvalidCodeError

    c = claim()
    with pytest.raises(InvalidCodeError, match=r"^claim '" + c.id + r"'\.diagnoses\[2\]: .*'9ZZ'"):
        attrs.evolve(c, diagnoses=["E11.9", "9ZZ"])


# ------------------------------------------------------------------ vocabulary and identifiers


def test_claim_rules_are_named_for_what_they_require():
    names = [rule.__name__ for rule in CLAIM_RULES]
    assert names == [
        "total_charge_matches_lines",
        "diagnoses_within_limits",
        "diagnosis_code_set_matches_dates",
        "pointers_point_to_diagnoses",
        "modifiers_well_formed",
        "care_team_npis_valid",
        "services_within_claim_dates",
        "replacement_names_original",
        "lines_have_codes",
        "prior_payer_lines_on_claim",
    ]
    assert not [n for n in names if n.startswith(("check_", "validate_"))]


@pytest.mark.parametrize("field", ["patient_id", "account_id"])
def test_claim_identifiers_of_the_wrong_type_are_not_echoed(field):
    with pytest.raises(TypeError) as info:
        claim(**{field: 555012345})
    assert str(info.value).startswith(f"claim 'CLM1'.{field} must be a str")
    assert "555012345" not in str(info.value)


def test_claim_provider_falls_back_from_the_line_to_the_claim():
    referring = CareTeamMember(provider=DOC, role=CareRole.REFERRING)
    c = claim(care_team=[referring])
    assert c.provider(CareRole.REFERRING, c.lines[0]) is DOC  # the line has none of its own
    assert c.provider(CareRole.REFERRING) is DOC
    assert c.provider(CareRole.ORDERING, c.lines[0]) is None


# --- acknowledgements (277CA) -------------------------------------------------------------


def _ack(**changes: object) -> ClaimAcknowledgement:
    fields: dict[str, object] = {
        "claim_id": "CLM1",
        "received": datetime.date(2024, 3, 6),
        "category": "A2",
        "status_code": "20",
    }
    fields.update(changes)
    return ClaimAcknowledgement(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("category", "status"),
    [
        ("A0", AcknowledgementStatus.ACCEPTED),
        ("A1", AcknowledgementStatus.ACCEPTED),
        ("A2", AcknowledgementStatus.ACCEPTED),
        ("A5", AcknowledgementStatus.ACCEPTED),
        ("A3", AcknowledgementStatus.REJECTED),
        ("A4", AcknowledgementStatus.REJECTED),
        ("A6", AcknowledgementStatus.REJECTED),
        ("A7", AcknowledgementStatus.REJECTED),
        ("A8", AcknowledgementStatus.REJECTED),
        ("E1", AcknowledgementStatus.REJECTED),
    ],
)
def test_an_acknowledgement_category_says_accepted_or_rejected(
    category: str, status: AcknowledgementStatus
) -> None:
    ack = _ack(category=category)
    assert ack.status is status
    assert ack.rejected is (status is AcknowledgementStatus.REJECTED)


@pytest.mark.parametrize(("action", "rejected"), [("WQ", False), ("U", True)])
def test_the_action_code_decides_over_the_category(action: str, rejected: bool) -> None:
    assert _ack(category="A7" if not rejected else "A2", action=action).rejected is rejected


@pytest.mark.parametrize(
    ("changes", "error", "words"),
    [
        ({"category": "accepted"}, ValidationError, "claim status category code"),
        ({"category": "a2"}, ValidationError, "claim status category code"),
        ({"action": "OK"}, ValidationError, "'WQ' (accepted) or 'U' (rejected)"),
        ({"claim_id": " "}, ValidationError, "must not be empty"),
        ({"received": datetime.datetime(2024, 3, 6)}, TypeError, "received"),
        ({"status_code": 20}, TypeError, "status_code"),
    ],
)
def test_a_bad_acknowledgement_is_refused_naming_the_field(
    changes: dict[str, object], error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=re.escape(words)):
        _ack(**changes)


def test_an_acknowledgement_round_trips_through_json() -> None:
    ack = _ack(action="WQ", payer_claim_number="PCN-1", entity="85", message="ok")
    assert from_json(to_json(ack)) == ack


class TestDiagnosisCodeSet:
    """ICD-9-CM for services before 2015-10-01, ICD-10-CM from it (HIPAA code set rule)."""

    BEFORE, FIRST = datetime.date(2015, 9, 30), datetime.date(2015, 10, 1)
    ICD9 = ("ICD-9-CM:250.00", "ICD-9-CM:401.9")

    def code_set(self, c):
        return [f for f in validate_claim(c) if f.rule.startswith("claim.diagnoses.code_set")]

    def test_each_code_set_on_its_side_of_the_date_passes(self):
        assert (
            self.code_set(claim(lines=[line(service_date=self.BEFORE)], diagnoses=self.ICD9)) == []
        )
        assert self.code_set(claim(lines=[line(service_date=self.FIRST)])) == []

    def test_icd9_on_or_after_the_date_is_an_error(self):
        c = claim(lines=[line(service_date=self.FIRST)], diagnoses=["ICD-9-CM:250.00", "I10"])
        (finding,) = self.code_set(c)
        assert finding.severity is Severity.ERROR
        assert (finding.location, finding.rule) == (
            "claim 'CLM1'.diagnoses[1]",
            "claim.diagnoses.code_set",
        )
        assert finding.message == (
            "250.00 is an ICD-9-CM code, but services on or after 2015-10-01 (here 2015-10-01)"
            " are coded in ICD-10-CM"
        )
        with pytest.raises(ValidationError, match=r"250\.00 is an ICD-9-CM code"):
            check_claim(c)

    def test_icd10_before_the_date_is_an_error(self):
        c = claim(lines=[line(service_date=self.BEFORE)], diagnoses=["E11.9", "ICD-9-CM:401.9"])
        assert where(self.code_set(c)) == [
            ("claim 'CLM1'.diagnoses[1]", "claim.diagnoses.code_set")
        ]

    def test_services_across_the_date_must_be_split(self):
        lines = [line(service_date=self.BEFORE), line("L2", service_date=self.FIRST)]
        (finding,) = self.code_set(claim(lines=lines))
        assert finding.rule == "claim.diagnoses.code_set_split"
        assert "from 2015-09-30 to 2015-10-01" in finding.message

    def test_an_inpatient_stay_is_coded_by_its_discharge_date(self):
        # admitted 2015-09-28, discharged 2015-10-02: the whole stay is coded in ICD-10-CM
        from billing_core.claims import InstitutionalClaim

        admitted, discharged = datetime.date(2015, 9, 28), datetime.date(2015, 10, 2)
        stay = {
            "lines": [line(service_date=admitted, service_through=discharged)],
            "statement_from": admitted,
            "statement_through": discharged,
        }
        inpatient = InstitutionalClaim(facility_type="11", admitting_diagnosis="R50.9")
        assert self.code_set(claim(institutional=inpatient, **stay)) == []
        old = claim(institutional=inpatient, diagnoses=self.ICD9, **stay)
        assert [f.location for f in self.code_set(old)] == [
            "claim 'CLM1'.diagnoses[1]",
            "claim 'CLM1'.diagnoses[2]",
        ]
        # an outpatient claim (13x) of the same dates spans the date: split it
        outpatient = InstitutionalClaim(facility_type="13")
        (split,) = self.code_set(claim(institutional=outpatient, **stay))
        assert split.rule == "claim.diagnoses.code_set_split"

    def test_the_admitting_diagnosis_is_checked_too(self):
        from billing_core.claims import InstitutionalClaim

        day = self.BEFORE
        inpatient = InstitutionalClaim(facility_type="11", admitting_diagnosis="R50.9")
        c = claim(
            institutional=inpatient,
            diagnoses=self.ICD9,
            lines=[line(service_date=day)],
            statement_from=day,
            statement_through=day,
        )
        assert where(self.code_set(c)) == [
            ("claim 'CLM1'.institutional.admitting_diagnosis", "claim.diagnoses.code_set")
        ]

    @settings(max_examples=60, deadline=None)
    @given(st.dates(datetime.date(2010, 1, 1), datetime.date(2020, 12, 31)), st.booleans())
    def test_the_verdict_follows_the_date(self, day, icd9):
        diagnoses = self.ICD9 if icd9 else ["E11.9", "I10"]
        findings = self.code_set(claim(lines=[line(service_date=day)], diagnoses=diagnoses))
        assert (findings == []) == (icd9 == (day < self.FIRST))
        assert len(findings) in (0, 2)

    def test_icd9_diagnoses_round_trip_through_json(self):
        c = claim(lines=[line(service_date=self.BEFORE)], diagnoses=self.ICD9)
        text = to_json(c)
        assert '"ICD-9-CM:25000"' in text and '"ICD-9-CM:4019"' in text
        again = from_json(text)
        assert again == c
        assert [d.system.value for d in again.diagnoses] == ["ICD-9-CM", "ICD-9-CM"]
