"""Public hypothesis strategies for every billing_core value, document and entry.

Use them to fuzz your own code built on the library:

    from hypothesis import given
    from billing_core.testing.strategies import claims, moneys

    @given(claims())
    def test_my_export(claim): ...
"""

from billing_core.testing._extra import require

require("hypothesis", extra="testing", part="billing_core.testing.strategies")

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
from billing_core.testing.strategies.documents import (
    bills,
    claims,
    document_refs,
    encounters,
    line_items,
    patient_authorizations,
    price_components,
    service_dates,
)
from billing_core.testing.strategies.followup import (
    anchor_dates,
    bucket_edges,
    filing_rules,
    holiday_calendars,
    open_line_lists,
    open_line_rows,
)
from billing_core.testing.strategies.ledger import (
    HISTORY_PATIENT,
    HISTORY_PAYERS,
    buckets,
    ledger_entries,
    ledger_histories,
    ledger_parties,
    sources,
    write_off_reasons,
)
from billing_core.testing.strategies.money import (
    CURRENCIES,
    currencies,
    moneys,
    ratios,
)
from billing_core.testing.strategies.parties import (
    care_team_members,
    coverages,
    guarantors,
    patients,
    payers,
    plan_benefits,
    providers,
)
from billing_core.testing.strategies.remittance import (
    REASONS_BY_GROUP,
    PostingScenario,
    adjustments_totalling,
    balanced_claim_payments,
    balanced_remittances,
    balanced_service_payments,
    posting_scenarios,
    provider_adjustments,
    split_minor,
)

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
    # documents
    "bills",
    "care_team_members",
    "claims",
    "coverages",
    "document_refs",
    "encounters",
    "guarantors",
    "line_items",
    "patient_authorizations",
    "patients",
    "payers",
    "plan_benefits",
    "price_components",
    "providers",
    "service_dates",
    # ledger
    "HISTORY_PATIENT",
    "HISTORY_PAYERS",
    "buckets",
    "ledger_entries",
    "ledger_histories",
    "ledger_parties",
    "sources",
    "write_off_reasons",
    # remittance
    "REASONS_BY_GROUP",
    "adjustments_totalling",
    "balanced_claim_payments",
    "balanced_remittances",
    "balanced_service_payments",
    "posting_scenarios",
    "PostingScenario",
    "provider_adjustments",
    "split_minor",
    # followup
    "anchor_dates",
    "bucket_edges",
    "filing_rules",
    "holiday_calendars",
    "open_line_lists",
    "open_line_rows",
]
