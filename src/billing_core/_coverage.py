"""Checks shared by the coverage math (private; calculations layer).

[`fees`][billing_core.fees], [`benefits`][billing_core.benefits],
[`cob`][billing_core.cob] and [`secondary`][billing_core.secondary] take
amounts and rates from the caller. Every rate is a ``Decimal`` (or an
``int``) within documented bounds and with at most
[`RATE_PLACES`][billing_core._coverage.RATE_PLACES] decimal places; every
amount is a [`Money`][billing_core.money.Money] in the expected currency,
not negative unless said. The checks run once, at the door, and hand back
the plain integers the arithmetic uses (a rate as ``numerator, denominator``,
an amount as minor units), so the loops inside never check again.

Examples:
    >>> from decimal import Decimal
    >>> rate(Decimal("0.2"), "coinsurance rate")
    (1, 5)
    >>> rate(Decimal("1.5"), "coinsurance rate")
    Traceback (most recent call last):
    ...
    billing_core.errors.InvalidAmountError: coinsurance rate must be between 0 and 1, got Decimal('1.5') (Decimal)
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Final

from billing_core._checks import describe
from billing_core._fields import TOO_WIDE, invalid, too_wide
from billing_core.charges import LineItem
from billing_core.claims import Claim
from billing_core.errors import CurrencyMismatchError, InvalidAmountError
from billing_core.money import Money
from billing_core.parties import COINSURANCE_RATE_PLACES
from billing_core.remittance import ClaimPayment, ServicePayment

__all__ = [
    "RATE_PLACES",
    "amount",
    "arguments_of_types",
    "currency_of",
    "pair_service_lines",
    "payment_for_claim",
    "rate",
    "rate_text",
    "same_service",
]

RATE_PLACES: Final = COINSURANCE_RATE_PLACES
"""The most decimal places of any rate of the coverage math (as for coinsurance): 6."""

_ONE: Final = Decimal(1)


def rate(value: object, what: str, *, maximum: Decimal = _ONE) -> tuple[int, int]:
    """A rate from 0 to ``maximum`` as ``(numerator, denominator)``, or a clear error.

    Args:
        value: A ``Decimal`` or an ``int`` (never a float, a bool or a str).
        what: The name of the rate in the error message.
        maximum: The largest rate allowed (1 unless a multiplier may exceed 100%).

    Returns:
        The exact rate as a reduced fraction with a positive denominator.

    Raises:
        TypeError: A value of another type.
        InvalidAmountError: Not finite, written with too many digits, out of
            bounds, or with more than `RATE_PLACES` decimal places.

    Examples:
        >>> rate(Decimal("1.50"), "bilateral rate", maximum=Decimal(2))
        (3, 2)
        >>> rate(0.2, "coinsurance rate")
        Traceback (most recent call last):
        ...
        TypeError: coinsurance rate must be a Decimal such as Decimal('0.2'), got 0.2 (float)
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{what} must be a Decimal such as Decimal('0.2'), got {describe(value)}")
    number = Decimal(value) if isinstance(value, int) else value
    if not number.is_finite():
        raise InvalidAmountError(f"{what} must be a finite number, got {describe(value)}")
    if too_wide(number):  # first: bounds the work of what follows
        raise InvalidAmountError(f"{what} {TOO_WIDE}, got {describe(value)}")
    if not 0 <= number <= maximum:
        raise InvalidAmountError(f"{what} must be between 0 and {maximum}, got {describe(value)}")
    exact = Fraction(number)
    if (exact * 10**RATE_PLACES).denominator != 1:
        raise InvalidAmountError(
            f"{what} must have at most {RATE_PLACES} decimal places, got {describe(value)}"
        )
    return exact.numerator, exact.denominator


def rate_text(numerator: int, denominator: int) -> str:
    """A checked rate as a percentage for messages and explanations: ``(1, 5)`` is ``20%``.

    Examples:
        >>> rate_text(1, 5), rate_text(3, 2), rate_text(3, 2_000)
        ('20%', '150%', '0.15%')
    """
    percent = Decimal(numerator * 100) / Decimal(denominator)
    text = f"{percent.quantize(Decimal(1).scaleb(-(RATE_PLACES - 2))):f}".rstrip("0").rstrip(".")
    return f"{text}%"


def amount(value: object, what: str, currency: str | None = None, *, negative: bool = False) -> int:
    """The minor units of an amount argument, checked: a `Money`, in ``currency``, not negative.

    Args:
        value: The argument.
        what: Its name in the error message.
        currency: The currency it must be in, when known.
        negative: Allow a negative amount.

    Returns:
        Its minor units.

    Raises:
        TypeError: Not a `Money`.
        CurrencyMismatchError: In another currency than ``currency``.
        InvalidAmountError: Negative when not allowed.

    Examples:
        >>> amount(Money("12.50", "USD"), "primary paid", "USD")
        1250
        >>> amount(Money("-1", "USD"), "primary paid")
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidAmountError: primary paid must not be negative, got -1.00 USD
    """
    if not isinstance(value, Money):
        raise TypeError(f"{what} must be a Money, got {describe(value)}")
    if currency is not None and value.currency != currency:
        raise CurrencyMismatchError(f"{what} is in {value.currency}, expected {currency}")
    if value.minor < 0 and not negative:
        raise InvalidAmountError(f"{what} must not be negative, got {value}")
    return value.minor


def currency_of(named: Mapping[str, object]) -> str:
    """The one currency of the `Money` values among ``named``, or a clear error.

    Args:
        named: Argument name to value; values that are not `Money` are skipped
            here (their own check reports them).

    Returns:
        The currency.

    Raises:
        CurrencyMismatchError: Two amounts in different currencies, both named.
        TypeError: No amount at all.

    Examples:
        >>> currency_of({"paid": Money("1", "USD"), "allowed": Money("2", "EUR")})
        Traceback (most recent call last):
        ...
        billing_core.errors.CurrencyMismatchError: allowed is in EUR, paid is in USD
    """
    first: tuple[str, str] | None = None
    for name, value in named.items():
        if isinstance(value, Money):
            if first is None:
                first = (name, value.currency)
            elif value.currency != first[1]:
                raise CurrencyMismatchError(
                    f"{name} is in {value.currency}, {first[0]} is in {first[1]}"
                )
    if first is None:
        raise TypeError(f"{', '.join(named)}: expected Money amounts, got none")
    return first[1]


def arguments_of_types(*arguments: tuple[object, type, str]) -> None:
    """Raise ``TypeError`` naming the first ``(value, type, name)`` whose value is not of its type.

    Examples:
        >>> arguments_of_types((1, int, "count"), ("x", Money, "paid"))
        Traceback (most recent call last):
        ...
        TypeError: paid must be a Money, got 'x' (str)
    """
    for value, kind, name in arguments:
        if not isinstance(value, kind):
            raise TypeError(f"{name} must be a {kind.__name__}, got {describe(value)}")


def payment_for_claim(claim: Claim, payment: ClaimPayment, argument: str, rule: str) -> None:
    """Refuse a claim payment whose patient control number is not the claim's id.

    Args:
        claim: Our claim.
        payment: The payer's answer said to be for it.
        argument: The payment's argument name, for the location.
        rule: The rule id of the finding.

    Raises:
        ValidationError: Naming both ids.

    Examples:
        >>> from billing_core._examples import example_claim
        >>> other = ClaimPayment(patient_control_number="CLM9", status="1",
        ...                      charge=Money("1", "USD"), paid=Money("1", "USD"))
        >>> payment_for_claim(example_claim(), other, "claim_payment", "contract.claim")
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: claim_payment.patient_control_number: 'CLM9' is not claim 'CLM1': the payment is for another claim
    """  # noqa: E501
    if payment.patient_control_number != claim.id:
        raise invalid(
            f"{argument}.patient_control_number",
            f"{payment.patient_control_number!r} is not claim {claim.id!r}:"
            " the payment is for another claim",
            rule,
        )


def pair_service_lines(
    line_ids: Sequence[str],
    payments: Sequence[ServicePayment],
    same_service: Callable[[int, ServicePayment], bool],
) -> tuple[dict[int, ServicePayment], list[tuple[int, ServicePayment]]]:
    """Pair the payer's service lines with our lines, as posting matches them; drop none.

    A service line whose line control number is one of ``line_ids`` answers
    that line (a second one naming it is left unmatched). A service line
    without a control number, or with one that is none of ours, answers the
    one line not answered yet for which ``same_service(index, payment)`` holds
    (procedure, service date and charge for a claim line); when none or
    several do, it is left unmatched: nothing is paired on a guess.

    Args:
        line_ids: Our lines' ids, in order.
        payments: The payer's service lines, in file order.
        same_service: Whether our line (by index) is the service a payment describes.

    Returns:
        The payment answering each of our lines (by index), and every payment
        left unmatched with its number (1-based, in file order).

    Examples:
        >>> usd = Money("10", "USD")
        >>> named = ServicePayment(line_control_number="L2", charge=usd, paid=usd)
        >>> unnamed = ServicePayment(charge=usd, paid=usd)
        >>> answered, unmatched = pair_service_lines(
        ...     ["L1", "L2"], [unnamed, named, unnamed], lambda i, sp: True)
        >>> sorted(answered), [number for number, _ in unmatched]
        ([0, 1], [3])
    """
    position = {line_id: index for index, line_id in enumerate(line_ids)}
    answered: dict[int, ServicePayment] = {}
    unnamed: list[tuple[int, ServicePayment]] = []
    unmatched: list[tuple[int, ServicePayment]] = []
    for number, payment in enumerate(payments, 1):
        lcn = payment.line_control_number
        index = position.get(lcn) if lcn else None
        if index is None:
            unnamed.append((number, payment))
        elif index in answered:
            unmatched.append((number, payment))
        else:
            answered[index] = payment
    # Every control number first, as posting does: a service match never takes a line
    # that a later service line names.
    for number, payment in unnamed:
        candidates = [
            i for i in range(len(line_ids)) if i not in answered and same_service(i, payment)
        ]
        if len(candidates) == 1:
            answered[candidates[0]] = payment
        else:
            unmatched.append((number, payment))
    unmatched.sort(key=lambda pair: pair[0])
    return answered, unmatched


def same_service(item: LineItem, payment: ServicePayment) -> bool:
    """Whether a service line is our line by procedure (no modifiers), service date and charge."""
    if item.charge.minor != payment.charge.minor:
        return False
    # SVC06 holds the code as we submitted it when the payer adjudicated another one
    # (SVC01): matching on it finds our line even after a recode.
    code = payment.submitted_procedure or payment.procedure
    if code is None or item.procedure is None or item.procedure.code != code.code:
        return False
    day = payment.service_date
    # A line billed over a period (from/through) matches any service date within it.
    return day is None or item.service_date <= day <= item.service_end
