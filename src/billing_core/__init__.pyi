# Generated from _EXPORTS in billing_core/__init__.py by `make stubs`; do not edit.

from billing_core.errors import BillingError as BillingError
from billing_core.errors import ValidationError as ValidationError
from billing_core.errors import Finding as Finding
from billing_core.errors import Severity as Severity
from billing_core.errors import InvalidAmountError as InvalidAmountError
from billing_core.errors import CurrencyMismatchError as CurrencyMismatchError
from billing_core.errors import NotFoundError as NotFoundError
from billing_core.errors import DuplicateError as DuplicateError
from billing_core.errors import ConcurrencyError as ConcurrencyError
from billing_core.errors import InsufficientCreditError as InsufficientCreditError
from billing_core.errors import InvalidTransitionError as InvalidTransitionError
from billing_core.identifiers import new_id as new_id
from billing_core.money import Money as Money
from billing_core.money import RoundingMode as RoundingMode
from billing_core.money import AllocationMode as AllocationMode
from billing_core.money import allocate as allocate
from billing_core.money import split as split
from billing_core.money import total as total
from billing_core.money import price_line as price_line
from billing_core.money import format_money as format_money
from billing_core.codes import ProcedureCode as ProcedureCode
from billing_core.codes import DiagnosisCode as DiagnosisCode
from billing_core.codes import RevenueCode as RevenueCode
from billing_core.codes import NDC as NDC
from billing_core.codes import NPI as NPI
from billing_core.codes import PlaceOfService as PlaceOfService
from billing_core.codes import GroupCode as GroupCode
from billing_core.parties import Patient as Patient
from billing_core.parties import Guarantor as Guarantor
from billing_core.parties import Payer as Payer
from billing_core.parties import Coverage as Coverage
from billing_core.parties import CoverageSequence as CoverageSequence
from billing_core.parties import PlanBenefits as PlanBenefits
from billing_core.parties import Provider as Provider
from billing_core.parties import CareTeamMember as CareTeamMember
from billing_core.parties import CareRole as CareRole
from billing_core.charges import LineItem as LineItem
from billing_core.charges import Category as Category
from billing_core.charges import Encounter as Encounter
from billing_core.charges import DocumentRef as DocumentRef
from billing_core.charges import PatientAuthorization as PatientAuthorization
from billing_core.charges import PriceComponent as PriceComponent
from billing_core.bills import Bill as Bill
from billing_core.bills import BillStatus as BillStatus
from billing_core.bills import issue_bill as issue_bill
from billing_core.claims import Claim as Claim
from billing_core.claims import ClaimFrequency as ClaimFrequency
from billing_core.claims import validate_claim as validate_claim
from billing_core.claims import check_claim as check_claim
from billing_core.remittance import Remittance as Remittance
from billing_core.remittance import ClaimPayment as ClaimPayment
from billing_core.remittance import ServicePayment as ServicePayment
from billing_core.remittance import CasAdjustment as CasAdjustment
from billing_core.remittance import ClaimStatus as ClaimStatus
from billing_core.remittance import ProviderAdjustment as ProviderAdjustment
from billing_core.ledger import Bucket as Bucket
from billing_core.ledger import Party as Party
from billing_core.ledger import Entry as Entry
from billing_core.ledger import ChargePosted as ChargePosted
from billing_core.ledger import PaymentReceived as PaymentReceived
from billing_core.ledger import PaymentApplied as PaymentApplied
from billing_core.ledger import Adjustment as Adjustment
from billing_core.ledger import Transfer as Transfer
from billing_core.ledger import WriteOff as WriteOff
from billing_core.ledger import WriteOffReason as WriteOffReason
from billing_core.ledger import Refund as Refund
from billing_core.ledger import Reversal as Reversal
from billing_core.ledger import reverse as reverse
from billing_core.totals import bill_total as bill_total
from billing_core.totals import claim_total as claim_total
from billing_core.routing import route as route
from billing_core.charging import claim_charges as claim_charges
from billing_core.charging import bill_charges as bill_charges
from billing_core.balancing import BalanceCheck as BalanceCheck
from billing_core.balancing import balancing_report as balancing_report
from billing_core.balances import Balance as Balance
from billing_core.balances import LineBalance as LineBalance
from billing_core.balances import line_balances as line_balances
from billing_core.balances import account_balance as account_balance
from billing_core.balances import credits as credits
from billing_core.balances import explain as explain
from billing_core.allocation import Payment as Payment
from billing_core.allocation import OldestFirst as OldestFirst
from billing_core.allocation import Proportional as Proportional
from billing_core.allocation import SpecificLines as SpecificLines
from billing_core.allocation import plan_allocation as plan_allocation
from billing_core.allocation import apply_allocation as apply_allocation
from billing_core.allocation import receipt as receipt
from billing_core.posting import PostingPlan as PostingPlan
from billing_core.posting import plan_posting as plan_posting
from billing_core.posting import apply_posting as apply_posting
from billing_core.lifecycle import ClaimState as ClaimState
from billing_core.lifecycle import claim_status as claim_status
from billing_core.aging import AgingAnchor as AgingAnchor
from billing_core.aging import AgingReport as AgingReport
from billing_core.aging import age as age
from billing_core.statements import Statement as Statement
from billing_core.statements import StatementPolicy as StatementPolicy
from billing_core.statements import statement as statement
from billing_core.deadlines import FilingRule as FilingRule
from billing_core.deadlines import filing_deadline as filing_deadline
from billing_core.fees import FeeSchedule as FeeSchedule
from billing_core.benefits import estimate as estimate
from billing_core.secondary import secondary_claim as secondary_claim
from billing_core.storage import Store as Store
from billing_core.workflows import post_bill as post_bill
from billing_core.workflows import submit_encounter as submit_encounter
from billing_core.workflows import post_remittance as post_remittance
from billing_core.workflows import post_payment as post_payment
from billing_core.workflows import refund_credit as refund_credit
from billing_core.workflows import write_off_small_balances as write_off_small_balances
from billing_core.serialization import to_dict as to_dict
from billing_core.serialization import from_dict as from_dict
from billing_core.serialization import to_json as to_json
from billing_core.serialization import from_json as from_json

__all__ = [
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
    "new_id",
    "Money",
    "RoundingMode",
    "AllocationMode",
    "allocate",
    "split",
    "total",
    "price_line",
    "format_money",
    "ProcedureCode",
    "DiagnosisCode",
    "RevenueCode",
    "NDC",
    "NPI",
    "PlaceOfService",
    "GroupCode",
    "Patient",
    "Guarantor",
    "Payer",
    "Coverage",
    "CoverageSequence",
    "PlanBenefits",
    "Provider",
    "CareTeamMember",
    "CareRole",
    "LineItem",
    "Category",
    "Encounter",
    "DocumentRef",
    "PatientAuthorization",
    "PriceComponent",
    "Bill",
    "BillStatus",
    "issue_bill",
    "Claim",
    "ClaimFrequency",
    "validate_claim",
    "check_claim",
    "Remittance",
    "ClaimPayment",
    "ServicePayment",
    "CasAdjustment",
    "ClaimStatus",
    "ProviderAdjustment",
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
    "bill_total",
    "claim_total",
    "route",
    "claim_charges",
    "bill_charges",
    "BalanceCheck",
    "balancing_report",
    "Balance",
    "LineBalance",
    "line_balances",
    "account_balance",
    "credits",
    "explain",
    "Payment",
    "OldestFirst",
    "Proportional",
    "SpecificLines",
    "plan_allocation",
    "apply_allocation",
    "receipt",
    "PostingPlan",
    "plan_posting",
    "apply_posting",
    "ClaimState",
    "claim_status",
    "AgingAnchor",
    "AgingReport",
    "age",
    "Statement",
    "StatementPolicy",
    "statement",
    "FilingRule",
    "filing_deadline",
    "FeeSchedule",
    "estimate",
    "secondary_claim",
    "Store",
    "post_bill",
    "submit_encounter",
    "post_remittance",
    "post_payment",
    "refund_credit",
    "write_off_small_balances",
    "to_dict",
    "from_dict",
    "to_json",
    "from_json",
]
