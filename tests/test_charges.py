import datetime
from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings

from billing_core.charges import (
    AttachmentTransmission,
    Category,
    DocumentKind,
    DocumentRef,
    Drug,
    DrugUnit,
    Encounter,
    LineItem,
    PatientAuthorization,
    PriceComponent,
    PriceComponentKind,
    UnitBasis,
    authorization_problem,
    require_patient_authorization,
)
from billing_core.codes import CodeSystem, ProcedureCode, RevenueCode
from billing_core.errors import (
    AuthorizationRequiredError,
    CurrencyMismatchError,
    ValidationError,
)
from billing_core.money import Money
from billing_core.parties import CareRole, CareTeamMember, Patient, Provider
from billing_core.testing.strategies.documents import line_items

DAY = datetime.date(2024, 3, 4)
USD = "USD"
FORM = DocumentRef(kind=DocumentKind.CONSENT_FORM, reference="forms/abn-1")


def line(**kwargs):
    base = {
        "id": "L1",
        "category": Category.PROCEDURE,
        "service_date": DAY,
        "charge": Money("100.00", USD),
        "procedure": ProcedureCode(CodeSystem.CPT, "99213"),
    }
    base.update(kwargs)
    return LineItem(**base)


def auth(**kwargs):
    base = {"id": "A1", "signed_by": "Jane Roe", "signed_on": DAY, "document": FORM}
    base.update(kwargs)
    return PatientAuthorization(**base)


def test_minimal_line_defaults():
    item = line()
    assert item.units == 1
    assert item.unit_basis is UnitBasis.UNITS
    assert item.diagnosis_pointers == ()
    assert item.service_end == DAY
    assert not item.requires_authorization


def test_every_category_and_unit_basis_exists():
    assert {c.value for c in Category} == {
        "procedure",
        "drug",
        "room",
        "supply",
        "travel",
        "fee",
        "other",
    }
    assert {u.value for u in UnitBasis} == {"units", "minutes", "days", "miles"}


def test_period_end_before_start_names_line_and_field():
    with pytest.raises(ValidationError) as info:
        line(service_through=DAY - datetime.timedelta(days=1))
    (finding,) = info.value.findings
    assert finding.location == "line 'L1'.service_through"
    assert "before the service date 2024-03-04" in finding.message


def test_negative_charge_is_refused_for_every_category():
    for category in Category:
        with pytest.raises(ValidationError, match=r"line 'L1'\.charge: must not be negative"):
            line(category=category, charge=Money("-1.00", USD))


def test_zero_charge_is_allowed():
    assert line(charge=Money(0, USD)).charge.minor == 0


@pytest.mark.parametrize(
    "category", [Category.PROCEDURE, Category.DRUG, Category.ROOM, Category.SUPPLY, Category.TRAVEL]
)
def test_zero_units_refused_where_the_category_needs_units(category):
    with pytest.raises(ValidationError, match=r"line 'L1'\.units: must be positive, got 0"):
        line(category=category, units=0)


@pytest.mark.parametrize("category", [Category.FEE, Category.OTHER])
def test_zero_units_allowed_for_flat_fees(category):
    assert line(category=category, units=0).units == 0


def test_negative_units_always_refused():
    with pytest.raises(ValidationError, match="zero or more"):
        line(category=Category.FEE, units=-1)


def test_units_never_float_or_bool():
    with pytest.raises(TypeError, match="never a float"):
        line(units=1.5)
    with pytest.raises(TypeError):
        line(units=True)
    assert line(units=Decimal("12.5"), unit_basis=UnitBasis.MILES).units == Decimal("12.5")


@pytest.mark.parametrize("units", [-1, 0, Decimal("NaN"), Decimal("Infinity")])
def test_bad_units_report_one_rule(units):
    with pytest.raises(ValidationError) as info:
        line(units=units)
    assert [f.rule for f in info.value.findings] == ["line.units"]


@pytest.mark.parametrize("quantity", [-1, 0, Decimal("NaN"), Decimal("Infinity")])
def test_bad_drug_quantities_report_the_drug_rule(quantity):
    with pytest.raises(ValidationError) as info:
        Drug(ndc="0409-4888-02", quantity=quantity, unit=DrugUnit.MILLILITER)
    assert [(f.location, f.rule) for f in info.value.findings] == [
        ("drug.quantity", "drug.quantity")
    ]


def test_service_date_must_be_a_date_not_a_datetime():
    hidden = r"\(value not shown: protected health information\)$"
    with pytest.raises(TypeError, match=r"line 'L1'\.service_date .* got a datetime " + hidden):
        line(service_date=datetime.datetime(2024, 3, 4, 10, 0))
    with pytest.raises(TypeError, match=r"line 'L1'\.service_through .* got a str " + hidden):
        line(service_through="2024-03-05")


@pytest.mark.parametrize("pointers", [(0,), (13,), (1, 1), ("1",)])
def test_bad_pointer_shapes_are_constructor_errors(pointers):
    with pytest.raises(ValidationError, match=r"line 'L1'\.diagnosis_pointers"):
        line(diagnosis_pointers=pointers)


def test_more_than_four_pointers_is_left_to_validate_claim():
    assert line(diagnosis_pointers=[1, 2, 3, 4, 5]).diagnosis_pointers == (1, 2, 3, 4, 5)


def test_lists_become_tuples_and_codes_are_parsed():
    item = line(revenue_code="450", place_of_service="11", diagnosis_pointers=[2, 1])
    assert item.revenue_code == RevenueCode("0450")
    assert item.diagnosis_pointers == (2, 1)
    assert str(item.place_of_service) == "11"


def test_price_component_currency_must_match_the_charge():
    other = PriceComponent(kind=PriceComponentKind.BASE, amount=Money("1.00", "EUR"))
    with pytest.raises(CurrencyMismatchError, match=r"line 'L1'\.price_components\[0\]"):
        line(price_components=[other])


def test_price_component_amount_is_a_magnitude():
    with pytest.raises(ValidationError, match="the kind gives the sign"):
        PriceComponent(kind=PriceComponentKind.DISCOUNT, amount=Money("-1.00", USD))


def test_price_component_signs():
    signs = {k: k.sign for k in PriceComponentKind}
    assert signs == {
        PriceComponentKind.BASE: 1,
        PriceComponentKind.SURCHARGE: 1,
        PriceComponentKind.DISCOUNT: -1,
        PriceComponentKind.DEDUCTION: -1,
        PriceComponentKind.TAX: 0,
        PriceComponentKind.INFORMATIONAL: 0,
    }


def test_authorization_cap_currency_must_match():
    with pytest.raises(CurrencyMismatchError, match="amount_cap"):
        line(authorization=auth(amount_cap=Money("50.00", "EUR")))


def test_drug_line():
    drug = Drug(ndc="0409-4888-02", quantity=Decimal("2.5"), unit=DrugUnit.MILLILITER)
    item = line(category=Category.DRUG, drug=drug, procedure=ProcedureCode("HCPCS", "J1100"))
    assert item.drug is not None
    assert item.drug.ndc.code == "00409488802"
    with pytest.raises(ValidationError, match="drug.quantity"):
        Drug(ndc="0409-4888-02", quantity=0, unit=DrugUnit.MILLILITER)


def test_line_providers_by_role():
    doc = Provider(npi="1234567893", name="Dr. Ada Smith")
    item = line(care_team=[CareTeamMember(provider=doc, role=CareRole.ORDERING)])
    assert item.ordering_provider == doc
    assert item.rendering_provider is None
    with pytest.raises(TypeError, match="care_team"):
        line(care_team=[doc])


def test_document_ref_pwk_rules():
    sent = DocumentRef(
        kind=DocumentKind.LAB_RESULT,
        reference="lab/9",
        report_type="LA",
        transmission=AttachmentTransmission.ELECTRONICALLY,
        control_number="ACN1",
    )
    assert sent.is_attachment
    on_request = DocumentRef(
        kind=DocumentKind.OPERATIVE_NOTE,
        reference="notes/1",
        report_type="OB",
        transmission=AttachmentTransmission.AVAILABLE_ON_REQUEST,
    )
    assert on_request.control_number is None
    with pytest.raises(ValidationError, match="give both or neither"):
        DocumentRef(kind=DocumentKind.LAB_RESULT, reference="lab/9", report_type="LA")
    with pytest.raises(ValidationError, match="PWK01"):
        DocumentRef(
            kind=DocumentKind.LAB_RESULT,
            reference="lab/9",
            report_type="lab",
            transmission=AttachmentTransmission.FAX,
            control_number="ACN1",
        )
    with pytest.raises(ValidationError, match="control_number: required"):
        DocumentRef(
            kind=DocumentKind.LAB_RESULT,
            reference="lab/9",
            report_type="LA",
            transmission=AttachmentTransmission.FAX,
        )
    with pytest.raises(ValidationError, match="reference: must not be empty"):
        DocumentRef(kind=DocumentKind.LAB_RESULT, reference="")


def test_authorization_repr_masks_the_signer():
    a = auth()
    assert "Jane" not in repr(a)
    assert a.signed_by == "Jane Roe"


class TestAuthorizationRules:
    def test_fee_without_authorization(self):
        fee = line(id="F1", category=Category.FEE, procedure=None)
        assert authorization_problem(fee) == "line 'F1' (fee) has no patient authorization on file"
        with pytest.raises(AuthorizationRequiredError, match="'F1'"):
            require_patient_authorization(fee)

    def test_signed_on_the_service_date_is_enough(self):
        fee = line(category=Category.FEE, authorization=auth(signed_on=DAY))
        assert authorization_problem(fee) is None

    def test_signed_after_the_service_date_is_not(self):
        fee = line(category=Category.FEE, authorization=auth(signed_on=DAY + datetime.timedelta(1)))
        assert "after the service date 2024-03-04" in authorization_problem(fee)

    def test_patient_liable_lines_need_it_too(self):
        assert authorization_problem(line(patient_liable=True)) is not None
        assert authorization_problem(line()) is None
        assert authorization_problem(line(), required=True) is not None

    def test_cap_below_charge(self):
        capped = line(category=Category.FEE, authorization=auth(amount_cap=Money("99.99", USD)))
        assert "exceeds the authorized cap 99.99 USD" in authorization_problem(capped)
        enough = attrs.evolve(capped, authorization=auth(amount_cap=Money("100.00", USD)))
        assert authorization_problem(enough) is None

    def test_authorization_for_another_service(self):
        other = auth(service=ProcedureCode(CodeSystem.CPT, "99214"))
        assert "covers 99214" in authorization_problem(
            line(patient_liable=True, authorization=other)
        )
        same = auth(service=ProcedureCode(CodeSystem.CPT, "99213"))
        assert authorization_problem(line(patient_liable=True, authorization=same)) is None


@settings(max_examples=50)
@given(line_items(authorized=True))
def test_generated_lines_are_billable_to_the_patient(item):
    assert authorization_problem(item) is None
    assert item.service_end >= item.service_date


def test_encounter_shape_errors():
    jane = Patient(id="P1", name="Jane Roe")
    with pytest.raises(ValidationError, match="has no line items"):
        Encounter(id="E1", account_id="A1", patient=jane, lines=[])
    with pytest.raises(CurrencyMismatchError, match=r"line 2 \('L2'\)\.charge is in EUR"):
        Encounter(
            id="E1",
            account_id="A1",
            patient=jane,
            lines=[line(), line(id="L2", charge=Money("1.00", "EUR"))],
        )
    with pytest.raises(ValidationError, match="line id 'L1' is used twice"):
        Encounter(id="E1", account_id="A1", patient=jane, lines=[line(), line()])


def test_a_bad_code_names_the_line_and_the_field() -> None:
    import datetime as _dt

    from billing_core.errors import InvalidCodeError

    base = {
        "id": "L7",
        "category": Category.ROOM,
        "service_date": _dt.date(2024, 3, 4),
        "charge": Money("10.00", "USD"),
    }
    with pytest.raises(InvalidCodeError, match=r"^line 'L7'\.revenue_code: .*'ABCDE'"):
        LineItem(**base, revenue_code="ABCDE")
    with pytest.raises(InvalidCodeError, match=r"^line 'L7'\.place_of_service: .*'1'"):
        LineItem(**base, revenue_code="0110", place_of_service="1")


# ------------------------------------------------------------------ per-field validators


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id", 5, r"^line\.id must be a non-empty str, got 5 \(int\)$"),
        ("id", "", r"^line\.id must be a non-empty str"),
        ("category", "procedure", r"^line 'L1'\.category must be a Category, got 'procedure'"),
        ("charge", "100.00", r"^line 'L1'\.charge must be a Money, got '100.00' \(str\)$"),
        ("procedure", "99213", r"^line 'L1'\.procedure must be a ProcedureCode or None"),
        ("drug", "0409-4888-02", r"^line 'L1'\.drug must be a Drug or None"),
        ("unit_basis", "days", r"^line 'L1'\.unit_basis must be a UnitBasis"),
        ("unit_price", 1.5, r"^line 'L1'\.unit_price must be a Decimal or None, got 1\.5"),
        ("authorization", "A1", r"^line 'L1'\.authorization must be a PatientAuthorization"),
        ("patient_liable", 1, r"^line 'L1'\.patient_liable must be a bool, got 1 \(int\)$"),
        ("description", None, r"^line 'L1'\.description must be a str, got None"),
        ("attachments", ["lab/9"], r"^line 'L1'\.attachments\[0\] must be a DocumentRef"),
        ("price_components", [None], r"^line 'L1'\.price_components\[0\] must be a PriceComp"),
    ],
)
def test_each_field_has_its_own_check_naming_the_line_and_the_field(field, value, message):
    with pytest.raises(TypeError, match=message):
        line(**{field: value})


def test_evolve_runs_the_field_checks_again():
    with pytest.raises(TypeError, match=r"line 'L1'\.charge must be a Money"):
        attrs.evolve(line(), charge=None)


def test_a_huge_bad_value_gives_a_short_message():
    with pytest.raises(TypeError) as info:
        line(units="9" * 1_000_000)
    assert len(str(info.value)) < 250
    assert "1000000 characters" in str(info.value)


@pytest.mark.parametrize("field", ["units", "unit_price"])
def test_unbounded_decimals_are_refused_before_any_arithmetic(field):
    with pytest.raises(ValidationError, match=rf"line 'L1'\.{field}: .*at most 28 digits") as info:
        line(**{field: Decimal("1e-100000000")})
    assert [f.rule for f in info.value.findings] == [f"line.{field}"]
    with pytest.raises(ValidationError, match="drug.quantity: .*at most 28 digits"):
        Drug(ndc="0409-4888-02", quantity=Decimal("1e100000000"), unit=DrugUnit.MILLILITER)


def test_negative_units_of_a_category_that_needs_units_say_positive():
    with pytest.raises(ValidationError, match=r"line 'L1'\.units: must be positive, got -1"):
        line(units=-1)


def test_the_authorization_signer_is_never_echoed():
    with pytest.raises(TypeError) as info:
        auth(signed_by=b"Jane Roe")
    assert "Jane" not in str(info.value)
    assert str(info.value).startswith("authorization 'A1'.signed_by must be a str")


# ------------------------------------------------------------------ encounters and birth dates


def test_a_patient_born_after_a_service_date_is_refused_without_showing_the_date():
    born_later = Patient(id="P1", name="Baby Roe", birth_date=DAY + datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as info:
        Encounter(id="E1", account_id="A1", patient=born_later, lines=[line()])
    (finding,) = info.value.findings
    assert finding.location == "encounter 'E1'.patient.birth_date"
    assert finding.rule == "patient.birth_date.after_service"
    assert "L1" in finding.message
    assert "2024-03-05" not in str(info.value) and "2024" not in finding.message


def test_a_patient_born_on_the_service_date_is_fine():
    newborn = Patient(id="P1", name="Baby Roe", birth_date=DAY)
    assert Encounter(id="E1", account_id="A1", patient=newborn, lines=[line()]).patient is newborn


def test_encounter_reference_numbers_and_account_id_are_checked():
    jane = Patient(id="P1", name="Jane Roe")
    with pytest.raises(TypeError, match=r"encounter 'E1'\.referral_number must be a str or None"):
        Encounter(id="E1", account_id="A1", patient=jane, lines=[line()], referral_number=7)
    with pytest.raises(TypeError) as info:
        Encounter(id="E1", account_id=4455667788, patient=jane, lines=[line()])
    assert "4455667788" not in str(info.value)
