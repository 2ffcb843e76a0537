"""Totals of line items, bills and claims: pure, exact, in the document's currency.

Every function here adds integer minor units and builds one
[`Money`][billing_core.money.Money] at the end. A document with no lines
totals to zero in its own currency. Bills, claims and encounters all qualify
as a [`LineDocument`][] (they have ``lines`` and a ``currency``).

Net and gross follow the one roll-up rule of
[`PriceComponentKind`][billing_core.charges.PriceComponentKind]:

    net   = base + surcharge - discount - deduction
    gross = net + tax
    informational components never count

A line without price components has net = gross = its charge.

Examples:
    >>> import datetime
    >>> from billing_core.charges import Category, LineItem, PriceComponent, PriceComponentKind
    >>> from billing_core.money import Money
    >>> usd = lambda s: Money(s, "USD")
    >>> line = LineItem(id="L1", category=Category.SUPPLY, service_date=datetime.date(2024, 1, 2),
    ...     charge=usd("100.00"), price_components=[
    ...         PriceComponent(kind=PriceComponentKind.BASE, amount=usd("100.00")),
    ...         PriceComponent(kind=PriceComponentKind.DISCOUNT, amount=usd("20.00")),
    ...         PriceComponent(kind=PriceComponentKind.TAX, amount=usd("6.40")),
    ...         PriceComponent(kind=PriceComponentKind.INFORMATIONAL, amount=usd("75.00"))])
    >>> line_net(line), line_gross(line)
    (Money('80.00', 'USD'), Money('86.40', 'USD'))
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Protocol

from billing_core.bills import Bill
from billing_core.charges import Category, LineItem, PriceComponentKind
from billing_core.charges._lines import charges_minor
from billing_core.claims import Claim
from billing_core.errors import CurrencyMismatchError
from billing_core.money import Money

__all__ = [
    "LineDocument",
    "bill_total",
    "claim_total",
    "gross_total",
    "line_gross",
    "line_net",
    "line_total",
    "lines_total",
    "net_total",
    "totals_by_category",
    "totals_by_service_date",
]


class LineDocument(Protocol):
    """Anything with line items and a currency: a bill, a claim, an encounter.

    Examples:
        >>> from billing_core._examples import example_claim
        >>> document: LineDocument = example_claim()
        >>> len(document.lines), document.currency
        (1, 'USD')
    """

    @property
    def lines(self) -> tuple[LineItem, ...]:
        """The line items."""
        ...

    @property
    def currency(self) -> str:
        """The ISO 4217 code of the lines and of zero totals."""
        ...


def line_total(line: LineItem) -> Money:
    """The total of one line: its exact billed charge.

    Examples:
        >>> from billing_core._examples import example_line
        >>> line_total(example_line("L1", "12.50"))
        Money('12.50', 'USD')
    """
    return line.charge


def lines_total(lines: Iterable[LineItem], currency: str) -> Money:
    """The sum of the charges of any line items, checking their currency.

    Args:
        lines: The line items.
        currency: Their currency (and that of the zero total of no lines).

    Returns:
        The total.

    Raises:
        CurrencyMismatchError: A line is in another currency (names the line).

    Examples:
        >>> from billing_core._examples import example_line
        >>> lines_total([example_line("L1", "12.50"), example_line("L2", "0.50")], "USD")
        Money('13.00', 'USD')
        >>> lines_total([], "EUR")
        Money('0.00', 'EUR')
    """
    items = lines if isinstance(lines, tuple | list) else list(lines)
    code = Money.zero(currency).currency
    total = 0
    for number, line in enumerate(items, 1):
        charge = line.charge
        if charge.currency is not code and charge.currency != code:
            raise CurrencyMismatchError(
                f"line {number} ({line.id!r}).charge is in {charge.currency}, "
                f"the total is in {code}"
            )
        total += charge.minor
    return Money.from_minor(total, code)


def bill_total(bill: Bill) -> Money:
    """The total of a bill: the sum of its line charges.

    The bill's constructor already checked every line's currency, so this is
    one loop over integer minor units.

    Examples:
        >>> from billing_core._examples import example_line
        >>> from billing_core.parties import Patient
        >>> bill = Bill(id="B1", account_id="A1", patient_id="P1",
        ...             bill_to=Patient(id="P1", name="J"), currency="USD",
        ...             lines=[example_line("L1", "12.50"), example_line("L2", "7.25")])
        >>> bill_total(bill)
        Money('19.75', 'USD')
    """
    return _document_total(bill)


def claim_total(claim: Claim) -> Money:
    """The sum of a claim's line charges (compare with its stated ``total_charge``).

    Examples:
        >>> from billing_core._examples import example_claim
        >>> claim_total(example_claim())
        Money('125.00', 'USD')
    """
    return _document_total(claim)


def _document_total(document: LineDocument) -> Money:
    # The document's constructor checked every line's currency: only add.
    return Money.from_minor(charges_minor(document.lines), document.currency)


def totals_by_category(document: LineDocument) -> dict[Category, Money]:
    """The charges of a document by category: every category, zero where it has none.

    Examples:
        >>> from billing_core._examples import example_claim
        >>> by = totals_by_category(example_claim())
        >>> by[Category.PROCEDURE], by[Category.ROOM]
        (Money('125.00', 'USD'), Money('0.00', 'USD'))
    """
    sums = dict.fromkeys(Category, 0)
    for line in document.lines:
        sums[line.category] += line.charge.minor
    code = document.currency
    return {category: Money.from_minor(minor, code) for category, minor in sums.items()}


def totals_by_service_date(document: LineDocument) -> dict[datetime.date, Money]:
    """The charges of a document by service date (the first day of a period), in date order.

    Dates without lines are absent; a document without lines gives ``{}``.

    Examples:
        >>> from billing_core._examples import example_claim
        >>> totals_by_service_date(example_claim())
        {datetime.date(2024, 3, 4): Money('125.00', 'USD')}
    """
    sums: dict[datetime.date, int] = {}
    for line in document.lines:
        day = line.service_date
        sums[day] = sums.get(day, 0) + line.charge.minor
    code = document.currency
    return {day: Money.from_minor(sums[day], code) for day in sorted(sums)}


def _net_gross_minor(line: LineItem) -> tuple[int, int]:
    if not line.price_components:
        minor = line.charge.minor
        return minor, minor
    net = tax = 0
    for component in line.price_components:
        if component.kind is PriceComponentKind.TAX:
            tax += component.amount.minor
        else:  # informational has sign 0
            net += component.kind.sign * component.amount.minor
    return net, net + tax


def line_net(line: LineItem) -> Money:
    """A line's net price: base + surcharge - discount - deduction (its charge without components).

    Examples:
        >>> from billing_core._examples import example_line
        >>> line_net(example_line("L1", "12.50"))
        Money('12.50', 'USD')
    """
    return Money.from_minor(_net_gross_minor(line)[0], line.charge.currency)


def line_gross(line: LineItem) -> Money:
    """A line's gross price: its net plus tax (its charge without components).

    Examples:
        >>> from billing_core._examples import example_line
        >>> line_gross(example_line("L1", "12.50"))
        Money('12.50', 'USD')
    """
    return Money.from_minor(_net_gross_minor(line)[1], line.charge.currency)


def net_total(document: LineDocument) -> Money:
    """The sum of the lines' net prices.

    Examples:
        >>> from billing_core._examples import example_claim
        >>> net_total(example_claim())
        Money('125.00', 'USD')
    """
    return Money.from_minor(sum(_net_gross_minor(x)[0] for x in document.lines), document.currency)


def gross_total(document: LineDocument) -> Money:
    """The sum of the lines' gross prices.

    Examples:
        >>> from billing_core._examples import example_claim
        >>> gross_total(example_claim())
        Money('125.00', 'USD')
    """
    return Money.from_minor(sum(_net_gross_minor(x)[1] for x in document.lines), document.currency)
