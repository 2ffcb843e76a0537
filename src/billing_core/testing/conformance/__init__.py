"""The storage conformance suite: run it against your own store with a few lines of pytest.

Subclass [`StoreConformance`][] in a test module and override the
``store`` fixture to return a fresh, empty store; pytest then runs every
test of the suite against it: document round-trips, version conflicts,
not-found, idempotent and all-or-nothing appends (one account, and batches
across accounts), keys looked up without being used, round-trips of every
entry type, and concurrent appends, batches, edits and retries from several
threads with no entry lost or duplicated. It also runs the
[workflows][billing_core.workflows] on your store: a line or entry id reused
for other content is refused and a refused bill leaves nothing stored, a
remittance a store wrote on some of its accounts only (its claims' or the
account holding its money of no line) is reported (never "already posted"),
and concurrent writers posting payments through the workflows rarely run out
of attempts and never lose or double a payment.

```python
import pytest
from billing_core.testing.conformance import StoreConformance

class TestMyStore(StoreConformance):
    @pytest.fixture
    def store(self, tmp_path):
        return MyStore(tmp_path / "billing.db")
```

The factories [`StoreConformance.make_document`][],
[`StoreConformance.modify_document`][] and [`StoreConformance.make_entries`][]
build real billing_core objects; override them if your store holds other kinds.
A store that also offers the optional columnar protocol subclasses
[`ColumnarStoreConformance`][] instead, which adds the checks of ``scan_entries``.

Examples:
    >>> from billing_core.testing.memory import InMemoryStore
    >>> suite = StoreConformance()
    >>> store = InMemoryStore()
    >>> store.add(suite.make_document("B1", "A1")).version
    1
    >>> [e.id for e in suite.make_entries("A1", 2, prefix="x")]
    ['x-0', 'x-1']
"""

from __future__ import annotations

from billing_core.testing._extra import require

require("pytest", extra="testing", part="billing_core.testing.conformance")

from billing_core.testing.conformance._batches import BatchTests
from billing_core.testing.conformance._columns import ColumnarLedgerTests
from billing_core.testing.conformance._documents import DocumentTests
from billing_core.testing.conformance._kit import every_entry_type
from billing_core.testing.conformance._ledgers import LedgerTests
from billing_core.testing.conformance._workflows import WorkflowTests

__all__ = ["ColumnarStoreConformance", "StoreConformance", "every_entry_type"]


class StoreConformance(DocumentTests, LedgerTests, BatchTests, WorkflowTests):
    """The conformance tests of [`Store`][billing_core.storage.Store]; subclass and give a store.

    Class attributes size the concurrency tests: ``threads`` writers (4), each
    making ``appends_per_thread`` appends (25); and ``payment_writers`` (8),
    each posting ``payments_per_writer`` payments (15) through the workflows.

    Examples:
        >>> StoreConformance.threads, StoreConformance.payment_writers
        (4, 8)
    """


class ColumnarStoreConformance(StoreConformance, ColumnarLedgerTests):
    """The suite and the optional [`ColumnarLedgerStore`][billing_core.storage.ColumnarLedgerStore].

    For a store that also offers ``scan_entries``: the batches must hold
    exactly what ``read`` gives, account by account, in append order, and as
    of a date. Needs the ``frames`` extra.

    Examples:
        >>> issubclass(ColumnarStoreConformance, StoreConformance)
        True
    """
