import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings

from billing_core.bills import Bill
from billing_core.charges import Category, LineItem, PriceComponent, PriceComponentKind
from billing_core.errors import CurrencyMismatchError
from billing_core.money import Money
from billing_core.parties import Patient
from billing_core.testing.strategies.documents import bills, claims, encounters
from billing_core.totals import (
    bill_total,
    claim_total,
    gross_total,
    line_gross,
    line_net,
    line_total,
    lines_total,
    net_total,
    totals_by_category,
    totals_by_service_date,
)

DAY = datetime.date(2024, 3, 4)
JANE = Patient(id="P1", name="Jane Roe")


def line(line_id, amount, currency="USD", category=Category.SUPPLY, day=DAY, components=()):
    return LineItem(
        id=line_id,
        category=category,
        service_date=day,
        charge=Money(amount, currency),
        price_components=components,
    )


def bill(lines, currency="USD"):
    return Bill(
        id="B1", account_id="A1", patient_id="P1", bill_to=JANE, currency=currency, lines=lines
    )


def test_known_answers():
    b = bill(
        [
            line("L1", "0.10"),
            line("L2", "0.20", category=Category.ROOM),
            line("L3", "1234.56", day=DAY + datetime.timedelta(days=1)),
        ]
    )
    assert bill_total(b) == Money("1234.86", "USD")
    assert line_total(b.lines[0]) == Money("0.10", "USD")
    by_cat = totals_by_category(b)
    assert list(by_cat) == list(Category)
    assert by_cat[Category.SUPPLY] == Money("1234.66", "USD")
    assert by_cat[Category.ROOM] == Money("0.20", "USD")
    assert by_cat[Category.FEE] == Money("0.00", "USD")
    assert totals_by_service_date(b) == {
        DAY: Money("0.30", "USD"),
        DAY + datetime.timedelta(days=1): Money("1234.56", "USD"),
    }


def test_empty_inputs_give_zero_in_the_documents_currency():
    empty = bill([], currency="JPY")
    assert bill_total(empty) == Money(0, "JPY")
    assert str(bill_total(empty)) == "0 JPY"
    assert net_total(empty) == Money(0, "JPY")
    assert gross_total(empty) == Money(0, "JPY")
    assert totals_by_service_date(empty) == {}
    assert set(totals_by_category(empty).values()) == {Money(0, "JPY")}
    assert lines_total([], "BHD") == Money("0.000", "BHD")


def test_lines_total_checks_currency_and_names_the_line():
    with pytest.raises(CurrencyMismatchError, match=r"line 2 \('L2'\)\.charge is in EUR"):
        lines_total([line("L1", "1.00"), line("L2", "1.00", "EUR")], "USD")
    assert lines_total(iter([line("L1", "1.00")]), "USD") == Money("1.00", "USD")


def test_net_and_gross_roll_up_rule():
    def c(kind, amount):
        return PriceComponent(kind=kind, amount=Money(amount, "USD"))

    k = PriceComponentKind
    item = line(
        "L1",
        "100.00",
        components=[
            c(k.BASE, "100.00"),
            c(k.SURCHARGE, "10.00"),
            c(k.DISCOUNT, "15.00"),
            c(k.DEDUCTION, "5.00"),
            c(k.TAX, "7.20"),
            c(k.INFORMATIONAL, "999.99"),
        ],
    )
    # net = 100 + 10 - 15 - 5 = 90; gross = 90 + 7.20
    assert line_net(item) == Money("90.00", "USD")
    assert line_gross(item) == Money("97.20", "USD")
    plain = line("L2", "12.34")
    assert line_net(plain) == line_gross(plain) == Money("12.34", "USD")
    b = bill([item, plain])
    assert net_total(b) == Money("102.34", "USD")
    assert gross_total(b) == Money("109.54", "USD")


@settings(max_examples=60)
@given(bills())
def test_bill_total_equals_the_sum_of_line_charges(b):
    expected = sum((x.charge.amount for x in b.lines), Decimal(0))
    total = bill_total(b)
    assert total.amount == expected
    assert total.currency == b.currency
    assert sum(totals_by_category(b).values(), Money.zero(b.currency)) == total
    assert sum(totals_by_service_date(b).values(), Money.zero(b.currency)) == total
    assert lines_total(b.lines, b.currency) == total


@settings(max_examples=30)
@given(bills(currency="JPY"))
def test_bill_total_in_a_zero_decimal_currency(b):
    assert bill_total(b).minor == sum(x.charge.minor for x in b.lines)


@settings(max_examples=30)
@given(claims())
def test_claim_total_equals_the_sum_of_the_line_charges(c):
    total = claim_total(c)
    assert total.currency == c.currency
    assert total.amount == sum((x.charge.amount for x in c.lines), Decimal(0))


# The roll-up rule, written out here rather than read from PriceComponentKind.sign:
# net = base + surcharge - discount - deduction; tax and informational stay out.
NET_SIGNS = {
    PriceComponentKind.BASE: 1,
    PriceComponentKind.SURCHARGE: 1,
    PriceComponentKind.DISCOUNT: -1,
    PriceComponentKind.DEDUCTION: -1,
}


@settings(max_examples=30)
@given(encounters())
def test_net_never_counts_informational_or_tax(enc):
    for item in enc.lines:
        if not item.price_components:
            continue
        expected_net = sum(
            NET_SIGNS[p.kind] * p.amount.minor for p in item.price_components if p.kind in NET_SIGNS
        )
        taxes = sum(
            p.amount.minor for p in item.price_components if p.kind is PriceComponentKind.TAX
        )
        assert line_net(item).minor == expected_net
        assert line_gross(item).minor == expected_net + taxes
