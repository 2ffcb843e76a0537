"""The loader under hostile and careless input: strict, bounded, only library errors, no PHI."""

from __future__ import annotations

import copy
import datetime
import json
from fractions import Fraction
from typing import Any

import attrs
import pytest

from billing_core._load import scrub
from billing_core.charges import Category, Encounter, LineItem
from billing_core.codes import ProcedureCode
from billing_core.errors import Finding, ValidationError
from billing_core.ledger import Party, Refund
from billing_core.money import Money
from billing_core.parties import Coverage, CoverageSequence, Guarantor, Patient, Payer
from billing_core.serialization import from_dict, from_json, register_type, to_dict, to_json

DAY = datetime.date(2024, 3, 1)


def _refund() -> dict[str, Any]:
    return to_dict(
        Refund(
            id="f1",
            account_id="A1",
            effective=DAY,
            amount=Money("5.00", "USD"),
            party=Party.patient("P1"),
        )
    )


def _coverage() -> dict[str, Any]:
    return to_dict(
        Coverage(
            id="C1",
            payer=Payer(id="AETNA", name="Aetna"),
            member_id="MEMBER-77123",
            sequence=CoverageSequence.PRIMARY,
        )
    )


def _encounter() -> dict[str, Any]:
    line = LineItem(
        id="L1",
        category=Category.PROCEDURE,
        service_date=DAY,
        charge=Money("80.00", "USD"),
        procedure=ProcedureCode("CPT", "99213"),
    )
    patient = Patient(id="PAT-55501", name="Jane Roe", birth_date=datetime.date(1980, 5, 17))
    guarantor = Guarantor(id="GUA-55502", name="John Roe")
    encounter = Encounter(
        id="E1", account_id="A1", patient=patient, guarantor=guarantor, lines=[line]
    )
    return to_dict(encounter)


def _problems(data: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        from_dict(data)  # type: ignore[arg-type]
    return {f.location: f.message for f in info.value.findings}


def _json_problems(text: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        from_json(text)  # type: ignore[arg-type]
    return {f.location: f.message for f in info.value.findings}


# --------------------------------------------------------------------------- strictness


@pytest.mark.parametrize("bad", [True, False, 1.0, "1", None])
def test_a_bool_float_or_text_never_passes_for_an_enum_value(bad: object) -> None:
    data = _coverage()
    data["sequence"] = bad
    found = _problems(data)
    assert list(found) == ["$.sequence"]
    assert "CoverageSequence" in found["$.sequence"]


def test_the_enum_values_themselves_load() -> None:
    for sequence in CoverageSequence:
        data = _coverage()
        data["sequence"] = sequence.value
        loaded = from_dict(data)
        assert isinstance(loaded, Coverage) and loaded.sequence is sequence


def test_duplicate_json_keys_are_refused_with_their_path() -> None:
    text = to_json(from_dict(_refund()))
    assert '"amount":"5.00"' in text
    twice = text.replace('"amount":"5.00"', '"amount":"5.00","amount":"5000.00"')
    found = _json_problems(twice)
    assert list(found) == ["$.amount.amount"]
    assert "duplicate key" in found["$.amount.amount"]
    top = '{"id":"f1",' + text[1:]
    assert "$.id" in _json_problems(top)


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("effective", "20240301"),  # ISO basic form: only YYYY-MM-DD is the stored form
        ("effective", "2024-W09-5"),
        ("effective", "\u0662\u0660\u0662\u0664-03-01"),
        ("effective", " 2024-03-01"),
        ("effective", "2024-02-30"),
    ],
)
def test_dates_must_be_plain_iso(field: str, bad: str) -> None:
    data = _refund()
    data[field] = bad
    assert "YYYY-MM-DD" in _problems(data)[f"$.{field}"]


@pytest.mark.parametrize(
    "bad", ["\u0661.\u0665", "1_0", " 1", "1e999999999", "NaN", "1" * 100, "0x1"]
)
def test_decimal_fields_accept_only_plain_bounded_numbers(bad: str) -> None:
    data = _encounter()
    data["lines"][0]["units"] = bad
    assert "$.lines[0].units" in _problems(data)


@attrs.frozen(kw_only=True)
class _Share:
    id: str
    share: Fraction


register_type(_Share, "test_hostile_share")


@pytest.mark.parametrize("bad", ["\u0661/\u0663", " 1/3", "1/3 ", "1" * 100 + "/3", "1/0", "1.5"])
def test_fractions_accept_only_plain_bounded_text(bad: str) -> None:
    assert "$.share" in _problems({"type": "test_hostile_share", "id": "s", "share": bad})
    loaded = from_dict({"type": "test_hostile_share", "id": "s", "share": "-1/3"})
    assert loaded == _Share(id="s", share=Fraction(-1, 3))


# --------------------------------------------------------------------------- only library errors


@pytest.mark.parametrize(
    "bad",
    [
        None,
        5,
        "text",
        [],
        {"type": None},
        {"type": 5},
        {"type": {}},
        {"type": "refund", "schema_version": True},
        {"type": "refund", "schema_version": 10**5000},
        {"type": "refund", "amount": []},
        {"type": "refund", 7: "seven"},
        {"type": "refund", ("a", "b"): 1},
    ],
)
def test_anything_else_is_a_validation_error(bad: object) -> None:
    with pytest.raises(ValidationError):
        from_dict(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [None, 5, 1.5, ["{}"], {"type": "refund"}])
def test_from_json_needs_text(bad: object) -> None:
    found = _json_problems(bad)
    assert list(found) == ["$"]
    assert "JSON text" in found["$"]


def test_from_json_reads_bytes() -> None:
    data = _refund()
    assert from_json(json.dumps(data).encode()) == from_dict(data)


def test_json_nested_too_deeply_is_a_validation_error() -> None:
    assert "nested too deeply" in _json_problems("[" * 100_000 + "]" * 100_000)["$"]
    assert "nested too deeply" in _json_problems('{"a":' * 50_000 + "1" + "}" * 50_000)["$"]


def test_a_deep_type_is_a_validation_error_with_a_short_message() -> None:
    deep: list[object] = []
    for _ in range(100_000):
        deep = [deep]
    found = _problems({"type": deep})
    assert list(found) == ["$.type"] and len(found["$.type"]) < 200
    data = _refund()
    data["party"]["kind"] = deep
    found = _problems(data)
    assert list(found) == ["$.party.kind"] and len(found["$.party.kind"]) < 300


def test_huge_values_are_never_echoed_whole() -> None:
    huge = "9" * 5_000_000
    for field in ("effective", "line_id", "account_id"):
        data = _refund()
        data[field] = huge if field == "effective" else [huge]
        with pytest.raises(ValidationError) as info:
            from_dict(data)
        assert len(str(info.value)) < 600
    data = _refund()
    data["amount"]["amount"] = huge
    with pytest.raises(ValidationError) as info:
        from_json(json.dumps(data))
    assert len(str(info.value)) < 600
    data = _refund()
    data[huge] = 1
    with pytest.raises(ValidationError) as info:
        from_dict(data)
    assert len(str(info.value)) < 600


# --------------------------------------------------------------------------- protected values


_DOB = datetime.date(1980, 5, 17)


def _mutations() -> list[tuple[str, object, str, list[str]]]:
    """``(path, bad value, location, texts that must not appear)`` for every protected field."""
    dob_texts = ["1980-05-17", "19800517", "1980", "05-17"]
    return [
        ("patient.birth_date", 19800517, "$.patient.birth_date", dob_texts),
        ("patient.birth_date", "1980-05-17T00:00:00", "$.patient.birth_date", dob_texts),
        ("patient.birth_date", "17/05/1980", "$.patient.birth_date", ["17/05/1980", "1980"]),
        ("patient.birth_date", ["1980-05-17"], "$.patient.birth_date", dob_texts),
        ("patient.name", ["Jane", "Roe"], "$.patient.name", ["Jane", "Roe"]),
        ("patient.name", 4711, "$.patient.name", ["4711"]),
        ("patient.id", 5550123, "$.patient.id", ["5550123"]),
        ("guarantor.name", {"first": "John"}, "$.guarantor.name", ["John"]),
        ("guarantor.id", ["GUA-55502"], "$.guarantor.id", ["GUA-55502", "55502"]),
    ]


@pytest.mark.parametrize(("path", "bad", "location", "hidden"), _mutations())
def test_no_message_about_a_protected_field_shows_its_value(
    path: str, bad: object, location: str, hidden: list[str]
) -> None:
    data = _encounter()
    holder = data
    *parents, last = path.split(".")
    for name in parents:
        holder = holder[name]
    holder[last] = bad
    with pytest.raises(ValidationError) as info:
        from_dict(data)
    text = str(info.value)
    assert location in {f.location for f in info.value.findings}
    assert "protected health information" in text
    for secret in hidden:
        assert secret not in text, (secret, text)
    with pytest.raises(ValidationError) as from_text:
        from_json(json.dumps(data))
    assert all(secret not in str(from_text.value) for secret in hidden)


def test_member_ids_and_party_ids_given_as_numbers_are_not_shown() -> None:
    data = _coverage()
    data["member_id"] = 987654321
    with pytest.raises(ValidationError) as info:
        from_dict(data)
    assert "$.member_id" in str(info.value) and "987654321" not in str(info.value)
    refund = _refund()
    refund["party"]["id"] = 123456789
    with pytest.raises(ValidationError) as info:
        from_dict(refund)
    assert "$.party.id" in str(info.value) and "123456789" not in str(info.value)


def test_an_unprotected_field_still_shows_its_value() -> None:
    data = _refund()
    data["account_id"] = 4242
    assert "4242 (int)" in _problems(data)["$.account_id"]


def test_a_message_that_quotes_a_protected_value_is_scrubbed() -> None:
    found = [
        Finding(location="$.patient", message="birth date 2030-01-01 is after the service date"),
        Finding(location="$.lines", message="nothing protected here"),
    ]
    cleaned = scrub(found, {"2030-01-01"})
    assert [f.message for f in cleaned] == [
        "birth date <protected> is after the service date",
        "nothing protected here",
    ]
    assert cleaned[1] is found[1]


def test_loading_does_not_change_the_input() -> None:
    data = _encounter()
    before = copy.deepcopy(data)
    from_dict(data)
    data["patient"]["birth_date"] = 19800517
    mutated = copy.deepcopy(data)
    with pytest.raises(ValidationError):
        from_dict(data)
    assert data == mutated and before != mutated


@pytest.mark.parametrize("field", ["name", "birth_date"])
def test_an_int_too_long_to_print_in_a_protected_field_is_a_validation_error(field: str) -> None:
    form: dict[str, Any] = {"type": "patient", "schema_version": 1, "id": "P1", "name": "A"}
    form[field] = 7 * 10**5000  # over the interpreter's 4,300-digit limit for str(int)
    with pytest.raises(ValidationError) as info:
        from_dict(form)
    assert field in str(info.value)
