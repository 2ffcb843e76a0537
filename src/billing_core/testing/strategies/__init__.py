"""Public hypothesis strategies for every billing_core value, document and entry.

Use them to fuzz your own code built on the library::

    from hypothesis import given
    from billing_core.testing.strategies import moneys

    @given(moneys(currency="USD"))
    def test_my_rounding(m): ...
"""

from billing_core.testing.strategies.codes import (
    carcs,
    diagnosis_codes,
    group_codes,
    ndcs,
    npi_check_digit,
    npis,
    places_of_service,
    procedure_codes,
    rarcs,
    revenue_codes,
    taxonomy_codes,
)
from billing_core.testing.strategies.money import CURRENCIES, currencies, moneys, ratios

__all__ = [
    # money
    "CURRENCIES",
    "currencies",
    "moneys",
    "ratios",
    # codes
    "carcs",
    "diagnosis_codes",
    "group_codes",
    "ndcs",
    "npi_check_digit",
    "npis",
    "places_of_service",
    "procedure_codes",
    "rarcs",
    "revenue_codes",
    "taxonomy_codes",
]
