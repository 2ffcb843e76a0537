import datetime
from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings

from billing_core.codes import NPI, TaxonomyCode
from billing_core.errors import (
    CurrencyMismatchError,
    InvalidAmountError,
    InvalidCodeError,
    ValidationError,
)
from billing_core.money import Money
from billing_core.parties import (
    CareRole,
    CareTeamMember,
    Coverage,
    CoverageSequence,
    Guarantor,
    Patient,
    Payer,
    PlanBenefits,
    Provider,
    ProviderKind,
    Relationship,
)
from billing_core.testing.strategies.documents import claims
from billing_core.testing.strategies.parties import coverages, guarantors, patients

ACME = Payer(id="acme", name="Acme Health", payer_id="87726")


def test_patient_repr_masks_name_and_birth_date_but_attributes_return_them():
    p = Patient(id="P1", name="Jane Roe", birth_date=datetime.date(1980, 5, 17))
    text = repr(p)
    assert "Jane" not in text
    assert "1980" not in text
    assert text == "Patient(id='P1', name='****', birth_date='****')"
    assert str(p) == text
    assert p.name == "Jane Roe"
    assert p.birth_date == datetime.date(1980, 5, 17)


def test_guarantor_repr_masks_name():
    g = Guarantor(id="G1", name="John Roe", relationship=Relationship.CHILD)
    assert "John" not in repr(g)
    assert g.name == "John Roe"


def test_coverage_repr_masks_member_id_keeping_last_four_of_long_ids():
    cov = Coverage(id="C1", payer=ACME, member_id="XYZ123456789", sequence=CoverageSequence.PRIMARY)
    assert "XYZ12345" not in repr(cov)
    assert "member_id='****6789'" in repr(cov)
    assert cov.member_id == "XYZ123456789"
    short = attrs.evolve(cov, member_id="AB12")
    assert "AB12" not in repr(short)


def test_member_id_repr_keeps_only_the_last_four_of_long_ids():
    cov = Coverage(id="C1", payer=ACME, member_id="XYZ123456789", sequence=CoverageSequence.PRIMARY)
    assert "member_id='****5678'" in repr(attrs.evolve(cov, member_id="12345678"))
    assert "member_id='****'" in repr(attrs.evolve(cov, member_id="1234567"))


@given(patients())
def test_generated_patient_repr_never_shows_the_name(p):
    assert f"name={p.name!r}" not in repr(p)
    if p.birth_date is not None:
        assert p.birth_date.isoformat() not in repr(p)
        assert repr(p.birth_date) not in repr(p)


@given(guarantors())
def test_generated_guarantor_repr_never_shows_the_name(g):
    assert f"name={g.name!r}" not in repr(g)


@given(coverages())
def test_generated_coverage_repr_never_shows_the_full_member_id(cov):
    assert f"member_id={cov.member_id!r}" not in repr(cov)


@settings(max_examples=25)
@given(claims(max_lines=3))
def test_claim_repr_never_shows_the_member_id(claim):
    member_id = claim.coverage.member_id
    assert f"member_id={member_id!r}" not in repr(claim)
    assert "member_id='***" in repr(claim)


def test_empty_ids_and_names_of_wrong_type_are_refused():
    with pytest.raises(ValidationError, match="id: must not be empty"):
        Patient(id=" ", name="Jane")
    with pytest.raises(TypeError):
        Patient(id="P1", name=42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Patient(id="P1", name="J", birth_date="1980-01-01")  # type: ignore[arg-type]


def test_coverage_end_before_start_is_an_error_naming_the_field():
    with pytest.raises(ValidationError, match=r"coverage 'C1'\.end: 2023-12-31 is before start"):
        Coverage(
            id="C1",
            payer=ACME,
            member_id="M1",
            sequence=CoverageSequence.PRIMARY,
            start=datetime.date(2024, 1, 1),
            end=datetime.date(2023, 12, 31),
        )


def test_dates_refuse_a_datetime_without_echoing_it():
    # The patient's id is a protected identifier too: the message names the field only.
    with pytest.raises(TypeError, match=r"^patient\.birth_date must be a datetime\.date") as e:
        Patient(id="MRN-0042", name="J", birth_date=datetime.datetime(1980, 5, 17, 8, 0))
    assert "1980" not in str(e.value)  # a birth date is a patient identifier
    assert "MRN-0042" not in str(e.value)
    assert str(e.value).endswith("got a datetime")
    with pytest.raises(TypeError, match=r"birth_date .* got a str$") as e:
        Patient(id="P1", name="J", birth_date="1980-05-17")  # type: ignore[arg-type]
    assert "1980" not in str(e.value)
    with pytest.raises(TypeError, match=r"coverage 'C1'\.start"):
        Coverage(
            id="C1",
            payer=ACME,
            member_id="M1",
            sequence=CoverageSequence.PRIMARY,
            start=datetime.datetime(2024, 1, 1, 0, 0),
        )


def test_coverage_is_active_inclusive_bounds():
    cov = Coverage(
        id="C1",
        payer=ACME,
        member_id="M1",
        sequence=CoverageSequence.PRIMARY,
        start=datetime.date(2024, 1, 1),
        end=datetime.date(2024, 12, 31),
    )
    assert cov.is_active(datetime.date(2024, 1, 1))
    assert cov.is_active(datetime.date(2024, 12, 31))
    assert not cov.is_active(datetime.date(2023, 12, 31))
    assert not cov.is_active(datetime.date(2025, 1, 1))


def test_coverage_sequence_must_be_the_enum():
    with pytest.raises(TypeError):
        Coverage(id="C1", payer=ACME, member_id="M1", sequence=1)  # type: ignore[arg-type]


def test_plan_benefits_checks():
    usd = Money("500.00", "USD")
    b = PlanBenefits(deductible=usd, copay=Money("25.00", "USD"), coinsurance_rate=Decimal("0.2"))
    assert b.currency == "USD"
    assert PlanBenefits().currency is None
    with pytest.raises(CurrencyMismatchError):
        PlanBenefits(deductible=usd, copay=Money("25.00", "EUR"))
    with pytest.raises(InvalidAmountError, match="copay must not be negative"):
        PlanBenefits(copay=Money("-1.00", "USD"))
    with pytest.raises(TypeError, match="coinsurance_rate"):
        PlanBenefits(coinsurance_rate=0.2)  # type: ignore[arg-type]
    with pytest.raises(InvalidAmountError, match="between 0 and 1"):
        PlanBenefits(coinsurance_rate=Decimal("1.5"))


def test_provider_validates_the_npi_check_digit():
    doc = Provider(npi="1234567893", name="Dr. Ada Smith", taxonomy="207q00000x")
    assert doc.npi == NPI("1234567893")
    assert doc.taxonomy == TaxonomyCode("207Q00000X")
    assert doc.kind is ProviderKind.PERSON
    with pytest.raises(InvalidCodeError, match="wrong check digit 0, expected 3"):
        Provider(npi="1234567890", name="Dr. Bad")


def test_care_team_member_roles():
    pt = Provider(npi="1234567893", name="Sam Lee")
    member = CareTeamMember(provider=pt, role=CareRole.OTHER, description="physical therapist")
    assert member.description == "physical therapist"
    with pytest.raises(TypeError):
        CareTeamMember(provider=pt, role="rendering")  # type: ignore[arg-type]
    assert {r.value for r in CareRole} >= {
        "billing",
        "rendering",
        "referring",
        "supervising",
        "ordering",
        "attending",
        "operating",
        "other",
    }
