"""Whether a history of entries is consistent: the history rules.

Constructors check each entry on its own; a *history* is checked by
[`validate_history`][billing_core.ledger.validate_history] (every
finding) or [`check_history`][billing_core.ledger.check_history]
(raises). Each rule is a small function from the history to its findings,
named for what it requires, and [`HISTORY_RULES`][billing_core.ledger.HISTORY_RULES]
collects them in the order their findings are reported. Callers may pass their
own rules, or add some with ``extra_rules``.

A rule sees the whole history, in any order (entries may be given in any
order). The folds in [`balances`][billing_core.balances] trust their input
for speed; run these rules on entries you did not build yourself.

Examples:
    >>> import datetime
    >>> from billing_core.ledger import Bucket, ChargePosted
    >>> from billing_core.money import Money
    >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
    ...                  effective=datetime.date(2024, 1, 5), amount=Money("9.00", "USD"),
    ...                  bucket=Bucket.PATIENT)
    >>> [f.rule for f in validate_history([c, c])]
    ['history.duplicate_id']
    >>> [f.rule for f in validate_history([c], extra_rules=[lambda h: []])]
    []
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Final, TypeAlias

from billing_core._checks import describe
from billing_core.errors import Finding, ValidationError
from billing_core.ledger._buckets import Bucket, Party
from billing_core.ledger._effects import Total, effect
from billing_core.ledger._entries import ChargePosted, LedgerEntry, PaymentApplied, PaymentReceived
from billing_core.ledger._reversals import Entry, Reversal
from billing_core.money import Money

__all__ = [
    "HISTORY_RULES",
    "HistoryRule",
    "check_history",
    "charged_before_use",
    "never_below_zero",
    "one_account_per_line",
    "one_currency_per_account",
    "reversals_match_their_originals",
    "reversed_at_most_once",
    "unique_ids",
    "validate_history",
]

HistoryRule: TypeAlias = Callable[[Sequence[Entry]], Iterable[Finding]]
"""A history rule: every problem of a history (any order) as findings."""


def _finding(entry: Entry, message: str, rule: str) -> Finding:
    return Finding(location=f"entry {entry.id}", message=message, rule=rule)


def unique_ids(history: Sequence[Entry]) -> Iterator[Finding]:
    """Every entry id is used once (``history.duplicate_id``).

    Examples:
        >>> unique = _example_history()
        >>> list(unique_ids(unique)), [f.rule for f in unique_ids([*unique, unique[0]])]
        ([], ['history.duplicate_id'])
    """
    seen: set[str] = set()
    for entry in history:
        if entry.id in seen:
            yield _finding(entry, "duplicate entry id", "history.duplicate_id")
        seen.add(entry.id)


def one_currency_per_account(history: Sequence[Entry]) -> Iterator[Finding]:
    """An account's entries are all in the currency of its first entry (``history.currency``).

    Examples:
        >>> list(one_currency_per_account(_example_history()))
        []
    """
    currency_of: dict[str, str] = {}
    for entry in history:
        currency = entry.amount.currency
        # The first entry sets the account's currency: the balance folds sum raw minor units,
        # so an account mixing currencies would add dollars to yen without an error.
        first = currency_of.setdefault(entry.account_id, currency)
        if first != currency:
            message = f"amount in {currency}, account {entry.account_id} is in {first}"
            yield _finding(entry, message, "history.currency")


def one_account_per_line(history: Sequence[Entry]) -> Iterator[Finding]:
    """A line's entries all name the account of its first entry (``history.line_account``).

    Examples:
        >>> list(one_account_per_line(_example_history()))
        []
    """
    account_of: dict[str, str] = {}
    for entry in history:
        if entry.line_id is None:
            continue
        # Balances are keyed by line id alone; a line in two accounts would merge their money.
        owner = account_of.setdefault(entry.line_id, entry.account_id)
        if owner != entry.account_id:
            message = f"line {entry.line_id} belongs to account {owner}, not {entry.account_id}"
            yield _finding(entry, message, "history.line_account")


def _first_by_id(history: Sequence[Entry]) -> dict[str, Entry]:
    by_id: dict[str, Entry] = {}
    for entry in history:
        # The first of duplicate ids wins; unique_ids reports the repeat.
        by_id.setdefault(entry.id, entry)
    return by_id


def reversals_match_their_originals(history: Sequence[Entry]) -> Iterator[Finding]:
    """A reversal reverses an entry of the history, not a reversal, and carries an equal copy.

    Rules ``history.unknown_reversed``, ``history.reversal_of_reversal`` and
    ``history.reversal_mismatch``.

    Examples:
        >>> from billing_core.ledger import reverse
        >>> charge = _example_history()[0]
        >>> undo = reverse(charge, id="r1", effective=charge.effective)
        >>> list(reversals_match_their_originals([charge, undo]))
        []
        >>> [f.rule for f in reversals_match_their_originals([undo])]
        ['history.unknown_reversed']
    """
    by_id = _first_by_id(history)
    for entry in history:
        if not isinstance(entry, Reversal):
            continue
        target = by_id.get(entry.reverses)
        if target is None:
            message = f"reverses unknown entry {entry.reverses}"
            yield _finding(entry, message, "history.unknown_reversed")
        elif isinstance(target, Reversal):
            message = f"reverses reversal {target.id}; a reversal of a reversal is refused"
            yield _finding(entry, message, "history.reversal_of_reversal")
        # A reversal carries its own copy of the original (the folds read its effect from it
        # without a lookup): a copy that drifted would undo an amount nobody posted.
        elif target != entry.original:
            message = f"its copy of entry {target.id} differs from the history's"
            yield _finding(entry, message, "history.reversal_mismatch")


def reversed_at_most_once(history: Sequence[Entry]) -> Iterator[Finding]:
    """No entry is reversed by two reversals (``history.reversed_twice``).

    Examples:
        >>> from billing_core.ledger import reverse
        >>> charge = _example_history()[0]
        >>> twice = [reverse(charge, id=n, effective=charge.effective) for n in ("r1", "r2")]
        >>> [str(f) for f in reversed_at_most_once([charge, *twice])]
        ['entry r2: entry c1 is already reversed by r1']
    """
    reversed_by: dict[str, str] = {}
    for entry in history:
        if not isinstance(entry, Reversal):
            continue
        earlier = reversed_by.setdefault(entry.reverses, entry.id)
        if earlier != entry.id:
            message = f"entry {entry.reverses} is already reversed by {earlier}"
            yield _finding(entry, message, "history.reversed_twice")


def charged_before_use(history: Sequence[Entry]) -> Iterator[Finding]:
    """Every line an entry touches is charged on or before that entry (``history.unknown_line``).

    Examples:
        >>> charge, *rest = _example_history()
        >>> list(charged_before_use([charge, *rest])), len(list(charged_before_use(rest)))
        ([], 1)
    """
    charged_on: dict[str, datetime.date] = {}
    for entry in history:
        line = entry.line_id
        if isinstance(entry, ChargePosted) and line is not None:
            seen = charged_on.get(line)
            # The earliest charge counts: a line charged twice (the second one reversed, say) is
            # usable from its first charge on.
            if seen is None or entry.effective < seen:
                charged_on[line] = entry.effective
    for entry in history:
        line = entry.line_id
        if line is None:
            continue
        since = charged_on.get(line)
        if since is None or since > entry.effective:
            when = "never charged" if since is None else f"charged only on {since}"
            message = f"line {line} is {when}; post its ChargePosted first"
            yield _finding(entry, message, "history.unknown_line")


_Target: TypeAlias = tuple[Total, str, Any]
"""A total the rules watch: ``(OPEN, line, bucket)`` or ``(CREDIT, account, party)``."""


def _effective(entry: Entry) -> datetime.date:
    return entry.effective


def never_below_zero(history: Sequence[Entry]) -> Iterator[Finding]:
    """At the end of every effective date, no bucket of a line and no party's credit is negative.

    Rules ``history.open_negative`` (more paid, adjusted, moved or written off
    than was open) and ``history.credit_negative`` (more applied or refunded
    than was received); each bucket or credit is reported once, on the first
    day it is negative. Entries of one day count together, in any order: a
    payment may be applied before it is recorded as received, on the same day.

    Examples:
        >>> list(never_below_zero(_example_history()))
        []
    """
    # The running totals are the OPEN and CREDIT terms of each entry's effect: the
    # same reading of entries as the balance folds, so the two cannot disagree.
    running: dict[_Target, int] = {}
    reported: set[_Target] = set()
    # Day ends, not entry by entry: within a day the ledger has no order (a store may
    # return the day's entries in any order).
    for day, entries in itertools.groupby(sorted(history, key=_effective), key=_effective):
        touched: set[_Target] = set()
        for entry in entries:
            found = effect(entry)
            m = entry.amount.minor
            for total, key, sign in found.terms:
                target: _Target
                if total is Total.OPEN and entry.line_id is not None:
                    target = (total, entry.line_id, key)  # a line's bucket
                elif total is Total.CREDIT:
                    target = (total, found.account_id, key)  # a party's credit on an account
                else:
                    continue
                # sign * m with m the entry's own amount: a reversal's amount is already negated, so
                # it undoes its original here with no special case.
                running[target] = running.get(target, 0) + sign * m
                touched.add(target)
        # Credits before buckets, then by owner: a stable order for the findings.
        for target in sorted(touched, key=lambda t: (t[0] is Total.OPEN, t[1], str(t[2]))):
            # Once per target: a bucket that stays negative for months is one mistake, not one
            # finding per day.
            if running[target] < 0 and target not in reported:
                reported.add(target)
                yield _below_zero(target, day)


def _below_zero(target: _Target, day: datetime.date) -> Finding:
    total, owner, key = target
    if total is Total.OPEN:
        return Finding(
            location=f"line {owner}",
            message=f"the {key} bucket is below zero on {day}: more paid,"
            " adjusted, transferred or written off than was open",
            rule="history.open_negative",
        )
    return Finding(
        location=f"account {owner}",
        message=f"credit of {key} is below zero on {day}: more applied"
        " or refunded than was received",
        rule="history.credit_negative",
    )


HISTORY_RULES: Final[tuple[HistoryRule, ...]] = (
    unique_ids,
    one_currency_per_account,
    one_account_per_line,
    reversals_match_their_originals,
    reversed_at_most_once,
    charged_before_use,
    never_below_zero,
)
"""The rules a valid history meets, in the order their findings are reported."""


def validate_history(
    entries: Iterable[Entry],
    rules: Iterable[HistoryRule] = HISTORY_RULES,
    *,
    extra_rules: Iterable[HistoryRule] = (),
) -> tuple[Finding, ...]:
    """Every problem of a history of entries, as findings (empty when it is valid).

    A valid history ([`HISTORY_RULES`][billing_core.ledger.HISTORY_RULES])
    has unique entry ids; one currency per account; each line in one account;
    reversals only of entries in the history, equal to the entry they name,
    each reversed at most once; a [`ChargePosted`][billing_core.ledger.ChargePosted]
    for every line an entry touches, effective on or before that entry; and, at
    the end of every effective date, no bucket of a line below zero and no
    party's credit below zero. Entries may be given in any order.

    Args:
        entries: The history.
        rules: The rules to run; [`HISTORY_RULES`][billing_core.ledger.HISTORY_RULES]
            by default.
        extra_rules: More rules to run after ``rules``.

    Returns:
        The findings, rule by rule, in a stable order.

    Raises:
        TypeError: If an item of ``entries`` is not a ledger entry.

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import Bucket, Party, PaymentApplied
        >>> from billing_core.money import Money
        >>> day = datetime.date(2024, 1, 5)
        >>> pay = PaymentApplied(id="a1", account_id="A1", line_id="L9", effective=day,
        ...                      amount=Money("5.00", "USD"), party=Party.patient("P1"),
        ...                      bucket=Bucket.PATIENT)
        >>> [f.rule for f in validate_history([pay])]
        ['history.unknown_line', 'history.credit_negative', 'history.open_negative']
    """
    history = tuple(entries)
    for index, entry in enumerate(history):
        # Checked up front so the rules may trust their input: a non-entry would otherwise
        # fail deep inside one rule with an AttributeError.
        if not isinstance(entry, LedgerEntry):
            raise TypeError(f"a history holds ledger entries; item {index} is {describe(entry)}")
    findings: list[Finding] = []
    for rule in (*rules, *extra_rules):
        findings.extend(rule(history))
    return tuple(findings)


def check_history(
    entries: Iterable[Entry],
    rules: Iterable[HistoryRule] = HISTORY_RULES,
    *,
    extra_rules: Iterable[HistoryRule] = (),
) -> None:
    """Raise if a history of entries is not valid (see [`validate_history`][]).

    Args:
        entries: The history.
        rules: The rules to run.
        extra_rules: More rules to run after ``rules``.

    Raises:
        ValidationError: With every finding, if there is any.
        TypeError: If an item of ``entries`` is not a ledger entry.

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import Bucket, ChargePosted
        >>> from billing_core.money import Money
        >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
        ...                  effective=datetime.date(2024, 1, 5), amount=Money("9.00", "USD"),
        ...                  bucket=Bucket.PATIENT)
        >>> check_history([c, c])
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: entry c1: duplicate entry id
    """
    findings = validate_history(entries, rules, extra_rules=extra_rules)
    if findings:
        raise ValidationError(findings)


def _example_history() -> list[Entry]:
    """A valid history for the examples: a charge, a payment received, and applied."""
    day, usd, pat = datetime.date(2024, 3, 1), Money("50.00", "USD"), Party.patient("P1")
    return [
        ChargePosted(id="c1", account_id="A1", line_id="L1", effective=day, amount=usd,
                     bucket=Bucket.PATIENT),
        PaymentReceived(id="p1", account_id="A1", effective=day, amount=usd, party=pat),
        PaymentApplied(id="a1", account_id="A1", line_id="L1", effective=day, amount=usd,
                       party=pat, bucket=Bucket.PATIENT),
    ]  # fmt: skip
