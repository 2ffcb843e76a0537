"""Envelope checks: ISA/IEA, GS/GE and ST/SE counts and control numbers (private).

Every transaction set ends with an SE whose count (SE01) is the number of its
segments, ST and SE included, and whose control number (SE02) repeats ST02;
each functional group ends with a GE counting its transaction sets and
repeating GS06; the interchange ends with an IEA counting its groups and
repeating ISA13. A mismatch is a finding naming the segment and what was
expected.
"""

from __future__ import annotations

from collections.abc import Collection

from billing_core.x12._problems import Problems
from billing_core.x12._values import element

__all__ = ["EnvelopeChecker"]

_RULE = "x12.envelope"


class EnvelopeChecker:
    """Follows the envelope segments of one interchange and reports every mismatch.

    Args:
        problems: Where findings go.
        transaction: The transaction set id expected in ST01 (``"835"``).
        versions: The implementation guides accepted in GS08 (and ST03).
        functional: The functional identifier expected in GS01 (``"HP"``).

    Examples:
        >>> from billing_core.x12._problems import Problems
        >>> p = Problems(strict=False)
        >>> env = EnvelopeChecker(p, "835", {"005010X221A1"}, "HP")
        >>> env.st(3, ["ST", "835", "1"])
        >>> env.se(5, ["SE", "4", "1"])
        >>> [str(f) for f in p.findings]
        ['segment 5 (SE) SE01: the transaction set has 3 segments, SE01 says 4']
    """

    def __init__(
        self, problems: Problems, transaction: str, versions: Collection[str], functional: str
    ) -> None:
        self.problems = problems
        self.transaction = transaction
        self.versions = versions
        self.functional = functional
        self.isa_control: str | None = None
        self.legacy = False
        self.gs_control: str | None = None
        self.gs_number = 0
        self.groups = 0
        self.sets_in_group = 0
        self.st_number = 0
        self.st_control = ""
        self.closed = False

    def _add(self, number: int, segment_id: str, el: str, message: str) -> None:
        self.problems.add(number, segment_id, el, message, _RULE)

    def isa(self, number: int, segment: list[str]) -> None:
        """The interchange header: its control number and version."""
        if self.isa_control is not None:
            self._add(number, "ISA", "", "a second ISA before the IEA of the first")
        self.isa_control = element(segment, 13)
        version = element(segment, 12)
        self.legacy = version == "00401"
        if version != "00501":
            self._add(number, "ISA", "ISA12", f"version {version!r}, expected '00501' (5010)")

    def gs(self, number: int, segment: list[str]) -> None:
        """A functional group header: its identifier, control number and guide."""
        if self.gs_control is not None:
            self._add(number, "GS", "", "a GS before the GE of the previous group")
        self.gs_control = element(segment, 6)
        self.gs_number = number
        self.sets_in_group = 0
        self.groups += 1
        code = element(segment, 1)
        if code != self.functional:
            self._add(
                number,
                "GS",
                "GS01",
                f"functional identifier {code!r}, expected {self.functional!r}",
            )
        version = element(segment, 8)
        if version not in self.versions:
            expected = " or ".join(repr(v) for v in sorted(self.versions))
            self._add(number, "GS", "GS08", f"guide {version!r}, expected {expected}")

    def st(self, number: int, segment: list[str]) -> None:
        """A transaction set header."""
        if self.st_number:
            self._add(number, "ST", "", "an ST before the SE of the previous transaction set")
        code = element(segment, 1)
        if code != self.transaction:
            self.problems.fatal(
                number,
                "ST",
                f"ST01 is {code!r}: this is not a {self.transaction} transaction set",
                "x12.transaction",
            )
        self.st_number = number
        self.st_control = element(segment, 2)
        self.sets_in_group += 1

    def se(self, number: int, segment: list[str]) -> None:
        """A transaction set trailer: its count and control number."""
        if not self.st_number:
            self._add(number, "SE", "", "an SE without an ST")
            return
        count = number - self.st_number + 1
        said = element(segment, 1)
        if said != str(count):
            self._add(
                number,
                "SE",
                "SE01",
                f"the transaction set has {count} segments, SE01 says {said[:12] or 'nothing'}",
            )
        control = element(segment, 2)
        if control != self.st_control:
            self._add(
                number,
                "SE",
                "SE02",
                f"control number {control[:12]!r}, expected {self.st_control!r} (ST02)",
            )
        self.st_number = 0

    def ge(self, number: int, segment: list[str]) -> None:
        """A functional group trailer: its count and control number."""
        if self.gs_control is None:
            self._add(number, "GE", "", "a GE without a GS")
            return
        said = element(segment, 1)
        if said != str(self.sets_in_group):
            self._add(
                number,
                "GE",
                "GE01",
                f"the group has {self.sets_in_group} transaction"
                f" sets, GE01 says {said[:12] or 'nothing'}",
            )
        control = element(segment, 2)
        if control != self.gs_control:
            self._add(
                number,
                "GE",
                "GE02",
                f"control number {control[:12]!r}, expected {self.gs_control!r} (GS06)",
            )
        self.gs_control = None

    def iea(self, number: int, segment: list[str]) -> None:
        """The interchange trailer: its count and control number."""
        said = element(segment, 1)
        if said != str(self.groups):
            self._add(
                number,
                "IEA",
                "IEA01",
                f"the interchange has {self.groups} groups, IEA01 says {said[:12] or 'nothing'}",
            )
        control = element(segment, 2)
        if self.isa_control is not None and control != self.isa_control:
            self._add(
                number,
                "IEA",
                "IEA02",
                f"control number {control[:12]!r}, expected {self.isa_control!r} (ISA13)",
            )
        self.closed = True

    def end(self, number: int) -> None:
        """After the last segment: every envelope opened was closed."""
        if self.st_number:
            self._add(number, "", "", "the input ends inside a transaction set (no SE)")
        if self.gs_control is not None:
            self._add(number, "", "", "the input ends inside a functional group (no GE)")
        if self.isa_control is not None and not self.closed:
            self._add(number, "", "", "the input ends inside the interchange (no IEA)")
