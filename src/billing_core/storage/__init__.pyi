# Generated from _EXPORTS in billing_core/storage/__init__.py by `make stubs`; do not edit.

from billing_core.errors import ConcurrencyError as ConcurrencyError
from billing_core.errors import DuplicateError as DuplicateError
from billing_core.errors import NotFoundError as NotFoundError
from billing_core.storage._protocols import ColumnarLedgerStore as ColumnarLedgerStore
from billing_core.storage._protocols import DocumentStore as DocumentStore
from billing_core.storage._protocols import LedgerStore as LedgerStore
from billing_core.storage._protocols import Store as Store
from billing_core.storage._protocols import recorded_batch as recorded_batch
from billing_core.storage._store_checks import check_entries as check_entries
from billing_core.storage._store_checks import check_find as check_find
from billing_core.storage._store_checks import check_requests as check_requests
from billing_core.storage._store_checks import check_versions as check_versions
from billing_core.storage._values import INDEXED_FIELDS as INDEXED_FIELDS
from billing_core.storage._values import AppendRequest as AppendRequest
from billing_core.storage._values import AppendResult as AppendResult
from billing_core.storage._values import BatchResult as BatchResult
from billing_core.storage._values import HasId as HasId
from billing_core.storage._values import Versioned as Versioned
from billing_core.storage._values import index_values as index_values
from billing_core.storage._values import kind_name as kind_name
from billing_core.storage._values import D as D

__all__ = [
    "ConcurrencyError",
    "DuplicateError",
    "NotFoundError",
    "ColumnarLedgerStore",
    "DocumentStore",
    "LedgerStore",
    "Store",
    "recorded_batch",
    "check_entries",
    "check_find",
    "check_requests",
    "check_versions",
    "INDEXED_FIELDS",
    "AppendRequest",
    "AppendResult",
    "BatchResult",
    "HasId",
    "Versioned",
    "index_values",
    "kind_name",
]
