"""Balances: pure folds over ledger entries, as of a date.

Every function here takes the entries ([`ledger`][billing_core.ledger]) and an
``as_of`` date, and counts only entries effective on or before it. Nothing is
stored: a balance is recomputed from the history whenever it is asked for, so it
can be asked as of any date, and folding the same entries in any order gives
the same result.

- [`line_balances`][]: per line item, what was charged, paid by each party
  and from each bucket, adjusted (payer adjustments, by group code), written
  off (write-offs, by reason), transferred, and what is open in each bucket
  (a [`LineBalances`][] dict, which shows as a table in a notebook);
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

The package holds [`balances`][billing_core.balances] (the values:
[`Amounts`][], [`Balance`][], [`LineBalance`][], [`Credit`][]),
[`balances`][billing_core.balances] (the folds and credits) and
[`balances`][billing_core.balances] (the waterfall); every name
is importable from ``billing_core.balances``.

The folds loop once over the entries adding integer minor units into dicts, and
build [`Money`][billing_core.money.Money] values at the end; each amount of a
line from [`line_balances`][] is built when it is first read, so a fold over
many lines costs little more than the loop, and reading one figure of every line
builds that figure alone. They trust their input (see
[`check_history`][billing_core.ledger.check_history]), but still refuse mixed
currencies in an account and a line that was never charged, when the fold runs.

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

from billing_core._lazy import lazy_exports

_EXPORTS = {
    "billing_core.balances._amounts": ("Amounts", "Balance", "Credit", "LineBalance"),
    "billing_core.balances._explanation": ("Explanation", "ExplanationRow", "explain"),
    "billing_core.balances._folds": (
        "account_balance",
        "account_balances",
        "credits",
        "group_balance",
        "line_balances",
    ),
    "billing_core.balances._tables": ("LineBalances",),
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
