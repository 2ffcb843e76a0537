"""Line shapes: what a line's effects add up to, worked out once per set of effects (private).

[`line_balances`][billing_core.balances.line_balances] sums each line's minor
units per effect (``ledger._effects.sum_by_line``). Lines with the same effects
in the same order (the same kinds, buckets, parties, account and currency: one
payer's lines look alike) share one [`LineShape`][billing_core.balances._lines.LineShape],
checked once. When a line's amount is first read, its shape turns the line's
few integers into that field: the effects' terms (``Effect.balance_terms``,
read from ``ledger._effects.TERMS``) are expanded, once per shape and field,
into a plan of which sums to add with which sign for each key, the keys already
in the order [`Amounts`][billing_core.balances.Amounts] keeps them. The plan
holds no amount, so it folds the same as adding each effect's terms into
per-total dicts (``test_balances_fold.py`` checks it against a per-entry
reference).

Examples:
    >>> import datetime
    >>> from billing_core.balances import LineBalance
    >>> from billing_core.ledger import Bucket, ChargePosted
    >>> from billing_core.ledger._effects import effect
    >>> from billing_core.money import Money
    >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
    ...                  effective=datetime.date(2024, 3, 1), amount=Money("80.00", "USD"),
    ...                  bucket=Bucket.PATIENT)
    >>> shape = LineShape((effect(c),), "USD", "A1")
    >>> lb = LineBalance._deferred_from(shape, {effect(c): 8000}, "L1")
    >>> lb.open.of(Bucket.PATIENT), lb.charged
    (Money('80.00', 'USD'), Money('80.00', 'USD'))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, TypeAlias, final

from billing_core.balances._amounts import (
    _EMPTY,
    Amounts,
    Balance,
    _new,
    _set_currency,
    _set_data,
)
from billing_core.balances._order import order_key
from billing_core.ledger._effects import Effect, Total
from billing_core.money._core import make as _make

__all__ = ["LineShape"]

_Setter: TypeAlias = Callable[[Any, Any], None]
_Terms: TypeAlias = tuple[tuple[Effect, int], ...]
"""``(effect, sign)``: add ``sign x`` the line's sum of that effect."""
_Key: TypeAlias = tuple[Any, Effect, int, _Terms]
"""A key of a field: the key, its first term's effect and sign, then its other terms."""
_Row: TypeAlias = tuple[_Setter, tuple[_Key, ...]]
"""One field: its slot setter, then its keys in ``order_key`` order."""

# The fields of a balance, by the running total each shows, with their slot setters
# (the class is frozen: the folds set slots directly).
_FIELDS: Final[dict[str, tuple[Total, _Setter]]] = {
    name: (total, Balance.__dict__[name].__set__)
    for total, name in (
        (Total.CHARGED, "charged"),
        (Total.PAID_BY_PARTY, "paid_by_party"),
        (Total.PAID_BY_BUCKET, "paid_by_bucket"),
        (Total.ADJUSTED, "adjusted_by_group"),
        (Total.WRITTEN_OFF, "written_off_by_reason"),
        (Total.MOVED_OUT, "transferred_out"),
        (Total.MOVED_IN, "transferred_in"),
        (Total.OPEN, "open"),
    )
}


@final
class LineShape:
    """The checked effects of lines that look alike, and how to build their amounts.

    Attributes:
        effects: The effects of each of the lines, in the order they were met.
        currency: Their one currency.
        account_id: Their one account.

    Examples:
        >>> from billing_core.ledger import Bucket
        >>> from billing_core.ledger._effects import EffectKind, effect_of
        >>> charge = effect_of(EffectKind.CHARGE, Bucket.PRIMARY, None, None, "A1", "USD")
        >>> LineShape((charge,), "USD", "A1").account_id
        'A1'
    """

    __slots__ = ("_rows", "account_id", "currency", "effects")

    def __init__(self, effects: tuple[Effect, ...], currency: str, account_id: str) -> None:
        self.effects = effects
        self.currency = currency
        self.account_id = account_id
        # Each field's plan, built when a line of this shape first reads the field: a
        # shape of one line (every line in its own account) plans only what is read.
        self._rows: dict[str, _Row] = {}

    def _row(self, name: str) -> _Row:
        """Expand the effects' terms of one field: per key, which sums add up with which sign."""
        total, setter = _FIELDS[name]
        keyed: dict[Any, list[tuple[Effect, int]]] = {}
        for found in self.effects:
            for of, key, sign in found.balance_terms:
                if of is total:
                    keyed.setdefault(key, []).append((found, sign))
        keys = sorted(keyed, key=order_key) if len(keyed) > 1 else keyed
        # Most keys have one term: the fill reads it without an inner loop.
        row = (setter, tuple((key, *keyed[key][0], tuple(keyed[key][1:])) for key in keys))
        self._rows[name] = row
        return row

    def fill(self, balance: Balance, name: str, sums: Mapping[Effect, int]) -> Any:
        """Set one field of a balance from its line's sums per effect.

        Each field is built when first read: a reader of ``open`` alone builds
        one mapping per line, not eight. The sums never change, so filling a
        field twice (two threads at once) sets equal values.

        Returns:
            The field's value: a [`Money`][billing_core.money.Money] for
            ``charged``, an [`Amounts`][billing_core.balances.Amounts] otherwise.

        Examples:
            >>> from billing_core.ledger import Bucket
            >>> from billing_core.ledger._effects import EffectKind, effect_of
            >>> charge = effect_of(EffectKind.CHARGE, Bucket.PRIMARY, None, None, "A1", "USD")
            >>> b = Balance.empty("USD")
            >>> LineShape((charge,), "USD", "A1").fill(b, "open", {charge: 1250})
            Amounts({<Bucket.PRIMARY: 'primary'>: Money('12.50', 'USD')}, currency='USD')
            >>> b.open.of(Bucket.PRIMARY)
            Money('12.50', 'USD')
        """
        row = self._rows.get(name)
        setter, keys = self._row(name) if row is None else row
        currency = self.currency
        data: dict[Any, int] = {}
        for key, first, sign, more in keys:
            total = sign * sums[first]
            for found, other in more:
                total += other * sums[found]
            if total:  # Amounts leave zeros out
                data[key] = total
        value: Any
        if name == "charged":
            value = _make(data.get(None, 0), currency)
        elif data:
            value = _new(Amounts)
            _set_data(value, data)  # keys already in order_key order, no zeros
            _set_currency(value, currency)
        else:
            value = _EMPTY.get(currency)  # immutable: one empty mapping per currency
            if value is None:
                value = Amounts._from_minor({}, currency)
        setter(balance, value)
        return value
