# Generated from _EXPORTS in billing_core/statements/__init__.py by `make stubs`; do not edit.

from billing_core.statements._document import Statement as Statement
from billing_core.statements._document import StatementLine as StatementLine
from billing_core.statements._document import statement as statement
from billing_core.statements._dunning import ActionKind as ActionKind
from billing_core.statements._dunning import DunningAction as DunningAction
from billing_core.statements._dunning import DunningHistory as DunningHistory
from billing_core.statements._dunning import next_action as next_action
from billing_core.statements._policy import FinalAction as FinalAction
from billing_core.statements._policy import PeriodUnit as PeriodUnit
from billing_core.statements._policy import StatementPolicy as StatementPolicy
from billing_core.statements._render import render_html as render_html
from billing_core.statements._render import render_text as render_text

__all__ = [
    "Statement",
    "StatementLine",
    "statement",
    "ActionKind",
    "DunningAction",
    "DunningHistory",
    "next_action",
    "FinalAction",
    "PeriodUnit",
    "StatementPolicy",
    "render_html",
    "render_text",
]
