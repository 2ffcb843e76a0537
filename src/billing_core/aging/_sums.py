"""The integer machinery of aging: band lookup by date, sums per group, rows (private).

The hot loops stay on ints: a band index per anchor date (looked up once per
distinct date), minor units added per band, and one ``Money`` per distinct sum
at the end.

Examples:
    >>> from datetime import date
    >>> bands = Bands(date(2025, 3, 31), (30, 60))
    >>> bands[date(2025, 3, 1)], bands[date(2025, 2, 28)], bands[date(2024, 1, 1)]
    (0, 1, 2)
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any, Final

from billing_core.aging._bands import AgingRow
from billing_core.aging._items import AgingAnchor, OpenLine
from billing_core.money import Money

__all__ = ["Bands", "group_sums", "make_rows", "party_order"]


def _cuts(as_of: date, edges: tuple[int, ...]) -> list[date]:
    """Cut-off dates, ascending, computed once per report.

    An anchor on or after ``as_of - edge`` is at most ``edge`` days old, so an
    anchor's band is the number of cut-offs strictly after it. A cut-off before
    the first representable date is that date: nothing can be older than it.
    """
    cuts = []
    # date.min bounds the cut-off: as_of minus a large edge would raise OverflowError
    # before year 1, and nothing can be older than date.min anyway.
    for e in reversed(edges):
        gap = as_of - date.min
        cuts.append(as_of - timedelta(days=e) if gap.days >= e else date.min)
    return cuts


class Bands(dict[date, int]):
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


def group_sums(
    lines: Iterable[OpenLine],
    as_of: date,
    anchor: AgingAnchor,
    edges: tuple[int, ...],
    by_party: bool,
) -> dict[Any, list[int]]:
    """Per account (and party): minor units per band, then the line count.

    The lines were checked when the report was made. With many accounts this
    loop is bound by memory access to the per-account sums, which is why it
    runs only when per-account rows are asked for.
    """
    nb = len(edges) + 1
    bands = Bands(as_of, edges)
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


def make_rows(
    sums: Iterable[tuple[str | None, str | None, Sequence[int]]],
    labels: tuple[str, ...],
    code: str,
) -> tuple[AgingRow, ...]:
    """Rows from (account, party, minor units per band + line count).

    Equal amounts share one ``Money`` (it is immutable): most bands of most
    accounts are zero, and building a million ``Money`` objects costs more
    than summing the lines.
    """
    nb = len(labels)
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
            labels=labels,
        )
        for account_id, party, acc in sums
    )


# Named payers (5) sit between the bucket names and the patient, so a report mixing
# labelled and unlabelled coverages still reads payers first, the patient last.
_PARTY_ORDER: Final = {"primary": 0, "secondary": 1, "tertiary": 2, "patient": 9}


def party_order(party: str) -> tuple[int, str]:
    """Rows by party: coverage buckets in sequence, payers by id, the patient last."""
    return (_PARTY_ORDER.get(party, 5), party)
