"""Corrections: a reversal is the exact negation of one earlier entry, linked to it.

A [`Reversal`][billing_core.ledger.Reversal] carries its original's
account, line and negated amount, and has its original's effect: folded with
the original, the two cancel. Build one with
[`reverse`][billing_core.ledger.reverse]; a reversal cannot itself
be reversed (post the original again instead).

Examples:
    >>> import datetime
    >>> from billing_core.ledger import Bucket, ChargePosted
    >>> from billing_core.money import Money
    >>> charge = ChargePosted(id="c1", account_id="A1", line_id="L1",
    ...                       effective=datetime.date(2024, 3, 1), amount=Money("80.00", "USD"),
    ...                       bucket=Bucket.PATIENT)
    >>> reverse(charge, id="r1", effective=datetime.date(2024, 3, 2)).amount
    Money('-80.00', 'USD')
"""

from __future__ import annotations

import datetime
from typing import TypeAlias

import attrs

from billing_core._checks import describe
from billing_core._fields import invalid
from billing_core.ledger._effects import Effect
from billing_core.ledger._entries import (
    Adjustment,
    ChargePosted,
    LedgerEntry,
    PaymentApplied,
    PaymentReceived,
    Refund,
    Source,
    Transfer,
    WriteOff,
)
from billing_core.ledger._payer import (
    AppealHold,
    CashHeld,
    CreditTransfer,
    ProviderPayment,
    ProviderWithholding,
)

__all__ = ["Entry", "OriginalEntry", "Reversal", "reverse"]

OriginalEntry: TypeAlias = (
    ChargePosted
    | PaymentReceived
    | PaymentApplied
    | Adjustment
    | Transfer
    | WriteOff
    | Refund
    | CashHeld
    | CreditTransfer
    | ProviderPayment
    | ProviderWithholding
    | AppealHold
)
"""Any entry that is not a reversal (what a reversal may undo)."""


@attrs.frozen(kw_only=True, getstate_setstate=False)  # see LedgerEntry.__setstate__
class Reversal(LedgerEntry):
    """The exact negation of one earlier entry, linked to it; build it with [`reverse`][].

    Its ``account_id`` and ``line_id`` are the original's and its ``amount`` is
    the original's negated. A reversal cannot itself be reversed: post the
    original again instead.

    Attributes:
        reverses: The id of the reversed entry.
        original: The reversed entry itself.

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import Bucket, ChargePosted
        >>> from billing_core.money import Money
        >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
        ...                  effective=datetime.date(2024, 1, 5), amount=Money("9.00", "USD"),
        ...                  bucket=Bucket.PATIENT)
        >>> r = reverse(c, id="r1", effective=datetime.date(2024, 1, 6))
        >>> reverse(r, id="r2", effective=datetime.date(2024, 1, 7))
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: Reversal r1: a reversal cannot be reversed; ...
    """

    reverses: str
    original: OriginalEntry

    def _check(self) -> None:
        original = self.original
        where = f"Reversal {self.id}"
        # A reversal of a reversal would make "is this entry in effect" depend on the parity
        # of a chain; posting the original again is the one way to restore it.
        if isinstance(original, Reversal):
            raise invalid(where, "a reversal of a reversal is refused", "reversal.of_reversal")
        if not isinstance(original, OriginalEntry):
            raise TypeError(f"Reversal.original must be a ledger entry, got {describe(original)}")
        problems = []
        if self.reverses != original.id:
            problems.append(f"reverses {self.reverses!r} but original is {original.id!r}")
        if self.account_id != original.account_id:
            problems.append(f"account {self.account_id!r} is not the original's")
        if self.line_id != original.line_id:
            problems.append(f"line {self.line_id!r} is not the original's")
        # Exact negation is what lets the folds apply the original's effect to a reversal
        # and cancel it to the cent.
        if self.amount != -original.amount:
            problems.append(f"amount {self.amount} is not the negation of {original.amount}")
        # A balance as of a day between the two would show the undo without the thing undone.
        if self.effective < original.effective:
            problems.append(
                f"effective {self.effective} is before the original's {original.effective}"
            )
        if problems:
            raise invalid(where, "; ".join(problems), "reversal.mismatch")

    def _make_effect(self) -> Effect:
        # The same effect as the original: with the negated amount, a fold
        # undoes the original's effect without looking it up.
        return self.original._effect


Entry: TypeAlias = OriginalEntry | Reversal
"""Any ledger entry."""


def reverse(
    entry: Entry,
    *,
    id: str,
    effective: datetime.date,
    reason: str | None = None,
) -> Reversal:
    """Build the reversal of ``entry``: its exact negation, linked to it.

    Args:
        entry: The entry to undo (not a reversal).
        id: The reversal's id.
        effective: When the reversal takes effect (not before the original).
        reason: Why, kept in the reversal's [`Source`][] (the original's
            payment and remittance ids are kept too).

    Returns:
        The reversal.

    Raises:
        ValidationError: If ``entry`` is a reversal (a reversal of a reversal
            is refused), or ``effective`` is before the entry's date.

    Examples:
        >>> import datetime
        >>> from billing_core.ledger import Bucket, WriteOff, WriteOffReason
        >>> from billing_core.money import Money
        >>> w = WriteOff(id="w1", account_id="A1", line_id="L1",
        ...              effective=datetime.date(2024, 6, 1), amount=Money("2.10", "USD"),
        ...              bucket=Bucket.PATIENT, reason=WriteOffReason.SMALL_BALANCE)
        >>> r = reverse(w, id="r1", effective=datetime.date(2024, 6, 2), reason="patient paid")
        >>> r.amount, r.source.reason
        (Money('-2.10', 'USD'), 'patient paid')
    """
    if isinstance(entry, Reversal):
        raise invalid(
            f"Reversal {entry.id}",
            "a reversal cannot be reversed; post the original entry again instead",
            "reversal.of_reversal",
        )
    # The payment and remittance ids stay the original's: reconciliation of that
    # remittance then sees the reversal net its entries out.
    source = Source(
        payment_id=entry.source.payment_id,
        remittance_id=entry.source.remittance_id,
        reason=reason,
    )
    return Reversal(
        id=id,
        account_id=entry.account_id,
        line_id=entry.line_id,
        effective=effective,
        amount=-entry.amount,
        source=source,
        reverses=entry.id,
        original=entry,
    )
