"""FHIR R4 mappings, both ways, with a loss report for every mapping.

Mappings between the library's objects and FHIR R4 JSON as plain dicts (no
runtime dependency): [`claim_to_fhir`][] and [`claim_from_fhir`][] for a
Claim, [`coverage_to_fhir`][] and [`coverage_from_fhir`][] for a Coverage.

Every mapping returns a [`Mapped`][]: the value, its [`LossReport`][] (each
field of ours FHIR cannot hold, each element present on input that is not
kept, each value assumed) and, when writing, the resources the value refers
to. Nothing is dropped silently.

FHIR Money is ``{"value": <JSON number>, "currency": "USD"}``: written from
the exact ``Decimal`` (use [`dumps`][] for JSON text: ``json.dumps`` cannot
write a ``Decimal``), read exactly (use [`loads`][]); a value finer than the
currency's minor unit is refused with its element path, never rounded.

Examples:
    >>> from billing_core._examples import example_claim
    >>> written = claim_to_fhir(example_claim())
    >>> dumps(written.value["total"])
    '{"value":125.00,"currency":"USD"}'
    >>> read = claim_from_fhir(loads(dumps(written.value)), resources=written.included,
    ...                        account_id="A1")
    >>> read.value.total_charge
    Money('125.00', 'USD')
"""

from billing_core.fhir._adjudication import claim_response_from_fhir, claim_response_to_fhir
from billing_core.fhir._base import Direction, Loss, LossReport, Mapped, dumps, loads
from billing_core.fhir._claim_read import claim_from_fhir
from billing_core.fhir._claim_write import claim_to_fhir
from billing_core.fhir._coverage import coverage_from_fhir, coverage_to_fhir
from billing_core.fhir._eob import explanation_of_benefit_from_fhir, explanation_of_benefit_to_fhir

__all__ = [
    "Direction",
    "Loss",
    "LossReport",
    "Mapped",
    "claim_from_fhir",
    "claim_response_from_fhir",
    "claim_response_to_fhir",
    "claim_to_fhir",
    "coverage_from_fhir",
    "coverage_to_fhir",
    "dumps",
    "explanation_of_benefit_from_fhir",
    "explanation_of_benefit_to_fhir",
    "loads",
]
