"""Ledger entries to Arrow columns and back, losslessly (private).

[`entries_to_arrow`][billing_core.frames._convert.entries_to_arrow] fills the
columns of [`ENTRY_SCHEMA`][billing_core.frames.ENTRY_SCHEMA] from entry
objects, following each entry type's plan;
[`entries_from_arrow`][billing_core.frames._convert.entries_from_arrow]
checks a table (see ``frames._check``) and builds the objects through their
constructors, so a loaded entry is validated like any other. Converting costs
more than most computations on the columns: the fast path starts from columns
and stays there.

Examples:
    >>> import datetime
    >>> from billing_core.ledger import Bucket, ChargePosted
    >>> from billing_core.money import Money
    >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
    ...                  effective=datetime.date(2024, 3, 1), amount=Money("80.00", "USD"),
    ...                  bucket=Bucket.PATIENT)
    >>> table = entries_to_arrow([c])
    >>> table.column("amount_minor").to_pylist(), table.column("bucket").to_pylist()
    ([8000], ['patient'])
    >>> entries_from_arrow(table) == [c]
    True
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from billing_core._checks import describe
from billing_core.errors import Finding, ValidationError
from billing_core.frames._deps import pa
from billing_core.frames._schema import COLUMNS, ENTRY_SCHEMA, PLANS, TAGS, Fields, Leaf, Node
from billing_core.ledger import Entry, Reversal
from billing_core.money import Money
from billing_core.serialization import tag_of

__all__ = [
    "entries_from_arrow",
    "entries_to_arrow",
    "from_arrow",
    "records_to_arrow",
    "row_reader",
    "to_arrow",
]

Getter = Callable[[Any], Any]
Columns = dict[str, list[Any]]
Reader = Callable[[Columns, int], Any]


def _value_getter(leaf: Leaf, path: str) -> Getter:
    get = operator.attrgetter(path)
    if leaf.kind == "code":
        return lambda e: None if (v := get(e)) is None else v.value
    if leaf.kind == "minor":
        return lambda e: get(e).minor
    return get


def _getters(fields: Fields, prefix: str) -> list[tuple[str, Getter]]:
    out: list[tuple[str, Getter]] = []
    for name, node in fields:
        if isinstance(node, Leaf):
            out.append((node.column, _value_getter(node, prefix + name)))
        else:
            out.extend(_getters(node.fields, f"{prefix}{name}."))
    return out


def _own(fields: Fields) -> Fields:
    """The type-specific fields of a plan (not those every entry has)."""
    base = {name for name, _node in PLANS["reversal"].fields}
    return tuple((name, node) for name, node in fields if name not in base)


def _encoder(tag: str) -> list[tuple[str, Getter]]:
    plan = PLANS[tag]
    getters = _getters(plan.fields, "")
    getters.append(("currency", operator.attrgetter("amount.currency")))
    if plan.cls is Reversal:
        getters.append(("original_type", lambda e: tag_of(type(e.original))))
        getters.extend(_getters(plan.original_fields, "original."))
    return getters


_ENCODERS: Final = {PLANS[tag].cls: _encoder(tag) for tag in TAGS}
# A reversal row also holds its original's type-specific fields.
_ORIGINAL_ENCODERS: Final = {
    PLANS[tag].cls: _getters(_own(PLANS[tag].fields), "original.") for tag in TAGS
}


def entries_to_arrow(entries: Iterable[Entry]) -> Any:
    """A ``pyarrow.Table`` of ledger entries, one row per entry (``ENTRY_SCHEMA``).

    Raises:
        TypeError: If an item is not a ledger entry of a known type.

    Examples:
        >>> entries_to_arrow([]).num_rows
        0
    """
    columns: Columns = {c.name: [] for c in COLUMNS}
    tags = columns["entry_type"]
    for count, entry in enumerate(entries, start=1):
        cls = type(entry)
        encoder = _ENCODERS.get(cls)
        if encoder is None:
            raise TypeError(f"item {count - 1} is not a ledger entry: {describe(entry)}")
        tags.append(tag_of(cls))
        for name, get in encoder:
            columns[name].append(get(entry))
        if isinstance(entry, Reversal):
            for name, get in _ORIGINAL_ENCODERS[type(entry.original)]:
                columns[name].append(get(entry))
        for values in columns.values():  # the columns this entry type does not use
            if len(values) < count:
                values.append(None)
    return _table(columns)


def _dict_value(leaf: Leaf, path: tuple[str, ...]) -> Getter:
    def get(record: Any) -> Any:
        for key in path:
            if record is None:
                return None
            record = record.get(key)
        return record

    if leaf.kind == "minor":
        return lambda r: None if (m := get(r)) is None else Money(m["amount"], m["currency"]).minor
    if leaf.kind == "date":
        return lambda r: None if (d := get(r)) is None else datetime.date.fromisoformat(d)
    return get


def _dict_getters(fields: Fields, path: tuple[str, ...]) -> list[tuple[str, Getter]]:
    out: list[tuple[str, Getter]] = []
    for name, node in fields:
        if isinstance(node, Leaf):
            out.append((node.column, _dict_value(node, (*path, name))))
        else:
            out.extend(_dict_getters(node.fields, (*path, name)))
    return out


def _dict_encoder(tag: str) -> list[tuple[str, Getter]]:
    plan = PLANS[tag]
    getters = _dict_getters(plan.fields, ())
    getters.append(("currency", lambda r: r["amount"]["currency"]))
    if plan.cls is Reversal:
        getters.append(("original_type", lambda r: r["original"]["type"]))
        getters.extend(_dict_getters(plan.original_fields, ("original",)))
    return getters


_DICT_ENCODERS: Final = {tag: _dict_encoder(tag) for tag in TAGS}
_DICT_ORIGINALS: Final = {
    tag: _dict_getters(_own(PLANS[tag].fields), ("original",)) for tag in TAGS
}


def records_to_arrow(records: Iterable[Mapping[str, Any]]) -> Any:
    """A table of entries from their stable dict form, without building entry objects.

    For a store that keeps entries as the JSON of
    [`serialization.to_dict`][billing_core.serialization.to_dict]: the columns
    are read from the dicts directly (amounts parsed exactly, never through a
    float). The table is not checked here; the kernels check it.

    Raises:
        ValidationError: If a record has an unknown ``"type"``.

    Examples:
        >>> from billing_core.serialization import to_dict
        >>> from billing_core.testing.conformance import every_entry_type
        >>> history = every_entry_type("A1")
        >>> records_to_arrow(to_dict(e) for e in history).equals(entries_to_arrow(history))
        True
    """
    columns: Columns = {c.name: [] for c in COLUMNS}
    tags = columns["entry_type"]
    for count, record in enumerate(records, start=1):
        tag = record.get("type")
        encoder = _DICT_ENCODERS.get(tag) if isinstance(tag, str) else None
        if encoder is None:
            raise ValidationError(
                [Finding(location=f"records[{count - 1}].type", message=f"unknown entry type"
                         f" {describe(tag)}", rule="frames.entries")]
            )  # fmt: skip
        tags.append(tag)
        for name, get in encoder:
            columns[name].append(get(record))
        if tag == "reversal":
            for name, get in _DICT_ORIGINALS[record["original"]["type"]]:
                columns[name].append(get(record))
        for values in columns.values():
            if len(values) < count:
                values.append(None)
    return _table(columns)


def _table(columns: Columns) -> Any:
    arrays = []
    for field in ENTRY_SCHEMA:
        values = columns[field.name]
        if pa.types.is_dictionary(field.type):
            arrays.append(pa.array(values, pa.string()).dictionary_encode())
        else:
            arrays.append(pa.array(values, field.type))
    return pa.Table.from_arrays(arrays, schema=ENTRY_SCHEMA)


def _leaf_reader(leaf: Leaf) -> Reader:
    name = leaf.column
    if leaf.kind == "minor":
        return lambda c, i: Money.from_minor(c[name][i], c["currency"][i])
    enum_type = leaf.enum_type
    if enum_type is not None:
        return lambda c, i: None if (v := c[name][i]) is None else enum_type(v)
    return lambda c, i: c[name][i]


def _reader(fields: Fields) -> list[tuple[str, Reader]]:
    out: list[tuple[str, Reader]] = []
    for name, node in fields:
        out.append((name, _leaf_reader(node) if isinstance(node, Leaf) else _node_reader(node)))
    return out


def _node_reader(node: Node) -> Reader:
    readers = _reader(node.fields)
    cls = node.cls
    return lambda c, i: cls(**{name: read(c, i) for name, read in readers})


def _original_reader() -> Reader:
    """Build a reversal's original from the shared columns and what the reversal copies."""
    own = {tag: (PLANS[tag].cls, _reader(_own(PLANS[tag].fields))) for tag in TAGS}
    extra = _reader(PLANS["reversal"].original_fields)

    def read(c: Columns, i: int) -> Any:
        cls, readers = own[c["original_type"][i]]
        fields = {name: r(c, i) for name, r in readers}
        fields.update((name, r(c, i)) for name, r in extra)
        amount = Money.from_minor(-c["amount_minor"][i], c["currency"][i])
        return cls(
            id=c["reverses"][i],
            account_id=c["account_id"][i],
            line_id=c["line_id"][i],
            amount=amount,
            **fields,
        )

    return read


def row_reader() -> Callable[[Columns, int], Entry]:
    """A function that builds the entry of row ``i`` from columns as Python lists.

    The row must have passed the table checks (a known ``entry_type``, known
    enum values); the entry's constructor makes every other check.
    """
    readers = {tag: (PLANS[tag].cls, _reader(PLANS[tag].fields)) for tag in TAGS}
    original = _original_reader()

    def read(c: Columns, i: int) -> Entry:
        cls, fields = readers[c["entry_type"][i]]
        kwargs = {name: r(c, i) for name, r in fields}
        if cls is Reversal:
            kwargs["original"] = original(c, i)
        entry: Entry = cls(**kwargs)
        return entry

    return read


def entries_from_arrow(table: Any) -> list[Entry]:
    """The ledger entries of a table, built through their constructors (see the module).

    Raises:
        ValidationError: If the table is not a valid table of entries: every
            problem with its column and first offending row (see
            [`check_entry_table`][billing_core.frames.check_entry_table]).

    Examples:
        >>> entries_from_arrow(entries_to_arrow([]))
        []
    """
    from billing_core.frames._check import arrow_table, check_entry_table

    checked = arrow_table(table)
    check_entry_table(checked)
    columns: Columns = {name: checked.column(name).to_pylist() for name in checked.column_names}
    read = row_reader()
    return [read(columns, i) for i in range(checked.num_rows)]


def to_arrow(objects: Iterable[Any]) -> Any:
    """A ``pyarrow.Table`` of ledger entries (``ENTRY_SCHEMA``) or of open lines.

    Args:
        objects: Ledger entries, of any types, in any order; or
            [`OpenLine`][billing_core.aging.OpenLine]s (``OPEN_LINE_SCHEMA``).

    Returns:
        The table; ``from_arrow(to_arrow(objects)) == list(objects)``.

    Raises:
        TypeError: If an item is not a ledger entry (or not an open line).

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import Party, Refund
        >>> from billing_core.money import Money
        >>> f = Refund(id="f1", account_id="A1", effective=datetime.date(2024, 4, 1),
        ...            amount=Money("10.00", "USD"), party=Party.patient("P1"))
        >>> t = to_arrow([f])
        >>> t.column("entry_type").to_pylist(), t.column("party_kind").to_pylist()
        (['refund'], ['patient'])
        >>> from_arrow(t) == [f]
        True
    """
    from billing_core.aging import OpenLine
    from billing_core.frames._documents import open_lines_to_arrow

    items = list(objects)
    if items and isinstance(items[0], OpenLine):
        for index, item in enumerate(items):
            if not isinstance(item, OpenLine):
                raise TypeError(f"item {index} is not an OpenLine: {describe(item)}")
        return open_lines_to_arrow(items)
    return entries_to_arrow(items)


def from_arrow(table: Any) -> list[Any]:
    """The ledger entries (or open lines) of a table (Arrow table or batches, polars frame).

    A table with an ``open_minor`` column holds open lines; any other holds
    entries, and is checked first.

    Raises:
        ValidationError: If the table is not a valid table of entries, naming
            the column and first offending row of every problem.

    Examples:
        >>> from_arrow(to_arrow([]))
        []
    """
    from billing_core.frames._check import _as_arrow
    from billing_core.frames._documents import open_lines_from_arrow

    data = _as_arrow(table)
    if "open_minor" in data.column_names:
        return list(open_lines_from_arrow(data))
    return entries_from_arrow(data)
