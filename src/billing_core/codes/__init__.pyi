# Generated from _EXPORTS in billing_core/codes/__init__.py by `make stubs`; do not edit.

from billing_core.codes._adjustments import CARC as CARC
from billing_core.codes._adjustments import RARC as RARC
from billing_core.codes._adjustments import GroupCode as GroupCode
from billing_core.codes._claim import ICD10CM_START as ICD10CM_START
from billing_core.codes._claim import NDC as NDC
from billing_core.codes._claim import NPI as NPI
from billing_core.codes._claim import DiagnosisCode as DiagnosisCode
from billing_core.codes._claim import DiagnosisSystem as DiagnosisSystem
from billing_core.codes._claim import PlaceOfService as PlaceOfService
from billing_core.codes._claim import RevenueCode as RevenueCode
from billing_core.codes._claim import TaxonomyCode as TaxonomyCode
from billing_core.codes._procedures import MAX_MODIFIERS as MAX_MODIFIERS
from billing_core.codes._procedures import X12_PROCEDURE_SYSTEMS as X12_PROCEDURE_SYSTEMS
from billing_core.codes._procedures import X12_PRODUCT_QUALIFIERS as X12_PRODUCT_QUALIFIERS
from billing_core.codes._procedures import CodeSystem as CodeSystem
from billing_core.codes._procedures import ProcedureCode as ProcedureCode
from billing_core.codes._procedures import infer_code_system as infer_code_system
from billing_core.codes._procedures import system_from_x12 as system_from_x12
from billing_core.codes._sets import CodeSet as CodeSet
from billing_core.codes._sets import CodeSetEntry as CodeSetEntry
from billing_core.codes._sets import StaticCodeSet as StaticCodeSet
from billing_core.codes._sets import validate_code as validate_code

__all__ = [
    "CARC",
    "RARC",
    "GroupCode",
    "ICD10CM_START",
    "NDC",
    "NPI",
    "DiagnosisCode",
    "DiagnosisSystem",
    "PlaceOfService",
    "RevenueCode",
    "TaxonomyCode",
    "MAX_MODIFIERS",
    "X12_PROCEDURE_SYSTEMS",
    "X12_PRODUCT_QUALIFIERS",
    "CodeSystem",
    "ProcedureCode",
    "infer_code_system",
    "system_from_x12",
    "CodeSet",
    "CodeSetEntry",
    "StaticCodeSet",
    "validate_code",
]
