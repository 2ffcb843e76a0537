"""Code systems, codings and FHIR Money (private).

FHIR Money is ``{"value": <JSON number>, "currency": "USD"}``. Written, the
value is the exact ``Decimal`` of the amount (``125.00``, never a float with
artefacts); read, a value finer than the currency's minor unit is refused with
the element path, never rounded. A float given by a JSON parser is read by its
shortest text, so ``135.57`` reads as written and ``0.1 + 0.2`` is refused.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

from billing_core._checks import describe
from billing_core.errors import BillingError
from billing_core.fhir._base import Node, Resource
from billing_core.money import Money

# Code systems of the standards (FHIR terminology, US Core, CARIN Blue Button).
ICD10CM: Final = "http://hl7.org/fhir/sid/icd-10-cm"
CPT: Final = "http://www.ama-assn.org/go/cpt"
HCPCS: Final = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
CDT: Final = "http://www.ada.org/cdt"
NDC: Final = "http://hl7.org/fhir/sid/ndc"
REVENUE: Final = "https://www.nubc.org/CodeSystem/RevenueCodes"
PLACE_OF_SERVICE: Final = (
    "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"
)
NPI: Final = "http://hl7.org/fhir/sid/us-npi"
TAXONOMY: Final = "http://nucc.org/provider-taxonomy"
CARC: Final = "https://x12.org/codes/claim-adjustment-reason-codes"
RARC: Final = "https://x12.org/codes/remittance-advice-remark-codes"
UCUM: Final = "http://unitsofmeasure.org"
CLAIM_TYPE: Final = "http://terminology.hl7.org/CodeSystem/claim-type"
PRIORITY: Final = "http://terminology.hl7.org/CodeSystem/processpriority"
CARE_TEAM_ROLE: Final = "http://terminology.hl7.org/CodeSystem/claimcareteamrole"
C4BB_CARE_TEAM_ROLE: Final = "http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBClaimCareTeamRole"
C4BB_ADJUDICATION: Final = "http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBAdjudication"
INFORMATION_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/claiminformationcategory"
RELATED_CLAIM: Final = "http://terminology.hl7.org/CodeSystem/ex-relatedclaimrelationship"
ADJUDICATION: Final = "http://terminology.hl7.org/CodeSystem/adjudication"
RELATIONSHIP: Final = "http://terminology.hl7.org/CodeSystem/subscriber-relationship"
COVERAGE_CLASS: Final = "http://terminology.hl7.org/CodeSystem/coverage-class"
COPAY_TYPE: Final = "http://terminology.hl7.org/CodeSystem/coverage-copay-type"
IDENTIFIER_TYPE: Final = "http://terminology.hl7.org/CodeSystem/v2-0203"
DATA_ABSENT: Final = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
PAYMENT_TYPE: Final = "http://terminology.hl7.org/CodeSystem/payment-type"
PAYMENT_OUTCOME: Final = "http://terminology.hl7.org/CodeSystem/ex-paymenttype"
X12_REPORT_TYPE: Final = "https://codesystem.x12.org/005010/755"
ACCOUNT_AGGREGATE: Final = "http://hl7.org/fhir/account-aggregate"
ACCOUNT_TERM: Final = "http://hl7.org/fhir/account-balance-term"
ACCOUNT_BALANCE: Final = "http://hl7.org/fhir/5.0/StructureDefinition/extension-Account.balance"

SYSTEM_BASE: Final = "urn:billing-core:"
"""The prefix of the code systems of the library's own codes (a line's category, a
care team role the standards have no code for, an 835 claim status, a CAS group),
used where a FHIR element takes codes from any system."""


def own(name: str) -> str:
    """The URI of one of the library's own code systems."""
    return SYSTEM_BASE + name


def coding(system: str, code: str) -> dict[str, str]:
    """A Coding."""
    return {"system": system, "code": code}


def concept(system: str, code: str, text: str | None = None) -> Resource:
    """A CodeableConcept with one coding (and its text, when given)."""
    out: Resource = {"coding": [coding(system, code)]}
    if text:
        out["text"] = text
    return out


def codes(
    node: Node | None, systems: frozenset[str] | tuple[str, ...], *, bare: str | None = None
) -> list[tuple[str, str]]:
    """``(system, code)`` of each coding of a CodeableConcept in ``systems``.

    Codings of other systems, and their displays, are reported not kept; a
    coding without a system is taken as of ``bare`` when given (and reported).
    """
    if node is None:
        return []
    found = []
    for item in node.children("coding"):
        system, code = item.text("system"), item.text("code")
        item.lose("display", "a display text is not kept (the code is)")
        item.lose("version", "a code system version is not kept")
        if system is None and bare is not None and code is not None:
            node.reader.assume(item.path, f"a code without a system: taken as one of {bare}")
            found.append((bare, code))
        elif system is not None and system in systems and code is not None:
            found.append((system, code))
        else:
            node.reader.lose(item.path, f"a code of {system or 'no system'} is not kept")
    return found


def is_code(concept_value: Any, system: str, code: str) -> bool:
    """Whether a CodeableConcept (a node or a raw dict) has the code (of ``system``, or of none)."""
    data = concept_value.data if isinstance(concept_value, Node) else concept_value
    codings = data.get("coding") if isinstance(data, dict) else None
    if not isinstance(codings, list):
        return False
    if isinstance(concept_value, Node):
        concept_value.raw("coding")
        concept_value.lose("text", "the text of a code is not kept")
    return any(
        isinstance(c, dict) and c.get("code") == code and c.get("system") in (system, None)
        for c in codings
    )


def money(amount: Money) -> Resource:
    """FHIR Money: the exact amount as a ``Decimal`` and the currency."""
    return {"value": amount.amount, "currency": amount.currency}


def decimal_value(value: Any) -> Decimal | None:
    """The exact ``Decimal`` of a JSON number (int, Decimal, or float by its shortest text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # what a JSON parser read, when the text was short
    return None


def read_money(node: Node | None) -> Money | None:
    """The Money of a FHIR Money element; refuses a value finer than the currency's minor unit."""
    if node is None:
        return None
    raw = node.raw("value")
    currency = node.text("currency")
    if raw is None:
        node.reader.fail(node.at("value"), "required element missing")
        return None
    value = decimal_value(raw)
    if value is None or not value.is_finite():
        node.reader.fail(node.at("value"), f"must be a JSON number, got {describe(raw)}")
        return None
    if currency is None:
        node.reader.fail(node.at("currency"), "required: an amount needs its currency")
        return None
    try:
        return Money(value, currency)
    except BillingError as exc:
        hint = " (a binary float artefact?)" if isinstance(raw, float) else ""
        node.reader.fail(node.at("value"), f"{exc}{hint}")
        return None
