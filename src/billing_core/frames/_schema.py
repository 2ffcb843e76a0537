"""The Arrow schema of ledger entries, derived from the entry classes' fields (private).

One row per entry. The columns are not a hand copy of the entry classes: they
are read from each class's attrs fields when this module is imported, so a new
field, or a new entry type added to
[`OriginalEntry`][billing_core.ledger.OriginalEntry], gets its columns without
an edit here. The rules, by field type:

- ``str`` is a ``string`` column (nullable when the field may be ``None``);
- ``datetime.date`` is ``date32``;
- ``int`` (a count or position, never money) is ``int64``;
- an enum is a dictionary-encoded string of its value;
- [`Money`][billing_core.money.Money] is ``<field>_minor`` (``int64`` minor
  units, never a float) and the row's one ``currency`` column;
- an attrs value ([`Party`][billing_core.ledger.Party],
  [`Source`][billing_core.ledger.Source]) is flattened into
  ``<field>_<subfield>`` columns;
- a [`Reversal`][billing_core.ledger.Reversal]'s original shares the
  type-specific columns (a reversal row holds its original's bucket, party,
  ...), adds ``original_type``, ``original_effective`` and
  ``original_source_*``, and does not repeat what the reversal copies from it
  (its id is ``reverses``; account, line and the negated amount are the
  reversal's own).

Fields of several types with one name share a column when both are text (an
[`Adjustment`][billing_core.ledger.Adjustment]'s CARC ``reason`` and a
[`WriteOff`][billing_core.ledger.WriteOff]'s ``reason``); the ``entry_type``
column holds the entry's stable serialization tag (``"charge_posted"``, ...).

Examples:
    >>> [c.name for c in COLUMNS][:6]
    ['entry_type', 'id', 'account_id', 'line_id', 'effective', 'amount_minor']
    >>> ENTRY_SCHEMA.field("bucket").type
    DictionaryType(dictionary<values=string, indices=int32, ordered=0>)
"""

from __future__ import annotations

import datetime
import enum
import types
import typing
from collections.abc import Mapping
from typing import Any, Final

import attrs

from billing_core.frames._deps import pa
from billing_core.ledger import LedgerEntry, OriginalEntry, Reversal
from billing_core.money import Money
from billing_core.serialization import tag_of

__all__ = [
    "COLUMNS",
    "ENTRY_CLASSES",
    "ENTRY_SCHEMA",
    "PLANS",
    "REQUIRED",
    "TAGS",
    "Column",
    "Leaf",
    "Node",
    "Plan",
    "leaves",
]

ENTRY_CLASSES: Final[tuple[type[Any], ...]] = (*typing.get_args(OriginalEntry), Reversal)
"""Every entry type, originals first (read from the ``OriginalEntry`` union)."""

TAGS: Final[Mapping[str, type[Any]]] = {tag_of(cls): cls for cls in ENTRY_CLASSES}
"""The ``entry_type`` values: each entry type's serialization tag."""

TEXT: Final = pa.string()
CODE: Final = pa.dictionary(pa.int32(), pa.string())
DATE: Final = pa.date32()
MINOR: Final = pa.int64()

_BASE: Final = tuple(a.name for a in attrs.fields(LedgerEntry) if a.init)
# What a reversal copies from its original, so its row does not hold it twice.
_COPIED: Final = {"id": "reverses", "account_id": "account_id", "line_id": "line_id"}


@attrs.frozen
class Column:
    """One column of the entry schema: its Arrow type and the entry types that use it."""

    name: str
    type: Any
    nullable: bool
    used_by: tuple[str, ...]


@attrs.frozen
class Leaf:
    """A field stored in one column; ``kind`` says how: text, date, int, code or minor."""

    column: str
    kind: str
    optional: bool = False
    enum_type: type[enum.Enum] | None = None


@attrs.frozen
class Node:
    """A field that is an attrs value, built from its own fields (``Party``, ``Source``)."""

    cls: type[Any]
    fields: tuple[tuple[str, Leaf | Node], ...]


Fields = tuple[tuple[str, "Leaf | Node"], ...]
"""``(field name, how it is stored)`` in constructor order."""


@attrs.frozen
class Plan:
    """How one entry type maps to columns: its fields, in constructor order.

    A reversal's plan also has ``original_fields``: the original's own date and
    source (the rest of the original comes from the shared columns and from
    what a reversal copies; see the module).
    """

    cls: type[Any]
    tag: str
    fields: Fields
    original_fields: Fields = ()


def _strip_none(hint: Any) -> tuple[Any, bool]:
    """``(type, optional)`` of a field's type hint."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = typing.get_args(hint)
        if type(None) in args:
            rest = tuple(a for a in args if a is not type(None))
            if len(rest) == 1:
                return rest[0], True
    return hint, False


def _leaf(name: str, hint: Any, prefix: str) -> Leaf | Node:
    """The column(s) of one field of type ``hint`` (see the module's rules)."""
    hint, optional = _strip_none(hint)
    column = f"{prefix}{name}"
    if hint is str:
        return Leaf(column, "text", optional)
    if hint is datetime.date:
        return Leaf(column, "date", optional)
    if hint is int:
        return Leaf(column, "int", optional)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return Leaf(column, "code", optional, hint)
    if hint is Money:
        return Leaf(f"{column}_minor", "minor", optional)
    if isinstance(hint, type) and attrs.has(hint) and not optional:
        fields = tuple(
            (a.name, _leaf(a.name, a.type, f"{column}_"))
            for a in attrs.fields(attrs.resolve_types(hint))
            if a.init
        )
        return Node(hint, fields)
    raise TypeError(f"no Arrow column rule for field {column} of type {hint!r}")


def _fields(cls: type[Any], base_prefix: str = "") -> Fields:
    """The plan of ``cls``'s constructor fields; base fields take ``base_prefix``."""
    out: list[tuple[str, Leaf | Node]] = []
    for a in attrs.fields(attrs.resolve_types(cls)):
        if not a.init or (cls is Reversal and a.name == "original"):
            continue
        out.append((a.name, _leaf(a.name, a.type, base_prefix if a.name in _BASE else "")))
    return tuple(out)


def _plan(cls: type[Any]) -> Plan:
    if cls is not Reversal:
        return Plan(cls, tag_of(cls), _fields(cls))
    original = tuple(
        (name, node)
        for name, node in _fields(LedgerEntry, "original_")
        if name not in _COPIED and name != "amount"
    )
    return Plan(cls, tag_of(cls), _fields(cls), original)


PLANS: Final[Mapping[str, Plan]] = {tag: _plan(cls) for tag, cls in TAGS.items()}
"""Every entry type's plan, by tag."""


def leaves(fields: Fields) -> list[Leaf]:
    """The columns of some fields, nested values flattened, in order."""
    found: list[Leaf] = []
    for _name, node in fields:
        found.extend([node] if isinstance(node, Leaf) else leaves(node.fields))
    return found


def _arrow_type(leaf: Leaf) -> Any:
    return {"text": TEXT, "date": DATE, "int": pa.int64(), "code": CODE, "minor": MINOR}[leaf.kind]


def _plan_leaves(plan: Plan) -> list[Leaf]:
    """A plan's columns; a money column brings the currency, a reversal its original's type."""
    found = leaves(plan.fields)
    if any(leaf.kind == "minor" for leaf in found):
        found.append(Leaf("currency", "code"))
    if plan.cls is Reversal:
        found.append(Leaf("original_type", "code"))
        found.extend(leaves(plan.original_fields))
    return found


def _columns() -> tuple[Column, ...]:
    """The union of every plan's columns: type-specific ones nullable, text merged into codes."""
    kinds: dict[str, Any] = {"entry_type": CODE}
    users: dict[str, list[str]] = {"entry_type": list(TAGS)}
    optional: set[str] = set()
    for tag, plan in PLANS.items():
        for leaf in _plan_leaves(plan):
            found, new = kinds.get(leaf.column), _arrow_type(leaf)
            if found is not None and found != new and {found, new} != {TEXT, CODE}:
                raise TypeError(f"column {leaf.column} would hold {found} and {new}")
            kinds[leaf.column] = CODE if CODE in (found, new) else new
            users.setdefault(leaf.column, []).append(tag)
            if leaf.optional:
                optional.add(leaf.column)
    # A reversal holds its original's type-specific fields: those columns serve it too.
    for name, tags in users.items():
        if name not in _REVERSAL_OWN and "reversal" not in tags:
            tags.append("reversal")
    return tuple(
        Column(name, kind, len(users[name]) < len(TAGS) or name in optional, tuple(users[name]))
        for name, kind in kinds.items()
    )


_REVERSAL_OWN: Final = frozenset({"reverses", "original_type"})

COLUMNS: Final = _columns()
"""The entry schema's columns, in order."""

REQUIRED: Final = tuple(c.name for c in COLUMNS if not c.nullable)
"""The columns every entry fills: a null there is a bad table."""

ENTRY_SCHEMA: Final = pa.schema(
    [pa.field(c.name, c.type, nullable=c.nullable) for c in COLUMNS],
    metadata={"billing_core": "ledger entries, one row per entry"},
)
"""The Arrow schema of a table of ledger entries (see the module for the rules)."""
