# Generated from _EXPORTS in billing_core/secondary/__init__.py by `make stubs`; do not edit.

from billing_core.secondary._balance import balance_prior_payers as balance_prior_payers
from billing_core.secondary._balance import remaining_patient_liability as remaining_patient_liability
from billing_core.secondary._builder import secondary_claim as secondary_claim

__all__ = [
    "balance_prior_payers",
    "remaining_patient_liability",
    "secondary_claim",
]
