"""Storage and serialization benchmarks: entries per second through the stores, JSON cost.

Run: ``.venv/bin/python benchmarks/bench_storage.py [--quick]``.

- Append then read back N ledger entries (batches of 100) through the in-memory
  reference store and through the SQLite example adapter (WAL, one file).
- Serialization cost per entry (``to_json``) as a ratio against ``json.dumps``
  of an equivalent plain dict, measured in the same run (target: within 3x).
- Writers racing on one account through ``post_payment`` on SQLite (8 writers x
  15 payments): how many calls run out of attempts with the workflows' backoff,
  and with no waits at all (the same run's floor). Give-ups, not timings.
"""

from __future__ import annotations

import datetime
import json
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # the examples package

from _harness import compare, header, quick_flag, report

from billing_core.allocation import OldestFirst, Payment
from billing_core.errors import ConcurrencyError
from billing_core.ledger import Bucket, ChargePosted, Entry, Party
from billing_core.money import Money
from billing_core.serialization import from_json, to_json
from billing_core.testing.memory import InMemoryStore
from billing_core.workflows import DEFAULT_BACKOFF, Backoff, post_payment
from examples.sqlite_store import SQLiteStore

DAY = datetime.date(2024, 3, 1)
BATCH = 100


def _entries(n: int) -> list[Entry]:
    return [
        ChargePosted(
            id=f"e{i}",
            account_id=f"A{i // 1000}",
            line_id=f"L{i}",
            effective=DAY,
            amount=Money.from_minor(1000 + i, "USD"),
            bucket=Bucket.PATIENT,
        )
        for i in range(n)
    ]


def _plain(e: ChargePosted) -> dict[str, Any]:
    return {
        "type": "charge_posted",
        "schema_version": 1,
        "id": e.id,
        "account_id": e.account_id,
        "line_id": e.line_id,
        "effective": "2024-03-01",
        "amount": {"amount": "10.00", "currency": "USD"},
        "source": {"payment_id": None, "remittance_id": None, "reason": None},
        "bucket": "patient",
    }


def _through(store: Any, entries: list[Entry]) -> tuple[float, float]:
    by_account: dict[str, list[Entry]] = {}
    for e in entries:
        by_account.setdefault(e.account_id, []).append(e)
    start = time.perf_counter()
    for account, items in by_account.items():
        version = 0
        for k in range(0, len(items), BATCH):
            version = store.append(account, items[k : k + BATCH], version, f"{account}:{k}").version
    appended = time.perf_counter() - start
    start = time.perf_counter()
    total = sum(len(store.read(account)[0]) for account in by_account)
    read = time.perf_counter() - start
    assert total == len(entries)
    return appended, read


def _race(backoff: Backoff, writers: int = 8, each: int = 15) -> tuple[int, int, float]:
    """Writers posting payments to one SQLite account: (calls, give-ups, mean attempts)."""
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(Path(tmp) / "race.db")
        lines = [
            ChargePosted(
                id=f"c{i}",
                account_id="A1",
                line_id=f"L{i}",
                effective=DAY,
                amount=Money("1000.00", "USD"),
                bucket=Bucket.PATIENT,
            )
            for i in range(5)
        ]
        store.append("A1", lines, 0, "charges")
        dates = {f"L{i}": DAY for i in range(5)}
        gave_up, attempts, lock = [0], [0], threading.Lock()
        barrier = threading.Barrier(writers)

        def work(w: int) -> None:
            barrier.wait()
            for n in range(each):
                pay = Payment(
                    id=f"P{w}-{n}",
                    account_id="A1",
                    party=Party.patient("P1"),
                    amount=Money("1.00", "USD"),
                    received=DAY,
                )
                try:
                    result = post_payment(
                        store, pay, OldestFirst(), service_dates=dates, backoff=backoff
                    )
                    with lock:
                        attempts[0] += result.attempts
                except ConcurrencyError:
                    with lock:
                        gave_up[0] += 1

        threads = [threading.Thread(target=work, args=(w,)) for w in range(writers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        done = writers * each - gave_up[0]
        return writers * each, gave_up[0], attempts[0] / max(done, 1)


def main(quick: bool = False) -> None:
    n = 10_000 if quick else 100_000
    entries = _entries(n)

    print(f"\n### storage: {n:,} entries, batches of {BATCH}\n")
    for name, make in (("in-memory", InMemoryStore), ("sqlite (WAL)", None)):
        with tempfile.TemporaryDirectory() as tmp:
            store = make() if make else SQLiteStore(Path(tmp) / "bench.db")
            appended, read = _through(store, entries)
            rates = f"append {n / appended:12,.0f} entries/s   read {n / read:12,.0f} entries/s"
            print(f"{name:<14} {rates}")

    sample = entries[: min(n, 20_000)]
    plain = [_plain(e) for e in sample]  # type: ignore[arg-type]
    texts = [to_json(e) for e in sample]
    times = compare(
        {
            "dumps": lambda: [json.dumps(d, sort_keys=True, separators=(",", ":")) for d in plain],
            "to_json": lambda: [to_json(e) for e in sample],
            "loads": lambda: [json.loads(t) for t in texts],
            "from_json": lambda: [from_json(t) for t in texts],
        },
        rounds=3,
    )
    header(f"serialization: {len(sample):,} entries")
    report("json.dumps of an equivalent plain dict (floor)", times["dumps"], len(sample), None)
    report("to_json(entry)", times["to_json"], len(sample), times["dumps"], "within 3x")
    report("json.loads of the same text (floor)", times["loads"], len(sample), None)
    report("from_json(text) (validating load)", times["from_json"], len(sample), times["loads"])

    runs = 2 if quick else 5
    print(f"\n### workflows: 8 writers x 15 payments on one SQLite account, {runs} runs\n")
    no_wait = Backoff(first_delay=0, max_delay=0, max_total_wait=0)
    for name, backoff in (("no waits (floor)", no_wait), ("default backoff", DEFAULT_BACKOFF)):
        races = [_race(backoff) for _ in range(runs)]
        calls = sum(r[0] for r in races)
        gave_up = sum(r[1] for r in races)
        mean = sum(r[2] for r in races) / runs
        print(f"{name:<18} gave up {gave_up:4} of {calls} calls   mean attempts {mean:.2f}")


if __name__ == "__main__":
    main(quick=quick_flag(__doc__))
