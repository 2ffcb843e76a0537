"""The aging report: open A/R per band, by party, by account and overall; credits apart.

Made by [`age`][billing_core.aging.age]; read it as rows of bands
([`AgingRow`][billing_core.aging.AgingRow], a band by position or by
label), as text, as records for ``pandas``, or as an HTML table in a notebook.

Examples:
    >>> from datetime import date
    >>> from billing_core.aging import age
    >>> report = age([], date(2025, 1, 1), currency="USD")
    >>> report.labels, report.total.band("0-30")
    (('0-30', '31-60', '61-90', '91-120', 'over 120'), Money('0.00', 'USD'))
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Final, Literal

import attrs

from billing_core.aging._bands import AgingRow, band_labels
from billing_core.aging._items import AgingAnchor, CreditLine, OpenLine
from billing_core.aging._sums import group_sums, make_rows, party_order
from billing_core.errors import Finding, ValidationError
from billing_core.money import Money, currency_exponent, format_money
from billing_core.money import total as money_total
from billing_core.views import Record, html_table, mask_identifier

__all__ = ["AgingReport"]

_HTML_ACCOUNTS: Final = 20
"""Above this many accounts, the HTML view points to the records instead of a table."""

_ANCHOR_WORDS: Final = {
    AgingAnchor.SERVICE_DATE: "service date",
    AgingAnchor.FIRST_BILLED: "first billed",
    AgingAnchor.LAST_ACTIVITY: "last activity",
    AgingAnchor.DUE_DATE: "due date",
    AgingAnchor.RESPONSIBILITY: "responsibility date (re-aged)",
}


def _money_text(m: Money) -> str:
    return str(m.amount)


@attrs.frozen(kw_only=True)
class AgingReport:
    """Open A/R by age band, per party, per account and overall; credits apart.

    Build it with [`age`][billing_core.aging.age]. The per-account rows
    ([`rows`][billing_core.aging.AgingReport.rows],
    [`accounts`][billing_core.aging.AgingReport.accounts]) are built
    from integer sums the first time they are asked for, so a report over a
    million lines stays cheap until then. Every row has the report's
    [`labels`][billing_core.aging.AgingReport.labels], so a band can be
    read by its label: ``report.total.band("31-60")``.

    Attributes:
        as_of: The report date.
        anchor: What ages are counted from.
        edges: The band edges in days.
        currency: The currency of every amount.
        parties: One row per party (summed over accounts): payers, then the patient.
        total: The overall row.
        credits: Credits, never netted into a band.

    Examples:
        >>> from billing_core.aging import age
        >>> from billing_core.ledger import Bucket
        >>> lines = [OpenLine(account_id="A1", line_id="L1", bucket=Bucket.PATIENT,
        ...                   open=Money("-5.00", "USD"), service_date=date(2025, 1, 2))]
        >>> r = age(lines, date(2025, 3, 31))
        >>> r.total.total, r.credit_total, r.total.band("over 120")
        (Money('0.00', 'USD'), Money('5.00', 'USD'), Money('0.00', 'USD'))
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
        sums = group_sums(self._lines, self.as_of, self.anchor, self.edges, by_party)
        if by_party:
            keys = sorted(sums, key=lambda k: (k[0], party_order(k[1])))
            found = [(a, p, sums[(a, p)]) for a, p in keys]
        else:
            found = [(a, None, sums[a]) for a in sorted(sums)]
        self._cache[level] = found
        return found

    @property
    def rows(self) -> tuple[AgingRow, ...]:
        """One row per account and party, by account then party (built on first use).

        Examples:
            >>> from billing_core.aging import age
            >>> age([], date(2025, 1, 1), currency="USD").rows
            ()
        """
        return self._level_rows("detail")

    @property
    def accounts(self) -> tuple[AgingRow, ...]:
        """One row per account, summed over parties, by account id (built on first use).

        Examples:
            >>> from billing_core.aging import age
            >>> age([], date(2025, 1, 1), currency="USD").accounts
            ()
        """
        return self._level_rows("account")

    def _level_rows(self, level: str) -> tuple[AgingRow, ...]:
        key = f"{level} rows"
        found: tuple[AgingRow, ...] | None = self._cache.get(key)
        if found is None:
            found = self._cache[key] = make_rows(self._sums(level), self.labels, self.currency)
        return found

    @property
    def labels(self) -> tuple[str, ...]:
        """The band labels, youngest first.

        Examples:
            >>> from billing_core.aging import age
            >>> age([], date(2025, 1, 1), currency="USD").labels[-1]
            'over 120'
        """
        return band_labels(self.edges)

    @property
    def credit_total(self) -> Money:
        """The sum of the credits (a positive amount).

        Examples:
            >>> from billing_core.aging import age
            >>> age([], date(2025, 1, 1), currency="USD").credit_total
            Money('0.00', 'USD')
        """
        return money_total([c.amount for c in self.credits], self.currency)

    def party(self, party: str) -> AgingRow:
        """The row of one party (all zero if it owes nothing).

        Examples:
            >>> from billing_core.aging import age
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
            >>> from billing_core.aging import age
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
            labels=self.labels,
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
            >>> from billing_core.aging import age
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
            >>> from billing_core.aging import age
            >>> from billing_core.ledger import Bucket
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
