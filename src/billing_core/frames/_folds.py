"""The columnar reading of the ledger's effects table (private).

The object folds sum minor units per effect and then read each effect's terms
from [`TERMS`][billing_core.ledger._effects.TERMS]. The kernels do the same
with polars: rows are summed per effect (its kind, bucket, detail and party,
from ``frames._check``), the sums are joined to ``TERMS`` as a table (one row
per term), and each term's key is the effect's bucket, detail or party as its
role says. An entry kind added to the ledger flows through without an edit
here.

Figures are named after the ledger's running totals
([`Total`][billing_core.ledger._effects.Total]), lower case: ``charged``,
``paid_by_party``, ``paid_by_bucket``, ``adjusted``, ``written_off``,
``moved_out``, ``moved_in``, ``open``, ``received``, ``refunded``, ``credit``.

Examples:
    >>> terms_table().filter(pl.col("_kind") == "charge").rows()
    [('charge', 'charged', 0, 'none', 1), ('charge', 'open', 7, 'bucket', 1)]
"""

from __future__ import annotations

import datetime
from typing import Any, Final

from billing_core.errors import NotFoundError
from billing_core.frames._check import EFFECT_COLUMNS, check_entry_table
from billing_core.frames._deps import pl
from billing_core.ledger._effects import TERMS, Total, check_as_of

__all__ = [
    "FIGURES",
    "effect_terms",
    "party_sums",
    "PARTY_KEY",
    "SUM_COLUMNS",
    "as_of_frame",
    "checked",
    "refuse_uncharged",
    "sum_terms",
    "terms_table",
]

FIGURES: Final = tuple(t.name.lower() for t in Total)
"""Every figure name, in the order of the ledger's totals."""

PARTY_KEY: Final = pl.concat_str(pl.col("party_kind"), pl.lit(":"), pl.col("party_id"))
"""A party as the object folds print it: ``payer:AETNA``, ``patient:P1``."""


def terms_table() -> Any:
    """``TERMS`` as a polars frame: kind, figure, total index, role, sign."""
    rows = [
        (kind.value, total.name.lower(), int(total), role.value, sign)
        for kind, terms in TERMS.items()
        for total, role, sign in terms
    ]
    return pl.DataFrame(
        rows,
        schema={"_kind": pl.String, "figure": pl.String, "_total": pl.Int8,
                "_role": pl.String, "_sign": pl.Int8},
        orient="row",
    )  # fmt: skip


SUM_COLUMNS: Final = (
    "account_id", "line_id", "currency", "effective", "amount_minor", "party_kind", "party_id",
    *EFFECT_COLUMNS,
)  # fmt: skip
"""The columns ``sum_terms`` and ``party_sums`` read (with ``effective``, to cut at a date)."""


def as_of_frame(
    entries: Any,
    as_of: datetime.date,
    *,
    columns: tuple[str, ...] | None = None,
    lines: bool = False,
) -> Any:
    """The checked entries (from ``check_entry_table``, or any table) effective by ``as_of``.

    Args:
        entries: A table of entries, checked or not.
        as_of: The last effective date kept.
        columns: Keep only these columns (all when ``None``); chosen before
            the rows are cut, so a kernel copies only the columns it reads.
        lines: Keep only the rows on a line (``line_id`` not null).

    Raises:
        TypeError: If ``as_of`` is not a plain date.
        ValidationError: If ``entries`` is a table that is not valid.
    """
    check_as_of(as_of)
    frame = checked(entries)
    if columns is not None:
        frame = frame.select(columns)
    keep = pl.col("effective") <= as_of
    if lines:
        keep = keep & pl.col("line_id").is_not_null()
    return frame.filter(keep)


def checked(entries: Any) -> Any:
    """The entries as checked by ``check_entry_table`` (a checked frame is kept as it is).

    Raises:
        ValidationError: If ``entries`` is a table that is not valid.
    """
    return entries if _is_checked(entries) else check_entry_table(entries)


def _is_checked(entries: Any) -> bool:
    return isinstance(entries, pl.DataFrame) and "_kind" in entries.columns


def effect_terms(frame: Any, totals: Any) -> Any:
    """Each effect of the table with its terms: figure, key (bucket or detail), sign, slot.

    A term keyed by a party has a null key here (the party is per row). ``_slot``
    numbers the distinct (figure, key, party-keyed) so the big aggregation groups
    by integers, not text.
    """
    # One row per effect id, by index: cheaper than a unique over the text columns.
    effects = frame.select("_effect", "_kind", "_bucket", "_detail")[frame["_effect"].arg_unique()]
    terms = terms_table()
    if totals is not None:
        terms = terms.filter(pl.col("figure").is_in(list(totals)))
    role = pl.col("_role")
    key = (
        pl.when(role == "bucket")
        .then(pl.col("_bucket"))
        .when(role == "detail")
        .then(pl.col("_detail"))
        .otherwise(pl.lit(None, pl.String))
    )
    joined = effects.join(terms, on="_kind").with_columns(key=key, _party=role == "party")
    slots = (
        joined.select("figure", "_total", "key", "_party")
        .unique()
        .sort("_total", "key", "_party", nulls_last=False)
        .with_row_index("_slot")
    )
    return joined.join(slots, on=["figure", "_total", "key", "_party"], nulls_equal=True), slots


def _size(frame: Any) -> int:
    """One more than the largest effect id of ``frame``: the length of a sign vector."""
    top = frame["_effect"].max()
    return 1 if top is None else int(top) + 1


def _signs(rows: Any, size: int) -> Any:
    """An int64 literal of signs indexed by effect id: the sum of an effect's signs for one slot."""
    signs = [0] * size
    for found, sign in rows:
        signs[found] += sign
    return pl.lit(pl.Series(signs, dtype=pl.Int64))


def sum_terms(frame: Any, by: str, carry: tuple[str, ...] = (), totals: Any = None) -> Any:
    """Signed minor units per ``by`` value, figure and key, from the effects' terms.

    The terms keyed by a bucket or a detail are summed in one group-by over
    ``by``: each such (figure, key) slot is a column of signed amounts, the
    row's amount times its effect's sign for that slot, read from a small
    vector indexed by effect id (zero for other effects). Terms keyed by a
    party are summed apart, over the rows of the effects that have them. The
    long form is built slot by slot from the rows whose sum is not zero, never
    by unpivoting every slot of every ``by`` value. (The line balances have
    their own fold over line codes: ``frames._lines``.)

    Args:
        frame: Checked entries (already cut at the as-of date).
        by: The grouping column (``line_id``, ``account_id`` or ``currency``).
        carry: Columns that ``by`` determines (a line's ``account_id``), kept.
        totals: Keep only these figures (all when ``None``).

    Returns:
        ``[by, *carry, currency, figure, _total, key, amount_minor]``: zero
        sums are left out, except ``charged`` (every ``by`` value has it).
    """
    terms, slots = effect_terms(frame, totals)
    kept = [c for c in (*carry, "currency") if c != by]
    out = [by, *kept, "figure", "_total", "key", "amount_minor"]
    size = _size(frame)
    signed = [
        (pl.col("amount_minor") * _signs(rows.select("_effect", "_sign").iter_rows(), size)
         .gather(pl.col("_effect"))).alias(f"_s{slot}")
        for (slot,), rows in terms.filter(~pl.col("_party")).group_by("_slot")
    ]  # fmt: skip
    parts = []
    if signed:
        wide = (
            frame.select(by, *kept, *signed)
            .group_by(by)
            .agg(*(pl.col(c).first() for c in kept), pl.col(r"^_s\d+$").sum())
        )
        plain = slots.filter(~pl.col("_party")).select("_slot", "figure", "_total", "key")
        for slot, figure, total, key in plain.iter_rows():
            amount = pl.col(f"_s{slot}")
            rows = wide if figure == "charged" else wide.filter(amount != 0)
            parts.append(rows.select(
                by, *kept, figure=pl.lit(figure), _total=pl.lit(total, pl.Int8),
                key=pl.lit(key, pl.String), amount_minor=amount,
            ))  # fmt: skip
    party = terms.filter(pl.col("_party"))
    if party.height:
        wide = party_sums(frame, party, by, kept)
        for figure, total in party.select("figure", "_total").unique().sort("_total").iter_rows():
            amount = pl.col(figure)
            parts.append(wide.filter(amount != 0).select(
                by, *kept, figure=pl.lit(figure), _total=pl.lit(total, pl.Int8), key=PARTY_KEY,
                amount_minor=amount,
            ))  # fmt: skip
    if not parts:
        types = {"_total": pl.Int8, "amount_minor": pl.Int64}
        return pl.DataFrame(schema={c: types.get(c, pl.String) for c in out})
    return pl.concat([p.select(out) for p in parts])


def party_sums(frame: Any, party: Any, by: str, kept: list[str]) -> Any:
    """Per ``by`` value and party: one column of signed minor units per party-keyed figure.

    Args:
        frame: Checked entries.
        party: The party-keyed terms (``effect_terms`` rows with ``_party``).
        by: The grouping column.
        kept: Columns ``by`` determines, kept (their first value).
    """
    size = _size(frame)
    columns = [
        (pl.col("amount_minor") * _signs(rows.select("_effect", "_sign").iter_rows(), size)
         .gather(pl.col("_effect"))).alias(figure)
        for (figure,), rows in party.group_by("figure")
    ]  # fmt: skip
    names = [c.meta.output_name() for c in columns]
    paying = frame.filter(pl.col("_effect").is_in(party["_effect"].unique().implode()))
    return (
        paying.select(by, *kept, "party_kind", "party_id", *columns)
        .group_by(by, "party_kind", "party_id")
        .agg(*(pl.col(c).first() for c in kept), pl.col(names).sum())
    )


def refuse_uncharged(lines: Any) -> None:
    """Refuse a line with entries but no charge (the object folds' ``NotFoundError``).

    ``lines`` has ``line_id`` and ``_charged``: whether any of the line's rows
    is a charge (a charge reversed to zero still opened the line).

    Raises:
        NotFoundError: Naming the first such line.
    """
    missing = lines.filter(~pl.col("_charged"))
    if missing.height:
        line = missing["line_id"].sort()[0]
        raise NotFoundError(f"line {line} has entries but no charge: post its ChargePosted first")
