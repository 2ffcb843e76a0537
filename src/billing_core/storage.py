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

import re
from collections.abc import Container, Iterable, Mapping, Sequence
from typing import Any, Final, Generic, Protocol, TypeVar, runtime_checkable

import attrs

from billing_core.errors import ConcurrencyError, DuplicateError, NotFoundError
from billing_core.ledger import Entry

__all__ = [
    "INDEXED_FIELDS",
    "AppendRequest",
    "AppendResult",
    "BatchResult",
    "ConcurrencyError",
    "DocumentStore",
    "DuplicateError",
    "HasId",
    "LedgerStore",
    "NotFoundError",
    "Store",
    "Versioned",
    "check_entries",
    "check_find",
    "check_requests",
    "check_versions",
    "index_values",
    "kind_name",
]


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
        >>> AppendRequest(account_id="A1", entries=[], expected_version=0)
        AppendRequest(account_id='A1', entries=(), expected_version=0)
    """

    account_id: str
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

    account_id: str
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


# --------------------------------------------------------------------------- the checks of a store
#
# Every store makes these checks with these messages; an adapter calls them
# rather than writing its own, so the errors read the same whatever the store.


def check_find(kind: type[Any], field: str) -> None:
    """Refuse a [`DocumentStore.find`][] by a field that is not indexed for ``kind``.

    The fields are ``"id"`` and the kind's [`INDEXED_FIELDS`][]. Call it
    first in ``find``.

    Args:
        kind: The document kind (its class).
        field: The field asked for.

    Raises:
        ValueError: If ``field`` is not indexed for ``kind``; the message
            lists the fields that are.

    Examples:
        >>> from billing_core.bills import Bill
        >>> check_find(Bill, "account_id")
        >>> check_find(Bill, "colour")
        Traceback (most recent call last):
        ...
        ValueError: cannot find bill documents by 'colour'; indexed fields: id, account_id, patient_id
    """  # noqa: E501
    allowed = ("id", *INDEXED_FIELDS.get(kind_name(kind), ()))
    if field not in allowed:
        raise ValueError(
            f"cannot find {kind_name(kind)} documents by {field!r};"
            f" indexed fields: {', '.join(allowed)}"
        )


def check_requests(requests: Iterable[AppendRequest]) -> tuple[AppendRequest, ...]:
    """Refuse a batch naming an account twice (step 2 of [`LedgerStore.append_batch`][]).

    Call it after looking the idempotency key up: a key used before returns
    its earlier result whatever the requests.

    Args:
        requests: The batch, as given to ``append_batch``.

    Returns:
        The requests as a tuple, in order.

    Raises:
        TypeError: If an item is not an [`AppendRequest`][].
        ValueError: If an account appears in two requests.

    Examples:
        >>> one = AppendRequest(account_id="A1", entries=[], expected_version=0)
        >>> check_requests([one])
        (AppendRequest(account_id='A1', entries=(), expected_version=0),)
        >>> check_requests([one, one])
        Traceback (most recent call last):
        ...
        ValueError: account 'A1' appears twice in the batch; nothing was appended
    """
    batch = tuple(requests)
    seen: set[str] = set()
    for request in batch:
        if not isinstance(request, AppendRequest):
            raise TypeError(f"a batch holds AppendRequest values, got {request!r}")
        if request.account_id in seen:
            raise ValueError(
                f"account {request.account_id!r} appears twice in the batch; nothing was appended"
            )
        seen.add(request.account_id)
    return batch


def check_versions(requests: Iterable[AppendRequest], versions: Mapping[str, int]) -> None:
    """Refuse a batch if any ledger is not at its ``expected_version`` (step 3 of a batch).

    Read every account's version in the same transaction as the write, then
    call it once: the error names every stale account, not only the first.

    Args:
        requests: The batch (see [`check_requests`][]).
        versions: Each account's current ledger version (its number of
            entries). An account missing from it has no entries: version 0.

    Raises:
        ConcurrencyError: If a ledger changed since it was read.

    Examples:
        >>> batch = [AppendRequest(account_id="A1", entries=[], expected_version=2),
        ...          AppendRequest(account_id="A2", entries=[], expected_version=0)]
        >>> check_versions(batch, {"A1": 2})
        >>> check_versions(batch, {"A1": 3, "A2": 1})
        Traceback (most recent call last):
        ...
        billing_core.errors.ConcurrencyError: ledger of account 'A1' is at version 3, not 2; ledger of account 'A2' is at version 1, not 0; re-read it and retry
    """  # noqa: E501
    stale = [
        f"ledger of account {r.account_id!r} is at version {versions.get(r.account_id, 0)},"
        f" not {r.expected_version}"
        for r in requests
        if versions.get(r.account_id, 0) != r.expected_version
    ]
    if stale:
        raise ConcurrencyError("; ".join(stale) + "; re-read it and retry")


def check_entries(
    account_id: str, entries: Iterable[Entry], existing_ids: Container[str] = frozenset()
) -> tuple[str, ...]:
    """Check one request's entries before they are appended (step 4 of a batch).

    Every entry must belong to ``account_id``, and its id must be new: not
    in ``existing_ids`` and not twice in ``entries``. An adapter whose
    database enforces unique ids per account may leave ``existing_ids`` empty
    and call it again with the ids it finds when an insert is refused, for
    the same message.

    Args:
        account_id: The request's account.
        entries: The request's entries.
        existing_ids: The ids already in the account's ledger (or at least
            those among ``entries``).

    Returns:
        The entries' ids, in order.

    Raises:
        ValueError: If an entry belongs to another account.
        DuplicateError: If an entry id is already in the ledger or appears twice.

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import Bucket, ChargePosted
        >>> from billing_core.money import Money
        >>> charge = ChargePosted(id="c1", account_id="A1", line_id="L1",
        ...                       effective=datetime.date(2024, 3, 1),
        ...                       amount=Money("80.00", "USD"), bucket=Bucket.PATIENT)
        >>> check_entries("A1", [charge])
        ('c1',)
        >>> check_entries("A1", [charge], existing_ids={"c1"})
        Traceback (most recent call last):
        ...
        billing_core.errors.DuplicateError: entry id 'c1' is already in the ledger of account 'A1'; nothing was appended
        >>> check_entries("A1", [charge, charge])
        Traceback (most recent call last):
        ...
        billing_core.errors.DuplicateError: entry id 'c1' appears twice in the entries for account 'A1'; nothing was appended
        >>> check_entries("A2", [charge])
        Traceback (most recent call last):
        ...
        ValueError: entry c1 belongs to account 'A1', not 'A2'; nothing was appended
    """  # noqa: E501
    ids: list[str] = []
    seen: set[str] = set()
    for entry in entries:
        if entry.account_id != account_id:
            raise ValueError(
                f"entry {entry.id} belongs to account {entry.account_id!r},"
                f" not {account_id!r}; nothing was appended"
            )
        if entry.id in seen:
            raise DuplicateError(
                f"entry id {entry.id!r} appears twice in the entries for account {account_id!r};"
                " nothing was appended"
            )
        if entry.id in existing_ids:
            raise DuplicateError(
                f"entry id {entry.id!r} is already in the ledger of account {account_id!r};"
                " nothing was appended"
            )
        seen.add(entry.id)
        ids.append(entry.id)
    return tuple(ids)


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
            ValueError: If ``field`` is not indexed for ``kind``.
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
        2. an account appears in two requests: raise ValueError;
        3. any account's ledger is not at its request's ``expected_version``:
           raise ConcurrencyError (naming every stale account);
        4. an entry's ``account_id`` differs from its request's, or its id is
           already in that ledger or twice in the request: raise ValueError /
           DuplicateError;
        5. write every entry of every request and the key with its result, and
           return each account's new version.

        [`check_requests`][], [`check_versions`][] and [`check_entries`][]
        make checks 2, 3 and 4 with the messages every store gives.

        When anything is raised nothing is written and the key stays unused,
        so the caller can re-read, re-plan and retry with the same key. An
        empty ``requests`` only records the key.

        Raises:
            ConcurrencyError: A ledger changed since its ``expected_version``.
            DuplicateError: An entry id is already in its ledger.
            ValueError: An entry belongs to another account, or an account
                appears twice.
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
            ValueError: An entry belongs to another account.

        Examples:
            >>> from billing_core.testing.memory import InMemoryStore
            >>> store = InMemoryStore()
            >>> store.append("A1", [], expected_version=0, idempotency_key="k")
            AppendResult(account_id='A1', version=0, entry_ids=(), duplicate=False)
            >>> store.append("A2", [], expected_version=0, idempotency_key="k")
            AppendResult(account_id='A2', version=0, entry_ids=(), duplicate=True)
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
