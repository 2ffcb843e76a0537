"""Helpers of the FHIR tests: validation with fhir.resources R4B, loss-aware comparisons."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from billing_core.fhir import LossReport

NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"

# What the corpus Claims refer to and do not contain: written for these tests
# (two NPIs with valid check digits, worked out by hand with the Luhn rule on
# the prefix 80840).
SUPPLIED: list[dict[str, Any]] = [
    {
        "resourceType": "Coverage",
        "id": "9876B1",
        "status": "active",
        "subscriberId": "AB9876",
        "beneficiary": {"reference": "Patient/1"},
        "relationship": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship",
                    "code": "self",
                }
            ]
        },
        "payor": [{"reference": "Organization/2"}],
        "order": 1,
    },
    {"resourceType": "Organization", "id": "2", "name": "Happy Valley Insurance"},
    {
        "resourceType": "Organization",
        "id": "1",
        "identifier": [{"system": NPI_SYSTEM, "value": "1234567893"}],
        "name": "Happy Valley Clinic",
    },
    {
        "resourceType": "Practitioner",
        "id": "example",
        "identifier": [{"system": NPI_SYSTEM, "value": "1245319599"}],
        "name": [{"text": "Dr Adam Careful"}],
    },
]


def validate_r4(resource: dict[str, Any]) -> None:
    """Raise unless fhir.resources' R4B model of the resource accepts it."""
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def _lost(path: str, lost: frozenset[str]) -> bool:
    return any(path == p or path.startswith((p + ".", p + "[")) for p in lost)


def missing_from(source: Any, written: Any, lost: frozenset[str], path: str) -> list[str]:
    """The paths of ``source`` not kept in ``written``, leaving out those ``lost`` names.

    Objects: every key of ``source`` must be in ``written`` (which may have
    more); lists: item by item; numbers compare as exact decimals.
    """
    if _lost(path, lost):
        return []
    if isinstance(source, dict):
        if not isinstance(written, dict):
            return [path]
        out: list[str] = []
        for key, value in source.items():
            if key in written:
                out.extend(missing_from(value, written[key], lost, f"{path}.{key}"))
            elif isinstance(value, dict | list):  # absent: each part must be lost
                out.extend(missing_from(value, type(value)(), lost, f"{path}.{key}"))
            elif not _lost(f"{path}.{key}", lost):
                out.append(f"{path}.{key}")
        return out
    if isinstance(source, list):
        if not isinstance(written, list):
            return [path]
        out = []
        for index, value in enumerate(source):
            item_path = f"{path}[{index}]"
            if index >= len(written):
                out.extend([] if _lost(item_path, lost) else [item_path])
            else:
                out.extend(missing_from(value, written[index], lost, item_path))
        return out
    if isinstance(source, int | float | Decimal) and not isinstance(source, bool):
        same = isinstance(written, int | float | Decimal) and Decimal(str(source)) == Decimal(
            str(written)
        )
        return [] if same else [path]
    return [] if source == written else [path]


_DECIMAL_FIELDS = frozenset({"coinsurance_rate", "unit_price", "units", "quantity"})


def canonical(data: Any) -> Any:
    """A dict form with each decimal field as its normalised value (``"0.20"`` is ``"0.2"``)."""
    if isinstance(data, dict):
        return {k: _number(v) if k in _DECIMAL_FIELDS else canonical(v) for k, v in data.items()}
    if isinstance(data, list):
        return [canonical(v) for v in data]
    return data


def _number(value: Any) -> Any:
    if isinstance(value, str):
        return str(Decimal(value).normalize())
    if isinstance(value, int) and not isinstance(value, bool):
        return str(Decimal(value).normalize())
    return canonical(value)


_STEP = re.compile(r"\.?([A-Za-z_]+)|\[(\d+)\]")


def without(data: Any, report: LossReport, root: str) -> Any:
    """``data`` (a dict form of ours) without the fields the report says were lost."""
    out = data
    for loss in report.lost:
        if not loss.path.startswith(root):
            continue
        steps = [
            int(index) if index else name for name, index in _STEP.findall(loss.path[len(root) :])
        ]
        out = _drop(out, steps)
    return out


def _drop(value: Any, steps: list[Any]) -> Any:
    if not steps:
        return "<lost>"
    head, rest = steps[0], steps[1:]
    if isinstance(value, dict) and head in value:
        return {**value, head: _drop(value[head], rest)}
    if isinstance(value, list) and isinstance(head, int) and head < len(value):
        return [_drop(v, rest) if i == head else v for i, v in enumerate(value)]
    return value
