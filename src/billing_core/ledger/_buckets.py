"""Who owes a line's money and who pays it: buckets, parties, and the order of coverages.

A line item's money sits in [`Bucket`][billing_core.ledger.Bucket]s by
who owes it: each coverage in sequence, then the patient or guarantor. Money
that was received and not applied to a line is a credit of the
[`Party`][billing_core.ledger.Party] that paid it. A payer pays coverage
buckets; a patient pays the patient bucket.

Examples:
    >>> next_bucket(Bucket.PRIMARY, 2), Party.patient("P1").can_pay(Bucket.PATIENT)
    (<Bucket.SECONDARY: 'secondary'>, True)
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Final

import attrs

from billing_core._checks import describe
from billing_core._fields import invalid
from billing_core.errors import InvalidTransitionError
from billing_core.ledger._fields import check_text
from billing_core.views import Protected, protected, shown

__all__ = ["Bucket", "Party", "PartyKind", "next_bucket"]


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

    # Members are singletons compared by identity, so an identity hash is consistent
    # with equality; Enum's own hashes the name in Python code, and buckets key every
    # dict of the balance folds (about a tenth of line_balances' time).
    __hash__ = object.__hash__

    def __str__(self) -> str:
        return self.value

    @classmethod
    def coverage(cls, n: int) -> Bucket:
        """The bucket of the ``n``-th coverage in sequence (1, 2 or 3).

        Raises:
            ValidationError: If ``n`` is not 1, 2 or 3.

        Examples:
            >>> Bucket.coverage(1)
            <Bucket.PRIMARY: 'primary'>
            >>> Bucket.coverage(0)
            Traceback (most recent call last):
            ...
            billing_core.errors.ValidationError: coverage sequence: must be 1, 2 or 3, got 0 (int)
        """
        # type() rather than isinstance: True is an int, and Bucket.coverage(True) would
        # silently mean the primary.
        if type(n) is not int or not 1 <= n <= len(_COVERAGES):
            raise invalid("coverage sequence", f"must be 1, 2 or 3, got {describe(n)}", "bucket")
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
        # A count means the first n coverages; a negative count is read as none, not sliced
        # from the end.
        existing = set(_COVERAGES[: max(0, available_coverages)])
    else:
        # A PATIENT among the given buckets is ignored: the patient always follows the last
        # coverage anyway.
        existing = {b for b in available_coverages if b.is_insurance}
    # Only coverages after this one: a PR amount never moves back to an earlier payer.
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

    __hash__ = object.__hash__  # see Bucket: parties key the folds' dicts too

    def __str__(self) -> str:
        return self.value


@attrs.frozen(kw_only=True)
class Party:
    """Who paid money and holds its unapplied credit: a payer or a patient.

    A payer's unapplied money and a patient's are different credits even on
    the same account. A payer party pays coverage buckets; a patient party
    (the patient or guarantor) pays the patient bucket. A patient party's id
    is a patient identifier: its ``repr`` and ``str`` mask it (see
    [`views`][billing_core.views]); a payer's id is shown.

    Attributes:
        kind: `PartyKind.PAYER` or `PartyKind.PATIENT`.
        id: The payer's or patient's id in the caller's system.

    Examples:
        >>> Party.payer("AETNA")
        Party(kind=<PartyKind.PAYER: 'payer'>, id='AETNA')
        >>> str(Party.patient("MRN-000123")), Party.patient("P1").can_pay(Bucket.PRIMARY)
        ('patient:****0123', False)
        >>> Party.patient("MRN-000123").id
        'MRN-000123'
    """

    kind: PartyKind
    id: str = attrs.field(**protected(Protected.ID, when=lambda party: party.is_patient))

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.kind, PartyKind):
            raise TypeError(f"Party.kind must be a PartyKind, got {describe(self.kind)}")
        # A patient's id identifies a patient: errors name the field, never the value.
        check_text(self.id, "Party.id", protected=True)

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

    @property
    def is_patient(self) -> bool:
        """Whether the party is the patient or guarantor (its id is then protected).

        Examples:
            >>> Party.patient("P1").is_patient, Party.payer("AETNA").is_patient
            (True, False)
        """
        return self.kind is PartyKind.PATIENT

    def _shown_id(self) -> str:
        return str(shown(self.id, Protected.ID)) if self.kind is PartyKind.PATIENT else self.id

    def __repr__(self) -> str:
        return f"Party(kind={self.kind!r}, id={self._shown_id()!r})"

    def __str__(self) -> str:
        return f"{self.kind.value}:{self._shown_id()}"
