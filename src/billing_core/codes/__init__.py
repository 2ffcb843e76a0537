"""Code value types with format validation, and pluggable date-versioned code sets.

Every code type is a small frozen value: built from a string, validated on
construction, hashable, and printed in its canonical form by ``str()``. Only the
*format* is checked; whether a code exists on a date is a question for a
user-supplied [`CodeSet`][billing_core.codes.CodeSet] (CPT descriptors are
licensed by the AMA and CARC/RARC lists change several times a year, so none are
shipped).

Normalisation is limited to what each class documents: surrounding whitespace
is stripped and letters are upper-cased everywhere; ICD-10-CM and ICD-9-CM dots
and NDC hyphens are removed; three-digit revenue codes are left-padded. Anything
else that does not fit raises [`InvalidCodeError`][billing_core.errors.InvalidCodeError] (a
``ValueError``) naming the value and what was expected. A value that is not a
``str`` raises ``TypeError``.

It holds procedure codes (CPT, HCPCS Level II, CDT) with their modifiers and
the X12 product/service id qualifiers; the other codes of a claim (revenue,
NDC, diagnosis in ICD-10-CM or, for services before `ICD10CM_START`, ICD-9-CM
(`DiagnosisSystem`), place of service, NPI, taxonomy); the codes a payer
answers with (group, CARC, RARC); and code sets with
[`validate_code`][billing_core.codes.validate_code].

Examples:
    >>> from billing_core.codes import DiagnosisCode, NPI, ProcedureCode
    >>> str(ProcedureCode("CPT", "99213", ["25"]))
    '99213-25'
    >>> DiagnosisCode("e11.9") == DiagnosisCode("E119")
    True
    >>> NPI("1234567890")
    Traceback (most recent call last):
    ...
    billing_core.errors.InvalidCodeError: invalid NPI '1234567890': wrong check digit 0, expected 3
"""

from billing_core._lazy import lazy_exports

_EXPORTS = {
    "billing_core.codes._adjustments": ("CARC", "RARC", "GroupCode"),
    "billing_core.codes._claim": (
        "ICD10CM_START",
        "NDC",
        "NPI",
        "DiagnosisCode",
        "DiagnosisSystem",
        "PlaceOfService",
        "RevenueCode",
        "TaxonomyCode",
    ),
    "billing_core.codes._procedures": (
        "MAX_MODIFIERS",
        "X12_PROCEDURE_SYSTEMS",
        "X12_PRODUCT_QUALIFIERS",
        "CodeSystem",
        "ProcedureCode",
        "infer_code_system",
        "system_from_x12",
    ),
    "billing_core.codes._sets": ("CodeSet", "CodeSetEntry", "StaticCodeSet", "validate_code"),
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
