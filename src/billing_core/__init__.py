"""billing_core: typed, exact medical-billing primitives.

The package root holds the everyday vocabulary: money, the documents, the
ledger entries, balances, allocation and posting, the workflows, aging and
statements, the errors, and JSON. Everything else (claim rules, balancing rule
constants, KPIs, storage checks, strategies...) is imported from its module,
for example ``from billing_core.kpis import days_in_ar``. The test kit lives in
[`testing`][billing_core.testing].

Names are imported when first used, so ``import billing_core`` is cheap.

Examples:
    >>> from billing_core import Money, total
    >>> total([Money("125.00", "USD"), Money("46.14", "USD")])
    Money('171.14', 'USD')
"""

from billing_core._lazy import lazy_exports

# The everyday vocabulary, by layer: each name is written here once. The type
# checkers' view, __init__.pyi, is generated from this table (`make stubs`).
_EXPORTS = {
    # values
    "billing_core.errors": (
        "BillingError",
        "ValidationError",
        "Finding",
        "Severity",
        "InvalidAmountError",
        "CurrencyMismatchError",
        "NotFoundError",
        "DuplicateError",
        "ConcurrencyError",
        "InsufficientCreditError",
        "InvalidTransitionError",
    ),
    "billing_core.identifiers": ("new_id",),
    "billing_core.money": (
        "Money",
        "RoundingMode",
        "AllocationMode",
        "allocate",
        "split",
        "total",
        "price_line",
        "format_money",
    ),
    "billing_core.codes": (
        "ProcedureCode",
        "DiagnosisCode",
        "RevenueCode",
        "NDC",
        "NPI",
        "PlaceOfService",
        "GroupCode",
    ),
    # documents
    "billing_core.parties": (
        "Patient",
        "Guarantor",
        "Payer",
        "Coverage",
        "CoverageSequence",
        "PlanBenefits",
        "Provider",
        "CareTeamMember",
        "CareRole",
    ),
    "billing_core.charges": (
        "LineItem",
        "Category",
        "Encounter",
        "DocumentRef",
        "PatientAuthorization",
        "PriceComponent",
    ),
    "billing_core.bills": ("Bill", "BillStatus", "issue_bill"),
    "billing_core.claims": ("Claim", "ClaimFrequency", "validate_claim", "check_claim"),
    "billing_core.remittance": (
        "Remittance",
        "ClaimPayment",
        "ServicePayment",
        "CasAdjustment",
        "ClaimStatus",
        "ProviderAdjustment",
    ),
    # ledger
    "billing_core.ledger": (
        "Bucket",
        "Party",
        "Entry",
        "ChargePosted",
        "PaymentReceived",
        "PaymentApplied",
        "Adjustment",
        "Transfer",
        "WriteOff",
        "WriteOffReason",
        "Refund",
        "Reversal",
        "reverse",
    ),
    # calculations
    "billing_core.totals": ("bill_total", "claim_total"),
    "billing_core.routing": ("route",),
    "billing_core.charging": ("claim_charges", "bill_charges"),
    "billing_core.balancing": ("BalanceCheck", "balancing_report"),
    "billing_core.balances": (
        "Balance",
        "LineBalance",
        "line_balances",
        "account_balance",
        "credits",
        "explain",
    ),
    "billing_core.allocation": (
        "Payment",
        "OldestFirst",
        "Proportional",
        "SpecificLines",
        "plan_allocation",
        "apply_allocation",
        "receipt",
    ),
    "billing_core.posting": ("PostingPlan", "plan_posting", "apply_posting"),
    "billing_core.lifecycle": ("ClaimState", "claim_status"),
    "billing_core.aging": ("AgingAnchor", "AgingReport", "age"),
    "billing_core.statements": ("Statement", "StatementPolicy", "statement"),
    "billing_core.deadlines": ("FilingRule", "filing_deadline"),
    "billing_core.fees": ("FeeSchedule",),
    "billing_core.benefits": ("estimate",),
    "billing_core.secondary": ("secondary_claim",),
    # storage and workflows
    "billing_core.storage": ("Store",),
    "billing_core.workflows": (
        "post_bill",
        "submit_encounter",
        "post_remittance",
        "post_payment",
        "refund_credit",
        "write_off_small_balances",
    ),
    # edges
    "billing_core.serialization": ("to_dict", "from_dict", "to_json", "from_json"),
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
