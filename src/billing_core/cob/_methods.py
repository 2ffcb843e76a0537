"""What the next payer pays: the coordination-of-benefits methods, each one formula.

Every function takes the amounts as the remittances and the plans name them,
checks them once (each a [`Money`][billing_core.money.Money] in one currency,
none negative), and returns a [`CobPayment`][billing_core.cob.CobPayment]:
the amount, the method, and every candidate amount the method compared, so
a caller can show *why* the payer owes what it owes. A payment is never below
zero: a primary that paid more than a candidate leaves nothing for the next payer.

Examples:
    >>> from billing_core.money import Money
    >>> usd = lambda s: Money(s, "USD")
    >>> print(standard_cob(primary_paid=usd("80"), allowable=usd("110"),
    ...                    normal_benefit=usd("88")))
    standard COB pays 30.00 USD, the lowest of:
      normal benefit 88.00 USD
      allowable 110.00 USD - primary paid 80.00 USD = 30.00 USD
"""

from __future__ import annotations

import enum
from decimal import Decimal

import attrs

from billing_core._coverage import amount, currency_of, rate
from billing_core.money import DEFAULT_ROUNDING, Money, RoundingMode, round_ratio

__all__ = [
    "CobMethod",
    "CobPayment",
    "maintenance_of_benefits",
    "medicare_secondary_payment",
    "non_duplication",
    "standard_cob",
]


class CobMethod(enum.Enum):
    """How a secondary (or later) payer takes the prior payers' payments into account.

    Examples:
        >>> CobMethod("non_duplication").label
        'non-duplication (carve-out)'
    """

    STANDARD = "standard"
    """Up to what it would have paid as primary, limited to the balance the prior payer left."""
    NON_DUPLICATION = "non_duplication"
    """Its normal benefit minus what the prior payer paid (also called carve-out)."""
    MAINTENANCE_OF_BENEFITS = "maintenance_of_benefits"
    """Its own cost sharing applied to what is left after the prior payer's payment."""
    MEDICARE_SECONDARY = "medicare_secondary"
    """Medicare as secondary payer (42 CFR 411.33): the lowest of three amounts."""

    @property
    def label(self) -> str:
        """The method's name as explanations print it."""
        return _LABELS[self]


_LABELS = {
    CobMethod.STANDARD: "standard COB",
    CobMethod.NON_DUPLICATION: "non-duplication (carve-out)",
    CobMethod.MAINTENANCE_OF_BENEFITS: "maintenance of benefits",
    CobMethod.MEDICARE_SECONDARY: "Medicare secondary payment",
}


@attrs.frozen(kw_only=True)
class CobPayment:
    """What the next payer owes by one method, and the amounts that decided it.

    The payment is the lowest of ``candidates``, or zero when the lowest is negative.

    Attributes:
        method: The coordination method.
        amount: What the next payer pays, never negative.
        candidates: ``(explanation, amount)`` pairs: the amounts the method compared.

    Examples:
        >>> from billing_core.money import Money
        >>> p = non_duplication(primary_paid=Money("100", "USD"), normal_benefit=Money("80", "USD"))
        >>> p.amount, p.method.value
        (Money('0.00', 'USD'), 'non_duplication')
    """

    method: CobMethod
    amount: Money
    candidates: tuple[tuple[str, Money], ...]

    def __str__(self) -> str:
        lines = [f"{self.method.label} pays {self.amount}"]
        lines[0] += ", the lowest of:" if len(self.candidates) > 1 else ":"
        lines.extend(
            f"  {label} = {value}" if " - " in label else f"  {label} {value}"
            for label, value in self.candidates
        )
        return "\n".join(lines)


def _payment(method: CobMethod, currency: str, candidates: list[tuple[str, int]]) -> CobPayment:
    # Every candidate is kept, the negative ones too: the explanation must show why the
    # payer owes nothing (the primary already paid more than this method allows).
    lowest = min(minor for _, minor in candidates)
    return CobPayment(
        method=method,
        # Never negative: a secondary payer does not claw back what the primary overpaid.
        amount=Money.from_minor(max(lowest, 0), currency),
        candidates=tuple((label, Money.from_minor(m, currency)) for label, m in candidates),
    )


def _m(minor: int, currency: str) -> str:
    return str(Money.from_minor(minor, currency))


def standard_cob(*, primary_paid: Money, allowable: Money, normal_benefit: Money) -> CobPayment:
    """Standard (traditional) COB: the normal benefit, limited to what the prior payer left.

    ``payment = min(normal benefit, allowable - primary paid)``, never below
    zero; together the payers pay at most the allowable expense.

    Args:
        primary_paid: What the prior payer(s) paid (835 CLP04 or SVC03).
        allowable: The allowable expense the payers coordinate on: usually the
            higher of the plans' allowed amounts, or the primary's allowed
            amount when the provider is in the primary's network (the plan
            documents say which; the caller decides).
        normal_benefit: What this payer would have paid as primary (for
            example the plan share of an
            [`estimate`][billing_core.benefits.estimate] with its benefits).

    Returns:
        The payment with both candidates.

    Raises:
        TypeError: An amount that is not a `Money`.
        InvalidAmountError: A negative amount.
        CurrencyMismatchError: Amounts in different currencies.

    Examples:
        >>> from billing_core.money import Money
        >>> usd = lambda s: Money(s, "USD")
        >>> standard_cob(primary_paid=usd("70"), allowable=usd("150"),
        ...              normal_benefit=usd("40")).amount
        Money('40.00', 'USD')
    """
    # The currency is settled first (in every method), so a mix of currencies is reported
    # by name before any single amount is checked against it.
    args = {"primary_paid": primary_paid, "allowable": allowable, "normal_benefit": normal_benefit}
    code = currency_of(args)
    paid, allow, normal = (amount(v, k, code) for k, v in args.items())
    return _payment(
        CobMethod.STANDARD,
        code,
        [
            ("normal benefit", normal),
            (f"allowable {_m(allow, code)} - primary paid {_m(paid, code)}", allow - paid),
        ],
    )


def non_duplication(*, primary_paid: Money, normal_benefit: Money) -> CobPayment:
    """Non-duplication (carve-out): the normal benefit minus what the prior payer paid.

    ``payment = normal benefit - primary paid``, never below zero: when the
    primary paid as much as this payer would have, it pays nothing, and the
    patient keeps the cost sharing of the richer plan.

    Args:
        primary_paid: What the prior payer(s) paid.
        normal_benefit: What this payer would have paid as primary.

    Returns:
        The payment.

    Raises:
        TypeError: An amount that is not a `Money`.
        InvalidAmountError: A negative amount.
        CurrencyMismatchError: Amounts in different currencies.

    Examples:
        >>> from billing_core.money import Money
        >>> print(non_duplication(primary_paid=Money("75", "USD"),
        ...                       normal_benefit=Money("93.75", "USD")))
        non-duplication (carve-out) pays 18.75 USD:
          normal benefit 93.75 USD - primary paid 75.00 USD = 18.75 USD
    """
    args = {"primary_paid": primary_paid, "normal_benefit": normal_benefit}
    code = currency_of(args)
    paid, normal = (amount(v, k, code) for k, v in args.items())
    label = f"normal benefit {_m(normal, code)} - primary paid {_m(paid, code)}"
    return _payment(CobMethod.NON_DUPLICATION, code, [(label, normal - paid)])


def maintenance_of_benefits(
    *,
    primary_paid: Money,
    allowed: Money,
    coinsurance_rate: Decimal,
    deductible_remaining: Money | None = None,
    rounding: RoundingMode = DEFAULT_ROUNDING,
) -> CobPayment:
    """Maintenance of benefits: this plan's cost sharing applied to what the prior payer left.

    The allowed amount is reduced by the prior payer's payment; this plan's
    remaining deductible comes off next, then the patient's coinsurance
    (rounded once, with ``rounding``); the plan pays the rest.

    Args:
        primary_paid: What the prior payer(s) paid.
        allowed: This plan's allowed amount.
        coinsurance_rate: The patient's coinsurance under this plan, 0 to 1.
        deductible_remaining: What is left of this plan's deductible.
        rounding: How the coinsurance is rounded to the minor unit.

    Returns:
        The payment.

    Raises:
        TypeError: An amount that is not a `Money`, a rate that is not a ``Decimal``.
        InvalidAmountError: A negative amount, a rate out of bounds.
        CurrencyMismatchError: Amounts in different currencies.

    Examples:
        >>> from decimal import Decimal
        >>> from billing_core.money import Money
        >>> print(maintenance_of_benefits(primary_paid=Money("75", "USD"),
        ...     allowed=Money("125", "USD"), coinsurance_rate=Decimal("0.25")))
        maintenance of benefits pays 37.50 USD:
          allowed 125.00 USD - primary paid 75.00 USD - deductible 0.00 USD - 25% coinsurance 12.50 USD = 37.50 USD
    """  # noqa: E501
    args = {
        "primary_paid": primary_paid,
        "allowed": allowed,
        "deductible_remaining": deductible_remaining,
    }
    code = currency_of(args)
    paid = amount(primary_paid, "primary_paid", code)
    allow = amount(allowed, "allowed", code)
    deductible = 0
    if deductible_remaining is not None:
        deductible = amount(deductible_remaining, "deductible_remaining", code)
    numerator, denominator = rate(coinsurance_rate, "coinsurance_rate")
    # Maintenance of benefits: the plan's own deductible and coinsurance apply to what the
    # primary left, not to the allowed amount, so the patient keeps paying their share.
    left = max(allow - paid, 0)
    # The deductible takes only what is there; the rest of it waits for the next claim.
    taken = min(deductible, left)
    # One rounding, on exact integers: the rate is an exact fraction, so nothing is lost
    # before the single named rounding step.
    coinsurance = round_ratio((left - taken) * numerator, denominator, rounding)
    label = (
        f"allowed {_m(allow, code)} - primary paid {_m(paid, code)} - deductible"
        f" {_m(taken, code)} - {_percent(coinsurance_rate)} coinsurance {_m(coinsurance, code)}"
    )
    return _payment(CobMethod.MAINTENANCE_OF_BENEFITS, code, [(label, left - taken - coinsurance)])


def _percent(value: Decimal) -> str:
    return f"{(value * 100).normalize():f}%"


def medicare_secondary_payment(
    *,
    charge: Money,
    primary_paid: Money,
    primary_allowed: Money,
    medicare_allowed: Money,
    medicare_primary_payment: Money,
    obligated_to_accept: Money | None = None,
) -> CobPayment:
    """Medicare as secondary payer (42 CFR 411.33(a)): the lowest of three amounts.

    1. the charge (or the amount the provider is obligated to accept as
       payment in full, if lower) minus the primary's payment;
    2. what Medicare would pay as primary;
    3. the higher of Medicare's and the primary's allowed amounts, minus the
       primary's payment.

    Never below zero. Apply any reduction of the final payment (the 2%
    sequestration, CO-253) afterwards, with
    [`apply_reduction`][billing_core.cob.apply_reduction].

    Args:
        charge: The provider's charge for the service.
        primary_paid: What the primary payer paid.
        primary_allowed: The primary's allowed amount, before its deductible
            and coinsurance.
        medicare_allowed: Medicare's fee schedule (or other) amount, before
            the Medicare deductible and coinsurance.
        medicare_primary_payment: What Medicare would pay as primary (its
            allowed amount less the deductible and coinsurance).
        obligated_to_accept: The amount the provider is obligated to accept as
            payment in full (OTAF), if any.

    Returns:
        The payment with the three candidates.

    Raises:
        TypeError: An amount that is not a `Money`.
        InvalidAmountError: A negative amount.
        CurrencyMismatchError: Amounts in different currencies.

    Examples:
        >>> from billing_core.money import Money
        >>> usd = lambda s: Money(s, "USD")
        >>> print(medicare_secondary_payment(charge=usd("175"), primary_paid=usd("120"),
        ...     primary_allowed=usd("150"), medicare_allowed=usd("125"),
        ...     medicare_primary_payment=usd("100")))
        Medicare secondary payment pays 30.00 USD, the lowest of:
          charge 175.00 USD - primary paid 120.00 USD = 55.00 USD
          Medicare would pay as primary 100.00 USD
          higher allowed 150.00 USD - primary paid 120.00 USD = 30.00 USD
    """
    args = {
        "charge": charge,
        "primary_paid": primary_paid,
        "primary_allowed": primary_allowed,
        "medicare_allowed": medicare_allowed,
        "medicare_primary_payment": medicare_primary_payment,
        "obligated_to_accept": obligated_to_accept,
    }
    code = currency_of(args)
    checked = {
        k: amount(v, k, code)
        for k, v in args.items()
        # Only the optional OTAF may be None; a None in any other amount must reach amount()
        # and fail with its name.
        if v is not None or k != "obligated_to_accept"
    }
    paid = checked["primary_paid"]
    billed, what = checked["charge"], "charge"
    # 42 CFR 411.33(a)(1): the provider's charge, or the amount it is obligated to accept
    # as payment in full when that is lower.
    if "obligated_to_accept" in checked and checked["obligated_to_accept"] < billed:
        billed, what = checked["obligated_to_accept"], "obligated to accept"
    # 42 CFR 411.33(a)(3): the higher of the two allowed amounts, less what the primary paid.
    higher = max(checked["medicare_allowed"], checked["primary_allowed"])
    return _payment(
        CobMethod.MEDICARE_SECONDARY,
        code,
        [
            (f"{what} {_m(billed, code)} - primary paid {_m(paid, code)}", billed - paid),
            ("Medicare would pay as primary", checked["medicare_primary_payment"]),
            (f"higher allowed {_m(higher, code)} - primary paid {_m(paid, code)}", higher - paid),
        ],
    )
