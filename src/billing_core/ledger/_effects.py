"""What each ledger entry does to the running totals: the one reading of entry effects (private).

Every entry has an [`Effect`][billing_core.ledger._effects.Effect], computed
once when the entry is built: its [`EffectKind`][billing_core.ledger._effects.EffectKind]
and the bucket, detail, party, account and currency it acts on. What a kind
*does* is written once, as data, in [`TERMS`][billing_core.ledger._effects.TERMS]:
which running totals it changes, keyed by which of its fields, and with which
sign. Every reader (the history rules, the balance folds, credits, the
waterfall, aging and statements) goes through ``Effect.terms``, so no rule is
written twice.

Amounts are not part of an effect: an entry contributes ``sign x amount`` to
each term. A [`Reversal`][billing_core.ledger.Reversal] shares its original's
effect and carries the negated amount, so a fold undoes the original without
looking it up.

Effects are interned (entries with the same effect share one object) and
hashed by identity, so the folds can sum minor units per effect in one dict
lookup per entry, and then interpret each distinct effect once. Interning is
only a speed-up: two equal effects that are different objects (one was freed
and built again) fold to the same totals.

The table is plain data on purpose: a columnar fold (one row per entry)
explodes each row into its kind's terms and groups by ``(total, key)``.

Examples:
    >>> import datetime
    >>> from billing_core.ledger import Bucket, Party, PaymentApplied
    >>> from billing_core.money import Money
    >>> paid = PaymentApplied(id="a1", account_id="A1", line_id="L1",
    ...                       effective=datetime.date(2024, 3, 1), amount=Money("50.00", "USD"),
    ...                       party=Party.patient("P1"), bucket=Bucket.PATIENT)
    >>> [(total.name, str(key), sign) for total, key, sign in effect(paid).terms]
    [('PAID_BY_PARTY', 'patient:****', 1), ('PAID_BY_BUCKET', 'patient', 1), \
('OPEN', 'patient', -1), ('CREDIT', 'patient:****', -1)]
"""

from __future__ import annotations

import datetime
import enum
import weakref
from collections.abc import Iterable, Mapping
from typing import Any, Final, TypeAlias, final

from billing_core._checks import check_date
from billing_core.ledger._buckets import Bucket, Party

__all__ = [
    "TERMS",
    "Effect",
    "EffectKind",
    "Role",
    "Term",
    "Total",
    "check_as_of",
    "effect",
    "effect_of",
    "sum_by_effect",
    "sum_by_line",
]


class EffectKind(enum.Enum):
    """What an entry does, whatever its type (a reversal has its original's kind)."""

    CHARGE = "charge"
    """Opens a line: the amount to a bucket."""
    RECEIVED = "received"
    """Money received from a party: its credit grows."""
    APPLIED = "applied"
    """A party's credit paid into a bucket of a line."""
    ADJUSTED = "adjusted"
    """A payer adjustment that leaves the line (CO, PI, OA without ``to_bucket``)."""
    MOVED = "moved"
    """An amount moved from one bucket to another (transfers, PR and OA adjustments)."""
    WRITTEN_OFF = "written_off"
    """A write-off, for a reason."""
    REFUND = "refund"
    """Money given back to a party out of its credit."""
    CREDIT_MOVED = "credit_moved"
    """A party's credit moved to another account (which receives it there)."""
    PROVIDER_PAID = "provider_paid"
    """A payer's provider-level money added to a payment (PLB interest, a balance carried)."""
    PROVIDER_WITHHELD = "provider_withheld"
    """A payer's provider-level money kept back from a payment (PLB recoupment, ...)."""
    APPEAL_HELD = "appeal_held"
    """A denied amount held open in a payer's bucket for appeal (moves no money)."""


class Total(enum.IntEnum):
    """A running total an effect changes; its value indexes a list of per-key sums.

    The totals of a line's balance come first (up to ``OPEN``), then a party's
    credit, then the totals of money on no line that is nobody's credit.
    """

    CHARGED = 0
    PAID_BY_PARTY = 1
    PAID_BY_BUCKET = 2
    ADJUSTED = 3
    WRITTEN_OFF = 4
    MOVED_OUT = 5
    MOVED_IN = 6
    OPEN = 7
    """What a line still owes, per bucket."""
    RECEIVED = 8
    REFUNDED = 9
    CREDIT = 10
    """A party's unapplied money: received - applied - refunded."""
    PROVIDER = 11
    """A payer's provider-level money on an account, as cash to the provider: paid - withheld."""
    APPEALED = 12
    """What of a bucket's open amount is held open for appeal."""


class Role(enum.Enum):
    """Which field of an effect keys a term's total."""

    NONE = "none"
    BUCKET = "bucket"
    DETAIL = "detail"
    PARTY = "party"


# The ledger's rules (DESIGN, "The responsibility ledger"), one row per kind. An
# APPLIED payment both shrinks the bucket it pays and uses up the payer's credit;
# a MOVED amount leaves ``bucket`` and enters ``detail`` (the target bucket), so
# its two OPEN terms cancel in a line's total: moves conserve money. A credit MOVED to
# another account leaves this one's received money and credit; the account it goes to
# receives it (RECEIVED), so over both accounts it is received once. Provider-level
# money (PROVIDER) and appeal holds (APPEALED) are nobody's credit and open no line.
TERMS: Final[Mapping[EffectKind, tuple[tuple[Total, Role, int], ...]]] = {
    EffectKind.CHARGE: ((Total.CHARGED, Role.NONE, 1), (Total.OPEN, Role.BUCKET, 1)),
    EffectKind.RECEIVED: ((Total.RECEIVED, Role.PARTY, 1), (Total.CREDIT, Role.PARTY, 1)),
    EffectKind.APPLIED: (
        (Total.PAID_BY_PARTY, Role.PARTY, 1),
        (Total.PAID_BY_BUCKET, Role.BUCKET, 1),
        (Total.OPEN, Role.BUCKET, -1),
        (Total.CREDIT, Role.PARTY, -1),
    ),
    EffectKind.ADJUSTED: ((Total.ADJUSTED, Role.DETAIL, 1), (Total.OPEN, Role.BUCKET, -1)),
    EffectKind.WRITTEN_OFF: ((Total.WRITTEN_OFF, Role.DETAIL, 1), (Total.OPEN, Role.BUCKET, -1)),
    EffectKind.MOVED: (
        (Total.MOVED_OUT, Role.BUCKET, 1),
        (Total.MOVED_IN, Role.DETAIL, 1),
        (Total.OPEN, Role.BUCKET, -1),
        (Total.OPEN, Role.DETAIL, 1),
    ),
    EffectKind.REFUND: ((Total.REFUNDED, Role.PARTY, 1), (Total.CREDIT, Role.PARTY, -1)),
    EffectKind.CREDIT_MOVED: ((Total.RECEIVED, Role.PARTY, -1), (Total.CREDIT, Role.PARTY, -1)),
    EffectKind.PROVIDER_PAID: ((Total.PROVIDER, Role.PARTY, 1),),
    EffectKind.PROVIDER_WITHHELD: ((Total.PROVIDER, Role.PARTY, -1),),
    EffectKind.APPEAL_HELD: ((Total.APPEALED, Role.BUCKET, 1),),
}

# TERMS with each role as its index in (None, bucket, detail, party): what Effect reads.
_ROLE_INDEX: Final = {Role.NONE: 0, Role.BUCKET: 1, Role.DETAIL: 2, Role.PARTY: 3}
_SHAPES: Final = {
    kind: tuple((total, _ROLE_INDEX[role], sign) for total, role, sign in terms)
    for kind, terms in TERMS.items()
}

Term: TypeAlias = tuple[Total, Any, int]
"""``(total, key, sign)``: the entry adds ``sign x amount`` to ``total[key]``."""


@final
class Effect:
    """One entry's effect: its kind and what it acts on, with the terms that follow.

    Build it with [`effect_of`][billing_core.ledger._effects.effect_of] (interned).
    Effects compare and hash by identity, for the folds: compare their fields
    to compare what two entries do.

    Attributes:
        kind: What the entry does.
        bucket: The bucket it acts on (``None`` for money on no line).
        detail: The group code (ADJUSTED), write-off reason (WRITTEN_OFF) or
            target bucket (MOVED); ``None`` otherwise.
        party: The paying party (RECEIVED, APPLIED, REFUND); ``None`` otherwise.
        account_id: The entry's account.
        currency: The entry's currency code.
        terms: ``(total, key, sign)`` for each running total it changes.
        balance_terms: The terms of the totals a balance shows (up to
            ``Total.OPEN``: not a party's credit).
        opens: The ``(bucket, sign)`` pairs of its OPEN terms.
        open_sign: Its effect on a line's total open balance: ``+1`` (charge),
            ``-1`` (paid, adjusted, written off) or ``0`` (moved, or no line).
    """

    __slots__ = (
        "__weakref__",
        "account_id",
        "balance_terms",
        "bucket",
        "currency",
        "detail",
        "kind",
        "open_sign",
        "opens",
        "party",
        "terms",
    )

    kind: EffectKind
    bucket: Bucket | None
    detail: Any
    party: Party | None
    account_id: str
    currency: str
    terms: tuple[Term, ...]
    balance_terms: tuple[Term, ...]
    opens: tuple[tuple[Bucket, int], ...]
    open_sign: int

    def __init__(
        self,
        kind: EffectKind,
        bucket: Bucket | None,
        detail: Any,
        party: Party | None,
        account_id: str,
        currency: str,
    ) -> None:
        _fill(self, kind, bucket, detail, party, account_id, currency)

    def __repr__(self) -> str:
        return (
            f"Effect({self.kind.value}, bucket={self.bucket}, detail={self.detail},"
            f" party={self.party}, account={self.account_id!r}, {self.currency})"
        )


_Shared: TypeAlias = tuple[tuple[Term, ...], tuple[Term, ...], tuple[tuple[Any, int], ...], int]


def _terms_of(kind: EffectKind, bucket: Any, detail: Any, party: Any) -> _Shared:
    """``terms``, ``balance_terms``, ``opens`` and ``open_sign`` of an effect (from TERMS)."""
    keys = (None, bucket, detail, party)
    terms: list[Term] = []
    balance: list[Term] = []
    opens: list[tuple[Any, int]] = []
    for total, index, sign in _SHAPES[kind]:
        term = (total, keys[index], sign)
        terms.append(term)
        if total <= Total.OPEN:
            balance.append(term)
            if total is Total.OPEN:
                opens.append((term[1], sign))
    return tuple(terms), tuple(balance), tuple(opens), sum(sign for _key, sign in opens)


def _fill(
    e: Effect,
    kind: EffectKind,
    bucket: Bucket | None,
    detail: Any,
    party: Party | None,
    account_id: str,
    currency: str,
) -> None:
    """Set an effect's fields, its terms computed from its kind, bucket, detail and party."""
    e.kind = kind
    e.bucket = bucket
    e.detail = detail
    e.party = party
    e.account_id = account_id
    e.currency = currency
    e.terms, e.balance_terms, e.opens, e.open_sign = _terms_of(kind, bucket, detail, party)


# Interned effects by key, held weakly: an effect is freed with the last entry that
# holds it (a long-running process sees new accounts and parties forever). The key
# holds plain strings: str hashes are cached, enum and attrs hashes run Python code.
# Plain weak references (a C call each, no callback): the dead ones are swept when
# the table has doubled since the last sweep, so it stays within twice the live ones.
_INTERNED: Final[dict[tuple[str, ...], weakref.ReferenceType[Effect]]] = {}
_SWEEP_AT = [1024]
# The terms of an effect depend on its kind, bucket, detail and party, not on its
# account or currency: effects of many accounts share them (fewer objects for the
# garbage collector to walk). Bounded: emptied when it outgrows _SHARED_MAX.
_SHARED: Final[dict[tuple[str, ...], _Shared]] = {}
_SHARED_MAX: Final = 4096
_new = object.__new__
_ref = weakref.ref


def _sweep() -> None:
    """Drop the references of freed effects; the next sweep when the table doubles."""
    for key, ref in list(_INTERNED.items()):
        if ref() is None and _INTERNED.get(key) is ref:
            # A thread may intern the key again in between: then an equal effect is
            # made once more, which folds the same (interning is only a speed-up).
            _INTERNED.pop(key, None)
    _SWEEP_AT[0] = max(1024, 2 * len(_INTERNED))


def effect_of(
    kind: EffectKind,
    bucket: Bucket | None,
    detail: enum.Enum | None,
    party: Party | None,
    account_id: str,
    currency: str,
) -> Effect:
    """The (interned) effect of an entry of ``kind`` on these fields.

    Examples:
        >>> from billing_core.ledger import Bucket
        >>> charge = effect_of(EffectKind.CHARGE, Bucket.PRIMARY, None, None, "A1", "USD")
        >>> charge is effect_of(EffectKind.CHARGE, Bucket.PRIMARY, None, None, "A1", "USD")
        True
        >>> charge.open_sign, charge.opens
        (1, ((<Bucket.PRIMARY: 'primary'>, 1),))
    """
    key = (
        kind._value_,
        "" if bucket is None else bucket._value_,
        "" if detail is None else detail._value_,
        "" if party is None else party.kind._value_,
        "" if party is None else party.id,
        account_id,
        currency,
    )
    ref = _INTERNED.get(key)
    found = None if ref is None else ref()
    if found is not None:
        return found
    # A new effect, with the terms of its kind, bucket, detail and party (shared).
    shared_key = key[:5]
    shared = _SHARED.get(shared_key)
    if shared is None:
        if len(_SHARED) >= _SHARED_MAX:
            _SHARED.clear()
        shared = _SHARED[shared_key] = _terms_of(kind, bucket, detail, party)
    # The fields set here rather than through _fill (a call with eight arguments, once
    # per new effect); Effect(...) fills through it and is the reference the tests use.
    made: Effect = _new(Effect)
    made.kind = kind
    made.bucket = bucket
    made.detail = detail
    made.party = party
    made.account_id = account_id
    made.currency = currency
    made.terms, made.balance_terms, made.opens, made.open_sign = shared
    _INTERNED[key] = _ref(made)
    if len(_INTERNED) > _SWEEP_AT[0]:
        _sweep()
    return made


def effect(entry: Any) -> Effect:
    """The effect of a ledger entry (computed when the entry was built).

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import Bucket, ChargePosted, reverse
        >>> from billing_core.money import Money
        >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
        ...                  effective=datetime.date(2024, 3, 1), amount=Money("9.00", "USD"),
        ...                  bucket=Bucket.PATIENT)
        >>> effect(reverse(c, id="r1", effective=c.effective)) is effect(c)
        True
    """
    found: Effect = entry._effect
    return found


def check_as_of(as_of: object) -> None:
    """Refuse an ``as_of`` that is not a plain date (every fold's one date check).

    Raises:
        TypeError: If ``as_of`` is not a ``datetime.date`` (or is a ``datetime``).

    Examples:
        >>> check_as_of(datetime.datetime(2024, 3, 1))
        Traceback (most recent call last):
        ...
        TypeError: as_of must be a datetime.date, got datetime.datetime(2024, 3, 1, 0, 0) (datetime)
    """
    check_date(as_of, "as_of")


def sum_by_effect(entries: Iterable[Any], as_of: datetime.date) -> dict[Effect, int]:
    """Signed minor units per effect, of the entries effective on or before ``as_of``.

    The hot loop of the account folds: one dict update per entry, no object built.

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import Bucket, ChargePosted
        >>> from billing_core.money import Money
        >>> day = datetime.date(2024, 3, 1)
        >>> charges = [ChargePosted(id=f"c{n}", account_id="A1", line_id=f"L{n}", effective=day,
        ...                         amount=Money("5.00", "USD"), bucket=Bucket.PATIENT)
        ...            for n in range(3)]
        >>> list(sum_by_effect(charges, day).values()), sum_by_effect(charges, day - day.resolution)
        ([1500], {})
    """
    check_as_of(as_of)
    sums: dict[Effect, int] = {}
    get = sums.get
    for e in entries:
        if e.effective <= as_of:
            k = e._effect
            sums[k] = get(k, 0) + e.amount.minor
    return sums


def sum_by_line(entries: Iterable[Any], as_of: datetime.date) -> dict[str, dict[Effect, int]]:
    """Signed minor units per line, then per effect; entries on no line are left out.

    The hot loop of the line folds (see ``sum_by_effect``).

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import Bucket, ChargePosted, Party, PaymentReceived
        >>> from billing_core.money import Money
        >>> day, usd = datetime.date(2024, 3, 1), Money("5.00", "USD")
        >>> entries = [
        ...     ChargePosted(id="c1", account_id="A1", line_id="L1", effective=day, amount=usd,
        ...                  bucket=Bucket.PATIENT),
        ...     PaymentReceived(id="p1", account_id="A1", effective=day, amount=usd,
        ...                     party=Party.patient("P1")),
        ... ]
        >>> {line: list(sums.values()) for line, sums in sum_by_line(entries, day).items()}
        {'L1': [500]}
    """
    check_as_of(as_of)
    per_line: dict[Any, dict[Effect, int]] = {}
    lget = per_line.get
    for e in entries:
        if e.effective <= as_of:
            sums = lget(e.line_id)
            if sums is None:
                sums = per_line[e.line_id] = {}
            k = e._effect
            sums[k] = sums.get(k, 0) + e.amount.minor
    per_line.pop(None, None)
    return per_line
