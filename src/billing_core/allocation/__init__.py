"""Applying payments and credits to open lines; refunds, small-balance write-offs, receipts.

A payment is planned before it is recorded.
[`plan_allocation`][billing_core.allocation.plan_allocation] is a pure
preview: given a [`Payment`][billing_core.allocation.Payment], the
[`OpenItem`][billing_core.allocation.OpenItem] lines the paying party
owes, and a strategy, it says which line gets what and what stays unapplied.
[`apply_allocation`][billing_core.allocation.apply_allocation] turns the
plan into ledger entries, after checking that the balances the plan assumed
have not changed (else [`StalePlanError`][billing_core.errors.StalePlanError]).

No strategy applies more to a line than its open balance in the paying party's
bucket; what cannot be applied stays as the party's unapplied credit, which
[`plan_credit_use`][billing_core.allocation.plan_credit_use] can apply later
and [`refund`][billing_core.allocation.refund] can give back.

What it holds:

| concept | names |
|---|---|
| payments and open items | `Payment`, `OpenItem`, `open_items` |
| strategies | `OldestFirst`, `Proportional`, `SpecificLines`, `PriorityClasses`, `MatchStatement` |
| plans | `plan_allocation`, `plan_credit_use`, `AllocationPlan`, `LineApplication` |
| recording | `apply_allocation`, `refund`, `small_balance_write_offs` |
| receipts | `receipt`, `Receipt`, `ReceiptLine` |

Examples:
    >>> import datetime
    >>> from billing_core.money import Money
    >>> from billing_core.ledger import Party
    >>> usd = lambda s: Money(s, "USD")
    >>> pay = Payment(id="PAY-1", account_id="A1", party=Party.patient("P1"),
    ...               amount=usd("50.00"), received=datetime.date(2024, 5, 1))
    >>> items = [
    ...     OpenItem(line_id="L2", service_date=datetime.date(2024, 3, 9), open=usd("40.00")),
    ...     OpenItem(line_id="L1", service_date=datetime.date(2024, 2, 1), open=usd("25.00")),
    ... ]
    >>> plan = plan_allocation(pay, items, OldestFirst())
    >>> [(a.line_id, str(a.amount)) for a in plan.applications], plan.unapplied
    ([('L1', '25.00 USD'), ('L2', '25.00 USD')], Money('0.00', 'USD'))
"""

from __future__ import annotations

from billing_core._lazy import lazy_exports

_EXPORTS = {
    "billing_core.allocation._inputs": ("OpenItem", "Payment", "open_items"),
    "billing_core.allocation._plans": (
        "AllocationPlan",
        "LineApplication",
        "plan_allocation",
        "plan_credit_use",
    ),
    "billing_core.allocation._receipts": ("Receipt", "ReceiptLine", "receipt"),
    "billing_core.allocation._recording": (
        "apply_allocation",
        "refund",
        "small_balance_write_offs",
    ),
    "billing_core.allocation._strategies": (
        "AllocationStrategy",
        "MatchStatement",
        "OldestFirst",
        "PriorityClasses",
        "Proportional",
        "SpecificLines",
    ),
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
