"""What a lenient reading returns: the documents read, and every problem found (private)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from billing_core.errors import Finding
from billing_core.x12._problems import Problems
from billing_core.x12._tokens import Source, Tokenizer

__all__ = ["ReadResult", "read_all"]

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


def read_all(
    source: Source,
    *,
    strict: bool,
    progress: Callable[[int], None] | None,
    walk: Callable[[Tokenizer, Problems], Iterable[_T]],
) -> ReadResult[_T]:
    """Tokenize ``source``, let ``walk`` turn its segments into documents, collect the problems.

    Strict reading raises one [`X12Error`][billing_core.x12.X12Error] at the end when
    anything was found; lenient reading returns the findings with the documents.

    Examples:
        >>> read_all("ST*835*1~SE*2*1~", strict=False, progress=None,
        ...          walk=lambda tok, problems: [s[0] for s in tok]).findings[0].location
        'segment 1 (ST)'
    """
    problems = Problems(strict=strict)
    tok = Tokenizer(source, problems, progress=progress)
    tok.start()  # the delimiters are known from here on
    items = list(walk(tok, problems))
    problems.raise_if_strict()
    return ReadResult(items, problems.findings)
