"""The values of the storage protocols: versioned documents, append requests and results.

Private: everything here is public as [`billing_core.storage`][billing_core.storage].
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final, Generic, Protocol, TypeVar

import attrs

from billing_core.errors import NotFoundError
from billing_core.ledger import Entry
from billing_core.views import Protected, protected


class HasId(Protocol):
    """Anything with a string ``id``: every storable document.

    Examples:
        >>> import attrs
        >>> @attrs.frozen
        ... class Doc:
        ...     id: str
        >>> Doc("D1").id
        'D1'
    """

    @property
    def id(self) -> str:
        """The document's id, chosen by the caller."""
        ...


D = TypeVar("D", bound=HasId)
T_co = TypeVar("T_co", covariant=True)


@attrs.frozen
class Versioned(Generic[T_co]):
    """A stored document with its version.

    Attributes:
        value: The document.
        version: 1 when added, one more on every replace.

    Examples:
        >>> Versioned("a document", 3).version
        3
    """

    value: T_co
    version: int


def _ids(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _entries(value: Iterable[Entry]) -> tuple[Entry, ...]:
    if isinstance(value, str):
        raise TypeError("entries must be a sequence of ledger entries, not a str")
    return tuple(value)


@attrs.frozen(kw_only=True)
class AppendRequest:
    """One account's part of a batch: its new entries and the version they were planned on.

    Attributes:
        account_id: The account whose ledger grows.
        entries: The entries to append, in order (any iterable; kept as a tuple).
            Every entry must belong to ``account_id``. May be empty: the
            account's version is then still checked.
        expected_version: The ledger's version when it was read (its number of
            entries); a store refuses the whole batch if it has changed.

    Examples:
        >>> AppendRequest(account_id="ACCT-0001234", entries=[], expected_version=0)
        AppendRequest(account_id='****1234', entries=(), expected_version=0)
    """

    account_id: str = attrs.field(**protected(Protected.ID))
    entries: tuple[Entry, ...] = attrs.field(converter=_entries)
    expected_version: int


@attrs.frozen(kw_only=True)
class AppendResult:
    """What an append did on one account.

    Attributes:
        account_id: The account.
        version: The ledger's version after the append (its number of entries).
        entry_ids: The ids of the entries the append wrote, in order.
        duplicate: ``True`` when the idempotency key had been used before: this
            is the earlier append's result and nothing was written now.

    Examples:
        >>> AppendResult(account_id="A1", version=3, entry_ids=("e1", "e2")).entry_ids
        ('e1', 'e2')
    """

    account_id: str = attrs.field(**protected(Protected.ID))
    version: int
    entry_ids: tuple[str, ...] = attrs.field(converter=_ids)
    duplicate: bool = False


def _results(value: Iterable[AppendResult]) -> tuple[AppendResult, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class BatchResult:
    """What a batch append did: one [`AppendResult`][] per account, in request order.

    Attributes:
        results: Per account, its new version and the ids written.
        duplicate: ``True`` when the idempotency key had been used before: this
            is the earlier batch's result and nothing was written now.

    Examples:
        >>> r = BatchResult(results=[AppendResult(account_id="A1", version=2, entry_ids=["a"]),
        ...                          AppendResult(account_id="A2", version=1, entry_ids=["b"])])
        >>> r.versions, r.entry_ids, r.duplicate
        ({'A1': 2, 'A2': 1}, ('a', 'b'), False)
        >>> r.result_for("A2").version
        1
    """

    results: tuple[AppendResult, ...] = attrs.field(converter=_results)
    duplicate: bool = False

    @property
    def accounts(self) -> tuple[str, ...]:
        """The accounts of the batch, in request order.

        Examples:
            >>> BatchResult(results=[]).accounts
            ()
        """
        return tuple(r.account_id for r in self.results)

    @property
    def versions(self) -> dict[str, int]:
        """Each account's ledger version after the batch.

        Examples:
            >>> BatchResult(results=[AppendResult(account_id="A1", version=4, entry_ids=())]
            ...             ).versions
            {'A1': 4}
        """
        return {r.account_id: r.version for r in self.results}

    @property
    def entry_ids(self) -> tuple[str, ...]:
        """The ids of every entry the batch wrote, account by account.

        Examples:
            >>> BatchResult(results=[]).entry_ids
            ()
        """
        return tuple(i for r in self.results for i in r.entry_ids)

    def result_for(self, account_id: str) -> AppendResult:
        """The result of one account of the batch.

        Raises:
            NotFoundError: If the batch did not touch the account.

        Examples:
            >>> BatchResult(results=[]).result_for("A1")
            Traceback (most recent call last):
            ...
            billing_core.errors.NotFoundError: the batch did not touch account A1
        """
        for r in self.results:
            if r.account_id == account_id:
                return r
        raise NotFoundError(f"the batch did not touch account {account_id}")


_SNAKE: Final = re.compile(r"(?<!^)(?=[A-Z])")


def kind_name(kind: type[Any]) -> str:
    """The stable name of a document kind, for adapters that store kinds as text.

    It is the class name in snake case: ``Bill`` -> ``"bill"``,
    ``Remittance`` -> ``"remittance"``, ``LineItem`` -> ``"line_item"``.

    Examples:
        >>> from billing_core.remittance import Remittance
        >>> kind_name(Remittance)
        'remittance'
    """
    return _SNAKE.sub("_", kind.__name__).lower()


INDEXED_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "bill": ("account_id", "patient_id"),
    "claim": ("account_id", "patient_id", "original_claim_number"),
    "remittance": ("trace_number", "payer"),
    "payment": ("account_id", "reference"),
    "encounter": ("account_id",),
}
"""The document fields [`DocumentStore.find`][] must support, by [`kind_name`][].

A kind not listed supports lookup by ``"id"`` only. The claim's patient control
number (CLP01) is the claim's ``id``, so "claim by patient control number" is
[`DocumentStore.get`][].
"""


def index_values(document: object) -> dict[str, str]:
    """The values of a document's indexed fields (see [`INDEXED_FIELDS`][]).

    An adapter stores them next to the document to answer [`DocumentStore.find`][].
    Fields the document lacks or that are ``None`` are left out.

    Examples:
        >>> import attrs
        >>> @attrs.frozen
        ... class Bill:
        ...     id: str
        ...     account_id: str
        ...     patient_id: str | None = None
        >>> index_values(Bill("B1", "A1"))
        {'account_id': 'A1'}
    """
    out: dict[str, str] = {}
    for field in INDEXED_FIELDS.get(kind_name(type(document)), ()):
        value = getattr(document, field, None)
        if value is not None:
            out[field] = str(value)
    return out
