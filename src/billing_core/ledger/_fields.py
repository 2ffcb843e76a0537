"""Field checks shared by the ledger's value types and entries (private).

Examples:
    >>> check_text("A1", "ChargePosted.account_id")
    >>> check_text("", "ChargePosted.account_id")
    Traceback (most recent call last):
    ...
    billing_core.errors.ValidationError: ChargePosted.account_id: must be non-empty text, got ''...
"""

from __future__ import annotations

from typing import Any

import attrs

from billing_core._checks import describe, describe_protected, is_plain_date
from billing_core._fields import invalid

__all__ = ["check_text", "optional_date"]


def check_text(value: object, what: str, *, protected: bool = False) -> None:
    """Refuse a field that is not a non-empty ``str``, naming the field.

    Args:
        value: The field's value.
        what: The field, as ``Class.field``.
        protected: The field may hold a patient identifier: the message shows
            its type, never its value.

    Raises:
        TypeError: If ``value`` is not a ``str``.
        ValidationError: If it is empty.
    """
    if value.__class__ is str and value:
        return  # the common case, without building the message
    shown = describe_protected(value) if protected else describe(value)
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {shown}")
    if not value:
        raise invalid(what, f"must be non-empty text, got {shown}", "id")


def optional_date(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """An attrs validator: ``None`` or a plain date, naming the class and the field.

    Raises:
        TypeError: If ``value`` is neither ``None`` nor a ``datetime.date``
            (a ``datetime`` is refused).
    """
    if value is not None and not is_plain_date(value):
        raise TypeError(
            f"{type(instance).__name__}.{attribute.name} must be a datetime.date or None,"
            f" got {describe(value)}"
        )
