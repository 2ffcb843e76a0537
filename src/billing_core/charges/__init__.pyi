# Generated from _EXPORTS in billing_core/charges/__init__.py by `make stubs`; do not edit.

from billing_core.charges._attachments import AttachmentTransmission as AttachmentTransmission
from billing_core.charges._attachments import DocumentKind as DocumentKind
from billing_core.charges._attachments import DocumentRef as DocumentRef
from billing_core.charges._authorizations import PatientAuthorization as PatientAuthorization
from billing_core.charges._authorizations import authorization_problem as authorization_problem
from billing_core.charges._authorizations import require_patient_authorization as require_patient_authorization
from billing_core.charges._encounters import Encounter as Encounter
from billing_core.charges._line_items import MAX_DIAGNOSIS_POINTER as MAX_DIAGNOSIS_POINTER
from billing_core.charges._line_items import ZERO_UNITS_ALLOWED as ZERO_UNITS_ALLOWED
from billing_core.charges._line_items import Category as Category
from billing_core.charges._line_items import Drug as Drug
from billing_core.charges._line_items import DrugUnit as DrugUnit
from billing_core.charges._line_items import LineItem as LineItem
from billing_core.charges._line_items import UnitBasis as UnitBasis
from billing_core.charges._prices import PriceComponent as PriceComponent
from billing_core.charges._prices import PriceComponentKind as PriceComponentKind

__all__ = [
    "AttachmentTransmission",
    "DocumentKind",
    "DocumentRef",
    "PatientAuthorization",
    "authorization_problem",
    "require_patient_authorization",
    "Encounter",
    "MAX_DIAGNOSIS_POINTER",
    "ZERO_UNITS_ALLOWED",
    "Category",
    "Drug",
    "DrugUnit",
    "LineItem",
    "UnitBasis",
    "PriceComponent",
    "PriceComponentKind",
]
