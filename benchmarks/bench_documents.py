"""Benchmarks for documents: bill totals, claim validation, LineItem construction.

Run: ``.venv/bin/python benchmarks/bench_documents.py [--quick]``. Contenders
are timed through the shared harness (interleaved, GC on, best round).

- ``bill_total`` over N line items (N = 1,000,000; 100,000 with --quick)
  against a hand-written loop summing the same lines' ``charge.minor``
  (target: at most 1.3x).
- ``validate_claim`` on one 5,000-line claim against 100 claims of 50 lines,
  per line (linear growth reads 1.0x; target: at most 1.5x).
- ``LineItem`` construction (every field checked by its own validator) against
  building a plain slotted object with the same fields and no checks (no
  target: the checks are the point). Memory per ``LineItem`` is in
  ``bench_memory.py``.
"""

from __future__ import annotations

import argparse
import datetime
from collections.abc import Callable, Sequence

from _harness import compare, header, report

from billing_core.bills import Bill
from billing_core.charges import Category, LineItem
from billing_core.claims import Claim, validate_claim
from billing_core.codes import CodeSystem, ProcedureCode
from billing_core.money import Money
from billing_core.parties import Coverage, CoverageSequence, Patient, Payer
from billing_core.totals import bill_total

DAY = datetime.date(2024, 3, 4)
PROC = ProcedureCode(CodeSystem.CPT, "99213", ["25"])
PRICES = [Money.from_minor(1000 + i, "USD") for i in range(997)]


def make_lines(n: int) -> list[LineItem]:
    return [
        LineItem(
            id=f"L{i}",
            category=Category.PROCEDURE,
            service_date=DAY,
            procedure=PROC,
            charge=PRICES[i % len(PRICES)],
            diagnosis_pointers=(1, 2),
        )
        for i in range(n)
    ]


def floor_loop(lines: Sequence[LineItem]) -> int:
    total = 0
    for line in lines:
        total += line.charge.minor
    return total


def bench_bill_total(n: int, rounds: int) -> None:
    lines = make_lines(n)
    bill = Bill(
        id="B1",
        account_id="A1",
        patient_id="P1",
        bill_to=Patient(id="P1", name="J"),
        currency="USD",
        lines=lines,
    )
    assert bill_total(bill).minor == floor_loop(bill.lines)
    times = compare(
        {"floor": lambda: floor_loop(bill.lines), "total": lambda: bill_total(bill)},
        rounds=rounds,
    )
    header(f"bill_total: {n:,} lines", "per line")
    report("hand-written loop over charge.minor (floor)", times["floor"], n, None)
    report("bill_total(bill)", times["total"], n, times["floor"], "<= 1.3x")


def make_claim(n: int) -> Claim:
    coverage = Coverage(
        id="C1",
        payer=Payer(id="acme", name="Acme"),
        member_id="M1",
        sequence=CoverageSequence.PRIMARY,
    )
    return Claim(
        id="CLM1",
        account_id="A1",
        patient_id="P1",
        coverage=coverage,
        claim_date=DAY,
        lines=make_lines(n),
        diagnoses=["E11.9", "I10"],
    )


def bench_validate(small: int, large: int, rounds: int) -> None:
    a, b = make_claim(small), make_claim(large)
    assert validate_claim(a) == ()
    assert validate_claim(b) == ()
    inner = max(1, large // small)
    times = compare(
        {
            "small": lambda: [validate_claim(a) for _ in range(inner)],
            "large": lambda: validate_claim(b),
        },
        rounds=rounds,
    )
    header(f"validate_claim: {large:,} lines against {inner} x {small} lines", "per line")
    report(f"validate_claim, {inner} claims of {small} lines", times["small"], large, None)
    # Linear growth reads 1.0x: the same lines cost the same in one large claim.
    report(f"validate_claim, one claim of {large:,} lines", times["large"], large, times["small"],
           "<= 1.5x")  # fmt: skip


class PlainLine:
    """The floor: a slotted object with LineItem's fields, no checks, no conversions."""

    __slots__ = (
        "attachments",
        "authorization",
        "care_team",
        "category",
        "charge",
        "description",
        "diagnosis_pointers",
        "drug",
        "id",
        "patient_liable",
        "place_of_service",
        "price_components",
        "procedure",
        "revenue_code",
        "service_date",
        "service_through",
        "unit_basis",
        "unit_price",
        "units",
    )  # fmt: skip

    def __init__(self, *, id: str, category: Category, service_date: datetime.date,
                 charge: Money, procedure: ProcedureCode | None = None,
                 diagnosis_pointers: tuple[int, ...] = ()) -> None:  # fmt: skip
        self.id = id
        self.category = category
        self.service_date = service_date
        self.charge = charge
        self.service_through = None
        self.procedure = procedure
        self.revenue_code = None
        self.drug = None
        self.units = 1
        self.unit_basis = None
        self.unit_price = None
        self.place_of_service = None
        self.diagnosis_pointers = tuple(diagnosis_pointers)
        self.care_team = ()
        self.attachments = ()
        self.authorization = None
        self.patient_liable = False
        self.price_components = ()
        self.description = ""


def bench_construction(n: int, rounds: int) -> None:
    def build(kind: Callable[..., object]) -> None:
        for i in range(n):
            kind(
                id="L1",
                category=Category.PROCEDURE,
                service_date=DAY,
                procedure=PROC,
                charge=PRICES[i % len(PRICES)],
                diagnosis_pointers=(1, 2),
            )

    times = compare({"floor": lambda: build(PlainLine), "line": lambda: build(LineItem)},
                    rounds=rounds)  # fmt: skip
    header(f"LineItem construction: {n:,} lines", "per line")
    report("plain slotted object, same fields, no checks (floor)", times["floor"], n, None)
    report("LineItem(...) (every field checked)", times["line"], n, times["floor"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    args = parser.parse_args()
    n = 100_000 if args.quick else 1_000_000
    rounds = 3 if args.quick else 5
    bench_bill_total(n, rounds)
    bench_validate(50, 5_000, rounds)
    bench_construction(20_000 if args.quick else 100_000, rounds)


if __name__ == "__main__":
    main()
