"""The one shape of every workflow: read, plan and check, write documents, append once, retry.

Private: the workflows of [`billing_core.workflows`][billing_core.workflows] are
written on it. A workflow gives [`run`][billing_core.workflows._skeleton.run] a
``plan`` function. Each attempt, ``plan`` reads the ledgers it needs
([`read`][billing_core.workflows._skeleton.read]), computes with the pure
functions, makes every check (the batch's accounts are checked whole by
[`Snapshot.append`][billing_core.workflows._skeleton.Snapshot.append]), and only
then stores its documents; it returns a [`Step`][billing_core.workflows._skeleton.Step]:
an [`Append`][billing_core.workflows._skeleton.Append] to make, work found
[`Done`][billing_core.workflows._skeleton.Done] already, or nothing. ``run`` appends,
checks that the store kept the batch whole, and retries the attempt (re-read,
re-plan) when a concurrent writer got there first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Generic, TypeVar

import attrs

from billing_core.errors import (
    DuplicateError,
    Finding,
    IncompleteBatchError,
    NotFoundError,
    Severity,
    ValidationError,
)
from billing_core.ledger import Entry, validate_history
from billing_core.storage import (
    AppendRequest,
    BatchResult,
    D,
    DocumentStore,
    LedgerStore,
    Versioned,
    kind_name,
    recorded_batch,
)
from billing_core.workflows._retry import Backoff, retrying

R = TypeVar("R")


@attrs.frozen(kw_only=True)
class Append:
    """A batch to append: one request per account read, under the workflow's key."""

    requests: tuple[AppendRequest, ...]
    key: str

    @property
    def entries(self) -> tuple[Entry, ...]:
        """The new entries, account by account."""
        return tuple(e for r in self.requests for e in r.entries)


@attrs.frozen(kw_only=True)
class Done:
    """Nothing to append: the ledgers already hold the work.

    Attributes:
        key: The key the work is appended under; when the store recorded it,
            its batch is checked whole. ``None`` when the workflow checked.
    """

    key: str | None = None


@attrs.frozen
class Snapshot:
    """The ledgers one attempt read: each account's entries and version."""

    ledgers: Mapping[str, tuple[tuple[Entry, ...], int]]

    def history(self, account_id: str) -> tuple[Entry, ...]:
        """One account's entries (none if it was not read)."""
        found = self.ledgers.get(account_id)
        return () if found is None else found[0]

    @property
    def entries(self) -> list[Entry]:
        """Every entry read, account by account."""
        return [e for entries, _ in self.ledgers.values() for e in entries]

    def append(self, new: Iterable[Entry], key: str) -> Append:
        """The batch appending ``new``: one request per account read, each at its version.

        An account read but given nothing still has its version checked. Every
        account that gets entries is checked whole, its history plus the new
        entries ([`validate_history`][billing_core.ledger.validate_history]): a
        back-dated refund, write-off or posting that would leave a bucket or a
        credit negative on some later day is refused here, before anything is
        written, as is an entry in another currency than the account's.

        Raises:
            ValidationError: With every finding, if an account would become invalid,
                or gets entries without having been read (its version and history
                are unknown: read every account a batch touches, payer-level ones too).
        """
        # Every account read gets a request, even with no entries: its version check makes the
        # batch fail if what the plan read there has changed since.
        by_account: dict[str, list[Entry]] = {a: [] for a in self.ledgers}
        for entry in new:
            by_account.setdefault(entry.account_id, []).append(entry)
        unread = [
            Finding(
                location=f"account {account}",
                message="the batch has entries for it but it was not read",
                rule="workflow.account_not_read",
            )
            for account in by_account
            if account not in self.ledgers
        ]
        # An account not read has no version to check: appending to it could interleave
        # with another writer unseen, which optimistic concurrency exists to prevent.
        if unread:
            raise ValidationError(unread)
        findings = [
            finding
            for account, entries in by_account.items()
            if entries
            for finding in validate_history([*self.history(account), *entries])
            if finding.severity is Severity.ERROR
        ]
        if findings:
            raise ValidationError(findings)
        requests = (
            AppendRequest(
                account_id=account, entries=entries, expected_version=self.ledgers[account][1]
            )
            for account, entries in by_account.items()
        )
        return Append(requests=tuple(requests), key=key)


def read(store: LedgerStore, accounts: Iterable[str]) -> Snapshot:
    """Read each account's ledger once, in the order given."""
    return Snapshot({a: store.read(a) for a in dict.fromkeys(accounts)})


@attrs.frozen(kw_only=True)
class Outcome:
    """What [`run`][billing_core.workflows._skeleton.run] did with a step's action."""

    written: tuple[Entry, ...]
    batch: BatchResult | None
    duplicate: bool
    attempts: int

    def fields(self) -> dict[str, Any]:
        """The outcome as the keyword arguments of a WorkflowResult."""
        return attrs.asdict(self, recurse=False)


@attrs.frozen(kw_only=True)
class Step(Generic[R]):
    """What one attempt decided, and how to turn what was done into the result."""

    action: Append | Done | None
    finish: Callable[[Outcome], R]


def run(
    store: LedgerStore, plan: Callable[[], Step[R]], *, max_attempts: int, backoff: Backoff
) -> R:
    """Plan and settle until no concurrent writer interferes, at most ``max_attempts`` times.

    Raises:
        IncompleteBatchError: The store kept part of a batch (see [`check_whole`][]).
        ConcurrencyError: Still losing to concurrent writers after ``max_attempts``.
    """

    def attempt(n: int) -> R:
        step = plan()
        return step.finish(_settle(store, step.action, n))

    return retrying(max_attempts, backoff, attempt)


def _settle(store: LedgerStore, action: Append | Done | None, attempts: int) -> Outcome:
    if action is None:
        return Outcome(written=(), batch=None, duplicate=False, attempts=attempts)
    if isinstance(action, Done):
        if action.key is not None:
            check_whole(store, recorded_batch(store, action.key), action.key)
        return Outcome(written=(), batch=None, duplicate=True, attempts=attempts)
    batch = store.append_batch(action.requests, action.key)
    # The key was seen before (a retry after a lost reply, or another process): the store
    # appended nothing, so report the earlier batch, after checking it is really whole.
    if batch.duplicate:
        check_whole(store, batch, action.key)
        return Outcome(written=(), batch=batch, duplicate=True, attempts=attempts)
    # Trust the store's answer only once it names exactly what was asked: an adapter that
    # silently dropped an account would otherwise pass for a success.
    _check_reply(action, batch)
    return Outcome(written=action.entries, batch=batch, duplicate=False, attempts=attempts)


def check_whole(store: LedgerStore, batch: BatchResult | None, key: str) -> None:
    """Refuse to call a batch done when an entry it recorded is not on its ledger.

    A store that is all-or-nothing never leaves one; one that is not may
    record a key and lose entries. Saying "already done" then would hide money
    that is missing, so this says what is missing, where.

    Raises:
        IncompleteBatchError: Naming each account and its missing entry ids.
    """
    if batch is None:
        return
    missing = []
    for result in batch.results:
        # Read again rather than trusted: the point is to catch a store whose record of the
        # batch and whose ledgers disagree.
        on_ledger = {e.id for e in store.read(result.account_id)[0]}
        gone = [i for i in result.entry_ids if i not in on_ledger]
        if gone:
            missing.append(f"account {result.account_id}: {', '.join(gone)}")
    if missing:
        raise IncompleteBatchError(
            f"the store recorded batch {key!r} as written, but entries are missing from its"
            f" ledgers ({'; '.join(missing)}): it broke all-or-nothing; nothing was written now"
        )


def _check_reply(action: Append, batch: BatchResult) -> None:
    """A store's answer to a new batch must cover every account and entry asked for."""
    asked = {r.account_id: tuple(e.id for e in r.entries) for r in action.requests}
    answered = {r.account_id: r.entry_ids for r in batch.results}
    wrong = sorted(a for a in asked.keys() | answered.keys() if asked.get(a) != answered.get(a))
    if wrong:
        raise IncompleteBatchError(
            f"the store answered batch {action.key!r} with a result that does not match it on"
            f" account {', '.join(wrong)}: it broke all-or-nothing; check those ledgers"
        )


def _shown(entry: Entry) -> str:
    party = getattr(entry, "party", None)
    by = f" for {party}" if party is not None else ""
    return f"{type(entry).__name__} of {entry.amount} on {entry.effective}{by}"


def recorded(history: Iterable[Entry], expected: Entry) -> bool:
    """Whether ``expected`` is already in ``history``: same id and same content.

    The same id with other content is not a retry but a second, different
    entry reusing the id; it is refused rather than taken for the first.

    Raises:
        DuplicateError: Naming both entries, when the id is taken by a different one.
    """
    earlier = next((e for e in history if e.id == expected.id), None)
    if earlier is None:
        return False
    if earlier == expected:
        return True
    raise DuplicateError(
        f"entry id {expected.id!r} is already used on account {earlier.account_id} by a"
        f" {_shown(earlier)}; this {_shown(expected)} is a different entry: give it its own id;"
        " nothing was written"
    )


def storing(
    store: DocumentStore,
    document: D,
    *,
    replaceable: Callable[[D], bool] = lambda stored: False,
) -> Callable[[], Versioned[D]]:
    """Check that a document can be stored now; return the write, to make after every check.

    An equal document already stored is kept (a retry); a stored one that
    ``replaceable`` accepts (a draft) is replaced; any other is refused.

    Raises:
        DuplicateError: A different document of that kind and id is stored.
    """
    kind = type(document)
    try:
        current: Versioned[D] | None = store.get(kind, document.id)
    except NotFoundError:
        current = None

    def refuse() -> DuplicateError:
        return DuplicateError(
            f"a different {kind_name(kind)} with id {document.id!r} is already stored;"
            " nothing was stored or posted"
        )

    # Refused now, before the ledger is written: the write itself is deferred to after
    # every check, so a refusal here leaves nothing half-stored.
    if current is not None and current.value != document and not replaceable(current.value):
        raise refuse()

    def write() -> Versioned[D]:
        if current is None:
            try:
                return store.add(document)
            # Another writer stored it between our read and our add: an equal document is the
            # same retry winning the race, a different one is a real conflict.
            except DuplicateError:  # added since it was read: only an equal one will do
                now = store.get(kind, document.id)
                if now.value != document:
                    raise refuse() from None
                return now
        if current.value == document:
            return current
        return store.replace(document, expected_version=current.version)

    return write
