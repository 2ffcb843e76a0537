"""Balances: pure folds over ledger entries, as of a date.

Every function here takes the entries ([`ledger`][billing_core.ledger]) and an
``as_of`` date, and counts only entries effective on or before it. Nothing is
stored: a balance is recomputed from the history whenever it is asked for, so it
can be asked as of any date, and folding the same entries in any order gives
the same result.

- [`line_balances`][]: per line item, what was charged, paid by each party
  and from each bucket, adjusted, written off, transferred, and what is open in
  each bucket;
- [`group_balance`][] (a claim's or bill's lines), [`account_balance`][]
  and [`account_balances`][]: the same rolled up;
- [`credits`][]: each party's unapplied money: received, applied, refunded
  and available;
- [`explain`][]: a line's waterfall, charge -> adjustments -> payments ->
  transfers -> write-offs -> open by bucket, as rows and as text.

Invariants (property-tested): per line ``charged == paid + adjusted +
written_off + balance``; transfers conserve (``transferred_in`` and
``transferred_out`` have the same total); the buckets of ``open`` add up to
``balance``; a credit is ``received - applied - refunded`` and never negative
in a valid history.

The folds loop once over the entries adding integer minor units into dicts, and
build [`Money`][billing_core.money.Money] values at the end. They trust their
input (see [`check_history`][billing_core.ledger.check_history]), but still refuse mixed
currencies in an account and a line that was never charged.

Examples:
    >>> import datetime
    >>> from billing_core.money import Money
    >>> from billing_core.ledger import Bucket, ChargePosted, Party, PaymentApplied, PaymentReceived
    >>> day = datetime.date(2024, 3, 1)
    >>> pat = Party.patient("P1")
    >>> history = [
    ...     ChargePosted(id="c1", account_id="A1", line_id="L1", effective=day,
    ...                  amount=Money("80.00", "USD"), bucket=Bucket.PATIENT),
    ...     PaymentReceived(id="p1", account_id="A1", effective=day,
    ...                     amount=Money("100.00", "USD"), party=pat),
    ...     PaymentApplied(id="a1", account_id="A1", line_id="L1", effective=day,
    ...                    amount=Money("80.00", "USD"), party=pat, bucket=Bucket.PATIENT),
    ... ]
    >>> line_balances(history, day)["L1"].balance
    Money('0.00', 'USD')
    >>> credits(history, day)[pat].available
    Money('20.00', 'USD')
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Collection, Hashable, Iterable, Iterator, Mapping
from typing import Any, Generic, TypeVar, cast, final

import attrs

from billing_core.codes import GroupCode
from billing_core.errors import (
    CurrencyMismatchError,
    Finding,
    InvalidAmountError,
    NotFoundError,
    ValidationError,
)
from billing_core.ledger import (
    _K_ADJUSTED,
    _K_APPLIED,
    _K_CHARGE,
    _K_MOVED,
    _K_RECEIVED,
    _K_REFUND,
    _K_WRITTEN_OFF,
    Adjustment,
    Bucket,
    ChargePosted,
    Entry,
    Party,
    PartyKind,
    PaymentApplied,
    Reversal,
    Transfer,
    WriteOff,
    WriteOffReason,
    _decode_key,
)
from billing_core.money import Money, _make, format_money
from billing_core.views import Record, html_table, mask_identifier

__all__ = [
    "Amounts",
    "Balance",
    "Credit",
    "Explanation",
    "ExplanationRow",
    "LineBalance",
    "account_balance",
    "account_balances",
    "credits",
    "explain",
    "group_balance",
    "line_balances",
]

K = TypeVar("K", bound=Hashable)


_RANK: dict[object, tuple[int, int, str]] = {
    member: (0, n, "")
    for kind in (Bucket, GroupCode, WriteOffReason)
    for n, member in enumerate(kind)
}


def _order(key: object) -> tuple[int, int, str]:
    rank = _RANK.get(key) if isinstance(key, enum.Enum) else None
    if rank is not None:
        return rank
    if isinstance(key, enum.Enum):
        return (0, list(type(key)).index(key), "")
    if isinstance(key, Party):  # payers first, then the patient
        return (1, list(PartyKind).index(key.kind), key.id)
    return (2, 0, str(key))


_new = object.__new__
_setattr = object.__setattr__


@final
class Amounts(Mapping[K, Money], Generic[K]):
    """An immutable, hashable mapping of keys (buckets, parties, codes) to amounts.

    Zero amounts are left out, so two mappings with the same non-zero amounts
    are equal however they were built. [`of`][] gives zero for a key that is
    not there; indexing raises ``KeyError`` like any mapping. Iteration is in a
    stable order (enum members in definition order, payers before patients,
    other keys by text).

    Args:
        amounts: A mapping or ``(key, Money)`` pairs; amounts of a repeated key
            are added.
        currency: The currency of every amount (needed when there are none).

    Raises:
        CurrencyMismatchError: If an amount is in another currency.

    Examples:
        >>> from billing_core.ledger import Bucket
        >>> usd = lambda s: Money(s, "USD")
        >>> a = Amounts({Bucket.PATIENT: usd("20.00"), Bucket.PRIMARY: usd("0.00")}, currency="USD")
        >>> dict(a)
        {<Bucket.PATIENT: 'patient'>: Money('20.00', 'USD')}
        >>> a.of(Bucket.PRIMARY), a.total()
        (Money('0.00', 'USD'), Money('20.00', 'USD'))
    """

    __slots__ = ("_currency", "_data")

    _data: dict[K, Money]
    _currency: str

    def __init__(
        self,
        amounts: Mapping[K, Money] | Iterable[tuple[K, Money]] = (),
        *,
        currency: str,
    ) -> None:
        pairs = amounts.items() if isinstance(amounts, Mapping) else amounts
        minors: dict[K, int] = {}
        for key, money in pairs:
            if not isinstance(money, Money):
                raise TypeError(f"amount for {key!r} must be a Money, got {money!r}")
            if money.currency != currency:
                raise CurrencyMismatchError(
                    f"amount for {key} is in {money.currency}, expected {currency}"
                )
            minors[key] = minors.get(key, 0) + money.minor
        self._init(minors, Money.zero(currency).currency)

    def _init(self, minors: Mapping[K, int], currency: str) -> None:
        data: dict[K, Money]
        if len(minors) == 1:
            # The common case in the folds: one key (one bucket, one payer).
            ((key, minor),) = minors.items()
            data = {key: _make(minor, currency)} if minor else {}
        elif minors:
            keys = [k for k, v in minors.items() if v]
            if len(keys) > 1:
                keys.sort(key=_order)
            data = {k: _make(minors[k], currency) for k in keys}
        else:
            data = {}
        _setattr(self, "_data", data)
        _setattr(self, "_currency", currency)

    @classmethod
    def _from_minor(cls, minors: Mapping[K, int], currency: str) -> Amounts[K]:
        if not minors:
            # Immutable, so one empty mapping per currency serves every balance.
            empty = _EMPTY.get(currency)
            if empty is None:
                empty = _EMPTY[currency] = _new(cls)
                empty._init(minors, currency)
            return empty
        new = _new(cls)
        new._init(minors, currency)
        return new

    @property
    def currency(self) -> str:
        """The currency of the amounts.

        Examples:
            >>> Amounts(currency="EUR").currency
            'EUR'
        """
        return self._currency

    def __getitem__(self, key: K) -> Money:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Amounts is immutable; cannot set {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Amounts):
            return NotImplemented
        return self._currency == other._currency and self._data == other._data

    def __hash__(self) -> int:
        return hash((self._currency, frozenset(self._data.items())))

    def __repr__(self) -> str:
        return f"Amounts({self._data!r}, currency={self._currency!r})"

    def of(self, key: K) -> Money:
        """The amount for ``key``, zero if there is none.

        Examples:
            >>> from billing_core.ledger import Bucket
            >>> Amounts(currency="USD").of(Bucket.PATIENT)
            Money('0.00', 'USD')
        """
        found = self._data.get(key)
        return found if found is not None else Money.zero(self._currency)

    def total(self) -> Money:
        """The sum of all amounts.

        Examples:
            >>> two = [("a", Money("1", "USD")), ("b", Money("2", "USD"))]
            >>> Amounts(two, currency="USD").total()
            Money('3.00', 'USD')
        """
        return Money.from_minor(sum(m.minor for m in self._data.values()), self._currency)


_EMPTY: dict[str, Amounts[Any]] = {}


@attrs.frozen(kw_only=True)
class Balance:
    """The money of one line or a group of lines, as of a date.

    Attributes:
        currency: The currency of every amount.
        charged: Total charges posted.
        paid_by_party: Payments applied, per paying party.
        paid_by_bucket: Payments applied, per bucket they reduced.
        adjusted_by_group: Adjustments written off (CO, PI, and OA without a
            transfer), per group code.
        written_off_by_reason: Write-offs, per reason.
        transferred_out: Amounts moved out of each bucket (transfers, and PR
            or OA adjustments that transfer).
        transferred_in: Amounts moved into each bucket.
        open: What is still owed, per bucket.

    Examples:
        >>> b = Balance.empty("USD")
        >>> b.charged, b.balance
        (Money('0.00', 'USD'), Money('0.00', 'USD'))
    """

    currency: str
    charged: Money
    paid_by_party: Amounts[Party]
    paid_by_bucket: Amounts[Bucket]
    adjusted_by_group: Amounts[GroupCode]
    written_off_by_reason: Amounts[WriteOffReason]
    transferred_out: Amounts[Bucket]
    transferred_in: Amounts[Bucket]
    open: Amounts[Bucket]

    @classmethod
    def empty(cls, currency: str) -> Balance:
        """A balance with nothing in it.

        Examples:
            >>> Balance.empty("USD").open.total()
            Money('0.00', 'USD')
        """
        return _Acc().build_balance(Money.zero(currency).currency)

    @property
    def paid(self) -> Money:
        """Total payments applied.

        Examples:
            >>> Balance.empty("USD").paid
            Money('0.00', 'USD')
        """
        return self.paid_by_bucket.total()

    @property
    def adjusted(self) -> Money:
        """Total adjustments written off (CO, PI, OA written off).

        Examples:
            >>> Balance.empty("USD").adjusted
            Money('0.00', 'USD')
        """
        return self.adjusted_by_group.total()

    @property
    def written_off(self) -> Money:
        """Total write-offs.

        Examples:
            >>> Balance.empty("USD").written_off
            Money('0.00', 'USD')
        """
        return self.written_off_by_reason.total()

    @property
    def transferred(self) -> Money:
        """Total moved between buckets (equal to the total moved in).

        Examples:
            >>> Balance.empty("USD").transferred
            Money('0.00', 'USD')
        """
        return self.transferred_out.total()

    @property
    def balance(self) -> Money:
        """Total still open, all buckets together.

        Examples:
            >>> Balance.empty("USD").balance
            Money('0.00', 'USD')
        """
        return self.open.total()

    @property
    def insurance_open(self) -> Money:
        """Open in the coverage buckets.

        Examples:
            >>> Balance.empty("USD").insurance_open
            Money('0.00', 'USD')
        """
        return self.balance - self.patient_open

    @property
    def patient_open(self) -> Money:
        """Open in the patient bucket.

        Examples:
            >>> Balance.empty("USD").patient_open
            Money('0.00', 'USD')
        """
        return self.open.of(Bucket.PATIENT)

    @property
    def insurance_paid(self) -> Money:
        """Paid out of the coverage buckets (by payers).

        Examples:
            >>> Balance.empty("USD").insurance_paid
            Money('0.00', 'USD')
        """
        return self.paid - self.patient_paid

    @property
    def patient_paid(self) -> Money:
        """Paid out of the patient bucket (by the patient or guarantor).

        Examples:
            >>> Balance.empty("USD").patient_paid
            Money('0.00', 'USD')
        """
        return self.paid_by_bucket.of(Bucket.PATIENT)


@attrs.frozen(kw_only=True)
class LineBalance(Balance):
    """The balance of one line item (see [`Balance`][] for the amounts).

    Attributes:
        line_id: The line item.
        account_id: Its account.

    Examples:
        >>> import datetime
        >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
        ...                  effective=datetime.date(2024, 1, 5),
        ...                  amount=Money("150.00", "USD"), bucket=Bucket.PRIMARY)
        >>> lb = line_balances([c], datetime.date(2024, 1, 5))["L1"]
        >>> lb.line_id, lb.open.of(Bucket.PRIMARY)
        ('L1', Money('150.00', 'USD'))
    """

    line_id: str
    account_id: str


@attrs.frozen(kw_only=True)
class Credit:
    """A party's unapplied money on an account, as of a date.

    Attributes:
        account_id: The account.
        party: Whose money it is.
        received: Payments received.
        applied: Applied to lines.
        refunded: Given back.

    Examples:
        >>> usd = lambda s: Money(s, "USD")
        >>> Credit(account_id="A1", party=Party.patient("P1"), received=usd("100"),
        ...        applied=usd("60"), refunded=usd("15")).available
        Money('25.00', 'USD')
    """

    account_id: str
    party: Party
    received: Money
    applied: Money
    refunded: Money

    @property
    def available(self) -> Money:
        """What can still be applied or refunded: ``received - applied - refunded``.

        Examples:
            >>> z = Money("0", "USD")
            >>> Credit(account_id="A", party=Party.payer("X"), received=z, applied=z,
            ...        refunded=z).available
            Money('0.00', 'USD')
        """
        return self.received - self.applied - self.refunded


# --------------------------------------------------------------------------- the fold


class _Acc:
    """Integer accumulators for one line or a group, filled from fold keys."""

    __slots__ = ("adj", "charged", "open", "paid_bucket", "paid_party", "tin", "tout", "wo")

    def __init__(self) -> None:
        self.charged = 0
        self.paid_party: dict[Party, int] = {}
        self.paid_bucket: dict[Bucket, int] = {}
        self.adj: dict[GroupCode, int] = {}
        self.wo: dict[WriteOffReason, int] = {}
        self.tout: dict[Bucket, int] = {}
        self.tin: dict[Bucket, int] = {}
        self.open: dict[Bucket, int] = {}

    def add(self, effect: _Effect, m: int) -> None:
        kind, bucket, detail, party = effect.kind, effect.bucket, effect.detail, effect.party
        opens = self.open
        if kind == _K_CHARGE:
            self.charged += m
            opens[bucket] = opens.get(bucket, 0) + m
        elif kind == _K_APPLIED:
            self.paid_party[party] = self.paid_party.get(party, 0) + m
            self.paid_bucket[bucket] = self.paid_bucket.get(bucket, 0) + m
            opens[bucket] = opens.get(bucket, 0) - m
        elif kind == _K_ADJUSTED:
            self.adj[detail] = self.adj.get(detail, 0) + m
            opens[bucket] = opens.get(bucket, 0) - m
        elif kind == _K_WRITTEN_OFF:
            self.wo[detail] = self.wo.get(detail, 0) + m
            opens[bucket] = opens.get(bucket, 0) - m
        elif kind == _K_MOVED:
            self.tout[bucket] = self.tout.get(bucket, 0) + m
            self.tin[detail] = self.tin.get(detail, 0) + m
            opens[bucket] = opens.get(bucket, 0) - m
            opens[detail] = opens.get(detail, 0) + m

    def fill(self, balance: Balance, currency: str) -> None:
        """Set every [`Balance`][] field of a new, empty ``balance`` from the sums.

        The folds build balances this way (one object, no keyword arguments)
        because they build one per line; [`Balance`][] has no validators or
        converters to skip (``test_fast_built_balances_equal_constructed_ones``).
        """
        amounts = Amounts._from_minor
        _setattr(balance, "currency", currency)
        _setattr(balance, "charged", _make(self.charged, currency))
        _setattr(balance, "paid_by_party", amounts(self.paid_party, currency))
        _setattr(balance, "paid_by_bucket", amounts(self.paid_bucket, currency))
        _setattr(balance, "adjusted_by_group", amounts(self.adj, currency))
        _setattr(balance, "written_off_by_reason", amounts(self.wo, currency))
        _setattr(balance, "transferred_out", amounts(self.tout, currency))
        _setattr(balance, "transferred_in", amounts(self.tin, currency))
        _setattr(balance, "open", amounts(self.open, currency))

    def build_balance(self, currency: str) -> Balance:
        balance = _new(Balance)
        self.fill(balance, currency)
        return balance

    def build_line_balance(self, currency: str, line_id: str, account_id: str) -> LineBalance:
        balance = _new(LineBalance)
        self.fill(balance, currency)
        _setattr(balance, "line_id", line_id)
        _setattr(balance, "account_id", account_id)
        return balance


@attrs.frozen
class _Effect:
    kind: str
    bucket: Any  # Bucket, or None for line-less entries
    detail: Any  # GroupCode, WriteOffReason or Bucket, by kind
    currency: str
    party: Any  # Party or None
    account_id: str


class _Decoder(dict[str, _Effect]):
    """Decodes fold keys once per call (many entries share a key)."""

    def __missing__(self, key: str) -> _Effect:
        kind, bucket, detail, currency, party, account_id = _decode_key(key)
        value: Any = detail
        if kind == _K_ADJUSTED:
            value = GroupCode(detail)
        elif kind == _K_WRITTEN_OFF:
            value = WriteOffReason(detail)
        elif kind == _K_MOVED:
            value = Bucket(detail)
        effect = _Effect(
            kind=kind,
            bucket=Bucket(bucket) if bucket else None,
            detail=value,
            # The code split out of the key is a new string: swap in the canonical
            # code object every Money shares (amounts are built with _make).
            currency=Money.zero(currency).currency,
            party=party,
            account_id=account_id,
        )
        self[key] = effect
        return effect


def _fold(entries: Iterable[Entry], as_of: datetime.date) -> dict[str, int]:
    """Sum signed minor units per fold key (kind, buckets, party, account, currency)."""
    _check_as_of(as_of)
    sums: dict[str, int] = {}
    get = sums.get
    for e in entries:
        if e.effective <= as_of:
            k = e._key
            sums[k] = get(k, 0) + e.amount.minor
    return sums


def _check_as_of(as_of: object) -> None:
    if type(as_of) is not datetime.date:
        raise TypeError(f"as_of must be a datetime.date, got {as_of!r}")


def _currency_of(account_id: str, currencies: set[str]) -> str:
    if len(currencies) > 1:
        raise CurrencyMismatchError(
            f"account {account_id} has entries in several currencies:"
            f" {', '.join(sorted(currencies))}"
        )
    return next(iter(currencies))


def line_balances(entries: Iterable[Entry], as_of: datetime.date) -> dict[str, LineBalance]:
    """The balance of every line item the entries touch, as of a date.

    Args:
        entries: A history (of one account or several).
        as_of: Only entries effective on or before it count.

    Returns:
        ``{line_id: LineBalance}``, for every line with an entry by ``as_of``.

    Raises:
        NotFoundError: If an entry touches a line with no charge by ``as_of``.
        CurrencyMismatchError: If a line has entries in two currencies.
        ValidationError: If a line's entries name two accounts.

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import Adjustment
        >>> d1, d2 = datetime.date(2024, 1, 5), datetime.date(2024, 2, 1)
        >>> history = [
        ...     ChargePosted(id="c1", account_id="A1", line_id="L1", effective=d1,
        ...                  amount=Money("150.00", "USD"), bucket=Bucket.PRIMARY),
        ...     Adjustment(id="j1", account_id="A1", line_id="L1", effective=d2,
        ...                amount=Money("50.00", "USD"), bucket=Bucket.PRIMARY,
        ...                group=GroupCode.CO, reason="45"),
        ... ]
        >>> line_balances(history, d1)["L1"].balance
        Money('150.00', 'USD')
        >>> line_balances(history, d2)["L1"].balance
        Money('100.00', 'USD')
    """
    _check_as_of(as_of)
    decoder = _Decoder()
    result: dict[str, LineBalance] = {}
    for line_id, sums in _fold_lines(entries, as_of).items():
        acc = _Acc()
        currency, account_id = _add_line(line_id, sums, decoder, acc)
        result[line_id] = acc.build_line_balance(currency, line_id, account_id)
    return result


def _fold_lines(entries: Iterable[Entry], as_of: datetime.date) -> dict[str, dict[str, int]]:
    """Sum signed minor units per line, then per fold key; line-less entries are skipped."""
    per_line: dict[str | None, dict[str, int]] = {}
    lget = per_line.get
    for e in entries:
        if e.effective <= as_of:
            sums = lget(e.line_id)
            if sums is None:
                sums = per_line[e.line_id] = {}
            k = e._key
            sums[k] = sums.get(k, 0) + e.amount.minor
    per_line.pop(None, None)
    return cast("dict[str, dict[str, int]]", per_line)  # the None key is gone


def _add_line(
    line_id: str, sums: Mapping[str, int], decoder: _Decoder, acc: _Acc
) -> tuple[str, str]:
    """Add one line's sums to ``acc``, checking the line; return its currency and account."""
    effects = [(decoder[key], m) for key, m in sums.items()]
    first = effects[0][0]
    currency, account_id = first.currency, first.account_id
    currencies = {currency}
    accounts = {account_id}
    has_charge = False
    for effect, m in effects:
        if effect.currency != currency or effect.account_id != account_id:
            currencies.add(effect.currency)
            accounts.add(effect.account_id)
        if effect.kind == _K_CHARGE:
            has_charge = True
        acc.add(effect, m)
    if not has_charge:
        raise NotFoundError(
            f"line {line_id} has entries but no charge: post its ChargePosted first"
        )
    if len(accounts) > 1:
        raise ValidationError(
            [
                Finding(
                    location=f"line {line_id}",
                    message=f"entries name several accounts: {', '.join(sorted(accounts))}",
                    rule="history.line_account",
                )
            ]
        )
    (account_id,) = accounts
    return _currency_of(account_id, currencies), account_id


def _rollup(sums: Mapping[str, int], decoder: _Decoder) -> dict[str, tuple[_Acc, set[str]]]:
    by_account: dict[str, tuple[_Acc, set[str]]] = {}
    for key, m in sums.items():
        effect = decoder[key]
        slot = by_account.get(effect.account_id)
        if slot is None:
            slot = by_account[effect.account_id] = (_Acc(), set())
        slot[1].add(effect.currency)
        slot[0].add(effect, m)
    return by_account


def account_balances(entries: Iterable[Entry], as_of: datetime.date) -> dict[str, Balance]:
    """The rolled-up balance of every account the entries belong to, as of a date.

    Args:
        entries: A history.
        as_of: Only entries effective on or before it count.

    Returns:
        ``{account_id: Balance}``.

    Raises:
        CurrencyMismatchError: If an account has entries in two currencies.

    Examples:
        >>> import datetime
        >>> day = datetime.date(2024, 1, 5)
        >>> history = [
        ...     ChargePosted(id=f"c{n}", account_id=a, line_id=f"L{n}", effective=day,
        ...                  amount=Money("10.00", "USD"), bucket=Bucket.PATIENT)
        ...     for n, a in enumerate(["A1", "A1", "A2"])
        ... ]
        >>> {a: b.patient_open for a, b in account_balances(history, day).items()}
        {'A1': Money('20.00', 'USD'), 'A2': Money('10.00', 'USD')}
    """
    sums = _fold(entries, as_of)
    rolled = _rollup(sums, _Decoder())
    return {
        account_id: acc.build_balance(_currency_of(account_id, currencies))
        for account_id, (acc, currencies) in rolled.items()
    }


def account_balance(
    entries: Iterable[Entry], as_of: datetime.date, *, currency: str | None = None
) -> Balance:
    """The rolled-up balance of one account's entries, as of a date.

    This is the fast path: one loop over the entries adding integer minor units
    per kind of effect, and a handful of [`Money`][] values at the end.

    Args:
        entries: The account's entries.
        as_of: Only entries effective on or before it count.
        currency: The currency to use when no entry counts (required then).

    Returns:
        The balance: charged, paid, adjusted, written off, transferred and open
        for the whole account.

    Raises:
        ValidationError: If the entries belong to several accounts.
        CurrencyMismatchError: If they are in several currencies, or not in
            ``currency``.
        InvalidAmountError: If no entry counts and no ``currency`` is given.

    Examples:
        >>> import datetime
        >>> day = datetime.date(2024, 1, 5)
        >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1", effective=day,
        ...                  amount=Money("150.00", "USD"), bucket=Bucket.PRIMARY)
        >>> b = account_balance([c], day)
        >>> b.insurance_open, b.patient_open
        (Money('150.00', 'USD'), Money('0.00', 'USD'))
        >>> account_balance([c], datetime.date(2024, 1, 4), currency="USD").charged
        Money('0.00', 'USD')
    """
    sums = _fold(entries, as_of)
    rolled = _rollup(sums, _Decoder())
    if len(rolled) > 1:
        raise ValidationError(
            [
                Finding(
                    location="entries",
                    message=f"belong to several accounts: {', '.join(sorted(rolled))};"
                    " use account_balances()",
                    rule="balance.one_account",
                )
            ]
        )
    if not rolled:
        if currency is None:
            raise InvalidAmountError(
                "no entries count by this date; give currency= for an empty balance"
            )
        return Balance.empty(currency)
    ((account_id, (acc, currencies)),) = rolled.items()
    found = _currency_of(account_id, currencies)
    if currency is not None and currency != found:
        raise CurrencyMismatchError(f"account {account_id} is in {found}, not {currency}")
    return acc.build_balance(found)


def group_balance(
    entries: Iterable[Entry], line_ids: Collection[str], as_of: datetime.date
) -> Balance:
    """The rolled-up balance of some lines, e.g. a claim's or a bill's, as of a date.

    Args:
        entries: A history containing the lines' entries.
        line_ids: The lines to roll up (the claim's or bill's line ids).
        as_of: Only entries effective on or before it count.

    Returns:
        The balance of those lines together.

    Raises:
        NotFoundError: If a line has no charge by ``as_of`` (or ``line_ids``
            is empty).
        CurrencyMismatchError: If the lines are in several currencies.

    Examples:
        >>> import datetime
        >>> day = datetime.date(2024, 1, 5)
        >>> history = [
        ...     ChargePosted(id=f"c{n}", account_id="A1", line_id=f"L{n}", effective=day,
        ...                  amount=Money("10.00", "USD"), bucket=Bucket.PRIMARY)
        ...     for n in range(3)
        ... ]
        >>> group_balance(history, ["L0", "L2"], day).charged
        Money('20.00', 'USD')
    """
    _check_as_of(as_of)
    if isinstance(line_ids, str):
        raise TypeError("line_ids must be a collection of line ids, not a single str")
    wanted = set(line_ids)
    if not wanted:
        raise NotFoundError("group_balance() needs at least one line id")
    per_line = _fold_lines((e for e in entries if e.line_id in wanted), as_of)
    acc = _Acc()
    decoder = _Decoder()
    currencies = {_add_line(line_id, sums, decoder, acc)[0] for line_id, sums in per_line.items()}
    missing = sorted(wanted - per_line.keys())
    if missing:
        raise NotFoundError(f"no charge by {as_of} for line(s) {', '.join(missing)}")
    return acc.build_balance(_currency_of("of these lines", currencies))


def credits(entries: Iterable[Entry], as_of: datetime.date) -> dict[Party, Credit]:
    """Each party's unapplied money on an account, as of a date.

    Args:
        entries: One account's entries.
        as_of: Only entries effective on or before it count.

    Returns:
        ``{party: Credit}`` for every party that received, applied or was
        refunded money.

    Raises:
        ValidationError: If the entries belong to several accounts.
        CurrencyMismatchError: If they are in several currencies.

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import PaymentReceived, Refund
        >>> day = datetime.date(2024, 1, 5)
        >>> pat = Party.patient("P1")
        >>> history = [
        ...     PaymentReceived(id="p1", account_id="A1", effective=day,
        ...                     amount=Money("40.00", "USD"), party=pat),
        ...     Refund(id="f1", account_id="A1", effective=day,
        ...            amount=Money("15.00", "USD"), party=pat),
        ... ]
        >>> c = credits(history, day)[pat]
        >>> c.received, c.refunded, c.available
        (Money('40.00', 'USD'), Money('15.00', 'USD'), Money('25.00', 'USD'))
    """
    sums = _fold(entries, as_of)
    decoder = _Decoder()
    per_party: dict[Party, list[int]] = {}
    accounts: set[str] = set()
    currencies: set[str] = set()
    for key, m in sums.items():
        effect = decoder[key]
        accounts.add(effect.account_id)
        currencies.add(effect.currency)
        slot = {_K_RECEIVED: 0, _K_APPLIED: 1, _K_REFUND: 2}.get(effect.kind)
        if slot is None or effect.party is None:
            continue
        row = per_party.setdefault(effect.party, [0, 0, 0])
        row[slot] += m
    if len(accounts) > 1:
        raise ValidationError(
            [
                Finding(
                    location="entries",
                    message=f"belong to several accounts: {', '.join(sorted(accounts))};"
                    " credits are per account",
                    rule="balance.one_account",
                )
            ]
        )
    if not per_party:
        return {}
    (account_id,) = accounts
    currency = _currency_of(account_id, currencies)
    return {
        party: Credit(
            account_id=account_id,
            party=party,
            received=Money.from_minor(row[0], currency),
            applied=Money.from_minor(row[1], currency),
            refunded=Money.from_minor(row[2], currency),
        )
        for party, row in sorted(per_party.items(), key=lambda kv: _order(kv[0]))
    }


# --------------------------------------------------------------------------- explain


@attrs.frozen(kw_only=True)
class ExplanationRow:
    """One step of a line's waterfall.

    Attributes:
        effective: The entry's date.
        entry_id: The entry.
        step: ``"charge"``, ``"adjustment"``, ``"payment"``, ``"transfer"``
            or ``"write-off"`` (a reversal is in its original's step).
        description: What happened, in words, e.g. ``"CO-45 written off primary"``.
        amount: The entry's amount (negative for a reversal).
        change: Its effect on the line's total open balance (zero for a move
            between buckets).
        open: The line's total open balance after this step.
        party: Who paid, for a payment step (``None`` otherwise).

    Examples:
        >>> import datetime
        >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
        ...                  effective=datetime.date(2024, 1, 5),
        ...                  amount=Money("150.00", "USD"), bucket=Bucket.PRIMARY)
        >>> explain([c], "L1", as_of=datetime.date(2024, 1, 5)).rows[0].description
        'charge to primary'
    """

    effective: datetime.date
    entry_id: str
    step: str
    description: str
    amount: Money
    change: Money
    open: Money
    party: Party | None = None


_STEPS = {
    ChargePosted: (0, "charge"),
    Adjustment: (1, "adjustment"),
    PaymentApplied: (2, "payment"),
    Transfer: (3, "transfer"),
    WriteOff: (4, "write-off"),
}


def _describe(entry: Entry) -> tuple[int, str, str, int]:
    """Step order, step name, description, and sign of the effect on the open total."""
    original = entry.original if isinstance(entry, Reversal) else entry
    order, step = _STEPS[type(original)]
    if isinstance(original, ChargePosted):
        text, sign = f"charge to {original.bucket}", 1
    elif isinstance(original, Adjustment):
        code = f"{original.group}-{original.reason}"
        if original.to_bucket is None:
            text, sign = f"{code} written off {original.bucket}", -1
        else:
            text, sign = f"{code} moved {original.bucket} -> {original.to_bucket}", 0
    elif isinstance(original, PaymentApplied):
        text, sign = f"paid by {original.party} from {original.bucket}", -1
    elif isinstance(original, Transfer):
        text, sign = f"moved {original.from_bucket} -> {original.to_bucket}", 0
    else:
        assert isinstance(original, WriteOff)
        text, sign = f"{original.reason} written off {original.bucket}", -1
    if isinstance(entry, Reversal):
        text = f"reversal of {original.id}: {text}"
    return order, step, text, sign


@attrs.frozen(kw_only=True)
class Explanation:
    """A line's waterfall: how its charge became its open balance.

    Attributes:
        line_id: The line.
        as_of: The date it was asked for.
        rows: The steps, charge -> adjustments -> payments -> transfers ->
            write-offs, each group in date order.
        balance: The line's balance (its ``open`` is the waterfall's end).

    Examples:
        >>> import datetime
        >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
        ...                  effective=datetime.date(2024, 1, 5),
        ...                  amount=Money("150.00", "USD"), bucket=Bucket.PRIMARY)
        >>> print(explain([c], "L1", as_of=datetime.date(2024, 1, 31)).text)
        Line L1 as of 2024-01-31 (USD)
        2024-01-05  c1  charge to primary  +150.00  open 150.00
        Open: primary 150.00; total 150.00
    """

    line_id: str
    as_of: datetime.date
    rows: tuple[ExplanationRow, ...] = attrs.field(converter=tuple[ExplanationRow, ...])
    balance: LineBalance

    @property
    def text(self) -> str:
        """The waterfall as plain text, one step a line, then open by bucket.

        Examples:
            >>> import datetime
            >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
            ...                  effective=datetime.date(2024, 1, 5),
            ...                  amount=Money("0.00", "USD"), bucket=Bucket.PATIENT)
            >>> explain([c], "L1", as_of=datetime.date(2024, 1, 5)).text.splitlines()[-1]
            'Open: nothing; total 0.00'
        """
        out = [f"Line {self.line_id} as of {self.as_of} ({self.balance.currency})"]
        width = max((len(r.description) for r in self.rows), default=0)
        id_width = max((len(r.entry_id) for r in self.rows), default=0)
        for r in self.rows:
            if r.change:
                figure = f"{'+' if r.change.minor > 0 else ''}{r.change.amount}"
            else:
                figure = f"{r.amount.amount} moved"
            out.append(
                f"{r.effective}  {r.entry_id:<{id_width}}  {r.description:<{width}}"
                f"  {figure}  open {r.open.amount}"
            )
        parts = [f"{b} {m.amount}" for b, m in self.balance.open.items()]
        out.append(
            f"Open: {', '.join(parts) if parts else 'nothing'}; total {self.balance.balance.amount}"
        )
        return "\n".join(out)

    def to_records(self) -> list[Record]:
        """The waterfall's rows as flat rows of plain values (``pandas.DataFrame(records)`` works).

        Each row has ``line_id``, ``effective``, ``entry_id``, ``step``,
        ``description``, and the ``amount``, ``change`` and ``open`` figures as
        ``Decimal`` values, with their ``currency``.

        Examples:
            >>> import datetime
            >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
            ...                  effective=datetime.date(2024, 1, 5),
            ...                  amount=Money("150.00", "USD"), bucket=Bucket.PRIMARY)
            >>> explain([c], "L1", as_of=datetime.date(2024, 1, 5)).to_records()
            [{'line_id': 'L1', 'effective': datetime.date(2024, 1, 5), 'entry_id': 'c1',
              'step': 'charge', 'description': 'charge to primary', 'amount': Decimal('150.00'),
              'change': Decimal('150.00'), 'open': Decimal('150.00'), 'currency': 'USD'}]
        """
        currency = self.balance.currency
        return [
            {
                "line_id": self.line_id,
                "effective": r.effective,
                "entry_id": r.entry_id,
                "step": r.step,
                "description": r.description,
                "amount": r.amount.amount,
                "change": r.change.amount,
                "open": r.open.amount,
                "currency": currency,
            }
            for r in self.rows
        ]

    def _repr_html_(self) -> str:
        """The waterfall as an HTML table for notebooks; patient identifiers are masked."""

        def masked(row: ExplanationRow) -> str:
            party = row.party
            if party is None or party.kind is not PartyKind.PATIENT:
                return row.description
            return row.description.replace(str(party), f"patient {mask_identifier(party.id)}")

        fmt = format_money
        rows = [
            [
                r.effective.isoformat(),
                r.entry_id,
                r.step,
                masked(r),
                fmt(r.amount),
                fmt(r.change) if r.change else "moved",
                fmt(r.open),
            ]
            for r in self.rows
        ]
        buckets = "; ".join(f"{b} {fmt(m)}" for b, m in self.balance.open.items())
        footer = ["", "", "open", buckets or "nothing", "", "", fmt(self.balance.balance)]
        caption = (
            f"Line {self.line_id} as of {self.as_of.isoformat()} ({self.balance.currency}),"
            f" account {mask_identifier(self.balance.account_id)}"
        )
        columns = ["date", "entry", "step", "description", "amount", "change", "open"]
        return html_table(columns, rows, caption=caption, right=(4, 5, 6), footer=footer)


def explain(entries: Iterable[Entry], line_id: str, *, as_of: datetime.date) -> Explanation:
    """Explain a line's balance as a waterfall of its entries.

    Args:
        entries: A history containing the line's entries.
        line_id: The line.
        as_of: Only entries effective on or before it count.

    Returns:
        The explanation, with rows and text.

    Raises:
        NotFoundError: If the line has no charge by ``as_of``.

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import Adjustment, PaymentReceived
        >>> d = datetime.date(2024, 2, 1)
        >>> aetna = Party.payer("AETNA")
        >>> usd = lambda s: Money(s, "USD")
        >>> history = [
        ...     ChargePosted(id="c1", account_id="A1", line_id="L1",
        ...                  effective=datetime.date(2024, 1, 5), amount=usd("150.00"),
        ...                  bucket=Bucket.PRIMARY),
        ...     PaymentReceived(id="p1", account_id="A1", effective=d, amount=usd("80.00"),
        ...                     party=aetna),
        ...     PaymentApplied(id="a1", account_id="A1", line_id="L1", effective=d,
        ...                    amount=usd("80.00"), party=aetna, bucket=Bucket.PRIMARY),
        ...     Adjustment(id="j1", account_id="A1", line_id="L1", effective=d,
        ...                amount=usd("50.00"), bucket=Bucket.PRIMARY, group=GroupCode.CO,
        ...                reason="45"),
        ...     Adjustment(id="j2", account_id="A1", line_id="L1", effective=d,
        ...                amount=usd("20.00"), bucket=Bucket.PRIMARY, group=GroupCode.PR,
        ...                reason="2", to_bucket=Bucket.PATIENT),
        ... ]
        >>> print(explain(history, "L1", as_of=d).text)
        Line L1 as of 2024-02-01 (USD)
        2024-01-05  c1  charge to primary                  +150.00  open 150.00
        2024-02-01  j1  CO-45 written off primary          -50.00  open 100.00
        2024-02-01  j2  PR-2 moved primary -> patient      20.00 moved  open 100.00
        2024-02-01  a1  paid by payer:AETNA from primary   -80.00  open 20.00
        Open: patient 20.00; total 20.00
    """
    _check_as_of(as_of)
    mine = [e for e in entries if e.line_id == line_id and e.effective <= as_of]
    balance = line_balances(mine, as_of).get(line_id)
    if balance is None:
        raise NotFoundError(f"line {line_id} has no entries by {as_of}")
    described = []
    for index, entry in enumerate(mine):
        order, step, text, sign = _describe(entry)
        described.append((order, entry.effective, index, step, text, sign, entry))
    described.sort(key=lambda row: row[:3])
    rows = []
    running = 0
    currency = balance.currency
    for _order, effective, _index, step, text, sign, entry in described:
        original = entry.original if isinstance(entry, Reversal) else entry
        change = sign * entry.amount.minor
        running += change
        rows.append(
            ExplanationRow(
                effective=effective,
                entry_id=entry.id,
                step=step,
                description=text,
                amount=entry.amount,
                change=Money.from_minor(change, currency),
                open=Money.from_minor(running, currency),
                party=original.party if isinstance(original, PaymentApplied) else None,
            )
        )
    return Explanation(line_id=line_id, as_of=as_of, rows=rows, balance=balance)
