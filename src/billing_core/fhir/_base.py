"""What every mapping shares: loss reports, the reader's record of what it kept, exact JSON.

A mapping returns a [`Mapped`][billing_core.fhir.Mapped]: the value (a resource
dict, or one of our objects), its [`LossReport`][billing_core.fhir.LossReport],
and, when writing, the resources the value refers to.

Reading walks the input through [`Node`][billing_core.fhir._base.Node]s that
record every element they hand out. An element nobody asked for is reported as
not kept, so an element this library does not know can never vanish silently;
an element read but not kept says why. Every problem that stops the mapping is
collected first and raised at once, as one
[`ValidationError`][billing_core.errors.ValidationError] whose findings are
located by element path (``Claim.item[0].net.value``).
"""

from __future__ import annotations

import datetime
import enum
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any, Final, Generic, TypeVar, cast

import attrs

from billing_core._checks import describe
from billing_core.errors import Finding, ValidationError
from billing_core.fhir._required import missing_elements

T = TypeVar("T")

RULE: Final = "fhir"
Resource = dict[str, Any]

_ID: Final = re.compile(r"[A-Za-z0-9\-.]{1,64}")
_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class Direction(enum.Enum):
    """Which way a mapping went.

    Examples:
        >>> Direction.TO_FHIR.value
        'to FHIR'
    """

    TO_FHIR = "to FHIR"
    FROM_FHIR = "from FHIR"


@attrs.frozen
class Loss:
    """One thing a mapping did not carry over, and why.

    Attributes:
        path: Where: a field of ours (``claim.lines[0].authorization``) when
            writing FHIR, an element of the input (``Claim.item[0].udi``)
            when reading it.
        reason: Why it is not carried over.

    Examples:
        >>> str(Loss("Claim.item[0].udi", "no field of ours holds it"))
        'Claim.item[0].udi: no field of ours holds it'
    """

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def _losses(value: Iterable[Loss]) -> tuple[Loss, ...]:
    return tuple(value)


def _resources(value: Iterable[Resource]) -> tuple[Resource, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class LossReport:
    """What a mapping could not carry over, each way; nothing is dropped silently.

    Attributes:
        direction: To FHIR (``lost`` names fields of ours that FHIR cannot
            hold) or from FHIR (``lost`` names input elements we do not keep).
        lost: Each thing not carried over, with why.
        assumed: Values the target needs that the source did not give, and
            what was taken for them (a care team role absent in FHIR, say).

    Examples:
        >>> report = LossReport(direction=Direction.FROM_FHIR,
        ...                     lost=[Loss("Claim.item[0].udi", "no field of ours holds it")])
        >>> report.is_lossless, report.paths
        (False, frozenset({'Claim.item[0].udi'}))
        >>> print(report)
        from FHIR, not kept:
          - Claim.item[0].udi: no field of ours holds it
    """

    direction: Direction
    lost: tuple[Loss, ...] = attrs.field(default=(), converter=_losses)
    assumed: tuple[Loss, ...] = attrs.field(default=(), converter=_losses)

    @property
    def is_lossless(self) -> bool:
        """Whether everything was carried over."""
        return not self.lost

    @property
    def paths(self) -> frozenset[str]:
        """The paths of everything not carried over."""
        return frozenset(loss.path for loss in self.lost)

    def __str__(self) -> str:
        if not self.lost and not self.assumed:
            return f"{self.direction.value}: nothing lost"
        lines = [f"{self.direction.value}, not kept:"] if self.lost else []
        lines.extend(f"  - {loss}" for loss in self.lost)
        if self.assumed:
            lines.append(f"{self.direction.value}, assumed:")
            lines.extend(f"  - {loss}" for loss in self.assumed)
        return "\n".join(lines)


@attrs.frozen(kw_only=True)
class Mapped(Generic[T]):
    """The result of a mapping: the value, what was lost, and the resources it refers to.

    Attributes:
        value: A FHIR resource (a dict of JSON values, amounts as ``Decimal``)
            or one of the library's objects.
        report: What could not be carried over.
        included: When writing FHIR, the resources ``value`` refers to that
            the mapping could write too (a claim's Coverage, its payer's and
            providers' Organization and Practitioner), ready for a Bundle.

    Examples:
        >>> mapped = Mapped(value={"resourceType": "Basic"},
        ...                 report=LossReport(direction=Direction.TO_FHIR))
        >>> mapped.report.is_lossless
        True
    """

    value: T
    report: LossReport
    included: tuple[Resource, ...] = attrs.field(default=(), converter=_resources)


# --------------------------------------------------------------------------- reading


class Reader:
    """One reading: the findings that stop it, what it did not keep, what it assumed."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.lost: list[Loss] = []
        self.assumed: list[Loss] = []
        self._nodes: list[Node] = []

    def node(self, data: Mapping[str, Any], path: str) -> Node:
        """A node over ``data`` at ``path``, whose unread elements will be reported."""
        node = Node(self, data, path)
        self._nodes.append(node)
        return node

    def fail(self, path: str, message: str) -> None:
        """A problem that stops the mapping (each problem once)."""
        finding = Finding(location=path, message=message, rule=RULE)
        if finding not in self.findings:
            self.findings.append(finding)

    def lose(self, path: str, reason: str) -> None:
        """An element read but not kept."""
        self.lost.append(Loss(path, reason))

    def assume(self, path: str, what: str) -> None:
        """A value taken for something the input did not give."""
        self.assumed.append(Loss(path, what))

    def check(self) -> None:
        """Raise every finding so far, if any."""
        if self.findings:
            raise ValidationError(self.findings)

    def note_unread(self) -> None:
        """Report every element no one read (once)."""
        for node in self._nodes:
            for key in node.unread():
                self.lose(f"{node.path}.{key}", "no field of ours holds it")
                node.raw(key)

    def report(self) -> LossReport:
        """The report: what was lost (unread elements included) and assumed."""
        self.note_unread()
        return LossReport(direction=Direction.FROM_FHIR, lost=self.lost, assumed=self.assumed)


class Node:
    """A JSON object being read; remembers which elements were read."""

    def __init__(self, reader: Reader, data: Mapping[str, Any], path: str) -> None:
        self.reader = reader
        self.data = data
        self.path = path
        self._read: set[str] = set()

    def at(self, key: str) -> str:
        """The path of an element."""
        return f"{self.path}.{key}"

    def unread(self) -> list[str]:
        """The elements present that were never read."""
        return [k for k in self.data if k not in self._read]

    def drop(self, reason: str) -> None:
        """Report this whole element not kept, and nothing inside it again."""
        self.reader.lose(self.path, reason)
        self._read.update(self.data)

    def has(self, key: str) -> bool:
        """Whether the element is present (not reading it)."""
        return self.data.get(key) is not None

    def raw(self, key: str) -> Any:
        """The element's value as it is, marked read (``None`` when absent)."""
        self._read.add(key)
        return self.data.get(key)

    def lose(self, key: str, reason: str) -> None:
        """Mark a present element read and report it not kept."""
        if self.raw(key) is not None:
            self.reader.lose(self.at(key), reason)

    def text(self, key: str, *, required: bool = False) -> str | None:
        """A string element."""
        value = self.raw(key)
        if value is None:
            if required:
                self.reader.fail(self.at(key), "required element missing")
            return None
        if not isinstance(value, str):
            self.reader.fail(self.at(key), f"must be a string, got {describe(value)}")
            return None
        return value

    def integer(self, key: str) -> int | None:
        """An integer element (never a bool)."""
        value = self.raw(key)
        if value is None:
            return None
        if type(value) is not int:
            self.reader.fail(self.at(key), f"must be an integer, got {describe(value)}")
            return None
        return value

    def date(self, key: str, *, required: bool = False) -> datetime.date | None:
        """A date element; a dateTime keeps its date, and its time is reported lost."""
        value = self.text(key, required=required)
        if value is None:
            return None
        day = date_of(value)
        if day is None:
            self.reader.fail(self.at(key), f"is not a FHIR date, got {describe(value)}")
        elif len(value) > 10:
            self.reader.lose(self.at(key), f"the time of {value!r} is not kept, only its date")
        return day

    def child(self, key: str, *, required: bool = False) -> Node | None:
        """An object element, as a node."""
        value = self.raw(key)
        if value is None:
            if required:
                self.reader.fail(self.at(key), "required element missing")
            return None
        if not isinstance(value, Mapping):
            self.reader.fail(self.at(key), f"must be an object, got {describe(value)}")
            return None
        return self.reader.node(value, self.at(key))

    def children(self, key: str, *, required: bool = False) -> list[Node]:
        """A list of objects, as nodes (paths ``key[0]``, ``key[1]``, ...)."""
        value = self.raw(key)
        if value is None or value == []:
            if required:
                self.reader.fail(self.at(key), "required element missing")
            return []
        if not isinstance(value, list):
            self.reader.fail(self.at(key), f"must be a list, got {describe(value)}")
            return []
        out = []
        for index, item in enumerate(value):
            if isinstance(item, Mapping):
                out.append(self.reader.node(item, f"{self.path}.{key}[{index}]"))
            else:
                self.reader.fail(
                    f"{self.at(key)}[{index}]", f"must be an object, got {describe(item)}"
                )
        return out

    def integers(self, key: str) -> list[int]:
        """A list of integers (sequence numbers)."""
        value = self.raw(key)
        if value is None:
            return []
        if not isinstance(value, list) or any(type(v) is not int for v in value):
            self.reader.fail(self.at(key), f"must be a list of integers, got {describe(value)}")
            return []
        return list(value)


def date_of(text: str) -> datetime.date | None:
    """The date of a FHIR date or dateTime text, or ``None`` if it is neither."""
    if not _DATE.match(text):
        return None
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        return None


def start(resource: object, resource_type: str, path: str | None = None) -> tuple[Reader, Node]:
    """A reader over a resource that must be of ``resource_type``; raises if it is not."""
    reader = Reader()
    where = path or resource_type
    if not isinstance(resource, Mapping):
        reader.fail(where, f"must be a FHIR resource (a JSON object), got {describe(resource)}")
        reader.check()
    data = cast(Mapping[str, Any], resource)  # check() raised if it is not a mapping
    found = data.get("resourceType")
    if found != resource_type:
        reader.fail(f"{where}.resourceType", f"must be {resource_type!r}, got {describe(found)}")
        reader.check()
    for missing in missing_elements(data, resource_type, where):
        reader.fail(missing, "required element missing")
    node = reader.node(data, where)
    node.raw("resourceType")
    return reader, node


_EMPTY: Final = object()


def _under(path: str, lost: frozenset[str]) -> bool:
    return any(path == p or path.startswith((p + ".", p + "[")) for p in lost)


def unkept(source: Any, written: Any, lost: frozenset[str], path: str) -> list[str]:
    """The paths of ``source`` that ``written`` does not hold as they are, outside ``lost``.

    The reader's safety net: it writes what it read back and reports every
    element that would come out otherwise (numbers compare as exact decimals;
    ``written`` may hold more).
    """
    if _under(path, lost):
        return []
    if written is _EMPTY and isinstance(source, Mapping | list):
        written = {} if isinstance(source, Mapping) else []
    if isinstance(source, Mapping):
        if not isinstance(written, Mapping):
            return [path]
        return [
            found
            for key, value in source.items()
            for found in unkept(value, written.get(key, _EMPTY), lost, f"{path}.{key}")
        ]
    if isinstance(source, list):
        if not isinstance(written, list):
            return [path]
        out = []
        for index, value in enumerate(source):
            where = f"{path}[{index}]"
            if index < len(written):
                out.extend(unkept(value, written[index], lost, where))
            elif not _under(where, lost):
                out.append(where)
        return out
    return [] if _same(source, written) else [path]


def _same(a: Any, b: Any) -> bool:
    numbers = (int, float, Decimal)
    if isinstance(a, numbers) and not isinstance(a, bool):
        if not isinstance(b, numbers) or isinstance(b, bool):
            return False
        return Decimal(repr(a) if isinstance(a, float) else a) == Decimal(
            repr(b) if isinstance(b, float) else b
        )
    return bool(a == b)


# --------------------------------------------------------------------------- writing


def fhir_id(value: str, field: str) -> str:
    """``value`` if it can be a FHIR resource id (1-64 letters, digits, ``-``, ``.``)."""
    if not _ID.fullmatch(value):
        raise ValidationError(
            [
                Finding(
                    location=field,
                    message=f"{describe(value)} cannot be a FHIR resource id:"
                    " use 1 to 64 letters, digits, '-' and '.'",
                    rule=RULE,
                )
            ]
        )
    return value


def distinct(resources: Iterable[Resource]) -> list[Resource]:
    """Each resource once; two different ones with one type and id are an error.

    Raises:
        ValidationError: Two different resources named alike (two coverages
            with one id, say): a reader could not tell them apart.
    """
    seen: dict[tuple[Any, Any], Resource] = {}
    for resource in resources:
        key = (resource.get("resourceType"), resource.get("id"))
        if seen.setdefault(key, resource) != resource:
            name = f"{key[0]}/{key[1]}"
            raise ValidationError(
                [
                    Finding(
                        location=name,
                        message="two different resources of the document have this id",
                        rule=RULE,
                    )
                ]
            )
    return list(seen.values())


def prune(resource: Resource) -> Resource:
    """``resource`` without empty lists, empty objects and ``None`` (FHIR has no empty elements)."""
    return cast(Resource, _pruned(resource))


def _pruned(value: Any) -> Any:
    if isinstance(value, dict):
        out = {k: _pruned(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v is not None and v != [] and v != {}}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value


# --------------------------------------------------------------------------- JSON text


def dumps(resource: Mapping[str, Any]) -> str:
    """JSON text of a resource, each ``Decimal`` written as the exact JSON number it holds.

    Examples:
        >>> from decimal import Decimal
        >>> dumps({"value": Decimal("135.50"), "currency": "USD"})
        '{"value":135.50,"currency":"USD"}'
    """
    return "".join(_chunks(resource))


def _chunks(value: Any) -> Iterator[str]:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"a FHIR number must be finite, got {value}")
        yield str(value)
    elif isinstance(value, Mapping):
        yield "{"
        for index, (key, item) in enumerate(value.items()):
            yield ("," if index else "") + json.dumps(key, ensure_ascii=False) + ":"
            yield from _chunks(item)
        yield "}"
    elif isinstance(value, list | tuple):
        yield "["
        for index, item in enumerate(value):
            if index:
                yield ","
            yield from _chunks(item)
        yield "]"
    else:
        yield json.dumps(value, ensure_ascii=False, allow_nan=False)


def loads(text: str | bytes) -> Any:
    """The value of FHIR JSON text, every decimal number read exactly as a ``Decimal``.

    Examples:
        >>> loads('{"value": 0.30000000000000004}')["value"]
        Decimal('0.30000000000000004')
    """
    try:
        return json.loads(text, parse_float=Decimal)
    except ValueError as exc:
        raise ValidationError(
            [Finding(location="$", message=f"not valid JSON: {str(exc)[:200]}", rule=RULE)]
        ) from None
