"""The ledger entries: immutable records that move a line item's money.

Each entry type has one effect (see the [`ledger`][billing_core.ledger]
overview); its amount is positive in its natural direction. A mistake is
undone by a [`Reversal`][billing_core.ledger.Reversal], never by
changing an entry. Constructors check each entry on its own;
[`ledger`][billing_core.ledger] checks a history as a whole.

Examples:
    >>> import datetime
    >>> from billing_core.ledger import Bucket
    >>> ChargePosted(id="c1", account_id="A1", line_id="L1",
    ...              effective=datetime.date(2024, 3, 1), amount=Money("-80.00", "USD"),
    ...              bucket=Bucket.PATIENT)
    Traceback (most recent call last):
    ...
    billing_core.errors.InvalidAmountError: ChargePosted.amount must be zero or positive ...
"""

from __future__ import annotations

import datetime
import enum
from typing import Any, Final

import attrs

from billing_core._checks import describe, is_plain_date
from billing_core._fields import invalid
from billing_core.codes import CARC, GroupCode
from billing_core.errors import InvalidAmountError
from billing_core.ledger._buckets import Bucket, Party
from billing_core.ledger._effects import Effect, EffectKind, effect_of
from billing_core.ledger._fields import check_text
from billing_core.ledger._reduce import init_names, rebuild_entry
from billing_core.money import Money
from billing_core.views import Protected, protected

__all__ = [
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
]


class WriteOffReason(enum.Enum):
    """Why an amount was written off.

    Examples:
        >>> WriteOffReason("bad_debt")
        <WriteOffReason.BAD_DEBT: 'bad_debt'>
    """

    SMALL_BALANCE = "small_balance"
    BAD_DEBT = "bad_debt"
    CHARITY = "charity"
    TIMELY_FILING = "timely_filing"
    ADMINISTRATIVE = "administrative"

    __hash__ = object.__hash__  # see Bucket: reasons key the folds' dicts too

    def __str__(self) -> str:
        return self.value


@attrs.frozen(kw_only=True)
class Source:
    """Where an entry came from: a payment, a remittance, a user's reason.

    Attributes:
        payment_id: The payment (check, card transaction, EFT) it records.
        remittance_id: The remittance advice (835/ERA) it was posted from.
        reason: Free text from the user who made it.

    Examples:
        >>> Source(payment_id="CHK-1001")
        Source(payment_id='CHK-1001', remittance_id=None, reason=None)
    """

    payment_id: str | None = None
    remittance_id: str | None = None
    reason: str | None = None


_NO_SOURCE: Final = Source()

# --------------------------------------------------------------------------- entries


def _positive(amount: object, what: str, *, allow_zero: bool = False) -> None:
    if amount.__class__ is not Money:
        raise TypeError(f"{what} must be a Money, got {describe(amount)}")
    minor = amount.minor
    if minor < 0 or (minor == 0 and not allow_zero):
        need = "zero or positive" if allow_zero else "positive"
        raise InvalidAmountError(
            f"{what} must be {need} (entries are positive in their natural direction;"
            f" corrections are reversals), got {amount}"
        )


def _bucket(value: object, what: str) -> Bucket:
    if not isinstance(value, Bucket):
        raise TypeError(f"{what} must be a Bucket, got {describe(value)}")
    return value


# Buckets in sequence: an adjustment only moves money forward (primary -> ... -> patient).
_ORDER: Final = {b: i for i, b in enumerate(Bucket)}


@attrs.frozen(kw_only=True)
class LedgerEntry:
    """The fields every ledger entry has; use a concrete entry type.

    Attributes:
        id: The entry's id, unique within a history.
        account_id: The account the entry belongs to; masked in ``repr`` and
            record exports (see [`views`][billing_core.views]).
        line_id: The line item it touches, or ``None`` for unapplied money
            ([`PaymentReceived`][billing_core.ledger.PaymentReceived],
            [`Refund`][billing_core.ledger.Refund]).
        effective: The date the entry takes effect; balances as of a date
            count only entries effective on or before it.
        amount: The amount, positive in the entry's natural direction (only a
            [`Reversal`][billing_core.ledger.Reversal] is negative).
        source: Where it came from (payment, remittance, reason).

    Examples:
        >>> issubclass(ChargePosted, LedgerEntry)
        True
    """

    id: str
    # The account identifies the patient: masked in repr and views (see billing_core.views).
    account_id: str = attrs.field(**protected(Protected.ID))
    line_id: str | None = None
    effective: datetime.date
    amount: Money
    source: Source = _NO_SOURCE
    # What the entry does to the running totals, for the folds (see ledger._effects).
    _effect: Effect = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        # The messages are built only for a bad field (this runs for every entry).
        id_, account_id = self.id, self.account_id
        if id_.__class__ is not str or not id_:
            check_text(id_, f"{type(self).__name__}.id")
        if account_id.__class__ is not str or not account_id:
            check_text(account_id, f"{type(self).__name__}.account_id")
        # A datetime is a date subclass that refuses to compare with a date (TypeError):
        # one in a history would break every "as of" fold.
        if self.effective.__class__ is not datetime.date and not is_plain_date(self.effective):
            raise TypeError(
                f"{type(self).__name__}.effective must be a datetime.date,"
                f" got {describe(self.effective)}"
            )
        if self.source.__class__ is not Source and not isinstance(self.source, Source):
            raise TypeError(
                f"{type(self).__name__}.source must be a Source, got {describe(self.source)}"
            )
        self._check()
        object.__setattr__(self, "_effect", self._make_effect())

    def __reduce__(self) -> tuple[Any, tuple[type[LedgerEntry], dict[str, Any]]]:
        # Pickle the constructor arguments by name and rebuild through the
        # constructor, so an unpickled entry is validated and its derived
        # fields (the effect) are computed by the code that loads it.
        cls = type(self)
        return (rebuild_entry, (cls, {n: getattr(self, n) for n in init_names(cls)}))

    def __setstate__(self, state: dict[str, Any]) -> None:
        # Entries pickled by release 0.1 hold their fields by name (and a string key
        # that no longer exists): rebuild through the constructor, as __reduce__ does.
        cls = type(self)
        fresh = cls(**{n: state[n] for n in init_names(cls) if n in state})
        for field in attrs.fields(cls):
            object.__setattr__(self, field.name, getattr(fresh, field.name))

    def _check(self) -> None:
        raise TypeError("LedgerEntry is a base class; use a concrete entry type")

    def _make_effect(self) -> Effect:
        raise NotImplementedError

    def _line_required(self) -> None:
        if self.line_id is None:
            raise invalid(
                f"{type(self).__name__}.line_id", "a line entry needs a line_id", "entry.line"
            )
        if self.line_id.__class__ is not str or not self.line_id:
            check_text(self.line_id, f"{type(self).__name__}.line_id")

    def _no_line(self) -> None:
        if self.line_id is not None:
            raise invalid(
                f"{type(self).__name__}.line_id",
                f"unapplied money belongs to no line, got {describe(self.line_id)}",
                "entry.line",
            )

    def _effect_of(
        self,
        kind: EffectKind,
        bucket: Bucket | None = None,
        detail: enum.Enum | None = None,
        party: Party | None = None,
    ) -> Effect:
        return effect_of(kind, bucket, detail, party, self.account_id, self.amount.currency)


@attrs.frozen(kw_only=True, getstate_setstate=False)  # see LedgerEntry.__setstate__
class ChargePosted(LedgerEntry):
    """A line item's charge: opens the line with its amount in the first responsible bucket.

    Attributes:
        bucket: The first responsible bucket: the primary coverage, or the
            patient when the line is self-pay.

    Examples:
        >>> import datetime
        >>> ChargePosted(id="c1", account_id="A1", line_id="L1",
        ...              effective=datetime.date(2024, 1, 5),
        ...              amount=Money("150.00", "USD"), bucket=Bucket.PRIMARY).bucket
        <Bucket.PRIMARY: 'primary'>
    """

    bucket: Bucket

    def _check(self) -> None:
        self._line_required()
        _positive(self.amount, "ChargePosted.amount", allow_zero=True)
        _bucket(self.bucket, "ChargePosted.bucket")

    def _make_effect(self) -> Effect:
        return self._effect_of(EffectKind.CHARGE, self.bucket)


@attrs.frozen(kw_only=True, getstate_setstate=False)  # see LedgerEntry.__setstate__
class PaymentReceived(LedgerEntry):
    """Money received from a party, not yet applied: it becomes that party's credit.

    Attributes:
        party: Who paid.

    Examples:
        >>> import datetime
        >>> PaymentReceived(id="p1", account_id="A1", effective=datetime.date(2024, 2, 1),
        ...                 amount=Money("-5.00", "USD"), party=Party.patient("P1"))
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidAmountError: PaymentReceived.amount must be positive ...
    """

    party: Party

    def _check(self) -> None:
        self._no_line()
        _positive(self.amount, "PaymentReceived.amount")
        if not isinstance(self.party, Party):
            raise TypeError(f"PaymentReceived.party must be a Party, got {describe(self.party)}")

    def _make_effect(self) -> Effect:
        return self._effect_of(EffectKind.RECEIVED, party=self.party)


@attrs.frozen(kw_only=True, getstate_setstate=False)  # see LedgerEntry.__setstate__
class PaymentApplied(LedgerEntry):
    """A party's credit applied to a line, reducing the bucket that party pays.

    Attributes:
        party: Whose credit is applied.
        bucket: The bucket it reduces; a payer pays a coverage bucket, a
            patient the patient bucket.

    Examples:
        >>> import datetime
        >>> PaymentApplied(id="a1", account_id="A1", line_id="L1",
        ...                effective=datetime.date(2024, 2, 1), amount=Money("20.00", "USD"),
        ...                party=Party.patient("P1"), bucket=Bucket.PRIMARY)
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: PaymentApplied.bucket: patient:**** cannot pay ...
    """

    party: Party
    bucket: Bucket

    def _check(self) -> None:
        self._line_required()
        _positive(self.amount, "PaymentApplied.amount")
        if not isinstance(self.party, Party):
            raise TypeError(f"PaymentApplied.party must be a Party, got {describe(self.party)}")
        if not self.party.can_pay(_bucket(self.bucket, "PaymentApplied.bucket")):
            raise invalid(
                "PaymentApplied.bucket",
                f"{self.party} cannot pay the {self.bucket} bucket"
                " (payers pay coverage buckets, patients the patient bucket)",
                "entry.party_bucket",
            )

    def _make_effect(self) -> Effect:
        return self._effect_of(EffectKind.APPLIED, self.bucket, party=self.party)


# Checked reason codes, by the text given: one shared string per code (an adjustment
# does not keep a fresh copy of "45"), and no regular expression for a code seen before.
# Bounded: a stream of distinct bad or odd spellings cannot grow it without end.
_CARC_SEEN: Final[dict[str, str]] = {}
_CARC_SEEN_MAX: Final = 2048


def _carc(value: str | CARC) -> str:
    if value.__class__ is str:
        found = _CARC_SEEN.get(value)
        if found is None:
            found = CARC(value).code
            if len(_CARC_SEEN) < _CARC_SEEN_MAX:
                _CARC_SEEN[value] = found
        return found
    return value.code if isinstance(value, CARC) else CARC(value).code


@attrs.frozen(kw_only=True, getstate_setstate=False)  # see LedgerEntry.__setstate__
class Adjustment(LedgerEntry):
    """A claim adjustment (835 CAS) on a coverage bucket: adjusted off the line, or transferred.

    CO and PI are *adjusted* off the payer's bucket: the money leaves the line
    (``Balance.adjusted``) and is never billable to the patient. PR is
    transferred to ``to_bucket``, the next coverage or the patient (see
    [`next_bucket`][billing_core.ledger.next_bucket]); OA is adjusted off
    without a ``to_bucket`` and transferred with one. A provider's decision not
    to collect is a [`WriteOff`][], not an adjustment. CR (4010 only) is
    refused: corrections are [`Reversal`][billing_core.ledger.Reversal]
    entries.

    Attributes:
        bucket: The coverage bucket adjusted.
        group: The group code.
        reason: The claim adjustment reason code (CARC), e.g. ``"45"``.
        to_bucket: Where a transferred adjustment goes; ``None`` to adjust the
            amount off the line.

    Examples:
        >>> import datetime
        >>> pr = Adjustment(id="j1", account_id="A1", line_id="L1",
        ...                 effective=datetime.date(2024, 2, 1), amount=Money("20.00", "USD"),
        ...                 bucket=Bucket.PRIMARY, group=GroupCode.PR, reason="2",
        ...                 to_bucket=Bucket.PATIENT)
        >>> pr.is_transfer
        True
    """

    bucket: Bucket
    group: GroupCode
    reason: str = attrs.field(converter=_carc)
    to_bucket: Bucket | None = None

    def _check(self) -> None:
        self._line_required()
        _positive(self.amount, "Adjustment.amount")
        if not _bucket(self.bucket, "Adjustment.bucket").is_insurance:
            raise invalid(
                "Adjustment.bucket",
                "adjustments come from payers and apply to a coverage bucket, got patient",
                "adjustment.bucket",
            )
        group = self.group
        if not isinstance(group, GroupCode):
            raise TypeError(f"Adjustment.group must be a GroupCode, got {describe(group)}")
        to = self.to_bucket
        if group is GroupCode.CR:
            raise invalid(
                "Adjustment.group",
                "CR (4010 correction/reversal) is not accepted; post a Reversal instead",
                "adjustment.group",
            )
        # CO and PI amounts are never billable to the patient (DESIGN.md section 6): moving
        # them to another bucket would bill them to someone.
        if group in (GroupCode.CO, GroupCode.PI) and to is not None:
            raise invalid(
                "Adjustment.to_bucket",
                f"{group} adjustments are adjusted off the payer's bucket, never transferred"
                f" (got to_bucket {to})",
                "adjustment.to_bucket",
            )
        # PR is what someone else owes (deductible, coinsurance, copay); adjusting it off
        # would lose money the patient or next payer owes.
        if group is GroupCode.PR and to is None:
            raise invalid(
                "Adjustment.to_bucket",
                "PR adjustments transfer to the next coverage or the patient; give to_bucket",
                "adjustment.to_bucket",
            )
        if to is not None and _ORDER[_bucket(to, "Adjustment.to_bucket")] <= _ORDER[self.bucket]:
            raise invalid(
                "Adjustment.to_bucket",
                f"an adjustment moves money forward in sequence; {self.bucket} -> {to} does not",
                "adjustment.to_bucket",
            )

    @property
    def is_transfer(self) -> bool:
        """Whether the amount moves to ``to_bucket`` rather than leaving the line.

        Examples:
            >>> import datetime
            >>> Adjustment(id="j", account_id="A", line_id="L", effective=datetime.date(2024, 1, 1),
            ...            amount=Money("5", "USD"), bucket=Bucket.PRIMARY,
            ...            group=GroupCode.CO, reason="45").is_transfer
            False
        """
        return self.to_bucket is not None

    def _make_effect(self) -> Effect:
        if self.to_bucket is None:
            return self._effect_of(EffectKind.ADJUSTED, self.bucket, self.group)
        return self._effect_of(EffectKind.MOVED, self.bucket, self.to_bucket)


@attrs.frozen(kw_only=True, getstate_setstate=False)  # see LedgerEntry.__setstate__
class Transfer(LedgerEntry):
    """Moves an amount of a line from one bucket to another (e.g. to secondary, to patient).

    Attributes:
        from_bucket: The bucket the amount leaves.
        to_bucket: The bucket it goes to; must differ.

    Examples:
        >>> import datetime
        >>> Transfer(id="t1", account_id="A1", line_id="L1", effective=datetime.date(2024, 3, 1),
        ...          amount=Money("30.00", "USD"), from_bucket=Bucket.PRIMARY,
        ...          to_bucket=Bucket.SECONDARY).to_bucket
        <Bucket.SECONDARY: 'secondary'>
    """

    from_bucket: Bucket
    to_bucket: Bucket

    def _check(self) -> None:
        self._line_required()
        _positive(self.amount, "Transfer.amount")
        if _bucket(self.from_bucket, "Transfer.from_bucket") is _bucket(
            self.to_bucket, "Transfer.to_bucket"
        ):
            raise invalid(
                "Transfer.to_bucket",
                f"a transfer needs two different buckets, got {self.to_bucket} twice",
                "transfer.buckets",
            )

    def _make_effect(self) -> Effect:
        return self._effect_of(EffectKind.MOVED, self.from_bucket, self.to_bucket)


@attrs.frozen(kw_only=True, getstate_setstate=False)  # see LedgerEntry.__setstate__
class WriteOff(LedgerEntry):
    """An amount written off a bucket for a stated reason (not a payer adjustment).

    Attributes:
        bucket: The bucket written off.
        reason: Why.

    Examples:
        >>> import datetime
        >>> WriteOff(id="w1", account_id="A1", line_id="L1", effective=datetime.date(2024, 6, 1),
        ...          amount=Money("2.10", "USD"), bucket=Bucket.PATIENT,
        ...          reason=WriteOffReason.SMALL_BALANCE).reason
        <WriteOffReason.SMALL_BALANCE: 'small_balance'>
    """

    bucket: Bucket
    reason: WriteOffReason

    def _check(self) -> None:
        self._line_required()
        _positive(self.amount, "WriteOff.amount")
        _bucket(self.bucket, "WriteOff.bucket")
        if not isinstance(self.reason, WriteOffReason):
            raise TypeError(
                f"WriteOff.reason must be a WriteOffReason, got {describe(self.reason)}"
            )

    def _make_effect(self) -> Effect:
        return self._effect_of(EffectKind.WRITTEN_OFF, self.bucket, self.reason)


@attrs.frozen(kw_only=True, getstate_setstate=False)  # see LedgerEntry.__setstate__
class Refund(LedgerEntry):
    """Money returned to a party out of its credit (no line).

    Attributes:
        party: Who gets the money back.

    Examples:
        >>> import datetime
        >>> Refund(id="f1", account_id="A1", effective=datetime.date(2024, 4, 1),
        ...        amount=Money("10.00", "USD"), party=Party.patient("P1")).line_id is None
        True
    """

    party: Party

    def _check(self) -> None:
        self._no_line()
        _positive(self.amount, "Refund.amount")
        if not isinstance(self.party, Party):
            raise TypeError(f"Refund.party must be a Party, got {describe(self.party)}")

    def _make_effect(self) -> Effect:
        return self._effect_of(EffectKind.REFUND, party=self.party)
