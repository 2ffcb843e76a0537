"""Notebook views: exact numeric records that pandas plots, HTML tables, the aging anchor.

Known answers are worked out by hand in the comments; pandas draws on the Agg
canvas (headless).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import matplotlib
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from billing_core.aging import AgingAnchor, OpenLine, age, open_lines
from billing_core.balances import LineBalances, explain, line_balances
from billing_core.codes import GroupCode
from billing_core.ledger import (
    Adjustment,
    Bucket,
    ChargePosted,
    Party,
    PaymentApplied,
    PaymentReceived,
)
from billing_core.money import Money, currency_exponent
from billing_core.posting import plan_posting
from billing_core.remittance import CasAdjustment, ClaimPayment, Remittance, ServicePayment
from billing_core.statements import StatementPolicy, render_html, render_text, statement
from billing_core.testing.strategies import bills, claims, ledger_histories, posting_scenarios
from billing_core.views import to_records

matplotlib.use("Agg")

QUICK = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
AS_OF = date(2025, 3, 31)
usd = lambda s: Money(s, "USD")  # noqa: E731


def _two_parties() -> list[OpenLine]:
    # primary: 100.00 served 2025-01-02 (88 days: 61-90); patient: 25.00 served 2025-03-01 (30 days)
    return [
        OpenLine(account_id="ACCT-0001234", line_id="L1", bucket=Bucket.PRIMARY,
                 open=usd("100.00"), service_date=date(2025, 1, 2)),
        OpenLine(account_id="ACCT-0001234", line_id="L2", bucket=Bucket.PATIENT,
                 open=usd("25.00"), service_date=date(2025, 3, 1)),
    ]  # fmt: skip


# --------------------------------------------------------------------------- records for pandas


def test_minor_unit_records_plot_with_pandas_and_keep_exact_values() -> None:
    report = age(_two_parties(), AS_OF)
    frame = pd.DataFrame(report.to_records("party", money="minor"))
    labels = list(report.labels)
    assert all(pd.api.types.is_integer_dtype(frame[c]) for c in [*labels, "total"])
    assert frame.set_index("party").loc["primary", "61-90"] == 10000
    assert frame.set_index("party").loc["patient", "0-30"] == 2500
    ax = frame.plot.bar(x="party", y=labels, stacked=True)
    heights = sorted(round(p.get_height()) for p in ax.patches if p.get_height())
    assert heights == [2500, 10000]  # the two non-zero segments, in cents
    ax.figure.clf()
    # the Decimal form is the same exact value
    decimal = report.to_records("party")
    assert decimal[0]["61-90"] == Decimal("100.00") and decimal[1]["0-30"] == Decimal("25.00")


def test_money_must_be_decimal_or_minor() -> None:
    report = age(_two_parties(), AS_OF)
    with pytest.raises(ValueError, match="money must be 'decimal' or 'minor'"):
        report.to_records(money="float")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="money must be"):
        to_records([], money="cents")  # type: ignore[arg-type]


@QUICK
@given(bills(min_lines=1), claims())
def test_minor_and_decimal_records_are_the_same_exact_amounts(bill, claim) -> None:  # type: ignore[no-untyped-def]
    for document in (bill, claim):
        exponent = currency_exponent(document.currency)
        minor = document.to_records(money="minor")
        decimal = document.to_records()
        assert [type(r["charge"]) for r in minor] == [int] * len(minor)
        for m, d in zip(minor, decimal, strict=True):
            assert Decimal(m["charge"]).scaleb(-exponent) == d["charge"]
        # no cent created or lost: the records add up to the document's total
        assert sum(r["charge"] for r in minor) == sum(line.charge.minor for line in document.lines)


# --------------------------------------------------------------------------- the anchor


def _thirty_dollars() -> list[object]:
    # Served 2024-11-20 (131 days before 2025-03-31: "over 120"); the payer paid 70.00 and
    # moved 30.00 to the patient on 2024-12-20 (101 days before: "91-120").
    served, decided = date(2024, 11, 20), date(2024, 12, 20)
    payer = Party.payer("ACME")
    return [
        ChargePosted(id="c1", account_id="A1", line_id="L1", effective=served,
                     amount=usd("100.00"), bucket=Bucket.PRIMARY),
        PaymentReceived(id="p1", account_id="A1", effective=decided, amount=usd("70.00"),
                        party=payer),
        PaymentApplied(id="a1", account_id="A1", line_id="L1", effective=decided,
                       amount=usd("70.00"), party=payer, bucket=Bucket.PRIMARY),
        Adjustment(id="j1", account_id="A1", line_id="L1", effective=decided,
                   amount=usd("30.00"), bucket=Bucket.PRIMARY, group=GroupCode.PR, reason="2",
                   to_bucket=Bucket.PATIENT),
    ]  # fmt: skip


def test_the_same_thirty_dollars_is_banded_by_each_sides_named_anchor() -> None:
    history = _thirty_dollars()
    report = age(open_lines(history, AS_OF), AS_OF)  # type: ignore[arg-type]
    assert report.party("patient").band("over 120") == usd("30.00")
    text = str(report)
    assert "days since service date" in text.splitlines()[0]
    # the difference, explained under the table (wrapped in the text)
    assert "a patient statement ages them from the day the patient" in " ".join(text.split())
    assert "statement ages them" in report.to_html()
    sheet = statement(history, AS_OF)  # type: ignore[arg-type]
    assert sheet.aging_band("91-120") == usd("30.00")
    assert "Amount due by age (days since you became responsible)" in render_text(sheet)
    assert "days since you became responsible" in render_html(sheet)
    # consistent on request, from either side
    same = statement(history, AS_OF, StatementPolicy(aging_anchor=AgingAnchor.SERVICE_DATE))  # type: ignore[arg-type]
    assert same.aging_band("over 120") == usd("30.00")
    assert "Amount due by age (days since the date of service)" in str(same)
    reaged = age(open_lines(history, AS_OF), AS_OF, AgingAnchor.RESPONSIBILITY)  # type: ignore[arg-type]
    assert reaged.party("patient").band("91-120") == usd("30.00")
    assert reaged.anchor_note == "" and "statement ages them" not in str(reaged)


def test_the_statement_policy_refuses_an_anchor_that_is_not_one() -> None:
    with pytest.raises(ValueError, match="aging_anchor: must be an AgingAnchor"):
        StatementPolicy(aging_anchor="service")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- line balances


def test_line_balances_is_a_dict_with_a_table_and_totals() -> None:
    history = _thirty_dollars()
    balances = line_balances(history, AS_OF)  # type: ignore[arg-type]
    assert type(balances) is LineBalances and isinstance(balances, dict)
    (row,) = balances.to_records(unmasked=True, money="minor")
    # charged 100.00, paid 70.00, 30.00 moved primary -> patient: open 30.00 with the patient
    assert (row["charged"], row["paid"], row["transferred"]) == (10000, 7000, 3000)
    assert (row["open_primary"], row["open_patient"], row["balance"]) == (0, 3000, 3000)
    page = balances.to_html()
    assert "Line balances: 1 line(s)" in page and "patient $30.00" in page
    assert "<tfoot><tr><th" in page and "$100.00" in page


def test_a_long_line_balance_table_lists_fifty_lines_and_totals_them_all() -> None:
    day = date(2025, 1, 2)
    history = [
        ChargePosted(id=f"c{n}", account_id="A1", line_id=f"L{n:03}", effective=day,
                     amount=usd("1.00"), bucket=Bucket.PATIENT)
        for n in range(60)
    ]  # fmt: skip
    page = line_balances(history, day).to_html()
    assert page.count("<tr>") == 1 + 50 + 1  # heading, fifty lines, totals
    assert "the first 50 shown" in page and "$60.00" in page  # 60 x 1.00


# --------------------------------------------------------------------------- remittance and plans


def _remittance() -> Remittance:
    # two claims: 100.00 charged, 80.00 paid (CO-45 20.00); 50.00 denied (CO-29 50.00);
    # interest of 1.27 paid (PLB L6, negative: it increases the payment): 80.00 + 1.27 = 81.27
    line = ServicePayment(
        line_control_number="L1",
        charge=usd("100"),
        paid=usd("80"),
        adjustments=CasAdjustment.from_cas("CO", ("45", usd("20"))),
    )
    paid = ClaimPayment(
        patient_control_number="CLM1", status="1", charge=usd("100"), paid=usd("80"), lines=[line]
    )
    denied = ClaimPayment(
        patient_control_number="CLM2",
        status="4",
        charge=usd("50"),
        paid=usd("0"),
        adjustments=CasAdjustment.from_cas("CO", ("29", usd("50"))),
    )
    from billing_core.remittance import ProviderAdjustment

    plb = ProviderAdjustment(reason="L6", reference="CLM1", amount=usd("-1.27"))
    return Remittance(payer="ACME", payee="1234567893", total_payment=usd("81.27"),
                      payment_method="ACH", trace_number="T-9", paid_date=date(2025, 2, 3),
                      claims=[paid, denied], provider_adjustments=[plb])  # fmt: skip


def test_remittance_table_and_records() -> None:
    r = _remittance()
    page = r._repr_html_()
    assert "Remittance T-9 from payer ACME to payee 1234567893: $81.27 by ACH" in page
    assert '<th style="text-align:right">$150.00</th>' in page  # charged 100 + 50
    assert '<th style="text-align:right">$80.00</th>' in page  # paid 80 + 0
    assert "CO-29 50.00 USD" in page and "4 (denied)" in page
    assert "-$1.27" in page
    claims_rows = r.to_records(money="minor")
    assert [(c["claim_id"], c["paid"], c["adjusted_CO"]) for c in claims_rows] == [
        ("CLM1", 8000, 2000),
        ("CLM2", 0, 5000),
    ]
    (line,) = r.to_records("lines")
    assert (line["line_control_number"], line["paid"], line["adjustments"]) == (
        "L1",
        Decimal("80.00"),
        "CO-45 20.00 USD",
    )
    assert r.to_records("provider", money="minor")[0]["amount"] == -127
    with pytest.raises(ValueError, match="level must be claims, lines or provider"):
        r.to_records("claim")  # type: ignore[arg-type]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(posting_scenarios(max_claims=2, max_lines=2))
def test_a_posting_plan_shows_its_entries_and_reconciles(scenario) -> None:  # type: ignore[no-untyped-def]
    plan = plan_posting(scenario.remittance, scenario.claims, scenario.history)
    page = plan._repr_html_()
    assert "ready to apply" in page and "Reconciliation: total payment reconciles." in page
    assert all(f">{e.id}<" in page for e in plan.entries)
    records = plan.to_records(money="minor")
    assert [r["id"] for r in records] == [e.id for e in plan.entries]
    assert [r["amount"] for r in records] == [e.amount.minor for e in plan.entries]


@QUICK
@given(ledger_histories(max_steps=12))
def test_folded_records_in_minor_units_are_the_decimal_ones_exactly(history) -> None:  # type: ignore[no-untyped-def]
    as_of = history[-1].effective
    balances = line_balances(history, as_of)
    money_columns = ("charged", "paid", "adjusted", "written_off", "balance", "open_patient")
    for m, d in zip(balances.to_records(money="minor"), balances.to_records(), strict=True):
        for column in money_columns:
            assert type(m[column]) is int
            assert Decimal(m[column]).scaleb(-2) == d[column]
        # the buckets of a line add up to its balance (in the records too)
        opens = sum(m[f"open_{b.value}"] for b in Bucket)
        assert opens == m["balance"]
    for line_id in balances:
        story = explain(history, line_id, as_of=as_of)
        minor = story.to_records(money="minor")
        # the waterfall's changes add up to the open balance
        assert sum(r["change"] for r in minor) == balances[line_id].balance.minor
