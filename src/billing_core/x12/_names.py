"""Names, addresses and codes as the 837 writes and reads them (private).

A person's name is one ``str`` in the documents; X12 splits it into last,
first and middle name (NM103-NM105). The convention both ways: ``"Last, First
Middle"`` is written as NM103 ``Last``, NM104 ``First``, NM105 ``Middle``; a
name without a comma is written whole as the last name (an organization's
name always is). Reading joins the parts back the same way, so a name read
and written comes back equal.
"""

from __future__ import annotations

from typing import Final

from billing_core.parties import Relationship

__all__ = [
    "RELATIONSHIP_CODES",
    "SEQUENCE_CODES",
    "join_name",
    "split_name",
]

SEQUENCE_CODES: Final = {1: "P", 2: "S", 3: "T"}
"""Coverage sequence to SBR01 (payer responsibility sequence)."""

RELATIONSHIP_CODES: Final = {
    Relationship.SELF: "18",
    Relationship.SPOUSE: "01",
    Relationship.CHILD: "19",
    Relationship.OTHER: "G8",
}
"""The patient's relationship to the subscriber, as SBR02/PAT01 codes."""


def split_name(name: str) -> tuple[str, str, str]:
    """``(last, first, middle)`` of a name written ``"Last, First Middle"``.

    Examples:
        >>> split_name("Roe, Jane A"), split_name("Acme Clinic")
        (('Roe', 'Jane', 'A'), ('Acme Clinic', '', ''))
    """
    last, comma, rest = name.partition(",")
    if not comma:
        return name.strip(), "", ""
    first, _, middle = rest.strip().partition(" ")
    return last.strip(), first.strip(), middle.strip()


def join_name(last: str, first: str = "", middle: str = "") -> str:
    """The one-string name of NM103-NM105 (see [`split_name`][billing_core.x12._names.split_name]).

    Examples:
        >>> join_name("Roe", "Jane", "A"), join_name("Acme Clinic"), join_name("Roe", "", "A")
        ('Roe, Jane A', 'Acme Clinic', 'Roe')
    """
    if not first:
        return last
    return f"{last}, {first} {middle}".rstrip()
