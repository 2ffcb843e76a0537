"""Benchmark: the frames kernels against the object functions on the same ledger, same run.

A synthetic ledger (about nine entries per account: two lines, payer and
patient payments, CO and PR adjustments, a reversal on every fifth account)
is generated as columns; the object path gets the same entries through
``from_arrow``. Each operation is timed for the object function, the kernel
(on a frame checked once with ``check_entry_table``) and a plain-Python floor
over tuples of the same data (the honest hand-written loop for the main
figure), interleaved round by round, garbage collection on. Conversions and
the check are reported apart. The object ``line_balances`` builds a line's
amounts when a field is first read, so its main row reads every figure of
every line (what the kernel's rows hold); a second row times it unread.
Targets (issue 15): kernels at least 10x faster than the object path for aging
and account balances, 30x for line balances.

Then, on Dask: a larger dataset written as Parquet partitions and run on a
``LocalCluster`` of 2 workers (1 thread each): wall time per kernel and the
peak resident memory of each worker.

Run: ``.venv/bin/python benchmarks/bench_frames.py [--quick] [--rows N] [--dask-rows N]``
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import time
from bisect import bisect_left
from datetime import date, timedelta
from typing import Any

import polars as pl
from _harness import compare

from billing_core import aging, balances, frames, kpis
from billing_core.frames import dask as on_dask

AS_OF = date(2025, 1, 31)
TARGETS = {
    "line balances": 30.0,
    "line balances, object fields unread": 0.0,
    "account balances": 10.0,
    "aging": 10.0,
    "KPIs": 0.0,
}
FIGURES = (
    "charged",
    "paid_by_party",
    "paid_by_bucket",
    "adjusted_by_group",
    "written_off_by_reason",
    "transferred_out",
    "transferred_in",
    "open",
)


def _every_figure(result: Any) -> int:
    """Read every figure of every line, as the kernel computes every figure of every line.

    The object ``line_balances`` builds a line's amounts when a field is first
    read; the kernel's rows hold them all, so the like-for-like object time
    includes reading them (the row after shows the object result unread).
    """
    read = 0
    for balance in result.values():
        for name in FIGURES:
            getattr(balance, name)
            read += 1
    return read


def _rows(base: pl.DataFrame, kind: str, suffix: str, **cols: Any) -> pl.DataFrame:
    """One template entry per account, every schema column present."""
    names = frames.ENTRY_SCHEMA.names
    values: dict[str, Any] = {name: pl.lit(None, _DTYPES[name]) for name in names}
    values.update(entry_type=pl.lit(kind), id=pl.col("acct") + suffix, account_id=pl.col("acct"),
                  currency=pl.lit("USD"))  # fmt: skip
    values.update(cols)
    return base.select([values[n].cast(_DTYPES[n]).alias(n) for n in names])


_DTYPES: dict[str, Any] = {
    f.name: pl.Date if str(f.type).startswith("date") else pl.Int64 if str(f.type) == "int64"
    else pl.String
    for f in frames.ENTRY_SCHEMA
}  # fmt: skip


def synthetic_ledger(accounts: int, seed: int = 7) -> pl.DataFrame:
    """About nine valid entries per account, as columns (no objects built)."""
    i = pl.col("i")
    base = pl.DataFrame({"i": pl.int_range(accounts, eager=True)}).with_columns(
        acct=pl.format("A{}", i.cast(pl.String).str.zfill(8)),
        day=pl.lit(date(2023, 1, 1)) + pl.duration(days=(i.hash(seed) % 700).cast(pl.Int64)),
        c1=(5_000 + i.hash(seed + 1) % 200_000).cast(pl.Int64),
        c2=(1_000 + i.hash(seed + 2) % 50_000).cast(pl.Int64),
    )
    days = lambda n: pl.col("day") + pl.duration(days=n)  # noqa: E731
    l1, l2 = pl.col("acct") + "-L1", pl.col("acct") + "-L2"
    paid, co = pl.col("c1") * 6 // 10, pl.col("c1") * 3 // 10
    pr = pl.col("c1") - paid - co
    payer = {"party_kind": pl.lit("payer"), "party_id": pl.lit("AETNA")}
    patient = {"party_kind": pl.lit("patient"), "party_id": pl.col("acct")}
    parts = [
        _rows(base, "charge_posted", "-c1", line_id=l1, effective=pl.col("day"),
              amount_minor=pl.col("c1"), bucket=pl.lit("primary")),
        _rows(base, "charge_posted", "-c2", line_id=l2, effective=days(5),
              amount_minor=pl.col("c2"), bucket=pl.lit("patient")),
        _rows(base, "payment_received", "-p1", effective=days(20), amount_minor=paid, **payer),
        _rows(base, "payment_applied", "-a1", line_id=l1, effective=days(20), amount_minor=paid,
              bucket=pl.lit("primary"), **payer),
        _rows(base, "adjustment", "-j1", line_id=l1, effective=days(20), amount_minor=co,
              bucket=pl.lit("primary"), group=pl.lit("CO"), reason=pl.lit("45")),
        _rows(base, "adjustment", "-j2", line_id=l1, effective=days(20), amount_minor=pr,
              bucket=pl.lit("primary"), group=pl.lit("PR"), reason=pl.lit("2"),
              to_bucket=pl.lit("patient")),
        _rows(base, "payment_received", "-p2", effective=days(40),
              amount_minor=pl.col("c2") // 2, **patient),
        _rows(base, "payment_applied", "-a2", line_id=l2, effective=days(40),
              amount_minor=pl.col("c2") // 2, bucket=pl.lit("patient"), **patient),
        _rows(base.filter(i % 5 == 0), "reversal", "-r1", line_id=l1, effective=days(25),
              amount_minor=-co, bucket=pl.lit("primary"), group=pl.lit("CO"), reason=pl.lit("45"),
              reverses=pl.col("acct") + "-j1", original_type=pl.lit("adjustment"),
              original_effective=days(20)),
    ]  # fmt: skip
    return pl.concat(parts).sort("account_id", "effective", maintain_order=True)


def _floor_lines(rows: list[tuple[Any, ...]]) -> dict[tuple[str, str], int]:
    """Open per line and bucket from (line, kind, bucket, to_bucket, amount) tuples."""
    out: dict[tuple[str, str], int] = {}
    for line, kind, bucket, to, m in rows:
        if line is None:
            continue
        if kind == "charge_posted":
            out[(line, bucket)] = out.get((line, bucket), 0) + m
        else:
            out[(line, bucket)] = out.get((line, bucket), 0) - m
            if to is not None:
                out[(line, to)] = out.get((line, to), 0) + m
    return out


def _floor_accounts(rows: list[tuple[Any, ...]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for account, kind, m in rows:
        if kind != "payment_received":
            out[account] = out.get(account, 0) + (m if kind == "charge_posted" else -m)
    return out


def _floor_aging(lines: list[tuple[date, int]], edges: tuple[int, ...]) -> list[int]:
    totals = [0] * (len(edges) + 1)
    for service, m in lines:
        if m > 0:
            totals[bisect_left(edges, (AS_OF - service).days)] += m
    return totals


def object_against_kernel(accounts: int, rounds: int) -> None:
    frame = synthetic_ledger(accounts)
    table = frame.to_arrow()
    n = table.num_rows
    print(f"\n### {n:,} entries ({accounts:,} accounts)\n")
    t0 = time.perf_counter()
    entries = frames.from_arrow(table)
    to_objects = time.perf_counter() - t0
    t0 = time.perf_counter()
    frames.to_arrow(entries)
    to_columns = time.perf_counter() - t0
    t0 = time.perf_counter()
    checked = frames.check_entry_table(table)
    check = time.perf_counter() - t0
    print("| conversion | seconds | per entry |\n|---|---:|---:|")
    for name, s in (("columns -> objects (from_arrow)", to_objects),
                    ("objects -> columns (to_arrow)", to_columns),
                    ("check_entry_table (once per table)", check)):  # fmt: skip
        print(f"| {name} | {s:.2f} | {s / n * 1e9:,.0f} ns |")

    line_rows = checked.select("line_id", "entry_type", "bucket", "to_bucket", "amount_minor")
    line_rows = line_rows.rows()
    acct_rows = checked.select("account_id", "entry_type", "amount_minor").rows()
    open_rows = [(line.service_date, line.open.minor) for line in aging.open_lines(entries, AS_OF)]
    start = AS_OF - timedelta(days=90)
    ops = {
        "line balances": {
            "object": lambda: _every_figure(balances.line_balances(entries, AS_OF)),
            "kernel": lambda: frames.line_balances(checked, AS_OF),
            "floor": lambda: _floor_lines(line_rows),
        },
        "line balances, object fields unread": {
            "object": lambda: balances.line_balances(entries, AS_OF),
            "kernel": lambda: frames.line_balances(checked, AS_OF),
            "floor": lambda: _floor_lines(line_rows),
        },
        "account balances": {
            "object": lambda: balances.account_balances(entries, AS_OF),
            "kernel": lambda: frames.account_balances(checked, AS_OF),
            "floor": lambda: _floor_accounts(acct_rows),
        },
        "aging": {
            "object": lambda: aging.age(entries, AS_OF),
            "kernel": lambda: frames.age(checked, AS_OF),
            "floor": lambda: _floor_aging(open_rows, aging.DEFAULT_EDGES),
        },
        "KPIs": {
            "object": lambda: kpis.period_kpis(entries, start, AS_OF),
            "kernel": lambda: frames.period_kpis(checked, start, AS_OF),
            "floor": lambda: _floor_aging(open_rows, (90, 120)),
        },
    }
    print("\n| operation | object | kernel | floor | object / kernel | target | |")
    print("|---|---:|---:|---:|---:|---|---|")
    for name, contenders in ops.items():
        best = compare(contenders, rounds=rounds, clock=time.perf_counter)
        speedup = best["object"] / best["kernel"]
        target = TARGETS[name]
        wanted = f">= {target:.0f}x" if target else "-"
        mark = ("PASS" if speedup >= target else "FAIL") if target else ""
        print(f"| {name} | {best['object']:.3f} s | {best['kernel']:.3f} s |"
              f" {best['floor']:.3f} s | {speedup:.1f}x | {wanted} | {mark} |")  # fmt: skip


def _peak_rss_mb() -> float:
    """This process's peak resident memory so far (VmHWM: ru_maxrss counts a fork's parent)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def on_cluster(accounts: int, partitions: int) -> None:
    import distributed

    frame = synthetic_ledger(accounts)
    n = frame.height
    print(f"\n### Dask: {n:,} entries, {partitions} partitions, LocalCluster of 2 workers\n")
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        root = frames.write_dataset(frame, tmp, partitions=partitions)
        print(f"write_dataset (checked, partitioned): {time.perf_counter() - t0:.1f} s\n")
        del frame
        gc.collect()
        cluster = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            memory_limit="10GiB",
        )
        with distributed.Client(cluster) as client:
            print("| kernel | wall time | peak memory per worker, so far |\n|---|---:|---|")
            runs = {
                "account_balances": lambda: on_dask.account_balances(root, AS_OF, client=client),
                "line_balances": lambda: on_dask.line_balances(root, AS_OF, client=client),
                "age": lambda: on_dask.age(root, AS_OF, client=client),
                "kpi_inputs": lambda: on_dask.kpi_inputs(
                    root, date(2024, 11, 1), AS_OF, client=client
                ),
            }
            for name, run in runs.items():
                seconds = compare({name: run}, rounds=1, clock=time.perf_counter)[name]
                peaks = client.run(_peak_rss_mb)
                shown = ", ".join(f"{mb:,.0f} MB" for mb in peaks.values())
                print(f"| {name} | {seconds:.1f} s | {shown} |")
        cluster.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller inputs")
    parser.add_argument("--rows", type=int, default=None, help="entries for the comparison")
    parser.add_argument("--dask-rows", type=int, default=None, help="entries on Dask")
    parser.add_argument("--only", choices=["compare", "dask"], help="run one part only")
    args = parser.parse_args()
    rows = args.rows or (100_000 if args.quick else 1_000_000)
    dask_rows = args.dask_rows or (1_000_000 if args.quick else 10_000_000)
    if args.only != "dask":
        object_against_kernel(max(1, rows // 9), rounds=3)
    if args.only != "compare":
        on_cluster(max(1, dask_rows // 9), partitions=8 if args.quick else 32)
    return 0


if __name__ == "__main__":
    sys.exit(main())
