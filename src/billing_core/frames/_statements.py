"""Statement candidates: each account's patient balance due and the dunning inputs (private).

The columnar twin of [`statement`][billing_core.statements.statement] and
[`DunningHistory.from_statement`][billing_core.statements.DunningHistory.from_statement],
for every account at once, with the statement's rules: a line with money open
with a payer is **pending** (nothing of it is due); a line is due for its
positive patient balance otherwise; the patient's unapplied credit is taken
off the amount due (``pay_now``, never negative); the amount due is aged by
the date the patient became responsible.

Examples:
    >>> import datetime
    >>> from billing_core.ledger import Bucket, ChargePosted
    >>> from billing_core.money import Money
    >>> from billing_core.frames import to_arrow
    >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
    ...                  effective=datetime.date(2025, 1, 3), amount=Money("25.00", "USD"),
    ...                  bucket=Bucket.PATIENT)
    >>> statement_candidates(to_arrow([c]), datetime.date(2025, 3, 31)).select(
    ...     "account_id", "amount_due", "pay_now", "balance_since").rows()
    [('A1', 2500, 2500, datetime.date(2025, 1, 3))]
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any, Final

from billing_core.aging import DEFAULT_EDGES, band_labels, validate_edges
from billing_core.errors import ValidationError
from billing_core.frames._aging import open_lines
from billing_core.frames._balances import credits
from billing_core.frames._deps import pl
from billing_core.frames._folds import as_of_frame

__all__ = ["CANDIDATE_COLUMNS", "statement_candidates"]

CANDIDATE_COLUMNS: Final = (
    "account_id", "currency", "patient_id", "amount_due", "pay_now", "insurance_pending",
    "pending_patient_share", "credit_available", "balance_since",
)  # fmt: skip
"""The columns of ``statement_candidates`` before the aging bands."""


def _lines(rows: Any) -> Any:
    """Per line with money open: insurance and patient open, pending, due, since when."""
    patient = pl.col("bucket") == "patient"
    open_ = pl.col("open_minor")
    per_line = rows.group_by("account_id", "currency", "line_id").agg(
        insurance=open_.filter(~patient).sum(),
        patient=open_.filter(patient).sum(),
        since=pl.col("responsible_since").filter(patient).first(),
    )
    pending = pl.col("insurance") != 0
    return per_line.with_columns(
        pending=pending,
        due=pl.when(~pending & (pl.col("patient") > 0)).then(pl.col("patient")).otherwise(0),
    )


def _aging(lines: Any, as_of: datetime.date, edges: Sequence[int]) -> Any:
    """The amount due per account, by band of days since the patient became responsible."""
    days = (pl.lit(as_of) - pl.col("since")).dt.total_days()
    band = pl.sum_horizontal([(days > e).cast(pl.Int32) for e in edges])
    due = lines.filter(pl.col("due") > 0).with_columns(_band=band)
    return due.group_by("account_id").agg(
        [
            pl.col("due").filter(pl.col("_band") == n).sum().alias(label)
            for n, label in enumerate(band_labels(edges))
        ]
    )


def statement_candidates(
    entries: Any,
    as_of: datetime.date,
    *,
    edges: Sequence[int] = DEFAULT_EDGES,
    info: Any = None,
) -> Any:
    """Every account's statement figures as of a date: what is due and the dunning inputs.

    Args:
        entries: A table of ledger entries.
        as_of: The statement date.
        edges: The aging band edges of the amount due (a policy's ``aging_edges``).
        info: Optional line dates (see [`open_lines`][billing_core.frames.open_lines]).

    Returns:
        A polars frame, one row per account with entries by ``as_of`` (in no
        particular order):
        ``account_id, currency, patient_id`` (the first patient who paid, by
        id; null if none), then in minor units ``amount_due`` (the due lines'
        patient balances), ``pay_now`` (after the credit),
        ``insurance_pending``, ``pending_patient_share``,
        ``credit_available`` (the patient's unapplied money), then
        ``balance_since`` (the oldest date the patient became responsible for
        an amount due; null when nothing is due) and one column per aging
        band of the amount due. ``pay_now``, ``balance_since`` and
        ``insurance_pending != 0`` are the ``balance``, ``balance_since`` and
        ``insurance_pending`` of a [`DunningHistory`][billing_core.statements.DunningHistory];
        an account is a candidate for a statement when ``pay_now > 0``.

    Raises:
        ValidationError: If the edges or the table are not valid.

    Examples:
        >>> from billing_core.frames import to_arrow
        >>> statement_candidates(to_arrow([]), datetime.date(2025, 1, 1)).height
        0
    """
    findings = validate_edges(edges)
    if findings:
        raise ValidationError(findings)
    frame = as_of_frame(entries, as_of)
    lines = _lines(open_lines(frame, as_of, info=info))
    per_account = lines.group_by("account_id").agg(
        amount_due=pl.col("due").sum(),
        insurance_pending=pl.col("insurance").sum(),
        pending_patient_share=pl.col("patient").filter(pl.col("pending")).sum(),
        balance_since=pl.col("since").filter(pl.col("due") > 0).min(),
    )
    patients = (
        credits(frame, as_of)
        .filter(pl.col("party_kind") == "patient")
        .group_by("account_id")
        .agg(credit_available=pl.col("available").sum(), patient_id=pl.col("party_id").min())
    )
    accounts = frame.group_by("account_id").agg(pl.col("currency").first())
    labels = band_labels(tuple(edges))
    out = (
        accounts.join(per_account, on="account_id", how="left")
        .join(patients, on="account_id", how="left")
        .join(_aging(lines, as_of, tuple(edges)), on="account_id", how="left")
        .with_columns(
            pl.col(
                "amount_due",
                "insurance_pending",
                "pending_patient_share",
                "credit_available",
                *labels,
            )
            .fill_null(0)
            .cast(pl.Int64)
        )
    )
    credit = pl.max_horizontal(pl.col("credit_available"), pl.lit(0))
    pay_now = pl.max_horizontal(pl.col("amount_due") - credit, pl.lit(0))
    return out.with_columns(pay_now=pay_now).select(*CANDIDATE_COLUMNS, *labels)
