# Generated from _EXPORTS in billing_core/aging/__init__.py by `make stubs`; do not edit.

from billing_core.aging._bands import DEFAULT_EDGES as DEFAULT_EDGES
from billing_core.aging._bands import AgingRow as AgingRow
from billing_core.aging._bands import band_labels as band_labels
from billing_core.aging._bands import validate_edges as validate_edges
from billing_core.aging._folds import age as age
from billing_core.aging._folds import open_lines as open_lines
from billing_core.aging._folds import unapplied_credits as unapplied_credits
from billing_core.aging._items import AgingAnchor as AgingAnchor
from billing_core.aging._items import CreditLine as CreditLine
from billing_core.aging._items import OpenLine as OpenLine
from billing_core.aging._report import AgingReport as AgingReport

__all__ = [
    "DEFAULT_EDGES",
    "AgingRow",
    "band_labels",
    "validate_edges",
    "age",
    "open_lines",
    "unapplied_credits",
    "AgingAnchor",
    "CreditLine",
    "OpenLine",
    "AgingReport",
]
