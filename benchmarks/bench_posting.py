"""Posting benchmark: plan and apply a large remittance, against building the same entries directly.

Run: ``python benchmarks/bench_posting.py [--quick]``.

The remittance has 10,000 claims x 5 lines (1,000 x 5 with ``--quick``); every
line is paid with a contractual (CO-45) and a patient (PR-2) adjustment, and a
third of the claims carry a claim-level adjustment. The floor builds exactly
the entries the plan makes (one PaymentReceived per account, then per line a
PaymentApplied and the Adjustments) from precomputed integers, with the same
ledger constructors. Target: plan + apply within 3x of the floor.

``plan_posting`` takes the history and derives the line balances from it; a
caller that holds them already passes ``balances=`` (the fast path). The
target row is the fast path, as the balances are outside the floor too; the
row after it is the same with the balances derived inside.
"""

from __future__ import annotations

import datetime
import random
import sys

from _harness import best_time, header, report

from billing_core.balances import line_balances
from billing_core.charges import Category, LineItem
from billing_core.claims import Claim
from billing_core.codes import GroupCode, ProcedureCode
from billing_core.ledger import (
    Adjustment,
    Bucket,
    ChargePosted,
    Entry,
    Party,
    PaymentApplied,
    PaymentReceived,
    Source,
)
from billing_core.money import Money
from billing_core.parties import Coverage, CoverageSequence, Payer
from billing_core.posting import apply_posting, plan_posting
from billing_core.remittance import CasAdjustment as Cas
from billing_core.remittance import ClaimPayment, Remittance, ServicePayment

DAY = datetime.date(2024, 3, 4)
PAID = datetime.date(2024, 4, 1)


def build(n_claims: int, n_lines: int) -> tuple[list[Claim], list[Entry], Remittance]:
    rng = random.Random(7)
    cov = Coverage(
        id="COV",
        payer=Payer(id="acme", name="Acme"),
        member_id="M1",
        sequence=CoverageSequence.PRIMARY,
    )
    code = ProcedureCode("CPT", "99213")
    claims: list[Claim] = []
    history: list[Entry] = []
    payments: list[ClaimPayment] = []
    for ci in range(n_claims):
        account = f"A{ci}"
        items, lines = [], []
        for li in range(n_lines):
            line_id = f"C{ci}L{li}"
            charge = rng.randint(5_000, 50_000)
            co = rng.randint(0, charge // 3)
            pr = rng.randint(0, charge // 4)
            paid = charge - co - pr
            item = LineItem(
                id=line_id,
                category=Category.PROCEDURE,
                service_date=DAY,
                procedure=code,
                charge=Money.from_minor(charge, "USD"),
            )
            items.append(item)
            history.append(
                ChargePosted(
                    id=f"c-{line_id}",
                    account_id=account,
                    line_id=line_id,
                    effective=DAY,
                    amount=item.charge,
                    bucket=Bucket.PRIMARY,
                )
            )
            lines.append(
                ServicePayment(
                    line_control_number=line_id,
                    procedure=code,
                    service_date=DAY,
                    charge=item.charge,
                    paid=Money.from_minor(paid, "USD"),
                    adjustments=[
                        Cas(group="CO", reason="45", amount=Money.from_minor(co, "USD")),
                        Cas(group="PR", reason="2", amount=Money.from_minor(pr, "USD")),
                    ],
                )
            )
        lines_paid = sum(sp.paid.minor for sp in lines)
        claim_adj = rng.randint(1, lines_paid // 10) if ci % 3 == 0 and lines_paid > 10 else 0
        claims.append(
            Claim(
                id=f"CLM{ci}",
                account_id=account,
                patient_id=f"P{ci}",
                coverage=cov,
                claim_date=DAY,
                lines=items,
            )
        )
        payments.append(
            ClaimPayment(
                patient_control_number=f"CLM{ci}",
                status="1",
                charge=claims[-1].total_charge,
                paid=Money.from_minor(lines_paid - claim_adj, "USD"),
                adjustments=(
                    [Cas(group="CO", reason="253", amount=Money.from_minor(claim_adj, "USD"))]
                    if claim_adj
                    else []
                ),
                lines=lines,
            )
        )
    total = sum(p.paid.minor for p in payments)
    remittance = Remittance(
        payer="acme",
        payee="1234567893",
        total_payment=Money.from_minor(total, "USD"),
        payment_method="ACH",
        trace_number="BENCH",
        paid_date=PAID,
        claims=payments,
    )
    return claims, history, remittance


def main(quick: bool = False) -> None:
    n_claims = 1_000 if quick else 10_000
    n_lines = 5
    claims, history, remittance = build(n_claims, n_lines)
    balances = line_balances(history, PAID)
    plan = plan_posting(remittance, claims, history, balances=balances)
    assert not plan.refused, plan.explain()
    entries = apply_posting(plan, history)
    n_entries = len(entries)

    # The floor: the same entries, from integers computed beforehand, same constructors.
    payer = Party.payer("acme")
    rows: list[tuple[str, str, list[tuple[str, int, str, str, Bucket | None]]]] = []
    received: dict[str, int] = {}
    for e in entries:
        if isinstance(e, PaymentReceived):
            received[e.account_id] = e.amount.minor
    by_line: dict[str, list[tuple[str, int, str, str, Bucket | None]]] = {}
    for e in entries:
        if isinstance(e, PaymentApplied):
            by_line.setdefault(e.line_id or "", []).append(("pay", e.amount.minor, "", "", None))
        elif isinstance(e, Adjustment):
            by_line.setdefault(e.line_id or "", []).append(
                ("adj", e.amount.minor, e.group.value, e.reason, e.to_bucket)
            )
    for c in claims:
        for line in c.lines:
            rows.append((c.account_id, line.id, by_line.get(line.id, [])))

    def floor() -> list[Entry]:
        out: list[Entry] = []
        source = Source(payment_id="BENCH", remittance_id="BENCH", reason="bench")
        n = 0
        for account, minor in received.items():
            n += 1
            out.append(
                PaymentReceived(
                    id=f"f.{n}",
                    account_id=account,
                    effective=PAID,
                    amount=Money.from_minor(minor, "USD"),
                    source=source,
                    party=payer,
                )
            )
        for account, line_id, parts in rows:
            for kind, minor, group, reason, to in parts:
                n += 1
                if kind == "pay":
                    out.append(
                        PaymentApplied(
                            id=f"f.{n}",
                            account_id=account,
                            line_id=line_id,
                            effective=PAID,
                            amount=Money.from_minor(minor, "USD"),
                            source=source,
                            party=payer,
                            bucket=Bucket.PRIMARY,
                        )
                    )
                else:
                    out.append(
                        Adjustment(
                            id=f"f.{n}",
                            account_id=account,
                            line_id=line_id,
                            effective=PAID,
                            amount=Money.from_minor(minor, "USD"),
                            source=source,
                            bucket=Bucket.PRIMARY,
                            group=GroupCode(group),
                            reason=reason,
                            to_bucket=to,
                        )
                    )
        return out

    assert len(floor()) == n_entries
    repeat = 3
    t_floor = best_time(floor, repeat=repeat)
    t_plan = best_time(
        lambda: plan_posting(remittance, claims, history, balances=balances), repeat=repeat
    )
    t_apply = best_time(lambda: apply_posting(plan, history), repeat=repeat)

    def both() -> None:
        apply_posting(plan_posting(remittance, claims, history, balances=balances), history)

    def derived() -> None:
        apply_posting(plan_posting(remittance, claims, history), history)

    t_both = best_time(both, repeat=repeat)
    t_derived = best_time(derived, repeat=repeat)
    header(f"Posting ({n_claims:,} claims x {n_lines} lines -> {n_entries:,} entries)")
    report("floor: build the same entries directly (per entry)", t_floor, n_entries, None)
    report("plan_posting (per entry)", t_plan, n_entries, t_floor)
    report("apply_posting (per entry)", t_apply, n_entries, t_floor)
    report("plan + apply vs floor (per entry)", t_both, n_entries, t_floor, "<= 3x")
    report("plan (balances derived) + apply (per entry)", t_derived, n_entries, t_floor)
    print(
        f"\nplan + apply: {n_entries / t_both:,.0f} entries/s;"
        f" floor: {n_entries / t_floor:,.0f} entries/s; ratio {t_both / t_floor:.2f}x"
    )


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
