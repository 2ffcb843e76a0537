"""Aging kernels: open lines with their dates, and the aging report as frames (private).

The columnar twins of [`open_lines`][billing_core.aging.open_lines] and
[`age`][billing_core.aging.age], with the same rules: the day rule (band *i*
holds ``edges[i-1] < days <= edges[i]``, an anchor after ``as_of`` in the first
band), every [`AgingAnchor`][billing_core.aging.AgingAnchor] with its fallback
to the service date, the re-aged view (the date money last moved into a
bucket, reversed moves left out), credits apart. Amounts are int64 minor
units, and every frame has a ``currency`` column: a table may hold several
currencies, each aged on its own. Rows per line or per account come in no
particular order (sorting millions of rows costs more than computing them;
sort what you show); the rows per party are in the report's order (coverage
buckets in sequence, payers by id, the patient last) and the totals by currency.

Examples:
    >>> import datetime
    >>> from billing_core.ledger import Bucket, ChargePosted
    >>> from billing_core.money import Money
    >>> from billing_core.frames import to_arrow
    >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
    ...                  effective=datetime.date(2025, 1, 3), amount=Money("80.00", "USD"),
    ...                  bucket=Bucket.PATIENT)
    >>> report = age(to_arrow([c]), datetime.date(2025, 3, 31))
    >>> report.total.select("currency", "61-90", "total", "lines").rows()
    [('USD', 8000, 8000, 1)]
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any, Final

import attrs

from billing_core._checks import describe
from billing_core.aging import DEFAULT_EDGES, AgingAnchor, band_labels, validate_edges
from billing_core.errors import ValidationError
from billing_core.frames._balances import credits
from billing_core.frames._deps import pl
from billing_core.frames._documents import OPEN_LINE_SCHEMA
from billing_core.frames._folds import as_of_frame, effect_terms, refuse_uncharged, sum_terms
from billing_core.ledger import Bucket
from billing_core.ledger._effects import check_as_of

__all__ = ["AgingFrames", "age", "open_lines"]

_PARTY_RANK: Final = {"primary": 0, "secondary": 1, "tertiary": 2, "patient": 9}
"""Rows by party: coverage buckets in sequence, payers by id, the patient last (as ``age``)."""

OPEN_COLUMNS: Final = tuple(OPEN_LINE_SCHEMA.names)
"""The columns of ``open_lines``: the fields of ``OpenLine`` (see ``frames._documents``)."""


def _table(data: Any) -> Any:
    from billing_core.frames._check import _as_arrow

    return data if isinstance(data, pl.DataFrame) else pl.from_arrow(_as_arrow(data))


def _info_frame(info: Any) -> Any:
    """Per line: service_date, billed_on, due_on (each optional) from a table."""
    frame = _table(info)
    cols = [pl.col("line_id").cast(pl.String)]
    for name in ("service_date", "billed_on", "due_on"):
        value = pl.col(name) if name in frame.columns else pl.lit(None, pl.Date)
        cols.append(value.cast(pl.Date).alias(f"_info_{name}"))
    return frame.select(cols).unique("line_id", keep="first")


_BUCKETS: Final = tuple(b.value for b in Bucket)


def _line_dates(frame: Any) -> Any:
    """Per line: last activity, first live charge, and the last inflow into each bucket.

    One group-by over the lines. A row is live unless it is a reversal or was
    reversed (a move that was undone makes no one responsible). Money enters a
    bucket where an effect's OPEN term is positive (a charge's bucket, a move's
    target): read from the effects table, as the object rows do.
    """
    terms, _slots = effect_terms(frame, ("open",))
    into = dict(
        terms.filter(pl.col("_sign") > 0).select("_effect", "key").iter_rows()
    )  # effect -> the bucket it moves money into
    reversed_ids = frame.filter(pl.col("entry_type") == "reversal")["reverses"]
    live = (pl.col("entry_type") != "reversal") & ~pl.col("id").is_in(reversed_ids.implode())
    target = pl.col("_effect").replace_strict(into, default=None, return_dtype=pl.String)
    day = pl.col("effective")
    return (
        frame.with_columns(_live=live, _into=target)
        .group_by("line_id")
        .agg(
            (pl.col("_kind") == "charge").any().alias("_charged_any"),
            day.max().alias("last_activity"),
            day.filter(pl.col("_live") & (pl.col("_kind") == "charge")).min().alias("_charged"),
            *(
                day.filter(pl.col("_live") & (pl.col("_into") == b)).max().alias(f"_inflow_{b}")
                for b in _BUCKETS
            ),
        )
    )


def _party(payers: Any) -> tuple[Any, Any]:
    """The ``party`` expression, and the payers frame to join (or ``None``)."""
    bucket = pl.col("bucket")
    fallback = pl.when(bucket == "patient").then(pl.lit("patient")).otherwise(bucket)
    if payers is None:
        return fallback, None
    frame = _table(payers).select(
        pl.col("account_id").cast(pl.String),
        pl.col("bucket").cast(pl.String),
        pl.col("payer_id").cast(pl.String).alias("_payer"),
    )
    label = (
        pl.when(bucket == "patient")
        .then(pl.lit("patient"))
        .otherwise(pl.coalesce(pl.col("_payer"), bucket))
    )
    return label, frame.unique(["account_id", "bucket"], keep="first")


def open_lines(entries: Any, as_of: datetime.date, *, info: Any = None, payers: Any = None) -> Any:
    """The open rows of a table of entries, as of a date: one per line and bucket with money open.

    The twin of [`aging.open_lines`][billing_core.aging.open_lines]: the same
    amounts and dates (see there), as a frame whose columns are the fields of
    [`OpenLine`][billing_core.aging.OpenLine] (``open`` as ``open_minor`` and
    ``currency``).

    Args:
        entries: A table of ledger entries.
        as_of: Only entries effective on or before it count.
        info: Optional table with ``line_id`` and any of ``service_date``,
            ``billed_on``, ``due_on`` (dates).
        payers: Optional table ``account_id, bucket, payer_id``: who each
            coverage bucket's payer is (the row's ``party``).

    Returns:
        A polars frame ``account_id, line_id, bucket, open_minor, currency,
        service_date, party, billed_on, due_on, last_activity,
        responsible_since``, in no particular order (see the module).

    Examples:
        >>> from billing_core.frames import to_arrow
        >>> open_lines(to_arrow([]), datetime.date(2025, 1, 1)).columns == list(OPEN_COLUMNS)
        True
    """
    frame = as_of_frame(entries, as_of).filter(pl.col("line_id").is_not_null())
    sums = sum_terms(frame, "line_id", ("account_id",), ("open",)).filter(
        pl.col("amount_minor") != 0
    )
    dates = _line_dates(frame)
    refuse_uncharged(dates.select("line_id", _charged=pl.col("_charged_any")))
    rows = sums.rename({"key": "bucket", "amount_minor": "open_minor"}).join(
        dates, on="line_id", how="left"
    )
    inflow = pl.coalesce(
        [pl.when(pl.col("bucket") == b).then(pl.col(f"_inflow_{b}")) for b in _BUCKETS]
    )
    if info is not None:
        rows = rows.join(_info_frame(info), on="line_id", how="left")
    else:
        rows = rows.with_columns(
            [
                pl.lit(None, pl.Date).alias(f"_info_{n}")
                for n in ("service_date", "billed_on", "due_on")
            ]
        )
    party, payer_frame = _party(payers)
    if payer_frame is not None:
        rows = rows.join(payer_frame, on=["account_id", "bucket"], how="left")
    service = pl.coalesce("_info_service_date", "_charged", "last_activity")
    return (
        rows.with_columns(service_date=service)
        .with_columns(
            party=party,
            billed_on=pl.col("_info_billed_on"),
            due_on=pl.col("_info_due_on"),
            responsible_since=pl.coalesce(inflow, "service_date"),
        )
        .select(OPEN_COLUMNS)
    )


@attrs.frozen(kw_only=True)
class AgingFrames:
    """An aging report as polars frames, twin of [`AgingReport`][billing_core.aging.AgingReport].

    Every frame has a ``currency`` column and one int64 column of minor units
    per band (named by the band labels, ``"0-30"`` ... ``"over 120"``), then
    ``total`` and ``lines`` (how many open amounts). Only positive open
    amounts are in the bands; credits are apart.

    Attributes:
        as_of: The report date.
        anchor: What ages are counted from.
        edges: The band edges in days.
        labels: The band labels, youngest first.
        detail: One row per currency, account and party (``AgingReport.rows``).
        accounts: One row per currency and account (``AgingReport.accounts``).
        parties: One row per currency and party (``AgingReport.parties``).
        total: One row per currency (``AgingReport.total``).
        credits: ``currency, account_id, party, line_id, amount_minor``: negative
            open amounts (with their line) and unapplied money (no line), as
            positive amounts (``AgingReport.credits``).

    Examples:
        >>> from billing_core.frames import to_arrow
        >>> r = age(to_arrow([]), datetime.date(2025, 1, 1))
        >>> r.labels, r.total.height
        (('0-30', '31-60', '61-90', '91-120', 'over 120'), 0)
    """

    as_of: datetime.date
    anchor: AgingAnchor
    edges: tuple[int, ...]
    labels: tuple[str, ...]
    detail: Any
    accounts: Any
    parties: Any
    total: Any
    credits: Any


def _band(as_of: datetime.date, anchor: AgingAnchor, edges: Sequence[int]) -> Any:
    """The band index of a row: how many edges its age in days is past (see the module)."""
    days = (pl.lit(as_of) - pl.coalesce(anchor.value, "service_date")).dt.total_days()
    return pl.sum_horizontal([(days > edge).cast(pl.Int32) for edge in edges])


def _rows(lines: Any, by: list[str], labels: tuple[str, ...]) -> Any:
    amount = pl.col("open_minor")
    aggs = [
        amount.filter(pl.col("_band") == n).sum().alias(label) for n, label in enumerate(labels)
    ]
    return lines.group_by(["currency", *by]).agg(
        *aggs, amount.sum().alias("total"), pl.len().cast(pl.Int64).alias("lines")
    )


def _party_sort(frame: Any, by: list[str]) -> Any:
    rank = pl.col("party").replace_strict(_PARTY_RANK, default=5, return_dtype=pl.Int8)
    return frame.with_columns(_rank=rank).sort([*by[:-1], "_rank", "party"]).drop("_rank")


def _check_args(anchor: object, buckets: object, as_of: object) -> tuple[int, ...]:
    findings = validate_edges(buckets)
    if findings:
        raise ValidationError(findings)
    if not isinstance(anchor, AgingAnchor):
        raise TypeError(f"anchor must be an AgingAnchor, got {describe(anchor)}")
    check_as_of(as_of)
    return tuple(buckets)  # type: ignore[arg-type]  # validate_edges checked it


def _credit_frame(entries: Any, lines: Any, as_of: datetime.date) -> Any:
    negative = lines.filter(pl.col("open_minor") < 0).select(
        "currency", "account_id", "party", "line_id", (-pl.col("open_minor")).alias("amount_minor")
    )
    if entries is None:
        return negative
    label = pl.when(pl.col("party_kind") == "patient").then(pl.lit("patient"))
    unapplied = (
        credits(entries, as_of)
        .filter(pl.col("available") > 0)
        .select(
            "currency",
            "account_id",
            label.otherwise(pl.col("party_id")).alias("party"),
            pl.lit(None, pl.String).alias("line_id"),
            pl.col("available").alias("amount_minor"),
        )
    )
    return pl.concat([negative, unapplied])


def age(
    entries: Any,
    as_of: datetime.date,
    anchor: AgingAnchor = AgingAnchor.SERVICE_DATE,
    buckets: Sequence[int] = DEFAULT_EDGES,
    *,
    info: Any = None,
    payers: Any = None,
) -> AgingFrames:
    """Age open amounts as of a date: the twin of [`aging.age`][billing_core.aging.age].

    Args:
        entries: A table of ledger entries, or a frame of open lines (the
            columns of [`open_lines`][]; then no unapplied credits are listed).
        as_of: The report date.
        anchor: What ages are counted from (every anchor of ``age``).
        buckets: The band edges in days.
        info: For entries: see [`open_lines`][].
        payers: For entries: see [`open_lines`][].

    Returns:
        The report as frames.

    Raises:
        ValidationError: If the edges are invalid, or the table is.
        TypeError: If ``anchor`` is not an ``AgingAnchor`` or ``as_of`` not a date.

    Examples:
        >>> from billing_core.frames import to_arrow
        >>> age(to_arrow([]), datetime.date(2025, 1, 1), buckets=(60, 30))
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: buckets: must be strictly increasing ...
    """
    edges = _check_args(anchor, buckets, as_of)
    is_lines = isinstance(entries, pl.DataFrame) and "open_minor" in entries.columns
    if not is_lines:
        entries = as_of_frame(entries, as_of)  # checked once, for the lines and the credits
    lines = entries if is_lines else open_lines(entries, as_of, info=info, payers=payers)
    labels = band_labels(edges)
    owed = lines.filter(pl.col("open_minor") > 0).with_columns(_band=_band(as_of, anchor, edges))
    detail = _rows(owed, ["account_id", "party"], labels)
    return AgingFrames(
        as_of=as_of,
        anchor=anchor,
        edges=edges,
        labels=labels,
        detail=detail,
        accounts=_rows(owed, ["account_id"], labels),
        parties=_party_sort(_rows(owed, ["party"], labels), ["currency", "party"]),
        total=_rows(owed, [], labels).sort("currency"),
        credits=_credit_frame(None if is_lines else entries, lines, as_of),
    )
