"""FHIR R4 mappings, both ways, with a loss report for every mapping.

Mappings between the library's objects and FHIR R4 JSON as plain dicts (no
runtime dependency; the resources validate with any R4 model, such as the R4B
classes of ``fhir.resources``):

| ours | FHIR R4 | write | read |
|---|---|---|---|
| [`Claim`][billing_core.claims.Claim] (a secondary claim's prior payers too) | Claim | [`claim_to_fhir`][] | [`claim_from_fhir`][] |
| [`Coverage`][billing_core.parties.Coverage] | Coverage | [`coverage_to_fhir`][] | [`coverage_from_fhir`][] |
| [`ClaimPayment`][billing_core.remittance.ClaimPayment] | ClaimResponse | [`claim_response_to_fhir`][] | [`claim_response_from_fhir`][] |
| a claim and its payment | ExplanationOfBenefit | [`explanation_of_benefit_to_fhir`][] | [`explanation_of_benefit_from_fhir`][] (the payment) |
| a claim and its [`Estimate`][billing_core.benefits.Estimate] | ExplanationOfBenefit, use predetermination | [`estimate_to_fhir`][] | [`explanation_of_benefit_from_fhir`][] (a claim payment of status predetermination) |
| [`Remittance`][billing_core.remittance.Remittance] | PaymentReconciliation (+ ClaimResponses) | [`payment_reconciliation_to_fhir`][] | [`payment_reconciliation_from_fhir`][] |
| [`Bill`][billing_core.bills.Bill] | Invoice (+ ChargeItems) | [`invoice_to_fhir`][] | [`invoice_from_fhir`][] |
| [`LineItem`][billing_core.charges.LineItem] | ChargeItem | [`charge_item_to_fhir`][] | [`charge_item_from_fhir`][] |
| [`BillingAccount`][] | Account | [`account_to_fhir`][] | [`account_from_fhir`][] |

Every mapping returns a [`Mapped`][]: the value, its [`LossReport`][] (each
field of ours FHIR cannot hold; each element present on input that is not
kept; each value assumed) and, when writing, the resources the value refers
to (``included``: a claim's Coverage, its payer's Organization, its
providers' Practitioner or Organization...). Nothing is dropped silently: a
reading records every element it reads, reports each it does not keep with
the reason, and reports the rest as held by no field of ours.

References: writing refers by the library's ids (``Patient/{patient_id}``,
``Coverage/{id}``, ``Organization/{payer.id}``, ``Practitioner/{npi}``);
reading follows a reference to a resource contained in the one read or
passed in ``resources`` (a list of resources or a Bundle); a reference to a
resource not supplied is an error naming the element.

FHIR Money is ``{"value": <JSON number>, "currency": "USD"}``: written from
the exact ``Decimal`` (use [`dumps`][] for JSON text, as ``json.dumps`` cannot
write a ``Decimal``), read exactly (use [`loads`][]; a float from another
parser is read by its shortest text); a value finer than the currency's minor
unit is refused with its element path (``Claim.item[0].net.value``), never
rounded.

Where R4 has no element and R5 has one, the R5 element is carried by its
official cross-version extension: a line's id as ``item.traceNumber`` (the
line control number payers answer with), an account's ``balance``. Where a
FHIR element takes codes from any system and no standard code exists, the
library's own code systems under ``urn:billing-core:`` are used (a line's
category, a CAS group other than deductible and copay, a PLB reason).

Examples:
    >>> from billing_core._examples import example_claim
    >>> written = claim_to_fhir(example_claim())
    >>> dumps(written.value["total"])
    '{"value":125.00,"currency":"USD"}'
    >>> read = claim_from_fhir(loads(dumps(written.value)), resources=written.included,
    ...                        account_id="A1")
    >>> read.value == example_claim(), read.report.is_lossless
    (True, True)
"""  # noqa: E501

from billing_core.fhir._account import BillingAccount, account_from_fhir, account_to_fhir
from billing_core.fhir._adjudication import claim_response_from_fhir, claim_response_to_fhir
from billing_core.fhir._base import Direction, Loss, LossReport, Mapped, dumps, loads
from billing_core.fhir._claim_read import claim_from_fhir
from billing_core.fhir._claim_write import claim_to_fhir
from billing_core.fhir._coverage import coverage_from_fhir, coverage_to_fhir
from billing_core.fhir._eob import (
    estimate_to_fhir,
    explanation_of_benefit_from_fhir,
    explanation_of_benefit_to_fhir,
)
from billing_core.fhir._invoice import (
    charge_item_from_fhir,
    charge_item_to_fhir,
    invoice_from_fhir,
    invoice_to_fhir,
)
from billing_core.fhir._reconciliation import (
    payment_reconciliation_from_fhir,
    payment_reconciliation_to_fhir,
)

__all__ = [
    "BillingAccount",
    "Direction",
    "Loss",
    "LossReport",
    "Mapped",
    "account_from_fhir",
    "account_to_fhir",
    "charge_item_from_fhir",
    "charge_item_to_fhir",
    "claim_from_fhir",
    "claim_response_from_fhir",
    "claim_response_to_fhir",
    "claim_to_fhir",
    "coverage_from_fhir",
    "coverage_to_fhir",
    "dumps",
    "estimate_to_fhir",
    "explanation_of_benefit_from_fhir",
    "explanation_of_benefit_to_fhir",
    "invoice_from_fhir",
    "invoice_to_fhir",
    "loads",
    "payment_reconciliation_from_fhir",
    "payment_reconciliation_to_fhir",
]
