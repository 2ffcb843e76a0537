"""A/R aging: open amounts by how long they have been owed, by party and account.

[`age`][] puts every open amount into an aging **band** by its age in days,
and totals the bands per responsible party (each payer, the patient), per
account and overall. It takes plain [`OpenLine`][] rows (one per line item
and ledger bucket with money open), or ledger entries, from which
[`open_lines`][] derives them with [`line_balances`][billing_core.balances.line_balances].

**The day rule.** ``days = (as_of - anchor).days``, whole calendar days. With
the default edges ``(30, 60, 90, 120)`` the bands are ``0-30`` (``days <= 30``),
``31-60``, ``61-90``, ``91-120`` and ``over 120`` (``days > 120``); in general
band *i* holds ``edges[i-1] < days <= edges[i]``. An anchor after ``as_of``
(not due yet: negative days) counts in the first band. Aging by calendar
months would disagree at month ends (31 March is 30 days after 1 March but
"one month" after 28 February); this module always counts days. The cut-off
dates are computed once per report, not per line.

**Anchors** ([`AgingAnchor`][]): the date of service; the first bill or
claim date; the last activity on the line; the due date; or the date
responsibility moved to the current party (the **re-aged** view: an amount
moved from the payer to the patient starts again at 0 days; the service date
gives the **not re-aged** view). A line with no date for the chosen anchor
(not billed yet, no due date) is aged from its service date. Every view of a
report names its anchor. A patient statement ages the amount due from the
responsibility date by default (see
[`StatementPolicy`][billing_core.statements.StatementPolicy]), so the same
$30 can be ``"over 120"`` in a report by service date and ``"91-120"`` on the
statement: the report's text and HTML say so under the table
([`AgingReport.anchor_note`][]) whenever the patient owes something.

**Credits** (a negative open amount on a line, or a party's unapplied money)
are never netted into a band: they are listed apart in
`AgingReport.credits`. The invariant, property-tested: for every party,
every account and overall, the bands add up to the total open balance.

**Rows** ([`AgingRow`][]) hold one amount per band, youngest first, and the
report's labels: read a band by position (``row.bands[1]``) or by label
(``row.band("31-60")``).

The package holds [`aging`][billing_core.aging] (edges, labels, rows),
[`aging`][billing_core.aging] (what is aged: open lines, credits,
anchors), [`aging`][billing_core.aging] (the report) and
[`aging`][billing_core.aging] ([`age`][] and the rows it derives from a
ledger); every name is importable from ``billing_core.aging``.

Examples:
    >>> from datetime import date
    >>> from billing_core.aging import OpenLine, age
    >>> from billing_core.ledger import Bucket
    >>> from billing_core.money import Money
    >>> lines = [
    ...     OpenLine(account_id="A1", line_id="L1", bucket=Bucket.PRIMARY,
    ...              open=Money("100.00", "USD"), service_date=date(2025, 1, 2)),
    ...     OpenLine(account_id="A1", line_id="L2", bucket=Bucket.PATIENT,
    ...              open=Money("25.00", "USD"), service_date=date(2025, 3, 1)),
    ... ]
    >>> report = age(lines, date(2025, 3, 31))
    >>> print(report)
    A/R aging as of 2025-03-31 (USD), days since service date
    party      0-30  31-60   61-90  91-120  over 120   total
    primary    0.00   0.00  100.00    0.00      0.00  100.00
    patient   25.00   0.00    0.00    0.00      0.00   25.00
    total     25.00   0.00  100.00    0.00      0.00  125.00
    Patient amounts here age from the service date; a patient statement ages them from the
    day the patient became responsible, so the same amount may sit in a younger band there
    (age with AgingAnchor.RESPONSIBILITY for the statement's view).
    >>> report.over(60), report.party("primary").band("61-90")
    (Money('100.00', 'USD'), Money('100.00', 'USD'))
"""

from __future__ import annotations

from billing_core._lazy import lazy_exports

_EXPORTS = {
    "billing_core.aging._bands": ("DEFAULT_EDGES", "AgingRow", "band_labels", "validate_edges"),
    "billing_core.aging._folds": ("age", "open_lines", "unapplied_credits"),
    "billing_core.aging._items": ("AgingAnchor", "CreditLine", "OpenLine"),
    "billing_core.aging._report": ("AgingReport",),
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
