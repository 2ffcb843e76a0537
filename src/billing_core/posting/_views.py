"""The notebook view and records of a posting plan (private; see ``PostingPlan.to_html``).

Rendered from the plan's public attributes only, so the plan can grow fields
without this module knowing.

Examples:
    >>> import datetime
    >>> from billing_core.money import Money
    >>> from billing_core.posting import PostingPlan
    >>> plan = PostingPlan(idempotency_key="0" * 64, remittance_id="T1",
    ...     effective=datetime.date(2024, 4, 1), entries=(), findings=(), follow_ups=(),
    ...     crossovers=(), provider_entries=(), balancing=None, accepted_unbalanced=False,
    ...     total_payment=Money("0", "USD"))
    >>> "ready to apply" in plan_html(plan)
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from billing_core.ledger import Entry, Reversal
from billing_core.money import format_money
from billing_core.views import MoneyForm, Protected, Record, html_table, shown, to_records

if TYPE_CHECKING:  # the plan's module imports this one for its methods
    from billing_core.posting._types import PostingPlan

__all__ = ["plan_html", "plan_records"]


def _detail(entry: Entry) -> str:
    """What the entry moves, in a few words (bucket, party, codes)."""
    original = entry.original if isinstance(entry, Reversal) else entry
    parts = []
    for name in ("party", "bucket", "from_bucket", "group", "reason", "to_bucket"):
        value = getattr(original, name, None)
        if value is not None:
            parts.append(str(value))
    text = " ".join(parts)
    return f"reverses {original.id}: {text}" if isinstance(entry, Reversal) else text


def _summary(plan: PostingPlan) -> str:
    import html  # only when rendering: the everyday names never load it

    if plan.refused:
        status = f"refused ({len(plan.errors)} error(s)): nothing will be posted"
    else:
        status = "ready to apply"
    unbalanced = "; accepted unbalanced" if plan.accepted_unbalanced else ""
    return (
        f"<p>Posting plan for remittance {html.escape(plan.remittance_id)}, effective"
        f" {plan.effective.isoformat()}: total payment"
        f" {html.escape(format_money(plan.total_payment))}; {len(plan.entries)} entr"
        f"{'y' if len(plan.entries) == 1 else 'ies'} on {len(plan.accounts)} account(s);"
        f" {html.escape(status)}{unbalanced}.</p>"
    )


def _items(title: str, lines: list[str]) -> str:
    import html  # only when rendering: the everyday names never load it

    if not lines:
        return ""
    body = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return f"<p>{html.escape(title)}</p><ul>{body}</ul>"


def plan_html(plan: PostingPlan, *, unmasked: bool = False) -> str:
    """The plan as HTML: a summary, its entries, provider postings and findings.

    Account ids are masked unless ``unmasked`` (see [`views`][billing_core.views]).
    """
    import html  # only when rendering: the everyday names never load it

    entry_rows = [
        [
            type(e).__name__,
            e.id,
            shown(e.account_id, Protected.ID, unmasked=unmasked),
            e.line_id or "",
            _detail(e),
            format_money(e.amount),
        ]
        for e in plan.entries
    ]
    parts = [_summary(plan)]
    if entry_rows:
        columns = ["entry", "id", "account", "line", "detail", "amount"]
        parts.append(html_table(columns, entry_rows, caption="Ledger entries", right=(5,)))
    if plan.provider_entries:
        rows = [
            [p.kind.value, p.reference, format_money(p.amount), format_money(p.cash)]
            for p in plan.provider_entries
        ]
        columns = ["provider posting", "reference", "amount (835 sign)", "cash"]
        parts.append(html_table(columns, rows, right=(2, 3)))
    check = plan.reconciliation()
    verdict = "reconciles" if check.ok else f"does not reconcile (off by {check.residual})"
    parts.append(f"<p>Reconciliation: total payment {html.escape(verdict)}.</p>")
    parts.append(_items("Findings", [str(f) for f in plan.findings]))
    parts.append(_items("Follow-ups", [str(f) for f in plan.follow_ups]))
    parts.append(
        _items(
            "Crossovers",
            [f"claim {c.claim_id}: {c.from_bucket} -> {c.to_bucket}" for c in plan.crossovers],
        )
    )
    return "\n".join(p for p in parts if p)


def plan_records(
    plan: PostingPlan, *, unmasked: bool = False, money: MoneyForm = "decimal"
) -> list[Record]:
    """The plan's ledger entries as flat records (see [`views`][billing_core.views])."""
    return to_records(plan.entries, unmasked=unmasked, money=money)
