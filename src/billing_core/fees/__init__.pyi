# Generated from _EXPORTS in billing_core/fees/__init__.py by `make stubs`; do not edit.

from billing_core.fees._contract import Contract as Contract
from billing_core.fees._contract import ContractPrice as ContractPrice
from billing_core.fees._contract import expected_payment as expected_payment
from billing_core.fees._contract import price_claim as price_claim
from billing_core.fees._contract import price_lines as price_lines
from billing_core.fees._rows import fee_schedule_from_rows as fee_schedule_from_rows
from billing_core.fees._rows import read_fee_schedule as read_fee_schedule
from billing_core.fees._rules import BILATERAL as BILATERAL
from billing_core.fees._rules import LinePrice as LinePrice
from billing_core.fees._rules import ModifierRule as ModifierRule
from billing_core.fees._rules import MultipleProcedureRule as MultipleProcedureRule
from billing_core.fees._rules import PricingRule as PricingRule
from billing_core.fees._rvu import FACILITY_PLACES_OF_SERVICE as FACILITY_PLACES_OF_SERVICE
from billing_core.fees._rvu import MAX_RELATIVE_VALUE as MAX_RELATIVE_VALUE
from billing_core.fees._rvu import PracticeCostIndex as PracticeCostIndex
from billing_core.fees._rvu import RelativeValues as RelativeValues
from billing_core.fees._rvu import is_facility as is_facility
from billing_core.fees._rvu import physician_fee as physician_fee
from billing_core.fees._rvu import rvu_fee_schedule as rvu_fee_schedule
from billing_core.fees._schedule import FeeSchedule as FeeSchedule
from billing_core.fees._schedule import FeeScheduleEntry as FeeScheduleEntry
from billing_core.fees._schedule import validate_fee_schedule as validate_fee_schedule
from billing_core.fees._terms import MAX_MULTIPLIER as MAX_MULTIPLIER
from billing_core.fees._terms import ContractTerm as ContractTerm
from billing_core.fees._terms import FixedFee as FixedFee
from billing_core.fees._terms import PercentOfCharge as PercentOfCharge
from billing_core.fees._terms import PercentOfSchedule as PercentOfSchedule
from billing_core.fees._terms import PerDiem as PerDiem
from billing_core.fees._terms import TermPrice as TermPrice
from billing_core.fees._terms import line_codes as line_codes
from billing_core.fees._variance import LineVariance as LineVariance
from billing_core.fees._variance import VarianceReport as VarianceReport
from billing_core.fees._variance import payment_variance as payment_variance

__all__ = [
    "Contract",
    "ContractPrice",
    "expected_payment",
    "price_claim",
    "price_lines",
    "fee_schedule_from_rows",
    "read_fee_schedule",
    "BILATERAL",
    "LinePrice",
    "ModifierRule",
    "MultipleProcedureRule",
    "PricingRule",
    "FACILITY_PLACES_OF_SERVICE",
    "MAX_RELATIVE_VALUE",
    "PracticeCostIndex",
    "RelativeValues",
    "is_facility",
    "physician_fee",
    "rvu_fee_schedule",
    "FeeSchedule",
    "FeeScheduleEntry",
    "validate_fee_schedule",
    "MAX_MULTIPLIER",
    "ContractTerm",
    "FixedFee",
    "PercentOfCharge",
    "PercentOfSchedule",
    "PerDiem",
    "TermPrice",
    "line_codes",
    "LineVariance",
    "VarianceReport",
    "payment_variance",
]
