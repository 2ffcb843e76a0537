# Generated from _EXPORTS in billing_core/claims/__init__.py by `make stubs`; do not edit.

from billing_core.claims._acknowledgements import ACCEPTED_CATEGORIES as ACCEPTED_CATEGORIES
from billing_core.claims._acknowledgements import REJECTED_CATEGORIES as REJECTED_CATEGORIES
from billing_core.claims._acknowledgements import AcknowledgementStatus as AcknowledgementStatus
from billing_core.claims._acknowledgements import ClaimAcknowledgement as ClaimAcknowledgement
from billing_core.claims._claim import MAX_DIAGNOSES as MAX_DIAGNOSES
from billing_core.claims._claim import MAX_POINTERS_PER_LINE as MAX_POINTERS_PER_LINE
from billing_core.claims._claim import Claim as Claim
from billing_core.claims._claim import ClaimFrequency as ClaimFrequency
from billing_core.claims._institutional import InstitutionalClaim as InstitutionalClaim
from billing_core.claims._prior_payers import PriorLineAdjudication as PriorLineAdjudication
from billing_core.claims._prior_payers import PriorPayerAdjudication as PriorPayerAdjudication
from billing_core.claims._rules import CLAIM_RULES as CLAIM_RULES
from billing_core.claims._rules import ClaimRule as ClaimRule
from billing_core.claims._rules import care_team_npis_valid as care_team_npis_valid
from billing_core.claims._rules import check_claim as check_claim
from billing_core.claims._rules import diagnoses_within_limits as diagnoses_within_limits
from billing_core.claims._rules import diagnosis_code_set_matches_dates as diagnosis_code_set_matches_dates
from billing_core.claims._rules import lines_have_codes as lines_have_codes
from billing_core.claims._rules import modifiers_well_formed as modifiers_well_formed
from billing_core.claims._rules import pointers_point_to_diagnoses as pointers_point_to_diagnoses
from billing_core.claims._rules import prior_payer_lines_on_claim as prior_payer_lines_on_claim
from billing_core.claims._rules import replacement_names_original as replacement_names_original
from billing_core.claims._rules import require_attachments as require_attachments
from billing_core.claims._rules import require_referring_provider as require_referring_provider
from billing_core.claims._rules import services_within_claim_dates as services_within_claim_dates
from billing_core.claims._rules import total_charge_matches_lines as total_charge_matches_lines
from billing_core.claims._rules import validate_claim as validate_claim

__all__ = [
    "ACCEPTED_CATEGORIES",
    "REJECTED_CATEGORIES",
    "AcknowledgementStatus",
    "ClaimAcknowledgement",
    "MAX_DIAGNOSES",
    "MAX_POINTERS_PER_LINE",
    "Claim",
    "ClaimFrequency",
    "InstitutionalClaim",
    "PriorLineAdjudication",
    "PriorPayerAdjudication",
    "CLAIM_RULES",
    "ClaimRule",
    "care_team_npis_valid",
    "check_claim",
    "diagnoses_within_limits",
    "diagnosis_code_set_matches_dates",
    "lines_have_codes",
    "modifiers_well_formed",
    "pointers_point_to_diagnoses",
    "prior_payer_lines_on_claim",
    "replacement_names_original",
    "require_attachments",
    "require_referring_provider",
    "services_within_claim_dates",
    "total_charge_matches_lines",
    "validate_claim",
]
