"""JSON Schema 2020-12 of the dict/JSON form, read from the converter's own definitions (private).

[`SchemaBuilder`][billing_core._schema.SchemaBuilder] reads what the converter
of [`serialization`][billing_core.serialization] reads: each attrs class's
fields and their annotations (a field without a default is required; unknown
fields are refused), the schema of each scalar hook
([`SCALAR_SCHEMAS`][billing_core._wire.SCALAR_SCHEMAS]), the code types
written as text, enums as their values, and the ``"type"`` tags. So a field
added to a class appears in its schema with nothing else to change.

How a schema refers to another class is the caller's choice (``ref``): a
standalone document collects them under ``$defs``
([`document_schema`][billing_core._schema.document_schema]); the pydantic edge
asks pydantic for its own references.
"""

from __future__ import annotations

import copy
import enum
import inspect
import re
import types
import typing
from collections.abc import Callable, Iterable
from typing import Any, Final, Union

import attrs

from billing_core._wire import CODE_TYPES, SCALAR_SCHEMAS, TYPE_KEY

DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect of every schema the library writes."""

VERSION_KEY: Final = "schema_version"

Schema = dict[str, Any]
RefFor = Callable[[type[Any]], Schema]


_HINTS: dict[type[Any], dict[str, Any]] = {}
_FIELD_DOCS: dict[type[Any], dict[str, str]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _plain(text: str) -> str:
    """Docstring text without its markup (literals, cross-references)."""
    return _XREF.sub(r"\1", text.replace("``", "")).strip()


_XREF: Final = re.compile(r"\[`?([^`\]]+)`?\]\[[^\]]*\]")
_FIELD_LINE: Final = re.compile(r"(\w+): (.*)")


def summary(cls: type[Any]) -> str:
    """The first line of a class's docstring."""
    doc = (cls.__doc__ or "").strip()
    return _plain(doc.splitlines()[0]) if doc else cls.__name__


def field_docs(cls: type[Any]) -> dict[str, str]:
    """Each field's text from the ``Attributes:`` section of a class's docstring."""
    if cls not in _FIELD_DOCS:
        _FIELD_DOCS[cls] = _read_field_docs(cls)
    return _FIELD_DOCS[cls]


def _read_field_docs(cls: type[Any]) -> dict[str, str]:
    lines = inspect.cleandoc(cls.__doc__ or "").splitlines()
    if "Attributes:" not in lines:
        return {}
    docs: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines[lines.index("Attributes:") + 1 :]:
        if line and not line.startswith(" "):
            break  # the next section
        match = _FIELD_LINE.fullmatch(line.strip())
        if line.startswith("    ") and not line.startswith("     ") and match:
            current = docs.setdefault(match.group(1), [match.group(2)])
        elif current is not None and line.strip():
            current.append(line.strip())
    return {name: _plain(" ".join(words)) for name, words in docs.items()}


def _is_union(t: Any) -> bool:
    origin = typing.get_origin(t)
    return origin is Union or origin is types.UnionType


def _members(t: Any) -> tuple[list[Any], bool]:
    """The members of a union other than ``None``, and whether ``None`` is one."""
    args = typing.get_args(t)
    members = [a for a in args if a is not type(None)]
    return members, len(members) != len(args)


def init_fields(cls: type[Any]) -> list[tuple[str, Any, bool]]:
    """``(name, annotation, required)`` of each field the converter reads, in order."""
    hints = _hints(cls)
    return [
        (a.name, hints.get(a.name, a.type), a.default is attrs.NOTHING)
        for a in attrs.fields(cls)
        if a.init
    ]


# Scalars whose form is an object (Money): named definitions, like attrs classes.
_NAMED_SCALARS: Final = frozenset(t for t, s in SCALAR_SCHEMAS.items() if s["type"] == "object")


def is_named(t: Any) -> bool:
    """Whether a schema refers to ``t`` by name: an attrs class, or Money."""
    if t in _NAMED_SCALARS:
        return True
    return isinstance(t, type) and attrs.has(t) and t not in CODE_TYPES


def classes_in(t: Any) -> list[type[Any]]:
    """The named classes an annotation refers to directly (not those inside them)."""
    if is_named(t):
        return [t]
    return [c for arg in typing.get_args(t) for c in classes_in(arg)]


class SchemaBuilder:
    """The JSON Schema of annotations and attrs classes, as the converter reads them.

    Args:
        tag_of: The union tag of a class (registering it, as the converter does).
        registered: The ``"type"`` tag of a registered class, or ``None``.
        ref: The schema that refers to an attrs class.
        version: The schema version a top-level document may carry.
    """

    def __init__(
        self,
        tag_of: Callable[[type[Any]], str],
        registered: Callable[[type[Any]], str | None],
        ref: RefFor,
        version: int,
    ) -> None:
        self._tag_of = tag_of
        self._registered = registered
        self._ref = ref
        self._version = version

    def prepare(self, roots: Iterable[type[Any]]) -> None:
        """Tag every class that appears in a union, before any schema is written.

        The converter tags them when it first loads such a union; the schema
        of a tagged class shows its tag, so it must be known first.
        """
        seen: set[type[Any]] = set()
        stack = list(roots)
        while stack:
            cls = stack.pop()
            if cls in seen or not attrs.has(cls) or cls in _NAMED_SCALARS:
                continue
            seen.add(cls)
            for _, annotation, _ in init_fields(cls):
                self._tag_unions(annotation)
                stack.extend(classes_in(annotation))

    def _tag_unions(self, t: Any) -> None:
        if _is_union(t):
            members, _ = _members(t)
            if len(members) > 1 and all(attrs.has(m) for m in members):
                for m in members:
                    self._tag_of(m)
        for arg in typing.get_args(t):
            self._tag_unions(arg)

    def of(self, t: Any) -> Schema:
        """The schema of a value annotated ``t``."""
        if t in CODE_TYPES:
            return {"type": "string", "description": f"{summary(t)} As text."}
        if is_named(t):
            return dict(self._ref(t))
        if t in SCALAR_SCHEMAS:
            return copy.deepcopy(SCALAR_SCHEMAS[t])
        if isinstance(t, type) and issubclass(t, enum.Enum):
            return {"enum": [m.value for m in t]}
        if _is_union(t):
            return self._union(t)
        if typing.get_origin(t) is tuple:
            return self._tuple(t)
        return {}  # a type the library does not know: its hook decides

    def _union(self, t: Any) -> Schema:
        members, optional = _members(t)
        if len(members) == 1:
            options = [self.of(members[0])]
        elif all(attrs.has(m) for m in members):
            # A member of a union is told apart by its tag, so the tag is required.
            options = [{**self._ref(m), "required": [TYPE_KEY]} for m in members]
        else:
            options = [self.of(m) for m in members]
        if optional:
            options.append({"type": "null"})
        return options[0] if len(options) == 1 else {"anyOf": options}

    def _tuple(self, t: Any) -> Schema:
        args = typing.get_args(t)
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": self.of(args[0])}
        return {
            "type": "array",
            "prefixItems": [self.of(a) for a in args],
            "items": False,
            "minItems": len(args),
            "maxItems": len(args),
        }

    def object_schema(self, cls: type[Any]) -> Schema:
        """The schema of an attrs class's dict form (Money's, for Money)."""
        head = {"title": cls.__name__, "description": summary(cls)}
        if cls in SCALAR_SCHEMAS:  # Money: a class with a hook of its own
            return {**head, **copy.deepcopy(SCALAR_SCHEMAS[cls])}
        properties: Schema = {}
        required: list[str] = []
        docs = field_docs(cls)
        for name, annotation, needed in init_fields(cls):
            schema = self.of(annotation)
            properties[name] = {**schema, "description": docs[name]} if name in docs else schema
            if needed:
                required.append(name)
        tag = self._registered(cls)
        if tag is not None:
            properties[TYPE_KEY] = {"const": tag}
            # The loader takes a version at the top level only; one definition per
            # class serves both places, so the schema allows it on every document.
            properties[VERSION_KEY] = {
                "type": "integer",
                "minimum": 1,
                "maximum": self._version,
                "description": "The version of the form that wrote it (top level only).",
            }
        return {
            **head,
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        }


def def_name(cls: type[Any], taken: dict[str, type[Any]]) -> str:
    """The ``$defs`` name of a class: its name, or its full path if another class has it."""
    name = cls.__name__
    if taken.setdefault(name, cls) is not cls:
        name = f"{cls.__module__}.{cls.__qualname__}"
        taken[name] = cls
    return name


def document_schema(
    roots: list[type[Any]],
    *,
    tag_of: Callable[[type[Any]], str],
    registered: Callable[[type[Any]], str | None],
    version: int,
    inline: bool = True,
) -> tuple[list[Schema], Schema]:
    """The schema of each root class (inline, or a reference), and the ``$defs`` they use."""
    names: dict[type[Any], str] = {}
    taken: dict[str, type[Any]] = {}
    pending: list[type[Any]] = []

    def ref(cls: type[Any]) -> Schema:
        if cls not in names:
            names[cls] = def_name(cls, taken)
            pending.append(cls)
        return {"$ref": f"#/$defs/{names[cls]}"}

    builder = SchemaBuilder(tag_of, registered, ref, version)
    builder.prepare(roots)
    tops = [
        (builder.object_schema(cls) if inline else ref(cls)) if is_named(cls) else builder.of(cls)
        for cls in roots
    ]
    defs: Schema = {}
    while pending:
        cls = pending.pop()
        defs[names[cls]] = builder.object_schema(cls)
    return tops, dict(sorted(defs.items()))
