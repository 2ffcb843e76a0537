"""billing_core: typed, exact medical-billing primitives.

Everything public is importable from here. The names are grouped by layer:
values (errors, identifiers, money, codes), documents, the ledger,
calculations, storage, workflows and edges.

Examples:
    >>> from billing_core import Money, total
    >>> total([Money("125.00", "USD"), Money("46.14", "USD")])
    Money('171.14', 'USD')
"""

from billing_core.codes import (
    CARC,
    NDC,
    NPI,
    RARC,
    CodeSet,
    CodeSetEntry,
    CodeSystem,
    DiagnosisCode,
    GroupCode,
    PlaceOfService,
    ProcedureCode,
    RevenueCode,
    StaticCodeSet,
    TaxonomyCode,
    check_code,
)
from billing_core.errors import (
    AuthorizationRequiredError,
    BillingError,
    ConcurrencyError,
    CurrencyMismatchError,
    DuplicateError,
    Finding,
    InsufficientCreditError,
    InvalidAmountError,
    InvalidCodeError,
    InvalidTransitionError,
    NotFoundError,
    Severity,
    StalePlanError,
    UnbalancedError,
    UnknownCurrencyError,
    ValidationError,
)
from billing_core.identifiers import new_id
from billing_core.money import (
    DEFAULT_ROUNDING,
    AllocationMode,
    Money,
    RoundingMode,
    allocate,
    allocate_up_to,
    currency_exponent,
    format_money,
    override_currency_exponent,
    price_line,
    round_ratio,
    split,
    total,
)

__version__ = "0.1.0.dev0"

__all__ = [
    # --- values: errors -------------------------------------------------------
    "AuthorizationRequiredError",
    "BillingError",
    "ConcurrencyError",
    "CurrencyMismatchError",
    "DuplicateError",
    "Finding",
    "InsufficientCreditError",
    "InvalidAmountError",
    "InvalidCodeError",
    "InvalidTransitionError",
    "NotFoundError",
    "Severity",
    "StalePlanError",
    "UnbalancedError",
    "UnknownCurrencyError",
    "ValidationError",
    # --- values: identifiers --------------------------------------------------
    "new_id",
    # --- values: money --------------------------------------------------------
    "DEFAULT_ROUNDING",
    "AllocationMode",
    "Money",
    "RoundingMode",
    "allocate",
    "allocate_up_to",
    "currency_exponent",
    "format_money",
    "override_currency_exponent",
    "price_line",
    "round_ratio",
    "split",
    "total",
    # --- values: codes --------------------------------------------------------
    "CARC",
    "NDC",
    "NPI",
    "RARC",
    "CodeSet",
    "CodeSetEntry",
    "CodeSystem",
    "DiagnosisCode",
    "GroupCode",
    "PlaceOfService",
    "ProcedureCode",
    "RevenueCode",
    "StaticCodeSet",
    "TaxonomyCode",
    "check_code",
]
