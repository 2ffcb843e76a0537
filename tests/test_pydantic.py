"""pydantic and FastAPI: the library's types as field types, its JSON, its schema, its errors."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from typing import Annotated, Any

import pydantic
import pytest
from fastapi import Body, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from billing_core._examples import example_claim
from billing_core.bills import Bill, BillStatus
from billing_core.charges import Category, LineItem
from billing_core.claims import Claim
from billing_core.codes import NPI, DiagnosisCode
from billing_core.money import Money
from billing_core.parties import Patient
from billing_core.pydantic import ERROR_TYPE, error_details, install, installed_types
from billing_core.remittance import Remittance
from billing_core.serialization import (
    converter,
    json_schema,
    register_type,
    registered_types,
    to_dict,
)
from billing_core.testing.strategies import moneys
from billing_core.testing.strategies.documents import bills, claims, line_items
from billing_core.testing.strategies.ledger import ledger_entries
from billing_core.testing.strategies.remittance import balanced_remittances

USD = "USD"


def _bill() -> Bill:
    line = LineItem(
        id="L1",
        category=Category.SUPPLY,
        service_date=datetime.date(2024, 3, 4),
        charge=Money("9.00", USD),
    )
    return Bill(
        id="B1",
        account_id="A1",
        patient_id="P1",
        bill_to=Patient(id="P1", name="Jane Roe"),
        currency=USD,
        lines=[line],
        status=BillStatus.ISSUED,
        issued_on=datetime.date(2024, 3, 5),
        due_on=datetime.date(2024, 4, 4),
    )


class Invoice(pydantic.BaseModel):
    total: Money
    bill: Bill
    claim: Claim
    note: str = ""


def _invoice() -> Invoice:
    return Invoice(total=Money("134.00", USD), bill=_bill(), claim=example_claim())


def _without_dialect(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k != "$schema"}


# --------------------------------------------------------------------------- no import


def test_importing_the_library_never_imports_pydantic() -> None:
    code = (
        "import sys, importlib, pkgutil, billing_core\n"
        "import billing_core.serialization, billing_core.testing.strategies\n"
        "for m in pkgutil.walk_packages(billing_core.__path__, 'billing_core.'):\n"
        "    if m.name.split('.')[1] not in ('pydantic', 'testing'):\n"
        "        importlib.import_module(m.name)\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] in ('pydantic', 'pydantic_core')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# --------------------------------------------------------------------------- models


def test_a_model_with_money_bill_and_claim_fields_round_trips() -> None:
    invoice = _invoice()
    text = invoice.model_dump_json()
    assert Invoice.model_validate_json(text) == invoice
    assert Invoice.model_validate(json.loads(text)) == invoice


def test_serialization_is_the_library_json_form() -> None:
    invoice = _invoice()
    data = invoice.model_dump(mode="json")
    assert data["total"] == {"amount": "134.00", "currency": "USD"}
    assert data["bill"] == to_dict(invoice.bill)
    assert data["claim"] == to_dict(invoice.claim)
    assert data["bill"]["schema_version"] == 1 and data["bill"]["type"] == "bill"
    # In Python mode the objects stay objects, as pydantic keeps a datetime.
    assert invoice.model_dump()["bill"] is invoice.bill


def test_validation_goes_through_the_library_constructors() -> None:
    data = _invoice().model_dump(mode="json")
    data["bill"]["due_on"] = "2024-03-01"  # before the issue date: only the constructor knows
    data["total"] = {"amount": "1.001", "currency": "USD"}
    with pytest.raises(pydantic.ValidationError) as caught:
        Invoice.model_validate(data)
    errors = {e["loc"][0]: e for e in caught.value.errors()}
    assert errors["bill"]["type"] == ERROR_TYPE
    assert (
        errors["bill"]["msg"]
        == "$: bill 'B1'.due_on: 2024-03-01 is before the issue date 2024-03-05"
    )
    assert errors["total"]["msg"].startswith("$.amount: amount 1.001 is finer than the minor unit")


def test_every_problem_is_reported_with_its_path() -> None:
    data = to_dict(example_claim())
    data["lines"][0]["charge"] = {"amount": 125}
    data["colour"] = "red"
    with pytest.raises(pydantic.ValidationError) as caught:
        pydantic.TypeAdapter(Claim).validate_python(data)
    (error,) = caught.value.errors()
    locations = sorted(f["location"] for f in error["ctx"]["findings"])
    assert locations == ["$.colour", "$.lines[0].charge.amount", "$.lines[0].charge.currency"]


def test_a_value_type_refuses_a_schema_version_and_floats() -> None:
    adapter = pydantic.TypeAdapter(Money)
    with pytest.raises(pydantic.ValidationError, match=r"\$\.schema_version: unknown field"):
        adapter.validate_python({"amount": "1.00", "currency": "USD", "schema_version": 1})
    with pytest.raises(pydantic.ValidationError, match="must be a string such as '12.50'"):
        adapter.validate_json('{"amount": 1.5, "currency": "USD"}')
    assert adapter.validate_python(Money("2", USD)) == Money("2.00", USD)


def test_code_types_are_their_text() -> None:
    class Line(pydantic.BaseModel):
        npi: NPI
        diagnosis: DiagnosisCode

    line = Line.model_validate({"npi": "1234567893", "diagnosis": "e11.9"})
    assert line.npi == NPI("1234567893") and line.diagnosis == DiagnosisCode("E119")
    assert line.model_dump(mode="json") == {"npi": "1234567893", "diagnosis": "E119"}
    with pytest.raises(pydantic.ValidationError, match="wrong check digit 0, expected 3"):
        Line.model_validate({"npi": "1234567890", "diagnosis": "E11.9"})
    assert Line.model_json_schema()["properties"]["npi"]["type"] == "string"


@given(
    st.one_of(bills(), claims(), line_items(), balanced_remittances(), ledger_entries(), moneys())
)
def test_every_value_round_trips_through_pydantic(value: Any) -> None:
    adapter: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(type(value))
    text = adapter.dump_json(value)
    assert adapter.validate_json(text) == value
    library_form = converter.unstructure(value) if type(value) is Money else to_dict(value)
    assert json.loads(text) == library_form


# --------------------------------------------------------------------------- schema


@pytest.mark.parametrize("cls", [Money, *registered_types().values()], ids=lambda c: c.__name__)
def test_the_pydantic_schema_equals_ours(cls: type[Any]) -> None:
    assert pydantic.TypeAdapter(cls).json_schema() == _without_dialect(json_schema(cls))
    assert pydantic.TypeAdapter(cls).json_schema(mode="serialization") == _without_dialect(
        json_schema(cls)
    )


def test_a_model_schema_refers_to_the_library_definitions() -> None:
    schema = Invoice.model_json_schema()
    assert schema["properties"]["total"] == {"$ref": "#/$defs/Money"}
    ours = json_schema(Claim)
    assert schema["$defs"]["Claim"] == {k: ours[k] for k in ours if k not in ("$schema", "$defs")}
    for name, definition in ours["$defs"].items():
        assert schema["$defs"][name] == definition


def test_install_makes_a_registered_class_of_yours_a_pydantic_type() -> None:
    import attrs

    @attrs.frozen(kw_only=True)
    class Voucher:
        """A voucher."""

        code: str
        value: Money

    register_type(Voucher, "test_pydantic_voucher")
    install()
    assert Voucher in installed_types()
    adapter = pydantic.TypeAdapter(Voucher)
    voucher = adapter.validate_python({"code": "V1", "value": {"amount": "5", "currency": "EUR"}})
    assert voucher == Voucher(code="V1", value=Money("5.00", "EUR"))
    assert json.loads(adapter.dump_json(voucher))["type"] == "test_pydantic_voucher"


def test_error_details_keep_the_message_and_drop_the_input() -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        pydantic.TypeAdapter(Patient).validate_python(
            {"id": "P1", "name": "Jane Roe", "birth_date": "1980-13-01"}
        )
    details = error_details(caught.value)
    assert details == [
        {
            "type": "billing_core",
            "loc": [],
            "msg": "$.birth_date: is not an ISO 8601 date (YYYY-MM-DD): a str (value not shown: "
            "protected health information)",
            "findings": [
                {
                    "location": "$.birth_date",
                    "message": "is not an ISO 8601 date (YYYY-MM-DD): a str (value not shown: "
                    "protected health information)",
                }
            ],
        }
    ]
    assert "Jane" not in json.dumps(details) and "1980-13-01" not in json.dumps(details)


# --------------------------------------------------------------------------- FastAPI


def _app() -> FastAPI:
    app = FastAPI()
    claims_seen: dict[str, Claim] = {}

    @app.post("/claims", response_model=Claim)
    def submit(claim: Annotated[Claim, Body()]) -> Claim:
        claims_seen[claim.id] = claim
        return claim

    @app.get("/bills/{bill_id}", response_model=Bill)
    def bill(bill_id: str) -> Bill:
        return _bill()

    @app.get("/remittances/{trace}", response_model=Remittance)
    def remittance(trace: str) -> Remittance:
        return Remittance(
            payer="acme",
            payee="clinic",
            total_payment=Money("0.00", USD),
            payment_method="NON",
            trace_number=trace,
            paid_date=datetime.date(2024, 4, 1),
        )

    @app.exception_handler(RequestValidationError)
    async def refused(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": error_details(exc.errors())})

    return app


def test_fastapi_returns_the_library_json() -> None:
    client = TestClient(_app())
    claim = example_claim()
    answer = client.post("/claims", json=to_dict(claim))
    assert answer.status_code == 200
    assert answer.json() == to_dict(claim)
    assert client.get("/bills/B1").json() == to_dict(_bill())
    assert client.get("/remittances/T1").json()["total_payment"] == {
        "amount": "0.00",
        "currency": "USD",
    }


def test_fastapi_openapi_shows_the_library_schema() -> None:
    document = TestClient(_app()).get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    ours = json_schema(Claim)

    def to_components(value: Any) -> Any:
        text = json.dumps({k: value[k] for k in value if k not in ("$schema", "$defs")})
        return json.loads(text.replace('"#/$defs/', '"#/components/schemas/'))

    assert schemas["Claim"] == to_components(ours)
    for name, definition in ours["$defs"].items():
        assert schemas[name] == to_components(definition)
    body = document["paths"]["/claims"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/Claim"}


def test_fastapi_answers_a_bad_body_with_a_422_carrying_the_library_message() -> None:
    data = to_dict(example_claim())
    data["total_charge"] = {"amount": "130.001", "currency": "USD"}
    answer = TestClient(_app()).post("/claims", json=data)
    assert answer.status_code == 422
    (detail,) = answer.json()["detail"]
    assert detail["type"] == "billing_core"
    assert detail["loc"] == ["body"]
    assert detail["findings"] == [
        {
            "location": "$.total_charge.amount",
            "message": "amount 130.001 is finer than the minor unit of USD (2 decimal places);"
            " round it explicitly with Money.rounded(..., rounding=RoundingMode...)",
        }
    ]
    assert "XYZ123456789" not in answer.text  # the member id in the body is not echoed
