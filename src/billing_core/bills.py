"""Bills: the statement of charges to one party, with its lifecycle.

A [`Bill`][] lists line items billed to one party: the patient or a
guarantor (self-pay), or a payer. Its lifecycle is:

    draft --issue_bill--> issued --mark_balanced--> balanced
      |                     |
      +------void_bill------+--> void

Transitions are pure functions that return a new [`Bill`][] and refuse an
illegal move with [`InvalidTransitionError`][billing_core.errors.InvalidTransitionError]: issuing
an empty bill, voiding a balanced one, editing (adding or removing lines) an
issued one. The constructor refuses every illegal *state*, so no sequence of
transitions can produce one.

A bill to the patient or a guarantor refuses any line that needs the
patient's authorization (category ``fee``, or marked ``patient_liable``)
without one signed on or before its service date, with
[`AuthorizationRequiredError`][billing_core.errors.AuthorizationRequiredError] naming the line.

Examples:
    >>> import datetime
    >>> from billing_core.charges import Category, LineItem
    >>> from billing_core.money import Money
    >>> from billing_core.parties import Patient
    >>> jane = Patient(id="P1", name="Jane Roe")
    >>> visit = LineItem(id="L1", category=Category.PROCEDURE,
    ...                  service_date=datetime.date(2024, 3, 4), charge=Money("125.00", "USD"))
    >>> draft = Bill(id="B1", account_id="A1", patient_id="P1", bill_to=jane, currency="USD")
    >>> issue_bill(draft, datetime.date(2024, 3, 5), datetime.date(2024, 4, 4))
    Traceback (most recent call last):
    ...
    billing_core.errors.InvalidTransitionError: cannot issue bill 'B1': it has no lines
    >>> draft = add_line(draft, visit)
    >>> bill = issue_bill(draft, datetime.date(2024, 3, 5), datetime.date(2024, 4, 4))
    >>> bill.status, bill.due_on
    (<BillStatus.ISSUED: 'issued'>, datetime.date(2024, 4, 4))
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable
from typing import Any

import attrs

from billing_core._fields import (
    date_field,
    invalid,
    label,
    of_type,
    refused,
    text,
    to_tuple,
    wrong_type,
)
from billing_core.charges import LineItem, require_patient_authorization
from billing_core.charges._lines import check_born_by_service, check_lines, line_records, lines_html
from billing_core.errors import InvalidTransitionError, NotFoundError, UnknownCurrencyError
from billing_core.money import Money
from billing_core.parties import Guarantor, Patient, Payer
from billing_core.views import MoneyForm, Protected, Record, protected, shown

__all__ = [
    "Bill",
    "BillStatus",
    "add_line",
    "add_lines",
    "issue_bill",
    "mark_balanced",
    "remove_line",
    "void_bill",
]


class BillStatus(enum.Enum):
    """Where a bill is in its lifecycle.

    Examples:
        >>> [s.value for s in BillStatus]
        ['draft', 'issued', 'balanced', 'void']
    """

    DRAFT = "draft"
    """Being prepared; lines may be added and removed."""
    ISSUED = "issued"
    """Sent to the party; frozen."""
    BALANCED = "balanced"
    """Fully paid or adjusted; final."""
    VOID = "void"
    """Cancelled (from draft or issued); final."""


def _canonical_currency(code: object, bill: object) -> str:
    # Validates the code and returns the canonical string object Money uses,
    # so totals can compare currencies by identity. The error names the bill
    # and the field (attrs sets `id` before it converts `currency`).
    if not isinstance(code, str):
        raise wrong_type(f"{label(bill, 'bill')}.currency", "an ISO 4217 code (a str)", code)
    try:
        return Money.zero(code).currency
    except UnknownCurrencyError as err:
        raise UnknownCurrencyError(f"{label(bill, 'bill')}.currency: {err}") from None


_CURRENCY: Any = attrs.Converter(_canonical_currency, takes_self=True)


def _check_status_fields(bill: Bill, where: str) -> None:
    """The fields a status needs, and those it must not have."""
    status = bill.status
    if status is BillStatus.DRAFT:
        for name in ("issued_on", "due_on", "void_reason"):
            if getattr(bill, name) is not None:
                raise invalid(f"{where}.{name}", "must not be set on a draft", f"bill.{name}")
    elif status is BillStatus.ISSUED or status is BillStatus.BALANCED:
        if not bill.lines:
            raise invalid(
                f"{where}.lines", f"an {status.value} bill needs at least one line", "bill.lines"
            )
        if bill.issued_on is None or bill.due_on is None:
            raise invalid(
                f"{where}.issued_on",
                f"a {status.value} bill needs issue and due dates",
                "bill.issued_on",
            )
        if bill.void_reason is not None:
            raise invalid(
                f"{where}.void_reason",
                f"must not be set on a {status.value} bill",
                "bill.void_reason",
            )
    elif not bill.void_reason:
        raise invalid(f"{where}.void_reason", "a void bill needs a reason", "bill.void_reason")


def _check_issued_after_service(
    issued: datetime.date, lines: tuple[LineItem, ...], where: str
) -> None:
    """A bill is issued on or after the last day of every service it bills.

    The latest day, not the earliest: a bill may not charge for a day of a
    stay that has not happened yet (the same rule as a claim's date).
    """
    for line in lines:
        if line.service_end > issued:
            raise invalid(
                f"{where}.issued_on",
                f"{issued.isoformat()} is before the service date "
                f"{line.service_end.isoformat()} of line {line.id!r}",
                "bill.issued_on.before_service",
            )


@attrs.frozen(kw_only=True)
class Bill:
    """Line items billed to one party, with issue and due dates and a status.

    Build drafts directly; move them through their lifecycle with
    [`issue_bill`][], [`mark_balanced`][] and [`void_bill`][].

    Attributes:
        id: The caller's identifier of the bill.
        account_id: The patient/guarantor account whose ledger it belongs to.
        patient_id: The patient the services were given to.
        bill_to: Who is billed: the patient or a guarantor (self-pay), or a payer.
        currency: The ISO 4217 code of every line (also the currency of zero totals).
        lines: The line items (unique ids, all in ``currency``).
        status: Draft, issued, balanced or void.
        issued_on: The issue date (set once issued), on or after the last day
            of every service on the bill.
        due_on: The due date, on or after ``issued_on`` (set once issued).
        void_reason: Why it was voided (set once void).

    Raises:
        ValidationError: An illegal state (dates or reason not matching the
            status, an issued bill without lines, two lines with one id, an
            issue date before the last day of a service, a patient billed
            for a service before their birth date).
        CurrencyMismatchError: A line in another currency.
        AuthorizationRequiredError: A self-pay bill with a line that needs an
            authorization it does not have.

    Examples:
        >>> Bill(id="B1", account_id="A1", patient_id="P1", bill_to=Patient(id="P1", name="J"),
        ...      currency="USD").is_self_pay
        True
    """

    id: str = attrs.field(validator=text("bill"))
    account_id: str = attrs.field(validator=text("bill", protected=True), **protected(Protected.ID))
    patient_id: str = attrs.field(validator=text("bill", protected=True), **protected(Protected.ID))
    bill_to: Patient | Guarantor | Payer = attrs.field(
        validator=of_type("bill", (Patient, Guarantor, Payer), protected=True)
    )
    currency: str = attrs.field(converter=_CURRENCY)  # type: ignore[misc]  # attrs.Converter: mypy plugin limit
    lines: tuple[LineItem, ...] = attrs.field(default=(), converter=to_tuple)
    status: BillStatus = attrs.field(
        default=BillStatus.DRAFT, validator=of_type("bill", BillStatus)
    )
    issued_on: datetime.date | None = attrs.field(
        default=None, validator=date_field("bill", optional=True)
    )
    due_on: datetime.date | None = attrs.field(
        default=None, validator=date_field("bill", optional=True)
    )
    void_reason: str | None = attrs.field(default=None, validator=text("bill", optional=True))

    def __attrs_post_init__(self) -> None:
        where = f"bill {self.id!r}"
        check_lines(self.lines, self.currency, where)
        _check_status_fields(self, where)
        issued, due = self.issued_on, self.due_on
        if (issued is None) != (due is None):
            raise invalid(f"{where}.due_on", "issue and due dates go together", "bill.due_on")
        if issued is not None and due is not None:
            if due < issued:
                raise invalid(
                    f"{where}.due_on",
                    f"{due.isoformat()} is before the issue date {issued.isoformat()}",
                    "bill.due_on",
                )
            _check_issued_after_service(issued, self.lines, where)
        if isinstance(self.bill_to, Patient):
            check_born_by_service(self.bill_to, self.lines, f"{where}.bill_to")
        if self.is_self_pay:
            for line in self.lines:
                if line.requires_authorization:
                    require_patient_authorization(line)

    @property
    def is_self_pay(self) -> bool:
        """Whether the bill goes to the patient or a guarantor rather than a payer."""
        return not isinstance(self.bill_to, Payer)

    @property
    def is_open(self) -> bool:
        """Whether the bill is issued and not yet balanced or void.

        Examples:
            >>> Bill(id="B1", account_id="A1", patient_id="P1",
            ...      bill_to=Patient(id="P1", name="J"), currency="USD").is_open
            False
        """
        return self.status is BillStatus.ISSUED

    def to_records(self, *, unmasked: bool = False, money: MoneyForm = "decimal") -> list[Record]:
        """The bill's lines as flat rows of plain values (``pandas.DataFrame(records)`` works).

        Each row has ``bill_id``, ``status``, ``account_id`` and ``patient_id``
        (masked unless ``unmasked``, see [`views`][billing_core.views]), then
        the line's number, id, service dates, category, codes, units, diagnosis
        pointers, ``charge`` and ``currency``.

        Args:
            unmasked: Export the account and patient ids in full.
            money: ``"decimal"`` (``Decimal`` amounts) or ``"minor"`` (``int``
                minor units, which pandas can plot).

        Returns:
            One record per line.

        Examples:
            >>> import datetime
            >>> from billing_core.charges import Category
            >>> line = LineItem(id="L1", category=Category.SUPPLY,
            ...                 service_date=datetime.date(2024, 1, 2), charge=Money("9.00", "USD"))
            >>> bill = Bill(id="B1", account_id="A1", patient_id="P1",
            ...             bill_to=Patient(id="P1", name="J"), currency="USD", lines=[line])
            >>> row = bill.to_records()[0]
            >>> row["bill_id"], row["line_id"], row["charge"], row["currency"], row["patient_id"]
            ('B1', 'L1', Decimal('9.00'), 'USD', '****')
            >>> bill.to_records(unmasked=True, money="minor")[0]["charge"]
            900
        """
        return line_records(
            self.lines,
            self.currency,
            money,
            bill_id=self.id,
            status=self.status.value,
            account_id=shown(self.account_id, Protected.ID, unmasked=unmasked),
            patient_id=shown(self.patient_id, Protected.ID, unmasked=unmasked),
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_html(self, *, unmasked: bool = False) -> str:
        """The bill as an HTML table (a notebook shows it); patient identifiers are masked.

        Args:
            unmasked: Show the account, patient and guarantor ids in full.

        Returns:
            The HTML.

        Examples:
            >>> bill = Bill(id="B1", account_id="ACCT-0001234", patient_id="P1",
            ...             bill_to=Patient(id="P1", name="J"), currency="USD")
            >>> "ACCT-0001234" in bill.to_html(), "ACCT-0001234" in bill.to_html(unmasked=True)
            (False, True)
        """
        if isinstance(self.bill_to, Payer):
            to = f"payer {self.bill_to.name}"
        else:
            kind = "patient" if isinstance(self.bill_to, Patient) else "guarantor"
            to = f"{kind} {shown(self.bill_to.id, Protected.ID, unmasked=unmasked)}"
        caption = (
            f"Bill {self.id} ({self.status.value}) to {to}; "
            f"account {shown(self.account_id, Protected.ID, unmasked=unmasked)}, "
            f"patient {shown(self.patient_id, Protected.ID, unmasked=unmasked)}"
        )
        if self.issued_on is not None and self.due_on is not None:
            caption += f"; issued {self.issued_on.isoformat()}, due {self.due_on.isoformat()}"
        return lines_html(self.lines, self.currency, caption=caption)


def _refuse(bill: Bill, action: str, allowed: str) -> InvalidTransitionError:
    return refused(f"bill {bill.id!r}", action, f"it is {bill.status.value} ({allowed})")


def issue_bill(bill: Bill, issued_on: datetime.date, due_on: datetime.date) -> Bill:
    """Issue a draft bill: draft -> issued.

    Args:
        bill: A draft with at least one line.
        issued_on: The issue date.
        due_on: The due date, on or after ``issued_on``.

    Returns:
        The issued bill.

    Raises:
        InvalidTransitionError: The bill is not a draft, or has no lines.
        ValidationError: ``due_on`` is before ``issued_on``, or ``issued_on``
            is before the last day of a service on the bill (a bill never
            charges for a day that has not happened yet).

    Examples:
        >>> import datetime
        >>> from billing_core.charges import Category, LineItem
        >>> line = LineItem(id="L1", category=Category.SUPPLY,
        ...                 service_date=datetime.date(2024, 1, 2), charge=Money("9.00", "USD"))
        >>> draft = Bill(id="B1", account_id="A1", patient_id="P1",
        ...              bill_to=Patient(id="P1", name="J"), currency="USD", lines=[line])
        >>> issued = issue_bill(draft, datetime.date(2024, 1, 3), datetime.date(2024, 2, 2))
        >>> issue_bill(issued, datetime.date(2024, 1, 3), datetime.date(2024, 2, 2))
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidTransitionError: cannot issue bill 'B1': it is issued (only a draft can be issued)
    """  # noqa: E501
    if bill.status is not BillStatus.DRAFT:
        raise _refuse(bill, "issue", "only a draft can be issued")
    if not bill.lines:
        raise refused(f"bill {bill.id!r}", "issue", "it has no lines")
    return attrs.evolve(bill, status=BillStatus.ISSUED, issued_on=issued_on, due_on=due_on)


def void_bill(bill: Bill, reason: str) -> Bill:
    """Void a draft or issued bill: draft | issued -> void.

    Args:
        bill: A draft or issued bill.
        reason: Why, in words (required).

    Returns:
        The void bill (dates kept as they were).

    Raises:
        InvalidTransitionError: The bill is balanced or already void, or the
            reason is empty.

    Examples:
        >>> draft = Bill(id="B1", account_id="A1", patient_id="P1",
        ...              bill_to=Patient(id="P1", name="J"), currency="USD")
        >>> void_bill(draft, "entered in error").status
        <BillStatus.VOID: 'void'>
    """
    if bill.status is not BillStatus.DRAFT and bill.status is not BillStatus.ISSUED:
        raise _refuse(bill, "void", "only a draft or issued bill can be voided")
    if not isinstance(reason, str) or not reason.strip():
        raise refused(f"bill {bill.id!r}", "void", "a reason is required")
    return attrs.evolve(bill, status=BillStatus.VOID, void_reason=reason)


def mark_balanced(bill: Bill) -> Bill:
    """Mark an issued bill as balanced (fully paid or adjusted): issued -> balanced.

    Args:
        bill: An issued bill.

    Returns:
        The balanced bill.

    Raises:
        InvalidTransitionError: The bill is not issued.

    Examples:
        >>> draft = Bill(id="B1", account_id="A1", patient_id="P1",
        ...              bill_to=Patient(id="P1", name="J"), currency="USD")
        >>> mark_balanced(draft)
        Traceback (most recent call last):
        ...
        billing_core.errors.InvalidTransitionError: cannot mark balanced bill 'B1': it is draft (only an issued bill can be balanced)
    """  # noqa: E501
    if bill.status is not BillStatus.ISSUED:
        raise _refuse(bill, "mark balanced", "only an issued bill can be balanced")
    return attrs.evolve(bill, status=BillStatus.BALANCED)


def add_line(bill: Bill, line: LineItem) -> Bill:
    """Add a line to a draft bill.

    Args:
        bill: A draft.
        line: The line; its id must be new on the bill.

    Returns:
        The draft with the line appended.

    Raises:
        InvalidTransitionError: The bill is not a draft.
        ValidationError: The bill already has a line with that id.
        CurrencyMismatchError: The line is in another currency.
        AuthorizationRequiredError: A self-pay bill and a line needing an authorization.

    Examples:
        >>> import datetime
        >>> from billing_core.charges import Category, LineItem
        >>> fee = LineItem(id="F1", category=Category.FEE, service_date=datetime.date(2024, 1, 2),
        ...                charge=Money("25.00", "USD"))
        >>> draft = Bill(id="B1", account_id="A1", patient_id="P1",
        ...              bill_to=Patient(id="P1", name="J"), currency="USD")
        >>> add_line(draft, fee)
        Traceback (most recent call last):
        ...
        billing_core.errors.AuthorizationRequiredError: line 'F1' (fee) has no patient authorization on file
    """  # noqa: E501
    return add_lines(bill, (line,))


def add_lines(bill: Bill, lines: Iterable[LineItem]) -> Bill:
    """Add several lines to a draft bill (see [`add_line`][]).

    Examples:
        >>> draft = Bill(id="B1", account_id="A1", patient_id="P1",
        ...              bill_to=Patient(id="P1", name="J"), currency="USD")
        >>> add_lines(draft, []).lines
        ()
    """
    if bill.status is not BillStatus.DRAFT:
        raise _refuse(bill, "edit", "only a draft can be edited")
    return attrs.evolve(bill, lines=(*bill.lines, *lines))


def remove_line(bill: Bill, line_id: str) -> Bill:
    """Remove the line with id ``line_id`` from a draft bill.

    Args:
        bill: A draft.
        line_id: The id of the line to remove.

    Returns:
        The draft without the line.

    Raises:
        InvalidTransitionError: The bill is not a draft.
        NotFoundError: The bill has no such line.

    Examples:
        >>> draft = Bill(id="B1", account_id="A1", patient_id="P1",
        ...              bill_to=Patient(id="P1", name="J"), currency="USD")
        >>> remove_line(draft, "L9")
        Traceback (most recent call last):
        ...
        billing_core.errors.NotFoundError: bill 'B1' has no line 'L9'
    """
    if bill.status is not BillStatus.DRAFT:
        raise _refuse(bill, "edit", "only a draft can be edited")
    kept = tuple(line for line in bill.lines if line.id != line_id)
    if len(kept) == len(bill.lines):
        raise NotFoundError(f"bill {bill.id!r} has no line {line_id!r}")
    return attrs.evolve(bill, lines=kept)
