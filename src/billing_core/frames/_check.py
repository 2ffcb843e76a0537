"""Checking a table of ledger entries before anything is computed from it (private).

A bad table gets one [`ValidationError`][billing_core.errors.ValidationError]
whose findings name the column and the first offending row: a missing column,
a wrong type, a null where every entry needs a value, an unknown entry type or
enum value, an empty id, an amount beyond
[`MAX_MINOR`][billing_core.money.MAX_MINOR], amounts that could add up beyond
64-bit integers (the kernels' sums would wrap), an unknown currency, an account in
several currencies, a line in several accounts, a reversal dated before its
original.

What each *kind* of row may hold (a positive amount, a bucket a party can pay,
the rules of adjustments) is checked by the entry constructors themselves, not
by a copy of their rules: the rows are grouped by everything that decides an
entry's validity and effect (its type, enum columns, which optional columns are
null, the sign of its amount), one entry is built per group, and a group whose
entry is refused is reported at its first row. The same entries give each
group's [effect][billing_core.ledger._effects.Effect], which the kernels read.

Examples:
    >>> import datetime
    >>> from billing_core.ledger import Bucket, ChargePosted
    >>> from billing_core.money import Money
    >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
    ...                  effective=datetime.date(2024, 3, 1), amount=Money("80.00", "USD"),
    ...                  bucket=Bucket.PATIENT)
    >>> from billing_core.frames._convert import entries_to_arrow
    >>> bad = entries_to_arrow([c]).set_column(5, "amount_minor", pa.array([-800]))
    >>> [str(f) for f in validate_entry_table(bad)]  # doctest: +ELLIPSIS
    ["column 'amount_minor', row 0: ChargePosted.amount must be zero or positive ..."]
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any, Final

from billing_core.errors import BillingError, Finding, ValidationError
from billing_core.frames._convert import row_reader
from billing_core.frames._deps import pa, pc, pl
from billing_core.frames._schema import COLUMNS, ENTRY_SCHEMA, PLANS, REQUIRED, TAGS, Leaf, leaves
from billing_core.ledger._effects import effect
from billing_core.money import MAX_MINOR, Money

__all__ = [
    "EFFECT_COLUMNS",
    "arrow_table",
    "check_entry_table",
    "CODE_COLUMNS",
    "dense_codes",
    "with_codes",
    "validate_entry_table",
]

_TYPES: Final = {c.name: c.type for c in COLUMNS}
_IDS: Final = ("id", "account_id", "line_id", "party_id", "reverses")
"""Text columns that hold ids: never empty (the constructors' rule for ids)."""

_PLACED: Final = ("id", "account_id", "line_id", "party_id", "reverses")
"""Text columns whose group is decided elsewhere (stand-ins, ``_line``, ``_party``)."""
_STATED: Final = tuple(
    c.name
    for c in COLUMNS
    if (c.type == pa.string() and c.name not in _PLACED)
    or (c.type == pa.int64() and c.name != "amount_minor")
)
"""The other text and count columns: a row's group holds the state of each (see ``_state``)."""

# What decides a row's validity and effect, besides its type (see the module).
_KEY_CODES: Final = (
    *(c.name for c in COLUMNS if c.type == pa.dictionary(pa.int32(), pa.string())),
    "_line",
    "_party",
    "_sign",
    "_state",
)

EFFECT_COLUMNS: Final = ("_effect", "_kind", "_bucket", "_detail")
"""The columns ``check_entry_table`` adds: each row's effect (a small integer per
distinct effect in the table, party kind included) and its kind, bucket and detail;
it also adds the ``CODE_COLUMNS`` (see ``dense_codes``)."""


def _finding(column: str, row: int | None, message: str) -> Finding:
    where = f"column {column!r}" if row is None else f"column {column!r}, row {row}"
    return Finding(location=where, message=message, rule="frames.entries")


def _text_type(t: Any) -> bool:
    if pa.types.is_dictionary(t):
        t = t.value_type
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t))


def _fits(want: Any, found: Any) -> bool:
    if pa.types.is_dictionary(want) or pa.types.is_string(want):
        return bool(_text_type(found))
    if pa.types.is_int64(want):
        return bool(pa.types.is_integer(found))
    return bool(found == want)


def _as_arrow(data: Any) -> Any:
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    if isinstance(data, pl.DataFrame):
        return data.to_arrow()
    if isinstance(data, Iterable) and not isinstance(data, str | bytes):
        batches = list(data)
        if not batches:
            return ENTRY_SCHEMA.empty_table()
        if all(isinstance(b, pa.RecordBatch) for b in batches):
            return pa.Table.from_batches(batches)
    raise TypeError(
        "expected a pyarrow Table or RecordBatch, a polars DataFrame, or record batches;"
        f" got {type(data).__name__}"
    )


def _check_arrow_types(table: Any) -> None:
    """Refuse missing required columns and columns of the wrong Arrow type, naming each."""
    found = dict(zip(table.column_names, table.schema.types, strict=True))
    problems = [
        _finding(name, None, "missing (every entry has it)")
        for name in REQUIRED
        if name not in found
    ]
    for name, kind in found.items():
        want = _TYPES.get(name)
        if want is not None and not _fits(want, kind):
            problems.append(_finding(name, None, f"must be {want}, got {kind}"))
    if problems:
        raise ValidationError(problems)


def arrow_table(data: Any) -> Any:
    """``data`` as a ``pyarrow.Table`` in ``ENTRY_SCHEMA``: columns in order, types cast.

    A missing nullable column is read as nulls; a missing required column or
    a column of the wrong type is refused before anything else.

    Raises:
        ValidationError: Naming every missing or mistyped column.
        TypeError: If ``data`` is not a table.

    Examples:
        >>> arrow_table(pa.table({"id": ["x"]}))
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: 5 problems:
          - column 'entry_type': missing (every entry has it)
          ...
    """
    table = _as_arrow(data)
    if table.num_rows == 0 and table.num_columns == 0:
        return ENTRY_SCHEMA.empty_table()
    _check_arrow_types(table)
    found = set(table.column_names)
    arrays = []
    for field in ENTRY_SCHEMA:
        if field.name not in found:
            arrays.append(pa.nulls(table.num_rows, field.type))
            continue
        column = table.column(field.name)
        if pa.types.is_dictionary(field.type) and pa.types.is_dictionary(column.type):
            column = column.cast(pa.string())
        arrays.append(column.cast(field.type) if column.type != field.type else column)
    return pa.Table.from_arrays(arrays, schema=ENTRY_SCHEMA)


def _first(frame: Any, mask: Any) -> int | None:
    """The first row where ``mask`` is true, or ``None``."""
    hits = frame.select(pl.arg_where(mask).first()).item()
    return None if hits is None else int(hits)


_POLARS: Final = {"text": (pl.String, pl.Categorical, pl.Enum), "date": (pl.Date,)}


def _polars_kind(name: str, dtype: Any) -> bool:
    want = _TYPES[name]
    if pa.types.is_int64(want):
        return bool(dtype.is_integer())
    kinds = _POLARS["date"] if pa.types.is_date32(want) else _POLARS["text"]
    return any(dtype == k or isinstance(dtype, k) for k in kinds)


def _polars_frame(data: Any) -> Any:
    """``data`` as a polars frame with every schema column, text as plain strings.

    Polars input stays in polars (no round trip through Arrow); Arrow input is
    read by polars once. Checks as ``arrow_table``: missing required columns
    and wrong types are refused before anything else.
    """
    if isinstance(data, pl.DataFrame):
        frame: Any = data
    else:
        table = _as_arrow(data)
        if table.num_columns == 0:
            table = ENTRY_SCHEMA.empty_table()
        _check_arrow_types(table)  # in Arrow's words, for Arrow input
        frame = pl.from_arrow(table)
    problems = [
        _finding(name, None, "missing (every entry has it)")
        for name in REQUIRED
        if name not in frame.columns
    ]
    for name, dtype in frame.schema.items():
        if name in _TYPES and not _polars_kind(name, dtype):
            problems.append(_finding(name, None, f"must be {_TYPES[name]}, got {dtype}"))
    if problems:
        raise ValidationError(problems)
    columns = []
    for name, want in _TYPES.items():
        if pa.types.is_int64(want):
            target: Any = pl.Int64
        elif pa.types.is_date32(want):
            target = pl.Date
        else:
            target = pl.String
        found = frame.schema.get(name)
        if found is None:
            columns.append(pl.lit(None, target).alias(name))
        else:
            columns.append(pl.col(name) if found == target else pl.col(name).cast(target))
    return frame.select(columns)


def _frame(data: Any) -> Any:
    """The table as polars (see ``_polars_frame``), with the row's own effect type."""
    frame = _polars_frame(data)
    reversal = pl.col("entry_type") == "reversal"
    return frame.with_columns(
        _etype=pl.when(reversal).then(pl.col("original_type")).otherwise(pl.col("entry_type")),
        _line=pl.col("line_id").is_null(),
        _party=pl.col("party_id").is_null(),
        _sign=pl.col("amount_minor").sign().cast(pl.Int8),
        _state=_state(),
    )


def _state() -> Any:
    """The state of every ``_STATED`` column of a row, packed in one integer (4 per column).

    Text is null, empty, another account's id or other text; a count is null or
    its sign. A stand-in of the same state is built from it (``_stand_ins``),
    so the constructors' rules of those fields are checked per group.
    """
    packed: Any = pl.lit(0, pl.Int64)
    for name in _STATED:
        col = pl.col(name)
        if _TYPES[name] == pa.int64():
            code = col.sign().cast(pl.Int64) + 2  # 1, 2, 3
        else:
            code = pl.when(col == "").then(1).when(col == pl.col("account_id")).then(2)
            code = code.otherwise(3)
        packed = packed * 4 + pl.when(col.is_null()).then(0).otherwise(code)
    return packed


def _stand_ins(state: int) -> dict[str, Any]:
    """Values of the ``_STATED`` columns in the states ``state`` packs (see ``_state``)."""
    out: dict[str, Any] = {}
    for name in reversed(_STATED):
        state, code = divmod(state, 4)
        if _TYPES[name] == pa.int64():
            out[name] = None if code == 0 else code - 2
        else:
            out[name] = (None, "", _PLACEHOLDER["account_id"], "text")[code]
    return out


def _shape_findings(frame: Any) -> list[Finding]:
    """Nulls where every entry has a value, unknown entry types: nothing else is read then."""
    found = []
    for name in REQUIRED:
        row = _first(frame, pl.col(name).is_null())
        if row is not None:
            found.append(_finding(name, row, "is null (every entry has it)"))
    for name in ("entry_type", "original_type"):
        mask = pl.col(name).is_not_null() & ~pl.col(name).is_in(list(TAGS))
        if name == "original_type":
            mask = mask | (pl.col("entry_type") == "reversal") & pl.col(name).is_null()
            mask = mask | (pl.col(name) == "reversal")
        row = _first(frame, mask)
        if row is not None:
            value = frame[name][row]
            known = ", ".join(t for t in TAGS if name == "entry_type" or t != "reversal")
            found.append(_finding(name, row, f"unknown entry type {value!r:.40}; known: {known}"))
    return found


def _enum_columns() -> dict[tuple[str, type[Any]], list[str]]:
    """(column, enum type) -> the entry types whose rows hold that enum in that column."""
    out: dict[tuple[str, type[Any]], list[str]] = {}
    for tag, plan in PLANS.items():
        for leaf in leaves(plan.fields):
            if leaf.enum_type is not None:
                out.setdefault((leaf.column, leaf.enum_type), []).append(tag)
    return out


_ENUMS: Final = _enum_columns()
_INT64_MAX: Final = 2**63 - 1
_OVERFLOW: Final = (
    f"the amounts add up beyond {_INT64_MAX:,} minor units, more than the kernels' 64-bit"
    " sums hold; split the table (by account)"
)


def _sums_may_overflow(amounts: Any) -> bool:
    """Whether some sum of these amounts could leave int64 (the kernels' sums would wrap).

    No sum of any of the amounts exceeds the sum of their absolute values, so
    the kernels are exact when that stays within int64. The bound ``rows x
    largest |amount|`` settles nearly every table without adding anything up;
    only past it are the absolute values added, in Python's exact integers.

    Examples:
        >>> _sums_may_overflow(pl.Series([2**62, 2**62 - 1]))
        False
        >>> _sums_may_overflow(pl.Series([2**62, -(2**62)]))
        True
    """
    largest = amounts.abs().max()
    if largest is None or largest * len(amounts) <= _INT64_MAX:
        return False
    total: int = sum(abs(m) for m in amounts.to_list() if m is not None)
    return total > _INT64_MAX


def _value_findings(frame: Any) -> list[Finding]:
    """Unknown enum values, empty ids, amounts out of range, reversals dated too early."""
    found = []
    for (name, kind), tags in _ENUMS.items():
        allowed = [m.value for m in kind]
        mask = pl.col("_etype").is_in(tags) & pl.col(name).is_not_null()
        row = _first(frame, mask & ~pl.col(name).is_in(allowed))
        if row is not None:
            value, known = frame[name][row], ", ".join(allowed)
            found.append(
                _finding(name, row, f"unknown {kind.__name__} {value!r:.40}; known: {known}")
            )
    for name in _IDS:
        row = _first(frame, pl.col(name) == "")
        if row is not None:
            found.append(_finding(name, row, "is empty (ids are non-empty text)"))
    row = _first(frame, pl.col("amount_minor").abs() > MAX_MINOR)
    if row is not None:
        found.append(_finding("amount_minor", row, f"beyond MAX_MINOR (|minor| <= {MAX_MINOR:,})"))
    elif _sums_may_overflow(frame["amount_minor"]):
        found.append(_finding("amount_minor", None, _OVERFLOW))
    late = pl.col("effective") < pl.col("original_effective")
    row = _first(frame, (pl.col("entry_type") == "reversal") & late)
    if row is not None:
        found.append(_finding("effective", row, "a reversal is dated before its original"))
    return found


def _currency_findings(frame: Any) -> list[Finding]:
    """Unknown currencies, accounts in several currencies, lines in several accounts."""
    found = []
    for code in frame["currency"].unique().sort().to_list():
        try:
            Money.zero(code)
        except (BillingError, TypeError, ValueError) as exc:
            found.append(_finding("currency", _first(frame, pl.col("currency") == code), str(exc)))
    for key, value, what in (
        ("account_id", "currency", "account"),
        ("line_id", "account_id", "line"),
    ):
        counts = frame.group_by(key).agg(pl.col(value).n_unique().alias("_n"))
        mixed = counts.filter(pl.col(key).is_not_null() & (pl.col("_n") > 1))
        if not mixed.height:
            continue
        suspects = frame.with_row_index("_row").filter(pl.col(key).is_in(mixed[key].implode()))
        first = pl.col(value).first().over(key)
        row = _first(suspects, pl.col(value) != first)
        if row is not None:
            row = int(suspects["_row"][row])
            message = f"this {what} already has rows with another {value.replace('_id', '')}"
            found.append(_finding(value, row, message))
    return found


_PLACEHOLDER: Final = {
    "id": "row",
    "account_id": "A",
    "effective": datetime.date(2000, 1, 2),
    "currency": "USD",
    "reverses": "original",
    "original_effective": datetime.date(2000, 1, 1),
}


def _representative(combo: dict[str, Any]) -> dict[str, list[Any]]:
    """One row of columns with the combo's values and harmless stand-ins for the rest."""
    columns: dict[str, list[Any]] = {c.name: [combo.get(c.name)] for c in COLUMNS}
    for name, value in _PLACEHOLDER.items():
        columns[name] = [value]
    columns["line_id"] = [None if combo["_line"] else "L"]
    columns["party_id"] = [None if combo["_party"] else "P"]
    columns["amount_minor"] = [int(combo["_sign"])]
    for name, value in _stand_ins(int(combo["_state"])).items():
        columns[name] = [value]
    return columns


_FIELD: Final = re.compile(r"\b([A-Z][A-Za-z]+)\.([a-z_]+)")


def _column_of(message: str, tag: str) -> str:
    """The column of the field an entry constructor's message names (``Class.field``)."""
    match = _FIELD.search(message)
    plan = PLANS[tag]
    if match is not None:
        for name, node in plan.fields:
            if name == match.group(2):
                leaf = node if isinstance(node, Leaf) else leaves(node.fields)[0]
                return leaf.column
    return "entry_type"


def _row_problem(frame: Any, row: int, tag: str) -> Finding:
    """The constructor's own message for a refused row, built from the row's real values."""
    columns = {c.name: frame[c.name].slice(row, 1).to_list() for c in COLUMNS}
    try:
        row_reader()(columns, 0)
    except (BillingError, TypeError, ValueError) as exc:
        return _finding(_column_of(str(exc), tag), row, str(exc))
    return _finding("entry_type", row, "this kind of row is refused")  # pragma: no cover


_COMBO: Final = ("entry_type", *(k for k in _KEY_CODES if k != "entry_type"))
"""The columns that decide a row's validity and effect (see the module)."""


def _effects(frame: Any, groups: Any) -> tuple[Any, list[Finding]]:
    """One effect per group of rows, built from one entry per group (see the module).

    ``groups`` holds each group's key columns and ``_row``, its first row.
    """
    read = row_reader()
    rows: list[dict[str, Any]] = []
    problems: list[Finding] = []
    for combo in groups.iter_rows(named=True):
        try:
            found = effect(read(_representative(combo), 0))
        except (BillingError, TypeError, ValueError):
            problems.append(_row_problem(frame, combo["_row"], combo["entry_type"]))
            continue
        detail = found.detail
        rows.append(
            {
                **{k: v for k, v in combo.items() if k != "_row"},
                "_effect": len(rows),
                "_kind": found.kind.value,
                "_bucket": None if found.bucket is None else found.bucket.value,
                "_detail": None if detail is None else detail.value,
            }
        )
    schema = {k: groups.schema[k] for k in groups.columns if k != "_row"}
    schema |= dict.fromkeys(EFFECT_COLUMNS, pl.String) | {"_effect": pl.UInt32}
    return pl.DataFrame(rows, schema=schema), problems


def _exact(frame: Any) -> tuple[Any, list[Finding]]:
    """Each row with its group's effect: grouped on every key column, joined back on them."""
    keys = list(_COMBO)
    groups = (
        frame.select(keys).with_row_index("_row").group_by(keys, maintain_order=True)
        .agg(pl.col("_row").first())
    )  # fmt: skip
    effects, problems = _effects(frame, groups)
    if problems:
        return frame, problems
    return frame.join(effects, on=keys, how="left", nulls_equal=True, maintain_order="left"), []


CODE_COLUMNS: Final = {"_line_code": "line_id", "_party_code": "party_id"}
"""The dense codes ``check_entry_table`` adds, and the id column each codes."""


def dense_codes(values: Any, name: str) -> Any:
    """A dense code per distinct value of a text column, null where the value is null.

    Codes are UInt32 from 0, in order of first appearance. The line kernel
    sums over line and party codes with integer scatter-adds and sorts: the
    ids are hashed once, here, per table (as the object entries' ids keep
    their hash), not by every kernel call.

    Examples:
        >>> dense_codes(pl.Series(["L2", None, "L1", "L2"]), "_line_code").to_list()
        [0, None, 1, 0]
    """
    indices = pc.dictionary_encode(values.cast(pl.String).rechunk().to_arrow()).indices
    return pl.Series(name, indices).cast(pl.UInt32)


def with_codes(frame: Any) -> Any:
    """``frame`` with the ``CODE_COLUMNS`` it lacks."""
    return frame.with_columns(
        dense_codes(frame[column], name)
        for name, column in CODE_COLUMNS.items()
        if name not in frame.columns
    )


def _checked(data: Any) -> tuple[Any, list[Finding]]:
    frame = _frame(data)
    problems = _shape_findings(frame)
    if problems:
        return frame, problems
    problems = _value_findings(frame) + _currency_findings(frame)
    if problems:
        return frame, problems
    frame, problems = _exact(frame)
    if problems:
        return frame, problems
    return with_codes(frame), []


def validate_entry_table(data: Any) -> tuple[Finding, ...]:
    """Every problem of a table of ledger entries, as findings (empty when it is valid).

    Each finding names the column and the first offending row (see the
    module). Problems are found in stages (columns and types, then nulls and
    entry types, then values, then each kind of row), and a stage runs only
    when the ones before it found nothing.

    Raises:
        TypeError: If ``data`` is not a table.

    Examples:
        >>> validate_entry_table(pa.table({"entry_type": ["charge_posted"]}))[0].location
        "column 'id'"
    """
    try:
        return tuple(_checked(data)[1])
    except ValidationError as exc:
        return exc.findings


def check_entry_table(data: Any) -> Any:
    """Check a table of ledger entries once, and keep the result for the kernels.

    Every kernel checks its table first; check it once here and hand the
    kernels the frame this returns, and they skip the checks (a notebook
    running several kernels over one large table pays for the checks once).

    Args:
        data: A table of entries (Arrow table or batches, polars frame).

    Returns:
        The checked entries: a polars frame of the table's columns (text as
        plain strings) with each row's effect (``_kind``, ``_bucket``,
        ``_detail``) and dense codes of its line and party (``_line_code``,
        ``_party_code``: the ids are hashed here, once, not by each kernel
        call), which every kernel accepts as it is.

    Raises:
        ValidationError: With every finding (see ``validate_entry_table``).
        TypeError: If ``data`` is not a table.

    Examples:
        >>> check_entry_table(pa.table({"entry_type": ["gift"]}))
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: 5 problems: ...
    """
    frame, problems = _checked(data)
    if problems:
        raise ValidationError(problems)
    return frame
