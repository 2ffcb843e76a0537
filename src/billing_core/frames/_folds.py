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
from billing_core.frames._check import check_entry_table
from billing_core.frames._deps import pl
from billing_core.ledger._effects import TERMS, Total, check_as_of

__all__ = [
    "FIGURES",
    "effect_terms",
    "party_sums",
    "PARTY_KEY",
    "as_of_frame",
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


def as_of_frame(entries: Any, as_of: datetime.date) -> Any:
    """The checked entries (from ``check_entry_table``, or any table) effective by ``as_of``.

    Raises:
        TypeError: If ``as_of`` is not a plain date.
        ValidationError: If ``entries`` is a table that is not valid.
    """
    check_as_of(as_of)
    frame = entries if _is_checked(entries) else check_entry_table(entries)
    return frame.filter(pl.col("effective") <= as_of)


def _is_checked(entries: Any) -> bool:
    return isinstance(entries, pl.DataFrame) and "_kind" in entries.columns


def effect_terms(frame: Any, totals: Any) -> Any:
    """Each effect of the table with its terms: figure, key (bucket or detail), sign, slot.

    A term keyed by a party has a null key here (the party is per row). ``_slot``
    numbers the distinct (figure, key, party-keyed) so the big aggregation groups
    by integers, not text.
    """
    effects = frame.select("_effect", "_kind", "_bucket", "_detail").unique("_effect")
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


def sum_terms(
    frame: Any,
    by: str,
    carry: tuple[str, ...] = (),
    totals: Any = None,
    *,
    charged: bool = False,
) -> Any:
    """Signed minor units per ``by`` value, figure and key, from the effects' terms.

    The terms keyed by a bucket or a detail are summed in one pass: each such
    (figure, key) is a column of signed amounts (the row's amount times its
    effect's sign for that term, zero for other effects), and one group-by
    sums them all. Terms keyed by a party are summed apart, over the rows of
    the effects that have them.

    Args:
        frame: Checked entries (already cut at the as-of date).
        by: The grouping column (``line_id``, ``account_id`` or ``currency``).
        carry: Columns that ``by`` determines (a line's ``account_id``), kept.
        totals: Keep only these figures (all when ``None``).
        charged: Refuse a ``by`` value (a line) with entries but no charge,
            in the same pass.

    Raises:
        NotFoundError: With ``charged``, naming the first line with no charge.

    Returns:
        ``[by, *carry, currency, figure, _total, key, amount_minor]``: zero
        sums are left out, except ``charged`` (every ``by`` value has it).
    """
    terms, slots = effect_terms(frame, totals)
    kept = [c for c in (*carry, "currency") if c != by]
    first = [pl.col(c).first() for c in kept]
    plain = terms.filter(~pl.col("_party"))
    columns = []
    for slot in plain["_slot"].unique().sort().to_list():
        rows = plain.filter(pl.col("_slot") == slot)
        signs = dict(zip(rows["_effect"].to_list(), rows["_sign"].to_list(), strict=True))
        sign = pl.col("_effect").replace_strict(signs, default=0, return_dtype=pl.Int64)
        columns.append((sign * pl.col("amount_minor")).alias(f"{slot}"))
    names = [c.meta.output_name() for c in columns]
    parts = []
    if names:
        check = [(pl.col("_kind") == "charge").any().alias("_charged")] if charged else []
        wide = (
            frame.select(by, *kept, "_kind", *columns)
            .group_by(by)
            .agg(*first, pl.col(names).sum(), *check)
        )
        if charged:
            refuse_uncharged(wide)
        long = wide.unpivot(
            on=names, index=[by, *kept], variable_name="_slot", value_name="amount_minor"
        ).with_columns(pl.col("_slot").cast(pl.UInt32), pl.col("amount_minor").cast(pl.Int64))
        charged_slots = slots.filter(pl.col("figure") == "charged")["_slot"].to_list()
        long = long.filter((pl.col("amount_minor") != 0) | pl.col("_slot").is_in(charged_slots))
        parts.append(long.join(slots.drop("_party"), on="_slot").drop("_slot"))
    party = terms.filter(pl.col("_party"))
    if party.height:
        wide = party_sums(frame, party, by, kept)
        figures = party.select("figure", "_total").unique()
        long = wide.unpivot(
            on=figures["figure"].to_list(),
            index=[by, *kept, "party_kind", "party_id"],
            variable_name="figure",
            value_name="amount_minor",
        )
        parts.append(long.join(figures, on="figure").with_columns(key=PARTY_KEY))
    columns_out = [by, *kept, "figure", "_total", "key", "amount_minor"]
    if not parts:
        return slots.select("figure", "_total", "key").clear().select(
            pl.lit(None, pl.String).alias(by), *(pl.lit(None, pl.String).alias(k) for k in kept),
            "figure", "_total", "key", pl.lit(None, pl.Int64).alias("amount_minor"),
        )  # fmt: skip
    return pl.concat([p.select(columns_out) for p in parts])


def party_sums(frame: Any, party: Any, by: str, kept: list[str]) -> Any:
    """Per ``by`` value and party: one column of signed minor units per party-keyed figure.

    Args:
        frame: Checked entries.
        party: The party-keyed terms (``effect_terms`` rows with ``_party``).
        by: The grouping column.
        kept: Columns ``by`` determines, kept (their first value).
    """
    columns = []
    for figure in party["figure"].unique().sort().to_list():
        rows = party.filter(pl.col("figure") == figure)
        signs = dict(zip(rows["_effect"].to_list(), rows["_sign"].to_list(), strict=True))
        sign = pl.col("_effect").replace_strict(signs, default=0, return_dtype=pl.Int64)
        columns.append((sign * pl.col("amount_minor")).alias(figure))
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
