"""Balance kernels: per line, per account and each party's credit, as of a date (private).

The columnar twins of [`line_balances`][billing_core.balances.line_balances],
[`account_balances`][billing_core.balances.account_balances] and
[`credits`][billing_core.balances.credits]: the same figures, to the cent, as
polars frames of int64 minor units. Balances come in long form, one row per
figure and key (a bucket, group code, write-off reason or party), which is
what the ``Amounts`` mappings of a [`Balance`][billing_core.balances.Balance]
hold: rows with a zero amount are left out, except ``charged``, which every
line (and account) has. Rows come in no particular order.

Examples:
    >>> import datetime
    >>> from billing_core.ledger import Bucket, ChargePosted
    >>> from billing_core.money import Money
    >>> from billing_core.frames import to_arrow
    >>> day = datetime.date(2024, 3, 1)
    >>> table = to_arrow([ChargePosted(id="c1", account_id="A1", line_id="L1", effective=day,
    ...                                amount=Money("80.00", "USD"), bucket=Bucket.PATIENT)])
    >>> frame = line_balances(table, day).sort("figure")
    >>> frame.select("line_id", "figure", "key", "amount_minor").rows()
    [('L1', 'charged', None, 8000), ('L1', 'open', 'patient', 8000)]
"""

from __future__ import annotations

import datetime
from typing import Any, Final

from billing_core.frames._deps import pl
from billing_core.frames._folds import (
    SUM_COLUMNS,
    as_of_frame,
    effect_terms,
    party_sums,
    sum_terms,
)
from billing_core.frames._lines import line_sums
from billing_core.ledger._effects import Total

__all__ = ["account_balances", "credits", "line_balances"]

_BALANCE: Final = tuple(t.name.lower() for t in Total if t <= Total.OPEN)
_CREDIT: Final = ("received", "paid_by_party", "refunded")


def _long(sums: Any, by: list[str], frame: Any) -> Any:
    keep = (pl.col("amount_minor") != 0) | (pl.col("figure") == "charged")
    out = sums.filter(keep).select(*by, "currency", "figure", "key", "amount_minor")
    if frame.height and not (out["figure"] == "charged").any():
        # A table with no charge at all: every balance still shows what was charged (zero).
        zero = (
            frame.select(*by, "currency")
            .unique()
            .with_columns(
                figure=pl.lit("charged"),
                key=pl.lit(None, pl.String),
                amount_minor=pl.lit(0, pl.Int64),
            )
        )
        out = pl.concat([zero, out])
    return out


def line_balances(entries: Any, as_of: datetime.date) -> Any:
    """The balance of every line the entries touch, as of a date, in long form.

    The twin of [`balances.line_balances`][billing_core.balances.line_balances].

    Args:
        entries: A table of ledger entries (Arrow table or record batches,
            polars frame; see [`ENTRY_SCHEMA`][billing_core.frames.ENTRY_SCHEMA]).
        as_of: Only entries effective on or before it count.

    Returns:
        A polars frame ``account_id, line_id, currency, figure, key,
        amount_minor``: ``charged`` (key null), ``paid_by_party`` (key a
        party, ``payer:AETNA``), ``paid_by_bucket``, ``adjusted`` (a group
        code), ``written_off`` (a reason), ``moved_out``, ``moved_in`` and
        ``open`` (a bucket); in no particular order (sorting a million rows
        costs more than computing them: sort what you show).

    Raises:
        ValidationError: If the table is not valid (before any computation).
        NotFoundError: If a line has entries but no charge by ``as_of``.
        TypeError: If ``as_of`` is not a plain date.

    Examples:
        >>> from billing_core.frames import to_arrow
        >>> line_balances(to_arrow([]), datetime.date(2024, 1, 1)).height
        0
    """
    return line_sums(entries, as_of, _BALANCE)


def account_balances(entries: Any, as_of: datetime.date) -> Any:
    """The rolled-up balance of every account, as of a date, in long form.

    The twin of [`balances.account_balances`][billing_core.balances.account_balances];
    the figures are those of [`line_balances`][] summed per account.

    Args:
        entries: A table of ledger entries.
        as_of: Only entries effective on or before it count.

    Returns:
        A polars frame ``account_id, currency, figure, key, amount_minor``.

    Raises:
        ValidationError: If the table is not valid (an account in several
            currencies included).

    Examples:
        >>> from billing_core.frames import to_arrow
        >>> account_balances(to_arrow([]), datetime.date(2024, 1, 1)).columns
        ['account_id', 'currency', 'figure', 'key', 'amount_minor']
    """
    frame = as_of_frame(entries, as_of, columns=SUM_COLUMNS)
    return _long(sum_terms(frame, "account_id", (), _BALANCE), ["account_id"], frame)


def credits(entries: Any, as_of: datetime.date) -> Any:
    """Each party's unapplied money per account, as of a date.

    The twin of [`balances.credits`][billing_core.balances.credits], for every
    account at once: one row per account and party that received, applied or
    was refunded money.

    Args:
        entries: A table of ledger entries.
        as_of: Only entries effective on or before it count.

    Returns:
        A polars frame ``account_id, currency, party_kind, party_id,
        received, applied, refunded, available`` (minor units;
        ``available = received - applied - refunded``), in no particular order.

    Examples:
        >>> from billing_core.frames import to_arrow
        >>> credits(to_arrow([]), datetime.date(2024, 1, 1)).height
        0
    """
    frame = as_of_frame(entries, as_of)
    terms, _slots = effect_terms(frame, _CREDIT)
    wide = party_sums(frame, terms.filter(pl.col("_party")), "account_id", ["currency"])
    for figure in _CREDIT:
        if figure not in wide.columns:  # no effect of the table has it
            wide = wide.with_columns(pl.lit(0, pl.Int64).alias(figure))
    return wide.select(
        "account_id",
        "currency",
        "party_kind",
        "party_id",
        pl.col("received"),
        pl.col("paid_by_party").alias("applied"),
        pl.col("refunded"),
        (pl.col("received") - pl.col("paid_by_party") - pl.col("refunded")).alias("available"),
    )
