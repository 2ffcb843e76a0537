import datetime
from decimal import Decimal

import attrs
import pytest
from hypothesis import assume, given, settings

from billing_core.codes import NPI, TaxonomyCode
from billing_core.errors import (
    BillingError,
    CurrencyMismatchError,
    InvalidAmountError,
    InvalidCodeError,
    ValidationError,
)
from billing_core.money import Money
from billing_core.parties import (
    COINSURANCE_RATE_PLACES,
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


def test_patient_repr_masks_id_name_and_birth_date_but_attributes_return_them():
    p = Patient(id="MRN-000123", name="Jane Roe", birth_date=datetime.date(1980, 5, 17))
    text = repr(p)
    assert "Jane" not in text
    assert "1980" not in text
    assert "MRN-000123" not in text
    # an id keeps its last 4 characters (it has at least 8), the rest is hidden
    assert text == "Patient(id='****0123', name='****', birth_date='****', sex=None, address=None)"
    assert str(p) == text
    assert p.id == "MRN-000123"
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
    assert str(e.value).endswith("got a datetime (value not shown: protected health information)")
    with pytest.raises(
        TypeError,
        match=r"birth_date .* got a str \(value not shown: protected health information\)$",
    ) as e:
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


# ------------------------------------------------------------------ protected values in errors
# Issue 17: an error about a protected field (a name, a birth date, a member, patient or
# account id) names the field and the problem, never the value.

PROTECTED_VALUES = [
    (b"Jane Roe", ["Jane", "Roe"]),
    (["Jane", "Roe"], ["Jane", "Roe"]),
    (123456789, ["123456789"]),
    (19800517, ["19800517", "1980"]),
    ("1980-05-17", ["1980"]),
    (datetime.datetime(1980, 5, 17, 8, 0), ["1980"]),
]


def _party_attempts(value):
    """Constructors given ``value`` for one protected field each, with the field's name."""
    yield "patient.id", lambda: Patient(id=value, name="J")
    yield "patient.name", lambda: Patient(id="P1", name=value)
    yield "patient.birth_date", lambda: Patient(id="P1", name="J", birth_date=value)
    yield "guarantor.id", lambda: Guarantor(id=value, name="J")
    yield "guarantor.name", lambda: Guarantor(id="G1", name=value)
    yield (
        "member_id",
        lambda: Coverage(id="C1", payer=ACME, member_id=value, sequence=CoverageSequence.PRIMARY),
    )


@pytest.mark.parametrize(("value", "shown"), PROTECTED_VALUES, ids=repr)
def test_errors_about_protected_party_fields_never_show_the_value(value, shown):
    for field, attempt in _party_attempts(value):
        if isinstance(value, str) and not field.endswith("birth_date"):
            continue  # a str is a valid name or id
        with pytest.raises(TypeError) as info:
            attempt()
        message = str(info.value)
        assert field in message
        assert not [text for text in shown if text in message], (field, message)


@given(patients())
def test_a_name_given_as_a_list_or_bytes_is_never_echoed(p):
    assume(p.name.strip())  # a blank name is found in any message with a space
    for bad in ([p.name], p.name.encode()):
        with pytest.raises(TypeError, match=r"^patient\.name must be a str") as info:
            Patient(id=p.id, name=bad)
        assert p.name not in str(info.value)
        assert p.id not in str(info.value)  # the patient's id is protected too


def test_a_member_id_of_the_wrong_type_names_the_coverage_and_field_only():
    with pytest.raises(TypeError) as info:
        Coverage(id="C1", payer=ACME, member_id=987654321, sequence=CoverageSequence.PRIMARY)
    assert str(info.value) == (
        "coverage 'C1'.member_id must be a str, "
        "got an int (value not shown: protected health information)"
    )


# ------------------------------------------------------------------ coverage sequence


def test_coverage_sequence_refuses_a_bool_although_true_equals_one():
    assert CoverageSequence(1) is CoverageSequence.PRIMARY
    for flag in (True, False):
        with pytest.raises(ValidationError, match="must be 1, 2 or 3, not a bool") as info:
            CoverageSequence(flag)
        assert isinstance(info.value, BillingError)
    with pytest.raises(ValueError, match="not a valid CoverageSequence"):
        CoverageSequence(4)


def test_a_bad_coverage_sequence_is_a_clear_error_naming_the_coverage():
    with pytest.raises(TypeError, match=r"^coverage 'C1'\.sequence must be a CoverageSequence"):
        Coverage(id="C1", payer=ACME, member_id="M1", sequence=True)  # type: ignore[arg-type]


# ------------------------------------------------------------------ coinsurance rates


@pytest.mark.parametrize(
    "rate",
    [
        Decimal("1e-100000000"),  # issue 17: the exact value takes unbounded time
        Decimal("1e100000000"),
        Decimal("0e999999999"),
        Decimal("0." + "1" * 40),
    ],
    ids=str,
)
def test_absurd_rates_are_refused_before_any_arithmetic(rate):
    with pytest.raises(InvalidAmountError, match="at most 28 digits") as info:
        PlanBenefits(coinsurance_rate=rate)
    assert len(str(info.value)) < 250


def test_rates_have_at_most_six_decimal_places_trailing_zeros_aside():
    assert COINSURANCE_RATE_PLACES == 6
    assert PlanBenefits(coinsurance_rate=Decimal("0.123456")).coinsurance_rate == Decimal(
        "0.123456"
    )
    assert PlanBenefits(coinsurance_rate=Decimal("0.2000000000")).coinsurance_rate == Decimal("0.2")
    assert PlanBenefits(coinsurance_rate=Decimal("1")).coinsurance_rate == 1
    with pytest.raises(InvalidAmountError, match="at most 6 decimal places"):
        PlanBenefits(coinsurance_rate=Decimal("0.1234567"))
    with pytest.raises(InvalidAmountError, match="between 0 and 1"):
        PlanBenefits(coinsurance_rate=Decimal("-0.1"))
    with pytest.raises(InvalidAmountError, match="finite"):
        PlanBenefits(coinsurance_rate=Decimal("NaN"))
    with pytest.raises(TypeError, match="coinsurance_rate"):
        PlanBenefits(coinsurance_rate=True)  # type: ignore[arg-type]
