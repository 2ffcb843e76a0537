# Generated from _EXPORTS in billing_core/posting/__init__.py by `make stubs`; do not edit.

from billing_core.posting._apply import apply_posting as apply_posting
from billing_core.posting._apply import idempotency_key as idempotency_key
from billing_core.posting._denials import DEFAULT_ADJUSTED_REASONS as DEFAULT_ADJUSTED_REASONS
from billing_core.posting._denials import DEFAULT_APPEAL_RULE as DEFAULT_APPEAL_RULE
from billing_core.posting._denials import DEFAULT_DENIAL_POLICY as DEFAULT_DENIAL_POLICY
from billing_core.posting._denials import DEFAULT_HELD_REASONS as DEFAULT_HELD_REASONS
from billing_core.posting._denials import DenialAction as DenialAction
from billing_core.posting._denials import DenialPolicy as DenialPolicy
from billing_core.posting._denials import check_denial_policy as check_denial_policy
from billing_core.posting._plan import plan_posting as plan_posting
from billing_core.posting._reconcile import UnappliedCash as UnappliedCash
from billing_core.posting._reconcile import reconcile_deposit as reconcile_deposit
from billing_core.posting._reconcile import reconcile_remittance as reconcile_remittance
from billing_core.posting._reconcile import remittance_account as remittance_account
from billing_core.posting._reconcile import unapplied_cash as unapplied_cash
from billing_core.posting._types import NON_COVERED_REASONS as NON_COVERED_REASONS
from billing_core.posting._types import PRIOR_PAYER_IMPACT_REASONS as PRIOR_PAYER_IMPACT_REASONS
from billing_core.posting._types import ClaimLevelRule as ClaimLevelRule
from billing_core.posting._types import Crossover as Crossover
from billing_core.posting._types import FollowUp as FollowUp
from billing_core.posting._types import FollowUpKind as FollowUpKind
from billing_core.posting._types import PostingPlan as PostingPlan
from billing_core.posting._types import ProviderPosting as ProviderPosting
from billing_core.posting._types import ProviderPostingKind as ProviderPostingKind
from billing_core.posting._types import UnmatchedPolicy as UnmatchedPolicy
from billing_core.posting._unapplied import apply_unapplied as apply_unapplied

__all__ = [
    "apply_posting",
    "idempotency_key",
    "DEFAULT_ADJUSTED_REASONS",
    "DEFAULT_APPEAL_RULE",
    "DEFAULT_DENIAL_POLICY",
    "DEFAULT_HELD_REASONS",
    "DenialAction",
    "DenialPolicy",
    "check_denial_policy",
    "plan_posting",
    "UnappliedCash",
    "reconcile_deposit",
    "reconcile_remittance",
    "remittance_account",
    "unapplied_cash",
    "NON_COVERED_REASONS",
    "PRIOR_PAYER_IMPACT_REASONS",
    "ClaimLevelRule",
    "Crossover",
    "FollowUp",
    "FollowUpKind",
    "PostingPlan",
    "ProviderPosting",
    "ProviderPostingKind",
    "UnmatchedPolicy",
    "apply_unapplied",
]
