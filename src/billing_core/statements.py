"""Patient statements, the dunning planner, and statement rendering.

- [`statement`][] folds an account's ledger entries (as of a date) into a
  [`Statement`][]: the patient's open lines with what was charged, what
  insurance paid and adjusted, what the patient paid, what is still open, the
  amount due with its aging, the due date and the patient's unapplied credit.
  A line with money still open in a coverage bucket is **pending**: it is
  shown, but nothing of it (its patient share included) is due until the
  payer has decided.
- [`next_action`][] is the pure dunning planner: from a
  [`DunningHistory`][] (the balance, the statements already sent, holds)
  and a [`StatementPolicy`][], the next step and its date.
- [`render_text`][] and [`render_html`][] print a statement with babel's
  localized money and dates (``en_US`` by default; any babel locale). Labels
  stay in English. Account and patient identifiers are masked except on the
  patient's own copy (``patient_copy=True``).

**Schedule rule.** Statement *k* (counting from 0) is due ``k x every`` days
or months after the first statement, computed from the first statement's
date with one `dateutil.relativedelta.relativedelta` (31 January + 1
month = 28 February, + 2 months = 31 March: never stepped month by month).
The final notice is ``final_notice_after`` units after the first statement;
the final action (collections or a bad-debt write-off)
``final_action_after_days`` days after the final notice was sent.

Examples:
    >>> from datetime import date
    >>> from billing_core.statements import DunningHistory, StatementPolicy, next_action
    >>> from billing_core.money import Money
    >>> policy = StatementPolicy(every=30, max_statements=3, final_notice_after=90)
    >>> history = DunningHistory(balance=Money("80.00", "USD"), balance_since=date(2025, 1, 10),
    ...                          statements_sent=(date(2025, 1, 10),))
    >>> action = next_action(history, date(2025, 1, 20), policy)
    >>> action.kind.value, action.on.isoformat(), action.due
    ('send_statement', '2025-02-09', False)
"""

from __future__ import annotations

import enum
import functools
import html
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Final

import attrs
from babel.dates import format_date
from dateutil.relativedelta import relativedelta

from billing_core._checks import date_findings, describe, is_plain_date
from billing_core.aging import (
    DEFAULT_EDGES,
    AgingAnchor,
    _open_lines,
    _optional_date,
    age,
    band_labels,
    check_edges,
)
from billing_core.balances import credits as party_credits
from billing_core.balances import line_balances
from billing_core.errors import Finding, ValidationError
from billing_core.ledger import Bucket, Entry, PartyKind
from billing_core.money import Money, _locale, format_money
from billing_core.views import Record, html_table, mask_identifier, masked_repr

__all__ = [
    "ActionKind",
    "DunningAction",
    "DunningHistory",
    "FinalAction",
    "PeriodUnit",
    "Statement",
    "StatementLine",
    "StatementPolicy",
    "next_action",
    "render_html",
    "render_text",
    "statement",
]


# --------------------------------------------------------------------------- policy


class PeriodUnit(enum.Enum):
    """The unit of a statement interval.

    Examples:
        >>> PeriodUnit("months")
        <PeriodUnit.MONTHS: 'months'>
    """

    DAYS = "days"
    MONTHS = "months"


class FinalAction(enum.Enum):
    """What happens after the final notice.

    Examples:
        >>> FinalAction("write_off")
        <FinalAction.WRITE_OFF: 'write_off'>
    """

    COLLECTIONS = "collections"
    """Send the balance to a collection agency."""
    WRITE_OFF = "write_off"
    """Write the balance off as bad debt."""


def _check_policy(p: StatementPolicy) -> list[Finding]:
    findings: list[Finding] = []

    def bad(field: str, message: str) -> None:
        findings.append(
            Finding(location=f"StatementPolicy.{field}", message=message, rule="statement_policy")
        )

    def whole(field: str, value: object, minimum: int) -> bool:
        if type(value) is not int:
            bad(field, f"must be an int, got {describe(value)}")
            return False
        if value < minimum:
            bad(field, f"must be at least {minimum}, got {value}")
            return False
        return True

    every_ok = whole("every", p.every, 1)
    max_ok = whole("max_statements", p.max_statements, 1)
    if not isinstance(p.unit, PeriodUnit):
        bad("unit", f"must be a PeriodUnit, got {describe(p.unit)}")
        every_ok = False
    if type(p.final_notice_after) is not int:
        bad("final_notice_after", f"must be an int, got {describe(p.final_notice_after)}")
    elif p.final_notice_after <= 0:
        bad(
            "final_notice_after",
            f"{p.final_notice_after} puts the final notice before or on the first statement;"
            " it counts from the first statement and must be positive",
        )
    elif every_ok and max_ok:
        last = (p.max_statements - 1) * p.every
        if p.final_notice_after <= last:
            unit = p.unit.value
            bad(
                "final_notice_after",
                f"{p.final_notice_after} {unit} is not after the last statement"
                f" ({p.max_statements} statements every {p.every} {unit}: the last at {last})",
            )
    whole("final_action_after_days", p.final_action_after_days, 0)
    whole("due_days", p.due_days, 0)
    if type(p.hold_while_insurance_pending) is not bool:
        bad(
            "hold_while_insurance_pending",
            f"must be a bool, got {describe(p.hold_while_insurance_pending)}",
        )
    if not isinstance(p.final_action, FinalAction):
        bad("final_action", f"must be a FinalAction, got {describe(p.final_action)}")
    threshold = p.small_balance_threshold
    if threshold is not None:
        if not isinstance(threshold, Money):
            bad("small_balance_threshold", f"must be a Money or None, got {describe(threshold)}")
        elif threshold.minor < 0:
            bad("small_balance_threshold", f"must not be negative, got {threshold}")
    edge_findings = check_edges(p.aging_edges)
    findings.extend(
        attrs.evolve(f, location=f"StatementPolicy.aging_edges{f.location[7:]}")
        for f in edge_findings
    )
    return findings


def _edges(value: Iterable[int]) -> tuple[int, ...]:
    return tuple(value) if not isinstance(value, str | bytes) else value  # type: ignore[return-value]


@attrs.frozen(kw_only=True)
class StatementPolicy:
    """How often to send statements, and what comes after them.

    Attributes:
        every: The interval between statements, in ``unit``.
        unit: Days or months.
        max_statements: How many regular statements at most.
        final_notice_after: When the final notice is due, in ``unit`` after the
            first statement; must come after the last regular statement.
        final_action: Collections or a bad-debt write-off, after the final notice.
        final_action_after_days: Days from the final notice to the final action.
        small_balance_threshold: Balances under it get one statement, then a
            small-balance write-off proposal; ``None`` for no such rule.
        due_days: Days from a statement's date to its due date.
        hold_while_insurance_pending: Hold dunning while any of the account's
            money is open with a payer (the default); with ``False`` only the
            pending lines wait (they are never due anyway).
        aging_edges: The band edges for the aging of the amount due.

    Raises:
        ValidationError: Listing every problem, each naming the field and value.

    Examples:
        >>> StatementPolicy(every=1, unit=PeriodUnit.MONTHS, max_statements=3,
        ...                 final_notice_after=3).final_action
        <FinalAction.COLLECTIONS: 'collections'>
        >>> StatementPolicy(every=30, max_statements=3, final_notice_after=-10)
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: StatementPolicy.final_notice_after: -10 puts the ...
    """

    every: int = 30
    unit: PeriodUnit = PeriodUnit.DAYS
    max_statements: int = 3
    final_notice_after: int = 90
    final_action: FinalAction = FinalAction.COLLECTIONS
    final_action_after_days: int = 30
    small_balance_threshold: Money | None = None
    due_days: int = 25
    hold_while_insurance_pending: bool = True
    aging_edges: tuple[int, ...] = attrs.field(default=DEFAULT_EDGES, converter=_edges)

    def __attrs_post_init__(self) -> None:
        findings = _check_policy(self)
        if findings:
            raise ValidationError(findings)

    def after_first(self, first: date, units: int) -> date:
        """The date ``units`` intervals after ``first``, in one relativedelta step.

        Examples:
            >>> monthly = StatementPolicy(every=1, unit=PeriodUnit.MONTHS, final_notice_after=3)
            >>> [monthly.after_first(date(2025, 1, 31), k).isoformat() for k in range(3)]
            ['2025-01-31', '2025-02-28', '2025-03-31']
        """
        if self.unit is PeriodUnit.MONTHS:
            return first + relativedelta(months=units)
        return first + relativedelta(days=units)


# --------------------------------------------------------------------------- statement


@attrs.frozen(kw_only=True)
class StatementLine:
    """One open line on a statement.

    ``charge == insurance_paid + insurance_adjusted + patient_paid + written_off
    + insurance_pending + patient_balance`` (the ledger's conservation rule).

    Attributes:
        line_id: The line item.
        service_date: The date of service.
        description: What the service was.
        charge: The charge.
        insurance_paid: Paid by payers.
        insurance_adjusted: Payer adjustments written off (contractual, ...).
        patient_paid: Paid by the patient or guarantor.
        written_off: Other write-offs (small balance, charity, ...).
        insurance_pending: Still open with a payer.
        patient_balance: Open in the patient bucket.
        responsible_since: When the patient became responsible for it.

    Examples:
        >>> z = Money("0.00", "USD")
        >>> sl = StatementLine(line_id="L1", service_date=date(2025, 1, 2), description="Visit",
        ...                    charge=Money("90.00", "USD"), insurance_paid=Money("60.00", "USD"),
        ...                    insurance_adjusted=z, patient_paid=z, written_off=z,
        ...                    insurance_pending=z, patient_balance=Money("30.00", "USD"),
        ...                    responsible_since=date(2025, 2, 1))
        >>> sl.pending, sl.due
        (False, Money('30.00', 'USD'))
    """

    line_id: str
    service_date: date
    description: str
    charge: Money
    insurance_paid: Money
    insurance_adjusted: Money
    patient_paid: Money
    written_off: Money
    insurance_pending: Money
    patient_balance: Money
    responsible_since: date

    @property
    def pending(self) -> bool:
        """Whether a payer still has money of this line open (nothing of it is due).

        Examples:
            >>> _example_line(insurance_pending="10.00").pending
            True
        """
        return self.insurance_pending.minor != 0

    @property
    def due(self) -> Money:
        """What the patient owes on this line now: zero while pending or in credit.

        Examples:
            >>> _example_line(insurance_pending="10.00", patient_balance="5.00").due
            Money('0.00', 'USD')
            >>> _example_line(patient_balance="5.00").due
            Money('5.00', 'USD')
        """
        if self.pending or self.patient_balance.minor <= 0:
            return Money.zero(self.charge.currency)
        return self.patient_balance

    @property
    def adjustments(self) -> Money:
        """Insurance adjustments and write-offs together, as printed.

        Examples:
            >>> _example_line(insurance_adjusted="3.00", written_off="1.00").adjustments
            Money('4.00', 'USD')
        """
        return self.insurance_adjusted + self.written_off


def _example_line(**amounts: str) -> StatementLine:
    """A statement line for the examples: every amount zero unless given."""
    fields = ("insurance_paid", "insurance_adjusted", "patient_paid", "written_off",
              "insurance_pending", "patient_balance")  # fmt: skip
    money = {f: Money(amounts.get(f, "0.00"), "USD") for f in fields}
    charge = Money.from_minor(sum(m.minor for m in money.values()), "USD")
    return StatementLine(line_id="L1", service_date=date(2025, 1, 2), description="Visit",
                         charge=charge, responsible_since=date(2025, 1, 2), **money)  # fmt: skip


_patient_id_repr: Final = functools.partial(masked_repr, visible=4)


@attrs.frozen(kw_only=True)
class Statement:
    """A patient statement as of a date. Build it with [`statement`][].

    Attributes:
        account_id: The account.
        patient_id: The patient or guarantor, if known; masked in ``repr``.
        patient_name: The name to print, if given; masked in ``repr``.
        statement_date: The as-of date.
        due_date: When the amount due is due.
        currency: The currency.
        lines: The open lines, by service date.
        credit_available: The patient's unapplied money on the account.
        aging_edges: The band edges of `aging`.
        aging: The amount due by age since the patient became responsible.

    Examples:
        >>> s = Statement(account_id="A1", statement_date=date(2025, 3, 31),
        ...               due_date=date(2025, 4, 25), currency="USD", lines=(),
        ...               credit_available=Money("0.00", "USD"), aging_edges=(30,),
        ...               aging=(Money("0.00", "USD"),) * 2)
        >>> s.amount_due, s.pay_now
        (Money('0.00', 'USD'), Money('0.00', 'USD'))
    """

    account_id: str
    patient_id: str | None = attrs.field(default=None, repr=_patient_id_repr)
    patient_name: str = attrs.field(default="", repr=masked_repr)
    statement_date: date
    due_date: date
    currency: str
    lines: tuple[StatementLine, ...] = attrs.field(converter=tuple[StatementLine, ...])
    credit_available: Money
    aging_edges: tuple[int, ...]
    aging: tuple[Money, ...] = attrs.field(converter=tuple[Money, ...])

    def __attrs_post_init__(self) -> None:
        if self.aging and len(self.aging) != len(self.aging_edges) + 1:
            raise ValidationError(
                [
                    Finding(
                        location="Statement.aging",
                        message=f"needs one amount per band ({len(self.aging_edges) + 1}),"
                        f" got {len(self.aging)}",
                        rule="statement.aging",
                    )
                ]
            )

    def _sum(self, minors: Iterable[int]) -> Money:
        return Money.from_minor(sum(minors), self.currency)

    @property
    def amount_due(self) -> Money:
        """The sum of the lines' due amounts (pending lines excluded).

        Examples:
            >>> _example_statement().amount_due
            Money('5.00', 'USD')
        """
        return self._sum(line.due.minor for line in self.lines)

    @property
    def insurance_pending(self) -> Money:
        """Still open with payers, not due from the patient yet.

        Examples:
            >>> _example_statement().insurance_pending
            Money('10.00', 'USD')
        """
        return self._sum(line.insurance_pending.minor for line in self.lines)

    @property
    def pending_patient_share(self) -> Money:
        """Patient balances on pending lines (shown, not due yet).

        Examples:
            >>> _example_statement().pending_patient_share
            Money('2.00', 'USD')
        """
        return self._sum(line.patient_balance.minor for line in self.lines if line.pending)

    @property
    def pay_now(self) -> Money:
        """The amount due after the available credit is applied (never negative).

        Examples:
            >>> _example_statement().pay_now  # 5.00 due, 1.50 credit
            Money('3.50', 'USD')
        """
        due = self.amount_due.minor
        return Money.from_minor(max(0, due - max(0, self.credit_available.minor)), self.currency)

    @property
    def aging_labels(self) -> tuple[str, ...]:
        """The labels of `aging`.

        Examples:
            >>> _example_statement().aging_labels
            ('0-30', '31-60', '61-90', '91-120', 'over 120')
        """
        return band_labels(self.aging_edges)

    @property
    def oldest_due_since(self) -> date | None:
        """The earliest date the patient became responsible for an amount due now.

        Examples:
            >>> _example_statement().oldest_due_since
            datetime.date(2025, 1, 2)
        """
        dates = [line.responsible_since for line in self.lines if line.due.minor > 0]
        return min(dates) if dates else None

    def to_records(self) -> list[Record]:
        """The statement's lines as flat rows of plain values.

        Examples:
            >>> Statement(account_id="A1", statement_date=date(2025, 3, 31),
            ...           due_date=date(2025, 4, 25), currency="USD", lines=(),
            ...           credit_available=Money("0.00", "USD"), aging_edges=(30,),
            ...           aging=()).to_records()
            []
        """
        return [
            {
                "account_id": self.account_id,
                "line_id": line.line_id,
                "service_date": line.service_date,
                "description": line.description,
                "charge": line.charge.amount,
                "insurance_paid": line.insurance_paid.amount,
                "insurance_adjusted": line.insurance_adjusted.amount,
                "patient_paid": line.patient_paid.amount,
                "written_off": line.written_off.amount,
                "insurance_pending": line.insurance_pending.amount,
                "patient_balance": line.patient_balance.amount,
                "due": line.due.amount,
                "pending": line.pending,
                "currency": self.currency,
            }
            for line in self.lines
        ]

    def _repr_html_(self) -> str:
        return render_html(self)

    def __str__(self) -> str:
        return render_text(self)


def _example_statement() -> Statement:
    """A statement for the examples: one line due, one pending, a credit."""
    zero = Money.zero("USD")
    return Statement(
        account_id="A1", statement_date=date(2025, 3, 31), due_date=date(2025, 4, 25),
        currency="USD",
        lines=[_example_line(patient_balance="5.00"),
               _example_line(insurance_pending="10.00", patient_balance="2.00")],
        credit_available=Money("1.50", "USD"), aging_edges=DEFAULT_EDGES,
        aging=(zero, zero, zero, Money("5.00", "USD"), zero),
    )  # fmt: skip


def statement(
    entries: Iterable[Entry],
    as_of: date,
    policy: StatementPolicy | None = None,
    *,
    account_id: str | None = None,
    info: Mapping[str, object] | None = None,
    patient_id: str | None = None,
    patient_name: str = "",
) -> Statement:
    """The patient statement of one account, as of a date.

    Args:
        entries: The account's ledger entries (others' are ignored when
            ``account_id`` is given); only those effective on or before
            ``as_of`` count.
        as_of: The statement date.
        policy: Gives the due date (``due_days``) and the aging edges; the
            default policy when ``None``.
        account_id: The account; needed when ``entries`` hold several.
        info: Per line id, an object with ``service_date`` and ``description``
            (a [`LineItem`][billing_core.charges.LineItem] works); without it the
            charge's date and the line id are printed.
        patient_id: The patient or guarantor id to print (masked on office
            copies); found from the patient's payments when not given.
        patient_name: The name to print.

    Returns:
        The statement.

    Raises:
        ValidationError: If the entries hold several accounts and no
            ``account_id`` is given, or none.

    Examples:
        >>> from billing_core.ledger import Bucket, ChargePosted, Transfer
        >>> history = [
        ...     ChargePosted(id="c1", account_id="A1", line_id="L1", effective=date(2025, 1, 2),
        ...                  amount=Money("80.00", "USD"), bucket=Bucket.PRIMARY),
        ...     Transfer(id="t1", account_id="A1", line_id="L1", effective=date(2025, 3, 10),
        ...              amount=Money("20.00", "USD"), from_bucket=Bucket.PRIMARY,
        ...              to_bucket=Bucket.PATIENT),
        ... ]
        >>> s = statement(history, date(2025, 3, 31))
        >>> s.amount_due, s.insurance_pending, s.lines[0].pending
        (Money('0.00', 'USD'), Money('60.00', 'USD'), True)
    """
    if not is_plain_date(as_of):
        raise TypeError(f"as_of must be a datetime.date, got {as_of!r}")
    policy = StatementPolicy() if policy is None else policy
    history = [e for e in entries if account_id is None or e.account_id == account_id]
    accounts = sorted({e.account_id for e in history})
    if len(accounts) != 1:
        problem = "hold no entries" if not accounts else f"hold several accounts: {accounts}"
        raise ValidationError(
            [
                Finding(
                    location="entries",
                    message=f"{problem}; give the account_id of one account",
                    rule="statement.account",
                )
            ]
        )
    account = accounts[0]
    currency = history[0].amount.currency
    dated = [e for e in history if e.effective <= as_of]
    balances = line_balances(dated, as_of)
    open_rows = _open_lines(dated, balances, info=info, payers=None)
    rows = {(r.line_id, r.bucket): r for r in open_rows}
    # Every row of a line has the line's service date.
    service = {r.line_id: r.service_date for r in open_rows}
    lines: list[StatementLine] = []
    for line_id, b in balances.items():
        if not b.open:  # nothing open in any bucket (Amounts leaves zeros out)
            continue
        extra = info.get(line_id) if info is not None else None
        patient_row = rows.get((line_id, Bucket.PATIENT))
        lines.append(
            StatementLine(
                line_id=line_id,
                service_date=service[line_id],
                description=str(getattr(extra, "description", "") or line_id),
                charge=b.charged,
                insurance_paid=b.insurance_paid,
                insurance_adjusted=b.adjusted,
                patient_paid=b.patient_paid,
                written_off=b.written_off,
                insurance_pending=b.insurance_open,
                patient_balance=b.patient_open,
                responsible_since=(
                    patient_row.anchor_date(AgingAnchor.RESPONSIBILITY)
                    if patient_row
                    else service[line_id]
                ),
            )
        )
    lines.sort(key=lambda sl: (sl.service_date, sl.line_id))
    patient_credit = 0
    patients: list[str] = []
    for party, credit in party_credits(history, as_of).items():
        if party.kind is PartyKind.PATIENT:
            patient_credit += credit.available.minor
            patients.append(party.id)
    due_rows = [rows[(sl.line_id, Bucket.PATIENT)] for sl in lines if sl.due.minor > 0]
    aging = age(due_rows, as_of, AgingAnchor.RESPONSIBILITY, policy.aging_edges, currency=currency)
    return Statement(
        account_id=account,
        patient_id=patient_id if patient_id is not None else (patients[0] if patients else None),
        patient_name=patient_name,
        statement_date=as_of,
        due_date=as_of + timedelta(days=policy.due_days),
        currency=currency,
        lines=lines,
        credit_available=Money.from_minor(patient_credit, currency),
        aging_edges=policy.aging_edges,
        aging=aging.total.bands,
    )


# --------------------------------------------------------------------------- rendering


def _date_text(day: date, locale: str) -> str:
    return str(format_date(day, format="medium", locale=_locale(locale)))


_COLUMNS: Final = (
    "Date of service",
    "Description",
    "Charge",
    "Insurance paid",
    "Adjustments",
    "You paid",
    "Pending insurance",
    "You owe",
)


def _cells(st: Statement, locale: str) -> tuple[list[list[str]], dict[str, str]]:
    def fmt(m: Money) -> str:
        return format_money(m, locale)

    rows = [
        [
            _date_text(sl.service_date, locale),
            sl.description + (" (pending insurance)" if sl.pending else ""),
            fmt(sl.charge),
            fmt(sl.insurance_paid),
            fmt(sl.adjustments),
            fmt(sl.patient_paid),
            fmt(sl.insurance_pending),
            fmt(sl.patient_balance),
        ]
        for sl in st.lines
    ]
    summary = {
        "statement_date": _date_text(st.statement_date, locale),
        "due_date": _date_text(st.due_date, locale),
        "amount_due": fmt(st.amount_due),
        "credit": fmt(st.credit_available),
        "pay_now": fmt(st.pay_now),
        "pending": fmt(st.insurance_pending),
        "pending_share": fmt(st.pending_patient_share),
        "aging": "  ".join(
            f"{label}: {fmt(m)}" for label, m in zip(st.aging_labels, st.aging, strict=True)
        ),
    }
    return rows, summary


def _ids(st: Statement, patient_copy: bool) -> tuple[str, str]:
    if patient_copy:
        return st.account_id, st.patient_id or ""
    return mask_identifier(st.account_id), mask_identifier(st.patient_id)


def render_text(statement: Statement, locale: str = "en_US", *, patient_copy: bool = False) -> str:
    """The statement as plain text, with localized money and dates.

    Args:
        statement: The statement.
        locale: A babel locale name (``"en_US"``, ``"de_DE"``, ``"fr_CA"``, ...).
        patient_copy: Print the account and patient ids in full (the patient's
            own copy); otherwise they are masked to their last 4 characters.

    Returns:
        The text.

    Examples:
        >>> s = Statement(account_id="ACCT-0001234", statement_date=date(2025, 3, 31),
        ...               due_date=date(2025, 4, 25), currency="EUR", lines=(),
        ...               credit_available=Money("0.00", "EUR"), aging_edges=(30,),
        ...               aging=(Money("0.00", "EUR"),) * 2)
        >>> print(render_text(s, "de_DE").splitlines()[1])
        Account: ****1234    Statement date: 31.03.2025    Due date: 25.04.2025
    """
    rows, summary = _cells(statement, locale)
    account, patient = _ids(statement, patient_copy)
    out = ["STATEMENT"]
    out.append(
        f"Account: {account}    Statement date: {summary['statement_date']}"
        f"    Due date: {summary['due_date']}"
    )
    who = " ".join(
        part for part in (statement.patient_name, f"({patient})" if patient else "") if part
    )
    if who:
        out.append(f"Patient: {who}")
    out.append("")
    if rows:
        table = [list(_COLUMNS), *rows]
        widths = [max(len(r[i]) for r in table) for i in range(len(_COLUMNS))]
        for r in table:
            left = [r[0].ljust(widths[0]), r[1].ljust(widths[1])]
            right = [c.rjust(w) for c, w in zip(r[2:], widths[2:], strict=True)]
            out.append("  ".join(left + right).rstrip())
    else:
        out.append("No open charges.")
    out.append("")
    out.append(f"Amount due: {summary['amount_due']}")
    if statement.credit_available.minor:
        out.append(f"Credit on your account: {summary['credit']}")
    out.append(f"Please pay {summary['pay_now']} by {summary['due_date']}")
    if statement.insurance_pending.minor:
        share = (
            f" (your share of those lines, {summary['pending_share']}, is not due yet)"
            if statement.pending_patient_share.minor
            else ""
        )
        out.append(f"Waiting for insurance: {summary['pending']}{share}")
    out.append(f"Amount due by age: {summary['aging']}")
    return "\n".join(out)


def render_html(statement: Statement, locale: str = "en_US", *, patient_copy: bool = False) -> str:
    """The statement as an HTML fragment (escaped), with localized money and dates.

    Args:
        statement: The statement.
        locale: A babel locale name.
        patient_copy: Show the account and patient ids in full; masked otherwise.

    Returns:
        The HTML.

    Examples:
        >>> s = Statement(account_id="ACCT-0001234", statement_date=date(2025, 3, 31),
        ...               due_date=date(2025, 4, 25), currency="USD", lines=(),
        ...               credit_available=Money("0.00", "USD"), aging_edges=(30,),
        ...               aging=(Money("0.00", "USD"),) * 2)
        >>> "ACCT-0001234" in render_html(s), "ACCT-0001234" in render_html(s, patient_copy=True)
        (False, True)
    """
    rows, summary = _cells(statement, locale)
    account, patient = _ids(statement, patient_copy)
    e = html.escape
    head = [
        '<div class="billing-statement">',
        "<h3>Statement</h3>",
        f"<p>Account: {e(account)}<br>Statement date: {e(summary['statement_date'])}"
        f"<br>Due date: {e(summary['due_date'])}</p>",
    ]
    who = " ".join(
        part for part in (statement.patient_name, f"({patient})" if patient else "") if part
    )
    if who:
        head.append(f"<p>Patient: {e(who)}</p>")
    table = html_table(_COLUMNS, rows, right=range(2, len(_COLUMNS)))
    foot = [
        f"<p>Amount due: <b>{e(summary['amount_due'])}</b>",
        f"<br>Credit on your account: {e(summary['credit'])}"
        if statement.credit_available.minor
        else "",
        f"<br>Please pay <b>{e(summary['pay_now'])}</b> by {e(summary['due_date'])}",
        f"<br>Waiting for insurance: {e(summary['pending'])}"
        if statement.insurance_pending.minor
        else "",
        f"<br>Amount due by age: {e(summary['aging'])}</p>",
        "</div>",
    ]
    return "\n".join([*head, table, "".join(foot[:-1]), foot[-1]])


# --------------------------------------------------------------------------- dunning


class ActionKind(enum.Enum):
    """The next step for a patient balance.

    Examples:
        >>> ActionKind("send_final_notice")
        <ActionKind.SEND_FINAL_NOTICE: 'send_final_notice'>
    """

    NONE = "none"
    """Nothing is owed (or the credit covers it)."""
    HOLD = "hold"
    """Wait: insurance is pending, or a payment plan is current."""
    SEND_STATEMENT = "send_statement"
    SEND_FINAL_NOTICE = "send_final_notice"
    SEND_TO_COLLECTIONS = "send_to_collections"
    WRITE_OFF_BAD_DEBT = "write_off_bad_debt"
    PROPOSE_SMALL_BALANCE_WRITE_OFF = "propose_small_balance_write_off"


def _dates(value: Iterable[date]) -> tuple[date, ...]:
    items = list(value)
    bad = date_findings(items, "statements_sent", "dunning.dates")
    if bad:
        raise ValidationError(bad)
    return tuple(sorted(items))


@attrs.frozen(kw_only=True)
class DunningHistory:
    """What the planner needs to know about one account's patient balance.

    Attributes:
        balance: What the patient owes now (after credits, pending lines excluded).
        balance_since: When that balance first appeared (the first statement's
            date if none was sent yet).
        insurance_pending: Whether a payer still has money of the account open.
        statements_sent: Dates of the statements sent in this dunning cycle.
        final_notice_sent: When the final notice was sent, if it was.
        payment_plan_current: Whether a payment plan is in place and current.
        last_payment: When the patient last paid, if ever. A payment starts a
            new dunning cycle: statements and a final notice sent on or before
            it no longer count toward the final notice or collections.

    Examples:
        >>> DunningHistory(balance=Money("10.00", "USD"), statements_sent=["2025-01-01"])
        Traceback (most recent call last):
        ...
        billing_core.errors.ValidationError: statements_sent[0]: not a datetime.date: ...
    """

    balance: Money = attrs.field(validator=attrs.validators.instance_of(Money))
    balance_since: date | None = attrs.field(default=None, validator=_optional_date)
    insurance_pending: bool = attrs.field(
        default=False, validator=attrs.validators.instance_of(bool)
    )
    statements_sent: tuple[date, ...] = attrs.field(default=(), converter=_dates)
    final_notice_sent: date | None = attrs.field(default=None, validator=_optional_date)
    payment_plan_current: bool = attrs.field(
        default=False, validator=attrs.validators.instance_of(bool)
    )
    last_payment: date | None = attrs.field(default=None, validator=_optional_date)

    @classmethod
    def from_statement(
        cls,
        statement: Statement,
        *,
        statements_sent: Iterable[date] = (),
        final_notice_sent: date | None = None,
        payment_plan_current: bool = False,
        last_payment: date | None = None,
    ) -> DunningHistory:
        """The history of a statement's account: its pay-now amount, pending insurance.

        Examples:
            >>> s = Statement(account_id="A1", statement_date=date(2025, 3, 31),
            ...               due_date=date(2025, 4, 25), currency="USD", lines=(),
            ...               credit_available=Money("0.00", "USD"), aging_edges=(30,), aging=())
            >>> DunningHistory.from_statement(s).balance
            Money('0.00', 'USD')
        """
        return cls(
            balance=statement.pay_now,
            balance_since=statement.oldest_due_since,
            insurance_pending=statement.insurance_pending.minor != 0,
            statements_sent=statements_sent,
            final_notice_sent=final_notice_sent,
            payment_plan_current=payment_plan_current,
            last_payment=last_payment,
        )


@attrs.frozen(kw_only=True)
class DunningAction:
    """The next dunning step.

    Attributes:
        kind: What to do.
        on: When: the scheduled date, or ``as_of`` if that has passed.
        scheduled: The date the policy gives for it.
        due: Whether it should be done now (scheduled on or before ``as_of``).
        reason: Why, in words.
        statement_number: For a statement, which one (1 for the first).

    Examples:
        >>> DunningAction(kind=ActionKind.NONE, on=date(2025, 1, 1), scheduled=date(2025, 1, 1),
        ...               due=True, reason="nothing owed").statement_number
    """

    kind: ActionKind
    on: date
    scheduled: date
    due: bool
    reason: str
    statement_number: int | None = None


def next_action(history: DunningHistory, as_of: date, policy: StatementPolicy) -> DunningAction:
    """The next dunning step for a patient balance (a pure planner).

    In order: nothing owed -> nothing to do; insurance pending (unless the
    policy says otherwise) or a current payment plan -> hold; no statement
    yet -> the first statement when the balance appears; a balance under
    ``small_balance_threshold`` after one statement -> propose a
    small-balance write-off one interval later; fewer
    than ``max_statements`` -> the next statement; then the final notice;
    then collections or a bad-debt write-off. Statements and notices dated
    after ``as_of`` count as not sent. A patient payment (``last_payment``)
    starts a new cycle: what was sent on or before it no longer counts, and
    the new cycle's first statement is due one interval after the last
    statement of the old one. Dates follow the module's schedule rule.

    Args:
        history: The balance and what was sent.
        as_of: Today.
        policy: The statement policy.

    Returns:
        The next action.

    Examples:
        >>> policy = StatementPolicy(every=1, unit=PeriodUnit.MONTHS, max_statements=2,
        ...                          final_notice_after=2, final_action=FinalAction.WRITE_OFF,
        ...                          small_balance_threshold=Money("5.00", "USD"))
        >>> sent = (date(2025, 1, 31), date(2025, 2, 28))
        >>> h = DunningHistory(balance=Money("80.00", "USD"), statements_sent=sent)
        >>> a = next_action(h, date(2025, 3, 15), policy)
        >>> a.kind.value, a.on.isoformat()
        ('send_final_notice', '2025-03-31')
        >>> h = DunningHistory(balance=Money("80.00", "USD"), statements_sent=sent,
        ...                    final_notice_sent=date(2025, 3, 31))
        >>> next_action(h, date(2025, 5, 2), policy).kind.value
        'write_off_bad_debt'
        >>> small = DunningHistory(balance=Money("4.99", "USD"), statements_sent=sent[:1])
        >>> next_action(small, date(2025, 2, 1), policy).kind.value
        'propose_small_balance_write_off'
        >>> paid = DunningHistory(balance=Money("80.00", "USD"), statements_sent=sent,
        ...                       last_payment=date(2025, 3, 10))
        >>> a = next_action(paid, date(2025, 3, 15), policy)
        >>> a.kind.value, a.on.isoformat(), a.statement_number
        ('send_statement', '2025-03-28', 1)
    """
    if not isinstance(history, DunningHistory):
        raise TypeError(f"history must be a DunningHistory, got {describe(history)}")
    if not isinstance(policy, StatementPolicy):
        raise TypeError(f"policy must be a StatementPolicy, got {describe(policy)}")
    if not is_plain_date(as_of):
        raise TypeError(f"as_of must be a datetime.date, got {describe(as_of)}")

    def act(
        kind: ActionKind, scheduled: date, reason: str, number: int | None = None
    ) -> DunningAction:
        return DunningAction(
            kind=kind,
            on=max(scheduled, as_of),
            scheduled=scheduled,
            due=scheduled <= as_of,
            reason=reason,
            statement_number=number,
        )

    if history.balance.minor <= 0:
        return act(ActionKind.NONE, as_of, "nothing is owed")
    if history.insurance_pending and policy.hold_while_insurance_pending:
        return act(ActionKind.HOLD, as_of, "insurance is pending; statements wait for the payer")
    if history.payment_plan_current:
        return act(ActionKind.HOLD, as_of, "a payment plan is current")
    sent = [d for d in history.statements_sent if d <= as_of]
    notice = history.final_notice_sent
    paid_on = history.last_payment
    if paid_on is not None and paid_on <= as_of:
        before = [d for d in sent if d <= paid_on]
        sent = [d for d in sent if d > paid_on]
        if notice is not None and notice <= paid_on:
            notice = None
        if before and not sent:
            return act(
                ActionKind.SEND_STATEMENT,
                policy.after_first(before[-1], policy.every),
                f"statement 1 of {policy.max_statements} after the payment of {paid_on}",
                1,
            )
    if not sent:
        appeared = history.balance_since or as_of
        return act(ActionKind.SEND_STATEMENT, appeared, "a patient balance appeared", 1)
    first = sent[0]
    threshold = policy.small_balance_threshold
    if threshold is not None and history.balance < threshold:
        return act(
            ActionKind.PROPOSE_SMALL_BALANCE_WRITE_OFF,
            policy.after_first(first, policy.every),
            f"balance {history.balance} is under the small-balance threshold {threshold}",
        )
    if len(sent) < policy.max_statements:
        n = len(sent)
        return act(
            ActionKind.SEND_STATEMENT,
            policy.after_first(first, n * policy.every),
            f"statement {n + 1} of {policy.max_statements}",
            n + 1,
        )
    if notice is None or notice > as_of:
        return act(
            ActionKind.SEND_FINAL_NOTICE,
            policy.after_first(first, policy.final_notice_after),
            f"{policy.max_statements} statements sent without payment",
        )
    kind = (
        ActionKind.SEND_TO_COLLECTIONS
        if policy.final_action is FinalAction.COLLECTIONS
        else ActionKind.WRITE_OFF_BAD_DEBT
    )
    return act(
        kind,
        notice + relativedelta(days=policy.final_action_after_days),
        f"final notice of {notice.isoformat()} went unanswered",
    )
