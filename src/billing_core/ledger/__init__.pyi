# Generated from _EXPORTS in billing_core/ledger/__init__.py by `make stubs`; do not edit.

from billing_core.ledger._buckets import Bucket as Bucket
from billing_core.ledger._buckets import Party as Party
from billing_core.ledger._buckets import PartyKind as PartyKind
from billing_core.ledger._buckets import next_bucket as next_bucket
from billing_core.ledger._entries import Adjustment as Adjustment
from billing_core.ledger._entries import ChargePosted as ChargePosted
from billing_core.ledger._entries import LedgerEntry as LedgerEntry
from billing_core.ledger._entries import PaymentApplied as PaymentApplied
from billing_core.ledger._entries import PaymentReceived as PaymentReceived
from billing_core.ledger._entries import Refund as Refund
from billing_core.ledger._entries import Source as Source
from billing_core.ledger._entries import Transfer as Transfer
from billing_core.ledger._entries import WriteOff as WriteOff
from billing_core.ledger._entries import WriteOffReason as WriteOffReason
from billing_core.ledger._history import HISTORY_RULES as HISTORY_RULES
from billing_core.ledger._history import HistoryRule as HistoryRule
from billing_core.ledger._history import charged_before_use as charged_before_use
from billing_core.ledger._history import check_history as check_history
from billing_core.ledger._history import never_below_zero as never_below_zero
from billing_core.ledger._history import one_account_per_line as one_account_per_line
from billing_core.ledger._history import one_currency_per_account as one_currency_per_account
from billing_core.ledger._history import reversals_match_their_originals as reversals_match_their_originals
from billing_core.ledger._history import reversed_at_most_once as reversed_at_most_once
from billing_core.ledger._history import unique_ids as unique_ids
from billing_core.ledger._history import validate_history as validate_history
from billing_core.ledger._payer import AppealHold as AppealHold
from billing_core.ledger._payer import CashHeld as CashHeld
from billing_core.ledger._payer import CreditTransfer as CreditTransfer
from billing_core.ledger._payer import ProviderPayment as ProviderPayment
from billing_core.ledger._payer import ProviderWithholding as ProviderWithholding
from billing_core.ledger._reversals import Entry as Entry
from billing_core.ledger._reversals import OriginalEntry as OriginalEntry
from billing_core.ledger._reversals import Reversal as Reversal
from billing_core.ledger._reversals import reverse as reverse

__all__ = [
    "Bucket",
    "Party",
    "PartyKind",
    "next_bucket",
    "Adjustment",
    "ChargePosted",
    "LedgerEntry",
    "PaymentApplied",
    "PaymentReceived",
    "Refund",
    "Source",
    "Transfer",
    "WriteOff",
    "WriteOffReason",
    "HISTORY_RULES",
    "HistoryRule",
    "charged_before_use",
    "check_history",
    "never_below_zero",
    "one_account_per_line",
    "one_currency_per_account",
    "reversals_match_their_originals",
    "reversed_at_most_once",
    "unique_ids",
    "validate_history",
    "AppealHold",
    "CashHeld",
    "CreditTransfer",
    "ProviderPayment",
    "ProviderWithholding",
    "Entry",
    "OriginalEntry",
    "Reversal",
    "reverse",
]
