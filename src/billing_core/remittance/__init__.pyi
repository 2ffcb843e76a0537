# Generated from _EXPORTS in billing_core/remittance/__init__.py by `make stubs`; do not edit.

from billing_core.remittance._adjustments import CasAdjustment as CasAdjustment
from billing_core.remittance._advice import PaymentMethod as PaymentMethod
from billing_core.remittance._advice import Remittance as Remittance
from billing_core.remittance._claim_payments import ClaimPayment as ClaimPayment
from billing_core.remittance._claim_payments import ClaimStatus as ClaimStatus
from billing_core.remittance._provider_adjustments import ProviderAdjustment as ProviderAdjustment
from billing_core.remittance._provider_adjustments import ProviderAdjustmentReason as ProviderAdjustmentReason
from billing_core.remittance._service_payments import ServicePayment as ServicePayment
from billing_core.remittance._supplemental import ClaimParty as ClaimParty
from billing_core.remittance._supplemental import ClaimPartyRole as ClaimPartyRole
from billing_core.remittance._supplemental import Reference as Reference
from billing_core.remittance._supplemental import SupplementalAmount as SupplementalAmount
from billing_core.remittance._supplemental import SupplementalQuantity as SupplementalQuantity

__all__ = [
    "CasAdjustment",
    "PaymentMethod",
    "Remittance",
    "ClaimPayment",
    "ClaimStatus",
    "ProviderAdjustment",
    "ProviderAdjustmentReason",
    "ServicePayment",
    "ClaimParty",
    "ClaimPartyRole",
    "Reference",
    "SupplementalAmount",
    "SupplementalQuantity",
]
