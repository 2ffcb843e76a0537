"""The patient statement: an account's open lines, what is due, its aging and the credit.

[`statement`][billing_core.statements.statement] folds an account's
ledger entries (as of a date) into a
[`Statement`][billing_core.statements.Statement]. A line with money
still open in a coverage bucket is **pending**: it is shown, but nothing of it
(its patient share included) is due until the payer has decided. The printed
"Adjustments" column is the payer's adjustments plus write-offs.

Examples:
    >>> _example_statement().pay_now  # 5.00 due, 1.50 credit
    Money('3.50', 'USD')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

import attrs

from billing_core._checks import describe
from billing_core.aging import DEFAULT_EDGES, AgingAnchor, OpenLine, age, band_labels
from billing_core.aging._derive import open_rows
from billing_core.balances import LineBalance, line_balances
from billing_core.balances import credits as party_credits
from billing_core.errors import Finding, NotFoundError, ValidationError
from billing_core.ledger import Bucket, Entry, PartyKind
from billing_core.ledger._effects import check_as_of
from billing_core.money import Money
from billing_core.statements._dates import later
from billing_core.statements._policy import StatementPolicy
from billing_core.statements._render import render_html, render_text
from billing_core.views import (
    MoneyForm,
    Protected,
    Record,
    RecordValue,
    money_value,
    protected,
    shown,
)
from billing_core.views._records import check_money_form

__all__ = ["Statement", "StatementLine", "statement"]


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
        insurance_adjusted: Payer adjustments taken off the line (contractual
            and other CO, PI and OA adjustments; ``Balance.adjusted``).
        patient_paid: Paid by the patient or guarantor.
        written_off: Write-offs (small balance, charity, ...;
            ``Balance.written_off``).
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
        # A pending line's patient share is only an estimate until the payer decides (a PR
        # amount may still move to a secondary), so none of it is billed yet.
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
        aging: The amount due by age, counted from `aging_anchor`.
        aging_anchor: What `aging` counts days from: the day the patient
            became responsible (the default of
            [`StatementPolicy`][billing_core.statements.StatementPolicy]) or
            another anchor the policy chose; the printed statement names it.

    ``repr``, ``str`` (the printed statement) and the notebook view mask the
    account id, the patient id and the name; the patient's own copy shows them
    (``render_text(statement, patient_copy=True)``), and the records export
    them with ``to_records(unmasked=True)``.

    Examples:
        >>> s = Statement(account_id="A1", statement_date=date(2025, 3, 31),
        ...               due_date=date(2025, 4, 25), currency="USD", lines=(),
        ...               credit_available=Money("0.00", "USD"), aging_edges=(30,),
        ...               aging=(Money("0.00", "USD"),) * 2)
        >>> s.amount_due, s.pay_now
        (Money('0.00', 'USD'), Money('0.00', 'USD'))
    """

    account_id: str = attrs.field(**protected(Protected.ID))
    patient_id: str | None = attrs.field(default=None, **protected(Protected.ID))
    patient_name: str = attrs.field(default="", **protected(Protected.NAME))
    statement_date: date
    due_date: date
    currency: str
    lines: tuple[StatementLine, ...] = attrs.field(converter=tuple[StatementLine, ...])
    credit_available: Money
    aging_edges: tuple[int, ...]
    aging: tuple[Money, ...] = attrs.field(converter=tuple[Money, ...])
    aging_anchor: AgingAnchor = AgingAnchor.RESPONSIBILITY

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
        # Credit only lowers what is due now; a larger credit is not a negative bill (it is
        # refundable, and shown apart), and an overdrawn one adds nothing.
        return Money.from_minor(max(0, due - max(0, self.credit_available.minor)), self.currency)

    @property
    def aging_labels(self) -> tuple[str, ...]:
        """The labels of `aging`.

        Examples:
            >>> _example_statement().aging_labels
            ('0-30', '31-60', '61-90', '91-120', 'over 120')
        """
        return band_labels(self.aging_edges)

    def aging_band(self, label: str) -> Money:
        """The amount due in the aging band labelled ``label`` (e.g. ``"91-120"``).

        Raises:
            NotFoundError: If no band has that label.

        Examples:
            >>> _example_statement().aging_band("91-120")
            Money('5.00', 'USD')
        """
        # A statement built without aging (by hand) has no bands to look up, whatever its edges.
        labels = self.aging_labels if self.aging else ()
        if label not in labels:
            known = ", ".join(labels) if labels else "none"
            raise NotFoundError(f"no aging band {label!r:.40}; the bands are {known}")
        return self.aging[labels.index(label)]

    @property
    def oldest_due_since(self) -> date | None:
        """The earliest date the patient became responsible for an amount due now.

        Examples:
            >>> _example_statement().oldest_due_since
            datetime.date(2025, 1, 2)
        """
        dates = [line.responsible_since for line in self.lines if line.due.minor > 0]
        return min(dates) if dates else None

    def to_records(self, *, unmasked: bool = False, money: MoneyForm = "decimal") -> list[Record]:
        """The statement's lines as flat rows of plain values.

        Each row has the ``account_id`` (masked unless ``unmasked``, see
        [`views`][billing_core.views]), the line's id, service date and
        description, its amounts, ``due``, ``pending`` and ``currency``.

        Args:
            unmasked: Export the account id in full.
            money: ``"decimal"`` (``Decimal`` amounts) or ``"minor"`` (``int``
                minor units, which pandas can plot).

        Returns:
            One record per line.

        Examples:
            >>> _example_statement().to_records(money="minor")[0]["due"]
            500
            >>> [r["account_id"] for r in _example_statement().to_records(unmasked=True)]
            ['A1', 'A1']
        """
        check_money_form(money)
        account = shown(self.account_id, Protected.ID, unmasked=unmasked)

        def cell(m: Money) -> RecordValue:
            return money_value(m, money)

        return [
            {
                "account_id": account,
                "line_id": line.line_id,
                "service_date": line.service_date,
                "description": line.description,
                "charge": cell(line.charge),
                "insurance_paid": cell(line.insurance_paid),
                "insurance_adjusted": cell(line.insurance_adjusted),
                "patient_paid": cell(line.patient_paid),
                "written_off": cell(line.written_off),
                "insurance_pending": cell(line.insurance_pending),
                "patient_balance": cell(line.patient_balance),
                "due": cell(line.due),
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
        policy: Gives the due date (``due_days``), the aging edges and the
            aging anchor; the default policy when ``None``. By default the
            amount due is aged from the day the patient became responsible for
            it, so an amount that an A/R aging by service date puts in
            ``"over 120"`` may be ``"91-120"`` here; both name their anchor,
            and ``StatementPolicy(aging_anchor=AgingAnchor.SERVICE_DATE)``
            ages the statement as the report does.
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
            ``account_id`` is given, or none; or if the due date would be
            after 9999-12-31.
        TypeError: If ``as_of`` is not a plain date, or ``policy`` not a
            [`StatementPolicy`][billing_core.statements.StatementPolicy].

    Examples:
        >>> from billing_core.ledger import ChargePosted, Transfer
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
    check_as_of(as_of)
    if policy is None:
        policy = StatementPolicy()
    elif not isinstance(policy, StatementPolicy):
        raise TypeError(f"policy must be a StatementPolicy or None, got {describe(policy)}")
    history, account = _one_account(entries, account_id)
    days = policy.due_days
    due_date = later(as_of, timedelta(days=days), f"{days} days", "due_date")
    # validate_history keeps an account to one currency: its first entry names it.
    currency = history[0].amount.currency
    dated = [e for e in history if e.effective <= as_of]
    # One fold for both the lines and the aging rows (open_rows takes these balances), so
    # the printed lines and the aging cannot disagree.
    balances = line_balances(dated, as_of)
    rows = {(r.line_id, r.bucket): r for r in open_rows(dated, balances, info=info, payers=None)}
    lines = _statement_lines(balances, rows, info)
    credit, patients = _patient_credit(history, as_of)
    # Only what is due is aged: pending lines and credits would put money in a band the
    # patient does not owe yet.
    due_rows = [rows[(sl.line_id, Bucket.PATIENT)] for sl in lines if sl.due.minor > 0]
    anchor = policy.aging_anchor
    aging = age(due_rows, as_of, anchor, policy.aging_edges, currency=currency)
    return Statement(
        account_id=account,
        patient_id=patient_id if patient_id is not None else (patients[0] if patients else None),
        patient_name=patient_name,
        statement_date=as_of,
        due_date=due_date,
        currency=currency,
        lines=lines,
        credit_available=Money.from_minor(credit, currency),
        aging_edges=policy.aging_edges,
        aging=aging.total.bands,
        aging_anchor=anchor,
    )


def _one_account(entries: Iterable[Entry], account_id: str | None) -> tuple[list[Entry], str]:
    """The entries of the statement's account, and its id; refuse none or several."""
    # A statement is one account's: mixing two would send one patient another's lines.
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
    return history, accounts[0]


def _statement_lines(
    balances: Mapping[str, LineBalance],
    rows: Mapping[tuple[str, Bucket], OpenLine],
    info: Mapping[str, object] | None,
) -> list[StatementLine]:
    """One line per line item with money open in any bucket, by service date."""
    # Every open row of a line has the line's service date.
    service = {line_id: row.service_date for (line_id, _bucket), row in rows.items()}
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
                # A line never in the patient bucket (all pending) dates from its service.
                responsible_since=(
                    patient_row.anchor_date(AgingAnchor.RESPONSIBILITY)
                    if patient_row
                    else service[line_id]
                ),
            )
        )
    lines.sort(key=lambda sl: (sl.service_date, sl.line_id))
    return lines


def _patient_credit(history: Iterable[Entry], as_of: date) -> tuple[int, list[str]]:
    """The patients' available credit (minor units) and their ids, payers' credit left out."""
    patient_credit = 0
    patients: list[str] = []
    for party, credit in party_credits(history, as_of).items():
        # Payer credit is the payer's money (an overpayment to refund to the payer), never
        # something the patient may offset against the bill.
        if party.kind is PartyKind.PATIENT:
            patient_credit += credit.available.minor
            patients.append(party.id)
    return patient_credit, patients
