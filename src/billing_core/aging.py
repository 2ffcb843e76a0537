"""A/R aging: open amounts by how long they have been owed, by party and account.

[`age`][] puts every open amount into an aging **band** by its age in days,
and totals the bands per responsible party (each payer, the patient), per
account and overall. It takes plain [`OpenLine`][] rows (one per line item
and ledger bucket with money open), or ledger entries, from which
[`open_lines`][] derives them with [`line_balances`][billing_core.balances.line_balances].

**The day rule.** ``days = (as_of - anchor).days``, whole calendar days. With
the default edges ``(30, 60, 90, 120)`` the bands are ``0-30`` (``days <= 30``),
``31-60``, ``61-90``, ``91-120`` and ``over 120`` (``days > 120``); in general
band *i* holds ``edges[i-1] < days <= edges[i]``. An anchor after ``as_of``
(not due yet: negative days) counts in the first band. Aging by calendar
months would disagree at month ends (31 March is 30 days after 1 March but
"one month" after 28 February); this module always counts days. The cut-off
dates are computed once per report, not per line.

**Anchors** ([`AgingAnchor`][]): the date of service; the first bill or
claim date; the last activity on the line; the due date; or the date
responsibility moved to the current party (the **re-aged** view: an amount
moved from the payer to the patient starts again at 0 days; the service date
gives the **not re-aged** view). A line with no date for the chosen anchor
(not billed yet, no due date) is aged from its service date.

**Credits** (a negative open amount on a line, or a party's unapplied money)
are never netted into a band: they are listed apart in
`AgingReport.credits`. The invariant, property-tested: for every party,
every account and overall, the bands add up to the total open balance.

Examples:
    >>> from datetime import date
    >>> from billing_core.aging import OpenLine, age
    >>> from billing_core.ledger import Bucket
    >>> from billing_core.money import Money
    >>> lines = [
    ...     OpenLine(account_id="A1", line_id="L1", bucket=Bucket.PRIMARY,
    ...              open=Money("100.00", "USD"), service_date=date(2025, 1, 2)),
    ...     OpenLine(account_id="A1", line_id="L2", bucket=Bucket.PATIENT,
    ...              open=Money("25.00", "USD"), service_date=date(2025, 3, 1)),
    ... ]
    >>> report = age(lines, date(2025, 3, 31))
    >>> print(report)
    A/R aging as of 2025-03-31 (USD), days since service date
    party      0-30  31-60   61-90  91-120  over 120   total
    primary    0.00   0.00  100.00    0.00      0.00  100.00
    patient   25.00   0.00    0.00    0.00      0.00   25.00
    total     25.00   0.00  100.00    0.00      0.00  125.00
    >>> report.over(60)
    Money('100.00', 'USD')
"""

from __future__ import annotations

import enum
import html
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any, Final, Literal

import attrs

from billing_core._checks import is_plain_date
from billing_core.balances import LineBalance, line_balances
from billing_core.balances import credits as party_credits
from billing_core.errors import CurrencyMismatchError, Finding, InvalidAmountError, ValidationError
from billing_core.ledger import (
    Adjustment,
    Bucket,
    ChargePosted,
    Entry,
    LedgerEntry,
    Party,
    PartyKind,
    Reversal,
    Transfer,
)
from billing_core.money import Money, currency_exponent, format_money
from billing_core.money import total as money_total
from billing_core.views import Record, html_table, mask_identifier

__all__ = [
    "DEFAULT_EDGES",
    "AgingAnchor",
    "AgingReport",
    "AgingRow",
    "CreditLine",
    "OpenLine",
    "age",
    "band_labels",
    "check_edges",
    "open_lines",
    "unapplied_credits",
]

_HTML_ACCOUNTS: Final = 20
DEFAULT_EDGES: Final = (30, 60, 90, 120)
"""The default band edges: 0-30, 31-60, 61-90, 91-120, over 120 days."""


class AgingAnchor(enum.Enum):
    """The date an open amount's age is counted from.

    Examples:
        >>> AgingAnchor.RESPONSIBILITY.value  # the OpenLine field it reads
        'responsible_since'
    """

    SERVICE_DATE = "service_date"
    """The date of service (the not re-aged view)."""
    FIRST_BILLED = "billed_on"
    """The first bill or claim date."""
    LAST_ACTIVITY = "last_activity"
    """The latest entry on the line (payment, adjustment, transfer, ...)."""
    DUE_DATE = "due_on"
    """The due date (e.g. of the patient statement)."""
    RESPONSIBILITY = "responsible_since"
    """When the amount moved to the party that owes it now (the re-aged view)."""


_ANCHOR_WORDS: Final = {
    AgingAnchor.SERVICE_DATE: "service date",
    AgingAnchor.FIRST_BILLED: "first billed",
    AgingAnchor.LAST_ACTIVITY: "last activity",
    AgingAnchor.DUE_DATE: "due date",
    AgingAnchor.RESPONSIBILITY: "responsibility date (re-aged)",
}


def _optional_date(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """An attrs validator: ``None`` or a plain date (also used by the statements module)."""
    if value is not None and not is_plain_date(value):
        raise TypeError(
            f"{type(instance).__name__}.{attribute.name} must be a datetime.date or None,"
            f" got {value!r}"
        )


def _party_default(instance: OpenLine) -> str:
    return str(instance.bucket)


@attrs.frozen(kw_only=True)
class OpenLine:
    """One open amount: a line item's money in one ledger bucket, with its dates.

    Attributes:
        account_id: The account.
        line_id: The line item.
        bucket: The ledger bucket the money is in.
        open: The open amount (negative: a credit, reported apart).
        service_date: The date of service (the fallback anchor).
        party: Who owes it, for grouping: a payer's id, or ``"patient"``;
            defaults to the bucket's name (``"primary"``, ..., ``"patient"``).
        billed_on: The first bill or claim date, if billed.
        due_on: The due date, if any.
        last_activity: The date of the latest entry on the line.
        responsible_since: When the money moved to this bucket.

    Examples:
        >>> line = OpenLine(account_id="A1", line_id="L1", bucket=Bucket.PATIENT,
        ...                 open=Money("25.00", "USD"), service_date=date(2025, 1, 2))
        >>> line.party, line.anchor_date(AgingAnchor.DUE_DATE)
        ('patient', datetime.date(2025, 1, 2))
    """

    account_id: str = attrs.field(validator=attrs.validators.instance_of(str))
    line_id: str = attrs.field(validator=attrs.validators.instance_of(str))
    bucket: Bucket = attrs.field(validator=attrs.validators.instance_of(Bucket))
    open: Money = attrs.field(validator=attrs.validators.instance_of(Money))
    service_date: date = attrs.field(validator=_optional_date)
    party: str = attrs.field(
        default=attrs.Factory(_party_default, takes_self=True),
        validator=attrs.validators.instance_of(str),
    )
    billed_on: date | None = attrs.field(default=None, validator=_optional_date)
    due_on: date | None = attrs.field(default=None, validator=_optional_date)
    last_activity: date | None = attrs.field(default=None, validator=_optional_date)
    responsible_since: date | None = attrs.field(default=None, validator=_optional_date)

    def __attrs_post_init__(self) -> None:
        if self.service_date is None:
            raise TypeError("OpenLine.service_date must be a datetime.date, got None")

    def anchor_date(self, anchor: AgingAnchor) -> date:
        """The date this line is aged from under ``anchor`` (service date if missing).

        Examples:
            >>> OpenLine(account_id="A", line_id="L", bucket=Bucket.PRIMARY,
            ...          open=Money("1.00", "USD"), service_date=date(2025, 1, 2),
            ...          billed_on=date(2025, 1, 9)).anchor_date(AgingAnchor.FIRST_BILLED)
            datetime.date(2025, 1, 9)
        """
        found: date | None = getattr(self, anchor.value)
        return self.service_date if found is None else found


@attrs.frozen(kw_only=True)
class CreditLine:
    """A credit, reported apart from the bands: money owed back, not owed.

    Attributes:
        account_id: The account.
        party: Whose credit it is (a payer's id, or ``"patient"``).
        amount: The credit, as a positive amount.
        line_id: The line with a negative open amount, or ``None`` for unapplied money.

    Examples:
        >>> CreditLine(account_id="A1", party="patient", amount=Money("5.00", "USD")).line_id
    """

    account_id: str
    party: str
    amount: Money
    line_id: str | None = None


@attrs.frozen(kw_only=True)
class AgingRow:
    """Open amounts per band for one group (a party, an account, both, or everything).

    Attributes:
        account_id: The account, or ``None`` for a total over accounts.
        party: The party, or ``None`` for a total over parties.
        bands: One amount per band, youngest first.
        total: The sum of the bands (the open balance of the group).
        lines: How many open amounts are in the group.

    Examples:
        >>> usd = Money("1.00", "USD")
        >>> AgingRow(account_id=None, party="patient", bands=(usd, usd), total=usd + usd,
        ...          lines=2).total
        Money('2.00', 'USD')
    """

    account_id: str | None
    party: str | None
    bands: tuple[Money, ...] = attrs.field(converter=tuple[Money, ...])
    total: Money
    lines: int


# --------------------------------------------------------------------------- edges


def check_edges(edges: object) -> list[Finding]:
    """Every problem with a sequence of band edges (empty when they are valid).

    Edges are day counts: ints, not negative, strictly increasing (so no two
    bands overlap), at least one.

    Args:
        edges: The proposed edges.

    Returns:
        The findings.

    Examples:
        >>> check_edges((30, 60, 90, 120))
        []
        >>> [str(f) for f in check_edges((30, 30, -5))]
        ['buckets[2]: must not be negative, got -5',
         'buckets: must be strictly increasing (sorted, no overlaps), got (30, 30, -5)']
    """
    if isinstance(edges, str | bytes) or not isinstance(edges, Sequence):
        return [
            Finding(
                location="buckets",
                message=f"must be a sequence of day counts, got {edges!r}",
                rule="aging.edges",
            )
        ]
    findings: list[Finding] = []
    if not edges:
        findings.append(
            Finding(location="buckets", message="needs at least one edge", rule="aging.edges")
        )
    numbers = True
    for index, edge in enumerate(edges):
        if type(edge) is not int:
            numbers = False
            findings.append(
                Finding(
                    location=f"buckets[{index}]",
                    message=f"must be an int number of days, got {edge!r}",
                    rule="aging.edges",
                )
            )
        elif edge < 0:
            findings.append(
                Finding(
                    location=f"buckets[{index}]",
                    message=f"must not be negative, got {edge}",
                    rule="aging.edges",
                )
            )
    if numbers and any(a >= b for a, b in pairwise(edges)):
        findings.append(
            Finding(
                location="buckets",
                message=f"must be strictly increasing (sorted, no overlaps), got {tuple(edges)!r}",
                rule="aging.edges",
            )
        )
    return findings


def band_labels(edges: Sequence[int]) -> tuple[str, ...]:
    """The labels of the bands defined by ``edges``.

    Args:
        edges: Valid edges (see [`check_edges`][]).

    Returns:
        One label per band: ``len(edges) + 1`` of them.

    Examples:
        >>> band_labels((30, 60, 90, 120))
        ('0-30', '31-60', '61-90', '91-120', 'over 120')
        >>> band_labels((0, 45))
        ('0', '1-45', 'over 45')
    """
    labels = []
    low = 0
    for edge in edges:
        labels.append(str(edge) if low == edge else f"{low}-{edge}")
        low = edge + 1
    labels.append(f"over {edges[-1]}")
    return tuple(labels)


# --------------------------------------------------------------------------- report


def _money_text(m: Money) -> str:
    return str(m.amount)


@attrs.frozen(kw_only=True)
class AgingReport:
    """Open A/R by age band, per party, per account and overall; credits apart.

    Build it with [`age`][]. The per-account rows ([`rows`][],
    [`accounts`][]) are built from integer sums the first time they are
    asked for, so a report over a million lines stays cheap until then.

    Attributes:
        as_of: The report date.
        anchor: What ages are counted from.
        edges: The band edges in days.
        currency: The currency of every amount.
        parties: One row per party (summed over accounts): payers, then the patient.
        total: The overall row.
        credits: Credits, never netted into a band.

    Examples:
        >>> lines = [OpenLine(account_id="A1", line_id="L1", bucket=Bucket.PATIENT,
        ...                   open=Money("-5.00", "USD"), service_date=date(2025, 1, 2))]
        >>> r = age(lines, date(2025, 3, 31))
        >>> r.total.total, r.credit_total
        (Money('0.00', 'USD'), Money('5.00', 'USD'))
    """

    as_of: date
    anchor: AgingAnchor
    edges: tuple[int, ...]
    currency: str
    parties: tuple[AgingRow, ...]
    total: AgingRow
    credits: tuple[CreditLine, ...]
    # The open lines aged (checked); per-account rows are computed from them on first use.
    _lines: tuple[OpenLine, ...] = attrs.field(repr=False, hash=False)
    _cache: dict[str, Any] = attrs.field(init=False, factory=dict, repr=False, eq=False, hash=False)

    def _sums(self, level: str) -> list[tuple[str | None, str | None, Sequence[int]]]:
        """(account, party, minor units per band + line count) per row of a level, in order."""
        found: list[tuple[str | None, str | None, Sequence[int]]] | None = self._cache.get(level)
        if found is not None:
            return found
        by_party = level == "detail"
        sums = _group_sums(self._lines, self.as_of, self.anchor, self.edges, by_party)
        if by_party:
            keys = sorted(sums, key=lambda k: (k[0], _party_order(k[1])))
            found = [(a, p, sums[(a, p)]) for a, p in keys]
        else:
            found = [(a, None, sums[a]) for a in sorted(sums)]
        self._cache[level] = found
        return found

    @property
    def rows(self) -> tuple[AgingRow, ...]:
        """One row per account and party, by account then party (built on first use).

        Examples:
            >>> age([], date(2025, 1, 1), currency="USD").rows
            ()
        """
        return self._level_rows("detail")

    @property
    def accounts(self) -> tuple[AgingRow, ...]:
        """One row per account, summed over parties, by account id (built on first use).

        Examples:
            >>> age([], date(2025, 1, 1), currency="USD").accounts
            ()
        """
        return self._level_rows("account")

    def _level_rows(self, level: str) -> tuple[AgingRow, ...]:
        key = f"{level} rows"
        found: tuple[AgingRow, ...] | None = self._cache.get(key)
        if found is None:
            found = self._cache[key] = _rows(self._sums(level), len(self.edges) + 1, self.currency)
        return found

    @property
    def labels(self) -> tuple[str, ...]:
        """The band labels, youngest first.

        Examples:
            >>> age([], date(2025, 1, 1), currency="USD").labels[-1]
            'over 120'
        """
        return band_labels(self.edges)

    @property
    def credit_total(self) -> Money:
        """The sum of the credits (a positive amount).

        Examples:
            >>> age([], date(2025, 1, 1), currency="USD").credit_total
            Money('0.00', 'USD')
        """
        return money_total([c.amount for c in self.credits], self.currency)

    def party(self, party: str) -> AgingRow:
        """The row of one party (all zero if it owes nothing).

        Examples:
            >>> age([], date(2025, 1, 1), currency="USD").party("patient").total
            Money('0.00', 'USD')
        """
        for row in self.parties:
            if row.party == party:
                return row
        return self._empty(None, party)

    def account(self, account_id: str) -> AgingRow:
        """The row of one account (all zero if it owes nothing).

        Examples:
            >>> age([], date(2025, 1, 1), currency="USD").account("A1").lines
            0
        """
        for row in self.accounts:
            if row.account_id == account_id:
                return row
        return self._empty(account_id, None)

    def _empty(self, account_id: str | None, party: str | None) -> AgingRow:
        zero = Money.zero(self.currency)
        return AgingRow(
            account_id=account_id,
            party=party,
            bands=(zero,) * (len(self.edges) + 1),
            total=zero,
            lines=0,
        )

    def over(self, days: int, row: AgingRow | None = None) -> Money:
        """Open amounts more than ``days`` old (``days`` must be an edge).

        Args:
            days: One of the report's edges.
            row: The row to look at; the overall total by default.

        Returns:
            The sum of the bands above that edge.

        Raises:
            ValidationError: If ``days`` is not an edge of the report.

        Examples:
            >>> age([], date(2025, 1, 1), currency="USD").over(90)
            Money('0.00', 'USD')
        """
        if days not in self.edges:
            raise ValidationError(
                [
                    Finding(
                        location="days",
                        message=f"{days!r} is not a band edge of this report {self.edges}",
                        rule="aging.over",
                    )
                ]
            )
        start = self.edges.index(days) + 1
        return money_total((row or self.total).bands[start:], self.currency)

    def to_records(
        self, level: Literal["detail", "party", "account", "total", "credits"] = "detail"
    ) -> list[Record]:
        """The report as flat rows of plain values (``pandas.DataFrame(records)`` works).

        Args:
            level: ``"detail"`` (one row per account and party), ``"party"``,
                ``"account"``, ``"total"``, or ``"credits"``.

        Returns:
            The records: ``account_id``, ``party``, one ``Decimal`` column per
            band label, ``total``, ``lines``, ``currency``; or for credits
            ``account_id``, ``party``, ``line_id``, ``credit``, ``currency``.

        Examples:
            >>> lines = [OpenLine(account_id="A1", line_id="L1", bucket=Bucket.PATIENT,
            ...                   open=Money("5.00", "USD"), service_date=date(2025, 1, 2))]
            >>> age(lines, date(2025, 1, 2)).to_records()[0]["0-30"]
            Decimal('5.00')
        """
        if level == "credits":
            return [
                {
                    "account_id": c.account_id,
                    "party": c.party,
                    "line_id": c.line_id,
                    "credit": c.amount.amount,
                    "currency": self.currency,
                }
                for c in self.credits
            ]
        if level in ("detail", "account"):
            sums = self._sums(level)
        elif level == "party":
            sums = [(None, r.party, [*(b.minor for b in r.bands), r.lines]) for r in self.parties]
        elif level == "total":
            t = self.total
            sums = [(None, None, [*(b.minor for b in t.bands), t.lines])]
        else:
            raise ValueError(
                f"level must be detail, party, account, total or credits, got {level!r}"
            )
        labels = self.labels
        nb = len(labels)
        code = self.currency
        suffix = f"e-{currency_exponent(code)}"
        records: list[Record] = []
        for account_id, party, acc in sums:
            # Decimal from text is exact and reads no context; same value as Money.amount.
            record: Record = {"account_id": account_id, "party": party}
            for label, minor in zip(labels, acc, strict=False):
                record[label] = Decimal(f"{minor}{suffix}")
            record["total"] = Decimal(f"{sum(acc[:nb])}{suffix}")
            record["lines"] = acc[nb]
            record["currency"] = code
            records.append(record)
        return records

    def __str__(self) -> str:
        head = (
            f"A/R aging as of {self.as_of.isoformat()} ({self.currency}),"
            f" days since {_ANCHOR_WORDS[self.anchor]}"
        )
        columns = ["party", *self.labels, "total"]
        body = [
            [row.party or "", *(_money_text(b) for b in row.bands), _money_text(row.total)]
            for row in self.parties
        ]
        body.append(
            ["total", *(_money_text(b) for b in self.total.bands), _money_text(self.total.total)]
        )
        widths = [max(len(r[i]) for r in [columns, *body]) for i in range(len(columns))]
        widths[0] = max(widths[0], 8)
        lines = [head]
        for r in [columns, *body]:
            cells = [r[0].ljust(widths[0])] + [
                c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)
            ]
            lines.append("  ".join(cells).rstrip())
        if self.credits:
            lines.append(
                f"credits (not in the bands): {_money_text(self.credit_total)}"
                f" in {len(self.credits)} item(s)"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        columns = ["party", *self.labels, "total"]
        right = range(1, len(columns))
        fmt = format_money
        party_rows = [
            [row.party, *(fmt(b) for b in row.bands), fmt(row.total)] for row in self.parties
        ]
        footer = ["total", *(fmt(b) for b in self.total.bands), fmt(self.total.total)]
        caption = (
            f"A/R aging as of {self.as_of.isoformat()}, days since {_ANCHOR_WORDS[self.anchor]}"
        )
        parts = [html_table(columns, party_rows, caption=caption, right=right, footer=footer)]
        # Per-account rows only for a few accounts (counted cheaply, stopping early).
        owing: set[str] = set()
        for line in self._lines:
            if line.open.minor > 0:
                owing.add(line.account_id)
                if len(owing) > _HTML_ACCOUNTS:
                    break
        if len(owing) > _HTML_ACCOUNTS:
            parts.append(
                f"<p>More than {_HTML_ACCOUNTS} accounts; see"
                " <code>to_records('account')</code>.</p>"
            )
        elif owing:
            account_rows = [
                [mask_identifier(row.account_id), *(fmt(b) for b in row.bands), fmt(row.total)]
                for row in self.accounts
            ]
            parts.append(html_table(["account", *self.labels, "total"], account_rows, right=right))
        if self.credits:
            parts.append(
                f"<p>Credits (not in the bands): {html.escape(fmt(self.credit_total))}"
                f" in {len(self.credits)} item(s).</p>"
            )
        return "\n".join(parts)


# --------------------------------------------------------------------------- aging


def _bad_as_of(as_of: object) -> None:
    if not is_plain_date(as_of):
        raise TypeError(f"as_of must be a datetime.date, got {as_of!r}")


def age(
    items: Iterable[OpenLine] | Iterable[Entry] | Mapping[str, LineBalance],
    as_of: date,
    anchor: AgingAnchor = AgingAnchor.SERVICE_DATE,
    buckets: Sequence[int] = DEFAULT_EDGES,
    *,
    currency: str | None = None,
    credits: Iterable[CreditLine] = (),
    info: Mapping[str, object] | None = None,
    payers: Mapping[str, Mapping[Bucket, str]] | None = None,
) -> AgingReport:
    """Age open amounts as of a date (see the module documentation for the rules).

    Args:
        items: [`OpenLine`][] rows; or ledger entries (then
            [`open_lines`][] and [`unapplied_credits`][] derive the rows,
            counting only entries effective on or before ``as_of``); or the
            result of [`line_balances`][billing_core.balances.line_balances] (then
            ``info`` must give each line's ``service_date``, and every anchor
            falls back to it, since balances carry no dates).
        as_of: The report date.
        anchor: What ages are counted from.
        buckets: The band edges in days (see [`check_edges`][]).
        currency: The currency; needed only when there is nothing to age.
        credits: Credits to list apart (besides negative open lines).
        info: For entries or balances: per line id, an object with ``service_date``,
            ``billed_on`` and ``due_on`` attributes (a
            [`LineItem`][billing_core.charges.LineItem] works); see [`open_lines`][].
        payers: For entries or balances: per account id, the payer id of each
            coverage bucket.

    Returns:
        The report.

    Raises:
        ValidationError: If the edges are invalid, or a line balance has no
            service date in ``info``.
        CurrencyMismatchError: If amounts are in several currencies.
        InvalidAmountError: If there is nothing to age and no ``currency``.

    Examples:
        >>> from billing_core.ledger import ChargePosted, Transfer
        >>> history = [
        ...     ChargePosted(id="c1", account_id="A1", line_id="L1", effective=date(2025, 1, 2),
        ...                  amount=Money("80.00", "USD"), bucket=Bucket.PRIMARY),
        ...     Transfer(id="t1", account_id="A1", line_id="L1", effective=date(2025, 3, 10),
        ...              amount=Money("80.00", "USD"), from_bucket=Bucket.PRIMARY,
        ...              to_bucket=Bucket.PATIENT),
        ... ]
        >>> not_reaged = age(history, date(2025, 3, 31))
        >>> reaged = age(history, date(2025, 3, 31), AgingAnchor.RESPONSIBILITY)
        >>> not_reaged.labels[not_reaged.total.bands.index(Money("80.00", "USD"))]
        '61-90'
        >>> reaged.labels[reaged.total.bands.index(Money("80.00", "USD"))]
        '0-30'
        >>> age([], date(2025, 1, 1), buckets=(60, 30), currency="USD")
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: buckets: must be strictly increasing ...
    """
    findings = check_edges(buckets)
    if findings:
        raise ValidationError(findings)
    if not isinstance(anchor, AgingAnchor):
        raise TypeError(f"anchor must be an AgingAnchor, got {anchor!r}")
    _bad_as_of(as_of)
    edges = tuple(buckets)
    extra = list(credits)
    if isinstance(items, Mapping):
        rows_from_balances = _from_balances(items, info, payers)
        return _age(rows_from_balances, as_of, anchor, edges, currency, extra)
    # A private copy: the report computes per-account rows from it later.
    rows: tuple[object, ...] = items if isinstance(items, tuple) else tuple(items)
    if rows and isinstance(rows[0], LedgerEntry):
        entries: tuple[Entry, ...] = rows  # type: ignore[assignment]
        if currency is None:  # so that an as_of before all activity gives an empty report
            currency = entries[0].amount.currency
        extra.extend(unapplied_credits(entries, as_of))
        rows = open_lines(entries, as_of, info=info, payers=payers)
    return _age(rows, as_of, anchor, edges, currency, extra)  # type: ignore[arg-type]


def _from_balances(
    balances: Mapping[str, LineBalance],
    info: Mapping[str, object] | None,
    payers: Mapping[str, Mapping[Bucket, str]] | None,
) -> tuple[OpenLine, ...]:
    rows: list[OpenLine] = []
    missing: list[Finding] = []
    for line_id in sorted(balances):
        lb = balances[line_id]
        if not isinstance(lb, LineBalance):
            raise TypeError(
                f"age() of a mapping takes line_balances() results; {line_id!r} is"
                f" {type(lb).__name__}"
            )
        extra = info.get(line_id) if info is not None else None
        service = getattr(extra, "service_date", None)
        if not is_plain_date(service):
            missing.append(
                Finding(
                    location=f"info[{line_id!r}].service_date",
                    message="balances carry no dates: give each line's service_date in info",
                    rule="aging.service_date",
                )
            )
            continue
        rows.extend(_line_rows(line_id, lb, service, extra, payers))
    if missing:
        raise ValidationError(missing)
    return tuple(rows)


def _cuts(as_of: date, edges: tuple[int, ...]) -> list[date]:
    """Cut-off dates, ascending, computed once per report.

    An anchor on or after ``as_of - edge`` is at most ``edge`` days old, so an
    anchor's band is the number of cut-offs strictly after it.
    """
    return [as_of - timedelta(days=e) for e in reversed(edges)]


class _Bands(dict[date, int]):
    """Band index per anchor date for one report, computed on the first lookup of a date.

    A band is the count of cut-offs (see ``_cuts``) strictly after the date,
    counted from the oldest band. Lookups of a known date stay a plain dict
    lookup; that keeps the aging loop cheap.
    """

    __slots__ = ("_cuts", "_last")

    def __init__(self, as_of: date, edges: tuple[int, ...]) -> None:
        super().__init__()
        self._cuts = _cuts(as_of, edges)
        self._last = len(edges)

    def __missing__(self, day: date) -> int:
        band = self[day] = self._last - bisect_right(self._cuts, day)
        return band


def _age(
    lines: tuple[OpenLine, ...],
    as_of: date,
    anchor: AgingAnchor,
    edges: tuple[int, ...],
    currency: str | None,
    credits: list[CreditLine],
) -> AgingReport:
    code = _currency_code(lines, credits, currency)
    nb = len(edges) + 1
    bands = _Bands(as_of, edges)
    name = anchor.value
    sums: dict[str, list[int]] = {}
    credit_rows: list[CreditLine] = []
    # The hot loop: one pass over the lines, ints only, a handful of keys (the parties).
    # Per-account sums are computed from the same lines when first asked for.
    try:
        for line in lines:
            money = line.open
            m = money.minor
            if money.currency is not code and money.currency != code:
                raise CurrencyMismatchError(
                    f"line {line.line_id} of account {line.account_id} is in {money.currency},"
                    f" the report is in {code}"
                )
            if m <= 0:
                if m < 0:
                    credit_rows.append(
                        CreditLine(
                            account_id=line.account_id,
                            party=line.party,
                            amount=-money,
                            line_id=line.line_id,
                        )
                    )
                continue
            acc = sums.get(line.party)
            if acc is None:
                acc = sums[line.party] = [0] * (nb + 1)
            # The anchor date, or the service date when the line has none (dates are truthy).
            acc[bands[getattr(line, name) or line.service_date]] += m
            acc[nb] += 1
    except AttributeError:
        for index, line in enumerate(lines):
            if not isinstance(line, OpenLine):
                raise TypeError(
                    f"age() takes OpenLine rows or ledger entries, not a mix;"
                    f" item {index} is {type(line).__name__}"
                ) from None
        raise
    return _report(as_of, anchor, edges, code, sums, lines, credits + credit_rows)


def _group_sums(
    lines: Iterable[OpenLine],
    as_of: date,
    anchor: AgingAnchor,
    edges: tuple[int, ...],
    by_party: bool,
) -> dict[Any, list[int]]:
    """Per account (and party): minor units per band, then the line count.

    The lines were checked by [`_age`][]. With many accounts this loop is
    bound by memory access to the per-account sums, which is why it runs only
    when per-account rows are asked for.
    """
    nb = len(edges) + 1
    bands = _Bands(as_of, edges)
    name = anchor.value
    sums: dict[Any, list[int]] = {}
    for line in lines:
        m = line.open.minor
        if m <= 0:
            continue
        key = (line.account_id, line.party) if by_party else line.account_id
        acc = sums.get(key)
        if acc is None:
            acc = sums[key] = [0] * (nb + 1)
        acc[bands[getattr(line, name) or line.service_date]] += m
        acc[nb] += 1
    return sums


def _rows(
    sums: Iterable[tuple[str | None, str | None, Sequence[int]]], nb: int, code: str
) -> tuple[AgingRow, ...]:
    """Rows from (account, party, minor units per band + line count).

    Equal amounts share one ``Money`` (it is immutable): most bands of most
    accounts are zero, and building a million ``Money`` objects costs more
    than summing the lines.
    """
    made: dict[int, Money] = {}

    def money(minor: int) -> Money:
        found = made.get(minor)
        if found is None:
            found = made[minor] = Money.from_minor(minor, code)
        return found

    return tuple(
        AgingRow(
            account_id=account_id,
            party=party,
            bands=tuple(money(v) for v in acc[:nb]),
            total=money(sum(acc[:nb])),
            lines=acc[nb],
        )
        for account_id, party, acc in sums
    )


def _currency_code(
    lines: tuple[OpenLine, ...], credits: list[CreditLine], currency: str | None
) -> str:
    if currency is not None:
        return Money.zero(currency).currency
    if lines:
        first = lines[0]
        if not isinstance(first, OpenLine):
            raise TypeError(
                f"age() takes OpenLine rows or ledger entries, got {type(first).__name__}"
            )
        return first.open.currency
    if credits:
        return credits[0].amount.currency
    raise InvalidAmountError("age() of nothing needs a currency: age([], as_of, currency='USD')")


_PARTY_ORDER: Final = {"primary": 0, "secondary": 1, "tertiary": 2, "patient": 9}


def _party_order(party: str) -> tuple[int, str]:
    return (_PARTY_ORDER.get(party, 5), party)


def _report(
    as_of: date,
    anchor: AgingAnchor,
    edges: tuple[int, ...],
    code: str,
    sums: dict[str, list[int]],
    lines: tuple[OpenLine, ...],
    credits: list[CreditLine],
) -> AgingReport:
    for credit in credits:
        if credit.amount.currency != code:
            raise CurrencyMismatchError(
                f"credit of account {credit.account_id} is in {credit.amount.currency},"
                f" the report is in {code}"
            )
    nb = len(edges) + 1
    overall = [sum(col) for col in zip([0] * (nb + 1), *sums.values(), strict=True)]
    party_rows = _rows(
        [(None, p, sums[p]) for p in sorted(sums, key=_party_order)] + [(None, None, overall)],
        nb,
        code,
    )

    return AgingReport(
        as_of=as_of,
        anchor=anchor,
        edges=edges,
        currency=code,
        parties=party_rows[:-1],
        total=party_rows[-1],
        lines=lines,
        credits=tuple(
            sorted(
                credits,
                key=lambda c: (c.account_id, _party_order(c.party), c.line_id or ""),
            )
        ),
    )


# --------------------------------------------------------------------------- from entries


def _party_label(
    account_id: str, bucket: Bucket, payers: Mapping[str, Mapping[Bucket, str]] | None
) -> str:
    if bucket is Bucket.PATIENT:
        return "patient"
    if payers is not None:
        found = payers.get(account_id, {}).get(bucket)
        if found is not None:
            return found
    return str(bucket)


def _line_rows(
    line_id: str,
    lb: LineBalance,
    service: date,
    extra: object,
    payers: Mapping[str, Mapping[Bucket, str]] | None,
    *,
    last_activity: date | None = None,
    inflow: Mapping[tuple[str, Bucket], date] | None = None,
) -> list[OpenLine]:
    """One [`OpenLine`][] per bucket with money open on a line.

    ``extra`` (an ``info`` value) gives ``billed_on`` and ``due_on``; ``inflow``
    the date money last moved into each bucket (``responsible_since``, else the
    service date). Without ``inflow`` (balances carry no dates) it is left unset.
    """
    account_id = lb.account_id
    billed_on = getattr(extra, "billed_on", None)
    due_on = getattr(extra, "due_on", None)
    return [
        OpenLine(
            account_id=account_id,
            line_id=line_id,
            bucket=bucket,
            party=_party_label(account_id, bucket, payers),
            open=amount,
            service_date=service,
            billed_on=billed_on,
            due_on=due_on,
            last_activity=last_activity,
            responsible_since=None if inflow is None else inflow.get((line_id, bucket), service),
        )
        for bucket, amount in lb.open.items()
    ]


def open_lines(
    entries: Iterable[Entry],
    as_of: date,
    *,
    info: Mapping[str, object] | None = None,
    payers: Mapping[str, Mapping[Bucket, str]] | None = None,
) -> tuple[OpenLine, ...]:
    """Derive [`OpenLine`][] rows from ledger entries, as of a date.

    Open amounts come from [`line_balances`][billing_core.balances.line_balances] (only
    entries effective on or before ``as_of``); one row per line and bucket with
    a non-zero amount. Dates:

    - ``service_date``: ``info[line_id].service_date``, else the charge's date;
    - ``billed_on`` and ``due_on``: from ``info[line_id]`` if it has them;
    - ``last_activity``: the latest entry on the line;
    - ``responsible_since``: the latest date money moved into the bucket (its
      charge, a transfer, a PR/OA adjustment moved to it), not counting moves
      that were reversed by ``as_of``.

    Args:
        entries: A history (one account or several).
        as_of: Only entries effective on or before it count.
        info: Per line id, any object with some of ``service_date``,
            ``billed_on``, ``due_on`` (e.g. the document's line item).
        payers: Per account id, the payer id of each coverage bucket, used as
            the row's ``party``; without it a coverage row's party is its
            bucket name.

    Returns:
        The rows, by account, line and bucket.

    Examples:
        >>> from billing_core.ledger import ChargePosted
        >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1", effective=date(2025, 1, 3),
        ...                  amount=Money("80.00", "USD"), bucket=Bucket.PRIMARY)
        >>> [(r.party, r.open, r.responsible_since) for r in
        ...  open_lines([c], date(2025, 2, 1), payers={"A1": {Bucket.PRIMARY: "AETNA"}})]
        [('AETNA', Money('80.00', 'USD'), datetime.date(2025, 1, 3))]
    """
    _bad_as_of(as_of)
    history = [e for e in entries if e.effective <= as_of]
    return _open_lines(history, line_balances(history, as_of), info=info, payers=payers)


def _open_lines(
    history: Sequence[Entry],
    balances: Mapping[str, LineBalance],
    *,
    info: Mapping[str, object] | None,
    payers: Mapping[str, Mapping[Bucket, str]] | None,
) -> tuple[OpenLine, ...]:
    """[`open_lines`][] from a history already cut at ``as_of`` and its line balances.

    For callers that fold the history themselves (the statements module), so it
    is folded once.
    """
    reversed_ids = {e.reverses for e in history if isinstance(e, Reversal)}
    charged: dict[str, date] = {}
    last: dict[str, date] = {}
    inflow: dict[tuple[str, Bucket], date] = {}
    for e in history:
        line = e.line_id
        if line is None:
            continue
        day = e.effective
        if last.get(line, day) <= day:
            last[line] = day
        if e.id in reversed_ids or isinstance(e, Reversal):
            continue
        target: Bucket | None = None
        if isinstance(e, ChargePosted):
            target = e.bucket
            if charged.get(line, day) >= day:
                charged[line] = day
        elif isinstance(e, Transfer | Adjustment):
            target = e.to_bucket
        if target is not None:
            key = (line, target)
            if inflow.get(key, day) <= day:
                inflow[key] = day
    out: list[OpenLine] = []
    for line_id in sorted(balances, key=lambda k: (balances[k].account_id, k)):
        lb = balances[line_id]
        extra = info.get(line_id) if info is not None else None
        service = getattr(extra, "service_date", None) or charged.get(line_id)
        if service is None:  # a line charged only by a reversed charge
            service = last[line_id]
        out.extend(
            _line_rows(
                line_id, lb, service, extra, payers, last_activity=last.get(line_id), inflow=inflow
            )
        )
    return tuple(out)


def _credit_party(party: Party) -> str:
    return "patient" if party.kind is PartyKind.PATIENT else party.id


def unapplied_credits(entries: Iterable[Entry], as_of: date) -> tuple[CreditLine, ...]:
    """Each party's unapplied money (received, not applied or refunded), as credits.

    Uses [`credits`][billing_core.balances.credits] per account. A payer's credit is
    labelled with the payer's id, the patient's with ``"patient"``.

    Args:
        entries: A history (one account or several).
        as_of: Only entries effective on or before it count.

    Returns:
        The credits with a positive available amount, by account and party.

    Examples:
        >>> from billing_core.ledger import PaymentReceived
        >>> p = PaymentReceived(id="p1", account_id="A1", effective=date(2025, 1, 3),
        ...                     amount=Money("20.00", "USD"), party=Party.patient("P1"))
        >>> unapplied_credits([p], date(2025, 1, 3))
        (CreditLine(account_id='A1', party='patient', amount=Money('20.00', 'USD'), line_id=None),)
    """
    _bad_as_of(as_of)
    by_account: dict[str, list[Entry]] = {}
    for e in entries:
        if e.effective <= as_of:
            by_account.setdefault(e.account_id, []).append(e)
    out: list[CreditLine] = []
    for account_id in sorted(by_account):
        for party, credit in party_credits(by_account[account_id], as_of).items():
            available = credit.available
            if available.minor > 0:
                out.append(
                    CreditLine(account_id=account_id, party=_credit_party(party), amount=available)
                )
    return tuple(out)
