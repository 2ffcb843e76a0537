"""The public API: the curated top level, pinned; documented; typed through its stub."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import billing_core
from billing_core._lazy import render_stub

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import stubs

ROOT = Path(__file__).resolve().parents[1]

# The top level, pinned: a change here is a change of the public API (CHANGELOG).
TOP_LEVEL = [
    "Adjustment",
    "AgingAnchor",
    "AgingReport",
    "AllocationMode",
    "Balance",
    "BalanceCheck",
    "Bill",
    "BillStatus",
    "BillingError",
    "Bucket",
    "CareRole",
    "CareTeamMember",
    "CasAdjustment",
    "Category",
    "ChargePosted",
    "Claim",
    "ClaimFrequency",
    "ClaimPayment",
    "ClaimState",
    "ClaimStatus",
    "ConcurrencyError",
    "Coverage",
    "CoverageSequence",
    "CurrencyMismatchError",
    "DiagnosisCode",
    "DocumentRef",
    "DuplicateError",
    "Encounter",
    "Entry",
    "FeeSchedule",
    "FilingRule",
    "Finding",
    "GroupCode",
    "Guarantor",
    "InsufficientCreditError",
    "InvalidAmountError",
    "InvalidTransitionError",
    "LineBalance",
    "LineItem",
    "Money",
    "NDC",
    "NPI",
    "NotFoundError",
    "OldestFirst",
    "Party",
    "Patient",
    "PatientAuthorization",
    "Payer",
    "Payment",
    "PaymentApplied",
    "PaymentReceived",
    "PlaceOfService",
    "PlanBenefits",
    "PostingPlan",
    "PriceComponent",
    "ProcedureCode",
    "Proportional",
    "Provider",
    "ProviderAdjustment",
    "Refund",
    "Remittance",
    "RevenueCode",
    "Reversal",
    "RoundingMode",
    "ServicePayment",
    "Severity",
    "SpecificLines",
    "Statement",
    "StatementPolicy",
    "Store",
    "Transfer",
    "ValidationError",
    "WriteOff",
    "WriteOffReason",
    "account_balance",
    "age",
    "allocate",
    "apply_allocation",
    "apply_posting",
    "balancing_report",
    "bill_charges",
    "bill_total",
    "check_claim",
    "claim_charges",
    "claim_status",
    "claim_total",
    "credits",
    "estimate",
    "explain",
    "filing_deadline",
    "format_money",
    "from_dict",
    "from_json",
    "issue_bill",
    "line_balances",
    "new_id",
    "plan_allocation",
    "plan_posting",
    "post_bill",
    "post_payment",
    "post_remittance",
    "price_line",
    "receipt",
    "refund_credit",
    "reverse",
    "route",
    "secondary_claim",
    "split",
    "statement",
    "submit_encounter",
    "to_dict",
    "to_json",
    "total",
    "validate_claim",
    "write_off_small_balances",
]


def test_the_top_level_is_the_curated_vocabulary() -> None:
    assert sorted(billing_core.__all__) == sorted(TOP_LEVEL)
    assert len(TOP_LEVEL) <= 120


def test_the_stub_is_generated_from_the_export_table() -> None:
    stub = Path(billing_core.__file__).with_suffix(".pyi").read_text()
    assert stub == render_stub(billing_core._EXPORTS, stubs.HEADER), "run `make stubs`"


def test_importing_the_package_imports_none_of_its_modules() -> None:
    code = (
        "import sys, billing_core; "
        "print(sorted(m for m in sys.modules if m.startswith('billing_core.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split() == ["['billing_core._lazy']"]


def test_a_name_is_imported_on_first_use_and_then_bound() -> None:
    assert billing_core.plan_posting is billing_core.posting.plan_posting
    assert "plan_posting" in vars(billing_core)
    with pytest.raises(AttributeError, match="has no attribute 'nothing_here'"):
        billing_core.nothing_here  # noqa: B018


def test_all_names_exist_and_are_unique() -> None:
    assert len(billing_core.__all__) == len(set(billing_core.__all__))
    missing = [n for n in billing_core.__all__ if not hasattr(billing_core, n)]
    assert missing == []


def test_every_public_callable_has_a_docstring() -> None:
    undocumented = [
        name
        for name in billing_core.__all__
        if (inspect.isclass(getattr(billing_core, name)) or callable(getattr(billing_core, name)))
        and not inspect.getdoc(getattr(billing_core, name))
    ]
    assert undocumented == []


def _public_home(module: str) -> str:
    """The public module a name is imported from: its module without private parts."""
    return ".".join(part for part in module.split(".") if not part.startswith("_"))


def test_every_public_module_has_a_reference_page() -> None:
    homes = {
        _public_home(getattr(billing_core, n).__module__)
        for n in billing_core.__all__
        if hasattr(getattr(billing_core, n), "__module__")
    }
    homes.discard("builtins")
    pages = (ROOT / "docs" / "reference").glob("*.md")
    documented = {
        line.strip()[4:]
        for p in pages
        for line in p.read_text().splitlines()
        if line.startswith("::: ")
    }
    assert sorted(m for m in homes if m.startswith("billing_core") and m not in documented) == []


def test_every_name_is_exported_by_its_public_home() -> None:
    missing = []
    for name in billing_core.__all__:
        value = getattr(billing_core, name)
        module = getattr(value, "__module__", None)
        if not isinstance(module, str) or not module.startswith("billing_core."):
            continue
        home = importlib.import_module(_public_home(module))
        if name not in getattr(home, "__all__", ()):
            missing.append(f"{name} ({home.__name__})")
    assert missing == []
