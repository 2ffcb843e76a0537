"""Arrow tables of documents: open lines, claims and their lines, remittance claims (private).

Like the entry schema, each table is derived from the class's attrs fields,
so it cannot drift from the class: ``str`` is ``string``, a date ``date32``,
an enum a dictionary-encoded string, a bool ``bool``, an int ``int64``,
[`Money`][billing_core.money.Money] ``<field>_minor`` (int64) with the row's
one ``currency``, a ``Decimal`` (units, quantities) its exact text; any other
field (codes, parties, nested collections) is a ``string`` column holding the
JSON of its stable dict form (see [`serialization`][billing_core.serialization]),
so the round trip is lossless. A document's lines are a second table, keyed
by the document's id and the line's position.

Examples:
    >>> [f.name for f in OPEN_LINE_SCHEMA][:5]
    ['account_id', 'line_id', 'bucket', 'open_minor', 'currency']
"""

from __future__ import annotations

import datetime
import enum
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Final

import attrs

from billing_core.aging import OpenLine
from billing_core.charges import LineItem
from billing_core.claims import Claim
from billing_core.errors import Finding, ValidationError
from billing_core.frames._deps import pa
from billing_core.frames._schema import _strip_none
from billing_core.money import Money
from billing_core.remittance import CasAdjustment, ClaimPayment, Remittance, ServicePayment
from billing_core.serialization import converter

__all__ = [
    "CLAIM_LINE_SCHEMA",
    "CLAIM_SCHEMA",
    "OPEN_LINE_SCHEMA",
    "REMITTANCE_CLAIM_SCHEMA",
    "SERVICE_LINE_SCHEMA",
    "claims_from_arrow",
    "claims_to_arrow",
    "open_lines_from_arrow",
    "open_lines_to_arrow",
    "remittances_from_arrow",
    "remittances_to_arrow",
]


@attrs.frozen
class _Col:
    """One field of a document as a column: how it is encoded (see the module)."""

    field: str
    column: str
    kind: str
    hint: Any


_ARROW: Final = {
    "text": pa.string(),
    "date": pa.date32(),
    "code": pa.dictionary(pa.int32(), pa.string()),
    "bool": pa.bool_(),
    "int": pa.int64(),
    "minor": pa.int64(),
    "decimal": pa.string(),
    "json": pa.string(),
}


def _kind(hint: Any) -> str:
    plain, _optional = _strip_none(hint)
    if plain is str:
        return "text"
    if plain is datetime.date:
        return "date"
    if plain is bool:
        return "bool"
    if plain is int:
        return "int"
    if plain is Money:
        return "minor"
    if plain is Decimal:
        return "decimal"
    if isinstance(plain, type) and issubclass(plain, enum.Enum):
        return "code"
    return "json"


def _columns(cls: type[Any], skip: Sequence[str] = ()) -> tuple[_Col, ...]:
    fields = attrs.fields(attrs.resolve_types(cls))
    out = []
    for a in fields:
        if not a.init or a.name in skip:
            continue
        kind = _kind(a.type)
        column = f"{a.name}_minor" if kind == "minor" else a.name
        out.append(_Col(a.name, column, kind, a.type))
    return tuple(out)


def _schema(keys: Sequence[tuple[str, Any]], cols: Sequence[_Col], what: str) -> Any:
    fields = [pa.field(name, kind) for name, kind in keys]
    for c in cols:
        fields.append(pa.field(c.column, _ARROW[c.kind]))
        if c.kind == "minor" and "currency" not in [f.name for f in fields]:
            fields.append(pa.field("currency", _ARROW["code"]))  # after the first amount
    return pa.schema(fields, metadata={"billing_core": what})


_OPEN: Final = _columns(OpenLine)
_CLAIM: Final = _columns(Claim, skip=("lines",))
_CLAIM_LINE: Final = _columns(LineItem)
_REMIT_CLAIM: Final = _columns(ClaimPayment, skip=("lines",))
_SERVICE: Final = _columns(ServicePayment)
_DOC: Final = ("remittance_id", pa.string())
_AT: Final = ("claim_number", pa.int32())

OPEN_LINE_SCHEMA: Final = _schema([], _OPEN, "open lines")
"""One row per open amount: the fields of ``OpenLine``."""
CLAIM_SCHEMA: Final = _schema([], _CLAIM, "claims")
"""One row per claim: the fields of ``Claim`` but its lines."""
CLAIM_LINE_SCHEMA: Final = _schema(
    [("claim_id", pa.string()), ("line_number", pa.int32())], _CLAIM_LINE, "claim lines"
)
"""One row per claim line: its claim's id, its position (from 0), the fields of ``LineItem``."""
REMITTANCE_CLAIM_SCHEMA: Final = _schema([_DOC, _AT], _REMIT_CLAIM, "remittance claims")
"""One row per remittance claim: the remittance's id, the claim's position, ``ClaimPayment``."""
SERVICE_LINE_SCHEMA: Final = _schema(
    [_DOC, _AT, ("line_number", pa.int32())], _SERVICE, "remittance service lines"
)
"""One row per service line of a remittance claim: where it is, the fields of ``ServicePayment``."""


def _encode(value: Any, col: _Col) -> Any:
    if value is None:
        return None
    kind = col.kind
    if kind == "minor":
        return value.minor
    if kind == "code":
        return value.value
    if kind == "decimal":
        return str(value)
    if kind == "json":
        return json.dumps(converter.unstructure(value, col.hint), sort_keys=True)
    return value


def _rows_to_table(
    objects: Iterable[Any], cols: Sequence[_Col], schema: Any, keys: Sequence[Sequence[Any]]
) -> Any:
    """A table of objects; ``keys`` gives each row's key columns (ids, positions)."""
    names = [f.name for f in schema]
    data: dict[str, list[Any]] = {n: [] for n in names}
    key_names = names[: len(names) - len(cols) - ("currency" in names)]
    for obj, key in zip(objects, keys, strict=True):
        for name, value in zip(key_names, key, strict=True):
            data[name].append(value)
        currency = None
        for col in cols:
            value = getattr(obj, col.field)
            if col.kind == "minor" and value is not None:
                if currency is not None and value.currency != currency:
                    raise ValidationError(
                        [
                            Finding(
                                location=f"{col.field}",
                                message=(f"in {value.currency}, the row is in {currency}"),
                                rule="frames.currency",
                            )
                        ]
                    )
                currency = value.currency
            data[col.column].append(_encode(value, col))
        if "currency" in data:
            data["currency"].append(currency)
    arrays = [
        pa.array(data[f.name], pa.string()).dictionary_encode()
        if pa.types.is_dictionary(f.type)
        else pa.array(data[f.name], f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


def _decode(value: Any, col: _Col, currency: str | None) -> Any:
    if value is None:
        return None
    kind = col.kind
    if kind == "minor":
        return Money.from_minor(value, currency)  # type: ignore[arg-type]
    if kind == "code":
        plain, _ = _strip_none(col.hint)
        return plain(value)
    if kind == "decimal":
        return Decimal(value)
    if kind == "json":
        return converter.structure(json.loads(value), col.hint)
    return value


def _table_rows(
    data: Any, cols: Sequence[_Col], schema: Any, what: str
) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Each row's key columns and its constructor keyword arguments."""
    from billing_core.frames._check import _as_arrow

    table = _as_arrow(data)
    missing = [f.name for f in schema if f.name not in table.column_names]
    if missing:
        raise ValidationError(
            [Finding(location=f"column {m!r}", message=f"missing from the {what} table",
                     rule="frames.columns") for m in missing]
        )  # fmt: skip
    columns = {f.name: table.column(f.name).to_pylist() for f in schema}
    own = {c.column for c in cols} | {"currency"}
    keys = [name for name in columns if name not in own]
    currencies = columns.get("currency", [None] * table.num_rows)
    return [
        (
            tuple(columns[k][i] for k in keys),
            {c.field: _decode(columns[c.column][i], c, currencies[i]) for c in cols},
        )
        for i in range(table.num_rows)
    ]


def open_lines_to_arrow(lines: Iterable[OpenLine]) -> Any:
    """A table of [`OpenLine`][billing_core.aging.OpenLine]s (``OPEN_LINE_SCHEMA``).

    Examples:
        >>> from datetime import date
        >>> from billing_core.ledger import Bucket
        >>> line = OpenLine(account_id="A1", line_id="L1", bucket=Bucket.PATIENT,
        ...                 open=Money("25.00", "USD"), service_date=date(2025, 1, 2))
        >>> table = open_lines_to_arrow([line])
        >>> table.column("open_minor").to_pylist(), open_lines_from_arrow(table) == [line]
        ([2500], True)
    """
    rows = list(lines)
    return _rows_to_table(rows, _OPEN, OPEN_LINE_SCHEMA, [()] * len(rows))


def open_lines_from_arrow(table: Any) -> list[OpenLine]:
    """The open lines of a table (``OPEN_LINE_SCHEMA``, or the ``open_lines`` kernel's frame).

    Examples:
        >>> open_lines_from_arrow(open_lines_to_arrow([]))
        []
    """
    return [
        OpenLine(**row) for _key, row in _table_rows(table, _OPEN, OPEN_LINE_SCHEMA, "open lines")
    ]


def claims_to_arrow(claims: Iterable[Claim]) -> tuple[Any, Any]:
    """Two tables of claims: one row per claim, and one row per claim line.

    Returns:
        ``(claims, lines)`` in ``CLAIM_SCHEMA`` and ``CLAIM_LINE_SCHEMA``.

    Examples:
        >>> from billing_core._examples import example_claim
        >>> claims, lines = claims_to_arrow([example_claim()])
        >>> claims.num_rows, lines.column("claim_id").to_pylist()
        (1, ['CLM1'])
        >>> claims_from_arrow(claims, lines) == [example_claim()]
        True
    """
    docs = list(claims)
    lines = [(c.id, n, line) for c in docs for n, line in enumerate(c.lines)]
    return (
        _rows_to_table(docs, _CLAIM, CLAIM_SCHEMA, [()] * len(docs)),
        _rows_to_table(
            [x[2] for x in lines], _CLAIM_LINE, CLAIM_LINE_SCHEMA, [x[:2] for x in lines]
        ),
    )


def claims_from_arrow(claims: Any, lines: Any) -> list[Claim]:
    """The claims of the two tables of ``claims_to_arrow``, each with its lines in order.

    Examples:
        >>> claims_from_arrow(*claims_to_arrow([]))
        []
    """
    by_claim: dict[str, list[tuple[int, Any]]] = {}
    for (claim_id, number), row in _table_rows(
        lines, _CLAIM_LINE, CLAIM_LINE_SCHEMA, "claim lines"
    ):
        by_claim.setdefault(claim_id, []).append((number, LineItem(**row)))
    out = []
    for _key, row in _table_rows(claims, _CLAIM, CLAIM_SCHEMA, "claims"):
        mine = sorted(by_claim.get(row["id"], []), key=lambda x: x[0])
        out.append(Claim(**row, lines=[line for _n, line in mine]))
    return out


def remittances_to_arrow(remittances: Iterable[Remittance]) -> tuple[Any, Any]:
    """Two tables of the claims of remittances: one row per claim payment, one per service line.

    Returns:
        ``(claims, lines)`` in ``REMITTANCE_CLAIM_SCHEMA`` and ``SERVICE_LINE_SCHEMA``.

    Examples:
        >>> claims, lines = remittances_to_arrow([_example_remittance()])
        >>> claims.column("remittance_id").to_pylist(), lines.column("paid_minor").to_pylist()
        (['TRN1'], [8000])
    """
    claims = [(r.id, n, c) for r in remittances for n, c in enumerate(r.claims)]
    lines = [(rid, n, k, line) for rid, n, c in claims for k, line in enumerate(c.lines)]
    return (
        _rows_to_table([c for *_k, c in claims], _REMIT_CLAIM, REMITTANCE_CLAIM_SCHEMA,
                       [k for *k, _c in claims]),
        _rows_to_table([x for *_k, x in lines], _SERVICE, SERVICE_LINE_SCHEMA,
                       [k for *k, _x in lines]),
    )  # fmt: skip


def remittances_from_arrow(claims: Any, lines: Any) -> dict[str, tuple[ClaimPayment, ...]]:
    """The claim payments of each remittance, with their service lines, from the two tables.

    Returns:
        ``{remittance_id: claim payments in order}``.

    Examples:
        >>> r = _example_remittance()
        >>> remittances_from_arrow(*remittances_to_arrow([r])) == {r.id: r.claims}
        True
    """
    by_claim: dict[tuple[str, int], list[tuple[int, Any]]] = {}
    rows = _table_rows(lines, _SERVICE, SERVICE_LINE_SCHEMA, "service lines")
    for (remittance_id, number, line_number), row in rows:
        by_claim.setdefault((remittance_id, number), []).append(
            (line_number, ServicePayment(**row))
        )
    found: dict[str, list[tuple[int, ClaimPayment]]] = {}
    for (remittance_id, number), row in _table_rows(
        claims, _REMIT_CLAIM, REMITTANCE_CLAIM_SCHEMA, "remittance claims"
    ):
        mine = sorted(by_claim.get((remittance_id, number), []), key=lambda x: x[0])
        payment = ClaimPayment(**row, lines=[line for _n, line in mine])
        found.setdefault(remittance_id, []).append((number, payment))
    return {k: tuple(p for _n, p in sorted(v, key=lambda x: x[0])) for k, v in found.items()}


def _usd(amount: str) -> Money:
    return Money(amount, "USD")


def _example_remittance() -> Remittance:
    """A remittance for the examples: one claim of one line, 100.00 charged, 80.00 paid."""
    line = ServicePayment(
        charge=_usd("100.00"),
        paid=_usd("80.00"),
        adjustments=[CasAdjustment(group="CO", reason="45", amount=_usd("20.00"))],
    )
    claim = ClaimPayment(
        patient_control_number="CLM1",
        status="1",
        charge=_usd("100.00"),
        paid=_usd("80.00"),
        lines=[line],
    )
    return Remittance(payer="ACME", payee="1234567893", total_payment=_usd("80.00"),
                      payment_method="CHK", trace_number="TRN1",
                      paid_date=datetime.date(2024, 4, 1), claims=[claim])  # fmt: skip
