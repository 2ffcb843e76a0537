"""Secondary payment calculators: what the next payer owes after the one before it.

When a patient has more than one coverage, the primary pays as if it were
alone; each later payer takes the earlier payments into account by the
method its plan documents name. Each method is one pure function whose
inputs are named as on the remittance (what the primary *paid*, its
*allowed* amount, the *charge*) and whose answer, a [`CobPayment`][], shows
the amounts it compared:

| method | the next payer pays |
|---|---|
| [`standard_cob`][] | ``min(normal benefit, allowable - primary paid)`` |
| [`non_duplication`][] (carve-out) | ``normal benefit - primary paid`` |
| [`maintenance_of_benefits`][] | its own deductible and coinsurance applied to ``allowed - primary paid`` |
| [`medicare_secondary_payment`][] | the lowest of ``charge - primary paid``, what Medicare would pay as primary, and ``max(Medicare allowed, primary allowed) - primary paid`` (42 CFR 411.33) |

None pays below zero. The *normal benefit* is what the payer would have paid
as primary: an [`estimate`][billing_core.benefits.estimate] with its own
benefits gives it.

A reduction of the final payment (the 2% Medicare sequestration, reported as
``CO-253``) is a separate, named step after cost sharing:
[`apply_reduction`][] with a [`PaymentReduction`][] such as
[`SEQUESTRATION`][].

Examples:
    >>> from decimal import Decimal
    >>> from billing_core.money import Money
    >>> usd = lambda s: Money(s, "USD")
    >>> standard_cob(primary_paid=usd("80"), allowable=usd("90"), normal_benefit=usd("72")).amount
    Money('10.00', 'USD')
    >>> medicare = medicare_secondary_payment(charge=usd("175"), primary_paid=usd("120"),
    ...     primary_allowed=usd("150"), medicare_allowed=usd("125"),
    ...     medicare_primary_payment=usd("100"))
    >>> apply_reduction(medicare.amount, SEQUESTRATION).paid
    Money('29.40', 'USD')
"""  # noqa: E501 - a Markdown table

from billing_core._lazy import lazy_exports

_EXPORTS = {
    "billing_core.cob._methods": (
        "CobMethod",
        "CobPayment",
        "maintenance_of_benefits",
        "medicare_secondary_payment",
        "non_duplication",
        "standard_cob",
    ),
    "billing_core.cob._reductions": (
        "SEQUESTRATION",
        "PaymentReduction",
        "ReducedPayment",
        "apply_reduction",
    ),
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
