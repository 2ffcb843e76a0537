"""A billing_core store on PostgreSQL, with psycopg 3 and its connection pool.

It satisfies ``billing_core.storage.Store`` and passes the conformance suite
(``tests/test_postgres_store.py`` runs it against a PostgreSQL 15 server that the
test starts). Install the driver with the ``postgres`` extra
(``pip install 'billing_core[postgres]'``). What the database enforces:

- **per-account versions with row locks.** ``billing_accounts`` holds each
  ledger's version. A batch locks the rows of every account it names, in one
  order (sorted ids, so two batches never wait on each other in a cycle),
  compares them with the expected versions and bumps them in the same
  transaction: two writers that read the same version cannot both append.
- **idempotency keys with a unique constraint.** A batch first inserts its key
  into ``billing_batches``. A concurrent batch with the same key waits on that
  row until the first commits (then finds the key and returns the earlier
  result) or rolls back (then proceeds): a key is posted once.
- **batches in one transaction.** The key, the version checks, every entry of
  every account and the new versions commit together, or nothing does.

Entry ids are unique per account (a unique constraint as well). Documents and
entries are stored as the stable JSON text of ``billing_core.serialization``
(``text``, not ``jsonb``: ``jsonb`` refuses a NUL character inside a string). Ids
compare with the ``"C"`` collation, so ``find`` orders documents by id as
Python does, whatever the database's locale. The checks, and their messages,
are those of every store: ``check_find``, ``check_requests``,
``check_versions`` and ``check_entries`` from ``billing_core.storage``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg_pool import ConnectionPool

from billing_core.errors import ConcurrencyError, DuplicateError, NotFoundError
from billing_core.ledger import Entry
from billing_core.serialization import from_json, to_json
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
from examples.store_json import entry_from_json, result_from_json, result_json

SCHEMA = """
CREATE TABLE IF NOT EXISTS billing_documents (
    kind text COLLATE "C" NOT NULL,
    id text COLLATE "C" NOT NULL,
    version integer NOT NULL CHECK (version >= 1),
    body text NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE TABLE IF NOT EXISTS billing_document_index (
    kind text COLLATE "C" NOT NULL,
    field text COLLATE "C" NOT NULL,
    value text COLLATE "C" NOT NULL,
    id text COLLATE "C" NOT NULL,
    PRIMARY KEY (kind, field, value, id),
    FOREIGN KEY (kind, id) REFERENCES billing_documents (kind, id) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS billing_accounts (
    account_id text COLLATE "C" PRIMARY KEY,
    version bigint NOT NULL CHECK (version >= 0)
);
CREATE TABLE IF NOT EXISTS billing_entries (
    account_id text COLLATE "C" NOT NULL REFERENCES billing_accounts (account_id),
    seq bigint NOT NULL CHECK (seq >= 0),
    id text COLLATE "C" NOT NULL,
    body text NOT NULL,
    PRIMARY KEY (account_id, seq),
    UNIQUE (account_id, id)
);
CREATE TABLE IF NOT EXISTS billing_batches (
    idempotency_key text COLLATE "C" PRIMARY KEY,
    result text
);
"""

# One statement locks every account of a batch in id order, creating the rows of
# accounts never seen (version 0), and returns each version as of the lock.
_LOCK_ACCOUNTS = """
INSERT INTO billing_accounts (account_id, version)
SELECT account_id, 0 FROM unnest(%s::text[]) AS account_id ORDER BY account_id
ON CONFLICT (account_id) DO UPDATE SET version = billing_accounts.version
RETURNING account_id, version
"""

# What the database says when two transactions lose to each other: the caller
# re-reads and retries, as after any stale version.
_LOST_RACE = (pg_errors.DeadlockDetected, pg_errors.SerializationFailure)


class PostgresStore(Store):
    """Documents and ledgers in a PostgreSQL database, safe across threads and processes.

    Args:
        conninfo: A libpq connection string or URI
            (``"host=db.example port=5432 dbname=billing user=billing"``).
        max_connections: The most connections this store's pool opens; a
            thread waits for a free one.
        create_schema: Create the tables if they are missing.
        cached_accounts: How many accounts' entries to keep once read. An
            entry never changes once written, so a read fetches and parses only
            the entries appended since the last one (the least recently read
            accounts are dropped first).
    """

    def __init__(
        self,
        conninfo: str,
        *,
        max_connections: int = 8,
        create_schema: bool = True,
        cached_accounts: int = 1024,
    ) -> None:
        self.pool: ConnectionPool[psycopg.Connection[tuple[Any, ...]]] = ConnectionPool(
            conninfo,
            min_size=1,
            max_size=max_connections,
            kwargs={"autocommit": True},
            open=True,
        )
        if create_schema:
            with self.pool.connection() as db:
                db.execute(SCHEMA)
        self._cached_accounts = cached_accounts
        self._entries: OrderedDict[str, tuple[Entry, ...]] = OrderedDict()
        self._entries_lock = threading.Lock()

    def close(self) -> None:
        """Close every connection of the pool."""
        self.pool.close()

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Cursor[tuple[Any, ...]]]:
        """One transaction on a pooled connection; a lost race is a ConcurrencyError."""
        with self.pool.connection() as db:
            try:
                with db.transaction(), db.cursor() as cursor:
                    yield cursor
            except _LOST_RACE as error:
                raise ConcurrencyError(f"another writer won: {error}; re-read and retry") from None

    # -- documents ----------------------------------------------------------------

    def get(self, kind: type[D], id: str) -> Versioned[D]:
        """The document of ``kind`` with ``id`` and its version (NotFoundError if none)."""
        with self.pool.connection() as db:
            row = db.execute(
                "SELECT body, version FROM billing_documents WHERE kind = %s AND id = %s",
                (kind_name(kind), id),
            ).fetchone()
        if row is None:
            raise NotFoundError(f"no {kind_name(kind)} with id {id!r}")
        return Versioned(from_json(row[0], kind), row[1])

    def _write_index(self, cursor: psycopg.Cursor[tuple[Any, ...]], document: Any) -> None:
        kind = kind_name(type(document))
        cursor.execute(
            "DELETE FROM billing_document_index WHERE kind = %s AND id = %s", (kind, document.id)
        )
        cursor.executemany(
            "INSERT INTO billing_document_index (kind, field, value, id) VALUES (%s, %s, %s, %s)",
            [(kind, f, v, document.id) for f, v in index_values(document).items()],
        )

    def add(self, document: D) -> Versioned[D]:
        """Store a new document at version 1 (DuplicateError if its id is taken)."""
        kind = kind_name(type(document))
        body = to_json(document)
        with self._transaction() as cursor:
            cursor.execute(
                "INSERT INTO billing_documents (kind, id, version, body) VALUES (%s, %s, 1, %s)"
                " ON CONFLICT (kind, id) DO NOTHING",
                (kind, document.id, body),
            )
            if cursor.rowcount == 0:
                raise DuplicateError(f"a {kind} with id {document.id!r} already exists")
            self._write_index(cursor, document)
        return Versioned(document, 1)

    def replace(self, document: D, expected_version: int) -> Versioned[D]:
        """Replace a stored document if it is still at ``expected_version``."""
        kind = kind_name(type(document))
        body = to_json(document)
        with self._transaction() as cursor:
            row = cursor.execute(
                "SELECT version FROM billing_documents WHERE kind = %s AND id = %s FOR UPDATE",
                (kind, document.id),
            ).fetchone()
            if row is None:
                raise NotFoundError(f"no {kind} with id {document.id!r}")
            if row[0] != expected_version:
                raise ConcurrencyError(
                    f"{kind} {document.id} is at version {row[0]}, not {expected_version};"
                    " re-read it and retry"
                )
            cursor.execute(
                "UPDATE billing_documents SET version = %s, body = %s WHERE kind = %s AND id = %s",
                (expected_version + 1, body, kind, document.id),
            )
            self._write_index(cursor, document)
        return Versioned(document, expected_version + 1)

    def find(self, kind: type[D], field: str, value: str) -> list[Versioned[D]]:
        """The documents of ``kind`` whose indexed ``field`` equals ``value``, by id."""
        check_find(kind, field)
        name = kind_name(kind)
        with self.pool.connection() as db:
            if field == "id":
                rows = db.execute(
                    "SELECT body, version FROM billing_documents WHERE kind = %s AND id = %s",
                    (name, value),
                ).fetchall()
            else:
                rows = db.execute(
                    "SELECT d.body, d.version FROM billing_document_index i"
                    " JOIN billing_documents d ON d.kind = i.kind AND d.id = i.id"
                    " WHERE i.kind = %s AND i.field = %s AND i.value = %s ORDER BY d.id",
                    (name, field, value),
                ).fetchall()
        return [Versioned(from_json(body, kind), version) for body, version in rows]

    # -- ledgers ------------------------------------------------------------------

    def read(self, account_id: str) -> tuple[tuple[Entry, ...], int]:
        """The account's entries in append order, and the ledger's version."""
        with self._entries_lock:
            known = self._entries.get(account_id, ())
        # Entries are append-only and a batch commits under its accounts' row locks, so a
        # snapshot that shows entry n of an account shows every entry before it: the rows
        # from the first one not yet known are all that is new. Their number is the version.
        with self.pool.connection() as db:
            rows = db.execute(
                "SELECT body FROM billing_entries WHERE account_id = %s AND seq >= %s ORDER BY seq",
                (account_id, len(known)),
            ).fetchall()
        entries = known + tuple(entry_from_json(body) for (body,) in rows)
        with self._entries_lock:
            if len(entries) >= len(self._entries.get(account_id, ())):
                self._entries[account_id] = entries
                self._entries.move_to_end(account_id)
                while len(self._entries) > self._cached_accounts:
                    self._entries.popitem(last=False)
        return entries, len(entries)

    def append_batch(self, requests: Sequence[AppendRequest], idempotency_key: str) -> BatchResult:
        """Append to several ledgers in one transaction, all or nothing, once per key."""
        batch = tuple(requests)
        # Serialize before the transaction: it holds its locks for less time.
        # (check_requests refuses anything that is not an AppendRequest, below.)
        bodies = [
            [to_json(e) for e in r.entries] if isinstance(r, AppendRequest) else [] for r in batch
        ]
        with self._transaction() as cursor:
            # The key first: its unique constraint makes a concurrent batch with the same
            # key wait here, then see this one's result (or take over if this one fails).
            cursor.execute(
                "INSERT INTO billing_batches (idempotency_key) VALUES (%s) ON CONFLICT DO NOTHING",
                (idempotency_key,),
            )
            if cursor.rowcount == 0:
                row = cursor.execute(
                    "SELECT result FROM billing_batches WHERE idempotency_key = %s",
                    (idempotency_key,),
                ).fetchone()
                if row is None or row[0] is None:  # a key commits with its result, always
                    raise RuntimeError(f"batch key {idempotency_key!r} has no recorded result")
                return result_from_json(row[0])
            # The checks and messages of every store, from billing_core.storage.
            check_requests(batch)
            accounts = sorted({r.account_id for r in batch})
            versions = dict(cursor.execute(_LOCK_ACCOUNTS, (accounts,)).fetchall())
            check_versions(batch, versions)
            checked = [self._new_ids(cursor, r) for r in batch]
            results = []
            for r, ids, texts in zip(batch, checked, bodies, strict=True):
                version = versions[r.account_id]
                cursor.executemany(
                    "INSERT INTO billing_entries (account_id, seq, id, body)"
                    " VALUES (%s, %s, %s, %s)",
                    [
                        (r.account_id, version + i, entry_id, body)
                        for i, (entry_id, body) in enumerate(zip(ids, texts, strict=True))
                    ],
                )
                cursor.execute(
                    "UPDATE billing_accounts SET version = %s WHERE account_id = %s",
                    (version + len(ids), r.account_id),
                )
                results.append(
                    AppendResult(account_id=r.account_id, version=version + len(ids), entry_ids=ids)
                )
            result = BatchResult(results=results, duplicate=False)
            cursor.execute(
                "UPDATE billing_batches SET result = %s WHERE idempotency_key = %s",
                (result_json(result), idempotency_key),
            )
        return result

    @staticmethod
    def _new_ids(cursor: psycopg.Cursor[tuple[Any, ...]], request: AppendRequest) -> list[str]:
        """The request's entry ids, checked: its account, each once, none already there.

        The account's row is locked, so no other writer can add an id meanwhile.
        """
        ids = check_entries(request.account_id, request.entries)
        taken = cursor.execute(
            "SELECT id FROM billing_entries WHERE account_id = %s AND id = ANY(%s)",
            (request.account_id, list(ids)),
        ).fetchall()
        if taken:
            check_entries(request.account_id, request.entries, {i for (i,) in taken})
        return list(ids)
