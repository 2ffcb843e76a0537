import datetime

import pytest
from hypothesis import given, settings

from billing_core.charges import (
    Category,
    DocumentKind,
    DocumentRef,
    Encounter,
    LineItem,
    PatientAuthorization,
)
from billing_core.claims import validate_claim
from billing_core.codes import CodeSystem, ProcedureCode
from billing_core.errors import AuthorizationRequiredError, ValidationError
from billing_core.money import Money
from billing_core.parties import Coverage, CoverageSequence, Guarantor, Patient, Payer
from billing_core.routing import active_coverages, route, split_categories
from billing_core.testing.strategies.documents import encounters
from billing_core.testing.strategies.parties import coverages

DAY = datetime.date(2024, 3, 4)
JANE = Patient(id="P1", name="Jane Roe")
ACME = Payer(id="acme", name="Acme Health")
FORM = DocumentRef(kind=DocumentKind.CONSENT_FORM, reference="forms/1")
AUTH = PatientAuthorization(id="A1", signed_by="Jane Roe", signed_on=DAY, document=FORM)


def cov(cov_id, sequence, **kwargs):
    return Coverage(id=cov_id, payer=ACME, member_id="M" + cov_id, sequence=sequence, **kwargs)


def line(line_id, category=Category.PROCEDURE, **kwargs):
    return LineItem(
        id=line_id,
        category=category,
        service_date=DAY,
        charge=Money("50.00", "USD"),
        procedure=kwargs.pop("procedure", ProcedureCode(CodeSystem.CPT, "99213")),
        diagnosis_pointers=(1,),
        **kwargs,
    )


def encounter(lines, guarantor=None):
    return Encounter(
        id="E1",
        account_id="ACC1",
        patient=JANE,
        guarantor=guarantor,
        lines=lines,
        diagnoses=["E11.9"],
        referral_number="R1",
    )


def go(enc, coverages, **kwargs):
    return route(enc, coverages, claim_id="CLM1", bill_id="B1", claim_date=DAY, **kwargs)


def test_no_coverage_gives_a_self_pay_bill_with_every_line():
    r = go(encounter([line("L1"), line("T1", Category.TRAVEL)]), [])
    assert r.claim is None
    assert r.coverage is None
    assert r.patient_bill is not None
    assert [x.id for x in r.patient_bill.lines] == ["L1", "T1"]
    assert r.patient_bill.bill_to is JANE
    assert r.patient_bill.account_id == "ACC1"


def test_self_pay_goes_to_the_guarantor_when_there_is_one():
    john = Guarantor(id="G1", name="John Roe")
    r = go(encounter([line("L1")], guarantor=john), [])
    assert r.patient_bill.bill_to is john


def test_self_pay_fee_without_authorization_is_refused():
    with pytest.raises(AuthorizationRequiredError, match="'F1'"):
        go(encounter([line("F1", Category.FEE)]), [])


def test_primary_coverage_gets_the_claim():
    secondary = cov("S", CoverageSequence.SECONDARY)
    primary = cov("P", CoverageSequence.PRIMARY)
    r = go(encounter([line("L1")]), [secondary, primary])
    assert r.coverage is primary
    assert r.claim.coverage is primary
    assert r.claim.referral_number == "R1"
    assert r.claim.patient_id == "P1"
    assert r.patient_bill is None
    assert validate_claim(r.claim) == ()


def test_inactive_coverage_is_skipped():
    ended = cov("P", CoverageSequence.PRIMARY, end=DAY - datetime.timedelta(days=1))
    r = go(encounter([line("L1")]), [ended])
    assert r.claim is None
    assert r.patient_bill is not None


def test_secondary_alone_is_billed_first():
    r = go(encounter([line("L1")]), [cov("S", CoverageSequence.SECONDARY)])
    assert r.claim.coverage.id == "S"


def test_two_primaries_are_an_error():
    with pytest.raises(ValidationError, match="both primary"):
        go(
            encounter([line("L1")]),
            [cov("A", CoverageSequence.PRIMARY), cov("B", CoverageSequence.PRIMARY)],
        )


def test_split_lines_need_authorization():
    enc = encounter([line("L1"), line("T1", Category.TRAVEL)])
    with pytest.raises(AuthorizationRequiredError, match="line 'T1' \\(travel\\)"):
        go(enc, [cov("P", CoverageSequence.PRIMARY)], to_patient=split_categories(Category.TRAVEL))


def test_split_authorized_lines_to_the_patient_bill():
    enc = encounter(
        [
            line("L1"),
            line("T1", Category.TRAVEL, authorization=AUTH),
            line("F1", Category.FEE, procedure=None, authorization=AUTH),
        ]
    )
    r = go(
        enc,
        [cov("P", CoverageSequence.PRIMARY)],
        to_patient=split_categories(Category.TRAVEL, Category.FEE),
    )
    assert [x.id for x in r.claim.lines] == ["L1"]
    assert [x.id for x in r.patient_bill.lines] == ["T1", "F1"]
    assert r.claim.total_charge == Money("50.00", "USD")


def test_everything_split_gives_no_claim():
    enc = encounter([line("T1", Category.TRAVEL, authorization=AUTH)])
    r = go(enc, [cov("P", CoverageSequence.PRIMARY)], to_patient=lambda x, c: True)
    assert r.claim is None
    assert r.coverage is not None


def test_active_coverages_order():
    t = cov("T", CoverageSequence.TERTIARY)
    p = cov("P", CoverageSequence.PRIMARY)
    assert active_coverages([t, p], DAY) == (p, t)


def test_split_categories_rejects_non_categories():
    with pytest.raises(TypeError):
        split_categories("travel")  # type: ignore[arg-type]


@settings(max_examples=40)
@given(encounters(max_lines=4), coverages(CoverageSequence.PRIMARY))
def test_routing_keeps_every_line_exactly_once(enc, coverage):
    r = route(
        enc,
        [coverage],
        claim_id="C",
        bill_id="B",
        claim_date=DAY,
        to_patient=lambda line, c: line.requires_authorization,
    )
    claimed = [x.id for x in r.claim.lines] if r.claim else []
    billed = [x.id for x in r.patient_bill.lines] if r.patient_bill else []
    assert sorted(claimed + billed) == sorted(x.id for x in enc.lines)
    assert sorted(billed) == sorted(x.id for x in enc.lines if x.requires_authorization)
