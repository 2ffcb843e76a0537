"""Errors with paths, and bounded JSON text parsing, for the loader (private; edges layer).

[`findings`][billing_core._load.findings] turns whatever structuring raised
(cattrs' grouped errors, the hooks' [`ProblemsError`][billing_core._wire.ProblemsError],
the library's own errors, anything else) into located
[`Finding`][billing_core.errors.Finding] objects; [`parse_json`][billing_core._load.parse_json]
reads JSON text refusing duplicate keys and nesting too deep to parse.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any, Final

from cattrs.errors import (
    AttributeValidationNote,
    BaseValidationError,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationNote,
)

from billing_core._checks import PROTECTED_FIELDS, describe, is_protected
from billing_core._wire import TYPE_KEY, Bad, ProblemsError, key_text
from billing_core.errors import BillingError, Finding, ValidationError

RULE: Final = "serialization"
_MAX_MESSAGE: Final = 300
_MAX_NODES: Final = 200_000


def fail(location: str, message: str) -> ValidationError:
    """The loader's error with one finding."""
    return ValidationError([Finding(location=location, message=message, rule=RULE)])


def _bounded(message: str) -> str:
    # A message built by code outside the loader may quote its input at length.
    return message if len(message) <= _MAX_MESSAGE else f"{message[:_MAX_MESSAGE]}... (cut short)"


def _foreign(exc: BaseException, path: str, field: str | None, owner: str | None) -> Finding:
    if is_protected(field, owner):
        message = (
            f"is not valid ({type(exc).__name__}; value not shown: protected health information)"
        )
    else:
        message = _bounded(str(exc) or type(exc).__name__)
    return Finding(location=path, message=message, rule=RULE)


def _note_path(sub_exc: BaseException, path: str, field: str | None) -> tuple[str, str | None]:
    for note in getattr(sub_exc, "__notes__", ()):
        if isinstance(note, AttributeValidationNote):
            return f"{path}.{note.name}", note.name
        if isinstance(note, IterableValidationNote):
            return f"{path}[{note.index!r}]", field  # items of a protected list stay protected
    return path, field


def findings(
    exc: BaseException, path: str, field: str | None = None, owner: str | None = None
) -> list[Finding]:
    """Every problem in ``exc``, located under ``path`` (``$`` for the top level).

    ``field`` and ``owner`` name the field being loaded and its class, so that a
    protected field's value never reaches a message.
    """
    if isinstance(exc, ProblemsError):
        out: list[Finding] = []
        for sub, item in exc.items:
            sub_field = sub[1:] if sub.startswith(".") else field
            if isinstance(item, BaseException):
                out.extend(findings(item, path + sub, sub_field, owner))
            elif isinstance(item, Bad):
                message = item.render(sub_field, owner)
                out.append(Finding(location=path + sub, message=message, rule=RULE))
            else:
                out.append(Finding(location=path + sub, message=_bounded(item), rule=RULE))
        return out
    if isinstance(exc, ClassValidationError):
        return _class_findings(exc, path, field, owner)
    if isinstance(exc, ForbiddenExtraKeysError):
        return [
            Finding(location=f"{path}.{key_text(key)}", message="unknown field", rule=RULE)
            for key in sorted(exc.extra_fields, key=str)
        ]
    if isinstance(exc, ValidationError):
        return [
            Finding(
                location=path, message=_bounded(str(f)), severity=f.severity, rule=f.rule or RULE
            )
            for f in exc.findings
        ]
    if isinstance(exc, BaseValidationError):  # another cattrs group (an iterable's items)
        out = []
        for sub_exc in exc.exceptions:
            sub_path, sub_field = _note_path(sub_exc, path, field)
            out.extend(findings(sub_exc, sub_path, sub_field, owner))
        return out
    return [_foreign(exc, path, field, owner)]


def _class_findings(
    exc: ClassValidationError, path: str, field: str | None, owner: str | None
) -> list[Finding]:
    cls = getattr(exc, "cl", None)
    inner_owner = cls.__name__ if isinstance(cls, type) else owner
    out: list[Finding] = []
    for sub_exc in exc.exceptions:
        sub_path, sub_field = _note_path(sub_exc, path, field)
        if isinstance(sub_exc, KeyError) and not isinstance(sub_exc, BillingError):
            out.append(Finding(location=sub_path, message="required field missing", rule=RULE))
        else:
            out.extend(findings(sub_exc, sub_path, sub_field, inner_owner))
    return out


# --------------------------------------------------------------------------- protected values


def _nodes(data: object) -> Iterator[tuple[object, Mapping[Any, Any] | None, object]]:
    """``(key, owning mapping, value)`` of every node, breadth first, at most a fixed count."""
    queue: list[tuple[object, Mapping[Any, Any] | None, object]] = [(None, None, data)]
    seen = 0
    while queue and seen < _MAX_NODES:
        key, parent, value = queue.pop()
        seen += 1
        yield key, parent, value
        if isinstance(value, Mapping):
            queue.extend((k, value, v) for k, v in value.items())
        elif isinstance(value, list | tuple):
            queue.extend((key, parent, v) for v in value)


def _owner_of(parent: Mapping[Any, Any] | None) -> str | None:
    if parent is None:
        return None
    tag = parent.get(TYPE_KEY)
    if tag == "patient" or tag == "guarantor":
        return str(tag).capitalize()
    if parent.get("kind") in ("patient", "guarantor"):
        return "Party"
    return None


_PRINTABLE_INT_BITS = 4000  # about 1,200 digits, well under the interpreter's 4,300


def protected_texts(data: object) -> set[str]:
    """The texts of every value held by a protected field of ``data`` (4 characters or more)."""
    texts: set[str] = set()
    for key, parent, value in _nodes(data):
        if not isinstance(key, str) or isinstance(value, Mapping | list | tuple):
            continue
        if key in PROTECTED_FIELDS or is_protected(key, _owner_of(parent)):
            # An int too long to print (over Python's digit limit) is never quoted either.
            printable = type(value) is int and value.bit_length() <= _PRINTABLE_INT_BITS
            text = value if isinstance(value, str) else repr(value) if printable else ""
            if len(text) >= 4:
                texts.add(text)
    return texts


def scrub(found: list[Finding], texts: set[str]) -> list[Finding]:
    """``found`` with every protected text replaced, wherever a message quotes one.

    The loader's own messages never quote a protected value; this catches a
    constructor's message that does (say, a birth date in the future).
    """
    if not texts:
        return found
    out = []
    for finding in found:
        message = finding.message
        for text in texts:
            if text in message:
                message = message.replace(text, "<protected>")
        out.append(finding if message == finding.message else _with_message(finding, message))
    return out


def _with_message(finding: Finding, message: str) -> Finding:
    return Finding(
        location=finding.location, message=message, severity=finding.severity, rule=finding.rule
    )


# --------------------------------------------------------------------------- JSON text


def parse_json(text: object) -> object:
    """The value of JSON ``text``; duplicate keys and unreadable text raise ValidationError."""
    if not isinstance(text, str | bytes | bytearray):
        raise fail("$", f"must be JSON text (str or bytes), got {describe(text)}")
    duplicated: list[tuple[dict[Any, Any], list[str]]] = []

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            counts = Counter(k for k, _ in pairs)
            duplicated.append((obj, [k for k, n in counts.items() if n > 1]))
        return obj

    try:
        data = json.loads(text, object_pairs_hook=pairs_hook)
    except RecursionError:
        raise fail("$", "not valid JSON: nested too deeply") from None
    except ValueError as exc:
        raise fail("$", _bounded(f"not valid JSON: {exc}")) from None
    if duplicated:
        raise ValidationError(_duplicate_findings(data, duplicated))
    return data


def _duplicate_findings(
    data: object, duplicated: list[tuple[dict[Any, Any], list[str]]]
) -> list[Finding]:
    # Which key wins is the parser's accident ("5.00" then "5000.00" would load
    # 5000.00), so duplicates are refused, each located by its path.
    wanted = {id(obj): keys for obj, keys in duplicated}
    out: list[Finding] = []
    stack: list[tuple[str, object]] = [("$", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            for key in wanted.pop(id(value), ()):
                out.append(
                    Finding(
                        location=f"{path}.{key_text(key)}",
                        message="duplicate key: an object may name a field only once",
                        rule=RULE,
                    )
                )
            stack.extend((f"{path}.{key_text(k)}", v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", v) for i, v in enumerate(value))
    # An object lost under an overwritten duplicate has no path left: say so at the top.
    out.extend(
        Finding(
            location="$", message=f"duplicate key {key_text(k)!r} in a nested object", rule=RULE
        )
        for keys in wanted.values()
        for k in keys
    )
    return sorted(out, key=lambda f: f.location)
