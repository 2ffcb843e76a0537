"""The one masking policy: no protected value in any repr, str, HTML view or record export.

Every public class that holds patient identifiers is built by the public
strategies, with distinctive values planted in its protected fields (so a
value cannot appear by accident elsewhere in the text), and every view of it
is searched for those values. The values are known here, never taken from the
code under test; the opt-in (``unmasked=True``, ``patient_copy=True``) must
show them.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from datetime import date
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import billing_core
from billing_core.aging import age, open_lines
from billing_core.balances import credits, explain, line_balances
from billing_core.bills import Bill
from billing_core.claims import Claim
from billing_core.ledger import Entry, Party, PaymentApplied, PaymentReceived, Refund, Reversal
from billing_core.parties import Guarantor, Patient
from billing_core.posting import plan_posting
from billing_core.remittance import ClaimParty, ClaimPayment, Reference, Remittance
from billing_core.statements import render_html, render_text, statement
from billing_core.testing.strategies import (
    HISTORY_PATIENT,
    bills,
    claims,
    coverages,
    encounters,
    guarantors,
    ledger_histories,
    patient_authorizations,
    patients,
    posting_scenarios,
)
from billing_core.views import MASK, Protected, masked_fields, shown, to_records

QUICK = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Letters that spell nothing the library prints; ids of 12 to 16 characters.
_ODD = "BCDFGHJKMNPQRSTVWXZ"
BORN = date(1901, 2, 3)
BORN_TEXTS = ("1901-02-03", "1901, 2, 3", "19010203")  # distinctive: never a bare year


def sentinel_ids(prefix: str) -> st.SearchStrategy[str]:
    return st.text(_ODD, min_size=8, max_size=12).map(lambda s: f"{prefix}-{s}")


def sentinel_names() -> st.SearchStrategy[str]:
    return st.text(_ODD.lower(), min_size=6, max_size=10).map(lambda s: f"Zq{s} Xv{s[::-1]}")


def views(obj: object) -> dict[str, str]:
    """Every default (masked) view of an object, as text."""
    found = {"repr": repr(obj), "str": str(obj)}
    for name in ("_repr_html_", "to_html"):
        if hasattr(obj, name):
            found[name] = getattr(obj, name)()
    if hasattr(obj, "to_records"):
        found["to_records"] = repr(obj.to_records())
        found["to_records(minor)"] = repr(obj.to_records(money="minor"))
    if hasattr(obj, "text"):
        found["text"] = obj.text
    return found


def assert_hidden(obj: object, values: Iterable[str]) -> None:
    for view, text in views(obj).items():
        for value in values:
            assert value not in text, f"{type(obj).__name__} {view} shows {value!r}"


def assert_shown_when_asked(obj: Any, values: Iterable[str]) -> None:
    """The explicit opt-in shows every protected value that a table holds."""
    records = repr(obj.to_records(unmasked=True))
    page = obj.to_html(unmasked=True)
    for value in values:
        assert value in records or value in page, f"{type(obj).__name__} never shows {value!r}"


def person(draw: st.DrawFn, base: Patient | Guarantor) -> tuple[Patient | Guarantor, list[str]]:
    """The person with planted id and name (and birth date), and the planted texts."""
    new_id, name = draw(sentinel_ids("MRN")), draw(sentinel_names())
    if isinstance(base, Patient):
        return attrs.evolve(base, id=new_id, name=name, birth_date=BORN), [
            new_id,
            name,
            *BORN_TEXTS,
        ]
    return attrs.evolve(base, id=new_id, name=name), [new_id, name]


# --------------------------------------------------------------------------- parties


@QUICK
@given(st.data())
def test_parties_never_show_their_identifiers(data: st.DataObject) -> None:
    patient, planted = person(data.draw, data.draw(patients()))
    assert_hidden(patient, planted)
    guarantor, planted_g = person(data.draw, data.draw(guarantors()))
    assert_hidden(guarantor, planted_g)
    member = data.draw(sentinel_ids("MEM"))
    coverage = attrs.evolve(data.draw(coverages()), member_id=member)
    assert_hidden(coverage, [member])
    assert repr(coverage).count(MASK + member[-4:]) == 1  # an id keeps its last 4 characters
    signer = data.draw(sentinel_names())
    authorization = attrs.evolve(data.draw(patient_authorizations()), signed_by=signer)
    assert_hidden(authorization, [signer])
    party = Party.patient(patient.id)
    assert_hidden(party, [patient.id])
    assert str(party) == f"patient:{MASK}{patient.id[-4:]}"
    assert str(Party.payer("AETNA-HEALTH")) == "payer:AETNA-HEALTH"  # payers are not PHI


# --------------------------------------------------------------------------- documents


@QUICK
@given(st.data())
def test_bills_mask_every_view(data: st.DataObject) -> None:
    bill: Bill = data.draw(bills())
    account, patient_id = data.draw(sentinel_ids("ACCT")), data.draw(sentinel_ids("PAT"))
    planted = [account, patient_id]
    bill_to = bill.bill_to
    if isinstance(bill_to, Patient | Guarantor):
        bill_to, extra = person(data.draw, bill_to)
        planted += extra
    bill = attrs.evolve(bill, account_id=account, patient_id=patient_id, bill_to=bill_to)
    assert_hidden(bill, planted)
    assert_shown_when_asked(bill, [account, patient_id])
    for record in bill.to_records():
        assert record["account_id"] == MASK + account[-4:]


@QUICK
@given(st.data())
def test_claims_mask_every_view(data: st.DataObject) -> None:
    claim: Claim = data.draw(claims())
    account, patient_id = data.draw(sentinel_ids("ACCT")), data.draw(sentinel_ids("PAT"))
    member = data.draw(sentinel_ids("MEM"))
    coverage = attrs.evolve(claim.coverage, member_id=member)
    claim = attrs.evolve(claim, account_id=account, patient_id=patient_id, coverage=coverage)
    assert_hidden(claim, [account, patient_id, member])
    assert_shown_when_asked(claim, [account, patient_id, member])


@QUICK
@given(st.data())
def test_encounters_mask_every_view(data: st.DataObject) -> None:
    encounter = data.draw(encounters())
    account = data.draw(sentinel_ids("ACCT"))
    patient, planted = person(data.draw, encounter.patient)
    guarantor = encounter.guarantor
    if guarantor is not None:
        guarantor, extra = person(data.draw, guarantor)
        planted += extra
    encounter = attrs.evolve(encounter, account_id=account, patient=patient, guarantor=guarantor)
    assert_hidden(encounter, [account, *planted])
    assert_shown_when_asked(encounter, [account, patient.id])


# --------------------------------------------------------------------------- the ledger and reports


def _history(account: str) -> st.SearchStrategy[tuple[Entry, ...]]:
    return ledger_histories(account_id=account, max_steps=15)


@QUICK
@given(st.data())
def test_entries_and_everything_folded_from_them_mask_every_view(data: st.DataObject) -> None:
    account = data.draw(sentinel_ids("ACCT"))
    history = data.draw(_history(account))
    patient_id = HISTORY_PATIENT.id  # "PATIENT-1": distinctive enough to search for
    planted = [account, patient_id]
    as_of = history[-1].effective
    for entry in history:
        assert_hidden(entry, planted)
    records = repr(to_records(history))
    assert account not in records and patient_id not in records
    assert account in repr(to_records(history, unmasked=True))
    balances = line_balances(history, as_of)
    assert_hidden(balances, planted)
    assert_shown_when_asked(balances, [account])
    for balance in balances.values():
        assert_hidden(balance, planted)
        assert_hidden(explain(history, balance.line_id, as_of=as_of), planted)
    for credit in credits(history, as_of).values():
        assert_hidden(credit, planted)
    report = age(open_lines(history, as_of), as_of, currency="USD")
    assert_hidden(report, planted)
    for level in ("detail", "account", "credits"):
        assert account not in repr(report.to_records(level))  # type: ignore[arg-type]
    name = data.draw(sentinel_names())
    sheet = statement(history, as_of, patient_name=name)
    assert_hidden(sheet, [*planted, name])
    own = render_text(sheet, patient_copy=True) + render_html(sheet, patient_copy=True)
    assert account in own and name in own
    assert account in repr(sheet.to_records(unmasked=True)) or not sheet.lines


def test_explanation_rows_show_a_paying_patient_in_full_only_on_request() -> None:
    day = date(2024, 1, 5)
    jane = Party.patient("MRN-000123456")
    usd = billing_core.Money("5.00", "USD")
    history = [
        billing_core.ChargePosted(
            id="c1", account_id="ACCT-0009876", line_id="L1", effective=day, amount=usd,
            bucket=billing_core.Bucket.PATIENT,
        ),
        PaymentReceived(id="p1", account_id="ACCT-0009876", effective=day, amount=usd, party=jane),
        PaymentApplied(
            id="a1", account_id="ACCT-0009876", line_id="L1", effective=day, amount=usd,
            party=jane, bucket=billing_core.Bucket.PATIENT,
        ),
    ]  # fmt: skip
    story = explain(history, "L1", as_of=day)
    assert_hidden(story, ["MRN-000123456", "ACCT-0009876"])
    assert story.rows[1].description == "paid by patient:****3456 from patient"
    full = story.to_records(unmasked=True)[1]["description"]
    assert full == "paid by patient:MRN-000123456 from patient"
    assert "ACCT-0009876" in story.to_html(unmasked=True)


@QUICK
@given(posting_scenarios(max_claims=2, max_lines=2))
def test_posting_plans_mask_their_accounts(scenario: Any) -> None:
    plan = plan_posting(scenario.remittance, scenario.claims, scenario.history)
    accounts = plan.accounts
    page, records = plan.to_html(), plan.to_records()
    for account in accounts:
        # the scenario's account ids are short ("A0"): hidden entirely, never quoted
        assert f"'{account}'" not in repr(plan) and f">{account}<" not in page
    patients = {claim.account_id for claim in scenario.claims}
    # patient accounts ("A0") are short: hidden entirely; a remittance's own account (payer
    # money, "remittance:<payer>:<trace>") is long: masked but for its tail
    assert not patients & {r["account_id"] for r in records}
    assert {r["account_id"] for r in records} <= {shown(a, Protected.ID) for a in accounts}
    assert {r["account_id"] for r in plan.to_records(unmasked=True)} <= set(accounts)
    assert all(f">{account}<" in plan.to_html(unmasked=True) for account in accounts)


# --------------------------------------------------------------------------- completeness

# Fields that hold a patient identifier wherever they appear on a public class.
_PHI_FIELDS = {"account_id", "patient_id", "member_id", "patient_name", "birth_date", "signed_by"}
# Name parts and identifiers of the names an 835 gives (remittance.ClaimParty), and the
# value of a payer's reference number, which may be a member id or a record number.
_PHI_FIELDS |= {"last_name", "first_name", "middle_name", "identifier"}
_PHI_OWNED = {("Reference", "value")}
# Classes whose own id and name identify a person.
_PERSONS = {Patient, Guarantor}
# UnappliedCash names a remittance's own account (payer money: payer and trace number), which
# holds nothing of a patient's.
_NOT_YET = {"UnappliedCash"}


def _public_classes() -> Iterable[type]:
    for info in pkgutil.walk_packages(billing_core.__path__, "billing_core."):
        if any(part.startswith("_") for part in info.name.split(".")[1:]):
            continue
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", ()):
            value = getattr(module, name)
            if isinstance(value, type) and attrs.has(value):
                yield value


def test_every_public_class_marks_its_patient_identifiers() -> None:
    unmarked: list[str] = []
    for cls in set(_public_classes()):
        if cls.__name__ in _NOT_YET:
            continue
        names = {f.name for f in attrs.fields(cls)}
        wanted = names & _PHI_FIELDS | ({"id", "name"} if cls in _PERSONS else set())
        wanted |= {field for owner, field in _PHI_OWNED if owner == cls.__name__}
        marked = {f.name for f in attrs.fields(cls) if f.metadata}
        unmarked += [f"{cls.__name__}.{n}" for n in sorted(wanted - marked)]
    assert unmarked == []


@QUICK
@given(st.data())
def test_remittance_names_and_references_mask_every_view(data: st.DataObject) -> None:
    last, first = data.draw(sentinel_names()), data.draw(sentinel_names())
    member, record = data.draw(sentinel_ids("MEM")), data.draw(sentinel_ids("MRN"))
    usd = billing_core.Money("5.00", "USD")
    patient = ClaimParty(
        role="QC", last_name=last, first_name=first, id_qualifier="MI", identifier=member
    )
    claim = ClaimPayment(
        patient_control_number="CLM-1", status="1", charge=usd, paid=usd, parties=[patient],
        references=[Reference(qualifier="EA", value=record)],
    )  # fmt: skip
    remittance = Remittance(
        payer="P1", payee="1234567893", total_payment=usd, payment_method="CHK",
        trace_number="T-1", paid_date=date(2024, 5, 1), claims=[claim],
    )  # fmt: skip
    planted = [last, first, member, record]
    for item in (patient, claim.references[0], claim, remittance):
        assert_hidden(item, planted)
    assert repr(patient).count(member[-4:]) == 1  # an id keeps its last 4 characters


def test_a_patient_party_is_protected_and_a_payer_is_not() -> None:
    assert masked_fields(Party.patient("P1")) == {"id": billing_core.views.Protected.ID}
    assert masked_fields(Party.payer("AETNA")) == {}
    entry = Refund(
        id="f1", account_id="ACCT-0001234", effective=date(2024, 1, 1),
        amount=billing_core.Money("1.00", "USD"), party=Party.payer("AETNA"),
    )  # fmt: skip
    (record,) = to_records([entry])
    assert (record["account_id"], record["party_id"]) == ("****1234", "AETNA")
    undo = Reversal(
        id="r1", account_id="ACCT-0001234", effective=date(2024, 1, 2),
        amount=billing_core.Money("-1.00", "USD"), reverses="f1", original=entry,
    )  # fmt: skip
    assert to_records([undo])[0]["original_account_id"] == "****1234"


@pytest.mark.parametrize(
    ("value", "masked"),
    [("MRN-000123456", "****3456"), ("ACCT-12", "****"), ("12345678", "****5678"), ("", "****")],
)
def test_identifiers_keep_their_last_four_characters_only_when_long(
    value: str, masked: str
) -> None:
    # worked out by hand: ids of 8 characters or more keep 4, shorter ones nothing
    assert billing_core.views.mask_identifier(value) == masked
