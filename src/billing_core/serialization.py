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
expected, a float anywhere, ``true`` where a number or an enum value is
expected), a missing currency, an unknown tag, duplicate keys in JSON text are
all errors. Every problem is reported at once, in one
[`ValidationError`][billing_core.errors.ValidationError] whose findings are located by a
path such as ``$.lines[2].charge.currency``; nothing else ever escapes the
loader. Loading is bounded: numbers, dates and fractions are checked for size
and plain ASCII form before they are parsed, and JSON nested too deeply to
parse is refused. A message about a field that holds protected health
information (a name, a birth date, a member or patient id, an address) names
the field and the problem, never the value.

The converter is set up at import, but the code that converts each registered
class is generated on its first use, so importing the module stays cheap.

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
      - $.amount.amount: must be a string such as '12.50', got 80 (int)
      - $.amount.currency: required field missing
      - $.colour: unknown field
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final, TypeVar, overload

import attrs
import cattrs
from attrs import AttrsInstance
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from billing_core._checks import describe
from billing_core._load import fail, findings, parse_json, protected_texts, scrub
from billing_core._schema import DIALECT, document_schema
from billing_core._wire import TYPE_KEY, Bad, configure, problem
from billing_core.allocation import Payment
from billing_core.bills import Bill
from billing_core.charges import Encounter, LineItem
from billing_core.claims import Claim, ClaimAcknowledgement
from billing_core.errors import DuplicateError, NotFoundError, ValidationError
from billing_core.good_faith import GoodFaithEstimate
from billing_core.ledger import (
    Adjustment,
    AppealHold,
    CashHeld,
    ChargePosted,
    CreditTransfer,
    PaymentApplied,
    PaymentReceived,
    ProviderPayment,
    ProviderWithholding,
    Refund,
    Reversal,
    Transfer,
    WriteOff,
)
from billing_core.parties import CareTeamMember, Coverage, Guarantor, Patient, Payer, Provider
from billing_core.remittance import Remittance
from billing_core.storage import HasId, kind_name

__all__ = [
    "SCHEMA_VERSION",
    "converter",
    "from_dict",
    "from_json",
    "json_schema",
    "register_type",
    "registered_json_schema",
    "registered_types",
    "tag_of",
    "to_dict",
    "to_json",
]

T = TypeVar("T")

SCHEMA_VERSION: Final = 1
"""The version of the dict/JSON form written by this release (``"schema_version"``)."""

_VERSION_KEY: Final = "schema_version"

converter: Final = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
"""The preconfigured `cattrs.Converter` behind [`to_dict`][] and [`from_dict`][].

Use it directly to convert values that are not registered documents
(``converter.unstructure(money)``), or to register hooks for your own types.

Examples:
    >>> from billing_core.money import Money
    >>> converter.unstructure(Money("12.5", "USD"))
    {'amount': '12.50', 'currency': 'USD'}
    >>> converter.structure({"amount": "0.10", "currency": "USD"}, Money)
    Money('0.10', 'USD')
"""

_TAGS: dict[type[Any], str] = {}
_CLASSES: dict[str, type[Any]] = {}


def _union_tag(cls: type[Any]) -> str:
    """The tag of a union member, registering an unregistered attrs class under its kind name."""
    if cls not in _TAGS:
        register_type(cls, kind_name(cls))
    return _TAGS[cls]


configure(converter, _union_tag)

# --------------------------------------------------------------------------- tagged types


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
        raise TypeError(f"register_type needs an attrs class, got {describe(cls)}")
    if not isinstance(tag, str) or not tag:
        raise TypeError(f"a type tag must be a non-empty str, got {describe(tag)}")
    if _TAGS.get(cls, tag) != tag:
        raise DuplicateError(f"{cls.__qualname__} is already registered as {_TAGS[cls]!r}")
    if _CLASSES.get(tag, cls) is not cls:
        raise DuplicateError(f"type tag {tag!r} already names {_CLASSES[tag].__qualname__}")
    _TAGS[cls] = tag
    _CLASSES[tag] = cls
    converter.register_unstructure_hook(cls, _tagged_unstructure(cls, tag))
    converter.register_structure_hook(cls, _tagged_structure(cls, tag))


# The converting functions cattrs generates for a class cost about 2 ms each:
# they are made on first use, not at import.


def _tagged_unstructure(cls: type[Any], tag: str) -> Any:
    generated: list[Any] = []

    def unstructure_tagged(obj: Any) -> dict[str, Any]:
        if not generated:
            generated.append(make_dict_unstructure_fn(cls, converter))
        data: dict[str, Any] = generated[0](obj)
        data[TYPE_KEY] = tag
        return data

    return unstructure_tagged


def _tagged_structure(cls: type[Any], tag: str) -> Any:
    generated: list[Any] = []

    def structure_tagged(data: object, _: object) -> Any:
        if not isinstance(data, Mapping):
            raise problem(Bad(f"must be an object (a {tag}), got ", data))
        if TYPE_KEY in data:
            found = data[TYPE_KEY]
            if found != tag:
                raise problem(Bad("is ", found, f", expected {tag!r}"), f".{TYPE_KEY}")
            data = {k: v for k, v in data.items() if k != TYPE_KEY}
        if not generated:
            generated.append(
                make_dict_structure_fn(
                    cls, converter, _cattrs_forbid_extra_keys=True, _cattrs_detailed_validation=True
                )
            )
        return generated[0](data, cls)

    return structure_tagged


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
    (ChargePosted, "charge_posted"),
    (PaymentReceived, "payment_received"),
    (PaymentApplied, "payment_applied"),
    (Adjustment, "adjustment"),
    (Transfer, "transfer"),
    (WriteOff, "write_off"),
    (Refund, "refund"),
    (Reversal, "reversal"),
    (CashHeld, "cash_held"),
    (CreditTransfer, "credit_transfer"),
    (ProviderPayment, "provider_payment"),
    (ProviderWithholding, "provider_withholding"),
    (AppealHold, "appeal_hold"),
    (Patient, "patient"),
    (Guarantor, "guarantor"),
    (Payer, "payer"),
    (Coverage, "coverage"),
    (Provider, "provider"),
    (CareTeamMember, "care_team_member"),
    (LineItem, "line_item"),
    (Encounter, "encounter"),
    (Bill, "bill"),
    (Claim, "claim"),
    (ClaimAcknowledgement, "claim_acknowledgement"),
    (Remittance, "remittance"),
    (Payment, "payment"),
    (GoodFaithEstimate, "good_faith_estimate"),
)

for _cls, _tag in _LIBRARY_TYPES:
    register_type(_cls, _tag)


# --------------------------------------------------------------------------- top level


def to_dict(obj: AttrsInstance | HasId) -> dict[str, Any]:
    """The dict form of a registered document or entry, with its ``"type"`` and schema version.

    Args:
        obj: An instance of a registered class (see [`register_type`][]): an
            attrs instance, or a document with an ``id`` (as stores hold them).
            Type checkers refuse other values (``Money``, a dict, a str).

    Returns:
        A dict of JSON-compatible values.

    Raises:
        TypeError: If ``obj``'s class is not registered (use
            ``converter.unstructure`` for other values).

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import Party, PaymentReceived
        >>> from billing_core.money import Money
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


@overload
def from_dict(data: Mapping[str, Any], cls: type[T]) -> T: ...


@overload
def from_dict(data: Mapping[str, Any], cls: None = None) -> object: ...


def from_dict(data: Mapping[str, Any], cls: type[T] | None = None) -> T | object:
    """Load an object from its dict form, reporting every problem with its path.

    Args:
        data: The dict, as made by [`to_dict`][] (``"schema_version"`` may be
            absent; a newer version than [`SCHEMA_VERSION`][] is refused).
        cls: The expected class. Without it, ``data["type"]`` chooses it; with
            it, a ``"type"`` in ``data`` must match.

    Returns:
        The object: typed as ``cls`` when it is given; without it, any
        registered class may come back, so it is typed ``object`` and the
        caller narrows it (``isinstance(loaded, Claim)``) before using it.

    Raises:
        ValidationError: With one finding per problem, located by path
            (``$.lines[2].charge.currency``); nothing else escapes.

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
        raise fail("$", f"must be an object, got {describe(data)}")
    body = dict(data)
    version = body.pop(_VERSION_KEY, SCHEMA_VERSION)
    if type(version) is not int or version < 1:
        raise fail(f"$.{_VERSION_KEY}", f"must be a positive integer, got {describe(version)}")
    if version > SCHEMA_VERSION:
        raise fail(
            f"$.{_VERSION_KEY}",
            f"written by a newer release (version {describe(version)}); this release reads"
            f" up to version {SCHEMA_VERSION}",
        )
    target: Any = cls
    if target is None:
        tag = body.get(TYPE_KEY)
        target = _CLASSES.get(tag) if isinstance(tag, str) else None
        if target is None:
            what = "is missing" if tag is None else f"{describe(tag)} is not a registered type"
            raise fail(f"$.{TYPE_KEY}", f"'type' {what}")
    try:
        result: object = converter.structure(body, target)
    except RecursionError:
        raise fail("$", "nested too deeply to load") from None
    except Exception as exc:  # every failure of the loader is reported as findings
        raise ValidationError(scrub(findings(exc, "$"), protected_texts(body))) from None
    return result


def to_json(obj: AttrsInstance | HasId) -> str:
    """The JSON text of [`to_dict`][], with sorted keys and no extra spaces.

    The same object always gives the same text, so it can be hashed or compared.

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import Party, Refund
        >>> from billing_core.money import Money
        >>> to_json(Refund(id="f1", account_id="A1", effective=datetime.date(2024, 3, 1),
        ...                amount=Money("5", "USD"), party=Party.payer("AETNA")))[:60]
        '{"account_id":"A1","amount":{"amount":"5.00","currency":"USD'
    """
    return json.dumps(to_dict(obj), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@overload
def from_json(text: str | bytes, cls: type[T]) -> T: ...


@overload
def from_json(text: str | bytes, cls: None = None) -> object: ...


def from_json(text: str | bytes, cls: type[T] | None = None) -> T | object:
    """Load an object from JSON text made by [`to_json`][] (see [`from_dict`][]).

    Typed like [`from_dict`][]: as ``cls`` when it is given, else ``object``.

    Raises:
        ValidationError: If the text is not JSON text (a str or bytes), is not
            valid JSON, names a key twice in one object, or for every problem
            of its content.

    Examples:
        >>> from_json("{not json")
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: $: not valid JSON: Expecting property name ...
    """
    data: Any = parse_json(text)  # from_dict checks that it is an object
    return from_dict(data) if cls is None else from_dict(data, cls)


# --------------------------------------------------------------------------- JSON Schema


def json_schema(cls: type[Any]) -> dict[str, Any]:
    r"""The JSON Schema (2020-12) of the dict/JSON form of ``cls``.

    It is read from the definitions the converter uses (the class's fields
    and their types, the scalar forms, the ``"type"`` tags), so a field added
    to a class appears in its schema. It describes what [`to_dict`][] writes
    and what [`from_dict`][] reads with ``cls`` given: unknown fields are
    refused, a field without a default is required, and ``"type"`` (when the
    class is registered) may be left out but must match when given. A
    registered document may carry ``"schema_version"`` (the loader takes it at
    the top level only). Rules between fields (a due date
    before an issue date, lines in two currencies) are beyond a schema: the
    constructors still refuse them. Whatever the schema refuses,
    [`from_dict`][] refuses too.

    Classes the schema refers to are under ``"$defs"``, by class name.

    Args:
        cls: A registered class, an attrs class the converter handles, or a
            value type such as [`Money`][billing_core.money.Money].

    Returns:
        The schema, a dict of JSON values.

    Examples:
        >>> from billing_core.ledger import Refund
        >>> schema = json_schema(Refund)
        >>> schema["$schema"]
        'https://json-schema.org/draft/2020-12/schema'
        >>> schema["required"]
        ['id', 'account_id', 'effective', 'amount', 'party']
        >>> schema["properties"]["amount"], schema["properties"]["type"]
        ({'$ref': '#/$defs/Money'}, {'const': 'refund'})
        >>> schema["$defs"]["Money"]["properties"]["amount"]["pattern"]
        '^(-?)([0-9]+)(?:\\.([0-9]+))?(?:[eE]([-+]?[0-9]+))?$'
    """
    (top,), defs = document_schema(
        [cls], tag_of=_union_tag, registered=_TAGS.get, version=SCHEMA_VERSION
    )
    schema: dict[str, Any] = {"$schema": DIALECT, **top}
    if defs:
        schema["$defs"] = defs
    return schema


def registered_json_schema() -> dict[str, Any]:
    """One JSON Schema (2020-12) for every registered document and entry, told apart by ``"type"``.

    It describes what [`from_dict`][] reads without a class: any registered
    type's form (see [`json_schema`][]) with its ``"type"`` tag, which is
    then required. Types registered later (see [`register_type`][]) are in
    the schema made after.

    Examples:
        >>> schema = registered_json_schema()
        >>> schema["anyOf"][:2]  # doctest: +NORMALIZE_WHITESPACE
        [{'$ref': '#/$defs/ChargePosted', 'required': ['type']},
         {'$ref': '#/$defs/PaymentReceived', 'required': ['type']}]
        >>> schema["$defs"]["Bill"]["properties"]["type"]
        {'const': 'bill'}
    """
    classes = list(_CLASSES.values())
    refs, defs = document_schema(
        classes, tag_of=_union_tag, registered=_TAGS.get, version=SCHEMA_VERSION, inline=False
    )
    return {
        "$schema": DIALECT,
        "title": "billing_core document",
        "description": "Any registered document or ledger entry; its 'type' says which.",
        "anyOf": [{**ref, "required": [TYPE_KEY]} for ref in refs],
        "$defs": defs,
    }
