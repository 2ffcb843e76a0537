"""Where a remittance's money went: a plan's cash, and the ledger's view of a payment (private).

A remittance's cash (BPR02) ends up in four places: applied to the lines of
our claims, left as the payer's credit on a claim's account (an overpayment),
held unapplied on the remittance's account (money that matched nothing of
ours), and provider-level adjustments (PLB). Held cash applied later moves
out of the remittance's account into a claim's, where it is applied; held
cash refunded goes back to the payer.

[`reconcile_remittance`][billing_core.posting.reconcile_remittance] and
[`reconcile_deposit`][billing_core.posting.reconcile_deposit] read that back
from the ledger as explained checks;
[`unapplied_cash`][billing_core.posting.unapplied_cash] lists the money still
held, per payer and remittance.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Final

import attrs

from billing_core.balancing import BalanceCheck
from billing_core.errors import Finding, ValidationError
from billing_core.ledger import (
    CashHeld,
    CreditTransfer,
    Entry,
    Party,
    PaymentApplied,
    PaymentReceived,
    ProviderPayment,
    ProviderWithholding,
    Refund,
    Reversal,
)
from billing_core.ledger._effects import check_as_of
from billing_core.money import Money
from billing_core.remittance import Remittance

__all__ = [
    "HELD_TAG",
    "UnappliedCash",
    "held_label",
    "plan_terms",
    "provider_label",
    "reconcile_deposit",
    "reconcile_remittance",
    "remittance_account",
    "unapplied_cash",
]

HELD_TAG: Final = "held cash "
"""How the ``Source.reason`` of the entries applying held cash starts: ``"held cash <id> ..."``."""


def remittance_account(payer: str, trace_number: str) -> str:
    """The account that holds a payment's money of no line: held cash, provider-level money.

    One account per payment (the payer and its trace number, 835 TRN02, which
    is unique between a payer and a payee), so posts of different remittances
    never contend on one account, and a payment sent again under another
    envelope lands on the account of the first.

    Examples:
        >>> remittance_account("1935665544", "71700666555")
        'remittance:1935665544:71700666555'
    """
    # Both parts are in the name: the trace number is unique only per payer.
    return f"remittance:{payer}:{trace_number}"


def held_label(held: CashHeld) -> str:
    """How a held amount reads in an explanation: which claim (and line) it is for."""
    line = "" if held.service_line is None else f" line {held.service_line}"
    return f"held unapplied: claim {held.claim_reference}{line}"


def provider_label(entry: ProviderPayment | ProviderWithholding) -> str:
    """How a provider-level adjustment reads in an explanation."""
    what = "accepted imbalance" if entry.reason is None else f"PLB {entry.reason}"
    return f"provider {what} {entry.reference}".rstrip()


def plan_terms(entries: Iterable[Entry], currency: str) -> list[tuple[str, Money]]:
    """The terms a plan's cash adds up from, each signed as it counts.

    Per account and paying party: what is applied to lines (a reversal
    counts negative) and what is left as credit, never below zero, so a plan
    that applies more than it receives somewhere does not add up. Then each
    amount held, each held amount moved to a claim's account, and each
    provider-level adjustment.
    """
    # A reversal's amount is the original's negated: counted under its original's kind,
    # it cancels the original in the same sum.
    cash: dict[tuple[str, Party], int] = {}
    applied: dict[tuple[str, Party], int] = {}
    other: list[tuple[str, int]] = []
    for e in entries:
        original = e.original if isinstance(e, Reversal) else e
        m = e.amount.minor
        if isinstance(original, PaymentReceived | Refund | PaymentApplied):
            key = (e.account_id, original.party)
            sums = applied if isinstance(original, PaymentApplied) else cash
            sums[key] = sums.get(key, 0) + (-m if isinstance(original, Refund) else m)
        elif isinstance(original, CashHeld):
            other.append((held_label(original), m))
        elif isinstance(original, CreditTransfer):
            other.append((f"held cash moved to account {original.to_account}", -m))
        elif isinstance(original, ProviderPayment):
            other.append((provider_label(original), m))
        elif isinstance(original, ProviderWithholding):
            other.append((provider_label(original), -m))
    terms: list[tuple[str, int]] = []
    for key in dict.fromkeys([*cash, *applied]):
        account, party = key
        used, got = applied.get(key, 0), cash.get(key, 0)
        if used:
            terms.append((f"applied on account {account}", used))
        # Credit never counts below zero: an account applying more than it received shows
        # as a residual instead of being silently netted against another account's credit.
        if got > used:
            terms.append((f"credit of {party} left on account {account}", got - used))
    terms.extend(other)
    return [(label, Money.from_minor(minor, currency)) for label, minor in terms]


@attrs.frozen(kw_only=True)
class UnappliedCash:
    """A payer's money of one remittance held unapplied, and what became of it, as of a date.

    Attributes:
        payer: The payer whose money it is.
        remittance_id: The remittance it came with.
        trace_number: The payment's trace number (835 TRN02).
        account_id: The remittance's account that holds it.
        held: Held when the remittance was posted.
        applied: Applied since to claims' lines (moved to their accounts).
        refunded: Refunded since to the payer.

    Examples:
        >>> usd = lambda s: Money(s, "USD")
        >>> row = UnappliedCash(payer=Party.payer("acme"), remittance_id="T1", trace_number="T1",
        ...                     account_id="remittance:acme:T1", held=usd("50"),
        ...                     applied=usd("30"), refunded=usd("5"))
        >>> row.available
        Money('15.00', 'USD')
    """

    payer: Party
    remittance_id: str
    trace_number: str
    account_id: str
    held: Money
    applied: Money
    refunded: Money

    @property
    def available(self) -> Money:
        """What is still held: ``held - applied - refunded``."""
        return self.held - self.applied - self.refunded


def unapplied_cash(entries: Iterable[Entry], as_of: datetime.date) -> tuple[UnappliedCash, ...]:
    """The money held unapplied, per payer and remittance, as of a date.

    Reads every account of ``entries`` that holds cash
    ([`CashHeld`][billing_core.ledger.CashHeld]): what was held, what was
    applied since ([`CreditTransfer`][billing_core.ledger.CreditTransfer]
    out of the account), what was refunded (a
    [`Refund`][billing_core.ledger.Refund] on it; one that names no remittance
    counts for the account's first), and so what is left. Reversals count
    against their originals.

    Args:
        entries: The entries of the remittances' accounts (other entries are ignored).
        as_of: Only entries effective on or before it count.

    Returns:
        One row per payer and remittance, in the order first held.

    Examples:
        >>> from billing_core.ledger import CashHeld, Source
        >>> day = datetime.date(2024, 4, 1)
        >>> source = Source(payment_id="T1", remittance_id="R1")
        >>> held = CashHeld(id="h1", account_id="remittance:acme:T1", effective=day,
        ...                 amount=Money("40.00", "USD"), party=Party.payer("acme"),
        ...                 claim_reference="C9", source=source)
        >>> [(r.remittance_id, str(r.available)) for r in unapplied_cash([held], day)]
        [('R1', '40.00 USD')]
    """
    check_as_of(as_of)
    # Two passes: the held amounts first, so a transfer or refund met before its CashHeld
    # in the input order still finds the account's owner.
    seen = [e for e in entries if e.effective <= as_of]
    rows: dict[tuple[str, Party, str], list[int]] = {}
    first: dict[tuple[str, Party], str] = {}
    currency: dict[str, str] = {}
    traces: dict[str, str] = {}
    for e in seen:
        original = e.original if isinstance(e, Reversal) else e
        if isinstance(original, CashHeld):
            remittance = e.source.remittance_id or ""
            first.setdefault((e.account_id, original.party), remittance)
            traces.setdefault(e.account_id, e.source.payment_id or "")
            currency[e.account_id] = e.amount.currency
            rows.setdefault((e.account_id, original.party, remittance), [0, 0, 0])[0] += (
                e.amount.minor
            )
    for e in seen:
        original = e.original if isinstance(e, Reversal) else e
        if not isinstance(original, CreditTransfer | Refund):
            continue
        owner = first.get((e.account_id, original.party))
        if owner is None:
            continue  # not an account holding cash of this party
        figure = 1 if isinstance(original, CreditTransfer) else 2
        # A refund that names no remittance counts against the account's first holding:
        # the account is the payment's, and the cash is fungible within it.
        remittance = e.source.remittance_id or owner
        row = rows.setdefault((e.account_id, original.party, remittance), [0, 0, 0])
        row[figure] += e.amount.minor
    return tuple(
        UnappliedCash(
            payer=party,
            remittance_id=remittance,
            trace_number=traces[account],
            account_id=account,
            held=Money.from_minor(held, currency[account]),
            applied=Money.from_minor(applied, currency[account]),
            refunded=Money.from_minor(refunded, currency[account]),
        )
        for (account, party, remittance), (held, applied, refunded) in rows.items()
    )


def _remittance_terms(
    remittance: Remittance, entries: Iterable[Entry], as_of: datetime.date | None
) -> list[tuple[str, int]]:
    """The terms of one remittance's money in the ledger (minor units), as of a date.

    What the claims' accounts received from it, what it held (split by what
    became of it: still held, applied later, refunded to the payer), and its
    provider-level adjustments.
    """
    rid = remittance.id
    own = remittance_account(remittance.payer, remittance.trace_number)
    claims: dict[str, int] = {}
    moved: dict[str, int] = {}
    held = refunded = 0
    provider: list[tuple[str, int]] = []
    for e in entries:
        if as_of is not None and e.effective > as_of:
            continue
        source = e.source
        # A refund on the remittance's own account may name no remittance (issued by hand):
        # the account is the payment's own, so it still counts for it.
        if source.remittance_id != rid and not (
            e.account_id == own and source.remittance_id is None
        ):
            continue
        original = e.original if isinstance(e, Reversal) else e
        m = e.amount.minor
        if isinstance(original, CashHeld):
            held += m
        elif isinstance(original, CreditTransfer):
            moved[original.to_account] = moved.get(original.to_account, 0) + m
        elif isinstance(original, Refund) and e.account_id == own:
            refunded += m
        elif isinstance(original, PaymentReceived | Refund):
            # Cash moved from held money is already counted as "held, applied" (the transfer):
            # counting its PaymentReceived too would count it twice.
            if not (source.reason or "").startswith(HELD_TAG):  # held cash applied: moved
                sign = -1 if isinstance(original, Refund) else 1
                claims[e.account_id] = claims.get(e.account_id, 0) + sign * m
        elif isinstance(original, ProviderPayment):
            provider.append((provider_label(original), m))
        elif isinstance(original, ProviderWithholding):
            provider.append((provider_label(original), -m))
    terms = [(f"received for claims on account {a}", m) for a, m in claims.items()]
    if held:
        terms.append(("held, still unapplied", held - sum(moved.values()) - refunded))
        terms.extend((f"held, applied on account {a}", m) for a, m in moved.items())
        if refunded:
            terms.append(("held, refunded to the payer", refunded))
    terms.extend(provider)
    return terms


def reconcile_remittance(
    remittance: Remittance, entries: Iterable[Entry], as_of: datetime.date | None = None
) -> BalanceCheck:
    """Check, from the ledger, that a posted remittance's cash is all accounted for.

    Rule ``posting.remittance_reconciliation``: the total payment (BPR02) =
    what the claims' accounts received from it + what it held (still held,
    applied later to a claim's account, or refunded to the payer) + its
    provider-level adjustments. The entries are those of the accounts it
    touched (its claims' and its own); an entry counts when its
    ``Source.remittance_id`` is the remittance's id (a refund on its account
    that names no remittance counts too).

    Args:
        remittance: The remittance.
        entries: The entries of the accounts it touched.
        as_of: Only entries effective on or before it count (all by default).

    Returns:
        The explained check; not ok when money is missing (a remittance not
        posted, or posted in part).

    Examples:
        >>> from billing_core.ledger import CashHeld, Source
        >>> r = Remittance(payer="acme", payee="Q", total_payment=Money("40", "USD"),
        ...     payment_method="CHK", trace_number="T1", paid_date=datetime.date(2024, 4, 1))
        >>> source = Source(payment_id="T1", remittance_id="T1")
        >>> held = CashHeld(id="h1", account_id="remittance:acme:T1", effective=r.paid_date,
        ...                 amount=Money("40.00", "USD"), party=Party.payer("acme"),
        ...                 claim_reference="C9", source=source)
        >>> print(reconcile_remittance(r, [held]))
        remittance T1: balanced (rule posting.remittance_reconciliation)
          total payment 40.00 USD
          computed 40.00 USD =
            + held, still unapplied 40.00 USD
    """
    terms = _remittance_terms(remittance, entries, as_of)
    return _check(
        "posting.remittance_reconciliation",
        f"remittance {remittance.id}",
        remittance.total_payment,
        terms,
    )


def reconcile_deposit(
    remittances: Iterable[Remittance], entries: Iterable[Entry], as_of: datetime.date | None = None
) -> BalanceCheck:
    """Check, from the ledger, that a deposit (one payer's trace number) is all accounted for.

    A deposit is one payment of one payer (its trace number, 835 TRN02); its
    remittances (usually one) are checked together, the terms of each named
    by its id when there are several: the deposit = the sum of their totals.

    Args:
        remittances: The remittances of the deposit (same payer and trace number).
        entries: The entries of the accounts they touched.
        as_of: Only entries effective on or before it count (all by default).

    Returns:
        The explained check (rule ``posting.deposit_reconciliation``).

    Raises:
        ValidationError: No remittance, or remittances of several payers or
            trace numbers, or in several currencies.

    Examples:
        >>> r = Remittance(payer="acme", payee="Q", total_payment=Money("0", "USD"),
        ...     payment_method="NON", trace_number="T1", paid_date=datetime.date(2024, 4, 1))
        >>> reconcile_deposit([r], []).ok
        True
    """
    rs = list(remittances)
    keys = {(r.payer, r.trace_number, r.currency) for r in rs}
    if len(keys) != 1:
        what = "no remittance" if not rs else f"remittances of {len(keys)} payments"
        raise ValidationError(
            [
                Finding(
                    location="remittances",
                    message=f"a deposit is one payer's trace number in one currency, got {what}",
                    rule="posting.deposit",
                )
            ]
        )
    history = list(entries)
    terms: list[tuple[str, int]] = []
    for r in rs:
        named = [(f"{r.id}: {label}" if len(rs) > 1 else label, m) for label, m in
                 _remittance_terms(r, history, as_of)]  # fmt: skip
        terms.extend(named)
    payer, trace, currency = keys.pop()
    total = Money.from_minor(sum(r.total_payment.minor for r in rs), currency)
    return _check("posting.deposit_reconciliation", f"deposit {trace} of {payer}", total, terms)


def _check(rule: str, location: str, total: Money, terms: list[tuple[str, int]]) -> BalanceCheck:
    cur = total.currency
    return BalanceCheck(
        rule=rule,
        location=location,
        left_label="total payment",
        left=total,
        right=Money.from_minor(sum(m for _, m in terms), cur),
        terms=tuple((label, Money.from_minor(m, cur)) for label, m in terms),
    )
