"""The stable dict/JSON form: round-trips, the documented shape, and errors with paths."""

from __future__ import annotations

import base64
import datetime
import json
import pickle
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing_core.balances import line_balances
from billing_core.bills import Bill
from billing_core.charges import Category, LineItem
from billing_core.codes import CodeSystem, GroupCode, ProcedureCode
from billing_core.errors import DuplicateError, NotFoundError, ValidationError
from billing_core.ledger import Adjustment, Bucket, ChargePosted, Party, PaymentReceived
from billing_core.money import Money
from billing_core.parties import Payer
from billing_core.remittance import (
    CasAdjustment,
    ClaimPayment,
    ProviderAdjustment,
    Remittance,
    ServicePayment,
)
from billing_core.serialization import (
    SCHEMA_VERSION,
    converter,
    from_dict,
    from_json,
    register_type,
    registered_types,
    tag_of,
    to_dict,
    to_json,
)
from billing_core.testing.conformance import every_entry_type
from billing_core.testing.strategies import moneys, procedure_codes
from billing_core.testing.strategies.documents import bills, claims, encounters, line_items
from billing_core.testing.strategies.ledger import ledger_entries
from billing_core.testing.strategies.remittance import balanced_remittances

DAY = datetime.date(2024, 3, 1)


def _round_trips(obj: Any) -> None:
    assert from_dict(to_dict(obj)) == obj
    assert from_dict(to_dict(obj), type(obj)) == obj
    text = to_json(obj)
    assert from_json(text) == obj
    assert to_json(from_json(text)) == text  # stable text
    assert json.loads(text)["schema_version"] == SCHEMA_VERSION
    assert pickle.loads(pickle.dumps(obj)) == obj


@settings(max_examples=60, deadline=None)
@given(ledger_entries())
def test_every_entry_round_trips(entry: Any) -> None:
    _round_trips(entry)


@settings(max_examples=25, deadline=None)
@given(st.one_of(bills(), claims(), encounters(), line_items()))
def test_every_document_round_trips(document: Any) -> None:
    _round_trips(document)


@settings(max_examples=25, deadline=None)
@given(balanced_remittances())
def test_every_remittance_round_trips(remittance: Any) -> None:
    _round_trips(remittance)


@given(moneys())
def test_money_is_amount_string_and_currency(m: Money) -> None:
    data = converter.unstructure(m)
    assert set(data) == {"amount", "currency"}
    assert isinstance(data["amount"], str)
    assert Decimal(data["amount"]) == m.amount
    assert converter.structure(data, Money) == m
    assert pickle.loads(pickle.dumps(m)) == m


@given(procedure_codes())
def test_procedure_codes_keep_their_modifiers(code: ProcedureCode) -> None:
    assert converter.structure(converter.unstructure(code), ProcedureCode) == code


def test_known_shape_of_an_entry() -> None:
    entry = ChargePosted(
        id="c1",
        account_id="A1",
        line_id="L1",
        effective=DAY,
        amount=Money("80.5", "USD"),
        bucket=Bucket.PRIMARY,
    )
    assert to_dict(entry) == {
        "type": "charge_posted",
        "schema_version": 1,
        "id": "c1",
        "account_id": "A1",
        "line_id": "L1",
        "effective": "2024-03-01",
        "amount": {"amount": "80.50", "currency": "USD"},
        "source": {"payment_id": None, "remittance_id": None, "reason": None},
        "bucket": "primary",
    }
    assert to_json(entry).startswith('{"account_id":"A1","amount":{"amount":"80.50"')


def test_scalar_forms() -> None:
    assert converter.unstructure(Money("-0.05", "USD"))["amount"] == "-0.05"
    assert converter.unstructure(Money(1200, "JPY"))["amount"] == "1200"
    assert converter.unstructure(Money("1.5", "BHD"))["amount"] == "1.500"
    assert converter.unstructure(Decimal("0.20")) == "0.20"
    assert converter.unstructure(Fraction(1, 3)) == "1/3"
    assert converter.structure("1/3", Fraction) == Fraction(1, 3)
    assert converter.unstructure(ProcedureCode(CodeSystem.CPT, "99213", ["25", "59"])) == {
        "system": "CPT",
        "code": "99213",
        "modifiers": ["25", "59"],
    }
    dt = datetime.datetime(2024, 3, 1, 12, 30)
    assert converter.structure(converter.unstructure(dt), datetime.datetime) == dt


def test_every_entry_type_is_tagged() -> None:
    for entry in every_entry_type("A1"):
        assert to_dict(entry)["type"] == tag_of(type(entry))
        _round_trips(entry)


def _findings(data: Any, cls: Any = None) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        from_dict(data, cls)
    return {f.location: f.message for f in info.value.findings}


def test_every_problem_is_reported_with_its_path() -> None:
    data = to_dict(
        PaymentReceived(
            id="p1",
            account_id="A1",
            effective=DAY,
            amount=Money("5", "USD"),
            party=Party.payer("X"),
        )
    )
    data["amount"] = {"amount": 5}
    data["effective"] = "2024-13-01"
    data["party"]["kind"] = "insurer"
    data["id"] = 7
    data["colour"] = "red"
    found = _findings(data)
    assert set(found) == {
        "$.amount.amount",
        "$.amount.currency",
        "$.effective",
        "$.party.kind",
        "$.id",
        "$.colour",
    }
    assert "string" in found["$.amount.amount"]
    assert found["$.amount.currency"] == "required field missing"
    assert found["$.colour"] == "unknown field"


def test_nested_paths_in_documents() -> None:
    lines = [
        LineItem(
            id=f"L{i}",
            category=Category.PROCEDURE,
            service_date=DAY,
            charge=Money("10.00", "USD"),
            procedure=ProcedureCode("CPT", "99213"),
        )
        for i in range(3)
    ]
    bill = Bill(
        id="B1",
        account_id="A1",
        patient_id="P1",
        bill_to=Payer(id="AETNA", name="Aetna"),
        currency="USD",
        lines=lines,
    )
    data = to_dict(bill)
    del data["lines"][2]["charge"]["currency"]
    data["lines"][0]["charge"]["amount"] = "1.001"
    found = _findings(data)
    assert "$.lines[2].charge.currency" in found
    assert "finer" in found["$.lines[0].charge.amount"]


def test_bad_input_is_refused() -> None:
    good = to_dict(every_entry_type("A1")[0])
    unknown_tag = _findings({**good, "type": "nope"})
    assert set(unknown_tag) == {"$.type"} and "nope" in unknown_tag["$.type"]
    assert "$.type" in _findings({k: v for k, v in good.items() if k != "type"})
    assert "$.schema_version" in _findings({**good, "schema_version": 2})
    assert "$.type" in _findings(good, PaymentReceived)
    assert "$" in _findings([], None)
    with pytest.raises(ValidationError, match="not valid JSON"):
        from_json("{")
    amount = {**good, "amount": {"amount": 1.5, "currency": "USD"}}
    assert "$.amount.amount" in _findings(amount)
    currency = {**good, "amount": {"amount": "1.50", "currency": "XXQ"}}
    assert "$.amount.currency" in _findings(currency)
    lst = {**good, "line_id": ["L1"]}
    assert "$.line_id" in _findings(lst)


def test_to_dict_refuses_unregistered_objects() -> None:
    with pytest.raises(TypeError, match="register_type"):
        to_dict(Money("1", "USD"))


def test_register_type_refuses_clashes() -> None:
    @attrs.frozen
    class Other:
        id: str

    with pytest.raises(DuplicateError):
        register_type(Other, "charge_posted")
    with pytest.raises(DuplicateError):
        register_type(ChargePosted, "another_tag")
    with pytest.raises(TypeError):
        register_type(int, "int")
    with pytest.raises(NotFoundError):
        tag_of(Other)
    assert registered_types()["charge_posted"] is ChargePosted


def test_stable_golden_form() -> None:
    """A form written by this release must load in later ones."""
    text = (
        '{"account_id":"A1","amount":{"amount":"80.00","currency":"USD"},"bucket":"patient",'
        '"effective":"2024-03-01","id":"c1","line_id":"L1","schema_version":1,'
        '"source":{"payment_id":null,"reason":null,"remittance_id":null},"type":"charge_posted"}'
    )
    entry = from_json(text)
    assert entry == ChargePosted(
        id="c1",
        account_id="A1",
        line_id="L1",
        effective=DAY,
        amount=Money("80", "USD"),
        bucket=Bucket.PATIENT,
    )
    assert to_json(entry) == text


# A pickle written by release 0.1 (protocol 4): later releases must load it to equal objects
# whose balances fold the same way (pickles sit in caches and task queues across upgrades).
PINNED_PICKLE = (
    "gASVVQUAAAAAAACME2JpbGxpbmdfY29yZS5sZWRnZXKUjAxDaGFyZ2VQb3N0ZWSUk5QpgZR9lCiMAmlklIwC"
    "YzGUjAphY2NvdW50X2lklIwCQTGUjAdsaW5lX2lklIwCTDGUjAllZmZlY3RpdmWUjAhkYXRldGltZZSMBGRh"
    "dGWUk5RDBAfoAwGUhZRSlIwGYW1vdW50lIwSYmlsbGluZ19jb3JlLm1vbmV5lIwJX3VucGlja2xllJOUTUAf"
    "jANVU0SUhpRSlIwGc291cmNllGgAjAZTb3VyY2WUk5QpgZR9lCiMCnBheW1lbnRfaWSUTowNcmVtaXR0YW5j"
    "ZV9pZJROjAZyZWFzb26UTnVijARfa2V5lIwYY2hhcmdlH3ByaW1hcnkfH1VTRB8fQTEflIwGYnVja2V0lGgA"
    "jAZCdWNrZXSUk5SMB3ByaW1hcnmUhZRSlHViaACMCkFkanVzdG1lbnSUk5QpgZR9lChoBYwCajGUaAdoCGgJ"
    "aApoC2gRaBJoFU24C2gWhpRSlGgZaBxoIYwebW92ZWQfcHJpbWFyeR9wYXRpZW50H1VTRB8fQTEflGgjaCiM"
    "BWdyb3VwlIwSYmlsbGluZ19jb3JlLmNvZGVzlIwJR3JvdXBDb2RllJOUjAJQUpSFlFKUaCCMATKUjAl0b19i"
    "dWNrZXSUaCWMB3BhdGllbnSUhZRSlHVijBdiaWxsaW5nX2NvcmUucmVtaXR0YW5jZZSMClJlbWl0dGFuY2WU"
    "k5QpgZR9lCiMBXBheWVylIwEYWNtZZSMBXBheWVllIwKMTIzNDU2Nzg5M5SMDXRvdGFsX3BheW1lbnSUaBVN"
    "CRNoFoaUUpSMDnBheW1lbnRfbWV0aG9klGg9jA1QYXltZW50TWV0aG9klJOUjANBQ0iUhZRSlIwMdHJhY2Vf"
    "bnVtYmVylIwCVDGUjAlwYWlkX2RhdGWUaBGMBmNsYWltc5RoPYwMQ2xhaW1QYXltZW50lJOUKYGUfZQojBZw"
    "YXRpZW50X2NvbnRyb2xfbnVtYmVylIwCQzGUjAZzdGF0dXOUaD2MC0NsYWltU3RhdHVzlJOUjAExlIWUUpSM"
    "BmNoYXJnZZRoFU1AH2gWhpRSlIwEcGFpZJRoFU2IE2gWhpRSlIwWcGF0aWVudF9yZXNwb25zaWJpbGl0eZRO"
    "jBpwYXllcl9jbGFpbV9jb250cm9sX251bWJlcpSMAJSMC2FkanVzdG1lbnRzlCmMB3JlbWFya3OUKYwFbGlu"
    "ZXOUaD2MDlNlcnZpY2VQYXltZW50lJOUKYGUfZQojBNsaW5lX2NvbnRyb2xfbnVtYmVylGgKjAlwcm9jZWR1"
    "cmWUTowTc3VibWl0dGVkX3Byb2NlZHVyZZROaF9oFU1AH2gWhpRSlGhiaBVNiBNoFoaUUpSMB2FsbG93ZWSU"
    "TowFdW5pdHOUTowMc2VydmljZV9kYXRllE5oaGg9jA1DYXNBZGp1c3RtZW50lJOUKYGUfZQoaDFoN2ggaDKM"
    "BENBUkOUk5QpgZR9lIwEY29kZZSMATKUc2JoEmgVTbgLaBaGlFKUjAhxdWFudGl0eZROdWKFlGhpKXVihZR1"
    "YoWUjBRwcm92aWRlcl9hZGp1c3RtZW50c5RoPYwSUHJvdmlkZXJBZGp1c3RtZW50lJOUKYGUfZQoaCBoPYwY"
    "UHJvdmlkZXJBZGp1c3RtZW50UmVhc29ulJOUjAJXT5SFlFKUjAlyZWZlcmVuY2WUjANPTESUaBJoFUt/aBaG"
    "lFKUjAtwcm92aWRlcl9pZJRoZ4wRZmlzY2FsX3BlcmlvZF9lbmSUTnVihZRoBWhQdWKHlC4="
)


def test_pinned_pickle_still_loads() -> None:
    usd = lambda s: Money(s, "USD")  # noqa: E731
    charge, adjustment, remittance = pickle.loads(base64.b64decode(PINNED_PICKLE))
    assert charge == ChargePosted(
        id="c1",
        account_id="A1",
        line_id="L1",
        effective=DAY,
        amount=usd("80"),
        bucket=Bucket.PRIMARY,
    )
    assert adjustment == Adjustment(
        id="j1",
        account_id="A1",
        line_id="L1",
        effective=DAY,
        amount=usd("30"),
        bucket=Bucket.PRIMARY,
        group=GroupCode.PR,
        reason="2",
        to_bucket=Bucket.PATIENT,
    )
    line = ServicePayment(
        line_control_number="L1",
        charge=usd("80"),
        paid=usd("50"),
        adjustments=CasAdjustment.from_cas("PR", ("2", usd("30"))),
    )
    assert remittance == Remittance(
        payer="acme",
        payee="1234567893",
        total_payment=usd("48.73"),
        payment_method="ACH",
        trace_number="T1",
        paid_date=DAY,
        claims=[
            ClaimPayment(
                patient_control_number="C1",
                status="1",
                charge=usd("80"),
                paid=usd("50"),
                lines=[line],
            )
        ],
        provider_adjustments=[ProviderAdjustment(reason="WO", reference="OLD", amount=usd("1.27"))],
    )
    # the loaded entries fold like fresh ones: 80 charged, 30 moved from primary to patient
    balance = line_balances([charge, adjustment], DAY)["L1"]
    assert balance.open.of(Bucket.PRIMARY) == usd("50")
    assert balance.open.of(Bucket.PATIENT) == usd("30")


@attrs.frozen(kw_only=True)
class _Tuples:
    id: str
    pair: tuple[int, str]
    many: tuple[int, ...]


@attrs.frozen(kw_only=True)
class GreenLight:
    id: str


@attrs.frozen(kw_only=True)
class RedLight:
    id: str


@attrs.frozen(kw_only=True)
class TrafficSignal:
    id: str
    light: GreenLight | RedLight


def test_tuples_report_every_bad_item_with_its_index() -> None:
    register_type(_Tuples, "test_tuples")
    good = {"type": "test_tuples", "id": "t", "pair": [1, "a"], "many": [1, 2]}
    assert from_dict(good) == _Tuples(id="t", pair=(1, "a"), many=(1, 2))
    found = _findings({**good, "pair": ["a", 3], "many": [1, "x", 2, "y"]})
    assert sorted(found) == ["$.many[1]", "$.many[3]", "$.pair[0]", "$.pair[1]"]
    assert "list of 2 items" in _findings({**good, "pair": [1]})["$.pair"]
    assert "must be a list" in _findings({**good, "many": 5})["$.many"]


def test_unregistered_union_members_are_tagged_with_their_kind_name() -> None:
    """Loading a union of attrs classes registers each member under its kind_name."""
    loaded = converter.structure(
        {"id": "s", "light": {"type": "red_light", "id": "r"}}, TrafficSignal
    )
    assert loaded == TrafficSignal(id="s", light=RedLight(id="r"))
    assert (tag_of(RedLight), tag_of(GreenLight)) == ("red_light", "green_light")
    assert converter.unstructure(loaded)["light"] == {"id": "r", "type": "red_light"}
