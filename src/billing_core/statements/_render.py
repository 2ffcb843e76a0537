"""Printing a statement: plain text and HTML, with babel's localized money and dates.

Labels stay in English; money and dates follow the locale (``en_US`` by
default; any babel locale). The account and patient ids and the patient's name
are masked except on the patient's own copy (``patient_copy=True``), as the
masking policy of [`views`][billing_core.views] says. The aging line names its
anchor (by default, the days since the patient became responsible).

Examples:
    >>> from datetime import date
    >>> from billing_core.money import Money
    >>> from billing_core.statements import Statement
    >>> s = Statement(account_id="ACCT-0001234", statement_date=date(2025, 3, 31),
    ...               due_date=date(2025, 4, 25), currency="USD", lines=(),
    ...               credit_available=Money("0.00", "USD"), aging_edges=(30,),
    ...               aging=(Money("0.00", "USD"),) * 2)
    >>> render_text(s).splitlines()[-1]
    'Amount due by age (days since you became responsible): 0-30: $0.00  over 30: $0.00'
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Final

from billing_core.aging import AgingAnchor
from billing_core.money import Money, format_money
from billing_core.money._cldr import locale as _locale
from billing_core.views import Protected, html_table, shown

if TYPE_CHECKING:  # the statement module imports this one to print itself
    from billing_core.statements._document import Statement

__all__ = ["render_html", "render_text"]


def _date_text(day: date, locale: str) -> str:
    # babel's date formatting (and its time-zone set-up) loads on the first date shown,
    # not with the package: most users of billing_core never render a date.
    from babel.dates import format_date

    return str(format_date(day, format="medium", locale=_locale(locale)))


# The aging line's anchor, in the patient's words (see StatementPolicy.aging_anchor).
_ANCHOR_WORDS: Final = {
    AgingAnchor.RESPONSIBILITY: "days since you became responsible",
    AgingAnchor.SERVICE_DATE: "days since the date of service",
    AgingAnchor.FIRST_BILLED: "days since first billed",
    AgingAnchor.LAST_ACTIVITY: "days since the last activity",
    AgingAnchor.DUE_DATE: "days since the due date",
}

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
        "anchor": _ANCHOR_WORDS[st.aging_anchor],
        "aging": "  ".join(
            f"{label}: {fmt(m)}" for label, m in zip(st.aging_labels, st.aging, strict=True)
        ),
    }
    return rows, summary


def _who(st: Statement, patient_copy: bool) -> tuple[str, str]:
    """The account as printed, and the patient line's text (name and id; may be empty)."""
    account = shown(st.account_id, Protected.ID, unmasked=patient_copy)
    patient = shown(st.patient_id, Protected.ID, unmasked=patient_copy) or ""
    name = shown(st.patient_name, Protected.NAME, unmasked=patient_copy) if st.patient_name else ""
    who = " ".join(part for part in (name, f"({patient})" if patient else "") if part)
    return account, who


def render_text(statement: Statement, locale: str = "en_US", *, patient_copy: bool = False) -> str:
    """The statement as plain text, with localized money and dates.

    Args:
        statement: The statement.
        locale: A babel locale name (``"en_US"``, ``"de_DE"``, ``"fr_CA"``, ...).
        patient_copy: Print the account and patient ids and the name in full
            (the patient's own copy); otherwise the ids are masked to their
            last 4 characters and the name is hidden.

    Returns:
        The text.

    Examples:
        >>> from datetime import date
        >>> from billing_core.money import Money
        >>> from billing_core.statements import Statement
        >>> s = Statement(account_id="ACCT-0001234", statement_date=date(2025, 3, 31),
        ...               due_date=date(2025, 4, 25), currency="EUR", lines=(),
        ...               credit_available=Money("0.00", "EUR"), aging_edges=(30,),
        ...               aging=(Money("0.00", "EUR"),) * 2)
        >>> print(render_text(s, "de_DE").splitlines()[1])
        Account: ****1234    Statement date: 31.03.2025    Due date: 25.04.2025
    """
    rows, summary = _cells(statement, locale)
    account, who = _who(statement, patient_copy)
    out = ["STATEMENT"]
    out.append(
        f"Account: {account}    Statement date: {summary['statement_date']}"
        f"    Due date: {summary['due_date']}"
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
    out.append(f"Amount due by age ({summary['anchor']}): {summary['aging']}")
    return "\n".join(out)


def render_html(statement: Statement, locale: str = "en_US", *, patient_copy: bool = False) -> str:
    """The statement as an HTML fragment (escaped), with localized money and dates.

    Args:
        statement: The statement.
        locale: A babel locale name.
        patient_copy: Show the account and patient ids and the name in full;
            masked otherwise.

    Returns:
        The HTML.

    Examples:
        >>> from datetime import date
        >>> from billing_core.money import Money
        >>> from billing_core.statements import Statement
        >>> s = Statement(account_id="ACCT-0001234", statement_date=date(2025, 3, 31),
        ...               due_date=date(2025, 4, 25), currency="USD", lines=(),
        ...               credit_available=Money("0.00", "USD"), aging_edges=(30,),
        ...               aging=(Money("0.00", "USD"),) * 2)
        >>> "ACCT-0001234" in render_html(s), "ACCT-0001234" in render_html(s, patient_copy=True)
        (False, True)
    """
    import html  # only when rendering: the everyday names never load it

    rows, summary = _cells(statement, locale)
    account, who = _who(statement, patient_copy)
    e = html.escape
    head = [
        '<div class="billing-statement">',
        "<h3>Statement</h3>",
        f"<p>Account: {e(account)}<br>Statement date: {e(summary['statement_date'])}"
        f"<br>Due date: {e(summary['due_date'])}</p>",
    ]
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
        f"<br>Amount due by age ({e(summary['anchor'])}): {e(summary['aging'])}</p>",
        "</div>",
    ]
    return "\n".join([*head, table, "".join(foot[:-1]), foot[-1]])
