"""What the example store adapters share: entries and batch results as JSON text.

Both ``examples.sqlite_store`` and ``examples.postgres_store`` keep ledger entries as
the stable JSON of ``billing_core.serialization`` and each idempotency key's
``BatchResult`` as a small JSON list; copy this file with the adapter you adapt.
"""

from __future__ import annotations

import json

from billing_core.ledger import Entry
from billing_core.serialization import from_json
from billing_core.storage import AppendResult, BatchResult

__all__ = ["entry_from_json", "result_from_json", "result_json"]


def entry_from_json(text: str) -> Entry:
    """A stored ledger entry (the ``"type"`` tag picks its class)."""
    entry = from_json(text)
    if not isinstance(entry, Entry):
        raise TypeError(f"the ledger holds a {type(entry).__name__}, not an entry")
    return entry


def result_json(result: BatchResult) -> str:
    """A batch's result as stored with its key: each account, its new version, its entry ids."""
    return json.dumps([[r.account_id, r.version, list(r.entry_ids)] for r in result.results])


def result_from_json(text: str) -> BatchResult:
    """A stored batch result, returned again for its key: marked ``duplicate``."""
    return BatchResult(
        results=[
            AppendResult(account_id=account, version=version, entry_ids=ids, duplicate=True)
            for account, version, ids in json.loads(text)
        ],
        duplicate=True,
    )
