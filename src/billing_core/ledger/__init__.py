"""The responsibility ledger: immutable entries that move a line item's money.

After a bill or claim goes out, every movement of money is an **entry**. Each
line item's money sits in **buckets** by who owes it ([`Bucket`][]: each
coverage in sequence, then the patient/guarantor), and unapplied money sits as a
**credit** of the [`Party`][] that paid it. Balances are folds over entries
([`balances`][billing_core.balances]); entries never change, and a mistake is corrected
by a [`Reversal`][] (see [`reverse`][]).

The ledger knows nothing about documents: an entry names the account it belongs
to (``account_id``) and the line item it touches (``line_id``, ``None`` for
unapplied money) by id only.

Entry types and their effect:

- `ChargePosted`: opens the line, the amount to the first responsible bucket;
- `PaymentReceived`: the paying party's credit grows (no line);
- `PaymentApplied`: credit -> line, the party's credit and the bucket shrink;
- `Adjustment`: CO and PI (and OA without ``to_bucket``) **adjusted** off the
  payer's bucket; PR (and OA with ``to_bucket``) transferred to the next bucket;
- `Transfer`: moves an amount from one bucket to another;
- `WriteOff`: **written off** a bucket, with a `WriteOffReason`;
- `Refund`: money returned to a party out of its credit (no line);
- `Reversal`: the exact negation of one earlier entry.

Money of a remittance that lands on no line lives on the remittance's own
account, in entries of no line (see
[`remittance_account`][billing_core.posting.remittance_account]):

- `CashHeld`: a claim payment or service line that matched nothing of ours,
  held as the payer's credit (visible, refundable, applicable later);
- `CreditTransfer`: a party's credit moved to another account (held cash
  applied to the right claim's account, which receives it);
- `ProviderPayment` / `ProviderWithholding`: a provider-level adjustment (835
  PLB) adding to the payment (interest, a balance carried forward) or keeping
  money back (a recoupment, a balance recovered), linked to our claim when the
  payer's reference names one;
- `AppealHold`: a denied amount left open in the payer's bucket because the
  provider contests it (moves no money; its reversal closes the appeal).

**Adjusted or written off.** Both take money off a line without anyone paying
it, and the library keeps them apart everywhere (entries, balances, the
waterfall, statements): *adjusted* is what a payer took off under its contract
or rules (an [`Adjustment`][] that is not transferred, by group code, in
``Balance.adjusted``); *written off* is what the provider chose not to collect
(a [`WriteOff`][], by reason: small balance, bad debt, charity, timely filing,
in ``Balance.written_off``). So per line, ``charged = paid + adjusted + written
off + open``.

**Sign rule.** Every entry's ``amount`` is positive in its natural direction: a
$50 payment applied is ``+50.00`` in [`PaymentApplied`][], a $30 contractual
adjustment is ``+30.00`` in [`Adjustment`][]; the entry type says which way
the money moves. Only a [`Reversal`][] is negative: it carries the negated
amount of its original and undoes exactly that original's effect. A
[`ChargePosted`][] may be zero (a no-charge line); every other entry must be
strictly positive.

The package holds [`ledger`][billing_core.ledger] (who owes and who
pays), [`ledger`][billing_core.ledger] (the entry types),
[`ledger`][billing_core.ledger] ([`Reversal`][] and
[`reverse`][]) and [`ledger`][billing_core.ledger] (the rules a whole
history meets); every name is importable from ``billing_core.ledger``.

**Validity.** Constructors check each entry on its own. Whether a *history*
is consistent (unique ids, reversals of known entries reversed at most once,
every line charged before it is touched, one currency per account, no bucket
and no credit ever negative at the end of a day) is checked by
[`check_history`][] / [`validate_history`][] (the rules are
[`HISTORY_RULES`][]). The balance folds in
[`balances`][billing_core.balances] trust their input for speed (they still refuse
mixed currencies and lines that were never charged); run [`check_history`][]
on entries you did not build yourself.

Examples:
    >>> import datetime
    >>> from billing_core.money import Money
    >>> from billing_core.ledger import (
    ...     Bucket, ChargePosted, Party, PaymentApplied, PaymentReceived, check_history, reverse,
    ... )
    >>> day = datetime.date(2024, 3, 1)
    >>> usd = lambda s: Money(s, "USD")
    >>> pat = Party.patient("P1")
    >>> history = [
    ...     ChargePosted(id="c1", account_id="A1", line_id="L1", effective=day,
    ...                  amount=usd("80.00"), bucket=Bucket.PATIENT),
    ...     PaymentReceived(id="p1", account_id="A1", effective=day, amount=usd("50.00"),
    ...                     party=pat),
    ...     PaymentApplied(id="a1", account_id="A1", line_id="L1", effective=day,
    ...                    amount=usd("50.00"), party=pat, bucket=Bucket.PATIENT),
    ... ]
    >>> check_history(history)
    >>> undo = reverse(history[2], id="r1", effective=day, reason="posted to wrong line")
    >>> undo.amount, undo.reverses
    (Money('-50.00', 'USD'), 'a1')
"""

from __future__ import annotations

from billing_core._lazy import lazy_exports

# Release 0.1 pickles name the ledger entries' rebuild function here.
from billing_core.ledger._reduce import rebuild_entry as _rebuild_entry  # noqa: F401

_EXPORTS = {
    "billing_core.ledger._buckets": ("Bucket", "Party", "PartyKind", "next_bucket"),
    "billing_core.ledger._entries": (
        "Adjustment",
        "ChargePosted",
        "LedgerEntry",
        "PaymentApplied",
        "PaymentReceived",
        "Refund",
        "Source",
        "Transfer",
        "WriteOff",
        "WriteOffReason",
    ),
    "billing_core.ledger._history": (
        "HISTORY_RULES",
        "HistoryRule",
        "charged_before_use",
        "check_history",
        "never_below_zero",
        "one_account_per_line",
        "one_currency_per_account",
        "reversals_match_their_originals",
        "reversed_at_most_once",
        "unique_ids",
        "validate_history",
    ),
    "billing_core.ledger._payer": (
        "AppealHold",
        "CashHeld",
        "CreditTransfer",
        "ProviderPayment",
        "ProviderWithholding",
    ),
    "billing_core.ledger._reversals": ("Entry", "OriginalEntry", "Reversal", "reverse"),
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
