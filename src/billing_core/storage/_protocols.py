"""The storage protocols: what a store of documents and ledgers must do.

Private: everything here is public as [`billing_core.storage`][billing_core.storage].
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Final, Protocol, runtime_checkable

from billing_core.errors import ConcurrencyError, NotFoundError
from billing_core.ledger import Entry
from billing_core.storage._values import AppendRequest, AppendResult, BatchResult, D, Versioned

_NO_VERSION: Final = -1
"""A ledger version no ledger is ever at (a version counts entries)."""


@runtime_checkable
class DocumentStore(Protocol):
    """Documents by kind and id, with a version for optimistic concurrency.

    A kind is the document's class (``Bill``, ``Claim``, ``Remittance``, ...);
    an adapter that needs a text name uses [`kind_name`][].

    Examples:
        >>> from billing_core.testing.memory import InMemoryStore
        >>> isinstance(InMemoryStore(), DocumentStore)
        True
    """

    def get(self, kind: type[D], id: str) -> Versioned[D]:
        """The document of ``kind`` with ``id`` and its version.

        Raises:
            NotFoundError: If there is none.
        """
        ...

    def add(self, document: D) -> Versioned[D]:
        """Store a new document at version 1; its kind is its class.

        Raises:
            DuplicateError: If a document of that kind with that id exists.
        """
        ...

    def replace(self, document: D, expected_version: int) -> Versioned[D]:
        """Replace a stored document, if it is still at ``expected_version``.

        Returns:
            The document with its new version, ``expected_version + 1``.

        Raises:
            NotFoundError: If there is no such document.
            ConcurrencyError: If the stored version is not ``expected_version``
                (someone else changed it since it was read); nothing is written.
        """
        ...

    def find(self, kind: type[D], field: str, value: str) -> list[Versioned[D]]:
        """The documents of ``kind`` whose indexed ``field`` equals ``value``, by id.

        ``field`` is one of [`INDEXED_FIELDS`][] for the kind (compared as
        text, see [`index_values`][]); [`check_find`][] refuses any other.

        Raises:
            ValidationError: If ``field`` is not indexed for ``kind`` (a ``ValueError``).
        """
        ...


@runtime_checkable
class LedgerStore(Protocol):
    """Each account's ledger entries as an append-only stream with idempotent appends.

    Examples:
        >>> from billing_core.testing.memory import InMemoryStore
        >>> isinstance(InMemoryStore(), LedgerStore)
        True
    """

    def read(self, account_id: str) -> tuple[tuple[Entry, ...], int]:
        """The account's entries in append order, and the ledger's version.

        An account with no entries gives ``((), 0)``; it is not an error.
        """
        ...

    def append_batch(self, requests: Sequence[AppendRequest], idempotency_key: str) -> BatchResult:
        """Append entries to several accounts' ledgers in one atomic step, all or nothing.

        The checks, in this order, in one atomic step:

        1. ``idempotency_key`` used before (by any batch, for any account):
           write nothing, return the earlier result with ``duplicate=True``;
        2. an account appears in two requests: raise ValidationError;
        3. any account's ledger is not at its request's ``expected_version``:
           raise ConcurrencyError (naming every stale account);
        4. an entry's ``account_id`` differs from its request's, or its id is
           already in that ledger or twice in the request: raise
           ValidationError / DuplicateError;
        5. write every entry of every request and the key with its result, and
           return each account's new version.

        [`check_requests`][], [`check_versions`][] and [`check_entries`][]
        make checks 2, 3 and 4 with the messages every store gives.

        When anything is raised nothing is written and the key stays unused,
        so the caller can re-read, re-plan and retry with the same key. An
        empty ``requests`` only records the key. Because the key is looked up
        first, a request at version ``-1`` (no ledger is ever there) reads a
        key without writing anything: see [`recorded_batch`][].

        Raises:
            ConcurrencyError: A ledger changed since its ``expected_version``.
            DuplicateError: An entry id is already in its ledger.
            ValidationError: An entry belongs to another account, or an
                account appears twice (a ``ValueError``).
        """
        ...

    def append(
        self,
        account_id: str,
        entries: Sequence[Entry],
        expected_version: int,
        idempotency_key: str,
    ) -> AppendResult:
        """Append entries to one account's ledger: [`append_batch`][] with one request.

        A store that subclasses [`LedgerStore`][] (or [`Store`][])
        inherits this implementation; others write the same one line.

        Returns:
            The account's result. When the key was used before, the earlier
            result for this account (``duplicate=True``); if that earlier
            batch did not touch this account, nothing was written to it:
            empty ``entry_ids`` and its current version.

        Raises:
            ConcurrencyError: The ledger changed since ``expected_version``.
            DuplicateError: An entry id is already in the ledger.
            ValidationError: An entry belongs to another account (a ``ValueError``).

        Examples:
            >>> from billing_core.testing.memory import InMemoryStore
            >>> store = InMemoryStore()
            >>> store.append("A1", [], expected_version=0, idempotency_key="k")
            AppendResult(account_id='****', version=0, entry_ids=(), duplicate=False)
            >>> store.append("A2", [], expected_version=0, idempotency_key="k")
            AppendResult(account_id='****', version=0, entry_ids=(), duplicate=True)
        """
        request = AppendRequest(
            account_id=account_id, entries=entries, expected_version=expected_version
        )
        batch = self.append_batch([request], idempotency_key)
        try:
            return batch.result_for(account_id)
        except NotFoundError:  # the key's earlier batch did not touch this account
            return AppendResult(
                account_id=account_id,
                version=self.read(account_id)[1],
                entry_ids=(),
                duplicate=True,
            )


@runtime_checkable
class Store(DocumentStore, LedgerStore, Protocol):
    """A store of both documents and ledgers: what the workflows take.

    Examples:
        >>> from billing_core.testing.memory import InMemoryStore
        >>> isinstance(InMemoryStore(), Store)
        True
    """


@runtime_checkable
class ColumnarLedgerStore(Protocol):
    """Optional: a store that holds ledger entries as columns and hands them out as Arrow batches.

    The columnar kernels of [`frames`][billing_core.frames] start from columns:
    a store that offers ``scan_entries`` feeds them without building entry
    objects. The conformance suite's
    [`ColumnarStoreConformance`][billing_core.testing.conformance.ColumnarStoreConformance]
    checks that the batches hold exactly what [`LedgerStore.read`][] gives.

    Examples:
        >>> from billing_core.testing.memory import InMemoryStore
        >>> isinstance(InMemoryStore(), ColumnarLedgerStore)
        False
    """

    def scan_entries(
        self, accounts: Iterable[str] | None = None, as_of: datetime.date | None = None
    ) -> Iterator[Any]:
        """The entries as ``pyarrow.RecordBatch``es in the schema ``frames.ENTRY_SCHEMA``.

        Args:
            accounts: Only these accounts (all when ``None``).
            as_of: Only entries effective on or before this date (all when ``None``).

        Returns:
            Record batches; each account's rows in append order (the order of
            [`LedgerStore.read`][]), accounts in any order.
        """
        ...


def recorded_batch(store: LedgerStore, idempotency_key: str) -> BatchResult | None:
    """The batch recorded under a key (marked ``duplicate``), or ``None``; writes nothing.

    It asks [`append_batch`][billing_core.storage.LedgerStore.append_batch] for an
    empty request at version ``-1``: a key used before returns its earlier
    result (check 1 comes first), any other key is refused by the version check
    (3), which writes nothing and leaves the key unused. The workflows use it to
    check that a batch said to be done was written whole.

    Args:
        store: The store.
        idempotency_key: The key.

    Returns:
        The earlier batch's result, or ``None`` when the key was never used.

    Examples:
        >>> from billing_core.testing.memory import InMemoryStore
        >>> store = InMemoryStore()
        >>> recorded_batch(store, "k") is None
        True
        >>> store.append("A1", [], expected_version=0, idempotency_key="k").duplicate  # still free
        False
        >>> recorded_batch(store, "k").accounts
        ('A1',)
    """
    probe = AppendRequest(account_id="", entries=(), expected_version=_NO_VERSION)
    try:
        earlier = store.append_batch([probe], idempotency_key)
    except ConcurrencyError:
        return None
    # A store that accepted the probe broke the protocol (and used the key up).
    return earlier if earlier.duplicate else None
