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

The package holds [`statements`][billing_core.statements] (the
[`StatementPolicy`][]), [`statements`][billing_core.statements] (the
statement), [`statements`][billing_core.statements] (text and HTML) and
[`statements`][billing_core.statements] (the planner); every name is
importable from ``billing_core.statements``.

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

from billing_core._lazy import lazy_exports

_EXPORTS = {
    "billing_core.statements._document": ("Statement", "StatementLine", "statement"),
    "billing_core.statements._dunning": (
        "ActionKind",
        "DunningAction",
        "DunningHistory",
        "next_action",
    ),
    "billing_core.statements._policy": ("FinalAction", "PeriodUnit", "StatementPolicy"),
    "billing_core.statements._render": ("render_html", "render_text"),
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
