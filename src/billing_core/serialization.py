"""The stable dict/JSON form of every public document and ledger entry.

One preconfigured `cattrs` converter ([`converter`][]) turns
billing_core objects into plain dicts of ``str``/``int``/``bool``/``None``/
``list``/``dict`` and back. The form is documented and versioned
([`SCHEMA_VERSION`][]), so it can be stored in a database column, sent over
a queue or written to a file and read back by a later release.

The rules of the form:

- [`Money`][billing_core.money.Money] is ``{"amount": "12.50", "currency": "USD"}``;
  the amount is **always a string** with exactly the currency's decimal places.
  On load, an amount finer than the currency's minor unit is refused, never
  rounded.
- Dates and datetimes are ISO 8601 strings; ``Decimal`` is its exact string;
  ``Fraction`` is ``"n/d"``; enums are their value; tuples are lists.
- Code values ([`DiagnosisCode`][billing_core.codes.DiagnosisCode], ``NPI``, ``NDC``,
  ``RevenueCode``, ``CARC``, ...) are their canonical string;
  [`ProcedureCode`][billing_core.codes.ProcedureCode] is
  ``{"system": "CPT", "code": "99213", "modifiers": ["25"]}``.
- Every registered document and entry carries a ``"type"`` tag (see
  [`register_type`][]), wherever it appears; the top level of
  [`to_dict`][] also carries ``"schema_version"``.

Loading is strict: unknown fields, wrong types (``5`` where a string is
expected, a float anywhere), a missing currency, an unknown tag are all
errors. Every problem is reported at once, in one
[`ValidationError`][billing_core.errors.ValidationError] whose findings are located by a
path such as ``$.lines[2].charge.currency``.

Examples:
    >>> import datetime
    >>> from billing_core.ledger import Bucket, ChargePosted
    >>> from billing_core.money import Money
    >>> entry = ChargePosted(id="c1", account_id="A1", line_id="L1",
    ...                      effective=datetime.date(2024, 3, 1),
    ...                      amount=Money("80.00", "USD"), bucket=Bucket.PATIENT)
    >>> text = to_json(entry)
    >>> text[:80]
    '{"account_id":"A1","amount":{"amount":"80.00","currency":"USD"},"bucket":"patien'
    >>> from_json(text) == entry
    True
    >>> from_dict({"type": "charge_posted", "id": "c1", "account_id": "A1",
    ...            "line_id": "L1", "effective": "2024-03-01", "bucket": "patient",
    ...            "amount": {"amount": 80}, "colour": "red"})
    Traceback (most recent call last):
    ...
    billing_core.errors.ValidationError: 3 problems:
      - $.amount.amount: must be a string such as '12.50', got int (80)
      - $.amount.currency: required field missing
      - $.colour: unknown field
"""

from __future__ import annotations

import datetime
import enum
import json
import re
import types
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Final, TypeVar, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    BaseValidationError,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from billing_core import allocation, bills, charges, claims, codes, ledger, parties, remittance
from billing_core.errors import (
    BillingError,
    DuplicateError,
    Finding,
    NotFoundError,
    ValidationError,
)
from billing_core.money import Money, currency_exponent
from billing_core.storage import kind_name

__all__ = [
    "SCHEMA_VERSION",
    "converter",
    "from_dict",
    "from_json",
    "register_type",
    "registered_types",
    "tag_of",
    "to_dict",
    "to_json",
]

T = TypeVar("T")

SCHEMA_VERSION: Final = 1
"""The version of the dict/JSON form written by this release (``"schema_version"``)."""

_TYPE: Final = "type"
_VERSION_KEY: Final = "schema_version"


class _ProblemsError(Exception):
    """Internal: problems found by a hook, each ``(relative path, message or exception)``."""

    def __init__(self, items: list[tuple[str, str | BaseException]]) -> None:
        super().__init__("; ".join(f"{p}: {m}" for p, m in items))
        self.items = items


def _problem(message: str, path: str = "") -> _ProblemsError:
    return _ProblemsError([(path, message)])


def _describe(value: object) -> str:
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{type(value).__name__} ({text})"


# --------------------------------------------------------------------------- the converter

converter: Final = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
"""The preconfigured `cattrs.Converter` behind [`to_dict`][] and [`from_dict`][].

Use it directly to convert values that are not registered documents
(``converter.unstructure(money)``), or to register hooks for your own types.

Examples:
    >>> converter.unstructure(Money("12.5", "USD"))
    {'amount': '12.50', 'currency': 'USD'}
    >>> converter.structure({"amount": "0.10", "currency": "USD"}, Money)
    Money('0.10', 'USD')
"""


def _amount_text(minor: int, exponent: int) -> str:
    if exponent == 0:
        return str(minor)
    sign = "-" if minor < 0 else ""
    q, r = divmod(-minor if minor < 0 else minor, _POW10[exponent])
    return f"{sign}{q}.{r:0{exponent}d}"


_POW10: Final = tuple(10**i for i in range(19))


def _unstructure_money(m: Money) -> dict[str, str]:
    return {"amount": _amount_text(m.minor, m.exponent), "currency": m.currency}


def _structure_money(data: object, _: object) -> Money:
    if not isinstance(data, Mapping):
        raise _problem(
            f'must be an object {{"amount": "12.50", "currency": "USD"}}, got {_describe(data)}'
        )
    items: list[tuple[str, str | BaseException]] = []
    amount = data.get("amount")
    currency = data.get("currency")
    if "amount" not in data:
        items.append((".amount", "required field missing"))
    elif not isinstance(amount, str):
        items.append((".amount", f"must be a string such as '12.50', got {_describe(amount)}"))
    if "currency" not in data:
        items.append((".currency", "required field missing"))
    elif not isinstance(currency, str):
        items.append((".currency", f"must be an ISO 4217 code string, got {_describe(currency)}"))
    else:
        try:
            currency_exponent(currency)
        except (BillingError, ValueError, TypeError) as exc:
            items.append((".currency", str(exc)))
            currency = None
    items.extend((f".{k}", "unknown field") for k in data if k not in ("amount", "currency"))
    if not items:
        try:
            return Money(amount, currency)  # type: ignore[arg-type]  # both checked above
        except (BillingError, ValueError, TypeError) as exc:
            items.append((".amount", str(exc)))
    raise _ProblemsError(items)


def _structure_str(value: object, _: object) -> str:
    if not isinstance(value, str):
        raise _problem(f"must be a string, got {_describe(value)}")
    return value


def _structure_int(value: object, _: object) -> int:
    if type(value) is not int:
        raise _problem(f"must be an integer, got {_describe(value)}")
    return value


def _structure_bool(value: object, _: object) -> bool:
    if type(value) is not bool:
        raise _problem(f"must be true or false, got {_describe(value)}")
    return value


def _structure_decimal(value: object, _: object) -> Decimal:
    if not isinstance(value, str):
        raise _problem(
            f"must be a decimal number as a string such as '0.2', got {_describe(value)}"
        )
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise _problem(f"is not a decimal number: {value!r}") from None
    if not result.is_finite():
        raise _problem(f"must be a finite decimal number, got {value!r}")
    return result


_FRACTION_RE: Final = re.compile(r"-?\d+(/\d+)?")


def _structure_fraction(value: object, _: object) -> Fraction:
    if not isinstance(value, str) or not _FRACTION_RE.fullmatch(value.strip()):
        raise _problem(f"must be a fraction as a string such as '1/3', got {_describe(value)}")
    try:
        return Fraction(value)
    except ZeroDivisionError:
        raise _problem(f"has a zero denominator: {value!r}") from None


def _structure_date(value: object, _: object) -> datetime.date:
    if not isinstance(value, str):
        raise _problem(
            f"must be an ISO 8601 date string such as '2024-03-01', got {_describe(value)}"
        )
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise _problem(f"is not an ISO 8601 date (YYYY-MM-DD): {value!r}") from None


def _structure_datetime(value: object, _: object) -> datetime.datetime:
    if not isinstance(value, str):
        raise _problem(f"must be an ISO 8601 date-time string, got {_describe(value)}")
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        raise _problem(f"is not an ISO 8601 date-time: {value!r}") from None


def _is_enum(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, enum.Enum)


def _enum_hook(cls: type[enum.Enum]) -> Callable[[object, object], enum.Enum]:
    allowed = ", ".join(repr(m.value) for m in cls)
    by_value = {m.value: m for m in cls}

    def hook(value: object, _: object) -> enum.Enum:
        try:
            return by_value[value]
        except (KeyError, TypeError):
            raise _problem(
                f"{value!r} is not a {cls.__name__}; expected one of {allowed}"
            ) from None

    return hook


# Single-field code values: serialized as their canonical string.
_CODE_TYPES: Final[tuple[type[Any], ...]] = (
    codes.RevenueCode,
    codes.NDC,
    codes.DiagnosisCode,
    codes.NPI,
    codes.PlaceOfService,
    codes.TaxonomyCode,
    codes.CARC,
    codes.RARC,
)


def _code_hook(cls: type[T]) -> Callable[[object, object], T]:
    def hook(value: object, _: object) -> T:
        if not isinstance(value, str):
            raise _problem(f"must be a {cls.__name__} code string, got {_describe(value)}")
        try:
            return cls(value)  # type: ignore[call-arg]
        except (BillingError, ValueError, TypeError) as exc:
            raise _problem(str(exc)) from None

    return hook


def _is_tuple(t: Any) -> bool:
    return get_origin(t) is tuple


def _structure_items(
    value: list[Any] | tuple[Any, ...],
    hooks: Iterable[tuple[Callable[[object, object], Any], Any]],
) -> tuple[Any, ...]:
    """Structure each item with its ``(hook, type)``; report every bad item at once."""
    out = []
    items: list[tuple[str, str | BaseException]] = []
    for i, ((hook, item_type), v) in enumerate(zip(hooks, value, strict=True)):
        try:
            out.append(hook(v, item_type))
        except Exception as exc:
            items.append((f"[{i}]", exc))
    if items:
        raise _ProblemsError(items)
    return tuple(out)


def _tuple_hook(t: Any) -> Callable[[object, object], tuple[Any, ...]]:
    args = get_args(t)
    if len(args) == 2 and args[1] is Ellipsis:
        item = (converter.get_structure_hook(args[0]), args[0])

        def homogeneous(value: object, _: object) -> tuple[Any, ...]:
            if not isinstance(value, list | tuple):
                raise _problem(f"must be a list, got {_describe(value)}")
            return _structure_items(value, [item] * len(value))

        return homogeneous
    hooks = [(converter.get_structure_hook(a), a) for a in args]

    def fixed(value: object, _: object) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple) or len(value) != len(hooks):
            raise _problem(f"must be a list of {len(hooks)} items, got {_describe(value)}")
        return _structure_items(value, hooks)

    return fixed


def _is_union(t: Any) -> bool:
    origin = get_origin(t)
    return origin is Union or origin is types.UnionType


_SCALARS: Final = frozenset({int, str, bool, Decimal, Fraction})


def _union_hook(t: Any) -> Callable[[object, object], Any]:
    members = [a for a in get_args(t) if a is not type(None)]
    optional = len(members) != len(get_args(t))
    if len(members) == 1:
        inner = converter.get_structure_hook(members[0])
        only = members[0]

        def optional_hook(value: object, _: object) -> Any:
            return None if value is None else inner(value, only)

        return optional_hook
    if all(attrs.has(m) for m in members):
        for m in members:
            if m not in _TAGS:
                register_type(m, kind_name(m))
        allowed = {_TAGS[m]: m for m in members}
        names = ", ".join(repr(k) for k in allowed)

        def tagged(value: object, _: object) -> Any:
            if value is None and optional:
                return None
            if not isinstance(value, Mapping):
                raise _problem(
                    f"must be an object with a 'type' of {names}, got {_describe(value)}"
                )
            tag = value.get(_TYPE)
            cls = allowed.get(tag) if isinstance(tag, str) else None
            if cls is None:
                what = "is missing" if tag is None else f"is {tag!r}"
                raise _problem(f"'type' {what}; expected one of {names}", f".{_TYPE}")
            return converter.structure(value, cls)

        return tagged
    if all(m in _SCALARS for m in members):
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
            raise _problem(f"must be {scalar_names}, got {_describe(value)}")

        return scalar
    hooks = [(converter.get_structure_hook(m), m) for m in members]

    def first_fit(value: object, _: object) -> Any:
        if value is None and optional:
            return None
        for hook, m in hooks:
            try:
                return hook(value, m)
            except Exception:
                continue
        raise _problem(f"does not fit any of {t}: got {_describe(value)}")

    return first_fit


def _configure() -> None:
    c = converter
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
    for cls in _CODE_TYPES:
        c.register_unstructure_hook(cls, str)
        c.register_structure_hook(cls, _code_hook(cls))
    c.register_structure_hook_factory(_is_tuple, _tuple_hook)
    c.register_structure_hook_factory(_is_union, _union_hook)


_configure()

# --------------------------------------------------------------------------- tagged types

_TAGS: dict[type[Any], str] = {}
_CLASSES: dict[str, type[Any]] = {}


def register_type(cls: type[Any], tag: str) -> None:
    """Give an attrs class a ``"type"`` tag, so it can be loaded without naming the class.

    The library's own documents and ledger entries are registered when this
    module is imported (``ChargePosted`` is ``"charge_posted"``, ``Bill`` is
    ``"bill"``, ...). Register your own attrs classes the same way. A
    registered object carries ``"type": tag`` wherever it is serialized, and
    [`from_dict`][] picks the class from it.

    Args:
        cls: An attrs class.
        tag: A stable name, unique among registered types.

    Raises:
        TypeError: If ``cls`` is not an attrs class.
        DuplicateError: If ``tag`` already names another class, or ``cls``
            already has another tag.

    Examples:
        >>> import attrs
        >>> @attrs.frozen(kw_only=True)
        ... class Note:
        ...     id: str
        ...     text: str
        >>> register_type(Note, "example_note")
        >>> to_dict(Note(id="n1", text="call back"))
        {'id': 'n1', 'text': 'call back', 'type': 'example_note', 'schema_version': 1}
        >>> from_dict({"type": "example_note", "id": "n1", "text": "call back"})
        Note(id='n1', text='call back')
    """
    if not attrs.has(cls):
        raise TypeError(f"register_type needs an attrs class, got {cls!r}")
    if not isinstance(tag, str) or not tag:
        raise TypeError(f"a type tag must be a non-empty str, got {tag!r}")
    if _TAGS.get(cls, tag) != tag:
        raise DuplicateError(f"{cls.__qualname__} is already registered as {_TAGS[cls]!r}")
    if _CLASSES.get(tag, cls) is not cls:
        raise DuplicateError(f"type tag {tag!r} already names {_CLASSES[tag].__qualname__}")
    _TAGS[cls] = tag
    _CLASSES[tag] = cls
    unstructure = make_dict_unstructure_fn(cls, converter)
    structure = make_dict_structure_fn(
        cls, converter, _cattrs_forbid_extra_keys=True, _cattrs_detailed_validation=True
    )

    def unstructure_tagged(obj: Any) -> dict[str, Any]:
        data: dict[str, Any] = unstructure(obj)
        data[_TYPE] = tag
        return data

    def structure_tagged(data: object, _: object) -> Any:
        if not isinstance(data, Mapping):
            raise _problem(f"must be an object (a {tag}), got {_describe(data)}")
        if _TYPE in data:
            found = data[_TYPE]
            if found != tag:
                raise _problem(f"is {found!r}, expected {tag!r}", f".{_TYPE}")
            data = {k: v for k, v in data.items() if k != _TYPE}
        return structure(data, cls)

    converter.register_unstructure_hook(cls, unstructure_tagged)
    converter.register_structure_hook(cls, structure_tagged)


def registered_types() -> dict[str, type[Any]]:
    """Every registered ``"type"`` tag and its class.

    Examples:
        >>> from billing_core.ledger import Refund
        >>> registered_types()["refund"] is Refund
        True
    """
    return dict(_CLASSES)


def tag_of(cls: type[Any]) -> str:
    """The ``"type"`` tag of a registered class.

    Raises:
        NotFoundError: If ``cls`` is not registered.

    Examples:
        >>> from billing_core.ledger import WriteOff
        >>> tag_of(WriteOff)
        'write_off'
    """
    try:
        return _TAGS[cls]
    except KeyError:
        raise NotFoundError(
            f"{cls.__qualname__} has no type tag; call register_type({cls.__name__}, '...')"
        ) from None


# The library's documents and entries with their stable tags. The tags are part
# of the stored form: never change one; a renamed class keeps its old tag.
_LIBRARY_TYPES: Final[tuple[tuple[type[Any], str], ...]] = (
    (ledger.ChargePosted, "charge_posted"),
    (ledger.PaymentReceived, "payment_received"),
    (ledger.PaymentApplied, "payment_applied"),
    (ledger.Adjustment, "adjustment"),
    (ledger.Transfer, "transfer"),
    (ledger.WriteOff, "write_off"),
    (ledger.Refund, "refund"),
    (ledger.Reversal, "reversal"),
    (parties.Patient, "patient"),
    (parties.Guarantor, "guarantor"),
    (parties.Payer, "payer"),
    (parties.Coverage, "coverage"),
    (parties.Provider, "provider"),
    (parties.CareTeamMember, "care_team_member"),
    (charges.LineItem, "line_item"),
    (charges.Encounter, "encounter"),
    (bills.Bill, "bill"),
    (claims.Claim, "claim"),
    (remittance.Remittance, "remittance"),
    (allocation.Payment, "payment"),
)

for _cls, _tag in _LIBRARY_TYPES:
    register_type(_cls, _tag)

# --------------------------------------------------------------------------- errors with paths


def _findings(exc: BaseException, path: str) -> list[Finding]:
    if isinstance(exc, _ProblemsError):
        out: list[Finding] = []
        for sub, item in exc.items:
            if isinstance(item, BaseException):
                out.extend(_findings(item, path + sub))
            else:
                out.append(Finding(location=path + sub, message=item, rule="serialization"))
        return out
    if isinstance(exc, ClassValidationError | IterableValidationError):
        out = []
        for sub_exc in exc.exceptions:
            notes = getattr(sub_exc, "__notes__", ())
            note = next(
                (
                    n
                    for n in notes
                    if isinstance(n, AttributeValidationNote | IterableValidationNote)
                ),
                None,
            )
            if isinstance(note, AttributeValidationNote):
                sub_path = f"{path}.{note.name}"
            elif isinstance(note, IterableValidationNote):
                sub_path = f"{path}[{note.index!r}]"
            else:
                sub_path = path
            if isinstance(sub_exc, KeyError) and not isinstance(sub_exc, BillingError):
                out.append(
                    Finding(
                        location=sub_path, message="required field missing", rule="serialization"
                    )
                )
            else:
                out.extend(_findings(sub_exc, sub_path))
        return out
    if isinstance(exc, ForbiddenExtraKeysError):
        return [
            Finding(location=f"{path}.{key}", message="unknown field", rule="serialization")
            for key in sorted(exc.extra_fields)
        ]
    if isinstance(exc, ValidationError):
        return [
            Finding(
                location=path, message=str(f), severity=f.severity, rule=f.rule or "serialization"
            )
            for f in exc.findings
        ]
    if isinstance(exc, BaseValidationError):  # another cattrs group
        return [f for e in exc.exceptions for f in _findings(e, path)]
    return [Finding(location=path, message=str(exc) or type(exc).__name__, rule="serialization")]


_LOAD_ERRORS: Final = (
    BaseValidationError,
    _ProblemsError,
    BillingError,
    ValueError,
    TypeError,
    KeyError,
)

# --------------------------------------------------------------------------- top level


def to_dict(obj: Any) -> dict[str, Any]:
    """The dict form of a registered document or entry, with its ``"type"`` and schema version.

    Args:
        obj: An instance of a registered class (see [`register_type`][]).

    Returns:
        A dict of JSON-compatible values.

    Raises:
        TypeError: If ``obj``'s class is not registered (use
            ``converter.unstructure`` for other values).

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import Party, PaymentReceived
        >>> to_dict(PaymentReceived(id="p1", account_id="A1",
        ...                         effective=datetime.date(2024, 3, 2),
        ...                         amount=Money("50", "USD"), party=Party.patient("P1")))
        ... # doctest: +NORMALIZE_WHITESPACE
        {'id': 'p1', 'account_id': 'A1', 'line_id': None, 'effective': '2024-03-02',
         'amount': {'amount': '50.00', 'currency': 'USD'},
         'source': {'payment_id': None, 'remittance_id': None, 'reason': None},
         'party': {'kind': 'patient', 'id': 'P1'}, 'type': 'payment_received',
         'schema_version': 1}
    """
    if type(obj) not in _TAGS:
        raise TypeError(
            f"{type(obj).__qualname__} is not a registered document or entry;"
            " register it with register_type(), or use converter.unstructure()"
        )
    data: dict[str, Any] = converter.unstructure(obj)
    data[_VERSION_KEY] = SCHEMA_VERSION
    return data


def from_dict(data: Mapping[str, Any], cls: type[T] | None = None) -> T:
    """Load an object from its dict form, reporting every problem with its path.

    Args:
        data: The dict, as made by [`to_dict`][] (``"schema_version"`` may be
            absent; a newer version than [`SCHEMA_VERSION`][] is refused).
        cls: The expected class. Without it, ``data["type"]`` chooses it; with
            it, a ``"type"`` in ``data`` must match.

    Returns:
        The object.

    Raises:
        ValidationError: With one finding per problem, located by path
            (``$.lines[2].charge.currency``).

    Examples:
        >>> from_dict({"type": "refund", "id": "f1", "account_id": "A1",
        ...            "effective": "2024-03-01", "party": {"kind": "patient", "id": "P1"},
        ...            "amount": {"amount": "5.00", "currency": "USD"}}).amount
        Money('5.00', 'USD')
        >>> from_dict({"type": "refund", "schema_version": 9})
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: $.schema_version: written by a newer release ...
    """
    if not isinstance(data, Mapping):
        raise ValidationError(
            [
                Finding(
                    location="$",
                    message=f"must be an object, got {_describe(data)}",
                    rule="serialization",
                )
            ]
        )
    body = dict(data)
    version = body.pop(_VERSION_KEY, SCHEMA_VERSION)
    if type(version) is not int or version < 1:
        raise ValidationError(
            [
                Finding(
                    location=f"$.{_VERSION_KEY}",
                    message=f"must be a positive integer, got {version!r}",
                    rule="serialization",
                )
            ]
        )
    if version > SCHEMA_VERSION:
        raise ValidationError(
            [
                Finding(
                    location=f"$.{_VERSION_KEY}",
                    message=f"written by a newer release (version {version}); this release reads"
                    f" up to version {SCHEMA_VERSION}",
                    rule="serialization",
                )
            ]
        )
    target: Any = cls
    if target is None:
        tag = body.get(_TYPE)
        target = _CLASSES.get(tag) if isinstance(tag, str) else None
        if target is None:
            what = "is missing" if tag is None else f"{tag!r} is not a registered type"
            raise ValidationError(
                [Finding(location=f"$.{_TYPE}", message=f"'type' {what}", rule="serialization")]
            )
    try:
        result: T = converter.structure(body, target)
    except _LOAD_ERRORS as exc:
        raise ValidationError(_findings(exc, "$")) from None
    return result


def to_json(obj: Any) -> str:
    """The JSON text of [`to_dict`][], with sorted keys and no extra spaces.

    The same object always gives the same text, so it can be hashed or compared.

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import Party, Refund
        >>> to_json(Refund(id="f1", account_id="A1", effective=datetime.date(2024, 3, 1),
        ...                amount=Money("5", "USD"), party=Party.payer("AETNA")))[:60]
        '{"account_id":"A1","amount":{"amount":"5.00","currency":"USD'
    """
    return json.dumps(to_dict(obj), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def from_json(text: str | bytes, cls: type[T] | None = None) -> T:
    """Load an object from JSON text made by [`to_json`][] (see [`from_dict`][]).

    Raises:
        ValidationError: If the text is not JSON, or for every problem of its content.

    Examples:
        >>> from_json("{not json")
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: $: not valid JSON: Expecting property name ...
    """
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValidationError(
            [Finding(location="$", message=f"not valid JSON: {exc}", rule="serialization")]
        ) from None
    return from_dict(data, cls)
