# Generated from _EXPORTS in billing_core/balances/__init__.py by `make stubs`; do not edit.

from billing_core.balances._amounts import Amounts as Amounts
from billing_core.balances._amounts import Balance as Balance
from billing_core.balances._amounts import Credit as Credit
from billing_core.balances._amounts import LineBalance as LineBalance
from billing_core.balances._explanation import Explanation as Explanation
from billing_core.balances._explanation import ExplanationRow as ExplanationRow
from billing_core.balances._explanation import explain as explain
from billing_core.balances._folds import account_balance as account_balance
from billing_core.balances._folds import account_balances as account_balances
from billing_core.balances._folds import credits as credits
from billing_core.balances._folds import group_balance as group_balance
from billing_core.balances._folds import line_balances as line_balances
from billing_core.balances._tables import LineBalances as LineBalances

__all__ = [
    "Amounts",
    "Balance",
    "Credit",
    "LineBalance",
    "Explanation",
    "ExplanationRow",
    "explain",
    "account_balance",
    "account_balances",
    "credits",
    "group_balance",
    "line_balances",
    "LineBalances",
]
