"""Patients and addresses as FHIR Patient and Address, both ways (private).

A patient's name is the first ``name``'s text, the birth date ``birthDate``,
the sex ``gender`` (F female, M male, U unknown) and the address the first
``address`` (one or two lines, city, state, postal code, country).
"""

from __future__ import annotations

from typing import Final

from billing_core.errors import BillingError
from billing_core.fhir._base import Node, Resource, fhir_id, prune
from billing_core.parties import Address, Patient, Sex

_GENDERS: Final = {Sex.FEMALE: "female", Sex.MALE: "male", Sex.UNKNOWN: "unknown"}
_SEXES: Final = {gender: sex for sex, gender in _GENDERS.items()}


def address(value: Address | None) -> list[Resource]:
    """An address as a one-item FHIR ``address`` list (empty for none)."""
    if value is None:
        return []
    return [
        prune(
            {
                "line": list(value.lines),
                "city": value.city or None,
                "state": value.state or None,
                "postalCode": value.postal_code or None,
                "country": value.country or None,
            }
        )
    ]


def read_address(node: Node) -> Address | None:
    """The first address of a resource (others reported not kept)."""
    found = node.children("address")
    for extra in found[1:]:
        extra.drop("only the first address is kept")
    if not found:
        return None
    first = found[0]
    lines = first.raw("line") or []
    for key in ("use", "type", "text", "district", "period"):
        first.lose(key, "not kept in an address")
    try:
        return Address(
            lines=[line for line in lines if isinstance(line, str)],
            city=first.text("city") or "",
            state=first.text("state") or "",
            postal_code=first.text("postalCode") or "",
            country=first.text("country") or "",
        )
    except (BillingError, ValueError, TypeError) as exc:
        first.drop(f"not kept: {exc}")
        return None


def patient_resource(patient: Patient) -> Resource:
    """A patient as a FHIR Patient."""
    return prune(
        {
            "resourceType": "Patient",
            "id": fhir_id(patient.id, "patient.id"),
            "name": [{"text": patient.name}] if patient.name else [],
            "gender": None if patient.sex is None else _GENDERS[patient.sex],
            "birthDate": None if patient.birth_date is None else patient.birth_date.isoformat(),
            "address": address(patient.address),
        }
    )


def read_patient(node: Node) -> Patient | None:
    """A patient from a FHIR Patient node (its id, name, birth date, sex, address)."""
    rid = node.text("id", required=True)
    names = node.children("name")
    for extra in names[1:]:
        extra.drop("only the first name is kept")
    name = ""
    if names:
        first = names[0]
        name = first.text("text") or ""
        if not name:
            given = [g for g in first.raw("given") or [] if isinstance(g, str)]
            name = " ".join([*given, first.text("family") or ""]).strip()
            node.reader.lose(first.path, "kept as the text of the name, not its parts")
        for key in first.unread():
            first.lose(key, "only the name's text is kept")
    gender = node.text("gender")
    sex = None if gender is None else _SEXES.get(gender)
    if gender is not None and sex is None:
        node.reader.lose(node.at("gender"), f"{gender!r} is not a sex claims carry")
    if rid is None:
        return None
    try:
        return Patient(
            id=rid,
            name=name,
            birth_date=node.date("birthDate"),
            sex=sex,
            address=read_address(node),
        )
    except (BillingError, ValueError, TypeError) as exc:
        node.reader.fail(node.path, str(exc))
        return None
