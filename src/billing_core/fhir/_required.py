"""The elements FHIR R4 requires in the resources the library reads (private).

Every reader checks the whole resource against this table before it reads
anything, so a resource missing a required element is refused with the
element's path even where the library would not need the element.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

REQUIRED_ELEMENTS: Final[Mapping[str, tuple[str, ...]]] = {
    "Claim": ("status", "type", "use", "patient", "created", "provider", "priority", "insurance"),
    "Claim.careTeam": ("sequence", "provider"),
    "Claim.supportingInfo": ("sequence", "category"),
    "Claim.diagnosis": ("sequence",),
    "Claim.procedure": ("sequence",),
    "Claim.insurance": ("sequence", "focal", "coverage"),
    "Claim.accident": ("date",),
    "Claim.item": ("sequence", "productOrService"),
    "Claim.item.detail": ("sequence", "productOrService"),
    "Claim.payee": ("type",),
    "ClaimResponse": ("status", "type", "use", "patient", "created", "insurer", "outcome"),
    "ClaimResponse.item": ("itemSequence", "adjudication"),
    "ClaimResponse.item.adjudication": ("category",),
    "ClaimResponse.item.detail": ("detailSequence", "adjudication"),
    "ClaimResponse.addItem": ("productOrService", "adjudication"),
    "ClaimResponse.adjudication": ("category",),
    "ClaimResponse.total": ("category", "amount"),
    "ClaimResponse.payment": ("type", "amount"),
    "ClaimResponse.processNote": ("text",),
    "ClaimResponse.insurance": ("sequence", "focal", "coverage"),
    "ClaimResponse.error": ("code",),
    "ExplanationOfBenefit": (
        "status", "type", "use", "patient", "created", "insurer", "provider", "outcome",
        "insurance",
    ),
    "ExplanationOfBenefit.careTeam": ("sequence", "provider"),
    "ExplanationOfBenefit.supportingInfo": ("sequence", "category"),
    "ExplanationOfBenefit.diagnosis": ("sequence",),
    "ExplanationOfBenefit.insurance": ("focal", "coverage"),
    "ExplanationOfBenefit.item": ("sequence", "productOrService"),
    "ExplanationOfBenefit.item.adjudication": ("category",),
    "ExplanationOfBenefit.item.detail": ("sequence", "productOrService"),
    "ExplanationOfBenefit.adjudication": ("category",),
    "ExplanationOfBenefit.total": ("category", "amount"),
    "ExplanationOfBenefit.benefitBalance": ("category",),
    "ExplanationOfBenefit.benefitBalance.financial": ("type",),
    "Invoice": ("status",),
    "Invoice.participant": ("actor",),
    "Invoice.lineItem.priceComponent": ("type",),
    "Invoice.totalPriceComponent": ("type",),
    "ChargeItem": ("status", "code", "subject"),
    "ChargeItem.performer": ("actor",),
    "Account": ("status",),
    "Account.coverage": ("coverage",),
    "Account.guarantor": ("party",),
    "Coverage": ("status", "beneficiary", "payor"),
    "Coverage.class": ("type", "value"),
    "Coverage.costToBeneficiary.exception": ("type",),
    "PaymentReconciliation": ("status", "created", "paymentDate", "paymentAmount"),
    "PaymentReconciliation.detail": ("type",),
    "RelatedPerson": ("patient",),
}  # fmt: skip
"""Per resource and backbone element, the elements of cardinality 1..1 or 1..* (FHIR R4)."""


def _holders(
    value: Any, path: str, steps: tuple[str, ...]
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Each object at ``steps`` below ``value`` (lists followed), with its path."""
    if not steps:
        if isinstance(value, Mapping):
            yield path, value
        return
    if not isinstance(value, Mapping):
        return  # the reader reports an element of the wrong kind
    child = value.get(steps[0])
    here = f"{path}.{steps[0]}"
    items = list(enumerate(child)) if isinstance(child, list) else [(None, child)]
    for index, item in items:
        yield from _holders(item, here if index is None else f"{here}[{index}]", steps[1:])


def missing_elements(data: Mapping[str, Any], resource_type: str, where: str) -> list[str]:
    """The paths of the elements FHIR R4 requires that ``data`` lacks (empty ones count).

    Examples:
        >>> missing_elements({"resourceType": "Account"}, "Account", "Account")
        ['Account.status']
        >>> missing_elements({"status": "active", "coverage": [{"priority": 1}]},
        ...                  "Account", "Bundle.entry[0].resource")
        ['Bundle.entry[0].resource.coverage[0].coverage']
    """
    found: list[str] = []
    for element, keys in REQUIRED_ELEMENTS.items():
        kind, _, below = element.partition(".")
        if kind != resource_type:
            continue
        steps = tuple(below.split(".")) if below else ()
        for path, holder in _holders(data, where, steps):
            found.extend(f"{path}.{key}" for key in keys if holder.get(key) in (None, [], {}))
    return found
