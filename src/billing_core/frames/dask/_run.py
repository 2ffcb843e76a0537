"""Running the kernels per partition of a Parquet ledger dataset on Dask (private).

One task per partition reads that partition's files, runs a kernel of
[`frames`][billing_core.frames] on it and returns a polars frame (and, with
``persist_to``, writes it to Parquet from the worker). Then the results are
combined: per-account results are concatenated (an account sits in one
partition), totals are added (aging by party and overall, KPI inputs).

The scheduler is whatever the caller gives: a ``distributed.Client`` (a
``LocalCluster``'s, or one connected to a real scheduler), a scheduler
address (a client is made for the run and closed after), or nothing (Dask's
local threaded scheduler; polars releases the GIL). There is no process pool
of billing_core's own.

Examples:
    >>> sorted(KERNELS)
    ['account_balances', 'age', 'credits', 'kpi_inputs', 'line_balances', 'open_lines', \
'statement_candidates']
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from billing_core._checks import describe
from billing_core.errors import NotFoundError
from billing_core.frames import (
    AgingFrames,
    account_balances,
    age,
    credits,
    dataset_partitions,
    kpi_inputs,
    line_balances,
    open_lines,
    read_dataset,
    statement_candidates,
)
from billing_core.frames._deps import missing_extra

try:
    # Typed as Any: dask's and distributed's own annotations are partial.
    dask: Any = importlib.import_module("dask")
    distributed: Any = importlib.import_module("distributed")
    _callbacks: Any = importlib.import_module("dask.callbacks")
    _diagnostics: Any = importlib.import_module("dask.diagnostics")
except ImportError as exc:  # pragma: no cover - the dev venv installs every extra
    raise missing_extra("dask", "dask and distributed", exc) from exc

__all__ = ["KERNELS", "Progress", "map_partitions"]

KERNELS: Final[dict[str, Callable[..., Any]]] = {
    "line_balances": line_balances,
    "account_balances": account_balances,
    "credits": credits,
    "open_lines": open_lines,
    "age": age,
    "kpi_inputs": kpi_inputs,
    "statement_candidates": statement_candidates,
}
"""The kernels that run per partition, by name."""

Progress = Callable[[int, int], None]
"""A progress callback: ``progress(done, total)`` after each partition."""


def _task(
    path: str, kernel: str, args: tuple[Any, ...], kwargs: dict[str, Any], persist: str | None
) -> Any:
    """Run one kernel on one partition (on a worker)."""
    result = KERNELS[kernel](read_dataset(path), *args, **kwargs)
    if persist is not None:
        target = Path(persist) / Path(path).name
        target.mkdir(parents=True, exist_ok=True)
        frames = _parts(result)
        for name, frame in frames.items():
            frame.write_parquet(target / f"{name}.parquet")
    return result


def _parts(result: Any) -> dict[str, Any]:
    if isinstance(result, AgingFrames):
        return {
            n: getattr(result, n) for n in ("detail", "accounts", "parties", "total", "credits")
        }
    return {"result": result}


def _paths(root: str | Path) -> list[str]:
    return [str(p) for p in dataset_partitions(root)]


def _on_client(client: Any, tasks: list[Any], progress: bool | Progress | None) -> list[Any]:
    futures = client.compute(tasks)
    if callable(progress):
        for done, _future in enumerate(distributed.as_completed(futures), start=1):
            progress(done, len(futures))
    elif progress:
        distributed.progress(futures)  # a widget in a notebook, a bar in a terminal
    return list(client.gather(futures))


def _locally(tasks: list[Any], progress: bool | Progress | None) -> list[Any]:
    if callable(progress):
        keys = {t.key for t in tasks}
        done = [0]

        def finished(key: Any, result: Any, dsk: Any, state: Any, worker_id: Any) -> None:
            if key in keys:
                done[0] += 1
                progress(done[0], len(keys))

        with _callbacks.Callback(posttask=finished):
            return list(dask.compute(*tasks, scheduler="threads"))
    if progress:
        with _diagnostics.ProgressBar():
            return list(dask.compute(*tasks, scheduler="threads"))
    return list(dask.compute(*tasks, scheduler="threads"))


def map_partitions(
    root: str | Path,
    kernel: str,
    *args: Any,
    client: Any = None,
    progress: bool | Progress | None = None,
    persist_to: str | Path | None = None,
    **kwargs: Any,
) -> list[Any]:
    """Run a kernel on every partition of a ledger dataset; the results in partition order.

    Args:
        root: A dataset written by [`write_dataset`][billing_core.frames.write_dataset].
        kernel: The kernel's name (see [`KERNELS`][]).
        *args: The kernel's arguments after the table (``as_of``, ...).
        client: A ``distributed.Client``, a scheduler address, or ``None``
            for Dask's local threaded scheduler.
        progress: ``True`` for Dask's own progress display (a widget in a
            notebook, a bar elsewhere), or a ``progress(done, total)`` callback.
        persist_to: A directory: each partition's result is also written
            there by the worker, as ``partition=<k>/<part>.parquet``.
        **kwargs: The kernel's keyword arguments.

    Returns:
        One result per partition that holds data.

    Raises:
        NotFoundError: If ``kernel`` is not a kernel's name, or ``root`` not a dataset.

    Examples:
        >>> import datetime, tempfile
        >>> from billing_core.frames import to_arrow, write_dataset
        >>> root = write_dataset(to_arrow([]), tempfile.mkdtemp())
        >>> map_partitions(root, "line_balances", datetime.date(2025, 1, 1))
        []
    """
    if kernel not in KERNELS:
        raise NotFoundError(f"no kernel {kernel!r:.40}; the kernels are {', '.join(KERNELS)}")
    persist = None if persist_to is None else str(persist_to)
    task = dask.delayed(_task, pure=False)
    tasks = [task(p, kernel, args, kwargs, persist) for p in _paths(root)]
    if not tasks:
        return []
    if client is None:
        return _locally(tasks, progress)
    if isinstance(client, str):
        with distributed.Client(client) as connected:
            return _on_client(connected, tasks, progress)
    if not isinstance(client, distributed.Client):
        raise TypeError(
            f"client must be a distributed.Client, an address or None, got {describe(client)}"
        )
    return _on_client(client, tasks, progress)
