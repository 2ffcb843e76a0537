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
- `Adjustment`: CO and PI (and OA without ``to_bucket``) written off the
  bucket; PR (and OA with ``to_bucket``) transferred to the next bucket;
- `Transfer`: moves an amount from one bucket to another;
- `WriteOff`: written off a bucket, with a `WriteOffReason`;
- `Refund`: money returned to a party out of its credit (no line);
- `Reversal`: the exact negation of one earlier entry.

**Sign rule.** Every entry's ``amount`` is positive in its natural direction: a
$50 payment applied is ``+50.00`` in [`PaymentApplied`][], a $30 contractual
adjustment is ``+30.00`` in [`Adjustment`][]; the entry type says which way
the money moves. Only a [`Reversal`][] is negative: it carries the negated
amount of its original and undoes exactly that original's effect. A
[`ChargePosted`][] may be zero (a no-charge line); every other entry must be
strictly positive.

**Validity.** Constructors check each entry on its own. Whether a *history*
is consistent (unique ids, reversals of known entries reversed at most once,
every line charged before it is touched, one currency per account, no bucket
and no credit ever negative at the end of a day) is checked by
[`check_history`][] / [`validate_history`][]. The balance folds in
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

import datetime
import enum
import sys
from collections.abc import Iterable
from typing import Any, Final, TypeAlias

import attrs

from billing_core.codes import CARC, GroupCode
from billing_core.errors import (
    Finding,
    InvalidAmountError,
    InvalidTransitionError,
    ValidationError,
)
from billing_core.money import Money

__all__ = [
    "Adjustment",
    "Bucket",
    "ChargePosted",
    "Entry",
    "LedgerEntry",
    "OriginalEntry",
    "Party",
    "PartyKind",
    "PaymentApplied",
    "PaymentReceived",
    "Refund",
    "Reversal",
    "Source",
    "Transfer",
    "WriteOff",
    "WriteOffReason",
    "check_history",
    "next_bucket",
    "reverse",
    "validate_history",
]

# --------------------------------------------------------------------------- buckets and parties


class Bucket(enum.Enum):
    """Who owes a line item's money: a coverage in sequence, or the patient.

    Attributes:
        PRIMARY: Coverage 1.
        SECONDARY: Coverage 2.
        TERTIARY: Coverage 3.
        PATIENT: The patient or guarantor (self-pay, and everything the
            coverages leave).

    Examples:
        >>> Bucket.coverage(2)
        <Bucket.SECONDARY: 'secondary'>
        >>> Bucket.SECONDARY.sequence, Bucket.PATIENT.sequence
        (2, None)
        >>> Bucket.PRIMARY.is_insurance, Bucket.PATIENT.is_insurance
        (True, False)
        >>> str(Bucket.PATIENT)
        'patient'
    """

    PRIMARY = "primary"
    SECONDARY = "secondary"
    TERTIARY = "tertiary"
    PATIENT = "patient"

    def __str__(self) -> str:
        return self.value

    @classmethod
    def coverage(cls, n: int) -> Bucket:
        """The bucket of the ``n``-th coverage in sequence (1, 2 or 3).

        Raises:
            ValueError: If ``n`` is not 1, 2 or 3.

        Examples:
            >>> Bucket.coverage(1)
            <Bucket.PRIMARY: 'primary'>
        """
        if type(n) is not int or not 1 <= n <= len(_COVERAGES):
            raise ValueError(f"coverage sequence must be 1, 2 or 3, got {n!r}")
        return _COVERAGES[n - 1]

    @property
    def is_insurance(self) -> bool:
        """Whether this is a coverage bucket (not the patient).

        Examples:
            >>> Bucket.TERTIARY.is_insurance
            True
        """
        return self is not Bucket.PATIENT

    @property
    def sequence(self) -> int | None:
        """The coverage sequence number (1-3), or ``None`` for the patient.

        Examples:
            >>> Bucket.PRIMARY.sequence
            1
        """
        return _SEQUENCE.get(self)


_COVERAGES: Final = (Bucket.PRIMARY, Bucket.SECONDARY, Bucket.TERTIARY)
_SEQUENCE: Final = {b: i + 1 for i, b in enumerate(_COVERAGES)}
_ORDER: Final = {b: i for i, b in enumerate(Bucket)}


def next_bucket(bucket: Bucket, available_coverages: int | Iterable[Bucket]) -> Bucket:
    """The bucket that owes what ``bucket`` leaves: the next coverage, else the patient.

    This is where a patient-responsibility (PR) adjustment moves money: to the
    next coverage in sequence that exists on the line, or to the patient when
    there is none.

    Args:
        bucket: A coverage bucket.
        available_coverages: The coverages the line has, either as a count
            (``2`` means primary and secondary) or as the coverage buckets
            themselves.

    Returns:
        The next existing coverage after ``bucket``, or `Bucket.PATIENT`.

    Raises:
        InvalidTransitionError: If ``bucket`` is the patient (nothing follows it).

    Examples:
        >>> next_bucket(Bucket.PRIMARY, 2)
        <Bucket.SECONDARY: 'secondary'>
        >>> next_bucket(Bucket.PRIMARY, [Bucket.PRIMARY, Bucket.TERTIARY])
        <Bucket.TERTIARY: 'tertiary'>
        >>> next_bucket(Bucket.SECONDARY, 2)
        <Bucket.PATIENT: 'patient'>
    """
    position = _SEQUENCE.get(bucket)
    if position is None:
        raise InvalidTransitionError(
            f"no bucket follows {bucket}: the patient is the last responsible party"
        )
    if isinstance(available_coverages, int):
        existing = set(_COVERAGES[: max(0, available_coverages)])
    else:
        existing = {b for b in available_coverages if b.is_insurance}
    for candidate in _COVERAGES[position:]:
        if candidate in existing:
            return candidate
    return Bucket.PATIENT


class PartyKind(enum.Enum):
    """Whether a paying party is a payer (insurer) or the patient/guarantor.

    Examples:
        >>> str(PartyKind.PAYER)
        'payer'
    """

    PAYER = "payer"
    PATIENT = "patient"

    def __str__(self) -> str:
        return self.value


def _check_text(value: object, what: str) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__} ({value!r})")
    if not value or _SEP in value:
        raise ValidationError(
            [Finding(location=what, message=f"must be non-empty text, got {value!r}", rule="id")]
        )


@attrs.frozen(kw_only=True)
class Party:
    """Who paid money and holds its unapplied credit: a payer or a patient.

    A payer's unapplied money and a patient's are different credits even on
    the same account. A payer party pays coverage buckets; a patient party
    (the patient or guarantor) pays the patient bucket.

    Attributes:
        kind: `PartyKind.PAYER` or `PartyKind.PATIENT`.
        id: The payer's or patient's id in the caller's system.

    Examples:
        >>> Party.payer("AETNA")
        Party(kind=<PartyKind.PAYER: 'payer'>, id='AETNA')
        >>> str(Party.patient("P1")), Party.patient("P1").can_pay(Bucket.PRIMARY)
        ('patient:P1', False)
    """

    kind: PartyKind
    id: str

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.kind, PartyKind):
            raise TypeError(f"Party.kind must be a PartyKind, got {self.kind!r}")
        _check_text(self.id, "Party.id")

    @classmethod
    def payer(cls, id: str) -> Party:
        """A payer (insurer) party.

        Examples:
            >>> Party.payer("BCBS").kind
            <PartyKind.PAYER: 'payer'>
        """
        return cls(kind=PartyKind.PAYER, id=id)

    @classmethod
    def patient(cls, id: str) -> Party:
        """A patient or guarantor party.

        Examples:
            >>> Party.patient("P1").kind
            <PartyKind.PATIENT: 'patient'>
        """
        return cls(kind=PartyKind.PATIENT, id=id)

    def can_pay(self, bucket: Bucket) -> bool:
        """Whether this party pays ``bucket``: payers pay coverages, patients the patient.

        Examples:
            >>> Party.payer("X").can_pay(Bucket.SECONDARY)
            True
        """
        return bucket.is_insurance == (self.kind is PartyKind.PAYER)

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.id}"


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

# The fold key of an entry: fields joined by _SEP, interned so that entries with
# the same effect share one string object (cheap dict lookups in the folds).
# Layout: kind, bucket, detail, currency, party kind, account id, party id.
_SEP: Final = "\x1f"

_K_CHARGE: Final = "charge"
_K_RECEIVED: Final = "received"
_K_APPLIED: Final = "applied"
_K_ADJUSTED: Final = "adjusted"
_K_MOVED: Final = "moved"
_K_WRITTEN_OFF: Final = "written_off"
_K_REFUND: Final = "refund"


def _fold_key(
    kind: str, bucket: str, detail: str, currency: str, party: Party | None, account_id: str
) -> str:
    pk, pid = (party.kind.value, party.id) if party is not None else ("", "")
    return sys.intern(_SEP.join((kind, bucket, detail, currency, pk, account_id, pid)))


def _positive(amount: object, what: str, *, allow_zero: bool = False) -> None:
    if amount.__class__ is not Money:
        raise TypeError(f"{what} must be a Money, got {type(amount).__name__} ({amount!r})")
    minor = amount.minor
    if minor < 0 or (minor == 0 and not allow_zero):
        need = "zero or positive" if allow_zero else "positive"
        raise InvalidAmountError(
            f"{what} must be {need} (entries are positive in their natural direction;"
            f" corrections are reversals), got {amount}"
        )


def _bucket(value: object, what: str) -> Bucket:
    if not isinstance(value, Bucket):
        raise TypeError(f"{what} must be a Bucket, got {value!r}")
    return value


def _refuse(what: str, message: str, rule: str) -> ValidationError:
    return ValidationError([Finding(location=what, message=message, rule=rule)])


_INIT_NAMES: dict[type[Any], tuple[str, ...]] = {}


def _init_names(cls: type[Any]) -> tuple[str, ...]:
    names = _INIT_NAMES.get(cls)
    if names is None:
        names = tuple(a.name for a in attrs.fields(cls) if a.init)
        _INIT_NAMES[cls] = names
    return names


def _rebuild_entry(cls: type[LedgerEntry], fields: dict[str, Any]) -> LedgerEntry:
    """Unpickle an entry: call its constructor with the pickled arguments."""
    return cls(**fields)


@attrs.frozen(kw_only=True)
class LedgerEntry:
    """The fields every ledger entry has; use a concrete entry type.

    Attributes:
        id: The entry's id, unique within a history.
        account_id: The account the entry belongs to.
        line_id: The line item it touches, or ``None`` for unapplied money
            ([`PaymentReceived`][], [`Refund`][]).
        effective: The date the entry takes effect; balances as of a date
            count only entries effective on or before it.
        amount: The amount, positive in the entry's natural direction (only a
            [`Reversal`][] is negative).
        source: Where it came from (payment, remittance, reason).

    Examples:
        >>> issubclass(ChargePosted, LedgerEntry)
        True
    """

    id: str
    account_id: str
    line_id: str | None = None
    effective: datetime.date
    amount: Money
    source: Source = _NO_SOURCE
    _key: str = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        name = type(self).__name__
        _check_text(self.id, f"{name}.id")
        _check_text(self.account_id, f"{name}.account_id")
        if type(self.effective) is not datetime.date:
            raise TypeError(f"{name}.effective must be a datetime.date, got {self.effective!r}")
        if not isinstance(self.source, Source):
            raise TypeError(f"{name}.source must be a Source, got {self.source!r}")
        self._check()
        object.__setattr__(self, "_key", self._make_key())

    def __reduce__(self) -> tuple[Any, tuple[type[LedgerEntry], dict[str, Any]]]:
        # Pickle the constructor arguments by name and rebuild through the
        # constructor, so an unpickled entry is validated and its derived
        # fields (the fold key) are computed by the code that loads it.
        cls = type(self)
        return (_rebuild_entry, (cls, {n: getattr(self, n) for n in _init_names(cls)}))

    def _check(self) -> None:
        raise TypeError("LedgerEntry is a base class; use a concrete entry type")

    def _make_key(self) -> str:
        raise NotImplementedError

    def _line_required(self) -> None:
        if self.line_id is None:
            raise _refuse(
                f"{type(self).__name__}.line_id", "a line entry needs a line_id", "entry.line"
            )
        _check_text(self.line_id, f"{type(self).__name__}.line_id")

    def _no_line(self) -> None:
        if self.line_id is not None:
            raise _refuse(
                f"{type(self).__name__}.line_id",
                f"unapplied money belongs to no line, got {self.line_id!r}",
                "entry.line",
            )

    def _k(self, kind: str, bucket: str = "", detail: str = "", party: Party | None = None) -> str:
        return _fold_key(kind, bucket, detail, self.amount.currency, party, self.account_id)


@attrs.frozen(kw_only=True)
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

    def _make_key(self) -> str:
        return self._k(_K_CHARGE, self.bucket.value)


@attrs.frozen(kw_only=True)
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
            raise TypeError(f"PaymentReceived.party must be a Party, got {self.party!r}")

    def _make_key(self) -> str:
        return self._k(_K_RECEIVED, party=self.party)


@attrs.frozen(kw_only=True)
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
        billing_core.errors.ValidationError: PaymentApplied.bucket: patient:P1 cannot pay ...
    """

    party: Party
    bucket: Bucket

    def _check(self) -> None:
        self._line_required()
        _positive(self.amount, "PaymentApplied.amount")
        if not isinstance(self.party, Party):
            raise TypeError(f"PaymentApplied.party must be a Party, got {self.party!r}")
        if not self.party.can_pay(_bucket(self.bucket, "PaymentApplied.bucket")):
            raise _refuse(
                "PaymentApplied.bucket",
                f"{self.party} cannot pay the {self.bucket} bucket"
                " (payers pay coverage buckets, patients the patient bucket)",
                "entry.party_bucket",
            )

    def _make_key(self) -> str:
        return self._k(_K_APPLIED, self.bucket.value, party=self.party)


def _carc(value: str | CARC) -> str:
    return value.code if isinstance(value, CARC) else CARC(value).code


@attrs.frozen(kw_only=True)
class Adjustment(LedgerEntry):
    """A claim adjustment (835 CAS) on a coverage bucket: written off or transferred.

    CO and PI are written off the bucket (never billable to the patient); PR
    is transferred to ``to_bucket``, the next coverage or the patient (see
    [`next_bucket`][]); OA is written off without a ``to_bucket`` and
    transferred with one. CR (4010 only) is refused: corrections are
    [`Reversal`][] entries.

    Attributes:
        bucket: The coverage bucket adjusted.
        group: The group code.
        reason: The claim adjustment reason code (CARC), e.g. ``"45"``.
        to_bucket: Where a transferred adjustment goes; ``None`` to write off.

    Examples:
        >>> import datetime
        >>> pr = Adjustment(id="j1", account_id="A1", line_id="L1",
        ...                 effective=datetime.date(2024, 2, 1), amount=Money("20.00", "USD"),
        ...                 bucket=Bucket.PRIMARY, group=GroupCode.PR, reason="2",
        ...                 to_bucket=Bucket.PATIENT)
        >>> pr.is_write_off
        False
    """

    bucket: Bucket
    group: GroupCode
    reason: str = attrs.field(converter=_carc)
    to_bucket: Bucket | None = None

    def _check(self) -> None:
        self._line_required()
        _positive(self.amount, "Adjustment.amount")
        if not _bucket(self.bucket, "Adjustment.bucket").is_insurance:
            raise _refuse(
                "Adjustment.bucket",
                "adjustments come from payers and apply to a coverage bucket, got patient",
                "adjustment.bucket",
            )
        group = self.group
        if not isinstance(group, GroupCode):
            raise TypeError(f"Adjustment.group must be a GroupCode, got {group!r}")
        to = self.to_bucket
        if group is GroupCode.CR:
            raise _refuse(
                "Adjustment.group",
                "CR (4010 correction/reversal) is not accepted; post a Reversal instead",
                "adjustment.group",
            )
        if group in (GroupCode.CO, GroupCode.PI) and to is not None:
            raise _refuse(
                "Adjustment.to_bucket",
                f"{group} adjustments are written off, never transferred (got to_bucket {to})",
                "adjustment.to_bucket",
            )
        if group is GroupCode.PR and to is None:
            raise _refuse(
                "Adjustment.to_bucket",
                "PR adjustments transfer to the next coverage or the patient; give to_bucket",
                "adjustment.to_bucket",
            )
        if to is not None and _ORDER[_bucket(to, "Adjustment.to_bucket")] <= _ORDER[self.bucket]:
            raise _refuse(
                "Adjustment.to_bucket",
                f"an adjustment moves money forward in sequence; {self.bucket} -> {to} does not",
                "adjustment.to_bucket",
            )

    @property
    def is_write_off(self) -> bool:
        """Whether the amount is written off (no ``to_bucket``) rather than transferred.

        Examples:
            >>> import datetime
            >>> Adjustment(id="j", account_id="A", line_id="L", effective=datetime.date(2024, 1, 1),
            ...            amount=Money("5", "USD"), bucket=Bucket.PRIMARY,
            ...            group=GroupCode.CO, reason="45").is_write_off
            True
        """
        return self.to_bucket is None

    def _make_key(self) -> str:
        if self.to_bucket is None:
            return self._k(_K_ADJUSTED, self.bucket.value, self.group.value)
        return self._k(_K_MOVED, self.bucket.value, self.to_bucket.value)


@attrs.frozen(kw_only=True)
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
            raise _refuse(
                "Transfer.to_bucket",
                f"a transfer needs two different buckets, got {self.to_bucket} twice",
                "transfer.buckets",
            )

    def _make_key(self) -> str:
        return self._k(_K_MOVED, self.from_bucket.value, self.to_bucket.value)


@attrs.frozen(kw_only=True)
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
            raise TypeError(f"WriteOff.reason must be a WriteOffReason, got {self.reason!r}")

    def _make_key(self) -> str:
        return self._k(_K_WRITTEN_OFF, self.bucket.value, self.reason.value)


@attrs.frozen(kw_only=True)
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
            raise TypeError(f"Refund.party must be a Party, got {self.party!r}")

    def _make_key(self) -> str:
        return self._k(_K_REFUND, party=self.party)


OriginalEntry: TypeAlias = (
    ChargePosted | PaymentReceived | PaymentApplied | Adjustment | Transfer | WriteOff | Refund
)
"""Any entry that is not a reversal (what a [`Reversal`][] may undo)."""

_ORIGINAL_TYPES: Final = (
    ChargePosted,
    PaymentReceived,
    PaymentApplied,
    Adjustment,
    Transfer,
    WriteOff,
    Refund,
)


@attrs.frozen(kw_only=True)
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
        if isinstance(original, Reversal):
            raise _refuse(where, "a reversal of a reversal is refused", "reversal.of_reversal")
        if not isinstance(original, _ORIGINAL_TYPES):
            raise TypeError(f"Reversal.original must be a ledger entry, got {original!r}")
        problems = []
        if self.reverses != original.id:
            problems.append(f"reverses {self.reverses!r} but original is {original.id!r}")
        if self.account_id != original.account_id:
            problems.append(f"account {self.account_id!r} is not the original's")
        if self.line_id != original.line_id:
            problems.append(f"line {self.line_id!r} is not the original's")
        if self.amount != -original.amount:
            problems.append(f"amount {self.amount} is not the negation of {original.amount}")
        if self.effective < original.effective:
            problems.append(
                f"effective {self.effective} is before the original's {original.effective}"
            )
        if problems:
            raise _refuse(where, "; ".join(problems), "reversal.mismatch")

    def _make_key(self) -> str:
        # The same fold key as the original: with the negated amount, a fold
        # undoes the original's effect without looking it up.
        return self.original._key


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
        >>> w = WriteOff(id="w1", account_id="A1", line_id="L1",
        ...              effective=datetime.date(2024, 6, 1), amount=Money("2.10", "USD"),
        ...              bucket=Bucket.PATIENT, reason=WriteOffReason.SMALL_BALANCE)
        >>> r = reverse(w, id="r1", effective=datetime.date(2024, 6, 2), reason="patient paid")
        >>> r.amount, r.source.reason
        (Money('-2.10', 'USD'), 'patient paid')
    """
    if isinstance(entry, Reversal):
        raise _refuse(
            f"Reversal {entry.id}",
            "a reversal cannot be reversed; post the original entry again instead",
            "reversal.of_reversal",
        )
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


# --------------------------------------------------------------------------- effects


def _decode_key(key: str) -> tuple[str, str, str, str, Party | None, str]:
    """Split an entry's fold key: kind, bucket, detail, currency, party, account id.

    Internal helper shared with [`balances`][billing_core.balances].
    """
    kind, bucket, detail, currency, pk, account_id, pid = key.split(_SEP, 6)
    party = Party(kind=PartyKind(pk), id=pid) if pk else None
    return kind, bucket, detail, currency, party, account_id


def _effects(entry: Entry) -> list[tuple[tuple[Any, ...], int]]:
    """The signed minor-unit deltas ``entry`` makes to line buckets and credits.

    Internal helper: each delta is ``(("open", line_id, Bucket), minor)`` or
    ``(("credit", account_id, Party), minor)``.
    """
    kind, bucket, detail, _cur, party, account_id = _decode_key(entry._key)
    m = entry.amount.minor
    line = entry.line_id
    out: list[tuple[tuple[Any, ...], int]] = []
    if kind == _K_CHARGE:
        out.append((("open", line, Bucket(bucket)), m))
    elif kind == _K_RECEIVED:
        out.append((("credit", account_id, party), m))
    elif kind == _K_APPLIED:
        out.append((("open", line, Bucket(bucket)), -m))
        out.append((("credit", account_id, party), -m))
    elif kind in (_K_ADJUSTED, _K_WRITTEN_OFF):
        out.append((("open", line, Bucket(bucket)), -m))
    elif kind == _K_MOVED:
        out.append((("open", line, Bucket(bucket)), -m))
        out.append((("open", line, Bucket(detail)), m))
    elif kind == _K_REFUND:
        out.append((("credit", account_id, party), -m))
    return out


# --------------------------------------------------------------------------- history checks


def validate_history(entries: Iterable[Entry]) -> list[Finding]:
    """Every problem of a history of entries, as findings (empty when it is valid).

    A valid history has: unique entry ids; reversals only of entries in the
    history, equal to the entry they name, each reversed at most once; a
    [`ChargePosted`][] for every line an entry touches, effective on or
    before that entry; each line in one account; one currency per account;
    and, at the end of every effective date, no bucket of a line below zero
    (nothing paid, adjusted, transferred or written off beyond what is open)
    and no party's credit below zero (nothing applied or refunded beyond what
    was received). Entries may be given in any order.

    Args:
        entries: The history.

    Returns:
        The findings, in a stable order.

    Examples:
        >>> import datetime
        >>> day = datetime.date(2024, 1, 5)
        >>> pay = PaymentApplied(id="a1", account_id="A1", line_id="L9", effective=day,
        ...                      amount=Money("5.00", "USD"), party=Party.patient("P1"),
        ...                      bucket=Bucket.PATIENT)
        >>> [f.rule for f in validate_history([pay])]
        ['history.unknown_line', 'history.credit_negative', 'history.open_negative']
    """
    history = list(entries)
    findings: list[Finding] = []
    by_id: dict[str, Entry] = {}
    for entry in history:
        if not isinstance(entry, LedgerEntry):
            raise TypeError(f"a history holds ledger entries, got {entry!r}")
        if entry.id in by_id:
            findings.append(
                Finding(
                    location=f"entry {entry.id}",
                    message="duplicate entry id",
                    rule="history.duplicate_id",
                )
            )
        else:
            by_id[entry.id] = entry
    charged_on: dict[str, datetime.date] = {}
    line_account: dict[str, str] = {}
    currency_of: dict[str, str] = {}
    reversed_by: dict[str, str] = {}
    for entry in history:
        loc = f"entry {entry.id}"
        account = entry.account_id
        first = currency_of.setdefault(account, entry.amount.currency)
        if first != entry.amount.currency:
            findings.append(
                Finding(
                    location=loc,
                    message=f"amount in {entry.amount.currency}, account {account} is in {first}",
                    rule="history.currency",
                )
            )
        if entry.line_id is not None:
            owner = line_account.setdefault(entry.line_id, account)
            if owner != account:
                findings.append(
                    Finding(
                        location=loc,
                        message=f"line {entry.line_id} belongs to account {owner}, not {account}",
                        rule="history.line_account",
                    )
                )
        if isinstance(entry, ChargePosted):
            seen = charged_on.get(entry.line_id)  # type: ignore[arg-type]
            if seen is None or entry.effective < seen:
                charged_on[entry.line_id] = entry.effective  # type: ignore[index]
        if isinstance(entry, Reversal):
            target = by_id.get(entry.reverses)
            if target is None:
                findings.append(
                    Finding(
                        location=loc,
                        message=f"reverses unknown entry {entry.reverses}",
                        rule="history.unknown_reversed",
                    )
                )
            elif isinstance(target, Reversal):
                findings.append(
                    Finding(
                        location=loc,
                        message=f"reverses reversal {target.id}; a reversal of a reversal"
                        " is refused",
                        rule="history.reversal_of_reversal",
                    )
                )
            elif target != entry.original:
                findings.append(
                    Finding(
                        location=loc,
                        message=f"its copy of entry {target.id} differs from the history's",
                        rule="history.reversal_mismatch",
                    )
                )
            earlier = reversed_by.setdefault(entry.reverses, entry.id)
            if earlier != entry.id:
                findings.append(
                    Finding(
                        location=loc,
                        message=f"entry {entry.reverses} is already reversed by {earlier}",
                        rule="history.reversed_twice",
                    )
                )
    for entry in history:
        line = entry.line_id
        if line is None:
            continue
        since = charged_on.get(line)
        if since is None or since > entry.effective:
            when = "never charged" if since is None else f"charged only on {since}"
            findings.append(
                Finding(
                    location=f"entry {entry.id}",
                    message=f"line {line} is {when}; post its ChargePosted first",
                    rule="history.unknown_line",
                )
            )
    findings.extend(_running_checks(history))
    return findings


def _running_checks(history: list[Entry]) -> list[Finding]:
    """Buckets and credits must not be negative at the end of any effective date."""
    findings: list[Finding] = []
    ordered = sorted(history, key=lambda e: e.effective)
    totals: dict[tuple[Any, ...], int] = {}
    reported: set[tuple[Any, ...]] = set()
    i = 0
    while i < len(ordered):
        day = ordered[i].effective
        touched: set[tuple[Any, ...]] = set()
        while i < len(ordered) and ordered[i].effective == day:
            for target, delta in _effects(ordered[i]):
                totals[target] = totals.get(target, 0) + delta
                touched.add(target)
            i += 1
        for target in sorted(touched, key=str):
            if totals[target] < 0 and target not in reported:
                reported.add(target)
                what, owner, sub = target
                if what == "open":
                    findings.append(
                        Finding(
                            location=f"line {owner}",
                            message=f"the {sub} bucket is below zero on {day}: more paid,"
                            " adjusted, transferred or written off than was open",
                            rule="history.open_negative",
                        )
                    )
                else:
                    findings.append(
                        Finding(
                            location=f"account {owner}",
                            message=f"credit of {sub} is below zero on {day}: more applied"
                            " or refunded than was received",
                            rule="history.credit_negative",
                        )
                    )
    return findings


def check_history(entries: Iterable[Entry]) -> None:
    """Raise if a history of entries is not valid (see [`validate_history`][]).

    Args:
        entries: The history.

    Raises:
        ValidationError: With every finding, if there is any.

    Examples:
        >>> import datetime
        >>> c = ChargePosted(id="c1", account_id="A1", line_id="L1",
        ...                  effective=datetime.date(2024, 1, 5), amount=Money("9.00", "USD"),
        ...                  bucket=Bucket.PATIENT)
        >>> check_history([c, c])
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: entry c1: duplicate entry id
    """
    findings = validate_history(entries)
    if findings:
        raise ValidationError(findings)
