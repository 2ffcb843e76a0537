"""Reductions of a payer's final payment, applied after cost sharing (CO-253 and the like).

A reduction such as the 2% Medicare sequestration changes neither the fee
schedule nor the patient's share: it is taken from what the payer would pay,
as the last step, and reported as its own adjustment (CARC 253, group CO) so
the remittance still balances. [`apply_reduction`][billing_core.cob.apply_reduction]
is that step, named and explicit.

Examples:
    >>> from billing_core.money import Money
    >>> r = apply_reduction(Money("40.00", "USD"), SEQUESTRATION)
    >>> r.reduced_by, r.paid, str(r.adjustment)
    (Money('0.80', 'USD'), Money('39.20', 'USD'), 'CO-253 0.80 USD')
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

import attrs

from billing_core._coverage import amount, rate, rate_text
from billing_core._fields import of_type, text
from billing_core.codes import CARC, GroupCode
from billing_core.money import DEFAULT_ROUNDING, Money, RoundingMode, round_ratio
from billing_core.remittance import CasAdjustment

__all__ = ["SEQUESTRATION", "PaymentReduction", "ReducedPayment", "apply_reduction"]


def _check_rate(_instance: Any, _attribute: attrs.Attribute[Any], value: object) -> None:
    rate(value, "payment reduction.rate")


def _to_carc(value: CARC | str) -> CARC:
    return value if isinstance(value, CARC) else CARC(value)


@attrs.frozen(kw_only=True)
class PaymentReduction:
    """A percentage taken from a payer's payment after cost sharing, and how it is reported.

    Attributes:
        name: What it is, e.g. ``"sequestration"``.
        rate: The share of the payment withheld, a ``Decimal`` from 0 to 1
            with at most 6 decimal places.
        reason: The adjustment reason code it is reported with.
        group: The adjustment group (``CO``: the provider may not bill the patient for it).

    Raises:
        TypeError: A rate that is not a ``Decimal``.
        InvalidAmountError: A rate out of bounds.

    Examples:
        >>> PaymentReduction(name="state surcharge", rate=Decimal("0.015"), reason="223").ratio
        (3, 200)
        >>> PaymentReduction(name="bad", rate=Decimal("1.02"), reason="253")
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidAmountError: payment reduction.rate must be between 0 and 1, got Decimal('1.02') (Decimal)
    """  # noqa: E501

    name: str = attrs.field(validator=text("payment reduction", nonempty=True))
    rate: Decimal = attrs.field(validator=_check_rate)
    reason: CARC = attrs.field(converter=_to_carc)
    group: GroupCode = attrs.field(
        default=GroupCode.CO, validator=of_type("payment reduction", GroupCode)
    )

    @property
    def ratio(self) -> tuple[int, int]:
        """The rate as ``(numerator, denominator)``, for integer arithmetic."""
        # An exact fraction, so the withheld amount is rounded once from exact integers.
        return rate(self.rate, "payment reduction.rate")

    def __str__(self) -> str:
        return f"{self.name} {rate_text(*self.ratio)} ({self.group.value}-{self.reason.code})"


SEQUESTRATION: Final = PaymentReduction(name="sequestration", rate=Decimal("0.02"), reason="253")
"""The 2% reduction of Medicare fee-for-service payments, reported as ``CO-253``.

It is taken from Medicare's payment after the deductible, coinsurance and any
Medicare secondary payment calculation; the patient's share is not reduced."""


@attrs.frozen(kw_only=True)
class ReducedPayment:
    """A payment before and after one reduction.

    Attributes:
        reduction: The reduction applied.
        before: The payment before it.
        reduced_by: The amount withheld (rounded once).

    Examples:
        >>> from billing_core.money import Money
        >>> r = apply_reduction(Money("33.33", "USD"), SEQUESTRATION)
        >>> r.reduced_by, r.paid
        (Money('0.67', 'USD'), Money('32.66', 'USD'))
    """

    reduction: PaymentReduction
    before: Money
    reduced_by: Money

    @property
    def paid(self) -> Money:
        """The payment after the reduction."""
        return self.before - self.reduced_by

    @property
    def adjustment(self) -> CasAdjustment:
        """The reduction as the payer reports it (``CO-253 0.80 USD``)."""
        return CasAdjustment(
            group=self.reduction.group, reason=self.reduction.reason, amount=self.reduced_by
        )


def apply_reduction(
    payment: Money, reduction: PaymentReduction, *, rounding: RoundingMode = DEFAULT_ROUNDING
) -> ReducedPayment:
    """Take ``reduction`` from ``payment``: ``reduced_by = round(payment x rate)``.

    Args:
        payment: What the payer would pay after cost sharing, zero or more.
        reduction: The reduction, e.g. [`SEQUESTRATION`][billing_core.cob.SEQUESTRATION].
        rounding: How the withheld amount is rounded to the minor unit.

    Returns:
        The payment before and after, with the adjustment to report.

    Raises:
        TypeError: A payment that is not a `Money`, a reduction that is not a
            [`PaymentReduction`][billing_core.cob.PaymentReduction].
        InvalidAmountError: A negative payment.

    Examples:
        >>> from billing_core.money import Money
        >>> apply_reduction(Money("100.00", "USD"), SEQUESTRATION).paid
        Money('98.00', 'USD')
    """
    paid = amount(payment, "payment")
    if not isinstance(reduction, PaymentReduction):
        raise TypeError(f"reduction must be a PaymentReduction, got {type(reduction).__name__}")
    numerator, denominator = reduction.ratio
    # The withheld amount is what gets rounded, and the payment is what is left: payment
    # = paid + CO-253 exactly, so the remittance still balances to the cent.
    withheld = round_ratio(paid * numerator, denominator, rounding)
    return ReducedPayment(
        reduction=reduction,
        before=payment,
        reduced_by=Money.from_minor(withheld, payment.currency),
    )
