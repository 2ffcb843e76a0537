"""The line entries of a plan, built from values the plan has checked already (private).

A plan makes a `PaymentApplied` and an `Adjustment` or two for every line it
posts: hundreds of thousands for a large remittance. The entry types'
constructors check every field of every entry, and compute the entry's effect
(``ledger._effects``) from its fields; here each field is known good before
the entry is made:

- the id is the plan's own (key prefix and number), the account and the line
  come from validated claims and line items, the source is the claim's;
- the amount is a positive count of minor units the plan just worked out
  (range-checked here), or the remittance's own validated `Money`;
- the party is a payer paying the claim's coverage bucket; CO, PI and OA
  amounts adjust off that bucket, PR ones move to the next bucket
  (``next_bucket``), and CR never gets here (the line is refused first);
- the date is checked once per plan: when it is not a plain date the
  constructors are used, so the error names the field as it always did.

So the entries of one claim are made as drafts (a mutable twin of each entry
type, `_draft`) whose fields are set and whose class then becomes the entry
type, with the effect they share (one per kind, group and target bucket)
looked up once per claim. ``tests/test_posting_build.py`` rebuilds the entries of generated
plans through the constructors and checks they are equal, effect included.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any, Final

import attrs

from billing_core.codes import CARC, GroupCode
from billing_core.ledger import Adjustment, Bucket, Party, PaymentApplied, PaymentReceived, Source
from billing_core.ledger._effects import Effect, EffectKind, effect_of
from billing_core.money import MAX_MINOR, Money
from billing_core.money._core import make
from billing_core.posting._common import Adjusted, ClaimSide, Inputs

__all__ = ["LineEntries", "received"]


def _draft(cls: type, names: Sequence[str]) -> type[Any]:
    """A mutable twin of entry type ``cls`` whose instances become ``cls`` instances.

    The twin has the same base and declares the same slots as ``cls``, so an
    instance's ``__class__`` may be set to ``cls`` once its fields are set
    (Python allows it between types of one layout). Its attribute stores are
    plain slot stores, which the interpreter runs inline, where a slot setter
    is a call per field: about three times faster for an entry of nine fields.

    ``names`` are the fields the builder sets: they must be the fields of
    ``cls``, as an entry with an unset field would fail far from here, so a
    mismatch (or a layout that refuses the change of class) fails at import.
    """
    fields = [a.name for a in attrs.fields(cls)]
    if sorted(fields) != sorted(names):
        raise TypeError(f"{cls.__name__} has fields {fields}; the plan's builder sets {names}")
    if "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__} has no slots of its own: no draft can become one")
    twin = type(
        f"_{cls.__name__}Draft",
        cls.__bases__,
        {
            "__slots__": cls.__dict__["__slots__"],
            "__module__": __name__,
            # The base's frozen hooks replaced by the plain ones, so stores are slot stores.
            "__setattr__": object.__setattr__,
            "__delattr__": object.__delattr__,
        },
    )
    probe: Any = _new(twin)
    probe.__class__ = cls  # raises TypeError now if the layouts ever differ
    return twin


_new = object.__new__
_COMMON: Final = ("id", "account_id", "line_id", "effective", "amount", "source", "_effect")
_APPLIED: Final = _draft(PaymentApplied, (*_COMMON, "party", "bucket"))
_ADJUSTMENT: Final = _draft(Adjustment, (*_COMMON, "bucket", "group", "reason", "to_bucket"))
_RECEIVED: Final = _draft(PaymentReceived, (*_COMMON, "party"))
_PR: Final = GroupCode.PR


def _entry(
    draft: type[Any],
    entry_id: str,
    account: str,
    line_id: str | None,
    effective: datetime.date,
    amount: Money,
    source: Source,
    effect: Effect,
) -> Any:
    """A ``draft`` (of `_draft`) with the fields every ledger entry has set.

    The caller sets the rest, then gives it its entry type (``entry.__class__ = ...``).
    """
    entry = _new(draft)
    entry.id = entry_id
    entry.account_id = account
    entry.line_id = line_id
    entry.effective = effective
    entry.amount = amount
    entry.source = source
    entry._effect = effect
    return entry


def received(
    inputs: Inputs, entry_id: str, account: str, amount: Money, source: Source, party: Party
) -> PaymentReceived:
    """A payer's money received on an account (the plan makes one per account and payer).

    ``amount`` is positive (the plan makes a Refund otherwise) and ``party`` a payer.
    """
    if not inputs.trusted:
        return PaymentReceived(
            id=entry_id,
            account_id=account,
            effective=inputs.effective,
            amount=amount,
            source=source,
            party=party,
        )
    effect = effect_of(EffectKind.RECEIVED, None, None, party, account, inputs.currency)
    entry = _entry(_RECEIVED, entry_id, account, None, inputs.effective, amount, source, effect)
    entry.party = party
    entry.__class__ = PaymentReceived
    return entry  # type: ignore[no-any-return]


def _by_pass(adjustments: Sequence[Adjusted]) -> Sequence[Adjusted]:
    """A plain line's adjustments in entry order: every one adjusted off, then every PR one.

    The order within each pass is kept. Three (a line's CO and PR and a claim-level share,
    say) are placed by comparison, without building lists.
    """
    if len(adjustments) == 3:
        a, b, c = adjustments
        if b[0] is _PR and c[0] is not _PR:  # off-PR-off or PR-PR-off
            return (a, c, b) if a[0] is not _PR else (c, a, b)
        if a[0] is _PR and b[0] is not _PR:  # PR-off-off or PR-off-PR
            return (b, c, a) if c[0] is not _PR else (b, a, c)
        return adjustments  # in order already
    return [a for a in adjustments if a[0] is not _PR] + [a for a in adjustments if a[0] is _PR]


class LineEntries:
    """Makes the line entries of one claim: same fields, same effect as the constructors'."""

    __slots__ = (
        "_account",
        "_applied",
        "_bucket",
        "_cur",
        "_eff",
        "_following",
        "_moved",
        "_off",
        "_party",
        "_source",
        "_trusted",
    )

    def __init__(self, inputs: Inputs, side: ClaimSide) -> None:
        self._account = side.claim.account_id
        self._bucket = side.bucket
        self._following = side.following
        self._party = side.party
        self._source = side.source
        self._eff = inputs.effective
        self._cur = inputs.currency
        self._trusted = inputs.trusted
        # Every line the plan posts has the same payment-applied effect: made once a claim.
        self._applied = effect_of(
            EffectKind.APPLIED, self._bucket, None, self._party, self._account, self._cur
        )
        # Effects by group value (adjusted off) and by target bucket's value (moved): keys
        # that hash in C (an enum's hash is Python code), no key made per entry.
        self._off: dict[str, Effect] = {}
        self._moved: dict[str, Effect] = {}

    def line(
        self,
        prefix: str,
        number: int,
        line_id: str,
        paid: int,
        money: Money | None,
        adjustments: Sequence[Adjusted],
        out: list[Any],
    ) -> None:
        """Append a plain line's entries, numbered ``<prefix>.<number>`` on: what `_entries` makes.

        The payment applied (``money`` itself when it is exactly ``paid``), each
        adjustment off the payer's bucket, then each PR amount moved on, in the
        order given. ``adjustments`` are netted and positive, none of them CR, and
        none a prior payer's impact: the caller (``_lines.post_lines``) sends only
        such lines here, one call per line instead of one per entry.
        """
        applied = None
        if paid:
            applied = money if money is not None and money.minor == paid else self.amount(paid)
        if not self._trusted:  # through the entry constructors (a date that is not plain)
            self._constructed(prefix, number, line_id, applied, adjustments, out)
            return
        account, eff, source, bucket = self._account, self._eff, self._source, self._bucket
        if applied is not None:
            # _entry inline (a call per entry saved): the fields every entry has, then its own.
            entry = _new(_APPLIED)
            entry.id = f"{prefix}.{number}"
            entry.account_id = account
            entry.line_id = line_id
            entry.effective = eff
            entry.amount = applied
            entry.source = source
            entry._effect = self._applied
            entry.party = self._party
            entry.bucket = bucket
            entry.__class__ = PaymentApplied
            out.append(entry)
            number += 1
        off, moved, following, cur = self._off, self._moved, self._following, self._cur
        # In entry order, as _entries makes them: every amount adjusted off, then every PR
        # amount moved on (the usual two, CO then PR, are in that order already).
        if len(adjustments) > 2:
            adjustments = _by_pass(adjustments)
        elif len(adjustments) == 2 and adjustments[0][0] is _PR and adjustments[1][0] is not _PR:
            adjustments = (adjustments[1], adjustments[0])
        for group, reason, minor, money in adjustments:
            # Effects are looked up here (by group value, by target), made once a claim.
            to = following if group is _PR else None
            effect = off.get(group._value_) if to is None else moved.get(to._value_)
            if effect is None:
                effect = self._effect(group, to)
            if money is not None:
                amount = money
            else:  # positive: only such lines come here
                amount = make(minor, cur) if minor <= MAX_MINOR else self.amount(minor)
            adj = _new(_ADJUSTMENT)
            adj.id = f"{prefix}.{number}"
            adj.account_id = account
            adj.line_id = line_id
            adj.effective = eff
            adj.amount = amount
            adj.source = source
            adj._effect = effect
            adj.bucket = bucket
            adj.group = group
            adj.reason = reason.code
            adj.to_bucket = to
            adj.__class__ = Adjustment
            out.append(adj)
            number += 1

    def _constructed(
        self,
        prefix: str,
        number: int,
        line_id: str,
        applied: Money | None,
        adjustments: Sequence[Adjusted],
        out: list[Any],
    ) -> None:
        """`line` through the entry constructors: the payment ``applied``, then the rest."""
        if applied is not None:
            out.append(self.applied(f"{prefix}.{number}", line_id, applied))
            number += 1
        for group, reason, minor, given in _by_pass(adjustments):
            to = self._following if group is _PR else None
            amount = self.amount(minor) if given is None else given
            entry_id = f"{prefix}.{number}"
            out.append(self.adjustment(entry_id, line_id, amount, group, reason, to))
            number += 1

    def _effect(self, group: GroupCode, to: Bucket | None) -> Effect:
        """The effect of an adjustment: off the payer's bucket by group, or moved to ``to``."""
        if to is None:
            effect = self._off.get(group._value_)
            if effect is None:
                effect = self._off[group._value_] = effect_of(
                    EffectKind.ADJUSTED, self._bucket, group, None, self._account, self._cur
                )
        else:
            effect = self._moved.get(to._value_)
            if effect is None:
                effect = self._moved[to._value_] = effect_of(
                    EffectKind.MOVED, self._bucket, to, None, self._account, self._cur
                )
        return effect

    def _checked(self, entry_id: str, line_id: str, amount: Money) -> dict[str, Any]:
        """The fields every entry has, for a constructor (the plan's date is not a plain date)."""
        return {
            "id": entry_id,
            "account_id": self._account,
            "line_id": line_id,
            "effective": self._eff,
            "amount": amount,
            "source": self._source,
        }

    def amount(self, minor: int) -> Money:
        """``minor`` units of the remittance's currency."""
        if -MAX_MINOR <= minor <= MAX_MINOR:
            return make(minor, self._cur)
        return Money.from_minor(minor, self._cur)  # raises the out-of-range error

    def applied(self, entry_id: str, line_id: str, amount: Money) -> PaymentApplied:
        """The payer's payment applied to a line, from the payer's bucket."""
        if not self._trusted:
            fields = self._checked(entry_id, line_id, amount)
            return PaymentApplied(**fields, party=self._party, bucket=self._bucket)
        entry = _entry(
            _APPLIED,
            entry_id,
            self._account,
            line_id,
            self._eff,
            amount,
            self._source,
            self._applied,
        )
        entry.party = self._party
        entry.bucket = self._bucket
        entry.__class__ = PaymentApplied
        return entry  # type: ignore[no-any-return]

    def adjustment(
        self,
        entry_id: str,
        line_id: str,
        amount: Money,
        group: GroupCode,
        reason: CARC,
        to: Bucket | None,
    ) -> Adjustment:
        """An adjustment of a line: off the payer's bucket, or moved on to ``to``."""
        if not self._trusted:
            fields = self._checked(entry_id, line_id, amount)
            return Adjustment(
                **fields, bucket=self._bucket, group=group, reason=reason, to_bucket=to
            )
        # As Adjustment computes it: adjusted off by group, or moved to the target bucket.
        effect = self._effect(group, to)
        entry = _entry(
            _ADJUSTMENT, entry_id, self._account, line_id, self._eff, amount, self._source, effect
        )
        entry.bucket = self._bucket
        entry.group = group
        entry.reason = reason.code
        entry.to_bucket = to
        entry.__class__ = Adjustment
        return entry  # type: ignore[no-any-return]
