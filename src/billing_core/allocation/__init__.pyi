# Generated from _EXPORTS in billing_core/allocation/__init__.py by `make stubs`; do not edit.

from billing_core.allocation._inputs import OpenItem as OpenItem
from billing_core.allocation._inputs import Payment as Payment
from billing_core.allocation._inputs import open_items as open_items
from billing_core.allocation._plans import AllocationPlan as AllocationPlan
from billing_core.allocation._plans import LineApplication as LineApplication
from billing_core.allocation._plans import plan_allocation as plan_allocation
from billing_core.allocation._plans import plan_credit_use as plan_credit_use
from billing_core.allocation._receipts import Receipt as Receipt
from billing_core.allocation._receipts import ReceiptLine as ReceiptLine
from billing_core.allocation._receipts import receipt as receipt
from billing_core.allocation._recording import apply_allocation as apply_allocation
from billing_core.allocation._recording import refund as refund
from billing_core.allocation._recording import small_balance_write_offs as small_balance_write_offs
from billing_core.allocation._strategies import AllocationStrategy as AllocationStrategy
from billing_core.allocation._strategies import MatchStatement as MatchStatement
from billing_core.allocation._strategies import OldestFirst as OldestFirst
from billing_core.allocation._strategies import PriorityClasses as PriorityClasses
from billing_core.allocation._strategies import Proportional as Proportional
from billing_core.allocation._strategies import SpecificLines as SpecificLines

__all__ = [
    "OpenItem",
    "Payment",
    "open_items",
    "AllocationPlan",
    "LineApplication",
    "plan_allocation",
    "plan_credit_use",
    "Receipt",
    "ReceiptLine",
    "receipt",
    "apply_allocation",
    "refund",
    "small_balance_write_offs",
    "AllocationStrategy",
    "MatchStatement",
    "OldestFirst",
    "PriorityClasses",
    "Proportional",
    "SpecificLines",
]
