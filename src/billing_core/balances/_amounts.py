"""The values the balance folds return: amounts per key, balances and credits.

[`Balance`][billing_core.balances.Balance] (and
[`LineBalance`][billing_core.balances.LineBalance]) hold what was
charged, paid, adjusted, written off, transferred and what is open, each broken
down in an immutable [`Amounts`][billing_core.balances.Amounts] mapping;
[`Credit`][billing_core.balances.Credit] is a party's unapplied money.

Examples:
    >>> from billing_core.ledger import Bucket
    >>> Amounts({Bucket.PATIENT: Money("20.00", "USD")}, currency="USD").total()
    Money('20.00', 'USD')
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Generic, Self, TypeVar, final

import attrs

from billing_core._checks import describe
from billing_core.balances._order import order_key
from billing_core.codes import GroupCode
from billing_core.errors import CurrencyMismatchError
from billing_core.ledger import Bucket, Party, WriteOffReason
from billing_core.ledger._effects import Total
from billing_core.money import Money
from billing_core.money._core import make as _make
from billing_core.views import Protected, protected

if TYPE_CHECKING:
    from billing_core.balances._lines import LineShape

__all__ = ["Amounts", "Balance", "Credit", "LineBalance"]

K = TypeVar("K", bound=Hashable)


_new = object.__new__
_setattr = object.__setattr__


@final
class Amounts(Mapping[K, Money], Generic[K]):
    """An immutable, hashable mapping of keys (buckets, parties, codes) to amounts.

    Zero amounts are left out, so two mappings with the same non-zero amounts
    are equal however they were built. [`of`][] gives zero for a key that is
    not there; indexing raises ``KeyError`` like any mapping. Iteration is in a
    stable order: enum members first (each enum in definition order), then
    parties (payers before patients, each kind by id), then any other key by
    its text.

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

    # Minor units per key: the Money values are built when read (the folds build
    # many mappings that are never read in full; fewer objects, less for the GC).
    _data: dict[K, int]
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
                raise TypeError(f"amount for {key!r:.40} must be a Money, got {describe(money)}")
            if money.currency != currency:
                raise CurrencyMismatchError(
                    f"amount for {key} is in {money.currency}, expected {currency}"
                )
            minors[key] = minors.get(key, 0) + money.minor
        self._init(minors, Money.zero(currency).currency)

    def _init(self, minors: Mapping[K, int], currency: str) -> None:
        data: dict[K, int]
        if len(minors) == 1:
            # The common case in the folds: one key (one bucket, one payer).
            ((key, minor),) = minors.items()
            data = {key: minor} if minor else {}
        elif minors:
            keys = [k for k, v in minors.items() if v]
            if len(keys) > 1:
                keys.sort(key=order_key)
            data = {k: minors[k] for k in keys}
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
        return _make(self._data[key], self._currency)

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Amounts is immutable; cannot set {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickle and copy rebuild from the minor units: the default sets the slots,
        # which Amounts refuses.
        return (_restore, (self._data, self._currency))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Amounts):
            return NotImplemented
        return self._currency == other._currency and self._data == other._data

    def __hash__(self) -> int:
        return hash((self._currency, frozenset(self._data.items())))

    def __repr__(self) -> str:
        return f"Amounts({dict(self.items())!r}, currency={self._currency!r})"

    def of(self, key: K) -> Money:
        """The amount for ``key``, zero if there is none.

        Examples:
            >>> from billing_core.ledger import Bucket
            >>> Amounts(currency="USD").of(Bucket.PATIENT)
            Money('0.00', 'USD')
        """
        found = self._data.get(key)
        return Money.zero(self._currency) if found is None else _make(found, self._currency)

    def total(self) -> Money:
        """The sum of all amounts.

        Examples:
            >>> two = [("a", Money("1", "USD")), ("b", Money("2", "USD"))]
            >>> Amounts(two, currency="USD").total()
            Money('3.00', 'USD')
        """
        return Money.from_minor(sum(self._data.values()), self._currency)


_EMPTY: dict[str, Amounts[Any]] = {}


def _restore(minors: Mapping[Any, int], currency: str) -> Amounts[Any]:
    """Amounts from pickled or copied minor units (see ``Amounts.__reduce__``)."""
    return Amounts._from_minor(minors, currency)


_set_data = Amounts.__dict__["_data"].__set__  # slot setters: Amounts refuses setattr
_set_currency = Amounts.__dict__["_currency"].__set__


def _amounts(minors: Mapping[Any, int], currency: str) -> Amounts[Any]:
    """``Amounts._from_minor`` with the folds' common cases inline (no key, one key)."""
    if len(minors) == 1:
        ((key, minor),) = minors.items()
        if minor:
            new: Amounts[Any] = _new(Amounts)
            _set_data(new, {key: minor})
            _set_currency(new, currency)
            return new
    elif minors:
        return Amounts._from_minor(minors, currency)
    empty = _EMPTY.get(currency)
    return Amounts._from_minor({}, currency) if empty is None else empty


@attrs.frozen(kw_only=True)
class Balance:
    """The money of one line or a group of lines, as of a date.

    Attributes:
        currency: The currency of every amount.
        charged: Total charges posted.
        paid_by_party: Payments applied, per paying party.
        paid_by_bucket: Payments applied, per bucket they reduced.
        adjusted_by_group: Payer adjustments taken off the line (CO, PI, and
            OA without a transfer), per group code.
        written_off_by_reason: Write-offs (the provider's choice not to
            collect: small balance, bad debt, ...), per reason.
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
        return cls._from_sums([{} for _ in Total], Money.zero(currency).currency)

    @classmethod
    def _from_sums(cls, sums: Sequence[Mapping[Any, int]], currency: str) -> Self:
        """A balance from integer sums per running total (see ``ledger._effects.Total``).

        The folds build one balance per line, so they skip the constructor: one
        object, fields set in place, amounts built from ints without checks.
        [`Balance`][] has no validators or converters to skip
        (``test_fast_built_balances_equal_constructed_ones``); a subclass sets
        its own fields after this.
        """
        amounts = _amounts
        balance = _new(cls)
        _setattr(balance, "currency", currency)
        _setattr(balance, "charged", _make(sums[Total.CHARGED].get(None, 0), currency))
        _setattr(balance, "paid_by_party", amounts(sums[Total.PAID_BY_PARTY], currency))
        _setattr(balance, "paid_by_bucket", amounts(sums[Total.PAID_BY_BUCKET], currency))
        _setattr(balance, "adjusted_by_group", amounts(sums[Total.ADJUSTED], currency))
        _setattr(balance, "written_off_by_reason", amounts(sums[Total.WRITTEN_OFF], currency))
        _setattr(balance, "transferred_out", amounts(sums[Total.MOVED_OUT], currency))
        _setattr(balance, "transferred_in", amounts(sums[Total.MOVED_IN], currency))
        _setattr(balance, "open", amounts(sums[Total.OPEN], currency))
        return balance

    # Two hidden slots outside the fields (attrs makes a slot of a cached_property, and
    # no comparison, hash, repr, pickle or evolve sees it). A line balance from
    # line_balances() holds its shape (balances._lines.LineShape, shared by the lines
    # with the same effects) and its signed minor units per effect in them
    # (LineBalance._deferred_from), and builds each amount from them when first read.
    @functools.cached_property
    def _line_shape(self) -> Any:
        return None

    @functools.cached_property
    def _line_sums(self) -> Any:
        return None

    if not TYPE_CHECKING:  # mypy keeps refusing unknown attributes

        def __getattr__(self, name: str) -> Any:
            # Python calls this only for a slot that is not set: each amount of a line
            # balance from line_balances() is built here when first read, then is a slot.
            if name in _AMOUNT_FIELDS:
                try:
                    shape, sums = _get_shape(self), _get_sums(self)
                except AttributeError:  # not a deferred balance
                    pass
                else:
                    return shape.fill(self, name, sums)
            # The usual lookup again, for its usual AttributeError.
            return object.__getattribute__(self, name)

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
        """Total payer adjustments taken off the line (CO, PI, OA not transferred).

        Examples:
            >>> Balance.empty("USD").adjusted
            Money('0.00', 'USD')
        """
        return self.adjusted_by_group.total()

    @property
    def written_off(self) -> Money:
        """Total write-offs (``WriteOff`` entries, for a reason; not payer adjustments).

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
        >>> from billing_core.balances import line_balances
        >>> from billing_core.ledger import Bucket, ChargePosted
        >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
        ...                  effective=datetime.date(2024, 1, 5),
        ...                  amount=Money("150.00", "USD"), bucket=Bucket.PRIMARY)
        >>> lb = line_balances([c], datetime.date(2024, 1, 5))["L1"]
        >>> lb.line_id, lb.open.of(Bucket.PRIMARY)
        ('L1', Money('150.00', 'USD'))
    """

    line_id: str
    account_id: str = attrs.field(**protected(Protected.ID))

    @classmethod
    def _deferred_from(cls, shape: LineShape, sums: Mapping[Any, int], line_id: str) -> LineBalance:
        """A checked line's balance whose amounts are built when first read.

        ``shape`` holds the line's effects, checked by the caller (one account,
        one currency, a charge), and builds each amount from ``sums`` (the
        line's signed minor units per effect) when it is first read. Until then
        the balance is a few slots: a fold over many lines builds no Money and
        no mapping that nobody reads.
        """
        balance: LineBalance = _new(cls)
        _set_line_id(balance, line_id)
        _set_account_id(balance, shape.account_id)
        _set_balance_currency(balance, shape.currency)
        _set_shape(balance, shape)
        _set_line_sums(balance, sums)
        return balance


# The hidden slots' own descriptors: reading an unset one raises AttributeError.
_get_shape = Balance.__dict__["_line_shape"].__get__
_set_shape = Balance.__dict__["_line_shape"].__set__
_get_sums = Balance.__dict__["_line_sums"].__get__
_set_line_sums = Balance.__dict__["_line_sums"].__set__
_set_balance_currency = Balance.__dict__["currency"].__set__
_set_line_id = LineBalance.__dict__["line_id"].__set__
_set_account_id = LineBalance.__dict__["account_id"].__set__

# The fields a deferred line balance builds when read (its ids and currency are set).
_AMOUNT_FIELDS: Final = frozenset(f.name for f in attrs.fields(Balance) if f.name != "currency")


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

    account_id: str = attrs.field(**protected(Protected.ID))
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
