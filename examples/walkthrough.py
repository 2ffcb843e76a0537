"""The billing story end to end, told with billing_core.

Run it with ``make demo``. Each step prints what a billing office would see.
"""

from __future__ import annotations

from decimal import Decimal

from billing_core import (
    Money,
    RoundingMode,
    allocate,
    format_money,
    price_line,
    split,
    total,
)


def section(title: str) -> None:
    """Print a step heading."""
    print(f"\n== {title} ==")


def main() -> None:
    """Run the walkthrough."""
    section("1. Price the services rendered")
    lines = {
        "office visit (99213)": Money("125.00", "USD"),
        "drug, 2.5 mL at $18.4567/mL": price_line(Decimal("2.5"), Decimal("18.4567"), "USD"),
        "room, 1 day at $850": price_line(1, Decimal("850"), "USD"),
        "ambulance mileage, 12.4 mi at $7.25": price_line(Decimal("12.4"), Decimal("7.25"), "USD"),
    }
    for name, charge in lines.items():
        print(f"  {name:<40} {format_money(charge):>12}")
    bill_total = total(lines.values(), "USD")
    print(f"  {'total':<40} {format_money(bill_total):>12}")

    section("2. Patient share at 20% coinsurance (rounded once, half-up)")
    share = bill_total.multiply(Decimal("0.2"), rounding=RoundingMode.HALF_UP)
    print(f"  patient owes {format_money(share)}")

    section("3. Split a $500.00 payment across the lines by charge")
    payment = Money("500.00", "USD")
    parts = allocate(payment, [c.minor for c in lines.values()])
    for name, part in zip(lines, parts, strict=True):
        print(f"  {name:<40} {format_money(part):>12}")
    assert total(parts) == payment, "allocation must conserve every cent"
    print(f"  {'applied':<40} {format_money(total(parts)):>12}")

    section("4. Three monthly instalments for the patient share")
    for n, part in enumerate(split(share, 3), start=1):
        print(f"  instalment {n}: {format_money(part)}")


if __name__ == "__main__":
    main()
