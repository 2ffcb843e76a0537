"""A line's waterfall: how its charge became its open balance, step by step.

[`explain`][billing_core.balances.explain] lists a line's entries
as steps: the charge, then payer adjustments (*adjusted off* a bucket, or
*moved* to the next one), payments, transfers and write-offs (*written off*,
for a reason), each with its effect on the open balance; as text, records,
and an HTML table for notebooks.

Examples:
    >>> import datetime
    >>> from billing_core.ledger import Bucket, ChargePosted
    >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
    ...                  effective=datetime.date(2024, 1, 5),
    ...                  amount=Money("150.00", "USD"), bucket=Bucket.PRIMARY)
    >>> [r.description for r in explain([c], "L1", as_of=datetime.date(2024, 1, 5)).rows]
    ['charge to primary']
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Final

import attrs

from billing_core.balances._amounts import LineBalance
from billing_core.balances._folds import line_balances
from billing_core.errors import NotFoundError
from billing_core.ledger import (
    Adjustment,
    ChargePosted,
    Entry,
    OriginalEntry,
    Party,
    PaymentApplied,
    Reversal,
    Transfer,
    WriteOff,
)
from billing_core.ledger._effects import check_as_of, effect
from billing_core.money import Money, format_money
from billing_core.views import MoneyForm, Protected, Record, html_table, money_value, shown
from billing_core.views._records import check_money_form

__all__ = ["Explanation", "ExplanationRow", "explain"]


@attrs.frozen(kw_only=True)
class ExplanationRow:
    """One step of a line's waterfall.

    Attributes:
        effective: The entry's date.
        entry_id: The entry.
        step: ``"charge"``, ``"adjustment"``, ``"payment"``, ``"transfer"``
            or ``"write-off"`` (a reversal is in its original's step).
        description: What happened, in words, e.g. ``"CO-45 adjusted off primary"``
            (a payer adjustment) or ``"small_balance written off patient"``.
        amount: The entry's amount (negative for a reversal).
        change: Its effect on the line's total open balance (zero for a move
            between buckets).
        open: The line's total open balance after this step.
        party: Who paid, for a payment step (``None`` otherwise). A patient's
            id is masked in ``description`` (as in every view, see
            [`views`][billing_core.views]); ``party`` holds it in full.

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import Bucket, ChargePosted
        >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
        ...                  effective=datetime.date(2024, 1, 5),
        ...                  amount=Money("150.00", "USD"), bucket=Bucket.PRIMARY)
        >>> explain([c], "L1", as_of=datetime.date(2024, 1, 5)).rows[0].description
        'charge to primary'
    """

    effective: datetime.date
    entry_id: str
    step: str
    description: str
    amount: Money
    change: Money
    open: Money
    party: Party | None = None


# Where each entry type sits in the waterfall; a reversal sits with its original.
_STEPS: Final = {
    ChargePosted: (0, "charge"),
    Adjustment: (1, "adjustment"),
    PaymentApplied: (2, "payment"),
    Transfer: (3, "transfer"),
    WriteOff: (4, "write-off"),
}


def _text(entry: OriginalEntry) -> str:
    """What an entry did to its line, in the module's words (adjusted, moved, written off)."""
    if isinstance(entry, ChargePosted):
        return f"charge to {entry.bucket}"
    if isinstance(entry, Adjustment):
        code = f"{entry.group}-{entry.reason}"
        if entry.to_bucket is None:
            return f"{code} adjusted off {entry.bucket}"
        return f"{code} moved {entry.bucket} -> {entry.to_bucket}"
    if isinstance(entry, PaymentApplied):
        return f"paid by {entry.party} from {entry.bucket}"
    if isinstance(entry, Transfer):
        return f"moved {entry.from_bucket} -> {entry.to_bucket}"
    if isinstance(entry, WriteOff):
        return f"{entry.reason} written off {entry.bucket}"
    raise TypeError(f"{type(entry).__name__} touches no line; it has no waterfall step")


def _describe(entry: Entry) -> tuple[int, str, str, int]:
    """Step order, step name, description, and sign of the effect on the open total."""
    original = entry.original if isinstance(entry, Reversal) else entry
    order, step = _STEPS[type(original)]
    text = _text(original)
    if isinstance(entry, Reversal):
        text = f"reversal of {original.id}: {text}"
    # The sign comes from the entry's effect, as in the balance folds.
    return order, step, text, effect(entry).open_sign


@attrs.frozen(kw_only=True)
class Explanation:
    """A line's waterfall: how its charge became its open balance.

    Attributes:
        line_id: The line.
        as_of: The date it was asked for.
        rows: The steps, charge -> adjustments -> payments -> transfers ->
            write-offs, each group in date order.
        balance: The line's balance (its ``open`` is the waterfall's end).

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import Bucket, ChargePosted
        >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
        ...                  effective=datetime.date(2024, 1, 5),
        ...                  amount=Money("150.00", "USD"), bucket=Bucket.PRIMARY)
        >>> print(explain([c], "L1", as_of=datetime.date(2024, 1, 31)).text)
        Line L1 as of 2024-01-31 (USD)
        2024-01-05  c1  charge to primary  +150.00  open 150.00
        Open: primary 150.00; total 150.00
    """

    line_id: str
    as_of: datetime.date
    rows: tuple[ExplanationRow, ...] = attrs.field(converter=tuple[ExplanationRow, ...])
    balance: LineBalance

    def describe(self, row: ExplanationRow, *, unmasked: bool = False) -> str:
        """A row's description, with the paying patient's id in full when ``unmasked``.

        Examples:
            >>> import datetime
            >>> from billing_core.ledger import (Bucket, ChargePosted, Party, PaymentApplied,
            ...                                  PaymentReceived)
            >>> d, jane = datetime.date(2024, 1, 5), Party.patient("MRN-000123")
            >>> usd = Money("5.00", "USD")
            >>> history = [
            ...     ChargePosted(id="c1", account_id="A1", line_id="L1", effective=d,
            ...                  amount=usd, bucket=Bucket.PATIENT),
            ...     PaymentReceived(id="p1", account_id="A1", effective=d, amount=usd, party=jane),
            ...     PaymentApplied(id="a1", account_id="A1", line_id="L1", effective=d,
            ...                    amount=usd, party=jane, bucket=Bucket.PATIENT),
            ... ]
            >>> story = explain(history, "L1", as_of=d)
            >>> story.rows[1].description, story.describe(story.rows[1], unmasked=True)
            ('paid by patient:****0123 from patient', 'paid by patient:MRN-000123 from patient')
        """
        party = row.party
        if not unmasked or party is None or not party.is_patient:
            return row.description
        return row.description.replace(str(party), f"{party.kind.value}:{party.id}")

    @property
    def text(self) -> str:
        """The waterfall as plain text, one step a line, then open by bucket.

        A paying patient's id is masked (see
        [`describe`][billing_core.balances.Explanation.describe]).

        Examples:
            >>> import datetime
            >>> from billing_core.ledger import Bucket, ChargePosted
            >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
            ...                  effective=datetime.date(2024, 1, 5),
            ...                  amount=Money("0.00", "USD"), bucket=Bucket.PATIENT)
            >>> explain([c], "L1", as_of=datetime.date(2024, 1, 5)).text.splitlines()[-1]
            'Open: nothing; total 0.00'
        """
        out = [f"Line {self.line_id} as of {self.as_of} ({self.balance.currency})"]
        width = max((len(r.description) for r in self.rows), default=0)
        id_width = max((len(r.entry_id) for r in self.rows), default=0)
        for r in self.rows:
            if r.change:
                figure = f"{'+' if r.change.minor > 0 else ''}{r.change.amount}"
            else:
                figure = f"{r.amount.amount} moved"
            out.append(
                f"{r.effective}  {r.entry_id:<{id_width}}  {r.description:<{width}}"
                f"  {figure}  open {r.open.amount}"
            )
        parts = [f"{b} {m.amount}" for b, m in self.balance.open.items()]
        out.append(
            f"Open: {', '.join(parts) if parts else 'nothing'}; total {self.balance.balance.amount}"
        )
        return "\n".join(out)

    def to_records(self, *, unmasked: bool = False, money: MoneyForm = "decimal") -> list[Record]:
        """The waterfall's rows as flat rows of plain values (``pandas.DataFrame(records)`` works).

        Each row has ``line_id``, ``effective``, ``entry_id``, ``step``,
        ``description`` (a paying patient's id masked unless ``unmasked``), and
        the ``amount``, ``change`` and ``open`` figures, with their ``currency``.

        Args:
            unmasked: Show a paying patient's id in full.
            money: ``"decimal"`` (``Decimal`` amounts) or ``"minor"`` (``int``
                minor units, which pandas can plot).

        Returns:
            One record per step.

        Examples:
            >>> import datetime
            >>> from billing_core.ledger import Bucket, ChargePosted
            >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
            ...                  effective=datetime.date(2024, 1, 5),
            ...                  amount=Money("150.00", "USD"), bucket=Bucket.PRIMARY)
            >>> explain([c], "L1", as_of=datetime.date(2024, 1, 5)).to_records()
            [{'line_id': 'L1', 'effective': datetime.date(2024, 1, 5), 'entry_id': 'c1',
              'step': 'charge', 'description': 'charge to primary', 'amount': Decimal('150.00'),
              'change': Decimal('150.00'), 'open': Decimal('150.00'), 'currency': 'USD'}]
        """
        check_money_form(money)
        currency = self.balance.currency
        return [
            {
                "line_id": self.line_id,
                "effective": r.effective,
                "entry_id": r.entry_id,
                "step": r.step,
                "description": self.describe(r, unmasked=unmasked),
                "amount": money_value(r.amount, money),
                "change": money_value(r.change, money),
                "open": money_value(r.open, money),
                "currency": currency,
            }
            for r in self.rows
        ]

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_html(self, *, unmasked: bool = False) -> str:
        """The waterfall as an HTML table (a notebook shows it); patient identifiers are masked.

        Args:
            unmasked: Show the account id and a paying patient's id in full.

        Returns:
            The HTML.

        Examples:
            >>> import datetime
            >>> from billing_core.ledger import Bucket, ChargePosted
            >>> c = ChargePosted(id="c1", account_id="ACCT-0001234", line_id="L1",
            ...                  effective=datetime.date(2024, 1, 5),
            ...                  amount=Money("150.00", "USD"), bucket=Bucket.PRIMARY)
            >>> html = explain([c], "L1", as_of=datetime.date(2024, 1, 5)).to_html()
            >>> "account ****1234" in html, "$150.00" in html
            (True, True)
        """
        fmt = format_money
        rows = [
            [
                r.effective.isoformat(),
                r.entry_id,
                r.step,
                self.describe(r, unmasked=unmasked),
                fmt(r.amount),
                fmt(r.change) if r.change else "moved",
                fmt(r.open),
            ]
            for r in self.rows
        ]
        buckets = "; ".join(f"{b} {fmt(m)}" for b, m in self.balance.open.items())
        footer = ["", "", "open", buckets or "nothing", "", "", fmt(self.balance.balance)]
        caption = (
            f"Line {self.line_id} as of {self.as_of.isoformat()} ({self.balance.currency}),"
            f" account {shown(self.balance.account_id, Protected.ID, unmasked=unmasked)}"
        )
        columns = ["date", "entry", "step", "description", "amount", "change", "open"]
        return html_table(columns, rows, caption=caption, right=(4, 5, 6), footer=footer)


def explain(entries: Iterable[Entry], line_id: str, *, as_of: datetime.date) -> Explanation:
    """Explain a line's balance as a waterfall of its entries.

    Args:
        entries: A history containing the line's entries.
        line_id: The line.
        as_of: Only entries effective on or before it count.

    Returns:
        The explanation, with rows and text.

    Raises:
        NotFoundError: If the line has no charge by ``as_of``.

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import Bucket, ChargePosted
        >>> from billing_core.codes import GroupCode
        >>> from billing_core.ledger import Adjustment, Party, PaymentApplied, PaymentReceived
        >>> d = datetime.date(2024, 2, 1)
        >>> aetna = Party.payer("AETNA")
        >>> usd = lambda s: Money(s, "USD")
        >>> history = [
        ...     ChargePosted(id="c1", account_id="A1", line_id="L1",
        ...                  effective=datetime.date(2024, 1, 5), amount=usd("150.00"),
        ...                  bucket=Bucket.PRIMARY),
        ...     PaymentReceived(id="p1", account_id="A1", effective=d, amount=usd("80.00"),
        ...                     party=aetna),
        ...     PaymentApplied(id="a1", account_id="A1", line_id="L1", effective=d,
        ...                    amount=usd("80.00"), party=aetna, bucket=Bucket.PRIMARY),
        ...     Adjustment(id="j1", account_id="A1", line_id="L1", effective=d,
        ...                amount=usd("50.00"), bucket=Bucket.PRIMARY, group=GroupCode.CO,
        ...                reason="45"),
        ...     Adjustment(id="j2", account_id="A1", line_id="L1", effective=d,
        ...                amount=usd("20.00"), bucket=Bucket.PRIMARY, group=GroupCode.PR,
        ...                reason="2", to_bucket=Bucket.PATIENT),
        ... ]
        >>> print(explain(history, "L1", as_of=d).text)
        Line L1 as of 2024-02-01 (USD)
        2024-01-05  c1  charge to primary                  +150.00  open 150.00
        2024-02-01  j1  CO-45 adjusted off primary         -50.00  open 100.00
        2024-02-01  j2  PR-2 moved primary -> patient      20.00 moved  open 100.00
        2024-02-01  a1  paid by payer:AETNA from primary   -80.00  open 20.00
        Open: patient 20.00; total 20.00
    """
    check_as_of(as_of)
    mine = [e for e in entries if e.line_id == line_id and e.effective <= as_of]
    balance = line_balances(mine, as_of).get(line_id)
    if balance is None:
        raise NotFoundError(f"line {line_id} has no entries by {as_of}")
    described = []
    for index, entry in enumerate(mine):
        order, step, text, sign = _describe(entry)
        described.append((order, entry.effective, index, step, text, sign, entry))
    described.sort(key=lambda row: row[:3])
    rows = []
    running = 0
    currency = balance.currency
    for _order, effective, _index, step, text, sign, entry in described:
        original = entry.original if isinstance(entry, Reversal) else entry
        change = sign * entry.amount.minor
        running += change
        rows.append(
            ExplanationRow(
                effective=effective,
                entry_id=entry.id,
                step=step,
                description=text,
                amount=entry.amount,
                change=Money.from_minor(change, currency),
                open=Money.from_minor(running, currency),
                party=original.party if isinstance(original, PaymentApplied) else None,
            )
        )
    return Explanation(line_id=line_id, as_of=as_of, rows=rows, balance=balance)
