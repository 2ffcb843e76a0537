"""The structure and unstructure hooks of the dict/JSON form (private; edges layer).

[`configure`][billing_core._wire.configure] registers them on the converter of
[`serialization`][billing_core.serialization]. Loading is strict and bounded:
no hook converts loosely (a bool is never an int or an enum value, a float is
never a number), and every number, date or fraction is checked for size and
plain ASCII form before it is parsed.

A hook that refuses a value raises [`ProblemsError`][billing_core._wire.ProblemsError];
a message about the value is a [`Bad`][billing_core._wire.Bad], rendered later,
once the field it belongs to is known, so that a protected field's value never
reaches the message.
"""

from __future__ import annotations

import datetime
import enum
import re
import types
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, TypeVar, Union, get_args, get_origin

import attrs
import cattrs

from billing_core._checks import describe, describe_field
from billing_core.codes import (
    CARC,
    NDC,
    NPI,
    RARC,
    DiagnosisCode,
    PlaceOfService,
    RevenueCode,
    TaxonomyCode,
)
from billing_core.errors import BillingError
from billing_core.money import currency_exponent
from billing_core.money._core import Money, amount_text
from billing_core.money._numbers import _NUMBER, MAX_NUMBER_CHARS, parse_number

T = TypeVar("T")

TYPE_KEY: Final = "type"
"""The key of the ``"type"`` tag of registered classes."""


class Bad:
    """A message about a bad value: ``before`` + the value as the field allows + ``after``."""

    __slots__ = ("after", "before", "value")

    def __init__(self, before: str, value: object, after: str = "") -> None:
        self.before = before
        self.value = value
        self.after = after

    def render(self, field: str | None, owner: str | None) -> str:
        """The message, showing the value unless the field is protected."""
        return f"{self.before}{describe_field(self.value, field, owner)}{self.after}"


class ProblemsError(Exception):
    """ProblemsError found by a hook, each ``(relative path, message or exception)``."""

    def __init__(self, items: list[tuple[str, str | Bad | BaseException]]) -> None:
        super().__init__(f"{len(items)} problem(s)")
        self.items = items


def problem(message: str | Bad, path: str = "") -> ProblemsError:
    """One problem at ``path`` (relative to the value being structured)."""
    return ProblemsError([(path, message)])


# --------------------------------------------------------------------------- scalars


def _unstructure_money(m: Money) -> dict[str, str]:
    return {"amount": amount_text(m.minor, m.exponent), "currency": m.currency}


def _structure_money(data: object, _: object) -> Money:
    if not isinstance(data, Mapping):
        raise problem(Bad('must be an object {"amount": "12.50", "currency": "USD"}, got ', data))
    items: list[tuple[str, str | Bad | BaseException]] = []
    amount = data.get("amount")
    currency = data.get("currency")
    if "amount" not in data:
        items.append((".amount", "required field missing"))
    elif not isinstance(amount, str):
        items.append((".amount", Bad("must be a string such as '12.50', got ", amount)))
    if "currency" not in data:
        items.append((".currency", "required field missing"))
    elif not isinstance(currency, str):
        items.append((".currency", Bad("must be an ISO 4217 code string, got ", currency)))
    else:
        try:
            currency_exponent(currency)
        except (BillingError, ValueError, TypeError) as exc:
            items.append((".currency", str(exc)))
            currency = None
    items.extend((f".{key_text(k)}", "unknown field") for k in data if k not in _MONEY_KEYS)
    if not items:
        try:
            return Money(amount, currency)  # type: ignore[arg-type]  # both checked above
        except (BillingError, ValueError, TypeError) as exc:
            items.append((".amount", str(exc)))
    raise ProblemsError(items)


_MONEY_KEYS: Final = frozenset({"amount", "currency"})
_MAX_KEY: Final = 40


def key_text(key: object) -> str:
    """A dict key as a path shows it, cut short when long."""
    text = key if isinstance(key, str) else repr(key) if isinstance(key, int) else describe(key)
    return text if len(text) <= _MAX_KEY else f"{text[:_MAX_KEY]}..."


def _structure_str(value: object, _: object) -> str:
    if not isinstance(value, str):
        raise problem(Bad("must be a string, got ", value))
    return value


def _structure_int(value: object, _: object) -> int:
    if type(value) is not int:
        raise problem(Bad("must be an integer, got ", value))
    return value


def _structure_bool(value: object, _: object) -> bool:
    if type(value) is not bool:
        raise problem(Bad("must be true or false, got ", value))
    return value


def _structure_decimal(value: object, _: object) -> Decimal:
    if not isinstance(value, str):
        raise problem(Bad("must be a decimal number as a string such as '0.2', got ", value))
    try:
        parse_number(value, "decimal number")  # bounded size, plain ASCII, finite
    except BillingError:
        raise problem(
            Bad("is not a plain decimal number such as '0.2' (at most 64 characters): ", value)
        ) from None
    return Decimal(value)


_FRACTION_RE: Final = re.compile(r"-?[0-9]+(/[0-9]+)?")


def _structure_fraction(value: object, _: object) -> Fraction:
    if (
        not isinstance(value, str)
        or len(value) > MAX_NUMBER_CHARS
        or not _FRACTION_RE.fullmatch(value)
    ):
        raise problem(Bad("must be a fraction as a string such as '1/3', got ", value))
    try:
        return Fraction(value)
    except ZeroDivisionError:
        raise problem(Bad("has a zero denominator: ", value)) from None


_DATE_RE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MAX_DATETIME: Final = 40


def _structure_date(value: object, _: object) -> datetime.date:
    if not isinstance(value, str):
        raise problem(Bad("must be an ISO 8601 date string such as '2024-03-01', got ", value))
    try:
        if _DATE_RE.fullmatch(value) is None:
            raise ValueError
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise problem(Bad("is not an ISO 8601 date (YYYY-MM-DD): ", value)) from None


def _structure_datetime(value: object, _: object) -> datetime.datetime:
    if not isinstance(value, str):
        raise problem(Bad("must be an ISO 8601 date-time string, got ", value))
    try:
        if len(value) > _MAX_DATETIME or not value.isascii():
            raise ValueError
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        raise problem(Bad("is not an ISO 8601 date-time: ", value)) from None


# --------------------------------------------------------------------------- their JSON Schema
# What each scalar hook above accepts, as JSON Schema 2020-12 (read by _schema.py).
# A schema here may be looser than its hook (a currency code of three letters that
# is not a currency), never stricter: whatever the hook loads, the schema allows.

_NUMBER_TEXT: Final = {
    "type": "string",
    "pattern": f"^{_NUMBER.pattern}$",
    "maxLength": MAX_NUMBER_CHARS,
}

SCALAR_SCHEMAS: Final[dict[type[Any], dict[str, Any]]] = {
    Money: {
        "type": "object",
        "properties": {
            "amount": {
                **_NUMBER_TEXT,
                "description": "The exact amount as text, such as '12.50'; never finer than"
                " the currency's minor unit.",
            },
            "currency": {
                "type": "string",
                "pattern": "^[A-Z]{3}$",
                "description": "The ISO 4217 currency code.",
            },
        },
        "required": ["amount", "currency"],
        "additionalProperties": False,
    },
    str: {"type": "string"},
    int: {"type": "integer"},
    bool: {"type": "boolean"},
    Decimal: {**_NUMBER_TEXT, "description": "An exact decimal number as text, such as '0.2'."},
    Fraction: {
        "type": "string",
        "pattern": f"^{_FRACTION_RE.pattern}$",
        "maxLength": MAX_NUMBER_CHARS,
        "description": "A fraction as text, such as '1/3'.",
    },
    datetime.date: {"type": "string", "format": "date", "pattern": f"^{_DATE_RE.pattern}$"},
    datetime.datetime: {"type": "string", "format": "date-time", "maxLength": _MAX_DATETIME},
}
"""The JSON Schema of each scalar type the converter has a hook for."""


# --------------------------------------------------------------------------- enums and codes


def _is_enum(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, enum.Enum)


def _enum_hook(cls: type[enum.Enum]) -> Callable[[object, object], enum.Enum]:
    allowed = ", ".join(repr(m.value) for m in cls)
    # Keyed by type and value: JSON true must not pass for 1, nor 1.0 for 1.
    by_value = {(type(m.value), m.value): m for m in cls}

    def hook(value: object, _: object) -> enum.Enum:
        try:
            return by_value[(type(value), value)]
        except (KeyError, TypeError):
            raise problem(
                Bad("", value, f" is not a {cls.__name__}; expected one of {allowed}")
            ) from None

    return hook


# Single-field code values: serialized as their canonical string.
CODE_TYPES: Final[tuple[type[Any], ...]] = (
    RevenueCode,
    NDC,
    DiagnosisCode,
    NPI,
    PlaceOfService,
    TaxonomyCode,
    CARC,
    RARC,
)


def _code_hook(cls: type[T]) -> Callable[[object, object], T]:
    def hook(value: object, _: object) -> T:
        if not isinstance(value, str):
            raise problem(Bad(f"must be a {cls.__name__} code string, got ", value))
        try:
            return cls(value)  # type: ignore[call-arg]
        except (BillingError, ValueError, TypeError) as exc:
            raise problem(str(exc)) from None

    return hook


# --------------------------------------------------------------------------- containers


def _structure_items(
    value: list[Any] | tuple[Any, ...],
    hooks: Iterable[tuple[Callable[[object, object], Any], Any]],
) -> tuple[Any, ...]:
    """Structure each item with its ``(hook, type)``; report every bad item at once."""
    out = []
    items: list[tuple[str, str | Bad | BaseException]] = []
    for i, ((hook, item_type), v) in enumerate(zip(hooks, value, strict=True)):
        try:
            out.append(hook(v, item_type))
        except Exception as exc:
            items.append((f"[{i}]", exc))
    if items:
        raise ProblemsError(items)
    return tuple(out)


def _is_tuple(t: Any) -> bool:
    return get_origin(t) is tuple


def _tuple_factory(c: cattrs.Converter) -> Callable[[Any], Callable[[object, object], Any]]:
    def factory(t: Any) -> Callable[[object, object], tuple[Any, ...]]:
        args = get_args(t)
        if len(args) == 2 and args[1] is Ellipsis:
            item = (c.get_structure_hook(args[0]), args[0])

            def homogeneous(value: object, _: object) -> tuple[Any, ...]:
                if not isinstance(value, list | tuple):
                    raise problem(Bad("must be a list, got ", value))
                return _structure_items(value, [item] * len(value))

            return homogeneous
        hooks = [(c.get_structure_hook(a), a) for a in args]

        def fixed(value: object, _: object) -> tuple[Any, ...]:
            if not isinstance(value, list | tuple) or len(value) != len(hooks):
                raise problem(Bad(f"must be a list of {len(hooks)} items, got ", value))
            return _structure_items(value, hooks)

        return fixed

    return factory


def _is_union(t: Any) -> bool:
    origin = get_origin(t)
    return origin is Union or origin is types.UnionType


_SCALARS: Final = frozenset({int, str, bool, Decimal, Fraction})


def _tagged_union(
    c: cattrs.Converter, members: list[Any], optional: bool, tag_of: Callable[[type[Any]], str]
) -> Callable[[object, object], Any]:
    allowed = {tag_of(m): m for m in members}
    names = ", ".join(repr(k) for k in allowed)

    def tagged(value: object, _: object) -> Any:
        if value is None and optional:
            return None
        if not isinstance(value, Mapping):
            raise problem(Bad(f"must be an object with a 'type' of {names}, got ", value))
        tag = value.get(TYPE_KEY)
        cls = allowed.get(tag) if isinstance(tag, str) else None
        if cls is None:
            if tag is None:
                raise problem(f"'type' is missing; expected one of {names}", f".{TYPE_KEY}")
            raise problem(Bad("'type' is ", tag, f"; expected one of {names}"), f".{TYPE_KEY}")
        return c.structure(value, cls)

    return tagged


def _scalar_union(members: list[Any], optional: bool) -> Callable[[object, object], Any]:
    scalar_names = " or ".join(m.__name__ for m in members)

    def scalar(value: object, _: object) -> Any:
        if value is None and optional:
            return None
        if type(value) is int and int in members:
            return value
        if type(value) is bool and bool in members:
            return value
        if isinstance(value, str):
            if str in members:
                return value
            if Decimal in members:
                return _structure_decimal(value, Decimal)
            if Fraction in members:
                return _structure_fraction(value, Fraction)
        raise problem(Bad(f"must be {scalar_names}, got ", value))

    return scalar


def _union_factory(
    c: cattrs.Converter, tag_of: Callable[[type[Any]], str]
) -> Callable[[Any], Callable[[object, object], Any]]:
    def factory(t: Any) -> Callable[[object, object], Any]:
        members = [a for a in get_args(t) if a is not type(None)]
        optional = len(members) != len(get_args(t))
        if len(members) == 1:
            inner = c.get_structure_hook(members[0])
            only = members[0]

            def optional_hook(value: object, _: object) -> Any:
                return None if value is None else inner(value, only)

            return optional_hook
        if all(attrs.has(m) for m in members):
            return _tagged_union(c, members, optional, tag_of)
        if all(m in _SCALARS for m in members):
            return _scalar_union(members, optional)
        hooks = [(c.get_structure_hook(m), m) for m in members]

        def first_fit(value: object, _: object) -> Any:
            if value is None and optional:
                return None
            for hook, m in hooks:
                try:
                    return hook(value, m)
                except Exception:
                    continue
            raise problem(Bad(f"does not fit any of {t}: got ", value))

        return first_fit

    return factory


def configure(c: cattrs.Converter, tag_of: Callable[[type[Any]], str]) -> None:
    """Register every hook on ``c``; ``tag_of`` gives (registering if needed) a class's tag."""
    c.register_unstructure_hook(Money, _unstructure_money)
    c.register_structure_hook(Money, _structure_money)
    c.register_structure_hook(str, _structure_str)
    c.register_structure_hook(int, _structure_int)
    c.register_structure_hook(bool, _structure_bool)
    c.register_unstructure_hook(Decimal, str)
    c.register_structure_hook(Decimal, _structure_decimal)
    c.register_unstructure_hook(Fraction, str)
    c.register_structure_hook(Fraction, _structure_fraction)
    c.register_unstructure_hook(datetime.date, datetime.date.isoformat)
    c.register_structure_hook(datetime.date, _structure_date)
    c.register_unstructure_hook(datetime.datetime, datetime.datetime.isoformat)
    c.register_structure_hook(datetime.datetime, _structure_datetime)
    c.register_unstructure_hook_func(_is_enum, lambda e: e.value)
    c.register_structure_hook_factory(_is_enum, _enum_hook)
    for cls in CODE_TYPES:
        c.register_unstructure_hook(cls, str)
        c.register_structure_hook(cls, _code_hook(cls))
    c.register_structure_hook_factory(_is_tuple, _tuple_factory(c))
    c.register_structure_hook_factory(_is_union, _union_factory(c, tag_of))
