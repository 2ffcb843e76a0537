"""Input checks shared by the KPI modules (private).

Each check raises on a bad input, naming the argument: a wrong type is a
``TypeError``; a value of the right type that no KPI can take (a negative
count, a part larger than its whole) is a
[`ValidationError`][billing_core.errors.ValidationError] with one finding.
"""

from __future__ import annotations

from billing_core._checks import describe
from billing_core._fields import invalid
from billing_core.errors import CurrencyMismatchError
from billing_core.money import Money

Number = Money | int
"""What a ratio's numerator or denominator is: an amount or a count."""


def minor_of(value: Number) -> int:
    """An amount in minor units, or a count as it is.

    Examples:
        >>> minor_of(Money("1.25", "USD")), minor_of(3)
        (125, 3)
    """
    return value.minor if isinstance(value, Money) else value


def check_money(name: str, value: object) -> Money:
    """``value`` if it is a `Money`.

    Examples:
        >>> check_money("charges", 1.0)
        Traceback (most recent call last):
        ...
        TypeError: charges must be a Money, got 1.0 (float)
    """
    if not isinstance(value, Money):
        raise TypeError(f"{name} must be a Money, got {describe(value)}")
    return value


def check_same_currency(**amounts: object) -> None:
    """Refuse non-`Money` amounts and amounts in more than one currency.

    Examples:
        >>> check_same_currency(payments=Money("1", "USD"), charges=Money("1", "EUR"))
        Traceback (most recent call last):
        ...
        billing_core.errors.CurrencyMismatchError: amounts must share one currency: payments in USD, charges in EUR
    """  # noqa: E501
    checked = {name: check_money(name, value) for name, value in amounts.items()}
    currencies = {m.currency for m in checked.values()}
    if len(currencies) > 1:
        listing = ", ".join(f"{name} in {m.currency}" for name, m in checked.items())
        raise CurrencyMismatchError(f"amounts must share one currency: {listing}")


def check_count(name: str, value: object) -> int:
    """``value`` if it is a non-negative ``int`` (a ``bool`` is not a count).

    Examples:
        >>> check_count("denied_claims", -1)
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: denied_claims: must not be negative, got -1
    """
    # type() rather than isinstance: True is an int, and a count of True claims is a bug.
    if type(value) is not int:
        raise TypeError(f"{name} must be an int count, got {describe(value)}")
    if value < 0:
        raise invalid(name, f"must not be negative, got {value}", "kpi.count")
    return value


def check_part_of_whole(part_name: str, part: Number, whole_name: str, whole: Number) -> None:
    """Refuse a part larger than its whole (more denied claims than submitted ones, ...).

    Examples:
        >>> check_part_of_whole("denied_claims", 5, "submitted_claims", 4)
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: denied_claims: 5 is more than submitted_claims (4)
    """
    # Compared in minor units: the callers have checked both are in one currency (or both
    # counts), so no Money comparison is needed here.
    if minor_of(part) > minor_of(whole):
        raise invalid(
            part_name, f"{part} is more than {whole_name} ({whole})", "kpi.part_exceeds_whole"
        )
