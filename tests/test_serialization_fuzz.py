"""Fuzz the loader: mutated documents and entries give an object or a ValidationError, quickly.

Each example takes a document or ledger entry from the public strategies,
writes it with ``to_dict``, breaks it at a random place in a random way (a
hostile value, a missing or unknown field, a wrong tag, duplicated JSON keys,
deep nesting) and loads it with ``from_dict`` and ``from_json``. Nothing but a
``BillingError`` may come out, and every load must finish within a generous
time limit (a hang or an exponential blow-up fails the test instead of hanging
the suite).
"""

from __future__ import annotations

import json
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing_core.errors import BillingError
from billing_core.serialization import from_dict, from_json, registered_types, to_dict
from billing_core.testing.strategies import (
    bills,
    claims,
    coverages,
    encounters,
    guarantors,
    ledger_entries,
    line_items,
    patients,
)
from billing_core.testing.strategies.remittance import balanced_remittances

LIMIT_SECONDS = 5  # per load (a load takes milliseconds); the hangs took seconds to forever


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Raise TimeoutError in the block once ``seconds`` have passed."""

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise TimeoutError(f"loading took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _deep(depth: int) -> object:
    value: object = "x"
    for _ in range(depth):
        value = [value]
    return value


# Factories, not values: a mutation may later change a value it inserted.
HOSTILE: list[Callable[[], object]] = [
    lambda: None,
    lambda: True,
    lambda: False,
    lambda: 0,
    lambda: -1,
    lambda: 1.5,
    lambda: float("nan"),
    lambda: 10**30,
    lambda: 10**5000,
    lambda: "",
    lambda: " ",
    lambda: "x" * 100_000,
    lambda: "9" * 100_000,
    lambda: "1e999999999",
    lambda: "0e999999999",
    lambda: "1e-999999999",
    lambda: "NaN",
    lambda: "-Infinity",
    lambda: "\u0661\u0662\u0663",
    lambda: "\uff11\uff12",
    lambda: "1_000",
    lambda: " 1.00",
    lambda: "12.345",
    lambda: "2024-13-45",
    lambda: "1980-05-17T00:00:00",
    lambda: "0/0",
    lambda: "1/0",
    lambda: [],
    lambda: {},
    lambda: [None],
    lambda: {"type": "refund"},
    lambda: {"amount": "1.00"},
    lambda: {"amount": "1e100000000", "currency": "USD"},
    lambda: {"amount": "1.00", "currency": "XXX"},
    lambda: _deep(3000),
    lambda: {"type": _deep(3000)},
]
_MAX_DEPTH = 12  # mutations land in the document, not inside a hostile value

# Values for the top-level type, version and id: the loader reads these before structuring.
TOP_VALUES: list[Callable[[], object]] = [
    lambda: None,
    lambda: True,
    lambda: 10**5000,
    lambda: [],
    lambda: "x" * 1_000_000,
    lambda: _deep(3000),
    lambda: {"type": _deep(3000)},
]

# Amount texts that hung, took seconds, or were accepted although not plain numbers.
AMOUNT_TEXTS: list[str] = [
    "1e100000000",
    "0e999999999",
    "1e-999999999",
    "1e10000000",
    "1" * 4400,
    "1" * 1_000_000,
    "1e4400",
    "\u0661\u0662.\u0663\u0664",
    "\uff11\uff12.\uff13\uff14",
    "1_000.00",
    " 5.00 ",
    "+5.00",
    "sNaN",
    "99999999999999999999.99",
]

_ENTRIES_AND_DOCUMENTS = st.one_of(
    ledger_entries(),
    line_items(),
    bills(),
    claims(),
    encounters(),
    patients(),
    guarantors(),
    coverages(),
    balanced_remittances(),
)


def _places(data: object) -> list[tuple[object, ...]]:
    """Every path into ``data`` (dict keys and list indexes), down to a fixed depth."""
    found: list[tuple[object, ...]] = []
    stack: list[tuple[tuple[object, ...], object]] = [((), data)]
    while stack:
        path, value = stack.pop()
        found.append(path)
        if len(path) >= _MAX_DEPTH:
            continue
        if isinstance(value, dict):
            stack.extend(((*path, k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in enumerate(value))
    return found


def _holder(data: Any, path: tuple[object, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


@st.composite
def mutated_forms(draw: st.DrawFn) -> dict[str, Any]:
    """The dict form of a document or entry, broken at one or more random places."""
    data = to_dict(draw(_ENTRIES_AND_DOCUMENTS))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        places = [p for p in _places(data) if p]
        path = draw(st.sampled_from(places))
        holder = _holder(data, path[:-1])
        last = path[-1]
        action = draw(st.sampled_from(["replace", "delete", "add", "retag", "amount", "top"]))
        amounts = [p for p in places if isinstance(_holder(data, p), dict)]
        amounts = [p for p in amounts if {"amount", "currency"} <= set(_holder(data, p))]
        if action == "amount" and amounts:
            _holder(data, draw(st.sampled_from(amounts)))["amount"] = draw(
                st.sampled_from(AMOUNT_TEXTS)
            )
        elif action == "top":
            key = draw(st.sampled_from(["type", "schema_version", "id"]))
            data[key] = draw(st.sampled_from(TOP_VALUES))()
        elif action == "replace":
            holder[last] = draw(st.sampled_from(HOSTILE))()
        elif action == "delete":
            del holder[last]
        elif action == "add" and isinstance(holder, dict):
            key = draw(st.sampled_from(["colour", "type", "amount", "id", "schema_version"]))
            holder[key] = draw(st.sampled_from(HOSTILE))()
        elif isinstance(holder, dict):
            holder["type"] = draw(st.sampled_from(sorted(registered_types())))
    return data


def _load(load: Any, value: object) -> None:
    try:
        with within(LIMIT_SECONDS):
            load(value)
    except BillingError:
        pass  # refused with the library's error: fine


@settings(max_examples=120, suppress_health_check=list(HealthCheck))
@given(mutated_forms())
def test_mutated_forms_load_or_raise_a_billing_error(data: dict[str, Any]) -> None:
    _load(from_dict, data)
    try:
        text = json.dumps(data)
    except (ValueError, RecursionError):
        return  # not representable as JSON (NaN is, huge ints are; deep nesting is not)
    _load(from_json, text)


@settings(max_examples=60, suppress_health_check=list(HealthCheck))
@given(mutated_forms(), st.data())
def test_mutated_json_text_loads_or_raises_a_billing_error(
    data: dict[str, Any], more: st.DataObject
) -> None:
    try:
        text = json.dumps(data)
    except (ValueError, RecursionError):
        return
    cut = more.draw(st.integers(min_value=0, max_value=len(text)))
    damage = more.draw(
        st.sampled_from(['"', "{", "}", "[", "]", ",", ":", '"amount":"1",', "\ud800", ""])
    )
    _load(from_json, text[:cut] + damage + text[cut:])
    if text.startswith("{") and len(text) > 2:
        _load(from_json, '{"id":"a","id":"b",' + text[1:])  # duplicate keys
    _load(from_json, text.encode("utf-8")[: max(cut, 1)])  # cut short, maybe mid-character
