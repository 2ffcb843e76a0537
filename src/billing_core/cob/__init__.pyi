# Generated from _EXPORTS in billing_core/cob/__init__.py by `make stubs`; do not edit.

from billing_core.cob._methods import CobMethod as CobMethod
from billing_core.cob._methods import CobPayment as CobPayment
from billing_core.cob._methods import maintenance_of_benefits as maintenance_of_benefits
from billing_core.cob._methods import medicare_secondary_payment as medicare_secondary_payment
from billing_core.cob._methods import non_duplication as non_duplication
from billing_core.cob._methods import standard_cob as standard_cob
from billing_core.cob._reductions import SEQUESTRATION as SEQUESTRATION
from billing_core.cob._reductions import PaymentReduction as PaymentReduction
from billing_core.cob._reductions import ReducedPayment as ReducedPayment
from billing_core.cob._reductions import apply_reduction as apply_reduction

__all__ = [
    "CobMethod",
    "CobPayment",
    "maintenance_of_benefits",
    "medicare_secondary_payment",
    "non_duplication",
    "standard_cob",
    "SEQUESTRATION",
    "PaymentReduction",
    "ReducedPayment",
    "apply_reduction",
]
