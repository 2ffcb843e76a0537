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
    "PARTY_KEY",
    "as_of_frame",
    "require_charges",
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


def _effect_terms(frame: Any, totals: Any) -> Any:
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


def sum_terms(frame: Any, by: str, carry: tuple[str, ...] = (), totals: Any = None) -> Any:
    """Signed minor units per ``by`` value, figure and key, from the effects' terms.

    Args:
        frame: Checked entries (already cut at the as-of date).
        by: The grouping column (``line_id``, ``account_id`` or ``currency``).
        carry: Columns that ``by`` determines (a line's ``account_id``), kept.
        totals: Keep only these figures (all when ``None``).

    Returns:
        ``[by, *carry, currency, figure, _total, key, amount_minor]``, zero sums
        included.
    """
    terms, slots = _effect_terms(frame, totals)
    kept = [c for c in (*carry, "currency") if c != by]
    first = [pl.col(c).first() for c in kept]
    amount = pl.col("amount_minor").sum().alias("_m")
    plain = terms.filter(~pl.col("_party")).select("_effect", "_slot", "_sign")
    per_effect = frame.group_by(by, "_effect").agg(amount, *first)
    sums = (
        per_effect.join(plain, on="_effect")
        .group_by(by, "_slot")
        .agg((pl.col("_m") * pl.col("_sign")).sum().alias("amount_minor"), *first)
    )
    parts = [sums.join(slots.drop("_party"), on="_slot").drop("_slot")]
    party = terms.filter(pl.col("_party")).select("_effect", "figure", "_total", "_sign")
    if party.height:
        paying = frame.join(party.select("_effect").unique(), on="_effect", how="semi")
        per_party = paying.group_by(by, "_effect", "party_kind", "party_id").agg(amount, *first)
        parts.append(
            per_party.join(party, on="_effect")
            .with_columns(key=PARTY_KEY, _m=pl.col("_m") * pl.col("_sign"))
            .group_by(by, "figure", "_total", "key")
            .agg(pl.col("_m").sum().alias("amount_minor"), *first)
        )
    columns = [by, *kept, "figure", "_total", "key", "amount_minor"]
    return pl.concat([p.select(columns) for p in parts])


def require_charges(frame: Any) -> None:
    """Refuse a line that has entries but no charge (the object folds' ``NotFoundError``).

    Raises:
        NotFoundError: Naming the first such line.
    """
    lines = frame.select("line_id").filter(pl.col("line_id").is_not_null()).unique()
    charged = frame.filter(pl.col("_kind") == "charge").select("line_id").unique()
    missing = lines.join(charged, on="line_id", how="anti")
    if missing.height:
        line = missing.sort("line_id")["line_id"][0]
        raise NotFoundError(f"line {line} has entries but no charge: post its ChargePosted first")
