"""JSON Schema of the dict/JSON form: documents validate; what it refuses, from_dict refuses."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from billing_core.allocation import Payment
from billing_core.claims import Claim, ClaimAcknowledgement
from billing_core.errors import ValidationError
from billing_core.good_faith import GoodFaithEstimate
from billing_core.ledger import Party, Refund, Reversal
from billing_core.money import Money
from billing_core.serialization import (
    SCHEMA_VERSION,
    from_dict,
    json_schema,
    register_type,
    registered_json_schema,
    registered_types,
    to_dict,
)
from billing_core.testing.strategies import (
    care_team_members,
    coverages,
    diagnosis_codes,
    guarantors,
    moneys,
    patients,
    payers,
    providers,
)
from billing_core.testing.strategies.documents import bills, claims, encounters, line_items
from billing_core.testing.strategies.ledger import ledger_entries
from billing_core.testing.strategies.remittance import balanced_remittances

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def acknowledgements() -> st.SearchStrategy[ClaimAcknowledgement]:
    return st.builds(
        ClaimAcknowledgement,
        claim_id=st.text("ABC123", min_size=1, max_size=8),
        received=st.dates(datetime.date(2020, 1, 1), datetime.date(2030, 1, 1)),
        category=st.sampled_from(["A1", "A2", "A3", "A7"]),
        status_code=st.sampled_from(["20", "562", "21"]),
        entity=st.none() | st.just("85"),
        action=st.sampled_from([None, "WQ", "U"]),
        payer_claim_number=st.none() | st.just("PCN-1"),
        message=st.none() | st.text(max_size=10),
    )


def payments() -> st.SearchStrategy[Payment]:
    return st.builds(
        Payment,
        id=st.just("PAY-1"),
        account_id=st.just("A1"),
        party=st.sampled_from([Party.patient("P1"), Party.payer("acme")]),
        amount=moneys(min_minor=1),
        received=st.dates(datetime.date(2020, 1, 1), datetime.date(2030, 1, 1)),
        reference=st.none() | st.just("CHK 1001"),
    )


@st.composite
def good_faith_estimates(draw: st.DrawFn) -> GoodFaithEstimate:
    lines = draw(st.lists(line_items(), min_size=1, max_size=3, unique_by=lambda line: line.id))
    issued = min(line.service_date for line in lines) - datetime.timedelta(days=3)
    return GoodFaithEstimate(
        id="GFE-1",
        issued_on=issued,
        patient=draw(patients(born_by=issued)),
        provider=draw(providers()),
        primary_service=draw(st.sampled_from(["Office visit", "MRI"])),
        lines=lines,
        scheduled_on=draw(st.none() | st.just(issued + datetime.timedelta(days=3))),
        diagnoses=draw(st.lists(diagnosis_codes(), max_size=2, unique=True)),
        separately_scheduled=draw(st.lists(st.sampled_from(["Anesthesia", "Lab"]), max_size=2)),
    )


DOCUMENTS = st.one_of(
    ledger_entries(),
    bills(),
    claims(),
    encounters(),
    line_items(),
    balanced_remittances(),
    patients(),
    guarantors(),
    payers(),
    coverages(),
    providers(),
    care_team_members(),
    acknowledgements(),
    payments(),
    good_faith_estimates(),
)

_SCHEMAS: dict[type[Any], jsonschema.Draft202012Validator] = {}


def _validator(cls: type[Any]) -> jsonschema.Draft202012Validator:
    if cls not in _SCHEMAS:
        _SCHEMAS[cls] = jsonschema.Draft202012Validator(json_schema(cls))
    return _SCHEMAS[cls]


ANY_DOCUMENT = jsonschema.Draft202012Validator(registered_json_schema())


def test_the_strategies_cover_every_library_type() -> None:
    # Guards the property tests: a registered type without a strategy is untested.
    covered = {
        "charge_posted", "payment_received", "payment_applied", "adjustment", "transfer",
        "write_off", "refund", "reversal", "patient", "guarantor", "payer", "coverage",
        "provider", "care_team_member", "line_item", "encounter", "bill", "claim",
        "claim_acknowledgement", "remittance", "payment", "good_faith_estimate",
        "cash_held", "credit_transfer", "provider_payment", "provider_withholding",
        "appeal_hold",
    }  # fmt: skip
    library = {
        tag
        for tag, cls in registered_types().items()
        if cls.__module__.startswith("billing_core.") and not tag.startswith("example_")
    }
    assert library <= covered


@pytest.mark.parametrize("tag", sorted(registered_types()))
def test_every_schema_is_a_valid_2020_12_schema(tag: str) -> None:
    schema = json_schema(registered_types()[tag])
    assert schema["$schema"] == DIALECT
    jsonschema.Draft202012Validator.check_schema(schema)


def test_the_document_set_schema_is_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(registered_json_schema())


@given(DOCUMENTS)
def test_every_document_validates_against_its_schema(document: Any) -> None:
    data = json.loads(json.dumps(to_dict(document)))
    _validator(type(document)).validate(data)
    ANY_DOCUMENT.validate(data)


# --------------------------------------------------------------------------- refused both ways


def _nodes(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _nodes(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nodes(item, (*path, index))


def _mutated(data: Any, path: tuple[Any, ...], how: str, value: Any) -> Any:
    """A deep copy of ``data`` with one change at ``path``."""
    copy = json.loads(json.dumps(data))
    if not path:
        return value if how == "replace" else {**copy, "unexpected": value}
    parent = copy
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if how == "replace":
        parent[last] = value
    elif how == "drop" and isinstance(parent, dict):
        del parent[last]
    elif how == "extra" and isinstance(parent[last], dict):
        parent[last]["unexpected"] = value
    else:
        parent[last] = value
    return copy


BAD_VALUES = st.sampled_from(
    [None, True, False, 1.5, 7, -1, "x", "", "12.50", "2024-02-30", [], {}, ["x"], {"a": 1}]
)


@given(DOCUMENTS, st.data())
def test_what_the_schema_refuses_from_dict_refuses(document: Any, data: st.DataObject) -> None:
    form = json.loads(json.dumps(to_dict(document)))
    paths = [path for path, _ in _nodes(form)]
    path = data.draw(st.sampled_from(paths), label="path")
    how = data.draw(st.sampled_from(["replace", "drop", "extra"]), label="how")
    value = data.draw(BAD_VALUES, label="value")
    changed = _mutated(form, path, how, value)
    for validator, cls in ((_validator(type(document)), type(document)), (ANY_DOCUMENT, None)):
        refused = not validator.is_valid(changed)
        event(f"schema {'refuses' if refused else 'accepts'} ({how})")
        if refused:
            with pytest.raises(ValidationError):
                from_dict(changed, cls)


@given(DOCUMENTS)
def test_an_unknown_field_anywhere_is_refused_by_both(document: Any) -> None:
    form = json.loads(json.dumps(to_dict(document)))
    objects = [path for path, node in _nodes(form) if isinstance(node, dict)]
    for path in objects:
        changed = _mutated(form, path, "extra", 1) if path else {**form, "unexpected": 1}
        assert not _validator(type(document)).is_valid(changed)
        with pytest.raises(ValidationError, match="unknown field"):
            from_dict(changed, type(document))


# --------------------------------------------------------------------------- known answers


def test_the_schema_of_money() -> None:
    schema = json_schema(Money)
    assert schema["type"] == "object"
    assert schema["required"] == ["amount", "currency"]
    assert schema["additionalProperties"] is False
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid({"amount": "12.50", "currency": "USD"})
    assert validator.is_valid({"amount": "-1E+3", "currency": "JPY"})
    for bad in (
        {"amount": 12.5, "currency": "USD"},  # a number, not text
        {"amount": "12,50", "currency": "USD"},
        {"amount": " 12.50", "currency": "USD"},
        {"amount": "+12.50", "currency": "USD"},
        {"amount": "12.50"},
        {"amount": "12.50", "currency": "usd"},
        {"amount": "12.50", "currency": "USD", "note": "x"},
    ):
        assert not validator.is_valid(bad), bad


def test_the_schema_of_a_refund_names_its_fields_and_tag() -> None:
    schema = json_schema(Refund)
    # From the class: id, account_id, effective, amount and party have no default.
    assert schema["required"] == ["id", "account_id", "effective", "amount", "party"]
    assert set(schema["properties"]) == {
        "id", "account_id", "line_id", "effective", "amount", "source", "party",
        "type", "schema_version",
    }  # fmt: skip
    assert schema["properties"]["type"] == {"const": "refund"}
    assert schema["properties"]["effective"]["format"] == "date"
    assert schema["properties"]["line_id"]["anyOf"] == [{"type": "string"}, {"type": "null"}]
    assert schema["properties"]["party"]["$ref"] == "#/$defs/Party"
    assert schema["$defs"]["Party"]["properties"]["kind"]["enum"] == ["payer", "patient"]


def test_the_schema_version_is_bounded_like_the_loader() -> None:
    refund = Refund(
        id="f1",
        account_id="A1",
        effective=datetime.date(2024, 3, 1),
        amount=Money("5.00", "USD"),
        party=Party.patient("P1"),
    )
    validator = _validator(Refund)
    form = to_dict(refund)
    assert validator.is_valid(form)
    newer = {**form, "schema_version": SCHEMA_VERSION + 1}
    assert not validator.is_valid(newer)
    with pytest.raises(ValidationError, match="newer release"):
        from_dict(newer)
    # The loader takes a version at the top level only; the schema, with one
    # definition per class, allows it anywhere (looser, never stricter).
    reversal = Reversal(
        id="r1",
        account_id="A1",
        effective=datetime.date(2024, 3, 2),
        amount=Money("-5.00", "USD"),
        reverses="f1",
        original=refund,
    )
    nested = to_dict(reversal)
    nested["original"]["schema_version"] = 1
    assert _validator(Reversal).is_valid(nested)
    with pytest.raises(ValidationError, match=r"\$\.original\.schema_version: unknown field"):
        from_dict(nested)


def test_a_union_member_must_carry_its_tag() -> None:
    schema = json_schema(Reversal)
    options = schema["properties"]["original"]["anyOf"]
    assert {o["$ref"] for o in options} == {
        "#/$defs/ChargePosted", "#/$defs/PaymentReceived", "#/$defs/PaymentApplied",
        "#/$defs/Adjustment", "#/$defs/Transfer", "#/$defs/WriteOff", "#/$defs/Refund",
        "#/$defs/CashHeld", "#/$defs/CreditTransfer", "#/$defs/ProviderPayment",
        "#/$defs/ProviderWithholding", "#/$defs/AppealHold",
    }  # fmt: skip
    assert all(o["required"] == ["type"] for o in options)


def test_a_field_added_to_a_class_appears_in_its_schema() -> None:
    @attrs.frozen(kw_only=True)
    class Memo:
        """A memo."""

        id: str
        amount: Money
        due: datetime.date | None = None

    register_type(Memo, "test_schema_memo")
    schema = json_schema(Memo)
    assert list(schema["properties"]) == ["id", "amount", "due", "type", "schema_version"]
    assert schema["required"] == ["id", "amount"]
    assert schema["$defs"]["Money"]["required"] == ["amount", "currency"]
    everything = registered_json_schema()
    assert {"$ref": "#/$defs/Memo", "required": ["type"]} in everything["anyOf"]
    assert everything["$defs"]["Memo"]["properties"]["type"] == {"const": "test_schema_memo"}


def test_field_descriptions_come_from_the_class_docstring() -> None:
    schema = json_schema(Claim)
    assert schema["description"] == "A claim to one payer under one coverage."
    assert schema["properties"]["claim_date"]["description"] == (
        "The date the claim is made; no service may be after it."
    )
    # Cross-reference markup is reduced to its text.
    assert (
        schema["properties"]["coverage"]["description"]
        == "The coverage billed (its payer is payer)."
    )
