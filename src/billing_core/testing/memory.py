"""The in-memory reference store: every storage protocol, thread-safe, for tests and notebooks.

[`InMemoryStore`][] satisfies [`Store`][billing_core.storage.Store] and is
the reference the conformance suite ([`conformance`][billing_core.testing.conformance])
is written against. It keeps the objects themselves (they are immutable), so
it costs no serialization; one lock makes every operation atomic.

Examples:
    >>> import datetime
    >>> from billing_core.ledger import Bucket, ChargePosted
    >>> from billing_core.money import Money
    >>> store = InMemoryStore()
    >>> charge = ChargePosted(id="c1", account_id="A1", line_id="L1",
    ...                       effective=datetime.date(2024, 3, 1),
    ...                       amount=Money("80.00", "USD"), bucket=Bucket.PATIENT)
    >>> store.append("A1", [charge], expected_version=0, idempotency_key="visit-1")
    AppendResult(account_id='****', version=1, entry_ids=('c1',), duplicate=False)
    >>> store.append("A1", [charge], expected_version=0, idempotency_key="visit-1")
    AppendResult(account_id='****', version=1, entry_ids=('c1',), duplicate=True)
    >>> store.read("A1")[1]
    1
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import attrs

from billing_core.errors import ConcurrencyError, DuplicateError, NotFoundError
from billing_core.ledger import Entry
from billing_core.storage import (
    AppendRequest,
    AppendResult,
    BatchResult,
    D,
    Store,
    Versioned,
    check_entries,
    check_find,
    check_requests,
    check_versions,
    index_values,
    kind_name,
)

__all__ = ["InMemoryStore"]


class InMemoryStore(Store):
    """A thread-safe in-memory [`Store`][billing_core.storage.Store] (documents and ledgers).

    Examples:
        >>> import attrs
        >>> @attrs.frozen(kw_only=True)
        ... class Note:
        ...     id: str
        ...     text: str
        >>> store = InMemoryStore()
        >>> store.add(Note(id="n1", text="call back"))
        Versioned(value=Note(id='n1', text='call back'), version=1)
        >>> store.replace(Note(id="n1", text="called"), expected_version=1).version
        2
        >>> store.replace(Note(id="n1", text="stale"), expected_version=1)
        Traceback (most recent call last):
        ...
        billing_core.errors.ConcurrencyError: note n1 is at version 2, not 1; re-read it and retry
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._documents: dict[tuple[type[Any], str], Versioned[Any]] = {}
        self._ledgers: dict[str, list[Entry]] = {}
        self._entry_ids: dict[str, set[str]] = {}
        self._keys: dict[str, BatchResult] = {}

    # -- documents ----------------------------------------------------------------

    def get(self, kind: type[D], id: str) -> Versioned[D]:
        """The document of ``kind`` with ``id`` and its version.

        Raises:
            NotFoundError: If there is none.

        Examples:
            >>> InMemoryStore().get(object, "X")
            Traceback (most recent call last):
            ...
            billing_core.errors.NotFoundError: no object with id 'X'
        """
        with self._lock:
            found = self._documents.get((kind, id))
        if found is None:
            raise NotFoundError(f"no {kind_name(kind)} with id {id!r}")
        return found

    def add(self, document: D) -> Versioned[D]:
        """Store a new document at version 1.

        Raises:
            DuplicateError: If one of that kind with that id exists.

        Examples:
            >>> import attrs
            >>> @attrs.frozen
            ... class Doc:
            ...     id: str
            >>> store = InMemoryStore()
            >>> _ = store.add(Doc("D1"))
            >>> store.add(Doc("D1"))
            Traceback (most recent call last):
            ...
            billing_core.errors.DuplicateError: a doc with id 'D1' already exists
        """
        key = (type(document), document.id)
        with self._lock:
            if key in self._documents:
                raise DuplicateError(
                    f"a {kind_name(key[0])} with id {document.id!r} already exists"
                )
            stored = Versioned(document, 1)
            self._documents[key] = stored
        return stored

    def replace(self, document: D, expected_version: int) -> Versioned[D]:
        """Replace a stored document if it is still at ``expected_version``.

        Raises:
            NotFoundError: If there is no such document.
            ConcurrencyError: If its version is not ``expected_version``.

        Examples:
            >>> import attrs
            >>> @attrs.frozen
            ... class Doc:
            ...     id: str
            >>> InMemoryStore().replace(Doc("D9"), expected_version=1)
            Traceback (most recent call last):
            ...
            billing_core.errors.NotFoundError: no doc with id 'D9'
        """
        key = (type(document), document.id)
        with self._lock:
            current = self._documents.get(key)
            if current is None:
                raise NotFoundError(f"no {kind_name(key[0])} with id {document.id!r}")
            if current.version != expected_version:
                raise ConcurrencyError(
                    f"{kind_name(key[0])} {document.id} is at version {current.version},"
                    f" not {expected_version}; re-read it and retry"
                )
            stored = Versioned(document, current.version + 1)
            self._documents[key] = stored
        return stored

    def find(self, kind: type[D], field: str, value: str) -> list[Versioned[D]]:
        """The documents of ``kind`` whose indexed ``field`` equals ``value``, by id.

        Raises:
            ValueError: If ``field`` is not indexed for ``kind``.

        Examples:
            >>> import attrs
            >>> @attrs.frozen
            ... class Bill:
            ...     id: str
            ...     account_id: str
            >>> store = InMemoryStore()
            >>> _ = store.add(Bill("B2", "A1")), store.add(Bill("B1", "A1"))
            >>> [v.value.id for v in store.find(Bill, "account_id", "A1")]
            ['B1', 'B2']
        """
        check_find(kind, field)
        with self._lock:
            docs = [v for (k, _), v in self._documents.items() if k is kind]
        if field == "id":
            hits = [v for v in docs if v.value.id == value]
        else:
            hits = [v for v in docs if index_values(v.value).get(field) == value]
        return sorted(hits, key=lambda v: v.value.id)

    # -- ledgers ------------------------------------------------------------------

    def read(self, account_id: str) -> tuple[tuple[Entry, ...], int]:
        """The account's entries in append order and the ledger's version.

        Examples:
            >>> InMemoryStore().read("nobody")
            ((), 0)
        """
        with self._lock:
            entries = tuple(self._ledgers.get(account_id, ()))
        return entries, len(entries)

    def append_batch(self, requests: Sequence[AppendRequest], idempotency_key: str) -> BatchResult:
        """Append to several ledgers all-or-nothing, with optimistic concurrency and idempotency.

        See [`append_batch`][billing_core.storage.LedgerStore.append_batch];
        [`append`][billing_core.storage.LedgerStore.append] is inherited from it.

        Raises:
            ConcurrencyError: A ledger is not at its ``expected_version``.
            DuplicateError: An entry id is already in its ledger.
            ValueError: An entry belongs to another account, or an account
                appears twice.

        Examples:
            >>> store = InMemoryStore()
            >>> store.append_batch(
            ...     [AppendRequest(account_id="A1", entries=[], expected_version=0),
            ...      AppendRequest(account_id="A2", entries=[], expected_version=5)], "k")
            Traceback (most recent call last):
            ...
            billing_core.errors.ConcurrencyError: ledger of account 'A2' is at version 0, not 5; re-read it and retry
        """  # noqa: E501
        with self._lock:
            earlier = self._keys.get(idempotency_key)
            if earlier is not None:
                return _as_duplicate(earlier)
            batch = check_requests(requests)
            check_versions(
                batch, {r.account_id: len(self._ledgers.get(r.account_id, ())) for r in batch}
            )
            checked = [
                check_entries(
                    r.account_id, r.entries, self._entry_ids.get(r.account_id, frozenset())
                )
                for r in batch
            ]
            results = []
            for request, entry_ids in zip(batch, checked, strict=True):
                ledger = self._ledgers.setdefault(request.account_id, [])
                ledger.extend(request.entries)
                self._entry_ids.setdefault(request.account_id, set()).update(entry_ids)
                results.append(
                    AppendResult(
                        account_id=request.account_id, version=len(ledger), entry_ids=entry_ids
                    )
                )
            result = BatchResult(results=results, duplicate=False)
            self._keys[idempotency_key] = result
        return result


def _as_duplicate(result: BatchResult) -> BatchResult:
    """The earlier result of a key, marked as a duplicate.

    Examples:
        >>> _as_duplicate(BatchResult(results=[])).duplicate
        True
    """
    return BatchResult(
        results=[attrs.evolve(r, duplicate=True) for r in result.results], duplicate=True
    )
