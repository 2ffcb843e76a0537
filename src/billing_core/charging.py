"""Charges on the ledger: the charge entries of a claim, of a bill, of any line items.

A claim already knows the account, the responsible bucket (its coverage's)
and the date its lines are charged on; a bill knows its account and its
issue date. [`claim_charges`][] and [`bill_charges`][] turn them into
[`ChargePosted`][billing_core.ledger.ChargePosted] entries without repeating
any of it; [`charge_entries`][] is the general form for loose line items.

**Line identity.** The ledger knows a line by its id alone: balances, the
history checks and remittance matching all key on it, and a line's charge
entry is ``"charge:<line id>"``. So on an account a line id names one line,
charged once, by one document. [`charges_to_post`][] applies that rule to
the charges of a document against an account's history: a line already
charged *by the same document* with the same amount and bucket is skipped
(a retry, or the patient bill that
[`submit_encounter`][billing_core.workflows.submit_encounter] charged before
[`post_bill`][billing_core.workflows.post_bill] issues it); a line charged by
another document, or differently, is refused with
[`DuplicateError`][billing_core.errors.DuplicateError] naming both. Give every
line of an account its own id (line ids of different bills of one account
must differ, not only the ids within one bill).

Each charge names its document in its source (``Source.reason`` is
``"claim CLM1"`` or ``"bill B1"``, see [`charge_reason`][]): that is how a
charge is told apart from another document's.

Examples:
    >>> import datetime
    >>> from billing_core.bills import Bill
    >>> from billing_core.charges import Category, LineItem
    >>> from billing_core.money import Money
    >>> from billing_core.parties import Patient
    >>> line = LineItem(id="L1", category=Category.SUPPLY,
    ...                 service_date=datetime.date(2024, 1, 2), charge=Money("9.00", "USD"))
    >>> draft = Bill(id="B1", account_id="A1", patient_id="P1",
    ...              bill_to=Patient(id="P1", name="Jane Roe"), currency="USD", lines=[line])
    >>> (charge,) = bill_charges(draft, effective=datetime.date(2024, 1, 3))
    >>> charge.id, charge.bucket.value, charge.source.reason
    ('charge:L1', 'patient', 'bill B1')
    >>> charges_to_post([charge], [charge])
    ()
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from billing_core._checks import is_plain_date
from billing_core.bills import Bill
from billing_core.charges import LineItem
from billing_core.claims import Claim
from billing_core.errors import DuplicateError, Finding, ValidationError
from billing_core.ledger import Bucket, ChargePosted, Entry, Source

__all__ = [
    "bill_charges",
    "charge_entries",
    "charge_reason",
    "charges_to_post",
    "claim_charges",
]


def charge_entries(
    lines: Iterable[LineItem],
    *,
    account_id: str,
    bucket: Bucket,
    effective: datetime.date,
    reason: str | None = None,
) -> tuple[ChargePosted, ...]:
    """The [`ChargePosted`][billing_core.ledger.ChargePosted] entries of line items (pure).

    Each line's entry has the id ``"charge:<line id>"`` (a line is charged
    once per account) and the line's charge in ``bucket``. For the lines of
    a claim or a bill, [`claim_charges`][] and [`bill_charges`][] fill in
    the account, the bucket, the date and the reason.

    Args:
        lines: The line items.
        account_id: The account charged.
        bucket: The first responsible bucket (the claim's coverage, or the patient).
        effective: The posting date.
        reason: Kept in the entries' source (e.g. ``"claim CLM1"``).

    Returns:
        One entry per line, in order.

    Examples:
        >>> from billing_core.charges import Category
        >>> from billing_core.money import Money
        >>> line = LineItem(id="L1", category=Category.SUPPLY,
        ...                 service_date=datetime.date(2024, 1, 2), charge=Money("9.00", "USD"))
        >>> day = datetime.date(2024, 1, 3)
        >>> [(c.id, c.amount, c.bucket) for c in charge_entries(
        ...     [line], account_id="A1", bucket=Bucket.PATIENT, effective=day)]
        [('charge:L1', Money('9.00', 'USD'), <Bucket.PATIENT: 'patient'>)]
    """
    source = Source(reason=reason)
    return tuple(
        ChargePosted(
            id=f"charge:{line.id}",
            account_id=account_id,
            line_id=line.id,
            effective=effective,
            amount=line.charge,
            source=source,
            bucket=bucket,
        )
        for line in lines
    )


def charge_reason(document: Claim | Bill) -> str:
    """What the charges of a document say in their source: ``"claim <id>"`` or ``"bill <id>"``.

    Examples:
        >>> from billing_core.parties import Patient
        >>> charge_reason(Bill(id="B1", account_id="A1", patient_id="P1",
        ...                    bill_to=Patient(id="P1", name="Jane Roe"), currency="USD"))
        'bill B1'
    """
    kind = "claim" if isinstance(document, Claim) else "bill"
    return f"{kind} {document.id}"


def claim_charges(
    claim: Claim, *, effective: datetime.date | None = None
) -> tuple[ChargePosted, ...]:
    """The charges of a claim's lines: its account, its coverage's bucket, its date.

    Args:
        claim: The claim.
        effective: The posting date; the claim date by default.

    Returns:
        One [`ChargePosted`][billing_core.ledger.ChargePosted] per line, in
        the bucket of the claim's coverage (primary, secondary or tertiary).

    Examples:
        >>> from billing_core.charges import Category
        >>> from billing_core.money import Money
        >>> from billing_core.parties import Coverage, CoverageSequence, Payer
        >>> second = Coverage(id="C2", payer=Payer(id="beta", name="Beta"), member_id="M2",
        ...                   sequence=CoverageSequence.SECONDARY)
        >>> line = LineItem(id="L1", category=Category.SUPPLY,
        ...                 service_date=datetime.date(2024, 3, 4), charge=Money("9.00", "USD"))
        >>> claim = Claim(id="CLM2", account_id="A1", patient_id="P1", coverage=second,
        ...               claim_date=datetime.date(2024, 4, 2), lines=[line])
        >>> [(c.id, c.bucket.value, c.effective.isoformat(), c.source.reason)
        ...  for c in claim_charges(claim)]
        [('charge:L1', 'secondary', '2024-04-02', 'claim CLM2')]
    """
    return charge_entries(
        claim.lines,
        account_id=claim.account_id,
        bucket=Bucket.coverage(claim.coverage.sequence.value),
        effective=claim.claim_date if effective is None else effective,
        reason=charge_reason(claim),
    )


def bill_charges(
    bill: Bill, *, bucket: Bucket | None = None, effective: datetime.date | None = None
) -> tuple[ChargePosted, ...]:
    """The charges of a bill's lines: its account, the patient's bucket, its issue date.

    Args:
        bill: The bill.
        bucket: The bucket charged: the patient's by default for a self-pay
            bill (to the patient or a guarantor); required for a bill to a payer.
        effective: The posting date; the bill's issue date by default
            (required for a draft, which has none).

    Returns:
        One [`ChargePosted`][billing_core.ledger.ChargePosted] per line.

    Raises:
        ValidationError: A bill to a payer without ``bucket``, or a draft
            without ``effective``.

    Examples:
        >>> from billing_core.parties import Payer
        >>> to_payer = Bill(id="B9", account_id="A1", patient_id="P1",
        ...                 bill_to=Payer(id="acme", name="Acme"), currency="USD")
        >>> bill_charges(to_payer, effective=datetime.date(2024, 1, 3))
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: bill 'B9'.bucket: the bill goes to a payer: say which bucket its charges go to
    """  # noqa: E501
    problems = []
    if bucket is None and not bill.is_self_pay:
        problems.append(("bucket", "the bill goes to a payer: say which bucket its charges go to"))
    given = bill.issued_on if effective is None else effective
    when = given if is_plain_date(given) else None
    if when is None:
        problems.append(("effective", "the bill is not issued: say which date to charge it on"))
    if problems or when is None:
        raise ValidationError(
            Finding(location=f"bill {bill.id!r}.{field}", message=message, rule=f"charges.{field}")
            for field, message in problems
        )
    return charge_entries(
        bill.lines,
        account_id=bill.account_id,
        bucket=Bucket.PATIENT if bucket is None else bucket,
        effective=when,
        reason=charge_reason(bill),
    )


def _shown(entry: Entry) -> str:
    """An entry as a conflict message names it: its document, amount and bucket."""
    by = entry.source.reason or "no document"
    bucket = entry.bucket.value if isinstance(entry, ChargePosted) else "no bucket"
    return f"by {by} as {entry.amount} ({bucket}, entry {entry.id})"


def charges_to_post(
    charges: Iterable[ChargePosted], history: Iterable[Entry]
) -> tuple[ChargePosted, ...]:
    """The charges not yet on the ledger; refuse a line charged by another document.

    A charge is already posted when the history has an entry with its id for
    the same account and line, from the same document (its source), with the
    same amount and bucket: a retry, or a document charged earlier under
    another workflow. The date may differ (a patient bill charged on the claim
    date is issued later). Anything else under that id is a different line
    that reuses the line id, and is refused: see the module's *line identity*.

    Args:
        charges: A document's charges (see [`claim_charges`][], [`bill_charges`][]).
        history: The entries of the charges' account.

    Returns:
        The charges to append, in order (empty when all are posted).

    Raises:
        DuplicateError: Naming every line whose id is taken, and by what.

    Examples:
        >>> from billing_core.money import Money
        >>> day = datetime.date(2024, 1, 3)
        >>> old = ChargePosted(id="charge:L1", account_id="A1", line_id="L1", effective=day,
        ...                    amount=Money("10.00", "USD"), bucket=Bucket.PATIENT,
        ...                    source=Source(reason="bill B1"))
        >>> new = ChargePosted(id="charge:L1", account_id="A1", line_id="L1", effective=day,
        ...                    amount=Money("20.00", "USD"), bucket=Bucket.PATIENT,
        ...                    source=Source(reason="bill B2"))
        >>> charges_to_post([new], [old])
        Traceback (most recent call last):
        ...
        billing_core.errors.DuplicateError: line L1 of bill B2 is already charged on account A1 by bill B1 as 10.00 USD (patient, entry charge:L1); a line id names one line of an account: give each new line its own id
    """  # noqa: E501
    by_id = {e.id: e for e in history}
    new: list[ChargePosted] = []
    taken: list[str] = []
    for charge in charges:
        earlier = by_id.get(charge.id)
        if earlier is None:
            new.append(charge)
        elif not (
            isinstance(earlier, ChargePosted)
            and (earlier.account_id, earlier.line_id, earlier.amount, earlier.bucket)
            == (charge.account_id, charge.line_id, charge.amount, charge.bucket)
            and earlier.source.reason == charge.source.reason
        ):
            taken.append(
                f"line {charge.line_id} of {charge.source.reason or 'no document'} is already"
                f" charged on account {charge.account_id} {_shown(earlier)}"
            )
    if taken:
        raise DuplicateError(
            "; ".join(taken) + "; a line id names one line of an account: give each new line"
            " its own id"
        )
    return tuple(new)
