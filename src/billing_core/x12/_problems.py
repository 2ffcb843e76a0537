"""Problems found while reading X12: findings with a segment number and id, and the error.

A reader reports every problem as a [`Finding`][billing_core.errors.Finding]
located ``segment 14 (CLP) CLP02``. Strict reading raises one
[`X12Error`][billing_core.x12.X12Error] carrying them all; lenient reading
returns them with what could be read. A problem that makes the rest of the
input unreadable (no ISA header, a segment longer than the limit) stops the
reading at once. The number of findings kept is bounded, so hostile input
cannot turn into an unbounded list of messages.
"""

from __future__ import annotations

from typing import Final, NoReturn

from billing_core.errors import Finding, ValidationError

__all__ = ["MAX_FINDINGS", "Problems", "X12Error"]

MAX_FINDINGS: Final = 100
"""The most findings one reading keeps; the last one says how many more there were."""


class X12Error(ValidationError):
    """X12 input that cannot be read as it is: every problem, each with its segment.

    A [`ValidationError`][billing_core.errors.ValidationError] (so also a
    ``ValueError``) whose findings are located by segment number (counted
    from 1, the ISA being segment 1), segment id and element, e.g.
    ``segment 14 (CLP) CLP02: unknown claim status '7'``.

    Attributes:
        findings: Every problem, in input order.

    Examples:
        >>> from billing_core.x12 import read_835
        >>> try:
        ...     read_835("hello")
        ... except X12Error as exc:
        ...     print(exc)
        segment 1: not X12 data: expected an interchange starting with 'ISA', got 'hello' (to read a file, pass a pathlib.Path)
    """  # noqa: E501


def where(number: int, segment_id: str = "", element: str = "") -> str:
    """The location of a finding: ``segment 14 (CLP) CLP02``.

    Examples:
        >>> where(14, "CLP", "CLP02"), where(1)
        ('segment 14 (CLP) CLP02', 'segment 1')
    """
    text = f"segment {number}"
    if segment_id:
        text += f" ({segment_id})"
    if element:
        text += f" {element}"
    return text


class Problems:
    """The findings of one reading, bounded, strict or lenient.

    Examples:
        >>> p = Problems(strict=False)
        >>> p.add(3, "BPR", "BPR16", "'2000' is not a date", "x12.value")
        >>> [str(f) for f in p.findings]
        ["segment 3 (BPR) BPR16: '2000' is not a date"]
    """

    def __init__(self, *, strict: bool) -> None:
        self.strict = strict
        self._findings: list[Finding] = []
        self._dropped = 0

    def add(self, number: int, segment_id: str, element: str, message: str, rule: str) -> None:
        """Record a problem; the reading goes on (strict reading raises at the end)."""
        if len(self._findings) < MAX_FINDINGS:
            location = where(number, segment_id, element)
            self._findings.append(Finding(location=location, message=message, rule=rule))
        else:
            self._dropped += 1

    def fatal(self, number: int, segment_id: str, message: str, rule: str) -> NoReturn:
        """Record a problem that stops the reading, and raise every finding so far."""
        location = where(number, segment_id)
        raise X12Error([*self.findings, Finding(location=location, message=message, rule=rule)])

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding kept, and one saying how many were dropped past the bound."""
        if not self._dropped:
            return tuple(self._findings)
        more = Finding(
            location="input",
            message=f"{self._dropped} more problems not listed (at most {MAX_FINDINGS} are kept)",
            rule="x12.too_many_problems",
        )
        return (*self._findings, more)

    def raise_if_strict(self) -> None:
        """In strict mode, raise one error carrying every finding, if there is any."""
        if self.strict and self._findings:
            raise X12Error(self.findings)
