"""Benchmarks for documents: bill totals, claim validation, LineItem memory.

Run: ``.venv/bin/python benchmarks/bench_documents.py [--quick]``

- ``bill_total`` over N line items (N = 1,000,000; 100,000 with --quick) as a
  ratio to a hand-written loop summing the same lines' ``charge.minor`` in the
  same run (target: at most 1.3x).
- ``validate_claim`` on a 5,000-line claim vs a 50-line claim (target: at most
  150x, i.e. linear growth).
- Memory per ``LineItem`` (the codes and the Money are shared between lines,
  so this is the line object itself plus its own id string), by tracemalloc.
- ``LineItem`` construction (every field checked by its own validator) as a
  ratio to building a plain slotted object with the same fields and no checks,
  interleaved in the same run.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence

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


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def floor_loop(lines: Sequence[LineItem]) -> int:
    total = 0
    for line in lines:
        total += line.charge.minor
    return total


def bench_bill_total(n: int, repeat: int) -> float:
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
    ratios = []
    floor_times, total_times = [], []
    for _ in range(repeat):  # interleave to share machine noise
        f = best_of(lambda: floor_loop(bill.lines), 1)
        t = best_of(lambda: bill_total(bill), 1)
        floor_times.append(f)
        total_times.append(t)
        ratios.append(t / f)
    f, t = min(floor_times), min(total_times)
    print(f"bill_total over {n:,} lines: {t / n * 1e9:6.1f} ns/line")
    print(f"hand-written loop floor:    {f / n * 1e9:6.1f} ns/line")
    print(
        f"ratio bill_total / floor:   {t / f:.2f}x (best times); "
        f"median of paired runs {statistics.median(ratios):.2f}x (target <= 1.3x)"
    )
    return t / f


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


def bench_validate(small: int, large: int, repeat: int) -> float:
    a, b = make_claim(small), make_claim(large)
    assert validate_claim(a) == ()
    assert validate_claim(b) == ()
    inner = max(1, large // small)
    ta = best_of(lambda: [validate_claim(a) for _ in range(inner)], repeat) / inner
    tb = best_of(lambda: validate_claim(b), repeat)
    print(f"validate_claim {small:>5} lines: {ta * 1e6:9.1f} us ({ta / small * 1e9:.0f} ns/line)")
    print(f"validate_claim {large:>5} lines: {tb * 1e6:9.1f} us ({tb / large * 1e9:.0f} ns/line)")
    print(
        f"ratio {large}/{small} lines: {tb / ta:.1f}x "
        f"(linear would be {large / small:.0f}x; target <= 150x)"
    )
    return tb / ta


def bench_memory(n: int) -> float:
    ids = [f"L{i}" for i in range(n)]  # ids made before measuring: shared data excluded
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    lines = [
        LineItem(
            id=ids[i],
            category=Category.PROCEDURE,
            service_date=DAY,
            procedure=PROC,
            charge=PRICES[i % len(PRICES)],
            diagnosis_pointers=(1, 2),
        )
        for i in range(n)
    ]
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    per_line = (after - before - 8 * n) / n  # minus the list's pointer per line
    id_bytes = statistics.mean(len(i) for i in ids) + 49
    print(
        f"memory per LineItem: {per_line:.0f} bytes (object only; codes, Money, date and id "
        f"shared); + ~{id_bytes:.0f} bytes for its own id str, + 48 for its own Money"
    )
    del lines
    return per_line


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


def bench_construction(n: int, repeat: int) -> float:
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

    floor_times, line_times = [], []
    for _ in range(repeat):  # interleaved: both see the same machine noise
        floor_times.append(best_of(lambda: build(PlainLine), 1))
        line_times.append(best_of(lambda: build(LineItem), 1))
    f, t = min(floor_times), min(line_times)
    print(f"LineItem construction:      {t / n * 1e6:6.2f} us/line")
    print(f"plain slotted object floor: {f / n * 1e6:6.2f} us/line")
    print(f"ratio LineItem / floor:     {t / f:.2f}x (best times)")
    return t / f


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    args = parser.parse_args()
    n = 100_000 if args.quick else 1_000_000
    repeat = 3 if args.quick else 5
    bench_bill_total(n, repeat)
    bench_validate(50, 5_000, repeat)
    bench_memory(10_000 if args.quick else 100_000)
    bench_construction(20_000 if args.quick else 100_000, repeat)


if __name__ == "__main__":
    main()
