"""The storage protocols: what a store must do for the workflows, and nothing that persists.

billing_core persists nothing itself. The billing workflows
([`workflows`][billing_core.workflows]) take a store that satisfies these
runtime-checkable `typing.Protocol` classes; an adapter over any
database satisfies them and proves it with the conformance suite in
[`conformance`][billing_core.testing.conformance].
[`InMemoryStore`][billing_core.testing.memory.InMemoryStore] is the reference implementation.

Two kinds of data are stored:

- **Documents** (bills, claims, remittances, payments, ...): immutable attrs
  objects with an ``id``, stored by kind (their class) and id, each with a
  **version** that starts at 1 and grows by one on every
  [`DocumentStore.replace`][]. Replacing with a stale version raises
  [`ConcurrencyError`][], so a concurrent edit is never silently lost.
- **Ledgers**: each account's entries as an **append-only stream**. Its
  version is the number of entries in it. The one write is
  [`LedgerStore.append_batch`][]: entries for one or several accounts
  ([`AppendRequest`][]), all or nothing. It refuses a stale
  ``expected_version`` of any account with [`ConcurrencyError`][], and,
  when its ``idempotency_key`` was used before, writes nothing and returns the
  earlier [`BatchResult`][] (with ``duplicate=True``): posting the same
  remittance twice posts it once, on every account it touches or on none.
  [`LedgerStore.append`][] is its one-account special case.
- **Columns** (optional): a store that holds entries as columns may also
  satisfy [`ColumnarLedgerStore`][], handing out Arrow record batches
  (``scan_entries``) for the columnar kernels of
  [`frames`][billing_core.frames].

The errors a store raises live here: [`NotFoundError`][],
[`ConcurrencyError`][], [`DuplicateError`][] (defined in
[`errors`][billing_core.errors]). So do the checks every store makes, with
the messages every store gives: [`check_find`][] for
[`DocumentStore.find`][], and [`check_requests`][], [`check_versions`][] and
[`check_entries`][] for [`LedgerStore.append_batch`][]. An adapter calls them
instead of writing its own.

Examples:
    >>> from billing_core.testing.memory import InMemoryStore
    >>> store = InMemoryStore()
    >>> isinstance(store, Store), isinstance(object(), LedgerStore)
    (True, False)
    >>> store.read("A1")
    ((), 0)
    >>> store.append_batch([AppendRequest(account_id="A1", entries=[], expected_version=0),
    ...                     AppendRequest(account_id="A2", entries=[], expected_version=0)],
    ...                    idempotency_key="k").versions
    {'A1': 0, 'A2': 0}
"""

from __future__ import annotations

from billing_core._lazy import lazy_exports

_EXPORTS = {
    "billing_core.errors": ("ConcurrencyError", "DuplicateError", "NotFoundError"),
    "billing_core.storage._protocols": (
        "ColumnarLedgerStore",
        "DocumentStore",
        "LedgerStore",
        "Store",
        "recorded_batch",
    ),
    "billing_core.storage._store_checks": (
        "check_entries",
        "check_find",
        "check_requests",
        "check_versions",
    ),
    "billing_core.storage._values": (
        "INDEXED_FIELDS",
        "AppendRequest",
        "AppendResult",
        "BatchResult",
        "HasId",
        "Versioned",
        "index_values",
        "kind_name",
    ),
}

# The document type variable of the protocols' signatures, for implementers.
_UNLISTED = {"billing_core.storage._values": ("D",)}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, _UNLISTED)
