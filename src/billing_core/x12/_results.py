"""What a lenient reading returns: the documents read, and every problem found (private)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from billing_core.errors import Finding

__all__ = ["ReadResult"]

_T = TypeVar("_T")


class ReadResult(list[_T]):
    """The documents read (a plain list), with the problems found on the way.

    A strict reading raises on any problem, so its result has no findings; a
    lenient one (``strict=False``) keeps them here, each located by segment.

    Attributes:
        findings: Every problem found, in input order.

    Examples:
        >>> from billing_core.errors import Finding
        >>> result = ReadResult(["a"], [Finding(location="segment 3 (BPR)", message="bad")])
        >>> list(result), [str(f) for f in result.findings]
        (['a'], ['segment 3 (BPR): bad'])
    """

    findings: tuple[Finding, ...]

    def __init__(self, items: Iterable[_T] = (), findings: Iterable[Finding] = ()) -> None:
        super().__init__(items)
        self.findings = tuple(findings)

    @property
    def ok(self) -> bool:
        """Whether nothing was found wrong.

        Examples:
            >>> ReadResult([1]).ok
            True
        """
        return not self.findings
