"""The library's types as pydantic v2 field types, for FastAPI and other pydantic APIs.

Importing this module (it needs the ``pydantic`` extra:
``pip install 'billing_core[pydantic]'``) makes [`Money`][billing_core.money.Money],
the code types, every registered document and ledger entry, and every class
they hold work where pydantic expects a type: ``BaseModel`` fields,
``TypeAdapter``, FastAPI's ``response_model`` and request bodies.

- **Validation goes through the library's own loader and constructors**
  ([`from_dict`][billing_core.serialization.from_dict]), so every rule
  holds and a bad value fails with the library's message, carried in a
  pydantic error of type ``billing_core`` (FastAPI answers it with a 422).
  An instance of the class passes as it is.
- **Serialization is the library's JSON form**: ``model_dump(mode="json")``
  and ``model_dump_json()`` write exactly what
  [`to_dict`][billing_core.serialization.to_dict] writes (a code as its
  text, Money as ``{"amount": "12.50", "currency": "USD"}``); in Python mode
  the objects stay objects.
- **The JSON Schema is the library's**: pydantic's schema of a type equals
  [`json_schema`][billing_core.serialization.json_schema] (without the
  ``$schema`` keyword, which pydantic never writes), its classes under
  ``$defs`` by name.

``import billing_core`` never imports pydantic: only this module does. A class
you register later with
[`register_type`][billing_core.serialization.register_type] becomes a pydantic
type when you call [`install`][] again.

pydantic reports the rejected input with each error, and FastAPI echoes it in
its 422 answer: for documents that hold patient data, answer with
[`error_details`][] instead, which keeps the library's messages (they never
show a protected value) and drops the input.

Examples:
    >>> import pydantic
    >>> from billing_core.money import Money
    >>> class Quote(pydantic.BaseModel):
    ...     total: Money
    >>> quote = Quote.model_validate_json('{"total": {"amount": "12.5", "currency": "USD"}}')
    >>> quote.total
    Money('12.50', 'USD')
    >>> quote.model_dump_json()
    '{"total":{"amount":"12.50","currency":"USD"}}'
    >>> Quote.model_validate({"total": {"amount": "12.505", "currency": "USD"}})
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for Quote
    total
      $.amount: amount 12.505 is finer than the minor unit of USD ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

try:
    import pydantic
    from pydantic_core import PydanticCustomError, core_schema
except ImportError as exc:  # pragma: no cover - the dev environment has every extra
    raise ImportError(
        "billing_core.pydantic needs pydantic 2: install the extra with"
        " pip install 'billing_core[pydantic]'"
    ) from exc

import attrs

from billing_core._load import findings
from billing_core._schema import VERSION_KEY, SchemaBuilder, classes_in, init_fields, is_named
from billing_core._wire import CODE_TYPES
from billing_core.errors import Finding, ValidationError
from billing_core.money import Money
from billing_core.serialization import (
    SCHEMA_VERSION,
    converter,
    from_dict,
    json_schema,
    registered_types,
    tag_of,
    to_dict,
)

__all__ = ["ERROR_TYPE", "error_details", "install", "installed_types"]

ERROR_TYPE: Final = "billing_core"
"""The pydantic error type of a value the library refused."""

_HOOK: Final = "__get_pydantic_core_schema__"
_INSTALLED: set[type[Any]] = set()


def _refused(exc: ValidationError) -> PydanticCustomError:
    found = [{"location": f.location, "message": f.message} for f in exc.findings]
    return PydanticCustomError(ERROR_TYPE, "{message}", {"message": str(exc), "findings": found})


def _validator(cls: type[Any], registered: bool) -> Callable[[Any], Any]:
    def validate(value: Any) -> Any:
        if isinstance(value, cls):
            return value
        # The loader takes a schema version on a registered document only.
        if not registered and isinstance(value, Mapping) and VERSION_KEY in value:
            loc = f"$.{VERSION_KEY}"
            raise _refused(ValidationError([Finding(location=loc, message="unknown field")]))
        try:
            return from_dict(value, cls)
        except ValidationError as exc:
            raise _refused(exc) from None

    return validate


def _code_validator(cls: type[Any]) -> Callable[[Any], Any]:
    def validate(value: Any) -> Any:
        if isinstance(value, cls):
            return value
        try:
            return converter.structure(value, cls)
        except Exception as exc:  # the hook's problems, reported as the loader reports them
            raise _refused(ValidationError(findings(exc, "$"))) from None

    return validate


def _dumper(registered: bool) -> Callable[[Any], Any]:
    return to_dict if registered else converter.unstructure


def _nested(cls: type[Any]) -> list[type[Any]]:
    """The named classes the fields of ``cls`` refer to, in order, each once."""
    if cls is Money or not attrs.has(cls):
        return []
    found: dict[type[Any], None] = {}
    for _, annotation, _ in init_fields(cls):
        found.update(dict.fromkeys(classes_in(annotation)))
    return list(found)


def _schema_function(cls: type[Any], order: list[type[Any]]) -> Callable[..., Any]:
    def schema(core: Any, handler: pydantic.GetJsonSchemaHandler) -> dict[str, Any]:
        # The nested classes' core schemas ride in the input schema, so pydantic keeps
        # their definitions; each becomes pydantic's reference to its definition.
        items = core["json_schema_input_schema"]["items_schema"] if order else []
        # The handler's own call would skip the nested schema's hooks: ask its generator.
        generate = handler.generate_json_schema.generate_inner  # type: ignore[attr-defined]
        refs = {c: generate(item) for c, item in zip(order, items, strict=True)}
        tags = {c: t for t, c in registered_types().items()}
        builder = SchemaBuilder(tag_of, tags.get, refs.__getitem__, SCHEMA_VERSION)
        return builder.object_schema(cls)

    return schema


def _named_hook(cls: type[Any]) -> classmethod[Any, Any, Any]:
    def get(owner: type[Any], source: Any, handler: pydantic.GetCoreSchemaHandler) -> Any:
        json_schema(cls)  # tags the classes of its unions, as loading them does
        registered = cls in set(registered_types().values())
        order = _nested(cls)
        nested = [handler.generate_schema(c) for c in order]
        return core_schema.no_info_plain_validator_function(
            _validator(cls, registered),
            ref=f"{cls.__module__}.{cls.__qualname__}",
            json_schema_input_schema=core_schema.tuple_schema(nested) if nested else None,
            serialization=core_schema.plain_serializer_function_ser_schema(
                _dumper(registered), when_used="json"
            ),
            metadata={"pydantic_js_functions": [_schema_function(cls, order)]},
        )

    return classmethod(get)


def _code_hook(cls: type[Any]) -> classmethod[Any, Any, Any]:
    def get(owner: type[Any], source: Any, handler: pydantic.GetCoreSchemaHandler) -> Any:
        def schema(core: Any, handler: pydantic.GetJsonSchemaHandler) -> dict[str, Any]:
            found = json_schema(cls)
            del found["$schema"]
            return found

        return core_schema.no_info_plain_validator_function(
            _code_validator(cls),
            serialization=core_schema.plain_serializer_function_ser_schema(str, when_used="json"),
            metadata={"pydantic_js_functions": [schema]},
        )

    return classmethod(get)


def install(*classes: type[Any]) -> None:
    """Make the library's types, and ``classes``, pydantic field types.

    Called when this module is imported, for [`Money`][billing_core.money.Money],
    the code types and every registered type with the classes they hold.
    Call it again after registering your own types, or with attrs classes
    of your own that the converter handles.

    Examples:
        >>> import attrs, pydantic
        >>> from billing_core.serialization import register_type
        >>> @attrs.frozen(kw_only=True)
        ... class Tip:
        ...     id: str
        ...     amount: Money
        >>> register_type(Tip, "example_tip")
        >>> install()
        >>> pydantic.TypeAdapter(Tip).validate_python(
        ...     {"id": "t1", "amount": {"amount": "2.00", "currency": "EUR"}})
        Tip(id='t1', amount=Money('2.00', 'EUR'))
    """
    for cls in CODE_TYPES:
        if cls not in _INSTALLED:
            setattr(cls, _HOOK, _code_hook(cls))
            _INSTALLED.add(cls)
    stack: list[type[Any]] = [Money, *registered_types().values(), *classes]
    while stack:
        cls = stack.pop()
        if cls in _INSTALLED or not is_named(cls):
            continue
        setattr(cls, _HOOK, _named_hook(cls))
        _INSTALLED.add(cls)
        stack.extend(_nested(cls))


def installed_types() -> frozenset[type[Any]]:
    """Every class [`install`][] made a pydantic type.

    Examples:
        >>> from billing_core.claims import Claim
        >>> from billing_core.codes import NPI
        >>> {Money, Claim, NPI} <= installed_types()
        True
    """
    return frozenset(_INSTALLED)


def error_details(
    error: pydantic.ValidationError | Iterable[Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """The errors of a pydantic validation, without the rejected input.

    Each has pydantic's ``type``, ``loc`` and ``msg``; an error of the library
    (type [`ERROR_TYPE`][]) also has its ``findings``, each with a
    ``location`` (a path inside the value, such as ``$.lines[2].charge``) and a
    ``message``. The input is left out: pydantic would echo it, patient data
    and all; the library's messages never show a protected value.

    Args:
        error: A pydantic ``ValidationError``, or the list of its errors (what
            FastAPI's ``RequestValidationError.errors()`` returns).

    Examples:
        >>> import pydantic
        >>> from billing_core.parties import Patient
        >>> adapter = pydantic.TypeAdapter(Patient)
        >>> try:
        ...     adapter.validate_python({"id": "P1", "name": ["Jane", "Roe"]})
        ... except pydantic.ValidationError as exc:
        ...     details = error_details(exc)
        >>> details[0]["findings"]
        [{'location': '$.name', 'message': 'must be a string, got a list (value not shown: protected health information)'}]
        >>> "Jane" in str(details)
        False
    """  # noqa: E501
    items = error.errors() if isinstance(error, pydantic.ValidationError) else error
    out: list[dict[str, Any]] = []
    for item in items:
        detail: dict[str, Any] = {
            "type": item["type"],
            "loc": list(item["loc"]),
            "msg": item["msg"],
        }
        context = item.get("ctx") or {}
        if item["type"] == ERROR_TYPE and "findings" in context:
            detail["findings"] = [dict(f) for f in context["findings"]]
        out.append(detail)
    return out


install()
