"""Claims to payers, and the checks a claim must pass before it is sent.

A [`Claim`][billing_core.claims.Claim] asks one payer, under one
coverage, to pay for line items. It holds the
[`LineItem`][billing_core.charges.LineItem] objects themselves, so totals and
validation need no lookups; each line's ``id`` is its line control number (837
REF*6R) and the claim's ``id`` is the patient control number (CLM01).
Per-line claim data (diagnosis pointers, care team where it differs, place of
service override, attachments) lives on the line item.

The constructor refuses impossible shapes (no lines, a line in another
currency, two lines with one id, a statement period ending before it
starts). Everything else is a [`Finding`][billing_core.errors.Finding] of
[`validate_claim`][billing_core.claims.validate_claim], which returns
**every** problem at once, each with its location; rules are plain functions
collected in [`CLAIM_RULES`][billing_core.claims.CLAIM_RULES].

It holds the `Claim` (with `ClaimFrequency` and its limits), the prior payers'
adjudication a secondary claim carries (`PriorPayerAdjudication`,
`PriorLineAdjudication`), and the claim rules with `validate_claim` and
`check_claim`; and the front-door answer before adjudication, the
`ClaimAcknowledgement` (277CA).

Examples:
    >>> import datetime
    >>> from billing_core.charges import Category, LineItem
    >>> from billing_core.codes import CodeSystem, ProcedureCode
    >>> from billing_core.money import Money
    >>> from billing_core.parties import Coverage, CoverageSequence, Payer
    >>> cov = Coverage(id="C1", payer=Payer(id="acme", name="Acme"), member_id="M1",
    ...                sequence=CoverageSequence.PRIMARY)
    >>> line = LineItem(id="L1", category=Category.PROCEDURE,
    ...                 service_date=datetime.date(2024, 3, 4),
    ...                 procedure=ProcedureCode(CodeSystem.CPT, "99213"),
    ...                 charge=Money("125.00", "USD"), diagnosis_pointers=[1, 2])
    >>> claim = Claim(id="CLM1", account_id="A1", patient_id="P1", coverage=cov,
    ...               claim_date=datetime.date(2024, 3, 5), lines=[line], diagnoses=["E11.9"],
    ...               total_charge=Money("130.00", "USD"))
    >>> for finding in validate_claim(claim):
    ...     print(finding)
    claim 'CLM1'.total_charge: the stated total 130.00 USD is not the sum of the lines 125.00 USD
    claim 'CLM1' line 1.diagnosis_pointers: pointer 2 points to no diagnosis (the claim lists 1)
"""

from billing_core._lazy import lazy_exports

_EXPORTS = {
    "billing_core.claims._acknowledgements": (
        "ACCEPTED_CATEGORIES",
        "REJECTED_CATEGORIES",
        "AcknowledgementStatus",
        "ClaimAcknowledgement",
    ),
    "billing_core.claims._claim": (
        "MAX_DIAGNOSES",
        "MAX_POINTERS_PER_LINE",
        "Claim",
        "ClaimFrequency",
    ),
    "billing_core.claims._institutional": ("InstitutionalClaim",),
    "billing_core.claims._prior_payers": ("PriorLineAdjudication", "PriorPayerAdjudication"),
    "billing_core.claims._rules": (
        "CLAIM_RULES",
        "ClaimRule",
        "care_team_npis_valid",
        "check_claim",
        "diagnoses_within_limits",
        "diagnosis_code_set_matches_dates",
        "lines_have_codes",
        "modifiers_well_formed",
        "pointers_point_to_diagnoses",
        "prior_payer_lines_on_claim",
        "replacement_names_original",
        "require_attachments",
        "require_referring_provider",
        "services_within_claim_dates",
        "total_charge_matches_lines",
        "validate_claim",
    ),
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
