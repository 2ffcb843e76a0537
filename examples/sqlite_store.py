"""A billing_core store over the standard library's sqlite3 (WAL mode).

It satisfies ``billing_core.storage.Store`` and passes the conformance suite
(``tests/test_sqlite_store.py``: ``from examples.sqlite_store import
SQLiteStore``). Documents and entries are stored as the stable JSON of
``billing_core.serialization``. The one ledger write,
``SQLiteStore.append_batch``, is one ``BEGIN IMMEDIATE`` transaction that
checks the idempotency key, checks every account's version and inserts the
entries of every account and the key, so a remittance touching several
accounts is posted on all of them or on none, safely across threads and
processes sharing one database file. ``append`` (one account) is inherited
from ``billing_core.storage.Store``. The checks, and their messages, are
those of every store: ``check_find``, ``check_requests``, ``check_versions``
and ``check_entries`` from ``billing_core.storage``.

It also satisfies the optional ``billing_core.storage.ColumnarLedgerStore``:
``scan_entries`` reads the stored JSON straight into Arrow columns (with
``billing_core.frames.records_to_arrow``, no entry objects built), so the
columnar kernels can start from it. That needs the ``frames`` extra, imported
only when ``scan_entries`` is called.
"""

from __future__ import annotations

import datetime
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from billing_core.errors import ConcurrencyError, DuplicateError, NotFoundError
from billing_core.ledger import Entry
from billing_core.serialization import from_json, to_json
from billing_core.storage import (
    AppendRequest,
    AppendResult,
    BatchResult,
    ColumnarLedgerStore,
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
CREATE TABLE IF NOT EXISTS documents (
    kind TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE TABLE IF NOT EXISTS document_index (
    kind TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, id TEXT NOT NULL,
    PRIMARY KEY (kind, field, value, id)
);
CREATE TABLE IF NOT EXISTS entries (
    account_id TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (account_id, seq), UNIQUE (account_id, id)
);
CREATE TABLE IF NOT EXISTS batches (
    idempotency_key TEXT PRIMARY KEY, result TEXT NOT NULL
);
"""


class SQLiteStore(Store, ColumnarLedgerStore):
    """Documents and ledgers in one SQLite database file; one connection per thread."""

    scan_batch_rows = 65_536
    """Rows per record batch of ``scan_entries``."""

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        self.path = str(path)
        self.timeout = timeout
        self._local = threading.local()
        self._connection().executescript(SCHEMA)

    def _connection(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves.
            db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")  # take the write lock now: no upgrade deadlocks
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        """Close this thread's connection."""
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # -- documents ----------------------------------------------------------------

    def get(self, kind: type[D], id: str) -> Versioned[D]:
        """The document of ``kind`` with ``id`` and its version (NotFoundError if none)."""
        row = (
            self._connection()
            .execute(
                "SELECT body, version FROM documents WHERE kind = ? AND id = ?",
                (kind_name(kind), id),
            )
            .fetchone()
        )
        if row is None:
            raise NotFoundError(f"no {kind_name(kind)} with id {id!r}")
        return Versioned(from_json(row[0], kind), row[1])

    def _write_index(self, db: sqlite3.Connection, document: Any) -> None:
        kind = kind_name(type(document))
        db.execute("DELETE FROM document_index WHERE kind = ? AND id = ?", (kind, document.id))
        db.executemany(
            "INSERT INTO document_index (kind, field, value, id) VALUES (?, ?, ?, ?)",
            [(kind, f, v, document.id) for f, v in index_values(document).items()],
        )

    def add(self, document: D) -> Versioned[D]:
        """Store a new document at version 1 (DuplicateError if its id is taken)."""
        kind = kind_name(type(document))
        with self._transaction() as db:
            try:
                db.execute(
                    "INSERT INTO documents (kind, id, version, body) VALUES (?, ?, 1, ?)",
                    (kind, document.id, to_json(document)),
                )
            except sqlite3.IntegrityError:
                raise DuplicateError(f"a {kind} with id {document.id!r} already exists") from None
            self._write_index(db, document)
        return Versioned(document, 1)

    def replace(self, document: D, expected_version: int) -> Versioned[D]:
        """Replace a stored document if it is still at ``expected_version``."""
        kind = kind_name(type(document))
        with self._transaction() as db:
            row = db.execute(
                "SELECT version FROM documents WHERE kind = ? AND id = ?", (kind, document.id)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"no {kind} with id {document.id!r}")
            if row[0] != expected_version:
                raise ConcurrencyError(
                    f"{kind} {document.id} is at version {row[0]}, not {expected_version};"
                    " re-read it and retry"
                )
            db.execute(
                "UPDATE documents SET version = ?, body = ? WHERE kind = ? AND id = ?",
                (expected_version + 1, to_json(document), kind, document.id),
            )
            self._write_index(db, document)
        return Versioned(document, expected_version + 1)

    def find(self, kind: type[D], field: str, value: str) -> list[Versioned[D]]:
        """The documents of ``kind`` whose indexed ``field`` equals ``value``, by id."""
        check_find(kind, field)
        name = kind_name(kind)
        if field == "id":
            rows = (
                self._connection()
                .execute(
                    "SELECT body, version FROM documents WHERE kind = ? AND id = ?", (name, value)
                )
                .fetchall()
            )
        else:
            rows = (
                self._connection()
                .execute(
                    "SELECT d.body, d.version FROM document_index i JOIN documents d"
                    " ON d.kind = i.kind AND d.id = i.id"
                    " WHERE i.kind = ? AND i.field = ? AND i.value = ? ORDER BY d.id",
                    (name, field, value),
                )
                .fetchall()
            )
        return [Versioned(from_json(body, kind), version) for body, version in rows]

    # -- ledgers ------------------------------------------------------------------

    def read(self, account_id: str) -> tuple[tuple[Entry, ...], int]:
        """The account's entries in append order, and the ledger's version."""
        rows = (
            self._connection()
            .execute("SELECT body FROM entries WHERE account_id = ? ORDER BY seq", (account_id,))
            .fetchall()
        )
        entries = tuple(entry_from_json(body) for (body,) in rows)
        return entries, len(entries)

    def scan_entries(
        self, accounts: Iterable[str] | None = None, as_of: datetime.date | None = None
    ) -> Iterator[Any]:
        """The entries as Arrow record batches (``billing_core.frames.ENTRY_SCHEMA``).

        Each account's rows come in append order; ``as_of`` keeps entries
        effective on or before it (ISO dates compare as text in SQL).
        """
        from billing_core.frames import records_to_arrow

        where, params = [], []
        if accounts is not None:
            wanted = sorted(set(accounts))
            where.append(f"account_id IN ({', '.join('?' * len(wanted))})")
            params.extend(wanted)
        if as_of is not None:
            where.append("json_extract(body, '$.effective') <= ?")
            params.append(as_of.isoformat())
        sql = "SELECT body FROM entries"
        if where:
            sql += " WHERE " + " AND ".join(where)
        cursor = self._connection().execute(sql + " ORDER BY account_id, seq", params)
        while rows := cursor.fetchmany(self.scan_batch_rows):
            yield from records_to_arrow(json.loads(body) for (body,) in rows).to_batches()

    def append_batch(self, requests: Sequence[AppendRequest], idempotency_key: str) -> BatchResult:
        """Append to several ledgers in one transaction, all or nothing, once per key."""
        batch = tuple(requests)
        # Serialize before taking the write lock: the transaction stays short.
        # (check_requests refuses anything that is not an AppendRequest, below.)
        bodies = [
            [to_json(e) for e in r.entries] if isinstance(r, AppendRequest) else [] for r in batch
        ]
        with self._transaction() as db:
            row = db.execute(
                "SELECT result FROM batches WHERE idempotency_key = ?", (idempotency_key,)
            ).fetchone()
            if row is not None:
                return result_from_json(row[0])
            # The checks and messages of every store, from billing_core.storage.
            check_requests(batch)
            versions = {
                r.account_id: db.execute(
                    "SELECT COUNT(*) FROM entries WHERE account_id = ?", (r.account_id,)
                ).fetchone()[0]
                for r in batch
            }
            check_versions(batch, versions)
            # Ids already in a ledger are caught by the UNIQUE constraint below.
            checked = [check_entries(r.account_id, r.entries) for r in batch]
            results = []
            for r, ids, texts in zip(batch, checked, bodies, strict=True):
                version = versions[r.account_id]
                try:
                    db.executemany(
                        "INSERT INTO entries (account_id, seq, id, body) VALUES (?, ?, ?, ?)",
                        [
                            (r.account_id, version + i, entry_id, body)
                            for i, (entry_id, body) in enumerate(zip(ids, texts, strict=True))
                        ],
                    )
                except sqlite3.IntegrityError:
                    # An id was already in the ledger: name it (the rows of this
                    # request inserted before the refused one have seq >= version).
                    taken = db.execute(
                        "SELECT id FROM entries WHERE account_id = ? AND seq < ?",
                        (r.account_id, version),
                    ).fetchall()
                    check_entries(r.account_id, r.entries, {i for (i,) in taken})
                    raise
                results.append(
                    AppendResult(account_id=r.account_id, version=version + len(ids), entry_ids=ids)
                )
            result = BatchResult(results=results, duplicate=False)
            db.execute(
                "INSERT INTO batches (idempotency_key, result) VALUES (?, ?)",
                (idempotency_key, result_json(result)),
            )
        return result
