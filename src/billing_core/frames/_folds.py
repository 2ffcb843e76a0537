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
from billing_core.frames._check import checked_frame
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
    """The checked entries (a frame from ``checked_frame``, or any table) effective by ``as_of``.

    Raises:
        TypeError: If ``as_of`` is not a plain date.
        ValidationError: If ``entries`` is a table that is not valid.
    """
    check_as_of(as_of)
    frame = entries if _is_checked(entries) else checked_frame(entries)
    return frame.filter(pl.col("effective") <= as_of)


def _is_checked(entries: Any) -> bool:
    return isinstance(entries, pl.DataFrame) and "_kind" in entries.columns


def sum_terms(frame: Any, by: list[str], totals: Any = None) -> Any:
    """Signed minor units per ``by`` columns, figure and key, from the effects' terms.

    Args:
        frame: Checked entries (already cut at the as-of date).
        by: The grouping columns (``account_id``, ``line_id``, ...).
        totals: Keep only these figures (all when ``None``).

    Returns:
        ``[*by, currency, figure, _total, key, amount_minor]``, zero sums included.
    """
    per_effect = frame.group_by(
        [*by, "currency", "_kind", "_bucket", "_detail", "party_kind", "party_id"]
    ).agg(pl.col("amount_minor").sum().alias("_m"))
    terms = terms_table()
    if totals is not None:
        terms = terms.filter(pl.col("figure").is_in(list(totals)))
    role = pl.col("_role")
    key = (
        pl.when(role == "bucket")
        .then(pl.col("_bucket"))
        .when(role == "detail")
        .then(pl.col("_detail"))
        .when(role == "party")
        .then(PARTY_KEY)
        .otherwise(pl.lit(None, pl.String))
    )
    return (
        per_effect.join(terms, on="_kind")
        .with_columns(key=key, amount_minor=pl.col("_m") * pl.col("_sign"))
        .group_by([*by, "currency", "figure", "_total", "key"])
        .agg(pl.col("amount_minor").sum())
    )


def require_charges(frame: Any) -> None:
    """Refuse a line that has entries but no charge (the object folds' ``NotFoundError``).

    Raises:
        NotFoundError: Naming the first such line.
    """
    lines = frame.filter(pl.col("line_id").is_not_null()).group_by("line_id")
    missing = lines.agg((pl.col("_kind") == "charge").any().alias("_charged")).filter(
        ~pl.col("_charged")
    )
    if missing.height:
        line = missing.sort("line_id")["line_id"][0]
        raise NotFoundError(f"line {line} has entries but no charge: post its ChargePosted first")
