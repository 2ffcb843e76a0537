"""Memory per LineItem and per ledger entry, against plain slotted objects with the same fields.

The field values (ids, dates, amounts, codes) are built first and shared, so
each side counts only what building the object allocates: the library's
object and anything its constructor makes (converted fields, derived values),
against a plain ``__slots__`` object holding the same values. Measured with
``tracemalloc`` over many objects. Target (issue 14): within 1.2x.

Run: ``python benchmarks/bench_memory.py [--quick]``.
"""

from __future__ import annotations

import datetime
import tracemalloc
from collections.abc import Callable, Sequence
from typing import Any

import attrs
from _harness import header, measure_row, quick_flag

from billing_core.charges import Category, LineItem
from billing_core.codes import GroupCode, ProcedureCode
from billing_core.ledger import Adjustment, Bucket, Party, PaymentApplied
from billing_core.money import Money

DAY = datetime.date(2024, 3, 4)


def plain_class(names: Sequence[str]) -> type:
    """A plain slotted class with these fields, set positionally."""

    def init(self: Any, *values: object) -> None:
        for name, value in zip(names, values, strict=True):
            object.__setattr__(self, name, value)

    return type("Plain", (), {"__slots__": tuple(names), "__init__": init})


def bytes_per(build: Callable[[int], object], n: int) -> float:
    """Bytes allocated per object by ``build(i)`` for ``i`` in ``range(n)`` (the list left out)."""
    kept: list[object] = [None] * n
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i in range(n):
        kept[i] = build(i)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / n


def compare_type(name: str, build: Callable[[int], object], n: int) -> None:
    """Measure the library's objects, then plain ones holding the very same field values."""
    ours = [build(i) for i in range(min(n, 10))]  # a warm-up (interned effects, caches)
    library = bytes_per(build, n)
    # The public fields: an entry's cached effect is the library's own (it counts).
    names = [a.name for a in attrs.fields(type(ours[0])) if not a.name.startswith("_")]
    plain = plain_class(names)
    objects = [build(i) for i in range(n)]
    values = [[getattr(o, a) for a in names] for o in objects]
    floor = bytes_per(lambda i: plain(*values[i]), n)
    measure_row(f"plain slotted object, {len(names)} fields", floor, "B", floor, "")
    measure_row(f"{name} (what its constructor allocates)", library, "B", floor, "<= 1.2x")


def main(quick: bool = False) -> None:
    n = 20_000 if quick else 200_000
    ids = [f"L{i}" for i in range(n)]
    amounts = [Money.from_minor(1_000 + i, "USD") for i in range(n)]
    code = ProcedureCode("CPT", "99213")
    payer = Party.payer("acme")
    header(f"Memory per object ({n:,} objects, tracemalloc)", "bytes")
    compare_type(
        "LineItem",
        lambda i: LineItem(
            id=ids[i],
            category=Category.PROCEDURE,
            service_date=DAY,
            procedure=code,
            charge=amounts[i],
        ),
        n,
    )
    compare_type(
        "PaymentApplied",
        lambda i: PaymentApplied(
            id=ids[i],
            account_id="A1",
            line_id=ids[i],
            effective=DAY,
            amount=amounts[i],
            party=payer,
            bucket=Bucket.PRIMARY,
        ),
        n,
    )
    compare_type(
        "Adjustment",
        lambda i: Adjustment(
            id=ids[i],
            account_id="A1",
            line_id=ids[i],
            effective=DAY,
            amount=amounts[i],
            bucket=Bucket.PRIMARY,
            group=GroupCode.CO,
            reason="45",
        ),
        n,
    )


if __name__ == "__main__":
    main(quick=quick_flag(__doc__))
