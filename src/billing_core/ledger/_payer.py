"""Money of a remittance that lands on no line, and denials held for appeal (private).

A payer's remittance pays claims, but not all of its money lands on a line:
a claim payment (or a service line) that matches nothing of ours, interest,
recoupments and balances carried between remittances (835 PLB). That money
lives in the same ledger, on an account of its own per payment (see
[`remittance_account`][billing_core.posting.remittance_account]), in entries
that touch no line:

- [`CashHeld`][billing_core.ledger.CashHeld]: money held unapplied; it is
  the payer's credit on that account (the same effect as a
  [`PaymentReceived`][billing_core.ledger.PaymentReceived]), refundable with a
  [`Refund`][billing_core.ledger.Refund];
- [`CreditTransfer`][billing_core.ledger.CreditTransfer]: a party's credit
  moved to another account (held cash applied to the right claim's account,
  which receives it with a `PaymentReceived` in the same batch);
- [`ProviderPayment`][billing_core.ledger.ProviderPayment] and
  [`ProviderWithholding`][billing_core.ledger.ProviderWithholding]: a
  provider-level adjustment that adds to the payment (interest, a balance
  carried forward) or keeps money back (a recoupment, a balance recovered);
  neither is anybody's credit.

An [`AppealHold`][billing_core.ledger.AppealHold] moves no money either: it
records that a denied amount stays open in the payer's bucket because the
provider contests it; a [`Reversal`][billing_core.ledger.Reversal] of it
closes the appeal.

Examples:
    >>> import datetime
    >>> from billing_core.ledger import Party
    >>> from billing_core.money import Money
    >>> held = CashHeld(id="h1", account_id="remittance:acme:T1",
    ...                 effective=datetime.date(2024, 4, 1), amount=Money("50.00", "USD"),
    ...                 party=Party.payer("acme"), claim_reference="CLM9")
    >>> held.line_id is None, held.service_line
    (True, None)
"""

from __future__ import annotations

import re
from typing import Final

import attrs

from billing_core._checks import describe
from billing_core._fields import invalid
from billing_core.codes import CARC, GroupCode
from billing_core.ledger._buckets import Bucket, Party, PartyKind
from billing_core.ledger._effects import Effect, EffectKind
from billing_core.ledger._entries import LedgerEntry, _positive
from billing_core.ledger._fields import check_text

__all__ = [
    "AppealHold",
    "CashHeld",
    "CreditTransfer",
    "ProviderPayment",
    "ProviderWithholding",
]

_PLB_REASON: Final = re.compile(r"[0-9A-Z]{2}")


def _party(entry: LedgerEntry, value: object, *, payer: bool) -> None:
    name = type(entry).__name__
    if not isinstance(value, Party):
        raise TypeError(f"{name}.party must be a Party, got {describe(value)}")
    # Remittance money is always the payer's: a patient party here would turn a payer's
    # unapplied cash into a patient credit that could be refunded to the patient.
    if payer and value.kind is not PartyKind.PAYER:
        raise invalid(
            f"{name}.party",
            f"the money of a remittance is a payer's, got {value}",
            "entry.party",
        )


@attrs.frozen(kw_only=True, getstate_setstate=False)  # see LedgerEntry.__setstate__
class CashHeld(LedgerEntry):
    """Money of a remittance held unapplied: no claim or service line of ours matched it (no line).

    It is the payer's credit on the account it is held on, exactly like a
    [`PaymentReceived`][billing_core.ledger.PaymentReceived]: visible in
    [`credits`][billing_core.balances.credits], refundable with a
    [`Refund`][billing_core.ledger.Refund], and moved to the right claim's
    account with a [`CreditTransfer`][billing_core.ledger.CreditTransfer].

    Attributes:
        party: The payer that sent it.
        claim_reference: The patient control number the payer sent (835 CLP01).
        service_line: The position (1, 2, ...) of the held service line in that
            claim payment; ``None`` when the whole claim payment is held.

    Examples:
        >>> import datetime
        >>> from billing_core.money import Money
        >>> CashHeld(id="h1", account_id="R1", effective=datetime.date(2024, 4, 1),
        ...          amount=Money("5.00", "USD"), party=Party.patient("P1"), claim_reference="C")
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: CashHeld.party: the money of a remittance is a payer's, got patient:****
    """  # noqa: E501

    party: Party
    claim_reference: str
    service_line: int | None = None

    def _check(self) -> None:
        self._no_line()
        _positive(self.amount, "CashHeld.amount")
        _party(self, self.party, payer=True)
        check_text(self.claim_reference, "CashHeld.claim_reference")
        n = self.service_line
        if n is not None and (type(n) is not int or n < 1):
            raise invalid(
                "CashHeld.service_line",
                f"must be a position 1, 2, ... or None, got {describe(n)}",
                "entry.service_line",
            )

    def _make_effect(self) -> Effect:
        # Held cash is the payer's credit on the account, as any money received.
        return self._effect_of(EffectKind.RECEIVED, party=self.party)


@attrs.frozen(kw_only=True, getstate_setstate=False)  # see LedgerEntry.__setstate__
class CreditTransfer(LedgerEntry):
    """A party's unapplied credit moved from this account to another (no line).

    The account the credit leaves gets this entry; the account it goes to
    receives the same amount from the same party with a
    [`PaymentReceived`][billing_core.ledger.PaymentReceived] in the same
    batch. On this account the party's credit, and what it counts as received,
    shrink by the amount: over both accounts the money is received once.

    Attributes:
        party: Whose credit moves.
        to_account: The account it goes to (not this one).
        held: The [`CashHeld`][billing_core.ledger.CashHeld] entry whose
            money it moves, when it applies held cash.

    Examples:
        >>> import datetime
        >>> from billing_core.money import Money
        >>> CreditTransfer(id="m1", account_id="A1", effective=datetime.date(2024, 4, 1),
        ...                amount=Money("5.00", "USD"), party=Party.payer("acme"),
        ...                to_account="A1")
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: CreditTransfer.to_account: a credit moves to another account, got its own
    """  # noqa: E501

    party: Party
    to_account: str
    held: str | None = None

    def _check(self) -> None:
        self._no_line()
        _positive(self.amount, "CreditTransfer.amount")
        _party(self, self.party, payer=False)
        check_text(self.to_account, "CreditTransfer.to_account", protected=True)
        # A transfer to its own account would shrink the credit and receive it again in the
        # same batch: a no-op that still counts as "applied" held cash.
        if self.to_account == self.account_id:
            raise invalid(
                "CreditTransfer.to_account",
                "a credit moves to another account, got its own",
                "entry.to_account",
            )
        if self.held is not None:
            check_text(self.held, "CreditTransfer.held")

    def _make_effect(self) -> Effect:
        return self._effect_of(EffectKind.CREDIT_MOVED, party=self.party)


@attrs.frozen(kw_only=True, getstate_setstate=False)  # see LedgerEntry.__setstate__
class _ProviderLevel(LedgerEntry):
    """The fields of a provider-level adjustment (835 PLB); use a concrete type."""

    party: Party
    reason: str | None
    reference: str = ""
    claim_id: str | None = None

    def _check(self) -> None:
        name = type(self).__name__
        self._no_line()
        _positive(self.amount, f"{name}.amount")
        _party(self, self.party, payer=True)
        reason = self.reason
        if reason is not None and (
            not isinstance(reason, str) or not _PLB_REASON.fullmatch(reason)
        ):
            raise invalid(
                f"{name}.reason",
                f"must be a PLB adjustment reason code such as 'L6' or 'WO', or None for"
                f" an accepted imbalance, got {describe(reason)}",
                "entry.plb_reason",
            )
        if not isinstance(self.reference, str):
            raise TypeError(f"{name}.reference must be a str, got {describe(self.reference)}")
        if self.claim_id is not None:
            check_text(self.claim_id, f"{name}.claim_id")


@attrs.frozen(kw_only=True, getstate_setstate=False)  # see LedgerEntry.__setstate__
class ProviderPayment(_ProviderLevel):
    """Money a payer added at provider level (an 835 PLB with a negative amount) (no line).

    Interest (L6), a negative balance carried forward to a later remittance
    (FB), a recovery delayed (WO with a negative amount): money the provider
    got with the payment that belongs to no claim line and is nobody's credit.

    Attributes:
        party: The payer.
        reason: The PLB reason code (PLB03-1), or ``None`` for the difference
            of an unbalanced remittance the caller accepted.
        reference: The payer's reference (PLB03-2).
        claim_id: Our claim the reference names, when it names one.

    Examples:
        >>> import datetime
        >>> from billing_core.money import Money
        >>> ProviderPayment(id="i1", account_id="R1", effective=datetime.date(2024, 4, 1),
        ...                 amount=Money("1.27", "USD"), party=Party.payer("acme"),
        ...                 reason="L6", reference="CLM1").reason
        'L6'
    """

    def _make_effect(self) -> Effect:
        return self._effect_of(EffectKind.PROVIDER_PAID, party=self.party)


@attrs.frozen(kw_only=True, getstate_setstate=False)  # see LedgerEntry.__setstate__
class ProviderWithholding(_ProviderLevel):
    """Money a payer kept back at provider level (an 835 PLB with a positive amount) (no line).

    A recoupment of an earlier overpayment (WO, 72, ...), a balance forwarded
    from an earlier remittance recovered now (FB), a levy: the payment is that
    much smaller. ``claim_id`` links it to the claim it takes back from when
    the payer's reference names one of ours.

    Attributes:
        party: The payer.
        reason: The PLB reason code (PLB03-1), or ``None`` for the difference
            of an unbalanced remittance the caller accepted.
        reference: The payer's reference (PLB03-2).
        claim_id: Our claim the reference names, when it names one.

    Examples:
        >>> import datetime
        >>> from billing_core.money import Money
        >>> ProviderWithholding(id="w1", account_id="R1", effective=datetime.date(2024, 4, 1),
        ...                     amount=Money("30.00", "USD"), party=Party.payer("acme"),
        ...                     reason="wo", reference="X")
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: ProviderWithholding.reason: must be a PLB adjustment reason code such as 'L6' or 'WO', or None for an accepted imbalance, got 'wo' (str)
    """  # noqa: E501

    def _make_effect(self) -> Effect:
        return self._effect_of(EffectKind.PROVIDER_WITHHELD, party=self.party)


def _carc(value: str | CARC) -> str:
    return value.code if isinstance(value, CARC) else CARC(value).code


@attrs.frozen(kw_only=True, getstate_setstate=False)  # see LedgerEntry.__setstate__
class AppealHold(LedgerEntry):
    """A denied amount kept open in a payer's bucket for appeal (no line; moves no money).

    Posting a denial the provider contests posts no adjustment: the amount
    stays owed by the payer's bucket of the claim's lines, and this entry
    says why (the group and reason the payer gave) and since when. A
    [`Reversal`][billing_core.ledger.Reversal] of it closes the appeal (a
    later remittance paid the claim, or the denial was accepted and adjusted
    off).

    Attributes:
        claim_id: The denied claim.
        bucket: The payer's coverage bucket the amount stays in.
        group: The group code of the denial (CO, PI or OA).
        reason: The claim adjustment reason code (CARC), e.g. ``"50"``.

    Examples:
        >>> import datetime
        >>> from billing_core.money import Money
        >>> hold = AppealHold(id="a1", account_id="A1", effective=datetime.date(2024, 4, 1),
        ...                   amount=Money("100.00", "USD"), claim_id="CLM1",
        ...                   bucket=Bucket.PRIMARY, group=GroupCode.CO, reason="50")
        >>> hold.reason, hold.line_id
        ('50', None)
    """

    claim_id: str
    bucket: Bucket
    group: GroupCode
    reason: str = attrs.field(converter=_carc)

    def _check(self) -> None:
        self._no_line()
        _positive(self.amount, "AppealHold.amount")
        check_text(self.claim_id, "AppealHold.claim_id")
        if not isinstance(self.bucket, Bucket) or not self.bucket.is_insurance:
            raise invalid(
                "AppealHold.bucket",
                f"a denial is held in a coverage bucket, got {describe(self.bucket)}",
                "entry.bucket",
            )
        # PR is never held: it is the next party's to pay, not the payer's to reconsider.
        if self.group not in (GroupCode.CO, GroupCode.PI, GroupCode.OA):
            raise invalid(
                "AppealHold.group",
                f"a denial held for appeal is CO, PI or OA, got {describe(self.group)}",
                "entry.group",
            )

    def _make_effect(self) -> Effect:
        return self._effect_of(EffectKind.APPEAL_HELD, self.bucket, self.group)
