"""Posting benchmark: plan and apply a large remittance, against building the same entries directly.

Run: ``python benchmarks/bench_posting.py [--quick]``.

The remittance has 10,000 claims x 5 lines (1,000 x 5 with ``--quick``); every
line is paid with a contractual (CO-45) and a patient (PR-2) adjustment, and a
third of the claims carry a claim-level adjustment. The floor builds exactly
the entries the plan makes (one PaymentReceived per account, then per line a
PaymentApplied and the Adjustments, and the held cash) from precomputed
integers, as plain slotted objects with the same fields (no validation, no
effect cached). Target: plan + apply within 5x of the floor.

A second remittance is the same with 1% of its claims naming no claim of ours:
they are held (a CashHeld each, on the remittance's account) and the rest
posts. Target: within 5x of its own floor, as the all-matched one. The row
below it compares the two per entry, without a target: holding should add no
cost per claim beyond the entry it makes, but each row moves by more than 5%
between runs, so a bound tied to the other row would judge noise.

``plan_posting`` takes the history and derives the line balances from it; a
caller that holds them already passes ``balances=`` (the fast path). The
target rows are the fast path, as the balances are outside the floor too; the
last row is the all-matched one with the balances derived inside.

Contenders are timed interleaved (floor, plan, apply, ... in turn, the order
alternating, the best of each kept), with garbage collection on, as a caller
has it. The scaling rows repeat plan + apply against the floor from about 3,500
to 3.5 million entries (to 350,000 with ``--quick``) so a bend shows; each size
runs in a fresh interpreter, so no row depends on the rows before it. Where
the entries a contender keeps set off a full collection (the 10,000-claim table
and the largest sizes), both contenders pay one and the ratio reads lower (about
2.3x); where none lands, the ratio is the interpreter work alone.
"""

from __future__ import annotations

import datetime
import random
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import attrs
from _harness import command_line, compare, header, report

from billing_core.balances import line_balances
from billing_core.charges import Category, LineItem
from billing_core.claims import Claim
from billing_core.codes import GroupCode, ProcedureCode
from billing_core.ledger import (
    Adjustment,
    Bucket,
    CashHeld,
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


def unmatched(remittance: Remittance, every: int) -> Remittance:
    """The remittance with one claim in ``every`` naming no claim of ours."""
    claims = [
        attrs.evolve(cp, patient_control_number=f"UNKNOWN-{n}") if n % every == 0 else cp
        for n, cp in enumerate(remittance.claims)
    ]
    return attrs.evolve(remittance, claims=claims)


Row = tuple[str, str, str, int, str, str, Bucket | None]
"""An entry as plain values: (kind, account, line or claim held, minor units, group, reason, to)."""


def floor_rows(
    entries: tuple[Entry, ...],
) -> list[Row]:
    """What the floor builds, as plain values: (kind, account, line, minor, group, reason, to)."""
    rows: list[Row] = []
    for e in entries:
        m = e.amount.minor
        if isinstance(e, PaymentReceived):
            rows.append(("received", e.account_id, "", m, "", "", None))
        elif isinstance(e, PaymentApplied):
            rows.append(("pay", e.account_id, e.line_id or "", m, "", "", None))
        elif isinstance(e, Adjustment):
            rows.append(
                ("adj", e.account_id, e.line_id or "", m, e.group.value, e.reason, e.to_bucket)
            )
        elif isinstance(e, CashHeld):
            rows.append(("held", e.account_id, e.claim_reference, m, "", "", None))
        else:
            raise AssertionError(f"the floor does not build {type(e).__name__}")
    return rows


class _Amount:
    """A plain amount: minor units and a currency code."""

    __slots__ = ("currency", "minor")

    def __init__(self, minor: int, currency: str) -> None:
        self.minor = minor
        self.currency = currency


class _Entry:
    """A plain slotted entry with the ledger entries' fields (unused ones ``None``)."""

    __slots__ = (
        "account_id", "amount", "bucket", "claim_reference", "effective", "group", "id",
        "kind", "line_id", "party", "reason", "source", "to_bucket",
    )  # fmt: skip

    def __init__(
        self, kind: str, id: str, account_id: str, line_id: str | None, effective: datetime.date,
        amount: _Amount, source: Source, party: Party | None = None, bucket: Bucket | None = None,
        group: GroupCode | None = None, reason: str | None = None, to_bucket: Bucket | None = None,
        claim_reference: str | None = None,
    ) -> None:  # fmt: skip
        self.kind = kind
        self.id = id
        self.account_id = account_id
        self.line_id = line_id
        self.effective = effective
        self.amount = amount
        self.source = source
        self.party = party
        self.bucket = bucket
        self.group = group
        self.reason = reason
        self.to_bucket = to_bucket
        self.claim_reference = claim_reference


def floor_of(rows: list[Row]) -> Callable[[], list[_Entry]]:
    """The same entries built as plain slotted objects from the rows (no validation)."""
    payer = Party.payer("acme")
    groups = {g.value: g for g in GroupCode}

    def build() -> list[_Entry]:
        out: list[_Entry] = []
        append = out.append
        source = Source(payment_id="BENCH", remittance_id="BENCH", reason="bench")
        primary = Bucket.PRIMARY
        for n, (kind, account, line_id, minor, group, reason, to) in enumerate(rows):
            amount = _Amount(minor, "USD")
            if kind == "received":
                append(_Entry(kind, f"f.{n}", account, None, PAID, amount, source, party=payer))
            elif kind == "pay":
                append(
                    _Entry(kind, f"f.{n}", account, line_id, PAID, amount, source, party=payer,
                           bucket=primary)
                )  # fmt: skip
            elif kind == "adj":
                append(
                    _Entry(kind, f"f.{n}", account, line_id, PAID, amount, source, bucket=primary,
                           group=groups[group], reason=reason, to_bucket=to)
                )  # fmt: skip
            else:
                append(
                    _Entry(kind, f"f.{n}", account, None, PAID, amount, source, party=payer,
                           claim_reference=line_id)
                )  # fmt: skip
        return out

    return build


def scaling(quick: bool) -> None:
    """Plan + apply against the floor at growing sizes, so a bend shows (GC on).

    Each size runs in a fresh interpreter (`scaling_row`), so no row depends on
    what ran before it. In one process, each earlier size's inputs are freed and the
    next ones are built in the holes they leave; the library reads its inputs (claims,
    remittance, balances) where the floor reads one list of precomputed rows, so it
    alone pays for inputs scattered in memory, and a later row read up to about 10%
    higher than the same row run first.
    """
    sizes = (200, 2_000, 20_000) if quick else (200, 2_000, 20_000, 200_000)
    header("Posting at scale (5 lines a claim, ~3.5 entries a line; GC on)")
    for n_claims in sizes:
        row = subprocess.run(
            [sys.executable, __file__, "--scaling-row", str(n_claims)],
            check=True,
            capture_output=True,
            text=True,
        )
        print(row.stdout, end="", flush=True)


def scaling_row(n_claims: int) -> None:
    """The two rows of one size of `scaling`: the floor, then plan + apply against it."""
    claims, history, remittance = build(n_claims, 5)
    balances = line_balances(history, PAID)
    entries = apply_posting(plan_posting(remittance, claims, history, balances=balances), history)
    n = len(entries)
    floor = floor_of(floor_rows(entries))
    del entries  # a first posting: no entry of the same effects is alive (see main)
    times = compare(
        {
            "floor": floor,
            "both": lambda: apply_posting(
                plan_posting(remittance, claims, history, balances=balances), history
            ),
        },
        rounds=3 if n_claims < 100_000 else 2,
    )
    report(f"floor: plain slotted entries, {n:,} entries", times["floor"], n, None)
    report(f"plan + apply, {n:,} entries", times["both"], n, times["floor"], "<= 5x")


def _apply_ratio(plan: Any, history: list[Entry], floor: Callable[[], object]) -> float:
    """Apply alone against the floor (its plan's entries keep their effects alive meanwhile)."""
    times = compare({"floor": floor, "apply": lambda: apply_posting(plan, history)}, rounds=3)
    return times["apply"] / times["floor"]


def main(quick: bool = False) -> None:
    n_claims = 1_000 if quick else 10_000
    n_lines = 5
    claims, history, remittance = build(n_claims, n_lines)
    held_remittance = unmatched(remittance, 100)
    balances = line_balances(history, PAID)
    plans = {}
    for name, r in (("matched", remittance), ("held", held_remittance)):
        plan = plan_posting(r, claims, history, balances=balances)
        assert not plan.refused, plan.explain()
        plans[name] = (r, plan, apply_posting(plan, history))
    n_entries = len(plans["matched"][2])
    n_held_entries = len(plans["held"][2])
    floors = {name: floor_of(floor_rows(entries)) for name, (_, _, entries) in plans.items()}
    assert len(floors["matched"]()) == n_entries
    assert len(floors["held"]()) == n_held_entries

    def both(r: Remittance) -> Callable[[], Any]:
        return lambda: apply_posting(plan_posting(r, claims, history, balances=balances), history)

    # Apply alone needs a finished plan, whose entries keep their interned effects alive;
    # it is timed first, and the plans are dropped before the rest, so every other
    # contender makes its effects as a first posting to these accounts does.
    t_apply = _apply_ratio(plans["matched"][1], history, floors["matched"])
    del plans, plan
    times = compare(
        {
            "floor": floors["matched"],
            "plan": lambda: plan_posting(remittance, claims, history, balances=balances),
            "both": both(remittance),
            "held floor": floors["held"],
            "held both": both(held_remittance),
            "derived": lambda: apply_posting(plan_posting(remittance, claims, history), history),
        },
        rounds=3,
    )
    t_floor, t_held_floor = times["floor"], times["held floor"]
    header(f"Posting ({n_claims:,} claims x {n_lines} lines -> {n_entries:,} entries)")
    report("floor: the same entries as plain slotted objects", t_floor, n_entries, None)
    report("plan_posting (per entry)", times["plan"], n_entries, t_floor)
    report("apply_posting (per entry)", t_apply * t_floor, n_entries, t_floor)
    report("plan + apply vs floor (per entry)", times["both"], n_entries, t_floor, "<= 5x")
    report("floor, 1% of claims unmatched (per entry)", t_held_floor, n_held_entries, None)
    report(
        "plan + apply, 1% unmatched, held (per entry)",
        times["held both"],
        n_held_entries,
        t_held_floor,
        "<= 5x",
    )
    report(
        "  held vs all matched (per entry)",
        times["held both"],
        n_held_entries,
        times["both"] * n_held_entries / n_entries,
    )
    report("plan (balances derived) + apply (per entry)", times["derived"], n_entries, t_floor)
    scaling(quick)


if __name__ == "__main__":
    parser = command_line(__doc__)
    parser.add_argument(
        "--scaling-row",
        type=int,
        metavar="CLAIMS",
        help="only the scaling rows of this many claims (how the full run times each size)",
    )
    options = parser.parse_args()
    if options.scaling_row:
        scaling_row(options.scaling_row)
    else:
        main(quick=options.quick)
