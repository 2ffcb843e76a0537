"""The conformance tests of the optional columnar protocol: ``scan_entries`` agrees with ``read``.

Private: the suite is
[`ColumnarStoreConformance`][billing_core.testing.conformance.ColumnarStoreConformance].
It needs the ``frames`` extra (pyarrow and polars), imported by the tests
themselves, so the rest of the suite never needs it.
"""

from __future__ import annotations

import datetime
from typing import Any

from billing_core.ledger import Entry
from billing_core.storage import ColumnarLedgerStore
from billing_core.testing.conformance._kit import DAY, SuiteBase, every_entry_type


def _entries(batches: Any) -> list[Entry]:
    from billing_core.frames import ENTRY_SCHEMA, from_arrow

    batches = list(batches)
    assert all(b.schema.equals(ENTRY_SCHEMA) for b in batches), "batches not in ENTRY_SCHEMA"
    found: list[Entry] = from_arrow(batches)
    return found


class ColumnarLedgerTests(SuiteBase):
    """``scan_entries`` holds exactly what ``read`` gives, account by account, as of a date."""

    def _filled(self, store: Any) -> dict[str, list[Entry]]:
        _columnar(store)
        later = DAY + datetime.timedelta(days=3)
        ledgers = {
            "A1": every_entry_type("A1", prefix="x"),
            "A2": [*self.make_entries("A2", 3, prefix="b"), *every_entry_type("A2", prefix="y")],
            "A3": self.make_entries("A3", 3, prefix="c"),
        }
        for account, entries in ledgers.items():
            store.append(account, entries, expected_version=0, idempotency_key=f"fill-{account}")
        late = [_later(e, later) for e in self.make_entries("A3", 1, prefix="z")]
        store.append("A3", late, expected_version=3, idempotency_key="late")
        return {a: list(store.read(a)[0]) for a in ledgers}

    def test_scan_entries_agrees_with_read(self, store: Any) -> None:
        """scan_entries agrees with read, for every account."""
        read = self._filled(store)
        scanned = _entries(store.scan_entries())
        by_account: dict[str, list[Entry]] = {}
        for entry in scanned:
            by_account.setdefault(entry.account_id, []).append(entry)
        assert by_account == read

    def test_scan_entries_of_some_accounts(self, store: Any) -> None:
        """scan_entries of some accounts: theirs, in append order."""
        read = self._filled(store)
        assert _entries(store.scan_entries(accounts=["A2"])) == read["A2"]
        assert _entries(store.scan_entries(accounts=["nobody"])) == []
        both = _entries(store.scan_entries(accounts=["A3", "A1"]))
        assert sorted(both, key=lambda e: e.account_id) == read["A1"] + read["A3"]

    def test_scan_entries_as_of_a_date(self, store: Any) -> None:
        """scan_entries as of a date: only entries effective on or before it."""
        read = self._filled(store)
        assert _entries(store.scan_entries(accounts=["A3"], as_of=DAY)) == read["A3"][:3]
        before = DAY - datetime.timedelta(days=1)
        assert _entries(store.scan_entries(as_of=before)) == []

    def test_scan_entries_of_an_empty_store(self, store: Any) -> None:
        """scan_entries of an empty store gives no rows."""
        _columnar(store)
        assert _entries(store.scan_entries()) == []


def _columnar(store: object) -> None:
    assert isinstance(store, ColumnarLedgerStore), "the store has no scan_entries"


def _later(entry: Any, day: datetime.date) -> Any:
    import attrs

    return attrs.evolve(entry, effective=day)
