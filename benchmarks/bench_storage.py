"""Storage and serialization benchmarks: entries per second through the stores, JSON cost.

Run: ``.venv/bin/python benchmarks/bench_storage.py [--quick]``.

- Append then read back N ledger entries (batches of 100) through the in-memory
  reference store and through the SQLite example adapter (WAL, one file).
- Serialization cost per entry (``to_json``) as a ratio against ``json.dumps``
  of an equivalent plain dict, measured in the same run (target: within 3x).
"""

from __future__ import annotations

import datetime
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import best_time, header, report

from billing_core.ledger import Bucket, ChargePosted, Entry
from billing_core.money import Money
from billing_core.serialization import from_json, to_json
from billing_core.testing.memory import InMemoryStore

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


def _load_sqlite() -> Any:
    path = Path(__file__).resolve().parents[1] / "docs" / "examples" / "sqlite_store.py"
    spec = importlib.util.spec_from_file_location("sqlite_store_example", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.SQLiteStore


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


def main() -> None:
    quick = "--quick" in sys.argv
    n = 10_000 if quick else 100_000
    entries = _entries(n)

    print(f"\n### storage: {n:,} entries, batches of {BATCH}\n")
    for name, make in (("in-memory", InMemoryStore), ("sqlite (WAL)", None)):
        with tempfile.TemporaryDirectory() as tmp:
            store = make() if make else _load_sqlite()(Path(tmp) / "bench.db")
            appended, read = _through(store, entries)
            rates = f"append {n / appended:12,.0f} entries/s   read {n / read:12,.0f} entries/s"
            print(f"{name:<14} {rates}")

    sample = entries[: min(n, 20_000)]
    plain = [_plain(e) for e in sample]  # type: ignore[arg-type]
    header(f"serialization: {len(sample):,} entries")
    floor = best_time(
        lambda: [json.dumps(d, sort_keys=True, separators=(",", ":")) for d in plain], repeat=3
    )
    report("json.dumps of an equivalent plain dict (floor)", floor, len(sample), None)
    dumped = best_time(lambda: [to_json(e) for e in sample], repeat=3)
    report("to_json(entry)", dumped, len(sample), floor, "within 3x")
    texts = [to_json(e) for e in sample]
    loaded_floor = best_time(lambda: [json.loads(t) for t in texts], repeat=3)
    report("json.loads of the same text (floor)", loaded_floor, len(sample), None)
    loaded = best_time(lambda: [from_json(t) for t in texts], repeat=3)
    report("from_json(text) (validating load)", loaded, len(sample), loaded_floor)


if __name__ == "__main__":
    main()
