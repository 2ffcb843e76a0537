"""The parts of a line that claims, charge items and invoices share (private).

A line's procedure is a coding of CPT, HCPCS or CDT with its modifiers; with
no procedure the product is "not applicable" (data-absent-reason), because
FHIR requires one. Units are a Quantity whose UCUM unit says the basis
(minutes, days, miles; plain units have none). A drug is a detail of the item
with its NDC and quantity. A care team role has a code of CARIN Blue Button or
of FHIR where one exists, else one of the library's own.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Final

import billing_core.fhir._codes as cs
from billing_core.charges import Category, Drug, DrugUnit, LineItem, UnitBasis
from billing_core.codes import CodeSystem, ProcedureCode
from billing_core.errors import BillingError
from billing_core.fhir._base import Node, Resource
from billing_core.parties import CareRole

PROCEDURE_SYSTEMS: Final = {
    CodeSystem.CPT: cs.CPT,
    CodeSystem.HCPCS: cs.HCPCS,
    CodeSystem.CDT: cs.CDT,
}
_BY_URI: Final = {uri: system for system, uri in PROCEDURE_SYSTEMS.items()}
NOT_APPLICABLE: Final = (cs.DATA_ABSENT, "not-applicable")

_BASIS_UNITS: Final = {UnitBasis.MINUTES: "min", UnitBasis.DAYS: "d", UnitBasis.MILES: "[mi_i]"}
_DRUG_UNITS: Final = {
    DrugUnit.INTERNATIONAL_UNIT: "[iU]",
    DrugUnit.GRAM: "g",
    DrugUnit.MILLIGRAM: "mg",
    DrugUnit.MILLILITER: "mL",
    DrugUnit.UNIT: "{unit}",
}
CATEGORY_SYSTEM: Final = cs.own("line-category")
ROLE_SYSTEM: Final = cs.own("care-role")
ROLES: Final = {
    CareRole.RENDERING: (cs.C4BB_CARE_TEAM_ROLE, "rendering"),
    CareRole.REFERRING: (cs.C4BB_CARE_TEAM_ROLE, "referring"),
    CareRole.ATTENDING: (cs.C4BB_CARE_TEAM_ROLE, "attending"),
    CareRole.OPERATING: (cs.C4BB_CARE_TEAM_ROLE, "operating"),
    CareRole.SUPERVISING: (cs.CARE_TEAM_ROLE, "supervisor"),
    CareRole.OTHER: (cs.CARE_TEAM_ROLE, "other"),
    CareRole.ORDERING: (ROLE_SYSTEM, "ordering"),
    CareRole.BILLING: (ROLE_SYSTEM, "billing"),
}
_ROLE_OF: Final = {code: role for role, code in ROLES.items()}


def product(line: LineItem) -> Resource:
    """The productOrService of a line: its procedure, else "not applicable"; text = description."""
    procedure = line.procedure
    if procedure is None:
        out = cs.concept(*NOT_APPLICABLE)
    else:
        out = cs.concept(PROCEDURE_SYSTEMS[procedure.system], procedure.code)
    if line.description:
        out["text"] = line.description
    return out


def modifiers(line: LineItem) -> list[Resource]:
    """The modifiers of a line's procedure, each a CodeableConcept of the procedure's system."""
    procedure = line.procedure
    if procedure is None:
        return []
    return [cs.concept(PROCEDURE_SYSTEMS[procedure.system], m) for m in procedure.modifiers]


def read_product(item: Node, key: str = "productOrService") -> tuple[ProcedureCode | None, str]:
    """The procedure (with the item's modifiers) and the description of an item."""
    holder = item.child(key, required=True)
    if holder is None:
        return None, ""
    found = cs.codes(holder, (*_BY_URI, cs.DATA_ABSENT))
    description = holder.text("text") or ""
    codes = [(s, c) for s, c in found if s != cs.DATA_ABSENT]
    for extra in codes[1:]:
        item.reader.lose(
            holder.at("coding"), f"only the first procedure code is kept, not {extra[1]}"
        )
    mods = [c for m in item.children("modifier") for _, c in cs.codes(m, tuple(_BY_URI))]
    if not codes:
        if mods:
            item.reader.lose(item.at("modifier"), "modifiers without a procedure are not kept")
        return None, description
    system, code = codes[0]
    try:
        return ProcedureCode(_BY_URI[system], code, mods), description
    except (BillingError, ValueError, TypeError) as exc:
        item.reader.lose(holder.path, f"not kept: {exc}")
        return None, description


def category(line: LineItem) -> Resource:
    """The line's category, in the library's own code system."""
    return cs.concept(CATEGORY_SYSTEM, line.category.value)


def read_category(item: Node, procedure: ProcedureCode | None, drug: Drug | None) -> Category:
    """The category of an item: its own code, else inferred (and reported assumed)."""
    found = cs.codes(item.child("category"), (CATEGORY_SYSTEM,))
    for _, code in found:
        try:
            return Category(code)
        except ValueError:
            item.reader.lose(item.at("category"), f"{code!r} is not a line category")
    guess = Category.DRUG if drug else Category.PROCEDURE if procedure else Category.OTHER
    item.reader.assume(item.at("category"), f"absent: taken as {guess.value!r}")
    return guess


def quantity(line: LineItem) -> Resource:
    """The units of a line as a Quantity; its unit says the basis (none for plain units)."""
    out: Resource = {"value": Decimal(line.units)}
    unit = _BASIS_UNITS.get(line.unit_basis)
    if unit is not None:
        out.update({"unit": unit, "system": cs.UCUM, "code": unit})
    return out


def read_quantity(item: Node) -> tuple[int | Decimal, UnitBasis]:
    """A line's units and basis from an item's quantity (1 unit when absent)."""
    node = item.child("quantity")
    if node is None:
        return 1, UnitBasis.UNITS
    value = cs.decimal_value(node.raw("value"))
    code = node.text("code")
    basis = {u: b for b, u in _BASIS_UNITS.items()}.get(code or "", UnitBasis.UNITS)
    if code is not None and code not in set(_BASIS_UNITS.values()):
        for key in ("code", "unit", "system"):
            node.lose(key, f"the unit {code!r} is not kept: units are counted")
    else:
        node.raw("unit")
        node.raw("system")
    if value is None:
        item.reader.fail(node.at("value"), "required: the number of units")
        return 1, basis
    return (int(value) if value == value.to_integral_value() else value), basis


def drug_detail(line: LineItem) -> list[Resource]:
    """A drug line's NDC and quantity, as the item's one detail."""
    drug = line.drug
    if drug is None:
        return []
    unit = _DRUG_UNITS[drug.unit]
    return [
        {
            "sequence": 1,
            "productOrService": cs.concept(cs.NDC, drug.ndc.code),
            "quantity": {
                "value": Decimal(drug.quantity),
                "unit": unit,
                "system": cs.UCUM,
                "code": unit,
            },
            "net": cs.money(line.charge),
        }
    ]


def read_drug(item: Node) -> Drug | None:
    """The drug of an item: a detail with an NDC (other details are reported not kept)."""
    drug = None
    for detail in item.children("detail"):
        if drug is not None or not _has_ndc(detail):
            detail.drop("only one detail, a drug's NDC, is kept")
            continue
        found = cs.codes(detail.child("productOrService"), (cs.NDC,))
        detail.integer("sequence")
        detail.raw("net")  # the item's net: the line's charge
        quantity = detail.child("quantity")
        value = None if quantity is None else cs.decimal_value(quantity.raw("value"))
        code = None if quantity is None else quantity.text("code")
        if quantity is not None:
            quantity.raw("unit")
            quantity.raw("system")
        unit = {u: d for d, u in _DRUG_UNITS.items()}.get(code or "")
        if value is None or unit is None:
            item.reader.lose(detail.path, "a drug needs a quantity in mL, g, mg, [iU] or {unit}")
            continue
        try:
            drug = Drug(ndc=found[0][1], quantity=_count(value), unit=unit)
        except (BillingError, ValueError, TypeError) as exc:
            item.reader.fail(detail.path, str(exc))
    return drug


def _has_ndc(detail: Node) -> bool:
    product = detail.data.get("productOrService")
    codings = product.get("coding") if isinstance(product, dict) else None
    return isinstance(codings, list) and any(
        isinstance(c, dict) and c.get("system") == cs.NDC for c in codings
    )


def _count(value: Decimal) -> int | Decimal:
    return (
        int(value)
        if value == value.to_integral_value() and value.as_tuple().exponent == 0
        else value
    )


def serviced(
    line: LineItem, *, day: str = "servicedDate", period: str = "servicedPeriod"
) -> Resource:
    """servicedDate, or servicedPeriod for a multi-day line (or the elements named)."""
    if line.service_through is None:
        return {day: line.service_date.isoformat()}
    return {
        period: {
            "start": line.service_date.isoformat(),
            "end": line.service_through.isoformat(),
        }
    }


def read_serviced(
    item: Node, *, day: str = "servicedDate", period: str = "servicedPeriod"
) -> tuple[datetime.date | None, datetime.date | None]:
    """The service date and, for a period, its last day (from the elements named)."""
    if item.has(period):
        span = item.child(period)
        if span is None:
            return None, None
        return span.date("start", required=True), span.date("end")
    first = item.date(day)
    if first is None:
        item.reader.fail(item.at(day), "required by the library: the service date")
    return first, None


def role(member_role: CareRole, description: str) -> Resource:
    """The role of a care team member (its description as the text)."""
    return cs.concept(*ROLES[member_role], text=description or None)


def read_role(entry: Node, key: str = "role") -> tuple[CareRole, str]:
    """A care team member's role and description (the element ``key`` of ``entry``)."""
    holder = entry.child(key)
    if holder is None:
        entry.reader.assume(entry.at(key), "absent: taken as 'other'")
        return CareRole.OTHER, ""
    found = cs.codes(holder, (cs.C4BB_CARE_TEAM_ROLE, cs.CARE_TEAM_ROLE, ROLE_SYSTEM))
    text = holder.text("text") or ""
    for code in found:
        if code in _ROLE_OF:
            return _ROLE_OF[code], text
    entry.reader.lose(holder.path, "a role without a code of ours is kept as 'other'")
    return CareRole.OTHER, text


def keyword_fields(**fields: Any) -> dict[str, Any]:
    """Keyword arguments without those left ``None`` (so the class defaults apply)."""
    return {k: v for k, v in fields.items() if v is not None}
