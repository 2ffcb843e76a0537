"""A coverage as a FHIR R4 Coverage, both ways (private).

| ours ([`Coverage`][billing_core.parties.Coverage]) | FHIR Coverage |
|---|---|
| ``id`` | ``id`` |
| ``payer`` | ``payor[0]`` (an Organization, included; payer id typed NIIP) |
| ``member_id`` | ``subscriberId`` |
| ``sequence`` | ``order`` |
| ``group_number`` | ``class`` of type group |
| ``relationship`` | ``relationship`` |
| ``benefits`` | ``costToBeneficiary``: deductible, copay, copaypct (coinsurance), maxoutofpocket |
| ``start``, ``end`` | ``period`` |
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from billing_core.fhir._base import Direction, LossReport, Mapped, Resource, start
from billing_core.fhir._parties import (
    Resolver,
    Resources,
    coverage_included,
    coverage_losses,
    coverage_resource,
    read_coverage,
)
from billing_core.parties import Coverage


def coverage_to_fhir(coverage: Coverage, *, patient_id: str) -> Mapped[Resource]:
    """A coverage as a FHIR R4 Coverage, its payer's Organization included.

    Args:
        coverage: The coverage.
        patient_id: Its beneficiary (a FHIR Coverage names one; ours does not).

    Examples:
        >>> from decimal import Decimal
        >>> from billing_core.money import Money
        >>> from billing_core.parties import CoverageSequence, Payer, PlanBenefits
        >>> plan = PlanBenefits(deductible=Money("500", "USD"), coinsurance_rate=Decimal("0.2"))
        >>> cov = Coverage(id="C1", payer=Payer(id="acme", name="Acme"), member_id="M1",
        ...                sequence=CoverageSequence.SECONDARY, benefits=plan)
        >>> fhir = coverage_to_fhir(cov, patient_id="P1").value
        >>> fhir["order"], fhir["subscriberId"], [c["type"]["coding"][0]["code"]
        ...                                       for c in fhir["costToBeneficiary"]]
        (2, 'M1', ['deductible', 'copaypct'])
        >>> fhir["costToBeneficiary"][1]["valueQuantity"]["value"]
        Decimal('20')
    """
    report = LossReport(direction=Direction.TO_FHIR, lost=coverage_losses(coverage, "coverage"))
    return Mapped(
        value=coverage_resource(coverage, patient_id),
        report=report,
        included=coverage_included(coverage),
    )


def coverage_from_fhir(
    resource: Mapping[str, Any], *, resources: Resources = None
) -> Mapped[Coverage]:
    """A FHIR R4 Coverage as a coverage of ours, with every element it does not keep.

    Args:
        resource: The Coverage.
        resources: The resources it refers to (its payor's Organization).

    Raises:
        ValidationError: Every problem at once, each located by element path.

    Examples:
        >>> coverage_from_fhir({"resourceType": "Coverage", "id": "C1", "status": "active",
        ...                     "beneficiary": {"reference": "Patient/P1"},
        ...                     "payor": [{"reference": "Organization/acme"}]})
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: 2 problems:
          - Coverage.subscriberId: required by the library: the member id
          - Coverage.payor[0].reference: refers to 'Organization/acme', which was not supplied (pass it in resources=)
    """  # noqa: E501
    reader, node = start(resource, "Coverage")
    resolver = Resolver(resources)
    resolver.add_contained(node)
    node.lose("text", "the narrative is not kept")
    coverage = read_coverage(node, resolver, None)
    reader.check()
    resolver.report_unfollowed(reader)
    if coverage is None:  # a constructor refused it: reported as a finding
        reader.check()
    return Mapped(value=cast(Coverage, coverage), report=reader.report())
