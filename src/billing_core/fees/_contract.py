"""A payer's contract as data, the price of each line under it, and the payment to expect.

A [`Contract`][billing_core.fees.Contract] is its terms in order (the first
that prices a line wins), its pricing rules (modifiers, multiple procedures),
whether it pays the lesser of the charge and the contract price, the payment
reductions it takes after cost sharing (Medicare's sequestration) and its
rounding. [`price_claim`][billing_core.fees.price_claim] prices every line:

    allowed = round(term price x the rules' factors), then min(charge, allowed)
              when the contract pays the lesser of the two

rounded once per line with the contract's rounding mode.
[`expected_payment`][billing_core.fees.expected_payment] adds the plan's
cost sharing: what the payer should pay and the patient should owe, line by
line, shaped like the payer's adjudication.

Examples:
    >>> import datetime
    >>> from decimal import Decimal
    >>> from billing_core.charges import Category, LineItem
    >>> from billing_core.fees import PercentOfCharge
    >>> from billing_core.money import Money
    >>> contract = Contract(name="Acme PPO", currency="USD",
    ...                     terms=[PercentOfCharge(rate=Decimal("0.6"))])
    >>> line = LineItem(id="L1", category=Category.SUPPLY, service_date=datetime.date(2024, 3, 4),
    ...                 charge=Money("42.30", "USD"))
    >>> print(price_lines([line], contract)[0])
    L1: allowed 25.38 USD (60% of charge 42.30 USD)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

import attrs

from billing_core._checks import describe
from billing_core._coverage import rate_text
from billing_core._fields import Validator, of_type, text, to_tuple
from billing_core.benefits import Accumulators, CostSharingRules, Estimate, PricedLine, estimate
from billing_core.charges import LineItem
from billing_core.claims import Claim
from billing_core.cob import PaymentReduction
from billing_core.codes import PlaceOfService
from billing_core.errors import CurrencyMismatchError
from billing_core.fees._rules import LinePrice, PricingRule
from billing_core.fees._terms import ContractTerm, TermPrice, term_currency
from billing_core.money import DEFAULT_ROUNDING, Money, RoundingMode, currency_exponent
from billing_core.parties import PlanBenefits

__all__ = ["Contract", "ContractPrice", "expected_payment", "price_claim", "price_lines"]


def _items(kind: type, what: str) -> Validator:
    def check(instance: object, attribute: attrs.Attribute[Any], value: tuple[object, ...]) -> None:
        for index, item in enumerate(value):
            if not isinstance(item, kind):
                raise TypeError(
                    f"contract.{attribute.name}[{index}] must be {what}, got {describe(item)}"
                )

    return check


@attrs.frozen(kw_only=True)
class Contract:
    """A payer's contract terms, as data.

    Attributes:
        name: What the contract is, e.g. ``"Acme PPO 2024"``.
        currency: The currency it pays in.
        terms: The terms in order; the first that prices a line wins (a
            carve-out comes before the general term).
        rules: Pricing rules applied to every line's price (modifiers,
            multiple procedures), their factors multiplied.
        lesser_of_charge: Pay the lesser of the charge and the contract price
            (the usual clause); otherwise the contract price even above the charge.
        reductions: Reductions of the payer's payment after cost sharing
            (e.g. [`SEQUESTRATION`][billing_core.cob.SEQUESTRATION]).
        rounding: How a line's price, the coinsurance and the reductions are rounded.

    Raises:
        TypeError: A term, rule or reduction of the wrong type.
        CurrencyMismatchError: A term's schedule or amount in another currency.

    Examples:
        >>> from decimal import Decimal
        >>> from billing_core.fees import FixedFee
        >>> Contract(name="C", currency="USD", terms=[FixedFee(amount=Money("10", "EUR"))])
        Traceback (most recent call last):
        ...
        billing_core.errors.CurrencyMismatchError: contract 'C'.terms[0] is in EUR, the contract in USD
    """  # noqa: E501

    name: str = attrs.field(validator=text("contract", nonempty=True))
    currency: str = attrs.field(validator=of_type("contract", str))
    terms: tuple[ContractTerm, ...] = attrs.field(
        converter=to_tuple, validator=_items(ContractTerm, "a contract term (a price method)")
    )
    rules: tuple[PricingRule, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_items(PricingRule, "a pricing rule")
    )
    lesser_of_charge: bool = attrs.field(default=True, validator=of_type("contract", bool))
    reductions: tuple[PaymentReduction, ...] = attrs.field(
        default=(), converter=to_tuple, validator=_items(PaymentReduction, "a PaymentReduction")
    )
    rounding: RoundingMode = attrs.field(
        default=DEFAULT_ROUNDING, validator=of_type("contract", RoundingMode)
    )

    def __attrs_post_init__(self) -> None:
        currency_exponent(self.currency)  # an unknown currency fails here, by name
        for index, term in enumerate(self.terms):
            code = term_currency(term)
            if code is not None and code != self.currency:
                raise CurrencyMismatchError(
                    f"contract {self.name!r}.terms[{index}] is in {code},"
                    f" the contract in {self.currency}"
                )


@attrs.frozen(kw_only=True)
class ContractPrice:
    """A line's allowed amount under a contract, and how it was reached.

    Attributes:
        line: The line.
        allowed: The allowed amount, or ``None`` when no term prices the line
            (the contract does not cover it).
        basis: How: the term, each rule that changed it, the lesser-of clause.

    Examples:
        >>> import datetime
        >>> from decimal import Decimal
        >>> from billing_core.charges import Category
        >>> from billing_core.fees import PercentOfCharge
        >>> contract = Contract(name="C", currency="USD", terms=[
        ...     PercentOfCharge(rate=Decimal("0.5"), categories=[Category.DRUG])])
        >>> item = LineItem(id="L4", category=Category.SUPPLY, charge=Money("42.30", "USD"),
        ...                 service_date=datetime.date(2024, 3, 4))
        >>> print(price_lines([item], contract)[0])
        L4: not priced by the contract (no term applies)
    """

    line: LineItem
    allowed: Money | None
    basis: str

    @property
    def priced(self) -> PricedLine:
        """The line as an [`estimate`][billing_core.benefits.estimate] takes it."""
        return PricedLine.of(self.line, self.allowed)

    def __str__(self) -> str:
        if self.allowed is None:
            return f"{self.line.id}: not priced by the contract ({self.basis})"
        return f"{self.line.id}: allowed {self.allowed} ({self.basis})"


def _term_price(
    contract: Contract, line: LineItem, place: PlaceOfService | None
) -> TermPrice | None:
    # First match wins: a carve-out (a selector placed before the general term) must
    # override it, not be averaged with it.
    for term in contract.terms:
        found = term.price(line, place)
        if found is not None:
            return found
    return None


def _rule_factors(
    contract: Contract, prices: Sequence[LinePrice]
) -> list[list[tuple[object, Fraction]]]:
    """Per line, the rules that changed its price and by what factor."""
    changed: list[list[tuple[object, Fraction]]] = [[] for _ in prices]
    # Every rule sees every line's unreduced price: the multiple-procedure ranking must not
    # depend on whether a modifier rule ran before it.
    for rule in contract.rules:
        factors = tuple(rule.factors(prices))
        if len(factors) != len(prices):
            raise ValueError(
                f"pricing rule {rule!r} gave {len(factors)} factors for {len(prices)} lines"
            )
        for index, factor in enumerate(factors):
            # Only the factors that change something are kept, so the basis text lists the rules
            # that applied and nothing else.
            if factor != 1:
                changed[index].append((rule, Fraction(factor)))
    return changed


def _rule_text(rule: object, factor: Fraction) -> str:
    # one percentage text for rates everywhere, exact (no float)
    percent = rate_text(factor.numerator, factor.denominator)
    modifier = getattr(rule, "modifier", None)
    name = f"modifier {modifier}" if modifier else type(rule).__name__
    return f"{name} {percent}"


def _price(contract: Contract, line: LineItem, found: TermPrice | None,
           changed: list[tuple[object, Fraction]]) -> ContractPrice:  # fmt: skip
    if found is None:
        return ContractPrice(line=line, allowed=None, basis="no term applies")
    exact, basis = found.amount, found.basis
    for rule, factor in changed:
        exact *= factor
        basis += f", {_rule_text(rule, factor)}"
    # The one rounding of the price (DESIGN.md section 4): term price and every factor are
    # exact Fractions until here.
    allowed = Money.rounded(exact, contract.currency, rounding=contract.rounding)
    # After rounding: the comparison is between two amounts in cents, as the payer makes it.
    if contract.lesser_of_charge and line.charge.minor < allowed.minor:
        allowed, basis = line.charge, f"{basis}; lesser of charge {line.charge} and {allowed}"
    return ContractPrice(line=line, allowed=allowed, basis=basis)


def price_lines(
    lines: Iterable[LineItem],
    contract: Contract,
    *,
    place_of_service: PlaceOfService | None = None,
) -> tuple[ContractPrice, ...]:
    """Price lines under a contract (see the module for the formula).

    Args:
        lines: The lines (of a claim, an encounter, a bill).
        contract: The contract.
        place_of_service: Where the services were given, for lines that do
            not say (a claim's place of service).

    Returns:
        One price per line, in order.

    Raises:
        TypeError: A line that is not a `LineItem`.
        CurrencyMismatchError: A line in another currency than the contract.
        ValueError: A pricing rule that gave the wrong number of factors.

    Examples:
        >>> import datetime
        >>> from decimal import Decimal
        >>> from billing_core.charges import Category
        >>> from billing_core.fees import PercentOfCharge
        >>> contract = Contract(name="C", currency="USD",
        ...                     terms=[PercentOfCharge(rate=Decimal("1"))], lesser_of_charge=True)
        >>> item = LineItem(id="L1", category=Category.SUPPLY, charge=Money("42.30", "USD"),
        ...                 service_date=datetime.date(2024, 3, 4))
        >>> price_lines([item], contract)[0].allowed
        Money('42.30', 'USD')
    """
    items = tuple(lines)
    for index, line in enumerate(items):
        if not isinstance(line, LineItem):
            raise TypeError(f"lines[{index}] must be a LineItem, got {describe(line)}")
        if line.charge.currency != contract.currency:
            raise CurrencyMismatchError(
                f"line {line.id!r} is in {line.charge.currency},"
                f" contract {contract.name!r} in {contract.currency}"
            )
    # A line's own place of service overrides the claim's (837 SV105 over CLM05-1).
    found = [
        _term_price(contract, line, line.place_of_service or place_of_service) for line in items
    ]
    prices = [
        LinePrice(
            line=line,
            amount=None if f is None else f.amount,
            modifier=None if f is None else f.modifier,
        )
        for line, f in zip(items, found, strict=True)
    ]
    changed = _rule_factors(contract, prices)
    return tuple(_price(contract, *args) for args in zip(items, found, changed, strict=True))


def price_claim(claim: Claim, contract: Contract) -> tuple[ContractPrice, ...]:
    """Price every line of a claim under a contract, at the claim's place of service.

    Examples:
        >>> from decimal import Decimal
        >>> from billing_core._examples import example_claim
        >>> from billing_core.fees import PercentOfCharge
        >>> contract = Contract(name="C", currency="USD",
        ...                     terms=[PercentOfCharge(rate=Decimal("0.8"))])
        >>> [str(p.allowed) for p in price_claim(example_claim(), contract)]
        ['100.00 USD']
    """
    if not isinstance(claim, Claim):
        raise TypeError(f"claim must be a Claim, got {describe(claim)}")
    return price_lines(claim.lines, contract, place_of_service=claim.place_of_service)


def expected_payment(
    claim: Claim,
    contract: Contract,
    benefits: PlanBenefits | None = None,
    accumulators: Accumulators | None = None,
    *,
    rules: CostSharingRules | None = None,
) -> Estimate:
    """What the payer should pay and the patient owe for a claim, line by line.

    The contract prices the lines ([`price_claim`][billing_core.fees.price_claim]);
    the plan's cost sharing splits each allowed amount between patient and
    plan ([`estimate`][billing_core.benefits.estimate]), with the contract's
    payment reductions and rounding. A line the contract does not price is
    treated as not covered.

    Args:
        claim: The claim.
        contract: The payer's contract.
        benefits: The plan's terms; the claim's coverage's benefits by default.
        accumulators: What the patient met before this claim.
        rules: The plan switches.

    Returns:
        The estimate, shaped like the payer's adjudication.

    Examples:
        >>> from decimal import Decimal
        >>> from billing_core._examples import example_claim
        >>> from billing_core.fees import PercentOfCharge
        >>> contract = Contract(name="C", currency="USD",
        ...                     terms=[PercentOfCharge(rate=Decimal("0.8"))])
        >>> plan = PlanBenefits(coinsurance_rate=Decimal("0.2"))
        >>> expected = expected_payment(example_claim(), contract, plan)
        >>> expected.allowed, expected.plan_pays, expected.patient_pays
        (Money('100.00', 'USD'), Money('80.00', 'USD'), Money('20.00', 'USD'))
    """
    priced = [p.priced for p in price_claim(claim, contract)]
    if benefits is None:
        # No benefits on file means no cost sharing: the plan pays the whole allowed amount.
        benefits = claim.coverage.benefits or PlanBenefits()
    return estimate(
        priced,
        benefits,
        accumulators,
        rules=rules,
        reductions=contract.reductions,
        rounding=contract.rounding,
    )
