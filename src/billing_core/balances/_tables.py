"""The result of [`line_balances`][billing_core.balances.line_balances]: a dict with views.

[`LineBalances`][billing_core.balances.LineBalances] is a plain ``dict`` of
line id to [`LineBalance`][billing_core.balances.LineBalance] (a thin
subclass: building it costs the fold nothing per line) that also shows as a
table in a notebook and exports exact records for ``pandas``.

Examples:
    >>> import datetime
    >>> from billing_core.balances import line_balances
    >>> from billing_core.ledger import Bucket, ChargePosted
    >>> from billing_core.money import Money
    >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
    ...                  effective=datetime.date(2024, 1, 5),
    ...                  amount=Money("150.00", "USD"), bucket=Bucket.PRIMARY)
    >>> balances = line_balances([c], datetime.date(2024, 1, 5))
    >>> isinstance(balances, dict), balances.to_records(money="minor")[0]["open_primary"]
    (True, 15000)
"""

from __future__ import annotations

from typing import Final

from billing_core.balances._amounts import LineBalance
from billing_core.ledger import Bucket
from billing_core.money import Money, format_money
from billing_core.views import MoneyForm, Protected, Record, html_table, money_value, shown
from billing_core.views._records import check_money_form

__all__ = ["LineBalances"]

_HTML_ROWS: Final = 50
"""The most lines the HTML view lists; the records hold them all."""

_COLUMNS: Final = ("charged", "paid", "adjusted", "written_off", "transferred")


class LineBalances(dict[str, LineBalance]):
    """The balance of each line, by line id: a ``dict`` with a notebook view and records.

    Everything a ``dict`` does works as usual (it is one). In Jupyter it shows
    as a table of the lines with their totals; [`to_records`][] gives exact
    flat rows for ``pandas``. Account ids are masked in both unless the full
    value is asked for (see [`views`][billing_core.views]).

    Examples:
        >>> LineBalances().to_records()
        []
    """

    __slots__ = ()

    def to_records(self, *, unmasked: bool = False, money: MoneyForm = "decimal") -> list[Record]:
        """One flat row per line: what was charged, paid, adjusted, written off and is open.

        Columns: ``line_id``, ``account_id`` (masked unless ``unmasked``),
        ``charged``, ``paid``, ``adjusted``, ``written_off``, ``transferred``,
        ``open_primary``, ``open_secondary``, ``open_tertiary``,
        ``open_patient``, ``balance`` and ``currency``.

        Args:
            unmasked: Export the account ids in full.
            money: ``"decimal"`` (``Decimal`` amounts) or ``"minor"`` (``int``
                minor units, which pandas can plot).

        Returns:
            The records, in the mapping's order.

        Examples:
            >>> import datetime
            >>> from billing_core.balances import line_balances
            >>> from billing_core.ledger import ChargePosted
            >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
            ...                  effective=datetime.date(2024, 1, 5),
            ...                  amount=Money("150.00", "USD"), bucket=Bucket.PATIENT)
            >>> row = line_balances([c], datetime.date(2024, 1, 5)).to_records(unmasked=True)[0]
            >>> row["account_id"], row["open_patient"], row["balance"]
            ('A1', Decimal('150.00'), Decimal('150.00'))
        """
        check_money_form(money)
        records: list[Record] = []
        for line_id, b in self.items():
            record: Record = {
                "line_id": line_id,
                "account_id": shown(b.account_id, Protected.ID, unmasked=unmasked),
            }
            for name in _COLUMNS:
                record[name] = money_value(getattr(b, name), money)
            for bucket in Bucket:
                record[f"open_{bucket.value}"] = money_value(b.open.of(bucket), money)
            record["balance"] = money_value(b.balance, money)
            record["currency"] = b.currency
            records.append(record)
        return records

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_html(self, *, unmasked: bool = False) -> str:
        """The lines as an HTML table with their totals (a notebook shows it).

        At most 50 lines are listed (the totals count them all); account ids
        are masked unless ``unmasked``.

        Args:
            unmasked: Show the account ids in full.

        Returns:
            The HTML.

        Examples:
            >>> "<table>" in LineBalances().to_html()
            True
        """
        columns = [
            "line",
            "account",
            "charged",
            "paid",
            "adjusted",
            "written off",
            "open",
            "balance",
        ]
        rows = []
        for number, (line_id, b) in enumerate(self.items()):
            if number == _HTML_ROWS:
                break
            rows.append(
                [
                    line_id,
                    shown(b.account_id, Protected.ID, unmasked=unmasked),
                    *(format_money(getattr(b, n)) for n in _COLUMNS[:4]),
                    "; ".join(f"{k} {format_money(m)}" for k, m in b.open.items()) or "nothing",
                    format_money(b.balance),
                ]
            )
        footer = self._footer()
        caption = f"Line balances: {len(self)} line(s)"
        if len(self) > _HTML_ROWS:
            caption += f", the first {_HTML_ROWS} shown (see to_records() for all)"
        return html_table(columns, rows, caption=caption, right=(2, 3, 4, 5, 7), footer=footer)

    def _footer(self) -> list[object] | None:
        """The totals row, when every line is in one currency (none otherwise)."""
        currencies = {b.currency for b in self.values()}
        if len(currencies) != 1:
            return None
        (currency,) = currencies
        sums = [0] * len(_COLUMNS)  # the first four columns, then the balance
        for b in self.values():
            for i, name in enumerate(_COLUMNS[:4]):
                sums[i] += getattr(b, name).minor
            sums[4] += b.balance.minor
        cells = [format_money(Money.from_minor(m, currency)) for m in sums]
        return ["total", "", *cells[:4], "", cells[4]]
