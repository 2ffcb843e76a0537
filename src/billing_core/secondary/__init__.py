"""The secondary claim: what the next payer is asked to pay, with the prior payer's answer.

After the primary payer answers, the part it left to the patient (its ``PR``
adjustments: deductible, coinsurance, copay) may be claimed from the next
coverage. [`secondary_claim`][] builds that claim from the claim and the
prior payer's [`ClaimPayment`][billing_core.remittance.ClaimPayment]: the
same lines, the next coverage, and a
[`PriorPayerAdjudication`][billing_core.claims.PriorPayerAdjudication] with
what the prior payer paid and adjusted (claim and line level, groups and
reasons as sent), its claim control number and adjudication date. A tertiary
claim is built the same way from the secondary claim. The result passes the
837 COB balancing checks, which [`balance_prior_payers`][] runs for every
prior payer; [`remaining_patient_liability`][] is what a prior payer left
to the patient. What the next payer will pay is a question for
[`cob`][billing_core.cob].

Examples:
    >>> import datetime
    >>> from billing_core._examples import example_claim
    >>> from billing_core.money import Money
    >>> from billing_core.parties import Coverage, CoverageSequence, Payer
    >>> from billing_core.remittance import CasAdjustment, ClaimPayment, ServicePayment
    >>> usd = lambda s: Money(s, "USD")
    >>> claim = example_claim()  # one line L1 of 125.00, to Acme as primary
    >>> crossed_over = ClaimPayment(patient_control_number="CLM1", status="19",
    ...     charge=usd("125"), paid=usd("80"), lines=[ServicePayment(line_control_number="L1",
    ...         charge=usd("125"), paid=usd("80"),
    ...         adjustments=CasAdjustment.from_cas("PR", ("2", usd("45"))))])
    >>> beacon = Coverage(id="C2", payer=Payer(id="beacon", name="Beacon"), member_id="B-1",
    ...                   sequence=CoverageSequence.SECONDARY)
    >>> secondary_claim(claim, crossed_over, beacon, adjudicated_on=datetime.date(2024, 4, 2))
    Traceback (most recent call last):
    ...
    billing_core.errors.InvalidTransitionError: cannot build a secondary claim for claim 'CLM1': the payer already forwarded the claim to the next payer (status 19, processed_primary_forwarded): a second claim would be a duplicate
"""  # noqa: E501

from billing_core._lazy import lazy_exports

_EXPORTS = {
    "billing_core.secondary._balance": ("balance_prior_payers", "remaining_patient_liability"),
    "billing_core.secondary._builder": ("secondary_claim",),
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
