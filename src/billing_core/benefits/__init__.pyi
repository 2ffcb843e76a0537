# Generated from _EXPORTS in billing_core/benefits/__init__.py by `make stubs`; do not edit.

from billing_core.benefits._estimate import estimate as estimate
from billing_core.benefits._result import Estimate as Estimate
from billing_core.benefits._result import EstimateDifference as EstimateDifference
from billing_core.benefits._result import EstimatedLine as EstimatedLine
from billing_core.benefits._result import compare_estimate as compare_estimate
from billing_core.benefits._terms import Accumulators as Accumulators
from billing_core.benefits._terms import CopayMode as CopayMode
from billing_core.benefits._terms import CopayPer as CopayPer
from billing_core.benefits._terms import CostSharingRules as CostSharingRules
from billing_core.benefits._terms import PricedLine as PricedLine
from billing_core.benefits._terms import check_accumulators as check_accumulators

__all__ = [
    "estimate",
    "Estimate",
    "EstimateDifference",
    "EstimatedLine",
    "compare_estimate",
    "Accumulators",
    "CopayMode",
    "CopayPer",
    "CostSharingRules",
    "PricedLine",
    "check_accumulators",
]
