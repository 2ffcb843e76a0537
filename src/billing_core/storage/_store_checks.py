"""The checks every store makes, with the messages every store gives.

Private: everything here is public as [`billing_core.storage`][billing_core.storage].
An adapter calls them rather than writing its own, so the errors read the same
whatever the store.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from typing import Any

from billing_core._checks import describe
from billing_core.errors import ConcurrencyError, DuplicateError, Finding, ValidationError
from billing_core.ledger import Entry
from billing_core.storage._values import INDEXED_FIELDS, AppendRequest, kind_name


def check_find(kind: type[Any], field: str) -> None:
    """Refuse a [`DocumentStore.find`][] by a field that is not indexed for ``kind``.

    The fields are ``"id"`` and the kind's [`INDEXED_FIELDS`][]. Call it
    first in ``find``.

    Args:
        kind: The document kind (its class).
        field: The field asked for.

    Raises:
        ValidationError: If ``field`` is not indexed for ``kind`` (a
            ``ValueError``); the message lists the fields that are.

    Examples:
        >>> from billing_core.bills import Bill
        >>> check_find(Bill, "account_id")
        >>> check_find(Bill, "colour")
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: find: cannot find bill documents by 'colour'; indexed fields: id, account_id, patient_id
    """  # noqa: E501
    allowed = ("id", *INDEXED_FIELDS.get(kind_name(kind), ()))
    if field not in allowed:
        raise ValidationError(
            [
                Finding(
                    location="find",
                    message=f"cannot find {kind_name(kind)} documents by {field!r};"
                    f" indexed fields: {', '.join(allowed)}",
                    rule="storage.find_field",
                )
            ]
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
        ValidationError: Naming every account that appears in two requests
            (a ``ValueError``).

    Examples:
        >>> one = AppendRequest(account_id="A1", entries=[], expected_version=0)
        >>> check_requests([one])
        (AppendRequest(account_id='****', entries=(), expected_version=0),)
        >>> check_requests([one, one])
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: batch: account 'A1' appears twice in the batch; nothing was appended
    """  # noqa: E501
    batch = tuple(requests)
    seen: set[str] = set()
    twice: list[str] = []
    for request in batch:
        if not isinstance(request, AppendRequest):
            raise TypeError(f"a batch holds AppendRequest values, got {describe(request)}")
        if request.account_id in seen and request.account_id not in twice:
            twice.append(request.account_id)
        seen.add(request.account_id)
    if twice:
        raise ValidationError(
            Finding(
                location="batch",
                message=f"account {account!r} appears twice in the batch; nothing was appended",
                rule="storage.account_twice",
            )
            for account in twice
        )
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
        ValidationError: Naming every entry that belongs to another account
            (a ``ValueError``).
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
        billing_core.errors.ValidationError: entry c1: belongs to account 'A1', not 'A2'; nothing was appended
    """  # noqa: E501
    given = tuple(entries)
    foreign = [
        Finding(
            location=f"entry {entry.id}",
            message=f"belongs to account {entry.account_id!r}, not {account_id!r};"
            " nothing was appended",
            rule="storage.entry_account",
        )
        for entry in given
        if entry.account_id != account_id
    ]
    if foreign:
        raise ValidationError(foreign)
    ids: list[str] = []
    seen: set[str] = set()
    for entry in given:
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
