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
from billing_core.views import MoneyForm, Protected, Record, html_table, shown
from billing_core.views._records import check_money_form

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


_PATIENT_NOTE: Final = (
    "Patient amounts here age from the {anchor}; a patient statement ages them from the day"
    " the patient became responsible, so the same amount may sit in a younger band there"
    " (age with AgingAnchor.RESPONSIBILITY for the statement's view)."
)
"""Shown under a report whose patient row has money, unless it is already re-aged."""


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
        credits: Credits, never netted into a band; by account, then party (in the
            order of the rows), then line (unapplied money, on no line, first).

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
    # Outside eq and hash: two reports are equal by what they say, whether or not one of
    # them has built its per-account rows yet.
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
        # Only an edge is accepted: "over 45 days" in a report with edges 30 and 60 would
        # need half a band, which the sums no longer hold.
        return money_total((row or self.total).bands[start:], self.currency)

    def to_records(
        self,
        level: Literal["detail", "party", "account", "total", "credits"] = "detail",
        *,
        unmasked: bool = False,
        money: MoneyForm = "decimal",
    ) -> list[Record]:
        """The report as flat rows of plain values (``pandas.DataFrame(records)`` works).

        Args:
            level: ``"detail"`` (one row per account and party), ``"party"``,
                ``"account"``, ``"total"``, or ``"credits"``.
            unmasked: Export the account ids in full; they are masked
                otherwise (see [`views`][billing_core.views]).
            money: ``"decimal"`` (``Decimal`` amounts) or ``"minor"`` (``int``
                minor units, which pandas can plot: ``pandas.DataFrame(
                report.to_records("party", money="minor")).plot.bar(...)``).

        Returns:
            The records: ``account_id``, ``party``, one amount column per
            band label, ``total``, ``lines``, ``currency``; or for credits
            ``account_id``, ``party``, ``line_id``, ``credit``, ``currency``.

        Examples:
            >>> from billing_core.aging import age
            >>> from billing_core.ledger import Bucket
            >>> lines = [OpenLine(account_id="A1", line_id="L1", bucket=Bucket.PATIENT,
            ...                   open=Money("5.00", "USD"), service_date=date(2025, 1, 2))]
            >>> age(lines, date(2025, 1, 2)).to_records()[0]["0-30"]
            Decimal('5.00')
            >>> age(lines, date(2025, 1, 2)).to_records("party", money="minor")[0]["0-30"]
            500
        """
        check_money_form(money)
        if level == "credits":
            return [
                {
                    "account_id": shown(c.account_id, Protected.ID, unmasked=unmasked),
                    "party": c.party,
                    "line_id": c.line_id,
                    "credit": c.amount.minor if money == "minor" else c.amount.amount,
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
        return self._band_records(sums, unmasked, money)

    def _band_records(
        self,
        sums: Sequence[tuple[str | None, str | None, Sequence[int]]],
        unmasked: bool,
        money: MoneyForm,
    ) -> list[Record]:
        labels = self.labels
        nb = len(labels)
        code = self.currency
        suffix = f"e-{currency_exponent(code)}"

        def cell(minor: int) -> Decimal | int:
            # Decimal from text is exact and reads no context; same value as Money.amount.
            return minor if money == "minor" else Decimal(f"{minor}{suffix}")

        records: list[Record] = []
        for account_id, party, acc in sums:
            record: Record = {
                "account_id": shown(account_id, Protected.ID, unmasked=unmasked),
                "party": party,
            }
            for label, minor in zip(labels, acc, strict=False):
                record[label] = cell(minor)
            record["total"] = cell(sum(acc[:nb]))
            record["lines"] = acc[nb]
            record["currency"] = code
            records.append(record)
        return records

    def __str__(self) -> str:
        import textwrap  # only when rendering: the everyday names never load it

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
        lines.extend(textwrap.wrap(self.anchor_note, width=88))
        return "\n".join(lines)

    @property
    def anchor_words(self) -> str:
        """The anchor in words, as the headers print it: ``"days since <anchor_words>"``.

        Examples:
            >>> from billing_core.aging import age
            >>> age([], date(2025, 1, 1), AgingAnchor.RESPONSIBILITY, currency="USD").anchor_words
            'responsibility date (re-aged)'
        """
        return _ANCHOR_WORDS[self.anchor]

    @property
    def anchor_note(self) -> str:
        """Why a statement may band the patient's amounts differently ("" when it cannot).

        A report anchored anywhere but on the responsibility date ages the
        patient's amounts from that anchor, while a patient statement (by
        default) ages them from the day the patient became responsible: the
        same $30 can be ``"over 120"`` here and ``"91-120"`` there. The text
        and HTML views show this note under such a report when the patient owes
        something.

        Examples:
            >>> from billing_core.aging import age
            >>> from billing_core.ledger import Bucket
            >>> owed = [OpenLine(account_id="A1", line_id="L1", bucket=Bucket.PATIENT,
            ...                  open=Money("30.00", "USD"), service_date=date(2025, 1, 2))]
            >>> age(owed, date(2025, 6, 1)).anchor_note[:52]
            'Patient amounts here age from the service date; a pa'
            >>> age(owed, date(2025, 6, 1), AgingAnchor.RESPONSIBILITY).anchor_note
            ''
        """
        # Re-aged reports band the patient's money as a statement does; with nothing owed by
        # the patient there is nothing to misread.
        if self.anchor is AgingAnchor.RESPONSIBILITY or not self.party("patient").total.minor:
            return ""
        return _PATIENT_NOTE.format(anchor=_ANCHOR_WORDS[self.anchor])

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_html(self, *, unmasked: bool = False) -> str:
        """The report as HTML tables (a notebook shows it); account ids are masked.

        One table by party with the totals, then (for up to 20 accounts) one
        by account, the credits, and the
        [`anchor_note`][billing_core.aging.AgingReport.anchor_note].

        Args:
            unmasked: Show the account ids in full.

        Returns:
            The HTML.

        Examples:
            >>> from billing_core.aging import age
            >>> from billing_core.ledger import Bucket
            >>> owed = [OpenLine(account_id="ACCT-0001234", line_id="L1", bucket=Bucket.PRIMARY,
            ...                  open=Money("30.00", "USD"), service_date=date(2025, 1, 2))]
            >>> html = age(owed, date(2025, 6, 1)).to_html()
            >>> "****1234" in html, "ACCT-0001234" in html
            (True, False)
        """
        import html  # only when rendering: the everyday names never load it

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
                [
                    shown(row.account_id, Protected.ID, unmasked=unmasked),
                    *(fmt(b) for b in row.bands),
                    fmt(row.total),
                ]
                for row in self.accounts
            ]
            parts.append(html_table(["account", *self.labels, "total"], account_rows, right=right))
        if self.credits:
            parts.append(
                f"<p>Credits (not in the bands): {html.escape(fmt(self.credit_total))}"
                f" in {len(self.credits)} item(s).</p>"
            )
        if self.anchor_note:
            parts.append(f"<p>{html.escape(self.anchor_note)}</p>")
        return "\n".join(parts)
