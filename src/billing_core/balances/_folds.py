"""The balance folds: per line, per group of lines, per account, and each party's credit.

Each fold sums an entry's minor units per effect in one pass (one dict update
per entry), then reads each distinct effect's terms once
(``ledger._effects``: the same reading as the history rules), and builds the
[`Money`][billing_core.money.Money] values at the end. ``line_balances`` checks
each distinct set of a line's effects once and leaves each line's amounts to be
built from its sums when first read (``balances._lines``).

Examples:
    >>> import datetime
    >>> from billing_core.ledger import Bucket, ChargePosted
    >>> from billing_core.money import Money
    >>> day = datetime.date(2024, 3, 1)
    >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1", effective=day,
    ...                  amount=Money("80.00", "USD"), bucket=Bucket.PATIENT)
    >>> line_balances([c], day)["L1"].patient_open, account_balance([c], day).charged
    (Money('80.00', 'USD'), Money('80.00', 'USD'))
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Mapping
from typing import Any, Final

from billing_core.balances._amounts import Balance, Credit, LineBalance
from billing_core.balances._lines import LineShape
from billing_core.balances._order import order_key
from billing_core.balances._tables import LineBalances
from billing_core.errors import (
    CurrencyMismatchError,
    Finding,
    InvalidAmountError,
    NotFoundError,
    ValidationError,
)
from billing_core.ledger import Entry, Party
from billing_core.ledger._effects import (
    Effect,
    EffectKind,
    Total,
    check_as_of,
    sum_by_effect,
    sum_by_line,
)
from billing_core.money import Money

__all__ = [
    "account_balance",
    "account_balances",
    "credits",
    "group_balance",
    "line_balances",
]

Sums = list[dict[Any, int]]
"""Integer sums per running total (indexed by ``Total``), then per key."""

# The totals a Balance shows; a party's credit (RECEIVED, REFUNDED, CREDIT) is not one.
_BALANCE_TOTALS: Final = range(Total.OPEN + 1)


def _new_sums() -> Sums:
    return [{} for _ in _BALANCE_TOTALS]


def _add(sums: Sums, found: Effect, m: int) -> None:
    """Add ``m`` minor units of one effect to every balance total its terms name."""
    for total, key, sign in found.balance_terms:
        d = sums[total]
        d[key] = d.get(key, 0) + sign * m


def _one_currency(where: str, currencies: set[str]) -> str:
    if len(currencies) > 1:
        raise CurrencyMismatchError(
            f"{where} has entries in several currencies: {', '.join(sorted(currencies))}"
        )
    return next(iter(currencies))


def _check_line(line_id: str, effects: Collection[Effect]) -> tuple[str, str]:
    """Check one line's effects: one account and currency, and a charge; its currency and account.

    A line's entries were grouped by effect (``sum_by_line``), so this runs once
    per effect of the line, not per entry.
    """
    first = next(iter(effects))
    account_id, currency = first.account_id, first.currency
    charged = False
    for found in effects:
        # Compared, not collected: one line in one account and currency is the rule.
        if found.account_id != account_id or found.currency != currency:
            _refuse_mixed(line_id, effects)
        # A charge reversed to zero still opened the line: its effect is here, summed to 0.
        charged = charged or found.kind is EffectKind.CHARGE
    if not charged:
        raise NotFoundError(
            f"line {line_id} has entries but no charge: post its ChargePosted first"
        )
    return currency, account_id


def _add_line(line_id: str, by_effect: Mapping[Effect, int], sums: Sums) -> tuple[str, str]:
    """Add one line's sums to ``sums``, checking the line; return its currency and account."""
    checked = _check_line(line_id, by_effect.keys())
    for found, m in by_effect.items():
        for total, key, sign in found.balance_terms:  # _add, inlined: once per effect and line
            d = sums[total]
            d[key] = d.get(key, 0) + sign * m
    return checked


def _refuse_mixed(line_id: str, by_effect: Iterable[Effect]) -> None:
    """Raise for a line whose entries name several accounts, or several currencies."""
    accounts = {found.account_id for found in by_effect}
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
    _one_currency(f"line {line_id} of account {account_id}", {f.currency for f in by_effect})


def line_balances(entries: Iterable[Entry], as_of: datetime.date) -> LineBalances:
    """The balance of every line item the entries touch, as of a date.

    Args:
        entries: A history (of one account or several).
        as_of: Only entries effective on or before it count.

    Returns:
        ``{line_id: LineBalance}``, for every line with an entry by ``as_of``:
        a [`LineBalances`][billing_core.balances.LineBalances], a ``dict``
        that also shows as a table in a notebook and exports records. Each
        amount of a line balance is built from the line's integer sums when it
        is first read (then kept); the lines are checked here.

    Raises:
        NotFoundError: If an entry touches a line with no charge by ``as_of``.
        CurrencyMismatchError: If a line has entries in two currencies.
        ValidationError: If a line's entries name two accounts.
        TypeError: If ``as_of`` is not a plain date.

    Examples:
        >>> import datetime
        >>> from billing_core.codes import GroupCode
        >>> from billing_core.ledger import Adjustment, Bucket, ChargePosted
        >>> from billing_core.money import Money
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
    result = LineBalances()
    deferred = LineBalance._deferred_from
    # Lines with the same effects (same kinds, buckets, parties, account, currency) pass
    # or fail the same checks: check each such set of effects once (a repeated set is
    # the common case: one payer's lines look alike). A failing set raises at once.
    shapes: dict[tuple[Effect, ...], LineShape] = {}
    for line_id, by_effect in sum_by_line(entries, as_of).items():
        effects = tuple(by_effect)
        shape = shapes.get(effects)
        if shape is None:
            shape = shapes[effects] = LineShape(effects, *_check_line(line_id, effects))
        # The amounts are built from the sums when first read (LineBalance._deferred_from).
        result[line_id] = deferred(shape, by_effect, line_id)
    return result


def _by_account(entries: Iterable[Entry], as_of: datetime.date) -> dict[str, tuple[Sums, str]]:
    """Sums and currency per account; an account in several currencies is refused."""
    rolled: dict[str, tuple[Sums, set[str]]] = {}
    for found, m in sum_by_effect(entries, as_of).items():
        slot = rolled.get(found.account_id)
        if slot is None:
            slot = rolled[found.account_id] = (_new_sums(), set())
        slot[1].add(found.currency)
        _add(slot[0], found, m)
    return {
        account_id: (sums, _one_currency(f"account {account_id}", currencies))
        for account_id, (sums, currencies) in rolled.items()
    }


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
        >>> from billing_core.ledger import Bucket, ChargePosted
        >>> from billing_core.money import Money
        >>> day = datetime.date(2024, 1, 5)
        >>> history = [
        ...     ChargePosted(id=f"c{n}", account_id=a, line_id=f"L{n}", effective=day,
        ...                  amount=Money("10.00", "USD"), bucket=Bucket.PATIENT)
        ...     for n, a in enumerate(["A1", "A1", "A2"])
        ... ]
        >>> {a: b.patient_open for a, b in account_balances(history, day).items()}
        {'A1': Money('20.00', 'USD'), 'A2': Money('10.00', 'USD')}
    """
    return {
        account_id: Balance._from_sums(sums, currency)
        for account_id, (sums, currency) in _by_account(entries, as_of).items()
    }


def _one_account(accounts: Collection[str], advice: str) -> None:
    if len(accounts) > 1:
        raise ValidationError(
            [
                Finding(
                    location="entries",
                    message=f"belong to several accounts: {', '.join(sorted(accounts))}; {advice}",
                    rule="balance.one_account",
                )
            ]
        )


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
        >>> from billing_core.ledger import Bucket, ChargePosted
        >>> from billing_core.money import Money
        >>> day = datetime.date(2024, 1, 5)
        >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1", effective=day,
        ...                  amount=Money("150.00", "USD"), bucket=Bucket.PRIMARY)
        >>> b = account_balance([c], day)
        >>> b.insurance_open, b.patient_open
        (Money('150.00', 'USD'), Money('0.00', 'USD'))
        >>> account_balance([c], datetime.date(2024, 1, 4), currency="USD").charged
        Money('0.00', 'USD')
    """
    rolled = _by_account(entries, as_of)
    _one_account(rolled, "use account_balances()")
    if not rolled:
        if currency is None:
            raise InvalidAmountError(
                "no entries count by this date; give currency= for an empty balance"
            )
        return Balance.empty(currency)
    ((account_id, (sums, found)),) = rolled.items()
    if currency is not None and currency != found:
        raise CurrencyMismatchError(f"account {account_id} is in {found}, not {currency}")
    return Balance._from_sums(sums, found)


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
        NotFoundError: If a line has no charge by ``as_of``, or ``line_ids``
            is empty.
        TypeError: If ``line_ids`` is a single ``str``.
        ValidationError: If a line's entries name several accounts.
        CurrencyMismatchError: If the lines are in several currencies.

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import Bucket, ChargePosted
        >>> from billing_core.money import Money
        >>> day = datetime.date(2024, 1, 5)
        >>> history = [
        ...     ChargePosted(id=f"c{n}", account_id="A1", line_id=f"L{n}", effective=day,
        ...                  amount=Money("10.00", "USD"), bucket=Bucket.PRIMARY)
        ...     for n in range(3)
        ... ]
        >>> group_balance(history, ["L0", "L2"], day).charged
        Money('20.00', 'USD')
    """
    check_as_of(as_of)
    if isinstance(line_ids, str):
        raise TypeError("line_ids must be a collection of line ids, not a single str")
    wanted = set(line_ids)
    if not wanted:
        raise NotFoundError("group_balance() needs at least one line id")
    per_line = sum_by_line((e for e in entries if e.line_id in wanted), as_of)
    sums = _new_sums()
    currencies = {_add_line(line_id, by_effect, sums)[0] for line_id, by_effect in per_line.items()}
    missing = sorted(wanted - per_line.keys())
    if missing:
        raise NotFoundError(f"no charge by {as_of} for line(s) {', '.join(missing)}")
    return Balance._from_sums(sums, _one_currency("this group of lines", currencies))


# Where each credit figure comes from: the party-keyed totals of the effects.
_CREDIT_FIGURES: Final = {Total.RECEIVED: 0, Total.PAID_BY_PARTY: 1, Total.REFUNDED: 2}


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
        >>> from billing_core.ledger import Party, PaymentReceived, Refund
        >>> from billing_core.money import Money
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
    per_party: dict[Party, list[int]] = {}
    accounts: set[str] = set()
    currencies: set[str] = set()
    for found, m in sum_by_effect(entries, as_of).items():
        accounts.add(found.account_id)
        currencies.add(found.currency)
        for total, key, sign in found.terms:
            figure = _CREDIT_FIGURES.get(total)
            if figure is not None:
                per_party.setdefault(key, [0, 0, 0])[figure] += sign * m
    _one_account(accounts, "credits are per account")
    if not per_party:
        return {}
    (account_id,) = accounts
    currency = _one_currency(f"account {account_id}", currencies)
    return {
        party: Credit(
            account_id=account_id,
            party=party,
            received=Money.from_minor(row[0], currency),
            applied=Money.from_minor(row[1], currency),
            refunded=Money.from_minor(row[2], currency),
        )
        for party, row in sorted(per_party.items(), key=lambda kv: order_key(kv[0]))
    }
