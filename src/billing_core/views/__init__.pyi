# Generated from _EXPORTS in billing_core/views/__init__.py by `make stubs`; do not edit.

from billing_core.views._html import html_table as html_table
from billing_core.views._masking import ID_VISIBLE as ID_VISIBLE
from billing_core.views._masking import MASK as MASK
from billing_core.views._masking import Protected as Protected
from billing_core.views._masking import mask_identifier as mask_identifier
from billing_core.views._masking import masked_fields as masked_fields
from billing_core.views._masking import masked_repr as masked_repr
from billing_core.views._masking import protected as protected
from billing_core.views._masking import shown as shown
from billing_core.views._records import MoneyForm as MoneyForm
from billing_core.views._records import Record as Record
from billing_core.views._records import RecordValue as RecordValue
from billing_core.views._records import money_value as money_value
from billing_core.views._records import plain_value as plain_value
from billing_core.views._records import to_records as to_records

__all__ = [
    "html_table",
    "ID_VISIBLE",
    "MASK",
    "Protected",
    "mask_identifier",
    "masked_fields",
    "masked_repr",
    "protected",
    "shown",
    "MoneyForm",
    "Record",
    "RecordValue",
    "money_value",
    "plain_value",
    "to_records",
]
