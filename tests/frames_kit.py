"""Shared by the frames tests: histories of several accounts and currencies, object twins."""

from __future__ import annotations

import datetime
from typing import Any

import attrs
from hypothesis import strategies as st

from billing_core.balances import Balance
from billing_core.ledger import Entry, Party, Reversal
from billing_core.testing.strategies import ledger_histories

CURRENCIES = ("USD", "EUR", "JPY")


def renamed(history: tuple[Entry, ...], prefix: str) -> list[Entry]:
    """The history with entry and line ids prefixed, so several accounts never share one."""

    def one(e: Any) -> Any:
        line = None if e.line_id is None else f"{prefix}{e.line_id}"
        if isinstance(e, Reversal):
            original = one(e.original)
            return attrs.evolve(
                e, id=f"{prefix}{e.id}", line_id=line, reverses=original.id, original=original
            )
        return attrs.evolve(e, id=f"{prefix}{e.id}", line_id=line)

    return [one(e) for e in history]


@st.composite
def books(draw: st.DrawFn, *, max_accounts: int = 3, max_steps: int = 20) -> list[Entry]:
    """Valid histories of 1-3 accounts (each in its own currency), interleaved by date.

    An account's history may hold the entries of money on no line (``payer_money``).
    """
    count = draw(st.integers(min_value=1, max_value=max_accounts))
    out: list[Entry] = []
    for n in range(count):
        currency = draw(st.sampled_from(CURRENCIES))
        start = datetime.date(2024, 1, 1) + datetime.timedelta(days=draw(st.integers(0, 40)))
        history = draw(
            ledger_histories(
                currency=currency,
                account_id=f"A{n}",
                max_steps=max_steps,
                start=start,
                payer_money=draw(st.booleans()),  # held cash, credit moved on, PLB, appeals
            )
        )
        out.extend(renamed(history, f"a{n}-"))
    # Interleave: a table holds accounts' rows in any order.
    return sorted(out, key=lambda e: (e.effective, e.id))


def as_of_dates(entries: list[Entry]) -> st.SearchStrategy[datetime.date]:
    """Dates from before the first entry to after the last."""
    first = min(e.effective for e in entries)
    last = max(e.effective for e in entries)
    return st.dates(first - datetime.timedelta(days=3), last + datetime.timedelta(days=200))


def balance_rows(balance: Balance) -> dict[tuple[str, str | None], int]:
    """A Balance as ``(figure, key) -> minor units``, zeros left out except ``charged``."""
    rows: dict[tuple[str, str | None], int] = {("charged", None): balance.charged.minor}
    for figure, amounts in (
        ("paid_by_party", balance.paid_by_party),
        ("paid_by_bucket", balance.paid_by_bucket),
        ("adjusted", balance.adjusted_by_group),
        ("written_off", balance.written_off_by_reason),
        ("moved_out", balance.transferred_out),
        ("moved_in", balance.transferred_in),
        ("open", balance.open),
    ):
        for key, money in amounts.items():
            rows[(figure, party_key(key) if isinstance(key, Party) else str(key))] = money.minor
    return rows


def party_key(party: Party) -> str:
    """A party as the kernels key it: ``kind:id`` with the id whole (``str`` masks a patient's)."""
    return f"{party.kind.value}:{party.id}"
