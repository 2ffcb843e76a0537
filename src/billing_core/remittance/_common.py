"""Checks shared by the remittance values (private).

Every amount of a remittance is in one currency and is a
[`Money`][billing_core.money.Money]; errors name the class and the field as
the 835 reader sees them (``ServicePayment.paid``). Code lists (CLP02, BPR04,
PLB03-1) are parsed by one function that names where the bad code was found.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import attrs

from billing_core._checks import MAX_ECHO, describe
from billing_core._fields import TOO_WIDE, all_of, too_wide, wrong_type
from billing_core.codes import RARC
from billing_core.errors import CurrencyMismatchError, InvalidAmountError, InvalidCodeError
from billing_core.money import Money

_E = TypeVar("_E", bound=enum.Enum)


def shown(value: str) -> str:
    """A code as an error message quotes it: its repr, or a bounded description when long."""
    text = repr(value)
    return text if len(text) <= MAX_ECHO else describe(value)


def parse_member(
    cls: type[_E], value: object, what: str, location: str, *, upper: bool, expected: str
) -> _E:
    """Parse an X12 code into a member of ``cls``, naming the code list and where it was.

    Examples:
        >>> from billing_core.remittance import PaymentMethod
        >>> parse_member(PaymentMethod, " chk", "payment method", "", upper=True, expected="...")
        <PaymentMethod.CHECK: 'CHK'>
        >>> parse_member(PaymentMethod, "X", "payment method", "BPR04", upper=True, expected="no")
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidCodeError: unknown payment method 'X' at BPR04: no
    """
    if not isinstance(value, str):
        raise wrong_type(what, "a str", value)
    code = value.strip()
    try:
        return cls(code.upper() if upper else code)
    except ValueError:
        at = f" at {location}" if location else ""
        raise InvalidCodeError(f"unknown {what} {shown(value)}{at}: {expected}") from None


def is_money(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    """A validator: the field is a `Money`, named ``Class.field`` in the error."""
    if value.__class__ is not Money:
        raise wrong_type(f"{type(instance).__name__}.{attribute.name}", "a Money", value)


def is_optional_money(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    """A validator: the field is a `Money` or ``None``."""
    if value is not None:
        is_money(instance, attribute, value)


def items(kind: type) -> Any:
    """A validator: every item of the tuple field is a ``kind``, named ``Class.field[i]``."""

    def check(instance: Any, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
        if value:
            all_of(f"{type(instance).__name__}.{attribute.name}", value, kind)

    return check


def mismatch(owner: str, field: str, money: Money, currency: str) -> CurrencyMismatchError:
    """The error for an amount in another currency than the rest of the remittance."""
    return CurrencyMismatchError(
        f"{owner}.{field} is {money}, but the other amounts are in {currency}: "
        "every amount of a remittance must be in one currency"
    )


def check_adjustments(owner: str, adjustments: tuple[Any, ...], currency: str) -> None:
    """Refuse an adjustment in another currency than ``currency`` (claim and line level)."""
    for index, adj in enumerate(adjustments):
        if adj.amount.currency != currency:
            raise mismatch(owner, f"adjustments[{index}].amount", adj.amount, currency)


def to_rarcs(value: Iterable[RARC | str]) -> tuple[RARC, ...]:
    """An attrs converter: remark codes, a ``str`` parsed; a lone ``str`` is refused."""
    if isinstance(value, str):
        raise TypeError(f"remarks must be a sequence of codes, not a single str ({shown(value)})")
    return tuple(r if isinstance(r, RARC) else RARC(r) for r in value)


def to_quantity(value: Decimal | int | str | None) -> Decimal | None:
    """An attrs converter: a quantity (units) as a finite ``Decimal``; never a float or a bool."""
    if value is None:
        return None
    if isinstance(value, bool | float):
        raise wrong_type("a quantity", "a Decimal, int or str", value)
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        if isinstance(value, str) and len(value) > MAX_ECHO:
            # No quantity needs that many characters; do not parse megabytes.
            raise InvalidAmountError(f"quantity {describe(value)} is too long to be a number")
        try:
            result = Decimal(value)
        except InvalidOperation:
            raise InvalidAmountError(f"quantity {describe(value)} is not a number") from None
    else:
        raise wrong_type("a quantity", "a Decimal, int or str", value)
    if not result.is_finite():
        raise InvalidAmountError(f"quantity must be finite, got {describe(value)}")
    if too_wide(result):
        raise InvalidAmountError(f"quantity {TOO_WIDE}, got {describe(value)}")
    return result


def state_of(item: Any) -> dict[str, Any]:
    """The pickled state of a remittance value: its fields by name."""
    return {field.name: getattr(item, field.name) for field in attrs.fields(type(item))}


def restore(item: Any, state: dict[str, Any]) -> None:
    """Unpickle a remittance value; a field added after the pickle was written takes its default.

    Examples:
        >>> from billing_core.money import Money
        >>> from billing_core.remittance import ServicePayment
        >>> line = ServicePayment(charge=Money(5, "USD"), paid=Money(5, "USD"))
        >>> old = {k: v for k, v in state_of(line).items() if k != "service_end"}
        >>> fresh = ServicePayment.__new__(ServicePayment)
        >>> restore(fresh, old)
        >>> fresh == line
        True
    """
    for field in attrs.fields(type(item)):
        object.__setattr__(item, field.name, state.get(field.name, field.default))
