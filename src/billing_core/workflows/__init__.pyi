# Generated from _EXPORTS in billing_core/workflows/__init__.py by `make stubs`; do not edit.

from billing_core.workflows._charging import post_bill as post_bill
from billing_core.workflows._charging import submit_encounter as submit_encounter
from billing_core.workflows._patient import post_payment as post_payment
from billing_core.workflows._patient import refund_credit as refund_credit
from billing_core.workflows._patient import write_off_small_balances as write_off_small_balances
from billing_core.workflows._remittances import post_remittance as post_remittance
from billing_core.workflows._results import PaymentResult as PaymentResult
from billing_core.workflows._results import RefundResult as RefundResult
from billing_core.workflows._results import WorkflowResult as WorkflowResult
from billing_core.workflows._results import WriteOffResult as WriteOffResult
from billing_core.workflows._charging_results import BillResult as BillResult
from billing_core.workflows._charging_results import EncounterResult as EncounterResult
from billing_core.workflows._remittance_results import PostingStatus as PostingStatus
from billing_core.workflows._remittance_results import RemittanceResult as RemittanceResult
from billing_core.workflows._retry import DEFAULT_ATTEMPTS as DEFAULT_ATTEMPTS
from billing_core.workflows._retry import DEFAULT_BACKOFF as DEFAULT_BACKOFF
from billing_core.workflows._retry import Backoff as Backoff
from billing_core.workflows._unapplied import apply_unapplied_cash as apply_unapplied_cash

__all__ = [
    "post_bill",
    "submit_encounter",
    "post_payment",
    "refund_credit",
    "write_off_small_balances",
    "post_remittance",
    "PaymentResult",
    "RefundResult",
    "WorkflowResult",
    "WriteOffResult",
    "BillResult",
    "EncounterResult",
    "PostingStatus",
    "RemittanceResult",
    "DEFAULT_ATTEMPTS",
    "DEFAULT_BACKOFF",
    "Backoff",
    "apply_unapplied_cash",
]
